#include <config.h>

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "utils.h"

static const char *const level_names[] = {
  [RUNO_LOG_ERROR] = "error",
  [RUNO_LOG_WARNING] = "warning",
  [RUNO_LOG_INFO] = "info",
  [RUNO_LOG_DEBUG] = "debug",
};

int
runo_log_open (runo_context *ctx, runo_error **err)
{
  if (ctx->log_path == NULL || ctx->log_fd >= 0)
    return 0;
  ctx->log_fd
      = open (ctx->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (ctx->log_fd < 0)
    return runo_error_errno (err, "open log file `%s`", ctx->log_path);
  return 0;
}

void
runo_log_close (runo_context *ctx)
{
  if (ctx->log_fd >= 0)
    close (ctx->log_fd);
  ctx->log_fd = -1;
}

static char *
json_line (enum runo_log_level level, const char *msg, const char *time)
{
  yajl_gen gen = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  char *line = NULL;

  if (gen == NULL)
    return NULL;
#define KEY(s) yajl_gen_string (gen, (const unsigned char *)(s), strlen (s))
  yajl_gen_map_open (gen);
  KEY ("level");
  KEY (level_names[level]);
  KEY ("msg");
  KEY (msg);
  KEY ("time");
  KEY (time);
  yajl_gen_map_close (gen);
#undef KEY
  if (yajl_gen_get_buf (gen, &buf, &len) == yajl_gen_status_ok)
    line = runo_xasprintf ("%.*s\n", (int)len, (const char *)buf);
  yajl_gen_free (gen);
  return line;
}

/* logrus quotes values the way Go's %q does; escaping quotes, backslashes
   and control characters is what matters for a reader of one line. */
static char *
text_line (enum runo_log_level level, const char *msg, const char *time)
{
  size_t n = strlen (msg);
  cleanup_free char *quoted = runo_xmalloc0 (n * 4 + 1);
  char *q = quoted;
  const unsigned char *p;

  for (p = (const unsigned char *)msg; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          *q++ = '\\';
          *q++ = (char)*p;
        }
      else if (*p == '\n')
        {
          *q++ = '\\';
          *q++ = 'n';
        }
      else if (*p < 0x20)
        q += sprintf (q, "\\x%02x", *p);
      else
        *q++ = (char)*p;
    }
  *q = '\0';
  return runo_xasprintf ("time=\"%s\" level=%s msg=\"%s\"\n", time,
                         level_names[level], quoted);
}

char *
runo_log_format_line (enum runo_log_format format, enum runo_log_level level,
                      const char *msg, const char *time)
{
  if (format == RUNO_LOG_FORMAT_JSON)
    return json_line (level, msg, time);
  return text_line (level, msg, time);
}

static void
write_log_file (runo_context *ctx, enum runo_log_level level, const char *msg)
{
  cleanup_free char *time = runo_rfc3339_now ();
  cleanup_free char *line
      = runo_log_format_line (ctx->log_format, level, msg, time);

  if (line)
    (void)runo_write_all (ctx->log_fd, line, strlen (line));
}

static void
log_message (runo_context *ctx, enum runo_log_level level, const char *msg)
{
  if (ctx->log_fd >= 0)
    write_log_file (ctx, level, msg);
  if (level == RUNO_LOG_ERROR)
    fprintf (stderr, "runo: %s\n", msg);
  else if (ctx->log_fd < 0)
    fprintf (stderr, "runo: %s: %s\n", level_names[level], msg);
}

void
runo_log (runo_context *ctx, enum runo_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    log_message (ctx, level, msg);
}

void
runo_log_error (runo_context *ctx, runo_error **err)
{
  cleanup_free char *text = runo_error_text (*err);

  if (ctx->command)
    runo_log (ctx, RUNO_LOG_ERROR, "%s: %s", ctx->command,
              text ? text : "out of memory");
  else
    runo_log (ctx, RUNO_LOG_ERROR, "%s", text ? text : "out of memory");
  runo_error_release (err);
}
