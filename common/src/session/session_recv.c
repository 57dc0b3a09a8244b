/* session_recv.c - media in: SRTP -> RTP -> route to a stream -> jitter
 * buffer -> depayloader -> FRAME events; NACKs from the receive log and
 * rate-limited PLIs when the jitter buffer needs a keyframe.
 */
#include "tempchat/tc_frame_size.h"
#include "tempchat/tc_opus.h"
#include "session/session_internal.h"

#include "rtp/pay_vp8.h"
#include "session/session_route.h"
#include "tempchat/tc_rtp_ext.h"

#include <string.h>

#define JITTER_PACKETS 4096
#define JITTER_BYTES (8u << 20)
#define VIDEO_WAIT_US (400 * 1000)  /* room for NACK + RTX to repair a frame */
/* Audio is not repaired (no NACK for Opus, as in browsers): wait only for
 * reordering, then let the decoder conceal the loss. */
#define AUDIO_WAIT_US (40 * 1000)
#define PLI_INTERVAL_US (500 * 1000)
#define NACK_MAX 64

static bool
we_receive (tc_sdp_direction d)
{
  return d == TC_SDP_DIR_SENDRECV || d == TC_SDP_DIR_RECVONLY;
}

/* Audio frames that never came between the last one handed on and
 * `frame`: told to the wrapper first, so its decoder conceals them (Opus
 * recovers the last from `frame`'s in-band FEC) and audio keeps its time.
 * Each Opus packet says how long it plays (10 to 120 ms, the sender's
 * choice): what the last one did not cover up to this one never came. A
 * jump of a second or more is a pause (DTX) or a new stream, not loss. */
static void
tell_audio_lost (tc_recv_stream *rx, const tc_frame *frame, int64_t pts)
{
  uint32_t covered = rx->audio_frame_ts;  /* the last packet's duration */
  uint32_t delta = frame->rtp_timestamp - rx->audio_ts;
  uint32_t samples = tc_opus_packet_samples (frame->data, frame->len);
  uint32_t step = (uint32_t) ((uint64_t) samples * rx->clock_rate / 48000);
  bool had = rx->have_audio_ts;

  rx->have_audio_ts = true;
  rx->audio_ts = frame->rtp_timestamp;
  rx->audio_frame_ts = step;
  if (!had || covered == 0 || step == 0 || delta <= covered
      || delta >= rx->clock_rate)
    return;
  /* Lost packets are taken to be as long as their neighbour; half a
   * packet of slack absorbs a sender's rounding. */
  unsigned lost = (delta - covered + step / 2) / step;
  if (lost == 0)
    return;
  int64_t frame_us = (int64_t) step * G_USEC_PER_SEC / rx->clock_rate;
  rx->audio_concealed += lost;
  /* The last of them, the packet just before this one, is in this one's
   * LBRR data when the sender added it. */
  if (tc_opus_packet_has_fec (frame->data, frame->len))
    rx->audio_fec_recovered++;
  tc_session_event ev = { .type = TC_SESSION_EV_AUDIO_LOST,
    .kind = TC_MEDIA_AUDIO, .codec = rx->codec, .lost_frames = lost,
    .pts_us = pts - lost * frame_us, .duration_us = lost * frame_us,
    .latency_us = rx->call->rx_latency_us };
  tc_session_emit (rx->call->s, &ev);
}

/* The peer's playout delay: one for all its streams, which share a time
 * line (lip sync), so the one that needs most sets it. */
static void
update_latency (tc_call *c)
{
  int64_t most = 0;
  for (int k = 0; k < TC_N_KINDS; k++)
    if (c->rx[k].active && c->rx[k].playout.started)
      most = MAX (most, tc_playout_delay_target (&c->rx[k].playout));
  c->rx_latency_us = most;
}

