/* runo: network setup over rtnetlink (libmnl). */
#ifndef RUNO_NETLINK_H
#define RUNO_NETLINK_H

#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* In the container's new network namespace: bring `lo` up. */
int runo_netlink_loopback_up (runo_error **err);

/* From the host: move each interface named in NETDEVS into the network
   namespace of PID, renamed to its `name` when given (a name with `%d` is a
   template the kernel completes), keeping its permanent global addresses,
   and set it up there, as config-linux.md "netDevices" requires.  Stops at
   the first failure: `linux.netDevices: move "eth5": No such device`. */
int runo_netlink_move_devices (const oci_map_linux_net_device *netdevs,
                               pid_t pid, runo_error **err);

/* From the host: move the devices back from the network namespace NETNS_FD
   to the calling thread's, with their original names and their permanent
   global addresses (left down).  Devices named by a template are skipped.
   Note that config-linux.md says a runtime MUST NOT move devices out before
   the namespace is deleted (the kernel returns physical devices itself), so
   this is not for `delete`; it exists for tests and explicit use. */
int runo_netlink_return_devices (const oci_map_linux_net_device *netdevs,
                                 int netns_fd, runo_error **err);

#endif
