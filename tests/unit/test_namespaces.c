/* Unit tests for linux.namespaces handling (src/libruno/namespaces.c) and
   the id map format (src/libruno/userns.c). */
#include <config.h>

#include <check.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libruno/namespaces.h"
#include "libruno/userns.h"
#include "libruno/utils.h"
#include "ocispec.h"

static oci_config *
config_with (const char *namespaces_json)
{
  cleanup_free char *doc = runo_xasprintf (
      "{\"ociVersion\":\"1.3.0\",\"linux\":{\"namespaces\":%s}}",
      namespaces_json);
  char *perr = NULL;
  oci_config *c = oci_config_parse_data (doc, strlen (doc), "t", &perr);

  ck_assert_msg (c != NULL, "%s", perr ? perr : "");
  return c;
}

static void
assert_open_fails (const char *json, const char *message)
{
  oci_config *c = config_with (json);
  cleanup_error runo_error *err = NULL;
  runo_namespaces ns;
  int i;

  ck_assert_int_lt (runo_namespaces_open (c->linux_, &ns, &err), 0);
  ck_assert_msg (strstr (err->msg, message) != NULL, "[%s] lacks [%s]",
                 err->msg, message);
  for (i = 0; i < RUNO_NS_COUNT; i++)
    ck_assert_int_eq (ns.join_fds[i], -1);
  oci_config_free (c);
}

START_TEST (new_namespaces_become_clone_flags)
{
  oci_config *c = config_with ("[{\"type\":\"pid\"},{\"type\":\"network\"},"
                               "{\"type\":\"mount\"},{\"type\":\"user\"},"
                               "{\"type\":\"time\"}]");
  cleanup_error runo_error *err = NULL;
  runo_namespaces ns;

  ck_assert_int_eq (runo_namespaces_open (c->linux_, &ns, &err), 0);
  ck_assert_int_eq (ns.new_flags, CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS
                                      | CLONE_NEWUSER | CLONE_NEWTIME);
  ck_assert (ns.present[RUNO_NS_PID] && !ns.present[RUNO_NS_UTS]);
  runo_namespaces_close (&ns);
  oci_config_free (c);
}
END_TEST

START_TEST (paths_are_checked)
{
  assert_open_fails ("[{\"type\":\"pid\"},{\"type\":\"pid\"}]",
                     "linux.namespaces[1]: duplicate namespace type `pid`");
  assert_open_fails ("[{\"type\":\"network\",\"path\":\"/etc/hostname\"}]",
                     "namespace path `/etc/hostname` is not a namespace");
  assert_open_fails ("[{\"type\":\"network\",\"path\":\"/proc/self/ns/uts\"}]",
                     "`/proc/self/ns/uts` is not a network namespace");
  assert_open_fails ("[{\"type\":\"ipc\",\"path\":\"/no/such\"}]",
                     "linux.namespaces[0]: open `/no/such`");
}
END_TEST

/* Joining by path: this test process leaves a new uts namespace of its
   own for the one it came from (Check runs it in a child). */
START_TEST (join_enters_the_namespace_given)
{
  oci_config *c
      = config_with ("[{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}]");
  cleanup_error runo_error *err = NULL;
  char before[256], after[256];
  runo_namespaces ns;

  ck_assert_int_eq (gethostname (before, sizeof (before)), 0);
  ck_assert_int_eq (runo_namespaces_open (c->linux_, &ns, &err), 0);
  ck_assert_int_eq (ns.new_flags, 0);
  ck_assert_int_ge (ns.join_fds[RUNO_NS_UTS], 0);
  ck_assert_int_eq (unshare (CLONE_NEWUTS), 0);
  ck_assert_int_eq (sethostname ("runo-test-elsewhere", 19), 0);
  ck_assert_int_eq (runo_namespaces_join (&ns, &err), 0);
  ck_assert_int_eq (ns.join_fds[RUNO_NS_UTS], -1);
  ck_assert_int_eq (gethostname (after, sizeof (after)), 0);
  ck_assert_str_eq (after, before);
  oci_config_free (c);
}
END_TEST

START_TEST (id_maps_are_formatted_for_the_kernel)
{
  oci_id_mapping a = { 0, true, 100000, true, 65536, true };
  oci_id_mapping b = { 65536, true, 4294967295u, true, 1, true };
  oci_id_mapping *maps[] = { &a, &b };
  cleanup_free char *text = runo_userns_format_map (maps, 2);

  ck_assert_str_eq (text, "0 100000 65536\n65536 4294967295 1\n");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("namespaces");
  TCase *tc = tcase_create ("core");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, new_namespaces_become_clone_flags);
  tcase_add_test (tc, paths_are_checked);
  tcase_add_test (tc, join_enters_the_namespace_given);
  tcase_add_test (tc, id_maps_are_formatted_for_the_kernel);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
