/* runo: Linux capabilities of the container process (config.md
   "process.capabilities"): names to numbers, and the five sets applied in
   the order the kernel's rules require. */
#ifndef RUNO_CAPABILITIES_H
#define RUNO_CAPABILITIES_H

#include <stdint.h>

#include "error.h"
#include "ocispec.h"

/* The configured sets as bitmasks, bit N = capability number N.  Linux has
   41 capabilities today; 64 bits leave room without a dynamic type. */
typedef struct runo_caps
{
  uint64_t bounding;
  uint64_t effective;
  uint64_t permitted;
  uint64_t inheritable;
  uint64_t ambient;
} runo_caps;

#define RUNO_CAP_MAX 63

/* "CAP_KILL" -> 5.  Only the spec's upper-case "CAP_*" names that libcap
   knows are accepted (libcap would also take "12" or "cap_kill"). */
int runo_cap_from_name (const char *name, int *cap);

/* Highest capability number of the running kernel (CAP_LAST_CAP). */
int runo_caps_last_cap (void);

/* Turn CAPS into masks for a kernel whose highest capability is LAST_CAP.
   What cannot be granted is left out and reported in *WARNINGS (one line
   per problem, newline separated, malloc'd): names above LAST_CAP, caps the
   calling process does not hold itself, effective/inheritable/ambient caps
   the kernel would refuse because another set lacks them, and names that
   are no capability at all (config.md: warn, do not fail). */
int runo_caps_resolve (const oci_config_process_capabilities *caps,
                       int last_cap, runo_caps *out, char **warnings,
                       runo_error **err);

/* Drop from the bounding set every capability up to LAST_CAP that
   CAPS->bounding lacks.  Needs CAP_SETPCAP in the effective set: call it
   before switching to the container user. */
int runo_caps_drop_bounding (const runo_caps *caps, int last_cap,
                             runo_error **err);

/* Set effective, permitted and inheritable with capset, then replace the
   ambient set.  Call after the uid switch (done with PR_SET_KEEPCAPS so
   that the permitted set survives it). */
int runo_caps_apply (const runo_caps *caps, int last_cap, runo_error **err);

/* Append one line to a newline separated, malloc'd warnings string. */
void runo_warnings_append (char **warnings, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

#endif
