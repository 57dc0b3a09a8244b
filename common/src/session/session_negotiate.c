/* session_negotiate.c - signaling events, roles and offer/answer.
 *
 * PEER_JOINED's is_offerer (client-id rule) decides who offers. Older
 * TempChat pages make the second joiner offer whatever the rule says, so an
 * offer may meet ours in flight: perfect negotiation resolves that glare,
 * with the answerer-by-rule as the polite side (session_policy.c). If the
 * peer stays silent while we wait for an offer (an older page that thinks
 * we should offer), we offer after ANSWERER_PATIENCE_MS. An older page
 * may also never yield in glare: the offer we ignored is kept and answered
 * if ours stays unanswered (tc_session_glare_should_yield).
 *
 * A lost ICE path is restarted by either role, and the call ends after a
 * bound (tc_session_recovery_action); the session tick drives both.
 */
#include "session/session_internal.h"

#include <string.h>

/* A modern page offers as soon as it sees us, so its offer comes well
 * within this. Offering early is safe: as the answerer by the rule we are
 * the polite side, and if the page's offer crosses ours we roll ours back. */
#define ANSWERER_PATIENCE_MS 2000

/* ---- the local description --------------------------------------------- */

static void
fill_local (tc_call *c, tc_sdp_local *l)
{
  tc_session *s = c->s;
  tc_sdp_local_init (l);
  l->ice_ufrag = tc_ice_get_local_ufrag (c->ice);
  l->ice_pwd = tc_ice_get_local_pwd (c->ice);
  tc_dtls_fingerprint fp;
  if (tc_dtls_cert_fingerprint (s->cert, TC_DTLS_HASH_SHA256, &fp) == TC_OK)
    memcpy (l->fingerprint_sha256, fp.bytes, 32);
  l->session_id = c->sdp_session_id;
  l->session_version = c->sdp_version;
  /* A renegotiation keeps the DTLS role of the running transport. */
  l->setup = c->neg != NULL ? c->neg->local_setup : TC_SDP_SETUP_NONE;
  l->send_audio = s->cfg.send_audio;
  l->send_video = s->cfg.send_video;
  l->recv_audio = s->cfg.recv_audio;
  l->recv_video = s->cfg.recv_video;
  l->audio_ssrc = s->audio_ssrc;
  l->video_ssrc = s->video_ssrc;
  l->video_rtx_ssrc = s->video_rtx_ssrc;
  l->cname = s->cname;
  l->stream_id = s->stream_id;
  l->audio_track_id = "tempchat-audio";
  l->video_track_id = "tempchat-video";
  memcpy (l->video_codecs, s->video_codecs, sizeof l->video_codecs);
  l->n_video_codecs = s->n_video_codecs;
  l->opus = true;
  l->quality = s->cfg.quality;
  l->bitrates = s->cfg.bitrates;
}

static void
send_sdp (tc_call *c, tc_sdp_type type, const tc_sdp *sdp)
{
  char *text = tc_sdp_serialize (sdp);
  tc_peer_msg msg = { .kind = TC_PEER_MSG_SDP, .sdp_type = type, .sdp = text,
    .sdp_mline_index = -1 };
  tc_status st = tc_signal_send (c->s->sig, &msg);
  if (st != TC_OK)
    TC_WARN ("[s%u] sending the %s failed: %s", c->s->serial,
        tc_sdp_type_str (type), tc_status_name (st));
  tc_session_debug_keep_sdp (c->s, true, text);
  g_free (text);
}

static void
ensure_gathering (tc_call *c)
{
  if (c->gathering)
    return;
  c->gathering = true;
  tc_status st = tc_ice_gather (c->ice);
  if (st != TC_OK)
    tc_call_fail (c, st, "Could not open a network socket for the call.");
}

