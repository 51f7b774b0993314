/* Unit tests for the container process attributes (src/libruno/process.c).
   Tests that change ids, capabilities, limits or the scheduler do it in
   the child Check runs each test in; they need root. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libruno/container_side.h"
#include "libruno/process.h"
#include "libruno/utils.h"

#define BIT(n) ((uint64_t)1 << (n))

static char dir_template[] = "/tmp/runo-test-process-XXXXXX";
static char *dir;

static void
write_file (const char *name, const char *data, mode_t mode)
{
  cleanup_free char *path = runo_xasprintf ("%s/%s", dir, name);
  cleanup_close int fd
      = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (runo_write_all (fd, data, strlen (data)), 0);
  /* Not subject to the test's umask. */
  ck_assert_int_eq (fchmod (fd, mode), 0);
}

/* Unchecked fixture: runs in the parent, so the directory outlives tests
   whose child switched to another user. */
static void
setup (void)
{
  cleanup_free char *sub = NULL;

  strcpy (dir_template, "/tmp/runo-test-process-XXXXXX");
  dir = mkdtemp (dir_template);
  ck_assert_ptr_nonnull (dir);
  ck_assert_int_eq (chmod (dir, 0755), 0);
  write_file ("tool", "#!/bin/sh\nexit 0\n", 0755);
  write_file ("noexec", "data\n", 0644);
  write_file ("rootonly", "#!/bin/sh\nexit 0\n", 0700);
  sub = runo_xasprintf ("%s/adir", dir);
  ck_assert_int_eq (mkdir (sub, 0755), 0);
}

static int
remove_entry (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove (path);
}

