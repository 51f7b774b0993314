/* Unit tests for seccomp (src/libruno/seccomp.c): validation, compilation,
   and the filters' effect on the real kernel.  Filters are loaded in a
   grandchild (after no_new_privs) so that the test process itself keeps
   every syscall it needs to report. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libruno/seccomp.h"
#include "libruno/utils.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

static void
release_config (oci_config **c)
{
  oci_config_free (*c);
}
#define cleanup_config __attribute__ ((cleanup (release_config)))

/* Parse SECCOMP_JSON as linux.seccomp of a minimal config (so the schema
   checks apply, as they do for a bundle). */
static oci_config *
parse_profile (const char *seccomp_json, char **parse_err)
{
  cleanup_free char *doc = runo_xasprintf (
      "{\"ociVersion\":\"1.3.0\",\"linux\":{\"seccomp\":%s}}", seccomp_json);

  return oci_config_parse_data (doc, strlen (doc), "config.json", parse_err);
}

/* Compile SECCOMP_JSON; returns the filter or NULL with *err set. */
static runo_seccomp *
compile_json (const char *seccomp_json, runo_error **err)
{
  cleanup_config oci_config *c = NULL;
  char *perr = NULL;
  runo_seccomp *s = NULL;

  c = parse_profile (seccomp_json, &perr);
  ck_assert_msg (c != NULL, "parse: %s", perr ? perr : "?");
  ck_assert_ptr_nonnull (c->linux_);
  ck_assert_ptr_nonnull (c->linux_->seccomp);
  if (runo_seccomp_compile (c->linux_->seccomp, &s, err) < 0)
    {
      ck_assert_ptr_null (s);
      ck_assert_ptr_nonnull (*err);
      return NULL;
    }
  return s;
}

static runo_seccomp *
must_compile (const char *seccomp_json)
{
  cleanup_error runo_error *err = NULL;
  runo_seccomp *s = compile_json (seccomp_json, &err);

  ck_assert_msg (s != NULL, "compile: %s", err ? err->msg : "?");
  return s;
}

static void
assert_compile_error (const char *seccomp_json, const char *expected)
{
  cleanup_error runo_error *err = NULL;
  runo_seccomp *s = compile_json (seccomp_json, &err);

  ck_assert_msg (s == NULL, "accepted: %s", seccomp_json);
  ck_assert_msg (strstr (err->msg, expected) != NULL, "error [%s] lacks [%s]",
                 err->msg, expected);
  ck_assert_msg (strncmp (err->msg, "linux.seccomp: ", 15) == 0,
                 "error [%s] lacks context", err->msg);
}

typedef int (*child_fn) (void *data);

/* Fork a grandchild that sets no_new_privs, loads S and returns FN's value
   as its exit status (100 if loading failed).  Returns the wait status. */
static int
run_filtered (const runo_seccomp *s, child_fn fn, void *data)
{
  int status;
  pid_t pid = fork ();

  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      runo_error *err = NULL;
      int nfd;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit (101);
      if (runo_seccomp_load (s, &nfd, &err) < 0)
        {
          fprintf (stderr, "load: %s: %s\n", err->msg, strerror (err->errnum));
          _exit (100);
        }
      _exit (fn (data));
    }
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  return status;
}

static void
assert_exit_zero (int status)
{
  ck_assert_msg (WIFEXITED (status), "child killed by signal %d",
                 WIFSIGNALED (status) ? WTERMSIG (status) : -1);
  ck_assert_msg (WEXITSTATUS (status) == 0, "child check %d failed",
                 WEXITSTATUS (status));
}

static void
assert_killed_by_sigsys (int status)
{
  ck_assert_msg (WIFSIGNALED (status), "child not killed (exit %d)",
                 WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  ck_assert_int_eq (WTERMSIG (status), SIGSYS);
}

/* A failing check in a grandchild: its line number as exit status. */
#define CHECK(cond)                                                            \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          fprintf (stderr, "grandchild check failed line %d: %s\n", __LINE__,  \
                   #cond);                                                     \
          return __LINE__ % 250 + 1;                                           \
        }                                                                      \
    }                                                                          \
  while (0)

