#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/log.h"
#include "libruno/spec.h"

static const struct option spec_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "rootless", no_argument, NULL, 'r' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_spec (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  const char *bundle = ".";
  bool rootless = false;
  int c;

  while ((c = getopt_long (argc, argv, "+:b:h", spec_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'b':
          bundle = optarg;
          break;
        case 'r':
          rootless = true;
          break;
        case 'h':
          printf ("Usage: runo spec [--bundle DIR] [--rootless]\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  if (optind < argc)
    return runo_usage_error (ctx, "unexpected argument `%s`", argv[optind]);
  if (runo_spec_write (bundle, rootless, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
