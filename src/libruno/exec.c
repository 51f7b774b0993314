/* runo: exec, a new process in a running container.
 *
 * Like create (see create.c), with a joiner: a child of the runtime enters
 * the container's cgroup, joins each of its namespaces (user first) and
 * clones the new process with CLONE_PARENT, so that it is the runtime's
 * child (engines are subreapers and expect it in their tree) and, having
 * been cloned after setns(), inside the container's pid and time
 * namespaces.  Once the runtime has its pid (INIT_PID, from the joiner) and
 * says so (HOST_SETUP_DONE), the process sets itself up and reports over
 * the sync socket: [PTY_MASTER] then READY, or ERROR.
 */
#include <config.h>

#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "container_side.h"
#include "log.h"
#include "mempolicy.h"
#include "namespaces.h"
#include "ocispec.h"
#include "process.h"
#include "seccomp.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

struct exec
{
  runo_context *ctx;
  const runo_exec_options *opts;
  oci_config *config; /* the container's, with the process to run */
  runo_cgroup *cgroup;
  runo_namespaces ns; /* join_fds: the init's namespaces that are not ours */
  int sync_fd[2];
  pid_t pid;
  runo_seccomp *seccomp;  /* the container's filter, applied to exec too */
  char *state_json;       /* for a seccomp agent */
  runo_passed_fds passed; /* the caller's fds for the process */
  int pty_master;         /* -1, or the terminal runo relays itself */
};

