#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/exec.h"
#include "libruno/log.h"
#include "libruno/state.h"
#include "libruno/utils.h"

enum
{
  OPT_PID_FILE = 0x100,
  OPT_CONSOLE_SOCKET,
  OPT_PRESERVE_FDS,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_PROCESS_LABEL,
  OPT_CWD,
};

static const struct option exec_options[] = {
  { "process", required_argument, NULL, 'p' },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "env", required_argument, NULL, 'e' },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "user", required_argument, NULL, 'u' },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
  { "apparmor", required_argument, NULL, OPT_APPARMOR },
  { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static char **
push (char **list, size_t *len, char *value)
{
  char **grown = realloc (list, (*len + 1) * sizeof (char *));

  if (grown == NULL)
    abort ();
  grown[(*len)++] = value;
  return grown;
}

int
cmd_exec (runo_context *ctx, int argc, char **argv)
{
  cleanup_error runo_error *err = NULL;
  runo_exec_options opts = { 0 };
  cleanup_free char **env = NULL;
  cleanup_free char **caps = NULL;
  int c, status;

  while ((c = getopt_long (argc, argv, "+:p:dte:u:c:h", exec_options, NULL))
         != -1)
    {
      switch (c)
        {
        case 'p':
          opts.process_file = optarg;
          break;
        case 'd':
          opts.detach = true;
          break;
        case OPT_PID_FILE:
          opts.pid_file = optarg;
          break;
        case 't':
          opts.tty = true;
          break;
        case OPT_CONSOLE_SOCKET:
          opts.console_socket = optarg;
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
            opts.preserve_fds = (int)n;
          }
          break;
        case 'e':
          env = push (env, &opts.env_len, optarg);
          break;
        case OPT_CWD:
          opts.cwd = optarg;
          break;
        case 'u':
          opts.user = optarg;
          break;
        case 'c':
          caps = push (caps, &opts.caps_len, optarg);
          break;
        case OPT_NO_NEW_PRIVS:
          opts.no_new_privs = true;
          break;
        case OPT_APPARMOR:
          opts.apparmor = optarg;
          break;
        case OPT_PROCESS_LABEL:
          opts.process_label = optarg;
          break;
        case 'h':
          printf ("Usage: runo exec [--process FILE] [--detach] "
                  "[--pid-file FILE] [--tty --console-socket SOCKET] "
                  "[--env K=V] [--cwd DIR] [--user UID[:GID]] [--cap CAP] "
                  "ID [COMMAND [ARGS...]]\n");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  if (optind >= argc)
    return runo_usage_error (ctx, "missing container id");
  opts.id = argv[optind];
  if (runo_id_validate (opts.id, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  opts.argv = argv + optind + 1;
  opts.argc = (size_t)(argc - optind - 1);
  if (opts.process_file && opts.argc)
    return runo_usage_error (ctx, "a command cannot go with --process");
  opts.env = env;
  opts.caps = caps;
  if (runo_container_exec (ctx, &opts, &status, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return status;
}
