/* runo: network setup over rtnetlink (libmnl).

   Every request is answered by the kernel (NLM_F_ACK or a dump), so a
   failure always comes back as an errno.  Sockets are not bound: the kernel
   binds them on the first send, which saves two syscalls, and the port id
   check is then left to the kernel (replies only go to the sender). */
#include <config.h>

#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "utils.h"

/* Every request built here fits in this many bytes (names are at most
   IFNAMSIZ, addresses 16 bytes). */
#define NL_REQUEST_MAX 256
/* Enough for one reply to any request made here. */
#define NL_REQUEST_BUFFER_SIZE 8192
/* Dumps are sent in chunks the kernel sizes from the reader's buffer; a
   smaller buffer would truncate them. */
#define NL_DUMP_BUFFER_SIZE 32768

typedef struct nl_conn
{
  struct mnl_socket *sock;
  unsigned int seq;
} nl_conn;

static void
nl_conn_close (nl_conn *nl)
{
  if (nl->sock)
    {
      int saved = errno;
      mnl_socket_close (nl->sock);
      nl->sock = NULL;
      errno = saved;
    }
}
#define cleanup_nl_conn __attribute__ ((cleanup (nl_conn_close)))

static int
nl_conn_open (nl_conn *nl, runo_error **err)
{
  nl->sock = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl->sock == NULL)
    return runo_error_errno (err, "open rtnetlink socket");
  nl->seq = 0;
  return 0;
}

/* Open the socket inside the network namespace NETNS_FD: a netlink socket
   stays bound to the namespace it was created in, so the calling thread
   only visits NETNS_FD for the socket() call and then returns. */
static int
nl_conn_open_in (nl_conn *nl, int netns_fd, runo_error **err)
{
  cleanup_close int self_fd = -1;
  int ret;

  self_fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self_fd < 0)
    return runo_error_errno (err, "open `/proc/thread-self/ns/net`");
  if (setns (netns_fd, CLONE_NEWNET) < 0)
    return runo_error_errno (err, "setns into the container network namespace");
  ret = nl_conn_open (nl, err);
  if (setns (self_fd, CLONE_NEWNET) < 0)
    {
      int saved = errno;

      if (ret == 0)
        nl_conn_close (nl);
      else
        runo_error_release (err);
      return runo_error_make (err, saved,
                              "setns back to the original "
                              "network namespace");
    }
  return ret;
}

static struct nlmsghdr *
nl_put_header (nl_conn *nl, void *buf, uint16_t type, uint16_t flags)
{
  struct nlmsghdr *nlh;

  /* libmnl leaves attribute padding as it finds it: the kernel must not be
     handed stack garbage. */
  memset (buf, 0, NL_REQUEST_MAX);
  nlh = mnl_nlmsg_put_header (buf);

  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | flags;
  nlh->nlmsg_seq = ++nl->seq;
  return nlh;
}

/* Send NLH and read the answer until the ACK or the end of the dump, passing
   data messages to CB.  Returns -1 with errno set on failure, including an
   error reported by the kernel. */
static int
nl_talk (nl_conn *nl, const struct nlmsghdr *nlh, void *buf, size_t buf_size,
         mnl_cb_t cb, void *cb_data)
{
  unsigned int seq = nlh->nlmsg_seq;
  ssize_t len;
  int ret;

  if (mnl_socket_sendto (nl->sock, nlh, nlh->nlmsg_len) < 0)
    return -1;
  do
    {
      len = mnl_socket_recvfrom (nl->sock, buf, buf_size);
      if (len < 0)
        {
          if (errno == EINTR)
            {
              ret = MNL_CB_OK;
              continue;
            }
          return -1;
        }
      ret = mnl_cb_run (buf, len, seq, 0, cb, cb_data);
    }
  while (ret > MNL_CB_STOP);
  return ret < 0 ? -1 : 0;
}

