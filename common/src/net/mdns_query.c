/* mdns_query.c - ".local" lookups by multicast DNS on the local link.
 *
 * The socket is bound to port 5353 with address reuse, beside any mDNS
 * daemon on the host, and joined to 224.0.0.251 on every multicast-capable
 * IPv4 interface: responders answer to the group (Chromium's responder
 * never answers any other way), and every socket on the port gets a copy.
 * If 5353 cannot be shared, an ephemeral port is used instead: that is a
 * one-shot query (RFC 6762 section 5.1), answered by unicast by responders
 * that follow section 6.7 (Avahi, Apple's), though not by Chromium.
 *
 * Queries go to the group on each interface with IP TTL 255 and multicast
 * loop on, so a responder on this host answers too; one question per
 * packet (A, then AAAA), resent once, then given up. A response counts
 * only if it came from the link (section 11): sent to the group, which no
 * router forwards, or from an address on one of our IPv4 subnets.
 */
#include "net/mdns_query.h"

#include "tempchat/tc_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_IFS 16             /* interfaces queried on */
#define READS_PER_DISPATCH 32  /* a flood cannot hold the loop */

typedef struct {
  unsigned ifindex;
  struct in_addr addr, mask;
} link_if;

typedef struct mdns_lookup mdns_lookup;

struct tc_mdns {
  GMainContext *ctx;           /* borrowed */
  GSocket *sock;               /* NULL while no lookup runs */
  GSource *read_src;
  link_if ifs[MAX_IFS];
  size_t n_ifs;
  GQueue lookups;              /* mdns_lookup*, oldest first */
  uint8_t buf[TC_MDNS_MESSAGE_MAX + 1];  /* one datagram, +1 to see it too long */
};

struct mdns_lookup {
  tc_mdns *m;
  char name[256];
  uint8_t query[2][TC_MDNS_QUERY_MAX];  /* A, AAAA */
  size_t query_len[2];
  unsigned sent;               /* rounds sent so far */
  GSource *timer;
  tc_mdns_result_fn cb;
  void *user_data;
  GDestroyNotify destroy;
};

/* ---- the socket ----------------------------------------------------------- */

static void
setopt (int fd, int level, int name, int value)
{
  if (setsockopt (fd, level, name, &value, sizeof value) != 0)
    TC_DEBUG ("mdns: setsockopt %d/%d: %s", level, name, g_strerror (errno));
}

/* Shares port 5353 with other responders and queriers on the host; falls
 * back to an ephemeral port. Returns whether 5353 was had. */
static bool
bind_port (int fd)
{
  setopt (fd, SOL_SOCKET, SO_REUSEADDR, 1);
  setopt (fd, SOL_SOCKET, SO_REUSEPORT, 1);
  struct sockaddr_in sa = { .sin_family = AF_INET,
    .sin_port = htons (TC_MDNS_PORT), .sin_addr.s_addr = htonl (INADDR_ANY) };
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0)
    return true;
  TC_DEBUG ("mdns: port %d is taken (%s): one-shot queries", TC_MDNS_PORT,
      g_strerror (errno));
  sa.sin_port = 0;
  return bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
}

/* The IPv4 interfaces that are up and do multicast, each joined to the
 * group when we listen on 5353. */
static void
find_interfaces (tc_mdns *m, int fd, bool joined)
{
  struct ifaddrs *all = NULL;
  m->n_ifs = 0;
  if (getifaddrs (&all) != 0)
    return;
  for (struct ifaddrs *i = all; i != NULL && m->n_ifs < MAX_IFS; i = i->ifa_next) {
    if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET
        || i->ifa_netmask == NULL || !(i->ifa_flags & IFF_UP)
        || !(i->ifa_flags & IFF_MULTICAST))
      continue;
    link_if *l = &m->ifs[m->n_ifs];
    l->ifindex = if_nametoindex (i->ifa_name);
    l->addr = ((struct sockaddr_in *) i->ifa_addr)->sin_addr;
    l->mask = ((struct sockaddr_in *) i->ifa_netmask)->sin_addr;
    if (l->ifindex == 0)
      continue;
    m->n_ifs++;
    if (!joined)
      continue;
    struct ip_mreqn mr = { .imr_ifindex = (int) l->ifindex };
    inet_pton (AF_INET, TC_MDNS_GROUP_V4, &mr.imr_multiaddr);
    /* EADDRINUSE: a second address on an interface already joined. */
    if (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) != 0
        && errno != EADDRINUSE)
      TC_DEBUG ("mdns: join on interface %u: %s", l->ifindex,
          g_strerror (errno));
  }
  freeifaddrs (all);
}

