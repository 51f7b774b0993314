/* Unit tests for the capability sets (src/libruno/capabilities.c).  Tests
   that change the process's capabilities rely on Check running each test
   in its own child. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "libruno/capabilities.h"
#include "libruno/utils.h"

#define BIT(n) ((uint64_t)1 << (n))

static oci_config *
parse_config (const char *process_json)
{
  cleanup_free char *json = NULL;
  cleanup_free char *parse_err = NULL;
  oci_config *config;

  json = runo_xasprintf ("{\"ociVersion\": \"1.3.0\", \"process\": %s}",
                         process_json);
  config
      = oci_config_parse_data (json, strlen (json), "config.json", &parse_err);
  ck_assert_msg (config != NULL, "parse: %s", parse_err ? parse_err : "");
  return config;
}

static void
cleanup_config (oci_config **config)
{
  oci_config_free (*config);
}
#define cleanup_config __attribute__ ((cleanup (cleanup_config)))

/* The hexadecimal mask of a /proc/self/status line such as "CapEff:". */
static uint64_t
status_mask (const char *field)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *status = NULL;
  const char *line;
  size_t len;

  ck_assert_int_eq (
      runo_read_file_at (AT_FDCWD, "/proc/self/status", 0, &status, &len, &err),
      0);
  line = strstr (status, field);
  ck_assert_ptr_nonnull (line);
  return strtoull (line + strlen (field), NULL, 16);
}

START_TEST (names_are_the_spec_ones)
{
  int cap = -1;

  ck_assert_int_eq (runo_cap_from_name ("CAP_KILL", &cap), 0);
  ck_assert_int_eq (cap, CAP_KILL);
  ck_assert_int_eq (runo_cap_from_name ("CAP_NET_BIND_SERVICE", &cap), 0);
  ck_assert_int_eq (cap, CAP_NET_BIND_SERVICE);
  ck_assert_int_eq (runo_cap_from_name ("CAP_CHECKPOINT_RESTORE", &cap), 0);
  ck_assert_int_eq (cap, 40);
  /* libcap accepts these; the spec does not. */
  ck_assert_int_lt (runo_cap_from_name ("cap_kill", &cap), 0);
  ck_assert_int_lt (runo_cap_from_name ("CAP_kill", &cap), 0);
  ck_assert_int_lt (runo_cap_from_name ("12", &cap), 0);
  ck_assert_int_lt (runo_cap_from_name ("CAP_", &cap), 0);
  ck_assert_int_lt (runo_cap_from_name ("CAP_FOO", &cap), 0);
  ck_assert_int_lt (runo_cap_from_name (NULL, &cap), 0);
}
END_TEST

