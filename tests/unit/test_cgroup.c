/* Unit tests for the cgroup module (src/libruno/cgroup*.c): layout
   detection, paths and file writing on fake trees laid out like v1, v2 and
   hybrid hosts (control files are regular files there), then the real
   thing on this machine's hierarchies with a cgroup named after the test
   process, removed in every case. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libruno/cgroup.h"
#include "libruno/cgroup_internal.h" /* the weight conversions */
#include "libruno/devices.h"
#include "libruno/utils.h"

/* Created by the parent (unchecked fixture) so that it is removed even
   when a test dies half way. */
static char base_template[] = "/tmp/runo-test-cgroup-XXXXXX";
static char *base;
static char real_name[64];

/* ----- helpers --------------------------------------------------------------
 */

static char *xpath (const char *root, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
static char *
xpath (const char *root, const char *fmt, ...)
{
  char *rel, *full;
  va_list ap;

  va_start (ap, fmt);
  ck_assert_int_ge (vasprintf (&rel, fmt, ap), 0);
  va_end (ap);
  full = runo_xasprintf ("%s/%s", root, rel);
  free (rel);
  return full;
}

static void
mkdirs (const char *root, const char *rel)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *p = xpath (root, "%s", rel);

  ck_assert_msg (runo_mkdir_p (p, 0755, &err) == 0, "mkdir %s", p);
}

/* Create ROOT/REL with CONTENT (its directory too). */
static void
put (const char *root, const char *rel, const char *content)
{
  cleanup_free char *p = xpath (root, "%s", rel);
  cleanup_free char *dir = runo_xstrdup (p);
  FILE *f;

  *strrchr (dir, '/') = '\0';
  mkdirs ("", dir + 1);
  f = fopen (p, "w");
  ck_assert_msg (f != NULL, "create %s", p);
  fputs (content, f);
  fclose (f);
}

/* Content of ROOT/REL without its trailing newline. */
static char *
get (const char *root, const char *rel)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *p = xpath (root, "%s", rel);
  char *text = NULL;
  size_t len = 0;

  ck_assert_msg (runo_read_file_at (AT_FDCWD, p, 0, &text, &len, &err) == 0,
                 "read %s", p);
  while (len > 0 && text[len - 1] == '\n')
    text[--len] = '\0';
  return text;
}

#define ASSERT_FILE(root, rel, expected)                                       \
  do                                                                           \
    {                                                                          \
      cleanup_free char *got_ = get (root, rel);                               \
      ck_assert_msg (strcmp (got_, expected) == 0, "%s: `%s`, want `%s`", rel, \
                     got_, expected);                                          \
    }                                                                          \
  while (0)

#define ASSERT_ERROR(err, text)                                                \
  do                                                                           \
    {                                                                          \
      ck_assert_ptr_nonnull (err);                                             \
      ck_assert_msg (strstr ((err)->msg, text) != NULL,                        \
                     "error `%s` lacks `%s`", (err)->msg, text);               \
      runo_error_release (&(err));                                             \
    }                                                                          \
  while (0)

static char *
new_root (void)
{
  char *t = runo_xasprintf ("%s/tree-XXXXXX", base);

  ck_assert_ptr_nonnull (mkdtemp (t));
  return t;
}

static const char *const v1_mounts[][2] = {
  { "cpu,cpuacct", "rw,cpu,cpuacct" },
  { "cpuset", "rw,cpuset" },
  { "memory", "rw,memory" },
  { "devices", "rw,devices" },
  { "freezer", "rw,freezer" },
  { "blkio", "rw,blkio" },
  { "pids", "rw,pids" },
  { "systemd", "rw,xattr,name=systemd" },
};
#define N_V1 (sizeof (v1_mounts) / sizeof (v1_mounts[0]))

/* A fake host: mountinfo (with unrelated mounts and optional fields),
   /proc/self/cgroup, the mount points. */
static char *
fake_host (bool v1, bool v2)
{
  char *root = new_root ();
  cleanup_free char *mi = runo_xstrdup (
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - tmpfs tmpfs rw\n");
  cleanup_free char *self = runo_xstrdup ("");
  size_t i;

  if (v1)
    for (i = 0; i < N_V1; i++)
      {
        char *line = runo_xasprintf (
            "%s%zu 30 0:%zu / /sys/fs/cgroup/%s rw,nosuid "
            "shared:%zu - cgroup cgroup %s\n",
            mi, 40 + i, 40 + i, v1_mounts[i][0], 10 + i, v1_mounts[i][1]);
        char *sline = runo_xasprintf (
            "%s%zu:%s:%s\n", self, N_V1 - i,
            strcmp (v1_mounts[i][0], "systemd") == 0 ? "name=systemd"
                                                     : v1_mounts[i][0],
            strcmp (v1_mounts[i][0], "memory") == 0 ? "/mem/slice" : "/user");
        free (mi);
        free (self);
        mi = line;
        self = sline;
        {
          cleanup_free char *dir
              = runo_xasprintf ("sys/fs/cgroup/%s", v1_mounts[i][0]);
          mkdirs (root, dir);
        }
      }
  if (v2)
    {
      const char *where = v1 ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
      char *line = runo_xasprintf ("%s50 30 0:50 / %s rw shared:9 - cgroup2 "
                                   "cgroup2 rw,nsdelegate\n",
                                   mi, where);
      char *sline = runo_xasprintf ("%s0::/user.slice/session\n", self);
      cleanup_free char *ctl
          = runo_xasprintf ("%s/cgroup.controllers", where + 1);
      cleanup_free char *sub
          = runo_xasprintf ("%s/cgroup.subtree_control", where + 1);

      free (mi);
      free (self);
      mi = line;
      self = sline;
      put (root, ctl, v1 ? "hugetlb\n" : "cpuset cpu io memory hugetlb pids\n");
      put (root, sub, "");
    }
  put (root, "mountinfo", mi);
  put (root, "self-cgroup", self);
  return root;
}

static runo_cgroup *
fake_new (const char *root, const char *cgroups_path, runo_error **err)
{
  cleanup_free char *mi = xpath (root, "mountinfo");
  cleanup_free char *self = xpath (root, "self-cgroup");
  runo_cgroup *cg = NULL;

  if (runo_cgroup_new (root, mi, self, cgroups_path, "c1", false, &cg, err) < 0)
    return NULL;
  return cg;
}

static oci_config_linux_resources *
parse_resources (const char *json)
{
  cleanup_free char *doc = runo_xasprintf (
      "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":%s}}", json);
  oci_config *config = NULL;
  oci_config_linux_resources *res;
  char *perr = NULL;

  config = oci_config_parse_data (doc, strlen (doc), "config.json", &perr);
  ck_assert_msg (config != NULL, "parse: %s", perr ? perr : "?");
  res = config->linux_->resources;
  config->linux_->resources = NULL;
  oci_config_free (config);
  return res;
}

static int
apply_json (runo_cgroup *cg, const char *json, runo_error **err)
{
  oci_config_linux_resources *res = parse_resources (json);
  int ret = runo_cgroup_apply (cg, res, err);

  oci_config_linux_resources_free (res);
  return ret;
}

/* ----- detection and paths -------------------------------------------------
 */

START_TEST (detects_v1_v2_and_hybrid)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *r1 = fake_host (true, false);
  cleanup_free char *r2 = fake_host (false, true);
  cleanup_free char *rh = fake_host (true, true);
  runo_cgroup *cg;

  cg = fake_new (r1, "/a/b", &err);
  ck_assert_ptr_nonnull (cg);
  ck_assert_int_eq (runo_cgroup_mode (cg), RUNO_CGROUP_V1);
  ck_assert_str_eq (runo_cgroup_main_path (cg), "/a/b");
  runo_cgroup_free (cg);

  cg = fake_new (r2, "/a/b", &err);
  ck_assert_ptr_nonnull (cg);
  ck_assert_int_eq (runo_cgroup_mode (cg), RUNO_CGROUP_V2);
  ck_assert_int_ge (runo_cgroup_v2_dir_fd (cg), -1);
  runo_cgroup_free (cg);

  cg = fake_new (rh, "/a/b", &err);
  ck_assert_ptr_nonnull (cg);
  ck_assert_int_eq (runo_cgroup_mode (cg), RUNO_CGROUP_HYBRID);
  ck_assert_int_eq (runo_cgroup_v2_dir_fd (cg), -1);
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (no_cgroup_mount_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = new_root ();
  cleanup_free char *mi = xpath (root, "mountinfo");
  runo_cgroup *cg = NULL;

  put (root, "mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  ck_assert_int_lt (
      runo_cgroup_new (root, mi, mi, NULL, "c1", false, &cg, &err), 0);
  ASSERT_ERROR (err, "no cgroup filesystem is mounted");
}
END_TEST

