/* session_transport.c - ICE, DTLS and SRTP for one call, and the demux of
 * what arrives on the ICE socket (RFC 7983).
 *
 * The ICE agent exists from PEER_JOINED (its credentials go into our SDP);
 * DTLS is made once the SDPs agree (role from a=setup, the peer's
 * a=fingerprint as the only certificate it may present) and its client
 * starts when ICE has a working pair. SRTP keys come from the handshake.
 *
 * As the offerer we are the DTLS server, and a browser's ClientHello often
 * arrives before libnice has selected our pair (the browser, controlled,
 * takes the nominated pair first). Our answer to it cannot go out yet; it
 * is kept and sent the moment ICE connects. Dropping it cost a whole
 * retransmission timeout (1 s) on every such call: bench/first_frame.mjs.
 */
#include "session/session_internal.h"

#include "net/ice_recheck.h"

#include <string.h>

/* ---- ICE --------------------------------------------------------------- */

static void
on_local_candidate (void *data, const char *candidate)
{
  tc_call *c = data;
  tc_peer_msg msg = { .kind = TC_PEER_MSG_CANDIDATE,
    .candidate = (char *) candidate, .sdp_mid = (char *) "0",
    .sdp_mline_index = 0,
    .username_fragment = (char *) tc_ice_get_local_ufrag (c->ice) };
  tc_signal_send (c->s->sig, &msg);
}

/* End-of-candidates as a page passes it to pc.addIceCandidate(): an empty
 * candidate of our current generation (usernameFragment), so the browser's
 * checks may fail definitively instead of waiting for more. */
static void
on_gathering_done (void *data)
{
  tc_call *c = data;
  tc_peer_msg msg = { .kind = TC_PEER_MSG_END_OF_CANDIDATES,
    .sdp_mid = (char *) "0", .sdp_mline_index = 0,
    .username_fragment = (char *) tc_ice_get_local_ufrag (c->ice) };
  tc_signal_send (c->s->sig, &msg);
}

static void dtls_schedule (tc_call *c);
static void dtls_flush_early (tc_call *c);

static void
on_ice_state (void *data, tc_ice_state state, tc_ice_failure why)
{
  tc_call *c = data;
  TC_INFO ("[s%u] ICE %s", c->s->serial, tc_ice_state_str (state));
  bool works = state == TC_ICE_STATE_CONNECTED
      || state == TC_ICE_STATE_COMPLETED;
  /* A call that found no path finds one after all: the link came back
   * and a check went through (ours or the peer's, ice_recheck.c). A
   * handshake that had begun goes on: failing stopped its timer. */
  if (works && c->failed) {
    if (!tc_call_revive_on_path (c))
      return;
    dtls_schedule (c);
  }
  /* A pair that works has just answered a check: the peer is there. */
  if (works) {
    c->heard_us = g_get_monotonic_time ();
    dtls_flush_early (c);
  }
  if ((state == TC_ICE_STATE_CONNECTED || state == TC_ICE_STATE_COMPLETED)
      && c->dtls != NULL && tc_dtls_get_state (c->dtls) == TC_DTLS_STATE_NEW) {
    tc_dtls_start (c->dtls, g_get_monotonic_time ());
    dtls_schedule (c);
  } else if (state == TC_ICE_STATE_FAILED) {
    TC_INFO ("[s%u] ICE failed: %s", c->s->serial, tc_ice_failure_str (why));
    /* A call that had media gets it back by ICE restarts (either role,
     * tc_session_negotiate_tick); one that never connected has no path. */
    if (c->connected)
      tc_call_path_lost (c, true);
    else if (why == TC_ICE_FAIL_TURN_CERT)
      tc_call_fail (c, TC_ERR_TLS,
          "The TURN server's TLS certificate could not be verified.");
    else if (why == TC_ICE_FAIL_NO_RELAY)
      /* libnice does not say which: a 401 and silence look alike. */
      tc_call_fail (c, TC_ERR_TURN,
          "No TURN relay candidate: the TURN server refused our "
          "credentials (TURN authentication failed: check the TURN secret, "
          "or username and password) or could not be reached.");
    else
      tc_call_fail (c, TC_ERR_NOT_CONNECTED,
          "No network path to the peer was found.");
  } else if (state == TC_ICE_STATE_DISCONNECTED && c->connected) {
    tc_call_path_lost (c, false);
  } else if ((state == TC_ICE_STATE_CONNECTED
          || state == TC_ICE_STATE_COMPLETED) && c->connected) {
    tc_call_path_back (c);
    tc_session_set_state (c->s, TC_SESSION_CONNECTED);
  }
}

