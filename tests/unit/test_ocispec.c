/* Unit tests for libocispec: the runtime-spec schema fixtures, round trips
   and the parser's handling of hostile input.

   The fixture directory (runtime-spec's schema/test) comes from the
   environment variable OCISPEC_SCHEMA_TEST_DIR, else from the compile-time
   define of the same name.  Fixture tests fail when it is missing.  */

#include "ocispec.h"
#include "ocispec_json.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
   Helpers.  */

/* The three document kinds behind one interface, so fixture tests can pick
   the parser by directory.  */
typedef struct doc_kind
{
  const char *dir; /* fixture subdirectory */
  void *(*parse_file) (const char *path, char **err);
  void *(*parse_data) (const char *data, size_t len, const char *name,
                       char **err);
  char *(*generate) (const void *doc, bool pretty, char **err);
  bool (*equal) (const void *a, const void *b);
  void (*free) (void *doc);
} doc_kind;

#define DOC_KIND(T)                                                            \
  static void *T##_parse_file (const char *path, char **err)                   \
  {                                                                            \
    return oci_##T##_parse_file (path, err);                                   \
  }                                                                            \
  static void *T##_parse_data (const char *data, size_t len, const char *name, \
                               char **err)                                     \
  {                                                                            \
    return oci_##T##_parse_data (data, len, name, err);                        \
  }                                                                            \
  static char *T##_generate (const void *doc, bool pretty, char **err)         \
  {                                                                            \
    return oci_##T##_generate (doc, pretty, err);                              \
  }                                                                            \
  static bool T##_equal (const void *a, const void *b)                         \
  {                                                                            \
    return oci_##T##_equal (a, b);                                             \
  }                                                                            \
  static void T##_free (void *doc) { oci_##T##_free (doc); }                   \
  static const doc_kind T##_kind = {                                           \
    #T, T##_parse_file, T##_parse_data, T##_generate, T##_equal, T##_free      \
  };

DOC_KIND (config)
DOC_KIND (state)
DOC_KIND (features)

static const doc_kind *const kinds[]
    = { &config_kind, &state_kind, &features_kind };

static const char *
fixture_dir (void)
{
  const char *dir = getenv ("OCISPEC_SCHEMA_TEST_DIR");
#ifdef OCISPEC_SCHEMA_TEST_DIR
  if (dir == NULL || *dir == '\0')
    dir = OCISPEC_SCHEMA_TEST_DIR;
#endif
  if (dir == NULL || *dir == '\0')
    ck_abort_msg (
        "fixture directory unknown: set OCISPEC_SCHEMA_TEST_DIR to the "
        "runtime-spec schema/test directory");
  if (access (dir, R_OK | X_OK) != 0)
    ck_abort_msg (
        "fixture directory %s: %s (set OCISPEC_SCHEMA_TEST_DIR to the "
        "runtime-spec schema/test directory)",
        dir, strerror (errno));
  return dir;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Sorted *.json file names in dir; aborts the test if dir is unreadable
   or has none.  */
static char **
list_json (const char *dir, size_t *count)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0;

  if (d == NULL)
    ck_abort_msg ("fixture directory %s: %s", dir, strerror (errno));
  while ((e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      if (len < 5 || strcmp (e->d_name + len - 5, ".json") != 0)
        continue;
      names = realloc (names, (n + 1) * sizeof *names);
      ck_assert_ptr_nonnull (names);
      names[n++] = strdup (e->d_name);
    }
  closedir (d);
  ck_assert_msg (n > 0, "no *.json fixtures in %s", dir);
  qsort (names, n, sizeof *names, compare_names);
  *count = n;
  return names;
}

static void
free_names (char **names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
}

static void
assert_one_line (const char *msg)
{
  ck_assert_ptr_nonnull (msg);
  ck_assert_msg (*msg != '\0', "empty error message");
  ck_assert_msg (strchr (msg, '\n') == NULL && strchr (msg, '\r') == NULL,
                 "error message is not one line: %s", msg);
}

/* generate (compact and pretty) -> parse -> equal, and generation is
   stable across the round trip.  */
static void
check_round_trip (const doc_kind *k, const void *doc, const char *what)
{
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      char *err = NULL, *json, *json2;
      void *again;

      json = k->generate (doc, pretty, &err);
      ck_assert_msg (json != NULL, "%s: generate failed: %s", what, err);
      ck_assert_ptr_null (err);
      ck_assert_msg (pretty || strchr (json, '\n') == NULL,
                     "%s: compact output has newlines", what);
      again = k->parse_data (json, strlen (json), "generated", &err);
      ck_assert_msg (again != NULL, "%s: reparse failed: %s", what, err);
      ck_assert_msg (k->equal (doc, again),
                     "%s: round trip differs (pretty=%d)", what, pretty);
      json2 = k->generate (again, pretty, &err);
      ck_assert_ptr_nonnull (json2);
      ck_assert_msg (strcmp (json, json2) == 0,
                     "%s: generation not stable (pretty=%d)", what, pretty);
      free (json);
      free (json2);
      k->free (again);
    }
}

static oci_config *
parse_config (const char *json)
{
  char *err = NULL;
  oci_config *c = oci_config_parse_data (json, strlen (json), "t.json", &err);
  ck_assert_msg (c != NULL, "parse failed: %s\n%s", err, json);
  ck_assert_ptr_null (err);
  return c;
}

static void
expect_error_kind (const doc_kind *k, const char *json, size_t len,
                   const char *expected)
{
  char *err = NULL;
  void *doc = k->parse_data (json, len, "t.json", &err);
  ck_assert_msg (doc == NULL, "accepted: %s", json);
  assert_one_line (err);
  ck_assert_str_eq (err, expected);
  free (err);
}

static void
expect_error (const char *json, const char *expected)
{
  expect_error_kind (&config_kind, json, strlen (json), expected);
}

/* A realistic config.json (close to what runc spec writes), used where the
   tests should not depend on the fixture directory.  */