START_TEST (cgroups_path_forms)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *r1 = fake_host (true, false);
  cleanup_free char *r2 = fake_host (false, true);
  cleanup_free char *path = NULL;
  runo_cgroup *cg;

  /* absent: /<id> */
  cg = fake_new (r2, NULL, &err);
  ck_assert_ptr_nonnull (cg);
  path = runo_cgroup_path (cg);
  ck_assert_str_eq (path, "/c1");
  free (steal_pointer (&path));
  runo_cgroup_free (cg);

  /* absolute, normalised */
  cg = fake_new (r1, "//runo/./x//c1/", &err);
  ck_assert_ptr_nonnull (cg);
  path = runo_cgroup_path (cg);
  ck_assert_str_eq (path, "/runo/x/c1");
  free (steal_pointer (&path));
  runo_cgroup_free (cg);

  /* relative, v2: under the runtime's own cgroup */
  cg = fake_new (r2, "ctr/c1", &err);
  ck_assert_ptr_nonnull (cg);
  ck_assert_str_eq (runo_cgroup_main_path (cg), "/user.slice/session/ctr/c1");
  runo_cgroup_free (cg);

  /* refused */
  ck_assert_ptr_null (fake_new (r1, "/a/../b", &err));
  ASSERT_ERROR (err, "`..` is not allowed");
  ck_assert_ptr_null (fake_new (r1, "/", &err));
  ASSERT_ERROR (err, "root cgroup");
}
END_TEST

/* slice:prefix:name as systemd lays it out: each dash of the slice is a
   level of the tree, the scope is prefix-name. */
START_TEST (systemd_paths_follow_the_slice_tree)
{
  static const struct
  {
    const char *cgroups_path, *id, *slice, *unit, *path;
  } ok[] = {
    { "system.slice:runo:c1", "x", "system.slice", "runo-c1.scope",
      "/system.slice/runo-c1.scope" },
    { NULL, "c1", "system.slice", "runo-c1.scope",
      "/system.slice/runo-c1.scope" },
    { "", "c1", "system.slice", "runo-c1.scope",
      "/system.slice/runo-c1.scope" },
    { ":libpod:abc", "x", "system.slice", "libpod-abc.scope",
      "/system.slice/libpod-abc.scope" },
    { "machine-libpod_pod_1.slice:crio:9f", "x", "machine-libpod_pod_1.slice",
      "crio-9f.scope",
      "/machine.slice/machine-libpod_pod_1.slice/crio-9f.scope" },
    { "a-b-c.slice::n", "x", "a-b-c.slice", "n.scope",
      "/a.slice/a-b.slice/a-b-c.slice/n.scope" },
    { "-.slice:p:n", "x", "-.slice", "p-n.scope", "/p-n.scope" },
  };
  static const struct
  {
    const char *cgroups_path, *msg;
  } bad[] = {
    { "/system.slice/c1", "slice:prefix:name" },
    { "a:b", "slice:prefix:name" },
    { "a:b:c:d", "slice:prefix:name" },
    { "system:p:n", "invalid slice `system`" },
    { "-a.slice:p:n", "invalid slice" },
    { "a--b.slice:p:n", "invalid slice" },
    { "a-.slice:p:n", "invalid slice" },
    { "a/b.slice:p:n", "invalid slice" },
    { "s.slice:p:", "bad unit name" },
    { "s.slice:p/q:n", "bad unit name" },
    { "s.slice:p:n/../x", "bad unit name" },
    { "s.slice:p:sub.slice", "not implemented" },
  };
  cleanup_free char *root = fake_host (true, true);
  cleanup_free char *mi = xpath (root, "mountinfo");
  size_t i;

  for (i = 0; i < sizeof (ok) / sizeof (ok[0]); i++)
    {
      cleanup_error runo_error *err = NULL;
      cleanup_free char *slice = NULL, *unit = NULL, *path = NULL;
      cleanup_free char *stored = NULL;
      runo_cgroup *cg = NULL, *loaded = NULL;

      ck_assert_int_eq (runo_cgroup_systemd_names (ok[i].cgroups_path, ok[i].id,
                                                   &slice, &unit, &path, &err),
                        0);
      ck_assert_str_eq (slice, ok[i].slice);
      ck_assert_str_eq (unit, ok[i].unit);
      ck_assert_str_eq (path, ok[i].path);
      ck_assert (runo_cgroup_systemd_unit_valid (unit));
      /* Every hierarchy of a hybrid host gets the scope's path. */
      ck_assert_int_eq (runo_cgroup_new (root, mi, mi, ok[i].cgroups_path,
                                         ok[i].id, true, &cg, &err),
                        0);
      stored = runo_cgroup_path (cg);
      ck_assert_str_eq (stored, ok[i].path);
      ck_assert_str_eq (runo_cgroup_systemd_unit (cg), ok[i].unit);
      ck_assert_int_eq (runo_cgroup_v2_dir_fd (cg), -1);
      ck_assert_int_eq (
          runo_cgroup_load (root, mi, stored, unit, &loaded, &err), 0);
      ck_assert_str_eq (runo_cgroup_main_path (loaded), ok[i].path);
      ck_assert_str_eq (runo_cgroup_systemd_unit (loaded), ok[i].unit);
      runo_cgroup_free (loaded);
      runo_cgroup_free (cg);
    }
  for (i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      cleanup_error runo_error *err = NULL;
      runo_cgroup *cg = NULL;

      ck_assert_int_lt (runo_cgroup_new (root, mi, mi, bad[i].cgroups_path,
                                         "c1", true, &cg, &err),
                        0);
      ck_assert_ptr_null (cg);
      ASSERT_ERROR (err, bad[i].msg);
    }
  {
    cleanup_error runo_error *err = NULL;
    runo_cgroup *cg = NULL;

    ck_assert (!runo_cgroup_systemd_unit_valid ("x.service"));
    ck_assert (!runo_cgroup_systemd_unit_valid ("../x.scope"));
    ck_assert_int_lt (
        runo_cgroup_load (root, mi, "/a/x.scope", "../x.scope", &cg, &err), 0);
    ASSERT_ERROR (err, "invalid systemd unit");
  }
}
END_TEST

START_TEST (relative_path_differs_per_v1_hierarchy_and_loads_back)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (true, true);
  cleanup_free char *mi = xpath (root, "mountinfo");
  cleanup_free char *path = NULL, *again = NULL;
  runo_cgroup *cg = fake_new (root, "ctr", &err), *loaded = NULL;

  ck_assert_ptr_nonnull (cg);
  path = runo_cgroup_path (cg);
  ck_assert_ptr_nonnull (strstr (path, "memory:/mem/slice/ctr"));
  ck_assert_ptr_nonnull (strstr (path, "cpu,cpuacct:/user/ctr"));
  ck_assert_ptr_nonnull (strstr (path, "name=systemd:/user/ctr"));
  ck_assert_ptr_nonnull (strstr (path, "unified:/user.slice/session/ctr"));
  ck_assert_int_eq (runo_cgroup_load (root, mi, path, NULL, &loaded, &err), 0);
  again = runo_cgroup_path (loaded);
  ck_assert_str_eq (again, path);
  ck_assert_str_eq (runo_cgroup_main_path (loaded), "/user.slice/session/ctr");
  runo_cgroup_free (loaded);
  runo_cgroup_free (cg);

  ck_assert_int_lt (
      runo_cgroup_load (root, mi, "memory:/x", NULL, &loaded, &err), 0);
  ASSERT_ERROR (err, "has no entry for");
}
END_TEST

/* ----- create and apply on fake trees ------------------------------------- */

