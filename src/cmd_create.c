#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/create.h"
#include "libruno/log.h"

enum
{
  OPT_NO_PIVOT = 0x100,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_PID_FILE,
  OPT_CONSOLE_SOCKET,
  OPT_NO_SUBREAPER,
  OPT_KEEP,
};

static const struct option create_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "detach", no_argument, NULL, 'd' },
  { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
  { "keep", no_argument, NULL, OPT_KEEP },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
runo_parse_create_options (runo_context *ctx, int argc, char **argv,
                           bool is_run, runo_create_options *opts, bool *detach)
{
  int c;

  while ((c = getopt_long (argc, argv, "+:b:dh", create_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'b':
          opts->bundle = optarg;
          break;
        case OPT_PID_FILE:
          opts->pid_file = optarg;
          break;
        case OPT_CONSOLE_SOCKET:
          opts->console_socket = optarg;
          break;
        case OPT_NO_PIVOT:
          opts->no_pivot = true;
          break;
        case OPT_NO_NEW_KEYRING:
          opts->no_new_keyring = true;
          break;
        case OPT_PRESERVE_FDS:
          {
            char *end;
            long n = strtol (optarg, &end, 10);
            if (*end || n < 0 || n > 1000000)
              return runo_usage_error (ctx,
                                       "--preserve-fds %s: expected a "
                                       "number",
                                       optarg);
            opts->preserve_fds = (int)n;
          }
          break;
        case 'd':
        case OPT_NO_SUBREAPER:
        case OPT_KEEP:
          if (!is_run)
            return runo_usage_error (ctx, "unknown option `%s`",
                                     argv[optind - 1]);
          if (c == 'd')
            *detach = true;
          if (c == OPT_KEEP)
            opts->keep = true;
          break;
        case 'h':
          printf ("Usage: runo %s [--bundle DIR] [--pid-file FILE] "
                  "[--console-socket SOCKET] [--no-pivot] [--no-new-keyring] "
                  "[--preserve-fds N]%s ID\n",
                  is_run ? "run" : "create", is_run ? " [--detach]" : "");
          exit (EXIT_SUCCESS);
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  return runo_take_id (ctx, argc, argv, &opts->id);
}

int
cmd_create (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  runo_create_options opts = { 0 };
  pid_t pid;
  int ret;

  ret = runo_parse_create_options (ctx, argc, argv, false, &opts, NULL);
  if (ret != 0)
    return ret;
  if (runo_container_create (ctx, &opts, &pid, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
