#include <config.h>

#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "utils.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Linux syscalls take at most six arguments. */
#define SYSCALL_MAX_ARGS 6

/* The kernel refuses longer programs (BPF_MAXINSNS). */
#define BPF_MAX_INSNS 4096

struct runo_seccomp
{
  struct sock_filter *insns;
  unsigned short n_insns;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
  bool notify;
};

static const struct
{
  const char *name;
  unsigned int flag;
} flag_table[RUNO_SECCOMP_N_FLAGS] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const char *const flag_names[RUNO_SECCOMP_N_FLAGS] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

enum action_kind
{
  ACTION_PLAIN,
  ACTION_WITH_ERRNO, /* ERRNO and TRACE carry errnoRet */
};

static const struct
{
  const char *name;
  uint32_t action; /* for ACTION_WITH_ERRNO: the action with data 0 */
  enum action_kind kind;
} action_table[] = {
  /* KILL is the historical name of KILL_THREAD. */
  { "SCMP_ACT_KILL", SCMP_ACT_KILL, ACTION_PLAIN },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, ACTION_PLAIN },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, ACTION_PLAIN },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, ACTION_PLAIN },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), ACTION_WITH_ERRNO },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), ACTION_WITH_ERRNO },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, ACTION_PLAIN },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, ACTION_PLAIN },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, ACTION_PLAIN },
};

#define N_ACTIONS (sizeof (action_table) / sizeof (action_table[0]))

