#include <config.h>

#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "ocispec.h"
#include "state.h"
#include "utils.h"

int
runo_container_open (runo_context *ctx, const char *id, bool exclusive,
                     struct runo_container *c, runo_error **err)
{
  struct stat st;

  c->root_fd = c->dir_fd = -1;
  c->state = NULL;
  c->status = RUNO_STATUS_STOPPED;
  c->corrupt = false;
  if (runo_id_validate (id, err) < 0)
    return -1;
  c->root_fd = runo_state_root_open (ctx, false, err);
  if (c->root_fd < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      runo_error_release (err);
      return runo_error_make (err, 0, "container `%s` does not exist", id);
    }
  c->dir_fd = runo_state_open (c->root_fd, id, err);
  if (c->dir_fd < 0)
    return -1;
  if (runo_state_lock (c->dir_fd, exclusive, err) < 0)
    return -1;
  /* A delete that held the lock before us removed it. */
  if (fstat (c->dir_fd, &st) == 0 && st.st_nlink == 0)
    return runo_error_make (err, 0, "container `%s` does not exist", id);
  if (runo_state_read (c->dir_fd, &c->state, err) < 0
      || (c->state && strcmp (c->state->id, id) != 0
          && runo_error_make (err, 0, "read state: %s names another id",
                              RUNO_STATE_FILE)
                 < 0))
    {
      runo_state_free (c->state);
      c->state = NULL;
      c->corrupt = true;
      c->status = RUNO_STATUS_UNKNOWN;
      return runo_error_wrap (err, "container `%s`", id);
    }
  c->status = runo_state_status (c->dir_fd, c->state);
  return 0;
}

void
runo_container_close (struct runo_container *c)
{
  if (c->dir_fd >= 0)
    close (c->dir_fd);
  if (c->root_fd >= 0)
    close (c->root_fd);
  runo_state_free (c->state);
  c->dir_fd = c->root_fd = -1;
  c->state = NULL;
}

/* CGROUPS_PATH relative, its components without "." and empty ones, each
   preceded by '/'; NULL when it has a "..". */
static char *
normal_components (const char *cgroups_path)
{
  cleanup_free char *copy = runo_xstrdup (cgroups_path);
  char *out = runo_xmalloc0 (strlen (cgroups_path) + 2);
  char *saveptr = NULL, *tok;

  for (tok = strtok_r (copy, "/", &saveptr); tok;
       tok = strtok_r (NULL, "/", &saveptr))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        {
          free (out);
          return NULL;
        }
      strcat (out, "/");
      strcat (out, tok);
    }
  return out;
}

static bool
has_suffix (const char *s, size_t len, const char *suffix)
{
  size_t n = strlen (suffix);
  return len >= n && memcmp (s + len - n, suffix, n) == 0;
}

/* Whether PATH (as runo_cgroup_path makes it) is the cgroup that
   CGROUPS_PATH (the saved config's) gives for ID. */
static bool
cgroup_path_matches (const char *path, const char *cgroups_path, const char *id)
{
  cleanup_free char *want = NULL;
  const char *entry;

  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    want = runo_xasprintf ("/%s", id);
  else
    want = normal_components (cgroups_path);
  if (want == NULL || want[0] == '\0')
    return false;
  if (cgroups_path && cgroups_path[0] == '/')
    return strcmp (path, want) == 0;
  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    return strcmp (path, want) == 0;
  /* Relative to the creator's own cgroup, which may differ per
     hierarchy: each entry ends with it. */
  if (path[0] == '/')
    return has_suffix (path, strlen (path), want);
  for (entry = path; *entry;)
    {
      const char *end = strchr (entry, ';');
      size_t len = end ? (size_t)(end - entry) : strlen (entry);

      if (!has_suffix (entry, len, want))
        return false;
      entry += len;
      if (*entry == ';')
        entry++;
    }
  return true;
}

/* The same for a scope unit of systemd's: the config's slice:prefix:name
   gives both the unit and the path. */
static bool
systemd_unit_matches (const runo_state *st, const char *cgroups_path)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *slice = NULL, *unit = NULL, *path = NULL;

  if (runo_cgroup_systemd_names (cgroups_path, st->id, &slice, &unit, &path,
                                 &err)
      < 0)
    return false;
  return strcmp (unit, st->systemd_unit) == 0
         && strcmp (path, st->cgroup_path) == 0;
}

int
runo_container_cgroup (const struct runo_container *c, runo_cgroup **cg,
                       runo_error **err)
{
  oci_config *config;
  bool ok;

  *cg = NULL;
  if (c->state == NULL || c->state->cgroup_path == NULL)
    return 0;
  config = runo_container_config (c, err);
  if (config == NULL)
    return runo_error_wrap (err, "cgroup");
  if (c->state->systemd_unit)
    ok = systemd_unit_matches (
        c->state, config->linux_ ? config->linux_->cgroups_path : NULL);
  else
    ok = cgroup_path_matches (
        c->state->cgroup_path,
        config->linux_ ? config->linux_->cgroups_path : NULL, c->state->id);
  oci_config_free (config);
  if (!ok)
    return runo_error_make (err, 0,
                            "cgroup `%s` of %s is not the one its config "
                            "gives",
                            c->state->cgroup_path, RUNO_STATE_FILE);
  /* The cgroup was made by create; its stored path is all it takes. */
  return runo_cgroup_load ("/", "/proc/self/mountinfo", c->state->cgroup_path,
                           c->state->systemd_unit, cg, err);
}

