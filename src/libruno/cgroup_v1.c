/* runo: linux.resources written to cgroup v1 controller files, and v1
   statistics.  Each writer gets the hierarchy its controller is bound to. */
#include <config.h>

#include "cgroup_internal.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#define F_MEMORY "linux.resources.memory"
#define F_CPU "linux.resources.cpu"
#define F_BLKIO "linux.resources.blockIO"

/* A "-1 = unlimited" value asks for nothing when the kernel lacks the knob
   (memsw without swap accounting, kmem on new kernels). */
static int
write_limit_v1 (struct runo_cgroup_hierarchy *h, const char *field,
                const char *file, int64_t value, runo_error **err)
{
  if (value < 0 && !runo_cgroup_has_file (h, file))
    return 0;
  return runo_cgroup_writef (h, field, file, err, "%" PRId64,
                             value < 0 ? (int64_t)-1 : value);
}

int
runo_cgroup_v1_memory (struct runo_cgroup_hierarchy *h,
                       const oci_config_linux_resources_memory *mem,
                       runo_error **err)
{
  /* swap 0 is how many tools say "unset"; memsw of 0 is never valid. */
  bool swap = mem->swap_present && mem->swap != 0;

  if (mem->limit_present && swap && mem->swap >= 0 && mem->limit >= 0
      && mem->swap < mem->limit)
    return runo_error_make (err, 0,
                            F_MEMORY ".swap: memory+swap limit %" PRId64
                                     " is below the memory limit %" PRId64,
                            mem->swap, mem->limit);
  if (mem->limit_present)
    {
      cleanup_error runo_error *first = NULL;

      /* The kernel keeps limit <= memsw limit at every step: when raising
         both, memsw has to go first. */
      if (write_limit_v1 (h, F_MEMORY ".limit", "memory.limit_in_bytes",
                          mem->limit, &first)
          < 0)
        {
          if (!swap || first->errnum != EINVAL)
            {
              *err = steal_pointer (&first);
              return -1;
            }
          if (write_limit_v1 (h, F_MEMORY ".swap",
                              "memory.memsw.limit_in_bytes", mem->swap, err)
                  < 0
              || write_limit_v1 (h, F_MEMORY ".limit", "memory.limit_in_bytes",
                                 mem->limit, err)
                     < 0)
            return -1;
          swap = false;
        }
    }
  if (swap
      && write_limit_v1 (h, F_MEMORY ".swap", "memory.memsw.limit_in_bytes",
                         mem->swap, err)
             < 0)
    return -1;
  if (mem->reservation_present
      && write_limit_v1 (h, F_MEMORY ".reservation",
                         "memory.soft_limit_in_bytes", mem->reservation, err)
             < 0)
    return -1;
  if (mem->kernel_present
      && write_limit_v1 (h, F_MEMORY ".kernel", "memory.kmem.limit_in_bytes",
                         mem->kernel, err)
             < 0)
    return -1;
  if (mem->kernel_tcp_present
      && write_limit_v1 (h, F_MEMORY ".kernelTCP",
                         "memory.kmem.tcp.limit_in_bytes", mem->kernel_tcp, err)
             < 0)
    return -1;
  if (mem->swappiness_present)
    {
      if (mem->swappiness > 100)
        return runo_error_make (
            err, 0, F_MEMORY ".swappiness: %" PRIu64 " is not in 0..100",
            mem->swappiness);
      if (runo_cgroup_writef (h, F_MEMORY ".swappiness", "memory.swappiness",
                              err, "%" PRIu64, mem->swappiness)
          < 0)
        return -1;
    }
  if (mem->disable_oom_killer_present
      && runo_cgroup_write (h, F_MEMORY ".disableOOMKiller",
                            "memory.oom_control",
                            mem->disable_oom_killer ? "1" : "0", err)
             < 0)
    return -1;
  if (mem->use_hierarchy_present
      && runo_cgroup_write (h, F_MEMORY ".useHierarchy", "memory.use_hierarchy",
                            mem->use_hierarchy ? "1" : "0", err)
             < 0)
    return -1;
  /* checkBeforeUpdate: the v1 kernel itself refuses a limit below usage. */
  return 0;
}