static void
teardown (void)
{
  ck_assert_int_eq (nftw (dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static oci_config *
parse_config (const char *process_json, const char *linux_json)
{
  cleanup_free char *json = NULL;
  cleanup_free char *parse_err = NULL;
  oci_config *config;

  json = runo_xasprintf ("{\"ociVersion\": \"1.3.0\", \"process\": %s%s%s}",
                         process_json, linux_json ? ", \"linux\": " : "",
                         linux_json ? linux_json : "");
  config
      = oci_config_parse_data (json, strlen (json), "config.json", &parse_err);
  ck_assert_msg (config != NULL, "parse %s: %s", json,
                 parse_err ? parse_err : "");
  return config;
}

static void
cleanup_config (oci_config **config)
{
  oci_config_free (*config);
}
#define cleanup_config __attribute__ ((cleanup (cleanup_config)))

/* The value of a /proc/self/status line, e.g. "1000\t1000\t1000\t1000" for
   "Uid:". */
static char *
status_field (const char *field)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *status = NULL;
  cleanup_free char *key = runo_xasprintf ("\n%s:\t", field);
  const char *line, *end;
  size_t len;

  ck_assert_int_eq (
      runo_read_file_at (AT_FDCWD, "/proc/self/status", 0, &status, &len, &err),
      0);
  line = strstr (status, key);
  ck_assert_msg (line != NULL, "no %s in /proc/self/status", field);
  line += strlen (key);
  end = strchrnul (line, '\n');
  /* "Groups:" has a trailing space after each group, or a lone one. */
  while (line < end && *line == ' ')
    line++;
  while (end > line && end[-1] == ' ')
    end--;
  return strndup (line, (size_t)(end - line));
}

static uint64_t
status_mask (const char *field)
{
  cleanup_free char *value = status_field (field);

  return strtoull (value, NULL, 16);
}

static void
assert_status (const char *field, const char *expected)
{
  cleanup_free char *value = status_field (field);

  ck_assert_str_eq (value, expected);
}

static void
assert_invalid (const char *process_json, const char *message)
{
  cleanup_config oci_config *config = parse_config (process_json, NULL);
  cleanup_error runo_error *err = NULL;

  ck_assert_msg (runo_process_validate (config->process, &err) < 0,
                 "accepted: %s", process_json);
  ck_assert_str_eq (err->msg, message);
}

START_TEST (validate_accepts_a_full_process)
{
  cleanup_config oci_config *config = parse_config (
      "{\"cwd\": \"/\", \"args\": [\"sh\"],"
      " \"user\": {\"uid\": 1, \"gid\": 1, \"umask\": 63,"
      "  \"additionalGids\": [5, 6]},"
      " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024,"
      "  \"hard\": 1024}, {\"type\": \"RLIMIT_CORE\", \"soft\": 0,"
      "  \"hard\": 18446744073709551615}],"
      " \"capabilities\": {\"bounding\": [\"CAP_KILL\"],"
      "  \"effective\": [\"CAP_KILL\"], \"ambient\": []},"
      " \"oomScoreAdj\": 100,"
      " \"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 10,"
      "  \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\"]},"
      " \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 4},"
      " \"execCPUAffinity\": {\"initial\": \"7\", \"final\": \"0-3, 7\"},"
      " \"noNewPrivileges\": true}",
      NULL);
  cleanup_error runo_error *err = NULL;

  ck_assert_msg (runo_process_validate (config->process, &err) == 0, "%s",
                 err ? err->msg : "");
}
END_TEST

START_TEST (validate_rejects)
{
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": "
                  "[{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]}",
                  "process.rlimits: unknown rlimit type \"RLIMIT_FOO\"");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": "
                  "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 1}]}",
                  "process.rlimits: RLIMIT_NOFILE: soft limit 2 is above "
                  "the hard limit 1");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": "
                  "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1},"
                  " {\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}]}",
                  "process.rlimits: duplicate type \"RLIMIT_NOFILE\"");
  assert_invalid ("{\"cwd\": \"tmp\", \"args\": [\"sh\"]}",
                  "process.cwd: must be an absolute path, not \"tmp\"");
  assert_invalid ("{\"cwd\": \"/\", \"args\": []}",
                  "process.args: must not be empty");
  assert_invalid ("{\"cwd\": \"/\"}", "process.args: must not be empty");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"user\": {\"uid\": 0, \"gid\": 0, \"username\": \"x\"}}",
                  "process.user.username: only supported on Windows");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"scheduler\": {\"policy\": \"SCHED_ISO\"}}",
                  "process.scheduler.policy: SCHED_ISO is not supported by "
                  "Linux");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"scheduler\": {\"policy\": \"SCHED_RR\"}}",
                  "process.scheduler.priority: SCHED_RR needs a priority in "
                  "[1, 99], not 0");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"scheduler\": {\"policy\": \"SCHED_OTHER\","
                  " \"nice\": 20}}",
                  "process.scheduler.nice: 20 is not in [-20, 19]");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\","
                  " \"priority\": 8}}",
                  "process.ioPriority.priority: 8 is not in [0, 7]");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"execCPUAffinity\": {\"final\": \"3-1\"}}",
                  "process.execCPUAffinity.final: invalid cpu list \"3-1\"");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"execCPUAffinity\": {\"initial\": \"0,,1\"}}",
                  "process.execCPUAffinity.initial: invalid cpu list "
                  "\"0,,1\"");
  assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                  " \"oomScoreAdj\": 1001}",
                  "process.oomScoreAdj: 1001 is not in [-1000, 1000]");
}
END_TEST

START_TEST (validate_rejects_lsm_the_host_lacks)
{
  char enabled = 'N';
  int fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY);

  if (fd >= 0)
    {
      ck_assert_int_eq (read (fd, &enabled, 1), 1);
      close (fd);
    }
  if (enabled != 'Y')
    assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                    " \"apparmorProfile\": \"acme_secure_profile\"}",
                    "process.apparmorProfile: AppArmor is not enabled on "
                    "this host");
  if (access ("/sys/fs/selinux/enforce", F_OK) < 0)
    assert_invalid ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                    " \"selinuxLabel\": \"system_u:system_r:svirt_lxc_net_t:"
                    "s0:c124,c675\"}",
                    "process.selinuxLabel: SELinux is not enabled on this "
                    "host");
}
END_TEST

