#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsm.h"
#include "utils.h"

#define APPARMOR_PROFILES "/sys/kernel/security/apparmor/profiles"

static const char *
apparmor_exec_attr (void)
{
  /* Kernels before 5.8 only have the attr file shared by all LSMs. */
  if (access ("/proc/thread-self/attr/apparmor/exec", F_OK) == 0)
    return "/proc/thread-self/attr/apparmor/exec";
  return "/proc/thread-self/attr/exec";
}

bool
runo_apparmor_enabled (void)
{
  char buf[2] = "";
  cleanup_close int fd
      = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

  if (fd < 0 || read (fd, buf, 1) != 1 || buf[0] != 'Y')
    return false;
  /* With another major LSM active, the shared attr files are not
     AppArmor's; its securityfs directory only exists when it is active. */
  return access ("/proc/thread-self/attr/apparmor", F_OK) == 0
         || access ("/sys/kernel/security/apparmor", F_OK) == 0;
}

bool
runo_selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* 1 if loaded, 0 if not, -1 if the list cannot be read (securityfs not
   mounted, or no permission): then execve-time writing decides. */
static int
apparmor_profile_loaded (const char *profile)
{
  cleanup_file FILE *f = fopen (APPARMOR_PROFILES, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0, len = strlen (profile);
  ssize_t n;

  if (f == NULL)
    return -1;
  /* Each line is "NAME (MODE)". */
  while ((n = getline (&line, &cap, f)) > 0)
    if ((size_t)n > len + 2 && memcmp (line, profile, len) == 0
        && line[len] == ' ' && line[len + 1] == '(')
      return 1;
  return 0;
}

int
runo_apparmor_check_profile (const char *profile, runo_error **err)
{
  if (!runo_apparmor_enabled ())
    return runo_error_make (err, 0,
                            "process.apparmorProfile: AppArmor is "
                            "not enabled on this host");
  if (strcmp (profile, "unconfined") == 0)
    return 0;
  if (apparmor_profile_loaded (profile) == 0)
    return runo_error_make (err, 0,
                            "process.apparmorProfile: profile \"%s\" is not "
                            "loaded",
                            profile);
  return 0;
}

int
runo_apparmor_set_exec (const char *profile, runo_error **err)
{
  cleanup_free char *value = runo_xasprintf ("exec %s", profile);
  const char *attr = apparmor_exec_attr ();
  cleanup_close int fd = open (attr, O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return runo_error_errno (err, "process.apparmorProfile: open `%s`", attr);
  if (runo_write_all (fd, value, strlen (value)) >= 0)
    return 0;
  /* AppArmor's answer for a profile it does not have. */
  if (errno == ENOENT)
    return runo_error_make (err, 0,
                            "process.apparmorProfile: profile \"%s\" is not "
                            "loaded",
                            profile);
  return runo_error_errno (err, "process.apparmorProfile: set profile \"%s\"",
                           profile);
}
