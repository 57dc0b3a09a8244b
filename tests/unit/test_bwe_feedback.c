/* test_bwe_feedback.c - transport-cc feedback matched to what we sent:
 * sequence number and reference time wraps, duplicates, reordering and
 * garbage. Feedback is built with our own builder and parsed with our own
 * parser, so the real parse path is used.
 */
#include <glib.h>
#include <string.h>

#include "bwe_sim.h"
#include "cc/feedback.h"
#include "cc/send_history.h"

#define MS 1000

/* Builds and parses one feedback: arrival_us[i] for seq base + i. */
static tc_rtcp_twcc
feedback (uint8_t *buf, size_t cap, uint16_t base, const int64_t *arrival_us,
    size_t count)
{
  tc_rtcp_twcc_input in = { .sender_ssrc = 1, .media_ssrc = 2,
    .base_seq = base, .arrival_us = arrival_us, .count = count };
  size_t len = 0, n = 0;
  tc_rtcp_item item;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, cap, &len), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, len, &item, 1, &n), ==, TC_OK);
  g_assert_cmpint (item.kind, ==, TC_RTCP_TWCC);
  return item.u.twcc;
}

static void
test_matches_send_times_sizes_and_arrivals_across_the_seq_wrap (void)
{
  static tc_cc_history h;
  tc_cc_ref_clock clock = { 0 };
  uint8_t buf[256];
  tc_cc_packet out[8];
  tc_cc_history_init (&h);
  for (unsigned i = 0; i < 6; i++)    /* seqs 65533 .. 2 */
    tc_cc_history_on_sent (&h, (uint16_t) (65533 + i), 500 + i, 10 * MS * i);
  /* 65534 at 100 ms, 65535 lost, 0 at 112.25 ms, 1 at 111 ms (reordered). */
  int64_t arr[] = { 100 * MS, TC_RTCP_TWCC_NOT_RECEIVED, 112250, 111 * MS };
  tc_rtcp_twcc fb = feedback (buf, sizeof buf, 65534, arr, 4);
  size_t n = tc_cc_feedback_match (&h, &clock, &fb, out, G_N_ELEMENTS (out));
  g_assert_cmpuint (n, ==, 4);
  for (unsigned i = 0; i < 4; i++) {
    g_assert_cmpint (out[i].seq - out[0].seq, ==, i);
    g_assert_cmpint (out[i].send_us, ==, 10 * MS * (i + 1));
    g_assert_cmpuint (out[i].size, ==, 501 + i);
  }
  g_assert_cmpint (out[1].arrival_us, ==, -1);
  g_assert_cmpint (out[2].arrival_us - out[0].arrival_us, ==, 12250);
  g_assert_cmpint (out[3].arrival_us - out[0].arrival_us, ==, 11 * MS);
}

static void
test_reference_time_wrap_keeps_arrival_times_increasing (void)
{
  static tc_cc_history h;
  tc_cc_ref_clock clock = { 0 };
  uint8_t buf[64];
  tc_cc_packet a, b;
  const int64_t wrap = (int64_t) 64 * MS << 24;   /* 24 bits of 64 ms */
  tc_cc_history_init (&h);
  tc_cc_history_on_sent (&h, 7, 100, 0);
  tc_cc_history_on_sent (&h, 8, 100, 1);
  int64_t first = wrap - 64 * MS, second = wrap + 64 * MS;  /* 0xFFFFFF, 1 */
  tc_rtcp_twcc fb = feedback (buf, sizeof buf, 7, &first, 1);
  g_assert_cmpuint (fb.reference_time, ==, 0xFFFFFF);
  g_assert_cmpuint (tc_cc_feedback_match (&h, &clock, &fb, &a, 1), ==, 1);
  fb = feedback (buf, sizeof buf, 8, &second, 1);
  g_assert_cmpuint (fb.reference_time, ==, 1);
  g_assert_cmpuint (tc_cc_feedback_match (&h, &clock, &fb, &b, 1), ==, 1);
  g_assert_cmpint (b.arrival_us - a.arrival_us, ==, 128 * MS);
}

