/* runo: exec, a new process in a running container (see exec.c). */
#ifndef RUNO_EXEC_H
#define RUNO_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

typedef struct runo_exec_options
{
  const char *id;
  const char *process_file; /* --process: the process JSON, used as is */
  /* Without --process: the container's process with these changes. */
  char **argv;
  size_t argc;
  char **env; /* added */
  size_t env_len;
  char **caps; /* added to bounding, effective and permitted */
  size_t caps_len;
  const char *cwd;
  const char *user; /* UID[:GID] */
  bool tty;
  bool no_new_privs;
  const char *apparmor;      /* replaces process.apparmorProfile */
  const char *process_label; /* replaces process.selinuxLabel */
  /* Either way. */
  bool detach;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
} runo_exec_options;

/* Run the process in container OPTS->id.  With OPTS->detach, return once
   it runs; otherwise wait, forwarding signals, and set *EXIT_STATUS. */
int runo_container_exec (runo_context *ctx, const runo_exec_options *opts,
                         int *exit_status, runo_error **err);

#endif
