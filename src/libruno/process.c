#include <config.h>

#include "process.h"

#include "capabilities.h"
#include "container_side.h"
#include "lsm.h"
#include "seccomp.h"
#include "sync.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH                                                           \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A cpu list naming a CPU past this is a typo, not a machine. */
#define MAX_CPU_NUMBER 65535

struct name_value
{
  const char *name;
  int value;
};

static const struct name_value rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
  { NULL, 0 },
};

/* SCHED_ISO (4) was never merged into Linux: the spec lists it, the kernel
   refuses it, so it is rejected up front. */
#define POLICY_UNSUPPORTED -2
static const struct name_value sched_policy_names[] = {
  { "SCHED_OTHER", 0 },
  { "SCHED_FIFO", 1 },
  { "SCHED_RR", 2 },
  { "SCHED_BATCH", 3 },
  { "SCHED_ISO", POLICY_UNSUPPORTED },
  { "SCHED_IDLE", 5 },
  { "SCHED_DEADLINE", 6 },
  { NULL, 0 },
};

static const struct name_value sched_flag_names[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 }, { NULL, 0 },
};

static const struct name_value ioprio_class_names[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
  { NULL, 0 },
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

/* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER1; glibc 2.36
   has neither the type nor a wrapper. */
struct sched_attributes
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

static int
lookup (const struct name_value *table, const char *name, int *value)
{
  for (; name && table->name; table++)
    if (strcmp (table->name, name) == 0)
      {
        *value = table->value;
        return 0;
      }
  return -1;
}

struct cpu_ranges
{
  unsigned long max; /* highest cpu seen */
  bool any;
  cpu_set_t *set; /* NULL while sizing */
  size_t size;
};

static void
add_cpus (unsigned long first, unsigned long last, void *data)
{
  struct cpu_ranges *r = data;

  r->any = true;
  if (r->set == NULL)
    r->max = last > r->max ? last : r->max;
  else
    for (; first <= last; first++)
      CPU_SET_S (first, r->size, r->set);
}

/* "0-3, 7" -> cpu set.  Returns the set (CPU_ALLOC'd, *SIZE bytes), NULL
   when LIST is empty, and fails on syntax errors. */
static int
parse_cpu_list (const char *list, cpu_set_t **out, size_t *size)
{
  struct cpu_ranges r = { 0 };

  *out = NULL;
  *size = 0;
  /* Two passes: the first checks the syntax and finds the highest CPU so
     the set is allocated once at the right size. */
  if (runo_parse_ranges (list, MAX_CPU_NUMBER, add_cpus, &r) < 0)
    return -1;
  if (!r.any)
    return 0;
  r.set = CPU_ALLOC (r.max + 1);
  if (r.set == NULL)
    return -1;
  r.size = CPU_ALLOC_SIZE (r.max + 1);
  CPU_ZERO_S (r.size, r.set);
  (void)runo_parse_ranges (list, MAX_CPU_NUMBER, add_cpus, &r);
  *out = r.set;
  *size = r.size;
  return 0;
}

static int
validate_cpu_list (const char *field, const char *list, runo_error **err)
{
  cpu_set_t *set;
  size_t size;

  if (list == NULL)
    return 0;
  if (parse_cpu_list (list, &set, &size) < 0)
    return runo_error_make (err, 0,
                            "process.execCPUAffinity.%s: invalid "
                            "cpu list \"%s\"",
                            field, list);
  CPU_FREE (set);
  return 0;
}

static int
validate_rlimits (const oci_config_process *process, runo_error **err)
{
  size_t i, j;

  for (i = 0; i < process->rlimits_len; i++)
    {
      const oci_config_process_rlimits *r = process->rlimits[i];
      int resource;

      if (r == NULL)
        continue;
      if (lookup (rlimit_names, r->type, &resource) < 0)
        return runo_error_make (err, 0,
                                "process.rlimits: unknown rlimit type \"%s\"",
                                r->type ? r->type : "");
      if (r->soft > r->hard)
        return runo_error_make (err, 0,
                                "process.rlimits: %s: soft limit %llu is "
                                "above the hard limit %llu",
                                r->type, (unsigned long long)r->soft,
                                (unsigned long long)r->hard);
      for (j = 0; j < i; j++)
        if (process->rlimits[j]
            && strcmp (process->rlimits[j]->type, r->type) == 0)
          return runo_error_make (
              err, 0, "process.rlimits: duplicate type \"%s\"", r->type);
    }
  return 0;
}

static int
validate_scheduler (const oci_config_process_scheduler *sched, runo_error **err)
{
  int policy, flag;
  size_t i;

  if (lookup (sched_policy_names, sched->policy, &policy) < 0)
    return runo_error_make (err, 0,
                            "process.scheduler.policy: unknown policy \"%s\"",
                            sched->policy ? sched->policy : "");
  if (policy == POLICY_UNSUPPORTED)
    return runo_error_make (err, 0,
                            "process.scheduler.policy: %s is not supported "
                            "by Linux",
                            sched->policy);
  for (i = 0; i < sched->flags_len; i++)
    if (lookup (sched_flag_names, sched->flags[i], &flag) < 0)
      return runo_error_make (err, 0,
                              "process.scheduler.flags: unknown flag \"%s\"",
                              sched->flags[i] ? sched->flags[i] : "");
  if (sched->nice < -20 || sched->nice > 19)
    return runo_error_make (err, 0,
                            "process.scheduler.nice: %d is not in [-20, 19]",
                            (int)sched->nice);
  if (policy == SCHED_FIFO || policy == SCHED_RR)
    {
      if (sched->priority < 1 || sched->priority > 99)
        return runo_error_make (err, 0,
                                "process.scheduler.priority: %s needs a "
                                "priority in [1, 99], not %d",
                                sched->policy, (int)sched->priority);
    }
  else if (sched->priority != 0)
    return runo_error_make (
        err, 0, "process.scheduler.priority: must be 0 for %s", sched->policy);
  if (policy == 6
      && (sched->deadline == 0 || sched->runtime > sched->deadline
          || (sched->period != 0 && sched->deadline > sched->period)))
    return runo_error_make (err, 0,
                            "process.scheduler: SCHED_DEADLINE needs "
                            "runtime <= deadline <= period and a deadline");
  return 0;
}

int
runo_process_validate (const oci_config_process *process, runo_error **err)
{
  int class_;

  if (process == NULL)
    return runo_error_make (err, 0, "process: missing");
  if (process->args_len == 0 || process->args[0] == NULL
      || process->args[0][0] == '\0')
    return runo_error_make (err, 0, "process.args: must not be empty");
  if (process->cwd == NULL || process->cwd[0] != '/')
    return runo_error_make (err, 0,
                            "process.cwd: must be an absolute path, not "
                            "\"%s\"",
                            process->cwd ? process->cwd : "");
  if (process->user && process->user->username)
    return runo_error_make (err, 0,
                            "process.user.username: only supported on "
                            "Windows");
  /* execve takes any string, but an entry without a name is no variable
     and getenv() in the container would misread it.  The value is left
     out of the message: environments carry secrets.  */
  for (size_t i = 0; i < process->env_len; i++)
    {
      const char *eq = process->env[i] ? strchr (process->env[i], '=') : NULL;
      if (eq == NULL)
        return runo_error_make (err, 0,
                                "process.env[%zu]: missing '=' (must be "
                                "NAME=VALUE)",
                                i);
      if (eq == process->env[i])
        return runo_error_make (err, 0, "process.env[%zu]: empty name", i);
    }
  if (process->user && process->user->umask_present
      && process->user->umask > 0777)
    return runo_error_make (err, 0, "process.user.umask: %#o is not a umask",
                            (unsigned)process->user->umask);
  if (validate_rlimits (process, err) < 0)
    return -1;
  if (process->oom_score_adj_present
      && (process->oom_score_adj < -1000 || process->oom_score_adj > 1000))
    return runo_error_make (err, 0,
                            "process.oomScoreAdj: %lld is not in "
                            "[-1000, 1000]",
                            (long long)process->oom_score_adj);
  if (process->scheduler && validate_scheduler (process->scheduler, err) < 0)
    return -1;
  if (process->io_priority)
    {
      if (lookup (ioprio_class_names, process->io_priority->class_, &class_)
          < 0)
        return runo_error_make (
            err, 0,
            "process.ioPriority.class: unknown class "
            "\"%s\"",
            process->io_priority->class_ ? process->io_priority->class_ : "");
      if (process->io_priority->priority < 0
          || process->io_priority->priority > 7)
        return runo_error_make (err, 0,
                                "process.ioPriority.priority: %d is not in "
                                "[0, 7]",
                                (int)process->io_priority->priority);
    }
  if (process->exec_cpu_affinity
      && (validate_cpu_list ("initial", process->exec_cpu_affinity->initial,
                             err)
              < 0
          || validate_cpu_list ("final", process->exec_cpu_affinity->final, err)
                 < 0))
    return -1;
  if (process->apparmor_profile && process->apparmor_profile[0]
      && runo_apparmor_check_profile (process->apparmor_profile, err) < 0)
    return -1;
  if (process->selinux_label && process->selinux_label[0]
      && !runo_selinux_enabled ())
    return runo_error_make (err, 0,
                            "process.selinuxLabel: SELinux is not "
                            "enabled on this host");
  return 0;
}

static int
personality_domain (const oci_linux_personality *pers, unsigned long *domain,
                    runo_error **err)
{
  if (pers->flags_len > 0)
    return runo_error_make (err, 0,
                            "linux.personality.flags: \"%s\" is not "
                            "supported (no flags are)",
                            pers->flags[0] ? pers->flags[0] : "");
  if (pers->domain && strcmp (pers->domain, "LINUX") == 0)
    *domain = PER_LINUX;
  else if (pers->domain && strcmp (pers->domain, "LINUX32") == 0)
    *domain = PER_LINUX32;
  else
    return runo_error_make (err, 0,
                            "linux.personality.domain: unknown domain \"%s\"",
                            pers->domain ? pers->domain : "");
  return 0;
}

int
runo_process_validate_personality (const oci_linux_personality *pers,
                                   runo_error **err)
{
  unsigned long domain;

  if (pers == NULL)
    return 0;
  return personality_domain (pers, &domain, err);
}

static int
set_oom_score_adj (int64_t value, runo_error **err)
{
  char buf[32];
  int len = snprintf (buf, sizeof (buf), "%lld", (long long)value);
  cleanup_close int fd
      = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return runo_error_errno (err, "open `/proc/self/oom_score_adj`");
  if (runo_write_all (fd, buf, (size_t)len) < 0)
    return runo_error_errno (err, "write %s to `/proc/self/oom_score_adj`",
                             buf);
  return 0;
}

static int
set_rlimits (const oci_config_process *process, runo_error **err)
{
  size_t i;

  for (i = 0; i < process->rlimits_len; i++)
    {
      const oci_config_process_rlimits *r = process->rlimits[i];
      struct rlimit limit;
      int resource;

      if (r == NULL)
        continue;
      if (lookup (rlimit_names, r->type, &resource) < 0)
        return runo_error_make (err, 0,
                                "process.rlimits: unknown rlimit type \"%s\"",
                                r->type ? r->type : "");
      /* RLIM_INFINITY is ~0 on Linux, as in the spec's uint64. */
      limit.rlim_cur = (rlim_t)r->soft;
      limit.rlim_max = (rlim_t)r->hard;
      if (setrlimit ((__rlimit_resource_t)resource, &limit) < 0)
        return runo_error_errno (err, "setrlimit %s", r->type);
    }
  return 0;
}

static int
set_scheduler (const oci_config_process_scheduler *sched, runo_error **err)
{
  struct sched_attributes attr;
  int policy, flag;
  size_t i;

  if (lookup (sched_policy_names, sched->policy, &policy) < 0
      || policy == POLICY_UNSUPPORTED)
    return runo_error_make (err, 0,
                            "process.scheduler.policy: unsupported policy "
                            "\"%s\"",
                            sched->policy ? sched->policy : "");
  memset (&attr, 0, sizeof (attr));
  attr.size = sizeof (attr);
  attr.sched_policy = (uint32_t)policy;
  attr.sched_nice = sched->nice;
  attr.sched_priority = (uint32_t)sched->priority;
  attr.sched_runtime = sched->runtime;
  attr.sched_deadline = sched->deadline;
  attr.sched_period = sched->period;
  /* The spec has no clamp values: with the clamp flags the defaults
     (0 and 1024, the full range) are set explicitly. */
  attr.sched_util_max = 1024;
  for (i = 0; i < sched->flags_len; i++)
    {
      if (lookup (sched_flag_names, sched->flags[i], &flag) < 0)
        return runo_error_make (err, 0,
                                "process.scheduler.flags: unknown flag "
                                "\"%s\"",
                                sched->flags[i] ? sched->flags[i] : "");
      attr.sched_flags |= (uint64_t)flag;
    }
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return runo_error_errno (err, "sched_setattr %s", sched->policy);
  return 0;
}

static int
set_io_priority (const oci_config_process_io_priority *io, runo_error **err)
{
  int class_;

  if (lookup (ioprio_class_names, io->class_, &class_) < 0)
    return runo_error_make (err, 0,
                            "process.ioPriority.class: unknown class \"%s\"",
                            io->class_ ? io->class_ : "");
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
               (class_ << IOPRIO_CLASS_SHIFT) | io->priority)
      < 0)
    return runo_error_errno (err, "ioprio_set %s %d", io->class_,
                             (int)io->priority);
  return 0;
}

