/* Unit tests for the container filesystem (src/libruno/rootfs.c, mounts.c,
   devices.c) on the real kernel.  Each test builds a tiny rootfs in a temp
   dir, forks a child that enters its own mount namespace (so the host's
   mount table is never touched), runs prepare + finish there and checks
   the result from inside; the parent removes the temp dir once the child
   (and with it the namespace) is gone, whatever the outcome. */
#include <config.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libruno/rootfs.h"
#include "libruno/utils.h"

/* Assertions inside the forked child: report and exit non-zero. */
#define CHECK(cond)                                                            \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          fprintf (stderr, "%s:%d: check failed: %s (errno: %s)\n", __FILE__,  \
                   __LINE__, #cond, strerror (errno));                         \
          _exit (1);                                                           \
        }                                                                      \
    }                                                                          \
  while (0)

#define RUNO_OK(call)                                                          \
  do                                                                           \
    {                                                                          \
      runo_error *err_ = NULL;                                                 \
      if ((call) < 0)                                                          \
        {                                                                      \
          char *t_ = runo_error_text (err_);                                   \
          fprintf (stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, t_);  \
          _exit (1);                                                           \
        }                                                                      \
    }                                                                          \
  while (0)

static char base_template[64];
static char *base;   /* temp dir of the current test */
static char *rootfs; /* base/rootfs */

static void
write_file (const char *path, const char *content)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (runo_write_all (fd, content, strlen (content)), 0);
  close (fd);
}

static char *at_base (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));
static char *
at_base (const char *fmt, ...)
{
  va_list ap;
  char *rel, *p;

  va_start (ap, fmt);
  ck_assert_int_ge (vasprintf (&rel, fmt, ap), 0);
  va_end (ap);
  p = runo_xasprintf ("%s/%s", base, rel);
  free (rel);
  return p;
}

static void
make_dir (const char *rel)
{
  cleanup_free char *p = at_base ("%s", rel);
  ck_assert_int_eq (mkdir (p, 0755), 0);
}

/* base/rootfs with a marker and a few dirs, base/host for bind sources. */
static void
setup (void)
{
  cleanup_free char *p = NULL;

  strcpy (base_template, "/tmp/runo-test-rootfs-XXXXXX");
  base = mkdtemp (base_template);
  ck_assert_ptr_nonnull (base);
  rootfs = at_base ("rootfs");
  make_dir ("rootfs");
  make_dir ("rootfs/proc");
  make_dir ("rootfs/sys");
  make_dir ("rootfs/dev");
  make_dir ("rootfs/etc");
  make_dir ("rootfs/tmp");
  make_dir ("rootfs/secret-dir");
  make_dir ("rootfs/rodir");
  make_dir ("host");
  make_dir ("host/dir");
  p = at_base ("rootfs/marker");
  write_file (p, "marker\n");
  free (p);
  p = at_base ("rootfs/secret-dir/data");
  write_file (p, "secret\n");
  free (p);
  p = at_base ("rootfs/secret-file");
  write_file (p, "secret\n");
  free (p);
  p = at_base ("rootfs/etc/copyme");
  write_file (p, "copied\n");
  free (p);
  p = at_base ("host/file");
  write_file (p, "host file\n");
  free (p);
  p = at_base ("host/dir/inside");
  write_file (p, "inside\n");
}

static int
remove_entry (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove (path);
}

