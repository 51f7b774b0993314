/* runo: seccomp (config-linux.md "seccomp").
 *
 * The profile is validated and compiled to a BPF program by the runtime,
 * before the container's init is cloned: errors reach the user early and
 * the init, which inherits the compiled program with its memory, only makes
 * the one seccomp(2) call that installs it.  With SCMP_ACT_NOTIFY rules the
 * init gets a listener fd from that call; the runtime hands it to the
 * seccomp agent at linux.seccomp.listenerPath with the container process
 * state (runtime.md / config-linux.md "The Container Process State").
 *
 * Semantics follow runc where the spec leaves room:
 * - syscall names libseccomp does not know are skipped silently;
 * - a rule whose action (errno included) equals the default action is
 *   skipped (libseccomp refuses it, and it changes nothing);
 * - when one argument index appears more than once in a rule's args, each
 *   condition becomes a rule of its own (the conditions are ORed), otherwise
 *   all conditions form one rule (ANDed);
 * - errnoRet/defaultErrnoRet on an action other than ERRNO or TRACE is an
 *   error (the spec says MUST fail); both default to EPERM;
 * - a flag the kernel does not support is an error naming it, as runc's
 *   validation does (crun retries without the flags instead: silently
 *   weaker, so not followed);
 * - SCMP_ACT_NOTIFY is refused as the default action and on `sendmsg`,
 *   the syscall the init needs to hand the listener fd over: before the
 *   agent has the fd, nobody could answer them (runc refuses the default
 *   and its own `write` the same way).
 */
#ifndef RUNO_SECCOMP_H
#define RUNO_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

typedef struct runo_seccomp runo_seccomp; /* a compiled filter */

/* Validate SECCOMP and compile it for this machine's architecture plus the
   listed ones.  *OUT is ready to load; release it with runo_seccomp_free. */
int runo_seccomp_compile (const oci_config_linux_seccomp *seccomp,
                          runo_seccomp **out, runo_error **err);

/* The same, through the cache of compiled programs in the directory
   CACHE_DIR_FD (see seccomp.c); with CACHE_DIR_FD -1, no cache. */
int runo_seccomp_compile_cached (int cache_dir_fd,
                                 const oci_config_linux_seccomp *seccomp,
                                 runo_seccomp **out, runo_error **err);

/* Some rule uses SCMP_ACT_NOTIFY: loading creates a listener fd that the
   runtime must send to listenerPath. */
bool runo_seccomp_needs_notify (const runo_seccomp *s);

/* Number of BPF instructions of the compiled program (for tests and
   diagnostics). */
size_t runo_seccomp_program_length (const runo_seccomp *s);

/* In the init: install the filter with one seccomp(2) call.  The caller
   must have set no_new_privs or hold CAP_SYS_ADMIN.  *NOTIFY_FD gets the
   listener fd (close-on-exec) when runo_seccomp_needs_notify, else -1.
   Makes no other syscall and allocates nothing, so it is safe as the very
   last step before execve. */
int runo_seccomp_load (const runo_seccomp *s, int *notify_fd, runo_error **err);

/* In the runtime: connect to the unix socket LISTENER_PATH and send, in one
   connection, NOTIFY_FD (SCM_RIGHTS) with the container process state JSON
   {ociVersion, fds: ["seccompFd"], pid, metadata, state}.  METADATA may be
   NULL (then the key is left out); STATE_JSON is the container's state as
   `runo state` prints it, inserted verbatim. */
int runo_seccomp_send_notify_fd (const char *listener_path, int notify_fd,
                                 pid_t pid, const char *metadata,
                                 const char *state_json, runo_error **err);

void runo_seccomp_free (runo_seccomp *s);

static inline void
runo_seccomp_cleanup (runo_seccomp **s)
{
  runo_seccomp_free (*s);
  *s = NULL;
}
#define cleanup_seccomp __attribute__ ((cleanup (runo_seccomp_cleanup)))

/* What `runo features` reports, in the schema's names. */
#define RUNO_SECCOMP_N_FLAGS 4
const char *const *runo_seccomp_known_actions (size_t *n);
const char *const *runo_seccomp_known_operators (size_t *n);
/* The architectures of the spec that this libseccomp knows. */
const char *const *runo_seccomp_known_archs (size_t *n);
const char *const *runo_seccomp_known_flags (size_t *n);
/* Fill BUF (RUNO_SECCOMP_N_FLAGS entries) with the flags the running kernel
   accepts; returns how many.  Probes with seccomp(2) calls that install
   nothing. */
size_t runo_seccomp_supported_flags (const char *buf[RUNO_SECCOMP_N_FLAGS]);

/* Fill F for `runo features`: enabled and the five lists.  The strings
   point to static storage and the supported flags into SUPPORTED_BUF: do
   not free F's members. */
void runo_seccomp_features (oci_features_linux_seccomp *f,
                            const char *supported_buf[RUNO_SECCOMP_N_FLAGS]);

#endif
