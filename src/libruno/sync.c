#include <config.h>

#include "sync.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

struct sync_header
{
  uint32_t type;
  int32_t errnum;
  uint32_t len;
  uint32_t nfds;
};

static const char *const type_names[] = {
  [RUNO_SYNC_ERROR] = "error",
  [RUNO_SYNC_INIT_PID] = "init pid",
  [RUNO_SYNC_HOST_SETUP_DONE] = "host setup done",
  [RUNO_SYNC_MOUNT_TREE] = "mount tree",
  [RUNO_SYNC_MOUNTS_DONE] = "mounts done",
  [RUNO_SYNC_HOOKS_DONE] = "hooks done",
  [RUNO_SYNC_PTY_MASTER] = "pty master",
  [RUNO_SYNC_SECCOMP_FD] = "seccomp listener",
  [RUNO_SYNC_READY] = "ready",
};

const char *
runo_sync_type_name (enum runo_sync_type type)
{
  if (type <= 0 || type >= RUNO_SYNC_TYPE_MAX)
    return "unknown";
  return type_names[type];
}

int
runo_sync_pair (int sv[2], runo_error **err)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return runo_error_errno (err, "create sync socket");
  return 0;
}

int
runo_sync_send (int fd, enum runo_sync_type type, int errnum,
                const void *payload, size_t len, const int *fds, size_t nfds,
                runo_error **err)
{
  struct sync_header hdr
      = { (uint32_t)type, errnum, (uint32_t)len, (uint32_t)nfds };
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * RUNO_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov[2] = { { &hdr, sizeof (hdr) }, { (void *)payload, len } };
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
  size_t sent = 0, total = sizeof (hdr) + len;

  if (nfds > RUNO_SYNC_MAX_FDS || len > RUNO_SYNC_MAX_PAYLOAD)
    return runo_error_make (err, EINVAL, "sync: message too large");
  if (nfds)
    {
      struct cmsghdr *cm;

      memset (&control, 0, sizeof (control));
      mh.msg_control = control.buf;
      mh.msg_controllen = CMSG_SPACE (sizeof (int) * nfds);
      cm = CMSG_FIRSTHDR (&mh);
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_RIGHTS;
      cm->cmsg_len = CMSG_LEN (sizeof (int) * nfds);
      memcpy (CMSG_DATA (cm), fds, sizeof (int) * nfds);
    }
  while (sent < total)
    {
      ssize_t n = sendmsg (fd, &mh, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "sync: send %s",
                                   runo_sync_type_name (type));
        }
      sent += (size_t)n;
      /* The fds went with the first bytes; move the iovecs past what was
         sent for the rest. */
      mh.msg_control = NULL;
      mh.msg_controllen = 0;
      while (n > 0 && mh.msg_iovlen > 0)
        {
          size_t step = (size_t)n < mh.msg_iov->iov_len ? (size_t)n
                                                        : mh.msg_iov->iov_len;
          mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + step;
          mh.msg_iov->iov_len -= step;
          n -= (ssize_t)step;
          if (mh.msg_iov->iov_len == 0)
            {
              mh.msg_iov++;
              mh.msg_iovlen--;
            }
        }
    }
  return 0;
}

/* Read exactly LEN bytes; 0 on success, 1 on EOF before any byte. */
static int
read_exact (int fd, void *buf, size_t len, runo_error **err)
{
  size_t got = 0;

  while (got < len)
    {
      ssize_t n = read (fd, (char *)buf + got, len - got);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return runo_error_errno (err, "sync: receive");
        }
      if (n == 0)
        {
          if (got == 0)
            return 1;
          return runo_error_make (err, EPROTO, "sync: truncated message");
        }
      got += (size_t)n;
    }
  return 0;
}

static void
close_fds (runo_sync_msg *msg)
{
  size_t i;

  for (i = 0; i < msg->nfds; i++)
    if (msg->fds[i] >= 0)
      close (msg->fds[i]);
  msg->nfds = 0;
}

void
runo_sync_msg_release (runo_sync_msg *msg)
{
  close_fds (msg);
  free (msg->payload);
  msg->payload = NULL;
  msg->len = 0;
}

