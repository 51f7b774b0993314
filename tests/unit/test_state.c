/* Unit tests for the state store (src/libruno/state.c), on a temporary
   state root. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libruno/state.h"
#include "libruno/utils.h"

static char root_template[] = "/tmp/runo-test-state-XXXXXX";
static char *root;
static runo_context ctx;

static void
setup (void)
{
  strcpy (root_template, "/tmp/runo-test-state-XXXXXX");
  root = mkdtemp (root_template);
  ck_assert_ptr_nonnull (root);
  ctx = (runo_context){ .state_root = root, .log_fd = -1 };
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
  ck_assert_int_eq (nftw (root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void
assert_id_invalid (const char *id)
{
  cleanup_error runo_error *err = NULL;

  ck_assert_msg (runo_id_validate (id, &err) < 0, "id `%s` accepted", id);
  ck_assert_ptr_nonnull (err);
  ck_assert_ptr_nonnull (strstr (err->msg, "invalid container id"));
}

START_TEST (ids_are_validated)
{
  cleanup_error runo_error *err = NULL;
  char long_id[RUNO_ID_MAX + 2];

  assert_id_invalid ("");
  assert_id_invalid (".");
  assert_id_invalid ("..");
  assert_id_invalid ("a/b");
  assert_id_invalid ("../etc");
  assert_id_invalid ("tab\there");
  assert_id_invalid ("new\nline");
  assert_id_invalid ("sp ace");
  assert_id_invalid ("del\x7f");
  memset (long_id, 'a', sizeof (long_id) - 1);
  long_id[sizeof (long_id) - 1] = '\0';
  assert_id_invalid (long_id);
  long_id[RUNO_ID_MAX] = '\0';
  ck_assert_int_eq (runo_id_validate (long_id, &err), 0);
  ck_assert_int_eq (runo_id_validate ("a-b_c.d:e@f", &err), 0);
  assert_id_invalid ("...");
  assert_id_invalid (".hidden");
  ck_assert_int_eq (runo_id_validate ("a.b..", &err), 0);
}
END_TEST

START_TEST (claim_is_exclusive_and_0700)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = -1;
  struct stat st;

  ck_assert_int_ge (root_fd, 0);
  fd = runo_state_claim (root_fd, "c1", &err);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (fstat (fd, &st), 0);
  ck_assert_int_eq (st.st_mode & 07777, 0700);
  ck_assert_int_lt (runo_state_claim (root_fd, "c1", &err), 0);
  ck_assert_str_eq (err->msg, "container id `c1` already in use");
  runo_error_release (&err);
  ck_assert_int_lt (runo_state_claim (root_fd, "x/y", &err), 0);
  runo_error_release (&err);
  ck_assert_int_lt (runo_state_open (root_fd, "nope", &err), 0);
  ck_assert_str_eq (err->msg, "container `nope` does not exist");
}
END_TEST

START_TEST (root_is_created_0700)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *nested = runo_xasprintf ("%s/a/b", root);
  runo_context c = { .state_root = nested, .log_fd = -1 };
  cleanup_close int fd = -1;
  struct stat st;

  ck_assert_int_lt (runo_state_root_open (&c, false, &err), 0);
  ck_assert_int_eq (err->errnum, ENOENT);
  runo_error_release (&err);
  fd = runo_state_root_open (&c, true, &err);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (fstat (fd, &st), 0);
  ck_assert_int_eq (st.st_mode & 07777, 0700);
}
END_TEST

static runo_state *
sample_state (pid_t pid, unsigned long long start_time)
{
  runo_state *st = runo_xmalloc0 (sizeof (*st));

  st->id = runo_xstrdup ("c1");
  st->pid = pid;
  st->pid_start_time = start_time;
  st->bundle = runo_xstrdup ("/b");
  st->rootfs = runo_xstrdup ("/b/rootfs");
  st->created = runo_xstrdup ("2026-11-22T10:00:00.000000001Z");
  st->cgroup_path = runo_xstrdup ("/runo/c1");
  st->owner = 0;
  st->annotations_len = 2;
  st->annotation_keys = runo_xmalloc0 (2 * sizeof (char *));
  st->annotation_values = runo_xmalloc0 (2 * sizeof (char *));
  st->annotation_keys[0] = runo_xstrdup ("org.example.a");
  st->annotation_values[0] = runo_xstrdup ("\"quoted\"");
  st->annotation_keys[1] = runo_xstrdup ("b");
  st->annotation_values[1] = runo_xstrdup ("");
  return st;
}

START_TEST (write_read_round_trip)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = runo_state_claim (root_fd, "c1", &err);
  cleanup_state runo_state *in = sample_state (12345, 18446744073709551615ULL);
  cleanup_state runo_state *out = NULL;
  struct stat st;

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (runo_state_read (fd, &out, &err), 0);
  ck_assert_ptr_null (out); /* nothing written yet: still creating */
  ck_assert_int_eq (runo_state_status (fd, out), RUNO_STATUS_CREATING);
  ck_assert_int_eq (runo_state_lock (fd, true, &err), 0);
  ck_assert_int_eq (runo_state_write (fd, in, &err), 0);
  ck_assert_int_eq (fstatat (fd, RUNO_STATE_FILE ".tmp", &st, 0), -1);
  ck_assert_int_eq (fstatat (fd, RUNO_STATE_FILE, &st, 0), 0);
  ck_assert_int_eq (st.st_mode & 07777, 0600);
  ck_assert_int_eq (runo_state_read (fd, &out, &err), 0);
  ck_assert_ptr_nonnull (out);
  ck_assert_str_eq (out->id, "c1");
  ck_assert_int_eq (out->pid, 12345);
  ck_assert (out->pid_start_time == 18446744073709551615ULL);
  ck_assert_str_eq (out->bundle, "/b");
  ck_assert_str_eq (out->rootfs, "/b/rootfs");
  ck_assert_str_eq (out->created, "2026-11-22T10:00:00.000000001Z");
  ck_assert_str_eq (out->cgroup_path, "/runo/c1");
  ck_assert_int_eq (out->annotations_len, 2);
  ck_assert_str_eq (out->annotation_keys[0], "org.example.a");
  ck_assert_str_eq (out->annotation_values[0], "\"quoted\"");
  ck_assert_str_eq (out->annotation_keys[1], "b");
  ck_assert_str_eq (out->annotation_values[1], "");
}
END_TEST

