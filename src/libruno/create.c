/* runo: building a container.
 *
 * Three processes take part:
 *   runtime  the runo process that was called (create or run);
 *   init     the container's process: made with clone() directly in all the
 *            new namespaces, so it is the runtime's own child (engines are
 *            subreapers and expect the container in their process tree);
 *   joiner   only when namespaces are joined by path or a time namespace is
 *            made: a short-lived child that setns()es, unshares the time
 *            namespace and writes its offsets, then clones init with
 *            CLONE_PARENT (so init is still the runtime's child) and exits.
 *
 * The runtime and init talk over the sync socket (sync.h), in this order:
 *   [joiner -> runtime  INIT_PID]
 *   runtime -> init     HOST_SETUP_DONE  (uid/gid maps, net devices)
 *   init -> runtime     MOUNTS_DONE      (namespaces, mounts; before pivot)
 *   runtime             prestart + createRuntime hooks
 *   runtime -> init     HOOKS_DONE       (state JSON for the container hooks)
 *   init                createContainer hooks, pivot_root, process setup
 *   [init -> runtime    PTY_MASTER]
 *   init -> runtime     READY
 * Any failure in init is sent as an ERROR message instead and becomes the
 * runtime's error; the runtime then kills init and removes the state.
 *
 * Init then waits on exec.fifo in the state directory; `start` writes one
 * byte into it and removes it, init runs the startContainer hooks and
 * execs.  While the fifo exists the container is "created".
 */
#include <config.h>

#include "create.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "container_side.h"
#include "devices.h"
#include "hooks.h"
#include "log.h"
#include "lsm.h"
#include "mempolicy.h"
#include "namespaces.h"
#include "netlink.h"
#include "ocispec.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"

/* config.json bigger than this is not a config. */
#define CONFIG_MAX (64 * 1024 * 1024)

struct create
{
  runo_context *ctx;
  const runo_create_options *opts;
  oci_config *config;
  char *config_data; /* the raw config.json */
  size_t config_len;
  char *bundle; /* absolute */
  char *rootfs; /* absolute */
  int root_fd;
  int dir_fd;
  bool claimed;
  runo_namespaces ns;
  int sync_fd[2];
  int fifo_fd; /* read end of exec.fifo, for init */
  pid_t pid;   /* init */
  char *created;
  runo_cgroup *cgroup;
  bool cgroup_created; /* by this create: it is the container's */
  unsigned long long creator_start_time;
  runo_seccomp *seccomp;  /* compiled before init exists */
  runo_passed_fds passed; /* the caller's fds for the container */
  int listen_fds;         /* of them, socket activation's (LISTEN_FDS) */
};

static void
create_release (struct create *c)
{
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (c->cgroup_created)
    {
      runo_error *ignored = NULL;
      runo_cgroup_destroy (c->cgroup, &ignored);
      runo_error_release (&ignored);
    }
  runo_cgroup_free (c->cgroup);
  runo_seccomp_free (c->seccomp);
  if (c->claimed)
    {
      runo_error *ignored = NULL;
      runo_state_remove (c->root_fd, c->opts->id, &ignored);
      runo_error_release (&ignored);
    }
  runo_namespaces_close (&c->ns);
  if (c->sync_fd[0] >= 0)
    close (c->sync_fd[0]);
  if (c->sync_fd[1] >= 0)
    close (c->sync_fd[1]);
  if (c->fifo_fd >= 0)
    close (c->fifo_fd);
  if (c->dir_fd >= 0)
    close (c->dir_fd);
  if (c->root_fd >= 0)
    close (c->root_fd);
  runo_passed_fds_release (&c->passed);
  oci_config_free (c->config);
  free (c->config_data);
  free (c->bundle);
  free (c->rootfs);
  free (c->created);
}

/* ---- loading and checking the bundle ---- */

static int
load_config (struct create *c, runo_error **err)
{
  const char *bundle = c->opts->bundle ? c->opts->bundle : ".";
  cleanup_close int bundle_fd = -1;
  char *parse_err = NULL;
  char resolved[PATH_MAX];

  if (realpath (bundle, resolved) == NULL)
    return runo_error_errno (err, "bundle `%s`", bundle);
  c->bundle = runo_xstrdup (resolved);
  bundle_fd = open (c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bundle_fd < 0)
    return runo_error_errno (err, "bundle `%s`", bundle);
  if (runo_read_file_at (bundle_fd, "config.json", CONFIG_MAX, &c->config_data,
                         &c->config_len, err)
      < 0)
    return runo_error_wrap (err, "bundle `%s`", bundle);
  c->config = oci_config_parse_data (c->config_data, c->config_len,
                                     "config.json", &parse_err);
  if (c->config == NULL)
    {
      runo_error_make (err, 0, "%s", parse_err ? parse_err : "parse error");
      free (parse_err);
      return -1;
    }
  if (c->config->root == NULL)
    return runo_error_make (err, 0, "config.json: root: missing");
  if (c->config->root->path[0] == '/')
    c->rootfs = runo_xstrdup (c->config->root->path);
  else
    c->rootfs = runo_xasprintf ("%s/%s", c->bundle, c->config->root->path);
  if (realpath (c->rootfs, resolved) == NULL)
    return runo_error_errno (err, "root.path `%s`", c->config->root->path);
  free (c->rootfs);
  c->rootfs = runo_xstrdup (resolved);
  return 0;
}