int
runo_cgroup_v1_cpu (struct runo_cgroup_hierarchy *h,
                    const oci_config_linux_resources_cpu *cpu, runo_error **err)
{
  if (cpu->shares_present && cpu->shares != 0
      && runo_cgroup_writef (h, F_CPU ".shares", "cpu.shares", err, "%" PRIu64,
                             cpu->shares)
             < 0)
    return -1;
  if (cpu->period_present && cpu->period != 0
      && runo_cgroup_writef (h, F_CPU ".period", "cpu.cfs_period_us", err,
                             "%" PRIu64, cpu->period)
             < 0)
    return -1;
  if (cpu->quota_present)
    {
      cleanup_error runo_error *first = NULL;
      int64_t quota = cpu->quota < 0 ? -1 : cpu->quota;

      if (runo_cgroup_writef (h, F_CPU ".quota", "cpu.cfs_quota_us", &first,
                              "%" PRId64, quota)
          < 0)
        {
          /* A lower quota is refused while the old burst exceeds it. */
          if (!cpu->burst_present || first->errnum != EINVAL)
            {
              *err = steal_pointer (&first);
              return -1;
            }
          if (runo_cgroup_writef (h, F_CPU ".burst", "cpu.cfs_burst_us", err,
                                  "%" PRIu64, cpu->burst)
                  < 0
              || runo_cgroup_writef (h, F_CPU ".quota", "cpu.cfs_quota_us", err,
                                     "%" PRId64, quota)
                     < 0)
            return -1;
        }
    }
  if (cpu->burst_present
      && runo_cgroup_writef (h, F_CPU ".burst", "cpu.cfs_burst_us", err,
                             "%" PRIu64, cpu->burst)
             < 0)
    return -1;
  if (cpu->realtime_period_present && cpu->realtime_period != 0
      && runo_cgroup_writef (h, F_CPU ".realtimePeriod", "cpu.rt_period_us",
                             err, "%" PRIu64, cpu->realtime_period)
             < 0)
    return -1;
  if (cpu->realtime_runtime_present
      && runo_cgroup_writef (h, F_CPU ".realtimeRuntime", "cpu.rt_runtime_us",
                             err, "%" PRId64, cpu->realtime_runtime)
             < 0)
    return -1;
  if (cpu->idle_present
      && runo_cgroup_writef (h, F_CPU ".idle", "cpu.idle", err, "%" PRId64,
                             cpu->idle)
             < 0)
    return -1;
  return 0;
}

int
runo_cgroup_v1_cpuset (struct runo_cgroup_hierarchy *h,
                       const oci_config_linux_resources_cpu *cpu,
                       runo_error **err)
{
  if (cpu->cpus && cpu->cpus[0]
      && runo_cgroup_write (h, F_CPU ".cpus", "cpuset.cpus", cpu->cpus, err)
             < 0)
    return -1;
  if (cpu->mems && cpu->mems[0]
      && runo_cgroup_write (h, F_CPU ".mems", "cpuset.mems", cpu->mems, err)
             < 0)
    return -1;
  return 0;
}

int
runo_cgroup_v1_pids (struct runo_cgroup_hierarchy *h,
                     const oci_config_linux_resources_pids *pids,
                     runo_error **err)
{
  cleanup_free char *value = runo_cgroup_v2_limit (pids->limit);

  /* 0 never gets here (runo_cgroup_apply: it means unlimited). */
  return runo_cgroup_write (h, "linux.resources.pids.limit", "pids.max", value,
                            err);
}

/* blkio.weight lives under a bfq name when bfq is the scheduler. */
static const char *
pick_file (struct runo_cgroup_hierarchy *h, const char *plain, const char *bfq)
{
  if (!runo_cgroup_has_file (h, plain) && runo_cgroup_has_file (h, bfq))
    return bfq;
  return plain;
}

static int
write_throttles (struct runo_cgroup_hierarchy *h, const char *field,
                 const char *file, oci_linux_block_io_device_throttle **t,
                 size_t n, runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (runo_cgroup_writef (h, field, file, err,
                            "%" PRId64 ":%" PRId64 " %" PRIu64, t[i]->major,
                            t[i]->minor, t[i]->rate)
        < 0)
      return -1;
  return 0;
}

