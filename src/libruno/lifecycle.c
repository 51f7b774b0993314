/* runo: start, run, kill and delete: the operations on a container that
   create.c has built. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "create.h"
#include "hooks.h"
#include "log.h"
#include "ocispec.h"
#include "state.h"
#include "terminal.h"
#include "utils.h"

/* Hooks that run after the fact (poststart, poststop) cannot undo what
   happened: their failure is a warning (runtime.md). */
static void
run_late_hooks (runo_context *ctx, oci_hook **hooks, size_t n, const char *kind,
                const struct runo_container *c, const char *id,
                enum runo_status status)
{
  cleanup_free char *json = NULL;
  cleanup_error runo_error *err = NULL;

  if (n == 0)
    return;
  json = runo_state_to_json (c->state, id, status, false);
  if (json && runo_hooks_run (hooks, n, kind, json, &err) < 0)
    {
      cleanup_free char *text = runo_error_text (err);
      runo_warning (ctx, "%s", text);
    }
}

int
runo_container_start (runo_context *ctx, const char *id, runo_error **err)
{
  struct runo_container c;
  cleanup_close int fifo = -1;
  oci_config *config = NULL;
  int ret = -1;

  if (runo_container_open (ctx, id, true, &c, err) < 0)
    goto out;
  if (c.status != RUNO_STATUS_CREATED)
    {
      runo_error_make (err, 0, "container `%s` is %s, not created", id,
                       runo_status_name (c.status));
      goto out;
    }
  config = runo_container_config (&c, err);
  if (*err)
    goto out;
  /* Non-blocking: with no reader (init died) this fails at once. */
  fifo = openat (c.dir_fd, RUNO_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    {
      runo_error_errno (err, "container `%s` is not waiting to start", id);
      goto out;
    }
  if (write (fifo, "0", 1) != 1)
    {
      runo_error_errno (err, "signal container `%s` to start", id);
      goto out;
    }
  unlinkat (c.dir_fd, RUNO_EXEC_FIFO, 0);
  if (config && config->hooks)
    run_late_hooks (ctx, config->hooks->poststart, config->hooks->poststart_len,
                    "poststart", &c, id, RUNO_STATUS_RUNNING);
  ret = 0;
out:
  oci_config_free (config);
  runo_container_close (&c);
  return ret;
}

static const struct
{
  const char *name;
  int number;
} signal_names[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT },
  { "ILL", SIGILL },   { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
  { "IOT", SIGIOT },   { "BUS", SIGBUS },       { "FPE", SIGFPE },
  { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
  { "CONT", SIGCONT }, { "STOP", SIGSTOP },     { "TSTP", SIGTSTP },
  { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
  { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM },
  { "PROF", SIGPROF }, { "WINCH", SIGWINCH },   { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

int
runo_parse_signal (const char *name, int *sig, runo_error **err)
{
  char upper[32];
  const char *p = name;
  size_t i;

  if (isdigit ((unsigned char)name[0]))
    {
      char *end;
      long n = strtol (name, &end, 10);
      if (*end || n <= 0 || n > SIGRTMAX)
        return runo_error_make (err, 0, "invalid signal `%s`", name);
      *sig = (int)n;
      return 0;
    }
  for (i = 0; name[i] && i < sizeof (upper) - 1; i++)
    upper[i] = (char)toupper ((unsigned char)name[i]);
  upper[i] = '\0';
  p = strncmp (upper, "SIG", 3) == 0 ? upper + 3 : upper;
  for (i = 0; i < sizeof (signal_names) / sizeof (signal_names[0]); i++)
    if (strcmp (p, signal_names[i].name) == 0)
      {
        *sig = signal_names[i].number;
        return 0;
      }
  /* RTMIN, RTMIN+N, RTMAX-N */
  if (strncmp (p, "RTMIN", 5) == 0 || strncmp (p, "RTMAX", 5) == 0)
    {
      int base = p[3] == 'I' ? SIGRTMIN : SIGRTMAX;
      long off = 0;
      char *end = (char *)p + 5;
      if (*end == '+' || *end == '-')
        off = strtol (end, &end, 10);
      if (*end == '\0' && base + off >= SIGRTMIN && base + off <= SIGRTMAX)
        {
          *sig = (int)(base + off);
          return 0;
        }
    }
  return runo_error_make (err, 0, "invalid signal `%s`", name);
}

/* A pidfd of the container's init, checked to still be the process that
   was recorded (not a reuse of its pid).  -1 with no error: it is gone. */
static int
open_init (const runo_state *st, runo_error **err)
{
  cleanup_close int pidfd = -1;
  unsigned long long start_time;
  bool zombie;

  if (st == NULL || st->pid <= 0)
    return -1;
  pidfd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  if (pidfd < 0)
    {
      if (errno == ESRCH)
        return -1;
      return runo_error_errno (err, "pidfd_open %d", st->pid);
    }
  /* Checked after the pidfd exists: from now on it cannot be reused. */
  if (runo_proc_start_time (st->pid, &start_time, &zombie, err) < 0)
    {
      runo_error_release (err);
      return -1;
    }
  if (start_time != st->pid_start_time)
    return -1;
  return steal_fd (&pidfd);
}

static int
signal_pidfd (int pidfd, int sig, runo_error **err)
{
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0
      && errno != ESRCH)
    return runo_error_errno (err, "send signal %d", sig);
  return 0;
}

int
runo_container_kill (runo_context *ctx, const char *id, int sig, bool all,
                     runo_error **err)
{
  struct runo_container c;
  cleanup_close int pidfd = -1;
  int ret = -1;

  if (runo_container_open (ctx, id, false, &c, err) < 0)
    goto out;
  if (c.status != RUNO_STATUS_CREATED && c.status != RUNO_STATUS_RUNNING
      && c.status != RUNO_STATUS_PAUSED)
    {
      runo_error_make (err, 0, "container `%s` is not running", id);
      goto out;
    }
  pidfd = open_init (c.state, err);
  if (pidfd < 0)
    {
      if (*err == NULL)
        runo_error_make (err, 0, "container `%s` is not running", id);
      goto out;
    }
  if (all)
    {
      runo_cgroup *cg = NULL;

      if (runo_container_cgroup (&c, &cg, err) < 0)
        goto out;
      if (cg)
        {
          ret = runo_cgroup_kill_all (cg, sig, err);
          runo_cgroup_free (cg);
          goto out;
        }
    }
  ret = signal_pidfd (pidfd, sig, err);
out:
  runo_container_close (&c);
  return ret;
}

/* Kill init (SIGKILL) and wait until it is gone.  It is usually not our
   child: the pidfd tells when it exits. */
static int
kill_and_wait (const runo_state *st, runo_error **err)
{
  cleanup_close int pidfd = open_init (st, err);
  struct pollfd pfd;

  if (pidfd < 0)
    return *err ? -1 : 0;
  if (signal_pidfd (pidfd, SIGKILL, err) < 0)
    return -1;
  pfd.fd = pidfd;
  pfd.events = POLLIN;
  while (poll (&pfd, 1, 10000) < 0)
    if (errno != EINTR)
      return runo_error_errno (err, "wait for container process");
  /* Reap it when it is ours (run); otherwise its parent does. */
  waitpid (st->pid, NULL, WNOHANG);
  return 0;
}

/* Whether ID names no container at all (a valid id, no state). */
static bool
container_missing (runo_context *ctx, const char *id)
{
  runo_error *ignored = NULL;
  cleanup_close int root = -1;
  bool missing;

  if (runo_id_validate (id, &ignored) < 0)
    {
      runo_error_release (&ignored);
      return false;
    }
  root = runo_state_root_open (ctx, false, &ignored);
  if (root < 0)
    {
      missing = ignored->errnum == ENOENT;
      runo_error_release (&ignored);
      return missing;
    }
  return faccessat (root, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

int
runo_container_delete (runo_context *ctx, const char *id, bool force,
                       runo_error **err)
{
  struct runo_container c;
  oci_config *config = NULL;
  runo_cgroup *cg = NULL;
  int ret = -1;

  if (runo_container_open (ctx, id, true, &c, err) < 0)
    {
      /* Engines clean up with `delete --force` after a failed create or
         a second time after an exit; as with runc, nothing to delete is
         not an error then. */
      if (force && container_missing (ctx, id))
        {
          runo_error_release (err);
          ret = 0;
        }
      goto out;
    }
  switch (c.status)
    {
    case RUNO_STATUS_RUNNING:
    case RUNO_STATUS_PAUSED:
      if (!force)
        {
          runo_error_make (err, 0,
                           "container `%s` is %s: stop it first or use "
                           "--force",
                           id, runo_status_name (c.status));
          goto out;
        }
      break;
    case RUNO_STATUS_CREATING:
      /* Its creator is still at work (or died half-way): only --force
         takes it away. */
      if (!force)
        {
          runo_error_make (err, 0, "container `%s` is being created", id);
          goto out;
        }
      break;
    case RUNO_STATUS_CREATED:
    case RUNO_STATUS_STOPPED:
      break;
    }
  config = runo_container_config (&c, err);
  runo_error_release (err); /* a broken copy must not block the delete */
  if (kill_and_wait (c.state, err) < 0)
    goto out;
  if (runo_container_cgroup (&c, &cg, err) < 0)
    goto out;
  /* Processes that outlived init (a container sharing the host pid
     namespace) go with the cgroup. */
  if (cg
      && (runo_cgroup_kill_all (cg, SIGKILL, err) < 0
          || runo_cgroup_destroy (cg, err) < 0))
    goto out;
  if (runo_state_remove (c.root_fd, id, err) < 0)
    goto out;
  if (config && config->hooks && c.state)
    run_late_hooks (ctx, config->hooks->poststop, config->hooks->poststop_len,
                    "poststop", &c, id, RUNO_STATUS_STOPPED);
  ret = 0;
out:
  runo_cgroup_free (cg);
  oci_config_free (config);
  runo_container_close (&c);
  return ret;
}

int
runo_container_run (runo_context *ctx, const runo_create_options *opts,
                    bool detach, int *exit_status, runo_error **err)
{
  runo_create_options run_opts = *opts;
  cleanup_close int pty_master = -1;
  sigset_t forwarded, old;
  pid_t pid;
  int ret;

  *exit_status = 0;
  /* With a terminal and no console socket, runo is the terminal's other
     end, as with runc: only in the foreground. */
  if (!detach && opts->console_socket == NULL)
    run_opts.pty_master = &pty_master;
  /* Blocked before init exists, so that no SIGCHLD or forwarded signal is
     lost; init restores the mask it inherits before exec. */
  runo_forwarded_signals (&forwarded);
  if (!detach)
    sigprocmask (SIG_BLOCK, &forwarded, &old);
  if (runo_container_create (ctx, &run_opts, &pid, err) < 0)
    goto fail;
  if (runo_container_start (ctx, opts->id, err) < 0)
    {
      runo_error *ignored = NULL;
      runo_container_delete (ctx, opts->id, true, &ignored);
      runo_error_release (&ignored);
      goto fail;
    }
  if (detach)
    return 0;
  if (pty_master >= 0)
    ret = runo_terminal_relay (pty_master, pid, &forwarded, exit_status, err);
  else
    ret = runo_wait_forwarding (pid, &forwarded, exit_status, err);
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (ret < 0)
    return -1;
  return runo_container_delete (ctx, opts->id, true, err);
fail:
  if (!detach)
    sigprocmask (SIG_SETMASK, &old, NULL);
  return -1;
}
