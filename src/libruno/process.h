/* runo: the container process's own attributes (config.md "process" and
   the Linux process fields): everything applied inside the container's
   init (or an exec'd process) between namespace setup and execve. */
#ifndef RUNO_PROCESS_H
#define RUNO_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* Check, before anything is built, that PROCESS only asks for what runo can
   do on this host (known rlimit names, capability names known to libcap,
   scheduler policy, ioPriority class, apparmor/selinux asked for on a host
   without them...).  Capability names the running kernel lacks are not an
   error (they are skipped with a warning when applied, as runc does). */
int runo_process_validate (const oci_config_process *process, runo_error **err);

/* linux.personality: domain LINUX or LINUX32, no flags (the spec defines
   none).  NULL is valid. */
int runo_process_validate_personality (const oci_linux_personality *pers,
                                       runo_error **err);

/* In the init, still privileged, before pivot_root (the host /proc is still
   reachable): oomScoreAdj, rlimits, personality (from CONFIG->linux_),
   scheduler, ioPriority, and execCPUAffinity.final when set and not empty
   (the affinity "after the transition to the container's cgroup": call
   this once the process is in its cgroup, as joining a cpuset cgroup
   resets the affinity).  Rlimits come last: a small RLIMIT_NOFILE must not
   break the other steps, but it does apply to everything the caller does
   afterwards, and raising a hard limit needs CAP_SYS_RESOURCE, hence here. */
int runo_process_setup_privileged (const oci_config *config, runo_error **err);

/* execCPUAffinity.initial, for the runtime parent: set the affinity of PID
   (0 = the caller) before it is moved into the container's cgroup.  Does
   nothing when initial is absent or empty.  The spec says execCPUAffinity
   does not apply to the container's init, so this is for `exec`. */
int runo_process_set_initial_cpu_affinity (const oci_config_process *process,
                                           pid_t pid, runo_error **err);

/* Resolve process.args[0] against the PATH in process.env (runc's default
   PATH when none), in the current root (so after pivot_root, and after
   runo_process_finalize so that relative names resolve from cwd and access
   is checked as the container user).  Error
   `exec: "foo": executable file not found in $PATH`.  Like execvp, an empty
   PATH entry means the current directory, and when a match exists but is
   not executable the error is that one (`exec: "foo": Permission denied`).
   *path is malloc'd. */
int runo_process_find_executable (const oci_config_process *process,
                                  char **path, runo_error **err);

/* In the init after pivot_root, last before seccomp and execve:
   AppArmor/SELinux exec labels, bounding set, additionalGids, gid, uid
   (capabilities kept across the switch, then set to the configured sets,
   ambient last), umask (only when process.user.umask is set: the spec says
   to leave it alone otherwise), cwd, noNewPrivileges.  Without
   process.capabilities the capabilities are left to the kernel's uid
   switch rules (a non-root user loses them all, root keeps them).
   The cwd is entered as root first and, if that is refused, again as the
   container user (a directory only that user may enter, e.g. a volume on a
   root-squashed NFS).  Before the uid switch, fds 0-2 that are pipes or
   fifos (an engine's monitor) or the container's terminal are given to the
   process's uid, so that it can reopen them (/dev/stdout); other files,
   the host's /dev/null or a terminal of the host, are left alone.
   Capabilities that cannot be granted (unknown to the
   running kernel, not held by the runtime, or refused by the kernel's
   rules between sets) are skipped; each is reported as one line of
   *warnings (newline separated, malloc'd, may stay NULL) so the caller can
   report them through the runtime.  Seccomp comes after this: without
   noNewPrivileges loading a filter needs CAP_SYS_ADMIN, which the
   container user may no longer have. */
int runo_process_finalize (const oci_config_process *process, char **warnings,
                           runo_error **err);

/* runo_process_finalize with the seccomp filter (may be NULL) installed
   at the right moment: without noNewPrivileges before the capabilities
   are dropped (installing needs CAP_SYS_ADMIN then), with it right after
   no_new_privs, as late as possible.  A listener fd is sent to the runtime
   over SYNC_FD (RUNO_SYNC_SECCOMP_FD).  The filter is in place for what
   follows in the process (sync messages, the wait for start, execve), as
   with runc: profiles must allow those.
   Before all that, and before the filter: the process leads a new session
   (runo_container_side_new_session) and, when process.env has no HOME,
   gets one from the container's /etc/passwd (appended to PROCESS->env). */
struct runo_seccomp;
int runo_process_finalize_with_seccomp (oci_config_process *process,
                                        const struct runo_seccomp *seccomp,
                                        int sync_fd, char **warnings,
                                        runo_error **err);

#endif
