/* test_rtcp_stats.c - receiver statistics (RFC 3550 A.1, A.3, A.8) and
 * round-trip time from LSR/DLSR (RFC 3550 6.4.1), with time passed in.
 */
#include <glib.h>

#include "tempchat/tc_rtcp.h"

#define CLOCK_VIDEO 90000
#define SSRC 0x2c1e4f73u

/* Feeds seqs [from, to] except those in `skip`, 20 ms and 1800 ticks
 * apart, and returns how many were counted. */
static unsigned
feed (tc_rtcp_rx_stats *st, unsigned from, unsigned to, const unsigned *skip,
    size_t n_skip)
{
  unsigned counted = 0;
  for (unsigned s = from; s <= to; s++) {
    bool skipped = false;
    for (size_t k = 0; k < n_skip; k++)
      skipped |= skip[k] == s;
    if (skipped)
      continue;
    counted += tc_rtcp_rx_stats_on_rtp (st, (uint16_t) s, 1800u * s,
        20000 * (int64_t) s);
  }
  return counted;
}

static void
test_computes_the_rfc_3550_round_trip_example (void)
{
  /* A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 -> 6.125 s */
  uint64_t now_ntp = 0x0000b71080000000ull;
  int64_t rtt;
  g_assert_true (tc_rtcp_rtt_us (0xb7052000, 0x00054000, now_ntp, &rtt));
  g_assert_cmpint (rtt, ==, 6125000);
}

static void
test_gives_no_rtt_before_the_peer_has_an_sr (void)
{
  int64_t rtt = 99;
  g_assert_false (tc_rtcp_rtt_us (0, 0, 0x0000b71080000000ull, &rtt));
  g_assert_cmpint (rtt, ==, 0);
}

static void
test_clamps_a_negative_rtt_from_clock_skew_to_zero (void)
{
  int64_t rtt = 99;
  g_assert_true (tc_rtcp_rtt_us (0xb7052000, 0x00100000, 0x0000b71080000000ull,
          &rtt));
  g_assert_cmpint (rtt, ==, 0);
}

static void
test_converts_unix_time_to_ntp (void)
{
  g_assert_cmpuint (tc_ntp_from_unix_us (0), ==, (uint64_t) 2208988800u << 32);
  g_assert_cmpuint (tc_ntp_from_unix_us (1500000), ==,
      ((uint64_t) 2208988801u << 32) | 0x80000000u);
  g_assert_cmpuint (tc_ntp_from_unix_us (1700000000250000) >> 32, ==,
      1700000000ull + 2208988800u);
  g_assert_cmpuint ((uint32_t) tc_ntp_from_unix_us (1700000000250000), ==,
      0x40000000u);
  g_assert_cmpuint (tc_ntp_from_unix_us (-500000), ==,
      ((uint64_t) 2208988799u << 32) | 0x80000000u);
  g_assert_cmpuint (tc_ntp_compact (0xb44db70520000000ull), ==, 0xb7052000);
}

static void
test_reports_nothing_before_two_sequential_packets (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  g_assert_false (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.ssrc, ==, SSRC);
  /* RFC 3550 A.1 probation: the first packet is not counted... */
  g_assert_false (tc_rtcp_rx_stats_on_rtp (&st, 100, 0, 0));
  g_assert_false (tc_rtcp_rx_stats_report (&st, 0, &rb));
  /* ...nor is one that does not follow it... */
  g_assert_false (tc_rtcp_rx_stats_on_rtp (&st, 200, 0, 0));
  /* ...until one does. */
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 201, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.ext_highest_seq, ==, 201);
  g_assert_cmpint (rb.cumulative_lost, ==, 0);
}

