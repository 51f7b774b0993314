#include <config.h>

#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocispec.h"
#include "utils.h"

/* Kept as JSON so it reads like the file it produces; it is parsed (and so
   checked against the schema) before use. */
static const char default_config[]
    = "{"
      "\"ociVersion\": \"" OCI_SPEC_VERSION "\","
      "\"process\": {"
      "  \"terminal\": true,"
      "  \"user\": {\"uid\": 0, \"gid\": 0},"
      "  \"args\": [\"sh\"],"
      "  \"env\": "
      "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", "
      "\"TERM=xterm\"],"
      "  \"cwd\": \"/\","
      "  \"capabilities\": {"
      "    \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
      "\"CAP_NET_BIND_SERVICE\"],"
      "    \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
      "\"CAP_NET_BIND_SERVICE\"],"
      "    \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
      "\"CAP_NET_BIND_SERVICE\"]"
      "  },"
      "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": "
      "1024}],"
      "  \"noNewPrivileges\": true"
      "},"
      "\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
      "\"hostname\": \"runo\","
      "\"mounts\": ["
      "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\"},"
      "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\","
      "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
      "\"size=65536k\"]},"
      "  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
      "\"devpts\","
      "   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
      "\"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},"
      "  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
      "\"shm\","
      "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", "
      "\"size=65536k\"]},"
      "  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": "
      "\"mqueue\","
      "   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
      "  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
      "\"sysfs\","
      "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
      "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", "
      "\"source\": \"cgroup\","
      "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", "
      "\"ro\"]}"
      "],"
      "\"linux\": {"
      "  \"resources\": {\"devices\": [{\"allow\": false, \"access\": "
      "\"rwm\"}]},"
      "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, "
      "{\"type\": \"ipc\"},"
      "                 {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": "
      "\"cgroup\"}],"
      "  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", "
      "\"/proc/keys\","
      "                  \"/proc/latency_stats\", \"/proc/timer_list\", "
      "\"/proc/timer_stats\","
      "                  \"/proc/sched_debug\", \"/sys/firmware\", "
      "\"/proc/scsi\"],"
      "  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", "
      "\"/proc/sys\","
      "                    \"/proc/sysrq-trigger\"]"
      "}"
      "}";

static oci_id_mapping **
single_mapping (uint32_t host_id)
{
  oci_id_mapping **list = runo_xmalloc0 (sizeof (*list));

  list[0] = runo_xmalloc0 (sizeof (**list));
  list[0]->container_id = 0;
  list[0]->container_id_present = true;
  list[0]->host_id = host_id;
  list[0]->host_id_present = true;
  list[0]->size = 1;
  list[0]->size_present = true;
  return list;
}

static void
remove_string (char **list, size_t *len, const char *value)
{
  size_t i;

  for (i = 0; i < *len; i++)
    if (strcmp (list[i], value) == 0)
      {
        free (list[i]);
        memmove (&list[i], &list[i + 1], (*len - i - 1) * sizeof (*list));
        (*len)--;
        return;
      }
}

/* An unprivileged caller cannot make a network namespace usable, set device
   cgroup rules or mount a fresh sysfs outside its own network namespace:
   map it to root in a new user namespace instead. */
static void
make_rootless (oci_config *config)
{
  oci_config_linux *linux_cfg = config->linux_;
  size_t i;

  for (i = 0; i < linux_cfg->namespaces_len; i++)
    if (strcmp (linux_cfg->namespaces[i]->type, "network") == 0)
      {
        free (linux_cfg->namespaces[i]->type);
        linux_cfg->namespaces[i]->type = runo_xstrdup ("user");
      }

  linux_cfg->uid_mappings = single_mapping (geteuid ());
  linux_cfg->uid_mappings_len = 1;
  linux_cfg->uid_mappings_present = true;
  linux_cfg->gid_mappings = single_mapping (getegid ());
  linux_cfg->gid_mappings_len = 1;
  linux_cfg->gid_mappings_present = true;

  oci_config_linux_resources_free (linux_cfg->resources);
  linux_cfg->resources = NULL;

  for (i = 0; i < config->mounts_len; i++)
    {
      oci_mount *m = config->mounts[i];

      if (strcmp (m->destination, "/sys") == 0)
        {
          char **opts;

          free (m->type);
          m->type = runo_xstrdup ("none");
          free (m->source);
          m->source = runo_xstrdup ("/sys");
          opts = realloc (m->options, (m->options_len + 1) * sizeof (*opts));
          if (opts == NULL)
            abort ();
          m->options = opts;
          m->options[m->options_len++] = runo_xstrdup ("rbind");
        }
      else if (strcmp (m->destination, "/dev/pts") == 0)
        /* gid 5 (tty) is not mapped in the user namespace. */
        remove_string (m->options, &m->options_len, "gid=5");
    }
}

int
runo_spec_default (bool rootless, char **json, runo_error **err)
{
  oci_config *config;
  char *parse_err = NULL, *gen_err = NULL;

  config = oci_config_parse_data (default_config, sizeof (default_config) - 1,
                                  "default config", &parse_err);
  if (config == NULL)
    {
      runo_error_make (err, 0, "%s", parse_err ? parse_err : "parse error");
      free (parse_err);
      return -1;
    }
  if (rootless)
    make_rootless (config);
  *json = oci_config_generate (config, true, &gen_err);
  oci_config_free (config);
  if (*json == NULL)
    {
      runo_error_make (err, 0, "generate config: %s",
                       gen_err ? gen_err : "unknown error");
      free (gen_err);
      return -1;
    }
  return 0;
}

int
runo_spec_write (const char *bundle, bool rootless, runo_error **err)
{
  cleanup_free char *json = NULL;
  cleanup_close int dir_fd = -1;
  cleanup_close int fd = -1;
  size_t len;

  dir_fd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return runo_error_errno (err, "open bundle `%s`", bundle);
  if (runo_spec_default (rootless, &json, err) < 0)
    return -1;
  fd = openat (dir_fd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
               0666);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return runo_error_make (err, 0,
                                "`%s/config.json` exists: remove it "
                                "first",
                                bundle);
      return runo_error_errno (err, "create `%s/config.json`", bundle);
    }
  len = strlen (json);
  json[len] = '\n';
  if (runo_write_all (fd, json, len + 1) < 0)
    {
      int saved = errno;
      unlinkat (dir_fd, "config.json", 0);
      return runo_error_make (err, saved, "write `%s/config.json`", bundle);
    }
  return 0;
}
