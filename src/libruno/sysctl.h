/* runo: linux.sysctl.  A sysctl is written from inside the container's
   namespaces, so only the ones the kernel keeps per namespace can be the
   container's own; any other key, or a namespaced one whose namespace the
   container shares with the host, would change the host. */
#ifndef RUNO_SYSCTL_H
#define RUNO_SYSCTL_H

#include "error.h"
#include "namespaces.h"
#include "ocispec.h"

/* Before anything is built: every key must belong to a namespace the
   container has of its own (new, or joined and not runo's own): IPC for
   kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.*, network for net.*.
   kernel.hostname and kernel.domainname are refused in favour of the
   config's hostname and domainname.  Any other key is an error naming it. */
int runo_sysctl_validate (const oci_map_string *sysctl,
                          const runo_namespaces *ns, runo_error **err);

/* In init, once in its namespaces and before pivot_root: write them under
   /proc/sys. */
int runo_sysctl_apply (const oci_map_string *sysctl, runo_error **err);

#endif
