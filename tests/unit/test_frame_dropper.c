/* test_frame_dropper.c - raw frames left out while an encoder runs over
 * its target (tc_frame_dropper.h), in simulated capture time: an encoder
 * on target, or a few % over it, loses nothing, not even after a 1080p
 * keyframe; one that
 * cannot get down to its target is held to it by the frames it is given;
 * the picture still changes every second; and the dropping ends soon
 * after the encoder meets its target again.
 */
#include <glib.h>

#include "tempchat/tc_frame_dropper.h"

#define FRAME_US 33333          /* 30 fps */
#define SECOND_US 1000000

/* What an encoder makes of the frame at position `i`, in bytes. */
typedef size_t (*frame_bytes) (unsigned i, uint32_t target_bps);

typedef struct {
  unsigned kept, dropped;
  double kept_bits;
  int64_t longest_gap_us;       /* between two kept frames */
  int64_t first_drop_us;        /* from t0; -1: none */
  int64_t last_drop_us;         /* from t0; -1: none */
} run_result;

/* The longest the picture may stand still: the cap's excess drained to
 * the threshold at 1.1 times the target, and the frame after. */
#define LONGEST_GAP_US ((int64_t) (TC_FRAME_DROPPER_CAP_MS \
          - TC_FRAME_DROPPER_THRESHOLD_MS) * 1000 * 100 \
      / (100 + TC_FRAME_DROPPER_TOLERANCE_PCT) + FRAME_US)

/* Feeds `n` frames from `t0` through `d`, encoded as `bytes` says. */
static run_result
run (tc_frame_dropper *d, unsigned n, int64_t t0, frame_bytes bytes)
{
  run_result r = { 0, 0, 0, 0, -1, -1 };
  int64_t last_kept = -1;

  for (unsigned i = 0; i < n; i++) {
    int64_t us = t0 + (int64_t) i * FRAME_US;
    if (tc_frame_dropper_drop (d, us)) {
      r.dropped++;
      if (r.first_drop_us < 0)
        r.first_drop_us = us - t0;
      r.last_drop_us = us - t0;
      continue;
    }
    size_t b = bytes (i, d->target_bps);
    tc_frame_dropper_encoded (d, b, us);
    r.kept++;
    r.kept_bits += (double) b * 8;
    if (last_kept >= 0)
      r.longest_gap_us = MAX (r.longest_gap_us, us - last_kept);
    last_kept = us;
  }
  return r;
}

/* A fresh dropper with a target of `bps`. */
static void
start (tc_frame_dropper *d, uint32_t bps)
{
  tc_frame_dropper_init (d);
  tc_frame_dropper_set_target (d, bps);
}

static size_t
on_target (unsigned i, uint32_t bps)
{
  (void) i;
  return bps / 8 / 30;
}

/* Our AV1 at 1080p: 4.7 Mbit/s for 4.5. */
static size_t
a_little_over (unsigned i, uint32_t bps)
{
  (void) i;
  return (size_t) (bps / 8 / 30 * 1.05);
}

/* L1T3's sizes around the target: TID 0 1.6x, TID 1 1.1x, TID 2 0.65x. */
static size_t
layered (unsigned i, uint32_t bps)
{
  static const double share[4] = { 1.6, 0.65, 1.1, 0.65 };
  return (size_t) (bps / 8 / 30 * share[i % 4]);
}

/* The noise case of the header: 13.3 Mbit/s worth of frames whatever
 * the target. */
static size_t
noise (unsigned i, uint32_t bps)
{
  (void) i;
  (void) bps;
  return 13300000 / 8 / 30;
}

/* A camera's first keyframe (1080p through our AV1 settings: 93 kB; a
 * 720p one at 2 Mbit/s: 60 kB), then frames on target. */
static size_t keyframe_bytes;

static size_t
camera_start (unsigned i, uint32_t bps)
{
  return i == 0 ? keyframe_bytes : bps / 8 / 30;
}

static void
test_an_encoder_on_target_loses_nothing (void)
{
  tc_frame_dropper d;
  start (&d, 2000000);
  run_result r = run (&d, 30 * 60, 0, on_target);
  g_assert_cmpuint (r.dropped, ==, 0);

  start (&d, 2000000);
  r = run (&d, 30 * 60, 0, layered);
  g_assert_cmpuint (r.dropped, ==, 0);

  start (&d, 4500000);
  r = run (&d, 30 * 60, 0, a_little_over);
  g_assert_cmpuint (r.dropped, ==, 0);
}

static void
test_a_first_keyframe_drops_nothing_after_it (void)
{
  static const struct { uint32_t bps; size_t key; } starts[] = {
    { 4500000, 93000 }, { 2000000, 60000 } };

  for (unsigned i = 0; i < G_N_ELEMENTS (starts); i++) {
    tc_frame_dropper d;
    start (&d, starts[i].bps);
    keyframe_bytes = starts[i].key;
    run_result r = run (&d, 30 * 10, 0, camera_start);
    g_assert_cmpuint (r.dropped, ==, 0);
  }
}

static size_t
keys_twice_a_second (unsigned i, uint32_t bps)
{
  return i % 15 == 0 ? 93000 : bps / 8 / 30;
}

/* Keyframes twice a second (a receiver asking again and again) on top of
 * an encoder on target: their bits are over the target, and some frames
 * go, but none of the first second's. */
