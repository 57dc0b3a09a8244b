/* ice_resolve.c - remote candidates that name a host instead of an IP.
 *
 * Chromium hides a page's local addresses behind mDNS names
 * ("<uuid>.local") when the page has no camera permission. libnice only
 * takes IP addresses, so such a name is looked up with our own multicast
 * DNS query on the local link (mdns_query.c, as libwebrtc and pion do),
 * whatever the host's resolver is: most servers and containers have no
 * mDNS in /etc/nsswitch.conf, and a GResolver installed by the application
 * is not consulted either, so the lookup never leaves the link. The
 * candidate joins the pending queue once resolved. Lookups never block the
 * session thread; a name that nobody answers for within
 * TC_MDNS_GIVE_UP_MS is dropped quietly (the peer's other candidates and
 * peer-reflexive ones may still connect).
 *
 * Only ".local" names are looked up (RFC 6762 section 3: never unicast DNS
 * for them). Other host names are refused: a name the peer chose, sent to
 * DNS, would tell the peer's DNS server that we are in a call. In
 * relay-only mode nothing is looked up, so no query shows we are here.
 */
#include "net/ice_priv.h"
#include "net/mdns_query.h"

#include "tempchat/tc_log.h"

#include <arpa/inet.h>
#include <string.h>

#define MAX_LOOKUPS 16          /* in flight per agent */

typedef struct {
  tc_ice *ice;
  NiceCandidate *nc;            /* everything but the address */
  guint port;
  char ufrag[TC_ICE_UFRAG_MAX + 1];
} lookup;

static void
lookup_free (gpointer data)
{
  lookup *l = data;
  nice_candidate_free (l->nc);
  g_free (l);
}

static void
set_address (NiceAddress *addr, const tc_mdns_addr *a)
{
  if (a->family == 4) {
    uint32_t v4;
    memcpy (&v4, a->bytes, sizeof v4);
    nice_address_set_ipv4 (addr, ntohl (v4));
  } else {
    nice_address_set_ipv6 (addr, a->bytes);
  }
}

/* One pending candidate per address, in the response's order. */
static unsigned
queue_addresses (tc_ice *ice, const lookup *l, const tc_mdns_answer *ans)
{
  unsigned n = 0;
  for (size_t i = 0; i < ans->n; i++) {
    if (g_queue_get_length (&ice->pending_remote) >= TC_ICE_MAX_PENDING_REMOTE)
      break;
    NiceCandidate *nc = nice_candidate_copy (l->nc);
    set_address (&nc->addr, &ans->addrs[i]);
    nice_address_set_port (&nc->addr, l->port);
    ice_pending *pc = g_new0 (ice_pending, 1);
    pc->nc = nc;
    g_strlcpy (pc->ufrag, l->ufrag, sizeof pc->ufrag);
    g_queue_push_tail (&ice->pending_remote, pc);
    n++;
  }
  return n;
}

/* Never called once the agent is closed: closing frees ice->mdns first. */
static void
resolved (void *data, const tc_mdns_answer *ans)
{
  lookup *l = data;
  tc_ice *ice = l->ice;
  ice->lookups--;
  if (ans->n == 0) {
    /* Debug only, and without the name: it is the peer's identity on its
     * LAN. */
    TC_DEBUG ("ice: nobody on the link answered for a remote host name");
    return;
  }
  unsigned n = queue_addresses (ice, l, ans);
  TC_DEBUG ("ice: a remote host name gave %u candidate(s)", n);
  ice_api_enter (ice);
  ice_remote_flush (ice, false);
  ice_api_leave (ice);
}

bool
ice_resolve_allowed (const tc_ice *ice, const char *host)
{
  size_t n = strlen (host);
  return !ice->relay_only && n > 6 && g_ascii_strcasecmp (host + n - 6, ".local") == 0;
}

tc_status
ice_resolve_candidate (tc_ice *ice, NiceCandidate *nc, const char *host,
    guint port, const char *ufrag)
{
  if (ice->lookups >= MAX_LOOKUPS) {
    nice_candidate_free (nc);
    return TC_ERR_TOO_LARGE;
  }
  if (ice->mdns == NULL)
    ice->mdns = tc_mdns_new (ice->ctx);
  lookup *l = g_new0 (lookup, 1);
  l->ice = ice;
  l->nc = nc;
  l->port = port;
  g_strlcpy (l->ufrag, ufrag, sizeof l->ufrag);
  tc_status st = tc_mdns_lookup (ice->mdns, host, resolved, l, lookup_free);
  if (st != TC_OK) {
    lookup_free (l);
    return st;
  }
  ice->lookups++;
  return TC_OK;
}

void
ice_resolve_cancel_all (tc_ice *ice)
{
  g_clear_pointer (&ice->mdns, tc_mdns_free);
  ice->lookups = 0;
}
