/* runo: the systemd cgroup driver (--systemd-cgroup).
 *
 * systemd owns the cgroup tree on the hosts most users run: a cgroup made
 * behind its back is moved, reset or removed when systemd reloads.  So the
 * container's cgroup is a transient scope unit, "<prefix>-<name>.scope" in
 * the slice of a "slice:prefix:name" cgroupsPath, started over D-Bus with
 * the init pid in it and Delegate=yes (the subtree is the container's).
 * Resources systemd knows are sent as unit properties, so that a reload
 * keeps them; afterwards the cgroupfs writers of cgroup_v1.c/cgroup_v2.c
 * set every field on the scope's directories as they would on any cgroup
 * (the same values, and the fields systemd has no property for).
 *
 * The connection is systemd's private socket when it can be opened (no
 * bus daemon in the way, one round trip less), else the system bus (or the
 * user's bus for a non-root caller).  Jobs are waited for by their
 * JobRemoved signal, matched on the unit's name, which systemd sends on
 * private connections and to the bus client that queued the job. */
#include <config.h>

#include "cgroup_internal.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define F_RES "linux.resources"
/* A scope starts in milliseconds; systemd busy with other jobs may take a
   while, as runc also allows. */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static void
bus_unrefp (sd_bus **bus)
{
  if (*bus)
    sd_bus_flush_close_unref (*bus);
}
#define cleanup_bus __attribute__ ((cleanup (bus_unrefp)))

static void
message_unrefp (sd_bus_message **m)
{
  sd_bus_message_unref (*m);
}
#define cleanup_message __attribute__ ((cleanup (message_unrefp)))

static void
slot_unrefp (sd_bus_slot **s)
{
  sd_bus_slot_unref (*s);
}
#define cleanup_slot __attribute__ ((cleanup (slot_unrefp)))

/* ----- names ------------------------------------------------------------ */

/* What systemd accepts in a unit name's prefix part (unit_name_is_valid):
   letters, digits and ":-_.\\"; runo is stricter on '\\' (no escapes). */
static bool
unit_chars_ok (const char *s, size_t n)
{
  size_t i;

  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    {
      char c = s[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_'
            || c == '.'))
        return false;
    }
  return true;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "".
   Every dash-separated part must be non-empty, as systemd requires. */
static int
slice_path (const char *slice, char **out, runo_error **err)
{
  size_t len = strlen (slice), stem, i;
  char *path;

  if (strcmp (slice, "-.slice") == 0)
    {
      *out = runo_xstrdup ("");
      return 0;
    }
  if (len <= 6 || strcmp (slice + len - 6, ".slice") != 0
      || !unit_chars_ok (slice, len))
    return runo_error_make (err, 0, "invalid slice `%s`", slice);
  stem = len - 6;
  if (slice[0] == '-' || slice[stem - 1] == '-' || strstr (slice, "--"))
    return runo_error_make (err, 0, "invalid slice `%s`", slice);
  /* At most one "/<stem up to here>.slice" per part. */
  path = runo_xmalloc0 ((stem + 8) * (stem + 1) + 1);
  for (i = 0; i <= stem; i++)
    if (i == stem || slice[i] == '-')
      {
        size_t at = strlen (path);
        path[at] = '/';
        memcpy (path + at + 1, slice, i);
        memcpy (path + at + 1 + i, ".slice", 7);
      }
  *out = path;
  return 0;
}

