/* session_send.c - encoded frames out: payloader, RTP header and header
 * extensions, then the pacer (session_pace.c), then send history, SRTP,
 * ICE; NACK answers (RTX when negotiated), paced too. Transport-wide seqs
 * and abs-send-time are stamped as a packet leaves, and every packet with
 * a transport-wide seq is told to the bandwidth estimator.
 */
#include "session/session_internal.h"

#include "tempchat/tc_opus.h"
#include "tempchat/tc_rtp_ext.h"

#include <string.h>

#define HISTORY_PACKETS 2048
#define HISTORY_BYTES (3u << 20)
#define HISTORY_AGE_US (2 * G_USEC_PER_SEC) /* older NACKs are hopeless */

static bool
we_send (tc_sdp_direction d)
{
  return d == TC_SDP_DIR_SENDRECV || d == TC_SDP_DIR_SENDONLY;
}

/* A stream on an SSRC this call sent before goes on where it stopped: the
 * next sequence numbers (the SRTP context refuses used indexes) and a
 * timestamp moved on by the time it was off, as a paused track does. */
static void
resume_stream (const tc_send_resume *r, tc_send_stream *st, int64_t now_us)
{
  if (!r->valid || r->ssrc != st->ssrc)
    return;
  st->seq = r->seq;
  if (r->rtx_ssrc == st->rtx_ssrc)
    st->rtx_seq = r->rtx_seq;
  int64_t off_us = MAX (now_us - r->ts_us, 0);
  st->ts_base = r->ts + 1
      + (uint32_t) ((uint64_t) off_us * st->clock_rate / G_USEC_PER_SEC);
}

/* What the peer's description lets us send it, bit/s; 0: no limit. */
static uint32_t
peer_limit (const tc_sdp_negotiated_media *m)
{
  return (uint32_t) MIN ((uint64_t) m->remote_max_kbps * 1000, G_MAXUINT32);
}

/* We write the one-byte header form (RFC 8285), whose ids end at 14; a
 * peer that gave an optional extension a higher one gets the media
 * without it rather than none. */
#define ONE_BYTE_ID_MAX 14

/* The dependency descriptor's id on our AV1 video, 0: none. */
static uint8_t
dd_ext_id (const tc_sdp_negotiated_media *m, tc_media_kind kind)
{
  uint8_t id = m->ext_dependency_descriptor;
  return kind == TC_MEDIA_VIDEO && m->codec == TC_SDP_CODEC_AV1
      && id <= ONE_BYTE_ID_MAX ? id : 0;
}

/* The audio level's id on our Opus, 0: none. */
static uint8_t
audio_level_ext_id (const tc_sdp_negotiated_media *m, tc_media_kind kind)
{
  uint8_t id = m->ext_audio_level;
  return kind == TC_MEDIA_AUDIO && id <= ONE_BYTE_ID_MAX ? id : 0;
}

static void
setup_stream (tc_call *c, int k, const tc_sdp_negotiated_media *m,
    tc_media_kind kind)
{
  tc_session *s = c->s;
  tc_send_stream *st = &c->tx[k];
  const tc_payloader *pay = tc_payloader_find (tc_sdp_codec_name (m->codec));
  if (pay == NULL || pay->kind != kind)
    return;
  tc_rtp_history_config hc = { HISTORY_PACKETS, HISTORY_BYTES, HISTORY_AGE_US };
  *st = (tc_send_stream) {
    .active = true, .kind = kind, .pay = pay, .pay_state = pay->state_new (),
    .codec = m->codec, .pt = m->pt,
    .clock_rate = m->clock_rate > 0 ? m->clock_rate : pay->clock_rate,
    .ssrc = kind == TC_MEDIA_AUDIO ? s->audio_ssrc : s->video_ssrc,
    .seq = (uint16_t) g_random_int (), .ts_base = g_random_int (),
    .rtx_pt = kind == TC_MEDIA_VIDEO ? m->rtx_pt : -1,
    .rtx_ssrc = s->video_rtx_ssrc, .rtx_seq = (uint16_t) g_random_int (),
    .ext_mid = m->ext_mid, .ext_abs_send_time = m->ext_abs_send_time,
    .ext_transport_cc = m->ext_transport_cc,
    .ext_dd = dd_ext_id (m, kind),
    .ext_audio_level = audio_level_ext_id (m, kind),
    .history = tc_rtp_history_new (&hc),
  };
  g_strlcpy (st->mid, m->mid, sizeof st->mid);
  st->max_bps = peer_limit (m);
  resume_stream (&c->resume[k], st, g_get_monotonic_time ());
}