static void
teardown (void)
{
  ck_assert_int_eq (nftw (base, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
  free (rootfs);
}

/* Run FN in a child in its own mount namespace ("/" made rprivate there),
   cwd = base (the "bundle"); returns its exit status. */
static int
run_in_child (void (*fn) (void))
{
  pid_t pid = fork ();
  int status;

  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      CHECK (unshare (CLONE_NEWNS) == 0);
      CHECK (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
      CHECK (chdir (base) == 0);
      fn ();
      _exit (0);
    }
  while (waitpid (pid, &status, 0) < 0)
    ck_assert_int_eq (errno, EINTR);
  return status;
}

/* setup, FN in a child, POST (may be NULL) in the parent, and the temp
   dir removed before anything is asserted, so a failure leaves nothing. */
static void
run_test (void (*fn) (void), bool (*post) (void))
{
  int status;
  bool post_ok = true;

  setup ();
  status = run_in_child (fn);
  if (post)
    post_ok = post ();
  teardown ();
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                 "child failed (status %d), see stderr", status);
  ck_assert_msg (post_ok, "check after the child failed");
}

#define ASSERT_CHILD_OK(fn) run_test ((fn), NULL)

static oci_config *parse_config (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));
static oci_config *
parse_config (const char *fmt, ...)
{
  va_list ap;
  char *json, *perr = NULL;
  oci_config *c;

  va_start (ap, fmt);
  CHECK (vasprintf (&json, fmt, ap) >= 0);
  va_end (ap);
  c = oci_config_parse_data (json, strlen (json), "config.json", &perr);
  if (c == NULL)
    {
      fprintf (stderr, "config: %s\n%s\n", perr, json);
      _exit (1);
    }
  free (json);
  return c;
}

/* The mountinfo line of the last mount at MP (as seen now), or NULL. */
static char *
mountinfo (const char *mp)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL, *found = NULL;
  size_t n = 0;

  CHECK (f != NULL);
  while (getline (&line, &n, f) > 0)
    {
      char point[4096];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", point) == 1
          && strcmp (point, mp) == 0)
        {
          free (found);
          found = runo_xstrdup (line);
        }
    }
  free (line);
  fclose (f);
  return found;
}

/* Does the per-mount option list (field 6) of MP contain OPT? */
static bool
mount_has_option (const char *mp, const char *opt)
{
  cleanup_free char *line = mountinfo (mp);
  char opts[1024], *tok, *save;

  if (line == NULL)
    return false;
  if (sscanf (line, "%*s %*s %*s %*s %*s %1023s", opts) != 1)
    return false;
  for (tok = strtok_r (opts, ",", &save); tok;
       tok = strtok_r (NULL, ",", &save))
    if (strcmp (tok, opt) == 0)
      return true;
  return false;
}

static bool
mount_fstype_is (const char *mp, const char *type)
{
  cleanup_free char *line = mountinfo (mp);
  char *sep, fstype[64];

  if (line == NULL || (sep = strstr (line, " - ")) == NULL)
    return false;
  return sscanf (sep + 3, "%63s", fstype) == 1 && strcmp (fstype, type) == 0;
}

static ssize_t
read_all (const char *path, char *buf, size_t size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = read (fd, buf, size - 1);
  close (fd);
  if (n >= 0)
    buf[n] = '\0';
  return n;
}

static void
check_device (const char *path, mode_t type, unsigned int major,
              unsigned int minor, mode_t perm)
{
  struct stat st;

  CHECK (lstat (path, &st) == 0);
  CHECK ((st.st_mode & S_IFMT) == type);
  if (type != S_IFIFO)
    {
      CHECK (major (st.st_rdev) == major);
      CHECK (minor (st.st_rdev) == minor);
    }
  CHECK ((st.st_mode & 07777) == perm);
}

static void
check_link (const char *path, const char *target)
{
  char buf[256];
  ssize_t n = readlink (path, buf, sizeof (buf) - 1);

  CHECK (n > 0);
  buf[n] = '\0';
  CHECK (strcmp (buf, target) == 0);
}

static const char default_mounts[]
    = "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
      "{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
      " \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
      "\"size=65536k\"]},"
      "{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
      "\"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
      "\"ptmxmode=0666\", \"mode=0620\"]},"
      "{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
      "\"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
      "\"mode=1777\", \"size=65536k\"]},"
      "{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": "
      "\"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
      "{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
      " \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}";