START_TEST (create_v1_makes_every_hierarchy_and_fills_cpuset)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (true, false);
  runo_cgroup *cg = fake_new (root, "/runo/c1", &err);
  size_t i;

  put (root, "sys/fs/cgroup/cpuset/cpuset.cpus", "0-3\n");
  put (root, "sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  for (i = 0; i < N_V1; i++)
    {
      cleanup_free char *p
          = xpath (root, "sys/fs/cgroup/%s/runo/c1", v1_mounts[i][0]);
      struct stat st;
      ck_assert_msg (stat (p, &st) == 0 && S_ISDIR (st.st_mode), "%s", p);
    }
  ASSERT_FILE (root, "sys/fs/cgroup/cpuset/runo/cpuset.cpus", "0-3");
  ASSERT_FILE (root, "sys/fs/cgroup/cpuset/runo/c1/cpuset.cpus", "0-3");
  ASSERT_FILE (root, "sys/fs/cgroup/cpuset/runo/c1/cpuset.mems", "0");
  /* again: existing directories are fine */
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  runo_cgroup_free (cg);
}
END_TEST

static void
v1_files (const char *root, const char *dir)
{
  static const char *const files[] = {
    "memory/%s/memory.limit_in_bytes",
    "memory/%s/memory.memsw.limit_in_bytes",
    "memory/%s/memory.soft_limit_in_bytes",
    "memory/%s/memory.swappiness",
    "memory/%s/memory.oom_control",
    "memory/%s/memory.kmem.tcp.limit_in_bytes",
    "cpu,cpuacct/%s/cpu.shares",
    "cpu,cpuacct/%s/cpu.cfs_quota_us",
    "cpu,cpuacct/%s/cpu.cfs_period_us",
    "cpu,cpuacct/%s/cpu.cfs_burst_us",
    "cpu,cpuacct/%s/cpu.rt_period_us",
    "cpu,cpuacct/%s/cpu.rt_runtime_us",
    "cpu,cpuacct/%s/cpu.idle",
    "cpuset/%s/cpuset.cpus",
    "cpuset/%s/cpuset.mems",
    "pids/%s/pids.max",
    "devices/%s/devices.allow",
    "devices/%s/devices.deny",
    "blkio/%s/blkio.bfq.weight",
    "blkio/%s/blkio.throttle.read_bps_device",
    "blkio/%s/blkio.throttle.write_iops_device",
    "freezer/%s/freezer.state",
  };
  size_t i;

  for (i = 0; i < sizeof (files) / sizeof (files[0]); i++)
    {
      cleanup_free char *rel = NULL;
      char *tmp = runo_xasprintf ("sys/fs/cgroup/%s", files[i]);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      rel = runo_xasprintf (tmp, dir);
#pragma GCC diagnostic pop
      free (tmp);
      put (root, rel, "");
    }
}

START_TEST (apply_v1_writes_v1_files)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (true, false);
  runo_cgroup *cg = fake_new (root, "/c1", &err);

  v1_files (root, "c1");
  ck_assert_int_eq (
      apply_json (cg,
                  "{\"memory\":{\"limit\":1073741824,\"swap\":2147483648,"
                  "\"reservation\":536870912,\"swappiness\":10,"
                  "\"disableOOMKiller\":true,\"kernel\":-1,"
                  "\"kernelTCP\":1048576},"
                  "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":"
                  "100000,\"burst\":1000,\"realtimePeriod\":1000000,"
                  "\"realtimeRuntime\":950000,\"idle\":1,\"cpus\":\"0-1\","
                  "\"mems\":\"0\"},"
                  "\"pids\":{\"limit\":-1},"
                  "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
                  "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
                  "\"major\":8,\"access\":\"r\"}],"
                  "\"blockIO\":{\"weight\":300,\"throttleReadBpsDevice\":"
                  "[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
                  "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,"
                  "\"rate\":300}]}}",
                  &err),
      0);
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.limit_in_bytes",
               "1073741824");
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.memsw.limit_in_bytes",
               "2147483648");
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.soft_limit_in_bytes",
               "536870912");
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.swappiness", "10");
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.oom_control", "1");
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.kmem.tcp.limit_in_bytes",
               "1048576");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.shares", "512");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.cfs_quota_us", "50000");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.cfs_period_us",
               "100000");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.cfs_burst_us", "1000");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.rt_period_us",
               "1000000");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.rt_runtime_us",
               "950000");
  ASSERT_FILE (root, "sys/fs/cgroup/cpu,cpuacct/c1/cpu.idle", "1");
  ASSERT_FILE (root, "sys/fs/cgroup/cpuset/c1/cpuset.cpus", "0-1");
  ASSERT_FILE (root, "sys/fs/cgroup/cpuset/c1/cpuset.mems", "0");
  ASSERT_FILE (root, "sys/fs/cgroup/pids/c1/pids.max", "max");
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.deny", "a");
  /* files are truncated on each write: the last allow rule remains, the
     last default (the config's rules come before the defaults) */
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.allow", "c 136:* rwm");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.bfq.weight", "300");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.throttle.read_bps_device",
               "8:0 1048576");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.throttle.write_iops_device",
               "8:16 300");

  /* The zeros engines send for "unset" leave the files alone (runc's
     rule): here the earlier values stay. */
  ck_assert_int_eq (apply_json (cg, "{\"pids\":{\"limit\":10}}", &err), 0);
  ck_assert_int_eq (apply_json (cg,
                                "{\"pids\":{\"limit\":0},\"blockIO\":"
                                "{\"weight\":0,\"leafWeight\":0},"
                                "\"cpu\":{\"shares\":0,\"quota\":0,"
                                "\"period\":0},\"memory\":{\"limit\":0,"
                                "\"reservation\":0,\"kernel\":0}}",
                                &err),
                    0);
  ASSERT_FILE (root, "sys/fs/cgroup/pids/c1/pids.max", "10");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.bfq.weight", "300");
  ck_assert_int_eq (apply_json (cg,
                                "{\"devices\":[{\"allow\":true,\"type\":"
                                "\"c\",\"major\":1,\"minor\":3,"
                                "\"access\":\"rwm\"}]}",
                                &err),
                    0);
  /* an update with rules applies the whole policy again, defaults too */
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.deny", "a");
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.allow", "c 136:* rwm");
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (apply_v1_refuses_what_the_host_lacks)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (true, false);
  runo_cgroup *cg = fake_new (root, "/c1", &err);

  v1_files (root, "c1");
  ck_assert_int_lt (
      apply_json (cg, "{\"unified\":{\"memory.high\":\"1\"}}", &err), 0);
  ASSERT_ERROR (err, "linux.resources.unified: needs cgroup v2");
  ck_assert_int_lt (
      apply_json (cg, "{\"network\":{\"classID\":1048577}}", &err), 0);
  ASSERT_ERROR (err, "linux.resources.network.classID: net_cls controller "
                     "not mounted");
  ck_assert_int_lt (apply_json (cg,
                                "{\"hugepageLimits\":[{\"pageSize\":\"2MB\","
                                "\"limit\":2097152}]}",
                                &err),
                    0);
  ASSERT_ERROR (err, "hugetlb controller not mounted");
  ck_assert_int_lt (
      apply_json (cg, "{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3}}}", &err), 0);
  ASSERT_ERROR (err, "linux.resources.rdma: rdma controller not mounted");
  /* a knob the kernel lacks: the error names field and file */
  ck_assert_int_lt (apply_json (cg, "{\"blockIO\":{\"leafWeight\":10}}", &err),
                    0);
  ASSERT_ERROR (err, "linux.resources.blockIO.leafWeight: write `10` to");
  ck_assert_int_lt (apply_json (cg, "{\"memory\":{\"kernel\":1048576}}", &err),
                    0);
  ASSERT_ERROR (err, "memory.kmem.limit_in_bytes");
  ck_assert_int_lt (apply_json (cg,
                                "{\"devices\":[{\"allow\":true,\"type\":"
                                "\"x\"}]}",
                                &err),
                    0);
  ASSERT_ERROR (err, "linux.resources.devices[0]: invalid type `x`");
  ck_assert_int_lt (apply_json (cg,
                                "{\"memory\":{\"limit\":2000,\"swap\":"
                                "1000}}",
                                &err),
                    0);
  ASSERT_ERROR (err, "below the memory limit");
  runo_cgroup_free (cg);
}
END_TEST