START_TEST (bad_profiles_are_refused)
{
  cleanup_config oci_config *c = NULL;
  char *perr = NULL;

  /* The schema refuses unknown actions, operators and flags. */
  c = parse_profile ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", &perr);
  ck_assert_ptr_null (c);
  free (perr);
  perr = NULL;
  c = parse_profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                     "\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
                     &perr);
  ck_assert_ptr_null (c);
  free (perr);

  assert_compile_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\","
      "\"defaultErrnoRet\":1}",
      "defaultAction: action `SCMP_ACT_ALLOW` takes no errno");
  assert_compile_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"getcwd\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]}",
      "syscalls[0]: action `SCMP_ACT_KILL` takes no errno return code");
  assert_compile_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":70000}]}",
      "errno return code 70000 out of range");
  /* In the schema, but not in libseccomp 2.5. */
  assert_compile_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                        "\"architectures\":[\"SCMP_ARCH_SH\"]}",
                        "architecture `SCMP_ARCH_SH` is not supported");
  assert_compile_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,"
      "\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
      "syscall `read`: argument index 6 out of range");
  assert_compile_error ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
                        "SCMP_ACT_NOTIFY cannot be the default action");
  assert_compile_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"recvmsg\",\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
      "syscalls[0]: SCMP_ACT_NOTIFY cannot be used for `sendmsg`");
}
END_TEST

START_TEST (every_operator_and_arch_compiles)
{
  runo_seccomp *s;

  s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
      "\"SCMP_ARCH_X32\"],"
      "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_"
      "ALLOW\"],"
      "\"syscalls\":["
      "{\"names\":[\"read\",\"write\",\"no_such_syscall_at_all\"],"
      "\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"socketcall\",\"chown32\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
      "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_NE\"},"
      "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_LT\"},"
      "{\"index\":2,\"value\":3,\"op\":\"SCMP_CMP_LE\"},"
      "{\"index\":3,\"value\":4,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":4,\"value\":5,\"op\":\"SCMP_CMP_GE\"},"
      "{\"index\":5,\"value\":6,\"op\":\"SCMP_CMP_GT\"}]},"
      "{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
      "{\"index\":2,\"value\":3,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"},"
      "{\"index\":2,\"value\":64,\"valueTwo\":64,\"op\":\"SCMP_CMP_MASKED_EQ\"}"
      "]},"
      /* Same action as the default: skipped, not an error. */
      "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
      "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_TRACE\"},"
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"},"
      "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_TRAP\"},"
      "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
      "{\"names\":[\"tkill\"],\"action\":\"SCMP_ACT_KILL_THREAD\"},"
      "{\"names\":[\"tgkill\"],\"action\":\"SCMP_ACT_KILL\"},"
      "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
  ck_assert (runo_seccomp_needs_notify (s));
  ck_assert_uint_gt (runo_seccomp_program_length (s), 20);
  runo_seccomp_free (s);

  /* Only unknown names: no rule, no listener. */
  s = must_compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                    "{\"names\":[\"no_such_call\"],\"action\":"
                    "\"SCMP_ACT_NOTIFY\"}]}");
  ck_assert (!runo_seccomp_needs_notify (s));
  runo_seccomp_free (s);
}
END_TEST

static int
child_errno (void *data)
{
  char buf[256];
  (void)data;

  errno = 0;
  CHECK (syscall (SYS_getcwd, buf, sizeof (buf)) == -1 && errno == 42);
  /* EPERM when errnoRet is absent. */
  CHECK (syscall (SYS_getppid) == -1 && errno == EPERM);
  /* Everything else allowed. */
  CHECK (syscall (SYS_getpid) == getpid ());
  return 0;
}

START_TEST (errno_action_returns_errno)
{
  runo_seccomp *s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42},"
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");

  ck_assert (!runo_seccomp_needs_notify (s));
  assert_exit_zero (run_filtered (s, child_errno, NULL));
  runo_seccomp_free (s);
}
END_TEST

static int
child_default_errno (void *data)
{
  (void)data;
  CHECK (syscall (SYS_getppid) == -1 && errno == 38);
  CHECK (syscall (SYS_getpid) == getpid ());
  return 0;
}

START_TEST (default_errno_applies_to_unlisted_syscalls)
{
  /* Allow-list the calls the child needs until it returns (and those
     AddressSanitizer's runtime makes in an ASan build). */
  runo_seccomp *s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
      "\"syscalls\":[{\"names\":[\"getpid\",\"exit_group\",\"exit\","
      "\"write\",\"rt_sigreturn\",\"sigaltstack\",\"mmap\",\"munmap\","
      "\"madvise\",\"rt_sigaction\",\"rt_sigprocmask\",\"gettid\","
      "\"prctl\",\"getrlimit\",\"prlimit64\",\"sched_yield\"],"
      "\"action\":\"SCMP_ACT_ALLOW\"}]}");

  assert_exit_zero (run_filtered (s, child_default_errno, NULL));
  runo_seccomp_free (s);
}
END_TEST

