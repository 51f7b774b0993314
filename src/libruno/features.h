/* runo: the features document (runtime-spec features.md). */
#ifndef RUNO_FEATURES_H
#define RUNO_FEATURES_H

#include "error.h"

/* The features document as pretty-printed JSON.  It lists only what runo
   really does today: a feature is added here in the same change that
   implements it.  Caller frees *json. */
int runo_features_json (char **json, runo_error **err);

/* Libraries and options compiled in, for --version ("+SECCOMP +CAP ..."). */
const char *runo_compiled_features (void);

#endif
