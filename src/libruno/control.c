/* runo: operations on a running container's cgroup: pause, resume, ps,
   update, events. */
#include <config.h>

#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"
#include "container.h"
#include "log.h"
#include "ocispec.h"
#include "utils.h"

#define STATUS(s) (1u << (s))
#define LIVE                                                                   \
  (STATUS (RUNO_STATUS_CREATED) | STATUS (RUNO_STATUS_RUNNING)                 \
   | STATUS (RUNO_STATUS_PAUSED))

/* Open ID, check that its status is one of ALLOWED (STATUS bits), and load
   its cgroup. */
static int
open_with_cgroup (runo_context *ctx, const char *id, unsigned allowed,
                  struct runo_container *c, runo_cgroup **cg, runo_error **err)
{
  if (runo_container_open (ctx, id, true, c, err) < 0)
    return -1;
  if (!(allowed & STATUS (c->status)))
    return runo_error_make (err, 0, "container `%s` is %s", id,
                            runo_status_name (c->status));
  if (runo_container_cgroup (c, cg, err) < 0)
    return -1;
  if (*cg == NULL)
    return runo_error_make (err, 0, "container `%s` has no cgroup", id);
  return 0;
}

static int
set_frozen (runo_context *ctx, const char *id, bool frozen, runo_error **err)
{
  struct runo_container c;
  runo_cgroup *cg = NULL;
  int ret = -1;

  if (open_with_cgroup (
          ctx, id, STATUS (frozen ? RUNO_STATUS_RUNNING : RUNO_STATUS_PAUSED),
          &c, &cg, err)
      == 0)
    ret = runo_cgroup_freeze (cg, frozen, err);
  runo_cgroup_free (cg);
  runo_container_close (&c);
  return ret;
}

int
runo_container_pause (runo_context *ctx, const char *id, runo_error **err)
{
  return set_frozen (ctx, id, true, err);
}

int
runo_container_resume (runo_context *ctx, const char *id, runo_error **err)
{
  return set_frozen (ctx, id, false, err);
}

