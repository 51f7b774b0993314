#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/features.h"
#include "libruno/log.h"
#include "libruno/utils.h"

static const struct option features_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_features (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *json = NULL;
  int c;

  while ((c = getopt_long (argc, argv, "+:h", features_options, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: runo features\n");
          return EXIT_SUCCESS;
        }
      return runo_bad_option (ctx, c, argv);
    }
  if (optind < argc)
    return runo_usage_error (ctx, "unexpected argument `%s`", argv[optind]);
  if (runo_features_json (&json, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  printf ("%s\n", json);
  return EXIT_SUCCESS;
}
