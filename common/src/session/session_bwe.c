/* session_bwe.c - our send-side bandwidth estimate (cc/bwe.h) in a call:
 * every RTP and RTX packet that carries a transport-wide seq is recorded,
 * the peer's transport-cc feedback and REMB feed it, and the target goes to
 * the wrapper's video encoder as TARGET_BITRATE when it moves by more than
 * 5 % or a second passed.
 *
 * Chromium sends transport-cc feedback instead of REMB when transport-cc is
 * negotiated, so without this our sender would never adapt to the path.
 */
#include "session/session_internal.h"

#include "tempchat/tc_rtp_ext.h"

/* The share of the peer's limit the encoder is given: the limit is for the
 * stream as it arrives (RTP headers and extensions, SRTP tags, the
 * packets a keyframe adds), and libvpx's CBR overshoots its target by a
 * few percent over seconds, so an encoder set to the limit itself is seen
 * a few percent above it. */
#define CAP_HEADROOM_PERCENT 6

/* `bps` within what the peer's description lets us send it (b=AS, TIAS,
 * x-google-max-bitrate), whatever the estimate or REMB says. */
uint32_t
tc_call_send_cap (const tc_call *c, uint32_t bps)
{
  uint32_t max = c->tx[TC_KIND_VIDEO].max_bps;
  if (max == 0)
    return bps;
  return MIN (bps, max - max / 100 * CAP_HEADROOM_PERCENT);
}

void
tc_call_bwe_setup (tc_call *c)
{
  const tc_send_stream *v = &c->tx[TC_KIND_VIDEO];
  tc_bwe_config cfg;
  if (!v->active || !tc_bwe_config_for_bitrates (c->s->cfg.quality,
          &c->s->cfg.bitrates, &cfg))
    return;
  /* A peer that wants less than our quality's start is obeyed from the
   * stream's first frame (the wrapper starts its encoder at that start). */
  if (!v->started && tc_call_send_cap (c, cfg.start_bps) < cfg.start_bps) {
    tc_session_event ev = { .type = TC_SESSION_EV_TARGET_BITRATE,
      .bitrate_bps = tc_call_send_cap (c, cfg.start_bps) };
    tc_session_emit (c->s, &ev);
  }
  /* Without transport-cc the estimator would get no feedback and hold the
   * start bitrate for ever; REMB then goes to the encoder as it is. */
  if (c->bwe != NULL || v->ext_transport_cc == 0
      || c->s->cfg.no_congestion_control)
    return;
  cfg.max_bps = tc_call_send_cap (c, cfg.max_bps);
  cfg.start_bps = MIN (cfg.start_bps, cfg.max_bps);
  cfg.min_bps = MIN (cfg.min_bps, cfg.max_bps);
  c->bwe = tc_bwe_new (&cfg);
}

void
tc_call_bwe_on_sent (tc_call *c, uint16_t transport_seq, size_t len,
    int64_t now_us)
{
  if (c->bwe != NULL)
    tc_bwe_on_sent (c->bwe, transport_seq, len, now_us);
}

/* Writes `value` big-endian into the `len` bytes of extension `id`. */
static void
patch_ext (uint8_t *pkt, const tc_rtp_packet *p, uint8_t id, size_t len,
    uint32_t value)
{
  const tc_rtp_ext *e = id != 0 ? tc_rtp_find_ext (p, id) : NULL;
  if (e == NULL || e->len != len)
    return;
  size_t at = (size_t) (e->data - pkt);
  for (size_t i = 0; i < len; i++)
    pkt[at + i] = (uint8_t) (value >> (8 * (len - 1 - i)));
}

/* Stamps a plain packet as it leaves (after the pacer held it): a
 * transport-wide seq of its own, so seqs follow the order on the wire (an
 * RTX packet, built from the original, carried the original's), and the
 * abs-send-time of now; the estimator hears of it. */