static void
exec_release (struct exec *e)
{
  if (e->pid > 0)
    {
      kill (e->pid, SIGKILL);
      while (waitpid (e->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  runo_namespaces_close (&e->ns);
  if (e->sync_fd[0] >= 0)
    close (e->sync_fd[0]);
  if (e->sync_fd[1] >= 0)
    close (e->sync_fd[1]);
  runo_cgroup_free (e->cgroup);
  runo_seccomp_free (e->seccomp);
  free (e->state_json);
  runo_passed_fds_release (&e->passed);
  if (e->pty_master >= 0)
    close (e->pty_master);
  oci_config_free (e->config);
}

/* The process to run: --process FILE as is, parsed as the process of a
   config so its errors name the same paths as config.json's. */
static int
load_process (const runo_exec_options *opts, oci_config *config,
              runo_error **err)
{
  cleanup_free char *data = NULL;
  cleanup_free char *doc = NULL;
  char *parse_err = NULL;
  oci_config *wrapper;
  size_t len;

  if (opts->process_file == NULL)
    return 0;
  if (runo_read_file_at (AT_FDCWD, opts->process_file, 16 * 1024 * 1024, &data,
                         &len, err)
      < 0)
    return runo_error_wrap (err, "--process");
  doc = runo_xasprintf (
      "{\"ociVersion\":\"" OCI_SPEC_VERSION "\",\"process\":%s}", data);
  wrapper = oci_config_parse_data (doc, strlen (doc), opts->process_file,
                                   &parse_err);
  if (wrapper == NULL)
    {
      runo_error_make (err, 0, "%s", parse_err ? parse_err : "parse error");
      free (parse_err);
      return -1;
    }
  oci_config_process_free (config->process);
  config->process = steal_pointer (&wrapper->process);
  oci_config_free (wrapper);
  return 0;
}

static char **
append_string (char **list, size_t *len, const char *value)
{
  char **grown = realloc (list, (*len + 1) * sizeof (char *));

  if (grown == NULL)
    abort ();
  grown[(*len)++] = runo_xstrdup (value);
  return grown;
}

/* exec ID CMD... : the container's own process, with what the command line
   changes (runc's rules: env entries are added, the rest replaced). */
static int
apply_cli (const runo_exec_options *opts, oci_config_process *p,
           runo_error **err)
{
  size_t i;

  if (opts->process_file)
    return 0;
  if (opts->argc == 0)
    return runo_error_make (err, 0, "missing command to run");
  for (i = 0; i < p->args_len; i++)
    free (p->args[i]);
  free (p->args);
  p->args = NULL;
  p->args_len = 0;
  for (i = 0; i < opts->argc; i++)
    p->args = append_string (p->args, &p->args_len, opts->argv[i]);
  p->args_present = true;
  for (i = 0; i < opts->env_len; i++)
    p->env = append_string (p->env, &p->env_len, opts->env[i]);
  p->env_present = p->env_present || opts->env_len;
  if (opts->cwd)
    {
      free (p->cwd);
      p->cwd = runo_xstrdup (opts->cwd);
    }
  if (opts->user)
    {
      unsigned long uid, gid = 0;
      char *end;

      uid = strtoul (opts->user, &end, 10);
      if (*end == ':')
        gid = strtoul (end + 1, &end, 10);
      if (*end || end == opts->user || uid > 0xffffffffUL || gid > 0xffffffffUL)
        return runo_error_make (err, 0, "--user %s: expected UID[:GID]",
                                opts->user);
      if (p->user == NULL)
        p->user = runo_xmalloc0 (sizeof (*p->user));
      p->user->uid = (uint32_t)uid;
      p->user->gid = (uint32_t)gid;
      p->user->uid_present = p->user->gid_present = true;
    }
  if (opts->caps_len)
    {
      if (p->capabilities == NULL)
        p->capabilities = runo_xmalloc0 (sizeof (*p->capabilities));
      for (i = 0; i < opts->caps_len; i++)
        {
          oci_config_process_capabilities *c = p->capabilities;
          c->bounding
              = append_string (c->bounding, &c->bounding_len, opts->caps[i]);
          c->effective
              = append_string (c->effective, &c->effective_len, opts->caps[i]);
          c->permitted
              = append_string (c->permitted, &c->permitted_len, opts->caps[i]);
          c->bounding_present = c->effective_present = c->permitted_present
              = true;
        }
    }
  if (opts->no_new_privs)
    p->no_new_privileges = p->no_new_privileges_present = true;
  if (opts->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = runo_xstrdup (opts->apparmor);
    }
  if (opts->process_label)
    {
      free (p->selinux_label);
      p->selinux_label = runo_xstrdup (opts->process_label);
    }
  p->terminal = opts->tty;
  p->terminal_present = true;
  return 0;
}

/* Every namespace of init that is not the runtime's own is joined. */
static int
open_namespaces (struct exec *e, pid_t init, runo_error **err)
{
  int i;

  for (i = 0; i < RUNO_NS_COUNT; i++)
    {
      char path[64];
      struct stat theirs, ours;
      const char *name = runo_ns_proc_name ((enum runo_ns)i);

      snprintf (path, sizeof (path), "/proc/%d/ns/%s", init, name);
      if (stat (path, &theirs) < 0)
        {
          if (errno == ENOENT && i == RUNO_NS_TIME)
            continue; /* kernel without time namespaces */
          return runo_error_errno (err, "stat `%s`", path);
        }
      snprintf (path, sizeof (path), "/proc/self/ns/%s", name);
      if (stat (path, &ours) == 0 && ours.st_ino == theirs.st_ino
          && ours.st_dev == theirs.st_dev)
        continue;
      snprintf (path, sizeof (path), "/proc/%d/ns/%s", init, name);
      e->ns.join_fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (e->ns.join_fds[i] < 0)
        return runo_error_errno (err, "open `%s`", path);
    }
  return 0;
}

static int
process_setup (struct exec *e, char **exe, runo_error **err)
{
  oci_config_process *process = e->config->process;
  int sync = e->sync_fd[1];
  cleanup_free char *warnings = NULL;
  runo_sync_msg msg;

  /* The joiner reports our pid on the same socket: speak only after the
     runtime has it. */
  if (runo_sync_expect (sync, RUNO_SYNC_HOST_SETUP_DONE, &msg, err) < 0)
    return -1;
  runo_sync_msg_release (&msg);
  if (process->terminal)
    {
      cleanup_close int master = runo_terminal_setup (process, err);

      if (master < 0)
        return runo_error_wrap (err, "terminal");
      if (runo_sync_send (sync, RUNO_SYNC_PTY_MASTER, 0, NULL, 0, &master, 1,
                          err)
          < 0)
        return -1;
    }
  if (runo_process_setup_privileged (e->config, err) < 0)
    return -1;
  /* The container's policy holds for every process of it. */
  if (e->config->linux_
      && runo_mempolicy_apply (e->config->linux_->memory_policy, err) < 0)
    return -1;
  if (runo_process_finalize_with_seccomp (process, e->seccomp, sync, &warnings,
                                          err)
      < 0)
    return -1;
  if (runo_process_find_executable (process, exe, err) < 0)
    return -1;
  prctl (PR_SET_PDEATHSIG, 0);
  return runo_sync_send (sync, RUNO_SYNC_READY, 0, warnings,
                         warnings ? strlen (warnings) : 0, NULL, 0, err);
}

static void __attribute__ ((noreturn)) exec_child (struct exec *e)
{
  const oci_config_process *process = e->config->process;
  runo_error *err = NULL;
  cleanup_free char *exe = NULL;

  /* The joiner kept only what this process needs; the second pass costs
     one syscall and keeps the rule in one place. */
  if (runo_container_side_enter (&e->passed, &e->sync_fd[1], 1) < 0)
    {
      runo_error_errno (&err, "close the runtime's fds");
      runo_sync_report_error (e->sync_fd[1], &err);
      _exit (EXIT_FAILURE);
    }
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (process_setup (e, &exe, &err) < 0)
    {
      runo_sync_report_error (e->sync_fd[1], &err);
      _exit (EXIT_FAILURE);
    }
  close (e->sync_fd[1]);
  runo_container_side_execve (process, exe, &e->passed);
  _exit (127);
}

static void __attribute__ ((noreturn)) joiner (struct exec *e)
{
  runo_error *err = NULL;
  int sync = e->sync_fd[1];
  int own[RUNO_NS_COUNT + 1];
  pid_t pid;
  int i;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* execCPUAffinity.initial holds until the process is in the container's
     cgroup (the process inherits it from here); .final is set after. */
  if (runo_process_set_initial_cpu_affinity (e->config->process, 0, &err) < 0)
    goto fail;
  /* Into the cgroup while the host's cgroup filesystem is still in view;
     the process cloned below inherits it. */
  if (e->cgroup && runo_cgroup_enter (e->cgroup, getpid (), &err) < 0)
    goto fail;
  /* Then, before it joins the container: nothing of the host's open but
     what it needs. */
  own[0] = sync;
  for (i = 0; i < RUNO_NS_COUNT; i++)
    own[i + 1] = e->ns.join_fds[i];
  if (runo_container_side_enter (&e->passed, own, RUNO_NS_COUNT + 1) < 0)
    {
      runo_error_errno (&err, "close the runtime's fds");
      goto fail;
    }
  e->sync_fd[0] = -1;
  e->cgroup = NULL; /* its fds are closed: never to be used here again */
  if (runo_namespaces_join (&e->ns, &err) < 0)
    goto fail;
  pid = runo_sync_clone_sibling (0, sync, &err);
  if (pid == 0)
    exec_child (e);
  if (pid < 0)
    goto fail;
  _exit (EXIT_SUCCESS);
fail:
  runo_sync_report_error (sync, &err);
  _exit (EXIT_FAILURE);
}

static int
spawn (struct exec *e, runo_error **err)
{
  runo_sync_msg msg;
  pid_t joiner_pid;
  int sync;

  if (runo_sync_pair (e->sync_fd, err) < 0)
    return -1;
  sync = e->sync_fd[0];
  joiner_pid = fork ();
  if (joiner_pid < 0)
    return runo_error_errno (err, "fork");
  if (joiner_pid == 0)
    joiner (e);
  close (e->sync_fd[1]);
  e->sync_fd[1] = -1;
  if (runo_sync_expect (sync, RUNO_SYNC_INIT_PID, &msg, err) == 0)
    {
      if (msg.len == sizeof (pid_t))
        memcpy (&e->pid, msg.payload, sizeof (pid_t));
      runo_sync_msg_release (&msg);
    }
  while (waitpid (joiner_pid, NULL, 0) < 0 && errno == EINTR)
    ;
  if (*err)
    return -1;
  if (runo_sync_send_type (sync, RUNO_SYNC_HOST_SETUP_DONE, err) < 0)
    return -1;
  if (e->config->process->terminal)
    {
      int ret;

      if (runo_sync_expect (sync, RUNO_SYNC_PTY_MASTER, &msg, err) < 0)
        return -1;
      if (e->opts->console_socket == NULL)
        {
          /* In the foreground without a socket runo is the other end, as
             for run. */
          e->pty_master = msg.fds[0];
          msg.nfds = 0;
          ret = 0;
        }
      else
        ret = runo_terminal_send_master (e->opts->console_socket, msg.fds[0],
                                         err);
      runo_sync_msg_release (&msg);
      if (ret < 0)
        return -1;
    }
  if (e->seccomp && runo_seccomp_needs_notify (e->seccomp))
    {
      const oci_config_linux_seccomp *sc = e->config->linux_->seccomp;
      int ret;

      if (runo_sync_expect (sync, RUNO_SYNC_SECCOMP_FD, &msg, err) < 0)
        return -1;
      ret = runo_seccomp_send_notify_fd (sc->listener_path, msg.fds[0], e->pid,
                                         sc->listener_metadata, e->state_json,
                                         err);
      runo_sync_msg_release (&msg);
      if (ret < 0)
        return runo_error_wrap (err, "linux.seccomp.listenerPath");
    }
  if (runo_sync_expect (sync, RUNO_SYNC_READY, &msg, err) < 0)
    return -1;
  if (msg.payload)
    runo_warning (e->ctx, "%s", msg.payload);
  runo_sync_msg_release (&msg);
  if (e->opts->pid_file
      && runo_write_pid_file (e->opts->pid_file, e->pid, err) < 0)
    return -1;
  return 0;
}

int
runo_container_exec (runo_context *ctx, const runo_exec_options *opts,
                     int *exit_status, runo_error **err)
{
  struct exec e
      = { .ctx = ctx, .opts = opts, .sync_fd = { -1, -1 }, .pty_master = -1 };
  struct runo_container c;
  sigset_t forwarded, old;
  int i, ret = -1;

  *exit_status = 0;
  for (i = 0; i < RUNO_NS_COUNT; i++)
    e.ns.join_fds[i] = -1;
  if (opts->preserve_fds < 0)
    return runo_error_make (err, 0, "--preserve-fds: must not be negative");
  /* As for create (see there): before any process of runo enters the
     container, and before runo opens anything. */
  prctl (PR_SET_DUMPABLE, 0);
  runo_passed_fds_collect (opts->preserve_fds, ctx->log_fd, &e.passed);
  if (runo_container_open (ctx, opts->id, false, &c, err) < 0)
    goto out;
  /* A created container can be exec'd into, as with runc: its
     namespaces and root are ready, only its own process waits. */
  if (c.status != RUNO_STATUS_RUNNING && c.status != RUNO_STATUS_CREATED)
    {
      runo_error_make (err, 0, "container `%s` is %s: cannot exec in it",
                       opts->id, runo_status_name (c.status));
      goto out;
    }
  e.config = runo_container_config (&c, err);
  if (e.config == NULL)
    goto out;
  if (load_process (opts, e.config, err) < 0
      || apply_cli (opts, e.config->process, err) < 0)
    goto out;
  if (e.config->process->terminal && opts->console_socket == NULL
      && opts->detach)
    {
      runo_error_make (err, 0,
                       "process.terminal: needs --console-socket with "
                       "--detach");
      goto out;
    }
  if (runo_process_validate (e.config->process, err) < 0
      || runo_container_cgroup (&c, &e.cgroup, err) < 0
      || open_namespaces (&e, c.state->pid, err) < 0)
    goto out;
  if (e.config->linux_ && e.config->linux_->seccomp)
    {
      cleanup_close int cache_fd
          = runo_state_cache_dir (c.root_fd, RUNO_SECCOMP_CACHE);

      if (runo_seccomp_compile_cached (cache_fd, e.config->linux_->seccomp,
                                       &e.seccomp, err)
          < 0)
        goto out;
      if (runo_seccomp_needs_notify (e.seccomp))
        e.state_json = runo_state_to_json (c.state, opts->id, c.status, false);
    }
  runo_container_close (&c);

  /* As for run: blocked before the process exists so nothing is lost. */
  runo_forwarded_signals (&forwarded);
  if (!opts->detach)
    sigprocmask (SIG_BLOCK, &forwarded, &old);
  ret = spawn (&e, err);
  if (ret == 0 && !opts->detach)
    {
      if (e.pty_master >= 0)
        ret = runo_terminal_relay (e.pty_master, e.pid, &forwarded, exit_status,
                                   err);
      else
        ret = runo_wait_forwarding (e.pid, &forwarded, exit_status, err);
      e.pid = -1; /* reaped */
    }
  if (!opts->detach)
    sigprocmask (SIG_SETMASK, &old, NULL);
  if (ret == 0)
    e.pid = -1; /* detached: it lives on */
out:
  runo_container_close (&c);
  exec_release (&e);
  return ret;
}