static void
on_datagram (void *data, const uint8_t *bytes, size_t len)
{
  tc_call *c = data;
  int64_t now = g_get_monotonic_time ();
  uint8_t buf[TC_SRTP_MAX_PACKET];
  if (len > sizeof buf)
    return;
  switch (tc_demux_classify (bytes, len)) {
    case TC_DEMUX_DTLS:
      if (c->dtls != NULL && !c->failed) {
        tc_call_heard (c, now);
        tc_dtls_feed (c->dtls, bytes, len, now);
        dtls_schedule (c);
      }
      break;
    case TC_DEMUX_RTP:
      memcpy (buf, bytes, len);
      tc_call_on_rtp (c, buf, len, now);
      break;
    case TC_DEMUX_RTCP:
      memcpy (buf, bytes, len);
      tc_call_on_rtcp (c, buf, len, now);
      break;
    default:
      break; /* STUN is libnice's; the rest is not ours */
  }
}

static void
on_selected_pair (void *data, const tc_ice_pair_info *pair)
{
  tc_call *c = data;
  c->relayed = pair->relayed;
}

tc_status
tc_call_ice_new (tc_call *c, bool controlling)
{
  tc_session *s = c->s;
  const char *turn[] = { s->cfg.turn_server, NULL };
  tc_ice_config cfg = {
    .stun_urls = s->cfg.stun_servers,
    .turn_urls = s->cfg.turn_server != NULL ? turn : NULL,
    .turn_username = s->cfg.turn_username,
    .turn_password = s->cfg.turn_password,
    .turn_secret = s->cfg.turn_secret,
    .ca_file = s->cfg.signaling.ca_file,
    .relay_only = s->cfg.relay_only,
    .role = controlling ? TC_ICE_ROLE_CONTROLLING : TC_ICE_ROLE_CONTROLLED,
    .local_addresses = s->cfg.local_addresses,
  };
  tc_ice_callbacks cbs = {
    .on_local_candidate = on_local_candidate,
    .on_gathering_done = on_gathering_done,
    .on_state_changed = on_ice_state,
    .on_datagram = on_datagram,
    .on_selected_pair = on_selected_pair,
    .user_data = c,
  };
  tc_status st = tc_ice_new (s->ctx, &cfg, &cbs, &c->ice);
  if (st == TC_OK && g_atomic_int_get (&s->debug_no_recheck))
    tc_ice_debug_recheck (c->ice, false);
  return st;
}

/* ---- DTLS -------------------------------------------------------------- */

static gboolean
on_dtls_timer (gpointer data)
{
  tc_call *c = data;
  g_clear_pointer (&c->dtls_timer, g_source_unref);
  if (c->dtls != NULL && !c->failed) {
    tc_dtls_handle_timeout (c->dtls, g_get_monotonic_time ());
    dtls_schedule (c);
  }
  return G_SOURCE_REMOVE;
}

/* One timer, re-armed for whatever tc_dtls wants next. */
static void
dtls_schedule (tc_call *c)
{
  if (c->dtls_timer != NULL) {
    g_source_destroy (c->dtls_timer);
    g_clear_pointer (&c->dtls_timer, g_source_unref);
  }
  if (c->dtls == NULL || c->failed)
    return;
  int64_t at = tc_dtls_next_timeout_us (c->dtls);
  if (at < 0)
    return;
  int64_t ms = (at - g_get_monotonic_time () + 999) / 1000;
  c->dtls_timer = g_timeout_source_new ((guint) CLAMP (ms, 0, 60000));
  g_source_set_callback (c->dtls_timer, on_dtls_timer, c, NULL);
  g_source_attach (c->dtls_timer, c->s->ctx);
}

