/* runo: /dev content of the container: the default devices of
   config-linux.md, the /dev/fd... links, /dev/ptmx, and linux.devices. */
#ifndef RUNO_DEVICES_H
#define RUNO_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* One rule of the device cgroup policy, as devices.allow/deny take it. */
enum
{
  RUNO_DEVICE_READ = 1,
  RUNO_DEVICE_WRITE = 2,
  RUNO_DEVICE_MKNOD = 4,
  RUNO_DEVICE_ALL = 7,
};

struct runo_device_rule
{
  bool allow;
  char type;            /* 'a' (any device: major/minor ignored), 'b', 'c' */
  int64_t major, minor; /* -1: any */
  unsigned int access;  /* RUNO_DEVICE_* bits, never 0 */
};

/* The device cgroup policy of a container, for v1 and v2 alike, in the
   order to apply it (on v2, the last rule that matches decides): deny
   everything; then RULES (linux.resources.devices) in order; then allow
   mknod of any node, the default devices (null, zero, full, random,
   urandom, tty, console, ptmx, pts) and DEVS (linux.devices: the nodes
   runo makes), as runc does, so that no config rule can take away what
   every container needs.  Nothing in RULES means the defaults only, never
   every device.  Errors name the rule ("linux.resources.devices[2]:
   invalid type `x`").  *OUT is malloc'ed, caller frees. */
int runo_devices_cgroup_policy (oci_linux_device_cgroup *const *rules,
                                size_t n_rules, oci_linux_device *const *devs,
                                size_t n_devs, struct runo_device_rule **out,
                                size_t *n_out, runo_error **err);

#endif