static bool
pid_in (pid_t pid, const pid_t *pids, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Run ps(1) with ARGS and keep its header and the lines of PIDS, found in
   the column headed PID.  Only `ps --format table` does this: it is what
   runc does, and a table of process details is ps's job. */
static int
ps_table (char **args, size_t nargs, const pid_t *pids, size_t n, FILE *out,
          runo_error **err)
{
  cleanup_free char **argv = runo_xmalloc0 ((nargs + 3) * sizeof (char *));
  cleanup_file FILE *in = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0, i;
  int pipefd[2], status, pid_col = -1;
  pid_t child;

  argv[0] = (char *)"ps";
  if (nargs == 0)
    argv[1] = (char *)"-ef";
  for (i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return runo_error_errno (err, "pipe");
  child = fork ();
  if (child < 0)
    return runo_error_errno (err, "fork");
  if (child == 0)
    {
      dup2 (pipefd[1], STDOUT_FILENO);
      execvp ("ps", argv);
      _exit (127);
    }
  close (pipefd[1]);
  in = fdopen (pipefd[0], "r");
  if (in == NULL)
    {
      close (pipefd[0]);
      waitpid (child, NULL, 0);
      return runo_error_errno (err, "read ps output");
    }
  while (getline (&line, &cap, in) > 0)
    {
      if (pid_col < 0)
        {
          /* The header: find which column is PID. */
          char *copy = runo_xstrdup (line), *save = NULL, *tok;
          int col = 0;

          for (tok = strtok_r (copy, " \t\n", &save); tok;
               tok = strtok_r (NULL, " \t\n", &save), col++)
            if (strcmp (tok, "PID") == 0)
              pid_col = col;
          free (copy);
          if (pid_col < 0)
            break;
          fputs (line, out);
          continue;
        }
      {
        char *copy = runo_xstrdup (line), *save = NULL, *tok;
        int col = 0;

        for (tok = strtok_r (copy, " \t\n", &save); tok && col < pid_col;
             tok = strtok_r (NULL, " \t\n", &save))
          col++;
        if (tok && pid_in ((pid_t)atoi (tok), pids, n))
          fputs (line, out);
        free (copy);
      }
    }
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (pid_col < 0)
    return runo_error_make (err, 0, "ps: no PID column in its output");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return runo_error_make (err, 0, "ps %s failed",
                            nargs ? "with these "
                                    "arguments"
                                  : "-ef");
  return 0;
}

int
runo_container_ps (runo_context *ctx, const char *id, bool json, char **ps_args,
                   size_t nargs, FILE *out, runo_error **err)
{
  struct runo_container c;
  runo_cgroup *cg = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0, i;
  int ret = -1;

  if (open_with_cgroup (ctx, id, LIVE, &c, &cg, err) < 0)
    goto out;
  if (runo_cgroup_pids (cg, &pids, &n, err) < 0)
    goto out;
  if (json)
    {
      fputc ('[', out);
      for (i = 0; i < n; i++)
        fprintf (out, "%s%d", i ? "," : "", pids[i]);
      fputs ("]\n", out);
      ret = 0;
    }
  else
    ret = ps_table (ps_args, nargs, pids, n, out, err);
out:
  runo_cgroup_free (cg);
  runo_container_close (&c);
  return ret;
}

int
runo_container_update (runo_context *ctx, const char *id,
                       const char *resources_json, size_t len, runo_error **err)
{
  struct runo_container c;
  runo_cgroup *cg = NULL;
  cleanup_free char *doc = NULL;
  char *parse_err = NULL;
  oci_config *config = NULL;
  const char *ignored;
  int ret = -1;

  /* The resources object is parsed (and checked) as the linux.resources of
     a minimal config, so its errors name the same paths as in config.json. */
  doc = runo_xasprintf ("{\"ociVersion\":\"" OCI_SPEC_VERSION
                        "\",\"linux\":{\"resources\":%.*s}}",
                        (int)len, resources_json);
  config = oci_config_parse_data (doc, strlen (doc), "resources", &parse_err);
  if (config == NULL)
    {
      runo_error_make (err, 0, "%s", parse_err ? parse_err : "parse error");
      free (parse_err);
      return -1;
    }
  if (open_with_cgroup (ctx, id, LIVE, &c, &cg, err) < 0)
    goto out;
  ignored = runo_cgroup_ignored_field (cg, config->linux_->resources);
  if (ignored)
    runo_warning (ctx, "%s: not supported on cgroup v2, ignored", ignored);
  ret = runo_cgroup_apply (cg, config->linux_->resources, err);
out:
  oci_config_free (config);
  runo_cgroup_free (cg);
  runo_container_close (&c);
  return ret;
}

static void
gen_key_uint (yajl_gen gen, const char *key, uint64_t value)
{
  char num[32];

  yajl_gen_string (gen, (const unsigned char *)key, strlen (key));
  snprintf (num, sizeof (num), "%llu", (unsigned long long)value);
  yajl_gen_number (gen, num, strlen (num));
}

static void
gen_key (yajl_gen gen, const char *key)
{
  yajl_gen_string (gen, (const unsigned char *)key, strlen (key));
}

/* runc's event shape: {"type":"stats","id":ID,"data":{...}}. */
static void
print_event (FILE *out, const char *type, const char *id,
             const struct runo_cgroup_stats *st)
{
  yajl_gen gen = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  if (gen == NULL)
    return;
  yajl_gen_map_open (gen);
  gen_key (gen, "type");
  yajl_gen_string (gen, (const unsigned char *)type, strlen (type));
  gen_key (gen, "id");
  yajl_gen_string (gen, (const unsigned char *)id, strlen (id));
  if (st)
    {
      gen_key (gen, "data");
      yajl_gen_map_open (gen);
      if (st->cpu_present)
        {
          gen_key (gen, "cpu");
          yajl_gen_map_open (gen);
          gen_key (gen, "usage");
          yajl_gen_map_open (gen);
          gen_key_uint (gen, "total", st->cpu_usage_ns);
          gen_key_uint (gen, "user", st->cpu_user_ns);
          gen_key_uint (gen, "kernel", st->cpu_system_ns);
          yajl_gen_map_close (gen);
          gen_key (gen, "throttling");
          yajl_gen_map_open (gen);
          gen_key_uint (gen, "throttledPeriods", st->cpu_throttled_periods);
          gen_key_uint (gen, "throttledTime", st->cpu_throttled_ns);
          yajl_gen_map_close (gen);
          yajl_gen_map_close (gen);
        }
      if (st->memory_present)
        {
          gen_key (gen, "memory");
          yajl_gen_map_open (gen);
          gen_key (gen, "usage");
          yajl_gen_map_open (gen);
          gen_key_uint (gen, "usage", st->memory_usage);
          gen_key_uint (gen, "limit", st->memory_limit);
          gen_key_uint (gen, "max", st->memory_max_usage);
          gen_key_uint (gen, "failcnt", st->memory_failcnt);
          yajl_gen_map_close (gen);
          gen_key_uint (gen, "oomKills", st->memory_oom_kills);
          yajl_gen_map_close (gen);
        }
      if (st->pids_present)
        {
          gen_key (gen, "pids");
          yajl_gen_map_open (gen);
          gen_key_uint (gen, "current", st->pids_current);
          gen_key_uint (gen, "limit", st->pids_limit);
          yajl_gen_map_close (gen);
        }
      if (st->blkio_present)
        {
          gen_key (gen, "blkio");
          yajl_gen_map_open (gen);
          gen_key_uint (gen, "readBytes", st->blkio_read_bytes);
          gen_key_uint (gen, "writeBytes", st->blkio_write_bytes);
          gen_key_uint (gen, "readIOs", st->blkio_read_ios);
          gen_key_uint (gen, "writeIOs", st->blkio_write_ios);
          yajl_gen_map_close (gen);
        }
      yajl_gen_map_close (gen);
    }
  yajl_gen_map_close (gen);
  if (yajl_gen_get_buf (gen, &buf, &len) == yajl_gen_status_ok)
    {
      fprintf (out, "%.*s\n", (int)len, (const char *)buf);
      fflush (out);
    }
  yajl_gen_free (gen);
}

static bool
still_alive (runo_context *ctx, const char *id)
{
  struct runo_container c;
  cleanup_error runo_error *err = NULL;
  bool alive = runo_container_open (ctx, id, false, &c, &err) == 0
               && c.status != RUNO_STATUS_STOPPED;

  runo_container_close (&c);
  return alive;
}

int
runo_container_events (runo_context *ctx, const char *id, bool stats_once,
                       unsigned interval_ms, FILE *out, runo_error **err)
{
  struct runo_container c;
  runo_cgroup *cg = NULL;
  struct runo_cgroup_stats st;
  uint64_t oom_kills = 0;
  int ret = -1;

  if (open_with_cgroup (ctx, id, LIVE, &c, &cg, err) < 0)
    goto out;
  /* The lock is not held while streaming: other commands must go on. */
  runo_container_close (&c);
  if (runo_cgroup_stats (cg, &st, err) < 0)
    goto out;
  if (stats_once)
    {
      print_event (out, "stats", id, &st);
      ret = 0;
      goto out;
    }
  oom_kills = st.memory_oom_kills;
  for (;;)
    {
      struct timespec ts
          = { interval_ms / 1000, (long)(interval_ms % 1000) * 1000000 };

      print_event (out, "stats", id, &st);
      nanosleep (&ts, NULL);
      if (!still_alive (ctx, id))
        break;
      if (runo_cgroup_stats (cg, &st, err) < 0)
        goto out;
      if (st.memory_oom_kills > oom_kills)
        print_event (out, "oom", id, NULL);
      oom_kills = st.memory_oom_kills;
    }
  ret = 0;
out:
  runo_cgroup_free (cg);
  runo_container_close (&c);
  return ret;
}
