/* runo: linux.resources written to the cgroup v2 files, with the v1 -> v2
   conversions (shares -> cpu.weight, blkio weight -> io.weight, memory+swap
   -> memory.swap.max), the `unified` map, and v2 statistics.  Settings v2
   has no equivalent for are errors unless they ask for the default. */
#include <config.h>

#include "cgroup_internal.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define F_MEMORY "linux.resources.memory"
#define F_CPU "linux.resources.cpu"
#define F_BLKIO "linux.resources.blockIO"

static int
not_on_v2 (const char *field, runo_error **err)
{
  return runo_error_make (err, 0, "%s: not supported on cgroup v2", field);
}

int
runo_cgroup_v2_memory (struct runo_cgroup_hierarchy *h,
                       const oci_config_linux_resources_memory *mem,
                       runo_error **err)
{
  bool swap = mem->swap_present && mem->swap != 0;

  if (mem->kernel_present && mem->kernel >= 0)
    return not_on_v2 (F_MEMORY ".kernel", err);
  if (mem->kernel_tcp_present && mem->kernel_tcp >= 0)
    return not_on_v2 (F_MEMORY ".kernelTCP", err);
  /* swappiness is skipped, as runc does (runo_cgroup_ignored_field): v2
     has no such knob, and engines send it by default. */
  if (mem->disable_oom_killer_present && mem->disable_oom_killer)
    return not_on_v2 (F_MEMORY ".disableOOMKiller", err);
  if (mem->use_hierarchy_present && !mem->use_hierarchy)
    return runo_error_make (err, 0,
                            F_MEMORY ".useHierarchy: cgroup v2 is always "
                                     "hierarchical");

  if (mem->limit_present)
    {
      cleanup_free char *value = runo_cgroup_v2_limit (mem->limit);

      /* v2 would OOM-kill to get under a lower limit; v1 refused it. */
      if (mem->check_before_update_present && mem->check_before_update
          && mem->limit >= 0)
        {
          cleanup_error runo_error *ignored = NULL;
          cleanup_free char *current = NULL;

          if (runo_cgroup_read (h, "memory.current", &current, &ignored) == 0
              && strtoull (current, NULL, 10) > (uint64_t)mem->limit)
            return runo_error_make (err, EBUSY,
                                    F_MEMORY ".limit: %" PRId64
                                             " is below the current usage %llu",
                                    mem->limit, strtoull (current, NULL, 10));
        }
      if (runo_cgroup_write (h, F_MEMORY ".limit", "memory.max", value, err)
          < 0)
        return -1;
    }
  if (swap)
    {
      cleanup_free char *value = NULL;

      /* The spec's swap is memory+swap; v2 limits swap alone. */
      if (mem->swap < 0)
        value = runo_xstrdup ("max");
      else if (!mem->limit_present || mem->limit < 0)
        return runo_error_make (err, 0,
                                F_MEMORY ".swap: a swap limit on cgroup v2 "
                                         "needs a memory limit");
      else if (mem->swap < mem->limit)
        return runo_error_make (err, 0,
                                F_MEMORY ".swap: memory+swap limit %" PRId64
                                         " is below the memory limit %" PRId64,
                                mem->swap, mem->limit);
      else
        value = runo_xasprintf ("%" PRId64, mem->swap - mem->limit);
      if (!(mem->swap < 0 && !runo_cgroup_has_file (h, "memory.swap.max"))
          && runo_cgroup_write (h, F_MEMORY ".swap", "memory.swap.max", value,
                                err)
                 < 0)
        return -1;
    }
  if (mem->reservation_present)
    {
      cleanup_free char *value = runo_cgroup_v2_limit (mem->reservation);

      if (runo_cgroup_write (h, F_MEMORY ".reservation", "memory.low", value,
                             err)
          < 0)
        return -1;
    }
  return 0;
}

/* Parse "quota period" of cpu.max; quota may be "max". */
static void
read_cpu_max (struct runo_cgroup_hierarchy *h, char *quota, size_t quota_size,
              uint64_t *period)
{
  cleanup_error runo_error *ignored = NULL;
  cleanup_free char *text = NULL;
  char q[32];
  unsigned long long p;

  snprintf (quota, quota_size, "max");
  *period = 100000;
  if (runo_cgroup_read (h, "cpu.max", &text, &ignored) == 0
      && sscanf (text, "%31s %llu", q, &p) == 2)
    {
      snprintf (quota, quota_size, "%s", q);
      *period = p;
    }
}