static int
child_getppid (void *data)
{
  (void)data;
  syscall (SYS_getppid);
  return 0;
}

START_TEST (kill_actions_kill)
{
  const char *const actions[]
      = { "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL" };
  size_t i;

  for (i = 0; i < 3; i++)
    {
      cleanup_free char *json = runo_xasprintf (
          "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
          "{\"names\":[\"getppid\"],\"action\":\"%s\"}]}",
          actions[i]);
      runo_seccomp *s = must_compile (json);

      assert_killed_by_sigsys (run_filtered (s, child_getppid, NULL));
      runo_seccomp_free (s);
    }
}
END_TEST

static int
child_log (void *data)
{
  (void)data;
  CHECK (syscall (SYS_getppid) == getppid ());
  return 0;
}

static void
on_sigsys (int sig, siginfo_t *info, void *uc)
{
  (void)uc;
  if (sig == SIGSYS && info->si_code == 1 /* SYS_SECCOMP */
      && info->si_syscall == SYS_getppid)
    _exit (77);
  _exit (78);
}

static int
child_trap (void *data)
{
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
  (void)data;

  CHECK (sigaction (SIGSYS, &sa, NULL) == 0);
  syscall (SYS_getppid);
  return 1;
}

START_TEST (log_allows_and_trap_signals)
{
  runo_seccomp *s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"}]}");
  int status;

  assert_exit_zero (run_filtered (s, child_log, NULL));
  runo_seccomp_free (s);

  s = must_compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRAP\"}]}");
  status = run_filtered (s, child_trap, NULL);
  ck_assert (WIFEXITED (status));
  ck_assert_int_eq (WEXITSTATUS (status), 77);
  runo_seccomp_free (s);

  /* TRACE without a tracer: the kernel fails the syscall with ENOSYS. */
  s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRACE\"}]}");
  status = run_filtered (s, child_default_errno, NULL);
  /* child_default_errno expects 38 == ENOSYS. */
  assert_exit_zero (status);
  runo_seccomp_free (s);
}
END_TEST

static int
child_args (void *data)
{
  const char *dir = data;
  cleanup_free char *path = runo_xasprintf ("%s/created", dir);
  int fd;

  /* EQ on arg0 only. */
  CHECK (syscall (SYS_personality, 0xffffffffUL) == -1 && errno == 42);
  CHECK (syscall (SYS_personality, 0xffffffffUL - 1) != -1 || errno != 42);
  /* MASKED_EQ: only opens with O_CREAT are refused. */
  fd = open ("/dev/null", O_RDONLY);
  CHECK (fd >= 0);
  close (fd);
  CHECK (open (path, O_WRONLY | O_CREAT, 0600) == -1 && errno == EROFS);
  CHECK (access (path, F_OK) == -1 && errno == ENOENT);
  /* The same argument twice: either condition matches. */
  CHECK (syscall (SYS_getpgid, 11111) == -1 && errno == 43);
  CHECK (syscall (SYS_getpgid, 22222) == -1 && errno == 43);
  CHECK (syscall (SYS_getpgid, 0) == getpgid (0));
  /* Two arguments: both must match. */
  CHECK (syscall (SYS_getpriority, PRIO_PROCESS, 54321) == -1 && errno == 44);
  CHECK (syscall (SYS_getpriority, PRIO_PROCESS, 0) != -1);
  CHECK (syscall (SYS_getpriority, PRIO_PGRP, 54321) == -1 && errno == ESRCH);
  /* Ordering operators on 64-bit values. */
  CHECK (syscall (SYS_getsid, 0x40000000) == -1 && errno == 45);
  CHECK (syscall (SYS_getsid, 0) == getsid (0));
  CHECK (syscall (SYS_getsid, 0x3fffffff) == -1 && errno == ESRCH);
  return 0;
}

