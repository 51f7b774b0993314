#include <config.h>

#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

#define REQUIRED_SEALS                                                         \
  (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int
runo_running_from_sealed_copy (void)
{
  cleanup_close int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int seals;

  if (fd < 0)
    return 0;
  seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

int
runo_ensure_cloned_binary (char **argv, char **envp, runo_error **err)
{
  cleanup_close int exe = -1;
  cleanup_close int copy = -1;
  struct stat st;
  off_t offset = 0;
  int tries;

  if (runo_running_from_sealed_copy ())
    return 0;
  exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return runo_error_errno (err, "open /proc/self/exe");
  if (fstat (exe, &st) < 0)
    return runo_error_errno (err, "stat /proc/self/exe");
  copy = memfd_create ("runo", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (copy < 0)
    return runo_error_errno (err, "memfd_create");
  while (offset < st.st_size)
    {
      ssize_t n = sendfile (copy, exe, &offset, (size_t)(st.st_size - offset));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "copy runo into a memfd");
        }
      if (n == 0)
        break;
    }
  /* EBUSY: a page of the copy is still referenced for a moment (the
     kernel's own batches, under load); the kernel's wait for those has a
     bound, so try again a few times before giving up. */
  for (tries = 0; fcntl (copy, F_ADD_SEALS, REQUIRED_SEALS) < 0; tries++)
    {
      struct timespec ts = { 0, 1000000 };

      if (errno != EBUSY || tries == 50)
        return runo_error_errno (err, "seal the runo copy");
      nanosleep (&ts, NULL);
    }
  syscall (SYS_execveat, copy, "", argv, envp, AT_EMPTY_PATH);
  return runo_error_errno (err, "execute the sealed runo copy");
}