START_TEST (personality_is_validated)
{
  cleanup_config oci_config *ok
      = parse_config ("{\"cwd\": \"/\", \"args\": [\"sh\"]}",
                      "{\"personality\": {\"domain\": \"LINUX32\"}}");
  cleanup_config oci_config *bad = parse_config (
      "{\"cwd\": \"/\", \"args\": [\"sh\"]}",
      "{\"personality\": {\"domain\": \"LINUX\", \"flags\": [\"X\"]}}");
  cleanup_error runo_error *err = NULL;

  ck_assert_int_eq (
      runo_process_validate_personality (ok->linux_->personality, &err), 0);
  ck_assert_int_eq (runo_process_validate_personality (NULL, &err), 0);
  ck_assert_int_lt (
      runo_process_validate_personality (bad->linux_->personality, &err), 0);
  ck_assert_str_eq (err->msg, "linux.personality.flags: \"X\" is not "
                              "supported (no flags are)");
}
END_TEST

/* Resolve ARG0 with ENV_JSON as process.env; returns the path or NULL with
 *ERR set. */
static char *
find (const char *arg0, const char *env_json, runo_error **err)
{
  cleanup_free char *json = runo_xasprintf (
      "{\"cwd\": \"/\", \"args\": [\"%s\"]%s%s}", arg0,
      env_json ? ", \"env\": " : "", env_json ? env_json : "");
  cleanup_config oci_config *config = parse_config (json, NULL);
  char *path = NULL;

  if (runo_process_find_executable (config->process, &path, err) < 0)
    {
      ck_assert_ptr_null (path);
      return NULL;
    }
  return path;
}

START_TEST (find_executable_in_path)
{
  cleanup_free char *env
      = runo_xasprintf ("[\"A=1\", \"PATH=/nonexistent:%s\"]", dir);
  cleanup_free char *later = runo_xasprintf (
      "[\"PATH=/nonexistent\", \"PATH=/nonexistent:%s\"]", dir);
  cleanup_free char *expected = runo_xasprintf ("%s/tool", dir);
  cleanup_free char *found = NULL, *found_later = NULL, *found_default = NULL;
  cleanup_error runo_error *err = NULL;

  found = find ("tool", env, &err);
  ck_assert_ptr_nonnull (found);
  ck_assert_str_eq (found, expected);
  found_later = find ("tool", later, &err);
  ck_assert_ptr_nonnull (found_later);
  ck_assert_str_eq (found_later, expected);

  ck_assert_ptr_null (find ("noexec", env, &err));
  ck_assert_int_eq (err->errnum, EACCES);
  ck_assert_str_eq (err->msg, "exec: \"noexec\"");
  runo_error_release (&err);

  ck_assert_ptr_null (find ("missing", env, &err));
  ck_assert_int_eq (err->errnum, 0);
  ck_assert_str_eq (err->msg,
                    "exec: \"missing\": executable file not found in $PATH");
  runo_error_release (&err);

  /* No PATH in env: runc's default, which has /usr/bin (or /bin). */
  found_default = find ("sh", "[\"A=1\"]", &err);
  ck_assert_ptr_nonnull (found_default);
  ck_assert_msg (strcmp (found_default, "/usr/bin/sh") == 0
                     || strcmp (found_default, "/bin/sh") == 0,
                 "sh found at %s", found_default);
}
END_TEST

START_TEST (find_executable_with_slash)
{
  cleanup_free char *tool = runo_xasprintf ("%s/tool", dir);
  cleanup_free char *noexec = runo_xasprintf ("%s/noexec", dir);
  cleanup_free char *adir = runo_xasprintf ("%s/adir", dir);
  cleanup_free char *found = NULL, *relative = NULL;
  cleanup_error runo_error *err = NULL;
  cleanup_free char *msg = NULL;

  found = find (tool, NULL, &err);
  ck_assert_ptr_nonnull (found);
  ck_assert_str_eq (found, tool);

  ck_assert_ptr_null (find (noexec, NULL, &err));
  ck_assert_int_eq (err->errnum, EACCES);
  msg = runo_xasprintf ("exec: \"%s\"", noexec);
  ck_assert_str_eq (err->msg, msg);
  runo_error_release (&err);

  ck_assert_ptr_null (find (adir, NULL, &err));
  ck_assert_int_eq (err->errnum, EISDIR);
  runo_error_release (&err);

  ck_assert_ptr_null (find ("/nonexistent/x", NULL, &err));
  ck_assert_int_eq (err->errnum, ENOENT);
  ck_assert_str_eq (err->msg, "exec: \"/nonexistent/x\"");
  runo_error_release (&err);

  ck_assert_int_eq (chdir (dir), 0);
  relative = find ("./tool", NULL, &err);
  ck_assert_ptr_nonnull (relative);
  ck_assert_str_eq (relative, "./tool");
}
END_TEST