int
runo_cgroup_v1_blkio (struct runo_cgroup_hierarchy *h,
                      const oci_config_linux_resources_block_io *bio,
                      runo_error **err)
{
  size_t i;

  if (bio->weight_present
      && runo_cgroup_writef (h, F_BLKIO ".weight",
                             pick_file (h, "blkio.weight", "blkio.bfq.weight"),
                             err, "%u", (unsigned)bio->weight)
             < 0)
    return -1;
  if (bio->leaf_weight_present
      && runo_cgroup_writef (h, F_BLKIO ".leafWeight", "blkio.leaf_weight", err,
                             "%u", (unsigned)bio->leaf_weight)
             < 0)
    return -1;
  for (i = 0; i < bio->weight_device_len; i++)
    {
      const oci_linux_block_io_device_weight *w = bio->weight_device[i];

      if (w->weight_present
          && runo_cgroup_writef (h, F_BLKIO ".weightDevice",
                                 pick_file (h, "blkio.weight_device",
                                            "blkio.bfq.weight_device"),
                                 err, "%" PRId64 ":%" PRId64 " %u", w->major,
                                 w->minor, (unsigned)w->weight)
                 < 0)
        return -1;
      if (w->leaf_weight_present
          && runo_cgroup_writef (h, F_BLKIO ".weightDevice",
                                 "blkio.leaf_weight_device", err,
                                 "%" PRId64 ":%" PRId64 " %u", w->major,
                                 w->minor, (unsigned)w->leaf_weight)
                 < 0)
        return -1;
    }
  if (write_throttles (
          h, F_BLKIO ".throttleReadBpsDevice", "blkio.throttle.read_bps_device",
          bio->throttle_read_bps_device, bio->throttle_read_bps_device_len, err)
          < 0
      || write_throttles (h, F_BLKIO ".throttleWriteBpsDevice",
                          "blkio.throttle.write_bps_device",
                          bio->throttle_write_bps_device,
                          bio->throttle_write_bps_device_len, err)
             < 0
      || write_throttles (h, F_BLKIO ".throttleReadIOPSDevice",
                          "blkio.throttle.read_iops_device",
                          bio->throttle_read_iops_device,
                          bio->throttle_read_iops_device_len, err)
             < 0
      || write_throttles (h, F_BLKIO ".throttleWriteIOPSDevice",
                          "blkio.throttle.write_iops_device",
                          bio->throttle_write_iops_device,
                          bio->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

int
runo_cgroup_v1_hugetlb (struct runo_cgroup_hierarchy *h,
                        const oci_config_linux_resources *res, runo_error **err)
{
  return runo_cgroup_hugetlb_limits (h, res, "limit_in_bytes", err);
}

int
runo_cgroup_v1_net_cls (struct runo_cgroup_hierarchy *h,
                        const oci_config_linux_resources_network *net,
                        runo_error **err)
{
  return runo_cgroup_writef (h, "linux.resources.network.classID",
                             "net_cls.classid", err, "%" PRIu32, net->class_id);
}

int
runo_cgroup_v1_net_prio (struct runo_cgroup_hierarchy *h,
                         const oci_config_linux_resources_network *net,
                         runo_error **err)
{
  size_t i;

  for (i = 0; i < net->priorities_len; i++)
    if (runo_cgroup_writef (h, "linux.resources.network.priorities",
                            "net_prio.ifpriomap", err, "%s %" PRIu32,
                            net->priorities[i]->name,
                            net->priorities[i]->priority)
        < 0)
      return -1;
  return 0;
}

/* rdma.max has the same format on v1 and v2. */
int
runo_cgroup_rdma (struct runo_cgroup_hierarchy *h,
                  const oci_map_linux_rdma *rdma, runo_error **err)
{
  size_t i;

  for (i = 0; i < rdma->len; i++)
    {
      const oci_linux_rdma *r = rdma->values[i];
      cleanup_free char *handles = NULL, *objects = NULL;

      if (!r->hca_handles_present && !r->hca_objects_present)
        continue;
      if (r->hca_handles_present)
        handles = runo_xasprintf (" hca_handle=%" PRIu32, r->hca_handles);
      if (r->hca_objects_present)
        objects = runo_xasprintf (" hca_object=%" PRIu32, r->hca_objects);
      if (runo_cgroup_writef (h, "linux.resources.rdma", "rdma.max", err,
                              "%s%s%s", rdma->keys[i], handles ? handles : "",
                              objects ? objects : "")
          < 0)
        return -1;
    }
  return 0;
}

/* In order: the first rule of a policy, deny "a", drops what the parent
   cgroup's list let through (a new v1 cgroup starts as a copy of it); the
   kernel then reads each rule against the current default. */
#define FIELD "linux.resources.devices"
int
runo_cgroup_v1_devices (struct runo_cgroup_hierarchy *h,
                        const struct runo_device_rule *rules, size_t n,
                        runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      const struct runo_device_rule *d = &rules[i];
      const char *file = d->allow ? "devices.allow" : "devices.deny";
      char major[24] = "*", minor[24] = "*", access[4];
      size_t k = 0;

      /* "a" is every device and every access: the kernel reads no more of
         the line, so "a" for some access only is said per type. */
      if (d->type == 'a' && d->access == RUNO_DEVICE_ALL)
        {
          if (runo_cgroup_write (h, FIELD, file, "a", err) < 0)
            return -1;
          continue;
        }
      if (d->access & RUNO_DEVICE_READ)
        access[k++] = 'r';
      if (d->access & RUNO_DEVICE_WRITE)
        access[k++] = 'w';
      if (d->access & RUNO_DEVICE_MKNOD)
        access[k++] = 'm';
      access[k] = '\0';
      if (d->major >= 0)
        snprintf (major, sizeof (major), "%" PRId64, d->major);
      if (d->minor >= 0)
        snprintf (minor, sizeof (minor), "%" PRId64, d->minor);
      if ((d->type == 'a' || d->type == 'c')
          && runo_cgroup_writef (h, FIELD, file, err, "c %s:%s %s", major,
                                 minor, access)
                 < 0)
        return -1;
      if ((d->type == 'a' || d->type == 'b')
          && runo_cgroup_writef (h, FIELD, file, err, "b %s:%s %s", major,
                                 minor, access)
                 < 0)
        return -1;
    }
  return 0;
}
#undef FIELD

/* ----- stats -------------------------------------------------------------- */

static bool
read_u64 (struct runo_cgroup_hierarchy *h, const char *file, uint64_t *value)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;

  if (runo_cgroup_read (h, file, &text, &err) < 0)
    return false;
  if (strncmp (text, "max", 3) == 0)
    *value = UINT64_MAX;
  else
    *value = strtoull (text, NULL, 10);
  return true;
}

/* Sum the "major:minor Read N" / "Write N" lines of a blkio file. */
static bool
sum_blkio (struct runo_cgroup_hierarchy *h, const char *file, uint64_t *read,
           uint64_t *write)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;
  char *line, *saveptr = NULL;

  if (runo_cgroup_read (h, file, &text, &err) < 0)
    return false;
  for (line = strtok_r (text, "\n", &saveptr); line;
       line = strtok_r (NULL, "\n", &saveptr))
    {
      char dev[64], op[16];
      unsigned long long v;

      if (sscanf (line, "%63s %15s %llu", dev, op, &v) != 3)
        continue;
      if (strcmp (op, "Read") == 0)
        *read += v;
      else if (strcmp (op, "Write") == 0)
        *write += v;
    }
  return true;
}