oci_config *
runo_container_config (const struct runo_container *c, runo_error **err)
{
  cleanup_free char *data = NULL;
  char *parse_err = NULL;
  oci_config *config;
  size_t len;

  if (runo_read_file_at (c->dir_fd, RUNO_STATE_CONFIG, 0, &data, &len, err) < 0)
    return NULL;
  config = oci_config_parse_data (data, len, "config.json", &parse_err);
  if (config == NULL)
    {
      runo_error_make (err, 0, "saved %s", parse_err);
      free (parse_err);
    }
  return config;
}

int
runo_container_state (runo_context *ctx, const char *id, char **json,
                      runo_error **err)
{
  struct runo_container c;
  int ret = -1;

  if (runo_container_open (ctx, id, false, &c, err) == 0)
    {
      *json = runo_state_to_json (c.state, id, c.status, true);
      ret = *json ? 0 : runo_error_make (err, ENOMEM, "generate state");
    }
  runo_container_close (&c);
  return ret;
}

struct list_entry
{
  char *id;
  runo_state *state;
  enum runo_status status;
};

static int
compare_entries (const void *a, const void *b)
{
  return strcmp (((const struct list_entry *)a)->id,
                 ((const struct list_entry *)b)->id);
}

static void
free_entries (struct list_entry *entries, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      free (entries[i].id);
      runo_state_free (entries[i].state);
    }
  free (entries);
}

/* Read every container directory.  One that vanishes while we look (a
   concurrent delete) is skipped; an unreadable one is an error. */
static int
collect_entries (int root_fd, struct list_entry **out, size_t *out_len,
                 runo_error **err)
{
  cleanup_dir DIR *dir = NULL;
  struct list_entry *entries = NULL;
  size_t n = 0, alloc = 0;
  struct dirent *de;
  int fd;

  fd = dup (root_fd);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return runo_error_errno (err, "read state root");
    }
  while ((de = readdir (dir)) != NULL)
    {
      cleanup_close int dir_fd = -1;
      runo_error *bad = NULL;
      runo_state *state = NULL;
      bool unknown = false;

      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      dir_fd = openat (root_fd, de->d_name,
                       O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (dir_fd < 0)
        continue;
      if (runo_state_lock (dir_fd, false, err) < 0)
        {
          free_entries (entries, n);
          return runo_error_wrap (err, "container `%s`", de->d_name);
        }
      /* One broken container must not hide the others. */
      if (runo_state_read (dir_fd, &state, &bad) < 0
          || (state && strcmp (state->id, de->d_name) != 0))
        {
          runo_error_release (&bad);
          runo_state_free (state);
          state = NULL;
          unknown = true;
        }
      if (n == alloc)
        {
          struct list_entry *tmp;
          alloc = alloc ? alloc * 2 : 16;
          tmp = realloc (entries, alloc * sizeof (*entries));
          if (tmp == NULL)
            {
              runo_state_free (state);
              free_entries (entries, n);
              return runo_error_make (err, ENOMEM, "list");
            }
          entries = tmp;
        }
      entries[n].id = runo_xstrdup (de->d_name);
      entries[n].state = state;
      entries[n].status
          = unknown ? RUNO_STATUS_UNKNOWN : runo_state_status (dir_fd, state);
      n++;
    }
  if (n)
    qsort (entries, n, sizeof (*entries), compare_entries);
  *out = entries;
  *out_len = n;
  return 0;
}

static void
print_table (FILE *out, const struct list_entry *entries, size_t n)
{
  size_t i;

  fprintf (out, "%-12s%-12s%-12s%-40s%-32s%s\n", "ID", "PID", "STATUS",
           "BUNDLE", "CREATED", "OWNER");
  for (i = 0; i < n; i++)
    {
      const runo_state *st = entries[i].state;
      bool alive = entries[i].status == RUNO_STATUS_CREATED
                   || entries[i].status == RUNO_STATUS_RUNNING
                   || entries[i].status == RUNO_STATUS_PAUSED;
      char owner[256];

      fprintf (out, "%-11s %-11d %-11s %-39s %-31s %s\n", entries[i].id,
               alive && st ? st->pid : 0, runo_status_name (entries[i].status),
               st ? st->bundle : "", st ? st->created : "",
               st ? runo_owner_name (st->owner, owner, sizeof (owner)) : "");
    }
}

static int
print_json (FILE *out, const struct list_entry *entries, size_t n,
            runo_error **err)
{
  yajl_gen gen = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len, i;

  if (gen == NULL)
    return runo_error_make (err, ENOMEM, "list");
  yajl_gen_array_open (gen);
  for (i = 0; i < n; i++)
    runo_state_gen (gen, entries[i].state, entries[i].id, entries[i].status);
  yajl_gen_array_close (gen);
  if (yajl_gen_get_buf (gen, &buf, &len) == yajl_gen_status_ok)
    fprintf (out, "%.*s\n", (int)len, (const char *)buf);
  yajl_gen_free (gen);
  return 0;
}

int
runo_container_list (runo_context *ctx, enum runo_list_format format, FILE *out,
                     runo_error **err)
{
  cleanup_close int root_fd = -1;
  struct list_entry *entries = NULL;
  size_t n = 0, i;
  int ret = 0;

  root_fd = runo_state_root_open (ctx, false, err);
  if (root_fd < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      runo_error_release (err);
    }
  else if (collect_entries (root_fd, &entries, &n, err) < 0)
    return runo_error_wrap (err, "read state root `%s`", ctx->state_root);

  switch (format)
    {
    case RUNO_LIST_QUIET:
      for (i = 0; i < n; i++)
        fprintf (out, "%s\n", entries[i].id);
      break;
    case RUNO_LIST_JSON:
      ret = print_json (out, entries, n, err);
      break;
    case RUNO_LIST_TABLE:
      print_table (out, entries, n);
      break;
    }
  free_entries (entries, n);
  return ret;
}
