/* test_bwe_sim.c - the send-side bandwidth estimator on a simulated path
 * (bwe_sim.h): what a user of a call would notice. The sender follows the
 * target, so an estimator that overshoots fills the bottleneck's queue
 * (delay, then tail drops) and one that undershoots wastes the path.
 */
#include "bwe_sim.h"

static double
kbps (double bps)
{
  return bps / 1000;
}

static void
test_settles_near_a_1_mbit_bottleneck_with_the_queue_bounded (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 1000);
  double lo, hi, mean;
  s->capacity_bps = 1e6;
  sim_run (s, 20 * SIM_S);      /* from 2 Mbit/s down to the path */
  s->max_queue_us = 0;
  sim_run_sampled (s, 40 * SIM_S, &lo, &hi, &mean);
  g_test_message ("target %.0f..%.0f kbps, mean %.0f; queue max %" G_GINT64_FORMAT
      " ms", kbps (lo), kbps (hi), kbps (mean), s->max_queue_us / SIM_MS);
  g_assert_cmpfloat (lo, >=, 0.5 * s->capacity_bps);
  g_assert_cmpfloat (hi, <=, 1.2 * s->capacity_bps);
  g_assert_cmpfloat (mean, >=, 0.7 * s->capacity_bps);
  g_assert_cmpint (s->max_queue_us, <, 250 * SIM_MS);
  sim_free (s);
}

/* The user lowers max-bitrate during a call, then raises quality and the
 * floor: the target is inside each new range at once, and a free path
 * ramps to the new maximum. */
static void
test_new_limits_apply_at_once_during_a_call (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 0);
  tc_sdp_bitrates lower = { 0, 0, 800 }, higher = { 2500, 0, 5000 };
  tc_bwe_config cfg;

  sim_run (s, 5 * SIM_S);
  g_assert_cmpuint (tc_bwe_target (s->bwe), >, 800000);
  g_assert_true (tc_bwe_config_for_bitrates (TC_SDP_QUALITY_720P, &lower,
          &cfg));
  g_assert_true (tc_bwe_set_limits (s->bwe, &cfg));
  g_assert_cmpuint (tc_bwe_target (s->bwe), <=, 800000);
  sim_run (s, 3 * SIM_S);
  g_assert_cmpuint (tc_bwe_target (s->bwe), <=, 800000);

  g_assert_true (tc_bwe_config_for_bitrates (TC_SDP_QUALITY_1080P, &higher,
          &cfg));
  g_assert_cmpuint (cfg.min_bps, ==, 2500000);
  g_assert_cmpuint (cfg.max_bps, ==, 5000000);
  g_assert_true (tc_bwe_set_limits (s->bwe, &cfg));
  g_assert_cmpuint (tc_bwe_target (s->bwe), >=, 2500000);
  sim_run (s, 15 * SIM_S);
  g_test_message ("target %.0f kbps", kbps (tc_bwe_target (s->bwe)));
  g_assert_cmpuint (tc_bwe_target (s->bwe), ==, 5000000);

  /* Inconsistent limits are refused and change nothing. */
  cfg.min_bps = cfg.max_bps + 1;
  g_assert_false (tc_bwe_set_limits (s->bwe, &cfg));
  g_assert_cmpuint (tc_bwe_target (s->bwe), ==, 5000000);
  sim_free (s);
}

static void
test_ramps_up_to_the_quality_max_without_a_bottleneck (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_1080P, 0);
  tc_bwe_config cfg;
  tc_bwe_config_for_quality (TC_SDP_QUALITY_1080P, &cfg);
  g_assert_cmpuint (tc_bwe_target (s->bwe), ==, cfg.start_bps);
  sim_run (s, 15 * SIM_S);
  g_test_message ("target after 15 s %.0f kbps", kbps (tc_bwe_target (s->bwe)));
  g_assert_cmpuint (tc_bwe_target (s->bwe), ==, cfg.max_bps);
  sim_free (s);
}

static void
test_capacity_drop_brings_the_target_below_it_within_seconds (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 60000);  /* wraps on the way */
  s->capacity_bps = 2.5e6;
  sim_run (s, 30 * SIM_S);
  g_test_message ("at 2.5 Mbit/s: %.0f kbps", kbps (tc_bwe_target (s->bwe)));
  g_assert_cmpfloat (tc_bwe_target (s->bwe), >=, 0.5 * s->capacity_bps);
  s->capacity_bps = 0.8e6;
  int64_t t = 0;
  while (tc_bwe_target (s->bwe) >= s->capacity_bps && t < 10 * SIM_S) {
    sim_run (s, 100 * SIM_MS);
    t += 100 * SIM_MS;
  }
  g_test_message ("below 800 kbit/s after %" G_GINT64_FORMAT " ms", t / SIM_MS);
  g_assert_cmpint (t, <=, 4 * SIM_S);
  /* And it then stays near the new capacity, with the queue drained. */
  double lo, hi, mean;
  sim_run (s, 10 * SIM_S);
  s->max_queue_us = 0;
  sim_run_sampled (s, 20 * SIM_S, &lo, &hi, &mean);
  g_test_message ("after: %.0f..%.0f kbps, queue max %" G_GINT64_FORMAT " ms",
      kbps (lo), kbps (hi), s->max_queue_us / SIM_MS);
  g_assert_cmpfloat (lo, >=, 0.5 * s->capacity_bps);
  g_assert_cmpfloat (hi, <=, 1.2 * s->capacity_bps);
  g_assert_cmpint (s->max_queue_us, <, 250 * SIM_MS);
  sim_free (s);
}