static void
send_offer (tc_call *c)
{
  tc_sdp_local l;
  const char *why = NULL;
  fill_local (c, &l);
  tc_sdp_free (c->local_offer);
  c->local_offer = NULL;
  /* Once negotiated, an offer keeps the sections, mids and payload types. */
  tc_status st = c->neg != NULL
      ? tc_sdp_build_reoffer (&l, c->neg, &c->local_offer, &why)
      : tc_sdp_build_offer (&l, &c->local_offer, &why);
  if (st != TC_OK) {
    tc_call_fail (c, st, "Could not describe our media to the peer.");
    return;
  }
  c->sdp_version++;
  c->described = tc_session_cfg_directions (c->s);
  /* The first offerer controls ICE (JSEP), whatever the client-id rule
   * expected: an answerer by the rule that offers (its patience ran out)
   * would otherwise meet a controlled answerer. Before gathering the role
   * can still change. */
  if (c->neg == NULL && !c->gathering)
    tc_ice_set_role (c->ice, TC_ICE_ROLE_CONTROLLING);
  send_sdp (c, TC_SDP_OFFER, c->local_offer);
  ensure_gathering (c);
}

void
tc_call_send_offer (tc_call *c)
{
  send_offer (c);
}

/* ---- applying a negotiation -------------------------------------------- */

static void
announce_negotiated (tc_call *c)
{
  for (size_t i = 0; i < c->neg->n_media; i++) {
    const tc_sdp_negotiated_media *m = &c->neg->media[i];
    if (!m->accepted || m->direction == TC_SDP_DIR_INACTIVE)
      continue;
    tc_session_event ev = { .type = TC_SESSION_EV_NEGOTIATED,
      .kind = strcmp (m->kind, "audio") == 0 ? TC_MEDIA_AUDIO : TC_MEDIA_VIDEO,
      .codec = m->codec, .direction = m->direction,
      .payloader = tc_payloader_find (tc_sdp_codec_name (m->codec)) };
    TC_INFO ("[s%u] negotiated %s %s (%s)", c->s->serial, m->kind,
        tc_sdp_codec_name (m->codec), tc_sdp_direction_str (m->direction));
    tc_session_emit (c->s, &ev);
  }
}

/* Takes `neg`. A first negotiation sets up streams and transport; a later
 * one (the peer renegotiated, e.g. ICE restart) only updates ICE. */
static void
apply_negotiated (tc_call *c, tc_sdp_negotiated *neg)
{
  bool first = c->neg == NULL;
  if (!first && !tc_call_keeps_dtls (c, neg)) {
    tc_sdp_negotiated_free (neg);
    tc_call_fail (c, TC_ERR_UNSUPPORTED, "The peer changed its DTLS "
        "certificate or role in the middle of the call.");
    return;
  }
  tc_sdp_negotiated_free (c->neg);
  c->neg = neg;
  if (!first) {
    tc_ice_set_remote_credentials (c->ice, neg->remote_ice_ufrag,
        neg->remote_ice_pwd);
    tc_call_update_media (c);
    tc_call_bwe_setup (c); /* video may start sending only now */
    tc_session_retick (c->s);
    return;
  }
  announce_negotiated (c);
  tc_call_setup_send (c);
  tc_call_bwe_setup (c);
  tc_call_setup_recv (c);
  tc_session_retick (c->s);
  tc_session_set_state (c->s, TC_SESSION_CONNECTING);
  tc_status st = tc_call_transport_start (c);
  if (st != TC_OK)
    tc_call_fail (c, st, "The peer's media description cannot be used.");
}

