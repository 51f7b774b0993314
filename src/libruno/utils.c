#include <config.h>

#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

void
runo_cleanup_free (void *p)
{
  free (*(void **)p);
}

void
runo_cleanup_close (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

void
runo_cleanup_dir (DIR **dir)
{
  if (*dir)
    closedir (*dir);
}

void
runo_cleanup_file (FILE **f)
{
  if (*f)
    fclose (*f);
}

void
runo_cleanup_pid (pid_t *pid)
{
  int saved = errno;

  if (*pid > 0)
    {
      kill (*pid, SIGKILL);
      while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  errno = saved;
}

static void __attribute__ ((noreturn)) out_of_memory (void)
{
  static const char msg[] = "runo: out of memory\n";
  (void)!write (STDERR_FILENO, msg, sizeof (msg) - 1);
  abort ();
}

char *
runo_xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    out_of_memory ();
  va_end (ap);
  return s;
}

void *
runo_xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

char *
runo_xstrdup (const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    out_of_memory ();
  return r;
}

int
runo_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

int
runo_read_file_at (int dirfd, const char *path, size_t max, char **out,
                   size_t *len, runo_error **err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t size = 0, alloc = 0;
  struct stat st;

  fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", path);
  /* One read for regular files; /proc files report size 0 and are read in
     chunks. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0)
    alloc = (size_t)st.st_size + 1;
  if (alloc < 4096)
    alloc = 4096;
  buf = malloc (alloc);
  if (buf == NULL)
    return runo_error_make (err, ENOMEM, "read `%s`", path);
  for (;;)
    {
      ssize_t n;

      if (size + 1 >= alloc)
        {
          char *tmp;

          if (max && size > max)
            return runo_error_make (err, EFBIG, "read `%s`", path);
          alloc *= 2;
          tmp = realloc (buf, alloc);
          if (tmp == NULL)
            return runo_error_make (err, ENOMEM, "read `%s`", path);
          buf = tmp;
        }
      n = read (fd, buf + size, alloc - size - 1);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "read `%s`", path);
        }
      if (n == 0)
        break;
      size += (size_t)n;
    }
  if (max && size > max)
    return runo_error_make (err, EFBIG, "read `%s`", path);
  buf[size] = '\0';
  *out = steal_pointer (&buf);
  if (len)
    *len = size;
  return 0;
}

int
runo_write_file_atomic_at (int dirfd, const char *name, const char *data,
                           size_t len, mode_t mode, runo_error **err)
{
  cleanup_free char *tmp = runo_xasprintf ("%s.tmp", name);
  cleanup_close int fd = -1;

  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", tmp);
  if (runo_write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return runo_error_make (err, saved, "write `%s`", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return runo_error_make (err, saved, "rename `%s`", tmp);
    }
  return 0;
}

int
runo_mkdir_p (const char *path, mode_t mode, runo_error **err)
{
  cleanup_free char *copy = runo_xstrdup (path);
  char *p;

  for (p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return runo_error_errno (err, "mkdir `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return runo_error_errno (err, "mkdir `%s`", copy);
  return 0;
}

char *
runo_rfc3339_now (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof (buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return runo_xasprintf ("%s.%09ldZ", buf, ts.tv_nsec);
}

char **
runo_null_terminated (char **list, size_t n, char *first_if_empty)
{
  char **out = runo_xmalloc0 ((n + 2) * sizeof (char *));

  if (n)
    memcpy (out, list, n * sizeof (char *));
  else
    out[0] = first_if_empty;
  return out;
}

int
runo_write_pid_file (const char *path, pid_t pid, runo_error **err)
{
  char buf[32];
  cleanup_free char *copy = runo_xstrdup (path);
  cleanup_close int dir_fd = -1;
  char *slash = strrchr (copy, '/');
  const char *name = copy;
  int len = snprintf (buf, sizeof (buf), "%d", pid);

  if (slash)
    {
      *slash = '\0';
      name = slash + 1;
      dir_fd = open (slash == copy ? "/" : copy,
                     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  else
    dir_fd = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return runo_error_errno (err, "pid file `%s`", path);
  if (runo_write_file_atomic_at (dir_fd, name, buf, (size_t)len, 0644, err) < 0)
    return runo_error_wrap (err, "pid file");
  return 0;
}

void
runo_forwarded_signals (sigset_t *set)
{
  /* Everything but the synchronous faults, which concern runo itself. */
  sigfillset (set);
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGFPE);
}

int
runo_wait_forwarding (pid_t pid, const sigset_t *forwarded, int *exit_status,
                      runo_error **err)
{
  cleanup_close int sfd = signalfd (-1, forwarded, SFD_CLOEXEC);
  int status;

  if (sfd < 0)
    return runo_error_errno (err, "signalfd");
  for (;;)
    {
      struct signalfd_siginfo si;
      pid_t r = waitpid (pid, &status, WNOHANG);

      if (r == pid)
        break;
      if (r < 0 && errno != EINTR)
        return runo_error_errno (err, "wait for process");
      if (read (sfd, &si, sizeof (si)) != sizeof (si))
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "read signal");
        }
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int)si.ssi_signo);
    }
  *exit_status = WIFEXITED (status)     ? WEXITSTATUS (status)
                 : WIFSIGNALED (status) ? 128 + WTERMSIG (status)
                                        : 1;
  return 0;
}

/* One dot-separated identifier of a pre-release (NUMERIC: no leading zero
   when all digits) or build part. */
static const char *
semver_identifiers (const char *p, bool prerelease)
{
  for (;;)
    {
      const char *start = p;
      bool digits = true;

      while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')
             || (*p >= 'A' && *p <= 'Z') || *p == '-')
        {
          digits = digits && *p >= '0' && *p <= '9';
          p++;
        }
      if (p == start)
        return NULL;
      if (prerelease && digits && *start == '0' && p - start > 1)
        return NULL;
      if (*p != '.')
        return p;
      p++;
    }
}

bool
runo_semver_valid (const char *v)
{
  const char *p = v;
  int part;

  if (v == NULL)
    return false;
  for (part = 0; part < 3; part++)
    {
      const char *start = p;

      while (*p >= '0' && *p <= '9')
        p++;
      if (p == start || (*start == '0' && p - start > 1))
        return false;
      if (part < 2 && *p++ != '.')
        return false;
    }
  if (*p == '-' && (p = semver_identifiers (p + 1, true)) == NULL)
    return false;
  if (*p == '+' && (p = semver_identifiers (p + 1, false)) == NULL)
    return false;
  return *p == '\0';
}

int
runo_parse_ranges (const char *list, unsigned long max,
                   void (*add) (unsigned long first, unsigned long last,
                                void *data),
                   void *data)
{
  const char *p = list;

  while (*p == ' ')
    p++;
  if (*p == '\0')
    return 0;
  for (;;)
    {
      unsigned long first, last;
      char *end;

      while (*p == ' ')
        p++;
      if (*p < '0' || *p > '9')
        goto invalid;
      errno = 0;
      first = last = strtoul (p, &end, 10);
      p = end;
      while (*p == ' ')
        p++;
      if (*p == '-')
        {
          p++;
          while (*p == ' ')
            p++;
          if (*p < '0' || *p > '9')
            goto invalid;
          last = strtoul (p, &end, 10);
          p = end;
          while (*p == ' ')
            p++;
        }
      if (errno != 0 || first > last || last > max)
        goto invalid;
      if (add)
        add (first, last, data);
      if (*p == '\0')
        return 0;
      if (*p != ',')
        goto invalid;
      p++;
    }
invalid:
  errno = EINVAL;
  return -1;
}