static const char real_config[]
    = "{\n"
      "  \"ociVersion\": \"1.3.0\",\n"
      "  \"process\": {\n"
      "    \"terminal\": true,\n"
      "    \"user\": { \"uid\": 0, \"gid\": 0, \"additionalGids\": [10, 20] "
      "},\n"
      "    \"args\": [\"sh\", \"-c\", \"echo hi\"],\n"
      "    \"env\": [\"PATH=/usr/bin:/bin\", \"TERM=xterm\"],\n"
      "    \"cwd\": \"/\",\n"
      "    \"capabilities\": {\n"
      "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\"],\n"
      "      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\"],\n"
      "      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\"]\n"
      "    },\n"
      "    \"rlimits\": [{ \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
      "\"soft\": 1024 }],\n"
      "    \"noNewPrivileges\": true,\n"
      "    \"oomScoreAdj\": -500,\n"
      "    \"ioPriority\": { \"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4 "
      "}\n"
      "  },\n"
      "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
      "  \"hostname\": \"runo\",\n"
      "  \"annotations\": { \"org.example.key\": \"value\", \"b\": \"\" },\n"
      "  \"hooks\": { \"prestart\": [{ \"path\": \"/bin/true\", \"args\": "
      "[\"true\"], "
      "\"timeout\": 5 }] },\n"
      "  \"mounts\": [\n"
      "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\" },\n"
      "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\",\n"
      "      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
      "\"size=65536k\"] },\n"
      "    { \"destination\": \"/data\", \"source\": \"/srv\", \"options\": "
      "[\"rbind\"],\n"
      "      \"uidMappings\": [{ \"containerID\": 0, \"hostID\": 100000, "
      "\"size\": 65536 }] }\n"
      "  ],\n"
      "  \"linux\": {\n"
      "    \"uidMappings\": [{ \"containerID\": 0, \"hostID\": 100000, "
      "\"size\": 65536 }],\n"
      "    \"resources\": {\n"
      "      \"devices\": [{ \"allow\": false, \"access\": \"rwm\" },\n"
      "                  { \"allow\": true, \"type\": \"c\", \"major\": 1, "
      "\"minor\": 3, "
      "\"access\": \"rw\" }],\n"
      "      \"memory\": { \"limit\": 536870912, \"swappiness\": 0 },\n"
      "      \"cpu\": { \"shares\": 1024, \"quota\": -1, \"cpus\": \"0-3\" },\n"
      "      \"pids\": { \"limit\": 100 },\n"
      "      \"hugepageLimits\": [{ \"pageSize\": \"2MB\", \"limit\": 0 }],\n"
      "      \"blockIO\": { \"weight\": 10, \"weightDevice\": [{ \"major\": 8, "
      "\"minor\": 0, "
      "\"weight\": 500 }] },\n"
      "      \"unified\": { \"memory.high\": \"max\" },\n"
      "      \"rdma\": { \"mlx5_1\": { \"hcaHandles\": 3 } }\n"
      "    },\n"
      "    \"netDevices\": { \"eth0\": { \"name\": \"ceth0\" } },\n"
      "    \"namespaces\": [{ \"type\": \"pid\" }, { \"type\": \"network\", "
      "\"path\": "
      "\"/proc/1/ns/net\" },\n"
      "                   { \"type\": \"ipc\" }, { \"type\": \"uts\" }, { "
      "\"type\": \"mount\" }],\n"
      "    \"sysctl\": { \"net.ipv4.ip_forward\": \"1\" },\n"
      "    \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ERRNO\", "
      "\"defaultErrnoRet\": 1,\n"
      "                 \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
      "                 \"syscalls\": [{ \"names\": [\"read\", \"write\"], "
      "\"action\": "
      "\"SCMP_ACT_ALLOW\",\n"
      "                               \"args\": [{ \"index\": 0, \"value\": 1, "
      "\"op\": "
      "\"SCMP_CMP_EQ\" }] }] },\n"
      "    \"maskedPaths\": [\"/proc/kcore\"],\n"
      "    \"readonlyPaths\": [],\n"
      "    \"rootfsPropagation\": \"private\",\n"
      "    \"timeOffsets\": { \"boottime\": { \"secs\": -1, \"nanosecs\": 5 } "
      "}\n"
      "  }\n"
      "}\n";

/* ------------------------------------------------------------------------
   Fixtures.  */

START_TEST (test_fixtures_good)
{
  const char *root = fixture_dir ();

  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    {
      char dir[4096];
      size_t n;
      char **names;

      snprintf (dir, sizeof dir, "%s/%s/good", root, kinds[k]->dir);
      names = list_json (dir, &n);
      for (size_t i = 0; i < n; i++)
        {
          char path[8192], *err = NULL;
          void *doc;

          snprintf (path, sizeof path, "%s/%s", dir, names[i]);
          doc = kinds[k]->parse_file (path, &err);
          ck_assert_msg (doc != NULL, "%s rejected: %s", path, err);
          ck_assert_ptr_null (err);
          check_round_trip (kinds[k], doc, path);
          kinds[k]->free (doc);
        }
      free_names (names, n);
    }
}
END_TEST

/* Expected messages (after "<path>: ") for the known bad fixtures; others
   are only checked for the general format.  */
static const struct
{
  const char *file;
  const char *message;
  bool prefix_only;
} known_bad[] = {
  { "config/bad/linux-hugepage.json",
    "linux.resources.hugepageLimits[0].pageSize: \"64kB\" does not match "
    "^[1-9][0-9]*[KMG]B$",
    false },
  { "config/bad/linux-netdevice.json",
    "linux.netDevices.eth0.name: expected string, got number", false },
  { "config/bad/linux-rdma.json",
    "linux.resources.rdma.mlx5_1.hcaHandles: expected integer, got string",
    false },
  { "config/bad/freebsd-vnet-disable.json",
    "freebsd.jail.vnet: \"disable\" is not one of: new, inherit", false },
  { "config/bad/invalid-json.json",
    "line 1: invalid JSON: parse error: ", true },
  { "features/bad/missing-ociVersionMax.json",
    "missing required property \"ociVersionMax\"", false },
  { "state/bad/invalid-json.json",
    "line 1: invalid JSON: parse error: ", true },
};

START_TEST (test_fixtures_bad)
{
  const char *root = fixture_dir ();
  size_t checked = 0;

  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    {
      char dir[4096];
      size_t n;
      char **names;

      snprintf (dir, sizeof dir, "%s/%s/bad", root, kinds[k]->dir);
      names = list_json (dir, &n);
      for (size_t i = 0; i < n; i++)
        {
          char path[8192], rel[512], *err = NULL;
          void *doc;
          size_t plen;

          snprintf (path, sizeof path, "%s/%s", dir, names[i]);
          snprintf (rel, sizeof rel, "%s/bad/%s", kinds[k]->dir, names[i]);
          doc = kinds[k]->parse_file (path, &err);
          ck_assert_msg (doc == NULL, "%s accepted", path);
          assert_one_line (err);
          plen = strlen (path);
          ck_assert_msg (strncmp (err, path, plen) == 0
                             && strncmp (err + plen, ": ", 2) == 0,
                         "%s: message does not start with the file name: %s",
                         path, err);
          for (size_t j = 0; j < sizeof known_bad / sizeof known_bad[0]; j++)
            {
              const char *want = known_bad[j].message;
              if (strcmp (known_bad[j].file, rel) != 0)
                continue;
              if (known_bad[j].prefix_only)
                ck_assert_msg (strncmp (err + plen + 2, want, strlen (want))
                                   == 0,
                               "%s: got \"%s\", want prefix \"%s\"", rel,
                               err + plen + 2, want);
              else
                ck_assert_msg (strcmp (err + plen + 2, want) == 0,
                               "%s: got \"%s\", want \"%s\"", rel,
                               err + plen + 2, want);
              checked++;
            }
          free (err);
        }
      free_names (names, n);
    }
  ck_assert_uint_eq (checked, sizeof known_bad / sizeof known_bad[0]);
}
END_TEST