static void
test_each_outcome_is_reported_once_and_late_arrivals_count (void)
{
  static tc_cc_history h;
  tc_cc_ref_clock clock = { 0 };
  uint8_t buf[64];
  tc_cc_packet out[4];
  tc_cc_history_init (&h);
  for (uint16_t i = 0; i < 3; i++)
    tc_cc_history_on_sent (&h, i, 100, i * MS);
  int64_t lost_mid[] = { 50 * MS, TC_RTCP_TWCC_NOT_RECEIVED, 52 * MS };
  int64_t all[] = { 50 * MS, 53 * MS, 52 * MS };
  tc_rtcp_twcc fb = feedback (buf, sizeof buf, 0, lost_mid, 3);
  g_assert_cmpuint (tc_cc_feedback_match (&h, &clock, &fb, out, 4), ==, 3);
  /* The same again (duplicate): nothing new. */
  g_assert_cmpuint (tc_cc_feedback_match (&h, &clock, &fb, out, 4), ==, 0);
  /* Seq 1 arrived after all: only it is news. */
  fb = feedback (buf, sizeof buf, 0, all, 3);
  g_assert_cmpuint (tc_cc_feedback_match (&h, &clock, &fb, out, 4), ==, 1);
  g_assert_cmpint (out[0].seq & 0xFFFF, ==, 1);
  g_assert_cmpint (out[0].arrival_us, >=, 0);
}

static void
test_feedback_about_packets_never_sent_or_forgotten_is_ignored (void)
{
  tc_bwe_config cfg = { 100000, 2000000, 3000000 };
  tc_bwe *b = tc_bwe_new (&cfg);
  uint8_t buf[64];
  int64_t arr[] = { 0, 1 * MS, 2 * MS };
  tc_rtcp_twcc fb = feedback (buf, sizeof buf, 100, arr, 3);
  g_assert_cmpuint (tc_bwe_on_feedback (b, &fb, 0), ==, 0);   /* nothing sent */
  for (unsigned i = 0; i < TC_CC_HISTORY_SIZE + 200; i++)
    tc_bwe_on_sent (b, (uint16_t) (100 + i), 1000, i * 100);
  g_assert_cmpuint (tc_bwe_on_feedback (b, &fb, 0), ==, 0);   /* forgotten */
  g_assert_cmpuint (tc_bwe_target (b), ==, cfg.start_bps);
  tc_bwe_free (b);
}

static void
test_rejects_inconsistent_limits (void)
{
  tc_bwe_config zero = { 0, 1, 2 }, inverted = { 5, 4, 3 };
  g_assert_null (tc_bwe_new (&zero));
  g_assert_null (tc_bwe_new (&inverted));
  tc_bwe_config high = { 100, 9000, 300 };
  tc_bwe *b = tc_bwe_new (&high);
  g_assert_cmpuint (tc_bwe_target (b), ==, 300);  /* start clamped */
  tc_bwe_free (b);
}

/* ---- garbage, duplicated and reordered feedback on a running path ---- */

typedef struct {
  GRand *rand;
  tc_bwe *bwe;
  uint8_t old[TC_RTCP_MAX_PACKET];
  size_t old_len;
  size_t news_from_replays;
} abuse;

static void
feed_all (abuse *a, const uint8_t *buf, size_t len)
{
  tc_rtcp_item items[TC_RTCP_MAX_ITEMS];
  size_t n = 0;
  if (tc_rtcp_parse (buf, len, items, TC_RTCP_MAX_ITEMS, &n) != TC_OK)
    return;
  for (size_t i = 0; i < n; i++)
    if (items[i].kind == TC_RTCP_TWCC)
      a->news_from_replays += tc_bwe_on_feedback (a->bwe, &items[i].u.twcc, 0);
}

/* Before each genuine feedback: the previous one again (a duplicate that
 * also arrives out of order) and as much pure noise. */
static void
abuse_hook (void *data, const uint8_t *buf, size_t len)
{
  abuse *a = data;
  uint8_t junk[TC_RTCP_MAX_PACKET];
  if (a->old_len > 0)
    feed_all (a, a->old, a->old_len);
  for (size_t i = 0; i < len; i++)
    junk[i] = (uint8_t) g_rand_int (a->rand);
  feed_all (a, junk, len);
  memcpy (a->old, buf, len);
  a->old_len = len;
}

static void
test_garbage_duplicate_and_reordered_feedback_change_nothing (void)
{
  sim *clean = sim_new (TC_SDP_QUALITY_720P, 65000);
  sim *abused = sim_new (TC_SDP_QUALITY_720P, 65000);
  abuse a = { .rand = g_rand_new_with_seed (7), .bwe = abused->bwe };
  clean->capacity_bps = abused->capacity_bps = 1.2e6;
  abused->on_feedback = abuse_hook;
  abused->hook_data = &a;
  for (int i = 0; i < 200; i++) {
    sim_run (clean, 100 * SIM_MS);
    sim_run (abused, 100 * SIM_MS);
    g_assert_cmpuint (tc_bwe_target (abused->bwe), ==, tc_bwe_target (clean->bwe));
  }
  g_assert_cmpuint (a.news_from_replays, ==, 0);
  g_rand_free (a.rand);
  sim_free (clean);
  sim_free (abused);
}

