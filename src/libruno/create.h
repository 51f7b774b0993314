/* runo: the container lifecycle on Linux: create, start, run, kill,
   delete.  See create.c for how the processes talk while a container is
   built. */
#ifndef RUNO_CREATE_H
#define RUNO_CREATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"

typedef struct runo_create_options
{
  const char *id;
  const char *bundle; /* NULL: the current directory */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  bool keep; /* run: leave the stopped container for `delete` */
  int preserve_fds;
  /* Foreground run only: with process.terminal and no console socket, the
     pty master is kept here (else -1) for runo to relay the terminal. */
  int *pty_master;
} runo_create_options;

/* Build the container up to "created": its init waits for `start`. */
int runo_container_create (runo_context *ctx, const runo_create_options *opts,
                           pid_t *pid, runo_error **err);

/* Let a created container's init exec the user process, then run the
   poststart hooks. */
int runo_container_start (runo_context *ctx, const char *id, runo_error **err);

/* create + start.  With DETACH, return once started; otherwise wait for the
   container, forwarding signals to it, delete it and set *exit_status to
   its exit code (128+N when killed by signal N). */
int runo_container_run (runo_context *ctx, const runo_create_options *opts,
                        bool detach, int *exit_status, runo_error **err);

/* Parse "KILL", "SIGKILL", "kill" or "9". */
int runo_parse_signal (const char *name, int *sig, runo_error **err);

int runo_container_kill (runo_context *ctx, const char *id, int sig, bool all,
                         runo_error **err);

/* Remove a stopped (or, with FORCE, any) container: processes, state,
   poststop hooks. */
int runo_container_delete (runo_context *ctx, const char *id, bool force,
                           runo_error **err);

#endif