static void
test_computes_fraction_and_cumulative_loss_per_interval (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);

  /* 100 (probation), 101..109 without 102: base 101, 8 of 9 received. */
  static const unsigned lost1[] = {102};
  g_assert_cmpuint (feed (&st, 100, 109, lost1, 1), ==, 8);
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.ext_highest_seq, ==, 109);
  g_assert_cmpint (rb.cumulative_lost, ==, 1);
  g_assert_cmpuint (rb.fraction_lost, ==, 256 / 9);

  /* 110..119 without 112, 115, 118: 3 of 10 lost in this interval. */
  static const unsigned lost2[] = {112, 115, 118};
  g_assert_cmpuint (feed (&st, 110, 119, lost2, 3), ==, 7);
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpint (rb.cumulative_lost, ==, 4);
  g_assert_cmpuint (rb.fraction_lost, ==, 3 * 256 / 10);

  /* Nothing new: the interval is empty, fraction 0. */
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.fraction_lost, ==, 0);
  g_assert_cmpint (rb.cumulative_lost, ==, 4);
}

static void
test_counts_sequence_cycles_across_the_wrap (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  g_assert_false (tc_rtcp_rx_stats_on_rtp (&st, 65534, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 65535, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 0, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 1, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.ext_highest_seq, ==, 0x00010001);
  g_assert_cmpint (rb.cumulative_lost, ==, 0);
}

static void
test_lets_duplicates_make_cumulative_loss_negative (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  tc_rtcp_rx_stats_on_rtp (&st, 100, 0, 0);
  tc_rtcp_rx_stats_on_rtp (&st, 101, 0, 0);
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 101, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 101, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpint (rb.cumulative_lost, ==, -2);
  g_assert_cmpuint (rb.fraction_lost, ==, 0);
}

static void
test_resyncs_after_a_large_jump_confirmed_by_a_second_packet (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  g_assert_cmpuint (feed (&st, 1000, 1010, NULL, 0), ==, 10);
  /* A late packet within MAX_MISORDER is counted. */
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 1005, 0, 0));
  /* The sender restarted: one jump is ignored, two in a row re-sync. */
  g_assert_false (tc_rtcp_rx_stats_on_rtp (&st, 30000, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_on_rtp (&st, 30001, 0, 0));
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.ext_highest_seq, ==, 30001);
  g_assert_cmpint (rb.cumulative_lost, ==, 0);
}

static void
test_computes_interarrival_jitter_as_rfc_3550_a8 (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  /* 20 ms apart, 1800 ticks apart; seq 3 arrives 10 ms (900 ticks) late. */
  tc_rtcp_rx_stats_on_rtp (&st, 1, 1800, 20000);
  tc_rtcp_rx_stats_on_rtp (&st, 2, 3600, 40000);        /* transit 0 */
  tc_rtcp_rx_stats_on_rtp (&st, 3, 5400, 70000);        /* D = 900 */
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.jitter, ==, 56);                 /* 900 / 16 */
  tc_rtcp_rx_stats_on_rtp (&st, 4, 7200, 80000);        /* D = 900 */
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.jitter, ==, 109);       /* 56.25 + 843.75 / 16 */
}

static void
test_keeps_jitter_zero_for_a_perfectly_paced_stream_at_unix_time (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  const int64_t t0 = 1700000000000000;  /* no overflow converting 1.7e15 us */
  tc_rtcp_rx_stats_init (&st, SSRC, 48000);
  for (unsigned s = 0; s < 100; s++)
    tc_rtcp_rx_stats_on_rtp (&st, (uint16_t) s, 0xfffff000u + 960 * s,
        t0 + 20000 * (int64_t) s);
  g_assert_true (tc_rtcp_rx_stats_report (&st, t0, &rb));
  g_assert_cmpuint (rb.jitter, ==, 0);
}

static void
test_fills_lsr_and_dlsr_from_the_last_sender_report (void)
{
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  feed (&st, 1, 5, NULL, 0);
  g_assert_true (tc_rtcp_rx_stats_report (&st, 1000000, &rb));
  g_assert_cmpuint (rb.lsr, ==, 0);
  g_assert_cmpuint (rb.dlsr, ==, 0);

  /* RFC 3550 6.4.1: SR at NTP 0xb44db705:20000000, RR 5.25 s later. */
  tc_rtcp_rx_stats_on_sr (&st, 0xb44db70520000000ull, 1000000);
  g_assert_true (tc_rtcp_rx_stats_report (&st, 1000000 + 5250000, &rb));
  g_assert_cmpuint (rb.lsr, ==, 0xb7052000);
  g_assert_cmpuint (rb.dlsr, ==, 0x00054000);
  /* A clock that went backwards gives DLSR 0, not a huge value. */
  g_assert_true (tc_rtcp_rx_stats_report (&st, 0, &rb));
  g_assert_cmpuint (rb.dlsr, ==, 0);
}

