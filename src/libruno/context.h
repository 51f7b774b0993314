/* runo: the invocation context.  The library keeps no mutable globals:
   everything an operation needs to know about how runo was called (state
   root, logging, cgroup manager) travels in this struct. */
#ifndef RUNO_CONTEXT_H
#define RUNO_CONTEXT_H

#include <stdbool.h>

enum runo_log_format
{
  RUNO_LOG_FORMAT_TEXT,
  RUNO_LOG_FORMAT_JSON,
};

typedef struct runo_context
{
  const char *state_root; /* --root, default RUNO_DEFAULT_STATE_ROOT */
  const char *log_path;   /* --log, NULL for stderr only */
  int log_fd;             /* open --log file, -1 when none */
  enum runo_log_format log_format;
  bool debug;
  bool systemd_cgroup;
  const char *rootless; /* --rootless: "true", "false", "auto" or NULL */
  const char *command;  /* the command being run, for messages */
} runo_context;

#endif
