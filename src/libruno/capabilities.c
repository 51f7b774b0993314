#include <config.h>

#include "capabilities.h"
#include "utils.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#define CAP_BIT(n) ((uint64_t)1 << (n))

/* "CAP_KILL" for error messages (libcap spells names in lower case). */
static char *
display_name (int cap)
{
  char *name = cap_to_name ((cap_value_t)cap);
  char *upper, *p;

  if (name == NULL)
    return runo_xasprintf ("%d", cap);
  upper = runo_xstrdup (name);
  cap_free (name);
  for (p = upper; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char)(*p - 'a' + 'A');
  return upper;
}

void
runo_warnings_append (char **warnings, const char *fmt, ...)
{
  cleanup_free char *line = NULL;
  char *joined;
  va_list ap;

  if (warnings == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&line, fmt, ap) < 0)
    line = NULL;
  va_end (ap);
  /* A warning lost to allocation failure must not turn into a failure. */
  if (line == NULL)
    return;
  if (*warnings == NULL)
    {
      *warnings = steal_pointer (&line);
      return;
    }
  if (asprintf (&joined, "%s\n%s", *warnings, line) < 0)
    return;
  free (*warnings);
  *warnings = joined;
}

int
runo_cap_from_name (const char *name, int *cap)
{
  cap_value_t value;
  const char *p;

  if (name == NULL || strncmp (name, "CAP_", 4) != 0 || name[4] == '\0')
    return -1;
  for (p = name + 4; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return -1;
  if (cap_from_name (name, &value) < 0 || value < 0 || value > RUNO_CAP_MAX)
    return -1;
  *cap = value;
  return 0;
}

struct cap_set_ref
{
  const char *name;
  char **const *names;
  const size_t *len;
  uint64_t *mask;
};

/* The five sets of CAPS in one table so every loop treats them alike; MASKS
   may be NULL when only the names are needed. */
static void
cap_sets (const oci_config_process_capabilities *caps, runo_caps *masks,
          struct cap_set_ref sets[5])
{
  sets[0]
      = (struct cap_set_ref){ "bounding", &caps->bounding, &caps->bounding_len,
                              masks ? &masks->bounding : NULL };
  sets[1] = (struct cap_set_ref){ "effective", &caps->effective,
                                  &caps->effective_len,
                                  masks ? &masks->effective : NULL };
  sets[2] = (struct cap_set_ref){ "inheritable", &caps->inheritable,
                                  &caps->inheritable_len,
                                  masks ? &masks->inheritable : NULL };
  sets[3] = (struct cap_set_ref){ "permitted", &caps->permitted,
                                  &caps->permitted_len,
                                  masks ? &masks->permitted : NULL };
  sets[4] = (struct cap_set_ref){ "ambient", &caps->ambient, &caps->ambient_len,
                                  masks ? &masks->ambient : NULL };
}

/* Whether NAME appears in SETS before set S, index I: each unknown name is
   reported once, however many sets list it. */
static bool
seen_before (const struct cap_set_ref sets[5], size_t s, size_t i)
{
  const char *name = (*sets[s].names)[i];
  size_t t, k;

  for (t = 0; t <= s; t++)
    for (k = 0; k < (t == s ? i : *sets[t].len); k++)
      if (strcmp ((*sets[t].names)[k], name) == 0)
        return true;
  return false;
}

int
runo_caps_last_cap (void)
{
  /* libcap probes the kernel once when it is loaded. */
  int bits = cap_max_bits ();

  if (bits <= 0)
    return CAP_LAST_CAP;
  return bits - 1 > RUNO_CAP_MAX ? RUNO_CAP_MAX : bits - 1;
}

static int
current_caps (uint64_t *permitted, uint64_t *inheritable, runo_error **err)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

  memset (data, 0, sizeof (data));
  if (capget (&header, data) < 0)
    return runo_error_errno (err, "capget");
  *permitted
      = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
  *inheritable
      = (uint64_t)data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
  return 0;
}

static const char *
name_of (const oci_config_process_capabilities *caps, int cap)
{
  struct cap_set_ref sets[5];
  size_t s, i;

  cap_sets (caps, NULL, sets);
  for (s = 0; s < 5; s++)
    for (i = 0; i < *sets[s].len; i++)
      {
        int n;

        if (runo_cap_from_name ((*sets[s].names)[i], &n) == 0 && n == cap)
          return (*sets[s].names)[i];
      }
  return "?";
}

/* Remove from *MASK the bits of DROP, with one warning per capability. */
static void
drop_with_warning (const oci_config_process_capabilities *caps, uint64_t *mask,
                   uint64_t drop, const char *why, char **warnings)
{
  int cap;

  drop &= *mask;
  *mask &= ~drop;
  for (cap = 0; cap <= RUNO_CAP_MAX; cap++)
    if (drop & CAP_BIT (cap))
      runo_warnings_append (warnings, "capability %s %s, skipped",
                            name_of (caps, cap), why);
}