static tc_status
build_answer_once (tc_call *c, const tc_sdp *offer, tc_sdp **answer,
    tc_sdp_negotiated **neg)
{
  tc_sdp_local l;
  const char *why = NULL;
  fill_local (c, &l);
  /* A first answer takes the DTLS server's role (RFC 8842 allows either),
   * so that we choose the SRTP profile: AEAD-GCM, which libsrtp built on
   * NSS protects 4x faster than the AES-CM that Chromium as the server
   * picks first (about 0.1 CPU s/min less at 6 Mbit/s, each way). */
  if (l.setup == TC_SDP_SETUP_NONE)
    l.setup = TC_SDP_SETUP_PASSIVE;
  tc_status st = tc_sdp_build_answer (offer, &l, answer, neg, &why);
  if (st != TC_OK)
    TC_WARN ("[s%u] cannot answer (%s)", c->s->serial, why);
  return st;
}

/* A renegotiation may restart ICE: the peer's new credentials make tc_ice
 * restart too, and then the answer must carry our new ones. */
static tc_status
build_answer (tc_call *c, const tc_sdp *offer, tc_sdp **answer,
    tc_sdp_negotiated **neg)
{
  tc_status st = build_answer_once (c, offer, answer, neg);
  if (st != TC_OK || c->neg == NULL)
    return st;
  char *before = g_strdup (tc_ice_get_local_ufrag (c->ice));
  tc_ice_set_remote_credentials (c->ice, (*neg)->remote_ice_ufrag,
      (*neg)->remote_ice_pwd);
  if (strcmp (before, tc_ice_get_local_ufrag (c->ice)) != 0) {
    g_clear_pointer (answer, tc_sdp_free);
    g_clear_pointer (neg, tc_sdp_negotiated_free);
    st = build_answer_once (c, offer, answer, neg);
  }
  g_free (before);
  return st;
}

/* We answer the first offer: ICE controlled. An agent that gathered for
 * our own offer (glare, and we yield) cannot change its role any more
 * (tc_ice_set_role): a new agent replaces it, and the peer's candidates so
 * far go to it again. Our old candidates carry the old ufrag, which the
 * answer no longer names: the peer drops them. False when the call failed. */
static bool
become_controlled (tc_call *c)
{
  if (tc_ice_set_role (c->ice, TC_ICE_ROLE_CONTROLLED) == TC_OK)
    return true;
  TC_INFO ("[s%u] we yield after gathering as the offerer: a controlled ICE "
      "agent replaces it", c->s->serial);
  g_clear_pointer (&c->ice, tc_ice_free);
  c->gathering = false;
  tc_status st = tc_call_ice_new (c, false);
  if (st != TC_OK) {
    tc_call_fail (c, st, "The ICE settings cannot be used.");
    return false;
  }
  for (guint i = 0; c->early_candidates != NULL
      && i < c->early_candidates->len; i++)
    tc_ice_add_remote_candidate (c->ice, c->early_candidates->pdata[i]);
  if (c->early_eoc)
    tc_ice_end_of_remote_candidates (c->ice, c->early_eoc_ufrag);
  return true;
}

/* The peer's candidates before the first negotiation, kept for
 * become_controlled(); bounded like tc_ice's own pending list. */
static void
keep_early (tc_call *c, const tc_peer_msg *m)
{
  if (c->neg != NULL)
    return;
  if (m->kind == TC_PEER_MSG_END_OF_CANDIDATES) {
    c->early_eoc = true;
    g_free (c->early_eoc_ufrag);
    c->early_eoc_ufrag = g_strdup (m->username_fragment);
    return;
  }
  if (c->early_candidates == NULL)
    c->early_candidates = g_ptr_array_new_with_free_func (g_free);
  if (c->early_candidates->len < TC_CALL_MAX_EARLY_CANDIDATES)
    g_ptr_array_add (c->early_candidates, g_strdup (m->candidate));
}

