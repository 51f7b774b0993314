/* Unit tests for the container's pty (src/libruno/terminal.c).  The setup
   test replaces the stdio and the session of its (forked) test process;
   the console socket lives in a temporary directory. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "libruno/terminal.h"
#include "libruno/utils.h"

static char dir_template[] = "/tmp/runo-test-terminal-XXXXXX";
static char *dir;
static char socket_path[128];

static void
setup (void)
{
  strcpy (dir_template, "/tmp/runo-test-terminal-XXXXXX");
  dir = mkdtemp (dir_template);
  ck_assert_ptr_nonnull (dir);
  snprintf (socket_path, sizeof (socket_path), "%s/console.sock", dir);
}

static void
teardown (void)
{
  unlink (socket_path);
  ck_assert_int_eq (rmdir (dir), 0);
}

static int
listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  ck_assert_int_ge (fd, 0);
  strcpy (addr.sun_path, path);
  unlink (path);
  ck_assert_int_eq (bind (fd, (struct sockaddr *)&addr, sizeof (addr)), 0);
  ck_assert_int_eq (listen (fd, 1), 0);
  return fd;
}

/* Check makes each test process a group leader, which cannot setsid():
   the terminal checks run in a grandchild (a process like the container's
   init) that reports the line of the first failed check as exit status. */
#define EXPECT(cond)                                                           \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        _exit (__LINE__ % 250 + 1);                                            \
    }                                                                          \
  while (0)

static void
run_in_grandchild (void (*body) (void))
{
  pid_t pid, parent = getpid ();
  int status;

  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent)
        _exit (255);
      body ();
      _exit (0);
    }
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "check failed in the grandchild (status %#x; exit code is "
                 "line %% 250 + 1)",
                 status);
}

/* Read exactly LEN bytes from FD within a few seconds. */
static bool
read_all (int fd, char *buf, size_t len)
{
  size_t done = 0;

  while (done < len)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      ssize_t n;

      if (poll (&pfd, 1, 3000) != 1)
        return false;
      n = read (fd, buf + done, len - done);
      if (n <= 0)
        return false;
      done += n;
    }
  return true;
}

static void
check_setup_with_console_size (void)
{
  runo_error *err = NULL;
  oci_config_process_console_size size = {
    .height = 33, .height_present = true, .width = 111, .width_present = true
  };
  oci_config_process process = { .terminal = true, .console_size = &size };
  struct winsize ws;
  struct termios tio;
  char buf[4];
  int i, master, tty;

  /* Nothing on 0-2, so the pty fds would land there if not moved away. */
  close (STDIN_FILENO);
  master = runo_terminal_setup (&process, &err);
  EXPECT (master > STDERR_FILENO && err == NULL);
  EXPECT (fcntl (master, F_GETFD) & FD_CLOEXEC);
  for (i = STDIN_FILENO; i <= STDERR_FILENO; i++)
    {
      EXPECT (isatty (i));
      EXPECT ((fcntl (i, F_GETFD) & FD_CLOEXEC) == 0);
    }
  EXPECT (getsid (0) == getpid ());
  EXPECT (tcgetsid (STDIN_FILENO) == getpid ());
  tty = open ("/dev/tty", O_RDWR | O_CLOEXEC);
  EXPECT (tty >= 0);
  close (tty);

  EXPECT (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0);
  EXPECT (ws.ws_row == 33 && ws.ws_col == 111);

  /* Raw mode: no echo and no newline translation in the way. */
  EXPECT (tcgetattr (STDIN_FILENO, &tio) == 0);
  cfmakeraw (&tio);
  EXPECT (tcsetattr (STDIN_FILENO, TCSANOW, &tio) == 0);
  EXPECT (write (master, "ping", 4) == 4);
  EXPECT (read_all (STDIN_FILENO, buf, 4) && memcmp (buf, "ping", 4) == 0);
  EXPECT (write (STDOUT_FILENO, "pong", 4) == 4);
  EXPECT (read_all (master, buf, 4) && memcmp (buf, "pong", 4) == 0);
}

START_TEST (setup_makes_the_pty_stdio_and_controlling_terminal)
{
  run_in_grandchild (check_setup_with_console_size);
}
END_TEST

static void
check_setup_without_console_size (void)
{
  runo_error *err = NULL;
  struct winsize ws;
  int master;

  master = runo_terminal_setup (NULL, &err);
  EXPECT (master >= 0 && err == NULL);
  EXPECT (isatty (STDIN_FILENO) && isatty (STDERR_FILENO));
  EXPECT (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0);
  EXPECT (ws.ws_row == 0 && ws.ws_col == 0);
}

START_TEST (setup_without_console_size)
{
  run_in_grandchild (check_setup_without_console_size);
}
END_TEST

