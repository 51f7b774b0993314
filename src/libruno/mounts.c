/* runo: parsing of mount options and doing one mount inside the rootfs.

   Every destination is opened with openat2(RESOLVE_IN_ROOT) on the rootfs
   fd and the mount goes onto that fd: a symlink in the rootfs resolves as
   if the rootfs were "/", so it can never send a mount to the host.  New
   filesystems are mounted with mount(2) on "." after fchdir() to the
   destination fd (no /proc needed); bind mounts use open_tree() +
   mount_setattr() + move_mount(), which applies ro/nosuid/... to the
   detached copy before it becomes visible, without the remount dance and
   without having to repeat flags the kernel keeps locked. */
#include <config.h>

#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "utils.h"

enum option_kind
{
  OPT_FLAG,     /* mount(2) flag and, for binds, a mount attribute */
  OPT_REC_ATTR, /* recursive mount attribute */
  OPT_ATIME,    /* atime mode: exclusive values of MOUNT_ATTR__ATIME */
  OPT_REC_ATIME,
  OPT_PROPAGATION,
  OPT_BIND,
  OPT_RBIND,
  OPT_REMOUNT,
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_TMPCOPYUP,
  OPT_NOTHING,
};

struct option_def
{
  const char *name;
  enum option_kind kind;
  bool clear;         /* the option removes FLAG/ATTR instead of adding */
  unsigned long flag; /* MS_* (or the propagation type) */
  uint64_t attr;      /* MOUNT_ATTR_* (atime mode for OPT_*ATIME) */
  bool recursive;     /* propagation: the r- form */
};

/* mount(8)'s filesystem-independent options, the propagation and
   recursive forms of config.md, and runo's own (tmpcopyup, idmap). */