/* What runo cannot do yet must fail here, before anything is built, rather
   than be skipped. */
static int
reject_unsupported (const oci_config *config, runo_error **err)
{
  const oci_config_linux *l = config->linux_;

  if (l->intel_rdt)
    return runo_error_make (err, ENOSYS, "linux.intelRdt: not supported");
  if (l->mount_label && l->mount_label[0] && !runo_selinux_enabled ())
    return runo_error_make (err, 0,
                            "linux.mountLabel: SELinux is not enabled on "
                            "this host");
  /* The context= option is not added to the mounts yet. */
  if (l->mount_label && l->mount_label[0])
    return runo_error_make (err, ENOSYS, "linux.mountLabel: not implemented");
  return 0;
}

static int
validate (struct create *c, runo_error **err)
{
  const oci_config *config = c->config;
  const runo_namespaces *ns = &c->ns;

  if (!runo_semver_valid (config->oci_version))
    return runo_error_make (err, 0,
                            "config.json: ociVersion: `%s` is not a SemVer "
                            "2.0.0 version",
                            config->oci_version ? config->oci_version : "");
  if (config->process == NULL)
    return runo_error_make (err, 0, "config.json: process: missing");
  if (config->linux_ == NULL)
    return runo_error_make (err, 0, "config.json: linux: missing");
  if (reject_unsupported (config, err) < 0)
    return -1;
  /* Without its own mount namespace the container's mounts would be made
     on the host. */
  if (!(ns->new_flags & CLONE_NEWNS))
    return runo_error_make (err, 0,
                            "linux.namespaces: a new mount namespace is "
                            "required");
  if (config->hostname && config->hostname[0] && !ns->present[RUNO_NS_UTS])
    return runo_error_make (err, 0, "hostname: needs a uts namespace");
  if (config->domainname && config->domainname[0] && !ns->present[RUNO_NS_UTS])
    return runo_error_make (err, 0, "domainname: needs a uts namespace");
  if ((config->linux_->uid_mappings_len || config->linux_->gid_mappings_len)
      && !(ns->new_flags & CLONE_NEWUSER))
    return runo_error_make (err, 0,
                            "linux.uidMappings: needs a new user namespace");
  if (config->linux_->time_offsets && !(ns->new_flags & CLONE_NEWTIME))
    return runo_error_make (err, 0,
                            "linux.timeOffsets: needs a new time namespace");
  if (config->linux_->net_devices && config->linux_->net_devices->len
      && !(ns->new_flags & CLONE_NEWNET))
    return runo_error_make (err, 0,
                            "linux.netDevices: needs a new network "
                            "namespace");
  if (config->process->terminal && c->opts->console_socket == NULL
      && c->opts->pty_master == NULL)
    return runo_error_make (err, 0, "process.terminal: needs --console-socket");
  if (runo_sysctl_validate (config->linux_->sysctl, ns, err) < 0
      || runo_mempolicy_validate (config->linux_->memory_policy, err) < 0)
    return -1;
  if (runo_process_validate (config->process, err) < 0
      || runo_process_validate_personality (config->linux_->personality, err)
             < 0)
    return -1;
  return runo_rootfs_validate (config, err);
}

/* ---- the container's init ---- */

static void
init_become_root (void)
{
  /* In a new user namespace the process keeps full capabilities whatever
     its ids, but files it creates are owned by its uid: be root in the
     namespace when root is mapped.  Failure means it is not; the process
     user is set later anyway. */
  if (setresgid (0, 0, 0) == 0)
    (void)!setresuid (0, 0, 0);
}

static int
init_uts (const oci_config *config, runo_error **err)
{
  if (config->hostname && config->hostname[0]
      && sethostname (config->hostname, strlen (config->hostname)) < 0)
    return runo_error_errno (err, "sethostname");
  if (config->domainname && config->domainname[0]
      && setdomainname (config->domainname, strlen (config->domainname)) < 0)
    return runo_error_errno (err, "setdomainname");
  return 0;
}

static void
init_session_keyring (const char *id)
{
  /* A fresh session keyring keeps the host's keys out of the container.
     Kernels without keyrings, or refusing it inside a user namespace, are
     not an error (as with runc). */
  (void)syscall (SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, id);
}