/* Takes `offer`; `text` is its SDP. `yield`: our own offer is dropped. */
static void
answer_offer (tc_call *c, tc_sdp *offer, const char *text, bool yield)
{
  g_clear_pointer (&c->ignored_offer, g_free);
  /* A restart offer from the peer while our path is lost: its restart
   * runs now, so ours waits (tc_session_recovery_action). */
  if (c->path_lost_us != 0)
    c->restart_us = g_get_monotonic_time ();
  if (yield || c->neg == NULL) {
    g_clear_pointer (&c->local_offer, tc_sdp_free);
    /* We answer the call, so the peer controls ICE; a renegotiation's
     * glare changes no role of the running transport. */
    if (c->neg == NULL && !become_controlled (c)) {
      tc_sdp_free (offer);
      return;
    }
  }
  tc_session_debug_keep_sdp (c->s, false, text);
  tc_sdp *answer = NULL;
  tc_sdp_negotiated *neg = NULL;
  tc_status st = build_answer (c, offer, &answer, &neg);
  tc_sdp_free (offer);
  if (st != TC_OK) {
    tc_call_fail (c, st, "The peer offered media we cannot use.");
    return;
  }
  c->sdp_version++;
  c->described = tc_session_cfg_directions (c->s);
  send_sdp (c, TC_SDP_ANSWER, answer);
  tc_sdp_free (answer);
  c->exchange_us = g_get_monotonic_time ();
  ensure_gathering (c);
  apply_negotiated (c, neg);
  tc_call_check_directions (c);
}

/* The certificate an offer names: its first section's, else the session
 * level's (as tc_sdp_build_answer reads it). */
static const tc_sdp_fingerprint *
offer_fingerprint (const tc_sdp *offer)
{
  if (offer->n_media > 0 && offer->media[0]->common.fingerprint.len > 0)
    return &offer->media[0]->common.fingerprint;
  return &offer->common.fingerprint;
}

/* An offer in a negotiated call with another DTLS certificate comes from a
 * new peer connection of the peer's: a page that started its call over (it
 * does when its signaling reconnected under a new client id and it took us
 * for a newcomer). A renegotiation cannot move the call to it (RFC 8842 5.5
 * would need a new association), and the old peer connection is gone or
 * going: a new call answers it. */
static bool
from_new_peer_connection (const tc_call *c, const tc_sdp *offer)
{
  const tc_sdp_fingerprint *f = offer_fingerprint (offer);
  const tc_sdp_fingerprint *now = &c->neg->remote_fingerprint;
  return f->len > 0 && (f->len != now->len
      || memcmp (f->bytes, now->bytes, f->len) != 0);
}

static void
on_offer (tc_call *c, const char *text)
{
  tc_sdp *offer = NULL;
  const char *why = NULL;
  if (tc_sdp_parse (text, strlen (text), &offer, &why) != TC_OK) {
    TC_WARN ("[s%u] unreadable offer (%s)", c->s->serial, why);
    return;
  }
  if (c->neg != NULL && from_new_peer_connection (c, offer)) {
    tc_session *s = c->s;
    TC_INFO ("[s%u] an offer from a new peer connection of the peer: a new "
        "call answers it", s->serial);
    tc_session_end_call (s);
    tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
    tc_session_emit (s, &ev);
    tc_session_new_call (s, false);  /* frees `c` */
    c = s->call;
    if (c->failed) {
      tc_sdp_free (offer);
      return;
    }
  }
  tc_offer_action a = tc_session_offer_action (c->local_offer != NULL,
      !c->is_offerer);
  TC_INFO ("[s%u] offer received: %s", c->s->serial, tc_offer_action_str (a));
  if (a == TC_OFFER_IGNORE) {
    /* Kept: an older page may never yield (glare_tick). */
    g_free (c->ignored_offer);
    c->ignored_offer = g_strdup (text);
    c->ignored_offer_us = g_get_monotonic_time ();
    tc_sdp_free (offer);
    return;
  }
  answer_offer (c, offer, text, a == TC_OFFER_ROLLBACK_AND_ACCEPT);
}