static const char *const action_names[N_ACTIONS] = {
  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
  "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} operator_table[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

#define N_OPERATORS (sizeof (operator_table) / sizeof (operator_table[0]))

static const char *const operator_names[N_OPERATORS] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* The spec's architectures, limited to those this libseccomp defines: an
   older libseccomp lacks the newest ones. */
#define ARCHES(X)                                                              \
  X (X86)                                                                      \
  X (X86_64)                                                                   \
  X (X32)                                                                      \
  X (ARM)                                                                      \
  X (AARCH64)                                                                  \
  X_LOONGARCH64                                                                \
  X_M68K                                                                       \
  X (MIPS)                                                                     \
  X (MIPS64)                                                                   \
  X (MIPS64N32)                                                                \
  X (MIPSEL)                                                                   \
  X (MIPSEL64)                                                                 \
  X (MIPSEL64N32)                                                              \
  X (PPC)                                                                      \
  X (PPC64)                                                                    \
  X (PPC64LE)                                                                  \
  X (S390)                                                                     \
  X (S390X)                                                                    \
  X_SH X (PARISC) X (PARISC64) X (RISCV64)

#ifdef SCMP_ARCH_LOONGARCH64
#define X_LOONGARCH64 X (LOONGARCH64)
#else
#define X_LOONGARCH64
#endif
#ifdef SCMP_ARCH_M68K
#define X_M68K X (M68K)
#else
#define X_M68K
#endif
#if defined(SCMP_ARCH_SH) && defined(SCMP_ARCH_SHEB)
#define X_SH X (SH) X (SHEB)
#else
#define X_SH
#endif

static const struct
{
  const char *name;
  uint32_t token;
} arch_table[] = {
#define X(a) { "SCMP_ARCH_" #a, SCMP_ARCH_##a },
  ARCHES (X)
#undef X
};

#define N_ARCHES (sizeof (arch_table) / sizeof (arch_table[0]))

static const char *const arch_names[N_ARCHES] = {
#define X(a) "SCMP_ARCH_" #a,
  ARCHES (X)
#undef X
};

static int
seccomp_syscall (unsigned int op, unsigned int flags, void *args)
{
  return (int)syscall (SYS_seccomp, op, flags, args);
}

/* The action value for NAME with ERRNO_RET (when present); an errno on an
   action that has none is an error, as the spec requires. */
static int
parse_action (const char *name, bool errno_present, uint32_t errno_ret,
              const char *where, uint32_t *action, runo_error **err)
{
  size_t i;

  if (name == NULL)
    return runo_error_make (err, 0, "%s: missing action", where);
  for (i = 0; i < N_ACTIONS; i++)
    if (strcmp (name, action_table[i].name) == 0)
      break;
  if (i == N_ACTIONS)
    return runo_error_make (err, 0, "%s: unknown action `%s`", where, name);

  if (action_table[i].kind == ACTION_PLAIN)
    {
      if (errno_present)
        return runo_error_make (
            err, 0, "%s: action `%s` takes no errno return code", where, name);
      *action = action_table[i].action;
      return 0;
    }
  if (!errno_present)
    errno_ret = EPERM;
  /* The action keeps 16 bits of data: refuse what would be truncated. */
  if (errno_ret > 0xffff)
    return runo_error_make (err, 0,
                            "%s: errno return code %" PRIu32 " out of range",
                            where, errno_ret);
  *action = action_table[i].action | errno_ret;
  return 0;
}

static int
parse_operator (const char *name, const char *syscall_name,
                enum scmp_compare *op, runo_error **err)
{
  size_t i;

  if (name)
    for (i = 0; i < N_OPERATORS; i++)
      if (strcmp (name, operator_table[i].name) == 0)
        {
          *op = operator_table[i].op;
          return 0;
        }
  return runo_error_make (err, 0, "syscall `%s`: unknown operator `%s`",
                          syscall_name, name ? name : "");
}

static int
parse_flags (const oci_config_linux_seccomp *seccomp, unsigned int *flags,
             runo_error **err)
{
  size_t i, j;

  *flags = 0;
  for (i = 0; i < seccomp->flags_len; i++)
    {
      const char *name = seccomp->flags[i];

      for (j = 0; j < RUNO_SECCOMP_N_FLAGS; j++)
        if (name && strcmp (name, flag_table[j].name) == 0)
          break;
      if (j == RUNO_SECCOMP_N_FLAGS)
        return runo_error_make (err, 0, "unknown flag `%s`", name ? name : "");
      *flags |= flag_table[j].flag;
    }
  return 0;
}

/* Whether the kernel accepts FLAG: it checks the flags before reading the
   program, so a NULL program fails with EFAULT when they are valid and
   EINVAL when not, and nothing is installed either way. */
static bool
kernel_supports_flag (unsigned int flag)
{
  /* This one is only valid together with a listener. */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return seccomp_syscall (SECCOMP_SET_MODE_FILTER, flag, NULL) < 0
         && errno == EFAULT;
}

static int
check_kernel_flags (unsigned int flags, runo_error **err)
{
  size_t i;

  for (i = 0; i < RUNO_SECCOMP_N_FLAGS; i++)
    if ((flags & flag_table[i].flag)
        && !kernel_supports_flag (flag_table[i].flag))
      return runo_error_make (err, 0,
                              "flag `%s` is not supported by the kernel",
                              flag_table[i].name);
  return 0;
}

/* The architectures to filter: the native one first, then the listed
   ones, each once. */
static int
list_architectures (const oci_config_linux_seccomp *seccomp, uint32_t *arches,
                    size_t *n_arches, runo_error **err)
{
  size_t i, j, k;

  arches[0] = seccomp_arch_native ();
  *n_arches = 1;
  for (i = 0; i < seccomp->architectures_len; i++)
    {
      const char *name = seccomp->architectures[i];

      for (j = 0; j < N_ARCHES; j++)
        if (name && strcmp (name, arch_table[j].name) == 0)
          break;
      if (j == N_ARCHES)
        return runo_error_make (err, 0,
                                "architecture `%s` is not supported by "
                                "libseccomp",
                                name ? name : "");
      for (k = 0; k < *n_arches; k++)
        if (arches[k] == arch_table[j].token)
          break;
      if (k == *n_arches)
        arches[(*n_arches)++] = arch_table[j].token;
    }
  return 0;
}

/* Add the rules of one syscall entry for syscall NR.  Conditions on
   distinct arguments go in one rule (all must match).  When an argument
   is tested more than once, libseccomp cannot express it in one rule, so,
   as runc does, each condition becomes its own rule (any may match). */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, const char *name,
          const struct scmp_arg_cmp *conds, size_t n_conds, bool split,
          runo_error **err)
{
  size_t i;
  int ret;

  if (!split)
    {
      ret = seccomp_rule_add_array (ctx, action, nr, (unsigned int)n_conds,
                                    conds);
      if (ret < 0)
        return runo_error_make (err, -ret, "add rule for syscall `%s`", name);
      return 0;
    }
  for (i = 0; i < n_conds; i++)
    {
      ret = seccomp_rule_add_array (ctx, action, nr, 1, &conds[i]);
      if (ret < 0)
        return runo_error_make (err, -ret, "add rule for syscall `%s`", name);
    }
  return 0;
}