/* RTM_NEWLINK on IFINDEX setting IFF_UP. */
static int
nl_link_up (nl_conn *nl, int ifindex, const char *ifname)
{
  char buf[NL_REQUEST_BUFFER_SIZE];
  struct nlmsghdr *nlh;
  struct ifinfomsg *ifi;

  nlh = nl_put_header (nl, buf, RTM_NEWLINK, NLM_F_ACK);
  ifi = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifi));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  ifi->ifi_change = IFF_UP;
  ifi->ifi_flags = IFF_UP;
  /* Without an index the kernel looks the link up by name. */
  if (ifname)
    mnl_attr_put_strz (nlh, IFLA_IFNAME, ifname);
  return nl_talk (nl, nlh, buf, sizeof (buf), NULL, NULL);
}

int
runo_netlink_loopback_up (runo_error **err)
{
  cleanup_nl_conn nl_conn nl = { 0 };

  if (nl_conn_open (&nl, err) < 0)
    return -1;
  if (nl_link_up (&nl, 0, "lo") < 0)
    return runo_error_errno (err, "set `lo` up");
  return 0;
}

/* The name lookups go through the ioctl interface of the netlink socket
   itself: one syscall, and it resolves in the socket's network namespace. */
static int
nl_ifindex (nl_conn *nl, const char *name)
{
  struct ifreq ifr = { 0 };

  if (strlen (name) >= IFNAMSIZ)
    {
      errno = ENODEV;
      return -1;
    }
  strcpy (ifr.ifr_name, name);
  if (ioctl (mnl_socket_get_fd (nl->sock), SIOCGIFINDEX, &ifr) < 0)
    return -1;
  return ifr.ifr_ifindex;
}

static int
nl_ifname (nl_conn *nl, int ifindex, char name[IFNAMSIZ])
{
  struct ifreq ifr = { .ifr_ifindex = ifindex };

  if (ioctl (mnl_socket_get_fd (nl->sock), SIOCGIFNAME, &ifr) < 0)
    return -1;
  memcpy (name, ifr.ifr_name, IFNAMSIZ);
  name[IFNAMSIZ - 1] = '\0';
  return 0;
}

/* A kernel name template such as "eth%d": the final name is chosen by the
   kernel. */
static bool
is_name_template (const char *name)
{
  return strchr (name, '%') != NULL;
}

static bool
name_matches_template (const char *name, const char *template)
{
  const char *pct = strchr (template, '%');
  size_t prefix_len = pct - template;
  const char *suffix = pct + 2;
  size_t name_len = strlen (name);
  size_t suffix_len = strlen (suffix);

  return name_len > prefix_len + suffix_len
         && strncmp (name, template, prefix_len) == 0
         && strcmp (name + name_len - suffix_len, suffix) == 0;
}

/* A permanent global address of a device, to be set again after the move
   (a device leaves its addresses behind when it changes namespace). */
typedef struct saved_addr
{
  struct ifaddrmsg ifa;
  uint32_t flags;
  bool has_local, has_address, has_broadcast;
  uint8_t local[16], address[16], broadcast[16];
  uint16_t local_len, address_len, broadcast_len;
} saved_addr;

typedef struct saved_addrs
{
  int ifindex;
  saved_addr *items;
  size_t len;
  bool too_long;
} saved_addrs;

static void
saved_addrs_free (saved_addrs *addrs)
{
  free (addrs->items);
  addrs->items = NULL;
  addrs->len = 0;
}

static bool
copy_addr_attr (const struct nlattr *attr, uint8_t dest[16], uint16_t *len)
{
  uint16_t payload_len = mnl_attr_get_payload_len (attr);

  if (payload_len > 16)
    return false;
  memcpy (dest, mnl_attr_get_payload (attr), payload_len);
  *len = payload_len;
  return true;
}

