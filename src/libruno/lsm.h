/* runo: the Linux security modules a container's process can be labelled
   with (process.apparmorProfile, process.selinuxLabel). */
#ifndef RUNO_LSM_H
#define RUNO_LSM_H

#include <stdbool.h>

#include "error.h"

/* Whether the running kernel enforces AppArmor: the module says it is on
   and its task attributes exist (the module can be built in but not be
   the active LSM). */
bool runo_apparmor_enabled (void);

/* Whether SELinux is on (its filesystem is there). */
bool runo_selinux_enabled (void);

/* Before anything is built: AppArmor is on and PROFILE is loaded, when the
   kernel lets us list the loaded profiles.  Errors name the profile. */
int runo_apparmor_check_profile (const char *profile, runo_error **err);

/* In the process, just before execve: PROFILE is the one it runs under
   from execve on. */
int runo_apparmor_set_exec (const char *profile, runo_error **err);

#endif