static void
test_measures_rtt_end_to_end_through_an_rr (void)
{
  /* Sender sends an SR at T0; it takes 40 ms each way; the receiver
   * reports 5.25 s after receiving it. */
  const int64_t t0 = 1700000000123456;
  tc_rtcp_rx_stats st;
  tc_rtcp_report_block rb;
  tc_rtcp_rx_stats_init (&st, SSRC, CLOCK_VIDEO);
  feed (&st, 1, 3, NULL, 0);
  const int64_t recv_clock = 777000000;     /* receiver's own monotonic us */
  tc_rtcp_rx_stats_on_sr (&st, tc_ntp_from_unix_us (t0), recv_clock);
  g_assert_true (tc_rtcp_rx_stats_report (&st, recv_clock + 5250000, &rb));

  tc_rtcp_rr rr = {.ssrc = 1, .report_count = 1, .reports = {rb}};
  uint8_t buf[64];
  size_t n, count;
  tc_rtcp_item item;
  g_assert_cmpint (tc_rtcp_write_rr (&rr, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, &item, 1, &count), ==, TC_OK);

  int64_t rtt;
  g_assert_true (tc_rtcp_rtt_us (item.u.rr.reports[0].lsr,
          item.u.rr.reports[0].dlsr,
          tc_ntp_from_unix_us (t0 + 40000 + 5250000 + 40000), &rtt));
  g_assert_cmpint (ABS (rtt - 80000), <=, 31);  /* 1/65536 s steps */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp/stats/computes-the-rfc-3550-round-trip-example",
      test_computes_the_rfc_3550_round_trip_example);
  g_test_add_func ("/rtcp/stats/gives-no-rtt-before-the-peer-has-an-sr",
      test_gives_no_rtt_before_the_peer_has_an_sr);
  g_test_add_func ("/rtcp/stats/clamps-a-negative-rtt-from-clock-skew-to-zero",
      test_clamps_a_negative_rtt_from_clock_skew_to_zero);
  g_test_add_func ("/rtcp/stats/converts-unix-time-to-ntp",
      test_converts_unix_time_to_ntp);
  g_test_add_func ("/rtcp/stats/reports-nothing-before-two-sequential-packets",
      test_reports_nothing_before_two_sequential_packets);
  g_test_add_func ("/rtcp/stats/computes-fraction-and-cumulative-loss-per-interval",
      test_computes_fraction_and_cumulative_loss_per_interval);
  g_test_add_func ("/rtcp/stats/counts-sequence-cycles-across-the-wrap",
      test_counts_sequence_cycles_across_the_wrap);
  g_test_add_func ("/rtcp/stats/lets-duplicates-make-cumulative-loss-negative",
      test_lets_duplicates_make_cumulative_loss_negative);
  g_test_add_func ("/rtcp/stats/resyncs-after-a-large-jump-confirmed-by-a-second-packet",
      test_resyncs_after_a_large_jump_confirmed_by_a_second_packet);
  g_test_add_func ("/rtcp/stats/computes-interarrival-jitter-as-rfc-3550-a8",
      test_computes_interarrival_jitter_as_rfc_3550_a8);
  g_test_add_func ("/rtcp/stats/keeps-jitter-zero-for-a-perfectly-paced-stream-at-unix-time",
      test_keeps_jitter_zero_for_a_perfectly_paced_stream_at_unix_time);
  g_test_add_func ("/rtcp/stats/fills-lsr-and-dlsr-from-the-last-sender-report",
      test_fills_lsr_and_dlsr_from_the_last_sender_report);
  g_test_add_func ("/rtcp/stats/measures-rtt-end-to-end-through-an-rr",
      test_measures_rtt_end_to_end_through_an_rr);
  return g_test_run ();
}