START_TEST (find_executable_needs_args)
{
  oci_config_process process = { .cwd = (char *)"/" };
  cleanup_error runo_error *err = NULL;
  char *path = (char *)"untouched";

  ck_assert_int_lt (runo_process_find_executable (&process, &path, &err), 0);
  ck_assert_ptr_null (path);
  ck_assert_str_eq (err->msg, "process.args: must not be empty");
}
END_TEST

START_TEST (setup_privileged_applies_everything)
{
  cleanup_config oci_config *config = parse_config (
      "{\"cwd\": \"/\", \"args\": [\"sh\"],"
      " \"rlimits\": [{\"type\": \"RLIMIT_MSGQUEUE\", \"soft\": 4096,"
      "  \"hard\": 8192}, {\"type\": \"RLIMIT_CORE\", \"soft\": 0,"
      "  \"hard\": 18446744073709551615}],"
      " \"oomScoreAdj\": 500,"
      " \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5},"
      " \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 6},"
      " \"execCPUAffinity\": {\"initial\": \"0-1\", \"final\": \"0\"}}",
      "{\"personality\": {\"domain\": \"LINUX32\"}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *oom = NULL;
  struct rlimit limit;
  struct utsname uts;
  cpu_set_t cpus;
  size_t len;

  ck_assert_msg (runo_process_setup_privileged (config, &err) == 0, "%s",
                 err ? err->msg : "");

  ck_assert_int_eq (getrlimit (RLIMIT_MSGQUEUE, &limit), 0);
  ck_assert_uint_eq (limit.rlim_cur, 4096);
  ck_assert_uint_eq (limit.rlim_max, 8192);
  ck_assert_int_eq (getrlimit (RLIMIT_CORE, &limit), 0);
  ck_assert_uint_eq (limit.rlim_cur, 0);
  ck_assert (limit.rlim_max == RLIM_INFINITY);

  ck_assert_int_eq (runo_read_file_at (AT_FDCWD, "/proc/self/oom_score_adj", 0,
                                       &oom, &len, &err),
                    0);
  ck_assert_int_eq (atoi (oom), 500);

  ck_assert_int_eq (sched_getscheduler (0), SCHED_BATCH);
  errno = 0;
  ck_assert_int_eq (getpriority (PRIO_PROCESS, 0), 5);
  ck_assert_int_eq (syscall (SYS_ioprio_get, 1, 0), (2 << 13) | 6);

  ck_assert_int_eq (personality (0xffffffff), PER_LINUX32);
  ck_assert_int_eq (uname (&uts), 0);
  ck_assert_str_eq (uts.machine, "i686");

  /* final, not initial: this runs after the cgroup transition. */
  ck_assert_int_eq (sched_getaffinity (0, sizeof (cpus), &cpus), 0);
  ck_assert_int_eq (CPU_COUNT (&cpus), 1);
  ck_assert (CPU_ISSET (0, &cpus));
}
END_TEST

/* Valgrind keeps RLIMIT_NOFILE for itself: tagged "nofile" so a valgrind
   run can leave it out (CK_EXCLUDE_TAGS=nofile). */
START_TEST (setup_privileged_sets_nofile)
{
  cleanup_config oci_config *config = parse_config (
      "{\"cwd\": \"/\", \"args\": [\"sh\"],"
      " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1000,"
      "  \"hard\": 1000}]}",
      NULL);
  cleanup_error runo_error *err = NULL;
  struct rlimit limit;

  ck_assert_msg (runo_process_setup_privileged (config, &err) == 0, "%s",
                 err ? err->msg : "");
  ck_assert_int_eq (getrlimit (RLIMIT_NOFILE, &limit), 0);
  ck_assert_uint_eq (limit.rlim_cur, 1000);
  ck_assert_uint_eq (limit.rlim_max, 1000);
}
END_TEST

START_TEST (initial_cpu_affinity_targets_a_pid)
{
  cleanup_config oci_config *config
      = parse_config ("{\"cwd\": \"/\", \"args\": [\"sh\"],"
                      " \"execCPUAffinity\": {\"initial\": \"0\"}}",
                      NULL);
  cleanup_config oci_config *none
      = parse_config ("{\"cwd\": \"/\", \"args\": [\"sh\"]}", NULL);
  cleanup_error runo_error *err = NULL;
  cpu_set_t cpus;

  ck_assert_int_eq (
      runo_process_set_initial_cpu_affinity (none->process, getpid (), &err),
      0);
  ck_assert_int_eq (
      runo_process_set_initial_cpu_affinity (config->process, getpid (), &err),
      0);
  ck_assert_int_eq (sched_getaffinity (0, sizeof (cpus), &cpus), 0);
  ck_assert_int_eq (CPU_COUNT (&cpus), 1);
  ck_assert (CPU_ISSET (0, &cpus));
}
END_TEST

START_TEST (setrlimit_failure_is_reported)
{
  cleanup_config oci_config *config = NULL;
  cleanup_error runo_error *err = NULL;
  cleanup_free char *json = NULL, *text = NULL;
  cap_value_t sys_resource = CAP_SYS_RESOURCE;
  cap_t current = cap_get_proc ();
  struct rlimit limit;

  ck_assert_int_eq (getrlimit (RLIMIT_NOFILE, &limit), 0);
  json = runo_xasprintf ("{\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\":"
                         " [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10,"
                         " \"hard\": %llu}]}",
                         (unsigned long long)limit.rlim_max + 1);
  config = parse_config (json, NULL);
  /* Raising a hard limit needs CAP_SYS_RESOURCE. */
  ck_assert_int_eq (
      cap_set_flag (current, CAP_EFFECTIVE, 1, &sys_resource, CAP_CLEAR), 0);
  ck_assert_int_eq (cap_set_proc (current), 0);
  cap_free (current);

  ck_assert_int_lt (runo_process_setup_privileged (config, &err), 0);
  text = runo_error_text (err);
  ck_assert_str_eq (text, "setrlimit RLIMIT_NOFILE: Operation not permitted");
}
END_TEST

static oci_config *
finalize_config (const char *user_json, const char *caps_json, bool nnp)
{
  cleanup_free char *json = runo_xasprintf (
      "{\"cwd\": \"%s\", \"args\": [\"sh\"], \"user\": %s%s%s%s}", dir,
      user_json, caps_json ? ", \"capabilities\": " : "",
      caps_json ? caps_json : "", nnp ? ", \"noNewPrivileges\": true" : "");

  return parse_config (json, NULL);
}

START_TEST (finalize_switches_user_and_capabilities)
{
  cleanup_config oci_config *config = finalize_config (
      "{\"uid\": 1000, \"gid\": 1000, \"umask\": 23,"
      " \"additionalGids\": [10, 20]}",
      "{\"bounding\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
      " \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"],"
      " \"inheritable\": [], \"ambient\": []}",
      true);
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL, *cwd = NULL;
  cleanup_free char *rootonly = NULL, *found = NULL;
  char *saved_arg0;

  ck_assert_msg (runo_process_finalize (config->process, &warnings, &err) == 0,
                 "%s", err ? err->msg : "");
  ck_assert_ptr_null (warnings);

  assert_status ("Uid", "1000\t1000\t1000\t1000");
  assert_status ("Gid", "1000\t1000\t1000\t1000");
  assert_status ("Groups", "10 20");
  ck_assert_uint_eq (status_mask ("CapBnd"),
                     BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE));
  ck_assert_uint_eq (status_mask ("CapEff"), BIT (CAP_KILL));
  ck_assert_uint_eq (status_mask ("CapPrm"), BIT (CAP_KILL));
  ck_assert_uint_eq (status_mask ("CapInh"), 0);
  ck_assert_uint_eq (status_mask ("CapAmb"), 0);
  assert_status ("NoNewPrivs", "1");
  assert_status ("Umask", "0027");
  cwd = getcwd (NULL, 0);
  ck_assert_str_eq (cwd, dir);

  /* The executable is now looked up as the container user. */
  saved_arg0 = config->process->args[0];
  config->process->args[0] = (char *)"./tool";
  ck_assert_int_eq (
      runo_process_find_executable (config->process, &found, &err), 0);
  ck_assert_str_eq (found, "./tool");
  config->process->args[0] = (char *)"./rootonly";
  ck_assert_int_lt (
      runo_process_find_executable (config->process, &rootonly, &err), 0);
  ck_assert_int_eq (err->errnum, EACCES);
  /* Put back what parse allocated so the config frees cleanly. */
  config->process->args[0] = saved_arg0;
}
END_TEST

