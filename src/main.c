/* runo: entry point.  Parses the global options (runc's), sets up logging
   and dispatches to the command. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "git-version.h"
#include "libruno/cloned_binary.h"
#include "libruno/features.h"
#include "libruno/log.h"
#include "libruno/state.h"
#include "libruno/utils.h"

static const struct runo_command commands[] = {
  { "checkpoint", cmd_checkpoint, "checkpoint a running container" },
  { "create", cmd_create, "create a container" },
  { "delete", cmd_delete, "delete any resources held by the container" },
  { "events", cmd_events, "display container events and statistics" },
  { "exec", cmd_exec, "execute a new process inside the container" },
  { "features", cmd_features, "show the enabled features" },
  { "kill", cmd_kill, "send a signal to the container's init process" },
  { "list", cmd_list, "list the containers" },
  { "pause", cmd_pause, "suspend all processes of a container" },
  { "ps", cmd_ps, "list the processes running inside a container" },
  { "restore", cmd_restore, "restore a container from a checkpoint" },
  { "resume", cmd_resume, "resume all processes of a paused container" },
  { "run", cmd_run, "create and start a container" },
  { "spec", cmd_spec, "write a new default specification file" },
  { "start", cmd_start, "start a created container" },
  { "state", cmd_state, "output the state of a container" },
  { "update", cmd_update, "update the resource limits of a container" },
};

enum
{
  OPT_ROOT = 0x100,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "rootless", required_argument, NULL, OPT_ROOTLESS },
  { "criu", required_argument, NULL, OPT_CRIU },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'v' },
  { NULL, 0, NULL, 0 },
};

static void
print_usage (FILE *out)
{
  size_t i;

  fprintf (out,
           "Usage: runo [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n"
           "\n"
           "runo is an OCI container runtime (runtime-spec %s).\n"
           "\n"
           "Commands:\n",
           OCI_SPEC_VERSION);
  for (i = 0; i < sizeof (commands) / sizeof (commands[0]); i++)
    fprintf (out, "  %-10s %s%s\n", commands[i].name, commands[i].summary,
             commands[i].run ? "" : " (not implemented)");
  fprintf (out,
           "\n"
           "Global options:\n"
           "  --root DIR            state directory (default %s)\n"
           "  --log FILE            also write errors and warnings to FILE\n"
           "  --log-format FORMAT   text (default) or json\n"
           "  --debug               log debug messages\n"
           "  --systemd-cgroup      manage cgroups through systemd\n"
           "  --rootless VALUE      true, false or auto (default auto)\n"
           "  -h, --help            show this help\n"
           "  -v, --version         show version information\n"
           "\n"
           "See runo(8) for the options of each command.\n",
           RUNO_DEFAULT_STATE_ROOT);
}

static void
print_version (void)
{
  printf ("runo version %s\n"
          "commit: %s\n"
          "spec: %s\n"
          "features: %s\n",
          PACKAGE_VERSION, RUNO_GIT_COMMIT, OCI_SPEC_VERSION,
          runo_compiled_features ());
}

int
runo_usage_error (runo_context *ctx, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (ctx->command)
    runo_log (ctx, RUNO_LOG_ERROR, "%s: %s", ctx->command,
              msg ? msg : "usage error");
  else
    runo_log (ctx, RUNO_LOG_ERROR, "%s", msg ? msg : "usage error");
  return EXIT_FAILURE;
}

int
runo_bad_option (runo_context *ctx, int c, char **argv)
{
  /* optopt holds a short option's letter; long ones are in argv. */
  if (c == ':')
    return runo_usage_error (ctx, "option `%s` needs a value",
                             argv[optind - 1]);
  if (optopt && optopt != '?')
    return runo_usage_error (ctx, "unknown option `-%c`", optopt);
  return runo_usage_error (ctx, "unknown option `%s`", argv[optind - 1]);
}

void
runo_getopt_reset (void)
{
  /* 0 (not 1) makes glibc reinitialise its scanner, including the '+'
     handling, for the command's own argv. */
  optind = 0;
  opterr = 0;
}