START_TEST (argument_conditions)
{
  char tmpl[] = "/tmp/runo-test-seccomp-XXXXXX";
  char *dir = mkdtemp (tmpl);
  cleanup_free char *json = runo_xasprintf (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"errnoRet\":42,\"args\":[{\"index\":0,\"value\":4294967295,"
      "\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"open\",\"openat\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"errnoRet\":%d,\"args\":[{\"index\":2,\"value\":%d,\"valueTwo\":%d,"
      "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
      "{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":43,"
      "\"args\":[{\"index\":0,\"value\":11111,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":0,\"value\":22222,\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"errnoRet\":44,\"args\":[{\"index\":0,\"value\":%d,"
      "\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":54321,"
      "\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":45,"
      "\"args\":[{\"index\":0,\"value\":1073741824,\"op\":\"SCMP_CMP_GE\"}]}"
      "]}",
      EROFS, O_CREAT, O_CREAT, PRIO_PROCESS);
  runo_seccomp *s;

  ck_assert_ptr_nonnull (dir);
  s = must_compile (json);
  assert_exit_zero (run_filtered (s, child_args, dir));
  runo_seccomp_free (s);
  ck_assert_int_eq (rmdir (dir), 0);
}
END_TEST

/* getppid of the 32-bit x86 ABI, which a 64-bit process can call: the
   filter sees AUDIT_ARCH_I386. */
static long
getppid_i386 (void)
{
  long r;

  __asm__ volatile("int $0x80" : "=a"(r) : "a"(64L) : "memory");
  return r;
}

#define X32_SYSCALL_BIT 0x40000000L

static int
child_arches (void *data)
{
  (void)data;
  CHECK (syscall (SYS_getppid) == -1 && errno == 42);
  CHECK (getppid_i386 () == -42);
  /* The filter runs before the kernel looks at the number, x32 support
     or not. */
  CHECK (syscall (X32_SYSCALL_BIT | SYS_getppid) == -1 && errno == 42);
  CHECK (syscall (SYS_getpid) == getpid ());
  return 0;
}

static int
child_i386 (void *data)
{
  (void)data;
  getppid_i386 ();
  return 0;
}

static int
child_x32 (void *data)
{
  (void)data;
  syscall (X32_SYSCALL_BIT | SYS_getppid);
  return 0;
}

START_TEST (each_architecture_is_filtered)
{
  runo_seccomp *s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
      "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\"],"
      "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"errnoRet\":42}]}");

  assert_exit_zero (run_filtered (s, child_arches, NULL));
  runo_seccomp_free (s);

  /* Architectures not listed are killed, as libseccomp does. */
  s = must_compile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
      "[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}");
  assert_killed_by_sigsys (run_filtered (s, child_i386, NULL));
  assert_killed_by_sigsys (run_filtered (s, child_x32, NULL));
  runo_seccomp_free (s);
}
END_TEST

/* A listening unix socket in a fresh directory. */
struct listener
{
  char dir[64];
  char path[128];
  int fd;
};

static void
listener_open (struct listener *l)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  strcpy (l->dir, "/tmp/runo-test-seccomp-XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (l->dir));
  snprintf (l->path, sizeof (l->path), "%s/agent.sock", l->dir);
  strcpy (addr.sun_path, l->path);
  l->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge (l->fd, 0);
  ck_assert_int_eq (bind (l->fd, (struct sockaddr *)&addr, sizeof (addr)), 0);
  ck_assert_int_eq (listen (l->fd, 4), 0);
}

static void
listener_close (struct listener *l)
{
  close (l->fd);
  unlink (l->path);
  rmdir (l->dir);
}

/* Accept one connection and read all it sends: the payload and the fd of
   the first message. */