static void
on_answer (tc_call *c, const char *text)
{
  if (c->local_offer == NULL) {
    TC_INFO ("[s%u] answer without an offer of ours: ignored", c->s->serial);
    return;
  }
  tc_sdp *answer = NULL;
  const char *why = NULL;
  if (tc_sdp_parse (text, strlen (text), &answer, &why) != TC_OK) {
    TC_WARN ("[s%u] unreadable answer (%s)", c->s->serial, why);
    return;
  }
  tc_session_debug_keep_sdp (c->s, false, text);
  tc_sdp_local l;
  fill_local (c, &l);
  tc_sdp_negotiated *neg = NULL;
  tc_status st = tc_sdp_read_answer (c->local_offer, answer, &l, &neg, &why);
  tc_sdp_free (answer);
  g_clear_pointer (&c->local_offer, tc_sdp_free);
  g_clear_pointer (&c->ignored_offer, g_free); /* the peer yielded */
  if (st != TC_OK) {
    tc_call_fail (c, st, "The peer's answer cannot be used.");
    return;
  }
  c->exchange_us = g_get_monotonic_time ();
  apply_negotiated (c, neg);
  tc_call_check_directions (c);
}

/* ---- a call that found no path ------------------------------------------ */

/* ICE found no path before the call connected. The user hears of it, but
 * the path may still come (a link restored, a NAT that opens): the web
 * client's offerer restarts ICE 4 s after `failed`, connected or not. Other
 * failures (DTLS refused, a description we cannot use) would only fail
 * again. */
static bool
revivable (const tc_call *c)
{
  return c->failed && c->fail_status == TC_ERR_NOT_CONNECTED;
}

static void
revive (tc_call *c)
{
  c->failed = false;
  c->revivals++;
  TC_INFO ("[s%u] the failed call is tried again (%u)", c->s->serial,
      c->revivals);
  tc_session_set_state (c->s, TC_SESSION_CONNECTING);
}

/* ICE connected a call that had failed for want of a path: it goes on
 * from there (DTLS has not started: ICE never worked before). False when
 * the call failed for another reason, which a path does not cure. */
bool
tc_call_revive_on_path (tc_call *c)
{
  if (!revivable (c))
    return false;
  revive (c);
  return true;
}

static void
on_peer_message (tc_call *c, const tc_peer_msg *m)
{
  /* The peer's ICE-restart offer is its new try at a call that failed. */
  if (revivable (c) && m->kind == TC_PEER_MSG_SDP
      && m->sdp_type == TC_SDP_OFFER)
    revive (c);
  if (c->failed)
    return;
  switch (m->kind) {
    case TC_PEER_MSG_SDP:
      if (m->sdp_type == TC_SDP_OFFER)
        on_offer (c, m->sdp);
      else if (m->sdp_type == TC_SDP_ANSWER)
        on_answer (c, m->sdp);
      break;
    case TC_PEER_MSG_CANDIDATE:
      /* We run one transport, the first m-line's (BUNDLE). A browser that
       * offers gathers per m-line until the answer (bundlePolicy
       * "balanced"): checking the others could select a pair on a
       * transport it is about to close. */
      if (m->sdp_mline_index > 0)
        break;
      keep_early (c, m);
      /* tc_ice keeps candidates that come before the description. */
      if (tc_ice_add_remote_candidate (c->ice, m->candidate) == TC_OK)
        c->remote_candidates++;
      break;
    case TC_PEER_MSG_END_OF_CANDIDATES:
      keep_early (c, m);
      tc_ice_end_of_remote_candidates (c->ice, m->username_fragment);
      break;
  }
}

/* ---- calls ------------------------------------------------------------- */

