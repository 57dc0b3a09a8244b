/* ice_recheck.c - connectivity checks that go on until the first
 * connection.
 *
 * libnice 0.1.21 sends a pair's check three times (at 0, 0.5 and 1.5 s),
 * gives the pair up at 2 s and calls the component failed 5 s later (its
 * idle-timeout); no property makes it check at a steady pace, only with a
 * longer exponential backoff. A link that comes back after those 2 s is
 * never noticed while both sides are libnice: neither sends anything until
 * an ICE restart, the web client's 4 s after `failed`, about 7 s after
 * the restore. Browsers keep pinging a pair that never answered (Chromium
 * still does 10 s in: web/gst-chromium-restore), and libnice answers such
 * a late check with a check of its own, even on a failed pair of a failed
 * component: the pair works again and the component connects.
 *
 * So until the first connection of the agent, from TC_ICE_RECHECK_AFTER_MS
 * after the peer's credentials came and every TC_ICE_RECHECK_INTERVAL_MS
 * for TC_ICE_RECHECK_FOR_MS, we send a Binding request of our own from each
 * host UDP socket of the agent to each remote UDP candidate, built by
 * libnice's STUN code with the current credentials. The peer answers it
 * (libnice drops that answer: it is no transaction of its own) and checks
 * the pair back at once (RFC 8445 7.3.1.4); libnice answers that check and
 * checks the pair itself, and nomination follows as usual.
 *
 * A request never carries USE-CANDIDATE (nomination stays libnice's), and
 * its tie-breaker makes the peer keep its role in any role conflict (RFC
 * 8445 7.3.1.1): it cannot change who controls. Never in relay-only mode:
 * a request from a host socket would reveal the host's address.
 */
#include "net/ice_priv.h"

#include <stun/usages/ice.h>
#include <string.h>

/* The type preference of a peer-reflexive candidate (RFC 8445 5.1.2.2):
 * a check's PRIORITY is the one the peer would give the address it saw. */
#define PRFLX_TYPE_PREF 110u

tc_ice_recheck_action
tc_ice_recheck_action_at (bool ever_connected, bool relay_only,
    int64_t since_credentials_ms)
{
  if (ever_connected || relay_only
      || since_credentials_ms >= TC_ICE_RECHECK_FOR_MS)
    return TC_ICE_RECHECK_STOP;
  return since_credentials_ms >= TC_ICE_RECHECK_AFTER_MS
      ? TC_ICE_RECHECK_SEND : TC_ICE_RECHECK_WAIT;
}

static bool
to_nice_address (GSocketAddress *sa, NiceAddress *out)
{
  struct sockaddr_storage ss;
  if (sa == NULL || !g_socket_address_to_native (sa, &ss, sizeof ss, NULL))
    return false;
  nice_address_init (out);
  nice_address_set_from_sockaddr (out, (struct sockaddr *) &ss);
  return true;
}

/* The host UDP candidate whose socket `sock` is, or NULL. */
static const NiceCandidate *
host_of_socket (GSocket *sock, GSList *locals)
{
  if (g_socket_get_socket_type (sock) != G_SOCKET_TYPE_DATAGRAM)
    return NULL;
  GSocketAddress *sa = g_socket_get_local_address (sock, NULL);
  NiceAddress addr;
  bool ok = to_nice_address (sa, &addr);
  g_clear_object (&sa);
  for (GSList *l = locals; ok && l != NULL; l = l->next) {
    const NiceCandidate *c = l->data;
    if (c->type == NICE_CANDIDATE_TYPE_HOST
        && c->transport == NICE_CANDIDATE_TRANSPORT_UDP
        && nice_address_equal (&c->base_addr, &addr))
      return c;
  }
  return NULL;
}

static GSocketAddress *
to_socket_address (const NiceAddress *addr)
{
  struct sockaddr_storage ss;
  nice_address_copy_to_sockaddr (addr, (struct sockaddr *) &ss);
  return g_socket_address_new_from_native (&ss, sizeof ss);
}

static bool
is_link_local (const NiceAddress *addr)
{
  GSocketAddress *sa = to_socket_address (addr);
  bool ll = G_IS_INET_SOCKET_ADDRESS (sa) && g_inet_address_get_is_link_local (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa)));
  g_clear_object (&sa);
  return ll;
}

/* The pairs libnice would form too (RFC 8445 6.1.2.2): same family, and
 * link-local only with link-local. */
static bool
pairable (const NiceCandidate *local, const NiceCandidate *remote)
{
  return remote->transport == NICE_CANDIDATE_TRANSPORT_UDP
      && nice_address_ip_version (&local->addr)
          == nice_address_ip_version (&remote->addr)
      && is_link_local (&local->addr) == is_link_local (&remote->addr);
}

