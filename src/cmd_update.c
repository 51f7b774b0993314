#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "commands.h"
#include "libruno/control.h"
#include "libruno/log.h"
#include "libruno/utils.h"

/* runc's flags, each one field of linux.resources. */
static const struct update_flag
{
  const char *name;
  const char *section; /* memory, cpu, pids, blockIO */
  const char *field;
  enum
  {
    BYTES,   /* number with an optional k/m/g/t suffix, or -1 */
    INTEGER, /* signed number */
    STRING,  /* cpu list */
  } kind;
} update_flags[] = {
  { "memory", "memory", "limit", BYTES },
  { "memory-reservation", "memory", "reservation", BYTES },
  { "memory-swap", "memory", "swap", BYTES },
  { "kernel-memory", "memory", "kernel", BYTES },
  { "kernel-memory-tcp", "memory", "kernelTCP", BYTES },
  { "cpu-shares", "cpu", "shares", INTEGER },
  { "cpu-quota", "cpu", "quota", INTEGER },
  { "cpu-period", "cpu", "period", INTEGER },
  { "cpu-rt-period", "cpu", "realtimePeriod", INTEGER },
  { "cpu-rt-runtime", "cpu", "realtimeRuntime", INTEGER },
  { "cpuset-cpus", "cpu", "cpus", STRING },
  { "cpuset-mems", "cpu", "mems", STRING },
  { "pids-limit", "pids", "limit", INTEGER },
  { "blkio-weight", "blockIO", "weight", INTEGER },
};
#define N_FLAGS (sizeof (update_flags) / sizeof (update_flags[0]))

enum
{
  OPT_RESOURCES = 'r',
  OPT_FLAG_BASE = 0x100,
  OPT_L3_CACHE = 0x200,
  OPT_MEM_BW,
};

/* Turn "512m" into 536870912; numbers without a suffix are bytes. */
static int
parse_value (const struct update_flag *flag, const char *text, char *out,
             size_t size)
{
  char *end;
  long long n;

  if (flag->kind == STRING)
    {
      const char *p;
      for (p = text; *p; p++)
        if (!isdigit ((unsigned char)*p) && *p != ',' && *p != '-')
          return -1;
      snprintf (out, size, "%s", text);
      return 0;
    }
  errno = 0;
  n = strtoll (text, &end, 10);
  if (errno || end == text)
    return -1;
  if (flag->kind == BYTES && *end)
    {
      const char *suffixes = "kmgt";
      const char *s = strchr (suffixes, tolower ((unsigned char)*end));
      int i;

      if (s == NULL || n < 0)
        return -1;
      for (i = 0; i <= s - suffixes; i++)
        {
          if (n > (long long)(__LONG_LONG_MAX__ / 1024))
            return -1;
          n *= 1024;
        }
      end++;
      if (*end == 'b' || *end == 'B')
        end++;
    }
  if (*end)
    return -1;
  snprintf (out, size, "%lld", n);
  return 0;
}

static void
gen_str (yajl_gen gen, const char *s)
{
  yajl_gen_string (gen, (const unsigned char *)s, strlen (s));
}

/* The linux.resources object the flags describe, grouped by section. */
static char *
flags_to_json (char *const *values)
{
  static const char *const sections[] = { "memory", "cpu", "pids", "blockIO" };
  yajl_gen gen = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  char *json = NULL;
  size_t len, s, i;

  yajl_gen_map_open (gen);
  for (s = 0; s < sizeof (sections) / sizeof (sections[0]); s++)
    {
      bool open = false;

      for (i = 0; i < N_FLAGS; i++)
        {
          if (values[i] == NULL
              || strcmp (update_flags[i].section, sections[s]) != 0)
            continue;
          if (!open)
            {
              gen_str (gen, sections[s]);
              yajl_gen_map_open (gen);
              open = true;
            }
          gen_str (gen, update_flags[i].field);
          if (update_flags[i].kind == STRING)
            gen_str (gen, values[i]);
          else
            yajl_gen_number (gen, values[i], strlen (values[i]));
        }
      if (open)
        yajl_gen_map_close (gen);
    }
  yajl_gen_map_close (gen);
  if (yajl_gen_get_buf (gen, &buf, &len) == yajl_gen_status_ok)
    json = runo_xasprintf ("%.*s", (int)len, (const char *)buf);
  yajl_gen_free (gen);
  return json;
}

int
cmd_update (runo_context *ctx, int argc, char **argv)
{
  struct option options[N_FLAGS + 5];
  char *values[N_FLAGS] = { 0 };
  char value_buf[N_FLAGS][64];
  cleanup_error runo_error *err = NULL;
  cleanup_free char *json = NULL;
  const char *resources = NULL, *id;
  bool any_flag = false;
  size_t i, len;
  int c, ret;

  for (i = 0; i < N_FLAGS; i++)
    options[i] = (struct option){ update_flags[i].name, required_argument, NULL,
                                  (int)(OPT_FLAG_BASE + i) };
  options[N_FLAGS]
      = (struct option){ "resources", required_argument, NULL, OPT_RESOURCES };
  options[N_FLAGS + 1] = (struct option){ "l3-cache-schema", required_argument,
                                          NULL, OPT_L3_CACHE };
  options[N_FLAGS + 2]
      = (struct option){ "mem-bw-schema", required_argument, NULL, OPT_MEM_BW };
  options[N_FLAGS + 3] = (struct option){ "help", no_argument, NULL, 'h' };
  options[N_FLAGS + 4] = (struct option){ NULL, 0, NULL, 0 };

  while ((c = getopt_long (argc, argv, "+:r:h", options, NULL)) != -1)
    {
      if (c >= OPT_FLAG_BASE && c < OPT_FLAG_BASE + (int)N_FLAGS)
        {
          i = (size_t)(c - OPT_FLAG_BASE);
          if (parse_value (&update_flags[i], optarg, value_buf[i],
                           sizeof (value_buf[i]))
              < 0)
            return runo_usage_error (ctx, "--%s %s: invalid value",
                                     update_flags[i].name, optarg);
          values[i] = value_buf[i];
          any_flag = true;
          continue;
        }
      switch (c)
        {
        case OPT_RESOURCES:
          resources = optarg;
          break;
        case OPT_L3_CACHE:
        case OPT_MEM_BW:
          return runo_usage_error (ctx, "%s: Intel RDT is not supported",
                                   argv[optind - 1]);
        case 'h':
          printf ("Usage: runo update [--resources FILE|-] [--memory N] "
                  "[--cpu-shares N] ... ID\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  ret = runo_take_id (ctx, argc, argv, &id);
  if (ret != 0)
    return ret;
  if (resources && any_flag)
    return runo_usage_error (ctx, "--resources cannot go with other flags");
  if (resources)
    {
      if (runo_read_file_at (
              AT_FDCWD, strcmp (resources, "-") == 0 ? "/dev/stdin" : resources,
              64 * 1024 * 1024, &json, &len, &err)
          < 0)
        {
          runo_error_wrap (&err, "--resources");
          runo_log_error (ctx, &err);
          return EXIT_FAILURE;
        }
    }
  else
    {
      if (!any_flag)
        return runo_usage_error (ctx, "nothing to update: give --resources "
                                      "or a resource flag");
      json = flags_to_json (values);
      len = strlen (json);
    }
  if (runo_container_update (ctx, id, json, len, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
