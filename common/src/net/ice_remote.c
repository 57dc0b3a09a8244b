/* ice_remote.c - what the peer tells us: credentials and trickled
 * candidates. Candidates that arrive before the credentials, or before our
 * own gathering started, are kept in arrival order and applied once both
 * are there; the "ufrag" extension sorts them into ICE generations.
 */
#include "net/ice_priv.h"

#include "tempchat/tc_log.h"

#include <string.h>

static void
pending_free (gpointer p)
{
  ice_pending *pc = p;
  nice_candidate_free (pc->nc);
  g_free (pc);
}

void
ice_remote_clear (tc_ice *ice)
{
  g_queue_clear_full (&ice->pending_remote, pending_free);
}

static bool
usable (const tc_ice *ice)
{
  return ice->gather_started && ice->remote_ufrag != NULL && !ice->closed;
}

/* Drops kept candidates of the remote generation that is ending: those
 * naming its ufrag and those naming none (they came before the restart). */
void
ice_remote_drop_generation (tc_ice *ice)
{
  GList *l = ice->pending_remote.head;
  while (l != NULL) {
    GList *next = l->next;
    ice_pending *pc = l->data;
    if (pc->ufrag[0] == '\0' || (ice->remote_ufrag != NULL
            && strcmp (pc->ufrag, ice->remote_ufrag) == 0)) {
      pending_free (pc);
      g_queue_delete_link (&ice->pending_remote, l);
    }
    l = next;
  }
}

/* Applies the kept candidates of the current remote generation, then
 * end-of-candidates if it came. Candidates naming another ufrag stay kept
 * (they may belong to a restart whose credentials are still on their way)
 * unless `drop_others`, used when new credentials have just been set. */
void
ice_remote_flush (tc_ice *ice, bool drop_others)
{
  if (!usable (ice))
    return;
  GSList *apply = NULL;
  GQueue keep = G_QUEUE_INIT;
  ice_pending *pc;
  while ((pc = g_queue_pop_head (&ice->pending_remote)) != NULL) {
    if (pc->ufrag[0] == '\0' || strcmp (pc->ufrag, ice->remote_ufrag) == 0) {
      apply = g_slist_prepend (apply, pc->nc);
      g_free (pc);
    } else if (drop_others) {
      pending_free (pc);
    } else {
      g_queue_push_tail (&keep, pc);
    }
  }
  ice->pending_remote = keep;
  apply = g_slist_reverse (apply);
  if (apply != NULL) {
    int n = nice_agent_set_remote_candidates (ice->agent, ice->stream_id,
        TC_ICE_COMPONENT, apply);
    TC_DEBUG ("ice: applied %d remote candidates", n);
  }
  g_slist_free_full (apply, (GDestroyNotify) nice_candidate_free);

  if (ice->remote_eoc && !ice->remote_eoc_applied) {
    ice->remote_eoc_applied = true;
    nice_agent_peer_candidate_gathering_done (ice->agent, ice->stream_id);
  }
}

static tc_status
set_credentials (tc_ice *ice, const char *ufrag, const char *pwd)
{
  if (!nice_agent_set_remote_credentials (ice->agent, ice->stream_id, ufrag,
          pwd))
    return TC_ERR_PARSE;
  g_free (ice->remote_ufrag);
  g_free (ice->remote_pwd);
  ice->remote_ufrag = g_strdup (ufrag);
  ice->remote_pwd = g_strdup (pwd);
  if (ice->eoc_ufrag != NULL && strcmp (ice->eoc_ufrag, ufrag) == 0)
    ice->remote_eoc = true;  /* it came before these credentials */
  g_clear_pointer (&ice->eoc_ufrag, g_free);
  ice_remote_flush (ice, true);
  ice_timeout_update (ice);
  ice_recheck_start (ice);
  return TC_OK;
}

