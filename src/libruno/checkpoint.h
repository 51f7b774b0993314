/* runo: checkpoint and restore (runc's commands, done with libcriu). */
#ifndef RUNO_CHECKPOINT_H
#define RUNO_CHECKPOINT_H

#include <stdbool.h>

#include "context.h"
#include "error.h"

typedef struct runo_checkpoint_options
{
  const char *id;
  const char *image_path;
  const char *work_path;
  const char *parent_path;
  const char *manage_cgroups_mode; /* soft, full, strict or ignore */
  const char *page_server;
  const char **empty_ns;
  int n_empty_ns;
  int status_fd; /* -1: none */
  bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks;
  bool pre_dump, lazy_pages, auto_dedup;
  /* restore only */
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  bool detach, no_subreaper, no_pivot;
} runo_checkpoint_options;

/* Whether this build can checkpoint and restore, for --version and
   features. */
bool runo_checkpoint_compiled_in (void);

int runo_container_checkpoint (runo_context *ctx,
                               const runo_checkpoint_options *opts,
                               runo_error **err);
int runo_container_restore (runo_context *ctx,
                            const runo_checkpoint_options *opts,
                            runo_error **err);

#endif
