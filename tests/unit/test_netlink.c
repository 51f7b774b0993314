/* Unit tests for rtnetlink setup (src/libruno/netlink.c).  Every test first
   moves its (forked) test process into a new network namespace A, so
   nothing on the host's network changes; the namespace B a device moves
   into belongs to a grandchild that dies with the test. */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "libruno/netlink.h"
#include "libruno/utils.h"

static void
enter_new_netns (void)
{
  ck_assert_msg (unshare (CLONE_NEWNET) == 0, "unshare: %s", strerror (errno));
}

/* Send one request and wait for its ACK; returns 0 or -errno. */
static int
nl_request (struct nlmsghdr *nlh)
{
  char buf[8192] = { 0 };
  struct mnl_socket *nl = mnl_socket_open (NETLINK_ROUTE);
  ssize_t len;
  int ret = 0;

  ck_assert_ptr_nonnull (nl);
  nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = 1;
  ck_assert_int_ge (mnl_socket_sendto (nl, nlh, nlh->nlmsg_len), 0);
  do
    {
      len = mnl_socket_recvfrom (nl, buf, sizeof (buf));
      ck_assert_int_ge (len, 0);
      ret = mnl_cb_run (buf, len, 1, 0, NULL, NULL);
    }
  while (ret > MNL_CB_STOP);
  ret = ret < 0 ? -errno : 0;
  mnl_socket_close (nl);
  return ret;
}

/* A dummy link, or a veth pair (NAME and NAME"p") where the dummy driver is
   not built. */
static void
create_link (const char *name)
{
  char buf[8192] = { 0 }, peer[IFNAMSIZ];
  struct nlmsghdr *nlh;
  struct ifinfomsg *ifi;
  struct nlattr *linkinfo, *data, *peer_attr;

  nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  ifi = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifi));
  ifi->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  linkinfo = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "dummy");
  mnl_attr_nest_end (nlh, linkinfo);
  if (nl_request (nlh) == 0)
    return;

  snprintf (peer, sizeof (peer), "%sp", name);
  memset (buf, 0, sizeof (buf));
  nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  ifi = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifi));
  ifi->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  linkinfo = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "veth");
  data = mnl_attr_nest_start (nlh, IFLA_INFO_DATA);
  peer_attr = mnl_attr_nest_start (nlh, VETH_INFO_PEER);
  /* The peer attribute carries its own ifinfomsg before its attributes. */
  memset (mnl_nlmsg_get_payload_tail (nlh), 0, sizeof (struct ifinfomsg));
  nlh->nlmsg_len += MNL_ALIGN (sizeof (struct ifinfomsg));
  mnl_attr_put_strz (nlh, IFLA_IFNAME, peer);
  mnl_attr_nest_end (nlh, peer_attr);
  mnl_attr_nest_end (nlh, data);
  mnl_attr_nest_end (nlh, linkinfo);
  ck_assert_int_eq (nl_request (nlh), 0);
}

static void
add_address (const char *ifname, int family, const char *addr, int prefixlen)
{
  char buf[8192] = { 0 };
  struct nlmsghdr *nlh;
  struct ifaddrmsg *ifa;
  unsigned char bin[16];
  size_t len = family == AF_INET ? 4 : 16;

  ck_assert_int_eq (inet_pton (family, addr, bin), 1);
  nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_NEWADDR;
  nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  ifa = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifa));
  ifa->ifa_family = family;
  ifa->ifa_prefixlen = prefixlen;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
  ifa->ifa_index = if_nametoindex (ifname);
  ck_assert_uint_ne (ifa->ifa_index, 0);
  mnl_attr_put (nlh, IFA_LOCAL, len, bin);
  mnl_attr_put (nlh, IFA_ADDRESS, len, bin);
  ck_assert_int_eq (nl_request (nlh), 0);
}

