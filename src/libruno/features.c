#include <config.h>

#include "features.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "lsm.h"
#include "mounts.h"
#include "namespaces.h"
#include "ocispec.h"
#include "seccomp.h"
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

static char *hook_names[]
    = { "prestart",       "createRuntime", "createContainer",
        "startContainer", "poststart",     "poststop" };

/* Every capability libcap can name (the kernel's missing ones are skipped
   with a warning at run time, as the spec allows), as "CAP_X". */
static char **
capability_names (size_t *n)
{
  size_t max = (size_t)cap_max_bits (), i, count = 0;
  char **names = runo_xmalloc0 (max * sizeof (char *));

  for (i = 0; i < max; i++)
    {
      char *name = cap_to_name ((cap_value_t)i), *p;

      if (name == NULL)
        continue;
      if (strncmp (name, "cap_", 4) == 0)
        {
          names[count] = runo_xstrdup (name);
          for (p = names[count]; *p; p++)
            *p = (char)toupper ((unsigned char)*p);
          count++;
        }
      cap_free (name);
    }
  *n = count;
  return names;
}

int
runo_features_json (char **json, runo_error **err)
{
  const struct scmp_version *v = seccomp_version ();
  cleanup_free char *seccomp_ver = NULL;
  const char *mount_options[128];
  char *namespaces[RUNO_NS_COUNT];
  char **capabilities;
  size_t n_caps, i;
  oci_features features = { 0 };
  oci_features_linux linux_features = { 0 };
  oci_features_linux_cgroup cgroup = { 0 };
  oci_features_linux_seccomp seccomp = { 0 };
  oci_features_linux_apparmor apparmor = { 0 };
  oci_features_linux_selinux selinux = { 0 };
  oci_features_linux_intel_rdt intel_rdt = { 0 };
  oci_features_linux_mount_extensions mount_ext = { 0 };
  oci_features_linux_mount_extensions_idmap idmap = { 0 };
  oci_features_linux_net_devices net_devices = { 0 };
  oci_map_string annotations = { 0 };
  const char *supported_flags[RUNO_SECCOMP_N_FLAGS];
  char *keys[1], *values[1];
  char *gen_err = NULL;

  features.oci_version_min = (char *)"1.0.0";
  features.oci_version_max = (char *)OCI_SPEC_VERSION;
  features.hooks = hook_names;
  features.hooks_len = sizeof (hook_names) / sizeof (hook_names[0]);
  features.hooks_present = true;
  features.mount_options = (char **)mount_options;
  features.mount_options_len = runo_mount_option_names (
      mount_options, sizeof (mount_options) / sizeof (mount_options[0]));
  features.mount_options_present = true;

  for (i = 0; i < RUNO_NS_COUNT; i++)
    namespaces[i] = (char *)runo_ns_config_name ((enum runo_ns)i);
  linux_features.namespaces = namespaces;
  linux_features.namespaces_len = RUNO_NS_COUNT;
  linux_features.namespaces_present = true;
  capabilities = capability_names (&n_caps);
  linux_features.capabilities = capabilities;
  linux_features.capabilities_len = n_caps;
  linux_features.capabilities_present = true;

  /* What runo implements, not what this host has. */
  cgroup.v1 = cgroup.v1_present = true;
  cgroup.v2 = cgroup.v2_present = true;
  cgroup.systemd_present = cgroup.systemd_user_present = true;
  cgroup.rdma = cgroup.rdma_present = true;
  linux_features.cgroup = &cgroup;
  runo_seccomp_features (&seccomp, supported_flags);
  linux_features.seccomp = &seccomp;
  /* These two are what this host has: a label is refused without it. */
  apparmor.enabled = runo_apparmor_enabled ();
  apparmor.enabled_present = true;
  linux_features.apparmor = &apparmor;
  selinux.enabled = runo_selinux_enabled ();
  selinux.enabled_present = true;
  linux_features.selinux = &selinux;
  intel_rdt.enabled_present = true;
  linux_features.intel_rdt = &intel_rdt;
  idmap.enabled = idmap.enabled_present = true;
  mount_ext.idmap = &idmap;
  linux_features.mount_extensions = &mount_ext;
  net_devices.enabled = net_devices.enabled_present = true;
  linux_features.net_devices = &net_devices;
  features.linux_ = &linux_features;

  if (v)
    seccomp_ver = runo_xasprintf ("%u.%u.%u", v->major, v->minor, v->micro);
  keys[0] = (char *)"io.github.seccomp.libseccomp.version";
  values[0] = seccomp_ver ? seccomp_ver : (char *)"unknown";
  annotations.keys = keys;
  annotations.values = values;
  annotations.len = 1;
  features.annotations = &annotations;

  *json = oci_features_generate (&features, true, &gen_err);
  for (i = 0; i < n_caps; i++)
    free (capabilities[i]);
  free (capabilities);
  if (*json == NULL)
    {
      runo_error_make (err, 0, "generate features: %s",
                       gen_err ? gen_err : "unknown error");
      free (gen_err);
      return -1;
    }
  return 0;
}
