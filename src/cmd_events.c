#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/control.h"
#include "libruno/log.h"

static const struct option events_options[] = {
  { "stats", no_argument, NULL, 's' },
  { "interval", required_argument, NULL, 'i' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* A duration as runc takes it: "5s", "500ms", "1m", or plain seconds. */
static int
parse_interval (const char *text, unsigned *ms)
{
  char *end;
  double value = strtod (text, &end);

  if (end == text || value <= 0)
    return -1;
  if (strcmp (end, "ms") == 0)
    ;
  else if (*end == '\0' || strcmp (end, "s") == 0)
    value *= 1000;
  else if (strcmp (end, "m") == 0)
    value *= 60000;
  else
    return -1;
  if (value < 1 || value > 86400000)
    return -1;
  *ms = (unsigned)value;
  return 0;
}

int
cmd_events (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  unsigned interval_ms = 5000;
  bool stats = false;
  const char *id;
  int c, ret;

  while ((c = getopt_long (argc, argv, "+:h", events_options, NULL)) != -1)
    {
      switch (c)
        {
        case 's':
          stats = true;
          break;
        case 'i':
          if (parse_interval (optarg, &interval_ms) < 0)
            return runo_usage_error (ctx,
                                     "--interval %s: expected a "
                                     "duration such as 5s or 500ms",
                                     optarg);
          break;
        case 'h':
          printf ("Usage: runo events [--stats] [--interval DURATION] ID\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  ret = runo_take_id (ctx, argc, argv, &id);
  if (ret != 0)
    return ret;
  if (runo_container_events (ctx, id, stats, interval_ms, stdout, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