int
runo_cgroup_systemd_names (const char *cgroups_path, const char *id,
                           char **slice, char **unit, char **path,
                           runo_error **err)
{
  cleanup_free char *s = NULL, *u = NULL, *sp = NULL;
  const char *c1, *c2;

  *slice = *unit = *path = NULL;
  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    {
      if (id == NULL || !unit_chars_ok (id, strlen (id)))
        return runo_error_make (err, 0, "invalid container id for a unit");
      s = runo_xstrdup ("system.slice");
      u = runo_xasprintf ("runo-%s.scope", id);
    }
  else
    {
      c1 = strchr (cgroups_path, ':');
      c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL || strchr (c2 + 1, ':'))
        return runo_error_make (err, 0,
                                "invalid cgroupsPath `%s`: with "
                                "--systemd-cgroup it is slice:prefix:name",
                                cgroups_path);
      s = c1 == cgroups_path ? runo_xstrdup ("system.slice")
                             : strndup (cgroups_path, c1 - cgroups_path);
      if (s == NULL)
        abort ();
      if (!unit_chars_ok (c2 + 1, strlen (c2 + 1))
          || (c2 > c1 + 1 && !unit_chars_ok (c1 + 1, c2 - c1 - 1)))
        return runo_error_make (
            err, 0, "invalid cgroupsPath `%s`: bad unit name", cgroups_path);
      if (strlen (c2 + 1) > 6
          && strcmp (c2 + 1 + strlen (c2 + 1) - 6, ".slice") == 0)
        return runo_error_make (err, 0,
                                "cgroupsPath `%s`: not implemented: a "
                                "container in a slice unit of its own",
                                cgroups_path);
      /* An empty prefix is the name alone, as with runc. */
      u = c2 == c1 + 1 ? runo_xasprintf ("%s.scope", c2 + 1)
                       : runo_xasprintf ("%.*s-%s.scope", (int)(c2 - c1 - 1),
                                         c1 + 1, c2 + 1);
    }
  if (strlen (u) > 255)
    return runo_error_make (err, 0, "unit name `%s` is too long", u);
  if (slice_path (s, &sp, err) < 0)
    return runo_error_wrap (err, "cgroupsPath `%s`",
                            cgroups_path ? cgroups_path : "");
  *path = runo_xasprintf ("%s/%s", sp, u);
  *slice = steal_pointer (&s);
  *unit = steal_pointer (&u);
  return 0;
}

bool
runo_cgroup_systemd_unit_valid (const char *unit)
{
  size_t n = strlen (unit);

  return n > 6 && n <= 255 && strcmp (unit + n - 6, ".scope") == 0
         && unit_chars_ok (unit, n);
}

/* ----- the bus ---------------------------------------------------------- */

static int
bus_fail (runo_error **err, int r, const sd_bus_error *e, const char *what)
{
  if (e && sd_bus_error_is_set (e))
    return runo_error_make (err, sd_bus_error_get_errno (e), "systemd: %s: %s",
                            what, e->message ? e->message : e->name);
  return runo_error_make (err, -r, "systemd: %s: %s", what, strerror (-r));
}

static int
bus_open (sd_bus **out, runo_error **err)
{
  cleanup_bus sd_bus *bus = NULL;
  int r;

  if (access ("/run/systemd/system", F_OK) < 0)
    return runo_error_make (err, 0,
                            "--systemd-cgroup: systemd is not running on "
                            "this host (no /run/systemd/system)");
  if (geteuid () == 0)
    {
      r = sd_bus_new (&bus);
      if (r >= 0)
        r = sd_bus_set_address (bus, "unix:path=/run/systemd/private");
      if (r >= 0)
        r = sd_bus_start (bus);
      if (r >= 0)
        {
          *out = steal_pointer (&bus);
          return 0;
        }
      bus_unrefp (&bus);
      bus = NULL;
      r = sd_bus_open_system (&bus);
    }
  else
    r = sd_bus_open_user (&bus);
  if (r < 0)
    return bus_fail (err, r, NULL,
                     geteuid () == 0 ? "connect to the system bus"
                                     : "connect to the user bus");
  *out = steal_pointer (&bus);
  return 0;
}

struct job_wait
{
  const char *unit;
  bool done;
  char *result;
};

