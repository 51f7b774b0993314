#include <config.h>

#include "container_side.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"
#include "utils.h"

/* Far above any real passwd; a bigger file is not one to trust. */
#define PASSWD_MAX (4U << 20)

void
runo_passed_fds_collect (int count, int not_ours, runo_passed_fds *out)
{
  struct rlimit rl;
  long last = 3L + count - 1;
  long fd;

  out->fds = NULL;
  out->len = 0;
  if (count <= 0)
    return;
  /* No fd can be open at or above the soft limit. */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
      && (rlim_t)last >= rl.rlim_cur)
    last = (long)rl.rlim_cur - 1;
  for (fd = 3; fd <= last; fd++)
    {
      if (fd == not_ours || fcntl ((int)fd, F_GETFD) < 0)
        continue;
      if (out->len % 16 == 0)
        {
          int *grown = realloc (out->fds, (out->len + 16) * sizeof (int));
          if (grown == NULL)
            abort ();
          out->fds = grown;
        }
      out->fds[out->len++] = (int)fd;
    }
}

void
runo_passed_fds_release (runo_passed_fds *p)
{
  free (p->fds);
  p->fds = NULL;
  p->len = 0;
}

int
runo_listen_fds (void)
{
  const char *fds = getenv ("LISTEN_FDS");
  const char *pid = getenv ("LISTEN_PID");
  char *end;
  long n;

  if (fds == NULL || *fds == '\0')
    return 0;
  /* sd_listen_fds(3): the fds are for the process LISTEN_PID names. */
  if (pid && *pid && strtol (pid, &end, 10) != (long)getpid ())
    return 0;
  n = strtol (fds, &end, 10);
  if (*end || n <= 0 || n > INT_MAX - 3)
    return 0;
  return (int)n;
}

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int
close_between (unsigned int first, unsigned int last)
{
  if (first > last)
    return 0;
  if (syscall (SYS_close_range, first, last, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
  /* Kernels before 5.9: one by one, up to the highest open fd. */
  {
    long max = sysconf (_SC_OPEN_MAX);
    unsigned int fd;

    if (max > 0 && last > (unsigned int)max)
      last = (unsigned int)max;
    for (fd = first; fd <= last && fd >= first; fd++)
      close ((int)fd);
  }
  return 0;
}

int
runo_container_side_enter (const runo_passed_fds *passed, const int *own,
                           size_t n_own)
{
  size_t n = 0, i;
  int *keep = malloc ((passed->len + n_own + 1) * sizeof (int));
  unsigned int next = 3;

  if (keep == NULL)
    return -1;
  for (i = 0; i < passed->len; i++)
    keep[n++] = passed->fds[i];
  for (i = 0; i < n_own; i++)
    if (own[i] >= 3)
      keep[n++] = own[i];
  qsort (keep, n, sizeof (int), cmp_int);
  for (i = 0; i < n; i++)
    {
      if ((unsigned int)keep[i] < next)
        continue; /* duplicate */
      if (close_between (next, (unsigned int)keep[i] - 1) < 0)
        {
          free (keep);
          return -1;
        }
      next = (unsigned int)keep[i] + 1;
    }
  free (keep);
  return close_between (next, ~0U);
}

int
runo_container_side_chdir (const char *dir, runo_error **err)
{
  cleanup_close int root = -1;
  cleanup_close int fd = -1;
  char buf[PATH_MAX];

  /* Ours: a cwd of the host given in the config or by `exec --cwd`
     would be a way out of the container. */
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return runo_error_errno (err, "open `/`");
  fd = runo_resolve_in_root (root, dir, RUNO_RESOLVE_NO_CREATE, false, err);
  if (fd < 0)
    {
      int errnum = *err ? (*err)->errnum : errno;

      runo_error_release (err);
      return runo_error_make (err, errnum, "chdir to cwd `%s`", dir);
    }
  if (fchdir (fd) < 0)
    return runo_error_errno (err, "chdir to cwd `%s`", dir);
  /* The kernel names a cwd outside the root "(unreachable)/...": this
     cannot happen after the lookup above, but it is the property that
     matters, so it is checked where it holds, not only where it is made. */
  if (syscall (SYS_getcwd, buf, sizeof (buf)) < 0)
    {
      if (errno == ERANGE)
        return 0; /* deeper than PATH_MAX, but reachable */
      return runo_error_errno (err, "chdir to cwd `%s`: getcwd", dir);
    }
  if (buf[0] != '/')
    return runo_error_make (
        err, 0, "chdir to cwd `%s`: outside the container's root", dir);
  return 0;
}

int
runo_container_side_create_cwd (const char *rootfs, const char *dir,
                                runo_error **err)
{
  cleanup_close int root = -1;
  cleanup_close int fd = -1;

  if (dir == NULL || dir[0] == '\0')
    return 0;
  root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return runo_error_errno (err, "open rootfs `%s`", rootfs);
  fd = runo_resolve_in_root (root, dir, RUNO_RESOLVE_CREATE_DIR, false, err);
  if (fd < 0)
    {
      int errnum = *err ? (*err)->errnum : errno;

      /* The same error as when the cwd cannot be entered: a magic link
         (/proc/self/fd/N) is refused here already. */
      runo_error_release (err);
      return runo_error_make (err, errnum, "chdir to cwd `%s`", dir);
    }
  return 0;
}

int
runo_container_side_new_session (runo_error **err)
{
  /* Already the leader when the terminal was set up: nothing to do. */
  if (setsid () < 0 && getsid (0) != getpid ())
    return runo_error_errno (err, "setsid");
  return 0;
}

char *
runo_passwd_home (const char *passwd, uid_t uid)
{
  const char *line, *next;

  for (line = passwd; line && *line; line = next)
    {
      const char *end = strchrnul (line, '\n');
      const char *field[7];
      const char *p = line;
      char *uid_end;
      unsigned long long v;
      int n = 0;

      next = *end ? end + 1 : NULL;
      /* name:password:uid:gid:gecos:home:shell */
      field[n++] = p;
      while (n < 7 && (p = memchr (p, ':', (size_t)(end - p))) != NULL)
        field[n++] = ++p;
      if (n < 6 || field[2] == field[3] - 1)
        continue;
      errno = 0;
      v = strtoull (field[2], &uid_end, 10);
      if (errno || uid_end != field[3] - 1 || field[2][0] == '-'
          || v != (unsigned long long)uid)
        continue;
      {
        const char *home_end = n == 7 ? field[6] - 1 : end;

        if (home_end == field[5])
          return NULL;
        return runo_xasprintf ("%.*s", (int)(home_end - field[5]), field[5]);
      }
    }
  return NULL;
}

/* Reads the container's passwd with the same care as the cwd: in the
   current root, no magic links, and only a regular file (a fifo there
   would block the process forever). */
static char *
read_container_passwd (void)
{
  struct open_how how = {
    .flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  cleanup_close int root = -1;
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t len = 0;
  struct stat st;

  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return NULL;
  fd = (int)syscall (SYS_openat2, root, "etc/passwd", &how, sizeof (how));
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
      || st.st_size > PASSWD_MAX)
    return NULL;
  buf = runo_xmalloc0 ((size_t)st.st_size + 1);
  while (len < (size_t)st.st_size)
    {
      ssize_t n = read (fd, buf + len, (size_t)st.st_size - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  return steal_pointer (&buf);
}

void
runo_container_side_set_home (oci_config_process *process)
{
  cleanup_free char *passwd = NULL;
  cleanup_free char *home = NULL;
  uid_t uid = process->user ? process->user->uid : 0;
  char **env;
  size_t i;

  for (i = 0; i < process->env_len; i++)
    if (process->env[i] && strncmp (process->env[i], "HOME=", 5) == 0)
      return;
  passwd = read_container_passwd ();
  if (passwd)
    home = runo_passwd_home (passwd, uid);
  env = realloc (process->env, (process->env_len + 1) * sizeof (char *));
  if (env == NULL)
    abort ();
  env[process->env_len] = runo_xasprintf ("HOME=%s", home ? home : "/");
  process->env = env;
  process->env_len++;
}

void
runo_container_side_execve (const oci_config_process *process, const char *exe,
                            const runo_passed_fds *passed)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  sigset_t none;
  size_t i;
  int sig;

  /* Ignored signals survive execve: whatever the engine's monitor ignores
     (conmon SIGPIPE, nohup SIGHUP) would be ignored by the container's
     programs too.  Reset before unblocking, so that a signal already
     pending acts as it would in the new program.  SIGKILL and SIGSTOP
     cannot be changed.  glibc refuses its own signals (32, 33), which a
     caller may have ignored all the same: those through the kernel, with
     an all-zero action, SIG_DFL whatever the architecture's layout. */
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP && sigaction (sig, &dfl, NULL) < 0
        && errno == EINVAL)
      {
        unsigned long zero[8] = { 0 };

        syscall (SYS_rt_sigaction, sig, zero, NULL, (NSIG - 1) / 8);
      }
  /* `run` and `exec` block the signals they forward; the process starts
     with none blocked. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (i = 0; i < passed->len; i++)
    fcntl (passed->fds[i], F_SETFD, 0);
  execve (exe, runo_null_terminated (process->args, process->args_len, NULL),
          runo_null_terminated (process->env, process->env_len, NULL));
}