static int
save_addr_attr_cb (const struct nlattr *attr, void *data)
{
  saved_addr *addr = data;

  switch (mnl_attr_get_type (attr))
    {
    case IFA_LOCAL:
      addr->has_local = copy_addr_attr (attr, addr->local, &addr->local_len);
      break;
    case IFA_ADDRESS:
      addr->has_address
          = copy_addr_attr (attr, addr->address, &addr->address_len);
      break;
    case IFA_BROADCAST:
      addr->has_broadcast
          = copy_addr_attr (attr, addr->broadcast, &addr->broadcast_len);
      break;
    case IFA_FLAGS:
      if (mnl_attr_get_payload_len (attr) >= sizeof (uint32_t))
        addr->flags = mnl_attr_get_u32 (attr);
      break;
    default:
      break;
    }
  return MNL_CB_OK;
}

static int
save_addr_cb (const struct nlmsghdr *nlh, void *data)
{
  saved_addrs *addrs = data;
  const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload (nlh);
  saved_addr addr = { .ifa = *ifa, .flags = ifa->ifa_flags };
  saved_addr *items;

  if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != addrs->ifindex)
    return MNL_CB_OK;
  if (mnl_attr_parse (nlh, sizeof (*ifa), save_addr_attr_cb, &addr) < 0)
    return MNL_CB_ERROR;
  if (!(addr.flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return MNL_CB_OK;
  items = realloc (addrs->items, (addrs->len + 1) * sizeof (*items));
  if (items == NULL)
    return MNL_CB_ERROR;
  items[addrs->len++] = addr;
  addrs->items = items;
  return MNL_CB_OK;
}

static int
nl_save_addrs (nl_conn *nl, int ifindex, saved_addrs *addrs)
{
  char buf[NL_DUMP_BUFFER_SIZE];
  struct nlmsghdr *nlh;
  struct ifaddrmsg *ifa;

  addrs->ifindex = ifindex;
  nlh = nl_put_header (nl, buf, RTM_GETADDR, NLM_F_DUMP);
  ifa = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifa));
  ifa->ifa_family = AF_UNSPEC;
  ifa->ifa_index = ifindex;
  return nl_talk (nl, nlh, buf, sizeof (buf), save_addr_cb, addrs);
}

static int
nl_add_addr (nl_conn *nl, int ifindex, const saved_addr *addr)
{
  char buf[NL_REQUEST_BUFFER_SIZE];
  struct nlmsghdr *nlh;
  struct ifaddrmsg *ifa;

  nlh = nl_put_header (nl, buf, RTM_NEWADDR,
                       NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
  ifa = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifa));
  *ifa = addr->ifa;
  ifa->ifa_index = ifindex;
  if (addr->has_local)
    mnl_attr_put (nlh, IFA_LOCAL, addr->local_len, addr->local);
  if (addr->has_address)
    mnl_attr_put (nlh, IFA_ADDRESS, addr->address_len, addr->address);
  if (addr->has_broadcast)
    mnl_attr_put (nlh, IFA_BROADCAST, addr->broadcast_len, addr->broadcast);
  mnl_attr_put_u32 (nlh, IFA_FLAGS, addr->flags);
  return nl_talk (nl, nlh, buf, sizeof (buf), NULL, NULL);
}

/* RTM_NEWLINK moving IFINDEX to the namespace NETNS_FD, renamed to NEW_NAME
   in the same request (the kernel checks the name in the target). */