static int
on_job_removed (sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
  struct job_wait *w = data;
  const char *path, *unit, *result;
  uint32_t id;

  (void)ret_error;
  if (sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (strcmp (unit, w->unit) == 0 && !w->done)
    {
      w->done = true;
      w->result = runo_xstrdup (result);
    }
  return 0;
}

static int
wait_job (sd_bus *bus, struct job_wait *w, const char *what, runo_error **err)
{
  struct timespec now;
  uint64_t start, elapsed = 0;
  int r;

  clock_gettime (CLOCK_MONOTONIC, &now);
  start = (uint64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
  while (!w->done)
    {
      r = sd_bus_process (bus, NULL);
      if (r < 0)
        return bus_fail (err, r, NULL, what);
      if (r > 0)
        continue;
      if (elapsed >= JOB_TIMEOUT_USEC)
        return runo_error_make (err, ETIMEDOUT, "systemd: %s: timed out", what);
      r = sd_bus_wait (bus, JOB_TIMEOUT_USEC - elapsed);
      if (r < 0 && r != -EINTR)
        return bus_fail (err, r, NULL, what);
      clock_gettime (CLOCK_MONOTONIC, &now);
      elapsed = (uint64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000 - start;
    }
  if (strcmp (w->result, "done") != 0)
    return runo_error_make (err, 0, "systemd: %s: job %s", what, w->result);
  return 0;
}

/* ----- properties ------------------------------------------------------- */

static int
append_u64 (sd_bus_message *m, const char *name, uint64_t v)
{
  return sd_bus_message_append (m, "(sv)", name, "t", v);
}

/* An OCI limit: negative is unlimited (systemd's infinity). */
static int
append_limit (sd_bus_message *m, const char *name, int64_t v)
{
  return append_u64 (m, name, v < 0 ? UINT64_MAX : (uint64_t)v);
}

struct mask
{
  uint8_t *bits;
  size_t len;
};

static void
mask_add (unsigned long first, unsigned long last, void *data)
{
  struct mask *mk = data;
  unsigned long i;

  if (last / 8 + 1 > mk->len)
    {
      size_t n = last / 8 + 1;
      mk->bits = realloc (mk->bits, n);
      if (mk->bits == NULL)
        abort ();
      memset (mk->bits + mk->len, 0, n - mk->len);
      mk->len = n;
    }
  for (i = first; i <= last; i++)
    mk->bits[i / 8] |= 1u << (i % 8);
}

static int
append_ranges (sd_bus_message *m, const char *name, const char *field,
               const char *list, runo_error **err)
{
  struct mask mk = { NULL, 0 };
  int r;

  if (runo_parse_ranges (list, 8191, mask_add, &mk) < 0)
    {
      free (mk.bits);
      return runo_error_make (err, EINVAL, F_RES ".cpu.%s: invalid list `%s`",
                              field, list);
    }
  r = sd_bus_message_open_container (m, 'r', "sv");
  if (r >= 0)
    r = sd_bus_message_append (m, "s", name);
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'v', "ay");
  if (r >= 0)
    r = sd_bus_message_append_array (m, 'y', mk.bits, mk.len);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  free (mk.bits);
  return r < 0 ? bus_fail (err, r, NULL, "build message") : 0;
}

/* The properties for RES (may be NULL).  Zeros that engines send for
   "unset" are skipped, as runo_cgroup_apply skips them.  On v1 systemd
   knows fewer of them under other names. */
static int
append_resources (sd_bus_message *m, bool unified,
                  const oci_config_linux_resources *res, runo_error **err)
{
  const oci_config_linux_resources_memory *mem = res ? res->memory : NULL;
  const oci_config_linux_resources_cpu *cpu = res ? res->cpu : NULL;
  int r = 0;

  if (mem && mem->limit_present && mem->limit != 0)
    r = append_limit (m, unified ? "MemoryMax" : "MemoryLimit", mem->limit);
  if (r >= 0 && unified && mem && mem->reservation_present
      && mem->reservation != 0)
    r = append_limit (m, "MemoryLow", mem->reservation);
  /* The spec's swap is memory+swap; systemd's is swap alone. */
  if (r >= 0 && unified && mem && mem->swap_present && mem->swap != 0)
    {
      if (mem->swap < 0)
        r = append_u64 (m, "MemorySwapMax", UINT64_MAX);
      else if (mem->limit_present && mem->limit > 0 && mem->swap >= mem->limit)
        r = append_u64 (m, "MemorySwapMax", mem->swap - mem->limit);
    }
  if (r >= 0 && res && res->pids && res->pids->limit != 0)
    r = append_limit (m, "TasksMax", res->pids->limit);
  if (r >= 0 && cpu && cpu->shares_present && cpu->shares != 0)
    r = unified ? append_u64 (m, "CPUWeight",
                              runo_cgroup_shares_to_weight (cpu->shares))
                : append_u64 (m, "CPUShares", cpu->shares);
  if (r >= 0 && cpu && cpu->quota_present && cpu->quota != 0)
    {
      uint64_t period
          = cpu->period_present && cpu->period ? cpu->period : 100000;

      if (cpu->quota < 0)
        r = append_u64 (m, "CPUQuotaPerSecUSec", UINT64_MAX);
      else
        {
          /* systemd keeps quota per second and rounds it to 10 ms when
             writing cpu.max; rounding up never gives less than asked. */
          uint64_t per_sec = (uint64_t)cpu->quota * 1000000 / period;
          per_sec = (per_sec + 9999) / 10000 * 10000;
          r = append_u64 (m, "CPUQuotaPerSecUSec", per_sec);
        }
      if (r >= 0 && unified)
        r = append_u64 (m, "CPUQuotaPeriodUSec", period);
    }
  if (r < 0)
    return bus_fail (err, r, NULL, "build message");
  if (unified && cpu && cpu->cpus && cpu->cpus[0]
      && append_ranges (m, "AllowedCPUs", "cpus", cpu->cpus, err) < 0)
    return -1;
  if (unified && cpu && cpu->mems && cpu->mems[0]
      && append_ranges (m, "AllowedMemoryNodes", "mems", cpu->mems, err) < 0)
    return -1;
  if (res && res->block_io && res->block_io->weight_present
      && res->block_io->weight != 0)
    r = unified ? append_u64 (
            m, "IOWeight",
            runo_cgroup_blkio_to_io_weight (res->block_io->weight))
                : append_u64 (m, "BlockIOWeight", res->block_io->weight);
  if (r < 0)
    return bus_fail (err, r, NULL, "build message");
  return 0;
}

/* On v1 a unit without a device policy gets "a" written to devices.allow
   when systemd (re)applies its settings: strict with the default nodes
   keeps a reload from opening every device (runo's own rules, written to
   the files afterwards, are what holds until then).  On v2 systemd adds
   no filter of its own when none is set, and runo's BPF program stays. */
static int
append_devices_v1 (sd_bus_message *m)
{
  static const char *const nodes[]
      = { "/dev/null",    "/dev/zero", "/dev/full", "/dev/random",
          "/dev/urandom", "/dev/tty",  "char-pts",  "/dev/ptmx" };
  size_t i;
  int r;

  r = sd_bus_message_append (m, "(sv)", "DevicePolicy", "s", "strict");
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'r', "sv");
  if (r >= 0)
    r = sd_bus_message_append (m, "s", "DeviceAllow");
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'v', "a(ss)");
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'a', "(ss)");
  for (i = 0; r >= 0 && i < sizeof (nodes) / sizeof (nodes[0]); i++)
    r = sd_bus_message_append (m, "(ss)", nodes[i], "rwm");
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_close_container (m);
  return r;
}