int
runo_caps_resolve (const oci_config_process_capabilities *caps, int last_cap,
                   runo_caps *out, char **warnings, runo_error **err)
{
  struct cap_set_ref sets[5];
  uint64_t unsupported = 0, held_permitted = 0, held_inheritable = 0;
  uint64_t grantable, missing;
  size_t s, i;
  int cap;

  memset (out, 0, sizeof (*out));
  if (caps == NULL)
    return 0;
  cap_sets (caps, out, sets);
  for (s = 0; s < 5; s++)
    for (i = 0; i < *sets[s].len; i++)
      {
        /* config.md: a capability that cannot be mapped to the kernel's
           is logged as a warning, not a failure. */
        if (runo_cap_from_name ((*sets[s].names)[i], &cap) < 0)
          {
            if (!seen_before (sets, s, i))
              runo_warnings_append (warnings, "capability %s unknown, skipped",
                                    (*sets[s].names)[i]);
            continue;
          }
        if (cap > last_cap)
          unsupported |= CAP_BIT (cap);
        else
          *sets[s].mask |= CAP_BIT (cap);
      }
  for (cap = 0; cap <= RUNO_CAP_MAX; cap++)
    if (unsupported & CAP_BIT (cap))
      runo_warnings_append (warnings,
                            "capability %s not supported by the kernel, "
                            "skipped",
                            name_of (caps, cap));

  /* capset only narrows what the caller holds: in a restricted environment
     (nested runtime, user namespace set up by someone else) the rest cannot
     be granted, and the spec asks for a warning rather than a failure. */
  if (current_caps (&held_permitted, &held_inheritable, err) < 0)
    return -1;
  missing = (out->permitted | out->effective | out->ambient) & ~held_permitted;
  drop_with_warning (caps, &missing, missing, "is not held by the runtime",
                     warnings);
  out->permitted &= held_permitted;
  out->effective &= held_permitted;
  out->ambient &= held_permitted;
  /* The kernel's capset rules: effective within the new permitted set,
     inheritable within the old inheritable or permitted sets and, since
     the bounding set is dropped first, within the new bounding set.  An
     ambient capability must be permitted and inheritable. */
  drop_with_warning (caps, &out->effective, ~out->permitted,
                     "is effective but not permitted", warnings);
  grantable = (held_inheritable | held_permitted) & out->bounding;
  drop_with_warning (caps, &out->inheritable, ~grantable,
                     "is inheritable but not in the bounding set", warnings);
  drop_with_warning (caps, &out->ambient, ~(out->permitted & out->inheritable),
                     "is ambient but not both permitted and inheritable",
                     warnings);
  return 0;
}

int
runo_caps_drop_bounding (const runo_caps *caps, int last_cap, runo_error **err)
{
  int cap;

  /* With CAP_SETPCAP, dropping an already dropped capability succeeds, so
     no reads first; without it nothing can be dropped at all. */
  for (cap = 0; cap <= last_cap; cap++)
    {
      if (caps->bounding & CAP_BIT (cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0)
        {
          /* A kernel without this capability number (last_cap passed in
             larger than the kernel's) has nothing to drop. */
          if (errno == EINVAL)
            continue;
          {
            int saved = errno;
            cleanup_free char *name = display_name (cap);

            return runo_error_make (err, saved, "drop %s from the bounding set",
                                    name);
          }
        }
    }
  return 0;
}

int
runo_caps_apply (const runo_caps *caps, int last_cap, runo_error **err)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  int cap;

  data[0].effective = (uint32_t)caps->effective;
  data[0].permitted = (uint32_t)caps->permitted;
  data[0].inheritable = (uint32_t)caps->inheritable;
  data[1].effective = (uint32_t)(caps->effective >> 32);
  data[1].permitted = (uint32_t)(caps->permitted >> 32);
  data[1].inheritable = (uint32_t)(caps->inheritable >> 32);
  if (capset (&header, data) < 0)
    return runo_error_errno (err, "capset");

  /* The ambient set survives capset only where permitted and inheritable
     still allow it: clear it so nothing the runtime had leaks through. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    {
      /* Kernels before 4.3 have no ambient set; nothing to clear then, but
         raising is impossible. */
      if (errno != EINVAL || caps->ambient != 0)
        return runo_error_errno (err, "clear the ambient capabilities");
      return 0;
    }
  for (cap = 0; cap <= last_cap; cap++)
    if ((caps->ambient & CAP_BIT (cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0,
                  0)
               < 0)
      {
        int saved = errno;
        cleanup_free char *name = display_name (cap);

        return runo_error_make (err, saved, "raise ambient capability %s",
                                name);
      }
  return 0;
}
