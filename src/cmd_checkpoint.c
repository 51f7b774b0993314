#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "libruno/checkpoint.h"
#include "libruno/log.h"

enum
{
  OPT_IMAGE_PATH = 0x100,
  OPT_WORK_PATH,
  OPT_PARENT_PATH,
  OPT_LEAVE_RUNNING,
  OPT_TCP_ESTABLISHED,
  OPT_EXT_UNIX_SK,
  OPT_SHELL_JOB,
  OPT_FILE_LOCKS,
  OPT_PRE_DUMP,
  OPT_LAZY_PAGES,
  OPT_AUTO_DEDUP,
  OPT_MANAGE_CGROUPS_MODE,
  OPT_EMPTY_NS,
  OPT_STATUS_FD,
  OPT_PAGE_SERVER,
  OPT_PID_FILE,
  OPT_CONSOLE_SOCKET,
  OPT_NO_SUBREAPER,
  OPT_NO_PIVOT,
};

/* runc's flags for both commands; the restore-only ones are refused by
   checkpoint below. */
static const struct option checkpoint_options[] = {
  { "image-path", required_argument, NULL, OPT_IMAGE_PATH },
  { "work-path", required_argument, NULL, OPT_WORK_PATH },
  { "parent-path", required_argument, NULL, OPT_PARENT_PATH },
  { "leave-running", no_argument, NULL, OPT_LEAVE_RUNNING },
  { "tcp-established", no_argument, NULL, OPT_TCP_ESTABLISHED },
  { "ext-unix-sk", no_argument, NULL, OPT_EXT_UNIX_SK },
  { "shell-job", no_argument, NULL, OPT_SHELL_JOB },
  { "file-locks", no_argument, NULL, OPT_FILE_LOCKS },
  { "pre-dump", no_argument, NULL, OPT_PRE_DUMP },
  { "lazy-pages", no_argument, NULL, OPT_LAZY_PAGES },
  { "auto-dedup", no_argument, NULL, OPT_AUTO_DEDUP },
  { "manage-cgroups-mode", required_argument, NULL, OPT_MANAGE_CGROUPS_MODE },
  { "empty-ns", required_argument, NULL, OPT_EMPTY_NS },
  { "status-fd", required_argument, NULL, OPT_STATUS_FD },
  { "page-server", required_argument, NULL, OPT_PAGE_SERVER },
  { "bundle", required_argument, NULL, 'b' },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char *const cgroups_modes[]
    = { "soft", "full", "strict", "ignore", NULL };

static bool
restore_only (int c)
{
  return c == 'b' || c == 'd' || c == OPT_PID_FILE || c == OPT_CONSOLE_SOCKET
         || c == OPT_NO_SUBREAPER || c == OPT_NO_PIVOT;
}

static const char *
option_name (int c)
{
  const struct option *o;

  for (o = checkpoint_options; o->name; o++)
    if (o->val == c)
      return o->name;
  return "?";
}

/* Returns -1 when the options are good, else the exit status. */
static int
parse (runo_context *ctx, int argc, char **argv, bool restore,
       runo_checkpoint_options *o)
{
  int c;

  o->status_fd = -1;
  while ((c = getopt_long (argc, argv, "+:b:dh", checkpoint_options, NULL))
         != -1)
    {
      if (c != 'h' && c != '?' && c != ':' && !restore && restore_only (c))
        return runo_usage_error (ctx, "--%s: only for restore",
                                 option_name (c));
      switch (c)
        {
        case OPT_IMAGE_PATH:
          o->image_path = optarg;
          break;
        case OPT_WORK_PATH:
          o->work_path = optarg;
          break;
        case OPT_PARENT_PATH:
          o->parent_path = optarg;
          break;
        case OPT_LEAVE_RUNNING:
          o->leave_running = true;
          break;
        case OPT_TCP_ESTABLISHED:
          o->tcp_established = true;
          break;
        case OPT_EXT_UNIX_SK:
          o->ext_unix_sk = true;
          break;
        case OPT_SHELL_JOB:
          o->shell_job = true;
          break;
        case OPT_FILE_LOCKS:
          o->file_locks = true;
          break;
        case OPT_PRE_DUMP:
          o->pre_dump = true;
          break;
        case OPT_LAZY_PAGES:
          o->lazy_pages = true;
          break;
        case OPT_AUTO_DEDUP:
          o->auto_dedup = true;
          break;
        case OPT_MANAGE_CGROUPS_MODE:
          {
            size_t i;
            for (i = 0; cgroups_modes[i]; i++)
              if (strcmp (optarg, cgroups_modes[i]) == 0)
                break;
            if (cgroups_modes[i] == NULL)
              return runo_usage_error (ctx,
                                       "--manage-cgroups-mode %s: expected "
                                       "soft, full, strict or ignore",
                                       optarg);
            o->manage_cgroups_mode = optarg;
          }
          break;
        case OPT_EMPTY_NS:
          /* Only the network namespace can be left empty (as in runc). */
          if (strcmp (optarg, "network") != 0)
            return runo_usage_error (ctx, "--empty-ns %s: only network",
                                     optarg);
          break;
        case OPT_STATUS_FD:
          {
            char *end;
            long fd = strtol (optarg, &end, 10);
            if (*end || end == optarg || fd < 0 || fd > INT_MAX)
              return runo_usage_error (ctx, "--status-fd %s: not an fd",
                                       optarg);
            o->status_fd = (int)fd;
          }
          break;
        case OPT_PAGE_SERVER:
          o->page_server = optarg;
          break;
        case 'b':
          o->bundle = optarg;
          break;
        case 'd':
          o->detach = true;
          break;
        case OPT_PID_FILE:
          o->pid_file = optarg;
          break;
        case OPT_CONSOLE_SOCKET:
          o->console_socket = optarg;
          break;
        case OPT_NO_SUBREAPER:
          o->no_subreaper = true;
          break;
        case OPT_NO_PIVOT:
          o->no_pivot = true;
          break;
        case 'h':
          printf ("Usage: runo %s [--image-path DIR] [--work-path DIR] "
                  "[OPTIONS] ID\n",
                  restore ? "restore" : "checkpoint");
          return EXIT_SUCCESS;
        default:
          return runo_bad_option (ctx, c, argv);
        }
    }
  return runo_take_id (ctx, argc, argv, &o->id) ?: -1;
}

static int
run (runo_context *ctx, int argc, char **argv, bool restore)
{
  cleanup_error runo_error *err = NULL;
  runo_checkpoint_options opts = { 0 };
  int ret = parse (ctx, argc, argv, restore, &opts);

  if (ret >= 0)
    return ret;
  if ((restore ? runo_container_restore (ctx, &opts, &err)
               : runo_container_checkpoint (ctx, &opts, &err))
      < 0)
    {
      runo_log_error (ctx, &err);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

int
cmd_checkpoint (runo_context *ctx, int argc, char **argv)
{
  return run (ctx, argc, argv, false);
}

int
cmd_restore (runo_context *ctx, int argc, char **argv)
{
  return run (ctx, argc, argv, true);
}