static int
add_syscall_entry (scmp_filter_ctx ctx, const oci_linux_syscall *sc,
                   size_t index, uint32_t default_action, bool *notify,
                   runo_error **err)
{
  cleanup_free struct scmp_arg_cmp *conds = NULL;
  unsigned int per_arg[SYSCALL_MAX_ARGS] = { 0 };
  cleanup_free char *where = NULL;
  bool split = false;
  uint32_t action;
  size_t i;

  where = runo_xasprintf ("syscalls[%zu]", index);
  if (parse_action (sc->action, sc->errno_ret_present, sc->errno_ret, where,
                    &action, err)
      < 0)
    return -1;
  if (sc->names_len == 0)
    return runo_error_make (err, 0, "%s: no syscall names", where);

  if (action == SCMP_ACT_NOTIFY)
    for (i = 0; i < sc->names_len; i++)
      if (sc->names[i] && strcmp (sc->names[i], "sendmsg") == 0)
        return runo_error_make (err, 0,
                                "%s: SCMP_ACT_NOTIFY cannot be used for "
                                "`sendmsg`: the container init needs it to "
                                "hand the listener fd over",
                                where);

  /* libseccomp refuses a rule with the default action, and it would change
     nothing. */
  if (action == default_action)
    return 0;

  if (sc->args_len)
    {
      conds = calloc (sc->args_len, sizeof (*conds));
      if (conds == NULL)
        return runo_error_errno (err, "allocate syscall conditions");
    }
  for (i = 0; i < sc->args_len; i++)
    {
      const oci_linux_syscall_arg *arg = sc->args[i];
      const char *first = sc->names[0] ? sc->names[0] : "";

      if (arg->index >= SYSCALL_MAX_ARGS)
        return runo_error_make (
            err, 0, "syscall `%s`: argument index %" PRIu32 " out of range",
            first, arg->index);
      if (parse_operator (arg->op, first, &conds[i].op, err) < 0)
        return -1;
      conds[i].arg = arg->index;
      /* For MASKED_EQ, value is the mask and valueTwo the datum, which is
         libseccomp's order too. */
      conds[i].datum_a = arg->value;
      conds[i].datum_b = arg->value_two;
      if (per_arg[arg->index]++)
        split = true;
    }

  for (i = 0; i < sc->names_len; i++)
    {
      const char *name = sc->names[i];
      int nr;

      if (name == NULL || *name == '\0')
        return runo_error_make (err, 0, "%s: empty syscall name", where);
      /* Unknown to libseccomp: not a syscall of any architecture it knows,
         so the profile is newer than this machine.  runc skips these. */
      nr = seccomp_syscall_resolve_name (name);
      if (nr == __NR_SCMP_ERROR)
        continue;
      if (add_rule (ctx, action, nr, name, conds, sc->args_len, split, err) < 0)
        return -1;
      if (action == SCMP_ACT_NOTIFY)
        *notify = true;
    }
  return 0;
}

