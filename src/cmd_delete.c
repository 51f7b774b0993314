#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/create.h"
#include "libruno/log.h"

static const struct option delete_options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_delete (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  const char *id;
  bool force = false;
  int c, ret;

  while ((c = getopt_long (argc, argv, "+:fh", delete_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'f':
          force = true;
          break;
        case 'h':
          printf ("Usage: runo delete [--force] ID\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  ret = runo_take_id (ctx, argc, argv, &id);
  if (ret != 0)
    return ret;
  if (runo_container_delete (ctx, id, force, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