static void
full_container (void)
{
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\", "
      "\"readonly\": true},"
      " \"mounts\": [%s,"
      "  {\"destination\": \"/data/file\", \"type\": \"bind\", \"source\": "
      "\"host/file\", \"options\": [\"bind\"]},"
      "  {\"destination\": \"/mnt/ro\", \"type\": \"none\", \"source\": "
      "\"%s/host/dir\", \"options\": [\"rbind\", \"ro\", \"nosuid\"]},"
      "  {\"destination\": \"/etc\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\", \"options\": [\"tmpcopyup\", \"nodev\"]}"
      " ],"
      " \"linux\": {\"maskedPaths\": [\"/proc/kcore\", \"/proc/timer_list\", "
      "\"/proc/acpi\", \"/secret-dir\", "
      "\"/secret-file\", \"/does/not/exist\"],"
      "  \"readonlyPaths\": [\"/proc/sys\", \"/rodir\", \"/nope\"]}}",
      default_mounts, base);
  runo_rootfs *r = NULL;
  char buf[256];
  struct stat st;
  cleanup_free char *in_rootfs = runo_xasprintf ("%s/proc", rootfs);

  RUNO_OK (runo_rootfs_validate (c, &err_));
  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  /* Before finish the hooks see the host: the mounts are under rootfs. */
  CHECK (getcwd (buf, sizeof (buf)) && strcmp (buf, base) == 0);
  CHECK (mount_fstype_is (in_rootfs, "proc"));
  CHECK (mount_fstype_is (rootfs, "ext4") || mountinfo (rootfs) != NULL);
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));

  /* "/" is the rootfs */
  CHECK (getcwd (buf, sizeof (buf)) && strcmp (buf, "/") == 0);
  CHECK (access ("/marker", F_OK) == 0);
  CHECK (access (base, F_OK) < 0 && errno == ENOENT);
  CHECK (mount_has_option ("/", "ro"));
  CHECK (mkdir ("/newdir", 0755) < 0 && errno == EROFS);

  /* mounts and their options */
  CHECK (mount_fstype_is ("/proc", "proc"));
  CHECK (mount_fstype_is ("/dev", "tmpfs"));
  CHECK (mount_has_option ("/dev", "nosuid"));
  CHECK (mount_has_option ("/dev", "rw"));
  CHECK (mount_fstype_is ("/dev/pts", "devpts"));
  CHECK (mount_has_option ("/dev/pts", "noexec"));
  CHECK (mount_fstype_is ("/dev/shm", "tmpfs"));
  CHECK (mount_has_option ("/dev/shm", "nodev"));
  CHECK (mount_fstype_is ("/dev/mqueue", "mqueue"));
  CHECK (mount_fstype_is ("/sys", "sysfs"));
  CHECK (mount_has_option ("/sys", "ro"));
  CHECK (mount_has_option ("/sys", "nosuid"));
  CHECK (mount_has_option ("/mnt/ro", "ro"));
  CHECK (mount_has_option ("/mnt/ro", "nosuid"));
  CHECK (read_all ("/mnt/ro/inside", buf, sizeof (buf)) > 0);
  CHECK (open ("/mnt/ro/new", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS);

  /* bind of a file onto a created empty file */
  CHECK (stat ("/data/file", &st) == 0 && S_ISREG (st.st_mode));
  CHECK (read_all ("/data/file", buf, sizeof (buf)) > 0);
  CHECK (strcmp (buf, "host file\n") == 0);

  /* tmpcopyup kept what /etc had */
  CHECK (mount_fstype_is ("/etc", "tmpfs"));
  CHECK (mount_has_option ("/etc", "nodev"));
  CHECK (read_all ("/etc/copyme", buf, sizeof (buf)) > 0);
  CHECK (strcmp (buf, "copied\n") == 0);

  /* default devices and links */
  check_device ("/dev/null", S_IFCHR, 1, 3, 0666);
  check_device ("/dev/zero", S_IFCHR, 1, 5, 0666);
  check_device ("/dev/full", S_IFCHR, 1, 7, 0666);
  check_device ("/dev/random", S_IFCHR, 1, 8, 0666);
  check_device ("/dev/urandom", S_IFCHR, 1, 9, 0666);
  check_device ("/dev/tty", S_IFCHR, 5, 0, 0666);
  check_link ("/dev/fd", "/proc/self/fd");
  check_link ("/dev/stdin", "/proc/self/fd/0");
  check_link ("/dev/stdout", "/proc/self/fd/1");
  check_link ("/dev/stderr", "/proc/self/fd/2");
  check_link ("/dev/core", "/proc/kcore");
  check_link ("/dev/ptmx", "pts/ptmx");
  CHECK (read_all ("/dev/zero", buf, 8) == 7 && buf[0] == 0);

  /* masked */
  CHECK (read_all ("/proc/timer_list", buf, sizeof (buf)) == 0);
  CHECK (mount_fstype_is ("/proc/acpi", "tmpfs"));
  CHECK (read_all ("/secret-file", buf, sizeof (buf)) == 0);
  CHECK (access ("/secret-dir/data", F_OK) < 0 && errno == ENOENT);
  CHECK (mount_has_option ("/secret-dir", "ro"));

  /* read-only paths */
  CHECK (mount_has_option ("/proc/sys", "ro"));
  CHECK (open ("/proc/sys/kernel/hostname", O_WRONLY) < 0 && errno == EROFS);
  CHECK (mount_has_option ("/rodir", "ro"));
  CHECK (open ("/rodir/x", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS);

  /* /dev stays writable under a read-only root */
  CHECK (mkdir ("/dev/newdir", 0755) == 0);
  oci_config_free (c);
}

START_TEST (full_container_setup) { ASSERT_CHILD_OK (full_container); }
END_TEST

/* CVE-2021-30465-style: destinations through symlinks pointing out of the
   rootfs must land inside it. */
static void
symlink_escape (void)
{
  cleanup_free char *l1 = runo_xasprintf ("%s/link-root", rootfs);
  cleanup_free char *l2 = runo_xasprintf ("%s/link-up", rootfs);
  cleanup_free char *l3 = runo_xasprintf ("%s/link-host", rootfs);
  cleanup_free char *victim = runo_xasprintf ("%s/host/dir", base);
  cleanup_free char *inside = NULL;
  oci_config *c;
  runo_rootfs *r = NULL;
  char buf[64];
  struct stat st;

  CHECK (symlink ("/", l1) == 0);
  CHECK (symlink ("../../../../../..", l2) == 0);
  CHECK (symlink (victim, l3) == 0);
  c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
      " \"mounts\": ["
      "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\"},"
      "  {\"destination\": \"/link-root/tmp/m1\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\"},"
      "  {\"destination\": \"/link-up/m2\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\"},"
      "  {\"destination\": \"/link-host\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\"},"
      "  {\"destination\": \"/link-up/file\", \"type\": \"bind\", "
      "\"source\": \"host/file\"}"
      " ]}");
  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  /* nothing on the host side */
  CHECK (access ("/tmp/m1", F_OK) < 0);
  CHECK (access ("/m2", F_OK) < 0);
  CHECK (access ("/file", F_OK) < 0);
  CHECK (read_all ("host/dir/inside", buf, sizeof (buf)) > 0);
  CHECK (mountinfo (victim) == NULL);
  /* everything inside */
  inside = runo_xasprintf ("%s/tmp/m1", rootfs);
  CHECK (mount_fstype_is (inside, "tmpfs"));
  free (inside);
  inside = runo_xasprintf ("%s/m2", rootfs);
  CHECK (mount_fstype_is (inside, "tmpfs"));
  free (inside);
  inside = runo_xasprintf ("%s%s", rootfs, victim);
  CHECK (mount_fstype_is (inside, "tmpfs"));
  free (inside);
  inside = runo_xasprintf ("%s/file", rootfs);
  CHECK (stat (inside, &st) == 0 && S_ISREG (st.st_mode));
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));
  CHECK (mount_fstype_is ("/m2", "tmpfs"));
  CHECK (read_all ("/file", buf, sizeof (buf)) > 0);
  CHECK (strcmp (buf, "host file\n") == 0);
  oci_config_free (c);
}

