#include <config.h>

#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utils.h"

/* The IPC namespace's sysctls (ipc/ipc_sysctl.c and ipc/mq_sysctl.c of
   the kernel); the fs.mqueue ones are matched by prefix. */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* sysctl(8)'s two spellings: "net.ipv4.conf.eth0/100.forwarding" (dots
   separate, a slash stands for a dot in a name) and
   "net/ipv4/conf/eth0.100/forwarding"; the first separator says which.
   Returns the dotted form, or NULL when a component is empty, "." or "..". */
static char *
normalize_key (const char *key)
{
  size_t span = strcspn (key, "./");
  bool slashes = key[span] == '/';
  char *out = runo_xstrdup (key);
  char *p, *comp;

  for (p = out; *p; p++)
    if (slashes)
      *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
  /* Each component, with its slashes (dots of names), must be a name. */
  for (comp = out;;)
    {
      char *dot = strchr (comp, '.');
      size_t len = dot ? (size_t)(dot - comp) : strlen (comp);
      char *q;

      if (len == 0)
        goto bad;
      for (q = comp; q < comp + len; q++)
        if (*q == '/' && (q == comp || q[1] == '.' || q[1] == '/' || !q[1]))
          goto bad;
      if (!dot)
        break;
      comp = dot + 1;
    }
  return out;
bad:
  free (out);
  return NULL;
}

static bool
is_ipc_key (const char *key)
{
  size_t i;

  if (strncmp (key, "fs.mqueue.", strlen ("fs.mqueue.")) == 0)
    return true;
  for (i = 0; i < sizeof (ipc_keys) / sizeof (ipc_keys[0]); i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      return true;
  return false;
}

/* The container has NS of its own: made for it, or joined and not the
   namespace runo itself is in. */
static bool
has_own (const runo_namespaces *ns, enum runo_ns type)
{
  struct stat theirs, ours;
  char path[64];

  if (ns->new_flags & runo_ns_clone_flag (type))
    return true;
  if (ns->join_fds[type] < 0 || fstat (ns->join_fds[type], &theirs) < 0)
    return false;
  snprintf (path, sizeof (path), "/proc/self/ns/%s", runo_ns_proc_name (type));
  if (stat (path, &ours) < 0)
    return true; /* runo's is not nameable: the joined one is not it */
  return theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
}

int
runo_sysctl_validate (const oci_map_string *sysctl, const runo_namespaces *ns,
                      runo_error **err)
{
  size_t i;

  for (i = 0; sysctl && i < sysctl->len; i++)
    {
      const char *key = sysctl->keys[i];
      cleanup_free char *name = normalize_key (key);

      if (name == NULL)
        return runo_error_make (err, 0, "linux.sysctl: invalid key `%s`", key);
      if (strcmp (name, "kernel.hostname") == 0
          || strcmp (name, "kernel.domainname") == 0)
        return runo_error_make (err, 0,
                                "linux.sysctl: `%s`: set `%s` in the config "
                                "instead",
                                key, name + strlen ("kernel."));
      if (is_ipc_key (name))
        {
          if (!has_own (ns, RUNO_NS_IPC))
            return runo_error_make (err, 0,
                                    "linux.sysctl: `%s`: needs an ipc "
                                    "namespace of the container's own",
                                    key);
        }
      else if (strncmp (name, "net.", 4) == 0)
        {
          if (!has_own (ns, RUNO_NS_NETWORK))
            return runo_error_make (err, 0,
                                    "linux.sysctl: `%s`: needs a network "
                                    "namespace of the container's own",
                                    key);
        }
      else
        return runo_error_make (err, 0,
                                "linux.sysctl: `%s`: not a namespaced "
                                "sysctl: it would change the host",
                                key);
    }
  return 0;
}

int
runo_sysctl_apply (const oci_map_string *sysctl, runo_error **err)
{
  size_t i;

  for (i = 0; sysctl && i < sysctl->len; i++)
    {
      cleanup_free char *name = normalize_key (sysctl->keys[i]);
      cleanup_free char *path = NULL;
      cleanup_close int fd = -1;
      char *p;

      if (name == NULL)
        return runo_error_make (err, 0, "linux.sysctl: invalid key `%s`",
                                sysctl->keys[i]);
      path = runo_xasprintf ("/proc/sys/%s", name);
      for (p = path + strlen ("/proc/sys/"); *p; p++)
        *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
      fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0
          || runo_write_all (fd, sysctl->values[i], strlen (sysctl->values[i]))
                 < 0)
        return runo_error_errno (err, "linux.sysctl: `%s`", sysctl->keys[i]);
    }
  return 0;
}
