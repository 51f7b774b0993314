/* runo: the container's filesystem view: rootfs, mounts, devices, pivot.
   All of it runs in the container's init, inside its new mount namespace. */
#ifndef RUNO_ROOTFS_H
#define RUNO_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec.h"

typedef struct runo_rootfs runo_rootfs;

/* Check before anything is built: mount option names, mount types present
   on the host, rootfsPropagation, device types... (clear error otherwise). */
int runo_rootfs_validate (const oci_config *config, runo_error **err);

/* Before the createContainer hooks: make the mount tree private/slave as
   rootfsPropagation says, bind ROOTFS (absolute host path) onto itself, do
   config->mounts in order inside it, create /dev content (default devices,
   linux.devices, /dev/fd... links, /dev/pts/ptmx).  PREMADE_TREES, when not
   NULL, has for each mount a tree fd from runo_rootfs_prepare_tree or -1.
   The root is not switched yet: hooks see the host's filesystem. */
int runo_rootfs_prepare (const oci_config *config, const char *rootfs,
                         const int *premade_trees, runo_rootfs **out,
                         runo_error **err);

/* Whether mounts[I] is an idmapped bind, which in a container with a new
   user namespace the runtime must prepare (runo_rootfs_prepare_tree, in
   the host's namespaces, sources relative to BUNDLE_FD) for init. */
bool runo_rootfs_needs_premade_tree (const oci_config *config, size_t i);
int runo_rootfs_prepare_tree (const oci_config *config, size_t i, int bundle_fd,
                              runo_error **err);

/* After the createContainer hooks: pivot_root into the rootfs (MS_MOVE +
   chroot when NO_PIVOT), then maskedPaths, readonlyPaths, root.readonly,
   propagation of /, chdir("/").  Frees R. */
int runo_rootfs_finish (runo_rootfs *r, const oci_config *config, bool no_pivot,
                        runo_error **err);

void runo_rootfs_free (runo_rootfs *r);

#endif