/* ------------------------------------------------------------------------
   Integers.  */

START_TEST (test_int_limits_round_trip)
{
  oci_config *c = parse_config (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{"
      "\"memory\":{\"swappiness\":18446744073709551615,\"limit\":-"
      "9223372036854775808,"
      "\"swap\":9223372036854775807},"
      "\"blockIO\":{\"weight\":65535}}},"
      "\"process\":{\"cwd\":\"/"
      "\",\"user\":{\"uid\":4294967295},\"ioPriority\":{\"class\":"
      "\"IOPRIO_CLASS_RT\",\"priority\":-2147483648}}}");
  char *err = NULL, *json;

  ck_assert (c->linux_->resources->memory->swappiness == UINT64_MAX);
  ck_assert (c->linux_->resources->memory->limit == INT64_MIN);
  ck_assert (c->linux_->resources->memory->swap == INT64_MAX);
  ck_assert_uint_eq (c->linux_->resources->block_io->weight, 65535);
  ck_assert_uint_eq (c->process->user->uid, UINT32_MAX);
  ck_assert_int_eq (c->process->io_priority->priority, INT32_MIN);
  json = oci_config_generate (c, false, &err);
  ck_assert_ptr_nonnull (json);
  ck_assert_ptr_nonnull (strstr (json, "\"swappiness\":18446744073709551615"));
  ck_assert_ptr_nonnull (strstr (json, "\"limit\":-9223372036854775808"));
  ck_assert_ptr_nonnull (strstr (json, "\"swap\":9223372036854775807"));
  free (json);
  check_round_trip (&config_kind, c, "int limits");
  oci_config_free (c);
}
END_TEST

START_TEST (test_int_out_of_range)
{
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{"
                "\"swappiness\":"
                "18446744073709551616}}}}",
                "t.json: linux.resources.memory.swappiness: "
                "18446744073709551616 out of range "
                "for uint64");
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{"
                "\"swappiness\":"
                "99999999999999999999999}}}}",
                "t.json: linux.resources.memory.swappiness: "
                "99999999999999999999999 out of range "
                "for uint64");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{"
      "\"swappiness\":-1}}}}",
      "t.json: linux.resources.memory.swappiness: -1 out of range for uint64");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{\"limit\":"
      "9223372036854775808}}}}",
      "t.json: linux.resources.memory.limit: 9223372036854775808 out of range "
      "for "
      "int64");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{\"limit\":"
      "-9223372036854775809}}}}",
      "t.json: linux.resources.memory.limit: -9223372036854775809 out of range "
      "for "
      "int64");
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"uid\":-1}}}",
                "t.json: process.user.uid: -1 out of range for uint32");
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"additionalGids\":"
                "[1,4294967296]}}}",
                "t.json: process.user.additionalGids[1]: 4294967296 out of "
                "range for uint32");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":"
      "65536}}}}",
      "t.json: linux.resources.blockIO.weight: 65536 out of range for uint16");
  expect_error (
      "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
      "\",\"ioPriority\":{\"class\":"
      "\"IOPRIO_CLASS_RT\",\"priority\":2147483648}}}",
      "t.json: process.ioPriority.priority: 2147483648 out of range for int32");
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"devices\":[{\"type\":\"c\","
                "\"path\":\"/d\","
                "\"fileMode\":4294967296}]}}",
                "t.json: linux.devices[0].fileMode: 4294967296 out of range "
                "for uint32");
  expect_error (
      "{\"ociVersion\":\"1\",\"hooks\":{\"poststop\":[{\"path\":\"/"
      "p\",\"timeout\":0}]}}",
      "t.json: hooks.poststop[0].timeout: 0 out of range (minimum 1)");
  static const char state_json[]
      = "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"running\","
        "\"bundle\":\"/\",\"pid\":-1}";
  expect_error_kind (&state_kind, state_json, strlen (state_json),
                     "t.json: pid: -1 out of range (minimum 0)");
}
END_TEST

START_TEST (test_int_not_integer)
{
  static const char *const bad[]
      = { "1.5", "1.0", "1e3", "1E+2", "1e400", "-0.0" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char json[256], want[256];
      snprintf (json, sizeof json,
                "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"uid\":%s}}}",
                bad[i]);
      snprintf (want, sizeof want,
                "t.json: process.user.uid: expected integer, got %s", bad[i]);
      expect_error (json, want);
    }
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"uid\":\"0\"}}}",
                "t.json: process.user.uid: expected integer, got string");
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"uid\":true}}}",
                "t.json: process.user.uid: expected integer, got boolean");
}
END_TEST

START_TEST (test_present_flags)
{
  oci_config *zero = parse_config (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":"
      "{\"swappiness\":0,\"disableOOMKiller\":false}}}}");
  oci_config *absent = parse_config (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{}}}}");
  oci_config_linux_resources_memory *mz = zero->linux_->resources->memory;
  oci_config_linux_resources_memory *ma = absent->linux_->resources->memory;
  char *err = NULL, *json;

  ck_assert (mz->swappiness_present && mz->swappiness == 0);
  ck_assert (mz->disable_oom_killer_present && !mz->disable_oom_killer);
  ck_assert (!ma->swappiness_present && !ma->disable_oom_killer_present);
  ck_assert (!ma->limit_present);
  ck_assert (!oci_config_equal (zero, absent));

  json = oci_config_generate (absent, false, &err);
  ck_assert_str_eq (
      json, "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":{}}}}");
  free (json);
  json = oci_config_generate (zero, false, &err);
  ck_assert_str_eq (
      json, "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"memory\":"
            "{\"swappiness\":0,\"disableOOMKiller\":false}}}}");
  free (json);

  /* Arrays: present-but-empty differs from absent.  */
  oci_config *empty = parse_config ("{\"ociVersion\":\"1\",\"mounts\":[]}");
  ck_assert (empty->mounts_present && empty->mounts_len == 0);
  ck_assert (!absent->mounts_present);
  ck_assert (!oci_config_equal (empty, absent));
  json = oci_config_generate (empty, false, &err);
  ck_assert_str_eq (json, "{\"ociVersion\":\"1\",\"mounts\":[]}");
  free (json);

  oci_config_free (zero);
  oci_config_free (absent);
  oci_config_free (empty);
}
END_TEST

/* ------------------------------------------------------------------------
   Structure and semantics.  */

