/* runo: the container's filesystem view.

   prepare: "/" made rslave (or rprivate) so nothing done here reaches the
   host (with rootfsPropagation "shared", only the mount holding the rootfs
   is made private: the host's shared mounts stay peers of the container's
   copies), the rootfs bound onto itself (a mount point for pivot_root) and
   held by one O_PATH fd; every mount and device is then made relative to
   that fd (see mounts.c).  finish: pivot_root(".", ".") on that fd, then
   the masked and read-only paths, read-only root and the propagation of
   "/" the config asks for. */
#include <config.h>

#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devices.h"
#include "mounts.h"
#include "utils.h"

struct runo_rootfs
{
  int rootfd; /* O_PATH, root of the rootfs bind mount */
};

void
runo_rootfs_free (runo_rootfs *r)
{
  if (r == NULL)
    return;
  if (r->rootfd >= 0)
    close (r->rootfd);
  free (r);
}

static void
cleanup_rootfs (runo_rootfs **r)
{
  runo_rootfs_free (*r);
}

/* rootfsPropagation, with the r- forms runc also accepts. */
static int
parse_propagation (const char *value, unsigned long *out)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
  } values[] = {
    { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE },
    { "slave", MS_SLAVE },           { "rslave", MS_SLAVE },
    { "shared", MS_SHARED },         { "rshared", MS_SHARED },
    { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE },
  };
  size_t i;

  if (value == NULL || value[0] == '\0')
    {
      *out = 0;
      return 0;
    }
  for (i = 0; i < sizeof (values) / sizeof (values[0]); i++)
    if (strcmp (values[i].name, value) == 0)
      {
        *out = values[i].flag;
        return 0;
      }
  return -1;
}

static const char *
rootfs_propagation (const oci_config *config)
{
  return config->linux_ ? config->linux_->rootfs_propagation : NULL;
}

static int
validate_paths (char **paths, size_t n, const char *what, runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (paths[i] == NULL || paths[i][0] != '/')
      return runo_error_make (err, 0,
                              "linux.%s[%zu]: `%s` is not an absolute path",
                              what, i, paths[i] ? paths[i] : "");
  return 0;
}

static int
validate_mount (const oci_config *config, size_t i, runo_error **err)
{
  const oci_mount *m = config->mounts[i];
  runo_mount_options o;
  const oci_config_linux *lx = config->linux_;
  bool has_userns = false;
  size_t j;
  int ret = 0;

  if (m->destination == NULL || m->destination[0] == '\0')
    return runo_error_make (err, 0, "mounts[%zu].destination: empty", i);
  if (runo_mount_options_parse (m, &o, err) < 0)
    return runo_error_wrap (err, "mounts[%zu].options", i);
  for (j = 0; lx && j < lx->namespaces_len; j++)
    if (strcmp (lx->namespaces[j]->type, "user") == 0)
      has_userns = true;

  if (o.bind && !o.remount && (m->source == NULL || m->source[0] == '\0'))
    ret = runo_error_make (err, 0,
                           "mounts[%zu].source: required for a bind mount", i);
  else if (!o.bind && !o.remount && (m->type == NULL || m->type[0] == '\0'))
    ret = runo_error_make (err, 0,
                           "mounts[%zu].type: required for a mount that is "
                           "not a bind mount",
                           i);
  else if ((o.idmap || o.ridmap) && !o.bind)
    ret = runo_error_make (err, 0,
                           "mounts[%zu].options: idmap is only supported on "
                           "bind mounts",
                           i);
  else if ((o.idmap || o.ridmap) && m->uid_mappings_len == 0
           && m->gid_mappings_len == 0 && !has_userns)
    ret = runo_error_make (err, 0,
                           "mounts[%zu].options: idmap without "
                           "uidMappings/gidMappings needs a user namespace",
                           i);
  else if (o.tmpcopyup
           && (o.bind || m->type == NULL || strcmp (m->type, "tmpfs") != 0))
    ret = runo_error_make (err, 0,
                           "mounts[%zu].options: tmpcopyup is only "
                           "supported on tmpfs mounts",
                           i);
  runo_mount_options_free (&o);
  return ret;
}

/* Whether mounts[I] must be prepared by the runtime: an idmapped bind in a
   container with its own new user namespace. */