static char *
listener_receive (struct listener *l, int *fd)
{
  size_t len = 0, cap = 1 << 16;
  char *buf = runo_xmalloc0 (cap + 1);
  int conn = accept4 (l->fd, NULL, NULL, SOCK_CLOEXEC);

  ck_assert_int_ge (conn, 0);
  *fd = -1;
  for (;;)
    {
      union
      {
        char b[CMSG_SPACE (sizeof (int) * 4)];
        struct cmsghdr align;
      } control;
      struct iovec iov = { buf + len, cap - len };
      struct msghdr mh = { .msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = control.b,
                           .msg_controllen = sizeof (control.b) };
      struct cmsghdr *cm;
      ssize_t n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);

      ck_assert_int_ge (n, 0);
      if (n == 0)
        break;
      for (cm = CMSG_FIRSTHDR (&mh); cm; cm = CMSG_NXTHDR (&mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
          {
            ck_assert_int_eq (*fd, -1);
            ck_assert_uint_eq (cm->cmsg_len, CMSG_LEN (sizeof (int)));
            memcpy (fd, CMSG_DATA (cm), sizeof (int));
          }
      len += (size_t)n;
      ck_assert_uint_lt (len, cap);
    }
  close (conn);
  buf[len] = '\0';
  return buf;
}

static const char *
tree_str (yajl_val tree, const char *const *path)
{
  yajl_val v = yajl_tree_get (tree, (const char **)path, yajl_t_string);

  return v ? YAJL_GET_STRING (v) : NULL;
}

static void
assert_process_state (const char *json, pid_t pid, const char *metadata)
{
  static const char *const oci_version[] = { "ociVersion", NULL };
  static const char *const fds[] = { "fds", NULL };
  static const char *const pid_path[] = { "pid", NULL };
  static const char *const meta[] = { "metadata", NULL };
  static const char *const state_id[] = { "state", "id", NULL };
  static const char *const state_status[] = { "state", "status", NULL };
  char errbuf[256];
  yajl_val tree = yajl_tree_parse (json, errbuf, sizeof (errbuf));
  yajl_val v;

  ck_assert_msg (tree != NULL, "bad JSON [%s]: %s", json, errbuf);
  ck_assert_str_eq (tree_str (tree, oci_version), "1.3.0");
  v = yajl_tree_get (tree, (const char **)fds, yajl_t_array);
  ck_assert_ptr_nonnull (v);
  ck_assert_uint_eq (YAJL_GET_ARRAY (v)->len, 1);
  ck_assert_str_eq (YAJL_GET_STRING (YAJL_GET_ARRAY (v)->values[0]),
                    "seccompFd");
  v = yajl_tree_get (tree, (const char **)pid_path, yajl_t_number);
  ck_assert_ptr_nonnull (v);
  ck_assert_int_eq (YAJL_GET_INTEGER (v), pid);
  if (metadata)
    ck_assert_str_eq (tree_str (tree, meta), metadata);
  else
    ck_assert_ptr_null (yajl_tree_get (tree, (const char **)meta, yajl_t_any));
  ck_assert_str_eq (tree_str (tree, state_id), "ctr-1");
  ck_assert_str_eq (tree_str (tree, state_status), "creating");
  yajl_tree_free (tree);
}

#define STATE_JSON                                                             \
  "{\"ociVersion\":\"1.3.0\",\"id\":\"ctr-1\",\"status\":\"creating\","        \
  "\"pid\":%d,\"bundle\":\"/b\"}"

START_TEST (notify_fd_is_sent_with_the_process_state)
{
  const char *metadata = "MKNOD=/dev/null;q=\"x\"\\\n\ttab";
  struct listener l;
  cleanup_free char *got = NULL;
  cleanup_free char *state = runo_xasprintf (STATE_JSON, 4422);
  cleanup_error runo_error *err = NULL;
  struct stat st_sent, st_got;
  int fd = memfd_create ("probe", MFD_CLOEXEC), got_fd;

  ck_assert_int_ge (fd, 0);
  listener_open (&l);
  /* The connection is queued by the kernel: no need for a second
     process. */
  ck_assert_int_eq (
      runo_seccomp_send_notify_fd (l.path, fd, 4422, metadata, state, &err), 0);
  got = listener_receive (&l, &got_fd);
  ck_assert_int_ge (got_fd, 0);
  ck_assert_int_eq (fstat (fd, &st_sent), 0);
  ck_assert_int_eq (fstat (got_fd, &st_got), 0);
  ck_assert_uint_eq (st_sent.st_ino, st_got.st_ino);
  assert_process_state (got, 4422, metadata);
  close (got_fd);
  free (got);

  ck_assert_int_eq (
      runo_seccomp_send_notify_fd (l.path, fd, 4422, NULL, state, &err), 0);
  got = listener_receive (&l, &got_fd);
  close (got_fd);
  assert_process_state (got, 4422, NULL);

  /* Nobody listening: an error. */
  listener_close (&l);
  ck_assert_int_lt (
      runo_seccomp_send_notify_fd (l.path, fd, 4422, NULL, state, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "connect to seccomp listener"));
  ck_assert_int_eq (err->errnum, ENOENT);
  close (fd);
}
END_TEST

struct notify_child
{
  const runo_seccomp *s;
  const char *path;
};

static int
child_notify (void *data)
{
  struct notify_child *nc = data;
  cleanup_free char *state = NULL;
  runo_error *err = NULL;
  int nfd;

  /* The filter is loaded by this function, not run_filtered: the child
     needs the listener fd. */
  CHECK (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  CHECK (runo_seccomp_load (nc->s, &nfd, &err) == 0);
  CHECK (nfd >= 0);
  CHECK (fcntl (nfd, F_GETFD) == FD_CLOEXEC);
  state = runo_xasprintf (STATE_JSON, getpid ());
  CHECK (runo_seccomp_send_notify_fd (nc->path, nfd, getpid (), "meta", state,
                                      &err)
         == 0);
  close (nfd);
  /* Answered by the test's agent. */
  CHECK (syscall (SYS_getppid) == 4242);
  CHECK (syscall (SYS_getuid) == -1 && errno == EXDEV);
  return 0;
}

START_TEST (notify_is_answered_by_the_agent)
{
  runo_seccomp *s
      = must_compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                      "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
                      "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                      "\"syscalls\":[{\"names\":[\"getppid\",\"getuid\"],"
                      "\"action\":\"SCMP_ACT_NOTIFY\"}]}");
  struct notify_child nc = { s, NULL };
  cleanup_free char *payload = NULL;
  struct listener l;
  int status, agent_fd, i;
  pid_t pid;

  ck_assert (runo_seccomp_needs_notify (s));
  listener_open (&l);
  nc.path = l.path;
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      _exit (child_notify (&nc));
    }

  payload = listener_receive (&l, &agent_fd);
  ck_assert_int_ge (agent_fd, 0);
  assert_process_state (payload, pid, "meta");
  for (i = 0; i < 2; i++)
    {
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;

      memset (&req, 0, sizeof (req));
      ck_assert_int_eq (ioctl (agent_fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
      ck_assert_int_eq ((pid_t)req.pid, pid);
      memset (&resp, 0, sizeof (resp));
      resp.id = req.id;
      if (req.data.nr == SYS_getppid)
        resp.val = 4242;
      else
        {
          ck_assert_int_eq (req.data.nr, SYS_getuid);
          resp.error = -EXDEV;
        }
      ck_assert_int_eq (ioctl (agent_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
    }
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  assert_exit_zero (status);
  close (agent_fd);
  listener_close (&l);
  runo_seccomp_free (s);
}
END_TEST

static int
child_flags (void *data)
{
  (void)data;
  CHECK (syscall (SYS_getppid) == -1 && errno == 7);
  return 0;
}

START_TEST (flags_are_applied)
{
  const char *buf[RUNO_SECCOMP_N_FLAGS];
  runo_seccomp *s;
  size_t n, i;

  /* A 6.x kernel has them all. */
  n = runo_seccomp_supported_flags (buf);
  ck_assert_uint_eq (n, RUNO_SECCOMP_N_FLAGS);
  s = must_compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
                    "\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
                    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
                    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                    "\"syscalls\":[{\"names\":[\"getppid\"],"
                    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7}]}");
  /* WAIT_KILLABLE_RECV without a listener is dropped, not refused. */
  assert_exit_zero (run_filtered (s, child_flags, NULL));
  runo_seccomp_free (s);
  for (i = 0; i < n; i++)
    ck_assert_ptr_nonnull (strstr (buf[i], "SECCOMP_FILTER_FLAG_"));
}
END_TEST

START_TEST (features_lists)
{
  oci_features_linux_seccomp f = { 0 };
  const char *buf[RUNO_SECCOMP_N_FLAGS];
  size_t i;
  bool x86_64 = false;

  runo_seccomp_features (&f, buf);
  ck_assert (f.enabled);
  ck_assert_uint_eq (f.actions_len, 9);
  ck_assert_uint_eq (f.operators_len, 7);
  ck_assert_uint_eq (f.known_flags_len, 4);
  ck_assert_uint_le (f.supported_flags_len, 4);
  for (i = 0; i < f.archs_len; i++)
    if (strcmp (f.archs[i], "SCMP_ARCH_X86_64") == 0)
      x86_64 = true;
  ck_assert (x86_64);
  /* Every listed architecture compiles. */
  for (i = 0; i < f.archs_len; i++)
    {
      cleanup_free char *json = runo_xasprintf (
          "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"%s\"],"
          "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\"}]}",
          f.archs[i]);
      runo_seccomp_free (must_compile (json));
    }
}
END_TEST

/* ---- Podman's default profile, converted to the OCI form ---- */

static const char *
str_of (yajl_val v)
{
  const char *s = v && YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : NULL;

  return s ? s : "";
}

static bool
string_in (yajl_val array, const char *s)
{
  size_t i;

  if (array == NULL || !YAJL_IS_ARRAY (array))
    return false;
  for (i = 0; i < YAJL_GET_ARRAY (array)->len; i++)
    if (strcmp (str_of (YAJL_GET_ARRAY (array)->values[i]), s) == 0)
      return true;
  return false;
}

static yajl_val
get (yajl_val obj, const char *key, yajl_type type)
{
  const char *path[] = { key, NULL };

  return obj ? yajl_tree_get (obj, path, type) : NULL;
}

static bool
array_nonempty (yajl_val v)
{
  return v && YAJL_IS_ARRAY (v) && YAJL_GET_ARRAY (v)->len > 0;
}

/* Keep a rule when its conditions hold on this machine for a container
   with all capabilities (as root gets): includes.arches must name amd64,
   excludes.caps excludes it, includes.caps and minKernel hold. */
static bool
rule_applies (yajl_val rule)
{
  yajl_val inc = get (rule, "includes", yajl_t_object);
  yajl_val exc = get (rule, "excludes", yajl_t_object);

  if (array_nonempty (get (inc, "arches", yajl_t_array))
      && !string_in (get (inc, "arches", yajl_t_array), "amd64"))
    return false;
  if (string_in (get (exc, "arches", yajl_t_array), "amd64"))
    return false;
  if (array_nonempty (get (exc, "caps", yajl_t_array)))
    return false;
  return true;
}

static void append (char **buf, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
append (char **buf, const char *fmt, ...)
{
  char *piece, *joined;
  va_list ap;

  va_start (ap, fmt);
  ck_assert_int_ge (vasprintf (&piece, fmt, ap), 0);
  va_end (ap);
  joined = runo_xasprintf ("%s%s", *buf ? *buf : "", piece);
  free (piece);
  free (*buf);
  *buf = joined;
}

static char *
podman_profile_as_oci (void)
{
  cleanup_free char *text = NULL;
  cleanup_error runo_error *err = NULL;
  char *out = NULL;
  yajl_val tree, syscalls, v;
  size_t len, i, j;
  const char *sep = "";

  if (runo_read_file_at (AT_FDCWD, PODMAN_PROFILE, 0, &text, &len, &err) < 0)
    return NULL;
  tree = yajl_tree_parse (text, NULL, 0);
  ck_assert_ptr_nonnull (tree);

  append (&out, "{\"defaultAction\":\"%s\"",
          YAJL_GET_STRING (get (tree, "defaultAction", yajl_t_string)));
  v = get (tree, "defaultErrnoRet", yajl_t_number);
  if (v)
    append (&out, ",\"defaultErrnoRet\":%lld", YAJL_GET_INTEGER (v));
  /* archMap: this machine's architecture with its sub-architectures. */
  append (&out, ",\"architectures\":[\"SCMP_ARCH_X86_64\"");
  v = get (tree, "archMap", yajl_t_array);
  for (i = 0; v && i < YAJL_GET_ARRAY (v)->len; i++)
    {
      yajl_val m = YAJL_GET_ARRAY (v)->values[i];
      yajl_val subs = get (m, "subArchitectures", yajl_t_array);

      if (strcmp (str_of (get (m, "architecture", yajl_t_string)),
                  "SCMP_ARCH_X86_64")
          != 0)
        continue;
      for (j = 0; subs && j < YAJL_GET_ARRAY (subs)->len; j++)
        append (&out, ",\"%s\"",
                YAJL_GET_STRING (YAJL_GET_ARRAY (subs)->values[j]));
    }
  append (&out, "],\"syscalls\":[");

  syscalls = get (tree, "syscalls", yajl_t_array);
  ck_assert_ptr_nonnull (syscalls);
  for (i = 0; i < YAJL_GET_ARRAY (syscalls)->len; i++)
    {
      yajl_val rule = YAJL_GET_ARRAY (syscalls)->values[i];
      yajl_val names = get (rule, "names", yajl_t_array);
      yajl_val args = get (rule, "args", yajl_t_array);
      yajl_val errno_ret = get (rule, "errnoRet", yajl_t_number);

      if (!rule_applies (rule) || !array_nonempty (names))
        continue;
      append (&out, "%s{\"names\":[", sep);
      sep = ",";
      for (j = 0; j < YAJL_GET_ARRAY (names)->len; j++)
        append (&out, "%s\"%s\"", j ? "," : "",
                YAJL_GET_STRING (YAJL_GET_ARRAY (names)->values[j]));
      append (&out, "],\"action\":\"%s\"",
              YAJL_GET_STRING (get (rule, "action", yajl_t_string)));
      if (errno_ret)
        append (&out, ",\"errnoRet\":%lld", YAJL_GET_INTEGER (errno_ret));
      if (array_nonempty (args))
        {
          append (&out, ",\"args\":[");
          for (j = 0; j < YAJL_GET_ARRAY (args)->len; j++)
            {
              yajl_val a = YAJL_GET_ARRAY (args)->values[j];
              yajl_val two = get (a, "valueTwo", yajl_t_number);

              /* Values may exceed int64 (uint64 in JSON): keep their
                 text. */
              append (&out,
                      "%s{\"index\":%s,\"value\":%s,\"valueTwo\":%s,"
                      "\"op\":\"%s\"}",
                      j ? "," : "",
                      YAJL_GET_NUMBER (get (a, "index", yajl_t_number)),
                      YAJL_GET_NUMBER (get (a, "value", yajl_t_number)),
                      two ? YAJL_GET_NUMBER (two) : "0",
                      YAJL_GET_STRING (get (a, "op", yajl_t_string)));
            }
          append (&out, "]");
        }
      append (&out, "}");
    }
  append (&out, "]}");
  yajl_tree_free (tree);
  return out;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
child_podman (void *data)
{
  char buf[256];
  (void)data;

  /* Ordinary calls work... */
  CHECK (syscall (SYS_getcwd, buf, sizeof (buf)) > 0);
  CHECK (syscall (SYS_personality, 0xffffffffUL) != -1);
  /* ...calls the profile does not list fail with its defaultErrnoRet. */
  CHECK (syscall (SYS_add_key, NULL, NULL, NULL, 0, 0) == -1
         && errno == ENOSYS);
  /* personality with other arguments is not allowed. */
  CHECK (syscall (SYS_personality, 0x1234UL) == -1 && errno == ENOSYS);
  return 0;
}

START_TEST (podman_default_profile_compiles_fast)
{
  cleanup_free char *json = podman_profile_as_oci ();
  cleanup_config oci_config *c = NULL;
  char *perr = NULL;
  const int rounds = 50;
  double t0, elapsed, best = 1e9;
  runo_seccomp *s = NULL;
  int i;

  if (json == NULL)
    {
      fprintf (stderr,
               "skip: no %s (apt-get install golang-github-"
               "containers-common)\n",
               PODMAN_PROFILE);
      return;
    }
  c = parse_profile (json, &perr);
  ck_assert_msg (c != NULL, "parse: %s", perr ? perr : "?");
  for (i = 0; i < rounds; i++)
    {
      cleanup_error runo_error *err = NULL;

      t0 = now ();
      ck_assert_msg (runo_seccomp_compile (c->linux_->seccomp, &s, &err) == 0,
                     "compile: %s", err ? err->msg : "");
      elapsed = now () - t0;
      if (elapsed < best)
        best = elapsed;
      if (i + 1 < rounds)
        runo_seccomp_free (s);
    }
  fprintf (stderr,
           "podman profile: %zu rules, %zu BPF instructions, compiled in "
           "%.2f ms (best of %d)\n",
           c->linux_->seccomp->syscalls_len, runo_seccomp_program_length (s),
           best * 1e3, rounds);
  /* A loose bound, to catch a pathological regression on a slow CI. */
  ck_assert_msg (best < 0.05, "compile took %.1f ms", best * 1e3);
  assert_exit_zero (run_filtered (s, child_podman, NULL));
  runo_seccomp_free (s);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("seccomp");
  TCase *tc = tcase_create ("seccomp");
  SRunner *sr;
  int failed;

  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, bad_profiles_are_refused);
  tcase_add_test (tc, every_operator_and_arch_compiles);
  tcase_add_test (tc, errno_action_returns_errno);
  tcase_add_test (tc, default_errno_applies_to_unlisted_syscalls);
  tcase_add_test (tc, kill_actions_kill);
  tcase_add_test (tc, log_allows_and_trap_signals);
  tcase_add_test (tc, argument_conditions);
  tcase_add_test (tc, each_architecture_is_filtered);
  tcase_add_test (tc, notify_fd_is_sent_with_the_process_state);
  tcase_add_test (tc, notify_is_answered_by_the_agent);
  tcase_add_test (tc, flags_are_applied);
  tcase_add_test (tc, features_lists);
  tcase_add_test (tc, podman_default_profile_compiles_fast);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