/* Run PROGRAM with ARG in a child and return its first output line. */
static char *
run_and_read (const char *program, const char *arg1, const char *arg2)
{
  char buf[256] = "";
  int fds[2];
  pid_t pid;
  ssize_t n;
  size_t got = 0;
  int status;

  ck_assert_int_eq (pipe2 (fds, O_CLOEXEC), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      dup2 (fds[1], STDOUT_FILENO);
      execl (program, program, arg1, arg2, (char *)NULL);
      _exit (127);
    }
  close (fds[1]);
  while ((n = read (fds[0], buf + got, sizeof (buf) - 1 - got)) > 0)
    got += (size_t)n;
  close (fds[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "%s exited with %d", program, status);
  buf[strcspn (buf, "\n")] = '\0';
  return strdup (buf);
}

START_TEST (finalize_raises_ambient_capabilities)
{
  cleanup_config oci_config *config
      = finalize_config ("{\"uid\": 1000, \"gid\": 1000}",
                         "{\"bounding\": [\"CAP_NET_BIND_SERVICE\"],"
                         " \"effective\": [\"CAP_NET_BIND_SERVICE\"],"
                         " \"permitted\": [\"CAP_NET_BIND_SERVICE\"],"
                         " \"inheritable\": [\"CAP_NET_BIND_SERVICE\"],"
                         " \"ambient\": [\"CAP_NET_BIND_SERVICE\"]}",
                         false);
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL, *after_exec = NULL;

  ck_assert_msg (runo_process_finalize (config->process, &warnings, &err) == 0,
                 "%s", err ? err->msg : "");
  ck_assert_ptr_null (warnings);
  ck_assert_uint_eq (status_mask ("CapAmb"), BIT (CAP_NET_BIND_SERVICE));
  ck_assert_uint_eq (status_mask ("CapInh"), BIT (CAP_NET_BIND_SERVICE));
  assert_status ("NoNewPrivs", "0");
  assert_status ("Groups", "");

  /* What ambient is for: a non-root user keeps it across execve. */
  after_exec = run_and_read ("/bin/grep", "^CapEff", "/proc/self/status");
  ck_assert_str_eq (after_exec, "CapEff:\t0000000000000400");
}
END_TEST

START_TEST (finalize_without_capabilities_follows_the_kernel)
{
  cleanup_config oci_config *config
      = finalize_config ("{\"uid\": 1000, \"gid\": 1000}", NULL, false);
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;

  /* Without process.user.umask the umask is left alone. */
  umask (0077);
  ck_assert_int_eq (runo_process_finalize (config->process, &warnings, &err),
                    0);
  assert_status ("Umask", "0077");
  assert_status ("Uid", "1000\t1000\t1000\t1000");
  ck_assert_uint_eq (status_mask ("CapPrm"), 0);
  ck_assert_uint_eq (status_mask ("CapEff"), 0);
  ck_assert_uint_ne (status_mask ("CapBnd"), 0);
}
END_TEST

START_TEST (finalize_cwd_errors)
{
  cleanup_config oci_config *config
      = finalize_config ("{\"uid\": 0, \"gid\": 0}", NULL, false);
  cleanup_error runo_error *err = NULL;

  free (config->process->cwd);
  config->process->cwd = strdup ("/nonexistent/dir");
  ck_assert_int_lt (runo_process_finalize (config->process, NULL, &err), 0);
  ck_assert_int_eq (err->errnum, ENOENT);
  ck_assert_str_eq (err->msg, "chdir to cwd `/nonexistent/dir`");
}
END_TEST

static void
write_proc (const char *path, const char *data)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (runo_write_all (fd, data, strlen (data)), 0);
}

