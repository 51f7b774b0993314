/* runo: protection of the runtime binary (CVE-2019-5736 class).
 *
 * A process that enters a container starts as a copy of runo, so until it
 * execs, its /proc/PID/exe is runo's binary, and a container can make it
 * exec /proc/self/exe (a "#!/proc/self/exe" script) to get a handle on the
 * host's runo file and write to it later.  So create, run and exec re-exec
 * runo from a sealed memfd copy first: /proc/self/exe is then a file that
 * nobody can write. */
#ifndef RUNO_CLONED_BINARY_H
#define RUNO_CLONED_BINARY_H

#include "error.h"

/* If runo is not already running from a sealed memfd, copy it into one
   and execveat() it with the same ARGV and ENVP.  Returns only on error. */
int runo_ensure_cloned_binary (char **argv, char **envp, runo_error **err);

/* Whether /proc/self/exe is a sealed memfd (for tests and --version). */
int runo_running_from_sealed_copy (void);

#endif