static void
v2_files (const char *root, const char *mount, const char *dir,
          const char *enabled)
{
  static const char *const files[]
      = { "memory.max",   "memory.low",     "memory.swap.max", "memory.high",
          "cpu.weight",   "cpu.max.burst",  "cpu.idle",        "cpuset.cpus",
          "pids.max",     "io.weight",      "io.max",          "cgroup.freeze",
          "cgroup.procs", "hugetlb.2MB.max" };
  size_t i;

  for (i = 0; i < sizeof (files) / sizeof (files[0]); i++)
    {
      cleanup_free char *rel
          = runo_xasprintf ("%s/%s/%s", mount, dir, files[i]);
      put (root, rel, "");
    }
  {
    cleanup_free char *rel
        = runo_xasprintf ("%s/%s/cgroup.controllers", mount, dir);
    put (root, rel, enabled);
  }
  {
    cleanup_free char *rel = runo_xasprintf ("%s/%s/cpu.max", mount, dir);
    put (root, rel, "max 100000\n");
  }
  {
    cleanup_free char *rel
        = runo_xasprintf ("%s/%s/memory.current", mount, dir);
    put (root, rel, "4096\n");
  }
}

START_TEST (apply_v2_converts_and_writes_v2_files)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (false, true);
  runo_cgroup *cg = fake_new (root, "/p/c1", &err);
  const char *d = "sys/fs/cgroup/p/c1/";

  v2_files (root, "sys/fs/cgroup", "p/c1", "cpuset cpu io memory pids\n");
  put (root, "sys/fs/cgroup/p/cgroup.subtree_control", "");
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  /* every available controller is enabled down to the parent */
  ASSERT_FILE (root, "sys/fs/cgroup/cgroup.subtree_control",
               "+cpuset +cpu +io +memory +hugetlb +pids");
  ASSERT_FILE (root, "sys/fs/cgroup/p/cgroup.subtree_control",
               "+cpuset +cpu +io +memory +hugetlb +pids");
  ck_assert_int_eq (
      apply_json (cg,
                  "{\"memory\":{\"limit\":1073741824,\"swap\":1610612736,"
                  "\"reservation\":-1,\"kernel\":-1,\"useHierarchy\":true},"
                  "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":"
                  "200000,\"burst\":1000,\"cpus\":\"0-1\"},"
                  "\"pids\":{\"limit\":100},"
                  "\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":"
                  "[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
                  "\"unified\":{\"memory.high\":\"123456\"}}",
                  &err),
      0);
  {
    cleanup_free char *p = runo_xasprintf ("%smemory.max", d);
    ASSERT_FILE (root, p, "1073741824");
  }
#define CHECK_V2(file, value)                                                  \
  do                                                                           \
    {                                                                          \
      cleanup_free char *p_ = runo_xasprintf ("%s%s", d, file);                \
      ASSERT_FILE (root, p_, value);                                           \
    }                                                                          \
  while (0)
  CHECK_V2 ("memory.swap.max", "536870912");
  CHECK_V2 ("memory.low", "max");
  CHECK_V2 ("memory.high", "123456");
  CHECK_V2 ("cpu.weight", "39");
  CHECK_V2 ("cpu.max", "50000 200000");
  CHECK_V2 ("cpu.max.burst", "1000");
  CHECK_V2 ("cpuset.cpus", "0-1");
  CHECK_V2 ("pids.max", "100");
  CHECK_V2 ("io.weight", "default 4950");
  CHECK_V2 ("io.max", "8:0 rbps=1048576");

  /* a period alone keeps the quota already there */
  put (root, "sys/fs/cgroup/p/c1/cpu.max", "max 100000\n");
  ck_assert_int_eq (apply_json (cg, "{\"cpu\":{\"period\":250000}}", &err), 0);
  CHECK_V2 ("cpu.max", "max 250000");
  ck_assert_int_eq (apply_json (cg,
                                "{\"memory\":{\"limit\":-1},\"pids\":"
                                "{\"limit\":-1}}",
                                &err),
                    0);
  CHECK_V2 ("memory.max", "max");
  CHECK_V2 ("pids.max", "max");
  ck_assert_int_eq (runo_cgroup_shares_to_weight (2), 1);
  ck_assert_int_eq (runo_cgroup_shares_to_weight (262144), 10000);
  ck_assert_int_eq (runo_cgroup_blkio_to_io_weight (10), 1);
  ck_assert_int_eq (runo_cgroup_blkio_to_io_weight (1000), 10000);