int
runo_take_id (runo_context *ctx, int argc, char **argv, const char **id)
{
  cleanup_error runo_error *err = NULL;

  if (optind >= argc)
    return runo_usage_error (ctx, "missing container id");
  if (argc - optind > 1)
    return runo_usage_error (ctx, "unexpected argument `%s`", argv[optind + 1]);
  *id = argv[optind];
  if (runo_id_validate (*id, &err) < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return 0;
}

static const struct runo_command *
find_command (const char *name)
{
  size_t i;

  for (i = 0; i < sizeof (commands) / sizeof (commands[0]); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static int
parse_global_options (runo_context *ctx, int argc, char **argv)
{
  int c;

  opterr = 0;
  /* '+': stop at the command name, its options are its own. */
  while ((c = getopt_long (argc, argv, "+:hv", global_options, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          ctx->state_root = optarg;
          break;
        case OPT_LOG:
          ctx->log_path = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (strcmp (optarg, "json") == 0)
            ctx->log_format = RUNO_LOG_FORMAT_JSON;
          else if (strcmp (optarg, "text") == 0)
            ctx->log_format = RUNO_LOG_FORMAT_TEXT;
          else
            return runo_usage_error (
                ctx, "--log-format %s: expected text or json", optarg);
          break;
        case OPT_DEBUG:
          ctx->debug = true;
          break;
        case OPT_SYSTEMD_CGROUP:
          ctx->systemd_cgroup = true;
          break;
        case OPT_ROOTLESS:
          if (strcmp (optarg, "true") != 0 && strcmp (optarg, "false") != 0
              && strcmp (optarg, "auto") != 0)
            return runo_usage_error (
                ctx, "--rootless %s: expected true, false or auto", optarg);
          ctx->rootless = optarg;
          break;
        case OPT_CRIU:
          /* Accepted for runc compatibility; checkpointing is not
             supported, and nothing else uses the path. */
          break;
        case 'h':
          print_usage (stdout);
          exit (EXIT_SUCCESS);
        case 'v':
          print_version ();
          exit (EXIT_SUCCESS);
        case ':':
          return runo_usage_error (ctx, "%s: needs a value", argv[optind - 1]);
        default:
          return runo_usage_error (ctx, "%s: unknown global option",
                                   argv[optind - 1]);
        }
    }
  return 0;
}

/* Commands whose processes enter a container run from a sealed copy of
   runo (see cloned_binary.h). */
static bool
enters_container (const char *command)
{
  return strcmp (command, "create") == 0 || strcmp (command, "run") == 0
         || strcmp (command, "exec") == 0;
}

int
main (int argc, char **argv, char **envp)
{
  runo_context ctx = {
    .state_root = RUNO_DEFAULT_STATE_ROOT,
    .log_fd = -1,
    .log_format = RUNO_LOG_FORMAT_TEXT,
  };
  cleanup_error runo_error *err = NULL;
  const struct runo_command *cmd;
  int ret;

  ret = parse_global_options (&ctx, argc, argv);
  if (ret != 0)
    return ret;
  if (runo_log_open (&ctx, &err) < 0)
    {
      runo_log_error (&ctx, &err);
      return EXIT_FAILURE;
    }
  if (optind >= argc)
    {
      print_usage (stderr);
      runo_log_close (&ctx);
      return EXIT_FAILURE;
    }
  cmd = find_command (argv[optind]);
  if (cmd == NULL)
    {
      ret = runo_usage_error (&ctx, "%s: unknown command", argv[optind]);
      runo_log_close (&ctx);
      return ret;
    }
  ctx.command = cmd->name;
  if (enters_container (cmd->name)
      && runo_ensure_cloned_binary (argv, envp, &err) < 0)
    {
      runo_log_error (&ctx, &err);
      runo_log_close (&ctx);
      return EXIT_FAILURE;
    }
  if (cmd->run == NULL)
    {
      runo_log (&ctx, RUNO_LOG_ERROR, "%s: not implemented", cmd->name);
      runo_log_close (&ctx);
      return EXIT_FAILURE;
    }
  argc -= optind;
  argv += optind;
  runo_getopt_reset ();
  ret = cmd->run (&ctx, argc, argv);
  fflush (stdout);
  if (ferror (stdout))
    {
      runo_log (&ctx, RUNO_LOG_ERROR, "%s: write standard output: %s",
                cmd->name, strerror (errno));
      ret = EXIT_FAILURE;
    }
  runo_log_close (&ctx);
  return ret;
}
