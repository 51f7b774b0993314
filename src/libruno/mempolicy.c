#include <config.h>

#include "mempolicy.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

/* Newer than the headers of some distributions (Linux 6.9). */
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

/* The kernel's MAX_NUMNODES is at most 1 << 10 (CONFIG_NODES_SHIFT). */
#define MAX_NODES 1024
#define WORD_BITS (8 * sizeof (unsigned long))

struct nodemask
{
  unsigned long bits[MAX_NODES / WORD_BITS];
  bool any;
};

static const struct
{
  const char *name;
  int mode;
  int nodes; /* -1: none allowed, 0: optional, 1: at least one */
} modes[] = {
  { "MPOL_DEFAULT", MPOL_DEFAULT, -1 },
  { "MPOL_BIND", MPOL_BIND, 1 },
  { "MPOL_INTERLEAVE", MPOL_INTERLEAVE, 1 },
  { "MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE, 1 },
  { "MPOL_PREFERRED", MPOL_PREFERRED, 0 },
  { "MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY, 1 },
  { "MPOL_LOCAL", MPOL_LOCAL, -1 },
};

static const struct
{
  const char *name;
  int flag;
} flags[] = {
  { "MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING },
  { "MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES },
  { "MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES },
};

static void
add_nodes (unsigned long first, unsigned long last, void *data)
{
  struct nodemask *mask = data;

  for (; first <= last; first++)
    mask->bits[first / WORD_BITS] |= 1UL << (first % WORD_BITS);
  mask->any = true;
}

/* "0-3,7" (spaces allowed around the numbers); empty is no node. */
static int
parse_nodes (const char *list, struct nodemask *mask)
{
  memset (mask, 0, sizeof (*mask));
  return runo_parse_ranges (list, MAX_NODES - 1, add_nodes, mask);
}

/* The mode with its flags, and the node mask. */
static int
resolve (const oci_config_linux_memory_policy *mp, int *mode_flags,
         struct nodemask *mask, runo_error **err)
{
  size_t i, j;
  int mode = -1, need = 0, f = 0;

  for (i = 0; i < sizeof (modes) / sizeof (modes[0]); i++)
    if (mp->mode && strcmp (mp->mode, modes[i].name) == 0)
      {
        mode = modes[i].mode;
        need = modes[i].nodes;
      }
  if (mode < 0)
    return runo_error_make (err, 0, "linux.memoryPolicy.mode: unknown `%s`",
                            mp->mode ? mp->mode : "");
  for (i = 0; i < mp->flags_len; i++)
    {
      for (j = 0; j < sizeof (flags) / sizeof (flags[0]); j++)
        if (strcmp (mp->flags[i], flags[j].name) == 0)
          break;
      if (j == sizeof (flags) / sizeof (flags[0]))
        return runo_error_make (err, 0,
                                "linux.memoryPolicy.flags[%zu]: unknown `%s`",
                                i, mp->flags[i]);
      f |= flags[j].flag;
    }
  if ((f & MPOL_F_STATIC_NODES) && (f & MPOL_F_RELATIVE_NODES))
    return runo_error_make (err, 0,
                            "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES "
                            "and MPOL_F_RELATIVE_NODES exclude each other");
  if (parse_nodes (mp->nodes ? mp->nodes : "", mask) < 0)
    return runo_error_make (err, 0,
                            "linux.memoryPolicy.nodes: `%s`: expected a list "
                            "of nodes below %d such as 0-3,7",
                            mp->nodes, MAX_NODES);
  if (need < 0 && mask->any)
    return runo_error_make (err, 0, "linux.memoryPolicy: %s takes no nodes",
                            mp->mode);
  if (need > 0 && !mask->any)
    return runo_error_make (
        err, 0, "linux.memoryPolicy: %s needs at least one node", mp->mode);
  *mode_flags = mode | f;
  return 0;
}

int
runo_mempolicy_validate (const oci_config_linux_memory_policy *mp,
                         runo_error **err)
{
  struct nodemask mask;
  int mode;

  return mp ? resolve (mp, &mode, &mask, err) : 0;
}

int
runo_mempolicy_apply (const oci_config_linux_memory_policy *mp,
                      runo_error **err)
{
  struct nodemask mask;
  int mode;

  if (mp == NULL)
    return 0;
  if (resolve (mp, &mode, &mask, err) < 0)
    return -1;
  /* maxnode counts one past the highest bit the kernel may read. */
  if (syscall (SYS_set_mempolicy, mode, mask.any ? mask.bits : NULL,
               mask.any ? (unsigned long)MAX_NODES + 1 : 0UL)
      < 0)
    return runo_error_errno (err, "linux.memoryPolicy: set_mempolicy %s%s%s",
                             mp->mode, mp->nodes ? " " : "",
                             mp->nodes ? mp->nodes : "");
  return 0;
}
