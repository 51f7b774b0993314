#include "config.h"

#include "checkpoint.h"

/* libcriu is found at configure time (criu.pc, Debian's criu package), but
   the dump and restore themselves are not written yet: both commands fail
   before touching the container, whichever way runo was built. */

bool
runo_checkpoint_compiled_in (void)
{
  return false;
}

static int
not_available (runo_error **err)
{
#ifdef HAVE_CRIU
  return runo_error_make (err, 0,
                          "not implemented (libcriu is there, the dump "
                          "and restore are not written yet)");
#else
  return runo_error_make (err, 0,
                          "not compiled in (runo was built without "
                          "libcriu)");
#endif
}

int
runo_container_checkpoint (runo_context *ctx,
                           const runo_checkpoint_options *opts,
                           runo_error **err)
{
  (void)ctx;
  (void)opts;
  return not_available (err);
}

int
runo_container_restore (runo_context *ctx, const runo_checkpoint_options *opts,
                        runo_error **err)
{
  (void)ctx;
  (void)opts;
  return not_available (err);
}
