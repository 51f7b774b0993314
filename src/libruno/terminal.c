/* runo: process.terminal (see terminal.h). */
#include <config.h>

#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "utils.h"

/* Until dup2 the slave and the master must not sit on 0-2: dup2 onto
   themselves would keep close-on-exec, or overwrite the master. */
static int
move_above_stdio (int *fd)
{
  int moved;

  if (*fd > STDERR_FILENO)
    return 0;
  moved = fcntl (*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0)
    return -1;
  close (*fd);
  *fd = moved;
  return 0;
}

static int
open_slave (int master, runo_error **err)
{
  char name[64];
  int fd;

  /* No path lookup, so no dependency on what /dev/pts is in the mount
     namespace. */
  fd = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  if (errno != EINVAL && errno != ENOTTY)
    return runo_error_errno (err, "open the pty slave");
  errno = ptsname_r (master, name, sizeof (name));
  if (errno != 0)
    return runo_error_errno (err, "ptsname");
  fd = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", name);
  return fd;
}

int
runo_terminal_setup (const oci_config_process *process, runo_error **err)
{
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  int i;

  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return runo_error_errno (err, "open `/dev/ptmx`");
  if (unlockpt (master) < 0)
    return runo_error_errno (err, "unlockpt");
  slave = open_slave (master, err);
  if (slave < 0)
    return -1;
  if (move_above_stdio (&master) < 0 || move_above_stdio (&slave) < 0)
    return runo_error_errno (err, "dup the pty fds");

  if (process && process->console_size)
    {
      const oci_config_process_console_size *size = process->console_size;
      struct winsize ws = {
        .ws_row = (unsigned short)size->height,
        .ws_col = (unsigned short)size->width,
      };

      if (size->height > USHRT_MAX || size->width > USHRT_MAX)
        return runo_error_make (err, ERANGE,
                                "process.consoleSize: %" PRIu64 "x%" PRIu64,
                                size->height, size->width);
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return runo_error_errno (err, "process.consoleSize: set window size");
    }

  /* A process that already leads its session cannot setsid() again, but can
     take the terminal all the same. */
  if (setsid () < 0 && getsid (0) != getpid ())
    return runo_error_errno (err, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return runo_error_errno (err, "make the pty the controlling terminal");
  for (i = STDIN_FILENO; i <= STDERR_FILENO; i++)
    if (dup2 (slave, i) < 0)
      return runo_error_errno (err, "dup2 the pty onto fd %d", i);
  return steal_fd (&master);
}

int
runo_terminal_send_master (const char *socket_path, int master_fd,
                           runo_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = -1;
  char name[64];
  union
  {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov;
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  unsigned int ptn;
  ssize_t sent;

  if (strlen (socket_path) >= sizeof (addr.sun_path))
    return runo_error_make (err, ENAMETOOLONG, "console socket `%s`",
                            socket_path);
  strcpy (addr.sun_path, socket_path);

  /* The pty's name as the payload, like runc.  The number is asked of the
     master itself: its devpts is the container's, so no path on this side
     means anything. */
  if (ioctl (master_fd, TIOCGPTN, &ptn) == 0)
    snprintf (name, sizeof (name), "/dev/pts/%u", ptn);
  else
    strcpy (name, "/dev/ptmx");

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return runo_error_errno (err, "console socket `%s`: socket", socket_path);
  if (connect (sock, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return runo_error_errno (err, "console socket `%s`: connect", socket_path);

  memset (&control, 0, sizeof (control));
  iov.iov_base = name;
  iov.iov_len = strlen (name);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &master_fd, sizeof (int));

  do
    sent = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  if (sent < 0)
    return runo_error_errno (err, "console socket `%s`: send the pty master",
                             socket_path);
  return 0;
}

int
runo_terminal_recv_fd (int sock_fd, int *fd, runo_error **err)
{
  char payload[256];
  union
  {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE (sizeof (int) * 4)];
  } control;
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof (payload) };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  int received = -1;
  ssize_t len;

  memset (&control, 0, sizeof (control));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  do
    len = recvmsg (sock_fd, &msg, MSG_CMSG_CLOEXEC);
  while (len < 0 && errno == EINTR);
  if (len < 0)
    return runo_error_errno (err, "receive a file descriptor");

  for (cmsg = CMSG_FIRSTHDR (&msg); cmsg; cmsg = CMSG_NXTHDR (&msg, cmsg))
    {
      size_t i, n;

      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        continue;
      n = (cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (i = 0; i < n; i++)
        {
          int one;

          memcpy (&one, CMSG_DATA (cmsg) + i * sizeof (int), sizeof (int));
          /* Exactly one is expected: anything more is closed, not leaked. */
          if (received < 0)
            received = one;
          else
            close (one);
        }
    }
  if (received < 0)
    return runo_error_make (err, 0, "receive a file descriptor: %s",
                            len == 0 ? "connection closed"
                                     : "no descriptor in the message");
  if (msg.msg_flags & MSG_CTRUNC)
    {
      close (received);
      return runo_error_make (err, 0,
                              "receive a file descriptor: control "
                              "data truncated");
    }
  *fd = received;
  return 0;
}

int
runo_terminal_bind_console (int master_fd, runo_error **err)
{
  char slave[64];
  cleanup_close int fd = -1;
  unsigned int ptn;

  if (ioctl (master_fd, TIOCGPTN, &ptn) < 0)
    return runo_error_errno (err, "/dev/console: get pty number");
  snprintf (slave, sizeof (slave), "/dev/pts/%u", ptn);
  fd = open ("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return runo_error_errno (err, "create /dev/console");
  if (mount (slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return runo_error_errno (err, "bind `%s` on /dev/console", slave);
  return 0;
}

/* Copy what is available on FROM to TO; false at end of input. */
static bool
relay_chunk (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof (buf));

  if (n <= 0)
    return n < 0 && (errno == EINTR || errno == EAGAIN);
  (void)runo_write_all (to, buf, (size_t)n);
  return true;
}

static void
copy_window_size (int from_tty, int to_pty)
{
  struct winsize ws;

  if (ioctl (from_tty, TIOCGWINSZ, &ws) == 0)
    ioctl (to_pty, TIOCSWINSZ, &ws);
}

int
runo_terminal_relay (int master_fd, pid_t pid, const sigset_t *forwarded,
                     int *exit_status, runo_error **err)
{
  cleanup_close int sfd = signalfd (-1, forwarded, SFD_CLOEXEC);
  bool stdin_open = true, output_open = true, raw = false;
  struct termios saved;
  int status = 0;
  bool exited = false;

  if (sfd < 0)
    return runo_error_errno (err, "signalfd");
  if (isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      struct termios t = saved;

      cfmakeraw (&t);
      raw = tcsetattr (STDIN_FILENO, TCSANOW, &t) == 0;
      copy_window_size (STDIN_FILENO, master_fd);
    }
  /* The container's output is read until the pty closes, after its
     process exits, so nothing it wrote last is lost. */
  while (output_open)
    {
      struct pollfd fds[3] = { { master_fd, POLLIN, 0 },
                               { sfd, POLLIN, 0 },
                               { stdin_open ? STDIN_FILENO : -1, POLLIN, 0 } };

      if (poll (fds, 3, exited ? 100 : -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        output_open = relay_chunk (master_fd, STDOUT_FILENO);
      else if (exited)
        break; /* quiet after exit: nobody else holds the pty */
      if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
        stdin_open = relay_chunk (STDIN_FILENO, master_fd);
      if (fds[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;

          if (read (sfd, &si, sizeof (si)) == sizeof (si))
            {
              if (si.ssi_signo == SIGWINCH)
                copy_window_size (STDIN_FILENO, master_fd);
              else if (si.ssi_signo != SIGCHLD)
                kill (pid, (int)si.ssi_signo);
            }
        }
      if (!exited && waitpid (pid, &status, WNOHANG) == pid)
        exited = true;
    }
  if (!exited)
    while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
      ;
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  *exit_status = WIFEXITED (status)     ? WEXITSTATUS (status)
                 : WIFSIGNALED (status) ? 128 + WTERMSIG (status)
                                        : 1;
  return 0;
}
