/* test_playout_delay.c - the adaptive playout delay (playout_delay.h): a
 * few milliseconds above the floor on a clean path, grown at once under
 * 30 ms of jitter so that no frame comes later than the target, shrunk
 * again when the jitter stops, and a NACK repair covered. Simulated time:
 * audio every 20 ms with random delay. */
#include <glib.h>

#include "session/playout_delay.h"

#define FRAME_US 20000

typedef struct {
  tc_playout_delay pd;
  GRand *rand;
  int64_t now;
  unsigned late;      /* frames that came after the target in force */
  unsigned changes;   /* of the reported target */
  int64_t highest;
} stream;

/* `seconds` of frames delayed by 0..jitter_us each. */
static void
run (stream *s, double seconds, int64_t jitter_us)
{
  int64_t end = s->now + (int64_t) (seconds * G_USEC_PER_SEC);
  for (; s->now < end; s->now += FRAME_US) {
    int64_t lateness = jitter_us > 0 ?
        g_rand_int_range (s->rand, 0, (gint32) jitter_us) : 1000;
    if (lateness > tc_playout_delay_target (&s->pd))
      s->late++;
    if (tc_playout_delay_on_frame (&s->pd, lateness, s->now + lateness))
      s->changes++;
    s->highest = MAX (s->highest, tc_playout_delay_target (&s->pd));
  }
}

static void
test_a_clean_path_keeps_the_floor (void)
{
  stream s = { .rand = g_rand_new_with_seed (1) };
  g_assert_cmpint (tc_playout_delay_target (&s.pd), ==, TC_PLAYOUT_FLOOR_US);
  run (&s, 10, 0);
  g_assert_cmpint (tc_playout_delay_target (&s.pd), ==, TC_PLAYOUT_FLOOR_US);
  g_assert_cmpuint (s.late, ==, 0);
  g_rand_free (s.rand);
}

static void
test_jitter_grows_the_target_until_no_frame_is_late (void)
{
  stream s = { .rand = g_rand_new_with_seed (2) };
  run (&s, 5, 0);
  run (&s, 1, 30000);
  unsigned late_while_learning = s.late;
  s.late = 0;
  s.changes = 0;
  run (&s, 20, 30000);
  int64_t target = tc_playout_delay_target (&s.pd);
  g_test_message ("METRIC 30 ms jitter: target %" G_GINT64_FORMAT " us, %u "
      "late while learning, %u changes in 20 s", target,
      late_while_learning, s.changes);
  g_assert_cmpuint (s.late, ==, 0);
  g_assert_cmpint (target, >=, 30000);
  g_assert_cmpint (target, <=, 30000 * 5 / 4 + TC_PLAYOUT_MARGIN_US
      + TC_PLAYOUT_STEP_US);
  /* Few latency changes for the pipeline to redistribute. */
  g_assert_cmpuint (s.changes, <=, 2);
  g_rand_free (s.rand);
}

static void
test_the_target_shrinks_when_the_jitter_stops (void)
{
  stream s = { .rand = g_rand_new_with_seed (3) };
  run (&s, 10, 30000);
  g_assert_cmpint (tc_playout_delay_target (&s.pd), >=, 30000);
  /* The window forgets, then the target falls at the bounded rate. */
  run (&s, TC_PLAYOUT_WINDOW_US / 1e6 - 0.5, 0);
  g_assert_cmpint (tc_playout_delay_target (&s.pd), >=, 30000);
  run (&s, 2.5, 0);
  g_assert_cmpint (tc_playout_delay_target (&s.pd), ==, TC_PLAYOUT_FLOOR_US);
  g_assert_cmpuint (s.late, <=, 5);
  g_rand_free (s.rand);
}

/* A frame completed by a retransmission comes an RTT and the NACK's wait
 * late: the target covers it from that frame on. */
static void
test_a_nack_repair_raises_the_target_at_once (void)
{
  stream s = { .rand = g_rand_new_with_seed (4) };
  run (&s, 2, 0);
  g_assert_true (tc_playout_delay_on_frame (&s.pd, 120000, s.now));
  /* 120 + 30 + 5, up to the next 5 ms */
  g_assert_cmpint (tc_playout_delay_target (&s.pd), ==, 155000);
  run (&s, 1, 0);
  g_assert_cmpint (tc_playout_delay_target (&s.pd), ==, 155000);
  g_rand_free (s.rand);
}

/* A stream that stops (the peer muted its camera) lets the target fall
 * by ticks alone; a stall of seconds is capped. */
static void
test_ticks_shrink_a_quiet_stream_and_stalls_are_capped (void)
{
  tc_playout_delay pd = { 0 };
  g_assert_false (tc_playout_delay_tick (&pd, 0));
  tc_playout_delay_on_frame (&pd, 50 * G_USEC_PER_SEC, 0);
  g_assert_cmpint (tc_playout_delay_target (&pd), ==, TC_PLAYOUT_MAX_US);
  int64_t t = 0;
  for (; t < 200 * G_USEC_PER_SEC
      && tc_playout_delay_target (&pd) > TC_PLAYOUT_FLOOR_US;
      t += 100000)
    tc_playout_delay_tick (&pd, t);
  g_assert_cmpint (tc_playout_delay_target (&pd), ==, TC_PLAYOUT_FLOOR_US);
  g_assert_cmpint (t, <=, TC_PLAYOUT_WINDOW_US
      + TC_PLAYOUT_MAX_US / TC_PLAYOUT_SHRINK_US_PER_S * G_USEC_PER_SEC
      + G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/playout-delay/a-clean-path-keeps-the-floor",
      test_a_clean_path_keeps_the_floor);
  g_test_add_func ("/playout-delay/jitter-grows-the-target-until-no-frame-"
      "is-late", test_jitter_grows_the_target_until_no_frame_is_late);
  g_test_add_func ("/playout-delay/the-target-shrinks-when-the-jitter-stops",
      test_the_target_shrinks_when_the_jitter_stops);
  g_test_add_func ("/playout-delay/a-nack-repair-raises-the-target-at-once",
      test_a_nack_repair_raises_the_target_at_once);
  g_test_add_func ("/playout-delay/ticks-shrink-a-quiet-stream-and-stalls-"
      "are-capped", test_ticks_shrink_a_quiet_stream_and_stalls_are_capped);
  return g_test_run ();
}