bool
runo_rootfs_needs_premade_tree (const oci_config *config, size_t i)
{
  const oci_mount *m = config->mounts[i];
  runo_mount_options o;
  runo_error *ignored = NULL;
  bool needed;

  if (runo_mount_options_parse (m, &o, &ignored) < 0)
    {
      runo_error_release (&ignored);
      return false;
    }
  needed = o.bind && !o.remount && (o.idmap || o.ridmap);
  runo_mount_options_free (&o);
  return needed;
}

int
runo_rootfs_prepare_tree (const oci_config *config, size_t i, int bundle_fd,
                          runo_error **err)
{
  runo_mount_context ctx = {
    .rootfd = -1, .sourcedirfd = bundle_fd, .config = config, .premade_tree = -1
  };
  runo_mount_options o;
  int tree;

  if (runo_mount_options_parse (config->mounts[i], &o, err) < 0)
    return runo_error_wrap (err, "mounts[%zu].options", i);
  tree = runo_mount_bind_tree (&ctx, config->mounts[i], &o, err);
  runo_mount_options_free (&o);
  if (tree < 0)
    return runo_error_wrap (err, "mounts[%zu]: mount `%s`", i,
                            config->mounts[i]->destination);
  return tree;
}

int
runo_rootfs_validate (const oci_config *config, runo_error **err)
{
  const oci_config_linux *lx = config->linux_;
  unsigned long prop;
  size_t i;

  if (config->root == NULL || config->root->path == NULL
      || config->root->path[0] == '\0')
    return runo_error_make (err, 0, "root.path: missing");
  if (parse_propagation (rootfs_propagation (config), &prop) < 0)
    return runo_error_make (err, 0,
                            "linux.rootfsPropagation: invalid value \"%s\" "
                            "(want private, slave, shared or unbindable)",
                            rootfs_propagation (config));
  for (i = 0; i < config->mounts_len; i++)
    if (validate_mount (config, i, err) < 0)
      return -1;
  if (runo_devices_validate (config, err) < 0)
    return -1;
  if (lx
      && (validate_paths (lx->masked_paths, lx->masked_paths_len, "maskedPaths",
                          err)
              < 0
          || validate_paths (lx->readonly_paths, lx->readonly_paths_len,
                             "readonlyPaths", err)
                 < 0))
    return -1;
  return 0;
}

/* The mount that holds ROOTFS made private: the bind of the rootfs onto
   itself must not propagate to the host, and pivot_root refuses a shared
   parent.  Its root is found walking up to the first directory that is
   the root of a mount (the rootfs itself when it is a mount point). */
static int
make_rootfs_mount_private (const char *rootfs, runo_error **err)
{
  cleanup_close int fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct mount_attr attr = { .propagation = MS_PRIVATE };
  int depth;

  if (fd < 0)
    return runo_error_errno (err, "open rootfs `%s`", rootfs);
  for (depth = 0; depth < 4096; depth++)
    {
      struct statx stx;
      int parent;

      if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
                 &stx)
          < 0)
        return runo_error_errno (err, "statx `%s`", rootfs);
      if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) == 0)
        return runo_error_make (err, EOPNOTSUPP, "find the mount of `%s`",
                                rootfs);
      if (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
        break;
      parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0)
        return runo_error_errno (err, "open parent of `%s`", rootfs);
      close (fd);
      fd = parent;
    }
  if (mount_setattr (fd, "", AT_EMPTY_PATH, &attr, sizeof (attr)) < 0)
    return runo_error_errno (err, "make the mount of `%s` private", rootfs);
  return 0;
}

static bool
is_dev_bind (const oci_mount *m, const runo_mount_options *o)
{
  cleanup_free char *clean = runo_clean_container_path (m->destination);
  return o->bind && strcmp (clean, "dev") == 0;
}