void
tc_call_stamp_send (tc_call *c, const tc_send_stream *st, uint8_t *pkt,
    size_t len, int64_t now_us)
{
  tc_rtp_packet p;
  if ((st->ext_transport_cc == 0 && st->ext_abs_send_time == 0)
      || tc_rtp_parse (pkt, len, &p) != TC_OK)
    return;
  patch_ext (pkt, &p, st->ext_abs_send_time, TC_RTP_EXT_ABS_SEND_TIME_LEN,
      tc_abs_send_time_from_us (now_us));
  if (st->ext_transport_cc == 0
      || tc_rtp_find_ext (&p, st->ext_transport_cc) == NULL)
    return;
  uint16_t seq = c->transport_seq++;
  patch_ext (pkt, &p, st->ext_transport_cc, TC_RTP_EXT_TRANSPORT_SEQ_LEN, seq);
  tc_call_bwe_on_sent (c, seq, len + TC_SRTP_MAX_OVERHEAD, now_us);
}

/* Repairs share the path with the media: beyond their budget a NACKed
 * packet is not resent (the receiver asks again or for a keyframe). */
bool
tc_call_bwe_allow_resend (tc_call *c, size_t len, int64_t now_us)
{
  return c->bwe == NULL || tc_bwe_allow_resend (c->bwe,
      len + TC_SRTP_MAX_OVERHEAD, now_us);
}

#define VIDEO_MIN_BPS 50000

/* The estimate covers everything we send. Opus keeps what it uses (it is
 * small and its quality drops first), the video encoder gets the rest. */
static uint32_t
video_share (const tc_call *c, uint32_t bps)
{
  uint64_t audio = c->tx[TC_KIND_AUDIO].active
      ? c->s->stats.dir[0].audio_bitrate_bps : 0;
  if (audio + VIDEO_MIN_BPS >= bps)
    return MIN (bps, VIDEO_MIN_BPS);
  return bps - (uint32_t) audio;
}

static void
report (tc_call *c, int64_t now_us)
{
  uint32_t bps;
  if (c->bwe == NULL || !tc_bwe_poll (c->bwe, now_us, &bps))
    return;
  tc_session_event ev = { .type = TC_SESSION_EV_TARGET_BITRATE,
    .bitrate_bps = video_share (c, tc_call_send_cap (c, bps)) };
  tc_session_emit (c->s, &ev);
}

void
tc_call_bwe_on_twcc (tc_call *c, const tc_rtcp_twcc *fb, int64_t now_us)
{
  if (c->bwe == NULL)
    return;
  size_t n = tc_bwe_on_feedback (c->bwe, fb, now_us);
  if (++c->twcc_feedback_received % 10 == 1) {
    tc_bwe_stats st;
    tc_bwe_get_stats (c->bwe, &st);
    TC_DEBUG ("[s%u] transport-cc feedback %" G_GUINT64_FORMAT ": %zu news; "
        "target %u (delay %u, loss %u, remb %u) acked %u bps, loss %.2f, %s",
        c->s->serial, c->twcc_feedback_received, n, st.target_bps,
        st.delay_based_bps, st.loss_based_bps, st.remb_bps, st.acked_bps,
        st.loss_fraction, st.usage == TC_CC_OVERUSING ? "overusing"
        : st.usage == TC_CC_UNDERUSING ? "underusing" : "normal");
  }
  report (c, now_us);
}

void
tc_call_bwe_on_remb (tc_call *c, uint64_t bps, int64_t now_us)
{
  uint32_t b = tc_call_send_cap (c, (uint32_t) MIN (bps, G_MAXUINT32));
  if (c->bwe == NULL) {
    tc_session_event ev = { .type = TC_SESSION_EV_TARGET_BITRATE,
      .bitrate_bps = b };
    tc_session_emit (c->s, &ev);
    return;
  }
  tc_bwe_on_remb (c->bwe, b);
  report (c, now_us);
}

void
tc_call_bwe_set_rtt (tc_call *c, int64_t rtt_us)
{
  if (c->bwe != NULL)
    tc_bwe_set_rtt (c->bwe, rtt_us);
}

void
tc_call_bwe_tick (tc_call *c, int64_t now_us)
{
  report (c, now_us);
}

uint32_t
tc_call_bwe_target (const tc_call *c)
{
  return c->bwe != NULL ? tc_bwe_target (c->bwe) : 0;
}