START_TEST (test_real_config)
{
  oci_config *c = parse_config (real_config);

  ck_assert_str_eq (c->oci_version, "1.3.0");
  ck_assert_str_eq (c->process->args[2], "echo hi");
  ck_assert_uint_eq (c->process->args_len, 3);
  ck_assert_uint_eq (c->process->user->additional_gids_len, 2);
  ck_assert_uint_eq (c->process->user->additional_gids[1], 20);
  ck_assert_int_eq (c->process->oom_score_adj, -500);
  ck_assert_str_eq (c->process->io_priority->class_, "IOPRIO_CLASS_BE");
  ck_assert_str_eq (c->process->rlimits[0]->type, "RLIMIT_NOFILE");
  ck_assert_uint_eq (c->mounts_len, 3);
  ck_assert_uint_eq (c->mounts[2]->uid_mappings[0]->host_id, 100000);
  ck_assert_uint_eq (c->annotations->len, 2);
  ck_assert_str_eq (c->annotations->keys[0], "org.example.key");
  ck_assert_str_eq (c->annotations->values[1], "");
  ck_assert_int_eq (c->hooks->prestart[0]->timeout, 5);
  ck_assert_uint_eq (c->linux_->namespaces_len, 5);
  ck_assert_str_eq (c->linux_->namespaces[1]->path, "/proc/1/ns/net");
  ck_assert_ptr_null (c->linux_->namespaces[0]->path);
  ck_assert_str_eq (c->linux_->net_devices->keys[0], "eth0");
  ck_assert_str_eq (c->linux_->net_devices->values[0]->name, "ceth0");
  ck_assert_uint_eq (c->linux_->resources->rdma->values[0]->hca_handles, 3);
  ck_assert (!c->linux_->resources->rdma->values[0]->hca_objects_present);
  ck_assert (c->linux_->resources->devices[1]->allow);
  ck_assert_int_eq (c->linux_->resources->cpu->quota, -1);
  ck_assert_uint_eq (c->linux_->resources->block_io->weight_device[0]->weight,
                     500);
  ck_assert_str_eq (c->linux_->seccomp->syscalls[0]->args[0]->op,
                    "SCMP_CMP_EQ");
  ck_assert (c->linux_->readonly_paths_present
             && c->linux_->readonly_paths_len == 0);
  ck_assert_int_eq (c->linux_->time_offsets->boottime->secs, -1);
  ck_assert_ptr_null (c->windows);
  check_round_trip (&config_kind, c, "real config");
  oci_config_free (c);
}
END_TEST

START_TEST (test_unknown_properties_ignored)
{
  /* Unknown properties of every JSON type, at every level.  */
#define U                                                                      \
  "\"x-unknown\":{\"a\":[1,{\"b\":null},\"s\",true,1e400,-"                    \
  "99999999999999999999999]},"
  const char *with
      = "{" U "\"ociVersion\":\"1\",\"process\":{" U
        "\"cwd\":\"/\",\"user\":{" U "\"uid\":1},\"rlimits\":[{" U
        "\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":2}]},"
        "\"mounts\":[{" U "\"destination\":\"/m\",\"uidMappings\":[{" U
        "\"containerID\":0,\"hostID\":1,\"size\":1}]}],"
        "\"linux\":{" U "\"namespaces\":[{" U
        "\"type\":\"pid\"}],\"resources\":{" U "\"memory\":{" U
        "\"limit\":1},\"rdma\":{\"d\":{" U "\"hcaObjects\":1}}},"
        "\"seccomp\":{" U
        "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{" U
        "\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\",\"args\":[{" U
        "\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_NE\"}]}]}},"
        "\"root\":{" U "\"path\":\"r\"},\"futurePlatform\":{\"root\":7}}";
#undef U
  const char *without
      = "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
        "\",\"user\":{\"uid\":1},\"rlimits\":"
        "[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":2}]},\"mounts\":[{"
        "\"destination\":\"/m\","
        "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}],"
        "\"linux\":{\"namespaces\":"
        "[{\"type\":\"pid\"}],\"resources\":{\"memory\":{\"limit\":1},\"rdma\":"
        "{\"d\":"
        "{\"hcaObjects\":1}}},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_"
        "ALLOW\",\"syscalls\":"
        "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\",\"args\":[{"
        "\"index\":0,\"value\":1,"
        "\"op\":\"SCMP_CMP_NE\"}]}]}},\"root\":{\"path\":\"r\"}}";
  oci_config *a = parse_config (with);
  oci_config *b = parse_config (without);
  char *err = NULL, *ja, *jb;

  ck_assert (oci_config_equal (a, b));
  ja = oci_config_generate (a, false, &err);
  jb = oci_config_generate (b, false, &err);
  ck_assert_ptr_nonnull (ja);
  ck_assert_ptr_nonnull (jb);
  ck_assert_str_eq (ja, jb);
  free (ja);
  free (jb);
  oci_config_free (a);
  oci_config_free (b);
}
END_TEST

START_TEST (test_null_duplicates_order)
{
  oci_config *c;
  char *err = NULL, *json;

  /* null counts as absent; the last of repeated properties wins.  */
  c = parse_config (
      "{\"hostname\":null,\"ociVersion\":\"0\",\"mounts\":null,"
      "\"ociVersion\":\"1\",\"domainname\":\"a\",\"domainname\":null,"
      "\"annotations\":{\"k\":\"1\",\"j\":\"2\"}}");
  ck_assert_ptr_null (c->hostname);
  ck_assert_ptr_null (c->domainname);
  ck_assert (!c->mounts_present);
  ck_assert_str_eq (c->oci_version, "1");
  /* Output follows schema order; map keys keep document order.  */
  json = oci_config_generate (c, false, &err);
  ck_assert_str_eq (
      json, "{\"ociVersion\":\"1\",\"annotations\":{\"k\":\"1\",\"j\":\"2\"}}");
  free (json);
  oci_config_free (c);

  expect_error ("{\"ociVersion\":null}",
                "t.json: missing required property \"ociVersion\"");
  expect_error ("{\"ociVersion\":\"1\",\"mounts\":[null]}",
                "t.json: mounts[0]: expected object, got null");
  expect_error ("{\"ociVersion\":\"1\",\"annotations\":{\"a\":null}}",
                "t.json: annotations.a: expected string, got null");
}
END_TEST