static void
on_frame (const tc_frame *in, void *data)
{
  tc_recv_stream *rx = data;
  tc_frame layered = *in;
  const tc_frame *frame = &layered;
  if (!in->has_temporal_id)
    layered.has_temporal_id = tc_recv_dd_temporal_id (rx,
        in->rtp_timestamp, &layered.temporal_id);
  tc_call *c = rx->call;
  int64_t sender_us, shared_us;
  /* The stream's own RTP time line from its first frame; after an SR it
   * moves smoothly onto the time line it shares with the peer's other
   * stream (lip sync), never jumping (media_clock.h). */
  bool shared = tc_rtp_sync_sender_us (&rx->sync, frame->rtp_timestamp,
      &sender_us);
  if (shared)
    shared_us = tc_clock_offset_map (&c->media_clock, sender_us,
        rx->frame_arrival_us);
  int64_t pts = tc_media_clock_pts (&rx->clock, rx->clock_rate,
      frame->rtp_timestamp, rx->frame_arrival_us, shared ? &shared_us : NULL);
  /* How late it is against its time: what the playout delay must cover. */
  tc_playout_delay_on_frame (&rx->playout, rx->frame_arrival_us - pts,
      rx->frame_arrival_us);
  update_latency (c);
  if (frame->keyframe)
    tc_session_keyframe_size (rx->codec, frame->data, frame->len, &rx->width,
        &rx->height);
  if (rx->kind == TC_MEDIA_AUDIO)
    tell_audio_lost (rx, frame, pts);
  rx->window_frames++;
  tc_session_event ev = { .type = TC_SESSION_EV_FRAME, .kind = rx->kind,
    .codec = rx->codec, .frame = frame, .pts_us = pts,
    .latency_us = c->rx_latency_us };
  tc_session_emit (c->s, &ev);
}

/* 10 NACKs at most, RTT apart (20 ms at least); the first 10 ms after a
 * hole is seen (20-30 ms after it opened, at the tick), as a reordered
 * packet comes within a few ms on the paths we meet. */
static const tc_receive_log_config recv_log_config = { 1024, 10, 20 * 1000,
  10 * 1000 };

static tc_jitter *
new_jitter (tc_recv_stream *rx)
{
  tc_jitter_config jc = { rx->pay, JITTER_PACKETS, JITTER_BYTES,
    rx->kind == TC_MEDIA_VIDEO ? VIDEO_WAIT_US : AUDIO_WAIT_US };
  return tc_jitter_new (&jc, on_frame, rx);
}

static void
setup_stream (tc_call *c, tc_recv_stream *rx, const tc_sdp_negotiated_media *m,
    tc_media_kind kind)
{
  const tc_payloader *pay = tc_payloader_find (tc_sdp_codec_name (m->codec));
  if (pay == NULL || pay->kind != kind)
    return;
  *rx = (tc_recv_stream) {
    .active = true, .call = c, .kind = kind, .pay = pay, .codec = m->codec,
    .pt = m->pt, .rtx_pt = m->rtx_pt,
    .clock_rate = m->clock_rate > 0 ? m->clock_rate : pay->clock_rate,
    .ssrc = m->remote_ssrc, .rtx_ssrc = m->remote_rtx_ssrc,
    .nack = (m->rtcp_fb & TC_SDP_FB_NACK) != 0,
    .pli = (m->rtcp_fb & TC_SDP_FB_PLI) != 0,
    .log = tc_receive_log_new (&recv_log_config),
  };
  rx->jitter = new_jitter (rx);
  tc_recv_dd_setup (rx, m);
  tc_call_twcc_setup (c, m);
  g_strlcpy (rx->mid, m->mid, sizeof rx->mid);
}

void
tc_call_setup_recv (tc_call *c)
{
  for (size_t i = 0; i < c->neg->n_media; i++) {
    const tc_sdp_negotiated_media *m = &c->neg->media[i];
    if (!m->accepted || !we_receive (m->direction))
      continue;
    bool audio = strcmp (m->kind, "audio") == 0;
    if (audio && c->s->cfg.recv_audio && !c->rx[TC_KIND_AUDIO].active)
      setup_stream (c, &c->rx[TC_KIND_AUDIO], m, TC_MEDIA_AUDIO);
    else if (!audio && c->s->cfg.recv_video && !c->rx[TC_KIND_VIDEO].active)
      setup_stream (c, &c->rx[TC_KIND_VIDEO], m, TC_MEDIA_VIDEO);
  }
}

void
tc_recv_stream_clear (tc_recv_stream *rx)
{
  tc_jitter_free (rx->jitter);
  tc_receive_log_free (rx->log);
  tc_recv_dd_free (rx);
  memset (rx, 0, sizeof *rx);
}

