#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/control.h"
#include "libruno/log.h"
#include "libruno/state.h"

static const struct option ps_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_ps (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  bool json = false;
  const char *id;
  int c;

  while ((c = getopt_long (argc, argv, "+:f:h", ps_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'f':
          if (strcmp (optarg, "json") == 0)
            json = true;
          else if (strcmp (optarg, "table") != 0)
            return runo_usage_error (ctx,
                                     "invalid format `%s`: expected "
                                     "table or json",
                                     optarg);
          break;
        case 'h':
          printf ("Usage: runo ps [--format table|json] ID [PS ARGS...]\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  if (optind >= argc)
    return runo_usage_error (ctx, "missing container id");
  id = argv[optind];
  if (runo_id_validate (id, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  if (json && argc - optind > 1)
    return runo_usage_error (ctx, "ps arguments cannot go with --format json");
  if (runo_container_ps (ctx, id, json, argv + optind + 1,
                         (size_t)(argc - optind - 1), stdout, &err)
      < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
