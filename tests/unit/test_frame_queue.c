/* test_frame_queue.c - the bounded hand-off of pushed frames to the session
 * thread (session/frame_queue.h): never more than its bounds, late video
 * dropped first and then waiting for a keyframe, every drop counted. */
#include <glib.h>

#include "session/frame_queue.h"

static const uint8_t payload[1000];

static void
push (tc_frame_queue *q, tc_media_kind kind, size_t len, bool key,
    int64_t pts)
{
  tc_frame_queue_push (q, kind, payload, len, pts, key);
}

/* Frames come out in order, as they went in. */
static void
test_frames_come_out_in_the_order_they_went_in (void)
{
  tc_frame_queue *q = tc_frame_queue_new (8, 8000);
  push (q, TC_MEDIA_VIDEO, 500, true, 1);
  push (q, TC_MEDIA_AUDIO, 100, false, 2);
  push (q, TC_MEDIA_VIDEO, 300, false, 3);
  for (int64_t pts = 1; pts <= 3; pts++) {
    tc_queued_frame *f = tc_frame_queue_pop (q);
    g_assert_nonnull (f);
    g_assert_cmpint (f->pts_us, ==, pts);
    g_free (f);
  }
  g_assert_null (tc_frame_queue_pop (q));
  g_assert_cmpuint (tc_frame_queue_dropped (q, TC_MEDIA_VIDEO), ==, 0);
  g_assert_false (tc_frame_queue_take_keyframe_wanted (q));
  tc_frame_queue_free (q);
}

/* A session thread that stalls while 10 s of 30 fps video and 50 audio
 * packets a second are pushed: the queue stays within its bounds, audio
 * survives, the late video is what goes, a keyframe is asked for once per
 * loss, and video resumes only at a keyframe. */
static void
test_a_stalled_consumer_loses_late_video_first_and_nothing_grows (void)
{
  tc_frame_queue *q = tc_frame_queue_new (40, 20000);
  uint64_t pushed_audio = 0;
  for (int ms = 0; ms < 10000; ms += 10) {
    if (ms % 20 == 0) {
      push (q, TC_MEDIA_AUDIO, 100, false, ms);
      pushed_audio++;
    }
    if (ms % 30 == 0)
      push (q, TC_MEDIA_VIDEO, 900, ms % 3000 == 0, ms);
  }
  size_t frames = 0, bytes = 0, audio = 0;
  tc_queued_frame *f;
  while ((f = tc_frame_queue_pop (q)) != NULL) {
    frames++;
    bytes += f->len;
    audio += f->kind == TC_MEDIA_AUDIO;
    g_free (f);
  }
  g_assert_cmpuint (frames, <=, 40);
  g_assert_cmpuint (bytes, <=, 20000);
  g_assert_cmpuint (tc_frame_queue_dropped (q, TC_MEDIA_VIDEO), >, 300);
  /* what remains is audio: video had to go first */
  g_assert_cmpuint (audio, ==, frames);
  g_assert_cmpuint (tc_frame_queue_dropped (q, TC_MEDIA_AUDIO) + audio, ==,
      pushed_audio);
  g_assert_true (tc_frame_queue_take_keyframe_wanted (q));
  g_assert_false (tc_frame_queue_take_keyframe_wanted (q));

  /* video now waits for a keyframe: deltas are dropped and counted */
  uint64_t before = tc_frame_queue_dropped (q, TC_MEDIA_VIDEO);
  g_assert_false (tc_frame_queue_push (q, TC_MEDIA_VIDEO, payload, 900, 1,
          false));
  g_assert_cmpuint (tc_frame_queue_dropped (q, TC_MEDIA_VIDEO), ==,
      before + 1);
  g_assert_true (tc_frame_queue_push (q, TC_MEDIA_VIDEO, payload, 900, 2,
          true));
  g_assert_true (tc_frame_queue_push (q, TC_MEDIA_VIDEO, payload, 900, 3,
          false));
  tc_frame_queue_free (q);  /* frees what is still queued */
}

/* Audio alone over the bound: the oldest audio goes. */
static void
test_audio_alone_over_the_bound_drops_the_oldest (void)
{
  tc_frame_queue *q = tc_frame_queue_new (3, 8000);
  for (int64_t pts = 1; pts <= 5; pts++)
    push (q, TC_MEDIA_AUDIO, 100, false, pts);
  tc_queued_frame *f = tc_frame_queue_pop (q);
  g_assert_cmpint (f->pts_us, ==, 3);
  g_free (f);
  g_assert_cmpuint (tc_frame_queue_dropped (q, TC_MEDIA_AUDIO), ==, 2);
  g_assert_false (tc_frame_queue_take_keyframe_wanted (q));
  /* a frame bigger than the whole bound is refused */
  tc_frame_queue *small = tc_frame_queue_new (3, 500);
  g_assert_false (tc_frame_queue_push (small, TC_MEDIA_VIDEO, payload, 900,
          1, true));
  g_assert_cmpuint (tc_frame_queue_dropped (small, TC_MEDIA_VIDEO), ==, 1);
  tc_frame_queue_free (small);
  tc_frame_queue_free (q);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-queue/frames-come-out-in-the-order-they-went-in",
      test_frames_come_out_in_the_order_they_went_in);
  g_test_add_func ("/frame-queue/a-stalled-consumer-loses-late-video-first-"
      "and-nothing-grows",
      test_a_stalled_consumer_loses_late_video_first_and_nothing_grows);
  g_test_add_func ("/frame-queue/audio-alone-over-the-bound-drops-the-oldest",
      test_audio_alone_over_the_bound_drops_the_oldest);
  return g_test_run ();
}
