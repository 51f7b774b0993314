/* Unit tests for the error convention (src/libruno/error.c). */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libruno/error.h"
#include "libruno/utils.h"

START_TEST (make_sets_errno_and_returns_negative)
{
  runo_error *err = NULL;
  cleanup_free char *text = NULL;

  ck_assert_int_lt (runo_error_make (&err, EACCES, "mount `%s`", "/proc"), 0);
  ck_assert_ptr_nonnull (err);
  ck_assert_int_eq (err->errnum, EACCES);
  text = runo_error_text (err);
  ck_assert_str_eq (text, "mount `/proc`: Permission denied");
  runo_error_release (&err);
  ck_assert_ptr_null (err);
}
END_TEST

START_TEST (wrap_adds_context_once)
{
  runo_error *err = NULL;
  cleanup_free char *text = NULL;

  runo_error_make (&err, ENOENT, "open `%s`", "config.json");
  ck_assert_int_lt (runo_error_wrap (&err, "bundle `%s`", "/b"), 0);
  ck_assert_int_lt (runo_error_wrap (&err, "create"), 0);
  text = runo_error_text (err);
  ck_assert_str_eq (text,
                    "create: bundle `/b`: open `config.json`: No such file or "
                    "directory");
  runo_error_release (&err);
}
END_TEST

START_TEST (no_errno_means_no_suffix)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;

  runo_error_make (&err, 0, "container `%s` does not exist", "x");
  text = runo_error_text (err);
  ck_assert_str_eq (text, "container `x` does not exist");
}
END_TEST

START_TEST (first_error_wins)
{
  cleanup_error runo_error *err = NULL;

  runo_error_make (&err, EPERM, "first");
  runo_error_make (&err, EIO, "second");
  ck_assert_str_eq (err->msg, "first");
  ck_assert_int_eq (err->errnum, EPERM);
}
END_TEST

START_TEST (wrap_without_error_is_harmless)
{
  runo_error *err = NULL;

  ck_assert_int_lt (runo_error_wrap (&err, "context"), 0);
  ck_assert_ptr_null (err);
  runo_error_release (&err);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("error");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, make_sets_errno_and_returns_negative);
  tcase_add_test (tc, wrap_adds_context_once);
  tcase_add_test (tc, no_errno_means_no_suffix);
  tcase_add_test (tc, first_error_wins);
  tcase_add_test (tc, wrap_without_error_is_harmless);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