/* From the host's side, once the child is gone: the victim dir holds
   exactly what it held. */
static bool
victim_unchanged (void)
{
  cleanup_free char *dir = at_base ("host/dir");
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;
  int entries = 0;

  if (d == NULL)
    return false;
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      {
        if (strcmp (de->d_name, "inside") != 0)
          return false;
        entries++;
      }
  return entries == 1;
}

START_TEST (symlinks_cannot_escape)
{
  run_test (symlink_escape, victim_unchanged);
}
END_TEST

static void
proc_symlink_refused (void)
{
  cleanup_free char *proc = runo_xasprintf ("%s/proc", rootfs);
  oci_config *c;
  runo_rootfs *r = NULL;
  runo_error *err = NULL;

  CHECK (rmdir (proc) == 0);
  CHECK (symlink ("/tmp", proc) == 0);
  c = parse_config ("{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": "
                    "\"rootfs\"}, \"mounts\": [{\"destination\": \"/proc\", "
                    "\"type\": \"proc\", \"source\": \"proc\"}]}");
  CHECK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err) < 0);
  CHECK (strstr (err->msg, "must not be a symlink") != NULL);
  CHECK (strstr (err->msg, "mounts[0]") != NULL);
  runo_error_release (&err);
  oci_config_free (c);
}

