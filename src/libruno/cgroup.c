/* runo: cgroup layout detection, paths, and the operations common to v1 and
   v2 (create, enter, freeze, pids, kill, destroy).  The resource writers
   live in cgroup_v1.c and cgroup_v2.c; see cgroup.h for the model. */
#include <config.h>

#include "cgroup_internal.h"
#include "utils.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define UNIFIED_KEY "unified"

/* v1 superblock options that are not controllers. */
static bool
is_v1_controller_option (const char *opt)
{
  static const char *const known[]
      = { "cpu",     "cpuacct", "cpuset",   "memory", "devices",
          "freezer", "net_cls", "net_prio", "blkio",  "perf_event",
          "hugetlb", "pids",    "rdma",     "misc",   "debug" };
  size_t i;

  if (strncmp (opt, "name=", 5) == 0)
    return true;
  for (i = 0; i < sizeof (known) / sizeof (known[0]); i++)
    if (strcmp (opt, known[i]) == 0)
      return true;
  return false;
}

/* Whether comma-separated LIST contains ITEM. */
static bool
list_has (const char *list, const char *item, char sep)
{
  size_t len = strlen (item);
  const char *p = list;

  if (list == NULL)
    return false;
  while (*p)
    {
      const char *end = strchr (p, sep);
      size_t n = end ? (size_t)(end - p) : strlen (p);
      if (n == len && strncmp (p, item, len) == 0)
        return true;
      if (end == NULL)
        break;
      p = end + 1;
    }
  return false;
}