static void
release_ctx (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

/* Build the filter of one architecture and append its program to FD.
   Programs that do not match the architecture of the syscall return
   BAD_ARCH, which is unique in them and which stitch() turns into a jump
   to the next program. */
static int
export_arch (const oci_config_linux_seccomp *seccomp, uint32_t arch,
             uint32_t default_action, uint32_t bad_arch, bool optimize, int fd,
             bool *notify, runo_error **err)
{
  __attribute__ ((cleanup (release_ctx))) scmp_filter_ctx ctx = NULL;
  size_t i;
  int ret;

  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return runo_error_make (err, EINVAL,
                            "initialize filter with default "
                            "action `%s`",
                            seccomp->default_action);
  if (arch != seccomp_arch_native ())
    {
      /* Removed first: libseccomp refuses to mix endiannesses in one
         filter. */
      ret = seccomp_arch_remove (ctx, SCMP_ARCH_NATIVE);
      if (ret == 0)
        ret = seccomp_arch_add (ctx, arch);
      if (ret < 0)
        return runo_error_make (err, -ret, "add architecture %#" PRIx32, arch);
    }
  ret = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, bad_arch);
  if (ret < 0)
    return runo_error_make (err, -ret, "set bad architecture action");
  /* Big profiles become a binary search on the syscall number rather than
     a linear scan: cheaper for every syscall of the container.  libseccomp
     <= 2.5.4 misbehaves with it and no rules, hence the threshold (runc
     uses the same). */
  if (optimize)
    {
      ret = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
      if (ret < 0 && ret != -EOPNOTSUPP && ret != -EINVAL)
        return runo_error_make (err, -ret, "set filter optimization");
    }
  for (i = 0; i < seccomp->syscalls_len; i++)
    if (add_syscall_entry (ctx, seccomp->syscalls[i], i, default_action, notify,
                           err)
        < 0)
      return -1;
  ret = seccomp_export_bpf (ctx, fd);
  if (ret < 0)
    return runo_error_make (err, -ret, "export filter");
  return 0;
}

/* Chain the per-architecture programs: in each but the last, "return
   BAD_ARCH" becomes a jump to the start of the next one, which checks its
   own architecture; in the last it becomes what libseccomp does with an
   architecture the filter does not know, killing the thread.  One filter
   for all architectures would give the same program, but libseccomp 2.5
   generates it in time that grows much faster than the number of
   architectures (11 ms instead of 4 for Podman's profile on x86_64, x86
   and x32). */
static void
stitch (struct sock_filter *insns, const size_t *ends, size_t n_progs,
        uint32_t bad_arch)
{
  size_t p, i, start = 0;

  for (p = 0; p < n_progs; start = ends[p], p++)
    for (i = start; i < ends[p]; i++)
      {
        struct sock_filter *f = &insns[i];

        if (f->code != (BPF_RET | BPF_K) || f->k != bad_arch)
          continue;
        if (p + 1 == n_progs)
          f->k = SCMP_ACT_KILL_THREAD;
        else
          *f = (struct sock_filter)BPF_JUMP (BPF_JMP | BPF_JA,
                                             (uint32_t)(ends[p] - i - 1), 0, 0);
      }
}

/* A TRACE value that no rule uses, to mark the bad-architecture returns.
   TRACE data is 16 bits: 65536 values cannot all be in use with fewer
   rules than that. */
static uint32_t
pick_bad_arch_marker (const oci_config_linux_seccomp *seccomp,
                      uint32_t default_action)
{
  uint32_t marker = SCMP_ACT_TRACE (0xffff);
  size_t i;

  for (;;)
    {
      bool used = marker == default_action;

      for (i = 0; !used && i < seccomp->syscalls_len; i++)
        {
          uint32_t action;
          runo_error *ignored = NULL;
          const oci_linux_syscall *sc = seccomp->syscalls[i];

          if (parse_action (sc->action, sc->errno_ret_present, sc->errno_ret,
                            "", &action, &ignored)
              < 0)
            runo_error_release (&ignored);
          else
            used = action == marker;
        }
      if (!used)
        return marker;
      marker--;
    }
}

/* One architecture's filter, built on its own thread. */
struct arch_job
{
  const oci_config_linux_seccomp *seccomp;
  uint32_t arch, default_action, bad_arch;
  bool optimize;
  int fd;
  bool notify;
  runo_error *err;
  int ret;
  pthread_t thread;
  bool started;
};