void
tc_call_free (tc_call *c)
{
  if (c == NULL)
    return;
  if (c->patience != NULL) {
    g_source_destroy (c->patience);
    g_source_unref (c->patience);
  }
  tc_call_pace_drop (c, -1);
  tc_call_held_clear (c);
  tc_call_transport_close (c);
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_send_stream_clear (&c->tx[k]);
    tc_recv_stream_clear (&c->rx[k]);
  }
  tc_bwe_free (c->bwe);
  g_free (c->wire);
  tc_sdp_free (c->local_offer);
  g_free (c->ignored_offer);
  if (c->early_candidates != NULL)
    g_ptr_array_unref (c->early_candidates);
  g_free (c->early_eoc_ufrag);
  tc_sdp_negotiated_free (c->neg);
  g_free (c);
}

void
tc_session_end_call (tc_session *s)
{
  g_clear_pointer (&s->call, tc_call_free);
}

/* An answerer that never hears an offer offers itself (older pages). */
static gboolean
on_answerer_patience (gpointer data)
{
  tc_call *c = data;
  tc_session *s = c->s;
  if (c->neg == NULL && c->local_offer == NULL && !c->failed) {
    TC_INFO ("[s%u] no offer came: offering", s->serial);
    send_offer (c);
  }
  return G_SOURCE_REMOVE;
}

static void
on_peer_joined (tc_session *s, bool is_offerer, bool replaces_peer)
{
  int64_t now = g_get_monotonic_time ();
  /* The call keeps the roles it was negotiated with: client ids changed
   * with the reconnect, the DTLS and ICE roles did not. A member that was
   * waiting in the busy room and takes the leaving peer's place may be
   * another person, or the peer itself whose silent old connection held
   * its place: the kept call's media tells (session_away.c). */
  if (s->call != NULL && (replaces_peer
          ? tc_call_defer_joiner (s->call, is_offerer, now)
          : tc_call_take_back (s->call, now)))
    return;
  tc_session_new_call (s, is_offerer);
}

void
tc_session_new_call (tc_session *s, bool is_offerer)
{
  tc_session_end_call (s);
  tc_call *c = g_new0 (tc_call, 1);
  c->s = s;
  c->is_offerer = is_offerer;
  c->rtt_us = -1;
  tc_call_pace_init (c);
  c->sdp_session_id = ((uint64_t) g_random_int () << 31) ^ g_random_int ();
  c->sdp_version = 2;
  s->call = c;
  tc_session_event ev = { .type = TC_SESSION_EV_PEER_JOINED,
    .is_offerer = is_offerer };
  tc_session_emit (s, &ev);
  tc_session_set_state (s, TC_SESSION_NEGOTIATING);
  tc_status st = tc_call_ice_new (c, is_offerer);
  if (st != TC_OK) {
    tc_call_fail (c, st, "The ICE settings cannot be used.");
    return;
  }
  if (is_offerer) {
    send_offer (c);
    return;
  }
  c->patience = g_timeout_source_new (ANSWERER_PATIENCE_MS);
  g_source_set_callback (c->patience, on_answerer_patience, c, NULL);
  g_source_attach (c->patience, s->ctx);
}

/* ---- making progress: glare and a lost path ------------------------------ */

/* Our offer met one from a peer that never yields (an older page): answer
 * the peer's offer after all. */
static void
glare_tick (tc_call *c, int64_t now)
{
  int64_t waited_ms = (now - c->ignored_offer_us) / 1000;
  if (!tc_session_glare_should_yield (c->ignored_offer != NULL,
          c->local_offer != NULL, waited_ms))
    return;
  TC_DEBUG ("[s%u] no answer to our offer %" G_GINT64_FORMAT " ms after "
      "the collision: the peer does not yield, answering its offer",
      c->s->serial, waited_ms);
  char *text = g_steal_pointer (&c->ignored_offer);
  tc_sdp *offer = NULL;
  if (tc_sdp_parse (text, strlen (text), &offer, NULL) == TC_OK)
    answer_offer (c, offer, text, true);
  g_free (text);
}

static void
restart_offer (tc_call *c)
{
  c->ice_restarts++;
  c->remote_candidates = 0;
  c->exchange_us = 0;
  TC_INFO ("[s%u] restarting ICE (%u)", c->s->serial, c->ice_restarts);
  send_offer (c);
}

