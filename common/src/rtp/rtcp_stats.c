/* rtcp_stats.c - receiver statistics for report blocks and the RTT a
 * report block gives back.
 *
 * RFC 3550 A.1 (sequence number validity and cycles), A.3 (expected,
 * lost, fraction lost), A.8 (interarrival jitter, integer form), 6.4.1
 * (LSR/DLSR and the round-trip time A - LSR - DLSR):
 *
 *   [10 Nov 1995 11:33:25.125 UTC]       [10 Nov 1995 11:33:36.5 UTC]
 *   n                 SR(n)              A=b710:8000 (46864.500 s)
 *   ---------------------------------------------------------------->
 *                      v                 ^
 *   ntp_sec =0xb44db705 v               ^ dlsr=0x0005:4000 (    5.250s)
 *   ntp_frac=0x20000000  v             ^  lsr =0xb705:2000 (46853.125s)
 *     (3024992005.125 s)  v           ^
 *   r                      v         ^ RR(n)
 *   ---------------------------------------------------------------->
 *                          |<-DLSR->|
 *                           (5.250 s)
 *
 *   A     0xb710:8000 (46864.500 s)
 *   DLSR -0x0005:4000 (    5.250 s)
 *   LSR  -0xb705:2000 (46853.125 s)
 *   -------------------------------
 *   delay 0x0006:2000 (    6.125 s)
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100
#define MIN_SEQUENTIAL 2
#define LOST_MAX 0x7FFFFF
#define LOST_MIN (-0x800000)
#define NTP_UNIX_OFFSET 2208988800u   /* seconds from 1900 to 1970 */

void
tc_rtcp_rx_stats_init (tc_rtcp_rx_stats *st, uint32_t ssrc,
    uint32_t clock_rate)
{
  g_return_if_fail (st != NULL);
  memset (st, 0, sizeof *st);
  st->ssrc = ssrc;
  st->clock_rate = clock_rate;
}

static void
init_seq (tc_rtcp_rx_stats *s, uint16_t seq)
{
  s->base_seq = seq;
  s->max_seq = seq;
  s->bad_seq = RTP_SEQ_MOD + 1;  /* so seq == bad_seq is false */
  s->cycles = 0;
  s->received = 0;
  s->received_prior = 0;
  s->expected_prior = 0;
}

/* RFC 3550 A.1 update_seq(), with the 16-bit arithmetic made explicit. */
static bool
update_seq (tc_rtcp_rx_stats *s, uint16_t seq)
{
  uint16_t udelta = (uint16_t) (seq - s->max_seq);

  if (s->probation) {
    if (seq == (uint16_t) (s->max_seq + 1)) {
      s->probation--;
      s->max_seq = seq;
      if (s->probation == 0) {
        init_seq (s, seq);
        s->received++;
        return true;
      }
    } else {
      s->probation = MIN_SEQUENTIAL - 1;
      s->max_seq = seq;
    }
    return false;
  }
  if (udelta < MAX_DROPOUT) {
    if (seq < s->max_seq)
      s->cycles += RTP_SEQ_MOD;  /* wrapped */
    s->max_seq = seq;
  } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
    /* A very large jump: re-sync on two sequential packets. */
    if (seq != s->bad_seq) {
      s->bad_seq = (uint32_t) (seq + 1) & (RTP_SEQ_MOD - 1);
      return false;
    }
    init_seq (s, seq);
  }
  /* else: duplicate or reordered packet */
  s->received++;
  return true;
}

/* `us` in RTP timestamp units, modulo 2^32, without overflow for any
 * int64 time. */
static uint32_t
us_to_rtp (int64_t us, uint32_t rate)
{
  int64_t sec = us / G_USEC_PER_SEC, rem = us % G_USEC_PER_SEC;
  if (rem < 0) {
    rem += G_USEC_PER_SEC;
    sec--;
  }
  uint64_t units = (uint64_t) sec * rate
      + (uint64_t) rem * rate / G_USEC_PER_SEC;
  return (uint32_t) units;
}