/* Same set of controllers, whatever the order. */
static bool
same_controllers (const char *a, const char *b)
{
  cleanup_free char *copy = runo_xstrdup (a);
  size_t na = 0, nb = 1;
  char *saveptr = NULL, *tok;
  const char *p;

  for (tok = strtok_r (copy, ",", &saveptr); tok;
       tok = strtok_r (NULL, ",", &saveptr))
    {
      if (!list_has (b, tok, ','))
        return false;
      na++;
    }
  for (p = b; *p; p++)
    nb += *p == ',';
  return na == nb;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape_mountinfo (char *s)
{
  char *w = s;

  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0'
          && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *w++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3)
                        | (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

static char *
join_root (const char *root, const char *path)
{
  if (root == NULL || strcmp (root, "/") == 0 || root[0] == '\0')
    return runo_xstrdup (path);
  return runo_xasprintf ("%s%s", root, path);
}

static void
hierarchy_clear (struct runo_cgroup_hierarchy *h)
{
  free (h->mount);
  free (h->mount_root);
  free (h->controllers);
  free (h->path);
  free (h->available);
  free (h->enabled);
  if (h->dirfd >= 0)
    close (h->dirfd);
}

void
runo_cgroup_free (runo_cgroup *cg)
{
  size_t i;

  if (cg == NULL)
    return;
  for (i = 0; i < cg->n; i++)
    hierarchy_clear (&cg->h[i]);
  free (cg->h);
  runo_cgroup_systemd_close (cg);
  free (cg->unit);
  free (cg->slice);
  free (cg);
}

static void
cleanup_cgroup (runo_cgroup **cg)
{
  runo_cgroup_free (*cg);
}
#define cleanup_runo_cgroup __attribute__ ((cleanup (cleanup_cgroup)))

static void
add_hierarchy (runo_cgroup *cg, const char *root, const char *mount_point,
               const char *mount_root, const char *controllers)
{
  struct runo_cgroup_hierarchy *h;
  size_t i;

  /* The same hierarchy may be mounted more than once: the first wins. */
  for (i = 0; i < cg->n; i++)
    {
      if (controllers == NULL && cg->h[i].unified)
        return;
      if (controllers && cg->h[i].controllers
          && same_controllers (controllers, cg->h[i].controllers))
        return;
    }
  cg->h = realloc (cg->h, (cg->n + 1) * sizeof (*cg->h));
  if (cg->h == NULL)
    abort ();
  h = &cg->h[cg->n++];
  *h = (struct runo_cgroup_hierarchy){ .dirfd = -1 };
  h->mount = join_root (root, mount_point);
  h->mount_root = runo_xstrdup (mount_root);
  h->controllers = runo_xstrdup (controllers);
  h->unified = controllers == NULL;
}

/* Parse one mountinfo line and record it when it is a cgroup mount. */
static void
parse_mountinfo_line (runo_cgroup *cg, const char *root, char *line)
{
  char *fields[6] = { NULL };
  char *saveptr = NULL, *tok, *fstype = NULL, *super = NULL;
  size_t nf = 0;
  bool after_sep = false;
  size_t after = 0;

  for (tok = strtok_r (line, " \n", &saveptr); tok;
       tok = strtok_r (NULL, " \n", &saveptr))
    {
      if (!after_sep)
        {
          if (strcmp (tok, "-") == 0)
            after_sep = true;
          else if (nf < 6)
            fields[nf++] = tok;
          continue;
        }
      if (after == 0)
        fstype = tok;
      else if (after == 2)
        super = tok;
      after++;
    }
  if (nf < 5 || fstype == NULL)
    return;
  unescape_mountinfo (fields[3]);
  unescape_mountinfo (fields[4]);
  if (strcmp (fstype, "cgroup2") == 0)
    add_hierarchy (cg, root, fields[4], fields[3], NULL);
  else if (strcmp (fstype, "cgroup") == 0 && super)
    {
      cleanup_free char *controllers = runo_xmalloc0 (strlen (super) + 1);
      char *sp = NULL, *opt;

      for (opt = strtok_r (super, ",", &sp); opt;
           opt = strtok_r (NULL, ",", &sp))
        if (is_v1_controller_option (opt))
          {
            if (controllers[0])
              strcat (controllers, ",");
            strcat (controllers, opt);
          }
      if (controllers[0])
        add_hierarchy (cg, root, fields[4], fields[3], controllers);
    }
}

static int
detect (const char *root, const char *mountinfo_path, runo_cgroup **out,
        runo_error **err)
{
  cleanup_runo_cgroup runo_cgroup *cg = runo_xmalloc0 (sizeof (*cg));
  cleanup_free char *text = NULL;
  char *line, *saveptr = NULL;
  bool v1_controllers = false;
  size_t i, kept;

  if (runo_read_file_at (AT_FDCWD, mountinfo_path, 0, &text, NULL, err) < 0)
    return runo_error_wrap (err, "detect cgroup layout");
  for (line = strtok_r (text, "\n", &saveptr); line;
       line = strtok_r (NULL, "\n", &saveptr))
    parse_mountinfo_line (cg, root, line);

  for (i = 0; i < cg->n; i++)
    if (cg->h[i].controllers && strncmp (cg->h[i].controllers, "name=", 5))
      v1_controllers = true;
  if (cg->n == 0)
    return runo_error_make (err, 0, "no cgroup filesystem is mounted");

  /* On a v2 host a stray named v1 hierarchy is not ours to manage. */
  if (!v1_controllers)
    {
      for (i = 0, kept = 0; i < cg->n; i++)
        {
          if (cg->h[i].unified)
            cg->h[kept++] = cg->h[i];
          else
            hierarchy_clear (&cg->h[i]);
        }
      cg->n = kept;
      if (cg->n == 0)
        return runo_error_make (err, 0, "no cgroup controller is mounted");
    }
  for (i = 0; i < cg->n; i++)
    if (cg->h[i].unified)
      cg->unified = &cg->h[i];
  if (cg->unified == NULL)
    cg->mode = RUNO_CGROUP_V1;
  else if (cg->n == 1)
    cg->mode = RUNO_CGROUP_V2;
  else
    cg->mode = RUNO_CGROUP_HYBRID;
  *out = steal_pointer (&cg);
  return 0;
}

/* Append the components of REL to BASE, dropping "." and empty ones;
   ".." is refused: a cgroup path must not climb out of where it points. */
static int
normalise_path (const char *base, const char *rel, char **out, runo_error **err)
{
  cleanup_free char *copy = runo_xstrdup (rel);
  size_t cap = strlen (base) + strlen (rel) + 2;
  cleanup_free char *res = runo_xmalloc0 (cap);
  char *saveptr = NULL, *tok;

  /* BASE is already normal: copy it without a trailing slash. */
  strcpy (res, base);
  while (res[0] && res[strlen (res) - 1] == '/')
    res[strlen (res) - 1] = '\0';
  for (tok = strtok_r (copy, "/", &saveptr); tok;
       tok = strtok_r (NULL, "/", &saveptr))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        return runo_error_make (
            err, 0, "invalid cgroupsPath `%s`: `..` is not allowed", rel);
      strcat (res, "/");
      strcat (res, tok);
    }
  if (res[0] == '\0')
    strcpy (res, "/");
  *out = steal_pointer (&res);
  return 0;
}

/* The runtime's own cgroup in hierarchy H, from PROC_SELF_CGROUP text. */
static int
own_cgroup (const struct runo_cgroup_hierarchy *h, const char *text,
            const char **path, size_t *len, runo_error **err)
{
  const char *line = text;

  while (line && *line)
    {
      const char *end = strchr (line, '\n');
      const char *c1 = strchr (line, ':');
      const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      size_t line_len = end ? (size_t)(end - line) : strlen (line);

      if (c2 && c2 < line + line_len)
        {
          cleanup_free char *ctrls = strndup (c1 + 1, (size_t)(c2 - c1 - 1));
          bool match = h->unified
                           ? ctrls[0] == '\0'
                           : ctrls[0] != '\0'
                                 && same_controllers (ctrls, h->controllers);
          if (match)
            {
              const char *p = c2 + 1;
              size_t n = line_len - (size_t)(p - line);
              size_t rl = strlen (h->mount_root);

              /* The mount may show only a subtree of the hierarchy. */
              if (strcmp (h->mount_root, "/") && n >= rl
                  && strncmp (p, h->mount_root, rl) == 0
                  && (n == rl || p[rl] == '/'))
                {
                  p += rl;
                  n -= rl;
                }
              *path = p;
              *len = n;
              return 0;
            }
        }
      line = end ? end + 1 : NULL;
    }
  return runo_error_make (err, 0, "own cgroup for `%s` not found",
                          h->unified ? "cgroup2" : h->controllers);
}

/* The same PATH in every hierarchy. */
static int
set_uniform_path (runo_cgroup *cg, const char *path, runo_error **err)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (normalise_path ("", path, &cg->h[i].path, err) < 0)
      return -1;
  return 0;
}

