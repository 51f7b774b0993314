#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/create.h"
#include "libruno/log.h"

static const struct option help_only[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_start (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  const char *id;
  int c, ret;

  while ((c = getopt_long (argc, argv, "+:h", help_only, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: runo start ID\n");
          return EXIT_SUCCESS;
        }
      return runo_bad_option (ctx, c, argv);
    }
  ret = runo_take_id (ctx, argc, argv, &id);
  if (ret != 0)
    return ret;
  if (runo_container_start (ctx, id, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