static void
test_twenty_percent_random_loss_lowers_the_target (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 0);
  tc_bwe_stats st;
  s->loss = 0.20;
  /* No path keeps 20% of inherent loss above 500 kbit/s (loss_based.h):
   * the target walks down there, a little every window. */
  sim_run (s, 20 * SIM_S);
  tc_bwe_get_stats (s->bwe, &st);
  g_test_message ("target %.0f kbps, loss %.2f", kbps (st.target_bps),
      st.loss_fraction);
  g_assert_cmpuint (st.target_bps, <=, 1000000);  /* half the start */
  g_assert_cmpfloat (st.loss_fraction, >, 0.1);
  sim_free (s);
}

/* Hotel Wi-Fi: 10% of packets lost at random on a path with room for
 * 3 Mbit/s. Browsers hold about 1 Mbit/s there; so must we (the rule of
 * draft-ietf-rmcat-gcc-02 walked down to the 100 kbit/s floor). */
static void
test_ten_percent_random_loss_is_not_congestion (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 0);
  double lo, hi, mean;
  s->capacity_bps = 3e6;
  s->loss = 0.10;
  sim_run (s, 10 * SIM_S);
  sim_run_sampled (s, 30 * SIM_S, &lo, &hi, &mean);
  g_test_message ("target %.0f..%.0f kbps, mean %.0f", kbps (lo), kbps (hi),
      kbps (mean));
  g_assert_cmpfloat (lo, >=, 900e3);
  g_assert_cmpfloat (mean, >=, 1000e3);
  sim_free (s);
}

/* A policer with almost no queue: past 1 Mbit/s packets are dropped, and
 * the delay hardly grows. Loss that grows with the rate is congestion. */
static void
test_loss_that_grows_with_the_rate_still_backs_off (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 0);
  double lo, hi, mean;
  s->capacity_bps = 1e6;
  s->queue_limit_us = 30 * SIM_MS;
  sim_run (s, 20 * SIM_S);
  s->packets_sent = s->packets_dropped = 0;
  sim_run_sampled (s, 30 * SIM_S, &lo, &hi, &mean);
  g_test_message ("target %.0f..%.0f kbps, mean %.0f, dropped %.1f%%",
      kbps (lo), kbps (hi), kbps (mean),
      100.0 * s->packets_dropped / s->packets_sent);
  g_assert_cmpfloat (mean, <=, 1.15 * s->capacity_bps);
  g_assert_cmpfloat (mean, >=, 0.6 * s->capacity_bps);
  /* Loss up to 0.05 + 75 kbit/s / B passes as inherent (12.5% at 1 Mbit/s),
   * and the unpaced bursts of the simulation lose some of it anyway. */
  g_assert_cmpfloat ((double) s->packets_dropped / s->packets_sent, <, 0.15);
  sim_free (s);
}

static void
test_one_percent_random_loss_still_ramps_up (void)
{
  sim *s = sim_new (TC_SDP_QUALITY_720P, 0);
  s->loss = 0.01;
  sim_run (s, 15 * SIM_S);
  g_test_message ("target %.0f kbps", kbps (tc_bwe_target (s->bwe)));
  g_assert_cmpuint (tc_bwe_target (s->bwe), ==, 3000000);
  sim_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bwe/sim/settles-near-a-1-mbit-bottleneck-with-the-queue-bounded",
      test_settles_near_a_1_mbit_bottleneck_with_the_queue_bounded);
  g_test_add_func ("/bwe/sim/new-limits-apply-at-once-during-a-call",
      test_new_limits_apply_at_once_during_a_call);
  g_test_add_func ("/bwe/sim/ramps-up-to-the-quality-max-without-a-bottleneck",
      test_ramps_up_to_the_quality_max_without_a_bottleneck);
  g_test_add_func ("/bwe/sim/capacity-drop-brings-the-target-below-it-within-seconds",
      test_capacity_drop_brings_the_target_below_it_within_seconds);
  g_test_add_func ("/bwe/sim/twenty-percent-random-loss-lowers-the-target",
      test_twenty_percent_random_loss_lowers_the_target);
  g_test_add_func ("/bwe/sim/ten-percent-random-loss-is-not-congestion",
      test_ten_percent_random_loss_is_not_congestion);
  g_test_add_func ("/bwe/sim/loss-that-grows-with-the-rate-still-backs-off",
      test_loss_that_grows_with_the_rate_still_backs_off);
  g_test_add_func ("/bwe/sim/one-percent-random-loss-still-ramps-up",
      test_one_percent_random_loss_still_ramps_up);
  return g_test_run ();
}
