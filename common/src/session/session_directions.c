/* session_directions.c - what a session sends and receives, changed while a
 * call runs (a wrapper's track added or removed).
 *
 * The wanted directions live in s->dirs (under lock, any thread) and are
 * copied into s->cfg on the session thread, which every description builder
 * reads. A negotiated call whose last offer or answer asked for something
 * else offers again; while an offer of ours is outstanding, or before the
 * first negotiation, nothing extra is sent: the check runs again once the
 * negotiation completes, so glare (session_policy.c) needs no special case.
 * A renegotiation leaves ICE, DTLS and SRTP alone and only starts or stops
 * streams.
 */
#include "session/session_internal.h"

#include <string.h>

tc_session_directions
tc_session_cfg_directions (const tc_session *s)
{
  return (tc_session_directions) { .send_audio = s->cfg.send_audio,
    .send_video = s->cfg.send_video, .recv_audio = s->cfg.recv_audio,
    .recv_video = s->cfg.recv_video };
}

static bool
same_directions (const tc_session_directions *a,
    const tc_session_directions *b)
{
  return a->send_audio == b->send_audio && a->send_video == b->send_video
      && a->recv_audio == b->recv_audio && a->recv_video == b->recv_video;
}

/* The call's video codec is one the session no longer lists
 * (tc_session_set_video_codecs): it must be negotiated again. */
static bool
codec_outdated (const tc_call *c)
{
  for (size_t i = 0; i < c->neg->n_media; i++) {
    const tc_sdp_negotiated_media *m = &c->neg->media[i];
    if (!m->accepted || strcmp (m->kind, "video") != 0)
      continue;
    for (size_t j = 0; j < c->s->n_video_codecs; j++) {
      if (c->s->video_codecs[j] == m->codec)
        return false;
    }
    return true;
  }
  return false;
}

void
tc_call_check_directions (tc_call *c)
{
  tc_session_directions want = tc_session_cfg_directions (c->s);
  if (c->failed || c->neg == NULL || c->local_offer != NULL)
    return;
  if (codec_outdated (c)) {
    TC_INFO ("[s%u] renegotiating: the video codec is no longer wanted",
        c->s->serial);
    tc_call_send_offer (c);
    return;
  }
  if (same_directions (&want, &c->described))
    return;
  TC_INFO ("[s%u] renegotiating: send%s%s%s, receive%s%s%s", c->s->serial,
      want.send_video ? " video" : "", want.send_audio ? " audio" : "",
      want.send_video || want.send_audio ? "" : " nothing",
      want.recv_video ? " video" : "", want.recv_audio ? " audio" : "",
      want.recv_video || want.recv_audio ? "" : " nothing");
  tc_call_send_offer (c);
}

/* ---- from any thread ---------------------------------------------------- */

static gboolean
on_directions_posted (gpointer data)
{
  tc_session *s = data;
  g_mutex_lock (&s->lock);
  tc_session_directions d = s->dirs;
  g_mutex_unlock (&s->lock);
  s->cfg.send_audio = d.send_audio;
  s->cfg.send_video = d.send_video;
  s->cfg.recv_audio = d.recv_audio;
  s->cfg.recv_video = d.recv_video;
  if (s->call != NULL)
    tc_call_check_directions (s->call);
  return G_SOURCE_REMOVE;
}

tc_status
tc_session_set_directions (tc_session *s, const tc_session_directions *dirs)
{
  g_return_val_if_fail (s != NULL && dirs != NULL, TC_ERR_INVALID_ARG);
  g_mutex_lock (&s->lock);
  bool stopped = s->stopped, started = s->started;
  if (!stopped)
    s->dirs = *dirs;
  g_mutex_unlock (&s->lock);
  if (stopped)
    return TC_ERR_CLOSED;
  /* Without a thread yet, nothing else reads cfg. Later the loop copies
   * the latest s->dirs, so posts that pile up apply the newest. */
  if (!started) {
    on_directions_posted (s);
    return TC_OK;
  }
  /* Always through the loop (never run in place as g_main_context_invoke
   * may before the thread owns the context). */
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, on_directions_posted, s, NULL);
  g_source_attach (src, s->ctx);
  g_source_unref (src);
  return TC_OK;
}

/* ---- applying a renegotiation ------------------------------------------- */

/* A renegotiation runs on the DTLS association the call has: the peer's
 * certificate and both roles must be the ones it was made with (RFC 8842
 * 5.5 would need a new association, which we do not make mid-call). */
bool
tc_call_keeps_dtls (const tc_call *c, const tc_sdp_negotiated *next)
{
  const tc_sdp_fingerprint *a = &c->neg->remote_fingerprint;
  const tc_sdp_fingerprint *b = &next->remote_fingerprint;
  return next->local_setup == c->neg->local_setup && a->len == b->len
      && memcmp (a->bytes, b->bytes, a->len) == 0
      && g_ascii_strcasecmp (a->algorithm, b->algorithm) == 0;
}

