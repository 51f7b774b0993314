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

/* Nothing moves the devices back: config-linux.md says the runtime MUST
   NOT move them out of the namespace before it is deleted; the kernel
   returns physical devices to the initial namespace when it goes. */

#endif