static void *
arch_job_run (void *data)
{
  struct arch_job *job = data;

  job->fd = memfd_create ("runo-seccomp", MFD_CLOEXEC);
  if (job->fd < 0)
    job->ret = runo_error_errno (&job->err, "memfd_create");
  else
    job->ret = export_arch (job->seccomp, job->arch, job->default_action,
                            job->bad_arch, job->optimize, job->fd, &job->notify,
                            &job->err);
  return NULL;
}

/* Run the jobs, the first on this thread and the others each on a thread
   of its own: libseccomp's time is per architecture, so the wall time is
   that of one.  A job whose thread cannot start runs here. */
static void
run_arch_jobs (struct arch_job *jobs, size_t n)
{
  size_t i;

  /* libseccomp probes the kernel lazily and caches the answers in
     globals: probe everything now, before any thread can race on them. */
  seccomp_api_get ();
  for (i = 1; i < n; i++)
    jobs[i].started
        = pthread_create (&jobs[i].thread, NULL, arch_job_run, &jobs[i]) == 0;
  arch_job_run (&jobs[0]);
  for (i = 1; i < n; i++)
    {
      if (jobs[i].started)
        pthread_join (jobs[i].thread, NULL);
      else
        arch_job_run (&jobs[i]);
    }
}

static int
read_programs (struct arch_job *jobs, size_t n_jobs, runo_seccomp *s,
               size_t *ends, runo_error **err)
{
  size_t i, total = 0;
  off_t sizes[N_ARCHES + 1];

  for (i = 0; i < n_jobs; i++)
    {
      sizes[i] = lseek (jobs[i].fd, 0, SEEK_CUR);
      if (sizes[i] < 0)
        return runo_error_errno (err, "seek filter");
      if (sizes[i] == 0 || sizes[i] % sizeof (struct sock_filter) != 0)
        return runo_error_make (err, 0, "export filter: bad program size %jd",
                                (intmax_t)sizes[i]);
      total += (size_t)sizes[i] / sizeof (struct sock_filter);
      ends[i] = total;
    }
  if (total > BPF_MAX_INSNS)
    return runo_error_make (err, 0,
                            "filter too large: %zu instructions, the kernel "
                            "takes at most %d",
                            total, BPF_MAX_INSNS);
  s->insns = malloc (total * sizeof (struct sock_filter));
  if (s->insns == NULL)
    return runo_error_errno (err, "allocate filter");
  for (i = 0; i < n_jobs; i++)
    {
      size_t start = i ? ends[i - 1] : 0;
      ssize_t n = pread (jobs[i].fd, s->insns + start, (size_t)sizes[i], 0);

      if (n != sizes[i])
        return runo_error_make (err, n < 0 ? errno : EIO, "read filter");
    }
  s->n_insns = (unsigned short)total;
  return 0;
}

static int
compile (const oci_config_linux_seccomp *seccomp, runo_seccomp *s,
         runo_error **err)
{
  uint32_t arches[N_ARCHES + 1];
  struct arch_job jobs[N_ARCHES + 1];
  size_t ends[N_ARCHES + 1];
  size_t n_arches, i, n_rules = 0;
  uint32_t default_action, bad_arch;
  int ret = 0;

  if (parse_action (seccomp->default_action, seccomp->default_errno_ret_present,
                    seccomp->default_errno_ret, "defaultAction",
                    &default_action, err)
      < 0)
    return -1;
  /* Until the agent has the listener fd, every syscall of the init would
     wait for an answer that cannot come. */
  if (default_action == SCMP_ACT_NOTIFY)
    return runo_error_make (err, 0,
                            "SCMP_ACT_NOTIFY cannot be the default "
                            "action");
  if (parse_flags (seccomp, &s->flags, err) < 0)
    return -1;
  if (s->flags && check_kernel_flags (s->flags, err) < 0)
    return -1;
  if (list_architectures (seccomp, arches, &n_arches, err) < 0)
    return -1;

  for (i = 0; i < seccomp->syscalls_len; i++)
    {
      const oci_linux_syscall *sc = seccomp->syscalls[i];
      uint32_t action;
      runo_error *ignored = NULL;

      /* Errors are reported by export_arch, with their context. */
      if (parse_action (sc->action, sc->errno_ret_present, sc->errno_ret, "",
                        &action, &ignored)
          < 0)
        runo_error_release (&ignored);
      else if (action != default_action)
        n_rules++;
    }
  bad_arch = pick_bad_arch_marker (seccomp, default_action);

  for (i = 0; i < n_arches; i++)
    jobs[i] = (struct arch_job){ .seccomp = seccomp,
                                 .arch = arches[i],
                                 .default_action = default_action,
                                 .bad_arch = bad_arch,
                                 .optimize = n_rules > 32,
                                 .fd = -1 };
  run_arch_jobs (jobs, n_arches);

  for (i = 0; i < n_arches && ret == 0; i++)
    if (jobs[i].ret < 0)
      {
        *err = steal_pointer (&jobs[i].err);
        ret = -1;
      }
  if (ret == 0)
    ret = read_programs (jobs, n_arches, s, ends, err);
  if (ret == 0)
    stitch (s->insns, ends, n_arches, bad_arch);
  for (i = 0; i < n_arches; i++)
    {
      s->notify |= jobs[i].notify;
      runo_error_release (&jobs[i].err);
      if (jobs[i].fd >= 0)
        close (jobs[i].fd);
    }
  return ret;
}

