/* Unit tests for the runtime/child sync protocol (src/libruno/sync.c):
   framing, payloads, fds, phase checks and error propagation. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libruno/sync.h"
#include "libruno/utils.h"

static int sv[2];

static void
setup (void)
{
  runo_error *err = NULL;

  ck_assert_int_eq (runo_sync_pair (sv, &err), 0);
}

static void
teardown (void)
{
  close (sv[0]);
  close (sv[1]);
}

START_TEST (message_with_payload_and_fd)
{
  cleanup_error runo_error *err = NULL;
  runo_sync_msg msg;
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  struct stat a, b;

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (
      runo_sync_send (sv[1], RUNO_SYNC_PTY_MASTER, 0, "abc", 3, &fd, 1, &err),
      0);
  ck_assert_int_eq (runo_sync_expect (sv[0], RUNO_SYNC_PTY_MASTER, &msg, &err),
                    0);
  ck_assert_int_eq (msg.len, 3);
  ck_assert_str_eq (msg.payload, "abc");
  ck_assert_int_eq (msg.nfds, 1);
  /* The same file, a new descriptor, close-on-exec. */
  ck_assert_int_eq (fstat (fd, &a), 0);
  ck_assert_int_eq (fstat (msg.fds[0], &b), 0);
  ck_assert (a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  ck_assert_int_ne (msg.fds[0], fd);
  ck_assert_int_eq (fcntl (msg.fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  runo_sync_msg_release (&msg);
  close (fd);
}
END_TEST

START_TEST (large_payload_in_order)
{
  cleanup_error runo_error *err = NULL;
  size_t len = 4 * 1024 * 1024, i;
  cleanup_free char *big = runo_xmalloc0 (len);
  runo_sync_msg msg;
  pid_t pid;
  int status;

  for (i = 0; i < len; i++)
    big[i] = (char)('a' + i % 26);
  /* Larger than the socket buffer: the writer must be another process. */
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      runo_error *e = NULL;
      _exit (
          runo_sync_send (sv[1], RUNO_SYNC_HOOKS_DONE, 0, big, len, NULL, 0, &e)
                      == 0
                  && runo_sync_send_type (sv[1], RUNO_SYNC_READY, &e) == 0
              ? 0
              : 1);
    }
  ck_assert_int_eq (runo_sync_expect (sv[0], RUNO_SYNC_HOOKS_DONE, &msg, &err),
                    0);
  ck_assert_int_eq (msg.len, len);
  ck_assert (memcmp (msg.payload, big, len) == 0);
  runo_sync_msg_release (&msg);
  ck_assert_int_eq (runo_sync_expect (sv[0], RUNO_SYNC_READY, &msg, &err), 0);
  ck_assert_ptr_null (msg.payload);
  runo_sync_msg_release (&msg);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_int_eq (status, 0);
}
END_TEST

START_TEST (child_error_becomes_the_error)
{
  runo_error *err = NULL;
  runo_error *child = NULL;
  runo_sync_msg msg;

  runo_error_make (&child, EACCES, "mount `%s`", "/proc");
  runo_sync_report_error (sv[1], &child);
  ck_assert_ptr_null (child);
  ck_assert_int_lt (runo_sync_expect (sv[0], RUNO_SYNC_READY, &msg, &err), 0);
  ck_assert_int_eq (err->errnum, EACCES);
  ck_assert_str_eq (err->msg, "mount `/proc`");
  runo_error_release (&err);
}
END_TEST

START_TEST (unexpected_type_is_a_protocol_error)
{
  cleanup_error runo_error *err = NULL;
  runo_sync_msg msg;

  ck_assert_int_eq (runo_sync_send_type (sv[1], RUNO_SYNC_READY, &err), 0);
  ck_assert_int_lt (runo_sync_expect (sv[0], RUNO_SYNC_MOUNTS_DONE, &msg, &err),
                    0);
  ck_assert_int_eq (err->errnum, EPROTO);
  ck_assert_str_eq (err->msg, "sync: expected mounts done, got ready");
}
END_TEST

START_TEST (closed_peer_and_truncation)
{
  cleanup_error runo_error *err = NULL;
  runo_sync_msg msg;
  const char partial[] = { 1, 0 };

  close (sv[1]);
  sv[1] = open ("/dev/null", O_RDONLY);
  ck_assert_int_lt (runo_sync_expect (sv[0], RUNO_SYNC_READY, &msg, &err), 0);
  ck_assert_str_eq (err->msg, "container process exited unexpectedly "
                              "(waiting for ready)");
  runo_error_release (&err);

  /* A header cut short by the peer's exit. */
  close (sv[0]);
  close (sv[1]);
  ck_assert_int_eq (runo_sync_pair (sv, &err), 0);
  ck_assert_int_eq (write (sv[1], partial, sizeof (partial)), 2);
  close (sv[1]);
  sv[1] = open ("/dev/null", O_RDONLY);
  ck_assert_int_lt (runo_sync_expect (sv[0], RUNO_SYNC_READY, &msg, &err), 0);
  ck_assert_int_eq (err->errnum, EPROTO);
}
END_TEST

START_TEST (clone_sibling_reports_its_pid)
{
  cleanup_error runo_error *err = NULL;
  runo_sync_msg msg;
  pid_t joiner, sibling = 0;
  int status;

  joiner = fork ();
  ck_assert_int_ge (joiner, 0);
  if (joiner == 0)
    {
      runo_error *e = NULL;
      pid_t pid = runo_sync_clone_sibling (0, sv[1], &e);

      if (pid == 0)
        _exit (7); /* the sibling */
      _exit (pid > 0 ? 0 : 1);
    }
  ck_assert_int_eq (runo_sync_expect (sv[0], RUNO_SYNC_INIT_PID, &msg, &err),
                    0);
  ck_assert_int_eq (msg.len, sizeof (pid_t));
  memcpy (&sibling, msg.payload, sizeof (pid_t));
  runo_sync_msg_release (&msg);
  ck_assert_int_eq (waitpid (joiner, &status, 0), joiner);
  ck_assert_int_eq (status, 0);
  /* CLONE_PARENT: the sibling is our child, not the joiner's. */
  ck_assert_int_eq (waitpid (sibling, &status, 0), sibling);
  ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 7);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("sync");
  TCase *tc = tcase_create ("protocol");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, message_with_payload_and_fd);
  tcase_add_test (tc, large_payload_in_order);
  tcase_add_test (tc, child_error_becomes_the_error);
  tcase_add_test (tc, unexpected_type_is_a_protocol_error);
  tcase_add_test (tc, closed_peer_and_truncation);
  tcase_add_test (tc, clone_sibling_reports_its_pid);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
