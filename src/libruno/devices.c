/* runo: device nodes and /dev links inside the rootfs.  Everything is
   created relative to directory fds opened with runo_resolve_in_root, and
   the final names are created with *at() calls that never follow a
   symlink, so the rootfs cannot redirect a mknod to the host. */
#include <config.h>

#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "utils.h"

struct device_spec
{
  const char *path;      /* container path, for messages */
  const char *host_path; /* bound from the host when mknod is refused */
  mode_t mode;           /* S_IF* | permissions */
  dev_t rdev;
  bool chown;
  uid_t uid;
  gid_t gid;
  bool replace; /* a mismatching non-directory is replaced, not an error */
};

static const struct
{
  const char *name;
  unsigned int major, minor;
} default_devices[] = {
  { "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
  { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct
{
  const char *name;
  const char *target;
} default_links[] = {
  { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
  { "core", "/proc/kcore" },
};

static int
open_beneath (int dirfd, const char *name)
{
  struct open_how how = {
    .flags = O_PATH | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall (SYS_openat2, dirfd, name, &how, sizeof (how));
}

static int
bind_host_device (int dirfd, const char *name, const struct device_spec *d,
                  runo_error **err)
{
  cleanup_close int fd = -1;
  int f;

  f = openat (dirfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (f < 0)
    return runo_error_errno (err, "create `%s`", d->path);
  close (f);
  fd = open_beneath (dirfd, name);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", d->path);
  if (runo_bind_onto_fd (AT_FDCWD, d->host_path, fd, false, err) < 0)
    return runo_error_wrap (err, "device `%s`", d->path);
  return 0;
}

/* USE_BIND is remembered across calls: once mknod got EPERM it will for
   every device, no need to try again. */
static int
create_device (int dirfd, const char *name, const struct device_spec *d,
               bool *use_bind, runo_error **err)
{
  bool is_fifo = S_ISFIFO (d->mode);

  if (*use_bind && !is_fifo)
    return bind_host_device (dirfd, name, d, err);

  if (mknodat (dirfd, name, d->mode, d->rdev) < 0)
    {
      struct stat st;

      if (errno == EPERM && !is_fifo)
        {
          *use_bind = true;
          return bind_host_device (dirfd, name, d, err);
        }
      if (errno != EEXIST)
        return runo_error_errno (err, "mknod `%s`", d->path);
      if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return runo_error_errno (err, "stat `%s`", d->path);
      if ((st.st_mode & S_IFMT) == (d->mode & S_IFMT)
          && (is_fifo || st.st_rdev == d->rdev))
        return 0;
      if (!d->replace || S_ISDIR (st.st_mode))
        return runo_error_make (
            err, 0, "`%s` exists and is not the requested device", d->path);
      if (unlinkat (dirfd, name, 0) < 0)
        return runo_error_errno (err, "remove `%s`", d->path);
      if (mknodat (dirfd, name, d->mode, d->rdev) < 0)
        {
          if (errno == EPERM && !is_fifo)
            {
              *use_bind = true;
              return bind_host_device (dirfd, name, d, err);
            }
          return runo_error_errno (err, "mknod `%s`", d->path);
        }
    }
  if (d->chown
      && fchownat (dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return runo_error_errno (err, "chown `%s`", d->path);
  return 0;
}

static int
create_link (int devfd, const char *name, const char *target, bool replace,
             runo_error **err)
{
  if (symlinkat (target, devfd, name) == 0)
    return 0;
  if (errno != EEXIST)
    return runo_error_errno (err, "symlink `/dev/%s`", name);
  if (!replace)
    return 0;
  /* An image may ship /dev/ptmx as a device of the host's devpts. */
  if (unlinkat (devfd, name, 0) < 0 || symlinkat (target, devfd, name) < 0)
    return runo_error_errno (err, "symlink `/dev/%s`", name);
  return 0;
}

static mode_t
device_type_mode (const char *type)
{
  switch (type[0])
    {
    case 'c':
    case 'u':
      return S_IFCHR;
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return 0;
    }
}

static int
setup_config_device (int rootfd, const oci_linux_device *dev, bool *use_bind,
                     runo_error **err)
{
  cleanup_free char *clean = runo_clean_container_path (dev->path);
  cleanup_free char *host_path = NULL;
  cleanup_close int dirfd = -1;
  char *slash = strrchr (clean, '/');
  const char *name = clean;
  struct device_spec d = {
    .path = dev->path,
    .mode = device_type_mode (dev->type)
            | (dev->file_mode_present ? (dev->file_mode & 07777) : 0666),
    .rdev = makedev ((unsigned int)dev->major, (unsigned int)dev->minor),
    .chown = dev->uid_present || dev->gid_present,
    .uid = dev->uid_present ? dev->uid : 0,
    .gid = dev->gid_present ? dev->gid : 0,
  };

  host_path = runo_xasprintf ("/%s", clean);
  d.host_path = host_path;
  if (slash)
    {
      *slash = '\0';
      name = slash + 1;
    }
  dirfd = runo_resolve_in_root (rootfd, slash ? clean : "/",
                                RUNO_RESOLVE_CREATE_DIR, false, err);
  if (dirfd < 0)
    return -1;
  return create_device (dirfd, name, &d, use_bind, err);
}

/* Whether the config creates a device at /dev/NAME itself. */
static bool
config_has_device (const oci_config_linux *lx, const char *name)
{
  size_t i;

  for (i = 0; lx && i < lx->devices_len; i++)
    {
      cleanup_free char *clean
          = runo_clean_container_path (lx->devices[i]->path);

      if (strncmp (clean, "dev/", 4) == 0 && strcmp (clean + 4, name) == 0)
        return true;
    }
  return false;
}

int
runo_devices_setup (int rootfd, const oci_config *config, bool defaults,
                    runo_error **err)
{
  const oci_config_linux *lx = config->linux_;
  cleanup_close int devfd = -1;
  bool use_bind = false;
  mode_t old_umask;
  size_t i;
  int ret = 0;

  if (!defaults && (lx == NULL || lx->devices_len == 0))
    return 0;
  /* The modes asked for are exact: no umask (init is single-threaded). */
  old_umask = umask (0);
  /* The config's first, as runc does: engines list the host's nodes
     (--privileged: /dev/ptmx, /dev/null...), which the defaults below
     then leave alone. */
  for (i = 0; lx && i < lx->devices_len; i++)
    {
      ret = setup_config_device (rootfd, lx->devices[i], &use_bind, err);
      if (ret < 0)
        {
          runo_error_wrap (err, "linux.devices[%zu]", i);
          goto out;
        }
    }
  if (defaults)
    {
      devfd = runo_resolve_in_root (rootfd, "/dev", RUNO_RESOLVE_CREATE_DIR,
                                    false, err);
      if (devfd < 0)
        {
          ret = -1;
          goto out;
        }
      for (i = 0; i < sizeof (default_devices) / sizeof (default_devices[0]);
           i++)
        {
          char path[32], host_path[32];
          struct device_spec d = {
            .path = path,
            .host_path = host_path,
            .mode = S_IFCHR | 0666,
            .rdev
            = makedev (default_devices[i].major, default_devices[i].minor),
            .replace = true,
          };

          if (config_has_device (lx, default_devices[i].name))
            continue;
          snprintf (path, sizeof (path), "/dev/%s", default_devices[i].name);
          memcpy (host_path, path, sizeof (path));
          ret = create_device (devfd, default_devices[i].name, &d, &use_bind,
                               err);
          if (ret < 0)
            goto out;
        }
      for (i = 0; i < sizeof (default_links) / sizeof (default_links[0]); i++)
        {
          ret = create_link (devfd, default_links[i].name,
                             default_links[i].target, false, err);
          if (ret < 0)
            goto out;
        }
      /* Always the container's own devpts, also over a /dev/ptmx the
         config or the image has (runc does the same): the host's ptmx
         would allocate ptys of the host's devpts. */
      ret = create_link (devfd, "ptmx", "pts/ptmx", true, err);
      if (ret < 0)
        goto out;
    }
out:
  umask (old_umask);
  return ret;
}

int
runo_devices_validate (const oci_config *config, runo_error **err)
{
  const oci_config_linux *lx = config->linux_;
  size_t i;

  for (i = 0; lx && i < lx->devices_len; i++)
    {
      const oci_linux_device *d = lx->devices[i];
      cleanup_free char *clean = NULL;

      if (d->type == NULL || strlen (d->type) != 1
          || device_type_mode (d->type) == 0)
        return runo_error_make (err, 0,
                                "linux.devices[%zu].type: invalid device "
                                "type \"%s\" (want c, b, u or p)",
                                i, d->type ? d->type : "");
      if (d->path == NULL || d->path[0] != '/')
        return runo_error_make (err, 0,
                                "linux.devices[%zu].path: `%s` is not an "
                                "absolute path",
                                i, d->path ? d->path : "");
      clean = runo_clean_container_path (d->path);
      if (clean[0] == '\0')
        return runo_error_make (err, 0,
                                "linux.devices[%zu].path: `%s` is not a "
                                "file path",
                                i, d->path);
      if (d->type[0] != 'p')
        {
          if (!d->major_present || !d->minor_present)
            return runo_error_make (err, 0,
                                    "linux.devices[%zu]: major and minor "
                                    "are required for type \"%s\"",
                                    i, d->type);
          if (d->major < 0 || d->major > 0xfff || d->minor < 0
              || d->minor > 0xfffff)
            return runo_error_make (err, 0,
                                    "linux.devices[%zu]: major/minor "
                                    "%lld:%lld out of range",
                                    i, (long long)d->major,
                                    (long long)d->minor);
        }
    }
  return 0;
}

/* Allowed after the config's rules whatever they say, as with runc and
   crun: the devices every container gets (runo_devices_setup makes most of
   their nodes; console and the pts come from devpts and the terminal), and
   mknod of any device, which only makes a node. */
static const struct runo_device_rule default_allowed[] = {
  { true, 'c', -1, -1, RUNO_DEVICE_MKNOD },
  { true, 'b', -1, -1, RUNO_DEVICE_MKNOD },
  { true, 'c', 1, 3, RUNO_DEVICE_ALL },    /* null */
  { true, 'c', 1, 5, RUNO_DEVICE_ALL },    /* zero */
  { true, 'c', 1, 7, RUNO_DEVICE_ALL },    /* full */
  { true, 'c', 1, 8, RUNO_DEVICE_ALL },    /* random */
  { true, 'c', 1, 9, RUNO_DEVICE_ALL },    /* urandom */
  { true, 'c', 5, 0, RUNO_DEVICE_ALL },    /* tty */
  { true, 'c', 5, 1, RUNO_DEVICE_ALL },    /* console */
  { true, 'c', 5, 2, RUNO_DEVICE_ALL },    /* ptmx */
  { true, 'c', 136, -1, RUNO_DEVICE_ALL }, /* pts */
};

static int
parse_access (const char *access, unsigned int *bits)
{
  *bits = 0;
  for (; *access; access++)
    switch (*access)
      {
      case 'r':
        *bits |= RUNO_DEVICE_READ;
        break;
      case 'w':
        *bits |= RUNO_DEVICE_WRITE;
        break;
      case 'm':
        *bits |= RUNO_DEVICE_MKNOD;
        break;
      default:
        return -1;
      }
  return 0;
}

int
runo_devices_cgroup_policy (oci_linux_device_cgroup *const *rules,
                            size_t n_rules, oci_linux_device *const *devs,
                            size_t n_devs, struct runo_device_rule **out,
                            size_t *n_out, runo_error **err)
{
  const size_t n_defaults
      = sizeof (default_allowed) / sizeof (default_allowed[0]);
  cleanup_free struct runo_device_rule *list = NULL;
  size_t n = 0, i;

  list = runo_xmalloc0 ((1 + n_rules + n_defaults + n_devs) * sizeof (*list));
  list[n++] = (struct runo_device_rule){ false, 'a', -1, -1, RUNO_DEVICE_ALL };
  for (i = 0; i < n_rules; i++)
    {
      const oci_linux_device_cgroup *d = rules[i];
      const char *type = d->type && d->type[0] ? d->type : "a";
      const char *access = d->access && d->access[0] ? d->access : "rwm";
      struct runo_device_rule *r = &list[n++];

      if (strlen (type) != 1 || strchr ("abc", type[0]) == NULL)
        return runo_error_make (
            err, 0, "linux.resources.devices[%zu]: invalid type `%s`", i, type);
      if (parse_access (access, &r->access) < 0)
        return runo_error_make (err, 0,
                                "linux.resources.devices[%zu]: invalid access "
                                "`%s`",
                                i, access);
      /* The v2 filter compares 32 bits: a bigger number must not wrap
         onto another device. */
      if ((d->major_present && d->major > 0xfff)
          || (d->minor_present && d->minor > 0xfffff))
        return runo_error_make (err, 0,
                                "linux.resources.devices[%zu]: major/minor "
                                "%lld:%lld out of range",
                                i, (long long)d->major, (long long)d->minor);
      r->allow = d->allow;
      r->type = type[0];
      r->major
          = type[0] != 'a' && d->major_present && d->major >= 0 ? d->major : -1;
      r->minor
          = type[0] != 'a' && d->minor_present && d->minor >= 0 ? d->minor : -1;
    }
  memcpy (list + n, default_allowed, sizeof (default_allowed));
  n += n_defaults;
  for (i = 0; i < n_devs; i++)
    {
      const oci_linux_device *d = devs[i];

      /* A fifo is no business of the device cgroup. */
      if (d->type == NULL || d->type[0] == 'p')
        continue;
      /* runo_devices_validate refuses these; never widen them to "any". */
      if (!d->major_present || !d->minor_present || d->major < 0
          || d->minor < 0)
        return runo_error_make (err, 0,
                                "linux.devices[%zu]: major and minor are "
                                "required for type \"%s\"",
                                i, d->type);
      list[n++]
          = (struct runo_device_rule){ true, d->type[0] == 'b' ? 'b' : 'c',
                                       d->major, d->minor, RUNO_DEVICE_ALL };
    }
  *out = steal_pointer (&list);
  *n_out = n;
  return 0;
}