int
runo_seccomp_compile (const oci_config_linux_seccomp *seccomp,
                      runo_seccomp **out, runo_error **err)
{
  cleanup_seccomp runo_seccomp *s = NULL;

  s = runo_xmalloc0 (sizeof (*s));
  if (compile (seccomp, s, err) < 0)
    return runo_error_wrap (err, "linux.seccomp");
  *out = steal_pointer (&s);
  return 0;
}

bool
runo_seccomp_needs_notify (const runo_seccomp *s)
{
  return s->notify;
}

size_t
runo_seccomp_program_length (const runo_seccomp *s)
{
  return s->n_insns;
}

int
runo_seccomp_load (const runo_seccomp *s, int *notify_fd, runo_error **err)
{
  struct sock_fprog prog = { .len = s->n_insns, .filter = s->insns };
  unsigned int flags = s->flags;
  int ret;

  *notify_fd = -1;
  if (s->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* With a listener, the kernel wants TSYNC failures reported as ESRCH
         since the return value is the fd. */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else
    /* Only meaningful for notifications, and refused without a
       listener. */
    flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

  ret = seccomp_syscall (SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (ret < 0)
    return runo_error_errno (err, "load seccomp filter");
  if (s->notify)
    *notify_fd = ret;
  return 0;
}

/* Append S to BUF as a JSON string. */
static void
json_string (char **buf, size_t *len, size_t *cap, const char *s)
{
  size_t need = *len + strlen (s) * 6 + 3;
  const unsigned char *p;
  char *out;

  if (need > *cap)
    {
      *cap = need * 2;
      *buf = realloc (*buf, *cap);
      if (*buf == NULL)
        abort ();
    }
  out = *buf + *len;
  *out++ = '"';
  for (p = (const unsigned char *)s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          *out++ = '\\';
          *out++ = (char)*p;
        }
      else if (*p < 0x20)
        out += sprintf (out, "\\u%04x", *p);
      else
        *out++ = (char)*p;
    }
  *out++ = '"';
  *out = '\0';
  *len = (size_t)(out - *buf);
}

static char *
process_state_json (pid_t pid, const char *metadata, const char *state_json,
                    size_t *len)
{
  size_t cap
      = 256 + strlen (state_json) + (metadata ? strlen (metadata) * 6 : 0);
  char *buf = runo_xmalloc0 (cap);

  *len = (size_t)snprintf (buf, cap,
                           "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],"
                           "\"pid\":%d",
                           OCI_SPEC_VERSION, (int)pid);
  if (metadata)
    {
      memcpy (buf + *len, ",\"metadata\":", 12);
      *len += 12;
      json_string (&buf, len, &cap, metadata);
    }
  *len += (size_t)snprintf (buf + *len, cap - *len, ",\"state\":%s}",
                            state_json);
  return buf;
}

int
runo_seccomp_send_notify_fd (const char *listener_path, int notify_fd,
                             pid_t pid, const char *metadata,
                             const char *state_json, runo_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  cleanup_free char *payload = NULL;
  cleanup_close int sock = -1;
  struct msghdr mh = { 0 };
  struct cmsghdr *cm;
  struct iovec iov;
  size_t len, sent = 0;

  if (strlen (listener_path) >= sizeof (addr.sun_path))
    return runo_error_make (err, ENAMETOOLONG, "seccomp listener `%s`",
                            listener_path);
  strcpy (addr.sun_path, listener_path);

  payload = process_state_json (pid, metadata, state_json, &len);

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return runo_error_errno (err, "seccomp listener: socket");
  if (connect (sock, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return runo_error_errno (err, "connect to seccomp listener `%s`",
                             listener_path);

  memset (&control, 0, sizeof (control));
  iov.iov_base = payload;
  iov.iov_len = len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof (control.buf);
  cm = CMSG_FIRSTHDR (&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &notify_fd, sizeof (int));

  while (sent < len)
    {
      ssize_t n = sendmsg (sock, &mh, MSG_NOSIGNAL);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "send to seccomp listener `%s`",
                                   listener_path);
        }
      sent += (size_t)n;
      /* The spec wants the fd in the first sendmsg only. */
      mh.msg_control = NULL;
      mh.msg_controllen = 0;
      iov.iov_base = payload + sent;
      iov.iov_len = len - sent;
    }
  return 0;
}

void
runo_seccomp_free (runo_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->insns);
  free (s);
}