/* RFC 3550 A.8, integer form: J += |D| - J/16, kept as 16 * J. */
static void
update_jitter (tc_rtcp_rx_stats *s, uint32_t rtp_ts, int64_t arrival_us)
{
  uint32_t transit = us_to_rtp (arrival_us, s->clock_rate) - rtp_ts;
  if (!s->have_transit) {
    s->have_transit = true;
    s->transit = transit;
    return;
  }
  int64_t d = (int32_t) (transit - s->transit);
  s->transit = transit;
  if (d < 0)
    d = -d;
  int64_t j = (int64_t) s->jitter_q4 + d - (((int64_t) s->jitter_q4 + 8) >> 4);
  s->jitter_q4 = (uint32_t) CLAMP (j, 0, (int64_t) UINT32_MAX);
}

bool
tc_rtcp_rx_stats_on_rtp (tc_rtcp_rx_stats *st, uint16_t seq, uint32_t rtp_ts,
    int64_t arrival_us)
{
  g_return_val_if_fail (st != NULL, false);

  if (!st->started) {
    st->started = true;
    init_seq (st, seq);
    st->max_seq = (uint16_t) (seq - 1);
    st->probation = MIN_SEQUENTIAL;
  }
  if (!update_seq (st, seq))
    return false;
  update_jitter (st, rtp_ts, arrival_us);
  return true;
}

void
tc_rtcp_rx_stats_on_sr (tc_rtcp_rx_stats *st, uint64_t ntp,
    int64_t arrival_us)
{
  g_return_if_fail (st != NULL);
  st->have_sr = true;
  st->last_sr_compact = tc_ntp_compact (ntp);
  st->last_sr_arrival_us = arrival_us;
}

/* Delay since the last SR in 1/65536 s, saturating. */
static uint32_t
dlsr_of (const tc_rtcp_rx_stats *st, int64_t now_us)
{
  if (!st->have_sr || now_us <= st->last_sr_arrival_us)
    return 0;
  uint64_t delay = (uint64_t) (now_us - st->last_sr_arrival_us);
  if (delay > (uint64_t) UINT32_MAX * G_USEC_PER_SEC / 65536)
    return UINT32_MAX;
  return (uint32_t) (delay * 65536 / G_USEC_PER_SEC);
}

bool
tc_rtcp_rx_stats_report (tc_rtcp_rx_stats *st, int64_t now_us,
    tc_rtcp_report_block *out)
{
  g_return_val_if_fail (st != NULL && out != NULL, false);

  memset (out, 0, sizeof *out);
  out->ssrc = st->ssrc;
  if (!st->started || st->probation || st->received == 0)
    return false;

  /* A.3 */
  uint32_t extended_max = st->cycles + st->max_seq;
  int64_t expected = (int64_t) extended_max - st->base_seq + 1;
  int64_t lost = expected - st->received;
  int64_t expected_interval = expected - st->expected_prior;
  int64_t received_interval = (int64_t) st->received - st->received_prior;
  int64_t lost_interval = expected_interval - received_interval;
  st->expected_prior = (uint32_t) expected;
  st->received_prior = st->received;

  out->fraction_lost = (expected_interval == 0 || lost_interval <= 0) ? 0
      : (uint8_t) MIN ((lost_interval << 8) / expected_interval, 255);
  out->cumulative_lost = (int32_t) CLAMP (lost, LOST_MIN, LOST_MAX);
  out->ext_highest_seq = extended_max;
  out->jitter = st->jitter_q4 >> 4;
  out->lsr = st->have_sr ? st->last_sr_compact : 0;
  out->dlsr = dlsr_of (st, now_us);
  return true;
}

bool
tc_rtcp_rtt_us (uint32_t lsr, uint32_t dlsr, uint64_t now_ntp,
    int64_t *rtt_us)
{
  g_return_val_if_fail (rtt_us != NULL, false);

  *rtt_us = 0;
  if (lsr == 0)
    return false;
  uint32_t rtt = tc_ntp_compact (now_ntp) - lsr - dlsr;
  if (rtt & 0x80000000u)
    return true;                /* negative: clock skew, report 0 */
  *rtt_us = (int64_t) ((uint64_t) rtt * G_USEC_PER_SEC / 65536);
  return true;
}

uint64_t
tc_ntp_from_unix_us (int64_t unix_us)
{
  int64_t sec = unix_us / G_USEC_PER_SEC, rem = unix_us % G_USEC_PER_SEC;
  if (rem < 0) {
    rem += G_USEC_PER_SEC;
    sec--;
  }
  uint64_t frac = ((uint64_t) rem << 32) / G_USEC_PER_SEC;
  return ((uint64_t) (sec + NTP_UNIX_OFFSET) << 32) | frac;
}