tc_recv_stream *
tc_call_recv_by_ssrc (tc_call *c, uint32_t ssrc)
{
  for (int k = 0; k < TC_N_KINDS; k++)
    if (c->rx[k].active && c->rx[k].ssrc == ssrc && ssrc != 0)
      return &c->rx[k];
  return NULL;
}

/* The sdes:mid extension id: one for the whole BUNDLE group. */
static uint8_t
mid_ext_id (const tc_call *c)
{
  for (size_t i = 0; c->neg != NULL && i < c->neg->n_media; i++)
    if (c->neg->media[i].accepted && c->neg->media[i].ext_mid != 0)
      return c->neg->media[i].ext_mid;
  return 0;
}

/* The packet's mid, or NULL when it carries none we can read. */
static const char *
packet_mid (const tc_call *c, const tc_rtp_packet *p, char *buf, size_t cap)
{
  uint8_t id = mid_ext_id (c);
  const tc_rtp_ext *ext = id != 0 ? tc_rtp_find_ext (p, id) : NULL;
  return ext != NULL && tc_rtp_ext_mid (ext, buf, cap) == TC_OK ? buf : NULL;
}

/* The peer's stream changed SSRC after media had arrived: a new sequence
 * space, new reception reports, no lip sync until its next SR, and a fresh
 * jitter buffer that waits for (and asks for) a keyframe. */
static void
restart_stream (tc_recv_stream *rx)
{
  tc_jitter_free (rx->jitter);
  rx->jitter = new_jitter (rx);
  tc_receive_log_free (rx->log);
  rx->log = tc_receive_log_new (&recv_log_config);
  rx->rx_started = false;
  rx->have_audio_ts = false;
  memset (&rx->sync, 0, sizeof rx->sync);
  memset (&rx->clock, 0, sizeof rx->clock);
  TC_DEBUG ("[s%u] remote %s stream changed SSRC", rx->call->s->serial,
      rx->kind == TC_MEDIA_VIDEO ? "video" : "audio");
}

/* Whether the SSRC bound in `ssrc` went quiet (or never spoke) by `now`. */
static bool
went_quiet (uint32_t ssrc, int64_t last_us, int64_t now)
{
  return ssrc != 0 && (last_us == 0 || now - last_us > TC_ROUTE_STOPPED_US);
}

/* Which stream a packet belongs to (session_route.h: mid, then a bound
 * SSRC, then payload type); learns the SSRC binding it implies. */
static tc_recv_stream *
route (tc_call *c, const tc_rtp_packet *p, int64_t now, bool *is_rtx)
{
  tc_route_stream table[TC_N_KINDS];
  tc_recv_stream *streams[TC_N_KINDS];
  size_t n = 0;
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_recv_stream *rx = &c->rx[k];
    if (!rx->active)
      continue;
    streams[n] = rx;
    table[n++] = (tc_route_stream) { rx->mid, rx->pt, rx->rtx_pt, rx->ssrc,
      rx->rtx_ssrc, went_quiet (rx->ssrc, rx->last_media_us, now),
      went_quiet (rx->rtx_ssrc, rx->last_rtx_us, now) };
  }
  char mid[TC_SDP_MAX_ID + 1];
  tc_route r = tc_route_decide (table, n, p->ssrc, p->payload_type,
      packet_mid (c, p, mid, sizeof mid));
  *is_rtx = r.kind == TC_ROUTE_RTX;
  if (r.kind == TC_ROUTE_DROP)
    return NULL;
  if (r.bind) {
    tc_route_bind (table, n, &r, p->ssrc);
    for (size_t i = 0; i < n; i++) {
      tc_recv_stream *rx = streams[i];
      bool moved = rx->ssrc != table[i].ssrc;
      rx->ssrc = table[i].ssrc;
      rx->rtx_ssrc = table[i].rtx_ssrc;
      if (moved && rx->rx_started)
        restart_stream (rx);
    }
  }
  return streams[r.stream];
}

