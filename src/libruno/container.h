/* runo: operations on containers known to the state store (the commands'
   entry points into the library). */
#ifndef RUNO_CONTAINER_H
#define RUNO_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>

#include "cgroup.h"
#include "context.h"
#include "error.h"
#include "state.h"

enum runo_list_format
{
  RUNO_LIST_TABLE,
  RUNO_LIST_JSON,
  RUNO_LIST_QUIET,
};

/* An open container: its state directory locked (shared or exclusive),
   its record read and its status derived. */
struct runo_container
{
  int root_fd;
  int dir_fd;
  runo_state *state; /* NULL while it is still being created */
  enum runo_status status;
  bool corrupt; /* state.json unreadable: status UNKNOWN, open failed */
};

/* "container `x` does not exist" when there is no such container.  A
   state.json that cannot be read back as runo wrote it (or names another
   id) fails with C->corrupt set and the directory still open and locked,
   for delete --force. */
int runo_container_open (runo_context *ctx, const char *id, bool exclusive,
                         struct runo_container *c, runo_error **err);
void runo_container_close (struct runo_container *c);

/* The container's cgroup (*cg NULL when it has none).  The path recorded
   in state.json must be the one the saved config gives, or it is an
   error.  Free with runo_cgroup_free. */
int runo_container_cgroup (const struct runo_container *c, runo_cgroup **cg,
                           runo_error **err);

/* The container's config.json as it was at create (NULL and an error when
   it cannot be read). */
struct oci_config;
struct oci_config *runo_container_config (const struct runo_container *c,
                                          runo_error **err);

/* `state ID`: the OCI state JSON of one container, status derived from the
   live process.  Caller frees *json. */
int runo_container_state (runo_context *ctx, const char *id, char **json,
                          runo_error **err);

/* `list`: every container under the state root, written to OUT.  A missing
   state root is an empty list. */
int runo_container_list (runo_context *ctx, enum runo_list_format format,
                         FILE *out, runo_error **err);

#endif
