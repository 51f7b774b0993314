/* runo: start, run, kill and delete: the operations on a container that
   create.c has built. */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
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

/* The process PID, as a pidfd, if it is still the child of PARENT (pids
   are only names: this one may have been reused since it was read). */
static int
open_child (pid_t pid, pid_t parent)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  char path[64], buf[512];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;

  if (pidfd < 0)
    return -1;
  snprintf (path, sizeof (path), "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || (n = read (fd, buf, sizeof (buf) - 1)) < 0)
    return -1;
  buf[n] = '\0';
  p = strrchr (buf, ')');
  /* ") S PPID ..." */
  if (p == NULL || strlen (p) < 5 || atoi (p + 4) != parent)
    return -1;
  return steal_fd (&pidfd);
}

struct proc_set
{
  pid_t *pids;
  int *pidfds;
  size_t n, cap;
};

static void
proc_set_add (struct proc_set *set, pid_t pid, int pidfd)
{
  size_t i;

  for (i = 0; i < set->n; i++)
    if (set->pids[i] == pid)
      {
        close (pidfd);
        return;
      }
  if (set->n == set->cap)
    {
      set->cap = set->cap ? 2 * set->cap : 16;
      set->pids = realloc (set->pids, set->cap * sizeof (pid_t));
      set->pidfds = realloc (set->pidfds, set->cap * sizeof (int));
      if (set->pids == NULL || set->pidfds == NULL)
        abort ();
    }
  set->pids[set->n] = pid;
  set->pidfds[set->n++] = pidfd;
}

static void
proc_set_release (struct proc_set *set)
{
  size_t i;

  for (i = 0; i < set->n; i++)
    close (set->pidfds[i]);
  free (set->pids);
  free (set->pidfds);
}

/* The descendants of the process at SET->pids[0], from the children lists
   of their threads: the processes of a container that shares the host's
   pid namespace are the ones its init started. */
static void
collect_descendants (struct proc_set *set)
{
  size_t i;

  for (i = 0; i < set->n; i++)
    {
      char path[64];
      cleanup_dir DIR *tasks = NULL;
      struct dirent *de;

      snprintf (path, sizeof (path), "/proc/%d/task", set->pids[i]);
      tasks = opendir (path);
      if (tasks == NULL)
        continue;
      while ((de = readdir (tasks)) != NULL)
        {
          cleanup_free char *children = NULL;
          cleanup_free char *file = NULL;
          cleanup_error runo_error *ignored = NULL;
          char *p, *end;

          if (de->d_name[0] == '.')
            continue;
          file = runo_xasprintf ("%s/%s/children", path, de->d_name);
          if (runo_read_file_at (AT_FDCWD, file, 0, &children, NULL, &ignored)
              < 0)
            continue;
          for (p = children;; p = end)
            {
              long child = strtol (p, &end, 10);
              int pidfd;

              if (end == p)
                break;
              pidfd = open_child ((pid_t)child, set->pids[i]);
              if (pidfd >= 0)
                proc_set_add (set, (pid_t)child, pidfd);
            }
        }
    }
}

/* Whether /proc/PID/ns/pid is the namespace NS. */
static bool
in_pidns (pid_t pid, const struct stat *ns)
{
  char path[64];
  struct stat st;

  snprintf (path, sizeof (path), "/proc/%d/ns/pid", pid);
  return stat (path, &st) == 0 && st.st_ino == ns->st_ino
         && st.st_dev == ns->st_dev;
}

