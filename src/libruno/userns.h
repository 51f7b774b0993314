/* runo: user namespaces: the uid/gid maps of a new user namespace and time
   namespace offsets, both written from outside before the container's
   process goes on. */
#ifndef RUNO_USERNS_H
#define RUNO_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* Write /proc/PID/{uid_map,gid_map} from linux.uidMappings/gidMappings
   (one write each, as the kernel requires).  DENY_SETGROUPS writes "deny"
   to /proc/PID/setgroups first, needed when the writer lacks CAP_SETGID in
   the parent namespace (rootless). */
int runo_userns_write_maps (pid_t pid, const oci_config_linux *linux_cfg,
                            bool deny_setgroups, runo_error **err);

/* Format mappings as the kernel wants them ("inside outside count\n"...). */
char *runo_userns_format_map (oci_id_mapping **maps, size_t n);

/* Write linux.timeOffsets to /proc/self/timens_offsets: call after
   unshare(CLONE_NEWTIME), before any process enters the namespace. */
int runo_timens_write_offsets (const oci_config_linux_time_offsets *offsets,
                               runo_error **err);

#endif
