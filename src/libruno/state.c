#include <config.h>

#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup.h"
#include "ocispec.h"
#include "utils.h"

/* state.json is written by runo only: deeper nesting than its own
   (annotations, depth 2) is corrupt, and is refused before yajl's tree
   (freed recursively) could be made of it. */
#define STATE_DEPTH_MAX 8

static const char *const status_names[] = {
  [RUNO_STATUS_CREATING] = "creating", [RUNO_STATUS_CREATED] = "created",
  [RUNO_STATUS_RUNNING] = "running",   [RUNO_STATUS_PAUSED] = "paused",
  [RUNO_STATUS_STOPPED] = "stopped",   [RUNO_STATUS_UNKNOWN] = "unknown",
};

const char *
runo_status_name (enum runo_status status)
{
  return status_names[status];
}

int
runo_id_validate (const char *id, runo_error **err)
{
  size_t len = strlen (id);
  const unsigned char *p;

  if (len == 0)
    return runo_error_make (err, 0, "invalid container id: empty");
  if (len > RUNO_ID_MAX)
    return runo_error_make (
        err, 0, "invalid container id: longer than %d bytes", RUNO_ID_MAX);
  if (id[0] == '.')
    return runo_error_make (err, 0,
                            "invalid container id `%s`: starts with `.`", id);
  for (p = (const unsigned char *)id; *p; p++)
    {
      if (*p == '/')
        return runo_error_make (err, 0,
                                "invalid container id `%s`: contains `/`", id);
      if (*p <= ' ' || *p == 0x7f)
        return runo_error_make (
            err, 0,
            "invalid container id: contains a control or space character");
    }
  return 0;
}

