#include <config.h>

#include "features.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "utils.h"

const char *
runo_compiled_features (void)
{
  return "+SECCOMP +CAP +YAJL +MNL"
#ifdef __SANITIZE_ADDRESS__
         " +ASAN"
#endif
      ;
}

int
runo_features_json (char **json, runo_error **err)
{
  const struct scmp_version *v = seccomp_version ();
  cleanup_free char *seccomp_ver = NULL;
  oci_features features = { 0 };
  oci_features_linux linux_features = { 0 };
  oci_map_string annotations = { 0 };
  char *keys[1], *values[1];
  char *gen_err = NULL;

  features.oci_version_min = (char *) "1.0.0";
  features.oci_version_max = (char *) OCI_SPEC_VERSION;

  /* Nothing of the container lifecycle is implemented yet, so runo
     recognises no hook, mount option, namespace or capability: the lists
     are present and empty rather than claiming support. */
  features.hooks_present = true;
  features.mount_options_present = true;
  linux_features.namespaces_present = true;
  linux_features.capabilities_present = true;
  features.linux_ = &linux_features;

  if (v)
    seccomp_ver = runo_xasprintf ("%u.%u.%u", v->major, v->minor, v->micro);
  keys[0] = (char *) "io.github.seccomp.libseccomp.version";
  values[0] = seccomp_ver ? seccomp_ver : (char *) "unknown";
  annotations.keys = keys;
  annotations.values = values;
  annotations.len = 1;
  features.annotations = &annotations;

  *json = oci_features_generate (&features, true, &gen_err);
  if (*json == NULL)
    {
      runo_error_make (err, 0, "generate features: %s",
                       gen_err ? gen_err : "unknown error");
      free (gen_err);
      return -1;
    }
  return 0;
}
