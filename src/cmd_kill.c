#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/create.h"
#include "libruno/log.h"

static const struct option kill_options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_kill (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  const char *id;
  int c, sig = SIGTERM;
  bool all = false;

  while ((c = getopt_long (argc, argv, "+:ah", kill_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'a':
          all = true;
          break;
        case 'h':
          printf ("Usage: runo kill [--all] ID [SIGNAL]\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  if (optind >= argc)
    return runo_usage_error (ctx, "missing container id");
  if (argc - optind > 2)
    return runo_usage_error (ctx, "unexpected argument `%s`", argv[optind + 2]);
  id = argv[optind];
  if (argc - optind == 2
      && runo_parse_signal (argv[optind + 1], &sig, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  if (runo_container_kill (ctx, id, sig, all, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
