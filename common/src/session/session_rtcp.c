/* session_rtcp.c - RTCP out (SR/RR + SDES about once a second, feedback in
 * compounds) and in (SR for lip sync and LSR, report blocks for RTT and
 * loss, NACK -> resend, PLI/FIR -> KEYFRAME_REQUEST, transport-cc and
 * REMB -> the bandwidth estimate).
 */
#include "session/session_internal.h"

#include <string.h>

#define RTCP_INTERVAL_US G_USEC_PER_SEC

/* ---- out ---------------------------------------------------------------- */

static size_t
report_blocks (tc_call *c, int64_t now, tc_rtcp_report_block *out)
{
  size_t n = 0;
  for (int k = 0; k < TC_N_KINDS; k++) {
    tc_recv_stream *rx = &c->rx[k];
    if (rx->active && rx->rx_started
        && tc_rtcp_rx_stats_report (&rx->rx, now, &out[n])) {
      rx->lost = (uint32_t) MAX (out[n].cumulative_lost, 0);
      rx->fraction_lost = out[n].fraction_lost;
      n++;
    }
  }
  return n;
}

/* SR for each stream we send (the reports ride in the first), or one RR
 * when we send nothing; then our CNAME; then `extra` (feedback). */
static void
send_compound (tc_call *c, int64_t now, bool with_reports,
    const uint8_t *extra, size_t extra_len)
{
  uint8_t bufs[4][512];
  tc_rtcp_part parts[4];
  size_t np = 0, n = 0;
  tc_rtcp_report_block blocks[TC_N_KINDS];
  size_t nb = with_reports ? report_blocks (c, now, blocks) : 0;
  uint32_t first_ssrc = 0;
  uint64_t ntp = tc_ntp_from_unix_us (g_get_real_time ());
  for (int k = 0; k < TC_N_KINDS && with_reports; k++) {
    tc_send_stream *st = &c->tx[k];
    if (!st->active || !st->started)
      continue;
    tc_rtcp_sr sr = { .ssrc = st->ssrc, .ntp = ntp,
      .rtp_ts = tc_send_stream_rtp_now (c, st, now),
      .packet_count = st->packets, .octet_count = st->octets };
    if (first_ssrc == 0) {
      sr.report_count = (uint8_t) nb;
      memcpy (sr.reports, blocks, nb * sizeof blocks[0]);
      first_ssrc = st->ssrc;
    }
    if (tc_rtcp_write_sr (&sr, bufs[np], sizeof bufs[np], &n) == TC_OK)
      parts[np] = (tc_rtcp_part) { bufs[np], n }, np++;
  }
  if (first_ssrc == 0) {
    tc_rtcp_rr rr = { .ssrc = c->s->video_ssrc, .report_count = (uint8_t) nb };
    memcpy (rr.reports, blocks, nb * sizeof blocks[0]);
    first_ssrc = rr.ssrc;
    if (tc_rtcp_write_rr (&rr, bufs[np], sizeof bufs[np], &n) == TC_OK)
      parts[np] = (tc_rtcp_part) { bufs[np], n }, np++;
  }
  if (tc_rtcp_write_sdes_cname (first_ssrc, c->s->cname, bufs[np],
          sizeof bufs[np], &n) == TC_OK)
    parts[np] = (tc_rtcp_part) { bufs[np], n }, np++;
  if (extra != NULL)
    parts[np++] = (tc_rtcp_part) { extra, extra_len };
  uint8_t out[TC_SESSION_PACKET_MAX];
  if (tc_rtcp_write_compound (parts, np, false, out, sizeof out, &n) == TC_OK)
    tc_call_send_rtcp (c, out, n);
}

void
tc_call_rtcp_tick (tc_call *c, int64_t now_us)
{
  if (now_us < c->next_rtcp_us)
    return;
  /* RFC 3550 6.3.5: spread reports over 0.5..1.5 of the interval. */
  c->next_rtcp_us = now_us + RTCP_INTERVAL_US / 2
      + g_random_int_range (0, RTCP_INTERVAL_US);
  send_compound (c, now_us, true, NULL, 0);
}

/* Feedback goes in a full compound (an SR with no blocks or an empty RR
 * first), which every receiver accepts, rtcp-rsize or not. Report blocks
 * stay with the periodic reports so loss intervals stay regular. */
void
tc_call_send_feedback (tc_call *c, const uint8_t *fb, size_t len)
{
  send_compound (c, g_get_monotonic_time (), false, fb, len);
}

/* ---- in ----------------------------------------------------------------- */

static tc_send_stream *
send_by_ssrc (tc_call *c, uint32_t ssrc)
{
  for (int k = 0; k < TC_N_KINDS; k++)
    if (c->tx[k].active && c->tx[k].ssrc == ssrc)
      return &c->tx[k];
  return NULL;
}

