#include <config.h>

#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "utils.h"

static const struct
{
  const char *config_name;
  const char *proc_name;
  const char *what; /* for "is not a <what> namespace" */
  int flag;
} ns_table[RUNO_NS_COUNT] = {
  [RUNO_NS_USER] = { "user", "user", "user", CLONE_NEWUSER },
  [RUNO_NS_MOUNT] = { "mount", "mnt", "mount", CLONE_NEWNS },
  [RUNO_NS_PID] = { "pid", "pid", "pid", CLONE_NEWPID },
  [RUNO_NS_NETWORK] = { "network", "net", "network", CLONE_NEWNET },
  [RUNO_NS_IPC] = { "ipc", "ipc", "ipc", CLONE_NEWIPC },
  [RUNO_NS_UTS] = { "uts", "uts", "uts", CLONE_NEWUTS },
  [RUNO_NS_CGROUP] = { "cgroup", "cgroup", "cgroup", CLONE_NEWCGROUP },
  [RUNO_NS_TIME] = { "time", "time", "time", CLONE_NEWTIME },
};

int
runo_ns_clone_flag (enum runo_ns ns)
{
  return ns_table[ns].flag;
}

const char *
runo_ns_proc_name (enum runo_ns ns)
{
  return ns_table[ns].proc_name;
}

const char *
runo_ns_config_name (enum runo_ns ns)
{
  return ns_table[ns].config_name;
}

static int
ns_from_name (const char *name)
{
  int i;

  for (i = 0; i < RUNO_NS_COUNT; i++)
    if (strcmp (ns_table[i].config_name, name) == 0)
      return i;
  return -1;
}

void
runo_namespaces_close (runo_namespaces *ns)
{
  int i;

  for (i = 0; i < RUNO_NS_COUNT; i++)
    if (ns->join_fds[i] >= 0)
      {
        close (ns->join_fds[i]);
        ns->join_fds[i] = -1;
      }
}

static int
open_ns_path (enum runo_ns type, const char *path, size_t index,
              runo_error **err)
{
  cleanup_close int fd = -1;
  int nstype;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "linux.namespaces[%zu]: open `%s`", index,
                             path);
  nstype = ioctl (fd, NS_GET_NSTYPE);
  if (nstype < 0 && (errno == ENOTTY || errno == EINVAL))
    return runo_error_make (err, 0,
                            "linux.namespaces[%zu]: namespace path `%s` is "
                            "not a namespace",
                            index, path);
  if (nstype < 0)
    return runo_error_errno (err, "linux.namespaces[%zu]: `%s`", index, path);
  if (nstype != ns_table[type].flag)
    return runo_error_make (err, 0,
                            "linux.namespaces[%zu]: namespace path `%s` is "
                            "not a %s namespace",
                            index, path, ns_table[type].what);
  return steal_fd (&fd);
}

int
runo_namespaces_open (const oci_config_linux *linux_cfg, runo_namespaces *ns,
                      runo_error **err)
{
  size_t i;

  memset (ns, 0, sizeof (*ns));
  for (i = 0; i < RUNO_NS_COUNT; i++)
    ns->join_fds[i] = -1;
  if (linux_cfg == NULL)
    return 0;
  for (i = 0; i < linux_cfg->namespaces_len; i++)
    {
      const oci_linux_namespace_reference *ref = linux_cfg->namespaces[i];
      int type = ns_from_name (ref->type);

      if (type < 0)
        {
          runo_namespaces_close (ns);
          return runo_error_make (err, 0,
                                  "linux.namespaces[%zu]: unknown namespace "
                                  "type `%s`",
                                  i, ref->type);
        }
      if (ns->present[type])
        {
          runo_namespaces_close (ns);
          return runo_error_make (err, 0,
                                  "linux.namespaces[%zu]: duplicate namespace "
                                  "type `%s`",
                                  i, ref->type);
        }
      ns->present[type] = true;
      if (ref->path && ref->path[0])
        {
          ns->join_fds[type] = open_ns_path (type, ref->path, i, err);
          if (ns->join_fds[type] < 0)
            {
              runo_namespaces_close (ns);
              return -1;
            }
        }
      else
        ns->new_flags |= ns_table[type].flag;
    }
  return 0;
}

int
runo_namespaces_join (runo_namespaces *ns, runo_error **err)
{
  int i;

  /* The table is in join order: user first. */
  for (i = 0; i < RUNO_NS_COUNT; i++)
    {
      if (ns->join_fds[i] < 0)
        continue;
      if (setns (ns->join_fds[i], ns_table[i].flag) < 0)
        return runo_error_errno (err, "join %s namespace", ns_table[i].what);
      close (ns->join_fds[i]);
      ns->join_fds[i] = -1;
    }
  return 0;
}
