/* runo: the container state store.
 *
 * Each container owns one 0700 directory <root>/<id>.  Creating that
 * directory with mkdir is what claims an id, so two concurrent creates of the
 * same id cannot both succeed.  The directory holds:
 *   state.json  the runtime's record (written atomically: tmp + rename)
 *   exec.fifo   present while the container is "created" (see create.c)
 *   config.json the bundle's config as it was at create
 * Writers and readers that need a stable view take flock() on the directory
 * itself, so no separate lock file can be left behind.
 *
 * The status shown to users is never read from the file: it is derived from
 * the init process (alive, same start time, not a zombie) and the fifo. */
#ifndef RUNO_STATE_H
#define RUNO_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"

#define RUNO_STATE_FILE "state.json"
#define RUNO_EXEC_FIFO "exec.fifo"
#define RUNO_STATE_CONFIG "config.json" /* the bundle's, as created */
#define RUNO_SECCOMP_CACHE ".seccomp"   /* in the state root */
#define RUNO_ID_MAX 1024
/* The largest state.json runo writes or reads back; create refuses a
   config whose state would not fit (annotations are copied into it). */
#define RUNO_STATE_MAX (16 * 1024 * 1024)

enum runo_status
{
  RUNO_STATUS_CREATING,
  RUNO_STATUS_CREATED,
  RUNO_STATUS_RUNNING,
  RUNO_STATUS_PAUSED,
  RUNO_STATUS_STOPPED,
  RUNO_STATUS_UNKNOWN, /* state.json unreadable: only delete --force */
};

typedef struct runo_state
{
  char *id;
  pid_t pid;                         /* host pid of init, 0 while creating */
  unsigned long long pid_start_time; /* field 22 of /proc/<pid>/stat */
  char *bundle;                      /* absolute path */
  char *rootfs;                      /* absolute path */
  char *created;                     /* RFC 3339 */
  char *cgroup_path;                 /* NULL when no cgroup */
  bool cgroup_owned;                 /* create made it: delete may remove it */
  char *systemd_unit; /* the scope holding it (--systemd-cgroup), or NULL */
  bool own_pidns;     /* init is the first process of a new pid namespace */
  /* Set from the first write of create until its last: the state may lack
     the pid (not spawned yet) and the creator may have died half-way. */
  bool creating;
  pid_t creator_pid;
  unsigned long long creator_start_time;
  uid_t owner; /* uid that created the container */
  size_t annotations_len;
  char **annotation_keys;
  char **annotation_values;
} runo_state;

const char *runo_status_name (enum runo_status status);

/* Ids: 1..RUNO_ID_MAX bytes, no '/', no leading '.' (the state root's own
   entries start with one), no control characters or whitespace. */
int runo_id_validate (const char *id, runo_error **err);

/* Open the state root, creating it (0700) when CREATE is set.  Returns the
   directory fd or -1; a missing root without CREATE gives ENOENT. */
int runo_state_root_open (const runo_context *ctx, bool create,
                          runo_error **err);

/* Open (creating it 0700) the cache directory NAME in the state root;
   names start with '.', which no container id does.  -1 on failure: a
   cache is optional. */
int runo_state_cache_dir (int root_fd, const char *name);

/* Claim ID: create its directory (error "container id `x` already in use").
   Returns the directory fd. */
int runo_state_claim (int root_fd, const char *id, runo_error **err);

/* Open the directory of an existing container (error "container `x` does
   not exist").  Returns the directory fd. */
int runo_state_open (int root_fd, const char *id, runo_error **err);

/* flock() the container directory. */
int runo_state_lock (int dir_fd, bool exclusive, runo_error **err);

int runo_state_write (int dir_fd, const runo_state *state, runo_error **err);
/* A missing state.json (the container is still being created) gives
 *out == NULL and returns 0. */
int runo_state_read (int dir_fd, runo_state **out, runo_error **err);
void runo_state_free (runo_state *state);
static inline void
runo_state_cleanup (runo_state **s)
{
  runo_state_free (*s);
}
#define cleanup_state __attribute__ ((cleanup (runo_state_cleanup)))

/* Remove the container directory and its content. */
int runo_state_remove (int root_fd, const char *id, runo_error **err);

/* Write STATE's JSON into a buffer and check that it fits in
   RUNO_STATE_MAX. */
int runo_state_check_size (const runo_state *state, runo_error **err);

/* Derive the status from the live process.  STATE may be NULL (creating). */
enum runo_status runo_state_status (int dir_fd, const runo_state *state);

/* Start time (clock ticks after boot) of PID, from /proc/<pid>/stat; also
   reports whether it is a zombie.  ENOENT/ESRCH when gone. */
int runo_proc_start_time (pid_t pid, unsigned long long *start_time,
                          bool *zombie, runo_error **err);

/* User name of UID, or "#<uid>" when it has none.  Returns BUF. */
const char *runo_owner_name (uid_t uid, char *buf, size_t size);

/* The OCI state document (runtime.md) plus runc's extra fields (rootfs,
   created, owner), as engines parse it.  Caller frees. */
char *runo_state_to_json (const runo_state *state, const char *id,
                          enum runo_status status, bool pretty);

/* Append the same object to an open yajl generator (for `list`). */
struct yajl_gen_t;
void runo_state_gen (struct yajl_gen_t *gen, const runo_state *state,
                     const char *id, enum runo_status status);

#endif
