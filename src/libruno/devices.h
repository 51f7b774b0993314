/* runo: /dev content of the container: the default devices of
   config-linux.md, the /dev/fd... links, /dev/ptmx, and linux.devices. */
#ifndef RUNO_DEVICES_H
#define RUNO_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "ocispec.h"

/* Create, inside the rootfs held by ROOTFD (before the pivot), the
   default devices (null zero full random urandom tty) and links when
   DEFAULTS, then config->linux.devices.  mknod is used; where the kernel
   refuses it (EPERM, e.g. in a user namespace) the host's device of the
   same path is bind-mounted onto an empty file instead, so the host's
   /dev must still be reachable at "/dev" (not pivoted yet). */
int runo_devices_setup (int rootfd, const oci_config *config, bool defaults,
                        runo_error **err);

/* Check linux.devices: type, path, major/minor.  Messages name the JSON
   path ("linux.devices[2].type: ..."). */
int runo_devices_validate (const oci_config *config, runo_error **err);

/* Append to RESOURCES->devices the cgroup rules that keep the default
   devices (null, zero, full, random, urandom, tty, console, ptmx, pts)
   usable and mknod allowed, after whatever the config says. */
void runo_devices_allow_defaults (oci_config_linux_resources *resources);

#endif
