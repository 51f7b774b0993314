/* Unit tests for mount option parsing and in-root path resolution
   (src/libruno/mounts.c).  No mount is made here: see test_rootfs.c. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libruno/mounts.h"
#include "libruno/utils.h"

/* Parse OPTIONS (NULL-terminated) for a mount of TYPE. */
static int
parse (const char *type, const char *const *options, runo_mount_options *o,
       runo_error **err)
{
  oci_mount m = { 0 };
  size_t n = 0;

  while (options[n])
    n++;
  m.type = (char *)type;
  m.destination = (char *)"/x";
  m.options = (char **)options;
  m.options_len = n;
  return runo_mount_options_parse (&m, o, err);
}

START_TEST (flags_and_data)
{
  cleanup_error runo_error *err = NULL;
  runo_mount_options o;
  const char *opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
                         "ro",     "nodev",       "noexec",   NULL };

  ck_assert_int_eq (parse ("tmpfs", opts, &o, &err), 0);
  ck_assert (
      o.flags
      == (MS_NOSUID | MS_STRICTATIME | MS_RDONLY | MS_NODEV | MS_NOEXEC));
  ck_assert_str_eq (o.data, "mode=755,size=65536k");
  ck_assert (!o.bind);
  ck_assert (!o.recursive);
  runo_mount_options_free (&o);
}
END_TEST