static gboolean on_readable (GSocket *sock, GIOCondition cond, gpointer data);

static bool
open_socket (tc_mdns *m)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return false;
  bool shared = bind_port (fd);
  setopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, 255);  /* RFC 6762 section 11 */
  setopt (fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1);
  setopt (fd, IPPROTO_IP, IP_PKTINFO, 1);
  find_interfaces (m, fd, shared);
  GError *err = NULL;
  m->sock = g_socket_new_from_fd (fd, &err);
  if (m->sock == NULL) {
    TC_DEBUG ("mdns: %s", err->message);
    g_error_free (err);
    close (fd);
    return false;
  }
  m->read_src = g_socket_create_source (m->sock, G_IO_IN, NULL);
  g_source_set_callback (m->read_src, G_SOURCE_FUNC (on_readable), m, NULL);
  g_source_attach (m->read_src, m->ctx);
  return true;
}

static void
close_socket (tc_mdns *m)
{
  if (m->read_src != NULL) {
    g_source_destroy (m->read_src);
    g_clear_pointer (&m->read_src, g_source_unref);
  }
  g_clear_object (&m->sock);
}

/* ---- lookups -------------------------------------------------------------- */

static void
send_round (mdns_lookup *l)
{
  tc_mdns *m = l->m;
  l->sent++;
  if (m->sock == NULL)
    return;
  int fd = g_socket_get_fd (m->sock);
  struct sockaddr_in to = { .sin_family = AF_INET,
    .sin_port = htons (TC_MDNS_PORT) };
  inet_pton (AF_INET, TC_MDNS_GROUP_V4, &to.sin_addr);
  for (size_t i = 0; i < m->n_ifs; i++) {
    struct ip_mreqn mr = { .imr_ifindex = (int) m->ifs[i].ifindex };
    if (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) != 0)
      continue;
    for (int q = 0; q < 2; q++)
      if (sendto (fd, l->query[q], l->query_len[q], 0,
              (struct sockaddr *) &to, sizeof to) < 0)
        TC_DEBUG ("mdns: query on interface %u: %s", m->ifs[i].ifindex,
            g_strerror (errno));
  }
}

/* Also from the timer's own callback: GLib allows a dispatching source to
 * be destroyed. */
static void
stop_timer (mdns_lookup *l)
{
  if (l->timer != NULL) {
    g_source_destroy (l->timer);
    g_clear_pointer (&l->timer, g_source_unref);
  }
}

static void
lookup_free (mdns_lookup *l)
{
  stop_timer (l);
  if (l->destroy != NULL)
    l->destroy (l->user_data);
  g_free (l);
}

/* Takes `l` out, reports `ans` and frees it. The socket stays for the
 * caller to close when nothing is left. */
static void
finish (mdns_lookup *l, const tc_mdns_answer *ans)
{
  g_queue_remove (&l->m->lookups, l);
  l->cb (l->user_data, ans);
  lookup_free (l);
}

static gboolean on_timer (gpointer data);

static void
arm_timer (mdns_lookup *l, guint ms)
{
  stop_timer (l);
  l->timer = g_timeout_source_new (ms);
  g_source_set_callback (l->timer, on_timer, l, NULL);
  g_source_attach (l->timer, l->m->ctx);
}

static gboolean
on_timer (gpointer data)
{
  mdns_lookup *l = data;
  tc_mdns *m = l->m;
  if (l->sent == 1) {
    send_round (l);
    arm_timer (l, TC_MDNS_GIVE_UP_MS - TC_MDNS_RESEND_MS);
  } else {
    TC_DEBUG ("mdns: no answer in %d ms", TC_MDNS_GIVE_UP_MS);
    tc_mdns_answer none = { .n = 0 };
    finish (l, &none);
    if (g_queue_is_empty (&m->lookups))
      close_socket (m);
  }
  /* Either way this source is destroyed: a new one was armed, or the
   * lookup is over. */
  return G_SOURCE_REMOVE;
}