START_TEST (setup_rejects_a_console_size_out_of_range)
{
  cleanup_error runo_error *err = NULL;
  oci_config_process_console_size size = {
    .height = 70000, .height_present = true, .width = 80, .width_present = true
  };
  oci_config_process process = { .terminal = true, .console_size = &size };

  ck_assert_int_lt (runo_terminal_setup (&process, &err), 0);
  ck_assert_int_eq (err->errnum, ERANGE);
  ck_assert_str_eq (err->msg, "process.consoleSize: 70000x80");
}
END_TEST

START_TEST (send_master_passes_the_pty_and_its_name)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int listener = -1;
  cleanup_close int conn = -1;
  cleanup_close int master = -1;
  cleanup_close int received = -1;
  char expected_name[64], payload[64] = "";
  union
  {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof (payload) - 1 };
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof (control.buf) };
  struct cmsghdr *cmsg;
  unsigned int ptn_sent, ptn_received;

  listener = listen_unix (socket_path);
  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  ck_assert_int_ge (master, 0);
  ck_assert_int_eq (ptsname_r (master, expected_name, sizeof (expected_name)),
                    0);
  ck_assert_int_eq (ioctl (master, TIOCGPTN, &ptn_sent), 0);

  /* The connection waits in the backlog: no accept needed before. */
  ck_assert_msg (runo_terminal_send_master (socket_path, master, &err) == 0,
                 "%s", err ? runo_error_text (err) : "");
  conn = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  ck_assert_int_ge (conn, 0);
  ck_assert_int_gt (recvmsg (conn, &msg, MSG_CMSG_CLOEXEC), 0);
  cmsg = CMSG_FIRSTHDR (&msg);
  ck_assert_ptr_nonnull (cmsg);
  ck_assert_int_eq (cmsg->cmsg_type, SCM_RIGHTS);
  memcpy (&received, CMSG_DATA (cmsg), sizeof (int));
  ck_assert_str_eq (payload, expected_name);
  ck_assert_int_eq (ioctl (received, TIOCGPTN, &ptn_received), 0);
  ck_assert_uint_eq (ptn_received, ptn_sent);
}
END_TEST

START_TEST (recv_fd_takes_the_sent_master)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int listener = -1;
  cleanup_close int conn = -1;
  cleanup_close int master = -1;
  int received = -1;
  unsigned int ptn_sent, ptn_received;

  listener = listen_unix (socket_path);
  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  ck_assert_int_ge (master, 0);
  ck_assert_int_eq (ioctl (master, TIOCGPTN, &ptn_sent), 0);
  ck_assert_int_eq (runo_terminal_send_master (socket_path, master, &err), 0);
  conn = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  ck_assert_int_ge (conn, 0);
  ck_assert_msg (runo_terminal_recv_fd (conn, &received, &err) == 0, "%s",
                 err ? runo_error_text (err) : "");
  ck_assert_int_ne (fcntl (received, F_GETFD) & FD_CLOEXEC, 0);
  ck_assert_int_eq (ioctl (received, TIOCGPTN, &ptn_received), 0);
  ck_assert_uint_eq (ptn_received, ptn_sent);
  close (received);
}
END_TEST

START_TEST (recv_fd_without_a_descriptor_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  int pair[2], received = -1;

  ck_assert_int_eq (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair),
                    0);
  ck_assert_int_eq (write (pair[0], "x", 1), 1);
  ck_assert_int_lt (runo_terminal_recv_fd (pair[1], &received, &err), 0);
  ck_assert_str_eq (err->msg,
                    "receive a file descriptor: no descriptor in the message");
  ck_assert_int_eq (received, -1);
  close (pair[0]);
  close (pair[1]);
}
END_TEST

START_TEST (send_master_to_a_missing_socket_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;
  cleanup_free char *expected = NULL;
  cleanup_free char *missing = runo_xasprintf ("%s/missing.sock", dir);

  ck_assert_int_lt (runo_terminal_send_master (missing, 0, &err), 0);
  text = runo_error_text (err);
  expected = runo_xasprintf (
      "console socket `%s`: connect: No such file or directory", missing);
  ck_assert_str_eq (text, expected);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("terminal");
  TCase *tc = tcase_create ("pty");
  SRunner *sr;
  int failed;

  /* Unchecked: the directory is made and removed by the runner itself, so
     it goes away even when a test fails. */
  tcase_add_unchecked_fixture (tc, setup, teardown);
  tcase_add_test (tc, setup_makes_the_pty_stdio_and_controlling_terminal);
  tcase_add_test (tc, setup_without_console_size);
  tcase_add_test (tc, setup_rejects_a_console_size_out_of_range);
  tcase_add_test (tc, send_master_passes_the_pty_and_its_name);
  tcase_add_test (tc, recv_fd_takes_the_sent_master);
  tcase_add_test (tc, recv_fd_without_a_descriptor_is_an_error);
  tcase_add_test (tc, send_master_to_a_missing_socket_is_an_error);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  /* setup replaces the session and stdio of the test process. */
  srunner_set_fork_status (sr, CK_FORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
