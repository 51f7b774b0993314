/* runo: linux.memoryPolicy, the NUMA memory policy (set_mempolicy(2)) of
   the container's processes. */
#ifndef RUNO_MEMPOLICY_H
#define RUNO_MEMPOLICY_H

#include "error.h"
#include "ocispec.h"

/* Before anything is built: the mode and flags are known, the node list
   parses ("0-3,7"), the modes that take no nodes (MPOL_DEFAULT,
   MPOL_LOCAL) have none and those that need some (MPOL_BIND,
   MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED_MANY) have
   at least one, and the static and relative flags are not both set.  The
   rest is the kernel's to judge when it is applied.  NULL is valid. */
int runo_mempolicy_validate (const oci_config_linux_memory_policy *mp,
                             runo_error **err);

/* In the container's process before it execs (the policy is inherited by
   everything it starts).  NULL does nothing. */
int runo_mempolicy_apply (const oci_config_linux_memory_policy *mp,
                          runo_error **err);

#endif
