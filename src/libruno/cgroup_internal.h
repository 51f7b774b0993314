/* runo: what cgroup.c shares with the v1 and v2 file writers. */
#ifndef RUNO_CGROUP_INTERNAL_H
#define RUNO_CGROUP_INTERNAL_H

#include "cgroup.h"
#include "devices.h"

struct runo_cgroup_hierarchy
{
  char *mount;       /* mount point, under the caller's root */
  char *mount_root;  /* the mount's root inside the hierarchy (mountinfo) */
  char *controllers; /* v1: "cpu,cpuacct", "name=systemd"; v2: NULL */
  bool unified;
  char *path;      /* the container's cgroup inside this hierarchy */
  int dirfd;       /* opened lazily, -1 until then */
  char *available; /* v2: cgroup.controllers of the mount, lazily */
  char *enabled;   /* v2: cgroup.controllers of the container, lazily */
};

struct runo_cgroup
{
  enum runo_cgroup_mode mode;
  struct runo_cgroup_hierarchy *h;
  size_t n;
  struct runo_cgroup_hierarchy *unified; /* into H, or NULL */
  /* The systemd driver (cgroup_systemd.c); UNIT is NULL with cgroupfs. */
  char *unit;         /* "runo-c1.scope" */
  char *slice;        /* "system.slice" */
  void *bus;          /* sd_bus *, connected on first use */
  bool owns_unit;     /* started here, or loaded from the state */
  bool props_current; /* the unit's properties match the resources */
};

/* Start the scope unit with PID in it and RES's properties; stop it and
   wait until it is gone; send RES's properties to it (a no-op right after
   a start); drop the bus connection. */
int runo_cgroup_systemd_start (runo_cgroup *cg, pid_t pid,
                               const oci_config_linux_resources *res,
                               runo_error **err);
int runo_cgroup_systemd_stop (runo_cgroup *cg, runo_error **err);
int runo_cgroup_systemd_set (runo_cgroup *cg,
                             const oci_config_linux_resources *res,
                             runo_error **err);
void runo_cgroup_systemd_close (runo_cgroup *cg);

/* The v1 hierarchy that has CONTROLLER bound, or NULL. */
struct runo_cgroup_hierarchy *runo_cgroup_v1_find (runo_cgroup *cg,
                                                   const char *controller);

/* Whether the v2 hierarchy offers CONTROLLER. */
bool runo_cgroup_v2_available (runo_cgroup *cg, const char *controller);

/* Make CONTROLLER usable in the container's v2 cgroup (enabling it in the
   subtree_control of every ancestor if needed). */
int runo_cgroup_v2_enable (runo_cgroup *cg, const char *controller,
                           const char *field, runo_error **err);

/* The container's directory in H, opened on first use. */
int runo_cgroup_dirfd (struct runo_cgroup_hierarchy *h, runo_error **err);

/* Write VALUE to FILE of the container's cgroup in H.  FIELD names the
   linux.resources field for the error message. */
int runo_cgroup_write (struct runo_cgroup_hierarchy *h, const char *field,
                       const char *file, const char *value, runo_error **err);
int runo_cgroup_writef (struct runo_cgroup_hierarchy *h, const char *field,
                        const char *file, runo_error **err, const char *fmt,
                        ...) __attribute__ ((format (printf, 5, 6)));

/* Read FILE of the container's cgroup; caller frees *OUT. */
int runo_cgroup_read (struct runo_cgroup_hierarchy *h, const char *file,
                      char **out, runo_error **err);

bool runo_cgroup_has_file (struct runo_cgroup_hierarchy *h, const char *file);

/* "max" for v2 when VALUE is negative, else the number. */
char *runo_cgroup_v2_limit (int64_t value);

/* Look for "KEY value" lines (memory.stat, cgroup.events, ...) in TEXT. */
bool runo_cgroup_keyed_value (const char *text, const char *key,
                              uint64_t *value);