static void
on_report_blocks (tc_call *c, const tc_rtcp_report_block *b, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (send_by_ssrc (c, b[i].ssrc) == NULL)
      continue;
    int64_t rtt;
    if (tc_rtcp_rtt_us (b[i].lsr, b[i].dlsr,
            tc_ntp_from_unix_us (g_get_real_time ()), &rtt)) {
      c->rtt_us = rtt;
      tc_call_bwe_set_rtt (c, rtt);
    }
    c->loss_fraction_q8_remote = b[i].fraction_lost;
    c->lost_remote = (uint64_t) MAX (b[i].cumulative_lost, 0);
  }
}

static void
on_sr (tc_call *c, const tc_rtcp_sr *sr, int64_t now)
{
  tc_recv_stream *rx = tc_call_recv_by_ssrc (c, sr->ssrc);
  if (rx != NULL) {
    if (rx->rx_started)
      tc_rtcp_rx_stats_on_sr (&rx->rx, sr->ntp, now);
    tc_rtp_sync_update (&rx->sync, sr->ntp, sr->rtp_ts, rx->clock_rate);
  }
  on_report_blocks (c, sr->reports, sr->report_count);
}

/* A PLI (`fir` NULL) or one FIR entry; a storm of them asks the encoder
 * for one keyframe (tc_keyframe_gate). */
static void
keyframe_request (tc_call *c, uint32_t media_ssrc,
    const tc_rtcp_fir_entry *fir, int64_t now)
{
  tc_send_stream *st = send_by_ssrc (c, media_ssrc);
  if (st == NULL || st->kind != TC_MEDIA_VIDEO)
    return;
  c->plis_received++;
  if (fir != NULL ? !tc_keyframe_gate_fir (&st->keyframes, fir->seq_nr, now)
      : !tc_keyframe_gate_pli (&st->keyframes, now))
    return;
  tc_session_event ev = { .type = TC_SESSION_EV_KEYFRAME_REQUEST,
    .kind = TC_MEDIA_VIDEO };
  tc_session_emit (c->s, &ev);
}

static void
on_fir (tc_call *c, const tc_rtcp_fir *fir, int64_t now)
{
  for (size_t i = 0; i < fir->entry_count; i++) {
    tc_rtcp_fir_entry e = tc_rtcp_fir_entry_at (fir, i);
    keyframe_request (c, e.ssrc, &e, now);
  }
}

static void
on_nack (tc_call *c, const tc_rtcp_nack *nack)
{
  uint16_t seqs[512];
  size_t n = MIN (tc_rtcp_nack_seqs (nack, seqs, G_N_ELEMENTS (seqs)),
      G_N_ELEMENTS (seqs));
  c->nacks_received += n;
  if (!c->s->cfg.no_retransmission)
    tc_call_resend (c, nack->media_ssrc, seqs, n);
}

/* The peer's media sources say goodbye: a peer out of the signaling room
 * is gone for good (session_away.c). */
static void
on_bye (tc_call *c, const tc_rtcp_bye *bye)
{
  for (uint8_t i = 0; i < bye->ssrc_count; i++)
    for (int k = 0; k < TC_N_KINDS; k++)
      if (c->rx[k].ssrc != 0 && c->rx[k].ssrc == bye->ssrcs[i])
        c->peer_bye = true;
}

static void
on_item (tc_call *c, const tc_rtcp_item *it, int64_t now)
{
  switch (it->kind) {
    case TC_RTCP_SR:
      on_sr (c, &it->u.sr, now);
      break;
    case TC_RTCP_RR:
      on_report_blocks (c, it->u.rr.reports, it->u.rr.report_count);
      break;
    case TC_RTCP_NACK:
      on_nack (c, &it->u.nack);
      break;
    case TC_RTCP_PLI:
      keyframe_request (c, it->u.pli.media_ssrc, NULL, now);
      break;
    case TC_RTCP_FIR:
      on_fir (c, &it->u.fir, now);
      break;
    case TC_RTCP_TWCC:
      tc_call_bwe_on_twcc (c, &it->u.twcc, now);
      break;
    case TC_RTCP_REMB:
      tc_call_bwe_on_remb (c, it->u.remb.bitrate_bps, now);
      break;
    case TC_RTCP_BYE:
      on_bye (c, &it->u.bye);
      break;
    default:
      break;
  }
}

void
tc_call_on_rtcp (tc_call *c, uint8_t *buf, size_t len, int64_t now_us)
{
  size_t plain = 0, count = 0;
  tc_rtcp_item items[TC_RTCP_MAX_ITEMS];
  if (c->srtp == NULL || !c->connected
      || tc_srtp_unprotect_rtcp (c->srtp, buf, len, &plain, NULL) != TC_OK)
    return;
  tc_call_heard (c, now_us);
  if (tc_rtcp_parse (buf, plain, items, G_N_ELEMENTS (items), &count) != TC_OK)
    return;
  for (size_t i = 0; i < count; i++)
    on_item (c, &items[i], now_us);
}
