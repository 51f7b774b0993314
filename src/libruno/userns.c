#include <config.h>

#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

char *
runo_userns_format_map (oci_id_mapping **maps, size_t n)
{
  /* Three uint32 and separators: at most 33 bytes a line. */
  char *buf = runo_xmalloc0 (n * 36 + 1), *p = buf;
  size_t i;

  for (i = 0; i < n; i++)
    p += sprintf (p, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                  maps[i]->container_id, maps[i]->host_id, maps[i]->size);
  return buf;
}

static int
write_proc_file (pid_t pid, const char *name, const char *data,
                 runo_error **err)
{
  char path[64];
  cleanup_close int fd = -1;

  snprintf (path, sizeof (path), "/proc/%d/%s", pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", path);
  /* The kernel takes the whole map in one write. */
  if (write (fd, data, strlen (data)) != (ssize_t)strlen (data))
    return runo_error_errno (err, "write `%s`", path);
  return 0;
}

int
runo_userns_write_maps (pid_t pid, const oci_config_linux *linux_cfg,
                        bool deny_setgroups, runo_error **err)
{
  cleanup_free char *uid_map = NULL;
  cleanup_free char *gid_map = NULL;

  if (linux_cfg->uid_mappings_len == 0 || linux_cfg->gid_mappings_len == 0)
    return runo_error_make (err, 0,
                            "linux.uidMappings and "
                            "linux.gidMappings are required with a "
                            "new user namespace");
  uid_map = runo_userns_format_map (linux_cfg->uid_mappings,
                                    linux_cfg->uid_mappings_len);
  gid_map = runo_userns_format_map (linux_cfg->gid_mappings,
                                    linux_cfg->gid_mappings_len);
  if (deny_setgroups && write_proc_file (pid, "setgroups", "deny", err) < 0)
    return -1;
  if (write_proc_file (pid, "uid_map", uid_map, err) < 0)
    return runo_error_wrap (err, "linux.uidMappings");
  if (write_proc_file (pid, "gid_map", gid_map, err) < 0)
    return runo_error_wrap (err, "linux.gidMappings");
  return 0;
}

int
runo_timens_write_offsets (const oci_config_linux_time_offsets *offsets,
                           runo_error **err)
{
  char buf[128];
  int n = 0;

  if (offsets->monotonic)
    n += snprintf (buf + n, sizeof (buf) - (size_t)n,
                   "monotonic %" PRId64 " %" PRIu32 "\n",
                   offsets->monotonic->secs, offsets->monotonic->nanosecs);
  if (offsets->boottime)
    n += snprintf (buf + n, sizeof (buf) - (size_t)n,
                   "boottime %" PRId64 " %" PRIu32 "\n",
                   offsets->boottime->secs, offsets->boottime->nanosecs);
  if (n == 0)
    return 0;
  return write_proc_file (getpid (), "timens_offsets", buf, err) < 0
             ? runo_error_wrap (err, "linux.timeOffsets")
             : 0;
}