int
runo_rootfs_prepare (const oci_config *config, const char *rootfs,
                     const int *premade_trees, runo_rootfs **out,
                     runo_error **err)
{
  __attribute__ ((cleanup (cleanup_rootfs))) runo_rootfs *r = NULL;
  cleanup_close int cwdfd = -1;
  unsigned long prop = 0;
  bool dev_bound = false;
  runo_mount_context ctx;
  size_t i;
  int ret = 0;

  if (parse_propagation (rootfs_propagation (config), &prop) < 0)
    return runo_error_make (err, 0, "linux.rootfsPropagation: invalid");
  /* Relative bind sources are relative to the bundle: the caller's cwd. */
  cwdfd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwdfd < 0)
    return runo_error_errno (err, "open current directory");

  /* pivot_root refuses shared mounts, and nothing done below may
     propagate to the host: slave, or private when asked.  "shared" and
     "unbindable" are applied to "/" once it is the rootfs (finish).
     "shared" asks for the opposite of slave: mounts the container makes
     under a bind of a host's shared mount must reach the host; only the
     rootfs's own mount is kept from propagating. */
  if (prop == MS_SHARED)
    {
      if (make_rootfs_mount_private (rootfs, err) < 0)
        return -1;
    }
  else if (mount (NULL, "/", NULL,
                  MS_REC | (prop == MS_PRIVATE ? MS_PRIVATE : MS_SLAVE), NULL)
           < 0)
    return runo_error_errno (err, "make `/` %s",
                             prop == MS_PRIVATE ? "rprivate" : "rslave");
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return runo_error_errno (err, "bind rootfs `%s`", rootfs);

  r = runo_xmalloc0 (sizeof (*r));
  r->rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (r->rootfd < 0)
    return runo_error_errno (err, "open rootfs `%s`", rootfs);

  ctx = (runo_mount_context){ .rootfd = r->rootfd,
                              .sourcedirfd = cwdfd,
                              .config = config,
                              .premade_tree = -1 };
  for (i = 0; i < config->mounts_len; i++)
    {
      const oci_mount *m = config->mounts[i];
      runo_mount_options o;

      if (runo_mount_options_parse (m, &o, err) < 0)
        {
          ret = runo_error_wrap (err, "mounts[%zu].options", i);
          break;
        }
      dev_bound = dev_bound || is_dev_bind (m, &o);
      ctx.premade_tree = premade_trees ? premade_trees[i] : -1;
      ret = runo_mount_one (&ctx, m, &o, err);
      runo_mount_options_free (&o);
      if (ret < 0)
        {
          runo_error_wrap (err, "mounts[%zu]: mount `%s`", i, m->destination);
          break;
        }
    }
  if (ret == 0 && runo_devices_setup (r->rootfd, config, !dev_bound, err) < 0)
    ret = -1;
  /* Mounting moved the cwd around; the caller gets its own back. */
  if (fchdir (cwdfd) < 0 && ret == 0)
    ret = runo_error_errno (err, "restore current directory");
  if (ret < 0)
    return ret;
  *out = steal_pointer (&r);
  return 0;
}

static int
mask_paths (int rootfd, char **paths, size_t n, runo_error **err)
{
  cleanup_close int nullfd = -1;
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_close int fd = -1;
      cleanup_close int tree = -1;
      struct stat st;

      fd = runo_resolve_in_root (rootfd, paths[i], RUNO_RESOLVE_NO_CREATE,
                                 false, err);
      if (fd < 0)
        {
          if (*err == NULL && errno == ENOENT)
            continue;
          return runo_error_wrap (err, "mask `%s`", paths[i]);
        }
      if (fstat (fd, &st) < 0)
        return runo_error_errno (err, "stat `%s`", paths[i]);
      if (S_ISDIR (st.st_mode))
        {
          if (fchdir (fd) < 0)
            return runo_error_errno (err, "chdir `%s`", paths[i]);
          if (mount ("tmpfs", ".", "tmpfs",
                     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
              < 0)
            return runo_error_errno (err, "mask `%s`", paths[i]);
          continue;
        }
      if (nullfd < 0)
        {
          struct stat nst;

          /* The container's /dev/null: check it is the real one, an image
             could have put anything there. */
          nullfd = runo_resolve_in_root (rootfd, "/dev/null",
                                         RUNO_RESOLVE_NO_CREATE, false, err);
          if (nullfd < 0)
            {
              if (*err == NULL)
                return runo_error_errno (err, "mask `%s`: `/dev/null`",
                                         paths[i]);
              return -1;
            }
          if (fstat (nullfd, &nst) < 0)
            return runo_error_errno (err, "stat `/dev/null`");
          if (!S_ISCHR (nst.st_mode) || nst.st_rdev != makedev (1, 3))
            return runo_error_make (err, 0,
                                    "mask `%s`: `/dev/null` is not the null "
                                    "device",
                                    paths[i]);
        }
      tree = open_tree (nullfd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (tree < 0)
        return runo_error_errno (err, "open_tree `/dev/null`");
      if (move_mount (tree, "", fd, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
          < 0)
        return runo_error_errno (err, "mask `%s`", paths[i]);
    }
  return 0;
}

static int
readonly_paths (int rootfd, char **paths, size_t n, runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_close int fd = -1;
      cleanup_close int tree = -1;
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

      fd = runo_resolve_in_root (rootfd, paths[i], RUNO_RESOLVE_NO_CREATE,
                                 false, err);
      if (fd < 0)
        {
          if (*err == NULL && errno == ENOENT)
            continue;
          return runo_error_wrap (err, "readonly `%s`", paths[i]);
        }
      tree = open_tree (fd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH
                            | AT_RECURSIVE);
      if (tree < 0)
        return runo_error_errno (err, "readonly `%s`: open_tree", paths[i]);
      if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                         sizeof (attr))
          < 0)
        return runo_error_errno (err, "readonly `%s`", paths[i]);
      if (move_mount (tree, "", fd, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
          < 0)
        return runo_error_errno (err, "readonly `%s`", paths[i]);
    }
  return 0;
}