static short
link_flags (const char *ifname)
{
  struct ifreq ifr = { 0 };
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  ck_assert_int_ge (fd, 0);
  strcpy (ifr.ifr_name, ifname);
  ck_assert_msg (ioctl (fd, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS %s: %s",
                 ifname, strerror (errno));
  return ifr.ifr_flags;
}

static bool
has_address (const char *ifname, int family, const char *addr)
{
  struct ifaddrs *ifas, *i;
  char text[INET6_ADDRSTRLEN];
  bool found = false;

  ck_assert_int_eq (getifaddrs (&ifas), 0);
  for (i = ifas; i; i = i->ifa_next)
    {
      const void *bin;

      if (!i->ifa_addr || i->ifa_addr->sa_family != family
          || strcmp (i->ifa_name, ifname) != 0)
        continue;
      if (family == AF_INET)
        bin = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
      else
        bin = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
      if (inet_ntop (family, bin, text, sizeof (text))
          && strcmp (text, addr) == 0)
        found = true;
    }
  freeifaddrs (ifas);
  return found;
}

/* A grandchild in its own network namespace B, killed with the test.
   Returns its pid once B exists. */
static pid_t
spawn_netns_holder (void)
{
  int ready[2];
  pid_t parent = getpid (), pid;
  char c;

  ck_assert_int_eq (pipe2 (ready, O_CLOEXEC), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent
          || unshare (CLONE_NEWNET) < 0)
        _exit (1);
      if (write (ready[1], "r", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (ready[1]);
  ck_assert_int_eq (read (ready[0], &c, 1), 1);
  close (ready[0]);
  return pid;
}

static int
open_netns_of (pid_t pid)
{
  char path[64];
  int fd;

  snprintf (path, sizeof (path), "/proc/%d/ns/net", (int)pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge (fd, 0);
  return fd;
}

/* Run the checks of the caller inside NETNS_FD between enter and leave. */
static int
enter_netns (int netns_fd)
{
  int self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

  ck_assert_int_ge (self, 0);
  ck_assert_int_eq (setns (netns_fd, CLONE_NEWNET), 0);
  return self;
}

static void
leave_netns (int self)
{
  ck_assert_int_eq (setns (self, CLONE_NEWNET), 0);
  close (self);
}

START_TEST (loopback_is_set_up)
{
  cleanup_error runo_error *err = NULL;

  enter_new_netns ();
  ck_assert_int_eq (link_flags ("lo") & IFF_UP, 0);
  ck_assert_int_eq (runo_netlink_loopback_up (&err), 0);
  ck_assert_int_ne (link_flags ("lo") & IFF_UP, 0);
  /* Idempotent. */
  ck_assert_int_eq (runo_netlink_loopback_up (&err), 0);
}
END_TEST

START_TEST (device_moves_renamed)
{
  cleanup_error runo_error *err = NULL;
  cleanup_pid pid_t holder = -1;
  cleanup_close int netns_b = -1;
  oci_linux_net_device dev = { .name = (char *)"ctr0" };
  oci_linux_net_device *values[] = { &dev };
  char *keys[] = { (char *)"rtest0" };
  oci_map_linux_net_device map = { keys, values, 1 };
  cleanup_close int self_fd = -1;
  char self_before[64] = "", self_after[64] = "";

  enter_new_netns ();
  create_link ("rtest0");
  add_address ("rtest0", AF_INET, "10.123.0.1", 24);
  add_address ("rtest0", AF_INET6, "2001:db8::1", 64);
  holder = spawn_netns_holder ();
  netns_b = open_netns_of (holder);

  ck_assert_int_gt (readlink ("/proc/thread-self/ns/net", self_before,
                              sizeof (self_before) - 1),
                    0);
  ck_assert_msg (runo_netlink_move_devices (&map, holder, &err) == 0, "%s",
                 err ? runo_error_text (err) : "");
  ck_assert_int_gt (readlink ("/proc/thread-self/ns/net", self_after,
                              sizeof (self_after) - 1),
                    0);
  ck_assert_str_eq (self_before, self_after);
  ck_assert_uint_eq (if_nametoindex ("rtest0"), 0);
  ck_assert_uint_eq (if_nametoindex ("ctr0"), 0);

  self_fd = enter_netns (netns_b);
  ck_assert_uint_ne (if_nametoindex ("ctr0"), 0);
  ck_assert_int_ne (link_flags ("ctr0") & IFF_UP, 0);
  ck_assert (has_address ("ctr0", AF_INET, "10.123.0.1"));
  ck_assert (has_address ("ctr0", AF_INET6, "2001:db8::1"));
  leave_netns (steal_fd (&self_fd));

  /* Gone from where it was. */
  ck_assert_uint_eq (if_nametoindex ("rtest0"), 0);
}
END_TEST

START_TEST (device_keeps_its_name_without_one)
{
  cleanup_error runo_error *err = NULL;
  cleanup_pid pid_t holder = -1;
  cleanup_close int netns_b = -1;
  int self_fd;
  oci_linux_net_device dev = { .name = NULL };
  oci_linux_net_device *values[] = { &dev };
  char *keys[] = { (char *)"rtest1" };
  oci_map_linux_net_device map = { keys, values, 1 };

  enter_new_netns ();
  create_link ("rtest1");
  holder = spawn_netns_holder ();
  netns_b = open_netns_of (holder);
  ck_assert_int_eq (runo_netlink_move_devices (&map, holder, &err), 0);
  ck_assert_uint_eq (if_nametoindex ("rtest1"), 0);
  self_fd = enter_netns (netns_b);
  ck_assert_uint_ne (if_nametoindex ("rtest1"), 0);
  leave_netns (self_fd);
}
END_TEST

START_TEST (template_name_is_completed_by_the_kernel)
{
  cleanup_error runo_error *err = NULL;
  cleanup_pid pid_t holder = -1;
  cleanup_close int netns_b = -1;
  int self_fd;
  oci_linux_net_device dev = { .name = (char *)"tpl%d" };
  oci_linux_net_device *values[] = { &dev };
  char *keys[] = { (char *)"rtest2" };
  oci_map_linux_net_device map = { keys, values, 1 };

  enter_new_netns ();
  create_link ("rtest2");
  holder = spawn_netns_holder ();
  netns_b = open_netns_of (holder);
  ck_assert_msg (runo_netlink_move_devices (&map, holder, &err) == 0, "%s",
                 err ? runo_error_text (err) : "");
  self_fd = enter_netns (netns_b);
  ck_assert_uint_ne (if_nametoindex ("tpl0"), 0);
  ck_assert_int_ne (link_flags ("tpl0") & IFF_UP, 0);
  leave_netns (self_fd);
}
END_TEST

START_TEST (name_taken_in_the_container_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  cleanup_pid pid_t holder = -1;
  oci_linux_net_device dev = { .name = (char *)"lo" };
  oci_linux_net_device *values[] = { &dev };
  char *keys[] = { (char *)"rtest3" };
  oci_map_linux_net_device map = { keys, values, 1 };

  enter_new_netns ();
  create_link ("rtest3");
  holder = spawn_netns_holder ();
  ck_assert_int_lt (runo_netlink_move_devices (&map, holder, &err), 0);
  ck_assert_int_eq (err->errnum, EEXIST);
  ck_assert_str_eq (err->msg, "linux.netDevices: move \"rtest3\": `lo` "
                              "exists in the target network namespace");
  ck_assert_uint_ne (if_nametoindex ("rtest3"), 0);
}
END_TEST

START_TEST (missing_device_is_an_error)
{
  cleanup_error runo_error *err = NULL;
  cleanup_free char *text = NULL;
  cleanup_pid pid_t holder = -1;
  oci_linux_net_device dev = { .name = (char *)"eth0" };
  oci_linux_net_device *values[] = { &dev };
  char *keys[] = { (char *)"eth5" };
  oci_map_linux_net_device map = { keys, values, 1 };

  enter_new_netns ();
  holder = spawn_netns_holder ();
  ck_assert_int_lt (runo_netlink_move_devices (&map, holder, &err), 0);
  text = runo_error_text (err);
  ck_assert_str_eq (text, "linux.netDevices: move \"eth5\": No such device");
}
END_TEST

START_TEST (empty_map_does_nothing)
{
  cleanup_error runo_error *err = NULL;
  oci_map_linux_net_device map = { NULL, NULL, 0 };

  ck_assert_int_eq (runo_netlink_move_devices (NULL, 1, &err), 0);
  ck_assert_int_eq (runo_netlink_move_devices (&map, 1, &err), 0);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("netlink");
  TCase *tc = tcase_create ("rtnetlink");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, loopback_is_set_up);
  tcase_add_test (tc, device_moves_renamed);
  tcase_add_test (tc, device_keeps_its_name_without_one);
  tcase_add_test (tc, template_name_is_completed_by_the_kernel);
  tcase_add_test (tc, name_taken_in_the_container_is_an_error);
  tcase_add_test (tc, missing_device_is_an_error);
  tcase_add_test (tc, empty_map_does_nothing);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  /* The tests change their network namespace: they must run forked. */
  srunner_set_fork_status (sr, CK_FORK);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
