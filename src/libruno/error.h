/* runo: error convention used by every function of the library.
 *
 * A function that can fail returns a negative value (usually -1) and fills
 * the error object passed as its last argument (`runo_error **err`), which
 * must be NULL on entry.  The error carries the errno that caused it (0 when
 * there is none) and a message.  A caller that cannot handle the error adds
 * its own context and returns negative in turn:
 *
 *     if (mount_proc (ctx, fd, err) < 0)
 *       return runo_error_wrap (err, "mount /proc");
 *
 * so that the user finally sees one line such as
 * "runo: create: mount /proc: Permission denied".  The errno text is
 * appended exactly once, when the message is printed.  Whoever handles an
 * error (prints it, or decides it does not matter) releases it with
 * runo_error_release().  Nothing in the library prints errors itself.
 */
#ifndef RUNO_ERROR_H
#define RUNO_ERROR_H

#include <stdarg.h>

typedef struct runo_error
{
  int errnum; /* errno that caused the failure, 0 if none */
  char *msg;  /* context chain, without the errno text */
} runo_error;

/* Fill *err with a new error and return -1.  ERRNUM may be 0. */
int runo_error_make (runo_error **err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Same, with errno taken from the caller's errno. */
#define runo_error_errno(err, ...) runo_error_make ((err), errno, __VA_ARGS__)

/* Prefix the message of *err with "context: " and return -1. */
int runo_error_wrap (runo_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The full one-line text: "msg: strerror(errnum)".  Caller frees. */
char *runo_error_text (const runo_error *err);

/* Free *err and set it to NULL. */
void runo_error_release (runo_error **err);

static inline void
runo_error_cleanup (runo_error **err)
{
  runo_error_release (err);
}
#define cleanup_error __attribute__ ((cleanup (runo_error_cleanup)))

#endif
