/* libFuzzer target: the mount option parser and the container path
   cleaner.  The input is NUL-separated fields: the mount's type, its
   destination, then its options.  */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libruno/mounts.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* What runo_clean_container_path promises: relative, no "." or ".."
   component, no empty one.  */
static void
check_clean (const char *in, const char *out)
{
  const char *p = out;

  if (*out == '/' || (*out && out[strlen (out) - 1] == '/'))
    goto bad;
  while (*p)
    {
      const char *end = strchrnul (p, '/');
      size_t n = (size_t)(end - p);
      if (n == 0 || (n == 1 && p[0] == '.')
          || (n == 2 && p[0] == '.' && p[1] == '.'))
        goto bad;
      p = *end ? end + 1 : end;
    }
  return;
bad:
  fprintf (stderr, "clean(\"%s\") = \"%s\"\n", in, out);
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = malloc (size + 1);
  char *fields[64];
  size_t n = 0, i = 0;
  oci_mount m = { 0 };
  oci_id_mapping map = { 0 }, *maps[1] = { &map };
  runo_mount_options o;
  runo_error *err = NULL;
  char *clean;

  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  while (n < sizeof fields / sizeof *fields)
    {
      fields[n++] = buf + i;
      while (i < size && buf[i] != '\0')
        i++;
      if (i >= size)
        break;
      i++;
    }
  m.type = fields[0];
  m.destination = n > 1 ? fields[1] : "";
  m.options = n > 2 ? fields + 2 : NULL;
  m.options_len = n > 2 ? n - 2 : 0;
  m.options_present = m.options_len > 0;
  /* Mappings change which idmap mode is chosen: have them for types
     starting with an odd byte.  */
  if (size > 0 && (data[0] & 1))
    {
      m.uid_mappings = maps;
      m.uid_mappings_len = 1;
    }
  if (runo_mount_options_parse (&m, &o, &err) < 0)
    {
      if (err == NULL || strchr (err->msg, '\n') != NULL)
        abort ();
      runo_error_release (&err);
    }
  else
    {
      /* A bind mount has no filesystem: an unknown word is refused.  */
      if (o.bind && o.unknown)
        abort ();
      runo_mount_options_free (&o);
    }
  clean = runo_clean_container_path (m.destination);
  check_clean (m.destination, clean);
  free (clean);
  free (buf);
  return 0;
}