/* ----- operations ------------------------------------------------------- */

static int
ensure_bus (runo_cgroup *cg, runo_error **err)
{
  if (cg->bus)
    return 0;
  return bus_open ((sd_bus **)&cg->bus, err);
}

void
runo_cgroup_systemd_close (runo_cgroup *cg)
{
  sd_bus *bus = cg->bus;

  cg->bus = NULL;
  bus_unrefp (&bus);
}

int
runo_cgroup_systemd_start (runo_cgroup *cg, pid_t pid,
                           const oci_config_linux_resources *res,
                           runo_error **err)
{
  cleanup_message sd_bus_message *m = NULL, *reply = NULL;
  cleanup_slot sd_bus_slot *slot = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  struct job_wait w = { .unit = cg->unit };
  bool unified = cg->mode == RUNO_CGROUP_V2;
  cleanup_free char *desc = NULL, *what = NULL;
  sd_bus *bus;
  int r, ret;

  what = runo_xasprintf ("start unit `%s`", cg->unit);
  if (ensure_bus (cg, err) < 0)
    return -1;
  bus = cg->bus;
  r = sd_bus_match_signal (bus, &slot, SD_DEST, SD_PATH, SD_MANAGER,
                           "JobRemoved", on_job_removed, &w);
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  r = sd_bus_message_new_method_call (bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                      "StartTransientUnit");
  if (r >= 0)
    r = sd_bus_message_append (m, "ss", cg->unit, "replace");
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'a', "(sv)");
  desc = runo_xasprintf ("runo container %s", cg->unit);
  if (r >= 0)
    r = sd_bus_message_append (m, "(sv)(sv)(sv)(sv)", "Description", "s", desc,
                               "Slice", "s", cg->slice, "Delegate", "b", 1,
                               "DefaultDependencies", "b", 0);
  /* Gone as soon as it stops, failed or not: nothing is left behind. */
  if (r >= 0)
    r = sd_bus_message_append (m, "(sv)", "CollectMode", "s",
                               "inactive-or-failed");
  if (r >= 0)
    r = sd_bus_message_append (m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
  if (r >= 0)
    r = sd_bus_message_append (
        m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1, "CPUAccounting", "b",
        1, "TasksAccounting", "b", 1,
        unified ? "IOAccounting" : "BlockIOAccounting", "b", 1);
  if (r >= 0 && !unified)
    r = append_devices_v1 (m);
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  if (append_resources (m, unified, res, err) < 0)
    return runo_error_wrap (err, "%s", what);
  r = sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd_bus_message_append (m, "a(sa(sv))", 0);
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  r = sd_bus_call (bus, m, JOB_TIMEOUT_USEC, &e, &reply);
  if (r < 0)
    {
      ret = bus_fail (err, r, &e, what);
      sd_bus_error_free (&e);
      return ret;
    }
  cg->owns_unit = true;
  ret = wait_job (bus, &w, what, err);
  free (w.result);
  if (ret < 0)
    return -1;
  cg->props_current = true;
  return 0;
}