tc_status
tc_ice_set_remote_credentials (tc_ice *ice, const char *ufrag,
    const char *pwd)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  /* RFC 8839 section 5.4: ice-ufrag 4*256ice-char, ice-pwd 22*256ice-char. */
  if (!tc_ice_is_ice_chars (ufrag, 4, 256) || !tc_ice_is_ice_chars (pwd, 22, 256))
    return TC_ERR_PARSE;
  if (ice->remote_ufrag != NULL && strcmp (ice->remote_ufrag, ufrag) == 0
      && strcmp (ice->remote_pwd, pwd) == 0)
    return TC_OK;  /* the same description again (renegotiation) */

  ice_api_enter (ice);
  tc_status st = TC_OK;
  if (ice->remote_ufrag != NULL) {
    /* RFC 8445 section 9: new remote credentials mean the peer restarted
     * ICE; answer with a restart of our own. */
    TC_INFO ("ice: the peer restarted ICE");
    st = ice_restart_generation (ice);
  }
  if (st == TC_OK)
    st = set_credentials (ice, ufrag, pwd);
  ice_api_leave (ice);
  return st;
}

/* Parses and checks one remote candidate into a NiceCandidate. A host name
 * (mDNS or FQDN) leaves the address unset and `*named` true. */
static tc_status
to_nice (const tc_ice *ice, const tc_ice_candidate *c, NiceCandidate **out,
    bool *named)
{
  static const NiceCandidateType types[] = {
    [TC_ICE_CAND_HOST] = NICE_CANDIDATE_TYPE_HOST,
    [TC_ICE_CAND_SRFLX] = NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
    [TC_ICE_CAND_PRFLX] = NICE_CANDIDATE_TYPE_PEER_REFLEXIVE,
    [TC_ICE_CAND_RELAY] = NICE_CANDIDATE_TYPE_RELAYED,
  };
  if (c->component != TC_ICE_COMPONENT || c->proto != TC_ICE_PROTO_UDP)
    return TC_ERR_UNSUPPORTED;

  NiceCandidate *nc = nice_candidate_new (types[c->type]);
  /* The parser let through only characters that can name a host. */
  *named = !nice_address_set_from_string (&nc->addr, c->address);
  if (!*named)
    nice_address_set_port (&nc->addr, c->port);
  nc->transport = NICE_CANDIDATE_TRANSPORT_UDP;
  nc->stream_id = ice->stream_id;
  nc->component_id = TC_ICE_COMPONENT;
  nc->priority = c->priority;
  g_strlcpy (nc->foundation, c->foundation, sizeof nc->foundation);
  *out = nc;
  return TC_OK;
}

tc_status
tc_ice_add_remote_candidate (tc_ice *ice, const char *candidate)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (candidate != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;

  tc_ice_candidate c;
  tc_status st = tc_ice_candidate_parse (candidate, &c);
  if (st != TC_OK)
    return st == TC_ERR_TOO_LARGE ? TC_ERR_PARSE : st;
  NiceCandidate *nc = NULL;
  bool named = false;
  if ((st = to_nice (ice, &c, &nc, &named)) != TC_OK)
    return st;
  if (named && !ice_resolve_allowed (ice, c.address)) {
    nice_candidate_free (nc);
    return TC_ERR_UNSUPPORTED;
  }
  if (named)
    return ice_resolve_candidate (ice, nc, c.address, c.port, c.ufrag);
  if (g_queue_get_length (&ice->pending_remote) >= TC_ICE_MAX_PENDING_REMOTE) {
    nice_candidate_free (nc);
    return TC_ERR_TOO_LARGE;
  }
  ice_pending *pc = g_new0 (ice_pending, 1);
  pc->nc = nc;
  g_strlcpy (pc->ufrag, c.ufrag, sizeof pc->ufrag);
  g_queue_push_tail (&ice->pending_remote, pc);

  ice_api_enter (ice);
  ice_remote_flush (ice, false);
  ice_api_leave (ice);
  return TC_OK;
}

tc_status
tc_ice_end_of_remote_candidates (tc_ice *ice, const char *ufrag)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  if (ufrag != NULL && !tc_ice_is_ice_chars (ufrag, 1, 256))
    return TC_ERR_PARSE;
  if (ufrag != NULL && (ice->remote_ufrag == NULL
          || strcmp (ufrag, ice->remote_ufrag) != 0)) {
    g_free (ice->eoc_ufrag);  /* for a generation still to come */
    ice->eoc_ufrag = g_strdup (ufrag);
    return TC_OK;
  }
  ice->remote_eoc = true;
  ice_api_enter (ice);
  ice_remote_flush (ice, false);
  ice_api_leave (ice);
  return TC_OK;
}