static void
close_trees (int **trees)
{
  /* The array ends with a -2 sentinel; -1 marks a mount without a tree. */
  int *p;

  if (*trees == NULL)
    return;
  for (p = *trees; *p != -2; p++)
    if (*p >= 0)
      close (*p);
  free (*trees);
}
#define cleanup_trees __attribute__ ((cleanup (close_trees)))

/* HOST_SETUP_DONE says how many prepared mount trees follow. */
static int
init_receive_host_setup (struct create *c, int **trees, runo_error **err)
{
  size_t n_mounts = c->config->mounts_len, i;
  uint32_t count = 0;
  runo_sync_msg msg;

  if (runo_sync_expect (c->sync_fd[1], RUNO_SYNC_HOST_SETUP_DONE, &msg, err)
      < 0)
    return -1;
  if (msg.len == sizeof (count))
    memcpy (&count, msg.payload, sizeof (count));
  runo_sync_msg_release (&msg);
  if (count == 0)
    return 0;
  *trees = runo_xmalloc0 ((n_mounts + 1) * sizeof (int));
  for (i = 0; i < n_mounts; i++)
    (*trees)[i] = -1;
  (*trees)[n_mounts] = -2;
  while (count-- > 0)
    {
      uint32_t index;

      if (runo_sync_expect (c->sync_fd[1], RUNO_SYNC_MOUNT_TREE, &msg, err) < 0)
        return -1;
      if (msg.len != sizeof (index) || msg.nfds != 1
          || (memcpy (&index, msg.payload, sizeof (index)), index >= n_mounts))
        {
          runo_sync_msg_release (&msg);
          return runo_error_make (err, EPROTO, "sync: bad mount tree");
        }
      (*trees)[index] = msg.fds[0];
      msg.nfds = 0; /* now owned by *trees */
      runo_sync_msg_release (&msg);
    }
  return 0;
}