static int
nl_link_move (nl_conn *nl, int ifindex, int netns_fd, const char *new_name)
{
  char buf[NL_REQUEST_BUFFER_SIZE];
  struct nlmsghdr *nlh;
  struct ifinfomsg *ifi;

  nlh = nl_put_header (nl, buf, RTM_NEWLINK, NLM_F_ACK);
  ifi = mnl_nlmsg_put_extra_header (nlh, sizeof (*ifi));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  mnl_attr_put_u32 (nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
  mnl_attr_put_strz (nlh, IFLA_IFNAME, new_name);
  return nl_talk (nl, nlh, buf, sizeof (buf), NULL, NULL);
}

/* Move the device NAME seen through SRC to the namespace DST_NETNS_FD (seen
   through DST) as NEW_NAME, with its permanent global addresses, and set it
   up there when BRING_UP.  VERB names the operation in errors. */
static int
move_one (nl_conn *src, nl_conn *dst, int dst_netns_fd, const char *name,
          const char *new_name, bool bring_up, const char *verb,
          runo_error **err)
{
  saved_addrs addrs __attribute__ ((cleanup (saved_addrs_free))) = { 0 };
  char final_name[IFNAMSIZ];
  int ifindex, new_ifindex;
  size_t i;

#define DEVICE_FMT "linux.netDevices: %s \"%s\""
  if (strlen (new_name) >= IFNAMSIZ)
    return runo_error_make (err, 0,
                            DEVICE_FMT ": name `%s` longer than %d "
                                       "characters",
                            verb, name, new_name, IFNAMSIZ - 1);
  ifindex = nl_ifindex (src, name);
  if (ifindex < 0)
    return runo_error_errno (err, DEVICE_FMT, verb, name);
  /* The kernel moves the device first and renames it afterwards, so a name
     taken in the target would leave it moved under its old name. */
  if (!is_name_template (new_name) && nl_ifindex (dst, new_name) >= 0)
    return runo_error_make (err, EEXIST,
                            DEVICE_FMT ": `%s` exists in the "
                                       "target network namespace",
                            verb, name, new_name);
  if (nl_save_addrs (src, ifindex, &addrs) < 0)
    return runo_error_errno (err, DEVICE_FMT ": get addresses", verb, name);
  if (nl_link_move (src, ifindex, dst_netns_fd, new_name) < 0)
    return runo_error_errno (err, DEVICE_FMT, verb, name);

  /* The kernel keeps the index unless it is taken in the target, so with a
     template it is the way to find the device again, checked by its name. */
  if (is_name_template (new_name))
    {
      new_ifindex = ifindex;
      if (nl_ifname (dst, new_ifindex, final_name) < 0
          || !name_matches_template (final_name, new_name))
        return runo_error_make (err, 0,
                                DEVICE_FMT ": cannot find the device "
                                           "named from template `%s`",
                                verb, name, new_name);
    }
  else
    {
      new_ifindex = nl_ifindex (dst, new_name);
      if (new_ifindex < 0)
        return runo_error_errno (err, DEVICE_FMT ": find `%s` after the move",
                                 verb, name, new_name);
    }

  for (i = 0; i < addrs.len; i++)
    if (nl_add_addr (dst, new_ifindex, &addrs.items[i]) < 0)
      return runo_error_errno (err, DEVICE_FMT ": restore addresses", verb,
                               name);
  if (bring_up && nl_link_up (dst, new_ifindex, NULL) < 0)
    return runo_error_errno (err, DEVICE_FMT ": set `%s` up", verb, name,
                             new_name);
  return 0;
#undef DEVICE_FMT
}

static const char *
container_name (const oci_map_linux_net_device *netdevs, size_t i)
{
  const oci_linux_net_device *dev = netdevs->values[i];

  if (dev && dev->name && dev->name[0] != '\0')
    return dev->name;
  return netdevs->keys[i];
}

int
runo_netlink_move_devices (const oci_map_linux_net_device *netdevs, pid_t pid,
                           runo_error **err)
{
  cleanup_nl_conn nl_conn host = { 0 };
  cleanup_nl_conn nl_conn container = { 0 };
  cleanup_close int netns_fd = -1;
  char path[64];
  size_t i;

  if (netdevs == NULL || netdevs->len == 0)
    return 0;

  snprintf (path, sizeof (path), "/proc/%d/ns/net", (int)pid);
  netns_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (netns_fd < 0)
    return runo_error_errno (err, "linux.netDevices: open `%s`", path);
  if (nl_conn_open (&host, err) < 0
      || nl_conn_open_in (&container, netns_fd, err) < 0)
    return runo_error_wrap (err, "linux.netDevices");

  for (i = 0; i < netdevs->len; i++)
    if (move_one (&host, &container, netns_fd, netdevs->keys[i],
                  container_name (netdevs, i), true, "move", err)
        < 0)
      return -1;
  return 0;
}