#undef CHECK_V2
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (apply_v2_refuses_what_v2_cannot_do)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (false, true);
  runo_cgroup *cg = fake_new (root, "/c1", &err);

  v2_files (root, "sys/fs/cgroup", "c1", "cpuset cpu io memory pids\n");
  ck_assert_int_lt (apply_json (cg,
                                "{\"devices\":[{\"allow\":false,"
                                "\"access\":\"rwm\"}]}",
                                &err),
                    0);
  /* a fake tree's directory is no cgroup to attach the BPF filter to */
  ASSERT_ERROR (err, "linux.resources.devices: ");
  /* Skipped, for the caller to warn about, as runc does. */
  ck_assert_int_eq (apply_json (cg, "{\"memory\":{\"swappiness\":10}}", &err),
                    0);
  {
    oci_config_linux_resources_memory mem
        = { .swappiness = 10, .swappiness_present = true };
    oci_config_linux_resources res = { .memory = &mem };

    ck_assert_str_eq (runo_cgroup_ignored_field (cg, &res),
                      "linux.resources.memory.swappiness");
  }
  ck_assert_int_lt (
      apply_json (cg, "{\"cpu\":{\"realtimeRuntime\":1000}}", &err), 0);
  ASSERT_ERROR (err, "realtimeRuntime: not supported on cgroup v2");
  ck_assert_int_lt (apply_json (cg, "{\"memory\":{\"swap\":1000}}", &err), 0);
  ASSERT_ERROR (err, "needs a memory limit");
  ck_assert_int_lt (apply_json (cg,
                                "{\"memory\":{\"limit\":1024,"
                                "\"checkBeforeUpdate\":true}}",
                                &err),
                    0);
  ASSERT_ERROR (err, "below the current usage 4096");
  ck_assert_int_lt (apply_json (cg, "{\"unified\":{\"misc.max\":\"1\"}}", &err),
                    0);
  ASSERT_ERROR (err, "linux.resources.unified.misc.max: the misc controller "
                     "is not in the cgroup v2 hierarchy");
  ck_assert_int_lt (apply_json (cg, "{\"unified\":{\"../x.y\":\"1\"}}", &err),
                    0);
  ASSERT_ERROR (err, "not a cgroup file name");
  ck_assert_int_lt (apply_json (cg, "{\"network\":{\"classID\":1}}", &err), 0);
  ASSERT_ERROR (err, "net_cls controller not mounted");
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (apply_hybrid_uses_each_controller_where_it_lives)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *root = fake_host (true, true);
  runo_cgroup *cg = fake_new (root, "/c1", &err);

  v1_files (root, "c1");
  /* hugetlb not yet enabled for the container: runo enables it */
  v2_files (root, "sys/fs/cgroup/unified", "c1", "");
  ck_assert_int_eq (
      apply_json (cg,
                  "{\"memory\":{\"limit\":1048576},\"hugepageLimits\":"
                  "[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
                  "\"unified\":{\"hugetlb.2MB.max\":\"8388608\"}}",
                  &err),
      0);
  ASSERT_FILE (root, "sys/fs/cgroup/memory/c1/memory.limit_in_bytes",
               "1048576");
  ASSERT_FILE (root, "sys/fs/cgroup/unified/cgroup.subtree_control",
               "+hugetlb");
  ASSERT_FILE (root, "sys/fs/cgroup/unified/c1/hugetlb.2MB.max", "8388608");
  ck_assert_int_lt (apply_json (cg,
                                "{\"hugepageLimits\":[{\"pageSize\":"
                                "\"64KB\",\"limit\":65536}]}",
                                &err),
                    0);
  ASSERT_ERROR (err, "hugepageLimits[0]: huge page size `64KB` not supported");
  ck_assert_int_lt (
      apply_json (cg, "{\"unified\":{\"memory.max\":\"1\"}}", &err), 0);
  ASSERT_ERROR (err, "the memory controller is not in the cgroup v2");
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (freeze_pids_and_stats_on_fake_trees)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *r1 = fake_host (true, false);
  cleanup_free char *r2 = fake_host (false, true);
  cleanup_free pid_t *pids = NULL;
  struct runo_cgroup_stats st;
  runo_cgroup *cg;
  bool frozen;
  size_t n;

  cg = fake_new (r1, "/c1", &err);
  v1_files (r1, "c1");
  put (r1, "sys/fs/cgroup/freezer/c1/freezer.state", "THAWED\n");
  ck_assert_int_eq (runo_cgroup_freeze (cg, true, &err), 0);
  ASSERT_FILE (r1, "sys/fs/cgroup/freezer/c1/freezer.state", "FROZEN");
  ck_assert_int_eq (runo_cgroup_is_frozen (cg, &frozen, &err), 0);
  ck_assert (frozen);
  ck_assert_int_eq (runo_cgroup_freeze (cg, false, &err), 0);
  ASSERT_FILE (r1, "sys/fs/cgroup/freezer/c1/freezer.state", "THAWED");
  put (r1, "sys/fs/cgroup/pids/c1/cgroup.procs", "10\n11\n");
  put (r1, "sys/fs/cgroup/pids/c1/sub/cgroup.procs", "12\n");
  ck_assert_int_eq (runo_cgroup_pids (cg, &pids, &n, &err), 0);
  ck_assert_int_eq (n, 3);
  ck_assert_int_eq (pids[0] + pids[1] + pids[2], 33);
  put (r1, "sys/fs/cgroup/memory/c1/memory.usage_in_bytes", "1000\n");
  put (r1, "sys/fs/cgroup/memory/c1/memory.limit_in_bytes", "2000\n");
  put (r1, "sys/fs/cgroup/memory/c1/memory.oom_control",
       "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  put (r1, "sys/fs/cgroup/pids/c1/pids.current", "3\n");
  put (r1, "sys/fs/cgroup/pids/c1/pids.max", "max\n");
  put (r1, "sys/fs/cgroup/blkio/c1/blkio.throttle.io_service_bytes_recursive",
       "8:0 Read 100\n8:0 Write 50\n8:16 Read 1\n8:0 Total 150\nTotal 151\n");
  ck_assert_int_eq (runo_cgroup_stats (cg, &st, &err), 0);
  ck_assert (st.memory_present);
  ck_assert_uint_eq (st.memory_usage, 1000);
  ck_assert_uint_eq (st.memory_limit, 2000);
  ck_assert_uint_eq (st.memory_oom_kills, 2);
  ck_assert (st.pids_present);
  ck_assert_uint_eq (st.pids_current, 3);
  ck_assert_uint_eq (st.pids_limit, UINT64_MAX);
  ck_assert (st.blkio_present);
  ck_assert_uint_eq (st.blkio_read_bytes, 101);
  ck_assert_uint_eq (st.blkio_write_bytes, 50);
  runo_cgroup_free (cg);

  cg = fake_new (r2, "/c1", &err);
  v2_files (r2, "sys/fs/cgroup", "c1", "memory pids\n");
  put (r2, "sys/fs/cgroup/c1/cgroup.events", "populated 1\nfrozen 1\n");
  ck_assert_int_eq (runo_cgroup_freeze (cg, true, &err), 0);
  ASSERT_FILE (r2, "sys/fs/cgroup/c1/cgroup.freeze", "1");
  ck_assert_int_eq (runo_cgroup_is_frozen (cg, &frozen, &err), 0);
  ck_assert (frozen);
  ck_assert_int_eq (runo_cgroup_freeze (cg, false, &err), 0);
  ASSERT_FILE (r2, "sys/fs/cgroup/c1/cgroup.freeze", "0");
  put (r2, "sys/fs/cgroup/c1/memory.events",
       "low 0\nhigh 0\nmax 7\noom 1\n"
       "oom_kill 1\n");
  put (r2, "sys/fs/cgroup/c1/memory.max", "max\n");
  put (r2, "sys/fs/cgroup/c1/pids.current", "2\n");
  put (r2, "sys/fs/cgroup/c1/cpu.stat",
       "usage_usec 5\nuser_usec 3\n"
       "system_usec 2\n");
  put (r2, "sys/fs/cgroup/c1/io.stat",
       "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n"
       "8:16 rbytes=1 wbytes=2 rios=3 wios=4\n");
  ck_assert_int_eq (runo_cgroup_stats (cg, &st, &err), 0);
  ck_assert (st.cpu_present);
  ck_assert_uint_eq (st.cpu_usage_ns, 5000);
  ck_assert_uint_eq (st.cpu_user_ns, 3000);
  ck_assert_uint_eq (st.memory_usage, 4096);
  ck_assert_uint_eq (st.memory_limit, UINT64_MAX);
  ck_assert_uint_eq (st.memory_failcnt, 7);
  ck_assert_uint_eq (st.memory_oom_kills, 1);
  ck_assert_uint_eq (st.pids_current, 2);
  ck_assert_uint_eq (st.blkio_read_bytes, 11);
  ck_assert_uint_eq (st.blkio_write_ios, 6);
  runo_cgroup_free (cg);

  /* destroying what does not exist is fine */
  cg = fake_new (r2, "/gone", &err);
  ck_assert_int_eq (runo_cgroup_destroy (cg, &err), 0);
  runo_cgroup_free (cg);
}
END_TEST

/* ----- the real kernel
 * -------------------------------------------------------- */

static pid_t
spawn_sleeper (void)
{
  pid_t parent = getpid ();
  pid_t pid = fork ();

  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      /* Check's SIGTERM handler would signal the whole test group. */
      signal (SIGTERM, SIG_DFL);
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != parent)
        _exit (1);
      for (;;)
        pause ();
    }
  return pid;
}

static bool
file_has_line (const char *path, const char *line)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;
  const char *p;
  size_t len = strlen (line);

  if (runo_read_file_at (AT_FDCWD, path, 0, &text, NULL, &err) < 0)
    return false;
  for (p = text; p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0'))
      return true;
  return false;
}