START_TEST (later_options_win)
{
  cleanup_error runo_error *err = NULL;
  runo_mount_options o;
  const char *opts[]
      = { "ro", "nosuid", "rw", "suid", "noatime", "relatime", NULL };

  ck_assert_int_eq (parse ("tmpfs", opts, &o, &err), 0);
  ck_assert (o.flags == MS_RELATIME);
  ck_assert (o.attr_clr & MOUNT_ATTR_RDONLY);
  ck_assert (o.attr_clr & MOUNT_ATTR_NOSUID);
  ck_assert (!(o.attr_set & (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID)));
  ck_assert ((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_RELATIME);
  ck_assert ((o.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME);
  ck_assert_ptr_null (o.data);
  runo_mount_options_free (&o);
}
END_TEST

START_TEST (bind_and_attributes)
{
  cleanup_error runo_error *err = NULL;
  runo_mount_options o;
  const char *opts[]
      = { "rbind", "ro", "nosuid", "rnodev", "rnoexec", "rshared", NULL };
  const char *plain[] = { "ro", NULL };

  ck_assert_int_eq (parse ("none", opts, &o, &err), 0);
  ck_assert (o.bind);
  ck_assert (o.recursive);
  ck_assert (o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  ck_assert (o.rec_attr_set == (MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  ck_assert (o.propagation == MS_SHARED);
  ck_assert (o.propagation_recursive);
  runo_mount_options_free (&o);

  /* type "bind" alone makes a (non-recursive) bind mount */
  ck_assert_int_eq (parse ("bind", plain, &o, &err), 0);
  ck_assert (o.bind);
  ck_assert (!o.recursive);
  runo_mount_options_free (&o);
}
END_TEST

START_TEST (every_spec_option_is_known)
{
  static const char *const names[]
      = { "async",         "atime",        "bind",        "defaults",
          "dev",           "diratime",     "dirsync",     "exec",
          "iversion",      "lazytime",     "loud",        "mand",
          "noatime",       "nodev",        "nodiratime",  "noexec",
          "noiversion",    "nolazytime",   "nomand",      "norelatime",
          "nostrictatime", "nosuid",       "nosymfollow", "private",
          "ratime",        "rbind",        "rdev",        "rdiratime",
          "relatime",      "remount",      "rexec",       "rnoatime",
          "rnodiratime",   "rnoexec",      "rnorelatime", "rnostrictatime",
          "rnosuid",       "rnosymfollow", "ro",          "rprivate",
          "rrelatime",     "rro",          "rrw",         "rshared",
          "rslave",        "rstrictatime", "rsuid",       "rsymfollow",
          "runbindable",   "rw",           "shared",      "silent",
          "slave",         "strictatime",  "suid",        "symfollow",
          "sync",          "tmpcopyup",    "unbindable",  "idmap",
          "ridmap",        "rnodev" };
  size_t i;

  for (i = 0; i < sizeof (names) / sizeof (names[0]); i++)
    {
      cleanup_error runo_error *err = NULL;
      runo_mount_options o;
      const char *opts[] = { "bind", names[i], NULL };

      ck_assert_msg (parse (NULL, opts, &o, &err) == 0, "option %s refused",
                     names[i]);
      ck_assert_msg (o.data == NULL, "option %s taken as data", names[i]);
      runo_mount_options_free (&o);
    }
}
END_TEST

START_TEST (unknown_words)
{
  cleanup_error runo_error *err = NULL;
  runo_mount_options o;
  const char *fs[] = { "nosuid", "frobnicate", "uid=5", NULL };
  const char *bind[] = { "bind", "nosiud", NULL };
  const char *bind_kv[] = { "rbind", "mode=755", NULL };

  /* for a filesystem, unknown words are its own options */
  ck_assert_int_eq (parse ("tmpfs", fs, &o, &err), 0);
  ck_assert_str_eq (o.data, "frobnicate,uid=5");
  runo_mount_options_free (&o);

  /* a bind mount would silently drop them: a typo must not pass */
  ck_assert_int_lt (parse ("none", bind, &o, &err), 0);
  ck_assert_ptr_nonnull (err);
  ck_assert_str_eq (err->msg, "unknown option \"nosiud\"");
  runo_error_release (&err);

  ck_assert_int_eq (parse ("none", bind_kv, &o, &err), 0);
  runo_mount_options_free (&o);
}
END_TEST

START_TEST (idmap_implied_by_mappings)
{
  cleanup_error runo_error *err = NULL;
  runo_mount_options o;
  oci_id_mapping map = { .container_id = 0, .host_id = 1000, .size = 1 };
  oci_id_mapping *maps[] = { &map };
  const char *opts[] = { "bind", NULL };
  oci_mount m = { .destination = (char *)"/x",
                  .options = (char **)opts,
                  .options_len = 1,
                  .uid_mappings = maps,
                  .uid_mappings_len = 1 };

  ck_assert_int_eq (runo_mount_options_parse (&m, &o, &err), 0);
  ck_assert (o.idmap);
  runo_mount_options_free (&o);
}
END_TEST

START_TEST (clean_paths)
{
  static const char *const cases[][2] = {
    { "/", "" },           { "", "" },
    { "/proc", "proc" },   { "proc", "proc" },
    { "//a///b/", "a/b" }, { "/a/./b/.", "a/b" },
    { "/a/../b", "b" },    { "/../../etc", "etc" },
    { "../..", "" },       { "/a/b/c/../../d", "a/d" },
  };
  size_t i;

  for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      cleanup_free char *c = runo_clean_container_path (cases[i][0]);
      ck_assert_msg (strcmp (c, cases[i][1]) == 0, "`%s` -> `%s`, want `%s`",
                     cases[i][0], c, cases[i][1]);
    }
}
END_TEST

static int
remove_entry (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove (path);
}

static char *
fd_path (int fd)
{
  char link[64], target[4096];
  ssize_t n;

  snprintf (link, sizeof (link), "/proc/self/fd/%d", fd);
  n = readlink (link, target, sizeof (target) - 1);
  ck_assert_int_gt (n, 0);
  target[n] = '\0';
  return runo_xstrdup (target);
}

/* Made and removed by the parent (unchecked fixture): removal happens
   even when the test fails. */
static char base_template[] = "/tmp/runo-test-mounts-XXXXXX";
static char *base;

static void
make_base (void)
{
  base = mkdtemp (base_template);
}

static void
remove_base (void)
{
  if (base)
    nftw (base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

START_TEST (resolve_stays_in_root)
{
  cleanup_free char *root = NULL;
  cleanup_free char *path = NULL;
  cleanup_free char *want = NULL;
  cleanup_error runo_error *err = NULL;
  int rootfd, fd;
  struct stat st;

  ck_assert_ptr_nonnull (base);
  root = runo_xasprintf ("%s/root", base);
  ck_assert_int_eq (mkdir (root, 0755), 0);
  path = runo_xasprintf ("%s/up", root);
  ck_assert_int_eq (symlink ("../../../../..", path), 0);
  free (path);
  path = runo_xasprintf ("%s/abs", root);
  ck_assert_int_eq (symlink (base, path), 0);
  free (path);
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  ck_assert_int_ge (rootfd, 0);

  /* missing, no creation: ENOENT and no error object */
  errno = 0;
  ck_assert_int_lt (runo_resolve_in_root (rootfd, "/nope/x",
                                          RUNO_RESOLVE_NO_CREATE, false, &err),
                    0);
  ck_assert_int_eq (errno, ENOENT);
  ck_assert_ptr_null (err);

  /* ".." through a symlink stops at the root */
  fd = runo_resolve_in_root (rootfd, "/up/new/dir", RUNO_RESOLVE_CREATE_DIR,
                             false, &err);
  ck_assert_int_ge (fd, 0);
  path = fd_path (fd);
  want = runo_xasprintf ("%s/new/dir", root);
  ck_assert_str_eq (path, want);
  close (fd);
  free (path);
  free (want);

  /* an absolute symlink to the host's base dir lands inside the root */
  fd = runo_resolve_in_root (rootfd, "abs/file", RUNO_RESOLVE_CREATE_FILE,
                             false, &err);
  ck_assert_int_ge (fd, 0);
  path = fd_path (fd);
  want = runo_xasprintf ("%s%s/file", root, base);
  ck_assert_str_eq (path, want);
  ck_assert_int_eq (fstat (fd, &st), 0);
  ck_assert (S_ISREG (st.st_mode));
  close (fd);
  free (path);
  path = runo_xasprintf ("%s/file", base);
  ck_assert_int_ne (access (path, F_OK), 0);

  /* no_symlinks refuses them */
  ck_assert_int_lt (
      runo_resolve_in_root (rootfd, "/abs", RUNO_RESOLVE_NO_CREATE, true, &err),
      0);
  ck_assert_ptr_nonnull (err);
  ck_assert_ptr_nonnull (strstr (err->msg, "must not be a symlink"));

  close (rootfd);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("mounts");
  TCase *tc = tcase_create ("options");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, flags_and_data);
  tcase_add_test (tc, later_options_win);
  tcase_add_test (tc, bind_and_attributes);
  tcase_add_test (tc, every_spec_option_is_known);
  tcase_add_test (tc, unknown_words);
  tcase_add_test (tc, idmap_implied_by_mappings);
  tcase_add_test (tc, clean_paths);
  suite_add_tcase (s, tc);
  tc = tcase_create ("resolve");
  tcase_add_unchecked_fixture (tc, make_base, remove_base);
  tcase_add_test (tc, resolve_stays_in_root);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
