/* ice_events.c - from libnice's signals to the user's callbacks.
 *
 * libnice may raise signals inside our own calls (nice_agent_gather_candidates
 * announces host candidates before it returns, a restart changes the state).
 * So every event goes into one ordered queue. It is delivered at once when
 * the signal comes from the main loop, and from an idle source when it comes
 * from inside a tc_ice_* call: callbacks never run inside a tc_ice_* call.
 * Datagrams skip the queue (they only ever come from the main loop) but
 * flush it first, so the user sees "connected" before the first datagram.
 */
#include "net/ice_priv.h"

#include "tempchat/tc_log.h"

#include <string.h>

static void
event_free (gpointer p)
{
  ice_event *ev = p;
  g_free (ev->candidate);
  g_free (ev);
}

static void
deliver (tc_ice *ice, const ice_event *ev)
{
  const tc_ice_callbacks *cb = &ice->cb;
  ice->cb_depth++;
  switch (ev->kind) {
    case ICE_EV_CANDIDATE:
      if (cb->on_local_candidate)
        cb->on_local_candidate (cb->user_data, ev->candidate);
      break;
    case ICE_EV_GATHERING_DONE:
      if (cb->on_gathering_done)
        cb->on_gathering_done (cb->user_data);
      break;
    case ICE_EV_STATE:
      TC_DEBUG ("ice: state %s%s%s", tc_ice_state_str (ev->state),
          ev->why ? ": " : "", ev->why ? tc_ice_failure_str (ev->why) : "");
      if (cb->on_state_changed)
        cb->on_state_changed (cb->user_data, ev->state, ev->why);
      break;
    case ICE_EV_PAIR:
      if (cb->on_selected_pair)
        cb->on_selected_pair (cb->user_data, &ev->pair);
      break;
  }
  ice->cb_depth--;
}

/* Delivers queued events in order until the queue is empty or the user
 * freed the object from a callback (which keeps the struct alive until the
 * context runs again, so reading ice->freed here is safe). */
static void
flush (tc_ice *ice)
{
  if (ice->flushing)
    return;  /* the outer loop will pick up what was just queued */
  ice->flushing = true;
  ice_event *ev;
  while (!ice->freed && (ev = g_queue_pop_head (&ice->events)) != NULL) {
    deliver (ice, ev);
    event_free (ev);
  }
  ice->flushing = false;
}