/* SHARED_HOST: "/" was left as the host has it (rootfsPropagation
   "shared"), so it may hold peers of the host's mounts. */
static int
switch_root (int rootfd, bool no_pivot, bool shared_host, runo_error **err)
{
  if (fchdir (rootfd) < 0)
    return runo_error_errno (err, "chdir to rootfs");
  if (no_pivot)
    {
      /* Moved onto a shared "/", the rootfs would be mounted on the
         host's "/" too. */
      if (shared_host && mount (NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
        return runo_error_errno (err, "make `/` private");
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return runo_error_errno (err, "move rootfs to `/`");
      if (chroot (".") < 0)
        return runo_error_errno (err, "chroot");
    }
  else
    {
      /* The old root ends up stacked on "."; it is rslave or rprivate
         since prepare, so detaching it does not propagate to the host.
         Unless it was left shared: an unmount of a peer's submount would
         unmount the host's, so it is made rslave first, through an fd ("."
         is the new root for anything but umount, which goes to the top). */
      cleanup_close int oldroot = -1;
      struct mount_attr slave = { .propagation = MS_SLAVE };

      if (shared_host)
        {
          oldroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
          if (oldroot < 0)
            return runo_error_errno (err, "open `/`");
        }
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return runo_error_errno (err, "pivot_root");
      if (oldroot >= 0
          && mount_setattr (oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave,
                            sizeof (slave))
                 < 0)
        return runo_error_errno (err, "make old root rslave");
      if (umount2 (".", MNT_DETACH) < 0)
        return runo_error_errno (err, "detach old root");
    }
  if (chdir ("/") < 0)
    return runo_error_errno (err, "chdir `/`");
  return 0;
}

int
runo_rootfs_finish (runo_rootfs *r, const oci_config *config, bool no_pivot,
                    runo_error **err)
{
  __attribute__ ((cleanup (cleanup_rootfs))) runo_rootfs *owned = r;
  const oci_config_linux *lx = config->linux_;
  unsigned long prop = 0;
  int ret = 0;

  if (parse_propagation (rootfs_propagation (config), &prop) < 0)
    return runo_error_make (err, 0, "linux.rootfsPropagation: invalid");
  if (switch_root (owned->rootfd, no_pivot, prop == MS_SHARED, err) < 0)
    return -1;
  if (lx
      && (mask_paths (owned->rootfd, lx->masked_paths, lx->masked_paths_len,
                      err)
              < 0
          || readonly_paths (owned->rootfd, lx->readonly_paths,
                             lx->readonly_paths_len, err)
                 < 0))
    ret = -1;
  /* Masking directories moved the cwd. */
  if (chdir ("/") < 0 && ret == 0)
    ret = runo_error_errno (err, "chdir `/`");
  if (ret < 0)
    return ret;
  if (config->root && config->root->readonly)
    {
      /* mount_setattr changes only the attribute asked for: no need to
         repeat the flags a remount would otherwise reset (or fail on,
         when they are locked in a user namespace). */
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (owned->rootfd, "", AT_EMPTY_PATH, &attr, sizeof (attr))
          < 0)
        return runo_error_errno (err, "make `/` read-only");
    }
  if ((prop == MS_SHARED || prop == MS_UNBINDABLE)
      && mount (NULL, "/", NULL, MS_REC | prop, NULL) < 0)
    return runo_error_errno (err, "set propagation of `/`");
  return 0;
}
