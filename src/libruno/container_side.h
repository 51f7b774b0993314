/* runo: what every process that runs as the container (create's init, an
 * exec'd process) does first and last.
 *
 * First, right after it is cloned and before it looks at anything of the
 * container: close every descriptor that is not on its keep-list.  The
 * runtime holds directories of the host (state root, state dir, cgroup
 * dirs, the bundle); one left open is a way out of the container as soon
 * as the process can name it (`process.cwd: /proc/self/fd/N`, or an openat
 * from it after execve).  Close-on-exec is not enough: it acts at execve,
 * after chdir, and after execve's own path lookup.
 *
 * Last, one tail to execve for both: signal dispositions reset to their
 * defaults and the mask cleared, the caller's passed fds made inheritable,
 * execve.
 */
#ifndef RUNO_CONTAINER_SIDE_H
#define RUNO_CONTAINER_SIDE_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* The caller's descriptors a container process receives as fds 3, 4...:
   --preserve-fds N (and, for create, the LISTEN_FDS of socket activation)
   name the range 3 .. 3+N-1, but only those the caller really had open
   belong to it: the runtime's own fds may sit in the gaps. */
typedef struct runo_passed_fds
{
  int *fds; /* ascending */
  size_t len;
} runo_passed_fds;

/* Record which fds of 3 .. 3+COUNT-1 are open now, leaving out NOT_OURS
   (-1 or the runtime's own fd opened before, e.g. the --log file).  Call
   it before the runtime opens anything else. */
void runo_passed_fds_collect (int count, int not_ours, runo_passed_fds *out);
void runo_passed_fds_release (runo_passed_fds *p);

/* The number of fds socket activation hands to runo (LISTEN_FDS, for this
   process when LISTEN_PID names it), 0 when none. */
int runo_listen_fds (void);

/* The first call of a container process: close every fd except 0, 1, 2,
   the PASSED fds and the N_OWN fds of OWN (sync socket, exec fifo...; -1
   entries are ignored).  Returns -1 with errno set on failure. */
int runo_container_side_enter (const runo_passed_fds *passed, const int *own,
                               size_t n_own);

/* Enter DIR (absolute, as in process.cwd) inside the current root: the
   lookup cannot leave the root (RESOLVE_IN_ROOT) nor follow magic links
   (/proc/self/fd/N, /proc/PID/cwd...), and the result is checked to be
   under the root. */
int runo_container_side_chdir (const char *dir, runo_error **err);

/* For create's init, once the mounts are made and before the root is
   switched (or made read-only): create process.cwd DIR under ROOTFS when it
   is missing, as runc and crun do, the walk kept inside ROOTFS.  Not for
   `exec`: there a missing cwd is an error (as with runc). */
int runo_container_side_create_cwd (const char *rootfs, const char *dir,
                                    runo_error **err);

/* Make the process the leader of a new session (and process group) of the
   container's pid namespace, as with a terminal: without it the group and
   session are the runtime's, outside the container (getpgrp() gives 0).
   A process that already leads its session is left as it is. */
int runo_container_side_new_session (runo_error **err);

/* The home directory of the first entry for UID in PASSWD (the text of an
   /etc/passwd), malloc'd; NULL when UID has none or its home is empty. */
char *runo_passwd_home (const char *passwd, uid_t uid);

/* When PROCESS->env has no HOME=, append HOME= the home of
   process.user.uid in the current root's /etc/passwd, or "/" when the uid
   has no entry or the file cannot be read (a regular file only, looked up
   with no magic link followed).  Call it in the container's root, still
   privileged (the file may be readable only by root). */
void runo_container_side_set_home (oci_config_process *process);

/* The tail of init and of an exec'd process: reset every signal's
   disposition to the default (an ignored signal would survive execve),
   clear the signal mask, make the PASSED fds inheritable and execve EXE
   with PROCESS's args and env.
   Returns only on failure, with errno set. */
void runo_container_side_execve (const oci_config_process *process,
                                 const char *exe,
                                 const runo_passed_fds *passed);

#endif