void
tc_call_setup_send (tc_call *c)
{
  /* A restarted sender has a pts clock of its own. */
  if (!c->tx[TC_KIND_AUDIO].active && !c->tx[TC_KIND_VIDEO].active)
    c->have_pts_offset = false;
  for (size_t i = 0; i < c->neg->n_media; i++) {
    const tc_sdp_negotiated_media *m = &c->neg->media[i];
    if (!m->accepted || !we_send (m->direction))
      continue;
    bool audio = strcmp (m->kind, "audio") == 0;
    /* A renegotiation may change the peer's limit on a running stream. */
    if (c->tx[audio ? TC_KIND_AUDIO : TC_KIND_VIDEO].active)
      c->tx[audio ? TC_KIND_AUDIO : TC_KIND_VIDEO].max_bps = peer_limit (m);
    if (audio && c->s->cfg.send_audio && !c->tx[TC_KIND_AUDIO].active)
      setup_stream (c, TC_KIND_AUDIO, m, TC_MEDIA_AUDIO);
    else if (!audio && c->s->cfg.send_video && !c->tx[TC_KIND_VIDEO].active)
      setup_stream (c, TC_KIND_VIDEO, m, TC_MEDIA_VIDEO);
  }
}

/* Stops sending kind `k`, remembering where its SSRC got to. */
void
tc_call_stop_send (tc_call *c, int k)
{
  tc_send_stream *st = &c->tx[k];
  if (!st->active)
    return;
  bool sent = st->last_ts_us != 0;
  tc_call_pace_drop (c, k);  /* their seqs are given up with the stream */
  c->resume[k] = (tc_send_resume) { .valid = true, .ssrc = st->ssrc,
    .rtx_ssrc = st->rtx_ssrc, .seq = st->seq, .rtx_seq = st->rtx_seq,
    .ts = sent ? st->last_ts : st->ts_base,
    .ts_us = sent ? st->last_ts_us : g_get_monotonic_time () };
  tc_send_stream_clear (st);
}

void
tc_send_stream_clear (tc_send_stream *st)
{
  if (st->pay != NULL)
    st->pay->state_free (st->pay_state);
  tc_rtp_history_free (st->history);
  memset (st, 0, sizeof *st);
}

/* The RTP time of "now" for an SR: now on the wrapper's pts clock. */
uint32_t
tc_send_stream_rtp_now (const tc_call *c, const tc_send_stream *st,
    int64_t now_us)
{
  if (!st->started || !c->have_pts_offset)
    return st->ts_base;
  return tc_rtp_ts_from_pts (st->ts_base, st->first_pts_us,
      now_us - c->pts_offset_us, st->clock_rate);
}

static void
track_pts_offset (tc_call *c, int64_t pts_us, int64_t now_us)
{
  int64_t off = now_us - pts_us;
  if (!c->have_pts_offset || off < c->pts_offset_us) {
    c->pts_offset_us = off;
    c->have_pts_offset = true;
  }
}

/* ---- one frame ---------------------------------------------------------- */

typedef struct {
  tc_call *c;
  int k;
  tc_send_stream *st;
  uint32_t ts;
  int64_t now_us;
  int audio_level;            /* -1: unknown, none sent */
  /* The frame's dependency descriptor, when it has one. */
  bool has_dd;
  bool first_packet;
  tc_dd_structure dd_structure;
  tc_dd_frame dd;
} emit_ctx;

/* The one-byte header form (RFC 8285) carries 16 bytes at most: our L1T3
 * structure on a keyframe's first packet fits. */
#define DD_MAX_LEN 16

/* Bytes the extension block takes: header, then one-byte elements padded to
 * a word (RFC 8285 4.2). */
static size_t
ext_block_len (const tc_send_stream *st)
{
  size_t n = 0;
  if (st->ext_mid != 0)
    n += 1 + strlen (st->mid);
  if (st->ext_abs_send_time != 0)
    n += 1 + TC_RTP_EXT_ABS_SEND_TIME_LEN;
  if (st->ext_transport_cc != 0)
    n += 1 + TC_RTP_EXT_TRANSPORT_SEQ_LEN;
  if (st->ext_dd != 0)
    n += 1 + DD_MAX_LEN;
  if (st->ext_audio_level != 0)
    n += 1 + TC_RTP_EXT_AUDIO_LEVEL_LEN;
  return n == 0 ? 0 : 4 + ((n + 3) & ~(size_t) 3);
}

/* This packet's dependency descriptor: start and end of frame, and the
 * structure on the first packet of a keyframe only. */
static void
add_dd (emit_ctx *e, tc_rtp_packet *p, bool last, uint8_t *dd)
{
  tc_dd_frame f = e->dd;
  size_t n = 0;
  f.start_of_frame = e->first_packet;
  f.end_of_frame = last;
  f.has_structure = e->dd.has_structure && e->first_packet;
  if (tc_dd_write (&e->dd_structure, &f, dd, DD_MAX_LEN, &n) != TC_OK)
    return;
  p->ext[p->ext_count++] = (tc_rtp_ext) { .id = e->st->ext_dd,
    .len = (uint8_t) n, .data = dd };
}