START_TEST (real_v1_lifecycle)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *path = runo_xasprintf ("/%s", real_name);
  cleanup_free char *procs = NULL, *limit = NULL, *pmax = NULL;
  cleanup_free char *devlist = NULL, *fstate = NULL, *cpus = NULL;
  cleanup_free char *memdir = NULL, *stored = NULL;
  cleanup_free pid_t *pids = NULL;
  cleanup_pid pid_t child = -1;
  struct runo_cgroup_stats st;
  runo_cgroup *cg = NULL;
  bool frozen, seen = false;
  size_t n, i;
  int status;

  if (access ("/sys/fs/cgroup/memory/cgroup.procs", W_OK) != 0)
    return; /* not this machine's v1 layout */
  ck_assert_int_eq (runo_cgroup_new ("/", "/proc/self/mountinfo",
                                     "/proc/self/cgroup", path, "x", false, &cg,
                                     &err),
                    0);
  ck_assert_int_ne (runo_cgroup_mode (cg), RUNO_CGROUP_V2);
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  cpus = runo_xasprintf ("/sys/fs/cgroup/cpuset%s/cpuset.cpus", path);
  {
    cleanup_free char *value = get ("", cpus + 1);
    ck_assert_msg (value[0] >= '0' && value[0] <= '9', "cpuset.cpus `%s`",
                   value);
  }
  ck_assert_int_eq (
      apply_json (cg,
                  "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":"
                  "32},\"cpu\":{\"shares\":512},\"devices\":[{\"allow\":"
                  "false,\"access\":\"rwm\"},{\"allow\":true,\"type\":"
                  "\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}",
                  &err),
      0);
  memdir = runo_xasprintf ("/sys/fs/cgroup/memory%s", path);
  limit = runo_xasprintf ("%s/memory.limit_in_bytes", memdir);
  ck_assert (file_has_line (limit, "67108864"));
  pmax = runo_xasprintf ("/sys/fs/cgroup/pids%s/pids.max", path);
  ck_assert (file_has_line (pmax, "32"));
  devlist = runo_xasprintf ("/sys/fs/cgroup/devices%s/devices.list", path);
  ck_assert (file_has_line (devlist, "c 1:3 rwm"));

  /* the state keeps the path; a later command finds the cgroup with it */
  stored = runo_cgroup_path (cg);
  runo_cgroup_free (cg);
  cg = NULL;
  ck_assert_int_eq (
      runo_cgroup_load ("/", "/proc/self/mountinfo", stored, NULL, &cg, &err),
      0);

  child = spawn_sleeper ();
  ck_assert_int_eq (runo_cgroup_enter (cg, child, &err), 0);
  procs = runo_xasprintf ("/sys/fs/cgroup/pids%s/cgroup.procs", path);
  {
    char want[32];
    snprintf (want, sizeof (want), "%d", (int)child);
    ck_assert (file_has_line (procs, want));
  }
  ck_assert_int_eq (runo_cgroup_pids (cg, &pids, &n, &err), 0);
  for (i = 0; i < n; i++)
    seen |= pids[i] == child;
  ck_assert (seen);

  ck_assert_int_eq (runo_cgroup_freeze (cg, true, &err), 0);
  fstate = runo_xasprintf ("/sys/fs/cgroup/freezer%s/freezer.state", path);
  ck_assert (file_has_line (fstate, "FROZEN"));
  ck_assert_int_eq (runo_cgroup_is_frozen (cg, &frozen, &err), 0);
  ck_assert (frozen);
  ck_assert_int_eq (runo_cgroup_freeze (cg, false, &err), 0);
  ck_assert (file_has_line (fstate, "THAWED"));

  ck_assert_int_eq (runo_cgroup_stats (cg, &st, &err), 0);
  ck_assert (st.memory_present && st.pids_present);
  ck_assert_uint_eq (st.memory_limit, 67108864);
  ck_assert_uint_eq (st.pids_current, 1);
  ck_assert_uint_eq (st.pids_limit, 32);

  /* a signal other than SIGKILL goes through freeze/signal/thaw */
  ck_assert_int_eq (runo_cgroup_kill_all (cg, SIGTERM, &err), 0);
  ck_assert_int_eq (waitpid (child, &status, 0), child);
  child = -1;
  ck_assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);

  child = spawn_sleeper ();
  ck_assert_int_eq (runo_cgroup_enter (cg, child, &err), 0);
  ck_assert_int_eq (runo_cgroup_kill_all (cg, SIGKILL, &err), 0);
  ck_assert_int_eq (waitpid (child, &status, 0), child);
  child = -1;
  ck_assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  ck_assert_int_eq (runo_cgroup_destroy (cg, &err), 0);
  ck_assert_int_ne (access (memdir, F_OK), 0);
  runo_cgroup_free (cg);
}
END_TEST

START_TEST (real_destroy_waits_for_exiting_processes)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *path = runo_xasprintf ("/%s-b", real_name);
  cleanup_pid pid_t child = -1;
  runo_cgroup *cg = NULL;

  if (access ("/sys/fs/cgroup/memory/cgroup.procs", W_OK) != 0)
    return;
  ck_assert_int_eq (runo_cgroup_new ("/", "/proc/self/mountinfo",
                                     "/proc/self/cgroup", path, "x", false, &cg,
                                     &err),
                    0);
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  child = spawn_sleeper ();
  ck_assert_int_eq (runo_cgroup_enter (cg, child, &err), 0);
  /* a nested cgroup, as a container with its own cgroupns could make */
  {
    cleanup_free char *sub
        = runo_xasprintf ("/sys/fs/cgroup/pids%s/nested", path);
    ck_assert_int_eq (mkdir (sub, 0755), 0);
  }
  kill (child, SIGKILL);
  ck_assert_int_eq (runo_cgroup_destroy (cg, &err), 0);
  runo_cgroup_free (cg);
}
END_TEST

/* ----- device policy and the v2 program -------------------------------------
 */

/* A config with linux.resources.devices RULES and linux.devices DEVS. */
static oci_config *
device_config (const char *rules, const char *devs)
{
  cleanup_free char *doc = runo_xasprintf (
      "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"devices\":%s},"
      "\"devices\":%s}}",
      rules, devs);
  oci_config *config;
  char *perr = NULL;

  config = oci_config_parse_data (doc, strlen (doc), "config.json", &perr);
  ck_assert_msg (config != NULL, "parse: %s", perr ? perr : "?");
  return config;
}

static size_t
device_policy (const char *rules, const char *devs,
               struct runo_device_rule **out)
{
  cleanup_error runo_error *err = NULL;
  oci_config *config = device_config (rules, devs);
  const oci_config_linux *lx = config->linux_;
  size_t n = 0;

  ck_assert_msg (runo_devices_cgroup_policy (
                     lx->resources->devices, lx->resources->devices_len,
                     lx->devices, lx->devices_len, out, &n, &err)
                     == 0,
                 "%s", err ? err->msg : "");
  oci_config_free (config);
  return n;
}

static void
assert_rule (const struct runo_device_rule *r, bool allow, char type,
             int64_t major, int64_t minor, unsigned int access)
{
  ck_assert_msg (r->allow == allow && r->type == type && r->major == major
                     && r->minor == minor && r->access == access,
                 "rule %s %c %lld:%lld %u", r->allow ? "allow" : "deny",
                 r->type, (long long)r->major, (long long)r->minor, r->access);
}

START_TEST (device_policy_denies_all_then_config_then_defaults)
{
  const unsigned int rwm = RUNO_DEVICE_ALL;
  cleanup_free struct runo_device_rule *rules = NULL;
  cleanup_error runo_error *err = NULL;
  size_t n;

  /* nothing in the config: deny all, then the defaults only */
  n = device_policy ("[]", "[]", &rules);
  ck_assert_uint_eq (n, 12);
  assert_rule (&rules[0], false, 'a', -1, -1, rwm);
  assert_rule (&rules[1], true, 'c', -1, -1, RUNO_DEVICE_MKNOD);
  assert_rule (&rules[2], true, 'b', -1, -1, RUNO_DEVICE_MKNOD);
  assert_rule (&rules[3], true, 'c', 1, 3, rwm);
  assert_rule (&rules[11], true, 'c', 136, -1, rwm);
  free (rules);

  /* the config's rules in order, then the defaults, then linux.devices
     (the fifo is none of the cgroup's business) */
  n = device_policy (
      "[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
      "\"major\":7,\"minor\":0,\"access\":\"r\"},{\"allow\":false,\"type\":"
      "\"c\",\"major\":1,\"minor\":3,\"access\":\"\"},{\"allow\":true,"
      "\"type\":\"a\",\"major\":8,\"access\":\"wm\"}]",
      "[{\"path\":\"/dev/f\",\"type\":\"p\"},{\"path\":\"/dev/t\",\"type\":"
      "\"u\",\"major\":10,\"minor\":200},{\"path\":\"/dev/d\",\"type\":\"b\","
      "\"major\":8,\"minor\":1}]",
      &rules);
  ck_assert_uint_eq (n, 1 + 4 + 11 + 2);
  assert_rule (&rules[0], false, 'a', -1, -1, rwm);
  assert_rule (&rules[1], false, 'a', -1, -1, rwm);
  assert_rule (&rules[2], true, 'b', 7, 0, RUNO_DEVICE_READ);
  assert_rule (&rules[3], false, 'c', 1, 3, rwm);
  assert_rule (&rules[4], true, 'a', -1, -1,
               RUNO_DEVICE_WRITE | RUNO_DEVICE_MKNOD);
  assert_rule (&rules[5], true, 'c', -1, -1, RUNO_DEVICE_MKNOD);
  assert_rule (&rules[16], true, 'c', 10, 200, rwm);
  assert_rule (&rules[17], true, 'b', 8, 1, rwm);
  free (rules);
  rules = NULL;

  {
    oci_config *config
        = device_config ("[{\"allow\":true,\"type\":\"x\"}]", "[]");
    ck_assert_int_lt (
        runo_devices_cgroup_policy (config->linux_->resources->devices, 1, NULL,
                                    0, &rules, &n, &err),
        0);
    ASSERT_ERROR (err, "linux.resources.devices[0]: invalid type `x`");
    oci_config_free (config);
    config = device_config ("[{\"allow\":true,\"access\":\"rwx\"}]", "[]");
    ck_assert_int_lt (
        runo_devices_cgroup_policy (config->linux_->resources->devices, 1, NULL,
                                    0, &rules, &n, &err),
        0);
    ASSERT_ERROR (err, "linux.resources.devices[0]: invalid access `rwx`");
    oci_config_free (config);
  }
}
END_TEST