START_TEST (unknown_name_is_a_warning)
{
  cleanup_config oci_config *config = parse_config (
      "{\"cwd\": \"/\", \"capabilities\": {\"bounding\": [\"CAP_KILL\","
      " \"CAP_FOO\"], \"permitted\": [\"CAP_FOO\", \"CAP_KILL\"],"
      " \"ambient\": [\"cap_kill\"]}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;
  runo_caps caps;

  ck_assert_int_eq (runo_caps_resolve (config->process->capabilities,
                                       runo_caps_last_cap (), &caps, &warnings,
                                       &err),
                    0);
  ck_assert_ptr_null (err);
  ck_assert_uint_eq (caps.bounding, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.permitted, BIT (CAP_KILL));
  /* Once per name, whatever the number of sets naming it. */
  ck_assert_str_eq (warnings, "capability CAP_FOO unknown, skipped\n"
                              "capability cap_kill unknown, skipped");
}
END_TEST

START_TEST (kernel_unknown_cap_is_a_warning)
{
  cleanup_config oci_config *config = parse_config (
      "{\"cwd\": \"/\", \"capabilities\": {"
      "\"bounding\": [\"CAP_KILL\", \"CAP_CHECKPOINT_RESTORE\"],"
      "\"permitted\": [\"CAP_KILL\", \"CAP_CHECKPOINT_RESTORE\"],"
      "\"effective\": [\"CAP_KILL\"]}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;
  runo_caps caps;

  /* Pretend the kernel stops before CAP_CHECKPOINT_RESTORE (40). */
  ck_assert_int_eq (runo_caps_resolve (config->process->capabilities, 39, &caps,
                                       &warnings, &err),
                    0);
  ck_assert_ptr_null (err);
  ck_assert_uint_eq (caps.bounding, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.permitted, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.effective, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.inheritable, 0);
  ck_assert_uint_eq (caps.ambient, 0);
  ck_assert_ptr_nonnull (warnings);
  /* One line per capability, not one per set. */
  ck_assert_str_eq (warnings, "capability CAP_CHECKPOINT_RESTORE not "
                              "supported by the kernel, skipped");
}
END_TEST

START_TEST (sets_the_kernel_would_refuse_are_warnings)
{
  cleanup_config oci_config *config
      = parse_config ("{\"cwd\": \"/\", \"capabilities\": {"
                      "\"bounding\": [\"CAP_KILL\"],"
                      "\"permitted\": [\"CAP_KILL\"],"
                      "\"effective\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
                      "\"inheritable\": [\"CAP_KILL\", \"CAP_SETUID\"],"
                      "\"ambient\": [\"CAP_KILL\", \"CAP_FOWNER\"]}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;
  runo_caps caps;

  ck_assert_int_eq (runo_caps_resolve (config->process->capabilities,
                                       runo_caps_last_cap (), &caps, &warnings,
                                       &err),
                    0);
  ck_assert_uint_eq (caps.effective, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.inheritable, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.ambient, BIT (CAP_KILL));
  ck_assert_str_eq (warnings,
                    "capability CAP_CHOWN is effective but not permitted, "
                    "skipped\n"
                    "capability CAP_SETUID is inheritable but not in the "
                    "bounding set, skipped\n"
                    "capability CAP_FOWNER is ambient but not both permitted "
                    "and inheritable, skipped");
}
END_TEST

START_TEST (caps_the_runtime_lacks_are_warnings)
{
  cleanup_config oci_config *config
      = parse_config ("{\"cwd\": \"/\", \"capabilities\": {"
                      "\"bounding\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"],"
                      "\"permitted\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"],"
                      "\"effective\": [\"CAP_KILL\", \"CAP_SYS_ADMIN\"]}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;
  runo_caps caps;
  cap_t current = cap_get_proc ();
  cap_value_t sys_admin = CAP_SYS_ADMIN;

  /* This test's child gives up CAP_SYS_ADMIN first. */
  ck_assert_ptr_nonnull (current);
  ck_assert_int_eq (
      cap_set_flag (current, CAP_PERMITTED, 1, &sys_admin, CAP_CLEAR), 0);
  ck_assert_int_eq (
      cap_set_flag (current, CAP_EFFECTIVE, 1, &sys_admin, CAP_CLEAR), 0);
  ck_assert_int_eq (cap_set_proc (current), 0);
  cap_free (current);

  ck_assert_int_eq (runo_caps_resolve (config->process->capabilities,
                                       runo_caps_last_cap (), &caps, &warnings,
                                       &err),
                    0);
  ck_assert_uint_eq (caps.permitted, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.effective, BIT (CAP_KILL));
  ck_assert_uint_eq (caps.bounding, BIT (CAP_KILL) | BIT (CAP_SYS_ADMIN));
  ck_assert_str_eq (warnings, "capability CAP_SYS_ADMIN is not held by the "
                              "runtime, skipped");
}
END_TEST

START_TEST (sets_are_applied)
{
  cleanup_config oci_config *config
      = parse_config ("{\"cwd\": \"/\", \"capabilities\": {"
                      "\"bounding\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
                      "\"permitted\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
                      "\"inheritable\": [\"CAP_NET_BIND_SERVICE\"],"
                      "\"effective\": [\"CAP_KILL\"],"
                      "\"ambient\": [\"CAP_NET_BIND_SERVICE\"]}}");
  cleanup_error runo_error *err = NULL;
  cleanup_free char *warnings = NULL;
  int last_cap = runo_caps_last_cap ();
  runo_caps caps;

  {
    cleanup_free char *kernel = NULL;
    size_t len;

    ck_assert_int_eq (runo_read_file_at (AT_FDCWD,
                                         "/proc/sys/kernel/cap_last_cap", 0,
                                         &kernel, &len, &err),
                      0);
    ck_assert_int_eq (last_cap, atoi (kernel));
  }
  ck_assert_int_eq (runo_caps_resolve (config->process->capabilities, last_cap,
                                       &caps, &warnings, &err),
                    0);
  ck_assert_ptr_null (warnings);
  ck_assert_int_eq (runo_caps_drop_bounding (&caps, last_cap, &err), 0);
  ck_assert_int_eq (runo_caps_apply (&caps, last_cap, &err), 0);

  ck_assert_uint_eq (status_mask ("CapBnd:"),
                     BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE));
  ck_assert_uint_eq (status_mask ("CapPrm:"),
                     BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE));
  ck_assert_uint_eq (status_mask ("CapEff:"), BIT (CAP_KILL));
  ck_assert_uint_eq (status_mask ("CapInh:"), BIT (CAP_NET_BIND_SERVICE));
  ck_assert_uint_eq (status_mask ("CapAmb:"), BIT (CAP_NET_BIND_SERVICE));

  /* Without CAP_SETPCAP the bounding set can no longer shrink (not even an
     already dropped capability, CAP_CHOWN here): the error names it. */
  caps.bounding = BIT (CAP_NET_BIND_SERVICE);
  ck_assert_int_lt (runo_caps_drop_bounding (&caps, last_cap, &err), 0);
  ck_assert_int_eq (err->errnum, EPERM);
  ck_assert_str_eq (err->msg, "drop CAP_CHOWN from the bounding set");
}
END_TEST