/* Mutated feedback may name real packets with wrong times: the estimate
 * must stay within its limits whatever it is told. */
static void
test_corrupted_feedback_keeps_the_target_within_limits (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_360P, 0);
  GRand *r = g_rand_new_with_seed (11);
  uint8_t buf[TC_RTCP_MAX_PACKET];
  s->capacity_bps = 1e6;
  for (int round = 0; round < 100; round++) {
    sim_run (s, 100 * SIM_MS);
    int64_t arr[64];
    for (size_t i = 0; i < G_N_ELEMENTS (arr); i++)
      arr[i] = g_rand_boolean (r) ? TC_RTCP_TWCC_NOT_RECEIVED
          : g_rand_int_range (r, 0, 8 * 1000 * MS);
    tc_rtcp_twcc fb = feedback (buf, sizeof buf,
        (uint16_t) (s->seq - g_rand_int_range (r, 0, 200)), arr, 64);
    tc_bwe_on_feedback (s->bwe, &fb, s->now_us);
    g_assert_cmpuint (tc_bwe_target (s->bwe), >=, TC_BWE_MIN_BPS);
    g_assert_cmpuint (tc_bwe_target (s->bwe), <=, 700000);
  }
  g_rand_free (r);
  sim_free (s);
}

static void
test_remb_caps_the_target_and_reports_follow_changes (void)
{
  tc_bwe_config cfg = { 100000, 2000000, 3000000 };
  tc_bwe *b = tc_bwe_new (&cfg);
  uint32_t bps = 0;
  g_assert_true (tc_bwe_poll (b, 0, &bps));
  g_assert_cmpuint (bps, ==, 2000000);
  g_assert_false (tc_bwe_poll (b, 500 * MS, &bps));   /* unchanged */
  tc_bwe_on_remb (b, 1500000);
  g_assert_cmpuint (tc_bwe_target (b), ==, 1500000);
  g_assert_true (tc_bwe_poll (b, 600 * MS, &bps));    /* moved by 25 % */
  g_assert_cmpuint (bps, ==, 1500000);
  tc_bwe_on_remb (b, 1480000);
  g_assert_false (tc_bwe_poll (b, 700 * MS, &bps));   /* within 5 % */
  g_assert_true (tc_bwe_poll (b, 1600 * MS, &bps));   /* a second passed */
  g_assert_cmpuint (bps, ==, 1480000);
  tc_bwe_free (b);
}

/* Repairs may use up to the target rate (libwebrtc's retransmission rate
 * limiter): at 2 Mbit/s that is 250 kB/s, in bursts of up to 500 ms of it
 * (125 kB). */
static void
test_resends_are_limited_to_the_target_rate (void)
{
  tc_bwe_config cfg = { 100000, 2000000, 3000000 };
  tc_bwe *b = tc_bwe_new (&cfg);
  unsigned sent = 0;
  for (int i = 0; i < 1000; i++)
    sent += tc_bwe_allow_resend (b, 1000, 0);
  g_assert_cmpuint (sent, ==, 125);             /* the burst */
  g_assert_false (tc_bwe_allow_resend (b, 1000, 1 * MS));
  g_assert_true (tc_bwe_allow_resend (b, 1000, 5 * MS));   /* refilled */
  sent = 0;
  for (int64_t t = 1 * SIM_S; t < 2 * SIM_S; t += 1 * MS)   /* asks 1 MB/s */
    sent += tc_bwe_allow_resend (b, 1000, t);
  g_assert_cmpuint (sent, >=, 250);
  g_assert_cmpuint (sent, <=, 250 + 126);
  tc_bwe_free (b);
}

/* At a low target a keyframe's worth of NACKs (10% of 40 full packets) is
 * still answered at once: a quarter of 150 kbit/s over 200 ms did not hold
 * even one full packet. */
static void
test_nacks_are_answered_at_a_low_target (void)
{
  tc_bwe_config cfg = { 100000, 150000, 3000000 };
  tc_bwe *b = tc_bwe_new (&cfg);
  for (int i = 0; i < 4; i++)
    g_assert_true (tc_bwe_allow_resend (b, 1200 + 16, 0));
  tc_bwe_free (b);
}

/* ---- a resend without RTX ----------------------------------------------- */

/* 5 ms apart, 1000 bytes, 20 ms one-way, feedback every 50 ms; every 50th
 * packet is lost and, when `resend`, sent again 150 ms later as it was:
 * without RTX the packet cannot get a transport-wide seq of its own (its
 * SRTP index is protected once, and the header with the extension is
 * authenticated), so the receiver reports the resend's late arrival
 * under the original's seq. Returns the target after 10 s. */
