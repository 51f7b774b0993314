/* runo: the container's processes as a cgroup sees them: freezing and
   thawing, listing every pid, and signalling them all. */
#include <config.h>

#include "cgroup_internal.h"
#include "utils.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ----- freezer ----------------------------------------------------------- */

static struct runo_cgroup_hierarchy *
freezer_hierarchy (runo_cgroup *cg, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = runo_cgroup_v1_find (cg, "freezer");

  if (h == NULL)
    h = cg->unified;
  if (h == NULL)
    runo_error_make (err, 0, "freezer controller not mounted");
  return h;
}

static int
read_trimmed (struct runo_cgroup_hierarchy *h, const char *file, char **out,
              runo_error **err)
{
  size_t len;

  if (runo_cgroup_read (h, file, out, err) < 0)
    return -1;
  len = strlen (*out);
  while (len > 0 && isspace ((unsigned char)(*out)[len - 1]))
    (*out)[--len] = '\0';
  return 0;
}

int
runo_cgroup_is_frozen (runo_cgroup *cg, bool *frozen, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = freezer_hierarchy (cg, err);
  cleanup_free char *state = NULL;

  if (h == NULL)
    return -1;
  if (read_trimmed (h, h->unified ? "cgroup.freeze" : "freezer.state", &state,
                    err)
      < 0)
    return -1;
  *frozen
      = h->unified ? strcmp (state, "1") == 0 : strcmp (state, "FROZEN") == 0;
  return 0;
}

/* Freezing is asynchronous: wait for the kernel to report it done. */
static int
wait_frozen (struct runo_cgroup_hierarchy *h, runo_error **err)
{
  long waited = 0, step = 1;

  for (;;)
    {
      cleanup_free char *state = NULL;
      uint64_t value = 0;

      if (h->unified)
        {
          if (runo_cgroup_read (h, "cgroup.events", &state, err) < 0)
            return -1;
          if (runo_cgroup_keyed_value (state, "frozen", &value) && value == 1)
            return 0;
        }
      else
        {
          if (read_trimmed (h, "freezer.state", &state, err) < 0)
            return -1;
          if (strcmp (state, "FROZEN") == 0)
            return 0;
          /* A task stuck in FREEZING can be retried by writing again. */
          if (runo_cgroup_write (h, NULL, "freezer.state", "FROZEN", err) < 0)
            return -1;
        }
      if (waited >= 5000)
        return runo_error_make (err, ETIMEDOUT, "freeze `%s%s`", h->mount,
                                h->path);
      runo_cgroup_sleep_ms (step);
      waited += step;
      if (step < 50)
        step *= 2;
    }
}

int
runo_cgroup_freeze (runo_cgroup *cg, bool frozen, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = freezer_hierarchy (cg, err);
  const char *value;

  if (h == NULL)
    return -1;
  if (h->unified)
    value = frozen ? "1" : "0";
  else
    value = frozen ? "FROZEN" : "THAWED";
  if (runo_cgroup_write (
          h, NULL, h->unified ? "cgroup.freeze" : "freezer.state", value, err)
      < 0)
    return -1;
  if (frozen && wait_frozen (h, err) < 0)
    {
      cleanup_error runo_error *ignored = NULL;
      runo_cgroup_write (h, NULL,
                         h->unified ? "cgroup.freeze" : "freezer.state",
                         h->unified ? "0" : "THAWED", &ignored);
      return -1;
    }
  return 0;
}

/* ----- pids and signals -------------------------------------------------- */

struct pid_list
{
  pid_t *pids;
  size_t n, cap;
};

static int
collect_pids (int dirfd, const char *where, struct pid_list *list,
              runo_error **err)
{
  cleanup_free char *text = NULL;
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  char *p, *end;
  int fd;

  if (runo_read_file_at (dirfd, "cgroup.procs", 0, &text, NULL, err) < 0)
    return runo_error_wrap (err, "`%s`", where);
  for (p = text; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      if (list->n == list->cap)
        {
          list->cap = list->cap ? 2 * list->cap : 16;
          list->pids = realloc (list->pids, list->cap * sizeof (pid_t));
          if (list->pids == NULL)
            abort ();
        }
      list->pids[list->n++] = (pid_t)v;
    }

  fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return runo_error_errno (err, "open `%s`", where);
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return runo_error_errno (err, "open `%s`", where);
    }
  while ((de = readdir (d)))
    {
      cleanup_close int child = -1;
      cleanup_free char *child_where = NULL;

      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0
          || strcmp (de->d_name, "..") == 0)
        continue;
      child = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child < 0)
        {
          if (errno == ENOENT)
            continue;
          return runo_error_errno (err, "open `%s/%s`", where, de->d_name);
        }
      child_where = runo_xasprintf ("%s/%s", where, de->d_name);
      if (collect_pids (child, child_where, list, err) < 0)
        return -1;
    }
  return 0;
}

int
runo_cgroup_pids (runo_cgroup *cg, pid_t **pids, size_t *n, runo_error **err)
{
  struct runo_cgroup_hierarchy *h = NULL;
  struct pid_list list = { NULL, 0, 0 };
  cleanup_free char *where = NULL;
  int dirfd;

  if (cg->mode == RUNO_CGROUP_V2)
    h = cg->unified;
  if (h == NULL)
    h = runo_cgroup_v1_find (cg, "pids");
  if (h == NULL)
    h = runo_cgroup_v1_find (cg, "freezer");
  if (h == NULL)
    h = &cg->h[0];
  dirfd = runo_cgroup_dirfd (h, err);
  if (dirfd < 0)
    return runo_error_wrap (err, "list cgroup processes");
  where = runo_xasprintf ("%s%s", h->mount, h->path);
  if (collect_pids (dirfd, where, &list, err) < 0)
    {
      free (list.pids);
      return runo_error_wrap (err, "list cgroup processes");
    }
  *pids = list.pids ? list.pids : runo_xmalloc0 (sizeof (pid_t));
  *n = list.n;
  return 0;
}

static int
signal_all (runo_cgroup *cg, int sig, runo_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n, i;

  if (runo_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return runo_error_errno (err, "kill %d", (int)pids[i]);
  return 0;
}

int
runo_cgroup_kill_all (runo_cgroup *cg, int sig, runo_error **err)
{
  cleanup_error runo_error *ignored = NULL;
  struct runo_cgroup_hierarchy *freezer;
  bool was_frozen = false;
  int ret;

  if (sig == SIGKILL && cg->unified
      && runo_cgroup_has_file (cg->unified, "cgroup.kill"))
    return runo_cgroup_write (cg->unified, NULL, "cgroup.kill", "1", err);

  /* Without a freezer the list can race with forks; best effort then. */
  freezer = runo_cgroup_v1_find (cg, "freezer");
  if (freezer == NULL && cg->unified
      && runo_cgroup_has_file (cg->unified, "cgroup.freeze"))
    freezer = cg->unified;
  if (freezer == NULL)
    return signal_all (cg, sig, err);

  if (runo_cgroup_is_frozen (cg, &was_frozen, err) < 0)
    return -1;
  if (!was_frozen && runo_cgroup_freeze (cg, true, err) < 0)
    return -1;
  ret = signal_all (cg, sig, err);
  if (!was_frozen
      && runo_cgroup_freeze (cg, false, ret < 0 ? &ignored : err) < 0
      && ret == 0)
    return -1;
  return ret;
}