int
runo_state_root_open (const runo_context *ctx, bool create, runo_error **err)
{
  int fd;

  if (create && runo_mkdir_p (ctx->state_root, 0700, err) < 0)
    return runo_error_wrap (err, "state root");
  fd = open (ctx->state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open state root `%s`", ctx->state_root);
  return fd;
}

int
runo_state_cache_dir (int root_fd, const char *name)
{
  if (mkdirat (root_fd, name, 0700) < 0 && errno != EEXIST)
    return -1;
  return openat (root_fd, name,
                 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

int
runo_state_claim (int root_fd, const char *id, runo_error **err)
{
  int fd;

  if (runo_id_validate (id, err) < 0)
    return -1;
  if (mkdirat (root_fd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return runo_error_make (err, 0, "container id `%s` already in use", id);
      return runo_error_errno (err, "create state directory `%s`", id);
    }
  fd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      int saved = errno;
      unlinkat (root_fd, id, AT_REMOVEDIR);
      return runo_error_make (err, saved, "open state directory `%s`", id);
    }
  return fd;
}

int
runo_state_open (int root_fd, const char *id, runo_error **err)
{
  int fd;

  if (runo_id_validate (id, err) < 0)
    return -1;
  fd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return runo_error_make (err, 0, "container `%s` does not exist", id);
      return runo_error_errno (err, "open state directory `%s`", id);
    }
  return fd;
}

int
runo_state_lock (int dir_fd, bool exclusive, runo_error **err)
{
  while (flock (dir_fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    {
      if (errno != EINTR)
        return runo_error_errno (err, "lock state directory");
    }
  return 0;
}

static void
gen_string (yajl_gen gen, const char *s)
{
  yajl_gen_string (gen, (const unsigned char *)s, strlen (s));
}

static void
gen_kv_string (yajl_gen gen, const char *key, const char *value)
{
  gen_string (gen, key);
  gen_string (gen, value ? value : "");
}

static void
gen_kv_integer (yajl_gen gen, const char *key, long long value)
{
  gen_string (gen, key);
  yajl_gen_integer (gen, value);
}

static void
gen_annotations (yajl_gen gen, const runo_state *state)
{
  size_t i;

  gen_string (gen, "annotations");
  yajl_gen_map_open (gen);
  for (i = 0; i < state->annotations_len; i++)
    gen_kv_string (gen, state->annotation_keys[i], state->annotation_values[i]);
  yajl_gen_map_close (gen);
}

static char *
gen_finish (yajl_gen gen)
{
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (yajl_gen_get_buf (gen, &buf, &len) == yajl_gen_status_ok)
    {
      out = runo_xmalloc0 (len + 1);
      memcpy (out, buf, len);
    }
  yajl_gen_free (gen);
  return out;
}

static void
gen_kv_bool (yajl_gen gen, const char *key, bool value)
{
  gen_string (gen, key);
  yajl_gen_bool (gen, value);
}

static void
gen_kv_ull (yajl_gen gen, const char *key, unsigned long long value)
{
  char text[32];

  /* A start time is a kernel unsigned long long: keep it as text so the
     full range survives a JSON reader that uses doubles. */
  snprintf (text, sizeof (text), "%llu", value);
  gen_kv_string (gen, key, text);
}

static char *
state_file_json (const runo_state *state)
{
  yajl_gen gen = yajl_gen_alloc (NULL);

  if (gen == NULL)
    return NULL;
  yajl_gen_map_open (gen);
  gen_kv_string (gen, "id", state->id);
  gen_kv_integer (gen, "pid", state->pid);
  gen_kv_ull (gen, "pidStartTime", state->pid_start_time);
  gen_kv_string (gen, "bundle", state->bundle);
  gen_kv_string (gen, "rootfs", state->rootfs);
  gen_kv_string (gen, "created", state->created);
  if (state->cgroup_path)
    {
      gen_kv_string (gen, "cgroupPath", state->cgroup_path);
      gen_kv_bool (gen, "cgroupOwned", state->cgroup_owned);
      if (state->systemd_unit)
        gen_kv_string (gen, "systemdUnit", state->systemd_unit);
    }
  gen_kv_bool (gen, "ownPidNamespace", state->own_pidns);
  if (state->creating)
    {
      gen_kv_bool (gen, "creating", true);
      gen_kv_integer (gen, "creatorPid", state->creator_pid);
      gen_kv_ull (gen, "creatorStartTime", state->creator_start_time);
    }
  gen_kv_integer (gen, "owner", state->owner);
  gen_annotations (gen, state);
  yajl_gen_map_close (gen);
  return gen_finish (gen);
}

int
runo_state_check_size (const runo_state *state, runo_error **err)
{
  cleanup_free char *json = state_file_json (state);

  if (json == NULL)
    return runo_error_make (err, ENOMEM, "state");
  if (strlen (json) > RUNO_STATE_MAX)
    return runo_error_make (err, EFBIG,
                            "state: annotations do not fit in %d MiB",
                            RUNO_STATE_MAX / (1024 * 1024));
  return 0;
}

int
runo_state_write (int dir_fd, const runo_state *state, runo_error **err)
{
  cleanup_free char *json = state_file_json (state);
  size_t len;

  if (json == NULL)
    return runo_error_make (err, ENOMEM, "write state");
  len = strlen (json);
  if (len > RUNO_STATE_MAX)
    return runo_error_make (err, EFBIG, "write state");
  return runo_write_file_atomic_at (dir_fd, RUNO_STATE_FILE, json, len, 0600,
                                    err);
}

static const char *
tree_string (yajl_val tree, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (tree, path, yajl_t_string);
  return v ? YAJL_GET_STRING (v) : NULL;
}

static int
tree_integer (yajl_val tree, const char *key, long long *out)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (tree, path, yajl_t_number);
  if (v == NULL || !YAJL_IS_INTEGER (v))
    return -1;
  *out = YAJL_GET_INTEGER (v);
  return 0;
}

/* Absent is false; anything but a boolean is corrupt. */
static int
tree_bool (yajl_val tree, const char *key, bool *out)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (tree, path, yajl_t_any);

  *out = false;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return -1;
  *out = YAJL_IS_TRUE (v);
  return 0;
}

/* Decimal digits only, in range. */
static int
tree_ull (yajl_val tree, const char *key, unsigned long long *out)
{
  const char *s = tree_string (tree, key);
  char *end;

  if (s == NULL || s[0] < '0' || s[0] > '9')
    return -1;
  errno = 0;
  *out = strtoull (s, &end, 10);
  return errno || *end ? -1 : 0;
}

/* A pid runo may signal: 0 (none yet) or a real process.  Pid 1 is never
   a container's init seen from the runtime, and a wider value would be
   truncated to some other pid. */
static int
tree_pid (yajl_val tree, const char *key, pid_t *out)
{
  long long n;

  if (tree_integer (tree, key, &n) < 0 || n < 0 || n == 1 || n > INT_MAX)
    return -1;
  *out = (pid_t)n;
  return 0;
}

/* Each path is absolute and normal (what runo_cgroup_path makes): no
   empty, "." or ".." component, not the root itself. */
static bool
cgroup_path_component_ok (const char *p, size_t len)
{
  size_t i = 0;

  if (len < 2 || p[0] != '/' || p[len - 1] == '/')
    return false;
  while (i < len)
    {
      size_t start = ++i;

      while (i < len && p[i] != '/')
        i++;
      if (i == start || (i - start == 1 && p[start] == '.')
          || (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
        return false;
    }
  return true;
}

static bool
cgroup_path_ok (const char *path)
{
  const char *entry = path;

  if (path[0] == '/')
    return strchr (path, ';') == NULL
           && cgroup_path_component_ok (path, strlen (path));
  /* "key:/path;key:/path..." */
  while (*entry)
    {
      const char *end = strchr (entry, ';');
      const char *colon = strchr (entry, ':');
      size_t len = end ? (size_t)(end - entry) : strlen (entry);

      if (colon == NULL || colon == entry || colon >= entry + len
          || !cgroup_path_component_ok (colon + 1,
                                        len - (size_t)(colon + 1 - entry)))
        return false;
      entry += len;
      if (*entry == ';')
        entry++;
    }
  return path[0] != '\0';
}

static int
parse_state (yajl_val tree, runo_state *st)
{
  const char *path[] = { "annotations", NULL };
  const char *s;
  yajl_val ann;
  long long n;

  if ((s = tree_string (tree, "id")) == NULL)
    return -1;
  st->id = runo_xstrdup (s);
  if (tree_pid (tree, "pid", &st->pid) < 0
      || tree_ull (tree, "pidStartTime", &st->pid_start_time) < 0)
    return -1;
  /* A process has run for at least a tick when its start time is read. */
  if (st->pid > 0 && st->pid_start_time == 0)
    return -1;
  if (tree_integer (tree, "owner", &n) < 0 || n < 0 || n >= UINT32_MAX)
    return -1;
  st->owner = (uid_t)n;
  st->bundle = runo_xstrdup (tree_string (tree, "bundle"));
  st->rootfs = runo_xstrdup (tree_string (tree, "rootfs"));
  st->created = runo_xstrdup (tree_string (tree, "created"));
  st->cgroup_path = runo_xstrdup (tree_string (tree, "cgroupPath"));
  if (st->bundle == NULL || st->rootfs == NULL || st->created == NULL)
    return -1;
  if (st->cgroup_path && !cgroup_path_ok (st->cgroup_path))
    return -1;
  st->systemd_unit = runo_xstrdup (tree_string (tree, "systemdUnit"));
  if (st->systemd_unit
      && (st->cgroup_path == NULL || st->cgroup_path[0] != '/'
          || !runo_cgroup_systemd_unit_valid (st->systemd_unit)))
    return -1;
  if (tree_bool (tree, "cgroupOwned", &st->cgroup_owned) < 0
      || tree_bool (tree, "ownPidNamespace", &st->own_pidns) < 0
      || tree_bool (tree, "creating", &st->creating) < 0)
    return -1;
  if (st->creating
      && (tree_pid (tree, "creatorPid", &st->creator_pid) < 0
          || tree_ull (tree, "creatorStartTime", &st->creator_start_time) < 0))
    return -1;
  ann = yajl_tree_get (tree, path, yajl_t_object);
  if (ann && ann->u.object.len > 0)
    {
      size_t i, len = ann->u.object.len;

      st->annotation_keys = runo_xmalloc0 (len * sizeof (char *));
      st->annotation_values = runo_xmalloc0 (len * sizeof (char *));
      for (i = 0; i < len; i++)
        {
          yajl_val v = ann->u.object.values[i];
          if (!YAJL_IS_STRING (v))
            return -1;
          st->annotation_keys[i] = runo_xstrdup (ann->u.object.keys[i]);
          st->annotation_values[i] = runo_xstrdup (YAJL_GET_STRING (v));
          st->annotations_len = i + 1;
        }
    }
  return 0;
}

/* Whether DATA (LEN bytes) is free of NUL bytes and nests no deeper than
   STATE_DEPTH_MAX. */
static bool
shape_ok (const char *data, size_t len)
{
  bool in_string = false;
  int depth = 0;
  size_t i;

  for (i = 0; i < len; i++)
    {
      char ch = data[i];

      if (ch == '\0')
        return false;
      if (in_string)
        {
          if (ch == '\\')
            i++;
          else if (ch == '"')
            in_string = false;
        }
      else if (ch == '"')
        in_string = true;
      else if (ch == '{' || ch == '[')
        {
          if (++depth > STATE_DEPTH_MAX)
            return false;
        }
      else if (ch == '}' || ch == ']')
        depth--;
    }
  return true;
}

int
runo_state_read (int dir_fd, runo_state **out, runo_error **err)
{
  cleanup_free char *data = NULL;
  cleanup_free char *bad = NULL;
  cleanup_state runo_state *st = NULL;
  char errbuf[256];
  yajl_val tree;
  size_t len;
  int ret;

  *out = NULL;
  if (runo_read_file_at (dir_fd, RUNO_STATE_FILE, RUNO_STATE_MAX, &data, &len,
                         err)
      < 0)
    {
      if ((*err)->errnum == ENOENT)
        {
          runo_error_release (err);
          return 0;
        }
      return runo_error_wrap (err, "read state");
    }
  /* yajl_tree frees recursively: a deeply nested file would overflow the
     stack of every command that reads it.  */
  if (!oci_json_check (data, len, NULL, &bad))
    return runo_error_make (err, 0, "read state: %s is corrupt: %s",
                            RUNO_STATE_FILE, bad ? bad : "out of memory");
  if (!shape_ok (data, len))
    return runo_error_make (err, 0, "read state: %s is corrupt",
                            RUNO_STATE_FILE);
  tree = yajl_tree_parse (data, errbuf, sizeof (errbuf));
  if (tree == NULL || !YAJL_IS_OBJECT (tree))
    {
      yajl_tree_free (tree);
      return runo_error_make (err, 0, "read state: %s is corrupt",
                              RUNO_STATE_FILE);
    }
  st = runo_xmalloc0 (sizeof (*st));
  ret = parse_state (tree, st);
  yajl_tree_free (tree);
  if (ret < 0)
    return runo_error_make (err, 0, "read state: %s is corrupt",
                            RUNO_STATE_FILE);
  *out = steal_pointer (&st);
  return 0;
}

void
runo_state_free (runo_state *st)
{
  size_t i;

  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->cgroup_path);
  free (st->systemd_unit);
  for (i = 0; i < st->annotations_len; i++)
    {
      free (st->annotation_keys[i]);
      free (st->annotation_values[i]);
    }
  free (st->annotation_keys);
  free (st->annotation_values);
  free (st);
}

/* Empty DIR_FD (a directory runo did not make, such as a state.json that
   is one): its entries, depth first, bounded. */
static int
empty_dir (int dir_fd, int depth)
{
  cleanup_dir DIR *dir = NULL;
  struct dirent *de;
  int fd = dup (dir_fd);

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dir_fd, de->d_name, 0) == 0 || errno == ENOENT)
        continue;
      if (errno != EISDIR || depth <= 0)
        return -1;
      {
        cleanup_close int sub
            = openat (dir_fd, de->d_name,
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (sub < 0 || empty_dir (sub, depth - 1) < 0)
          return -1;
      }
      if (unlinkat (dir_fd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return -1;
    }
  return 0;
}

int
runo_state_remove (int root_fd, const char *id, runo_error **err)
{
  cleanup_close int dir_fd = -1;

  if (runo_id_validate (id, err) < 0)
    return -1;
  dir_fd
      = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dir_fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return runo_error_errno (err, "open state directory `%s`", id);
    }
  if (empty_dir (dir_fd, 8) < 0)
    return runo_error_errno (err, "empty state directory `%s`", id);
  if (unlinkat (root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return runo_error_errno (err, "remove state directory `%s`", id);
  return 0;
}

int
runo_proc_start_time (pid_t pid, unsigned long long *start_time, bool *zombie,
                      runo_error **err)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;
  int field;

  snprintf (path, sizeof (path), "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", path);
  n = read (fd, buf, sizeof (buf) - 1);
  if (n < 0)
    return runo_error_errno (err, "read `%s`", path);
  buf[n] = '\0';
  /* comm may contain spaces and parentheses: fields restart after the last
     ')'.  Field 3 is the state, field 22 the start time. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return runo_error_make (err, EINVAL, "parse `%s`", path);
  p += 2;
  if (zombie)
    *zombie = (*p == 'Z' || *p == 'X');
  for (field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return runo_error_make (err, EINVAL, "parse `%s`", path);
      p++;
    }
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

static bool
process_is_alive (pid_t pid, unsigned long long recorded_start)
{
  cleanup_error runo_error *err = NULL;
  unsigned long long start_time;
  bool zombie;

  if (pid <= 0)
    return false;
  if (runo_proc_start_time (pid, &start_time, &zombie, &err) < 0)
    return false;
  /* A different start time means the pid was reused by another process. */
  return !zombie && start_time == recorded_start;
}

static bool
init_is_alive (const runo_state *state)
{
  return process_is_alive (state->pid, state->pid_start_time);
}

static bool
is_frozen (const runo_state *state)
{
  cleanup_error runo_error *err = NULL;
  runo_cgroup *cg = NULL;
  bool frozen = false;

  if (state->cgroup_path == NULL)
    return false;
  if (runo_cgroup_load ("/", "/proc/self/mountinfo", state->cgroup_path,
                        state->systemd_unit, &cg, &err)
      == 0)
    runo_cgroup_is_frozen (cg, &frozen, &err);
  runo_cgroup_free (cg);
  return frozen;
}

enum runo_status
runo_state_status (int dir_fd, const runo_state *state)
{
  struct stat st;

  if (state == NULL)
    return RUNO_STATUS_CREATING;
  /* A create that died half-way left a container that will never be
     created: stopped, for delete to take away. */
  if (state->creating)
    return process_is_alive (state->creator_pid, state->creator_start_time)
               ? RUNO_STATUS_CREATING
               : RUNO_STATUS_STOPPED;
  if (state->pid == 0)
    return RUNO_STATUS_CREATING;
  if (!init_is_alive (state))
    return RUNO_STATUS_STOPPED;
  if (fstatat (dir_fd, RUNO_EXEC_FIFO, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return RUNO_STATUS_CREATED;
  return is_frozen (state) ? RUNO_STATUS_PAUSED : RUNO_STATUS_RUNNING;
}

const char *
runo_owner_name (uid_t uid, char *buf, size_t size)
{
  struct passwd pwd, *result = NULL;
  char pwbuf[1024];

  if (getpwuid_r (uid, &pwd, pwbuf, sizeof (pwbuf), &result) == 0 && result)
    snprintf (buf, size, "%s", result->pw_name);
  else
    snprintf (buf, size, "#%u", (unsigned)uid);
  return buf;
}

void
runo_state_gen (struct yajl_gen_t *gen, const runo_state *state, const char *id,
                enum runo_status status)
{
  bool alive = status != RUNO_STATUS_STOPPED;

  yajl_gen_map_open (gen);
  gen_kv_string (gen, "ociVersion", OCI_SPEC_VERSION);
  gen_kv_string (gen, "id", id);
  gen_kv_string (gen, "status", runo_status_name (status));
  /* runtime.md: pid is required while created or running (and hooks of
     a container being created need it); a stopped container's pid could
     name an unrelated process, so show 0. */
  gen_kv_integer (gen, "pid", alive && state ? state->pid : 0);
  if (state)
    {
      gen_kv_string (gen, "bundle", state->bundle);
      gen_kv_string (gen, "rootfs", state->rootfs);
      gen_kv_string (gen, "created", state->created);
      char owner[256];

      gen_kv_string (gen, "owner",
                     runo_owner_name (state->owner, owner, sizeof (owner)));
      gen_annotations (gen, state);
    }
  else
    gen_kv_string (gen, "bundle", "");
  yajl_gen_map_close (gen);
}

char *
runo_state_to_json (const runo_state *state, const char *id,
                    enum runo_status status, bool pretty)
{
  yajl_gen gen = yajl_gen_alloc (NULL);

  if (gen == NULL)
    return NULL;
  if (pretty)
    {
      yajl_gen_config (gen, yajl_gen_beautify, 1);
      yajl_gen_config (gen, yajl_gen_indent_string, "  ");
    }
  runo_state_gen (gen, state, id, status);
  return gen_finish (gen);
}