static int
init_setup (struct create *c, char **state_json, char **exe, runo_error **err)
{
  const oci_config *config = c->config;
  int sync = c->sync_fd[1];
  cleanup_free char *warnings = NULL;
  cleanup_trees int *trees = NULL;
  runo_rootfs *rootfs = NULL;
  runo_sync_msg msg;

  if (init_receive_host_setup (c, &trees, err) < 0)
    return -1;

  /* Relative bind mount sources are relative to the bundle.  Entered while
     init still has the host's ids, which own the bundle. */
  if (chdir (c->bundle) < 0)
    return runo_error_errno (err, "chdir `%s`", c->bundle);
  if (c->ns.new_flags & CLONE_NEWUSER)
    init_become_root ();
  /* Made only now that init is in its cgroup, so that the namespace is
     rooted there. */
  if ((c->ns.new_flags & CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return runo_error_errno (err, "unshare cgroup namespace");
  if ((c->ns.new_flags & CLONE_NEWNET) && runo_netlink_loopback_up (err) < 0)
    return runo_error_wrap (err, "bring up lo");
  if (init_uts (config, err) < 0
      || runo_sysctl_apply (config->linux_->sysctl, err) < 0)
    return -1;
  if (!c->opts->no_new_keyring)
    init_session_keyring (c->opts->id);
  if (runo_process_setup_privileged (config, err) < 0
      || runo_mempolicy_apply (config->linux_->memory_policy, err) < 0)
    return -1;
  if (runo_rootfs_prepare (config, c->rootfs, trees, &rootfs, err) < 0)
    return -1;
  /* After the mounts, so that a cwd in a volume is made in it, and before
     the root may be made read-only. */
  if (runo_container_side_create_cwd (c->rootfs, config->process->cwd, err) < 0)
    {
      runo_rootfs_free (rootfs);
      return -1;
    }

  if (runo_sync_send_type (sync, RUNO_SYNC_MOUNTS_DONE, err) < 0
      || runo_sync_expect (sync, RUNO_SYNC_HOOKS_DONE, &msg, err) < 0)
    {
      runo_rootfs_free (rootfs);
      return -1;
    }
  *state_json = steal_pointer (&msg.payload);
  runo_sync_msg_release (&msg);

  if (config->hooks && *state_json
      && runo_hooks_run (config->hooks->create_container,
                         config->hooks->create_container_len, "createContainer",
                         *state_json, err)
             < 0)
    {
      runo_rootfs_free (rootfs);
      return -1;
    }
  if (runo_rootfs_finish (rootfs, config, c->opts->no_pivot, err) < 0)
    return -1;

  if (config->process->terminal)
    {
      cleanup_close int master = runo_terminal_setup (config->process, err);

      if (master < 0 || runo_terminal_bind_console (master, err) < 0)
        return runo_error_wrap (err, "terminal");
      if (runo_sync_send (sync, RUNO_SYNC_PTY_MASTER, 0, NULL, 0, &master, 1,
                          err)
          < 0)
        return -1;
    }
  if (runo_process_finalize_with_seccomp (config->process, c->seccomp, sync,
                                          &warnings, err)
      < 0)
    return -1;
  /* After finalize: `./x` is relative to the process's cwd and access is
     checked as the process's user. */
  if (runo_process_find_executable (config->process, exe, err) < 0)
    return -1;

  /* From here the runtime may exit: do not die with it. */
  prctl (PR_SET_PDEATHSIG, 0);
  return runo_sync_send (sync, RUNO_SYNC_READY, 0, warnings,
                         warnings ? strlen (warnings) : 0, NULL, 0, err);
}

/* Block until `start` writes into the fifo.  poll() rather than read():
   a read on a fifo with no writer yet returns end-of-file at once. */
static int
init_wait_start (int fifo_fd)
{
  struct pollfd pfd = { fifo_fd, POLLIN, 0 };
  char byte;

  for (;;)
    {
      int r = poll (&pfd, 1, -1);
      if (r > 0)
        break;
      if (r < 0 && errno != EINTR)
        return -1;
    }
  if (read (fifo_fd, &byte, 1) != 1)
    return -1;
  close (fifo_fd);
  return 0;
}

static void __attribute__ ((noreturn)) container_init (struct create *c)
{
  runo_error *err = NULL;
  cleanup_free char *state_json = NULL;
  cleanup_free char *exe = NULL;
  const oci_config_process *process = c->config->process;

  {
    const int own[] = { c->sync_fd[1], c->fifo_fd };

    /* First: nothing of the host the runtime holds stays open here. */
    if (runo_container_side_enter (&c->passed, own, 2) < 0)
      {
        runo_error_errno (&err, "close the runtime's fds");
        runo_sync_report_error (c->sync_fd[1], &err);
        _exit (EXIT_FAILURE);
      }
  }
  c->sync_fd[0] = -1;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (init_setup (c, &state_json, &exe, &err) < 0)
    {
      runo_sync_report_error (c->sync_fd[1], &err);
      _exit (EXIT_FAILURE);
    }
  close (c->sync_fd[1]);
  if (init_wait_start (c->fifo_fd) < 0)
    _exit (EXIT_FAILURE);
  if (c->config->hooks && c->config->hooks->start_container_len
      && runo_hooks_run (c->config->hooks->start_container,
                         c->config->hooks->start_container_len,
                         "startContainer", state_json, &err)
             < 0)
    _exit (EXIT_FAILURE);
  runo_container_side_execve (process, exe, &c->passed);
  _exit (127);
}

/* ---- spawning init ---- */

static pid_t
clone_process (int flags)
{
  /* No CLONE_VM and no new stack: the child continues like after fork(),
     but created directly in its namespaces. */
  return (pid_t)syscall (SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL,
                         NULL, NULL);
}

static bool
needs_joiner (const struct create *c)
{
  int i;

  if (c->ns.new_flags & CLONE_NEWTIME)
    return true;
  for (i = 0; i < RUNO_NS_COUNT; i++)
    if (c->ns.join_fds[i] >= 0)
      return true;
  return false;
}

static void __attribute__ ((noreturn)) joiner (struct create *c)
{
  runo_error *err = NULL;
  int sync = c->sync_fd[1];
  int own[RUNO_NS_COUNT + 2];
  pid_t pid;
  int i;

  /* It joins namespaces that are not the host's: with nothing of the
     host's open but what it needs. */
  own[0] = sync;
  own[1] = c->fifo_fd;
  for (i = 0; i < RUNO_NS_COUNT; i++)
    own[i + 2] = c->ns.join_fds[i];
  if (runo_container_side_enter (&c->passed, own, RUNO_NS_COUNT + 2) < 0)
    {
      runo_error_errno (&err, "close the runtime's fds");
      goto fail;
    }
  c->sync_fd[0] = -1;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (runo_namespaces_join (&c->ns, &err) < 0)
    goto fail;
  if (c->ns.new_flags & CLONE_NEWTIME)
    {
      if (unshare (CLONE_NEWTIME) < 0)
        {
          runo_error_errno (&err, "unshare time namespace");
          goto fail;
        }
      if (c->config->linux_->time_offsets
          && runo_timens_write_offsets (c->config->linux_->time_offsets, &err)
                 < 0)
        goto fail;
    }
  pid = runo_sync_clone_sibling (
      c->ns.new_flags & ~(CLONE_NEWTIME | CLONE_NEWCGROUP), sync, &err);
  if (pid == 0)
    container_init (c);
  if (pid < 0)
    goto fail;
  _exit (EXIT_SUCCESS);
fail:
  runo_sync_report_error (sync, &err);
  _exit (EXIT_FAILURE);
}

static int
spawn_init (struct create *c, runo_error **err)
{
  runo_sync_msg msg;
  pid_t joiner_pid;
  int status;

  if (!needs_joiner (c))
    {
      c->pid = clone_process (c->ns.new_flags & ~CLONE_NEWCGROUP);
      if (c->pid < 0)
        return runo_error_errno (err, "clone");
      if (c->pid == 0)
        container_init (c);
      close (steal_fd (&c->sync_fd[1]));
      return 0;
    }
  joiner_pid = fork ();
  if (joiner_pid < 0)
    return runo_error_errno (err, "fork");
  if (joiner_pid == 0)
    joiner (c);
  /* The children's end, closed here before waiting: should the joiner die
     before it reports, the wait ends (end of file) instead of hanging. */
  close (steal_fd (&c->sync_fd[1]));
  if (runo_sync_expect (c->sync_fd[0], RUNO_SYNC_INIT_PID, &msg, err) == 0)
    {
      if (msg.len == sizeof (pid_t))
        memcpy (&c->pid, msg.payload, sizeof (pid_t));
      runo_sync_msg_release (&msg);
    }
  while (waitpid (joiner_pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (*err)
    return -1;
  if (c->pid <= 0)
    return runo_error_make (err, EPROTO, "sync: bad init pid");
  return 0;
}

/* ---- the runtime's side ---- */

static runo_state *
make_state (const struct create *c, unsigned long long start_time)
{
  runo_state *st = runo_xmalloc0 (sizeof (*st));
  const oci_map_string *ann = c->config->annotations;

  st->id = runo_xstrdup (c->opts->id);
  st->pid = c->pid;
  st->pid_start_time = start_time;
  st->bundle = runo_xstrdup (c->bundle);
  st->rootfs = runo_xstrdup (c->rootfs);
  st->created = runo_xstrdup (c->created);
  st->owner = geteuid ();
  st->cgroup_path = c->cgroup ? runo_cgroup_path (c->cgroup) : NULL;
  st->systemd_unit = c->cgroup && runo_cgroup_systemd_unit (c->cgroup)
                         ? runo_xstrdup (runo_cgroup_systemd_unit (c->cgroup))
                         : NULL;
  st->cgroup_owned = c->cgroup_created;
  st->own_pidns = (c->ns.new_flags & CLONE_NEWPID) != 0;
  st->creating = true;
  st->creator_pid = getpid ();
  st->creator_start_time = c->creator_start_time;
  if (ann && ann->len)
    {
      size_t i;

      st->annotation_keys = runo_xmalloc0 (ann->len * sizeof (char *));
      st->annotation_values = runo_xmalloc0 (ann->len * sizeof (char *));
      for (i = 0; i < ann->len; i++)
        {
          st->annotation_keys[i] = runo_xstrdup (ann->keys[i]);
          st->annotation_values[i] = runo_xstrdup (ann->values[i]);
        }
      st->annotations_len = ann->len;
    }
  return st;
}

/* PID as its own pid namespace numbers it (the last NSpid of its
   status): what hooks that run in the container's namespaces are told.
   The host's number when the kernel does not say. */
static pid_t
pid_in_container (pid_t pid)
{
  cleanup_free char *status = NULL;
  char path[64];
  char *line, *p, *end;
  long inner = pid;

  snprintf (path, sizeof (path), "/proc/%d/status", pid);
  if (runo_read_file_at (AT_FDCWD, path, 0, &status, NULL, NULL) < 0)
    return pid;
  line = strstr (status, "\nNSpid:");
  if (line == NULL)
    return pid;
  for (p = line + strlen ("\nNSpid:");;)
    {
      long v = strtol (p, &end, 10);

      if (end == p)
        break;
      inner = v;
      p = end;
    }
  return inner > 0 ? (pid_t)inner : pid;
}

/* The prestart and createRuntime hooks, with the state as the runtime
   sees it; *CONTAINER_JSON is the state for the hooks init runs in the
   container's namespaces (createContainer, startContainer), whose pid is
   the container's view of it. */
static int
run_runtime_hooks (struct create *c, char **state_json, char **container_json,
                   runo_error **err)
{
  const oci_config_hooks *hooks = c->config->hooks;
  cleanup_state runo_state *st = NULL;

  /* The state is for hooks only: most containers have none. */
  if (hooks == NULL
      || hooks->prestart_len + hooks->create_runtime_len
                 + hooks->create_container_len + hooks->start_container_len
             == 0)
    return 0;
  st = make_state (c, 0);
  /* The environment exists when these hooks run: the runtime-tools
     conformance suite (hooks_stdin) wants "created", as runc gives. */
  *state_json
      = runo_state_to_json (st, c->opts->id, RUNO_STATUS_CREATED, false);
  st->pid = pid_in_container (c->pid);
  *container_json
      = runo_state_to_json (st, c->opts->id, RUNO_STATUS_CREATED, false);
  if (runo_hooks_run (hooks->prestart, hooks->prestart_len, "prestart",
                      *state_json, err)
      < 0)
    return -1;
  return runo_hooks_run (hooks->create_runtime, hooks->create_runtime_len,
                         "createRuntime", *state_json, err);
}

/* Idmapped binds of a container in a new user namespace: made here, where
   runo is root in the host's user namespace, and attached by init. */
static int
send_mount_trees (struct create *c, runo_error **err)
{
  const oci_config *config = c->config;
  cleanup_close int bundle_fd = -1;
  uint32_t count = 0, i;

  if (c->ns.new_flags & CLONE_NEWUSER)
    for (i = 0; i < config->mounts_len; i++)
      count += runo_rootfs_needs_premade_tree (config, i);
  if (runo_sync_send (c->sync_fd[0], RUNO_SYNC_HOST_SETUP_DONE, 0, &count,
                      sizeof (count), NULL, 0, err)
      < 0)
    return -1;
  if (count == 0)
    return 0;
  bundle_fd = open (c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bundle_fd < 0)
    return runo_error_errno (err, "open bundle `%s`", c->bundle);
  for (i = 0; i < config->mounts_len; i++)
    {
      cleanup_close int tree = -1;

      if (!runo_rootfs_needs_premade_tree (config, i))
        continue;
      tree = runo_rootfs_prepare_tree (config, i, bundle_fd, err);
      if (tree < 0
          || runo_sync_send (c->sync_fd[0], RUNO_SYNC_MOUNT_TREE, 0, &i,
                             sizeof (i), &tree, 1, err)
                 < 0)
        return -1;
    }
  return 0;
}

/* The devices policy (with linux.devices, which runo_cgroup_apply does not
   know) and the other limits. */
static int
limit_cgroup (struct create *c, runo_error **err)
{
  const oci_config_linux *l = c->config->linux_;
  oci_config_linux_resources rest;
  const char *ignored;

  if (runo_cgroup_apply_devices (c->cgroup, l->resources, l->devices,
                                 l->devices_len, err)
      < 0)
    return -1;
  if (l->resources == NULL)
    return 0;
  rest = *l->resources;
  rest.devices_len = 0;
  ignored = runo_cgroup_ignored_field (c->cgroup, &rest);
  if (ignored)
    runo_warning (c->ctx, "%s: not supported on cgroup v2, ignored", ignored);
  return runo_cgroup_apply (c->cgroup, &rest, err);
}

static int
host_setup (struct create *c, runo_error **err)
{
  const oci_config_linux *l = c->config->linux_;

  if (runo_cgroup_systemd_unit (c->cgroup))
    {
      if (runo_cgroup_systemd_enter (c->cgroup, c->pid, l->resources, err) < 0
          || limit_cgroup (c, err) < 0)
        return -1;
    }
  else if (runo_cgroup_enter (c->cgroup, c->pid, err) < 0)
    return -1;
  if ((c->ns.new_flags & CLONE_NEWUSER)
      && runo_userns_write_maps (c->pid, l, geteuid () != 0, err) < 0)
    return -1;
  if (l->net_devices && l->net_devices->len
      && runo_netlink_move_devices (l->net_devices, c->pid, err) < 0)
    return -1;
  return send_mount_trees (c, err);
}

static int
finish_create (struct create *c, runo_error **err)
{
  cleanup_state runo_state *st = NULL;
  unsigned long long start_time;
  bool zombie;

  if (runo_proc_start_time (c->pid, &start_time, &zombie, err) < 0)
    return runo_error_wrap (err, "container process");
  if (zombie)
    return runo_error_make (err, 0, "container process exited");
  st = make_state (c, start_time);
  st->creating = false;
  if (runo_state_write (c->dir_fd, st, err) < 0)
    return -1;
  if (c->opts->pid_file
      && runo_write_pid_file (c->opts->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

/* Hand the seccomp listener fd of init to the agent at listenerPath with
   the container's state, before anything else: init may already be
   blocked in a syscall only the agent can answer. */
static int
forward_seccomp_listener (struct create *c, runo_error **err)
{
  const oci_config_linux_seccomp *sc = c->config->linux_->seccomp;
  cleanup_state runo_state *st = make_state (c, 0);
  cleanup_free char *state_json = NULL;
  runo_sync_msg msg;
  int ret;

  if (runo_sync_expect (c->sync_fd[0], RUNO_SYNC_SECCOMP_FD, &msg, err) < 0)
    return -1;
  state_json
      = runo_state_to_json (st, c->opts->id, RUNO_STATUS_CREATING, false);
  ret = runo_seccomp_send_notify_fd (sc->listener_path, msg.fds[0], c->pid,
                                     sc->listener_metadata, state_json, err);
  runo_sync_msg_release (&msg);
  return ret < 0 ? runo_error_wrap (err, "linux.seccomp.listenerPath") : 0;
}

static int
drive_init (struct create *c, runo_error **err)
{
  cleanup_free char *state_json = NULL;
  cleanup_free char *container_json = NULL;
  runo_sync_msg msg;
  int sync = c->sync_fd[0];

  if (host_setup (c, err) < 0
      || runo_sync_expect (sync, RUNO_SYNC_MOUNTS_DONE, &msg, err) < 0)
    return -1;
  runo_sync_msg_release (&msg);
  if (run_runtime_hooks (c, &state_json, &container_json, err) < 0)
    return -1;
  if (runo_sync_send (sync, RUNO_SYNC_HOOKS_DONE, 0, container_json,
                      container_json ? strlen (container_json) : 0, NULL, 0,
                      err)
      < 0)
    return -1;
  if (c->config->process->terminal)
    {
      int ret;

      if (runo_sync_expect (sync, RUNO_SYNC_PTY_MASTER, &msg, err) < 0)
        return -1;
      if (c->opts->console_socket == NULL)
        {
          /* A foreground run relays the terminal itself. */
          *c->opts->pty_master = msg.fds[0];
          msg.nfds = 0;
          ret = 0;
        }
      else
        ret = runo_terminal_send_master (c->opts->console_socket, msg.fds[0],
                                         err);
      runo_sync_msg_release (&msg);
      if (ret < 0)
        return -1;
    }
  if (c->seccomp && runo_seccomp_needs_notify (c->seccomp)
      && forward_seccomp_listener (c, err) < 0)
    return -1;
  if (runo_sync_expect (sync, RUNO_SYNC_READY, &msg, err) < 0)
    return -1;
  if (msg.payload)
    runo_warning (c->ctx, "%s", msg.payload);
  runo_sync_msg_release (&msg);
  return finish_create (c, err);
}

static int
make_exec_fifo (struct create *c, runo_error **err)
{
  if (mkfifoat (c->dir_fd, RUNO_EXEC_FIFO, 0600) < 0)
    return runo_error_errno (err, "mkfifo `%s`", RUNO_EXEC_FIFO);
  /* Non-blocking so that open returns at once with no writer. */
  c->fifo_fd
      = openat (c->dir_fd, RUNO_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (c->fifo_fd < 0)
    return runo_error_errno (err, "open `%s`", RUNO_EXEC_FIFO);
  return 0;
}

/* The state while create is at work ("creating"), with what exists so
   far. */
static int
write_state (struct create *c, runo_error **err)
{
  cleanup_state runo_state *st = NULL;
  unsigned long long start_time = 0;

  if (c->pid > 0 && runo_proc_start_time (c->pid, &start_time, NULL, err) < 0)
    return runo_error_wrap (err, "container process");
  st = make_state (c, start_time);
  return runo_state_write (c->dir_fd, st, err);
}

/* Before anything is made: annotations too big for the state would leave
   a container no command can read back. */
static int
check_state_size (struct create *c, runo_error **err)
{
  cleanup_state runo_state *st = NULL;

  st = make_state (c, ~0ULL);
  st->created = runo_xstrdup ("0000-00-00T00:00:00.000000000Z");
  /* The cgroup path is not known yet; it is short. */
  st->cgroup_path = runo_xstrdup (c->bundle);
  return runo_state_check_size (st, err);
}

/* Made and limited before init exists, so that the limits hold from its
   first instruction; init joins it before it runs anything of the
   container.  systemd makes a scope only around an existing pid: then
   host_setup does it all while init waits. */
static int
setup_cgroup (struct create *c, runo_error **err)
{
  const oci_config_linux *l = c->config->linux_;

  if (runo_cgroup_new ("/", "/proc/self/mountinfo", "/proc/self/cgroup",
                       l->cgroups_path, c->opts->id, c->ctx->systemd_cgroup,
                       &c->cgroup, err)
      < 0)
    return runo_error_wrap (err, "cgroup");
  /* Recorded before the first mkdir, so that a create killed at any point
     leaves a state that delete --force can finish from. */
  c->cgroup_created = !runo_cgroup_exists (c->cgroup);
  if (write_state (c, err) < 0)
    return -1;
  if (runo_cgroup_systemd_unit (c->cgroup))
    return 0;
  if (runo_cgroup_create (c->cgroup, err) < 0)
    return runo_error_wrap (err, "cgroup");
  return limit_cgroup (c, err);
}

/* Compiled by the runtime (init only installs the program), through the
   cache in the state root. */
static int
compile_seccomp (struct create *c, runo_error **err)
{
  const oci_config_linux_seccomp *sc = c->config->linux_->seccomp;
  cleanup_close int cache_fd = -1;

  if (sc == NULL)
    return 0;
  cache_fd = runo_state_cache_dir (c->root_fd, RUNO_SECCOMP_CACHE);
  if (runo_seccomp_compile_cached (cache_fd, sc, &c->seccomp, err) < 0)
    return -1;
  if (runo_seccomp_needs_notify (c->seccomp) && sc->listener_path == NULL)
    return runo_error_make (err, 0,
                            "linux.seccomp: SCMP_ACT_NOTIFY needs "
                            "listenerPath");
  return 0;
}

/* The activated sockets are fds 3.. of the container's init, which is
   what LISTEN_PID names. */
static void
pass_listen_fds (oci_config_process *process, int n)
{
  char **env = realloc (process->env, (process->env_len + 2) * sizeof (char *));

  if (env == NULL)
    abort ();
  env[process->env_len++] = runo_xasprintf ("LISTEN_FDS=%d", n);
  env[process->env_len++] = runo_xstrdup ("LISTEN_PID=1");
  process->env = env;
  process->env_present = true;
}

static int
do_create (struct create *c, runo_error **err)
{
  if (load_config (c, err) < 0)
    return -1;
  if (runo_namespaces_open (c->config->linux_, &c->ns, err) < 0)
    return -1;
  if (validate (c, err) < 0)
    return -1;
  if (c->listen_fds > 0)
    pass_listen_fds (c->config->process, c->listen_fds);

  if (check_state_size (c, err) < 0)
    return -1;
  if (runo_proc_start_time (getpid (), &c->creator_start_time, NULL, err) < 0)
    return -1;

  c->root_fd = runo_state_root_open (c->ctx, true, err);
  if (c->root_fd < 0)
    return -1;
  c->dir_fd = runo_state_claim (c->root_fd, c->opts->id, err);
  if (c->dir_fd < 0)
    return -1;
  c->claimed = true;
  c->created = runo_rfc3339_now ();
  /* exec, start and delete need the config (process defaults, hooks,
     the cgroupsPath the state's cgroup is checked against) when the
     bundle may be gone. */
  if (runo_write_file_atomic_at (c->dir_fd, RUNO_STATE_CONFIG, c->config_data,
                                 c->config_len, 0600, err)
          < 0
      || write_state (c, err) < 0)
    return -1;
  if (compile_seccomp (c, err) < 0)
    return -1;
  if (setup_cgroup (c, err) < 0)
    return -1;
  if (make_exec_fifo (c, err) < 0)
    return -1;
  if (runo_sync_pair (c->sync_fd, err) < 0)
    return -1;
  if (spawn_init (c, err) < 0)
    return -1;
  /* From here on a killed create leaves an init that delete can find. */
  if (write_state (c, err) < 0)
    return -1;
  runo_namespaces_close (&c->ns);
  return drive_init (c, err);
}

int
runo_container_create (runo_context *ctx, const runo_create_options *opts,
                       pid_t *pid, runo_error **err)
{
  struct create c = {
    .ctx = ctx,
    .opts = opts,
    .root_fd = -1,
    .dir_fd = -1,
    .sync_fd = { -1, -1 },
    .fifo_fd = -1,
  };
  int i;

  for (i = 0; i < RUNO_NS_COUNT; i++)
    c.ns.join_fds[i] = -1;
  if (runo_id_validate (opts->id, err) < 0)
    return -1;
  if (opts->preserve_fds < 0)
    return runo_error_make (err, 0, "--preserve-fds: must not be negative");
  /* Every process of runo that enters the container inherits this: none
     may be ptraced or have its /proc files opened (exe, fds, mem) by the
     container's processes before it execs (execve resets it). */
  prctl (PR_SET_DUMPABLE, 0);
  /* Before runo opens anything: which of the fds the container is to get
     are the caller's.  Socket activation's come first, as with runc. */
  c.listen_fds = runo_listen_fds ();
  if (c.listen_fds > INT_MAX - 3 - opts->preserve_fds)
    return runo_error_make (err, 0, "--preserve-fds: too many");
  runo_passed_fds_collect (c.listen_fds + opts->preserve_fds, ctx->log_fd,
                           &c.passed);
  if (do_create (&c, err) < 0)
    {
      create_release (&c);
      return -1;
    }
  *pid = c.pid;
  /* Success: init lives on and the state stays. */
  c.pid = -1;
  c.claimed = false;
  c.cgroup_created = false;
  create_release (&c);
  return 0;
}
