/* Unit tests for running hooks (src/libruno/hooks.c): state on stdin, own
   args and env, exit status, exec failure, timeout. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libruno/hooks.h"
#include "libruno/utils.h"

static char dir_template[] = "/tmp/runo-test-hooks-XXXXXX";
static char *dir;

static void
setup (void)
{
  strcpy (dir_template, "/tmp/runo-test-hooks-XXXXXX");
  dir = mkdtemp (dir_template);
  ck_assert_ptr_nonnull (dir);
}

static void
teardown (void)
{
  cleanup_free char *out = runo_xasprintf ("%s/out", dir);
  unlink (out);
  rmdir (dir);
}

static int
run_sh (const char *script, const char *state, int64_t timeout,
        runo_error **err)
{
  char *args[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };
  cleanup_free char *env0 = runo_xasprintf ("OUT=%s/out", dir);
  char *env[] = { env0, (char *)"HOOK_VAR=set" };
  oci_hook hook = { .path = (char *)"/bin/sh",
                    .args = args,
                    .args_len = 3,
                    .args_present = true,
                    .env = env,
                    .env_len = 2,
                    .env_present = true,
                    .timeout = timeout,
                    .timeout_present = timeout > 0 };
  oci_hook *hooks[] = { &hook };

  return runo_hooks_run (hooks, 1, "test", state, err);
}

START_TEST (hook_gets_state_args_and_only_its_env)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *out = NULL;
  cleanup_free char *path = runo_xasprintf ("%s/out", dir);

  ck_assert_int_eq (run_sh ("{ cat; echo; echo \"$0 $HOOK_VAR ${HOME-unset}\"; "
                            "} > \"$OUT\"",
                            "{\"status\":\"creating\"}", 0, &err),
                    0);
  ck_assert_int_eq (runo_read_file_at (AT_FDCWD, path, 0, &out, NULL, &err), 0);
  ck_assert_str_eq (out, "{\"status\":\"creating\"}\nsh set unset\n");
}
END_TEST

START_TEST (failure_names_the_hook_and_status)
{
  cleanup_error runo_error *err = NULL;

  ck_assert_int_lt (run_sh ("exit 3", "{}", 0, &err), 0);
  ck_assert_str_eq (err->msg, "test hook `/bin/sh`: exited with status 3");
  runo_error_release (&err);
  ck_assert_int_lt (run_sh ("kill -9 $$", "{}", 0, &err), 0);
  ck_assert_str_eq (err->msg, "test hook `/bin/sh`: killed by signal 9");
}
END_TEST

START_TEST (exec_failure_reports_errno)
{
  cleanup_error runo_error *err = NULL;
  oci_hook hook = { .path = (char *)"/no/such/hook" };
  oci_hook *hooks[] = { &hook };

  ck_assert_int_lt (runo_hooks_run (hooks, 1, "prestart", "{}", &err), 0);
  ck_assert_str_eq (err->msg, "prestart hook `/no/such/hook`: exec");
  ck_assert_int_eq (err->errnum, ENOENT);
}
END_TEST

START_TEST (timeout_kills_the_hook)
{
  cleanup_error runo_error *err = NULL;
  struct timespec a, b;

  clock_gettime (CLOCK_MONOTONIC, &a);
  ck_assert_int_lt (run_sh ("sleep 30", "{}", 1, &err), 0);
  clock_gettime (CLOCK_MONOTONIC, &b);
  ck_assert_str_eq (err->msg, "test hook `/bin/sh`: timed out after 1 s");
  ck_assert_int_lt (b.tv_sec - a.tv_sec, 10);
}
END_TEST

START_TEST (hook_not_reading_stdin_is_fine)
{
  cleanup_error runo_error *err = NULL;
  /* More than a pipe holds, to a hook that never reads it. */
  size_t len = 1024 * 1024;
  cleanup_free char *state = runo_xmalloc0 (len + 1);

  memset (state, 'x', len);
  ck_assert_int_eq (run_sh ("exit 0", state, 0, &err), 0);
}
END_TEST

/* The state is written under the timeout too: a hook that neither reads
   its stdin nor exits is killed at its deadline, not waited for. */
START_TEST (timeout_runs_while_the_state_is_written)
{
  cleanup_error runo_error *err = NULL;
  size_t len = 1024 * 1024;
  cleanup_free char *state = runo_xmalloc0 (len + 1);
  struct timespec a, b;

  memset (state, 'x', len);
  clock_gettime (CLOCK_MONOTONIC, &a);
  ck_assert_int_lt (run_sh ("sleep 15", state, 1, &err), 0);
  clock_gettime (CLOCK_MONOTONIC, &b);
  ck_assert_str_eq (err->msg, "test hook `/bin/sh`: timed out after 1 s");
  ck_assert_int_lt (b.tv_sec - a.tv_sec, 10);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("hooks");
  TCase *tc = tcase_create ("run");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 20);
  tcase_add_test (tc, hook_gets_state_args_and_only_its_env);
  tcase_add_test (tc, failure_names_the_hook_and_status);
  tcase_add_test (tc, exec_failure_reports_errno);
  tcase_add_test (tc, timeout_kills_the_hook);
  tcase_add_test (tc, hook_not_reading_stdin_is_fine);
  tcase_add_test (tc, timeout_runs_while_the_state_is_written);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
