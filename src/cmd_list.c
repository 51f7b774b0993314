#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/container.h"
#include "libruno/log.h"

static const struct option list_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_list (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  enum runo_list_format format = RUNO_LIST_TABLE;
  bool quiet = false;
  int c;

  while ((c = getopt_long (argc, argv, "+:f:qh", list_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'f':
          if (strcmp (optarg, "table") == 0)
            format = RUNO_LIST_TABLE;
          else if (strcmp (optarg, "json") == 0)
            format = RUNO_LIST_JSON;
          else
            return runo_usage_error (ctx,
                                     "invalid format `%s`: expected "
                                     "table or json",
                                     optarg);
          break;
        case 'q':
          quiet = true;
          break;
        case 'h':
          printf ("Usage: runo list [--format table|json] [-q]\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  if (optind < argc)
    return runo_usage_error (ctx, "unexpected argument `%s`", argv[optind]);
  if (runo_container_list (ctx, quiet ? RUNO_LIST_QUIET : format, stdout, &err)
      < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
