/* runo: small helpers shared by the whole library: scope-bound cleanup of
   memory, fds, directories and child processes, with explicit ownership
   transfer ("steal"), and file helpers that follow the error convention of
   error.h. */
#ifndef RUNO_UTILS_H
#define RUNO_UTILS_H

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

void runo_cleanup_free (void *p);
void runo_cleanup_close (int *fd);
void runo_cleanup_dir (DIR **dir);
void runo_cleanup_file (FILE **f);
/* Kill (SIGKILL) and reap a child that was not handed over. */
void runo_cleanup_pid (pid_t *pid);

#define cleanup_free __attribute__ ((cleanup (runo_cleanup_free)))
#define cleanup_close __attribute__ ((cleanup (runo_cleanup_close)))
#define cleanup_dir __attribute__ ((cleanup (runo_cleanup_dir)))
#define cleanup_file __attribute__ ((cleanup (runo_cleanup_file)))
#define cleanup_pid __attribute__ ((cleanup (runo_cleanup_pid)))

/* Take ownership away from a cleanup variable. */
#define steal_pointer(pp)                                                      \
  ({                                                                           \
    __typeof__ (*(pp)) _stolen = *(pp);                                        \
    *(pp) = NULL;                                                              \
    _stolen;                                                                   \
  })
static inline int
steal_fd (int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}
static inline pid_t
steal_pid (pid_t *pid)
{
  pid_t ret = *pid;
  *pid = -1;
  return ret;
}

/* Read a whole file (at most MAX bytes, 0 = no limit) into a NUL-terminated
   buffer.  DIRFD may be AT_FDCWD. */
int runo_read_file_at (int dirfd, const char *path, size_t max, char **out,
                       size_t *len, runo_error **err);

/* Replace DIRFD/NAME with DATA atomically: write NAME.tmp, fsync is not
   needed (state lives on tmpfs), then rename over NAME. */
int runo_write_file_atomic_at (int dirfd, const char *name, const char *data,
                               size_t len, mode_t mode, runo_error **err);

/* Write all of BUF to FD, retrying on EINTR and short writes. */
int runo_write_all (int fd, const void *buf, size_t len);

/* mkdir -p with MODE for every missing component. */
int runo_mkdir_p (const char *path, mode_t mode, runo_error **err);

/* asprintf that aborts on allocation failure: only for short strings where
   failing is not worth an error path. */
char *runo_xasprintf (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));
void *runo_xmalloc0 (size_t size);
char *runo_xstrdup (const char *s);

/* A copy of the array LIST of N strings with a NULL after them, as execve
   wants (libocispec arrays carry a length instead).  With N == 0 and
   FIRST_IF_EMPTY set, that string is the only element.  Only the array is
   allocated: free it, not the strings. */
char **runo_null_terminated (char **list, size_t n, char *first_if_empty);

/* Write PID to PATH atomically (tmp + rename in the same directory), as
   engines read pid files while they are written. */
int runo_write_pid_file (const char *path, pid_t pid, runo_error **err);

/* The signals a foreground run or exec forwards to its process; block
   them before the process exists, then runo_wait_forwarding. */
void runo_forwarded_signals (sigset_t *set);

/* Wait for the child PID, sending it every signal of FORWARDED that
   arrives (they must be blocked); *EXIT_STATUS is its exit status, or
   128+N when signal N killed it. */
int runo_wait_forwarding (pid_t pid, const sigset_t *forwarded,
                          int *exit_status, runo_error **err);

/* Current time as RFC 3339 with nanoseconds, UTC
 * ("2006-01-02T15:04:05.999999999Z"). */
char *runo_rfc3339_now (void);

/* A list of numbers and ranges such as "0-3, 7" (cpus, NUMA nodes):
   ADD (may be NULL) is called for each range, all numbers at most MAX.
   An empty list is valid; bad syntax fails with errno EINVAL (after ADD
   may have seen the ranges before it). */
int runo_parse_ranges (const char *list, unsigned long max,
                       void (*add) (unsigned long first, unsigned long last,
                                    void *data),
                       void *data);

/* V is a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]). */
bool runo_semver_valid (const char *v);

#endif
