/* libFuzzer target: linux.seccomp from the parser to the BPF program,
   without loading it.  The input is the seccomp object's JSON, put in a
   minimal config.json so the parser's rules apply to it too.  */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libruno/seccomp.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char head[] = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t len = sizeof head - 1 + size + sizeof tail - 1;
  char *doc = malloc (len);
  char *perr = NULL;
  oci_config *config;
  runo_seccomp *s = NULL;
  runo_error *err = NULL;

  if (doc == NULL)
    return 0;
  memcpy (doc, head, sizeof head - 1);
  memcpy (doc + sizeof head - 1, data, size);
  memcpy (doc + sizeof head - 1 + size, tail, sizeof tail - 1);
  config = oci_config_parse_data (doc, len, "config.json", &perr);
  free (doc);
  if (config == NULL)
    {
      free (perr);
      return 0;
    }
  if (config->linux_ && config->linux_->seccomp)
    {
      if (runo_seccomp_compile (config->linux_->seccomp, &s, &err) < 0)
        {
          if (err == NULL || strchr (err->msg, '\n') != NULL)
            abort ();
          runo_error_release (&err);
        }
      else if (runo_seccomp_program_length (s) == 0)
        abort ();
      runo_seccomp_free (s);
    }
  oci_config_free (config);
  return 0;
}