/* Run the CGROUP_DEVICE program P on a request, as the kernel would:
   returns its verdict (1 allow, 0 deny).  Knows the instructions the
   compiler uses only. */
static int
run_program (const struct bpf_insn *p, size_t n, int type, int access,
             uint32_t major, uint32_t minor)
{
  uint32_t ctx[3] = { (uint32_t)(access << 16 | type), major, minor };
  uint64_t r[11] = { 0 };
  size_t pc = 0;

  while (pc < n)
    {
      const struct bpf_insn *i = &p[pc++];
      uint64_t *d = &r[i->dst_reg];
      uint64_t k = (uint64_t)(int64_t)i->imm;

      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          ck_assert (i->src_reg == BPF_REG_1 && i->off % 4 == 0
                     && i->off / 4 < 3);
          *d = ctx[i->off / 4];
          break;
        case BPF_ALU64 | BPF_AND | BPF_K:
          *d &= k;
          break;
        case BPF_ALU64 | BPF_RSH | BPF_K:
          *d >>= i->imm;
          break;
        case BPF_ALU64 | BPF_MOV | BPF_X:
          *d = r[i->src_reg];
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          *d = k;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (*d != k)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (*d == k)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int)r[0];
        default:
          ck_abort_msg ("unexpected instruction %#x", i->code);
        }
    }
  ck_abort_msg ("the program runs off its end");
  return -1;
}

/* Load P into the kernel (no attach): the verifier must accept it.  Not
   checked where bpf is not allowed at all. */
static void
assert_program_loads (const struct bpf_insn *p, size_t n)
{
  char log[4096] = "";
  union bpf_attr attr;
  int fd;

  memset (&attr, 0, sizeof (attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p;
  attr.insn_cnt = (uint32_t)n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof (log);
  attr.log_level = 1;
  fd = (int)syscall (__NR_bpf, BPF_PROG_LOAD, &attr, sizeof (attr));
  if (fd < 0 && errno == ENOSPC)
    {
      /* the program verified, its log did not fit */
      attr.log_buf = 0;
      attr.log_size = 0;
      attr.log_level = 0;
      fd = (int)syscall (__NR_bpf, BPF_PROG_LOAD, &attr, sizeof (attr));
    }
  if (fd < 0 && (errno == EPERM || errno == ENOSYS))
    return;
  ck_assert_msg (fd >= 0, "BPF_PROG_LOAD: %s: %s", strerror (errno), log);
  close (fd);
}

#define CHR BPF_DEVCG_DEV_CHAR
#define BLK BPF_DEVCG_DEV_BLOCK
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

START_TEST (v2_program_ends_in_deny)
{
  cleanup_free struct runo_device_rule *rules = NULL;
  cleanup_free struct bpf_insn *p = NULL;
  size_t n = device_policy ("[]", "[]", &rules);
  size_t len = runo_cgroup_v2_device_program (rules, n, &p);

  ck_assert_uint_ge (len, 2);
  /* the fall-through, the policy's first rule, denies */
  ck_assert_int_eq (p[len - 2].code, BPF_ALU64 | BPF_MOV | BPF_K);
  ck_assert_int_eq (p[len - 2].dst_reg, BPF_REG_0);
  ck_assert_int_eq (p[len - 2].imm, 0);
  ck_assert_int_eq (p[len - 1].code, BPF_JMP | BPF_EXIT);
  ck_assert_int_eq (run_program (p, len, BLK, R, 7, 0), 0);
  ck_assert_int_eq (run_program (p, len, BLK, R | W, 8, 0), 0);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 10, 200), 0);
  ck_assert_int_eq (run_program (p, len, CHR, R, 1, 1), 0);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 1, 3), 1);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 1, 9), 1);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 5, 2), 1);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 136, 4), 1);
  ck_assert_int_eq (run_program (p, len, BLK, M, 8, 0), 1);
  ck_assert_int_eq (run_program (p, len, BLK, M | R, 8, 0), 0);
  assert_program_loads (p, len);
}
END_TEST

START_TEST (v2_program_rules_in_order_and_privileged)
{
  cleanup_free struct runo_device_rule *rules = NULL;
  cleanup_free struct bpf_insn *p = NULL;
  size_t n, len;

  /* the last matching rule decides; the defaults come after the config */
  n = device_policy (
      "[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
      "\"major\":7,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"b\","
      "\"major\":7,\"minor\":0,\"access\":\"w\"},{\"allow\":false,\"type\":"
      "\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]",
      "[{\"path\":\"/dev/d\",\"type\":\"b\",\"major\":8,\"minor\":1}]", &rules);
  len = runo_cgroup_v2_device_program (rules, n, &p);
  ck_assert_int_eq (run_program (p, len, BLK, R, 7, 0), 1);
  ck_assert_int_eq (run_program (p, len, BLK, W, 7, 0), 0);
  ck_assert_int_eq (run_program (p, len, BLK, R | W, 7, 0), 0);
  ck_assert_int_eq (run_program (p, len, BLK, R | W, 7, 1), 1);
  ck_assert_int_eq (run_program (p, len, CHR, R, 7, 1), 0);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 1, 3), 1);
  ck_assert_int_eq (run_program (p, len, BLK, R | W, 8, 1), 1);
  ck_assert_int_eq (run_program (p, len, BLK, R | W, 8, 0), 0);
  assert_program_loads (p, len);
  free (rules);
  free (p);

  /* privileged */
  n = device_policy ("[{\"allow\":true,\"access\":\"rwm\"}]", "[]", &rules);
  len = runo_cgroup_v2_device_program (rules, n, &p);
  ck_assert_int_eq (run_program (p, len, BLK, R | W | M, 8, 0), 1);
  ck_assert_int_eq (run_program (p, len, CHR, R | W, 10, 200), 1);
  ck_assert_int_eq (p[len - 2].imm, 1);
  assert_program_loads (p, len);
}
END_TEST

/* Replace the filter of CG by the policy of RULES and DEVS. */
static void
v2_filter (runo_cgroup *cg, const char *rules_json, const char *devs_json)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free struct runo_device_rule *rules = NULL;
  size_t n = device_policy (rules_json, devs_json, &rules);

  ck_assert_msg (runo_cgroup_v2_devices (cg->unified, rules, n, &err) == 0,
                 "%s: %s", err ? err->msg : "",
                 err ? strerror (err->errnum) : "");
}

/* Open /dev/null and /dev/net/tun (10:200, not a default device) from a
   process in CG: bit 0 set when /dev/null opened, bit 1 when tun did. */