static int
set_cpu_affinity (const char *field, const char *list, pid_t pid,
                  runo_error **err)
{
  cpu_set_t *set;
  size_t size;
  int ret = 0;

  if (list == NULL)
    return 0;
  if (parse_cpu_list (list, &set, &size) < 0)
    return runo_error_make (err, 0,
                            "process.execCPUAffinity.%s: invalid "
                            "cpu list \"%s\"",
                            field, list);
  if (set == NULL)
    return 0;
  if (sched_setaffinity (pid, size, set) < 0)
    ret = runo_error_errno (err, "sched_setaffinity `%s`", list);
  CPU_FREE (set);
  return ret;
}

int
runo_process_set_initial_cpu_affinity (const oci_config_process *process,
                                       pid_t pid, runo_error **err)
{
  if (process == NULL || process->exec_cpu_affinity == NULL)
    return 0;
  return set_cpu_affinity ("initial", process->exec_cpu_affinity->initial, pid,
                           err);
}

int
runo_process_setup_privileged (const oci_config *config, runo_error **err)
{
  const oci_config_process *process = config->process;

  if (config->linux_ && config->linux_->personality)
    {
      unsigned long domain;

      if (personality_domain (config->linux_->personality, &domain, err) < 0)
        return -1;
      if (personality (domain) < 0)
        return runo_error_errno (err, "personality %s",
                                 config->linux_->personality->domain);
    }
  if (process == NULL)
    return 0;
  if (process->oom_score_adj_present
      && set_oom_score_adj (process->oom_score_adj, err) < 0)
    return -1;
  if (process->scheduler && set_scheduler (process->scheduler, err) < 0)
    return -1;
  if (process->io_priority && set_io_priority (process->io_priority, err) < 0)
    return -1;
  if (process->exec_cpu_affinity
      && set_cpu_affinity ("final", process->exec_cpu_affinity->final, 0, err)
             < 0)
    return -1;
  return set_rlimits (process, err);
}