static void
restart_ice (tc_call *c, int64_t now)
{
  c->restart_us = now;
  if (tc_ice_restart (c->ice) != TC_OK)
    return;  /* tried again after the grace, then given up */
  restart_offer (c);
}

/* A call that found no path, tried again by the offerer as the web client
 * does (4 s after failing), then less often: 8, 16, 32 s and on each 64 s,
 * so a peer that is gone for good does not get an offer every 4 s. Revived
 * only once the agent restarted: a call that cannot restart stays failed
 * and is tried at the next turn. */
static void
revive_tick (tc_call *c, int64_t now)
{
  int64_t grace_ms = (int64_t) TC_RECOVERY_GRACE_FAILED_MS
      << MIN (c->revivals, 4u);
  if ((now - c->failed_us) / 1000 < grace_ms)
    return;
  if (tc_ice_restart (c->ice) != TC_OK) {
    c->failed_us = now;
    return;
  }
  revive (c);
  c->restart_us = now;
  restart_offer (c);
}

/* Before the first connection: a peer that sent not one candidate since
 * the exchange may have lost them on the way, or stalled its gathering
 * (session_policy.h). */
/* True when the call was ended (we left to join again): `c` is freed. */
static bool
stall_tick (tc_call *c, int64_t now)
{
  tc_session *s = c->s;
  if (c->local_offer != NULL)
    return false;  /* an exchange is under way */
  tc_ice_state st = tc_ice_get_state (c->ice);
  bool connected = c->connected || st == TC_ICE_STATE_CONNECTED
      || st == TC_ICE_STATE_COMPLETED;
  if (connected)
    s->stall_rejoins = 0;
  int64_t since = c->exchange_us != 0 ? (now - c->exchange_us) / 1000 : -1;
  tc_stall_action a = tc_session_stall_action (c->is_offerer, connected, since,
      c->remote_candidates, c->stall_restarts, s->stall_rejoins);
  if (a == TC_STALL_WAIT)
    return false;
  TC_INFO ("[s%u] no candidate from the peer %" G_GINT64_FORMAT
      " ms after the exchange: %s", s->serial, since, tc_stall_action_str (a));
  if (a == TC_STALL_RESTART) {
    c->stall_restarts++;
    restart_ice (c, now);
    return false;
  }
  s->stall_rejoins++;
  tc_session_rejoin (s);  /* frees `c` */
  return true;
}

/* The path stayed lost: the call is over, the session waits for a peer. */
static void
give_up (tc_session *s)
{
  TC_WARN ("[s%u] the path to the peer stayed lost: ending the call",
      s->serial);
  tc_session_emit_error (s, TC_ERR_NOT_CONNECTED, false,
      "Lost the connection to the other person and could not get it back.");
  tc_session_end_call (s);
  tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
  tc_session_emit (s, &ev);
  tc_session_set_state (s, s->signal_down ? TC_SESSION_RECONNECTING
      : TC_SESSION_WAITING);
}

/* ICE lost the path of a connected call (session_transport.c). */
void
tc_call_path_lost (tc_call *c, bool failed)
{
  if (c->path_lost_us == 0)
    c->path_lost_us = g_get_monotonic_time ();
  c->path_failed = failed;
  tc_session_set_state (c->s, TC_SESSION_RECONNECTING);
}

void
tc_call_path_back (tc_call *c)
{
  c->path_lost_us = 0;
  c->restart_us = 0;
}