/* A handshake flight is a few datagrams; more than this before ICE has a
 * pair is not a handshake, and the timer resends what is dropped. */
#define DTLS_EARLY_MAX 16

static void
dtls_send (void *data, const uint8_t *bytes, size_t len)
{
  tc_call *c = data;
  tc_ice_state is = tc_ice_get_state (c->ice);
  if (tc_ice_send (c->ice, bytes, len) != TC_ERR_NOT_CONNECTED
      || (is != TC_ICE_STATE_NEW && is != TC_ICE_STATE_CHECKING))
    return;
  if (c->dtls_early.length >= DTLS_EARLY_MAX)
    g_bytes_unref (g_queue_pop_head (&c->dtls_early));
  g_queue_push_tail (&c->dtls_early, g_bytes_new (bytes, len));
}

static void
dtls_flush_early (tc_call *c)
{
  GBytes *b;
  while ((b = g_queue_pop_head (&c->dtls_early)) != NULL) {
    size_t len;
    const uint8_t *data = g_bytes_get_data (b, &len);
    tc_ice_send (c->ice, data, len);
    g_bytes_unref (b);
  }
}

static void
dtls_connected (void *data, const tc_srtp_keys *keys)
{
  tc_call *c = data;
  tc_status st = tc_srtp_new (keys, &c->srtp);
  if (st != TC_OK) {
    tc_call_fail (c, st, "Could not set up media encryption.");
    return;
  }
  int64_t now = g_get_monotonic_time ();
  c->connected = true;
  c->heard_us = now;
  c->next_rtcp_us = now;
  c->stats_since_us = now;
  tc_session_set_state (c->s, TC_SESSION_CONNECTED);
  /* A decoder joining mid-stream needs a keyframe to start from: the one
   * made while connecting, or else a new one. */
  if (!tc_call_held_send (c, now) && c->tx[TC_KIND_VIDEO].active) {
    tc_session_event ev = { .type = TC_SESSION_EV_KEYFRAME_REQUEST,
      .kind = TC_MEDIA_VIDEO };
    tc_session_emit (c->s, &ev);
  }
}

/* The peer closed DTLS: it is leaving; stop sending until signaling says
 * so or a new call starts. */
static void
dtls_closed (void *data)
{
  tc_call *c = data;
  c->connected = false;
}

static void
dtls_failed (void *data, tc_status st, const char *reason)
{
  tc_call *c = data;
  tc_call_fail (c, st, reason);
}

/* The peer's a=fingerprint as tc_dtls wants it; false when its hash is not
 * one we accept. */
static bool
remote_fingerprint (const tc_sdp_fingerprint *in, tc_dtls_fingerprint *out)
{
  static const tc_dtls_hash hashes[] = { TC_DTLS_HASH_SHA1,
    TC_DTLS_HASH_SHA256, TC_DTLS_HASH_SHA384, TC_DTLS_HASH_SHA512 };
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < G_N_ELEMENTS (hashes); i++) {
    if (g_ascii_strcasecmp (in->algorithm, tc_dtls_hash_name (hashes[i])) == 0
        && in->len == tc_dtls_hash_len (hashes[i])) {
      out->hash = hashes[i];
      out->len = in->len;
      memcpy (out->bytes, in->bytes, in->len);
      return true;
    }
  }
  return false;
}

tc_status
tc_call_transport_start (tc_call *c)
{
  const tc_sdp_negotiated *neg = c->neg;
  tc_status st = tc_ice_set_remote_credentials (c->ice, neg->remote_ice_ufrag,
      neg->remote_ice_pwd);
  if (st != TC_OK)
    return st;
  tc_dtls_fingerprint fp;
  if (!remote_fingerprint (&neg->remote_fingerprint, &fp))
    return TC_ERR_UNSUPPORTED;
  tc_dtls_config cfg;
  tc_dtls_config_init (&cfg, neg->local_setup == TC_SDP_SETUP_ACTIVE
      ? TC_DTLS_ROLE_CLIENT : TC_DTLS_ROLE_SERVER, &fp);
  tc_dtls_callbacks cbs = { .send = dtls_send, .connected = dtls_connected,
    .failed = dtls_failed, .closed = dtls_closed };
  st = tc_dtls_new (c->s->cert, &cfg, &cbs, c, &c->dtls);
  if (st != TC_OK)
    return st;
  tc_ice_state is = tc_ice_get_state (c->ice);
  if (is == TC_ICE_STATE_CONNECTED || is == TC_ICE_STATE_COMPLETED) {
    tc_dtls_start (c->dtls, g_get_monotonic_time ());
    dtls_schedule (c);
  }
  return TC_OK;
}

