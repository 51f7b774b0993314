#include <config.h>

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Allocation failure while building an error leaves a fixed message rather
   than losing the error: the caller still sees that something failed. */
static char oom_message[] = "out of memory";
static runo_error oom_error = { ENOMEM, oom_message };

static void
set_message (runo_error *e, char *msg)
{
  if (e->msg != oom_message)
    free (e->msg);
  e->msg = msg ? msg : oom_message;
}

int
runo_error_make (runo_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;
  runo_error *e;

  if (err == NULL)
    return -1;
  /* An earlier error that nobody released would leak: keep the first. */
  if (*err != NULL)
    return -1;

  e = calloc (1, sizeof (*e));
  if (e == NULL)
    {
      *err = &oom_error;
      return -1;
    }
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  e->errnum = errnum;
  set_message (e, msg);
  *err = e;
  return -1;
}

int
runo_error_wrap (runo_error **err, const char *fmt, ...)
{
  va_list ap;
  char *ctx = NULL, *msg = NULL;

  if (err == NULL || *err == NULL || (*err)->msg == oom_message)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    ctx = NULL;
  va_end (ap);
  if (ctx && asprintf (&msg, "%s: %s", ctx, (*err)->msg) < 0)
    msg = NULL;
  free (ctx);
  set_message (*err, msg);
  return -1;
}

char *
runo_error_text (const runo_error *err)
{
  char *text = NULL;

  if (err == NULL)
    return strdup ("unknown error");
  if (err->errnum == 0)
    return strdup (err->msg);
  if (asprintf (&text, "%s: %s", err->msg, strerror (err->errnum)) < 0)
    return NULL;
  return text;
}

void
runo_error_release (runo_error **err)
{
  runo_error *e;

  if (err == NULL || *err == NULL)
    return;
  e = *err;
  *err = NULL;
  if (e == &oom_error)
    return;
  if (e->msg != oom_message)
    free (e->msg);
  free (e);
}
