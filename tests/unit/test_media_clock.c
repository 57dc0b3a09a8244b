/* test_media_clock.c - received RTP time on our clock (media_clock.h and
 * tc_clock_offset): no jump when the sender's first report arrives, audio
 * and video on one time line, and a half-hour call whose sender clock
 * drifts staying within the jitter buffer's reach. Simulated time. */
#include <glib.h>

#include "session/media_clock.h"
#include "session/session_policy.h"
#include "tempchat/tc_rtcp.h"

#define AUDIO_RATE 48000
#define VIDEO_RATE 90000
#define TRANSIT_US 30000         /* one-way delay */
#define JITTER_US 15000          /* plus up to this much */
#define LIMIT_US 20000           /* the bound on offset and drift */

/* A Chromium-like sender: audio every 20 ms, video at 10 fps, its clock
 * running `ppm` slow against ours, its audio SRs every 5 s (the first one
 * 5 s into the call) and video SRs every second. */
typedef struct {
  double ppm;
  GRand *rand;
  tc_clock_offset offset;
  tc_media_clock audio, video;
  tc_rtp_sync audio_sync, video_sync;
  int64_t worst_drift_us, worst_av_us, worst_step_us;
} call;

static int64_t
sender_clock (const call *c, int64_t our_us)
{
  return (int64_t) ((double) our_us * (1.0 - c->ppm * 1e-6));
}

/* The frame captured at our time `t` (sender time sender_clock (t)), of
 * one kind; returns its pts and checks it against where it belongs. */
static int64_t
receive (call *c, bool audio, int64_t t, int64_t *last_pts)
{
  uint32_t rate = audio ? AUDIO_RATE : VIDEO_RATE;
  int64_t s_us = sender_clock (c, t);
  uint32_t ts = (uint32_t) (s_us * rate / G_USEC_PER_SEC) + 1234u;
  tc_rtp_sync *sync = audio ? &c->audio_sync : &c->video_sync;
  int64_t sr_every = audio ? 5 * G_USEC_PER_SEC : G_USEC_PER_SEC;
  if (t >= sr_every && t % sr_every < (audio ? 20000 : 100000))
    tc_rtp_sync_update (sync, tc_ntp_from_unix_us (s_us), ts, rate);
  int64_t arrival = t + TRANSIT_US + g_rand_int_range (c->rand, 0, JITTER_US);
  int64_t sender_us, shared_us;
  bool known = tc_rtp_sync_sender_us (sync, ts, &sender_us);
  if (known)
    shared_us = tc_clock_offset_map (&c->offset, sender_us, arrival);
  int64_t pts = tc_media_clock_pts (audio ? &c->audio : &c->video, rate, ts,
      arrival, known ? &shared_us : NULL);
  if (*last_pts != 0) {
    g_assert_cmpint (pts, >=, *last_pts);
    int64_t frame_us = audio ? 20000 : 100000;
    c->worst_step_us = MAX (c->worst_step_us, pts - *last_pts - frame_us);
  }
  *last_pts = pts;
  return pts;
}

static void
run (call *c, int64_t seconds, int64_t judge_from_s)
{
  int64_t last_a = 0, last_v = 0;
  int64_t next_v = 0;
  for (int64_t t = 0; t < seconds * G_USEC_PER_SEC; t += 20000) {
    int64_t pa = receive (c, true, t, &last_a);
    if (t >= judge_from_s * G_USEC_PER_SEC) {
      /* pts against the capture time plus the lowest delay: what the
       * jitter buffer's latency has to cover */
      c->worst_drift_us = MAX (c->worst_drift_us,
          ABS (pa - (t + TRANSIT_US)));
    }
    while (next_v <= t) {
      int64_t pv = receive (c, false, next_v, &last_v);
      if (next_v == t && t >= judge_from_s * G_USEC_PER_SEC)
        c->worst_av_us = MAX (c->worst_av_us, ABS (pv - pa));
      next_v += 100000;  /* 10 fps: every frame lines up with audio */
    }
  }
}

/* Before the first audio SR (5 s in) audio has only its own RTP time; when
 * the report comes, its times move onto the shared line by at most a
 * twentieth of the time between frames: no jump. */
static void
test_the_first_report_moves_times_smoothly (void)
{
  call c = { .ppm = 0, .rand = g_rand_new_with_seed (7) };
  run (&c, 12, 10);
  g_test_message ("worst extra step %" G_GINT64_FORMAT " us, A/V %"
      G_GINT64_FORMAT " us", c.worst_step_us, c.worst_av_us);
  /* Video frames here are 100 ms apart: 5 ms at most. */
  g_assert_cmpint (c.worst_step_us, <=, TC_MEDIA_CLOCK_SLEW_MAX_US);
  g_assert_cmpint (c.worst_av_us, <, LIMIT_US);
  g_rand_free (c.rand);
}

/* A 30-minute call from a sender whose clock runs 100 ppm slow (180 ms
 * over the call): audio and video stay within 20 ms of each other and of
 * where the jitter buffer expects them. */
