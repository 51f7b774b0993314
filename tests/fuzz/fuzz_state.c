/* libFuzzer target: runo_state_read, the reader of the state.json that
   every command but create opens.  The input is written as state.json in a
   private directory and read back; what is accepted must survive a write
   and a second read unchanged.  */

#include <config.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libruno/state.h"
#include "libruno/utils.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int dir_fd = -1;
static char dir_path[4096];

static void
remove_dir (void)
{
  unlinkat (dir_fd, RUNO_STATE_FILE, 0);
  rmdir (dir_path);
}

/* One directory for the whole run, under $TMPDIR (tests/fuzz/run.sh points
   it at its own scratch directory, removed even after a crash).  */
static int
state_dir (void)
{
  const char *tmp = getenv ("TMPDIR");

  if (dir_fd >= 0)
    return dir_fd;
  snprintf (dir_path, sizeof dir_path, "%s/runo-fuzz-state.XXXXXX",
            tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp (dir_path) == NULL)
    abort ();
  dir_fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    abort ();
  atexit (remove_dir);
  return dir_fd;
}

static void
write_input (int fd, const uint8_t *data, size_t size)
{
  int f = openat (fd, RUNO_STATE_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  0600);
  if (f < 0 || (size > 0 && write (f, data, size) != (ssize_t)size))
    abort ();
  close (f);
}

static int
str_eq (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a && b && strcmp (a, b) == 0);
}

static void
compare (const runo_state *a, const runo_state *b)
{
  size_t i;

  if (!str_eq (a->id, b->id) || a->pid != b->pid
      || a->pid_start_time != b->pid_start_time
      || !str_eq (a->bundle, b->bundle) || !str_eq (a->rootfs, b->rootfs)
      || !str_eq (a->created, b->created)
      || !str_eq (a->cgroup_path, b->cgroup_path) || a->owner != b->owner
      || a->annotations_len != b->annotations_len)
    abort ();
  for (i = 0; i < a->annotations_len; i++)
    if (!str_eq (a->annotation_keys[i], b->annotation_keys[i])
        || !str_eq (a->annotation_values[i], b->annotation_values[i]))
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int fd = state_dir ();
  cleanup_state runo_state *st = NULL;
  cleanup_state runo_state *again = NULL;
  runo_error *err = NULL;

  write_input (fd, data, size);
  if (runo_state_read (fd, &st, &err) < 0)
    {
      if (err == NULL || strchr (err->msg, '\n') != NULL)
        abort ();
      runo_error_release (&err);
      return 0;
    }
  if (st == NULL)
    abort (); /* the file exists */
  if (runo_state_write (fd, st, &err) < 0
      || runo_state_read (fd, &again, &err) < 0 || again == NULL)
    {
      fprintf (stderr, "rewrite: %s\n", err ? err->msg : "no state");
      abort ();
    }
  compare (st, again);
  return 0;
}
