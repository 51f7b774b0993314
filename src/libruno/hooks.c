#include <config.h>

#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

static int
pidfd_open_compat (pid_t pid)
{
  return (int)syscall (SYS_pidfd_open, pid, 0);
}

/* Child side: never returns.  Only async-signal-safe calls after fork.
   If execve fails its errno goes back through ERR_FD (close-on-exec, so
   a successful exec just closes it). */
static void __attribute__ ((noreturn))
exec_hook (const oci_hook *hook, char **argv, char **envp, int stdin_fd,
           int err_fd)
{
  sigset_t none;
  int saved;

  if (dup2 (stdin_fd, STDIN_FILENO) < 0)
    _exit (127);
  /* Hooks run with default signal handling whatever runo blocked. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execve (hook->path, argv, envp);
  saved = errno;
  (void)!write (err_fd, &saved, sizeof (saved));
  _exit (127);
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Feed STATE to the hook's stdin (non-blocking IN_FD) and wait for PID,
   both under the timeout (TIMEOUT_S, 0: none): a hook that never reads a
   state bigger than the pipe holds is killed at its deadline like any
   other, and one that exits unread just ends the writing. */
static int
feed_and_wait (pid_t pid, int pidfd, int in_fd, const char *state,
               long long timeout_s, int *status, bool *timed_out,
               runo_error **err)
{
  long long deadline = timeout_s > 0 ? now_ms () + timeout_s * 1000 : 0;
  size_t len = strlen (state), off = 0;
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;

  *timed_out = false;
  /* A hook need not read its stdin: EPIPE only ends the writing. */
  sigaction (SIGPIPE, &ign, &old);
  if (len == 0)
    close (steal_fd (&in_fd));
  for (;;)
    {
      struct pollfd pfd[2] = { { pidfd, POLLIN, 0 }, { in_fd, POLLOUT, 0 } };
      int wait_ms = -1, r;

      if (deadline)
        {
          long long left = deadline - now_ms ();
          wait_ms = left > 0 ? (int)(left > 1000000 ? 1000000 : left) : 0;
        }
      r = poll (pfd, in_fd >= 0 ? 2 : 1, wait_ms);
      if (r < 0 && errno != EINTR)
        {
          int saved = errno;
          sigaction (SIGPIPE, &old, NULL);
          if (in_fd >= 0)
            close (in_fd);
          return runo_error_make (err, saved, "wait for hook");
        }
      if (r == 0)
        {
          *timed_out = true;
          kill (pid, SIGKILL);
          deadline = 0;
        }
      if (r > 0 && in_fd >= 0 && pfd[1].revents)
        {
          ssize_t n = write (in_fd, state + off, len - off);

          if (n > 0)
            off += (size_t)n;
          if ((n < 0 && errno != EAGAIN && errno != EINTR) || off == len)
            close (steal_fd (&in_fd));
        }
      if (r > 0 && pfd[0].revents)
        break;
    }
  sigaction (SIGPIPE, &old, NULL);
  if (in_fd >= 0)
    close (in_fd);
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return runo_error_errno (err, "wait for hook");
  return 0;
}

static int
run_one (const oci_hook *hook, const char *state_json, runo_error **err)
{
  /* Made before fork: malloc is not async-signal-safe. */
  cleanup_free char **argv
      = runo_null_terminated (hook->args, hook->args_len, hook->path);
  cleanup_free char **envp
      = runo_null_terminated (hook->env, hook->env_len, NULL);
  cleanup_close int pidfd = -1;
  int pipefd[2], errpipe[2];
  int exec_errno = 0;
  bool timed_out;
  pid_t pid;
  int status;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return runo_error_errno (err, "pipe");
  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return runo_error_errno (err, "pipe");
    }
  pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      close (errpipe[0]);
      close (errpipe[1]);
      return runo_error_errno (err, "fork");
    }
  if (pid == 0)
    exec_hook (hook, argv, envp, pipefd[0], errpipe[1]);
  close (pipefd[0]);
  close (errpipe[1]);
  pidfd = pidfd_open_compat (pid);
  /* Returns at the hook's execve (the pipe is close-on-exec) or with the
     errno of its failure. */
  if (read (errpipe[0], &exec_errno, sizeof (exec_errno))
      != sizeof (exec_errno))
    exec_errno = 0;
  close (errpipe[0]);
  if (pidfd < 0 || fcntl (pipefd[1], F_SETFL, O_NONBLOCK) < 0)
    {
      int saved = errno;
      close (pipefd[1]);
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return runo_error_make (err, saved, "pidfd_open");
    }
  if (feed_and_wait (pid, pidfd, pipefd[1], state_json,
                     hook->timeout_present ? hook->timeout : 0, &status,
                     &timed_out, err)
      < 0)
    return -1;
  if (exec_errno)
    return runo_error_make (err, exec_errno, "exec");
  if (timed_out)
    return runo_error_make (err, 0, "timed out after %lld s",
                            (long long)hook->timeout);
  if (WIFEXITED (status) && WEXITSTATUS (status) != 0)
    return runo_error_make (err, 0, "exited with status %d",
                            WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return runo_error_make (err, 0, "killed by signal %d", WTERMSIG (status));
  return 0;
}

int
runo_hooks_run (oci_hook **hooks, size_t n, const char *kind,
                const char *state_json, runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (run_one (hooks[i], state_json, err) < 0)
      return runo_error_wrap (err, "%s hook `%s`", kind, hooks[i]->path);
  return 0;
}
