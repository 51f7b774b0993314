/* runo: operations on containers known to the state store (the commands'
   entry points into the library). */
#ifndef RUNO_CONTAINER_H
#define RUNO_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>

#include "context.h"
#include "error.h"

enum runo_list_format
{
  RUNO_LIST_TABLE,
  RUNO_LIST_JSON,
  RUNO_LIST_QUIET,
};

/* `state ID`: the OCI state JSON of one container, status derived from the
   live process.  Caller frees *json. */
int runo_container_state (runo_context *ctx, const char *id, char **json,
                          runo_error **err);

/* `list`: every container under the state root, written to OUT.  A missing
   state root is an empty list. */
int runo_container_list (runo_context *ctx, enum runo_list_format format,
                         FILE *out, runo_error **err);

#endif