static void
test_repeated_keyframes_are_paid_for (void)
{
  tc_frame_dropper d;
  start (&d, 4500000);
  run_result r = run (&d, 30 * 20, 0, keys_twice_a_second);
  /* 2 x 74 kB a second more than 4.5 Mbit/s is 26 % more: past the
   * tolerance and the threshold, frames pay for it. */
  g_assert_cmpuint (r.dropped, >, 0);
  g_assert_cmpint (r.first_drop_us, >=, SECOND_US);
  /* The tolerance, and the threshold's and one keyframe's worth over
   * 20 s. */
  g_assert_cmpfloat (r.kept_bits / 20, <=, 4500000 * 1.1
      + (4500000.0 * TC_FRAME_DROPPER_THRESHOLD_MS / 1e3 + 93000 * 8) / 20);
}

static void
test_an_encoder_over_target_is_held_to_it (void)
{
  static const uint32_t targets[] = { 4500000, 1500000, 600000 };

  for (unsigned t = 0; t < G_N_ELEMENTS (targets); t++) {
    tc_frame_dropper d;
    start (&d, targets[t]);
    run_result r = run (&d, 30 * 30, 0, noise);
    double rate = r.kept_bits / 30;
    /* The tolerance, and the threshold's and one frame's worth over 30 s. */
    g_assert_cmpfloat (rate, <=, targets[t] * 1.1 + ((double) targets[t]
            * TC_FRAME_DROPPER_THRESHOLD_MS / 1e3 + 13300000.0 / 30) / 30);
    g_assert_cmpuint (r.kept, >=, 30);
    g_assert_cmpint (r.longest_gap_us, <=, LONGEST_GAP_US);
  }
}

/* The lowest target a call has, far under what the encoder makes (one
 * frame is 4.4 s of it): the cap still lets a frame through every
 * second. So it does after the target falls from 4.5 Mbit/s to that with
 * an encoder far over the old one: the excess is capped anew. */
static void
test_the_picture_changes_every_second (void)
{
  tc_frame_dropper d;
  start (&d, 100000);
  run_result r = run (&d, 30 * 20, 0, noise);
  g_assert_cmpuint (r.kept, >=, 20);
  g_assert_cmpint (r.longest_gap_us, <=, LONGEST_GAP_US);
  g_assert_cmpint (LONGEST_GAP_US, <=, SECOND_US);

  start (&d, 4500000);
  run (&d, 30 * 10, 0, noise);
  tc_frame_dropper_set_target (&d, 100000);
  r = run (&d, 30 * 10, 10 * SECOND_US, noise);
  g_assert_cmpint (r.first_drop_us, ==, 0);
  g_assert_cmpuint (r.kept, >=, 10 * SECOND_US / LONGEST_GAP_US);
  g_assert_cmpint (r.longest_gap_us, <=, LONGEST_GAP_US);
}

static void
test_dropping_ends_when_the_encoder_meets_its_target (void)
{
  tc_frame_dropper d;
  start (&d, 1500000);
  run (&d, 30 * 10, 0, noise);
  /* The scene calms down: within a second nothing more is dropped. */
  run_result r = run (&d, 30 * 10, 10 * SECOND_US, on_target);
  g_assert_cmpint (r.last_drop_us, <, SECOND_US);

  /* The target rises past what the encoder makes (the link came back). */
  start (&d, 1500000);
  run (&d, 30 * 10, 0, noise);
  tc_frame_dropper_set_target (&d, 20000000);
  r = run (&d, 30 * 10, 10 * SECOND_US, noise);
  g_assert_cmpint (r.last_drop_us, <, SECOND_US);
}

static void
test_without_a_target_nothing_is_dropped (void)
{
  tc_frame_dropper d;
  tc_frame_dropper_init (&d);
  run_result r = run (&d, 30 * 10, 0, noise);
  g_assert_cmpuint (r.dropped, ==, 0);
}

/* An encoder with frames in flight reports a frame after the dropper was
 * asked about later ones: time does not go back, and the rate holds. */
static void
test_reports_behind_the_questions (void)
{
  tc_frame_dropper d;
  double bits = 0;
  start (&d, 1500000);
  int64_t pending[2] = { -1, -1 };
  for (unsigned i = 0; i < 30 * 30; i++) {
    int64_t us = (int64_t) i * FRAME_US;
    if (!tc_frame_dropper_drop (&d, us)) {
      if (pending[0] >= 0) {
        tc_frame_dropper_encoded (&d, noise (0, 0), pending[0]);
        bits += noise (0, 0) * 8.0;
      }
      pending[0] = pending[1];
      pending[1] = us;
    }
    g_assert_cmpfloat (d.excess_bits, >=, 0);
  }
  g_assert_cmpfloat (bits / 30, <=, 1500000 * 1.25);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-dropper/on-target-loses-nothing",
      test_an_encoder_on_target_loses_nothing);
  g_test_add_func ("/frame-dropper/first-keyframe-drops-nothing",
      test_a_first_keyframe_drops_nothing_after_it);
  g_test_add_func ("/frame-dropper/repeated-keyframes-paid-for",
      test_repeated_keyframes_are_paid_for);
  g_test_add_func ("/frame-dropper/over-target-held-to-it",
      test_an_encoder_over_target_is_held_to_it);
  g_test_add_func ("/frame-dropper/picture-changes-every-second",
      test_the_picture_changes_every_second);
  g_test_add_func ("/frame-dropper/dropping-ends-on-target",
      test_dropping_ends_when_the_encoder_meets_its_target);
  g_test_add_func ("/frame-dropper/no-target-no-drop",
      test_without_a_target_nothing_is_dropped);
  g_test_add_func ("/frame-dropper/reports-behind-questions",
      test_reports_behind_the_questions);
  return g_test_run ();
}