void
tc_call_transport_close (tc_call *c)
{
  if (c->dtls_timer != NULL) {
    g_source_destroy (c->dtls_timer);
    g_clear_pointer (&c->dtls_timer, g_source_unref);
  }
  if (c->dtls != NULL && tc_dtls_get_state (c->dtls) == TC_DTLS_STATE_CONNECTED)
    tc_dtls_close (c->dtls);  /* close_notify, so the peer stops at once */
  g_clear_pointer (&c->dtls, tc_dtls_free);
  g_queue_clear_full (&c->dtls_early, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&c->srtp, tc_srtp_free);
  g_clear_pointer (&c->ice, tc_ice_free);
  c->connected = false;
}

/* Ends this call's media (the session stays in the room: the next
 * PEER_JOINED starts over, and a call that found no path is tried again by
 * an ICE restart, tc_call_revive). Safe inside DTLS and ICE callbacks:
 * nothing is freed here. */
void
tc_call_fail (tc_call *c, tc_status st, const char *text)
{
  if (c->failed)
    return;
  c->failed = true;
  c->connected = false;
  if (c->dtls_timer != NULL) {
    g_source_destroy (c->dtls_timer);
    g_clear_pointer (&c->dtls_timer, g_source_unref);
  }
  c->fail_status = st;
  c->failed_us = g_get_monotonic_time ();
  tc_session_emit_call_failed (c->s, st, text);
  tc_session_set_state (c->s, TC_SESSION_FAILED);
}

/* ---- protected sending -------------------------------------------------- */

/* A refused protect is a bug on our side that silences media: the user
 * hears of it once per call, not only in a debug line. */
static void
report_refused (tc_call *c, tc_status st)
{
  if (st != TC_ERR_SRTP_INDEX || c->srtp_refusal_reported)
    return;
  c->srtp_refusal_reported = true;
  tc_session_emit_error (c->s, st, false,
      "A media packet would have reused an encryption index; it was not "
      "sent, so the peer may miss some media.");
}

tc_status
tc_call_protect_rtp (tc_call *c, uint8_t *buf, size_t len, size_t cap,
    size_t *out)
{
  if (c->srtp == NULL)
    return TC_ERR_NOT_CONNECTED;
  tc_status st = tc_srtp_protect_rtp (c->srtp, buf, len, cap, out);
  report_refused (c, st);
  return st;
}

static tc_status
send_protected (tc_call *c, const uint8_t *pkt, size_t len, bool rtcp)
{
  uint8_t buf[TC_SESSION_PACKET_MAX + TC_SRTP_MAX_OVERHEAD];
  size_t out = 0;
  if (c->srtp == NULL || c->consent_lost || len > TC_SESSION_PACKET_MAX)
    return TC_ERR_NOT_CONNECTED;
  memcpy (buf, pkt, len);
  tc_status st = rtcp
      ? tc_srtp_protect_rtcp (c->srtp, buf, len, sizeof buf, &out)
      : tc_call_protect_rtp (c, buf, len, sizeof buf, &out);
  return st != TC_OK ? st : tc_ice_send (c->ice, buf, out);
}

tc_status
tc_call_send_rtp (tc_call *c, const uint8_t *pkt, size_t len)
{
  return send_protected (c, pkt, len, false);
}

tc_status
tc_call_send_rtcp (tc_call *c, const uint8_t *pkt, size_t len)
{
  return send_protected (c, pkt, len, true);
}
