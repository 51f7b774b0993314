/* runo: logging.  Errors always reach stderr as one line "runo: <msg>";
   with --log they are also written to the log file, as logrus text lines or,
   with --log-format json, as one JSON object per line
   ({"level":"error","msg":"...","time":"..."}), which is what containerd and
   Podman read back from runc.  Warnings and debug messages go to the log
   file when there is one, else to stderr. */
#ifndef RUNO_LOG_H
#define RUNO_LOG_H

#include "context.h"
#include "error.h"

enum runo_log_level
{
  RUNO_LOG_ERROR,
  RUNO_LOG_WARNING,
  RUNO_LOG_INFO,
  RUNO_LOG_DEBUG,
};

/* Open ctx->log_path (append, create 0600) into ctx->log_fd. */
int runo_log_open (runo_context *ctx, runo_error **err);
void runo_log_close (runo_context *ctx);

void runo_log (runo_context *ctx, enum runo_log_level level, const char *fmt,
               ...) __attribute__ ((format (printf, 3, 4)));
#define runo_warning(ctx, ...) runo_log ((ctx), RUNO_LOG_WARNING, __VA_ARGS__)
#define runo_debug(ctx, ...)                                                   \
  do                                                                           \
    {                                                                          \
      if ((ctx)->debug)                                                        \
        runo_log ((ctx), RUNO_LOG_DEBUG, __VA_ARGS__);                         \
    }                                                                          \
  while (0)

/* Report ERR (prefixed with the command name when there is one) and release
   it. */
void runo_log_error (runo_context *ctx, runo_error **err);

/* Format one log line (with trailing newline) as it would be written.
   Exposed for tests.  Caller frees. */
char *runo_log_format_line (enum runo_log_format format,
                            enum runo_log_level level, const char *msg,
                            const char *time);

#endif