static int
systemd_new (const char *root, const char *mountinfo_path,
             const char *cgroups_path, const char *id, runo_cgroup **out,
             runo_error **err)
{
  cleanup_runo_cgroup runo_cgroup *cg = NULL;
  cleanup_free char *slice = NULL, *unit = NULL, *path = NULL;

  if (runo_cgroup_systemd_names (cgroups_path, id, &slice, &unit, &path, err)
      < 0)
    return -1;
  if (detect (root, mountinfo_path, &cg, err) < 0
      || set_uniform_path (cg, path, err) < 0)
    return -1;
  cg->unit = steal_pointer (&unit);
  cg->slice = steal_pointer (&slice);
  *out = steal_pointer (&cg);
  return 0;
}

int
runo_cgroup_new (const char *root, const char *mountinfo_path,
                 const char *proc_self_cgroup, const char *cgroups_path,
                 const char *id, bool systemd, runo_cgroup **out,
                 runo_error **err)
{
  cleanup_runo_cgroup runo_cgroup *cg = NULL;
  cleanup_free char *self = NULL;
  size_t i;

  if (systemd)
    return systemd_new (root, mountinfo_path, cgroups_path, id, out, err);
  if (detect (root, mountinfo_path, &cg, err) < 0)
    return -1;

  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    {
      if (id == NULL || id[0] == '\0' || strchr (id, '/'))
        return runo_error_make (err, 0, "invalid container id for cgroup");
      if (set_uniform_path (cg, id, err) < 0)
        return -1;
    }
  else if (cgroups_path[0] == '/')
    {
      if (set_uniform_path (cg, cgroups_path, err) < 0)
        return -1;
    }
  else
    {
      if (runo_read_file_at (AT_FDCWD, proc_self_cgroup, 0, &self, NULL, err)
          < 0)
        return runo_error_wrap (err, "relative cgroupsPath `%s`", cgroups_path);
      for (i = 0; i < cg->n; i++)
        {
          const char *p = NULL;
          size_t n = 0;
          cleanup_free char *base = NULL;

          if (own_cgroup (&cg->h[i], self, &p, &n, err) < 0)
            return runo_error_wrap (err, "relative cgroupsPath `%s`",
                                    cgroups_path);
          base = strndup (p, n);
          if (base == NULL)
            abort ();
          if (strchr (base, ';') || strchr (cgroups_path, ';'))
            return runo_error_make (err, 0,
                                    "invalid cgroupsPath `%s`: `;` is not "
                                    "supported in a relative path",
                                    cgroups_path);
          if (normalise_path (base, cgroups_path, &cg->h[i].path, err) < 0)
            return -1;
        }
    }
  for (i = 0; i < cg->n; i++)
    if (strcmp (cg->h[i].path, "/") == 0)
      return runo_error_make (err, 0,
                              "invalid cgroupsPath `%s`: the root cgroup "
                              "cannot hold a container",
                              cgroups_path ? cgroups_path : "");
  *out = steal_pointer (&cg);
  return 0;
}

static const char *
hierarchy_key (const struct runo_cgroup_hierarchy *h)
{
  return h->unified ? UNIFIED_KEY : h->controllers;
}

char *
runo_cgroup_path (const runo_cgroup *cg)
{
  size_t i, len = 1;
  bool uniform = true;
  char *out;

  for (i = 1; i < cg->n; i++)
    if (strcmp (cg->h[i].path, cg->h[0].path))
      uniform = false;
  if (uniform)
    return runo_xstrdup (cg->h[0].path);
  for (i = 0; i < cg->n; i++)
    len += strlen (hierarchy_key (&cg->h[i])) + strlen (cg->h[i].path) + 2;
  out = runo_xmalloc0 (len);
  for (i = 0; i < cg->n; i++)
    {
      if (i)
        strcat (out, ";");
      strcat (out, hierarchy_key (&cg->h[i]));
      strcat (out, ":");
      strcat (out, cg->h[i].path);
    }
  return out;
}

const char *
runo_cgroup_main_path (const runo_cgroup *cg)
{
  return cg->unified ? cg->unified->path : cg->h[0].path;
}

const char *
runo_cgroup_ignored_field (runo_cgroup *cg,
                           const oci_config_linux_resources *res)
{
  if (res && res->memory && res->memory->swappiness_present
      && runo_cgroup_v1_find (cg, "memory") == NULL && cg->unified)
    return "linux.resources.memory.swappiness";
  return NULL;
}

const char *
runo_cgroup_systemd_unit (const runo_cgroup *cg)
{
  return cg->unit;
}

enum runo_cgroup_mode
runo_cgroup_mode (const runo_cgroup *cg)
{
  return cg->mode;
}

int
runo_cgroup_foreach_own (runo_cgroup_own_fn fn, void *data, runo_error **err)
{
  cleanup_runo_cgroup runo_cgroup *cg = NULL;
  cleanup_free char *self = NULL;
  size_t i;

  if (detect ("/", "/proc/self/mountinfo", &cg, err) < 0)
    return -1;
  if (runo_read_file_at (AT_FDCWD, "/proc/self/cgroup", 0, &self, NULL, err)
      < 0)
    return -1;
  for (i = 0; i < cg->n; i++)
    {
      const char *p = NULL;
      size_t n = 0;
      cleanup_free char *own = NULL;

      if (own_cgroup (&cg->h[i], self, &p, &n, err) < 0)
        return -1;
      own = strndup (p, n);
      if (own == NULL)
        abort ();
      if (fn (data, cg->h[i].mount, cg->h[i].controllers, own, err) < 0)
        return -1;
    }
  return 0;
}