const char *const *
runo_seccomp_known_actions (size_t *n)
{
  *n = N_ACTIONS;
  return action_names;
}

const char *const *
runo_seccomp_known_operators (size_t *n)
{
  *n = N_OPERATORS;
  return operator_names;
}

const char *const *
runo_seccomp_known_archs (size_t *n)
{
  *n = N_ARCHES;
  return arch_names;
}

const char *const *
runo_seccomp_known_flags (size_t *n)
{
  *n = RUNO_SECCOMP_N_FLAGS;
  return flag_names;
}

size_t
runo_seccomp_supported_flags (const char *buf[RUNO_SECCOMP_N_FLAGS])
{
  size_t i, n = 0;

  for (i = 0; i < RUNO_SECCOMP_N_FLAGS; i++)
    if (kernel_supports_flag (flag_table[i].flag))
      buf[n++] = flag_table[i].name;
  return n;
}

void
runo_seccomp_features (oci_features_linux_seccomp *f,
                       const char *supported_buf[RUNO_SECCOMP_N_FLAGS])
{
  f->enabled = true;
  f->enabled_present = true;
  f->actions = (char **)runo_seccomp_known_actions (&f->actions_len);
  f->actions_present = true;
  f->operators = (char **)runo_seccomp_known_operators (&f->operators_len);
  f->operators_present = true;
  f->archs = (char **)runo_seccomp_known_archs (&f->archs_len);
  f->archs_present = true;
  f->known_flags = (char **)runo_seccomp_known_flags (&f->known_flags_len);
  f->known_flags_present = true;
  f->supported_flags = (char **)supported_buf;
  f->supported_flags_len = runo_seccomp_supported_flags (supported_buf);
  f->supported_flags_present = true;
}

/* ---- the compiled-program cache ----
   Compiling a large profile costs milliseconds (libseccomp's BPF
   generation) while engines run many containers with one profile.  A
   cache entry holds the exact key it was made for: the profile as
   libocispec writes it, plus what the program depends on besides
   (libseccomp, runo and kernel versions, which decide names and flags).
   It is used only if that key is byte for byte the same, so the file
   name's hash needs no strength.  The cache lives in the state root
   (0700, root's), on tmpfs, and is rewritten atomically. */

#define CACHE_MAGIC "RUNO-SECCOMP-1\n"