/* Per-version writers, FIELD prefixes "linux.resources". */
int runo_cgroup_v1_memory (struct runo_cgroup_hierarchy *h,
                           const oci_config_linux_resources_memory *mem,
                           runo_error **err);
int runo_cgroup_v1_cpu (struct runo_cgroup_hierarchy *h,
                        const oci_config_linux_resources_cpu *cpu,
                        runo_error **err);
int runo_cgroup_v1_cpuset (struct runo_cgroup_hierarchy *h,
                           const oci_config_linux_resources_cpu *cpu,
                           runo_error **err);
int runo_cgroup_v1_pids (struct runo_cgroup_hierarchy *h,
                         const oci_config_linux_resources_pids *pids,
                         runo_error **err);
int runo_cgroup_v1_blkio (struct runo_cgroup_hierarchy *h,
                          const oci_config_linux_resources_block_io *bio,
                          runo_error **err);
int runo_cgroup_hugetlb_limits (struct runo_cgroup_hierarchy *h,
                                const oci_config_linux_resources *res,
                                const char *suffix, runo_error **err);
int runo_cgroup_v1_hugetlb (struct runo_cgroup_hierarchy *h,
                            const oci_config_linux_resources *res,
                            runo_error **err);
int runo_cgroup_v1_net_cls (struct runo_cgroup_hierarchy *h,
                            const oci_config_linux_resources_network *net,
                            runo_error **err);
int runo_cgroup_v1_net_prio (struct runo_cgroup_hierarchy *h,
                             const oci_config_linux_resources_network *net,
                             runo_error **err);
int runo_cgroup_rdma (struct runo_cgroup_hierarchy *h,
                      const oci_map_linux_rdma *rdma, runo_error **err);
int runo_cgroup_v1_devices (struct runo_cgroup_hierarchy *h,
                            const struct runo_device_rule *rules, size_t n,
                            runo_error **err);
int runo_cgroup_v1_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                          runo_error **err);

int runo_cgroup_v2_memory (struct runo_cgroup_hierarchy *h,
                           const oci_config_linux_resources_memory *mem,
                           runo_error **err);
int runo_cgroup_v2_cpu (struct runo_cgroup_hierarchy *h,
                        const oci_config_linux_resources_cpu *cpu,
                        runo_error **err);
int runo_cgroup_v2_cpuset (struct runo_cgroup_hierarchy *h,
                           const oci_config_linux_resources_cpu *cpu,
                           runo_error **err);
int runo_cgroup_v2_pids (struct runo_cgroup_hierarchy *h,
                         const oci_config_linux_resources_pids *pids,
                         runo_error **err);
int runo_cgroup_v2_io (struct runo_cgroup_hierarchy *h,
                       const oci_config_linux_resources_block_io *bio,
                       runo_error **err);
int runo_cgroup_v2_hugetlb (struct runo_cgroup_hierarchy *h,
                            const oci_config_linux_resources *res,
                            runo_error **err);
int runo_cgroup_v2_devices (struct runo_cgroup_hierarchy *h,
                            const struct runo_device_rule *rules, size_t n,
                            runo_error **err);
/* The CGROUP_DEVICE program of the policy RULES (runo_devices_cgroup_policy)
   into *OUT (malloc'ed, caller frees); returns its length. */
struct bpf_insn;
size_t runo_cgroup_v2_device_program (const struct runo_device_rule *rules,
                                      size_t n, struct bpf_insn **out);
int runo_cgroup_v2_unified (runo_cgroup *cg, const oci_map_string *unified,
                            runo_error **err);
int runo_cgroup_v2_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                          runo_error **err);

/* Sleep MS milliseconds (retry loops). */
void runo_cgroup_sleep_ms (long ms);

/* The shares -> weight conversions used when a v1 value must go to v2. */
uint64_t runo_cgroup_shares_to_weight (uint64_t shares);
uint64_t runo_cgroup_blkio_to_io_weight (uint64_t weight);

#endif
