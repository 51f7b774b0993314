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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libruno/cgroup.h"
#include "libruno/cgroup_internal.h" /* the weight conversions */
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
  {
    cleanup_free char *mi = xpath (r1, "mountinfo");
    ck_assert_int_lt (
        runo_cgroup_new (r1, mi, mi, "s.slice:p:n", "c1", true, &cg, &err), 0);
    ASSERT_ERROR (err, "not implemented: --systemd-cgroup needs systemd");
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
  ck_assert_int_eq (runo_cgroup_load (root, mi, path, false, &loaded, &err), 0);
  again = runo_cgroup_path (loaded);
  ck_assert_str_eq (again, path);
  ck_assert_str_eq (runo_cgroup_main_path (loaded), "/user.slice/session/ctr");
  runo_cgroup_free (loaded);
  runo_cgroup_free (cg);

  ck_assert_int_lt (
      runo_cgroup_load (root, mi, "memory:/x", false, &loaded, &err), 0);
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
  /* files are truncated on each write: the last allow rule remains */
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.allow", "b 8:* r");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.bfq.weight", "300");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.throttle.read_bps_device",
               "8:0 1048576");
  ASSERT_FILE (root, "sys/fs/cgroup/blkio/c1/blkio.throttle.write_iops_device",
               "8:16 300");

  ck_assert_int_eq (apply_json (cg, "{\"pids\":{\"limit\":0}}", &err), 0);
  ASSERT_FILE (root, "sys/fs/cgroup/pids/c1/pids.max", "0");
  ck_assert_int_eq (apply_json (cg,
                                "{\"devices\":[{\"allow\":true,\"type\":"
                                "\"c\",\"major\":1,\"minor\":3,"
                                "\"access\":\"rwm\"}]}",
                                &err),
                    0);
  ASSERT_FILE (root, "sys/fs/cgroup/devices/c1/devices.allow", "c 1:3 rwm");
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
  ck_assert_int_lt (apply_json (cg, "{\"memory\":{\"swappiness\":10}}", &err),
                    0);
  ASSERT_ERROR (err, "linux.resources.memory.swappiness: not supported on "
                     "cgroup v2");
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
      runo_cgroup_load ("/", "/proc/self/mountinfo", stored, false, &cg, &err),
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

/* Open /dev/null and /dev/zero from a process in CG: bit 0 set when
   /dev/null opened, bit 1 when /dev/zero did. */
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
      if ((fd = open ("/dev/zero", O_RDWR)) >= 0)
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
  oci_config_linux_resources *res;
  runo_cgroup *cg = NULL;

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

  res = parse_resources ("{\"devices\":[{\"allow\":false,\"access\":"
                         "\"rwm\"},{\"allow\":true,\"type\":\"c\","
                         "\"major\":1,\"minor\":3,\"access\":\"rw\"}]}");
  ck_assert_msg (runo_cgroup_v2_devices (cg->unified, res, &err) == 0, "%s: %s",
                 err ? err->msg : "", err ? strerror (err->errnum) : "");
  oci_config_linux_resources_free (res);
  ck_assert_int_eq (probe_devices (cg), 1);

  /* an update replaces the filter; last matching rule wins; an allow rule
     without write access does not cover a read-write open */
  res = parse_resources ("{\"devices\":[{\"allow\":false,\"access\":"
                         "\"rwm\"},{\"allow\":true,\"type\":\"c\","
                         "\"major\":1,\"access\":\"rwm\"},{\"allow\":"
                         "false,\"type\":\"c\",\"major\":1,\"minor\":3,"
                         "\"access\":\"w\"},{\"allow\":true,\"type\":"
                         "\"c\",\"major\":1,\"minor\":5,\"access\":"
                         "\"r\"}]}");
  ck_assert_msg (runo_cgroup_v2_devices (cg->unified, res, &err) == 0, "%s: %s",
                 err ? err->msg : "", err ? strerror (err->errnum) : "");
  oci_config_linux_resources_free (res);
  ck_assert_int_eq (probe_devices (cg), 2);

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

  remove_real (real_name);
  remove_real (b);
  remove_real (bpf);
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
  suite_add_tcase (s, fake);

  tcase_add_unchecked_fixture (real, setup_all, teardown_all);
  tcase_set_timeout (real, 30);
  tcase_add_test (real, real_v1_lifecycle);
  tcase_add_test (real, real_destroy_waits_for_exiting_processes);
  tcase_add_test (real, real_v2_device_filter);
  suite_add_tcase (s, real);

  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
