#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "libruno/container.h"
#include "libruno/log.h"
#include "libruno/utils.h"

static const struct option state_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_state (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *json = NULL;
  const char *id;
  int c, ret;

  while ((c = getopt_long (argc, argv, "+:h", state_options, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: runo state CONTAINER-ID\n");
          return EXIT_SUCCESS;
        }
      return runo_bad_option (ctx, c, argv);
    }
  ret = runo_take_id (ctx, argc, argv, &id);
  if (ret != 0)
    return ret;
  if (runo_container_state (ctx, id, &json, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  printf ("%s\n", json);
  return EXIT_SUCCESS;
}
