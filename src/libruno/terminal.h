/* runo: process.terminal.  The pty is made inside the container (its own
   devpts), the slave becomes the process's controlling terminal and stdio,
   and the master goes to the runtime, which hands it to the engine over
   --console-socket (SCM_RIGHTS), as runc does. */
#ifndef RUNO_TERMINAL_H
#define RUNO_TERMINAL_H

#include <signal.h>
#include <sys/types.h>

#include "error.h"
#include "ocispec.h"

/* In the container after pivot_root: open /dev/ptmx, apply consoleSize,
   make the slave fd 0-2 and the controlling terminal (setsid + TIOCSCTTY).
   Returns the master fd (close-on-exec); PROCESS may be NULL. */
int runo_terminal_setup (const oci_config_process *process, runo_error **err);

/* In the container after runo_terminal_setup: bind the pty slave onto
   /dev/console (created as an empty file), as programs expect. */
int runo_terminal_bind_console (int master_fd, runo_error **err);

/* In the runtime: connect to the unix socket at SOCKET_PATH and send
   MASTER_FD with SCM_RIGHTS; the payload is the pty's name ("/dev/pts/N" as
   the master's devpts numbers it, "/dev/ptmx" if unknown), as runc sends. */
int runo_terminal_send_master (const char *socket_path, int master_fd,
                               runo_error **err);

/* Receive one fd passed with SCM_RIGHTS on SOCK_FD into *FD (close-on-exec);
   the payload is read and dropped, extra fds are closed. */
int runo_terminal_recv_fd (int sock_fd, int *fd, runo_error **err);

/* Foreground run with a terminal and no console socket: runo's own stdin
   (put in raw mode when it is a terminal) goes to MASTER_FD and the
   container's output to runo's stdout, window size changes follow
   SIGWINCH, the other signals of FORWARDED (blocked by the caller) go to
   PID, until PID exits; *EXIT_STATUS as runo_wait_forwarding. */
int runo_terminal_relay (int master_fd, pid_t pid, const sigset_t *forwarded,
                         int *exit_status, runo_error **err);

#endif