static void
test_a_half_hour_call_with_clock_drift_stays_within_20_ms (void)
{
  call c = { .ppm = 100, .rand = g_rand_new_with_seed (11) };
  run (&c, 30 * 60, 30);
  g_test_message ("METRIC 30 min at 100 ppm: drift %" G_GINT64_FORMAT
      " us, A/V %" G_GINT64_FORMAT " us, worst step %" G_GINT64_FORMAT " us",
      c.worst_drift_us, c.worst_av_us, c.worst_step_us);
  g_assert_cmpint (c.worst_drift_us, <, LIMIT_US);
  g_assert_cmpint (c.worst_av_us, <, LIMIT_US);
  g_rand_free (c.rand);
}

/* A sender that restarts its RTP clock (ten seconds back) while frames go
 * on every 20 ms: times go on from the new frames' arrivals instead of
 * staying at the last time until RTP time catches up (they used to stay
 * for ten seconds). A DTX pause moves RTP and arrival time together: no
 * re-anchor. */
static void
test_a_backward_rtp_jump_reanchors_instead_of_holding_times (void)
{
  tc_media_clock mc = { 0 };
  uint32_t ts = 5000000;
  int64_t t = 1000000, last = 0;
  for (int i = 0; i < 100; i++, t += 20000, ts += 960)
    last = tc_media_clock_pts (&mc, AUDIO_RATE, ts, t, NULL);
  /* A 2 s DTX pause. */
  t += 2000000;
  ts += 2000000 / 20000 * 960;
  int64_t after_pause = tc_media_clock_pts (&mc, AUDIO_RATE, ts, t, NULL);
  g_assert_cmpint (after_pause - last, >, 1990000);
  g_assert_cmpuint (mc.reanchors, ==, 0);
  last = after_pause;
  ts -= 10 * AUDIO_RATE;
  for (int i = 0; i < 10; i++) {
    t += 20000;
    ts += 960;
    int64_t pts = tc_media_clock_pts (&mc, AUDIO_RATE, ts, t, NULL);
    g_assert_cmpint (pts - last, >=, 15000);
    g_assert_cmpint (pts - last, <=, 25000);
    last = pts;
  }
  g_assert_cmpuint (mc.reanchors, ==, 1);
}

/* The first frame waited 80 ms longer than the ones after it (a keyframe,
 * a busy path): within a few seconds (times move at most a twentieth of
 * the time between frames) they sit at the lowest transit, so the later frames are not held
 * 80 ms longer than they need for the rest of the call. */
static void
test_the_first_frames_delay_is_not_kept (void)
{
  tc_media_clock mc = { 0 };
  int64_t pts = 0, t = 0;
  for (int i = 0; i < 100; i++, t += 33333) {
    int64_t arrival = t + TRANSIT_US + (i == 0 ? 80000 : 0);
    pts = tc_media_clock_pts (&mc, VIDEO_RATE, (uint32_t) (t * 9 / 100),
        arrival, NULL);
  }
  t -= 33333;
  g_assert_cmpint (ABS (pts - (t + TRANSIT_US)), <=, 2000);
}

/* A sender too busy to keep up (its media time falls 5 % behind the wall
 * clock its reports use): times follow the frames' arrivals within a
 * window's worth of the lag, instead of falling further behind each
 * second (a step of 4 ms per 4 s left them 1.4 s behind after 30 s, and
 * the adaptive latency followed). */
static void
test_a_sender_falling_behind_is_followed (void)
{
  tc_clock_offset off = { 0 };
  tc_media_clock mc = { 0 };
  int64_t worst = 0;
  for (int64_t t = 0; t < 30 * G_USEC_PER_SEC; t += 20000) {
    int64_t sender_us = t * 95 / 100;
    uint32_t ts = (uint32_t) (sender_us * AUDIO_RATE / G_USEC_PER_SEC);
    int64_t arrival = t + TRANSIT_US;
    int64_t shared = tc_clock_offset_map (&off, sender_us, arrival);
    int64_t pts = tc_media_clock_pts (&mc, AUDIO_RATE, ts, arrival, &shared);
    if (t >= 10 * G_USEC_PER_SEC)
      worst = MAX (worst, arrival - pts);
  }
  g_test_message ("METRIC 5 %% slow sender: frames at most %" G_GINT64_FORMAT
      " us after their time", worst);
  /* The lag of a window, and as much again while times slew towards it. */
  g_assert_cmpint (worst, <, 5 * TC_CLOCK_OFFSET_WINDOW_US / 2 / 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media-clock/the-first-report-moves-times-smoothly",
      test_the_first_report_moves_times_smoothly);
  g_test_add_func ("/media-clock/a-half-hour-call-with-clock-drift-stays-"
      "within-20-ms",
      test_a_half_hour_call_with_clock_drift_stays_within_20_ms);
  g_test_add_func ("/media-clock/a-backward-rtp-jump-reanchors-instead-of-"
      "holding-times",
      test_a_backward_rtp_jump_reanchors_instead_of_holding_times);
  g_test_add_func ("/media-clock/the-first-frames-delay-is-not-kept",
      test_the_first_frames_delay_is_not_kept);
  g_test_add_func ("/media-clock/a-sender-falling-behind-is-followed",
      test_a_sender_falling_behind_is_followed);
  return g_test_run ();
}
