/* runo: the default bundle configuration written by `runo spec`. */
#ifndef RUNO_SPEC_H
#define RUNO_SPEC_H

#include <stdbool.h>

#include "error.h"

/* The default config.json as pretty-printed JSON, for a busybox-style
   rootfs in ./rootfs.  ROOTLESS adapts it to an unprivileged caller (user
   namespace mapping the caller to root, no network namespace, /sys bound
   from the host, no resource limits).  Caller frees *json. */
int runo_spec_default (bool rootless, char **json, runo_error **err);

/* Write the default config.json into BUNDLE; refuses to overwrite one. */
int runo_spec_write (const char *bundle, bool rootless, runo_error **err);

#endif