/* 0 when PATH is an executable regular file for the caller, else the errno
   execve would most likely give. */
static int
executable_error (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return errno;
  if (S_ISDIR (st.st_mode))
    return EISDIR;
  if (!S_ISREG (st.st_mode))
    return EACCES;
  /* AT_EACCESS makes glibc use faccessat2, which older seccomp profiles
     (Docker's, runtime-tools') deny with EPERM: then fall back to the
     mode bits, as Go's exec.LookPath does, and let execve decide. */
  if (faccessat (AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
    {
      if (errno != EPERM && errno != ENOSYS)
        return errno;
      if (!(st.st_mode & 0111))
        return EACCES;
    }
  return 0;
}

static const char *
path_from_env (const oci_config_process *process)
{
  const char *path = NULL;
  size_t i;

  /* The last definition wins, as it would for a shell reading them in
     order. */
  for (i = 0; i < process->env_len; i++)
    if (process->env[i] && strncmp (process->env[i], "PATH=", 5) == 0)
      path = process->env[i] + 5;
  return path ? path : DEFAULT_PATH;
}

int
runo_process_find_executable (const oci_config_process *process, char **path,
                              runo_error **err)
{
  const char *name, *search, *dir;
  int denied = 0;

  *path = NULL;
  if (process == NULL || process->args_len == 0 || process->args[0] == NULL
      || process->args[0][0] == '\0')
    return runo_error_make (err, 0, "process.args: must not be empty");
  name = process->args[0];
  if (strchr (name, '/'))
    {
      int e = executable_error (name);

      if (e != 0)
        return runo_error_make (err, e, "exec: \"%s\"", name);
      *path = runo_xstrdup (name);
      return 0;
    }

  search = path_from_env (process);
  for (dir = search;; dir++)
    {
      const char *end = strchrnul (dir, ':');
      size_t dir_len = (size_t)(end - dir);
      cleanup_free char *candidate = NULL;
      int e;

      /* An empty entry is the current directory, as for execvp. */
      if (dir_len == 0)
        candidate = runo_xasprintf ("./%s", name);
      else
        candidate = runo_xasprintf ("%.*s/%s", (int)dir_len, dir, name);
      e = executable_error (candidate);
      if (e == 0)
        {
          *path = steal_pointer (&candidate);
          return 0;
        }
      if (e == EACCES && denied == 0)
        denied = e;
      dir = end;
      if (*dir == '\0')
        break;
    }
  if (denied)
    return runo_error_make (err, denied, "exec: \"%s\"", name);
  return runo_error_make (
      err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

static int
write_proc_attr (const char *path, const char *value, runo_error **err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return runo_error_errno (err, "open `%s`", path);
  if (runo_write_all (fd, value, strlen (value)) < 0)
    return runo_error_errno (err, "write \"%s\" to `%s`", value, path);
  return 0;
}

/* Both labels take effect at execve; written while still root because the
   files belong to the task's uid. */
static int
set_exec_labels (const oci_config_process *process, runo_error **err)
{
  if (process->apparmor_profile && process->apparmor_profile[0]
      && runo_apparmor_set_exec (process->apparmor_profile, err) < 0)
    return -1;
  if (process->selinux_label && process->selinux_label[0]
      && write_proc_attr ("/proc/thread-self/attr/exec", process->selinux_label,
                          err)
             < 0)
    return runo_error_wrap (err, "selinux label");
  return 0;
}

/* With an empty list, a user namespace whose setgroups is "deny" cannot
   clear the supplementary groups either: that is no error, there is
   nothing the process could be given. */
static bool
setgroups_denied (void)
{
  char buf[5] = "";
  cleanup_close int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

  return fd >= 0 && read (fd, buf, 4) == 4 && memcmp (buf, "deny", 4) == 0;
}

static int
set_groups (const oci_config_process_user *user, runo_error **err)
{
  size_t n = user ? user->additional_gids_len : 0;

  _Static_assert(sizeof (gid_t) == sizeof (uint32_t), "gid_t is 32 bits");
  if (setgroups (n, n ? (const gid_t *)user->additional_gids : NULL) == 0)
    return 0;
  if (errno == EPERM && setgroups_denied ())
    {
      if (n == 0)
        return 0;
      return runo_error_make (err, 0,
                              "process.user.additionalGids: setgroups is "
                              "denied in this user namespace");
    }
  return runo_error_errno (err, "setgroups");
}

/* runc's fixStdioPermissions gives any fd 0-2 but /dev/null to the user;
   here only what cannot belong to anyone else: a pipe or fifo (from an
   engine's monitor: conmon, a shim) and the container's own terminal.  A
   file or terminal of the host reached through the caller's stdio stays
   the host's. */
static int
give_stdio_to_user (const oci_config_process *process, uid_t uid,
                    runo_error **err)
{
  int fd;

  for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      struct stat st;

      if (fstat (fd, &st) < 0 || st.st_uid == uid)
        continue;
      if (!S_ISFIFO (st.st_mode)
          && !(process->terminal && S_ISCHR (st.st_mode)))
        continue;
      if (fchown (fd, uid, (gid_t)-1) == 0)
        continue;
      /* The owner or the uid not mapped in the user namespace (EPERM,
         EINVAL), a read-only /dev (EROFS): the process keeps what it can
         already do with the open fd. */
      if (errno != EPERM && errno != EINVAL && errno != EROFS)
        return runo_error_errno (err, "chown fd %d to uid %u", fd,
                                 (unsigned)uid);
    }
  return 0;
}

int
runo_process_finalize (const oci_config_process *process, char **warnings,
                       runo_error **err)
{
  const oci_config_process_user *user;
  uid_t uid;
  gid_t gid;
  runo_caps caps = { 0 };
  int last_cap = 0;
  bool cwd_pending;

  if (process == NULL)
    return runo_error_make (err, 0, "process: missing");
  user = process->user;
  uid = user ? user->uid : 0;
  gid = user ? user->gid : 0;

  /* As root first: a cwd the container user may not enter is still a
     valid starting point (runc does the same).  Refused as root (e.g. a
     root-squashed NFS volume owned by the user) is tried again later. */
  cwd_pending = false;
  if (process->cwd && runo_container_side_chdir (process->cwd, err) < 0)
    {
      if ((*err)->errnum != EACCES && (*err)->errnum != EPERM)
        return -1;
      runo_error_release (err);
      cwd_pending = true;
    }

  if (process->capabilities)
    {
      last_cap = runo_caps_last_cap ();
      if (runo_caps_resolve (process->capabilities, last_cap, &caps, warnings,
                             err)
          < 0)
        return -1;
    }
  if (set_exec_labels (process, err) < 0)
    return -1;

  if (process->capabilities)
    {
      if (runo_caps_drop_bounding (&caps, last_cap, err) < 0)
        return -1;
      /* Keep the permitted set across setresuid; execve resets the flag,
         so it needs no clearing. */
      if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return runo_error_errno (err, "prctl PR_SET_KEEPCAPS");
    }

  if (give_stdio_to_user (process, uid, err) < 0)
    return -1;
  if (set_groups (user, err) < 0)
    return -1;
  if (setresgid (gid, gid, gid) < 0)
    return runo_error_errno (err, "setresgid %u", (unsigned)gid);
  if (setresuid (uid, uid, uid) < 0)
    return runo_error_errno (err, "setresuid %u", (unsigned)uid);

  if (process->capabilities && runo_caps_apply (&caps, last_cap, err) < 0)
    return -1;

  if (user && user->umask_present)
    umask ((mode_t)(user->umask & 0777));

  if (cwd_pending && runo_container_side_chdir (process->cwd, err) < 0)
    return -1;

  if (process->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return runo_error_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

/* Install the filter and, when it has a listener, hand the fd to the
   runtime (which forwards it to the agent). */
static int
load_seccomp (const runo_seccomp *seccomp, int sync_fd, runo_error **err)
{
  int notify_fd = -1;
  int ret;

  if (runo_seccomp_load (seccomp, &notify_fd, err) < 0)
    return runo_error_wrap (err, "linux.seccomp");
  if (notify_fd < 0)
    return 0;
  ret = runo_sync_send (sync_fd, RUNO_SYNC_SECCOMP_FD, 0, NULL, 0, &notify_fd,
                        1, err);
  close (notify_fd);
  return ret;
}

int
runo_process_finalize_with_seccomp (oci_config_process *process,
                                    const runo_seccomp *seccomp, int sync_fd,
                                    char **warnings, runo_error **err)
{
  bool nnp = process->no_new_privileges_present && process->no_new_privileges;

  if (runo_container_side_new_session (err) < 0)
    return -1;
  runo_container_side_set_home (process);

  if (seccomp && !nnp && load_seccomp (seccomp, sync_fd, err) < 0)
    return -1;
  if (runo_process_finalize (process, warnings, err) < 0)
    return -1;
  if (seccomp && nnp && load_seccomp (seccomp, sync_fd, err) < 0)
    return -1;
  return 0;
}