START_TEST (proc_on_symlink_is_refused)
{
  ASSERT_CHILD_OK (proc_symlink_refused);
}
END_TEST

static void
no_pivot (void)
{
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"%s\"},"
      " \"mounts\": [{\"destination\": \"/dev\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\"}]}",
      rootfs);
  runo_rootfs *r = NULL;

  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  RUNO_OK (runo_rootfs_finish (r, c, true, &err_));
  CHECK (access ("/marker", F_OK) == 0);
  CHECK (access (base, F_OK) < 0);
  check_device ("/dev/null", S_IFCHR, 1, 3, 0666);
  oci_config_free (c);
}

START_TEST (no_pivot_moves_and_chroots) { ASSERT_CHILD_OK (no_pivot); }
END_TEST

static void
config_devices (void)
{
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
      " \"mounts\": [{\"destination\": \"/dev\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\"}],"
      " \"linux\": {\"devices\": ["
      "  {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, "
      "\"minor\": 229, \"fileMode\": 384, \"uid\": 1, \"gid\": 2},"
      "  {\"path\": \"/dev/net/tun\", \"type\": \"u\", \"major\": 10, "
      "\"minor\": 200},"
      "  {\"path\": \"/dev/loopx\", \"type\": \"b\", \"major\": 7, "
      "\"minor\": 0, \"fileMode\": 432},"
      "  {\"path\": \"/dev/fifo\", \"type\": \"p\", \"fileMode\": 420},"
      "  {\"path\": \"/outside/null2\", \"type\": \"c\", \"major\": 1, "
      "\"minor\": 3}"
      " ]}}");
  runo_rootfs *r = NULL;
  struct stat st;

  RUNO_OK (runo_rootfs_validate (c, &err_));
  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));
  check_device ("/dev/fuse", S_IFCHR, 10, 229, 0600);
  CHECK (stat ("/dev/fuse", &st) == 0 && st.st_uid == 1 && st.st_gid == 2);
  check_device ("/dev/net/tun", S_IFCHR, 10, 200, 0666);
  check_device ("/dev/loopx", S_IFBLK, 7, 0, 0660);
  check_device ("/dev/fifo", S_IFIFO, 0, 0, 0644);
  check_device ("/outside/null2", S_IFCHR, 1, 3, 0666);
  check_device ("/dev/null", S_IFCHR, 1, 3, 0666);
  oci_config_free (c);
}

START_TEST (linux_devices_are_created) { ASSERT_CHILD_OK (config_devices); }
END_TEST

/* In a user namespace mknod is refused: the host's devices are bound. */
static void
userns_devices (void)
{
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\", "
      "\"readonly\": true},"
      " \"mounts\": [{\"destination\": \"/dev\", \"type\": \"tmpfs\", "
      "\"source\": \"tmpfs\", \"options\": [\"nosuid\"]},"
      "  {\"destination\": \"/proc\", \"type\": \"bind\", \"source\": "
      "\"/proc\", \"options\": [\"rbind\"]}],"
      " \"linux\": {\"maskedPaths\": [\"/secret-file\"]}}");
  runo_rootfs *r = NULL;
  int fd;

  /* Leave the namespace made by run_in_child for a user namespace with
     root mapped to root, and a mount namespace owned by it. */
  CHECK (unshare (CLONE_NEWUSER) == 0);
  fd = open ("/proc/self/setgroups", O_WRONLY);
  CHECK (fd >= 0 && write (fd, "deny", 4) == 4);
  close (fd);
  fd = open ("/proc/self/uid_map", O_WRONLY);
  CHECK (fd >= 0 && write (fd, "0 0 1", 5) == 5);
  close (fd);
  fd = open ("/proc/self/gid_map", O_WRONLY);
  CHECK (fd >= 0 && write (fd, "0 0 1", 5) == 5);
  close (fd);
  CHECK (unshare (CLONE_NEWNS) == 0);

  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));
  check_device ("/dev/null", S_IFCHR, 1, 3, 0666);
  check_device ("/dev/tty", S_IFCHR, 5, 0, 0666);
  CHECK (mount_has_option ("/dev/null", "rw"));
  CHECK (mount_has_option ("/", "ro"));
  CHECK (mount_has_option ("/dev", "nosuid"));
  oci_config_free (c);
}