static int
probe_devices (runo_cgroup *cg)
{
  cleanup_error runo_error *err = NULL;
  pid_t pid;
  int pipefd[2], status;
  char go = 0;

  ck_assert_int_eq (pipe (pipefd), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      int result = 0, fd;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      close (pipefd[1]);
      if (read (pipefd[0], &go, 1) != 1)
        _exit (100);
      if ((fd = open ("/dev/null", O_RDWR)) >= 0)
        result |= 1, close (fd);
      if ((fd = open ("/dev/net/tun", O_RDWR)) >= 0)
        result |= 2, close (fd);
      _exit (result);
    }
  close (pipefd[0]);
  ck_assert_int_eq (runo_cgroup_enter (cg, pid, &err), 0);
  ck_assert_int_eq (write (pipefd[1], &go, 1), 1);
  close (pipefd[1]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert (WIFEXITED (status));
  return WEXITSTATUS (status);
}

START_TEST (real_v2_device_filter)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *path = runo_xasprintf ("/%s-bpf", real_name);
  runo_cgroup *cg = NULL;

  if (access ("/dev/net/tun", F_OK) != 0)
    return;
  ck_assert_int_eq (runo_cgroup_new ("/", "/proc/self/mountinfo",
                                     "/proc/self/cgroup", path, "x", false, &cg,
                                     &err),
                    0);
  if (cg->unified == NULL)
    {
      runo_cgroup_free (cg);
      return; /* no cgroup2 mount to try the filter on */
    }
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  ck_assert_int_eq (probe_devices (cg), 3);

  /* no rules: the defaults only */
  v2_filter (cg, "[]", "[]");
  ck_assert_int_eq (probe_devices (cg), 1);
  /* an update replaces the filter; a config rule allows tun */
  v2_filter (cg,
             "[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
             "\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":"
             "\"rw\"}]",
             "[]");
  ck_assert_int_eq (probe_devices (cg), 3);
  /* an allow rule without write access does not cover a read-write open */
  v2_filter (cg,
             "[{\"allow\":true,\"type\":\"c\",\"major\":10,\"access\":"
             "\"r\"}]",
             "[]");
  ck_assert_int_eq (probe_devices (cg), 1);
  /* linux.devices are allowed */
  v2_filter (cg, "[]",
             "[{\"path\":\"/dev/net/tun\",\"type\":\"c\",\"major\":10,"
             "\"minor\":200}]");
  ck_assert_int_eq (probe_devices (cg), 3);
  /* privileged */
  v2_filter (cg, "[{\"allow\":true,\"access\":\"rwm\"}]", "[]");
  ck_assert_int_eq (probe_devices (cg), 3);

  ck_assert_int_eq (runo_cgroup_destroy (cg, &err), 0);
  runo_cgroup_free (cg);
}
END_TEST

/* The policy on a real v1 devices cgroup, read back from devices.list. */
START_TEST (real_v1_device_policy)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *path = runo_xasprintf ("/%s-dev", real_name);
  cleanup_free char *list = NULL;
  oci_config *config;
  runo_cgroup *cg = NULL;

  if (access ("/sys/fs/cgroup/devices/devices.list", R_OK) != 0
      || access ("/dev/net/tun", F_OK) != 0)
    return; /* no v1 devices controller */
  ck_assert_int_eq (runo_cgroup_new ("/", "/proc/self/mountinfo",
                                     "/proc/self/cgroup", path, "x", false, &cg,
                                     &err),
                    0);
  ck_assert_int_eq (runo_cgroup_create (cg, &err), 0);
  list = runo_xasprintf ("/sys/fs/cgroup/devices%s/devices.list", path);
  /* a new v1 cgroup allows everything, as its parent does */
  ck_assert (file_has_line (list, "a *:* rwm"));
  ck_assert_int_eq (probe_devices (cg), 3);

  config = device_config ("[]", "[]");
  ck_assert_msg (runo_cgroup_apply_devices (cg, config->linux_->resources,
                                            config->linux_->devices,
                                            config->linux_->devices_len, &err)
                     == 0,
                 "%s", err ? err->msg : "");
  oci_config_free (config);
  ck_assert (!file_has_line (list, "a *:* rwm"));
  ck_assert (file_has_line (list, "c *:* m"));
  ck_assert (file_has_line (list, "b *:* m"));
  ck_assert (file_has_line (list, "c 1:3 rwm"));
  ck_assert (file_has_line (list, "c 136:* rwm"));
  ck_assert_int_eq (probe_devices (cg), 1);

  /* linux.devices, and a type "a" rule for some access only (not "a",
     which the kernel would read as every access) */
  config = device_config ("[{\"allow\":true,\"access\":\"r\"}]",
                          "[{\"path\":\"/dev/loop9\",\"type\":\"b\","
                          "\"major\":7,\"minor\":9}]");
  ck_assert_int_eq (runo_cgroup_apply_devices (
                        cg, config->linux_->resources, config->linux_->devices,
                        config->linux_->devices_len, &err),
                    0);
  oci_config_free (config);
  ck_assert (file_has_line (list, "b 7:9 rwm"));
  /* the kernel merges it with the default "c *:* m" */
  ck_assert (file_has_line (list, "c *:* rm"));
  ck_assert (!file_has_line (list, "a *:* rwm"));

  /* privileged; an update with no rules leaves the policy alone */
  ck_assert_int_eq (
      apply_json (cg, "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}",
                  &err),
      0);
  ck_assert (file_has_line (list, "a *:* rwm"));
  ck_assert_int_eq (probe_devices (cg), 3);
  ck_assert_int_eq (
      apply_json (cg, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}",
                  &err),
      0);
  ck_assert_int_eq (probe_devices (cg), 1);
  ck_assert_int_eq (apply_json (cg, "{\"pids\":{\"limit\":10}}", &err), 0);
  ck_assert (!file_has_line (list, "a *:* rwm"));
  ck_assert_int_eq (probe_devices (cg), 1);

  ck_assert_int_eq (runo_cgroup_destroy (cg, &err), 0);
  runo_cgroup_free (cg);
}
END_TEST

/* ----- fixtures -------------------------------------------------------------
 */

static void
setup_all (void)
{
  strcpy (base_template, "/tmp/runo-test-cgroup-XXXXXX");
  base = mkdtemp (base_template);
  if (base == NULL)
    abort ();
  snprintf (real_name, sizeof (real_name), "runo-test-cgroup-%d",
            (int)getpid ());
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

/* Whatever a failed test left: thaw, kill, remove. */
static void
remove_real (const char *name)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *path = runo_xasprintf ("/%s", name);
  runo_cgroup *cg = NULL;

  if (runo_cgroup_load ("/", "/proc/self/mountinfo", path, false, &cg, &err)
      < 0)
    return;
  runo_cgroup_freeze (cg, false, &err);
  runo_error_release (&err);
  runo_cgroup_kill_all (cg, SIGKILL, &err);
  runo_error_release (&err);
  runo_cgroup_destroy (cg, &err);
  runo_cgroup_free (cg);
}

static void
teardown_all (void)
{
  cleanup_free char *b = runo_xasprintf ("%s-b", real_name);
  cleanup_free char *bpf = runo_xasprintf ("%s-bpf", real_name);
  cleanup_free char *dev = runo_xasprintf ("%s-dev", real_name);

  remove_real (real_name);
  remove_real (b);
  remove_real (bpf);
  remove_real (dev);
  nftw (base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
main (void)
{
  Suite *s = suite_create ("cgroup");
  TCase *fake = tcase_create ("fake");
  TCase *real = tcase_create ("real");
  SRunner *sr;
  int failed;

  tcase_add_unchecked_fixture (fake, setup_all, teardown_all);
  tcase_add_test (fake, detects_v1_v2_and_hybrid);
  tcase_add_test (fake, no_cgroup_mount_is_an_error);
  tcase_add_test (fake, cgroups_path_forms);
  tcase_add_test (fake, relative_path_differs_per_v1_hierarchy_and_loads_back);
  tcase_add_test (fake, create_v1_makes_every_hierarchy_and_fills_cpuset);
  tcase_add_test (fake, apply_v1_writes_v1_files);
  tcase_add_test (fake, apply_v1_refuses_what_the_host_lacks);
  tcase_add_test (fake, apply_v2_converts_and_writes_v2_files);
  tcase_add_test (fake, apply_v2_refuses_what_v2_cannot_do);
  tcase_add_test (fake, apply_hybrid_uses_each_controller_where_it_lives);
  tcase_add_test (fake, freeze_pids_and_stats_on_fake_trees);
  tcase_add_test (fake, systemd_paths_follow_the_slice_tree);
  tcase_add_test (fake, device_policy_denies_all_then_config_then_defaults);
  tcase_add_test (fake, v2_program_ends_in_deny);
  tcase_add_test (fake, v2_program_rules_in_order_and_privileged);
  suite_add_tcase (s, fake);

  tcase_add_unchecked_fixture (real, setup_all, teardown_all);
  tcase_set_timeout (real, 30);
  tcase_add_test (real, real_v1_lifecycle);
  tcase_add_test (real, real_destroy_waits_for_exiting_processes);
  tcase_add_test (real, real_v2_device_filter);
  tcase_add_test (real, real_v1_device_policy);
  suite_add_tcase (s, real);

  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