START_TEST (test_validation_messages)
{
  /* The message formats promised by the API.  */
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{"
      "\"type\":"
      "\"ipc\"},{\"type\":7}]}}",
      "t.json: linux.namespaces[2].type: expected string, got number");
  expect_error ("{\"ociVersion\":\"1\",\"root\":{\"readonly\":true}}",
                "t.json: root: missing required property \"path\"");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"hugepageLimits\":[{"
      "\"pageSize\":\"64kB\",\"limit\":1}]}}}",
      "t.json: linux.resources.hugepageLimits[0].pageSize: \"64kB\" does not "
      "match "
      "^[1-9][0-9]*[KMG]B$");
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"user\":{\"uid\":4294967296}}}",
                "t.json: process.user.uid: 4294967296 out of range for uint32");
  expect_error ("{\n  \"ociVersion\": \"1\",\n  ]\n}",
                "t.json: line 3: invalid JSON: parse error: invalid object key "
                "(must be a "
                "string)");
  expect_error ("{}", "t.json: missing required property \"ociVersion\"");

  /* Enums, patterns, minItems, map keys.  */
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"pidx\"}]}}",
      "t.json: linux.namespaces[0].type: \"pidx\" is not one of: mount, pid, "
      "network, "
      "uts, ipc, user, cgroup, time");
  expect_error (
      "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":"
      "\"RLIMIT_nofile\",\"soft\":1,\"hard\":1}]}}",
      "t.json: process.rlimits[0].type: \"RLIMIT_nofile\" does not match "
      "^RLIMIT_[A-Z]+$");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"devices\":[{\"type\":\"cb\",\"path\":"
      "\"/d\"}]}}",
      "t.json: linux.devices[0].type: \"cb\" does not match ^[cbup]$");
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"intelRdt\":{"
                "\"memBwSchema\":\"MB:0=20\\n\"}}}",
                "t.json: linux.intelRdt.memBwSchema: \"MB:0=20\\n\" does not "
                "match ^MB:[^\\n]*$");
  expect_error ("{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/"
                "\",\"execCPUAffinity\":{\"initial\":"
                "\"0-3,x\"}}}",
                "t.json: process.execCPUAffinity.initial: \"0-3,x\" does not "
                "match ^[0-9, -]*$");
  expect_error (
      "{\"ociVersion\":\"1\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_"
      "ACT_KILL\","
      "\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
      "t.json: linux.seccomp.syscalls[0].names: expected at least 1 item, got "
      "0");
  expect_error (
      "{\"ociVersion\":\"1\",\"windows\":{\"layerFolders\":[]}}",
      "t.json: windows.layerFolders: expected at least 1 item, got 0");
  expect_error ("{\"ociVersion\":\"1\",\"annotations\":{\"\":\"x\"}}",
                "t.json: annotations: property name \"\" does not match .{1,}");
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"sysctl\":{\"a.b\":1}}}",
                "t.json: linux.sysctl[\"a.b\"]: expected string, got number");
  expect_error ("{\"ociVersion\":\"1\",\"hostname\":\"a\\u0000b\"}",
                "t.json: hostname: string contains a NUL character");
  expect_error ("{\"ociVersion\":\"1\",\"vm\":{\"kernel\":{\"path\":\"k\"},"
                "\"image\":{\"path\":"
                "\"i\",\"format\":\"iso\"}}}",
                "t.json: vm.image.format: \"iso\" is not one of: raw, qcow2, "
                "vdi, vmdk, vhd");
  expect_error ("{\"ociVersion\":\"1\",\"vm\":{\"hwConfig\":{}}}",
                "t.json: vm: missing required property \"kernel\"");
  expect_error ("{\"ociVersion\":\"1\",\"linux\":{\"resources\":{\"blockIO\":{"
                "\"weightDevice\":"
                "[{\"major\":8}]}}}}",
                "t.json: linux.resources.blockIO.weightDevice[0]: missing "
                "required property "
                "\"minor\"");

  /* Quoted values are escaped and cut so the message stays one short line.  */
  {
    char json[512];
    snprintf (json, sizeof json,
              "{\"ociVersion\":\"1\",\"linux\":{\"rootfsPropagation\":\"%"
              "s\\n\\\"x\"}}",
              "0123456789012345678901234567890123456789012345678901234567890123"
              "456789");
    expect_error (json, "t.json: linux.rootfsPropagation: "
                        "\"0123456789012345678901234567890123456789012345678901"
                        "234567890123...\""
                        " is not one of: private, shared, slave, unbindable,"
                        " rprivate, rshared, rslave, runbindable");
  }
}
END_TEST

START_TEST (test_wrong_type_per_section)
{
  static const struct
  {
    const char *prop, *value, *expected;
  } cases[] = {
    { "ociVersion", "1", "expected string, got number" },
    { "hooks", "[]", "expected object, got array" },
    { "annotations", "\"a\"", "expected object, got string" },
    { "hostname", "true", "expected string, got boolean" },
    { "domainname", "{}", "expected string, got object" },
    { "mounts", "{}", "expected array, got object" },
    { "root", "[]", "expected object, got array" },
    { "process", "1", "expected object, got number" },
    { "linux", "[]", "expected object, got array" },
    { "solaris", "\"s\"", "expected object, got string" },
    { "windows", "1", "expected object, got number" },
    { "vm", "true", "expected object, got boolean" },
    { "zos", "[]", "expected object, got array" },
    { "freebsd", "1", "expected object, got number" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char json[256], want[256];
      if (strcmp (cases[i].prop, "ociVersion") == 0)
        snprintf (json, sizeof json, "{\"ociVersion\":%s}", cases[i].value);
      else
        snprintf (json, sizeof json, "{\"ociVersion\":\"1\",\"%s\":%s}",
                  cases[i].prop, cases[i].value);
      snprintf (want, sizeof want, "t.json: %s: %s", cases[i].prop,
                cases[i].expected);
      expect_error (json, want);
    }

  static const char state_json[]
      = "{\"ociVersion\":\"1\",\"id\":[],\"status\":\"running\","
        "\"bundle\":\"/\"}";
  expect_error_kind (&state_kind, state_json, strlen (state_json),
                     "t.json: id: expected string, got array");
  static const char features_json[]
      = "{\"ociVersionMin\":\"1\",\"ociVersionMax\":\"1\","
        "\"linux\":{\"cgroup\":{\"v2\":\"yes\"}}}";
  expect_error_kind (&features_kind, features_json, strlen (features_json),
                     "t.json: linux.cgroup.v2: expected boolean, got string");

  /* Top level must be an object.  */
  static const char *const tops[][2] = {
    { "[]", "array" },  { "\"x\"", "string" }, { "1", "number" },
    { "null", "null" }, { "true", "boolean" },
  };
  for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++)
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
      {
        char want[128];
        snprintf (want, sizeof want, "t.json: expected object, got %s",
                  tops[i][1]);
        expect_error_kind (kinds[k], tops[i][0], strlen (tops[i][0]), want);
      }
}
END_TEST

START_TEST (test_raw_json_object)
{
  oci_config *c = parse_config (
      "{\"ociVersion\":\"1\",\"windows\":{\"layerFolders\":[\"C:\\\\l\"],"
      "\"credentialSpec\":{\"a\":[1,-2.5e3,{\"b\":null}],\"c\":\"\\u00e9\","
      "\"d\":{}},\"hyperv\":{\"utilityVMPath\":\"u\"}}}");
  ck_assert_str_eq (
      c->windows->credential_spec_json,
      "{\"a\":[1,-2.5e3,{\"b\":null}],\"c\":\"\xc3\xa9\",\"d\":{}}");
  ck_assert_str_eq (c->windows->layer_folders[0], "C:\\l");
  check_round_trip (&config_kind, c, "credentialSpec");
  oci_config_free (c);
  expect_error ("{\"ociVersion\":\"1\",\"windows\":{\"layerFolders\":[\"l\"],"
                "\"credentialSpec\":[]}}",
                "t.json: windows.credentialSpec: expected object, got array");
}
END_TEST