static gboolean
flush_idle (gpointer data)
{
  tc_ice *ice = data;
  g_source_unref (ice->flush_source);
  ice->flush_source = NULL;
  flush (ice);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (tc_ice *ice)
{
  if (ice->flush_source != NULL || ice->freed)
    return;
  ice->flush_source = g_idle_source_new ();
  /* Same priority as libnice's sockets, so busy media cannot starve it. */
  g_source_set_priority (ice->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (ice->flush_source, flush_idle, ice, NULL);
  g_source_attach (ice->flush_source, ice->ctx);
}

void
ice_event_queue (tc_ice *ice, ice_event *ev)
{
  if (ice->freed) {
    event_free (ev);
    return;
  }
  g_queue_push_tail (&ice->events, ev);
  if (ice->api_depth > 0)
    schedule_flush (ice);
  else
    flush (ice);
}

void
ice_api_enter (tc_ice *ice)
{
  ice->api_depth++;
}

void
ice_api_leave (tc_ice *ice)
{
  ice->api_depth--;
}

void
ice_event_queue_state (tc_ice *ice, tc_ice_state st, tc_ice_failure why)
{
  ice_event *ev = g_new0 (ice_event, 1);
  ev->kind = ICE_EV_STATE;
  ev->state = st;
  ev->why = why;
  ice_event_queue (ice, ev);
}

void
ice_set_state (tc_ice *ice, tc_ice_state st, tc_ice_failure why)
{
  if (st != TC_ICE_STATE_FAILED)
    why = TC_ICE_FAIL_NONE;
  if (ice->state == st && ice->why == why)
    return;
  ice->state = st;
  ice->why = why;
  if (st == TC_ICE_STATE_CONNECTED || st == TC_ICE_STATE_COMPLETED
      || st == TC_ICE_STATE_FAILED)
    ice_timeout_cancel (ice);
  ice_event_queue_state (ice, st, why);
}

/* libnice refused to send on the selected pair (its consent was revoked by a
 * 403 or 50 s without an answered keepalive). It never restores consent on
 * that pair, even when the component reports CONNECTED again, so the state
 * stays FAILED until a restart or a new pair: the user sees what sending
 * can do, and a FAILED call restarts ICE. */
void
ice_consent_revoked (tc_ice *ice)
{
  if (ice->consent_revoked)
    return;
  ice->consent_revoked = true;
  TC_INFO ("ice: libnice revoked consent on the selected pair");
  ice_set_state (ice, TC_ICE_STATE_FAILED, TC_ICE_FAIL_CONSENT);
}

/* Candidate and gathering events of the previous generation are useless
 * once a restart made new credentials; state events stay. */
void
ice_events_drop_generation (tc_ice *ice)
{
  GList *l = ice->events.head;
  while (l != NULL) {
    GList *next = l->next;
    ice_event *ev = l->data;
    if (ev->kind == ICE_EV_CANDIDATE || ev->kind == ICE_EV_GATHERING_DONE) {
      event_free (ev);
      g_queue_delete_link (&ice->events, l);
    }
    l = next;
  }
}

void
ice_events_clear (tc_ice *ice)
{
  g_queue_clear_full (&ice->events, event_free);
  if (ice->flush_source != NULL) {
    g_source_destroy (ice->flush_source);
    g_source_unref (ice->flush_source);
    ice->flush_source = NULL;
  }
}

/* ---- checking timeout --------------------------------------------------- */

static gboolean
timeout_fired (gpointer data)
{
  tc_ice *ice = data;
  g_source_unref (ice->timeout_source);
  ice->timeout_source = NULL;
  if (ice->state != TC_ICE_STATE_CONNECTED
      && ice->state != TC_ICE_STATE_COMPLETED
      && ice->state != TC_ICE_STATE_FAILED && !ice->closed) {
    TC_INFO ("ice: no working candidate pair within %u ms",
        ice->checking_timeout_ms);
    ice_set_state (ice, TC_ICE_STATE_FAILED, TC_ICE_FAIL_TIMEOUT);
  }
  return G_SOURCE_REMOVE;
}

void
ice_timeout_cancel (tc_ice *ice)
{
  if (ice->timeout_source == NULL)
    return;
  g_source_destroy (ice->timeout_source);
  g_source_unref (ice->timeout_source);
  ice->timeout_source = NULL;
}

/* Armed once checks can run (local gathering done, remote credentials known)
 * and nothing works yet. */
void
ice_timeout_update (tc_ice *ice)
{
  if (ice->timeout_source != NULL || ice->closed
      || !ice->local_gathering_done || ice->remote_ufrag == NULL
      || ice->state == TC_ICE_STATE_CONNECTED
      || ice->state == TC_ICE_STATE_COMPLETED
      || ice->state == TC_ICE_STATE_FAILED)
    return;
  ice->timeout_source = g_timeout_source_new (ice->checking_timeout_ms);
  g_source_set_callback (ice->timeout_source, timeout_fired, ice, NULL);
  g_source_attach (ice->timeout_source, ice->ctx);
}

/* ---- libnice signals ---------------------------------------------------- */

static tc_ice_cand_type
cand_type (NiceCandidateType t)
{
  switch (t) {
    case NICE_CANDIDATE_TYPE_HOST: return TC_ICE_CAND_HOST;
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE: return TC_ICE_CAND_SRFLX;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE: return TC_ICE_CAND_PRFLX;
    case NICE_CANDIDATE_TYPE_RELAYED: return TC_ICE_CAND_RELAY;
  }
  return TC_ICE_CAND_HOST;
}

/* Writes a local candidate for the peer. The related address is always
 * redacted: libnice would put the host address there, even for a relay
 * candidate, which would defeat relay-only mode. */
static bool
local_to_wire (const tc_ice *ice, const NiceCandidate *nc,
    tc_ice_candidate *c)
{
  memset (c, 0, sizeof *c);
  g_strlcpy (c->foundation, nc->foundation, sizeof c->foundation);
  c->component = (uint16_t) nc->component_id;
  c->priority = nc->priority;
  c->type = cand_type (nc->type);
  switch (nc->transport) {
    case NICE_CANDIDATE_TRANSPORT_UDP: c->proto = TC_ICE_PROTO_UDP; break;
    case NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE:
      c->proto = TC_ICE_PROTO_TCP; c->tcptype = TC_ICE_TCPTYPE_ACTIVE; break;
    case NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE:
      c->proto = TC_ICE_PROTO_TCP; c->tcptype = TC_ICE_TCPTYPE_PASSIVE; break;
    case NICE_CANDIDATE_TRANSPORT_TCP_SO:
      c->proto = TC_ICE_PROTO_TCP; c->tcptype = TC_ICE_TCPTYPE_SO; break;
  }
  char ip[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string (&nc->addr, ip);
  g_strlcpy (c->address, ip, sizeof c->address);
  c->port = (uint16_t) nice_address_get_port (&nc->addr);
  if (c->type != TC_ICE_CAND_HOST) {
    c->has_related = true;
    g_strlcpy (c->related_address,
        nice_address_ip_version (&nc->addr) == 6 ? "::" : "0.0.0.0",
        sizeof c->related_address);
    c->related_port = 0;
  }
  g_strlcpy (c->ufrag, ice->local_ufrag, sizeof c->ufrag);
  return tc_ice_candidate_allowed (c, ice->relay_only);
}

void
ice_announce_local (tc_ice *ice, const NiceCandidate *nc)
{
  tc_ice_candidate c;
  if (nc->stream_id != ice->stream_id || !local_to_wire (ice, nc, &c))
    return;
  char line[TC_ICE_CANDIDATE_LINE_MAX];
  if (tc_ice_candidate_format (&c, line, sizeof line) != TC_OK)
    return;
  ice->announced++;
  TC_DEBUG ("ice: local %s candidate", tc_ice_cand_type_str (c.type));
  ice_event *ev = g_new0 (ice_event, 1);
  ev->kind = ICE_EV_CANDIDATE;
  ev->candidate = g_strdup (line);
  ice_event_queue (ice, ev);
}

static void
on_new_candidate (NiceAgent *agent, NiceCandidate *nc, gpointer data)
{
  ice_announce_local (data, nc);
}

/* Local gathering of the current generation is over: tell the user, and
 * fail at once when there is nothing to offer (libnice alone would wait
 * forever: it fails a component only when it had pairs that failed). */
void
ice_local_gathering_done (tc_ice *ice)
{
  if (ice->local_gathering_done)
    return;
  ice->local_gathering_done = true;
  TC_DEBUG ("ice: gathering done, %u candidates", ice->announced);
  ice_event *ev = g_new0 (ice_event, 1);
  ev->kind = ICE_EV_GATHERING_DONE;
  ice_event_queue (ice, ev);
  if (ice->announced == 0) {
    tc_ice_failure why = !ice->relay_only ? TC_ICE_FAIL_NO_CANDIDATES
        : ice_tls_cert_failed (ice) ? TC_ICE_FAIL_TURN_CERT
        : TC_ICE_FAIL_NO_RELAY;
    TC_INFO ("ice: %s", tc_ice_failure_str (why));
    ice_set_state (ice, TC_ICE_STATE_FAILED, why);
  }
  ice_timeout_update (ice);
}

static void
on_gathering_done (NiceAgent *agent, guint stream_id, gpointer data)
{
  tc_ice *ice = data;
  if (stream_id == ice->stream_id)
    ice_local_gathering_done (ice);
}

/* libnice component state -> RTCIceConnectionState. An explicit failure
 * (no candidates, timeout) stays until a pair works or a restart. */
static void
on_component_state (NiceAgent *agent, guint stream_id, guint component_id,
    guint nstate, gpointer data)
{
  tc_ice *ice = data;
  if (stream_id != ice->stream_id || component_id != TC_ICE_COMPONENT)
    return;
  NiceComponentState prev = ice->nice_state;
  ice->nice_state = (NiceComponentState) nstate;
  bool sticky = ice->state == TC_ICE_STATE_FAILED;
  if (ice->consent_revoked)
    return;  /* nothing can be sent until a pair is selected anew */

  switch ((NiceComponentState) nstate) {
    case NICE_COMPONENT_STATE_DISCONNECTED:
      if (!sticky)
        ice_set_state (ice, ice->ever_connected ? TC_ICE_STATE_DISCONNECTED
            : TC_ICE_STATE_NEW, TC_ICE_FAIL_NONE);
      break;
    case NICE_COMPONENT_STATE_GATHERING:
      if (!sticky)
        ice_set_state (ice, ice->ever_connected ? TC_ICE_STATE_CHECKING
            : TC_ICE_STATE_NEW, TC_ICE_FAIL_NONE);
      break;
    case NICE_COMPONENT_STATE_CONNECTING:
      if (!sticky)
        ice_set_state (ice, TC_ICE_STATE_CHECKING, TC_ICE_FAIL_NONE);
      break;
    case NICE_COMPONENT_STATE_CONNECTED:
      ice->ever_connected = true;
      ice_set_state (ice, TC_ICE_STATE_CONNECTED, TC_ICE_FAIL_NONE);
      break;
    case NICE_COMPONENT_STATE_READY:
      ice->ever_connected = true;
      ice_set_state (ice, TC_ICE_STATE_COMPLETED, TC_ICE_FAIL_NONE);
      break;
    case NICE_COMPONENT_STATE_FAILED:
      ice_set_state (ice, TC_ICE_STATE_FAILED,
          prev == NICE_COMPONENT_STATE_CONNECTED
          || prev == NICE_COMPONENT_STATE_READY
          ? TC_ICE_FAIL_CONSENT : TC_ICE_FAIL_CHECKS);
      break;
    case NICE_COMPONENT_STATE_LAST:
      break;
  }
}

static void
on_selected_pair (NiceAgent *agent, guint stream_id, guint component_id,
    NiceCandidate *local, NiceCandidate *remote, gpointer data)
{
  tc_ice *ice = data;
  if (stream_id != ice->stream_id || component_id != TC_ICE_COMPONENT)
    return;
  ice->has_pair = true;
  /* libnice gives a newly selected pair consent to send. */
  if (ice->consent_revoked) {
    ice->consent_revoked = false;
    on_component_state (agent, stream_id, component_id, ice->nice_state, ice);
  }
  ice_event *ev = g_new0 (ice_event, 1);
  ev->kind = ICE_EV_PAIR;
  ev->pair.local_type = cand_type (local->type);
  ev->pair.remote_type = cand_type (remote->type);
  ev->pair.relayed = local->type == NICE_CANDIDATE_TYPE_RELAYED
      || remote->type == NICE_CANDIDATE_TYPE_RELAYED;
  TC_DEBUG ("ice: selected pair %s/%s", tc_ice_cand_type_str (ev->pair.local_type),
      tc_ice_cand_type_str (ev->pair.remote_type));
  ice_event_queue (ice, ev);
}

void
ice_events_connect (tc_ice *ice)
{
  g_signal_connect (ice->agent, "new-candidate-full",
      G_CALLBACK (on_new_candidate), ice);
  g_signal_connect (ice->agent, "candidate-gathering-done",
      G_CALLBACK (on_gathering_done), ice);
  g_signal_connect (ice->agent, "component-state-changed",
      G_CALLBACK (on_component_state), ice);
  g_signal_connect (ice->agent, "new-selected-pair-full",
      G_CALLBACK (on_selected_pair), ice);
}

void
ice_events_disconnect (tc_ice *ice)
{
  g_signal_handlers_disconnect_by_data (ice->agent, ice);
}

/* ---- datagrams ---------------------------------------------------------- */

void
ice_on_recv (NiceAgent *agent, guint stream_id, guint component_id,
    guint len, gchar *buf, gpointer data)
{
  tc_ice *ice = data;
  if (ice->closed || len == 0)
    return;
  flush (ice);
  if (ice->freed || ice->cb.on_datagram == NULL)
    return;
  ice->cb_depth++;
  ice->cb.on_datagram (ice->cb.user_data, (const uint8_t *) buf, len);
  ice->cb_depth--;
}

/* ---- names --------------------------------------------------------------- */

const char *
tc_ice_state_str (tc_ice_state state)
{
  switch (state) {
    case TC_ICE_STATE_NEW: return "new";
    case TC_ICE_STATE_CHECKING: return "checking";
    case TC_ICE_STATE_CONNECTED: return "connected";
    case TC_ICE_STATE_COMPLETED: return "completed";
    case TC_ICE_STATE_FAILED: return "failed";
    case TC_ICE_STATE_DISCONNECTED: return "disconnected";
    case TC_ICE_STATE_CLOSED: return "closed";
  }
  return "unknown";
}

const char *
tc_ice_failure_str (tc_ice_failure why)
{
  switch (why) {
    case TC_ICE_FAIL_NONE: return "no failure";
    case TC_ICE_FAIL_NO_RELAY:
      return "no relay candidate: the TURN server is unreachable or refused "
          "the credentials";
    case TC_ICE_FAIL_NO_CANDIDATES: return "no local candidate could be gathered";
    case TC_ICE_FAIL_CHECKS: return "every candidate pair failed";
    case TC_ICE_FAIL_TIMEOUT: return "no candidate pair worked in time";
    case TC_ICE_FAIL_CONSENT: return "the connected path stopped answering";
    case TC_ICE_FAIL_TURN_CERT:
      return "the TURN server's TLS certificate could not be verified";
  }
  return "unknown failure";
}