/* ---- answers -------------------------------------------------------------- */

/* RFC 6762 section 11: only answers from the local link count. */
static bool
from_link (const tc_mdns *m, const struct sockaddr_in *from,
    const struct in_addr *dest)
{
  struct in_addr group;
  inet_pton (AF_INET, TC_MDNS_GROUP_V4, &group);
  if (dest->s_addr == group.s_addr)
    return true;  /* 224.0.0.0/24 is never routed */
  for (size_t i = 0; i < m->n_ifs; i++)
    if ((from->sin_addr.s_addr & m->ifs[i].mask.s_addr)
        == (m->ifs[i].addr.s_addr & m->ifs[i].mask.s_addr))
      return true;
  return false;
}

/* Reads one datagram; false when there is none. `*len` is 0 for one that
 * does not count. */
static bool
receive (tc_mdns *m, uint8_t *buf, size_t cap, size_t *len)
{
  struct sockaddr_in from;
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE (sizeof (struct in_pktinfo))];
  } control;
  struct iovec iov = { buf, cap };
  struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from,
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
    .msg_controllen = sizeof control.buf };
  *len = 0;
  ssize_t n = recvmsg (g_socket_get_fd (m->sock), &msg, MSG_DONTWAIT);
  if (n < 0)
    return errno == EINTR;
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    return true;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL;
       c = CMSG_NXTHDR (&msg, c)) {
    if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
      continue;
    struct in_pktinfo info;
    memcpy (&info, CMSG_DATA (c), sizeof info);
    if (from_link (m, &from, &info.ipi_addr))
      *len = (size_t) n;
  }
  return true;
}

static void
match (tc_mdns *m, const uint8_t *buf, size_t len)
{
  GList *it = m->lookups.head;
  while (it != NULL) {
    GList *next = it->next;
    mdns_lookup *l = it->data;
    tc_mdns_answer ans;
    if (tc_mdns_response_parse (buf, len, l->name, &ans) == TC_OK && ans.n > 0)
      finish (l, &ans);
    it = next;
  }
}

static gboolean
on_readable (GSocket *sock, GIOCondition cond, gpointer data)
{
  tc_mdns *m = data;
  size_t len;
  for (int i = 0;
       i < READS_PER_DISPATCH && receive (m, m->buf, sizeof m->buf, &len); i++)
    if (len > 0)
      match (m, m->buf, len);
  if (!g_queue_is_empty (&m->lookups))
    return G_SOURCE_CONTINUE;
  close_socket (m);
  return G_SOURCE_REMOVE;
}

/* ---- public --------------------------------------------------------------- */

tc_mdns *
tc_mdns_new (GMainContext *ctx)
{
  tc_mdns *m = g_new0 (tc_mdns, 1);
  m->ctx = ctx;
  g_queue_init (&m->lookups);
  return m;
}

tc_status
tc_mdns_lookup (tc_mdns *m, const char *name, tc_mdns_result_fn cb,
    void *user_data, GDestroyNotify destroy)
{
  g_return_val_if_fail (m != NULL && name != NULL && cb != NULL,
      TC_ERR_INVALID_ARG);
  mdns_lookup *l = g_new0 (mdns_lookup, 1);
  static const uint16_t types[2] = { TC_MDNS_TYPE_A, TC_MDNS_TYPE_AAAA };
  for (int q = 0; q < 2; q++) {
    tc_status st = tc_mdns_query_build (name, types[q], l->query[q],
        sizeof l->query[q], &l->query_len[q]);
    if (st != TC_OK) {
      g_free (l);
      return st;
    }
  }
  g_strlcpy (l->name, name, sizeof l->name);
  l->m = m;
  l->cb = cb;
  l->user_data = user_data;
  l->destroy = destroy;
  if (m->sock == NULL && !open_socket (m))
    TC_DEBUG ("mdns: no socket; the lookup will time out");
  g_queue_push_tail (&m->lookups, l);
  send_round (l);
  arm_timer (l, TC_MDNS_RESEND_MS);
  return TC_OK;
}

void
tc_mdns_free (tc_mdns *m)
{
  if (m == NULL)
    return;
  mdns_lookup *l;
  while ((l = g_queue_pop_head (&m->lookups)) != NULL)
    lookup_free (l);
  close_socket (m);
  g_free (m);
}