/* ------------------------------------------------------------------------
   Hostile input.  */

START_TEST (test_truncated)
{
  size_t len = strlen (real_config);

  /* Every proper prefix of the document (up to its closing brace) is
     invalid JSON.  */
  while (len > 0 && real_config[len - 1] != '}')
    len--;
  for (size_t n = 0; n < len; n++)
    {
      char *err = NULL;
      oci_config *c = oci_config_parse_data (real_config, n, "t.json", &err);
      ck_assert_msg (c == NULL, "prefix of %zu bytes accepted", n);
      assert_one_line (err);
      ck_assert_msg (strncmp (err, "t.json: line ", 13) == 0
                         && strstr (err, ": invalid JSON: "),
                     "prefix %zu: %s", n, err);
      free (err);
    }
}
END_TEST

static char *
nested (size_t depth, const char *prefix)
{
  size_t plen = strlen (prefix);
  char *s = malloc (plen + 2 * depth + 2);
  ck_assert_ptr_nonnull (s);
  memcpy (s, prefix, plen);
  memset (s + plen, '[', depth);
  memset (s + plen + depth, ']', depth);
  strcpy (s + plen + 2 * depth, "}");
  return s;
}

START_TEST (test_deep_nesting)
{
  char *s, *err = NULL;
  oci_config *c;

  /* 100000 levels, inside an unknown property and as the document.  */
  s = nested (100000, "{\"ociVersion\":\"1\",\"x\":");
  expect_error (s, "t.json: nesting deeper than 256 levels");
  free (s);
  s = malloc (5 * 100000 + 1);
  ck_assert_ptr_nonnull (s);
  for (size_t i = 0; i < 100000; i++)
    memcpy (s + 5 * i, "{\"a\":", 5);
  s[5 * 100000] = '\0';
  expect_error (s, "t.json: nesting deeper than 256 levels");
  memset (s, '[', 100000);
  s[100000] = '\0';
  expect_error (s, "t.json: nesting deeper than 256 levels");
  free (s);

  /* Exactly the limit: the document object plus 255 arrays is fine.  */
  s = nested (255, "{\"ociVersion\":\"1\",\"x\":");
  c = oci_config_parse_data (s, strlen (s), "t.json", &err);
  ck_assert_msg (c != NULL, "%s", err);
  oci_config_free (c);
  free (s);
  s = nested (256, "{\"ociVersion\":\"1\",\"x\":");
  expect_error (s, "t.json: nesting deeper than 256 levels");
  free (s);
}
END_TEST

/* Errors found only when the input ends are reported from the final feed,
   which has no buffer: the line count must not do arithmetic on NULL (UBSan
   with clang: "applying zero offset to null pointer").  */
START_TEST (test_error_at_end_of_input)
{
  static const char *const docs[] = { "{", "{\n\"a\":", "[\n\n", "\"x", "" };
  static const char *const lines[] = { "1", "2", "3", "1", "1" };
  char *err = NULL, msg[128];

  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
    {
      snprintf (msg, sizeof msg,
                "t.json: line %s: invalid JSON: parse error: premature EOF",
                lines[i]);
      expect_error_kind (&config_kind, docs[i], strlen (docs[i]), msg);
    }
  ck_assert_ptr_null (oci_config_parse_data (NULL, 0, "t.json", &err));
  ck_assert_str_eq (err,
                    "t.json: line 1: invalid JSON: parse error: premature EOF");
  free (err);
  ck_assert (!oci_json_check (NULL, 0, "t.json", &err));
  ck_assert_str_eq (err,
                    "t.json: line 1: invalid JSON: parse error: premature EOF");
  free (err);
}
END_TEST

/* oci_json_check: the parser's syntax and depth rules for JSON that is
   read with another parser.  */
START_TEST (test_json_check)
{
  char *s, *err = NULL;

  ck_assert (oci_json_check ("{\"a\":[1,{\"b\":null}]}", 20, "s", &err));
  ck_assert_ptr_null (err);
  ck_assert (oci_json_check ("3", 1, NULL, NULL));
  ck_assert (!oci_json_check ("{\"a\":1}}", 9, NULL, NULL));

  s = nested (1000000, "{\"id\":\"x\",\"x\":");
  ck_assert (!oci_json_check (s, strlen (s), "state.json", &err));
  ck_assert_str_eq (err, "state.json: nesting deeper than 256 levels");
  free (err);
  ck_assert (!oci_json_check (s, strlen (s), NULL, &err));
  ck_assert_str_eq (err, "nesting deeper than 256 levels");
  free (err);
  free (s);
  s = nested (255, "{\"x\":");
  ck_assert_msg (oci_json_check (s, strlen (s), NULL, &err), "%s", err);
  free (s);

  /* The whole length counts: a NUL inside is not the end.  */
  ck_assert (!oci_json_check ("{}\0{", 4, NULL, &err));
  assert_one_line (err);
  free (err);
}
END_TEST

START_TEST (test_huge_string)
{
  const size_t big = 10 * 1024 * 1024;
  static const char head[]
      = "{\"ociVersion\":\"1\",\"annotations\":{\"big\":\"";
  static const char tail[] = "\"}}";
  char *json = malloc (sizeof head + big + sizeof tail);
  char *err = NULL, *out;
  oci_config *c, *again;

  ck_assert_ptr_nonnull (json);
  memcpy (json, head, sizeof head - 1);
  for (size_t i = 0; i < big; i++)
    json[sizeof head - 1 + i] = (char)('a' + i % 26);
  memcpy (json + sizeof head - 1 + big, tail, sizeof tail);

  c = oci_config_parse_data (json, strlen (json), "t.json", &err);
  ck_assert_msg (c != NULL, "%s", err);
  ck_assert_uint_eq (strlen (c->annotations->values[0]), big);
  out = oci_config_generate (c, false, &err);
  ck_assert_ptr_nonnull (out);
  ck_assert_msg (strcmp (out, json) == 0, "10 MB document not reproduced");
  again = oci_config_parse_data (out, strlen (out), "t.json", &err);
  ck_assert_ptr_nonnull (again);
  ck_assert (oci_config_equal (c, again));
  free (out);
  oci_config_free (again);
  oci_config_free (c);

  free (json);

  /* A huge value quoted in an error message is cut.  */
  static const char head2[]
      = "{\"ociVersion\":\"1\",\"linux\":{\"rootfsPropagation\":\"";
  json = malloc (sizeof head2 + big + sizeof tail);
  ck_assert_ptr_nonnull (json);
  memcpy (json, head2, sizeof head2 - 1);
  memset (json + sizeof head2 - 1, 'x', big);
  memcpy (json + sizeof head2 - 1 + big, tail, sizeof tail);
  ck_assert_ptr_null (
      oci_config_parse_data (json, strlen (json), "t.json", &err));
  assert_one_line (err);
  ck_assert_msg (strlen (err) < 256, "message not cut: %zu bytes",
                 strlen (err));
  free (err);
  free (json);
}
END_TEST