/* One Binding request from `sock` (of host candidate `local`) to `remote`. */
static void
send_check (tc_ice *ice, GSocket *sock, const NiceCandidate *local,
    const NiceCandidate *remote, bool controlling)
{
  /* RFC 8445 7.2.2: the username is the peer's ufrag, a colon, ours. */
  char *user = g_strconcat (ice->remote_ufrag, ":", ice->local_ufrag, NULL);
  uint32_t priority = PRFLX_TYPE_PREF << 24 | (local->priority & 0xffffff);
  uint8_t buf[STUN_MAX_MESSAGE_SIZE_IPV6];
  StunMessage msg;
  size_t len = stun_usage_ice_conncheck_create (&ice->recheck_stun, &msg,
      buf, sizeof buf, (const uint8_t *) user, strlen (user),
      (const uint8_t *) ice->remote_pwd, strlen (ice->remote_pwd), false,
      controlling, priority, controlling ? 0 : G_MAXUINT64,
      local->foundation, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  g_free (user);
  if (len == 0)
    return;
  /* No answer is awaited: the peer's own check is what counts. */
  StunTransactionId id;
  stun_message_id (&msg, id);
  stun_agent_forget_transaction (&ice->recheck_stun, id);

  GSocketAddress *to = to_socket_address (&remote->addr);
  if (to != NULL)
    g_socket_send_to (sock, to, (const gchar *) buf, len, NULL, NULL);
  g_clear_object (&to);
}

static void
recheck_now (tc_ice *ice)
{
  gboolean controlling = FALSE;
  g_object_get (ice->agent, "controlling-mode", &controlling, NULL);
  GPtrArray *socks = nice_agent_get_sockets (ice->agent, ice->stream_id,
      TC_ICE_COMPONENT);
  GSList *locals = nice_agent_get_local_candidates (ice->agent,
      ice->stream_id, TC_ICE_COMPONENT);
  GSList *remotes = nice_agent_get_remote_candidates (ice->agent,
      ice->stream_id, TC_ICE_COMPONENT);
  unsigned sent = 0;
  for (guint i = 0; socks != NULL && i < socks->len; i++) {
    const NiceCandidate *local = host_of_socket (socks->pdata[i], locals);
    for (GSList *r = remotes; local != NULL && r != NULL; r = r->next) {
      if (sent >= TC_ICE_RECHECK_MAX_PAIRS || !pairable (local, r->data))
        continue;
      send_check (ice, socks->pdata[i], local, r->data, controlling);
      sent++;
    }
  }
  g_slist_free_full (remotes, (GDestroyNotify) nice_candidate_free);
  g_slist_free_full (locals, (GDestroyNotify) nice_candidate_free);
  if (socks != NULL)
    g_ptr_array_unref (socks);
}

static gboolean
recheck_tick (gpointer data)
{
  tc_ice *ice = data;
  int64_t since_ms = (g_get_monotonic_time () - ice->recheck_since_us) / 1000;
  switch (tc_ice_recheck_action_at (ice->ever_connected, ice->relay_only,
      since_ms)) {
    case TC_ICE_RECHECK_WAIT:
      return G_SOURCE_CONTINUE;
    case TC_ICE_RECHECK_SEND:
      if (ice->recheck_enabled && !ice->closed && ice->gather_started
          && ice->remote_ufrag != NULL)
        recheck_now (ice);
      return G_SOURCE_CONTINUE;
    case TC_ICE_RECHECK_STOP:
      break;
  }
  g_clear_pointer (&ice->recheck_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

void
ice_recheck_cancel (tc_ice *ice)
{
  if (ice->recheck_source == NULL)
    return;
  g_source_destroy (ice->recheck_source);
  g_clear_pointer (&ice->recheck_source, g_source_unref);
}

/* The peer's credentials of a generation are known: its checks start. */
void
ice_recheck_start (tc_ice *ice)
{
  ice_recheck_cancel (ice);
  if (ice->closed || tc_ice_recheck_action_at (ice->ever_connected, ice->relay_only, 0)
          == TC_ICE_RECHECK_STOP)
    return;
  stun_agent_init (&ice->recheck_stun, STUN_ALL_KNOWN_ATTRIBUTES,
      STUN_COMPATIBILITY_RFC5389, STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS
      | STUN_AGENT_USAGE_USE_FINGERPRINT);
  ice->recheck_since_us = g_get_monotonic_time ();
  ice->recheck_source = g_timeout_source_new (TC_ICE_RECHECK_INTERVAL_MS);
  g_source_set_callback (ice->recheck_source, recheck_tick, ice, NULL);
  g_source_attach (ice->recheck_source, ice->ctx);
}

void
tc_ice_debug_recheck (tc_ice *ice, bool on)
{
  g_return_if_fail (ice != NULL);
  ice->recheck_enabled = on;
}