START_TEST (user_namespace_binds_devices) { ASSERT_CHILD_OK (userns_devices); }
END_TEST

static void
attrs_and_propagation (void)
{
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
      " \"mounts\": ["
      "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\"},"
      "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\"},"
      "  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
      "\"sysfs\", \"options\": [\"nosuid\"]},"
      "  {\"destination\": \"/mnt/sub\", \"type\": \"tmpfs\", \"source\": "
      "\"tmpfs\"},"
      "  {\"destination\": \"/rec\", \"type\": \"none\", \"source\": \"/\", "
      "\"options\": [\"rbind\", \"rro\", \"rnosuid\", \"rslave\"]},"
      "  {\"destination\": \"/shared\", \"type\": \"bind\", \"source\": "
      "\"host/dir\", \"options\": [\"rbind\", \"rshared\"]},"
      "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", "
      "\"source\": \"cgroup\", \"options\": [\"ro\", \"nosuid\", "
      "\"noexec\", \"nodev\"]}"
      " ], \"linux\": {\"rootfsPropagation\": \"shared\"}}");
  runo_rootfs *r = NULL;
  cleanup_free char *line = NULL;
  struct statfs sfs;

  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));
  /* rro applies to submounts of the recursive bind too */
  CHECK (mount_has_option ("/rec", "ro"));
  CHECK (mount_has_option ("/rec/proc", "ro"));
  CHECK (mount_has_option ("/rec/proc", "nosuid"));
  CHECK (mount_has_option ("/sys", "nosuid"));
  line = mountinfo ("/shared");
  CHECK (line != NULL && strstr (line, "shared:") != NULL);
  free (line);
  line = mountinfo ("/");
  CHECK (line != NULL && strstr (line, "shared:") != NULL);
  /* cgroup: a hierarchy is there, read-only */
  CHECK (statfs ("/sys/fs/cgroup", &sfs) == 0);
  CHECK (mount_has_option ("/sys/fs/cgroup", "ro"));
  CHECK (access ("/sys/fs/cgroup/memory", F_OK) == 0
         || sfs.f_type == 0x63677270 /* cgroup2 */);
  CHECK (mkdir ("/sys/fs/cgroup/memory/runo-test-x", 0755) < 0);
  oci_config_free (c);
}

START_TEST (recursive_attributes_propagation_cgroup)
{
  ASSERT_CHILD_OK (attrs_and_propagation);
}
END_TEST

static void
idmapped_bind (void)
{
  cleanup_free char *file = runo_xasprintf ("%s/host/dir/inside", base);
  oci_config *c = parse_config (
      "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
      " \"mounts\": ["
      "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
      "\"proc\"},"
      "  {\"destination\": \"/idmapped\", \"type\": \"bind\", \"source\": "
      "\"host/dir\", \"options\": [\"bind\", \"idmap\"],"
      "   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1234, "
      "\"size\": 1}],"
      "   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 4321, "
      "\"size\": 1}]}"
      " ]}");
  runo_rootfs *r = NULL;
  struct stat st;

  CHECK (chown (file, 0, 0) == 0);
  RUNO_OK (runo_rootfs_validate (c, &err_));
  RUNO_OK (runo_rootfs_prepare (c, rootfs, NULL, &r, &err_));
  RUNO_OK (runo_rootfs_finish (r, c, false, &err_));
  CHECK (stat ("/idmapped/inside", &st) == 0);
  CHECK (st.st_uid == 1234 && st.st_gid == 4321);
  CHECK (mount_has_option ("/idmapped", "idmapped"));
  oci_config_free (c);
}