START_TEST (test_garbage)
{
  static const char nul_inside[] = "{\"ociVersion\":\"1\0\"}";
  static const char nul_after[] = "{\"ociVersion\":\"1\"}\0";
  static const char *const invalid[] = {
    "{\"ociVersion\":\"1\"} {}", /* trailing data */
    "{\"ociVersion\":\"1\",}",   /* trailing comma */
    "{'ociVersion':'1'}",        /* single quotes */
    "{\"ociVersion\":\"\xff\"}", /* invalid UTF-8 */
    "/* c */ {\"ociVersion\":\"1\"}",
    "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":01}}}",
    "{\"ociVersion\":\"\\x\"}",
    "\xef\xbb\xbf{}",
  };
  char *err = NULL;

  expect_error_kind (
      &config_kind, "", 0,
      "t.json: line 1: invalid JSON: parse error: premature EOF");
  expect_error_kind (
      &config_kind, "  \n\n ", 5,
      "t.json: line 3: invalid JSON: parse error: premature EOF");
  ck_assert_ptr_null (oci_config_parse_data (NULL, 0, "t.json", &err));
  assert_one_line (err);
  free (err);

  ck_assert_ptr_null (oci_config_parse_data (nul_inside, sizeof nul_inside - 1,
                                             "t.json", &err));
  assert_one_line (err);
  ck_assert_msg (strstr (err, "invalid JSON") != NULL, "%s", err);
  free (err);
  ck_assert_ptr_null (
      oci_config_parse_data (nul_after, sizeof nul_after - 1, "t.json", &err));
  assert_one_line (err);
  free (err);

  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
    {
      ck_assert_msg (oci_config_parse_data (invalid[i], strlen (invalid[i]),
                                            "t.json", &err)
                         == NULL,
                     "accepted: %s", invalid[i]);
      assert_one_line (err);
      ck_assert_msg (strncmp (err, "t.json: line 1: invalid JSON: ", 30) == 0,
                     "%s", err);
      free (err);
    }

  /* err may be NULL.  */
  ck_assert_ptr_null (oci_config_parse_data ("[", 1, "t.json", NULL));
  ck_assert_ptr_null (oci_config_parse_file ("/nonexistent/config.json", NULL));
}
END_TEST

/* Every wrong type at every property of the real config: replace each
   scalar, array or object value in turn and make sure the parser fails
   cleanly or accepts, without crashing or leaking (ASan/valgrind).  */
START_TEST (test_wrong_types_everywhere)
{
  static const char *const replacements[]
      = { "null", "7", "\"s\"", "[]", "{}", "true", "-1" };
  const size_t len = strlen (real_config);
  char *buf = malloc (len + 64);
  size_t tried = 0;

  ck_assert_ptr_nonnull (buf);
  for (size_t i = 0; i < len; i++)
    {
      size_t end;
      if (real_config[i] != ':')
        continue;
      /* The value after ':' ends at the next ',' or '}' at depth 0 of
         this value (strings in the fixture contain neither brackets nor
         escaped quotes).  */
      size_t j = i + 1;
      int depth = 0;
      bool in_str = false;
      for (end = j; end < len; end++)
        {
          char ch = real_config[end];
          if (in_str)
            in_str = ch != '"';
          else if (ch == '"')
            in_str = true;
          else if (ch == '[' || ch == '{')
            depth++;
          else if ((ch == ']' || ch == '}') && depth-- == 0)
            break;
          else if (ch == ',' && depth == 0)
            break;
        }
      for (size_t r = 0; r < sizeof replacements / sizeof replacements[0]; r++)
        {
          char *err = NULL;
          size_t rl = strlen (replacements[r]);
          oci_config *c;

          memcpy (buf, real_config, j);
          memcpy (buf + j, replacements[r], rl);
          memcpy (buf + j + rl, real_config + end, len - end + 1);
          c = oci_config_parse_data (buf, strlen (buf), "t.json", &err);
          if (c == NULL)
            {
              assert_one_line (err);
              ck_assert_msg (strncmp (err, "t.json: ", 8) == 0, "%s", err);
            }
          else
            check_round_trip (&config_kind, c, buf);
          free (err);
          oci_config_free (c);
          tried++;
        }
    }
  ck_assert_uint_gt (tried, 500);
  free (buf);
}
END_TEST

/* ------------------------------------------------------------------------
   Files.  */

START_TEST (test_files)
{
  char path[] = "/tmp/test_ocispec_XXXXXX";
  char *err = NULL;
  int fd = mkstemp (path);
  oci_config *c;

  ck_assert_int_ge (fd, 0);
  close (fd);

  /* Empty file.  */
  ck_assert_ptr_null (oci_config_parse_file (path, &err));
  ck_assert_ptr_nonnull (err);
  ck_assert_msg (strncmp (err, path, strlen (path)) == 0, "%s", err);
  ck_assert_str_eq (err + strlen (path),
                    ": line 1: invalid JSON: parse error: premature EOF");
  free (err);

  /* A real config, written in one go.  */
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (real_config, f);
  fclose (f);
  c = oci_config_parse_file (path, &err);
  ck_assert_msg (c != NULL, "%s", err);
  ck_assert_str_eq (c->hostname, "runo");
  oci_config_free (c);

  /* Larger than one read chunk, with the syntax error near the end: the
     line number counts across chunks.  */
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs ("{\"ociVersion\": \"1\", \"annotations\": {\n", f);
  for (int i = 0; i < 20000; i++)
    fprintf (f, "  \"key%d\": \"value value value value\",\n", i);
  fputs ("  \"last\": \"x\"\n  ]\n", f);
  fclose (f);
  ck_assert_ptr_null (oci_config_parse_file (path, &err));
  ck_assert_msg (strstr (err, ": line 20003: invalid JSON: ") != NULL, "%s",
                 err);
  free (err);

  /* Directory.  */
  ck_assert_ptr_null (oci_config_parse_file ("/", &err));
  ck_assert_str_eq (err, "/: read: Is a directory");
  free (err);

  unlink (path);

  ck_assert_ptr_null (
      oci_config_parse_file ("config.json.does-not-exist", &err));
  ck_assert_str_eq (
      err, "config.json.does-not-exist: open: No such file or directory");
  free (err);
}
END_TEST

/* ------------------------------------------------------------------------
   Building and generating documents in code.  */

