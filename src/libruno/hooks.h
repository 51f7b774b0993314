/* runo: running OCI hooks (config.md "POSIX-platform Hooks").
   A hook gets the container state JSON on stdin, its own args and env (an
   empty env, not runo's, when none is given) and is killed after `timeout`
   seconds.  Where a hook runs (runtime or container namespace) is the
   caller's business: it calls these from the right process. */
#ifndef RUNO_HOOKS_H
#define RUNO_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "ocispec.h"

/* Run HOOKS in order, stopping at the first failure ("<kind> hook `path`:
   exited with status 1").  KIND names the list in messages. */
int runo_hooks_run (oci_hook **hooks, size_t n, const char *kind,
                    const char *state_json, runo_error **err);

#endif
