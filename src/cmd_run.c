#include <config.h>

#include <stdlib.h>

#include "commands.h"
#include "libruno/create.h"
#include "libruno/log.h"

int
cmd_run (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  runo_create_options opts = { 0 };
  bool detach = false;
  int ret, status;

  ret = runo_parse_create_options (ctx, argc, argv, true, &opts, &detach);
  if (ret != 0)
    return ret;
  if (runo_container_run (ctx, &opts, detach, &status, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return status;
}
