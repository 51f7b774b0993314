/* Unit tests for log lines (src/libruno/log.c): the JSON form is what
   containerd and Podman parse, so its exact shape matters. */
#include <config.h>

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libruno/log.h"
#include "libruno/utils.h"

static const char *
tree_str (yajl_val tree, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (tree, path, yajl_t_string);
  return v ? YAJL_GET_STRING (v) : NULL;
}

START_TEST (json_line_is_one_object_per_line)
{
  cleanup_free char *line = runo_log_format_line (
      RUNO_LOG_FORMAT_JSON, RUNO_LOG_ERROR, "create: \"quoted\"\nsecond line\\",
      "2026-01-02T03:04:05.000000006Z");
  yajl_val tree;
  size_t len;

  ck_assert_ptr_nonnull (line);
  len = strlen (line);
  ck_assert_int_gt (len, 1);
  ck_assert_int_eq (line[len - 1], '\n');
  ck_assert_ptr_null (memchr (line, '\n', len - 1));
  tree = yajl_tree_parse (line, NULL, 0);
  ck_assert_ptr_nonnull (tree);
  ck_assert_str_eq (tree_str (tree, "level"), "error");
  ck_assert_str_eq (tree_str (tree, "msg"),
                    "create: \"quoted\"\nsecond line\\");
  ck_assert_str_eq (tree_str (tree, "time"), "2026-01-02T03:04:05.000000006Z");
  yajl_tree_free (tree);
}
END_TEST

START_TEST (text_line_is_logrus_like)
{
  cleanup_free char *line = runo_log_format_line (
      RUNO_LOG_FORMAT_TEXT, RUNO_LOG_WARNING, "a \"b\"\nc", "T");

  ck_assert_str_eq (line, "time=\"T\" level=warning msg=\"a \\\"b\\\"\\nc\"\n");
}
END_TEST

START_TEST (error_goes_to_log_file_and_stderr)
{
  char path[] = "/tmp/runo-test-log-XXXXXX";
  int fd = mkstemp (path);
  runo_context ctx = { .log_fd = -1,
                       .log_format = RUNO_LOG_FORMAT_JSON,
                       .command = "state",
                       .log_path = path };
  runo_error *err = NULL;
  cleanup_free char *data = NULL;
  runo_error *rerr = NULL;
  yajl_val tree;

  ck_assert_int_ge (fd, 0);
  close (fd);
  ck_assert_int_eq (runo_log_open (&ctx, &err), 0);
  runo_error_make (&err, 0, "container `x` does not exist");
  runo_log_error (&ctx, &err);
  ck_assert_ptr_null (err);
  runo_log_close (&ctx);
  ck_assert_int_eq (runo_read_file_at (AT_FDCWD, path, 0, &data, NULL, &rerr),
                    0);
  unlink (path);
  tree = yajl_tree_parse (data, NULL, 0);
  ck_assert_ptr_nonnull (tree);
  ck_assert_str_eq (tree_str (tree, "msg"),
                    "state: container `x` does not exist");
  yajl_tree_free (tree);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("log");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, json_line_is_one_object_per_line);
  tcase_add_test (tc, text_line_is_logrus_like);
  tcase_add_test (tc, error_goes_to_log_file_and_stderr);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