int
runo_cgroup_load (const char *root, const char *mountinfo_path,
                  const char *path, const char *systemd_unit, runo_cgroup **out,
                  runo_error **err)
{
  cleanup_runo_cgroup runo_cgroup *cg = NULL;
  size_t i;

  if (path == NULL || path[0] == '\0')
    return runo_error_make (err, 0, "empty cgroup path");
  if (systemd_unit
      && (path[0] != '/' || !runo_cgroup_systemd_unit_valid (systemd_unit)))
    return runo_error_make (err, 0, "invalid systemd unit `%s` for `%s`",
                            systemd_unit, path);
  if (detect (root, mountinfo_path, &cg, err) < 0)
    return -1;
  if (systemd_unit)
    {
      cg->unit = runo_xstrdup (systemd_unit);
      cg->owns_unit = true;
    }
  if (path[0] == '/')
    {
      if (set_uniform_path (cg, path, err) < 0)
        return -1;
    }
  else
    {
      cleanup_free char *copy = runo_xstrdup (path);
      char *saveptr = NULL, *entry;

      for (entry = strtok_r (copy, ";", &saveptr); entry;
           entry = strtok_r (NULL, ";", &saveptr))
        {
          char *colon = strchr (entry, ':');

          if (colon == NULL)
            return runo_error_make (err, 0, "invalid cgroup path `%s`", path);
          *colon = '\0';
          for (i = 0; i < cg->n; i++)
            if (cg->h[i].path == NULL
                && strcmp (hierarchy_key (&cg->h[i]), entry) == 0)
              {
                if (normalise_path ("", colon + 1, &cg->h[i].path, err) < 0)
                  return -1;
                break;
              }
        }
      for (i = 0; i < cg->n; i++)
        if (cg->h[i].path == NULL)
          return runo_error_make (err, 0,
                                  "cgroup path `%s` has no entry for `%s`",
                                  path, hierarchy_key (&cg->h[i]));
    }
  *out = steal_pointer (&cg);
  return 0;
}

/* ----- file access ------------------------------------------------------ */