static char *
cache_key (const oci_config_linux_seccomp *seccomp)
{
  const struct scmp_version *v = seccomp_version ();
  oci_config_linux linux_cfg
      = { .seccomp = (oci_config_linux_seccomp *)seccomp };
  oci_config config = { .oci_version = (char *)"1.0.0", .linux_ = &linux_cfg };
  cleanup_free char *profile = NULL;
  char *gen_err = NULL;
  struct utsname uts;

  profile = oci_config_generate (&config, false, &gen_err);
  if (profile == NULL)
    {
      free (gen_err);
      return NULL;
    }
  uname (&uts);
  return runo_xasprintf ("%s\nlibseccomp %u.%u.%u\nruno %s\nkernel %s %s\n",
                         profile, v ? v->major : 0, v ? v->minor : 0,
                         v ? v->micro : 0, PACKAGE_VERSION, uts.release,
                         uts.machine);
}

static uint64_t
fnv1a (const char *s)
{
  uint64_t h = 14695981039346656037ULL;

  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

struct cache_header
{
  uint32_t key_len;
  uint32_t flags;
  uint32_t notify;
  uint32_t n_insns;
};

static runo_seccomp *
cache_read (int dir_fd, const char *name, const char *key)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *data = NULL;
  struct cache_header hdr;
  size_t len, magic_len = strlen (CACHE_MAGIC), off;
  runo_seccomp *s;

  if (runo_read_file_at (dir_fd, name, 4 * 1024 * 1024, &data, &len, &err) < 0)
    return NULL;
  if (len < magic_len + sizeof (hdr)
      || memcmp (data, CACHE_MAGIC, magic_len) != 0)
    return NULL;
  memcpy (&hdr, data + magic_len, sizeof (hdr));
  off = magic_len + sizeof (hdr);
  if (hdr.key_len != strlen (key) || hdr.n_insns == 0 || hdr.n_insns > 65535
      || len != off + hdr.key_len + hdr.n_insns * sizeof (struct sock_filter)
      || memcmp (data + off, key, hdr.key_len) != 0)
    return NULL;
  off += hdr.key_len;
  s = runo_xmalloc0 (sizeof (*s));
  s->insns = runo_xmalloc0 (hdr.n_insns * sizeof (struct sock_filter));
  memcpy (s->insns, data + off, hdr.n_insns * sizeof (struct sock_filter));
  s->n_insns = (unsigned short)hdr.n_insns;
  s->flags = hdr.flags;
  s->notify = hdr.notify != 0;
  return s;
}

static void
cache_write (int dir_fd, const char *name, const char *key,
             const runo_seccomp *s)
{
  cleanup_error runo_error *err = NULL;
  struct cache_header hdr
      = { (uint32_t)strlen (key), s->flags, s->notify ? 1 : 0, s->n_insns };
  size_t magic_len = strlen (CACHE_MAGIC);
  size_t prog_len = s->n_insns * sizeof (struct sock_filter);
  size_t len = magic_len + sizeof (hdr) + hdr.key_len + prog_len;
  cleanup_free char *data = runo_xmalloc0 (len);
  char *p = data;

  memcpy (p, CACHE_MAGIC, magic_len);
  p += magic_len;
  memcpy (p, &hdr, sizeof (hdr));
  p += sizeof (hdr);
  memcpy (p, key, hdr.key_len);
  p += hdr.key_len;
  memcpy (p, s->insns, prog_len);
  /* A cache that cannot be written only costs the next compile. */
  runo_write_file_atomic_at (dir_fd, name, data, len, 0600, &err);
}

int
runo_seccomp_compile_cached (int cache_dir_fd,
                             const oci_config_linux_seccomp *seccomp,
                             runo_seccomp **out, runo_error **err)
{
  cleanup_free char *key = NULL;
  char name[32];

  if (cache_dir_fd < 0 || (key = cache_key (seccomp)) == NULL)
    return runo_seccomp_compile (seccomp, out, err);
  snprintf (name, sizeof (name), "%016" PRIx64, fnv1a (key));
  *out = cache_read (cache_dir_fd, name, key);
  if (*out)
    return 0;
  if (runo_seccomp_compile (seccomp, out, err) < 0)
    return -1;
  cache_write (cache_dir_fd, name, key, *out);
  return 0;
}
