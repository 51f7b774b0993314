/* runo: the container's control group, on cgroup v1, v2 or a hybrid host.
 *
 * The layout is detected from a mountinfo file (normally
 * /proc/self/mountinfo): every cgroup v1 hierarchy mounted (each with its
 * controllers, including named ones such as name=systemd) and the first
 * cgroup2 mount.  The mode is
 *   V2      a cgroup2 mount and no v1 hierarchy with a controller,
 *   V1      v1 hierarchies only,
 *   HYBRID  both: each controller is used where it lives (v1 hierarchy if
 *           it is bound there, else the v2 one when listed in its
 *           cgroup.controllers).
 * Mount points read from mountinfo are taken under ROOT ("/" normally) so
 * tests can run the same logic against directories laid out like any of
 * these hosts.  Nothing here hard-codes /sys/fs/cgroup.
 *
 * The container gets the same path in every hierarchy (one directory per
 * hierarchy; V2 has one hierarchy):
 *   cgroupsPath absolute   taken as is, relative to each mount point;
 *   cgroupsPath relative   relative to the runtime's own cgroup, read per
 *                          hierarchy from /proc/self/cgroup (so on v1 it can
 *                          differ between hierarchies);
 *   cgroupsPath absent     "/<id>", as runc and crun do: nothing is left
 *                          behind when the container's cgroup is removed.
 * "." components and repeated slashes are dropped, ".." is refused.
 *
 * Typical use: runo_cgroup_new, runo_cgroup_create, runo_cgroup_apply,
 * then runo_cgroup_enter (or clone3 CLONE_INTO_CGROUP into
 * runo_cgroup_v2_dir_fd on a V2 host); store runo_cgroup_path() in the
 * container state; later commands use runo_cgroup_load with it. */
#ifndef RUNO_CGROUP_H
#define RUNO_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

typedef struct runo_cgroup runo_cgroup;

enum runo_cgroup_mode
{
  RUNO_CGROUP_V1,
  RUNO_CGROUP_V2,
  RUNO_CGROUP_HYBRID,
};

/* Detect the layout and compute the container's cgroup path (see above).
   Creates nothing.  PROC_SELF_CGROUP is read only for a relative
   CGROUPS_PATH.  With SYSTEMD (--systemd-cgroup) CGROUPS_PATH is
   "slice:prefix:name" and the cgroup is a scope unit of systemd's, made
   by runo_cgroup_systemd_enter once the pid exists (cgroup_systemd.c). */
int runo_cgroup_new (const char *root, const char *mountinfo_path,
                     const char *proc_self_cgroup, const char *cgroups_path,
                     const char *id, bool systemd, runo_cgroup **out,
                     runo_error **err);

/* Find a container's cgroup again from PATH as returned by
   runo_cgroup_path.  Creates nothing, opens nothing until needed.
   SYSTEMD_UNIT is the scope unit that holds it (runo_cgroup_systemd_unit
   at create), NULL for a cgroup of runo's own. */
int runo_cgroup_load (const char *root, const char *mountinfo_path,
                      const char *path, const char *systemd_unit,
                      runo_cgroup **out, runo_error **err);

/* The scope unit with the systemd driver, else NULL.  Owned by CG. */
const char *runo_cgroup_systemd_unit (const runo_cgroup *cg);

/* With --systemd-cgroup: the slice, scope unit and cgroup path (the same
   in every hierarchy) of CGROUPS_PATH "slice:prefix:name", or of runc's
   defaults when it is empty (system.slice, "runo", ID). */
int runo_cgroup_systemd_names (const char *cgroups_path, const char *id,
                               char **slice, char **unit, char **path,
                               runo_error **err);

/* Whether UNIT is a name runo would give a scope (for state files). */
bool runo_cgroup_systemd_unit_valid (const char *unit);

/* With the systemd driver, instead of runo_cgroup_create + enter: start
   the scope unit with PID in it and RES's properties (the other hierarchies
   of a v1 host are then made and joined as with cgroupfs). */
int runo_cgroup_systemd_enter (runo_cgroup *cg, pid_t pid,
                               const oci_config_linux_resources *res,
                               runo_error **err);

void runo_cgroup_free (runo_cgroup *cg);

/* For the container's "cgroup" mount: call FN for every hierarchy the
   calling process sees mounted, with its mount point, its controllers as
   mount options ("cpu,cpuacct", "name=systemd"; NULL for cgroup2) and the
   caller's own cgroup relative to the mount's root ("/a/b").  A negative
   return from FN stops the walk and is returned. */
typedef int (*runo_cgroup_own_fn) (void *data, const char *mount_point,
                                   const char *controllers,
                                   const char *own_path, runo_error **err);
int runo_cgroup_foreach_own (runo_cgroup_own_fn fn, void *data,
                             runo_error **err);

enum runo_cgroup_mode runo_cgroup_mode (const runo_cgroup *cg);

/* What to store in the container state to find the cgroup again.  Usually
   the path ("/c1"); when a relative cgroupsPath resolved to different paths
   in different v1 hierarchies it is the list of them,
   "cpu,cpuacct:/a/c1;memory:/b/c1;...;unified:/c/c1".  Caller frees. */
char *runo_cgroup_path (const runo_cgroup *cg);