START_TEST (test_generate_state)
{
  oci_state s = { 0 };
  char *err = NULL, *json;
  oci_map_string ann = { 0 };
  char *keys[] = { "a" }, *values[] = { "b" };

  s.oci_version = "1.3.0";
  s.id = "c1";
  s.status = "running";
  s.pid = 42;
  s.pid_present = true;
  s.bundle = "/bundle";
  ann.keys = keys;
  ann.values = values;
  ann.len = 1;
  s.annotations = &ann;

  json = oci_state_generate (&s, false, &err);
  ck_assert_ptr_nonnull (json);
  ck_assert_str_eq (
      json, "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\","
            "\"pid\":42,\"bundle\":\"/bundle\",\"annotations\":{\"a\":\"b\"}}");
  free (json);
  json = oci_state_generate (&s, true, &err);
  ck_assert_ptr_nonnull (json);
  ck_assert_str_eq (json, "{\n"
                          "    \"ociVersion\": \"1.3.0\",\n"
                          "    \"id\": \"c1\",\n"
                          "    \"status\": \"running\",\n"
                          "    \"pid\": 42,\n"
                          "    \"bundle\": \"/bundle\",\n"
                          "    \"annotations\": {\n"
                          "        \"a\": \"b\"\n"
                          "    }\n"
                          "}\n");
  free (json);

  /* The generator refuses what the parser would refuse.  */
  s.status = "paused";
  ck_assert_ptr_null (oci_state_generate (&s, false, &err));
  ck_assert_str_eq (
      err,
      "state: status: \"paused\" is not one of: creating, created, running, "
      "stopped");
  free (err);
  s.status = NULL;
  ck_assert_ptr_null (oci_state_generate (&s, false, &err));
  ck_assert_str_eq (err, "state: missing required property \"status\"");
  free (err);
  s.status = "created";
  s.id = "\xff";
  ck_assert_ptr_null (oci_state_generate (&s, false, &err));
  ck_assert_str_eq (err, "state: id: invalid UTF-8 in string");
  free (err);
  s.id = "c1";
  keys[0] = "";
  ck_assert_ptr_null (oci_state_generate (&s, false, &err));
  ck_assert_str_eq (
      err, "state: annotations: property name \"\" does not match .{1,}");
  free (err);
  ck_assert_ptr_null (oci_state_generate (NULL, false, &err));
  ck_assert_str_eq (err, "state: no document");
  free (err);
}
END_TEST

START_TEST (test_generate_config_checks)
{
  oci_config *c = parse_config (real_config);
  char *err = NULL;

  c->hooks->prestart[0]->timeout = 0;
  ck_assert_ptr_null (oci_config_generate (c, false, &err));
  ck_assert_str_eq (
      err, "config: hooks.prestart[0].timeout: 0 out of range (minimum 1)");
  free (err);
  c->hooks->prestart[0]->timeout = 1;

  free (c->root->path);
  c->root->path = NULL;
  ck_assert_ptr_null (oci_config_generate (c, false, &err));
  ck_assert_str_eq (err, "config: root: missing required property \"path\"");
  free (err);
  c->root->path = strdup ("r");

  free (c->process->args[1]);
  c->process->args[1] = NULL;
  ck_assert_ptr_null (oci_config_generate (c, true, &err));
  ck_assert_str_eq (err, "config: process.args[1]: NULL string");
  free (err);

  oci_config_free (c);
}
END_TEST

START_TEST (test_pattern_matcher)
{
  static const struct
  {
    const char *pattern, *s;
    bool match;
  } cases[] = {
    { "^[1-9][0-9]*[KMG]B$", "2MB", true },
    { "^[1-9][0-9]*[KMG]B$", "64KB", true },
    { "^[1-9][0-9]*[KMG]B$", "064KB", false },
    { "^[1-9][0-9]*[KMG]B$", "64kB", false },
    { "^[1-9][0-9]*[KMG]B$", "1GBx", false },
    { "^[1-9][0-9]*[KMG]B$", "", false },
    { "^RLIMIT_[A-Z]+$", "RLIMIT_", false },
    { "^RLIMIT_[A-Z]+$", "RLIMIT_AS", true },
    { "^[0-9, -]*$", "", true },
    { "^[0-9, -]*$", "0-3, 7,9", true },
    { "^[0-9, -]*$", "0-3;", false },
    { "^MB:[^\\n]*$", "MB:0=100;1=50", true },
    { "^MB:[^\\n]*$", "MB:\n", false },
    { "^MB:[^\\n]*$", "mb:", false },
    { "^CAP_[A-Z_]+$", "CAP_SYS_ADMIN", true },
    { "^CAP_[A-Z_]+$", "CAP_sys", false },
    { "^[cbup]$", "u", true },
    { "^[cbup]$", "x", false },
    { ".{1,}", "a", true },
    { ".{1,}", "", false },
    { ".{1,}", "\n", false },
    { ".{1,}", "\nx", true },
    { "^a{2,3}$", "aaaa", false },
    { "^a{2,3}$", "aa", true },
    { "^a{2}b?\\.$", "aa.", true },
    { "x+y", "axxy!", true },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    ck_assert_msg (ocispec_pattern_match (cases[i].pattern, cases[i].s)
                       == cases[i].match,
                   "%s on \"%s\"", cases[i].pattern, cases[i].s);
}
END_TEST

START_TEST (test_free_null)
{
  oci_config_free (NULL);
  oci_state_free (NULL);
  oci_features_free (NULL);
  oci_mount_free (NULL);
  oci_map_string_free (NULL);
  oci_map_linux_rdma_free (NULL);
  ck_assert (oci_config_equal (NULL, NULL));
}
END_TEST

static Suite *
ocispec_suite (void)
{
  Suite *s = suite_create ("ocispec");
  TCase *tc;

  tc = tcase_create ("fixtures");
  tcase_add_test (tc, test_fixtures_good);
  tcase_add_test (tc, test_fixtures_bad);
  suite_add_tcase (s, tc);

  tc = tcase_create ("values");
  tcase_add_test (tc, test_int_limits_round_trip);
  tcase_add_test (tc, test_int_out_of_range);
  tcase_add_test (tc, test_int_not_integer);
  tcase_add_test (tc, test_present_flags);
  tcase_add_test (tc, test_real_config);
  tcase_add_test (tc, test_unknown_properties_ignored);
  tcase_add_test (tc, test_null_duplicates_order);
  tcase_add_test (tc, test_validation_messages);
  tcase_add_test (tc, test_wrong_type_per_section);
  tcase_add_test (tc, test_raw_json_object);
  tcase_add_test (tc, test_pattern_matcher);
  suite_add_tcase (s, tc);

  tc = tcase_create ("robustness");
  /* Generous: these loop over thousands of documents, and may run under
     valgrind.  */
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_truncated);
  tcase_add_test (tc, test_deep_nesting);
  tcase_add_test (tc, test_error_at_end_of_input);
  tcase_add_test (tc, test_json_check);
  tcase_add_test (tc, test_huge_string);
  tcase_add_test (tc, test_garbage);
  tcase_add_test (tc, test_wrong_types_everywhere);
  tcase_add_test (tc, test_files);
  tcase_add_test (tc, test_free_null);
  suite_add_tcase (s, tc);

  tc = tcase_create ("generate");
  tcase_add_test (tc, test_generate_state);
  tcase_add_test (tc, test_generate_config_checks);
  suite_add_tcase (s, tc);

  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (ocispec_suite ());
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