int
runo_cgroup_v1_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                      runo_error **err)
{
  struct runo_cgroup_hierarchy *h;

  (void)err;
  if ((h = runo_cgroup_v1_find (cg, "cpuacct")))
    {
      cleanup_error runo_error *ignored = NULL;
      cleanup_free char *text = NULL;
      long hz = sysconf (_SC_CLK_TCK);

      stats->cpu_present = read_u64 (h, "cpuacct.usage", &stats->cpu_usage_ns);
      if (runo_cgroup_read (h, "cpuacct.stat", &text, &ignored) == 0 && hz > 0)
        {
          uint64_t v;
          if (runo_cgroup_keyed_value (text, "user", &v))
            stats->cpu_user_ns = v * (1000000000ULL / (uint64_t)hz);
          if (runo_cgroup_keyed_value (text, "system", &v))
            stats->cpu_system_ns = v * (1000000000ULL / (uint64_t)hz);
        }
    }
  if ((h = runo_cgroup_v1_find (cg, "cpu")))
    {
      cleanup_error runo_error *ignored = NULL;
      cleanup_free char *text = NULL;

      if (runo_cgroup_read (h, "cpu.stat", &text, &ignored) == 0)
        {
          runo_cgroup_keyed_value (text, "nr_throttled",
                                   &stats->cpu_throttled_periods);
          runo_cgroup_keyed_value (text, "throttled_time",
                                   &stats->cpu_throttled_ns);
        }
    }
  if ((h = runo_cgroup_v1_find (cg, "memory")))
    {
      cleanup_error runo_error *ignored = NULL;
      cleanup_free char *text = NULL;

      stats->memory_present
          = read_u64 (h, "memory.usage_in_bytes", &stats->memory_usage);
      read_u64 (h, "memory.limit_in_bytes", &stats->memory_limit);
      read_u64 (h, "memory.max_usage_in_bytes", &stats->memory_max_usage);
      read_u64 (h, "memory.failcnt", &stats->memory_failcnt);
      if (runo_cgroup_read (h, "memory.oom_control", &text, &ignored) == 0)
        runo_cgroup_keyed_value (text, "oom_kill", &stats->memory_oom_kills);
    }
  if ((h = runo_cgroup_v1_find (cg, "pids")))
    {
      stats->pids_present = read_u64 (h, "pids.current", &stats->pids_current);
      read_u64 (h, "pids.max", &stats->pids_limit);
    }
  if ((h = runo_cgroup_v1_find (cg, "blkio")))
    {
      stats->blkio_present
          = sum_blkio (h, "blkio.throttle.io_service_bytes_recursive",
                       &stats->blkio_read_bytes, &stats->blkio_write_bytes);
      sum_blkio (h, "blkio.throttle.io_serviced_recursive",
                 &stats->blkio_read_ios, &stats->blkio_write_ios);
    }
  return 0;
}
