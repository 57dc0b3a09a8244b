/* session_twcc.c - transport-wide congestion control feedback for what we
 * receive (draft-holmer-rmcat-transport-wide-cc-extensions-01).
 *
 * When transport-cc is negotiated, Chromium's send-side bandwidth
 * estimator runs on this feedback alone: without it, its sending rate never
 * adapts to the path. We record the arrival time of each transport-wide
 * sequence number and report them about every 100 ms.
 */
#include "session/session_internal.h"

#include "tempchat/tc_rtp_ext.h"

#include <string.h>

#define TWCC_INTERVAL_US (100 * 1000)

void
tc_call_twcc_setup (tc_call *c, const tc_sdp_negotiated_media *m)
{
  if (m->ext_transport_cc == 0 || (m->rtcp_fb & TC_SDP_FB_TRANSPORT_CC) == 0
      || c->twcc.ext_id != 0)
    return;
  c->twcc.ext_id = m->ext_transport_cc;
  c->twcc.media_ssrc = m->remote_ssrc;
}

/* Reports what was recorded and starts after it. */
static void
flush (tc_call *c, int64_t now)
{
  tc_twcc_rx *t = &c->twcc;
  if (t->count == 0)
    return;
  tc_rtcp_twcc_input in = { .sender_ssrc = c->s->video_ssrc,
    .media_ssrc = t->media_ssrc, .base_seq = t->base,
    .fb_count = t->fb_count++, .arrival_us = t->arrival, .count = t->count };
  uint8_t buf[TC_SESSION_PACKET_MAX - 100];
  size_t n = 0;
  /* A gap of seconds does not fit a delta: that batch is dropped. */
  if (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n) == TC_OK)
    tc_call_send_feedback (c, buf, n);
  t->base = (uint16_t) (t->base + t->count);
  t->count = 0;
  t->next_us = now + TWCC_INTERVAL_US;
}

void
tc_call_twcc_on_packet (tc_call *c, const tc_rtp_packet *p, int64_t now)
{
  tc_twcc_rx *t = &c->twcc;
  uint16_t seq;
  const tc_rtp_ext *e = t->ext_id != 0 ? tc_rtp_find_ext (p, t->ext_id) : NULL;
  if (e == NULL || tc_rtp_ext_transport_seq (e, &seq) != TC_OK)
    return;
  if (t->media_ssrc == 0)
    t->media_ssrc = p->ssrc;
  if (!t->started) {
    t->started = true;
    t->base = seq;
    t->next_us = now + TWCC_INTERVAL_US;
  }
  uint16_t d = (uint16_t) (seq - t->base);
  if (d >= 0x8000)
    return;  /* before what we already reported */
  if (d >= TC_TWCC_WINDOW) {
    flush (c, now);
    t->base = seq;
    d = 0;
  }
  for (size_t i = t->count; i < d; i++)
    t->arrival[i] = TC_RTCP_TWCC_NOT_RECEIVED;
  t->arrival[d] = now;
  if (d >= t->count)
    t->count = (size_t) d + 1;
}

void
tc_call_twcc_tick (tc_call *c, int64_t now)
{
  if (c->twcc.ext_id != 0 && now >= c->twcc.next_us)
    flush (c, now);
}
