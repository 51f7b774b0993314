/* runo CLI: one function per command, each in its own file.  A command
   parses its own options (getopt_long on argv, argv[0] being the command
   name) and calls the library; it returns the process exit status. */
#ifndef RUNO_COMMANDS_H
#define RUNO_COMMANDS_H

#include "libruno/context.h"

typedef int (*runo_command_fn) (runo_context *ctx, int argc, char **argv);

struct runo_command
{
  const char *name;
  runo_command_fn run; /* NULL: not implemented yet */
  const char *summary;
};

int cmd_spec (runo_context *ctx, int argc, char **argv);
int cmd_features (runo_context *ctx, int argc, char **argv);
int cmd_list (runo_context *ctx, int argc, char **argv);
int cmd_state (runo_context *ctx, int argc, char **argv);
int cmd_create (runo_context *ctx, int argc, char **argv);
int cmd_run (runo_context *ctx, int argc, char **argv);
int cmd_start (runo_context *ctx, int argc, char **argv);
int cmd_kill (runo_context *ctx, int argc, char **argv);
int cmd_delete (runo_context *ctx, int argc, char **argv);
int cmd_pause (runo_context *ctx, int argc, char **argv);
int cmd_resume (runo_context *ctx, int argc, char **argv);
int cmd_ps (runo_context *ctx, int argc, char **argv);
int cmd_update (runo_context *ctx, int argc, char **argv);
int cmd_events (runo_context *ctx, int argc, char **argv);
int cmd_exec (runo_context *ctx, int argc, char **argv);
int cmd_checkpoint (runo_context *ctx, int argc, char **argv);
int cmd_restore (runo_context *ctx, int argc, char **argv);

/* Shared by the commands: report a usage error ("runo: <cmd>: <why>") and
   return the exit status for it. */
int runo_usage_error (runo_context *ctx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Report what getopt_long returned C ('?' or ':') for: an unknown option
   or one missing its value.  Returns the exit status. */
int runo_bad_option (runo_context *ctx, int c, char **argv);

/* Prepare getopt_long for a command's argv (argv[0] is the command). */
void runo_getopt_reset (void);

/* create and run share their options; run adds --detach (and accepts
   runc's --no-subreaper and --keep, which change nothing here). */
struct runo_create_options;
int runo_parse_create_options (runo_context *ctx, int argc, char **argv,
                               bool is_run, struct runo_create_options *opts,
                               bool *detach);

/* Exactly one positional container id after the options, validated. */
int runo_take_id (runo_context *ctx, int argc, char **argv, const char **id);

#endif