int
runo_cgroup_systemd_set (runo_cgroup *cg, const oci_config_linux_resources *res,
                         runo_error **err)
{
  cleanup_message sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  cleanup_free char *what = NULL;
  int r, ret;

  if (cg->props_current)
    return 0;
  what = runo_xasprintf ("set properties of `%s`", cg->unit);
  if (ensure_bus (cg, err) < 0)
    return -1;
  r = sd_bus_message_new_method_call (cg->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                      "SetUnitProperties");
  if (r >= 0)
    r = sd_bus_message_append (m, "sb", cg->unit, 1);
  if (r >= 0)
    r = sd_bus_message_open_container (m, 'a', "(sv)");
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  if (append_resources (m, cg->mode == RUNO_CGROUP_V2, res, err) < 0)
    return runo_error_wrap (err, "%s", what);
  r = sd_bus_message_close_container (m);
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  r = sd_bus_call (cg->bus, m, JOB_TIMEOUT_USEC, &e, &reply);
  if (r < 0)
    {
      ret = bus_fail (err, r, &e, what);
      sd_bus_error_free (&e);
      return ret;
    }
  return 0;
}

int
runo_cgroup_systemd_stop (runo_cgroup *cg, runo_error **err)
{
  cleanup_message sd_bus_message *reply = NULL;
  cleanup_slot sd_bus_slot *slot = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  struct job_wait w = { .unit = cg->unit };
  cleanup_free char *what = NULL;
  int r, ret;

  what = runo_xasprintf ("stop unit `%s`", cg->unit);
  if (ensure_bus (cg, err) < 0)
    return -1;
  r = sd_bus_match_signal (cg->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER,
                           "JobRemoved", on_job_removed, &w);
  if (r < 0)
    return bus_fail (err, r, NULL, what);
  r = sd_bus_call_method (cg->bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e,
                          &reply, "ss", cg->unit, "replace");
  if (r < 0)
    {
      /* A scope whose processes are all gone has been collected already. */
      if (sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit"))
        {
          sd_bus_error_free (&e);
          return 0;
        }
      ret = bus_fail (err, r, &e, what);
      sd_bus_error_free (&e);
      return ret;
    }
  ret = wait_job (cg->bus, &w, what, err);
  free (w.result);
  return ret;
}
