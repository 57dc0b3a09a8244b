/* mdns_responder.h - what the ICE tests need to look up ".local" names
 * without the host: a private network namespace whose loopback does
 * multicast, and a small multicast DNS responder that answers A queries
 * for the names it is given, as Chromium's does (to the group, ID 0, no
 * question, cache-flush set).
 *
 * The namespace is made by the test process itself, before any thread
 * exists: unshare(CLONE_NEWNET) as root, else inside a new user namespace
 * where we are root. Loopback is brought up with IFF_MULTICAST by ioctl,
 * so no tool is needed. Queries sent there reach nobody but this process.
 */
#ifndef TC_TEST_MDNS_RESPONDER_H
#define TC_TEST_MDNS_RESPONDER_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* unshare() */
#endif
#include <gio/gio.h>
#include <glib.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the namespace ---------------------------------------------------------- */

static gboolean
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  gboolean ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

/* Maps our uid and gid to root in a new user namespace, which then owns
 * the new network namespace: we may configure it without being root. */
static gboolean
enter_user_and_net_ns (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) != 0)
    return FALSE;
  char map[64];
  snprintf (map, sizeof map, "0 %u 1", (unsigned) uid);
  if (!write_file ("/proc/self/uid_map", map))
    return FALSE;
  write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "0 %u 1", (unsigned) gid);
  return write_file ("/proc/self/gid_map", map);
}

/* Returns NULL once in a namespace of our own with "lo" up and doing
 * multicast, or why not (for g_test_skip). Call first thing in main(). */
static const char *
mdns_enter_private_netns (void)
{
  if (unshare (CLONE_NEWNET) != 0 && !enter_user_and_net_ns ())
    return "no private network namespace: not root, and user namespaces "
        "are not permitted here";
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;
  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  gboolean ok = fd >= 0 && ioctl (fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
  ok = ok && ioctl (fd, SIOCSIFFLAGS, &ifr) == 0;
  if (fd >= 0)
    close (fd);
  return ok ? NULL : "could not bring lo up with multicast in the namespace";
}

/* ---- the responder ---------------------------------------------------------- */

#define MDNS_TEST_NAMES 4

typedef struct {
  GSocket *sock;
  GSource *src;
  /* Answers an A query for names[i] with addrs[i]. With `answer_as` set,
   * every A query is answered with addrs[0], but for that name instead (a
   * confused or hostile responder). */
  const char *names[MDNS_TEST_NAMES];
  const char *addrs[MDNS_TEST_NAMES];
  const char *answer_as;
  /* Holds port 5353 alone (no address reuse) and answers each query by
   * unicast to its sender, echoing its ID and question (RFC 6762 section
   * 6.7), as Avahi does for one-shot queries. */
  gboolean exclusive;
  GPtrArray *asked;   /* every name asked for (A or AAAA), in order */
  guint answered;
} mdns_responder;

/* Reads the question of an uncompressed single-question query. */
static gboolean
read_question (const guint8 *b, gsize len, GString *name, guint16 *qtype)
{
  if (len < 12 || (b[2] & 0x80) || b[4] != 0 || b[5] != 1)
    return FALSE;
  gsize p = 12;
  while (p < len && b[p] != 0) {
    if (b[p] > 63 || p + 1 + b[p] > len)
      return FALSE;
    if (name->len > 0)
      g_string_append_c (name, '.');
    g_string_append_len (name, (const char *) b + p + 1, b[p]);
    p += 1 + b[p];
  }
  if (p + 5 > len)
    return FALSE;
  *qtype = (guint16) ((b[p + 1] << 8) | b[p + 2]);
  return TRUE;
}

static void
append_name (GByteArray *out, const char *name)
{
  gchar **labels = g_strsplit (name, ".", -1);
  for (gchar **l = labels; *l != NULL; l++) {
    guint8 n = (guint8) strlen (*l);
    g_byte_array_append (out, &n, 1);
    g_byte_array_append (out, (const guint8 *) *l, n);
  }
  static const guint8 root = 0;
  g_byte_array_append (out, &root, 1);
  g_strfreev (labels);
}

/* To the group, or (exclusive) to `from` with the query's ID and question. */
static void
send_answer (mdns_responder *r, const char *owner, const char *ip,
    const guint8 *query, const struct sockaddr_in *from)
{
  guint8 header[] = { 0, 0, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0 };
  static const guint8 fixed[] = { 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4 };
  static const guint8 a_in[] = { 0, 1, 0, 1 };
  GByteArray *msg = g_byte_array_new ();
  if (r->exclusive) {
    header[0] = query[0];
    header[1] = query[1];
    header[5] = 1;  /* QDCOUNT */
  }
  g_byte_array_append (msg, header, sizeof header);
  if (r->exclusive) {
    append_name (msg, owner);
    g_byte_array_append (msg, a_in, sizeof a_in);
  }
  append_name (msg, owner);
  g_byte_array_append (msg, fixed, sizeof fixed);
  struct in_addr a;
  g_assert_cmpint (inet_pton (AF_INET, ip, &a), ==, 1);
  g_byte_array_append (msg, (const guint8 *) &a, 4);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (5353) };
  inet_pton (AF_INET, "224.0.0.251", &to.sin_addr);
  if (r->exclusive)
    to = *from;
  g_assert_cmpint (sendto (g_socket_get_fd (r->sock), msg->data, msg->len, 0,
      (struct sockaddr *) &to, sizeof to), ==, (gssize) msg->len);
  r->answered++;
  g_byte_array_unref (msg);
}