static const struct option_def option_defs[] = {
  { "defaults", OPT_NOTHING, false, 0, 0, false },
  { "ro", OPT_FLAG, false, MS_RDONLY, MOUNT_ATTR_RDONLY, false },
  { "rw", OPT_FLAG, true, MS_RDONLY, MOUNT_ATTR_RDONLY, false },
  { "nosuid", OPT_FLAG, false, MS_NOSUID, MOUNT_ATTR_NOSUID, false },
  { "suid", OPT_FLAG, true, MS_NOSUID, MOUNT_ATTR_NOSUID, false },
  { "nodev", OPT_FLAG, false, MS_NODEV, MOUNT_ATTR_NODEV, false },
  { "dev", OPT_FLAG, true, MS_NODEV, MOUNT_ATTR_NODEV, false },
  { "noexec", OPT_FLAG, false, MS_NOEXEC, MOUNT_ATTR_NOEXEC, false },
  { "exec", OPT_FLAG, true, MS_NOEXEC, MOUNT_ATTR_NOEXEC, false },
  { "sync", OPT_FLAG, false, MS_SYNCHRONOUS, 0, false },
  { "async", OPT_FLAG, true, MS_SYNCHRONOUS, 0, false },
  { "dirsync", OPT_FLAG, false, MS_DIRSYNC, 0, false },
  { "mand", OPT_FLAG, false, MS_MANDLOCK, 0, false },
  { "nomand", OPT_FLAG, true, MS_MANDLOCK, 0, false },
  { "nodiratime", OPT_FLAG, false, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME,
    false },
  { "diratime", OPT_FLAG, true, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, false },
  { "lazytime", OPT_FLAG, false, MS_LAZYTIME, 0, false },
  { "nolazytime", OPT_FLAG, true, MS_LAZYTIME, 0, false },
  { "iversion", OPT_FLAG, false, MS_I_VERSION, 0, false },
  { "noiversion", OPT_FLAG, true, MS_I_VERSION, 0, false },
  { "silent", OPT_FLAG, false, MS_SILENT, 0, false },
  { "loud", OPT_FLAG, true, MS_SILENT, 0, false },
  { "nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW,
    false },
  { "symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW,
    false },
  /* Clearing an atime mode leaves the kernel default (relatime). */
  { "atime", OPT_ATIME, true, MS_NOATIME, MOUNT_ATTR_RELATIME, false },
  { "noatime", OPT_ATIME, false, MS_NOATIME, MOUNT_ATTR_NOATIME, false },
  { "relatime", OPT_ATIME, false, MS_RELATIME, MOUNT_ATTR_RELATIME, false },
  { "norelatime", OPT_ATIME, true, MS_RELATIME, MOUNT_ATTR_RELATIME, false },
  { "strictatime", OPT_ATIME, false, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME,
    false },
  { "nostrictatime", OPT_ATIME, true, MS_STRICTATIME, MOUNT_ATTR_RELATIME,
    false },
  { "remount", OPT_REMOUNT, false, 0, 0, false },
  { "bind", OPT_BIND, false, 0, 0, false },
  { "rbind", OPT_RBIND, false, 0, 0, false },
  { "shared", OPT_PROPAGATION, false, MS_SHARED, 0, false },
  { "rshared", OPT_PROPAGATION, false, MS_SHARED, 0, true },
  { "slave", OPT_PROPAGATION, false, MS_SLAVE, 0, false },
  { "rslave", OPT_PROPAGATION, false, MS_SLAVE, 0, true },
  { "private", OPT_PROPAGATION, false, MS_PRIVATE, 0, false },
  { "rprivate", OPT_PROPAGATION, false, MS_PRIVATE, 0, true },
  { "unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE, 0, false },
  { "runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE, 0, true },
  { "rro", OPT_REC_ATTR, false, 0, MOUNT_ATTR_RDONLY, true },
  { "rrw", OPT_REC_ATTR, true, 0, MOUNT_ATTR_RDONLY, true },
  { "rnosuid", OPT_REC_ATTR, false, 0, MOUNT_ATTR_NOSUID, true },
  { "rsuid", OPT_REC_ATTR, true, 0, MOUNT_ATTR_NOSUID, true },
  { "rnodev", OPT_REC_ATTR, false, 0, MOUNT_ATTR_NODEV, true },
  { "rdev", OPT_REC_ATTR, true, 0, MOUNT_ATTR_NODEV, true },
  { "rnoexec", OPT_REC_ATTR, false, 0, MOUNT_ATTR_NOEXEC, true },
  { "rexec", OPT_REC_ATTR, true, 0, MOUNT_ATTR_NOEXEC, true },
  { "rnodiratime", OPT_REC_ATTR, false, 0, MOUNT_ATTR_NODIRATIME, true },
  { "rdiratime", OPT_REC_ATTR, true, 0, MOUNT_ATTR_NODIRATIME, true },
  { "rnosymfollow", OPT_REC_ATTR, false, 0, MOUNT_ATTR_NOSYMFOLLOW, true },
  { "rsymfollow", OPT_REC_ATTR, true, 0, MOUNT_ATTR_NOSYMFOLLOW, true },
  { "ratime", OPT_REC_ATIME, true, 0, MOUNT_ATTR_RELATIME, true },
  { "rnoatime", OPT_REC_ATIME, false, 0, MOUNT_ATTR_NOATIME, true },
  { "rrelatime", OPT_REC_ATIME, false, 0, MOUNT_ATTR_RELATIME, true },
  { "rnorelatime", OPT_REC_ATIME, true, 0, MOUNT_ATTR_RELATIME, true },
  { "rstrictatime", OPT_REC_ATIME, false, 0, MOUNT_ATTR_STRICTATIME, true },
  { "rnostrictatime", OPT_REC_ATIME, true, 0, MOUNT_ATTR_RELATIME, true },
  { "idmap", OPT_IDMAP, false, 0, 0, false },
  { "ridmap", OPT_RIDMAP, false, 0, 0, true },
  { "tmpcopyup", OPT_TMPCOPYUP, false, 0, 0, false },
};

static const struct option_def *
find_option (const char *name)
{
  size_t i;

  for (i = 0; i < sizeof (option_defs) / sizeof (option_defs[0]); i++)
    if (strcmp (option_defs[i].name, name) == 0)
      return &option_defs[i];
  return NULL;
}

static void
attr_change (uint64_t *set, uint64_t *clr, uint64_t attr, bool clear)
{
  if (clear)
    {
      *clr |= attr;
      *set &= ~attr;
    }
  else
    {
      *set |= attr;
      *clr &= ~attr;
    }
}

static void
atime_change (uint64_t *set, uint64_t *clr, uint64_t mode)
{
  *set = (*set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
  *clr |= MOUNT_ATTR__ATIME;
}

static void
append_data (char **data, const char *opt)
{
  char *joined;

  if (*data == NULL)
    {
      *data = runo_xstrdup (opt);
      return;
    }
  joined = runo_xasprintf ("%s,%s", *data, opt);
  free (*data);
  *data = joined;
}

static bool
type_is_bind (const char *type)
{
  return type && (strcmp (type, "bind") == 0 || strcmp (type, "none") == 0);
}

int
runo_mount_options_parse (const oci_mount *m, runo_mount_options *out,
                          runo_error **err)
{
  runo_mount_options o = { 0 };
  size_t i;

  o.bind = type_is_bind (m->type);
  for (i = 0; i < m->options_len; i++)
    {
      const char *name = m->options[i];
      const struct option_def *def = find_option (name);

      if (def == NULL)
        {
          if (strchr (name, '=') == NULL && o.unknown == NULL)
            o.unknown = runo_xstrdup (name);
          append_data (&o.data, name);
          continue;
        }
      switch (def->kind)
        {
        case OPT_FLAG:
          if (def->clear)
            o.flags &= ~def->flag;
          else
            o.flags |= def->flag;
          if (def->attr)
            attr_change (&o.attr_set, &o.attr_clr, def->attr, def->clear);
          break;
        case OPT_ATIME:
          if (def->clear)
            o.flags &= ~def->flag;
          else
            {
              o.flags &= ~(unsigned long)(MS_NOATIME | MS_RELATIME
                                          | MS_STRICTATIME);
              o.flags |= def->flag;
            }
          atime_change (&o.attr_set, &o.attr_clr, def->attr);
          break;
        case OPT_REC_ATTR:
          attr_change (&o.rec_attr_set, &o.rec_attr_clr, def->attr, def->clear);
          break;
        case OPT_REC_ATIME:
          atime_change (&o.rec_attr_set, &o.rec_attr_clr, def->attr);
          break;
        case OPT_PROPAGATION:
          o.propagation = def->flag;
          o.propagation_recursive = def->recursive;
          break;
        case OPT_BIND:
          o.bind = true;
          break;
        case OPT_RBIND:
          o.bind = true;
          o.recursive = true;
          break;
        case OPT_REMOUNT:
          o.remount = true;
          break;
        case OPT_IDMAP:
          o.idmap = true;
          break;
        case OPT_RIDMAP:
          o.ridmap = true;
          break;
        case OPT_TMPCOPYUP:
          o.tmpcopyup = true;
          break;
        case OPT_NOTHING:
          break;
        }
    }
  /* Mappings without idmap/ridmap: the spec only asks configs to add the
     option so that older runtimes fail; the intent is clear. */
  if ((m->uid_mappings_len > 0 || m->gid_mappings_len > 0) && !o.ridmap)
    o.idmap = true;
  if (o.bind && o.unknown)
    {
      int ret;
      unsigned char *c;

      /* The word is quoted into a one-line message: no control byte may
         break the line (a newline in an option came out as two lines). */
      for (c = (unsigned char *)o.unknown; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
          *c = '?';
      ret = runo_error_make (err, 0, "unknown option \"%s\"", o.unknown);
      runo_mount_options_free (&o);
      return ret;
    }
  *out = o;
  return 0;
}

void
runo_mount_options_free (runo_mount_options *o)
{
  free (o->data);
  free (o->unknown);
  o->data = o->unknown = NULL;
}

char *
runo_clean_container_path (const char *path)
{
  size_t len = strlen (path);
  char *out = runo_xmalloc0 (len + 1);
  size_t n = 0;
  const char *p = path;

  while (*p)
    {
      const char *end;
      size_t clen;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchrnul (p, '/');
      clen = (size_t)(end - p);
      if (clen == 1 && p[0] == '.')
        ;
      else if (clen == 2 && p[0] == '.' && p[1] == '.')
        {
          /* ".." of the container root is the root itself. */
          while (n > 0 && out[n - 1] != '/')
            n--;
          if (n > 0)
            n--;
        }
      else
        {
          if (n > 0)
            out[n++] = '/';
          memcpy (out + n, p, clen);
          n += clen;
        }
      p = end;
    }
  out[n] = '\0';
  return out;
}

static int
openat2_path (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve };
  int fd, tries = 0;

  /* RESOLVE_IN_ROOT fails with EAGAIN when a rename races with the walk
     of "..": retrying is what the kernel asks for. */
  do
    fd = (int)syscall (SYS_openat2, dirfd, path, &how, sizeof (how));
  while (fd < 0 && errno == EAGAIN && ++tries < 16);
  return fd;
}

int
runo_resolve_in_root (int rootfd, const char *path,
                      enum runo_resolve_create create, bool no_symlinks,
                      runo_error **err)
{
  cleanup_free char *clean = runo_clean_container_path (path);
  uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
                     | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0);
  cleanup_close int parent = -1;
  bool missing;
  int hops = 0;
  char *p;
  int fd;

  fd = openat2_path (rootfd, clean[0] ? clean : ".", O_PATH, resolve);
  if (fd >= 0)
    return fd;
  if (errno == ELOOP && no_symlinks)
    return runo_error_make (err, 0, "`%s` must not be a symlink", path);
  if (errno != ENOENT)
    return runo_error_errno (err, "open `%s` in the rootfs", path);
  if (create == RUNO_RESOLVE_NO_CREATE)
    {
      errno = ENOENT;
      return -1;
    }

  /* Walk from the top, creating what is missing.  A component is opened
     by its whole prefix from the rootfs (symlinks resolved in the root),
     and once one had to be created everything below it is new: created
     and opened relative to its parent, refusing symlinks.  A dangling
     symlink on the way is followed by hand: its target, taken in the
     root, replaces the walked prefix and the walk starts again. */
restart:
  missing = false;
  if (parent >= 0)
    close (steal_fd (&parent));
  for (p = clean;;)
    {
      char *slash = strchr (p, '/');
      bool last = slash == NULL;
      int cur = parent >= 0 ? parent : rootfd;
      int next;

      if (slash)
        *slash = '\0';
      next = -1;
      if (!missing)
        {
          next = openat2_path (rootfd, clean, O_PATH, resolve);
          if (next < 0 && errno != ENOENT)
            return runo_error_errno (err, "open `%s` in the rootfs", clean);
          missing = next < 0;
        }
      if (next < 0)
        {
          if (!last || create == RUNO_RESOLVE_CREATE_DIR)
            {
              if (mkdirat (cur, p, 0755) < 0 && errno != EEXIST)
                return runo_error_errno (err, "mkdir `%s` in the rootfs",
                                         clean);
            }
          else
            {
              int f = openat (
                  cur, p, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                  0644);
              if (f < 0 && errno != EEXIST)
                return runo_error_errno (err, "create `%s` in the rootfs",
                                         clean);
              if (f >= 0)
                close (f);
            }
          next = openat2_path (cur, p, O_PATH,
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
                                   | RESOLVE_NO_MAGICLINKS);
          if (next < 0 && errno == ELOOP && !no_symlinks)
            {
              char target[PATH_MAX];
              ssize_t len = readlinkat (cur, p, target, sizeof (target) - 1);
              char *joined;

              if (len < 0)
                return runo_error_errno (err, "readlink `%s` in the rootfs",
                                         clean);
              if (++hops > 40)
                {
                  errno = ELOOP;
                  return runo_error_errno (err, "open `%s` in the rootfs",
                                           path);
                }
              target[len] = '\0';
              p[0] = '\0'; /* CLEAN is now the prefix before the link */
              joined
                  = runo_xasprintf ("%s/%s/%s", target[0] == '/' ? "" : clean,
                                    target, slash ? slash + 1 : "");
              free (clean);
              clean = runo_clean_container_path (joined);
              free (joined);
              goto restart;
            }
          if (next < 0)
            return runo_error_errno (err, "open `%s` in the rootfs", clean);
        }
      if (parent >= 0)
        close (parent);
      parent = next;
      if (last)
        break;
      *slash = '/';
      p = slash + 1;
    }
  return steal_fd (&parent);
}

int
runo_bind_onto_fd (int dirfd, const char *source, int destfd, bool recursive,
                   runo_error **err)
{
  cleanup_close int tree = -1;

  tree = open_tree (dirfd, source,
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                        | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return runo_error_errno (err, "open_tree `%s`", source);
  if (move_mount (tree, "", destfd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return runo_error_errno (err, "bind `%s`", source);
  return 0;
}

static int
setattr_fd (int fd, bool recursive, uint64_t set, uint64_t clr,
            uint64_t propagation, int userns_fd)
{
  struct mount_attr attr = {
    .attr_set = set,
    .attr_clr = clr,
    .propagation = propagation,
    .userns_fd = userns_fd >= 0 ? (uint64_t)userns_fd : 0,
  };

  return mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                        &attr, sizeof (attr));
}

static bool
config_has_namespace (const oci_config *config, const char *type)
{
  size_t i;

  if (config == NULL || config->linux_ == NULL)
    return false;
  for (i = 0; i < config->linux_->namespaces_len; i++)
    if (strcmp (config->linux_->namespaces[i]->type, type) == 0)
      return true;
  return false;
}

static int
write_id_map (pid_t pid, const char *file, oci_id_mapping **maps, size_t n,
              runo_error **err)
{
  cleanup_free char *path = runo_xasprintf ("/proc/%d/%s", (int)pid, file);
  cleanup_free char *buf = runo_xmalloc0 (n * 40 + 1);
  cleanup_close int fd = -1;
  size_t len = 0, i;

  for (i = 0; i < n; i++)
    len += (size_t)sprintf (buf + len, "%u %u %u\n", maps[i]->container_id,
                            maps[i]->host_id, maps[i]->size);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || runo_write_all (fd, buf, len) < 0)
    return runo_error_errno (err, "write `%s`", path);
  return 0;
}

/* PID (in our pid namespace) as numbered by the /proc mounted now: the
   host's while the rootfs is prepared, when the container has its own pid
   namespace.  A pidfd's fdinfo counts in the pid namespace of the /proc
   it is read from. */
static pid_t
proc_pid_of (pid_t pid, runo_error **err)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  cleanup_free char *path = NULL;
  cleanup_free char *info = NULL;
  const char *line;
  size_t len;
  int nr;

  if (pidfd < 0)
    return runo_error_errno (err, "pidfd_open %d", (int)pid);
  path = runo_xasprintf ("/proc/self/fdinfo/%d", pidfd);
  if (runo_read_file_at (AT_FDCWD, path, 4096, &info, &len, err) < 0)
    return -1;
  line = strstr (info, "\nPid:");
  if (line == NULL || sscanf (line + 5, "%d", &nr) != 1 || nr <= 0)
    return runo_error_make (err, 0, "`%s`: no pid", path);
  return (pid_t)nr;
}

/* A user namespace with the given mappings, for MOUNT_ATTR_IDMAP: a child
   is cloned into a new user namespace only to be given the maps, its
   namespace is kept by fd and the child goes. */
static int
make_idmap_userns (oci_id_mapping **uids, size_t nuids, oci_id_mapping **gids,
                   size_t ngids, runo_error **err)
{
  cleanup_close int rd = -1;
  cleanup_close int wr = -1;
  cleanup_pid pid_t pid = -1;
  cleanup_free char *nspath = NULL;
  pid_t procpid;
  int pipefd[2], fd;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return runo_error_errno (err, "pipe");
  rd = pipefd[0];
  wr = pipefd[1];
  pid = (pid_t)syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL,
                        NULL);
  if (pid < 0)
    return runo_error_errno (err, "clone user namespace for idmap");
  if (pid == 0)
    {
      char c;
      close (wr);
      /* Wait until the parent has the namespace: EOF on the pipe. */
      (void)!read (rd, &c, 1);
      _exit (0);
    }
  procpid = proc_pid_of (pid, err);
  if (procpid < 0)
    return runo_error_wrap (err, "idmap user namespace");
  if (write_id_map (procpid, "uid_map", uids, nuids, err) < 0
      || write_id_map (procpid, "gid_map", gids, ngids, err) < 0)
    return runo_error_wrap (err, "idmap user namespace");
  nspath = runo_xasprintf ("/proc/%d/ns/user", (int)procpid);
  fd = open (nspath, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", nspath);
  close (steal_fd (&wr));
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  pid = -1;
  return fd;
}

static int
idmap_userns_for (const runo_mount_context *ctx, const oci_mount *m,
                  runo_error **err)
{
  const oci_config_linux *lx = ctx->config ? ctx->config->linux_ : NULL;

  if (m->uid_mappings_len > 0 || m->gid_mappings_len > 0)
    return make_idmap_userns (m->uid_mappings, m->uid_mappings_len,
                              m->gid_mappings, m->gid_mappings_len, err);
  if (lx && config_has_namespace (ctx->config, "user")
      && (lx->uid_mappings_len > 0 || lx->gid_mappings_len > 0))
    return make_idmap_userns (lx->uid_mappings, lx->uid_mappings_len,
                              lx->gid_mappings, lx->gid_mappings_len, err);
  return runo_error_make (err, 0,
                          "idmap mount without uidMappings/gidMappings and "
                          "without a user namespace");
}

int
runo_mount_bind_tree (const runo_mount_context *ctx, const oci_mount *m,
                      const runo_mount_options *o, runo_error **err)
{
  cleanup_close int tree = -1;
  cleanup_close int userns = -1;
  uint64_t set = o->attr_set, clr = o->attr_clr;
  uint64_t rset = o->rec_attr_set, rclr = o->rec_attr_clr;

  if (m->source == NULL || m->source[0] == '\0')
    return runo_error_make (err, 0, "bind mount without a source");
  tree = open_tree (ctx->sourcedirfd, m->source,
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                        | (o->recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return runo_error_errno (err, "open bind source `%s`", m->source);
  if (o->idmap || o->ridmap)
    {
      userns = idmap_userns_for (ctx, m, err);
      if (userns < 0)
        return -1;
      if (o->ridmap)
        rset |= MOUNT_ATTR_IDMAP;
      else
        set |= MOUNT_ATTR_IDMAP;
    }
  /* Attributes go on the detached copy: it is never visible with the
     wrong ones, and idmap is only possible there. */
  if ((set || clr)
      && setattr_fd (tree, false, set, clr, 0,
                     (set & MOUNT_ATTR_IDMAP) ? userns : -1)
             < 0)
    return runo_error_errno (err, "set mount attributes");
  if ((rset || rclr)
      && setattr_fd (tree, true, rset, rclr, 0,
                     (rset & MOUNT_ATTR_IDMAP) ? userns : -1)
             < 0)
    return runo_error_errno (err, "set recursive mount attributes");
  return steal_fd (&tree);
}

static int
do_bind (const runo_mount_context *ctx, const oci_mount *m,
         const runo_mount_options *o, runo_error **err)
{
  cleanup_close int tree = -1;
  cleanup_close int destfd = -1;

  /* A tree the runtime prepared (idmap in a user namespace) is used as
     is; otherwise it is made here. */
  if (ctx->premade_tree >= 0)
    tree = dup (ctx->premade_tree);
  else
    tree = runo_mount_bind_tree (ctx, m, o, err);
  if (tree < 0)
    return *err ? -1 : runo_error_errno (err, "dup");

  destfd = runo_resolve_in_root (ctx->rootfd, m->destination,
                                 RUNO_RESOLVE_NO_CREATE, false, err);
  if (destfd < 0 && *err == NULL)
    {
      struct stat st;

      if (fstat (tree, &st) < 0)
        return runo_error_errno (err, "stat `%s`", m->source);
      destfd = runo_resolve_in_root (ctx->rootfd, m->destination,
                                     S_ISDIR (st.st_mode)
                                         ? RUNO_RESOLVE_CREATE_DIR
                                         : RUNO_RESOLVE_CREATE_FILE,
                                     false, err);
    }
  if (destfd < 0)
    return -1;
  if (move_mount (tree, "", destfd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return runo_error_errno (err, "bind `%s`", m->source);
  if (o->propagation
      && setattr_fd (tree, o->propagation_recursive, 0, 0, o->propagation, -1)
             < 0)
    return runo_error_errno (err, "set propagation");
  return 0;
}

/* Copy the directory tree SRC (readable dir fd) into DST (readable dir
   fd), keeping modes, owners and symlinks: what tmpcopyup promises. */
static int
copy_tree (int src, int dst, runo_error **err)
{
  cleanup_dir DIR *dir = NULL;
  struct dirent *de;
  int dupfd = dup (src);

  if (dupfd < 0 || (dir = fdopendir (dupfd)) == NULL)
    {
      if (dupfd >= 0)
        close (dupfd);
      return runo_error_errno (err, "tmpcopyup: read directory");
    }
  while ((errno = 0, de = readdir (dir)) != NULL)
    {
      struct stat st;
      const char *n = de->d_name;

      if (strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
        continue;
      if (fstatat (src, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return runo_error_errno (err, "tmpcopyup: stat `%s`", n);
      if (S_ISDIR (st.st_mode))
        {
          cleanup_close int s = -1;
          cleanup_close int d = -1;

          if (mkdirat (dst, n, st.st_mode & 07777) < 0)
            return runo_error_errno (err, "tmpcopyup: mkdir `%s`", n);
          s = openat (src, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          d = openat (dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (s < 0 || d < 0)
            return runo_error_errno (err, "tmpcopyup: open `%s`", n);
          if (copy_tree (s, d, err) < 0)
            return -1;
        }
      else if (S_ISREG (st.st_mode))
        {
          cleanup_close int s = -1;
          cleanup_close int d = -1;
          off_t left = st.st_size;

          s = openat (src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          d = openat (dst, n, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      st.st_mode & 07777);
          if (s < 0 || d < 0)
            return runo_error_errno (err, "tmpcopyup: open `%s`", n);
          while (left > 0)
            {
              ssize_t c = sendfile (d, s, NULL, (size_t)left);
              if (c < 0)
                return runo_error_errno (err, "tmpcopyup: copy `%s`", n);
              if (c == 0)
                break;
              left -= c;
            }
        }
      else if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t len = readlinkat (src, n, target, sizeof (target) - 1);

          if (len < 0)
            return runo_error_errno (err, "tmpcopyup: readlink `%s`", n);
          target[len] = '\0';
          if (symlinkat (target, dst, n) < 0)
            return runo_error_errno (err, "tmpcopyup: symlink `%s`", n);
        }
      else if (mknodat (dst, n, st.st_mode, st.st_rdev) < 0)
        return runo_error_errno (err, "tmpcopyup: mknod `%s`", n);
      /* umask trimmed the mode at creation. */
      if (!S_ISLNK (st.st_mode) && fchmodat (dst, n, st.st_mode & 07777, 0) < 0)
        return runo_error_errno (err, "tmpcopyup: chmod `%s`", n);
      if (fchownat (dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return runo_error_errno (err, "tmpcopyup: chown `%s`", n);
    }
  if (errno != 0)
    return runo_error_errno (err, "tmpcopyup: read directory");
  return 0;
}

/* The content of the image's directory under the new tmpfs; its mode and
   owner too when the image had the directory (KEEP_MODE: unless the
   options set a mode). */
static int
tmpcopyup (int underfd, int mountfd, bool existed, bool keep_mode,
           runo_error **err)
{
  cleanup_close int src
      = openat (underfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dst
      = openat (mountfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat st;

  if (src < 0 || dst < 0)
    return runo_error_errno (err, "tmpcopyup: open");
  if (existed
      && (fstat (src, &st) < 0
          || (keep_mode && fchmod (dst, st.st_mode & 07777) < 0)
          || fchown (dst, st.st_uid, st.st_gid) < 0))
    return runo_error_errno (err, "tmpcopyup: copy root attributes");
  return copy_tree (src, dst, err);
}

/* Whether mount data (comma-separated) sets the root's mode. */
static bool
data_sets_mode (const char *data)
{
  const char *p = data;

  while (p && *p)
    {
      if (strncmp (p, "mode=", 5) == 0)
        return true;
      p = strchr (p, ',');
      if (p)
        p++;
    }
  return false;
}

/* One hierarchy of a v1 (or hybrid) host under the tmpfs of a "cgroup"
   mount, as the container must see it: its own cgroup at the root. */
struct cgroup_v1_mount
{
  int tmpfs;     /* the tmpfs at the mount's destination */
  bool cgroupns; /* the container has its own cgroup namespace */
  unsigned long flags;
  uint64_t set, clr;
};

static int
mount_cgroup_hierarchy (void *data, const char *mount_point,
                        const char *controllers, const char *own_path,
                        runo_error **err)
{
  static const char prefix[] = "/sys/fs/cgroup/";
  struct cgroup_v1_mount *cm = data;
  const char *name = mount_point + sizeof (prefix) - 1;
  cleanup_close int dir = -1;
  cleanup_close int tree = -1;
  cleanup_free char *host = NULL;

  /* Only the hierarchies the host shows in /sys/fs/cgroup. */
  if (strncmp (mount_point, prefix, sizeof (prefix) - 1) != 0 || name[0] == '\0'
      || strchr (name, '/'))
    return 0;
  if (mkdirat (cm->tmpfs, name, 0755) < 0 && errno != EEXIST)
    return runo_error_errno (err, "mkdir `/sys/fs/cgroup/%s`", name);
  if (cm->cgroupns)
    {
      /* A new mount of the hierarchy is rooted at the namespace's root,
         which is the container's cgroup. */
      dir = openat (cm->tmpfs, name,
                    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dir < 0 || fchdir (dir) < 0)
        return runo_error_errno (err, "open `/sys/fs/cgroup/%s`", name);
      if (mount (controllers ? "cgroup" : "cgroup2", ".",
                 controllers ? "cgroup" : "cgroup2", cm->flags, controllers)
          < 0)
        return runo_error_errno (err, "mount cgroup `%s`", name);
      return 0;
    }
  host = runo_xasprintf ("%s%s", mount_point, own_path);
  tree = open_tree (AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return runo_error_errno (err, "open_tree `%s`", host);
  if ((cm->set || cm->clr)
      && setattr_fd (tree, false, cm->set, cm->clr, 0, -1) < 0)
    return runo_error_errno (err, "set mount attributes of `%s`", host);
  if (move_mount (tree, "", cm->tmpfs, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return runo_error_errno (err, "bind `%s`", host);
  return 0;
}

/* The links the host has beside its hierarchies ("cpu" -> "cpu,cpuacct"). */
static int
copy_cgroup_links (int tmpfs, runo_error **err)
{
  cleanup_dir DIR *d = opendir ("/sys/fs/cgroup");
  struct dirent *de;

  if (d == NULL)
    return runo_error_errno (err, "open `/sys/fs/cgroup`");
  while ((de = readdir (d)) != NULL)
    {
      char target[PATH_MAX];
      ssize_t len;

      if (de->d_type != DT_LNK)
        continue;
      len = readlinkat (dirfd (d), de->d_name, target, sizeof (target) - 1);
      if (len < 0)
        return runo_error_errno (err, "readlink `/sys/fs/cgroup/%s`",
                                 de->d_name);
      target[len] = '\0';
      if (symlinkat (target, tmpfs, de->d_name) < 0 && errno != EEXIST)
        return runo_error_errno (err, "symlink `/sys/fs/cgroup/%s`",
                                 de->d_name);
    }
  return 0;
}

/* type "cgroup": this host may be cgroup v1 (one mount per hierarchy) or
   v2.  On v2 the cgroup2 filesystem itself is mounted.  On v1 the
   destination is a tmpfs holding one mount per hierarchy showing the
   container's own cgroup as its root, as runc does (tools in containers
   read their limits from /sys/fs/cgroup/memory/memory.limit_in_bytes):
   a bind of the container's cgroup directory, or with a cgroup namespace
   a new mount of the hierarchy.  The entry's flags apply to every mount
   (ro by default in configs). */
static int
do_cgroup (const runo_mount_context *ctx, const oci_mount *m,
           const runo_mount_options *o, runo_error **err)
{
  cleanup_close int destfd = -1;
  cleanup_close int fsfd = -1;
  cleanup_close int tmpfs = -1;
  struct statfs sfs;
  struct cgroup_v1_mount cm = { .tmpfs = -1 };
  static const struct
  {
    unsigned long flag;
    uint64_t attr;
  } map[] = { { MS_RDONLY, MOUNT_ATTR_RDONLY },
              { MS_NOSUID, MOUNT_ATTR_NOSUID },
              { MS_NODEV, MOUNT_ATTR_NODEV },
              { MS_NOEXEC, MOUNT_ATTR_NOEXEC } };
  size_t i;

  destfd = runo_resolve_in_root (ctx->rootfd, m->destination,
                                 RUNO_RESOLVE_CREATE_DIR, false, err);
  if (destfd < 0)
    return -1;
  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    {
      if (fchdir (destfd) < 0)
        return runo_error_errno (err, "chdir to mount point");
      if (mount ("cgroup2", ".", "cgroup2", o->flags, o->data) < 0)
        return runo_error_errno (err, "mount cgroup2");
      return 0;
    }

  cm.set = o->rec_attr_set;
  cm.clr = o->rec_attr_clr;
  for (i = 0; i < sizeof (map) / sizeof (map[0]); i++)
    if (o->flags & map[i].flag)
      cm.set |= map[i].attr;
  cm.flags = o->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  cm.cgroupns = config_has_namespace (ctx->config, "cgroup");

  /* Writable until the hierarchies are in place, then as the entry says. */
  fsfd = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fsfd < 0 || fsconfig (fsfd, FSCONFIG_SET_STRING, "mode", "755", 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return runo_error_errno (err, "tmpfs for `%s`", m->destination);
  tmpfs = fsmount (fsfd, FSMOUNT_CLOEXEC,
                   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (tmpfs < 0)
    return runo_error_errno (err, "tmpfs for `%s`", m->destination);
  if (move_mount (tmpfs, "", destfd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return runo_error_errno (err, "mount tmpfs on `%s`", m->destination);
  cm.tmpfs = tmpfs;
  if (runo_cgroup_foreach_own (mount_cgroup_hierarchy, &cm, err) < 0)
    return runo_error_wrap (err, "mount `%s`", m->destination);
  if (copy_cgroup_links (tmpfs, err) < 0)
    return -1;
  if ((o->flags & MS_RDONLY)
      && setattr_fd (tmpfs, false, MOUNT_ATTR_RDONLY, 0, 0, -1) < 0)
    return runo_error_errno (err, "make `%s` read-only", m->destination);
  return 0;
}

static bool
type_is (const char *type, const char *name)
{
  return type && strcmp (type, name) == 0;
}

int
runo_mount_one (const runo_mount_context *ctx, const oci_mount *m,
                const runo_mount_options *o, runo_error **err)
{
  cleanup_close int destfd = -1;
  bool no_symlinks, is_tmpfs, existed = false;
  struct stat under;
  const char *type = m->type;
  unsigned long flags = o->flags;

  if (o->bind && !o->remount)
    return do_bind (ctx, m, o, err);
  if (type_is (type, "cgroup") && !o->remount)
    return do_cgroup (ctx, m, o, err);
  if ((type == NULL || type[0] == '\0') && !o->remount)
    return runo_error_make (err, 0, "mount without a type");

  /* Mounting over a symlinked /proc or /sys would let the rootfs choose
     where procfs and sysfs land; runc refuses it too. */
  no_symlinks = type_is (type, "proc") || type_is (type, "sysfs");
  is_tmpfs = type_is (type, "tmpfs") && !o->remount;
  /* A tmpfs keeps the mode of a mount point the image has (as with runc);
     one runo makes has nothing to keep. */
  if (is_tmpfs)
    {
      destfd = runo_resolve_in_root (ctx->rootfd, m->destination,
                                     RUNO_RESOLVE_NO_CREATE, false, err);
      existed = destfd >= 0;
      if (destfd < 0 && *err)
        return -1;
      if (existed && fstat (destfd, &under) < 0)
        return runo_error_errno (err, "stat `%s`", m->destination);
    }
  if (destfd < 0)
    destfd = runo_resolve_in_root (ctx->rootfd, m->destination,
                                   o->remount ? RUNO_RESOLVE_NO_CREATE
                                              : RUNO_RESOLVE_CREATE_DIR,
                                   no_symlinks, err);
  if (destfd < 0)
    {
      if (*err == NULL)
        return runo_error_errno (err, "remount `%s`", m->destination);
      return -1;
    }
  if (o->remount)
    {
      /* A remount of what is at the destination: for a bind that is a
         change of its attributes, otherwise a filesystem remount. */
      if (o->bind)
        {
          if ((o->attr_set || o->attr_clr)
              && setattr_fd (destfd, false, o->attr_set, o->attr_clr, 0, -1)
                     < 0)
            return runo_error_errno (err, "remount");
        }
      else
        {
          if (fchdir (destfd) < 0)
            return runo_error_errno (err, "chdir to mount point");
          if (mount (NULL, ".", NULL, MS_REMOUNT | flags, o->data) < 0)
            return runo_error_errno (err, "remount");
        }
    }
  else
    {
      if (fchdir (destfd) < 0)
        return runo_error_errno (err, "chdir to mount point");
      if (mount (m->source && m->source[0] ? m->source : type, ".", type, flags,
                 o->data)
          < 0)
        return runo_error_errno (err, "mount %s", type);
    }

  if (o->tmpcopyup || o->rec_attr_set || o->rec_attr_clr || o->propagation
      || (is_tmpfs && existed && !data_sets_mode (o->data)))
    {
      /* DESTFD still names the directory under the new mount: reopen to
         reach the mount itself. */
      cleanup_close int mountfd
          = runo_resolve_in_root (ctx->rootfd, m->destination,
                                  RUNO_RESOLVE_NO_CREATE, no_symlinks, err);
      if (mountfd < 0)
        {
          if (*err == NULL)
            return runo_error_errno (err, "reopen mount point");
          return -1;
        }
      if (o->tmpcopyup && !o->remount
          && tmpcopyup (destfd, mountfd, existed, !data_sets_mode (o->data),
                        err)
                 < 0)
        return -1;
      if (!o->tmpcopyup && is_tmpfs && existed && !data_sets_mode (o->data))
        {
          cleanup_close int root
              = openat (mountfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

          if (root < 0 || fchmod (root, under.st_mode & 07777) < 0)
            return runo_error_errno (err, "chmod `%s`", m->destination);
        }
      if ((o->rec_attr_set || o->rec_attr_clr || o->propagation)
          && setattr_fd (mountfd, true, o->rec_attr_set, o->rec_attr_clr,
                         o->propagation, -1)
                 < 0)
        return runo_error_errno (err, "set mount attributes");
    }
  return 0;
}

size_t
runo_mount_option_names (const char **names, size_t max)
{
  size_t i, n = sizeof (option_defs) / sizeof (option_defs[0]);

  for (i = 0; i < n && i < max; i++)
    names[i] = option_defs[i].name;
  return n;
}