int
runo_cgroup_dirfd (struct runo_cgroup_hierarchy *h, runo_error **err)
{
  cleanup_free char *full = NULL;

  if (h->dirfd >= 0)
    return h->dirfd;
  full = runo_xasprintf ("%s%s", h->mount, h->path);
  h->dirfd = open (full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (h->dirfd < 0)
    return runo_error_errno (err, "open `%s`", full);
  return h->dirfd;
}

int
runo_cgroup_write (struct runo_cgroup_hierarchy *h, const char *field,
                   const char *file, const char *value, runo_error **err)
{
  cleanup_close int fd = -1;
  int dirfd = runo_cgroup_dirfd (h, err);

  if (dirfd < 0)
    return field ? runo_error_wrap (err, "%s", field) : -1;
  fd = openat (dirfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0 || runo_write_all (fd, value, strlen (value)) < 0)
    {
      if (field)
        return runo_error_errno (err, "%s: write `%s` to `%s%s/%s`", field,
                                 value, h->mount, h->path, file);
      return runo_error_errno (err, "write `%s` to `%s%s/%s`", value, h->mount,
                               h->path, file);
    }
  return 0;
}

int
runo_cgroup_writef (struct runo_cgroup_hierarchy *h, const char *field,
                    const char *file, runo_error **err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&value, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return runo_cgroup_write (h, field, file, value, err);
}

int
runo_cgroup_read (struct runo_cgroup_hierarchy *h, const char *file, char **out,
                  runo_error **err)
{
  int dirfd = runo_cgroup_dirfd (h, err);

  if (dirfd < 0)
    return -1;
  if (runo_read_file_at (dirfd, file, 0, out, NULL, err) < 0)
    return runo_error_wrap (err, "`%s%s`", h->mount, h->path);
  return 0;
}

bool
runo_cgroup_has_file (struct runo_cgroup_hierarchy *h, const char *file)
{
  cleanup_error runo_error *err = NULL;
  int dirfd = runo_cgroup_dirfd (h, &err);

  return dirfd >= 0 && faccessat (dirfd, file, F_OK, 0) == 0;
}

char *
runo_cgroup_v2_limit (int64_t value)
{
  if (value < 0)
    return runo_xstrdup ("max");
  return runo_xasprintf ("%" PRId64, value);
}

bool
runo_cgroup_keyed_value (const char *text, const char *key, uint64_t *value)
{
  size_t len = strlen (key);
  const char *p = text;

  while (p && *p)
    {
      if (strncmp (p, key, len) == 0 && (p[len] == ' ' || p[len] == '\t'))
        {
          const char *v = p + len + 1;
          if (strncmp (v, "max", 3) == 0)
            *value = UINT64_MAX;
          else
            *value = strtoull (v, NULL, 10);
          return true;
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return false;
}

struct runo_cgroup_hierarchy *
runo_cgroup_v1_find (runo_cgroup *cg, const char *controller)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (!cg->h[i].unified && list_has (cg->h[i].controllers, controller, ','))
      return &cg->h[i];
  return NULL;
}

/* Read cgroup.controllers, space separated, stripped of its newline. */
static int
read_controllers (int dirfd, const char *where, char **out, runo_error **err)
{
  char *text = NULL;
  size_t len = 0;

  if (runo_read_file_at (dirfd, "cgroup.controllers", 0, &text, &len, err) < 0)
    return runo_error_wrap (err, "`%s`", where);
  while (len > 0 && isspace ((unsigned char)text[len - 1]))
    text[--len] = '\0';
  *out = text;
  return 0;
}

bool
runo_cgroup_v2_available (runo_cgroup *cg, const char *controller)
{
  struct runo_cgroup_hierarchy *h = cg->unified;

  if (h == NULL)
    return false;
  if (h->available == NULL)
    {
      cleanup_error runo_error *err = NULL;

      cleanup_close int fd
          = open (h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (fd < 0 || read_controllers (fd, h->mount, &h->available, &err) < 0)
        h->available = runo_xstrdup ("");
    }
  return list_has (h->available, controller, ' ');
}

/* Write "+CONTROLLERS" to cgroup.subtree_control of every ancestor of the
   container's v2 cgroup, from the mount point down to its parent.  With
   more than one controller the kernel applies all or none, so on failure
   each is tried alone and the ones that cannot be enabled are left for
   the resource writers to report. */
static int
v2_enable_in_ancestors (struct runo_cgroup_hierarchy *h, const char *plus,
                        runo_error **err)
{
  size_t i;

  /* Each '/' of the path ends an ancestor: "" (the mount point), "/a",
     "/a/b" for "/a/b/c". */
  for (i = 0; h->path[i]; i++)
    {
      cleanup_close int fd = -1;
      cleanup_free char *file = NULL;

      if (h->path[i] != '/')
        continue;
      file = runo_xasprintf ("%s%.*s/cgroup.subtree_control", h->mount, (int)i,
                             h->path);
      fd = open (file, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return runo_error_errno (err, "open `%s`", file);
      if (runo_write_all (fd, plus, strlen (plus)) < 0)
        {
          cleanup_free char *copy = NULL;
          char *saveptr = NULL, *tok;

          if (strchr (plus, ' ') == NULL)
            return runo_error_errno (err, "write `%s` to `%s`", plus, file);
          copy = runo_xstrdup (plus);
          for (tok = strtok_r (copy, " ", &saveptr); tok;
               tok = strtok_r (NULL, " ", &saveptr))
            (void)!runo_write_all (fd, tok, strlen (tok));
        }
    }
  return 0;
}

int
runo_cgroup_v2_enable (runo_cgroup *cg, const char *controller,
                       const char *field, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = cg->unified;
  cleanup_free char *plus = NULL;
  int dirfd;

  if (h->enabled == NULL)
    {
      dirfd = runo_cgroup_dirfd (h, err);
      if (dirfd < 0)
        return runo_error_wrap (err, "%s", field);
      if (read_controllers (dirfd, h->path, &h->enabled, err) < 0)
        return runo_error_wrap (err, "%s", field);
    }
  if (list_has (h->enabled, controller, ' '))
    return 0;
  plus = runo_xasprintf ("+%s", controller);
  if (v2_enable_in_ancestors (h, plus, err) < 0)
    return runo_error_wrap (err, "%s: enable the %s controller", field,
                            controller);
  free (h->enabled);
  h->enabled = NULL;
  return 0;
}

/* ----- create / enter / destroy ------------------------------------------ */

/* Give a new v1 cpuset cgroup its parent's cpus and mems: the kernel
   creates it empty, and an empty cpuset refuses tasks. */
static int
cpuset_inherit (const char *dir, runo_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  cleanup_free char *parent = runo_xstrdup (dir);
  size_t i;

  *strrchr (parent, '/') = '\0';
  for (i = 0; i < 2; i++)
    {
      cleanup_free char *value = NULL;
      cleanup_free char *src = runo_xasprintf ("%s/%s", parent, files[i]);
      cleanup_free char *dst = runo_xasprintf ("%s/%s", dir, files[i]);
      cleanup_close int fd = -1;

      if (runo_read_file_at (AT_FDCWD, src, 0, &value, NULL, err) < 0)
        return -1;
      if (value[0] == '\0' || value[0] == '\n')
        continue;
      fd = open (dst, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || runo_write_all (fd, value, strlen (value)) < 0)
        return runo_error_errno (err, "write `%s`", dst);
    }
  return 0;
}

static int
create_in_hierarchy (struct runo_cgroup_hierarchy *h, runo_error **err)
{
  cleanup_free char *full = runo_xasprintf ("%s%s", h->mount, h->path);
  bool cpuset = h->controllers && list_has (h->controllers, "cpuset", ',');
  size_t base = strlen (h->mount);
  char *p;

  /* Usually the parent exists: one mkdir. */
  if (mkdir (full, 0755) == 0)
    return cpuset ? cpuset_inherit (full, err) : 0;
  if (errno == EEXIST)
    return 0;
  if (errno != ENOENT)
    return runo_error_errno (err, "mkdir `%s`", full);
  for (p = full + base + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (full, 0755) == 0)
        {
          if (cpuset && cpuset_inherit (full, err) < 0)
            return -1;
        }
      else if (errno != EEXIST)
        return runo_error_errno (err, "mkdir `%s`", full);
      *p = '/';
    }
  if (mkdir (full, 0755) < 0 && errno != EEXIST)
    return runo_error_errno (err, "mkdir `%s`", full);
  return cpuset ? cpuset_inherit (full, err) : 0;
}

bool
runo_cgroup_exists (const runo_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    {
      cleanup_free char *full
          = runo_xasprintf ("%s%s", cg->h[i].mount, cg->h[i].path);
      if (access (full, F_OK) == 0)
        return true;
    }
  return false;
}

int
runo_cgroup_create (runo_cgroup *cg, runo_error **err)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (create_in_hierarchy (&cg->h[i], err) < 0)
      return runo_error_wrap (err, "create cgroup");

  /* On a pure v2 host every controller is made available to the container
     (as other runtimes do), so that stats and later updates find their
     files; a hybrid host's v2 root is only touched for what is used.
     Under systemd the slices are systemd's: Delegate=yes gave the scope
     what systemd delegates, the rest is enabled when a field needs it. */
  if (cg->mode == RUNO_CGROUP_V2 && cg->unit == NULL)
    {
      cleanup_free char *plus = NULL;
      char *saveptr = NULL, *tok;
      cleanup_free char *copy = NULL;

      runo_cgroup_v2_available (cg, "");
      copy = runo_xstrdup (cg->unified->available);
      plus = runo_xmalloc0 (2 * strlen (copy) + 2);
      for (tok = strtok_r (copy, " ", &saveptr); tok;
           tok = strtok_r (NULL, " ", &saveptr))
        {
          if (plus[0])
            strcat (plus, " ");
          strcat (plus, "+");
          strcat (plus, tok);
        }
      if (plus[0] && v2_enable_in_ancestors (cg->unified, plus, err) < 0)
        return runo_error_wrap (err, "create cgroup");
    }
  return 0;
}

int
runo_cgroup_enter (runo_cgroup *cg, pid_t pid, runo_error **err)
{
  char value[32];
  size_t i;

  snprintf (value, sizeof (value), "%d", (int)pid);
  for (i = 0; i < cg->n; i++)
    if (runo_cgroup_write (&cg->h[i], NULL, "cgroup.procs", value, err) < 0)
      return runo_error_wrap (err, "join cgroup");
  return 0;
}

int
runo_cgroup_systemd_enter (runo_cgroup *cg, pid_t pid,
                           const oci_config_linux_resources *res,
                           runo_error **err)
{
  if (runo_cgroup_systemd_start (cg, pid, res, err) < 0
      || runo_cgroup_create (cg, err) < 0
      || runo_cgroup_enter (cg, pid, err) < 0)
    return runo_error_wrap (err, "cgroup");
  return 0;
}

int
runo_cgroup_v2_dir_fd (runo_cgroup *cg)
{
  cleanup_error runo_error *err = NULL;

  /* systemd makes the scope only once the pid exists. */
  if (cg->mode != RUNO_CGROUP_V2 || cg->unit)
    return -1;
  return runo_cgroup_dirfd (cg->unified, &err);
}

void
runo_cgroup_sleep_ms (long ms)
{
  struct timespec ts
      = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* rmdir DIR after its child cgroups, depth first. */
static int
remove_tree (const char *dir)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY && errno != ENOTEMPTY)
    return -1;
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir (d)))
    {
      cleanup_free char *child = NULL;

      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0
          || strcmp (de->d_name, "..") == 0)
        continue;
      child = runo_xasprintf ("%s/%s", dir, de->d_name);
      if (remove_tree (child) < 0)
        return -1;
    }
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  return -1;
}