START_TEST (finalize_in_a_userns_with_setgroups_denied)
{
  cleanup_config oci_config *with_groups = finalize_config (
      "{\"uid\": 0, \"gid\": 0, \"additionalGids\": [10]}", NULL, false);
  cleanup_config oci_config *without
      = finalize_config ("{\"uid\": 0, \"gid\": 0}", NULL, false);
  cleanup_error runo_error *err = NULL;

  ck_assert_int_eq (unshare (CLONE_NEWUSER), 0);
  write_proc ("/proc/self/setgroups", "deny");
  write_proc ("/proc/self/uid_map", "0 0 1");
  write_proc ("/proc/self/gid_map", "0 0 1");

  ck_assert_int_lt (runo_process_finalize (with_groups->process, NULL, &err),
                    0);
  ck_assert_str_eq (err->msg, "process.user.additionalGids: setgroups is "
                              "denied in this user namespace");
  runo_error_release (&err);
  ck_assert_msg (runo_process_finalize (without->process, NULL, &err) == 0,
                 "%s", err ? err->msg : "");
}
END_TEST

static void
check_home (const char *passwd, uid_t uid, const char *want)
{
  cleanup_free char *home = runo_passwd_home (passwd, uid);

  if (want == NULL)
    ck_assert_msg (home == NULL, "uid %u: got [%s]", (unsigned)uid, home);
  else
    ck_assert_msg (home && strcmp (home, want) == 0, "uid %u: [%s], want [%s]",
                   (unsigned)uid, home ? home : "(null)", want);
}