/* The container's path in the cgroup v2 hierarchy, or in the first v1
   hierarchy on V1 (what the container sees as the root of its cgroup
   namespace).  Owned by CG. */
const char *runo_cgroup_main_path (const runo_cgroup *cg);

/* mkdir the cgroup in every hierarchy (existing directories are fine).  On
   v1 cpuset, new directories get their parent's cpus and mems (the kernel
   leaves them empty, which refuses tasks).  On V2 every controller
   available at the root is enabled down to the container's parent; on
   HYBRID only those that runo_cgroup_apply needs, when it needs them. */
int runo_cgroup_create (runo_cgroup *cg, runo_error **err);

/* Whether the cgroup's directory exists in any hierarchy (someone else
   made it: it is not the container's to remove). */
bool runo_cgroup_exists (const runo_cgroup *cg);

/* Write RESOURCES (may be NULL) into the cgroup files; errors name the
   field ("linux.resources.memory.limit: ...").  Used for create and
   update: only fields present are written.  A setting the host cannot
   honour (controller not mounted, knob missing, no v2 equivalent) is an
   error, except "-1 = unlimited" values that are already the case.
   Devices, when RES has rules: runo_cgroup_apply_devices with RES's rules
   and no linux.devices (an update). */
int runo_cgroup_apply (runo_cgroup *cg, const oci_config_linux_resources *res,
                       runo_error **err);

/* A field of RES that runo_cgroup_apply skips on this host, for the caller
   to warn about, or NULL: memory.swappiness where the memory controller is
   v2's (as runc does; engines send it by default). */
const char *runo_cgroup_ignored_field (runo_cgroup *cg,
                                       const oci_config_linux_resources *res);

/* Replace the cgroup's device policy by the one devices.h
   runo_devices_cgroup_policy makes of RES's rules (RES may be NULL) and
   the nodes of DEVS (linux.devices, N_DEVS of them): v1 devices.deny "a"
   then devices.allow/deny in order; on v2 a BPF device filter (the last
   matching rule decides, nothing matching is denied) that replaces the
   previous one.  Needed even with no rules: a new cgroup allows every
   device. */
int runo_cgroup_apply_devices (runo_cgroup *cg,
                               const oci_config_linux_resources *res,
                               oci_linux_device *const *devs, size_t n_devs,
                               runo_error **err);

/* Move PID into the cgroup in every hierarchy. */
int runo_cgroup_enter (runo_cgroup *cg, pid_t pid, runo_error **err);

/* On a V2 host, a directory fd of the container's cgroup, usable with
   clone3 (CLONE_INTO_CGROUP) instead of runo_cgroup_enter; -1 on V1 and
   HYBRID (where the v1 hierarchies need runo_cgroup_enter anyway) or when
   it cannot be opened.  Owned by CG: do not close it.  Call after
   runo_cgroup_create. */
int runo_cgroup_v2_dir_fd (runo_cgroup *cg);

/* v1 freezer.state FROZEN/THAWED, else v2 cgroup.freeze; freezing waits
   (up to a few seconds) until the kernel reports the cgroup frozen. */
int runo_cgroup_freeze (runo_cgroup *cg, bool frozen, runo_error **err);
int runo_cgroup_is_frozen (runo_cgroup *cg, bool *frozen, runo_error **err);

/* Every pid in the cgroup and its child cgroups (from the pids hierarchy
   on v1, else any).  *PIDS is malloc'ed, caller frees. */
int runo_cgroup_pids (runo_cgroup *cg, pid_t **pids, size_t *n,
                      runo_error **err);

/* Signal every process in the cgroup.  SIGKILL with cgroup.kill available
   (v2, also the v2 hierarchy of a hybrid host) uses it; otherwise the
   cgroup is frozen (unless already frozen) while the pids are signalled,
   so that forks cannot escape, and thawed again. */
int runo_cgroup_kill_all (runo_cgroup *cg, int sig, runo_error **err);

/* rmdir the cgroup (and child cgroups) in every hierarchy, retrying for
   about a second while the last processes leave; a missing directory is
   fine. */
int runo_cgroup_destroy (runo_cgroup *cg, runo_error **err);

/* For `events --stats`.  A *_present flag is false when the host has no
   such data for this cgroup.  Limits of "max" are UINT64_MAX. */
struct runo_cgroup_stats
{
  bool cpu_present;
  uint64_t cpu_usage_ns; /* total CPU time */
  uint64_t cpu_user_ns;
  uint64_t cpu_system_ns;
  uint64_t cpu_throttled_periods;
  uint64_t cpu_throttled_ns;

  bool memory_present;
  uint64_t memory_usage;
  uint64_t memory_limit;
  uint64_t memory_max_usage; /* 0 when the kernel does not track it */
  uint64_t memory_failcnt;   /* v2: the "max" count of memory.events */
  uint64_t memory_oom_kills; /* oom_kill count (memory.events /
                                memory.oom_control) */

  bool pids_present;
  uint64_t pids_current;
  uint64_t pids_limit;

  bool blkio_present;
  uint64_t blkio_read_bytes; /* sum over devices */
  uint64_t blkio_write_bytes;
  uint64_t blkio_read_ios;
  uint64_t blkio_write_ios;
};

int runo_cgroup_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                       runo_error **err);

#endif