START_TEST (ambient_is_cleared_when_not_asked)
{
  cap_t current = cap_get_proc ();
  cap_value_t chown_cap = CAP_CHOWN;
  cleanup_error runo_error *err = NULL;
  runo_caps caps = { .bounding = ~(uint64_t)0,
                     .permitted = BIT (CAP_CHOWN),
                     .effective = BIT (CAP_CHOWN),
                     .inheritable = BIT (CAP_CHOWN) };

  /* Leave an ambient capability behind, as a runtime might. */
  ck_assert_int_eq (
      cap_set_flag (current, CAP_INHERITABLE, 1, &chown_cap, CAP_SET), 0);
  ck_assert_int_eq (cap_set_proc (current), 0);
  cap_free (current);
  ck_assert_int_eq (
      prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0), 0);
  ck_assert_uint_eq (status_mask ("CapAmb:"), BIT (CAP_CHOWN));

  ck_assert_int_eq (runo_caps_apply (&caps, runo_caps_last_cap (), &err), 0);
  ck_assert_uint_eq (status_mask ("CapAmb:"), 0);
  ck_assert_uint_eq (status_mask ("CapPrm:"), BIT (CAP_CHOWN));
}
END_TEST

START_TEST (warnings_accumulate)
{
  cleanup_free char *warnings = NULL;

  runo_warnings_append (&warnings, "one %d", 1);
  runo_warnings_append (&warnings, "two");
  ck_assert_str_eq (warnings, "one 1\ntwo");
  runo_warnings_append (NULL, "ignored");
}
END_TEST

static Suite *
capabilities_suite (void)
{
  Suite *s = suite_create ("capabilities");
  TCase *tc = tcase_create ("core");

  tcase_add_test (tc, names_are_the_spec_ones);
  tcase_add_test (tc, unknown_name_is_a_warning);
  tcase_add_test (tc, kernel_unknown_cap_is_a_warning);
  tcase_add_test (tc, sets_the_kernel_would_refuse_are_warnings);
  tcase_add_test (tc, caps_the_runtime_lacks_are_warnings);
  tcase_add_test (tc, sets_are_applied);
  tcase_add_test (tc, ambient_is_cleared_when_not_asked);
  tcase_add_test (tc, warnings_accumulate);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (capabilities_suite ());
  int failed;

  if (geteuid () != 0)
    {
      fprintf (stderr, "test_capabilities: needs root, skipped\n");
      return 77;
    }
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
