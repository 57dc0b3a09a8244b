/* test_pacer.c - the pacing budget (cc/pacer.h) in simulated time: a
 * keyframe's packets leave spread at 2.5x the target instead of at once,
 * audio's bytes come off video's share, an idle spell saves nothing up,
 * and a queue never waits much longer than the queue time limit.
 */
#include <glib.h>

#include "cc/pacer.h"

#define PKT 1200

typedef struct {
  int64_t duration_us;        /* first serve to the last packet out */
  size_t max_per_serve;       /* most bytes sent in one serve */
} drain_result;

/* Serves a queue of `n` packets every `step_us` (starting at `t0`), as the
 * session's timer does; `audio_per_serve` bytes of audio leave at each
 * serve before video. */
static drain_result
drain (tc_pacer *p, size_t n, int64_t t0, int64_t step_us,
    size_t audio_per_serve)
{
  drain_result r = { 0, 0 };
  int64_t now = t0;
  size_t left = n;
  while (left > 0) {
    g_assert_cmpint (now - t0, <, 10 * G_USEC_PER_SEC);
    tc_pacer_refill (p, left * PKT, now - t0, now);
    if (audio_per_serve > 0)
      tc_pacer_on_sent (p, audio_per_serve);
    size_t sent = 0;
    while (left > 0 && tc_pacer_can_send (p)) {
      tc_pacer_on_sent (p, PKT);
      sent += PKT;
      left--;
    }
    r.max_per_serve = MAX (r.max_per_serve, sent);
    r.duration_us = now - t0;
    now += step_us;
  }
  return r;
}

static void
test_without_a_target_nothing_waits (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  drain_result r = drain (&p, 120, 0, TC_PACER_INTERVAL_US, 0);
  g_assert_cmpint (r.duration_us, ==, 0);
  g_assert_cmpuint (r.max_per_serve, ==, 120 * PKT);
}

/* A 1080p keyframe (144 kB) at the 4.5 Mbit/s start target leaves at
 * 11.25 Mbit/s: about 102 ms, never more than a serve's worth at once. */
static void
test_a_keyframe_leaves_at_the_pacing_rate (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  tc_pacer_set_target (&p, 4500000);
  g_assert_cmpuint (p.rate_bps, ==, 11250000);
  drain_result r = drain (&p, 120, 1000000, TC_PACER_INTERVAL_US, 0);
  double want_us = 120.0 * PKT * 8 / 11.25e6 * 1e6;
  g_test_message ("144 kB keyframe: %" G_GINT64_FORMAT " us (rate says %.0f)",
      r.duration_us, want_us);
  g_assert_cmpint (r.duration_us, >=, want_us - 2 * TC_PACER_INTERVAL_US);
  g_assert_cmpint (r.duration_us, <=, want_us + 2 * TC_PACER_INTERVAL_US);
  /* One serve: 5 ms at 11.25 Mbit/s (7 kB) plus the packet that overshoots. */
  g_assert_cmpuint (r.max_per_serve, <=, (size_t) (11250000.0 / 8
      * TC_PACER_INTERVAL_US / 1e6) + PKT);
}

/* Audio is never held, but what it sends comes off the budget: video
 * takes longer by audio's share. */
static void
test_audio_uses_the_budget_first (void)
{
  tc_pacer a, b;
  tc_pacer_init (&a);
  tc_pacer_init (&b);
  tc_pacer_set_target (&a, 1000000);
  tc_pacer_set_target (&b, 1000000);
  drain_result alone = drain (&a, 60, 0, TC_PACER_INTERVAL_US, 0);
  /* 400 bytes per 5 ms: 640 kbit/s of the 2.5 Mbit/s pacing rate. */
  drain_result with_audio = drain (&b, 60, 0, TC_PACER_INTERVAL_US, 400);
  g_test_message ("video alone %" G_GINT64_FORMAT " us, beside audio %"
      G_GINT64_FORMAT " us", alone.duration_us, with_audio.duration_us);
  g_assert_cmpint (with_audio.duration_us, >, alone.duration_us * 5 / 4);
}

/* A second of idleness is not a second of budget: the keyframe after it
 * is paced from its first serve. */
static void
test_an_idle_spell_saves_nothing_up (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  tc_pacer_set_target (&p, 2000000);
  drain (&p, 10, 0, TC_PACER_INTERVAL_US, 0);
  drain_result r = drain (&p, 100, 2 * G_USEC_PER_SEC, TC_PACER_INTERVAL_US, 0);
  size_t most = (size_t) (5000000.0 / 8 * TC_PACER_MAX_ELAPSED_US / 1e6) + PKT;
  g_assert_cmpuint (r.max_per_serve, <=, most);
}

/* A queue worth seconds at a collapsed target is drained within about the
 * queue time limit, not over those seconds. */
static void
test_a_long_queue_is_drained_within_the_limit (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  tc_pacer_set_target (&p, 50000);  /* floor: 300 kbit/s */
  g_assert_cmpuint (p.rate_bps, ==, TC_PACER_MIN_RATE_BPS);
  /* 300 kB: 8 s at 300 kbit/s. */
  drain_result r = drain (&p, 250, 0, TC_PACER_INTERVAL_US, 0);
  g_test_message ("300 kB at a 300 kbit/s floor: %" G_GINT64_FORMAT " us",
      r.duration_us);
  g_assert_cmpint (r.duration_us, <=, TC_PACER_QUEUE_LIMIT_US);
}

/* Serves that come late (a loaded machine) still leave at well over the
 * target: the encoder's average always fits. */
static void
test_late_serves_still_beat_the_target (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  tc_pacer_set_target (&p, 3000000);
  drain_result r = drain (&p, 200, 0, 20000, 0);
  double bps = 200.0 * PKT * 8 / (r.duration_us / 1e6);
  g_test_message ("serves 20 ms apart: %.2f Mbit/s", bps / 1e6);
  g_assert_cmpfloat (bps, >, 1.5 * 3000000);
}

/* A debt from a burst of audio (or a rate cut) is bounded. */
static void
test_a_debt_is_bounded (void)
{
  tc_pacer p;
  tc_pacer_init (&p);
  tc_pacer_set_target (&p, 1000000);
  tc_pacer_refill (&p, 0, 0, 0);
  for (int i = 0; i < 10000; i++)
    tc_pacer_on_sent (&p, PKT);
  g_assert_cmpfloat (p.bytes, >=, -2500000.0 / 8 * TC_PACER_QUEUE_LIMIT_US / 1e6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cc/pacer/no-target", test_without_a_target_nothing_waits);
  g_test_add_func ("/cc/pacer/keyframe-spread",
      test_a_keyframe_leaves_at_the_pacing_rate);
  g_test_add_func ("/cc/pacer/audio-first", test_audio_uses_the_budget_first);
  g_test_add_func ("/cc/pacer/idle-saves-nothing",
      test_an_idle_spell_saves_nothing_up);
  g_test_add_func ("/cc/pacer/queue-limit",
      test_a_long_queue_is_drained_within_the_limit);
  g_test_add_func ("/cc/pacer/late-serves", test_late_serves_still_beat_the_target);
  g_test_add_func ("/cc/pacer/bounded-debt", test_a_debt_is_bounded);
  return g_test_run ();
}