static const tc_sdp_negotiated_media *
section_of (const tc_sdp_negotiated *neg, const char *kind)
{
  for (size_t i = 0; i < neg->n_media; i++) {
    if (neg->media[i].accepted && strcmp (neg->media[i].kind, kind) == 0)
      return &neg->media[i];
  }
  return NULL;
}

static bool
dir_sends (tc_sdp_direction d)
{
  return d == TC_SDP_DIR_SENDRECV || d == TC_SDP_DIR_SENDONLY;
}

static bool
dir_receives (tc_sdp_direction d)
{
  return d == TC_SDP_DIR_SENDRECV || d == TC_SDP_DIR_RECVONLY;
}

/* Whether a stream of `codec` with payload type `pt` is what `m` carries:
 * a peer's re-offer may change the codec (the page renegotiating with
 * other preferences), and then the stream restarts with the new payloader
 * (the send stream keeps its SSRC and sequence numbers). */
static bool
same_codec (tc_sdp_codec codec, uint8_t pt, const tc_sdp_negotiated_media *m)
{
  return m != NULL && m->codec == codec && m->pt == pt;
}

/* Stops the streams of kind `k` the new negotiation no longer carries, or
 * carries with another codec. */
static void
stop_streams (tc_call *c, int k, const tc_sdp_negotiated_media *m)
{
  const char *kind = k == TC_KIND_AUDIO ? "audio" : "video";
  tc_send_stream *tx = &c->tx[k];
  tc_recv_stream *rx = &c->rx[k];
  if (tx->active && (m == NULL || !dir_sends (m->direction)
          || !same_codec (tx->codec, tx->pt, m))) {
    TC_INFO ("[s%u] stopped sending %s %s", c->s->serial, kind,
        tc_sdp_codec_name (tx->codec));
    tc_call_stop_send (c, k);
  }
  if (rx->active && (m == NULL || !dir_receives (m->direction)
          || !same_codec (rx->codec, rx->pt, m))) {
    TC_INFO ("[s%u] stopped receiving %s %s", c->s->serial, kind,
        tc_sdp_codec_name (rx->codec));
    tc_recv_stream_clear (rx);
  }
}

/* What now flows for kind `k`, said as our direction. */
static void
announce (tc_call *c, int k, const tc_sdp_negotiated_media *m)
{
  tc_send_stream *tx = &c->tx[k];
  tc_recv_stream *rx = &c->rx[k];
  tc_sdp_codec codec = tx->active ? tx->codec : rx->active ? rx->codec
      : m != NULL ? m->codec : TC_SDP_CODEC_NONE;
  tc_sdp_direction dir = tc_sdp_direction_of (tx->active, rx->active);
  tc_session_event ev = { .type = TC_SESSION_EV_NEGOTIATED,
    .kind = k == TC_KIND_AUDIO ? TC_MEDIA_AUDIO : TC_MEDIA_VIDEO,
    .codec = codec, .direction = dir,
    .payloader = tc_payloader_find (tc_sdp_codec_name (codec)) };
  TC_INFO ("[s%u] now %s %s", c->s->serial,
      k == TC_KIND_AUDIO ? "audio" : "video", tc_sdp_direction_str (dir));
  tc_session_emit (c->s, &ev);
}

/* After a later negotiation (c->neg already replaced): streams follow the
 * new directions; the transport is not touched. */
void
tc_call_update_media (tc_call *c)
{
  bool tx_was[TC_N_KINDS], rx_was[TC_N_KINDS];
  tc_sdp_codec codec_was[TC_N_KINDS];
  const tc_sdp_negotiated_media *m[TC_N_KINDS] = {
    section_of (c->neg, "audio"), section_of (c->neg, "video") };
  for (int k = 0; k < TC_N_KINDS; k++) {
    tx_was[k] = c->tx[k].active;
    rx_was[k] = c->rx[k].active;
    codec_was[k] = c->tx[k].active ? c->tx[k].codec : c->rx[k].codec;
    stop_streams (c, k, m[k]);
  }
  tc_call_setup_send (c);
  tc_call_setup_recv (c);
  bool video_switched = false;
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_sdp_codec now = c->tx[k].active ? c->tx[k].codec : c->rx[k].codec;
    bool switched = (tx_was[k] || rx_was[k]) && now != TC_SDP_CODEC_NONE
        && now != codec_was[k];
    if (c->tx[k].active != tx_was[k] || c->rx[k].active != rx_was[k]
        || switched)
      announce (c, k, m[k]);
    video_switched = video_switched || (k == TC_KIND_VIDEO && switched);
  }
  /* The peer's decoder starts from a keyframe: ask for one at once rather
   * than waiting for its PLI (also when the encoder changes codec). */
  if (c->tx[TC_KIND_VIDEO].active && (!tx_was[TC_KIND_VIDEO] || video_switched)
      && c->connected) {
    tc_session_event ev = { .type = TC_SESSION_EV_KEYFRAME_REQUEST,
      .kind = TC_MEDIA_VIDEO };
    tc_session_emit (c->s, &ev);
  }
}