/* The header and its fds arrive together: recvmsg for the header only. */
static int
recv_header (int fd, struct sync_header *hdr, runo_sync_msg *msg,
             runo_error **err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * RUNO_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { hdr, sizeof (*hdr) };
  struct msghdr mh = { .msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof (control.buf) };
  struct cmsghdr *cm;
  ssize_t n;

  do
    n = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return runo_error_errno (err, "sync: receive");
  if (n == 0)
    return 1;
  for (cm = CMSG_FIRSTHDR (&mh); cm; cm = CMSG_NXTHDR (&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      {
        size_t count = (cm->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        if (count > RUNO_SYNC_MAX_FDS)
          count = RUNO_SYNC_MAX_FDS;
        memcpy (msg->fds, CMSG_DATA (cm), count * sizeof (int));
        msg->nfds = count;
      }
  if (mh.msg_flags & MSG_CTRUNC)
    return runo_error_make (err, EPROTO, "sync: too many fds");
  if ((size_t)n < sizeof (*hdr)
      && read_exact (fd, (char *)hdr + n, sizeof (*hdr) - (size_t)n, err) != 0)
    return *err ? -1 : runo_error_make (err, EPROTO, "sync: truncated");
  return 0;
}

int
runo_sync_expect (int fd, enum runo_sync_type expected, runo_sync_msg *msg,
                  runo_error **err)
{
  struct sync_header hdr;
  int ret;

  memset (msg, 0, sizeof (*msg));
  ret = recv_header (fd, &hdr, msg, err);
  if (ret < 0)
    {
      close_fds (msg);
      return -1;
    }
  if (ret == 1)
    return runo_error_make (err, 0,
                            "container process exited unexpectedly "
                            "(waiting for %s)",
                            runo_sync_type_name (expected));
  if (hdr.len > RUNO_SYNC_MAX_PAYLOAD || hdr.nfds != msg->nfds)
    {
      close_fds (msg);
      return runo_error_make (err, EPROTO, "sync: malformed %s message",
                              runo_sync_type_name (hdr.type));
    }
  msg->type = hdr.type;
  msg->errnum = hdr.errnum;
  msg->len = hdr.len;
  if (hdr.len)
    {
      msg->payload = malloc (hdr.len + 1);
      if (msg->payload == NULL)
        {
          runo_sync_msg_release (msg);
          return runo_error_make (err, ENOMEM, "sync: receive");
        }
      if (read_exact (fd, msg->payload, hdr.len, err) != 0)
        {
          runo_sync_msg_release (msg);
          return *err ? -1 : runo_error_make (err, EPROTO, "sync: truncated");
        }
      msg->payload[hdr.len] = '\0';
    }
  if (msg->type == RUNO_SYNC_ERROR)
    {
      runo_error_make (err, msg->errnum, "%s",
                       msg->payload ? msg->payload : "unknown error");
      runo_sync_msg_release (msg);
      return -1;
    }
  if (msg->type != expected)
    {
      enum runo_sync_type got = msg->type;
      runo_sync_msg_release (msg);
      return runo_error_make (err, EPROTO, "sync: expected %s, got %s",
                              runo_sync_type_name (expected),
                              runo_sync_type_name (got));
    }
  return 0;
}

void
runo_sync_report_error (int fd, runo_error **err)
{
  runo_error *ignored = NULL;
  const char *msg = (*err && (*err)->msg) ? (*err)->msg : "unknown error";

  runo_sync_send (fd, RUNO_SYNC_ERROR, *err ? (*err)->errnum : 0, msg,
                  strlen (msg), NULL, 0, &ignored);
  runo_error_release (&ignored);
  runo_error_release (err);
}

pid_t
runo_sync_clone_sibling (int flags, int sync_fd, runo_error **err)
{
  pid_t pid = (pid_t)syscall (SYS_clone,
                              (unsigned long)(flags | CLONE_PARENT | SIGCHLD),
                              NULL, NULL, NULL, NULL);

  if (pid < 0)
    return runo_error_errno (err, "clone");
  if (pid == 0)
    return 0;
  if (runo_sync_send (sync_fd, RUNO_SYNC_INIT_PID, 0, &pid, sizeof (pid), NULL,
                      0, err)
      < 0)
    {
      kill (pid, SIGKILL);
      return -1;
    }
  return pid;
}
