/* The commands that act on an existing container by id: start, kill,
   delete.  Each only parses its options. */
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

static int
report (runo_context *ctx, runo_error **err)
{
  runo_log_error (ctx, err);
  return EXIT_FAILURE;
}

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
    return report (ctx, &err);
  return EXIT_SUCCESS;
}

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
    return runo_usage_error (ctx, "unexpected argument `%s`",
                             argv[optind + 2]);
  id = argv[optind];
  if (argc - optind == 2 && runo_parse_signal (argv[optind + 1], &sig, &err) < 0)
    return report (ctx, &err);
  if (runo_container_kill (ctx, id, sig, all, &err) < 0)
    return report (ctx, &err);
  return EXIT_SUCCESS;
}

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
    return report (ctx, &err);
  return EXIT_SUCCESS;
}