static gboolean
responder_readable (GSocket *sock, GIOCondition cond, gpointer data)
{
  mdns_responder *r = data;
  guint8 buf[9000];
  gssize n;
  struct sockaddr_in from;
  socklen_t from_len = sizeof from;
  while ((n = recvfrom (g_socket_get_fd (sock), buf, sizeof buf, MSG_DONTWAIT,
              (struct sockaddr *) &from, &from_len)) > 0) {
    from_len = sizeof from;
    GString *name = g_string_new (NULL);
    guint16 qtype = 0;
    if (read_question (buf, (gsize) n, name, &qtype)) {
      g_ptr_array_add (r->asked, g_strdup (name->str));
      if (qtype == 1 && r->answer_as != NULL)
        send_answer (r, r->answer_as, r->addrs[0], buf, &from);
      for (int i = 0; qtype == 1 && r->answer_as == NULL
          && i < MDNS_TEST_NAMES && r->names[i] != NULL; i++)
        if (g_ascii_strcasecmp (name->str, r->names[i]) == 0)
          send_answer (r, r->names[i], r->addrs[i], buf, &from);
    }
    g_string_free (name, TRUE);
  }
  return G_SOURCE_CONTINUE;
}

static void
setopt_or_fail (int fd, int level, int opt, const void *v, socklen_t len)
{
  g_assert_cmpint (setsockopt (fd, level, opt, v, len), ==, 0);
}

/* Listens on 224.0.0.251:5353 on lo, beside the agents' own sockets
 * (alone with `exclusive`). */
static void
mdns_responder_start (mdns_responder *r, GMainContext *ctx)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  g_assert_cmpint (fd, >=, 0);
  int one = 1, ttl = 255;
  if (!r->exclusive) {
    setopt_or_fail (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setopt_or_fail (fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  }
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (5353) };
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
  struct ip_mreqn mr = { .imr_ifindex = (int) if_nametoindex ("lo") };
  inet_pton (AF_INET, "224.0.0.251", &mr.imr_multiaddr);
  setopt_or_fail (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr);
  setopt_or_fail (fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr);
  setopt_or_fail (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  setopt_or_fail (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof one);
  r->sock = g_socket_new_from_fd (fd, NULL);
  g_assert_nonnull (r->sock);
  r->asked = g_ptr_array_new_with_free_func (g_free);
  r->src = g_socket_create_source (r->sock, G_IO_IN, NULL);
  g_source_set_callback (r->src, G_SOURCE_FUNC (responder_readable), r, NULL);
  g_source_attach (r->src, ctx);
}

static void
mdns_responder_stop (mdns_responder *r)
{
  g_source_destroy (r->src);
  g_source_unref (r->src);
  g_object_unref (r->sock);
  g_ptr_array_unref (r->asked);
}

/* How many queries (A and AAAA) named `name`. */
static guint
mdns_responder_asked (const mdns_responder *r, const char *name)
{
  guint n = 0;
  for (guint i = 0; i < r->asked->len; i++)
    n += g_ascii_strcasecmp (r->asked->pdata[i], name) == 0;
  return n;
}

#endif