START_TEST (corrupt_state_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = runo_state_claim (root_fd, "c1", &err);
  cleanup_state runo_state *out = NULL;

  ck_assert_int_eq (runo_write_file_atomic_at (fd, RUNO_STATE_FILE,
                                               "{\"id\":", 6, 0600, &err),
                    0);
  ck_assert_int_lt (runo_state_read (fd, &out, &err), 0);
  ck_assert_ptr_nonnull (strstr (err->msg, "corrupt"));
}
END_TEST

static void
assert_state_rejected (const char *json)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = runo_state_claim (root_fd, "v", &err);
  cleanup_state runo_state *out = NULL;

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (runo_write_file_atomic_at (fd, RUNO_STATE_FILE, json,
                                               strlen (json), 0600, &err),
                    0);
  ck_assert_msg (runo_state_read (fd, &out, &err) < 0, "accepted: %s", json);
  ck_assert_ptr_nonnull (strstr (err->msg, "corrupt"));
  runo_error_release (&err);
  ck_assert_int_eq (runo_state_remove (root_fd, "v", &err), 0);
}

#define BASE                                                                   \
  "\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"created\":\"t\",\"owner\":0"

START_TEST (read_back_values_are_validated)
{
  assert_state_rejected ("{\"id\":\"v\",\"pid\":4294967297,"
                         "\"pidStartTime\":\"5\"," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":1,\"pidStartTime\":\"5\"," BASE
                         "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":-3,\"pidStartTime\":\"5\"," BASE
                         "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"0\"," BASE
                         "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"5x\"," BASE
                         "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":"
                         "\"18446744073709551616\"," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"5\","
                         "\"cgroupPath\":\"/a/../..\"," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"5\","
                         "\"cgroupPath\":\"memory:/a;cpu:x\"," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"5\","
                         "\"cgroupOwned\":1," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"pid\":7,\"pidStartTime\":\"5\","
                         "\"creating\":true," BASE "}");
  assert_state_rejected ("{\"id\":\"v\",\"a\":[[[[[[[[[[[[]]]]]]]]]]]],"
                         "\"pid\":7,\"pidStartTime\":\"5\"," BASE "}");
}
END_TEST

START_TEST (deep_nesting_is_refused_without_a_crash)
{
  size_t depth = 2000000, i;
  char *json = runo_xmalloc0 (2 * depth + 16);

  strcpy (json, "{\"a\":");
  for (i = 0; i < depth; i++)
    json[5 + i] = '[';
  for (i = 0; i < depth; i++)
    json[5 + depth + i] = ']';
  strcpy (json + 5 + 2 * depth, "}");
  assert_state_rejected (json);
  free (json);
}
END_TEST

START_TEST (remove_takes_a_state_json_that_is_a_directory)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = runo_state_claim (root_fd, "d", &err);
  struct stat st;

  ck_assert_int_eq (mkdirat (fd, RUNO_STATE_FILE, 0700), 0);
  ck_assert_int_eq (mkdirat (fd, RUNO_STATE_FILE "/sub", 0700), 0);
  ck_assert_int_eq (runo_state_remove (root_fd, "d", &err), 0);
  ck_assert_int_eq (fstatat (root_fd, "d", &st, 0), -1);
}
END_TEST

