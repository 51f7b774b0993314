/* runo: linux.namespaces.  Turns the config's list into clone flags for the
   namespaces to create and opened fds for the ones to join (checked to be
   namespaces of the right type), in the order they must be joined. */
#ifndef RUNO_NAMESPACES_H
#define RUNO_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec.h"

enum runo_ns
{
  RUNO_NS_USER, /* first: joining it grants the rights to join the rest */
  RUNO_NS_MOUNT,
  RUNO_NS_PID,
  RUNO_NS_NETWORK,
  RUNO_NS_IPC,
  RUNO_NS_UTS,
  RUNO_NS_CGROUP,
  RUNO_NS_TIME,
  RUNO_NS_COUNT,
};

typedef struct runo_namespaces
{
  int new_flags;               /* CLONE_NEW* of the namespaces to create */
  int join_fds[RUNO_NS_COUNT]; /* -1, or an fd to setns() into */
  bool present[RUNO_NS_COUNT]; /* listed in the config, new or joined */
} runo_namespaces;

/* Parse and check CONFIG's namespaces (unknown or duplicate types, paths
   that are not namespaces of their type) and open the paths.  The fds are
   close-on-exec; release them with runo_namespaces_close. */
int runo_namespaces_open (const oci_config_linux *linux_cfg,
                          runo_namespaces *ns, runo_error **err);
void runo_namespaces_close (runo_namespaces *ns);

/* setns() into every joined namespace, user first, closing the fds. */
int runo_namespaces_join (runo_namespaces *ns, runo_error **err);

int runo_ns_clone_flag (enum runo_ns ns);
const char *runo_ns_proc_name (enum runo_ns ns);   /* name in /proc/PID/ns */
const char *runo_ns_config_name (enum runo_ns ns); /* name in config.json */

#endif