int
runo_cgroup_destroy (runo_cgroup *cg, runo_error **err)
{
  size_t i;

  /* systemd removes the scope's directories; what is left (v1 hierarchies
     systemd does not manage) goes below.  A unit of the same name that
     this create did not start is someone else's. */
  if (cg->unit && cg->owns_unit && runo_cgroup_systemd_stop (cg, err) < 0)
    return runo_error_wrap (err, "remove cgroup");

  for (i = 0; i < cg->n; i++)
    {
      struct runo_cgroup_hierarchy *h = &cg->h[i];
      cleanup_free char *full = runo_xasprintf ("%s%s", h->mount, h->path);
      long waited = 0, step = 1;

      if (h->dirfd >= 0)
        {
          close (h->dirfd);
          h->dirfd = -1;
        }
      /* Exiting processes leave their cgroups a little after they die. */
      while (remove_tree (full) < 0)
        {
          if (errno != EBUSY || waited >= 1000)
            return runo_error_errno (err, "remove cgroup `%s`", full);
          runo_cgroup_sleep_ms (step);
          waited += step;
          if (step < 50)
            step *= 2;
        }
    }
  return 0;
}

/* ----- resources -----------------------------------------------------------
 */

uint64_t
runo_cgroup_shares_to_weight (uint64_t shares)
{
  /* Maps the v1 range [2, 262144] linearly onto v2's [1, 10000]. */
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
runo_cgroup_blkio_to_io_weight (uint64_t weight)
{
  /* Maps blkio's [10, 1000] linearly onto io.weight's [1, 10000]. */
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + ((weight - 10) * 9999) / 990;
}

/* Where the resources of one controller go: its v1 hierarchy when it is
   bound to one, else the v2 hierarchy when that offers it (*V2 set). */
static struct runo_cgroup_hierarchy *
pick (runo_cgroup *cg, const char *field, const char *v1_controller,
      const char *v2_controller, bool *v2, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = runo_cgroup_v1_find (cg, v1_controller);

  *v2 = false;
  if (h)
    return h;
  if (v2_controller && runo_cgroup_v2_available (cg, v2_controller))
    {
      if (runo_cgroup_v2_enable (cg, v2_controller, field, err) < 0)
        return NULL;
      *v2 = true;
      return cg->unified;
    }
  runo_error_make (err, 0, "%s: %s controller not mounted", field,
                   v2_controller ? v2_controller : v1_controller);
  return NULL;
}

#define APPLY(field, v1c, v2c, v1fn, v2fn, data)                               \
  do                                                                           \
    {                                                                          \
      bool v2_;                                                                \
      struct runo_cgroup_hierarchy *h_                                         \
          = pick (cg, field, v1c, v2c, &v2_, err);                             \
      if (h_ == NULL                                                           \
          || (v2_ ? v2fn (h_, data, err) : v1fn (h_, data, err)) < 0)          \
        return -1;                                                             \
    }                                                                          \
  while (0)

static bool
cpu_fields_present (const oci_config_linux_resources_cpu *cpu)
{
  return cpu->shares_present || cpu->quota_present || cpu->burst_present
         || cpu->period_present || cpu->realtime_period_present
         || cpu->realtime_runtime_present || cpu->idle_present;
}

/* hugetlb files have the same shape on v1 and v2 but for their last
   word: hugetlb.<size>.<suffix>, and .rsvd.<suffix> for reservations. */
int
runo_cgroup_hugetlb_limits (struct runo_cgroup_hierarchy *h,
                            const oci_config_linux_resources *res,
                            const char *suffix, runo_error **err)
{
  size_t i;

  for (i = 0; i < res->hugepage_limits_len; i++)
    {
      const oci_config_linux_resources_hugepage_limits *l
          = res->hugepage_limits[i];
      cleanup_free char *field
          = runo_xasprintf ("linux.resources.hugepageLimits[%zu]", i);
      cleanup_free char *plain = NULL, *rsvd = NULL;

      if (l->page_size == NULL || strchr (l->page_size, '/'))
        return runo_error_make (err, 0, "%s: invalid pageSize", field);
      plain = runo_xasprintf ("hugetlb.%s.%s", l->page_size, suffix);
      rsvd = runo_xasprintf ("hugetlb.%s.rsvd.%s", l->page_size, suffix);
      if (!runo_cgroup_has_file (h, plain))
        return runo_error_make (err, 0,
                                "%s: huge page size `%s` not supported by "
                                "this host",
                                field, l->page_size);
      /* Reservations are limited when the kernel can, usage always. */
      if (runo_cgroup_has_file (h, rsvd)
          && runo_cgroup_writef (h, field, rsvd, err, "%" PRIu64, l->limit) < 0)
        return -1;
      if (runo_cgroup_writef (h, field, plain, err, "%" PRIu64, l->limit) < 0)
        return -1;
    }
  return 0;
}

/* -1 is "unlimited"; any other negative value is no limit at all, and
   must not become one. */
static int
check_memory_values (const oci_config_linux_resources_memory *mem,
                     runo_error **err)
{
  const struct
  {
    const char *name;
    bool present;
    int64_t value;
  } fields[] = {
    { "limit", mem->limit_present, mem->limit },
    { "swap", mem->swap_present, mem->swap },
    { "reservation", mem->reservation_present, mem->reservation },
    { "kernel", mem->kernel_present, mem->kernel },
    { "kernelTCP", mem->kernel_tcp_present, mem->kernel_tcp },
  };
  size_t i;

  for (i = 0; i < sizeof (fields) / sizeof (fields[0]); i++)
    if (fields[i].present && fields[i].value < -1)
      return runo_error_make (err, 0,
                              "linux.resources.memory.%s: %" PRId64
                              " is not a limit (only -1 means unlimited)",
                              fields[i].name, fields[i].value);
  return 0;
}

int
runo_cgroup_apply_devices (runo_cgroup *cg,
                           const oci_config_linux_resources *res,
                           oci_linux_device *const *devs, size_t n_devs,
                           runo_error **err)
{
  cleanup_free struct runo_device_rule *rules = NULL;
  struct runo_cgroup_hierarchy *h;
  size_t n;

  if (runo_devices_cgroup_policy (res ? res->devices : NULL,
                                  res ? res->devices_len : 0, devs, n_devs,
                                  &rules, &n, err)
      < 0)
    return -1;
  /* The device filter of v2 is a BPF program, not a controller. */
  h = runo_cgroup_v1_find (cg, "devices");
  if (h)
    return runo_cgroup_v1_devices (h, rules, n, err);
  if (cg->unified)
    return runo_cgroup_v2_devices (cg->unified, rules, n, err);
  return runo_error_make (err, 0,
                          "linux.resources.devices: devices controller not "
                          "mounted");
}

/* The zeros engines send for "not set", which runc skips: Docker sends
   blockIO.weight 0 on every run (v1 refuses it with ERANGE), `docker
   update` 0 for every memory, cpu and blkio value it leaves alone, and
   Podman 4's --pids-limit -1 becomes pids.limit 0.  A limit of 0 tasks,
   memory bytes or cpu quota is nothing a container can run with, so 0
   means "leave as is": unlimited in a new cgroup, unchanged by update. */
#define DROP_ZERO(s, f)                                                        \
  do                                                                           \
    if ((s)->f##_present && (s)->f == 0)                                       \
      (s)->f##_present = false;                                                \
  while (0)

int
runo_cgroup_apply (runo_cgroup *cg, const oci_config_linux_resources *given,
                   runo_error **err)
{
  const oci_config_linux_resources_network *net;
  oci_config_linux_resources copy;
  oci_config_linux_resources *res = &copy;
  oci_config_linux_resources_memory memory;
  oci_config_linux_resources_cpu cpu;
  oci_config_linux_resources_pids pids;
  oci_config_linux_resources_block_io block_io;

  if (given == NULL)
    return 0;
  copy = *given;
  if (copy.memory)
    {
      memory = *copy.memory;
      DROP_ZERO (&memory, limit);
      DROP_ZERO (&memory, reservation);
      DROP_ZERO (&memory, swap);
      DROP_ZERO (&memory, kernel);
      DROP_ZERO (&memory, kernel_tcp);
      copy.memory = &memory;
    }
  if (copy.cpu)
    {
      cpu = *copy.cpu;
      DROP_ZERO (&cpu, shares);
      DROP_ZERO (&cpu, quota);
      DROP_ZERO (&cpu, period);
      DROP_ZERO (&cpu, realtime_period);
      DROP_ZERO (&cpu, realtime_runtime);
      copy.cpu = &cpu;
    }
  if (copy.pids)
    {
      pids = *copy.pids;
      DROP_ZERO (&pids, limit);
      copy.pids = &pids;
    }
  if (copy.block_io)
    {
      block_io = *copy.block_io;
      DROP_ZERO (&block_io, weight);
      DROP_ZERO (&block_io, leaf_weight);
      copy.block_io = &block_io;
    }
  net = res->network;

  if (res->memory && check_memory_values (res->memory, err) < 0)
    return -1;
  /* The unit first, so that a reload of systemd keeps what follows. */
  if (cg->unit && runo_cgroup_systemd_set (cg, res, err) < 0)
    return -1;
  if (res->memory)
    APPLY ("linux.resources.memory", "memory", "memory", runo_cgroup_v1_memory,
           runo_cgroup_v2_memory, res->memory);
  if (res->cpu && cpu_fields_present (res->cpu))
    APPLY ("linux.resources.cpu", "cpu", "cpu", runo_cgroup_v1_cpu,
           runo_cgroup_v2_cpu, res->cpu);
  if (res->cpu
      && ((res->cpu->cpus && res->cpu->cpus[0])
          || (res->cpu->mems && res->cpu->mems[0])))
    APPLY ("linux.resources.cpu", "cpuset", "cpuset", runo_cgroup_v1_cpuset,
           runo_cgroup_v2_cpuset, res->cpu);
  if (res->pids && res->pids->limit_present)
    APPLY ("linux.resources.pids", "pids", "pids", runo_cgroup_v1_pids,
           runo_cgroup_v2_pids, res->pids);
  if (res->block_io)
    APPLY ("linux.resources.blockIO", "blkio", "io", runo_cgroup_v1_blkio,
           runo_cgroup_v2_io, res->block_io);
  if (res->hugepage_limits_len > 0)
    APPLY ("linux.resources.hugepageLimits", "hugetlb", "hugetlb",
           runo_cgroup_v1_hugetlb, runo_cgroup_v2_hugetlb, res);
  /* net_cls and net_prio have no v2 counterpart. */
  if (net && net->class_id_present)
    APPLY ("linux.resources.network.classID", "net_cls", NULL,
           runo_cgroup_v1_net_cls, runo_cgroup_v1_net_cls, net);
  if (net && net->priorities_len > 0)
    APPLY ("linux.resources.network.priorities", "net_prio", NULL,
           runo_cgroup_v1_net_prio, runo_cgroup_v1_net_prio, net);
  if (res->rdma && res->rdma->len > 0)
    APPLY ("linux.resources.rdma", "rdma", "rdma", runo_cgroup_rdma,
           runo_cgroup_rdma, res->rdma);
  if (res->devices_len > 0
      && runo_cgroup_apply_devices (cg, res, NULL, 0, err) < 0)
    return -1;
  if (res->unified && res->unified->len > 0)
    {
      if (cg->unified == NULL)
        return runo_error_make (err, 0,
                                "linux.resources.unified: needs cgroup v2, "
                                "this host has only cgroup v1");
      if (runo_cgroup_v2_unified (cg, res->unified, err) < 0)
        return -1;
    }
  return 0;
}

int
runo_cgroup_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                   runo_error **err)
{
  *stats = (struct runo_cgroup_stats){ 0 };
  if (cg->mode != RUNO_CGROUP_V2 && runo_cgroup_v1_stats (cg, stats, err) < 0)
    return runo_error_wrap (err, "cgroup stats");
  if (cg->unified && runo_cgroup_v2_stats (cg, stats, err) < 0)
    return runo_error_wrap (err, "cgroup stats");
  return 0;
}