int
runo_cgroup_v2_cpu (struct runo_cgroup_hierarchy *h,
                    const oci_config_linux_resources_cpu *cpu, runo_error **err)
{
  if (cpu->realtime_period_present && cpu->realtime_period != 0)
    return not_on_v2 (F_CPU ".realtimePeriod", err);
  if (cpu->realtime_runtime_present && cpu->realtime_runtime != 0)
    return not_on_v2 (F_CPU ".realtimeRuntime", err);

  if (cpu->shares_present && cpu->shares != 0
      && runo_cgroup_writef (h, F_CPU ".shares", "cpu.weight", err, "%" PRIu64,
                             runo_cgroup_shares_to_weight (cpu->shares))
             < 0)
    return -1;
  if (cpu->quota_present || (cpu->period_present && cpu->period != 0))
    {
      cleanup_error runo_error *first = NULL;
      char quota[32];
      uint64_t period;

      /* cpu.max holds both: keep the one not given. */
      read_cpu_max (h, quota, sizeof (quota), &period);
      if (cpu->quota_present)
        {
          if (cpu->quota < 0)
            snprintf (quota, sizeof (quota), "max");
          else
            snprintf (quota, sizeof (quota), "%" PRId64, cpu->quota);
        }
      if (cpu->period_present && cpu->period != 0)
        period = cpu->period;
      if (runo_cgroup_writef (h, F_CPU ".quota", "cpu.max", &first,
                              "%s %" PRIu64, quota, period)
          < 0)
        {
          /* A lower quota is refused while the old burst exceeds it. */
          if (!cpu->burst_present || first->errnum != EINVAL)
            {
              *err = steal_pointer (&first);
              return -1;
            }
          if (runo_cgroup_writef (h, F_CPU ".burst", "cpu.max.burst", err,
                                  "%" PRIu64, cpu->burst)
                  < 0
              || runo_cgroup_writef (h, F_CPU ".quota", "cpu.max", err,
                                     "%s %" PRIu64, quota, period)
                     < 0)
            return -1;
        }
    }
  if (cpu->burst_present
      && runo_cgroup_writef (h, F_CPU ".burst", "cpu.max.burst", err,
                             "%" PRIu64, cpu->burst)
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
runo_cgroup_v2_cpuset (struct runo_cgroup_hierarchy *h,
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
runo_cgroup_v2_pids (struct runo_cgroup_hierarchy *h,
                     const oci_config_linux_resources_pids *pids,
                     runo_error **err)
{
  cleanup_free char *value = runo_cgroup_v2_limit (pids->limit);

  return runo_cgroup_write (h, "linux.resources.pids.limit", "pids.max", value,
                            err);
}

static int
write_io_max (struct runo_cgroup_hierarchy *h, const char *field,
              const char *key, oci_linux_block_io_device_throttle **t, size_t n,
              runo_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (runo_cgroup_writef (h, field, "io.max", err,
                            "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i]->major,
                            t[i]->minor, key, t[i]->rate)
        < 0)
      return -1;
  return 0;
}

int
runo_cgroup_v2_io (struct runo_cgroup_hierarchy *h,
                   const oci_config_linux_resources_block_io *bio,
                   runo_error **err)
{
  /* bfq takes blkio's 1..1000 weights as they are; io.weight (the
     io.cost / iolatency controllers) has its own 1..10000 scale. */
  bool bfq = runo_cgroup_has_file (h, "io.bfq.weight");
  size_t i;

  if (bio->leaf_weight_present)
    return not_on_v2 (F_BLKIO ".leafWeight", err);
  for (i = 0; i < bio->weight_device_len; i++)
    if (bio->weight_device[i]->leaf_weight_present)
      return not_on_v2 (F_BLKIO ".weightDevice.leafWeight", err);

  if (bio->weight_present && bio->weight != 0)
    {
      int ret;
      if (bfq)
        ret = runo_cgroup_writef (h, F_BLKIO ".weight", "io.bfq.weight", err,
                                  "%u", (unsigned)bio->weight);
      else
        ret = runo_cgroup_writef (h, F_BLKIO ".weight", "io.weight", err,
                                  "default %" PRIu64,
                                  runo_cgroup_blkio_to_io_weight (bio->weight));
      if (ret < 0)
        return -1;
    }
  for (i = 0; i < bio->weight_device_len; i++)
    {
      const oci_linux_block_io_device_weight *w = bio->weight_device[i];
      int ret;

      if (!w->weight_present)
        continue;
      if (bfq)
        ret = runo_cgroup_writef (h, F_BLKIO ".weightDevice", "io.bfq.weight",
                                  err, "%" PRId64 ":%" PRId64 " %u", w->major,
                                  w->minor, (unsigned)w->weight);
      else
        ret = runo_cgroup_writef (h, F_BLKIO ".weightDevice", "io.weight", err,
                                  "%" PRId64 ":%" PRId64 " %" PRIu64, w->major,
                                  w->minor,
                                  runo_cgroup_blkio_to_io_weight (w->weight));
      if (ret < 0)
        return -1;
    }
  if (write_io_max (h, F_BLKIO ".throttleReadBpsDevice", "rbps",
                    bio->throttle_read_bps_device,
                    bio->throttle_read_bps_device_len, err)
          < 0
      || write_io_max (h, F_BLKIO ".throttleWriteBpsDevice", "wbps",
                       bio->throttle_write_bps_device,
                       bio->throttle_write_bps_device_len, err)
             < 0
      || write_io_max (h, F_BLKIO ".throttleReadIOPSDevice", "riops",
                       bio->throttle_read_iops_device,
                       bio->throttle_read_iops_device_len, err)
             < 0
      || write_io_max (h, F_BLKIO ".throttleWriteIOPSDevice", "wiops",
                       bio->throttle_write_iops_device,
                       bio->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

int
runo_cgroup_v2_hugetlb (struct runo_cgroup_hierarchy *h,
                        const oci_config_linux_resources *res, runo_error **err)
{
  return runo_cgroup_hugetlb_limits (h, res, "max", err);
}

/* ----- device filter ---------------------------------------------------------

   v2 has no devices controller: access is decided by a BPF program of type
   CGROUP_DEVICE attached to the cgroup.  The last rule of the policy that
   matches decides: blocks are emitted in reverse order, each one falling
   through to the next when it does not match, down to the policy's first
   rule, deny-all, so nothing matching is denied.  An allow rule matches a
   request whose access bits it all grants, a deny rule one that asks for
   any bit it denies. */

#define INSN(c, d, s, o, i)                                                    \
  ((struct bpf_insn){                                                          \
      .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

enum
{
  MAX_DEVICE_INSNS = 12
};

static int
bpf_access (unsigned int access)
{
  return ((access & RUNO_DEVICE_READ) ? BPF_DEVCG_ACC_READ : 0)
         | ((access & RUNO_DEVICE_WRITE) ? BPF_DEVCG_ACC_WRITE : 0)
         | ((access & RUNO_DEVICE_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* Emit the block of one rule into OUT; returns its length. */
static size_t
device_block (const struct runo_device_rule *d, struct bpf_insn *out)
{
  const int all
      = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  int access = bpf_access (d->access);
  size_t n = 0, i;

  /* r2 = device type, r3 = access asked, r4 = major, r5 = minor */
  if (d->type != 'a')
    out[n++] = INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                     d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (access != all)
    {
      out[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0);
      out[n++] = INSN (BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0,
                       d->allow ? ~access & all : access);
      out[n++] = INSN (BPF_JMP | (d->allow ? BPF_JNE : BPF_JEQ) | BPF_K,
                       BPF_REG_6, 0, 0, 0);
    }
  if (d->type != 'a' && d->major >= 0)
    out[n++]
        = INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)d->major);
  if (d->type != 'a' && d->minor >= 0)
    out[n++]
        = INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)d->minor);
  out[n++] = INSN (BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, d->allow);
  out[n++] = INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  /* Every conditional jump goes to the end of the block. */
  for (i = 0; i < n; i++)
    if (BPF_CLASS (out[i].code) == BPF_JMP && BPF_OP (out[i].code) != BPF_EXIT)
      out[i].off = (int16_t)(n - 1 - i);
  return n;
}

size_t
runo_cgroup_v2_device_program (const struct runo_device_rule *rules, size_t n,
                               struct bpf_insn **out)
{
  struct bpf_insn *insns;
  size_t len = 0, i;
  bool decided = false;

  insns = runo_xmalloc0 ((n * MAX_DEVICE_INSNS + 8) * sizeof (*insns));
  insns[len++] = INSN (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
  insns[len++] = INSN (BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  insns[len++] = INSN (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
  insns[len++] = INSN (BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  insns[len++] = INSN (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
  insns[len++] = INSN (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
  /* A rule matching everything shadows the ones before it: the verifier
     refuses unreachable code. */
  for (i = n; i-- > 0 && !decided;)
    {
      size_t block = device_block (&rules[i], insns + len);

      decided = block == 2;
      len += block;
    }
  /* Only for a policy without its deny-all: what nothing allows is
     denied. */
  if (!decided)
    {
      insns[len++] = INSN (BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
      insns[len++] = INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
  *out = insns;
  return len;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (__NR_bpf, cmd, attr, sizeof (*attr));
}

int
runo_cgroup_v2_devices (struct runo_cgroup_hierarchy *h,
                        const struct runo_device_rule *rules, size_t n_rules,
                        runo_error **err)
{
  static const char field[] = "linux.resources.devices";
  cleanup_free struct bpf_insn *insns = NULL;
  cleanup_close int prog = -1;
  union bpf_attr attr;
  uint32_t old_ids[64];
  uint32_t old_count = 64;
  size_t n, i;
  char log[256] = "";
  int dirfd;

  n = runo_cgroup_v2_device_program (rules, n_rules, &insns);

  memset (&attr, 0, sizeof (attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof (log);
  attr.log_level = 1;
  prog = sys_bpf (BPF_PROG_LOAD, &attr);
  if (prog < 0 && errno == ENOSPC)
    {
      /* The verifier's log did not fit; load again without it. */
      attr.log_buf = 0;
      attr.log_size = 0;
      attr.log_level = 0;
      prog = sys_bpf (BPF_PROG_LOAD, &attr);
    }
  if (prog < 0)
    return runo_error_errno (err, "%s: load the cgroup v2 device filter%s%s",
                             field, log[0] ? ": " : "", log);

  dirfd = runo_cgroup_dirfd (h, err);
  if (dirfd < 0)
    return runo_error_wrap (err, "%s", field);

  /* An update replaces the filter: with several attached, all must allow. */
  memset (&attr, 0, sizeof (attr));
  attr.query.target_fd = (uint32_t)dirfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)old_ids;
  attr.query.prog_cnt = old_count;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return runo_error_errno (err, "%s: query the device filters of `%s%s`",
                             field, h->mount, h->path);
  old_count = attr.query.prog_cnt < 64 ? attr.query.prog_cnt : 64;

  memset (&attr, 0, sizeof (attr));
  attr.target_fd = (uint32_t)dirfd;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return runo_error_errno (err, "%s: attach the device filter to `%s%s`",
                             field, h->mount, h->path);
  for (i = 0; i < old_count; i++)
    {
      cleanup_close int old = -1;

      memset (&attr, 0, sizeof (attr));
      attr.prog_id = old_ids[i];
      old = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (old < 0)
        continue; /* already gone */
      memset (&attr, 0, sizeof (attr));
      attr.target_fd = (uint32_t)dirfd;
      attr.attach_bpf_fd = (uint32_t)old;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return runo_error_errno (err,
                                 "%s: detach the old device filter of "
                                 "`%s%s`",
                                 field, h->mount, h->path);
    }
  return 0;
}

int
runo_cgroup_v2_unified (runo_cgroup *cg, const oci_map_string *unified,
                        runo_error **err)
{
  size_t i;

  for (i = 0; i < unified->len; i++)
    {
      const char *key = unified->keys[i] ? unified->keys[i] : "";
      const char *dot = strchr (key, '.');
      cleanup_free char *field
          = runo_xasprintf ("linux.resources.unified.%s", key);
      cleanup_free char *controller = NULL;

      if (key[0] == '\0' || key[0] == '.' || strchr (key, '/') || dot == NULL)
        return runo_error_make (err, 0, "%s: not a cgroup file name", field);
      controller = strndup (key, (size_t)(dot - key));
      if (controller == NULL)
        abort ();
      if (strcmp (controller, "cgroup") != 0)
        {
          if (!runo_cgroup_v2_available (cg, controller))
            return runo_error_make (err, 0,
                                    "%s: the %s controller is not in the "
                                    "cgroup v2 hierarchy",
                                    field, controller);
          if (runo_cgroup_v2_enable (cg, controller, field, err) < 0)
            return -1;
        }
      if (runo_cgroup_write (cg->unified, field, key, unified->values[i], err)
          < 0)
        return -1;
    }
  return 0;
}

/* Sum the "rbytes=", "wbytes=", "rios=", "wios=" of every io.stat line. */
static void
sum_io_stat (const char *text, struct runo_cgroup_stats *stats)
{
  static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
  uint64_t *dest[] = { &stats->blkio_read_bytes, &stats->blkio_write_bytes,
                       &stats->blkio_read_ios, &stats->blkio_write_ios };
  const char *p = text;
  size_t i;

  while (*p)
    {
      const char *end = strchr (p, '\n');
      size_t len = end ? (size_t)(end - p) : strlen (p);

      for (i = 0; i < 4; i++)
        {
          const char *k = p;
          size_t kl = strlen (keys[i]);

          while ((k = strstr (k, keys[i])) && k < p + len)
            {
              if (k == p || k[-1] == ' ')
                {
                  *dest[i] += strtoull (k + kl, NULL, 10);
                  break;
                }
              k += kl;
            }
        }
      if (end == NULL)
        break;
      p = end + 1;
    }
}

static bool
read_u64_v2 (struct runo_cgroup_hierarchy *h, const char *file, uint64_t *value)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;

  if (runo_cgroup_read (h, file, &text, &err) < 0)
    return false;
  *value
      = strncmp (text, "max", 3) == 0 ? UINT64_MAX : strtoull (text, NULL, 10);
  return true;
}

int
runo_cgroup_v2_stats (runo_cgroup *cg, struct runo_cgroup_stats *stats,
                      runo_error **err)
{
  struct runo_cgroup_hierarchy *h = cg->unified;
  cleanup_error runo_error *ignored = NULL;

  if (runo_cgroup_dirfd (h, err) < 0)
    return -1;
  /* On a hybrid host v1 answers first; v2 fills what it did not. */
  if (!stats->cpu_present)
    {
      cleanup_free char *text = NULL;

      if (runo_cgroup_read (h, "cpu.stat", &text, &ignored) == 0)
        {
          uint64_t v;

          stats->cpu_present = true;
          if (runo_cgroup_keyed_value (text, "usage_usec", &v))
            stats->cpu_usage_ns = v * 1000;
          if (runo_cgroup_keyed_value (text, "user_usec", &v))
            stats->cpu_user_ns = v * 1000;
          if (runo_cgroup_keyed_value (text, "system_usec", &v))
            stats->cpu_system_ns = v * 1000;
          if (runo_cgroup_keyed_value (text, "nr_throttled", &v))
            stats->cpu_throttled_periods = v;
          if (runo_cgroup_keyed_value (text, "throttled_usec", &v))
            stats->cpu_throttled_ns = v * 1000;
        }
      runo_error_release (&ignored);
    }
  if (!stats->memory_present
      && read_u64_v2 (h, "memory.current", &stats->memory_usage))
    {
      cleanup_free char *text = NULL;

      stats->memory_present = true;
      read_u64_v2 (h, "memory.max", &stats->memory_limit);
      read_u64_v2 (h, "memory.peak", &stats->memory_max_usage);
      if (runo_cgroup_read (h, "memory.events", &text, &ignored) == 0)
        {
          runo_cgroup_keyed_value (text, "max", &stats->memory_failcnt);
          runo_cgroup_keyed_value (text, "oom_kill", &stats->memory_oom_kills);
        }
      runo_error_release (&ignored);
    }
  if (!stats->pids_present
      && read_u64_v2 (h, "pids.current", &stats->pids_current))
    {
      stats->pids_present = true;
      read_u64_v2 (h, "pids.max", &stats->pids_limit);
    }
  if (!stats->blkio_present)
    {
      cleanup_free char *text = NULL;

      if (runo_cgroup_read (h, "io.stat", &text, &ignored) == 0)
        {
          stats->blkio_present = true;
          sum_io_stat (text, stats);
        }
      runo_error_release (&ignored);
    }
  return 0;
}