/* abs-send-time and the transport-wide seq get their values as the packet
 * leaves (tc_call_stamp_send): here they only take their place. */
static void
add_extensions (emit_ctx *e, tc_rtp_packet *p, uint8_t *abs, uint8_t *tseq,
    uint8_t *dd, uint8_t *level)
{
  tc_send_stream *st = e->st;
  if (st->ext_mid != 0 && strlen (st->mid) <= 16)
    tc_rtp_ext_set_mid (&p->ext[p->ext_count++], st->ext_mid, st->mid);
  if (st->ext_abs_send_time != 0)
    tc_rtp_ext_set_abs_send_time (&p->ext[p->ext_count++],
        st->ext_abs_send_time, 0, abs);
  if (st->ext_transport_cc != 0)
    tc_rtp_ext_set_transport_seq (&p->ext[p->ext_count++],
        st->ext_transport_cc, 0, tseq);
  if (e->has_dd)
    add_dd (e, p, p->marker, dd);
  /* V (voice activity) stays 0: we run no voice detection, and a sink
   * often carries music. Receivers read the level either way. */
  if (st->ext_audio_level != 0 && e->audio_level >= 0)
    tc_rtp_ext_set_audio_level (&p->ext[p->ext_count++], st->ext_audio_level,
        (uint8_t) e->audio_level, false, level);
  p->ext_profile = p->ext_count > 0 ? 0xBEDE : 0;
}

/* Test hook: simulated loss of original packets (session_hooks.h). */
static bool
debug_drop (tc_session *s)
{
  unsigned every = (unsigned) g_atomic_int_get (&s->debug_drop_every);
  return every > 0 && ++s->debug_drop_count % every == 0;
}

/* A packet of stream `k` leaves now: stamped, kept for NACKs, protected,
 * sent. */
tc_status
tc_call_send_media (tc_call *c, int k, const uint8_t *pkt, size_t len,
    int64_t now_us)
{
  tc_send_stream *st = &c->tx[k];
  uint8_t buf[TC_SESSION_PACKET_MAX + TC_SRTP_MAX_OVERHEAD];
  size_t wire = 0;
  if (len > TC_SESSION_PACKET_MAX)
    return TC_ERR_INVALID_ARG;
  memcpy (buf, pkt, len);
  tc_call_stamp_send (c, st, buf, len, now_us);
  /* RTX rebuilds resends from the plain packet; without it a resend is the
   * protected packet again (an SRTP index is protected once). */
  if (st->rtx_pt >= 0)
    tc_rtp_history_put (st->history, buf, len, now_us);
  tc_status s = tc_call_protect_rtp (c, buf, len, sizeof buf, &wire);
  if (s != TC_OK)
    return s == TC_ERR_NOT_CONNECTED ? TC_OK : s;
  if (st->rtx_pt < 0)
    tc_rtp_history_put (st->history, buf, wire, now_us);
  if (k == TC_KIND_VIDEO)
    tc_session_debug_note_send (c->s, now_us);
  if (debug_drop (c->s))
    return TC_OK;
  /* A full socket drops this packet only; NACK can bring it back. A path
   * without consent sends nothing until the peer answers again. */
  s = tc_call_send_wire (c, buf, wire);
  return s == TC_ERR_WOULD_BLOCK || s == TC_ERR_NOT_CONNECTED ? TC_OK : s;
}

/* A retransmission on the RTX stream carries the original seq in front of
 * the payload (RFC 4588 4): it must fit the same datagram. */
static size_t
rtx_overhead (const tc_send_stream *st)
{
  return st->rtx_pt >= 0 ? 2 : 0;
}

static tc_status
emit_payload (const uint8_t *payload, size_t len, bool marker, void *data)
{
  emit_ctx *e = data;
  tc_send_stream *st = e->st;
  uint8_t abs[TC_RTP_EXT_ABS_SEND_TIME_LEN], tseq[TC_RTP_EXT_TRANSPORT_SEQ_LEN];
  uint8_t dd[DD_MAX_LEN], level[TC_RTP_EXT_AUDIO_LEVEL_LEN];
  tc_rtp_packet p = {
    /* Audio marks talkspurts, not frame ends (RFC 3551 4.1); we send none. */
    .marker = marker && !st->pay->packet_is_frame,
    .payload_type = st->pt, .seq = st->seq, .timestamp = e->ts,
    .ssrc = st->ssrc, .payload = payload, .payload_len = len,
  };
  add_extensions (e, &p, abs, tseq, dd, level);
  uint8_t buf[TC_SESSION_PACKET_MAX];
  size_t n = 0;
  tc_status s = tc_rtp_write (&p, buf, sizeof buf, &n);
  if (s != TC_OK)
    return s;
  e->first_packet = false;
  st->seq++;
  st->packets++;
  st->octets += (uint32_t) len;
  st->window_bytes += n;
  tc_call_pace_media (e->c, e->k, buf, n, e->now_us);
  return TC_OK;
}

