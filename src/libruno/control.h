/* runo: operations on a live container's cgroup (pause, resume, ps,
   update, events). */
#ifndef RUNO_CONTROL_H
#define RUNO_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "context.h"
#include "error.h"

int runo_container_pause (runo_context *ctx, const char *id, runo_error **err);
int runo_container_resume (runo_context *ctx, const char *id, runo_error **err);

/* JSON: an array of host pids.  Otherwise ps(1) run with PS_ARGS (default
   -ef), keeping its header and the container's processes. */
int runo_container_ps (runo_context *ctx, const char *id, bool json,
                       char **ps_args, size_t nargs, FILE *out,
                       runo_error **err);

/* Apply RESOURCES_JSON, a linux.resources object, to the cgroup. */
int runo_container_update (runo_context *ctx, const char *id,
                           const char *resources_json, size_t len,
                           runo_error **err);

/* STATS_ONCE: one stats event.  Otherwise a stats event every INTERVAL_MS
   and an oom event when the OOM killer struck, until the container
   stops. */
int runo_container_events (runo_context *ctx, const char *id, bool stats_once,
                           unsigned interval_ms, FILE *out, runo_error **err);

#endif