static uint32_t
run_with_lost_packets (bool resend, tc_cc_usage *usage_seen)
{
  tc_bwe_config cfg;
  g_assert_true (tc_bwe_config_for_quality (TC_SDP_QUALITY_720P, &cfg));
  tc_bwe *b = tc_bwe_new (&cfg);
  uint8_t buf[TC_RTCP_MAX_PACKET];
  int64_t arr[10];
  *usage_seen = TC_CC_NORMAL;
  for (unsigned round = 0; round < 200; round++) {     /* 50 ms each */
    int64_t t0 = (int64_t) round * 50 * MS;
    for (unsigned i = 0; i < 10; i++) {
      unsigned seq = round * 10 + i;
      tc_bwe_on_sent (b, (uint16_t) seq, 1000, t0 + i * 5 * MS);
      bool lost = seq % 50 == 7;
      arr[i] = lost ? TC_RTCP_TWCC_NOT_RECEIVED : t0 + i * 5 * MS + 20 * MS;
    }
    tc_rtcp_twcc fb = feedback (buf, sizeof buf, (uint16_t) (round * 10),
        arr, 10);
    tc_bwe_on_feedback (b, &fb, t0 + 70 * MS);
    /* The resend of the packet lost 3 rounds ago arrives now. */
    unsigned lost_seq = (round - 3) * 10 + 7;
    if (resend && round >= 3 && lost_seq % 50 == 7) {
      int64_t late = t0 + 25 * MS;
      fb = feedback (buf, sizeof buf, (uint16_t) lost_seq, &late, 1);
      tc_bwe_on_feedback (b, &fb, t0 + 45 * MS);
    }
    tc_bwe_stats st;
    tc_bwe_get_stats (b, &st);
    if (st.usage == TC_CC_OVERUSING)
      *usage_seen = st.usage;
  }
  uint32_t target = tc_bwe_target (b);
  tc_bwe_free (b);
  return target;
}

/* The resend's arrival, 150 ms after the original's send time, is not
 * queueing delay: the estimate is the same as when nothing was resent. */
static void
test_a_resend_without_rtx_reads_as_no_delay (void)
{
  tc_cc_usage with_usage, without_usage;
  uint32_t with = run_with_lost_packets (true, &with_usage);
  uint32_t without = run_with_lost_packets (false, &without_usage);
  g_test_message ("target with resends %u, without %u", with, without);
  g_assert_cmpint (with_usage, !=, TC_CC_OVERUSING);
  g_assert_cmpint (without_usage, !=, TC_CC_OVERUSING);
  g_assert_cmpuint (with, >=, without - without / 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bwe/feedback/matches-send-times-sizes-and-arrivals-across-the-seq-wrap",
      test_matches_send_times_sizes_and_arrivals_across_the_seq_wrap);
  g_test_add_func ("/bwe/feedback/reference-time-wrap-keeps-arrival-times-increasing",
      test_reference_time_wrap_keeps_arrival_times_increasing);
  g_test_add_func ("/bwe/feedback/each-outcome-is-reported-once-and-late-arrivals-count",
      test_each_outcome_is_reported_once_and_late_arrivals_count);
  g_test_add_func ("/bwe/feedback/about-packets-never-sent-or-forgotten-is-ignored",
      test_feedback_about_packets_never_sent_or_forgotten_is_ignored);
  g_test_add_func ("/bwe/config/rejects-inconsistent-limits",
      test_rejects_inconsistent_limits);
  g_test_add_func ("/bwe/feedback/garbage-duplicate-and-reordered-change-nothing",
      test_garbage_duplicate_and_reordered_feedback_change_nothing);
  g_test_add_func ("/bwe/feedback/corrupted-keeps-the-target-within-limits",
      test_corrupted_feedback_keeps_the_target_within_limits);
  g_test_add_func ("/bwe/report/remb-caps-the-target-and-reports-follow-changes",
      test_remb_caps_the_target_and_reports_follow_changes);
  g_test_add_func ("/bwe/resend/without-rtx-reads-as-no-delay",
      test_a_resend_without_rtx_reads_as_no_delay);
  g_test_add_func ("/bwe/resend/limited-to-the-target-rate",
      test_resends_are_limited_to_the_target_rate);
  g_test_add_func ("/bwe/resend/nacks-are-answered-at-a-low-target",
      test_nacks_are_answered_at_a_low_target);
  return g_test_run ();
}
