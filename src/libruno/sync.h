/* runo: the framed protocol between the runtime and the processes it
 * creates (the container's init, and the intermediate process that joins
 * namespaces for it).
 *
 * Every message is a fixed header {type, errnum, payload length, fd count}
 * followed by the payload, over a SOCK_STREAM socketpair; fds travel as
 * SCM_RIGHTS with the header.  A receiver names the one type it expects at
 * this phase of creation: anything else is a protocol error, except
 * RUNO_SYNC_ERROR, which carries the child's error (errno + message) and is
 * turned into the receiver's error.  So the child never prints: its errors
 * reach the user as the runtime's one-line error.
 */
#ifndef RUNO_SYNC_H
#define RUNO_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum runo_sync_type
{
  RUNO_SYNC_ERROR = 1,       /* child -> runtime: errnum + message */
  RUNO_SYNC_INIT_PID,        /* intermediate -> runtime: init's host pid */
  RUNO_SYNC_HOST_SETUP_DONE, /* runtime -> init: uid/gid maps written,
                                host interfaces moved in; payload: the
                                number of MOUNT_TREE messages that follow */
  RUNO_SYNC_MOUNT_TREE,      /* runtime -> init: a prepared bind tree (1 fd);
                                payload: the index in config.mounts */
  RUNO_SYNC_MOUNTS_DONE, /* init -> runtime: mounts done, before pivot_root */
  RUNO_SYNC_HOOKS_DONE,  /* runtime -> init: createRuntime hooks ran;
                            payload: state JSON for the container's hooks */
  RUNO_SYNC_PTY_MASTER,  /* init -> runtime: the pty master (1 fd) */
  RUNO_SYNC_SECCOMP_FD,  /* init -> runtime: seccomp listener (1 fd) */
  RUNO_SYNC_READY,       /* init -> runtime: created, waiting for start;
                            payload: warnings to log, if any */
  RUNO_SYNC_TYPE_MAX,
};

#define RUNO_SYNC_MAX_FDS 4
/* State JSON with big annotations is the largest payload. */
#define RUNO_SYNC_MAX_PAYLOAD (64u * 1024 * 1024)

typedef struct runo_sync_msg
{
  enum runo_sync_type type;
  int errnum;
  char *payload; /* NUL-terminated, NULL when empty; owned by the message */
  size_t len;
  int fds[RUNO_SYNC_MAX_FDS];
  size_t nfds;
} runo_sync_msg;

/* Create the socketpair: sv[0] for the runtime, sv[1] for the child. */
int runo_sync_pair (int sv[2], runo_error **err);

int runo_sync_send (int fd, enum runo_sync_type type, int errnum,
                    const void *payload, size_t len, const int *fds,
                    size_t nfds, runo_error **err);

/* Send TYPE with no payload. */
static inline int
runo_sync_send_type (int fd, enum runo_sync_type type, runo_error **err)
{
  return runo_sync_send (fd, type, 0, NULL, 0, NULL, 0, err);
}

/* Receive the next message and check that it is EXPECTED.  A
   RUNO_SYNC_ERROR message becomes *err (with the child's errno and text); a
   closed peer is "child exited unexpectedly".  On success the caller owns
   msg (release with runo_sync_msg_release). */
int runo_sync_expect (int fd, enum runo_sync_type expected, runo_sync_msg *msg,
                      runo_error **err);

void runo_sync_msg_release (runo_sync_msg *msg);

/* In the child: report ERR to the runtime (best effort) and release it. */
void runo_sync_report_error (int fd, runo_error **err);

const char *runo_sync_type_name (enum runo_sync_type type);

/* In a joiner (a child that joined namespaces for the process to come):
   clone that process with FLAGS and CLONE_PARENT, so that it is the
   runtime's child, and send its pid (INIT_PID).  Returns 0 in the new
   process, its pid in the joiner, -1 with *ERR (and no process left). */
pid_t runo_sync_clone_sibling (int flags, int sync_fd, runo_error **err);

#endif