START_TEST (remove_deletes_everything)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_state runo_state *in = sample_state (1, 1);
  int fd = runo_state_claim (root_fd, "c1", &err);
  struct stat st;

  ck_assert_int_eq (runo_state_write (fd, in, &err), 0);
  ck_assert_int_eq (mkfifoat (fd, RUNO_EXEC_FIFO, 0600), 0);
  close (fd);
  ck_assert_int_eq (runo_state_remove (root_fd, "c1", &err), 0);
  ck_assert_int_eq (fstatat (root_fd, "c1", &st, 0), -1);
  ck_assert_int_eq (errno, ENOENT);
  /* Removing what is gone is not an error (delete after a crash). */
  ck_assert_int_eq (runo_state_remove (root_fd, "c1", &err), 0);
}
END_TEST

static pid_t
spawn_sleeper (void)
{
  pid_t pid = fork ();

  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      /* Dies with the test even when an assertion ends it early. */
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      pause ();
      _exit (0);
    }
  return pid;
}

START_TEST (status_follows_the_live_process)
{
  cleanup_error runo_error *err = NULL;
  cleanup_close int root_fd = runo_state_root_open (&ctx, true, &err);
  cleanup_close int fd = runo_state_claim (root_fd, "c1", &err);
  cleanup_state runo_state *st = NULL;
  unsigned long long start_time;
  bool zombie;
  pid_t pid = spawn_sleeper ();

  ck_assert_int_eq (runo_proc_start_time (pid, &start_time, &zombie, &err), 0);
  ck_assert (!zombie);
  st = sample_state (pid, start_time);

  ck_assert_int_eq (mkfifoat (fd, RUNO_EXEC_FIFO, 0600), 0);
  ck_assert_int_eq (runo_state_status (fd, st), RUNO_STATUS_CREATED);
  ck_assert_int_eq (unlinkat (fd, RUNO_EXEC_FIFO, 0), 0);
  ck_assert_int_eq (runo_state_status (fd, st), RUNO_STATUS_RUNNING);

  /* Same pid, other start time: the pid was reused, the container is gone. */
  st->pid_start_time = start_time + 1;
  ck_assert_int_eq (runo_state_status (fd, st), RUNO_STATUS_STOPPED);
  st->pid_start_time = start_time;

  /* A zombie init has exited. */
  kill (pid, SIGKILL);
  {
    siginfo_t info;
    ck_assert_int_eq (waitid (P_PID, pid, &info, WEXITED | WNOWAIT), 0);
  }
  ck_assert_int_eq (runo_state_status (fd, st), RUNO_STATUS_STOPPED);
  waitpid (pid, NULL, 0);
  ck_assert_int_eq (runo_state_status (fd, st), RUNO_STATUS_STOPPED);
}
END_TEST

START_TEST (state_json_shape)
{
  cleanup_state runo_state *st = sample_state (42, 1);
  cleanup_free char *json
      = runo_state_to_json (st, "c1", RUNO_STATUS_RUNNING, false);
  yajl_val tree = yajl_tree_parse (json, NULL, 0);
  const char *status_path[] = { "status", NULL };
  const char *pid_path[] = { "pid", NULL };
  const char *ann_path[] = { "annotations", "org.example.a", NULL };
  cleanup_free char *stopped = NULL;

  ck_assert_ptr_nonnull (tree);
  ck_assert_str_eq (
      YAJL_GET_STRING (yajl_tree_get (tree, status_path, yajl_t_string)),
      "running");
  ck_assert_int_eq (
      YAJL_GET_INTEGER (yajl_tree_get (tree, pid_path, yajl_t_number)), 42);
  ck_assert_str_eq (
      YAJL_GET_STRING (yajl_tree_get (tree, ann_path, yajl_t_string)),
      "\"quoted\"");
  yajl_tree_free (tree);

  /* A stopped container does not report a pid that may be someone else's. */
  stopped = runo_state_to_json (st, "c1", RUNO_STATUS_STOPPED, false);
  tree = yajl_tree_parse (stopped, NULL, 0);
  ck_assert_int_eq (
      YAJL_GET_INTEGER (yajl_tree_get (tree, pid_path, yajl_t_number)), 0);
  yajl_tree_free (tree);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("state");
  TCase *tc = tcase_create ("store");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, ids_are_validated);
  tcase_add_test (tc, claim_is_exclusive_and_0700);
  tcase_add_test (tc, root_is_created_0700);
  tcase_add_test (tc, write_read_round_trip);
  tcase_add_test (tc, corrupt_state_is_an_error);
  tcase_add_test (tc, read_back_values_are_validated);
  tcase_add_test (tc, deep_nesting_is_refused_without_a_crash);
  tcase_add_test (tc, remove_takes_a_state_json_that_is_a_directory);
  tcase_add_test (tc, remove_deletes_everything);
  tcase_add_test (tc, status_follows_the_live_process);
  tcase_add_test (tc, state_json_shape);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