START_TEST (idmap_bind_mount) { ASSERT_CHILD_OK (idmapped_bind); }
END_TEST

static void
assert_invalid (const char *json, const char *want)
{
  char *perr = NULL;
  oci_config *c = oci_config_parse_data (json, strlen (json), "t", &perr);
  cleanup_error runo_error *err = NULL;

  ck_assert_msg (c != NULL, "parse: %s", perr);
  ck_assert_msg (runo_rootfs_validate (c, &err) < 0, "accepted: %s", json);
  ck_assert_msg (strstr (err->msg, want) != NULL, "`%s` lacks `%s`", err->msg,
                 want);
  oci_config_free (c);
}

static void
assert_valid (const char *json)
{
  char *perr = NULL;
  oci_config *c = oci_config_parse_data (json, strlen (json), "t", &perr);
  cleanup_error runo_error *err = NULL;

  ck_assert_msg (c != NULL, "parse: %s", perr);
  ck_assert_msg (runo_rootfs_validate (c, &err) == 0, "refused: %s: %s", json,
                 err ? err->msg : "");
  oci_config_free (c);
}

START_TEST (validation)
{
#define CFG(rest)                                                              \
  "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}, " rest "}"
  assert_valid (CFG ("\"mounts\": [{\"destination\": \"relative/dir\", "
                     "\"type\": \"tmpfs\", \"options\": [\"mode=755\", "
                     "\"frob\"]}]"));
  assert_invalid (CFG ("\"mounts\": [{\"destination\": \"/a\", \"type\": "
                       "\"tmpfs\"}, {\"destination\": \"/b\", \"source\": "
                       "\"/x\", \"options\": [\"rbind\", \"nosiud\"]}]"),
                  "mounts[1].options: unknown option \"nosiud\"");
  assert_invalid (CFG ("\"mounts\": [{\"destination\": \"/b\", \"options\": "
                       "[\"bind\"]}]"),
                  "mounts[0].source");
  assert_invalid (CFG ("\"mounts\": [{\"destination\": \"/b\"}]"),
                  "mounts[0].type");
  assert_invalid (CFG ("\"mounts\": [{\"destination\": \"/b\", \"source\": "
                       "\"/x\", \"options\": [\"bind\", \"idmap\"]}]"),
                  "needs a user namespace");
  assert_invalid (CFG ("\"linux\": {\"devices\": [{\"path\": \"/dev/x\", "
                       "\"type\": \"c\"}]}"),
                  "linux.devices[0]: major and minor");
  assert_invalid (CFG ("\"linux\": {\"devices\": [{\"path\": \"dev/x\", "
                       "\"type\": \"p\"}]}"),
                  "linux.devices[0].path");
  assert_invalid (CFG ("\"linux\": {\"maskedPaths\": [\"proc/kcore\"]}"),
                  "linux.maskedPaths[0]");
  assert_invalid ("{\"ociVersion\": \"1.3.0\"}", "root.path");
#undef CFG
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("rootfs");
  TCase *tc = tcase_create ("rootfs");
  TCase *tv = tcase_create ("validate");
  SRunner *sr;
  int failed;

  if (geteuid () != 0)
    {
      fprintf (stderr, "test_rootfs: needs root\n");
      return 77;
    }
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, full_container_setup);
  tcase_add_test (tc, symlinks_cannot_escape);
  tcase_add_test (tc, proc_on_symlink_is_refused);
  tcase_add_test (tc, no_pivot_moves_and_chroots);
  tcase_add_test (tc, linux_devices_are_created);
  tcase_add_test (tc, user_namespace_binds_devices);
  tcase_add_test (tc, recursive_attributes_propagation_cgroup);
  tcase_add_test (tc, idmap_bind_mount);
  suite_add_tcase (s, tc);
  tcase_add_test (tv, validation);
  suite_add_tcase (s, tv);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