static void
send_pli (tc_call *c, tc_recv_stream *rx, int64_t now)
{
  if (rx->kind != TC_MEDIA_VIDEO || rx->ssrc == 0
      || now - rx->last_pli_us < PLI_INTERVAL_US)
    return;
  uint8_t buf[64];
  size_t n = 0;
  if (tc_rtcp_write_pli (c->s->video_ssrc, rx->ssrc, buf, sizeof buf, &n) == TC_OK) {
    rx->last_pli_us = now;
    c->plis_sent++;
    tc_call_send_feedback (c, buf, n);
  }
}

void
tc_call_request_keyframe (tc_call *c, int64_t now_us)
{
  tc_recv_stream *rx = &c->rx[TC_KIND_VIDEO];
  if (c->connected && rx->active && rx->pli)
    send_pli (c, rx, now_us);
}

static void
after_jitter (tc_call *c, tc_recv_stream *rx, int64_t now)
{
  unsigned ev = tc_jitter_take_events (rx->jitter);
  if ((ev & TC_JITTER_KEYFRAME_NEEDED) != 0 && rx->pli)
    send_pli (c, rx, now);
}

void
tc_call_on_rtp (tc_call *c, uint8_t *buf, size_t len, int64_t now_us)
{
  size_t plain = 0;
  tc_rtp_packet p;
  if (c->srtp == NULL || !c->connected
      || tc_srtp_unprotect_rtp (c->srtp, buf, len, &plain, NULL) != TC_OK
      || tc_rtp_parse (buf, plain, &p) != TC_OK)
    return;
  tc_call_heard (c, now_us);
  tc_call_twcc_on_packet (c, &p, now_us);
  bool is_rtx;
  tc_recv_stream *rx = route (c, &p, now_us, &is_rtx);
  if (rx == NULL || (is_rtx && tc_rtx_unwrap (&p, rx->pt, rx->ssrc) != TC_OK))
    return;
  *(is_rtx ? &rx->last_rtx_us : &rx->last_media_us) = now_us;
  if (!is_rtx) {
    if (!rx->rx_started) {
      tc_rtcp_rx_stats_init (&rx->rx, rx->ssrc, rx->clock_rate);
      rx->rx_started = true;
    }
    tc_rtcp_rx_stats_on_rtp (&rx->rx, p.seq, p.timestamp, now_us);
  }
  rx->packets++;
  rx->resent += is_rtx;
  rx->window_bytes += plain;
  tc_receive_log_add (rx->log, p.seq);
  rx->frame_arrival_us = now_us;
  tc_recv_dd_on_packet (rx, &p);
  tc_jitter_push (rx->jitter, &p, now_us);
  after_jitter (c, rx, now_us);
}

static void
send_nacks (tc_call *c, tc_recv_stream *rx, int64_t now)
{
  uint16_t seqs[NACK_MAX];
  size_t n = tc_receive_log_nacks (rx->log, now, c->rtt_us > 0 ? c->rtt_us : 0,
      seqs, NACK_MAX);
  uint8_t buf[512];
  size_t len = 0;
  if (n > 0 && tc_rtcp_write_nack (c->s->video_ssrc, rx->ssrc, seqs, n, buf,
          sizeof buf, &len) == TC_OK) {
    c->nacks_sent += n;
    tc_call_send_feedback (c, buf, len);
  }
}

void
tc_call_poll_recv (tc_call *c, int64_t now_us)
{
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_recv_stream *rx = &c->rx[k];
    if (!rx->active)
      continue;
    if (tc_jitter_deadline (rx->jitter) <= now_us) {
      rx->frame_arrival_us = now_us;
      tc_jitter_poll (rx->jitter, now_us);
    }
    after_jitter (c, rx, now_us);
    if (tc_playout_delay_tick (&rx->playout, now_us))
      update_latency (c);
    if (rx->nack && rx->ssrc != 0)
      send_nacks (c, rx, now_us);
  }
  tc_call_twcc_tick (c, now_us);
}

/* The size a keyframe announces, for the stats panel; kept when the codec's
 * headers say nothing we read. */
void
tc_session_keyframe_size (tc_sdp_codec codec, const uint8_t *d, size_t len,
    unsigned *w, unsigned *h)
{
  unsigned fw, fh;
  if (tc_frame_keyframe_size (codec, d, len, &fw, &fh) == TC_OK) {
    *w = fw;
    *h = fh;
  }
}