/* Every process of the pid namespace whose init is SET->pids[0]. */
static int
collect_pidns (struct proc_set *set, runo_error **err)
{
  cleanup_dir DIR *proc = NULL;
  struct stat ns;
  struct dirent *de;
  char path[64];

  snprintf (path, sizeof (path), "/proc/%d/ns/pid", set->pids[0]);
  if (stat (path, &ns) < 0)
    return runo_error_errno (err, "stat `%s`", path);
  proc = opendir ("/proc");
  if (proc == NULL)
    return runo_error_errno (err, "open `/proc`");
  while ((de = readdir (proc)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      int pidfd;

      if (*end || pid <= 0 || pid == set->pids[0] || !in_pidns (pid, &ns))
        continue;
      pidfd = (int)syscall (SYS_pidfd_open, (pid_t)pid, 0);
      if (pidfd < 0)
        continue;
      /* Checked again now that the pid cannot be reused. */
      if (!in_pidns (pid, &ns))
        {
          close (pidfd);
          continue;
        }
      proc_set_add (set, (pid_t)pid, pidfd);
    }
  return 0;
}

/* The container's own processes, its init first (taking INIT_PIDFD):
   those of init's pid namespace when it has its own, else init's
   descendants.  Never the cgroup's: another container or a process of the
   host may be in it too. */
static int
container_processes (const runo_state *st, int init_pidfd, struct proc_set *set,
                     runo_error **err)
{
  proc_set_add (set, st->pid, init_pidfd);
  if (st->own_pidns)
    return collect_pidns (set, err);
  collect_descendants (set);
  return 0;
}

int
runo_container_kill (runo_context *ctx, const char *id, int sig, bool all,
                     runo_error **err)
{
  struct runo_container c;
  struct proc_set set = { NULL, NULL, 0, 0 };
  int pidfd = -1;
  size_t i;
  int ret = -1;

  /* Exclusive: a delete or pause of the same container waits. */
  if (runo_container_open (ctx, id, true, &c, err) < 0)
    goto out;
  if (c.status != RUNO_STATUS_CREATED && c.status != RUNO_STATUS_RUNNING
      && c.status != RUNO_STATUS_PAUSED)
    {
      runo_error_make (err, 0, "container `%s`: container not running", id);
      goto out;
    }
  pidfd = open_init (c.state, err);
  if (pidfd < 0)
    {
      if (*err == NULL)
        runo_error_make (err, 0, "container `%s`: container not running", id);
      goto out;
    }
  if (!all)
    {
      ret = signal_pidfd (pidfd, sig, err);
      close (pidfd);
      goto out;
    }
  if (container_processes (c.state, pidfd, &set, err) < 0)
    goto out;
  ret = 0;
  for (i = 0; i < set.n && ret == 0; i++)
    ret = signal_pidfd (set.pidfds[i], sig, err);
out:
  proc_set_release (&set);
  runo_container_close (&c);
  return ret;
}

static int
wait_pidfd (int pidfd, runo_error **err)
{
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

  while (poll (&pfd, 1, 10000) < 0)
    if (errno != EINTR)
      return runo_error_errno (err, "wait for container process");
  return 0;
}

/* Kill the container's processes (SIGKILL) and wait until they are gone.
   Init is usually not our child: pidfds tell when they exit. */
static int
kill_and_wait (const runo_state *st, runo_error **err)
{
  struct proc_set set = { NULL, NULL, 0, 0 };
  int pidfd = open_init (st, err);
  size_t i;
  int ret = 0;

  if (pidfd < 0)
    return *err ? -1 : 0;
  if (container_processes (st, pidfd, &set, err) < 0)
    {
      proc_set_release (&set);
      return -1;
    }
  /* Children first: with init gone first they would be reparented away
     from what we know, in a container sharing the host's pid namespace. */
  for (i = set.n; i-- > 0 && ret == 0;)
    ret = signal_pidfd (set.pidfds[i], SIGKILL, err);
  for (i = set.n; i-- > 0 && ret == 0;)
    ret = wait_pidfd (set.pidfds[i], err);
  /* Reap it when it is ours (run); otherwise its parent does. */
  if (ret == 0)
    waitpid (st->pid, NULL, WNOHANG);
  proc_set_release (&set);
  return ret;
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

/* A frozen task does not die of SIGKILL before it is thawed, and its
   cgroup cannot be removed. */
static int
thaw (runo_cgroup *cg, runo_error **err)
{
  cleanup_error runo_error *unreadable = NULL;
  bool frozen = false;

  /* No freezer file (gone, or no freezer at all): nothing is frozen. */
  if (runo_cgroup_is_frozen (cg, &frozen, &unreadable) < 0 || !frozen)
    return 0;
  return runo_cgroup_freeze (cg, false, err);
}

/* Every step of a delete may already have been done by one that was
   killed half-way: a missing cgroup, process or state is no error. */
static int
delete_resources (runo_context *ctx, struct runo_container *c, runo_error **err)
{
  runo_cgroup *cg = NULL;
  cleanup_error runo_error *cg_err = NULL;
  int ret = -1;

  if (runo_container_cgroup (c, &cg, &cg_err) < 0)
    {
      /* Not ours to touch; the rest of the container still goes. */
      cleanup_free char *text = runo_error_text (cg_err);
      runo_warning (ctx, "%s: left as it is", text);
    }
  if (cg && thaw (cg, err) < 0)
    {
      if ((*err)->errnum != ENOENT)
        goto out;
      runo_error_release (err);
    }
  if (kill_and_wait (c->state, err) < 0)
    goto out;
  /* A cgroup that was there before create, or is shared with another
     container, is left to whoever made it. */
  if (cg && c->state->cgroup_owned && runo_cgroup_destroy (cg, err) < 0)
    {
      if ((*err)->errnum != EBUSY)
        goto out;
      cleanup_free char *text = runo_error_text (*err);
      runo_warning (ctx, "%s: processes of another container are in it", text);
      runo_error_release (err);
    }
  ret = 0;
out:
  runo_cgroup_free (cg);
  return ret;
}

int
runo_container_delete (runo_context *ctx, const char *id, bool force,
                       runo_error **err)
{
  struct runo_container c;
  oci_config *config = NULL;
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
      /* Nothing in an unreadable state can be trusted to act on: the
         directory is all that goes. */
      else if (force && c.corrupt)
        {
          cleanup_free char *text = runo_error_text (*err);
          runo_warning (ctx, "%s: removing its state only", text);
          runo_error_release (err);
          ret = runo_state_remove (c.root_fd, id, err);
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
    case RUNO_STATUS_UNKNOWN:
      /* Its creator is still at work: only --force takes it away. */
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
  if (c.state && delete_resources (ctx, &c, err) < 0)
    goto out;
  if (runo_state_remove (c.root_fd, id, err) < 0)
    goto out;
  /* A container whose create never finished was never created. */
  if (config && config->hooks && c.state && !c.state->creating)
    run_late_hooks (ctx, config->hooks->poststop, config->hooks->poststop_len,
                    "poststop", &c, id, RUNO_STATUS_STOPPED);
  ret = 0;
out:
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
  /* --keep: the container stays, stopped, until `delete`. */
  if (opts->keep)
    return 0;
  return runo_container_delete (ctx, opts->id, true, err);
fail:
  if (!detach)
    sigprocmask (SIG_SETMASK, &old, NULL);
  return -1;
}
