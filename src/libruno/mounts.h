/* runo: one entry of config.mounts: option parsing and the mount itself,
   always inside a rootfs held by a directory fd, never by path, so that a
   symlink planted in the rootfs cannot redirect a mount to the host
   (CVE-2021-30465). */
#ifndef RUNO_MOUNTS_H
#define RUNO_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "ocispec.h"

/* The options of one mount, as mount(2) flags for a new filesystem and as
   mount_setattr(2) attributes for a bind mount, plus the runo-only
   options.  Later options win over earlier ones, like mount(8). */
typedef struct runo_mount_options
{
  unsigned long flags; /* MS_* for mount(2), without MS_BIND/MS_REC */
  uint64_t attr_set;   /* mount_setattr, top mount only */
  uint64_t attr_clr;
  uint64_t rec_attr_set; /* mount_setattr with AT_RECURSIVE (rro...) */
  uint64_t rec_attr_clr;
  unsigned long
      propagation; /* MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE or 0 */
  bool propagation_recursive;
  bool bind;      /* bind or rbind option, or type bind/none */
  bool recursive; /* rbind */
  bool remount;
  bool idmap;
  bool ridmap;
  bool tmpcopyup;
  char *data;    /* filesystem options for mount(2), NULL if none */
  char *unknown; /* first word that is neither known nor key=value */
} runo_mount_options;

/* Parse M->options (and M->type for bind detection).  Fails only on a
   bind mount given a word that is neither a known option nor key=value:
   a bind mount has no filesystem to hand it to, so it would be silently
   lost.  Free with runo_mount_options_free. */
int runo_mount_options_parse (const oci_mount *m, runo_mount_options *out,
                              runo_error **err);
void runo_mount_options_free (runo_mount_options *o);

/* The recognised option names, for `runo features`: fills up to MAX of
   NAMES and returns how many there are. */
size_t runo_mount_option_names (const char **names, size_t max);

/* Lexically clean an absolute-or-relative container path into a path
   relative to the rootfs without ".", ".." or repeated slashes ("" is the
   root itself).  Caller frees. */
char *runo_clean_container_path (const char *path);

enum runo_resolve_create
{
  RUNO_RESOLVE_NO_CREATE,
  RUNO_RESOLVE_CREATE_DIR,  /* missing parents and last component: dirs */
  RUNO_RESOLVE_CREATE_FILE, /* missing parents: dirs; last: empty file */
};

/* Open PATH (container path) under ROOTFD as an O_PATH fd, symlinks
   resolved as if ROOTFD were "/", creating what is missing as CREATE says.
   NO_SYMLINKS refuses any symlink on the way (for /proc and /sys).
   Returns the fd, or -1 with errno ENOENT and no error object when CREATE
   is RUNO_RESOLVE_NO_CREATE and PATH does not exist. */
int runo_resolve_in_root (int rootfd, const char *path,
                          enum runo_resolve_create create, bool no_symlinks,
                          runo_error **err);

/* What runo_mount_one needs besides the mount entry. */
typedef struct runo_mount_context
{
  int rootfd;      /* O_PATH fd of the rootfs (a mount root) */
  int sourcedirfd; /* relative bind sources are resolved from here (bundle) */
  const oci_config *config; /* for idmap defaults and cgroup namespace */
  int premade_tree;         /* bind: a tree from runo_mount_bind_tree, or -1 */
} runo_mount_context;

/* The detached tree of bind mount M (relative sources from
   CTX->sourcedirfd) with every attribute of O set, idmap included.  In a
   container with a new user namespace only the runtime, root in the
   host's, may idmap the host's filesystems: it makes these trees and init
   attaches them (CTX->premade_tree).  Returns the fd. */
int runo_mount_bind_tree (const runo_mount_context *ctx, const oci_mount *m,
                          const runo_mount_options *o, runo_error **err);

/* Do mount M (options already parsed into O) inside the rootfs.  May
   change the cwd: the caller restores it. */
int runo_mount_one (const runo_mount_context *ctx, const oci_mount *m,
                    const runo_mount_options *o, runo_error **err);

/* Bind the host path SOURCE (resolved from DIRFD) onto the O_PATH fd
   DESTFD. */
int runo_bind_onto_fd (int dirfd, const char *source, int destfd,
                       bool recursive, runo_error **err);

#endif