START_TEST (passwd_home_lookup)
{
  const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
                       "short:x:7\n"
                       "::\n"
                       "neg:x:-5:0::/neg:/bin/sh\n"
                       "junk:x:12a:0::/junk:/bin/sh\n"
                       "noshell:x:1001:1001::/home/noshell\n"
                       "u:x:1000:1000:Some One,,,:/home/u:/bin/sh\n"
                       "u2:x:1000:1000::/second:/bin/sh\n"
                       "empty:x:1002:1002:::/bin/sh\n"
                       "big:x:4294967295:0::/big:/bin/sh\n"
                       "last:x:3:3::/no/newline:/bin/sh";

  check_home (passwd, 0, "/root");
  /* The first entry for a uid is the one, as for getpwuid. */
  check_home (passwd, 1000, "/home/u");
  check_home (passwd, 1001, "/home/noshell");
  check_home (passwd, 1002, NULL);
  check_home (passwd, 3, "/no/newline");
  check_home (passwd, 7, NULL);
  check_home (passwd, 12, NULL);
  check_home (passwd, (uid_t)-5, NULL);
  check_home (passwd, 4294967295U, "/big");
  check_home (passwd, 4242, NULL);
  check_home ("", 0, NULL);
}
END_TEST

static Suite *
process_suite (void)
{
  Suite *s = suite_create ("process");
  TCase *tc = tcase_create ("core");
  TCase *nofile;

  tcase_add_unchecked_fixture (tc, setup, teardown);
  tcase_add_test (tc, validate_accepts_a_full_process);
  tcase_add_test (tc, validate_rejects);
  tcase_add_test (tc, validate_rejects_lsm_the_host_lacks);
  tcase_add_test (tc, personality_is_validated);
  tcase_add_test (tc, find_executable_in_path);
  tcase_add_test (tc, find_executable_with_slash);
  tcase_add_test (tc, find_executable_needs_args);
  tcase_add_test (tc, setup_privileged_applies_everything);
  tcase_add_test (tc, initial_cpu_affinity_targets_a_pid);
  tcase_add_test (tc, setrlimit_failure_is_reported);
  tcase_add_test (tc, finalize_switches_user_and_capabilities);
  tcase_add_test (tc, finalize_raises_ambient_capabilities);
  tcase_add_test (tc, finalize_without_capabilities_follows_the_kernel);
  tcase_add_test (tc, finalize_cwd_errors);
  tcase_add_test (tc, finalize_in_a_userns_with_setgroups_denied);
  tcase_add_test (tc, passwd_home_lookup);
  suite_add_tcase (s, tc);

  nofile = tcase_create ("nofile");
  tcase_set_tags (nofile, "nofile");
  tcase_add_test (nofile, setup_privileged_sets_nofile);
  suite_add_tcase (s, nofile);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (process_suite ());
  int failed;

  if (geteuid () != 0)
    {
      fprintf (stderr, "test_process: needs root, skipped\n");
      return 77;
    }
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