/* The pts of RTP ts_base: the first frame's; for Opus, moved back by the
 * first packet's overlap with the second (the encoder's lookahead). */
static void
anchor_rtp_time (tc_send_stream *st, const uint8_t *data, size_t len,
    int64_t pts_us)
{
  if (!st->started) {
    st->started = true;
    st->first_pts_us = pts_us;
    if (st->codec == TC_SDP_CODEC_OPUS)
      st->first_duration_us = (int64_t) tc_opus_packet_samples (data, len)
          * G_USEC_PER_SEC / 48000;
  } else if (st->first_duration_us > 0) {
    st->first_pts_us = tc_audio_rtp_anchor (st->first_pts_us,
        st->first_duration_us, pts_us);
    st->first_duration_us = 0;
  }
}

void
tc_call_push_frame (tc_call *c, tc_media_kind kind, const uint8_t *data,
    size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer, int audio_level)
{
  int k = kind == TC_MEDIA_AUDIO ? TC_KIND_AUDIO : TC_KIND_VIDEO;
  tc_send_stream *st = &c->tx[k];
  if (!st->active)
    return;
  anchor_rtp_time (st, data, len, pts_us);
  if (keyframe)
    tc_session_keyframe_size (st->codec, data, len, &st->width, &st->height);
  st->window_frames++;
  emit_ctx e = { .c = c, .k = k, .st = st, .now_us = g_get_monotonic_time (),
    .first_packet = true, .audio_level = audio_level };
  e.ts = tc_rtp_ts_from_pts (st->ts_base, st->first_pts_us, pts_us, st->clock_rate);
  e.has_dd = tc_call_dd_next (st, keyframe, layer, &e.dd_structure, &e.dd);
  size_t budget = tc_session_mtu (c->s, k) - TC_RTP_HEADER_MIN
      - ext_block_len (st) - TC_SRTP_MAX_OVERHEAD - rtx_overhead (st);
  tc_status s = tc_call_payload_frame (st, data, len, keyframe, layer, budget,
      emit_payload, &e);
  st->last_ts = e.ts;
  st->last_ts_us = e.now_us;
  if (s != TC_OK)
    TC_DEBUG ("[s%u] %s frame not sent: %s", c->s->serial, st->pay->name,
        tc_status_name (s));
  track_pts_offset (c, pts_us, e.now_us);
  if (k == TC_KIND_VIDEO)
    tc_call_pace_serve (c, e.now_us);
}

/* ---- NACK answers ------------------------------------------------------- */

void
tc_call_send_rtx (tc_call *c, int k, const uint8_t *pkt, size_t len,
    int64_t now_us)
{
  uint8_t buf[TC_SESSION_PACKET_MAX + 2];
  if (len > sizeof buf)
    return;
  memcpy (buf, pkt, len);
  tc_call_stamp_send (c, &c->tx[k], buf, len, now_us);
  tc_call_send_rtp (c, buf, len);
}

static void
resend_one (tc_call *c, int k, uint16_t seq, int64_t now)
{
  tc_send_stream *st = &c->tx[k];
  size_t len = 0;
  const uint8_t *orig = tc_rtp_history_get (st->history, seq, now, &len);
  if (orig == NULL || !tc_call_bwe_allow_resend (c, len, now))
    return;
  if (st->rtx_pt < 0) {
    tc_call_pace_resend (c, k, orig, len, true, now);
    st->resent++;
    return;
  }
  uint8_t buf[TC_SESSION_PACKET_MAX + 2];
  size_t n = 0;
  if (tc_rtx_build (orig, len, (uint8_t) st->rtx_pt, st->rtx_ssrc,
          st->rtx_seq, buf, sizeof buf, &n) == TC_OK) {
    st->rtx_seq++;
    st->resent++;
    tc_call_pace_resend (c, k, buf, n, false, now);
  }
}

void
tc_call_resend (tc_call *c, uint32_t media_ssrc, const uint16_t *seqs,
    size_t n)
{
  int64_t now = g_get_monotonic_time ();
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_send_stream *st = &c->tx[k];
    if (!st->active || st->ssrc != media_ssrc)
      continue;
    for (size_t i = 0; i < n; i++)
      resend_one (c, k, seqs[i], now);
  }
  tc_call_pace_serve (c, now);
}
