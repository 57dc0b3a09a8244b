/* ice_resolve.c - remote candidates that name a host instead of an IP.
 *
 * Chromium hides a page's local addresses behind mDNS names
 * ("<uuid>.local") when the page has no camera permission. libnice only
 * takes IP addresses, so such a name is looked up with GResolver on the
 * agent's context and the candidate joins the pending queue once resolved.
 * Lookups never block the session thread; a name that does not resolve is
 * dropped quietly (the peer's other candidates and peer-reflexive ones may
 * still connect).
 *
 * Only ".local" names are looked up, and only where that stays on the LAN
 * (RFC 6762 section 3: never ask unicast DNS for them): the system
 * resolver must have an mDNS module in its hosts line, or the application
 * must have installed its own default GResolver. Other host names are
 * refused: a name the peer chose, sent to DNS, would tell the peer's DNS
 * server that we are in a call. In relay-only mode nothing is looked up.
 */
#include "net/ice_priv.h"

#include "tempchat/tc_log.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_LOOKUPS 16          /* in flight per agent */
#define MAX_ADDRESSES 4         /* candidates made from one name */

typedef struct {
  tc_ice *ice;                  /* not used once `cancel` is cancelled */
  GCancellable *cancel;         /* ref of ice->resolve_cancel */
  NiceCandidate *nc;            /* everything but the address */
  guint port;
  char ufrag[TC_ICE_UFRAG_MAX + 1];
} lookup;

static void
lookup_free (lookup *l)
{
  nice_candidate_free (l->nc);
  g_object_unref (l->cancel);
  g_free (l);
}

/* One pending candidate per resolved address, in the resolver's order. */
static unsigned
queue_addresses (tc_ice *ice, const lookup *l, GList *addrs)
{
  unsigned n = 0;
  for (GList *a = addrs; a != NULL && n < MAX_ADDRESSES; a = a->next) {
    if (g_queue_get_length (&ice->pending_remote) >= TC_ICE_MAX_PENDING_REMOTE)
      break;
    char *ip = g_inet_address_to_string (a->data);
    NiceCandidate *nc = nice_candidate_copy (l->nc);
    if (nice_address_set_from_string (&nc->addr, ip)) {
      nice_address_set_port (&nc->addr, l->port);
      ice_pending *pc = g_new0 (ice_pending, 1);
      pc->nc = nc;
      g_strlcpy (pc->ufrag, l->ufrag, sizeof pc->ufrag);
      g_queue_push_tail (&ice->pending_remote, pc);
      n++;
    } else {
      nice_candidate_free (nc);
    }
    g_free (ip);
  }
  return n;
}

static void
resolved (GObject *resolver, GAsyncResult *res, gpointer data)
{
  lookup *l = data;
  GError *err = NULL;
  GList *addrs = g_resolver_lookup_by_name_finish (G_RESOLVER (resolver), res,
      &err);
  if (g_cancellable_is_cancelled (l->cancel)) {
    /* The agent is closed or gone: `l->ice` must not be touched. */
    g_resolver_free_addresses (addrs);
    g_clear_error (&err);
    lookup_free (l);
    return;
  }
  tc_ice *ice = l->ice;
  ice->lookups--;
  if (addrs == NULL) {
    /* Debug only: the name itself is the peer's identity on its LAN. */
    TC_DEBUG ("ice: a remote candidate's host name did not resolve: %s",
        err != NULL ? err->message : "no address");
    g_clear_error (&err);
    lookup_free (l);
    return;
  }
  unsigned n = queue_addresses (ice, l, addrs);
  TC_DEBUG ("ice: a remote host name gave %u candidate(s)", n);
  g_resolver_free_addresses (addrs);
  lookup_free (l);
  ice_api_enter (ice);
  ice_remote_flush (ice, false);
  ice_api_leave (ice);
}

static bool
system_resolver_does_mdns (void)
{
  static gsize once = 0;
  static bool yes = false;
  if (g_once_init_enter (&once)) {
    gchar *text = NULL;
    if (g_file_get_contents ("/etc/nsswitch.conf", &text, NULL, NULL)) {
      gchar **lines = g_strsplit (text, "\n", -1);
      for (gchar **l = lines; *l != NULL; l++)
        if (g_str_has_prefix (g_strstrip (*l), "hosts:")
            && strstr (*l, "mdns") != NULL)
          yes = true;
      g_strfreev (lines);
      g_free (text);
    }
    g_once_init_leave (&once, 1);
  }
  return yes;
}

bool
ice_resolve_allowed (const tc_ice *ice, const char *host)
{
  size_t n = strlen (host);
  if (ice->relay_only || n <= 6 || g_ascii_strcasecmp (host + n - 6, ".local"))
    return false;
  GResolver *resolver = g_resolver_get_default ();
  bool own = g_strcmp0 (G_OBJECT_TYPE_NAME (resolver), "GThreadedResolver") != 0;
  g_object_unref (resolver);
  return own || system_resolver_does_mdns ();
}

tc_status
ice_resolve_candidate (tc_ice *ice, NiceCandidate *nc, const char *host,
    guint port, const char *ufrag)
{
  if (ice->lookups >= MAX_LOOKUPS) {
    nice_candidate_free (nc);
    return TC_ERR_TOO_LARGE;
  }
  if (ice->resolve_cancel == NULL)
    ice->resolve_cancel = g_cancellable_new ();
  lookup *l = g_new0 (lookup, 1);
  l->ice = ice;
  l->cancel = g_object_ref (ice->resolve_cancel);
  l->nc = nc;
  l->port = port;
  g_strlcpy (l->ufrag, ufrag, sizeof l->ufrag);
  ice->lookups++;

  GResolver *resolver = g_resolver_get_default ();
  /* The GTask inside calls back on the thread-default context. */
  g_main_context_push_thread_default (ice->ctx);
  g_resolver_lookup_by_name_async (resolver, host, l->cancel, resolved, l);
  g_main_context_pop_thread_default (ice->ctx);
  g_object_unref (resolver);
  return TC_OK;
}

void
ice_resolve_cancel_all (tc_ice *ice)
{
  if (ice->resolve_cancel == NULL)
    return;
  g_cancellable_cancel (ice->resolve_cancel);
  g_clear_object (&ice->resolve_cancel);
  ice->lookups = 0;
}