/* Called from the session tick; may end the call. */
void
tc_session_negotiate_tick (tc_session *s, int64_t now)
{
  tc_call *c = s->call;
  if (c != NULL && revivable (c) && c->is_offerer && c->local_offer == NULL) {
    revive_tick (c, now);
    return;
  }
  if (c == NULL || c->failed)
    return;
  glare_tick (c, now);
  if (!c->failed && stall_tick (c, now))
    return;  /* we left the room to join again */
  if (c->failed || c->path_lost_us == 0)
    return;
  int64_t since = c->restart_us != 0 ? (now - c->restart_us) / 1000 : -1;
  switch (tc_session_recovery_action (c->is_offerer, c->path_failed,
      (now - c->path_lost_us) / 1000, since)) {
    case TC_RECOVERY_WAIT:
      break;
    case TC_RECOVERY_RESTART:
      restart_ice (c, now);
      break;
    case TC_RECOVERY_GIVE_UP:
      give_up (s);
      break;
  }
}

static void
on_peer_left (tc_session *s)
{
  if (s->call != NULL && tc_call_hold_while_away (s->call,
          g_get_monotonic_time ()))
    return;
  bool had = s->call != NULL;
  tc_session_end_call (s);
  if (had) {
    tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
    tc_session_emit (s, &ev);
  }
  /* After a signaling loss we are out of the room until RECONNECTED. */
  tc_session_set_state (s, s->signal_down ? TC_SESSION_RECONNECTING
      : TC_SESSION_WAITING);
}

void
tc_session_on_signal (tc_signal *sig, const tc_signal_event *ev, void *data)
{
  tc_session *s = data;
  (void) sig;
  switch (ev->type) {
    case TC_SIGNAL_EV_PEER_JOINED:
      on_peer_joined (s, ev->is_offerer, ev->replaces_peer);
      break;
    case TC_SIGNAL_EV_PEER_LEFT:
      on_peer_left (s);
      break;
    case TC_SIGNAL_EV_MESSAGE:
      if (s->call != NULL)
        on_peer_message (s->call, ev->msg);
      break;
    case TC_SIGNAL_EV_SUBSCRIBED:
    case TC_SIGNAL_EV_RECONNECTED:
      if (ev->type == TC_SIGNAL_EV_RECONNECTED)
        s->signal_reconnects++;
      s->signal_down = false;
      s->signal_up = true;
      if (s->call == NULL)
        tc_session_set_state (s, TC_SESSION_WAITING);
      break;
    case TC_SIGNAL_EV_DISCONNECTED: {
      /* A call in progress keeps its media: the PEER_LEFT that follows
       * holds it while it is alive (session_away.c). The
       * wrapper hears why each attempt failed: a relay that cannot be
       * reached must not look like an empty room. */
      char *text = g_strdup_printf ("The signaling server cannot be reached "
          "(%s); trying again in %u s.", ev->text != NULL ? ev->text
          : "the connection dropped", (ev->retry_ms + 999) / 1000);
      s->signal_down = true;
      s->signal_up = false;
      if (s->call == NULL)
        tc_session_set_state (s, TC_SESSION_RECONNECTING);
      /* Not through tc_session_emit_error: the signaling client logged it
       * already, and an expected retry is no warning in our own log. */
      tc_session_event err = { .type = TC_SESSION_EV_ERROR,
        .status = TC_ERR_CONNECT, .fatal = false, .text = text };
      tc_session_emit (s, &err);
      g_free (text);
      break;
    }
    case TC_SIGNAL_EV_ROOM_BUSY: {
      tc_session_event busy = { .type = TC_SESSION_EV_ERROR,
        .status = TC_ERR_ROOM_FULL, .fatal = false,
        .text = "A call is already under way in this room; waiting until "
            "one of its two participants leaves." };
      tc_session_emit (s, &busy);
      break;
    }
    case TC_SIGNAL_EV_ERROR:
      tc_session_emit_error (s, ev->status, ev->fatal,
          ev->text != NULL ? ev->text : tc_status_str (ev->status));
      if (ev->fatal) {
        s->signal_up = false;
        tc_session_end_call (s);
        tc_session_set_state (s, TC_SESSION_FAILED);
      }
      break;
    default:
      break;
  }
}
