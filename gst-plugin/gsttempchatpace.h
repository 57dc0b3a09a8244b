/* gsttempchatpace.h - tempchatsink's audio leaves one packet per frame
 * duration, whatever the size of the buffers it is given.
 *
 * opusenc makes 20 ms frames from any input, but hands them on when an
 * input buffer arrives: 100 ms buffers give five frames at once every
 * 100 ms, 1024-sample ones one or two every 21.3 ms. Sent as they come, a
 * browser's jitter buffer sees those bursts as jitter and holds all audio
 * (and, for lip sync, video) longer. So a frame leaves no sooner than the
 * last one plus most of the time between their timestamps: a burst is
 * spread over the time until the next one, and frames that come at their
 * pace leave at once. The spacing is a little under the frame duration so
 * that a sender slightly behind catches up instead of falling further
 * behind, and it never depends on how long frames waited (holding the
 * streaming thread delays the next input, which must not feed back).
 *
 * A stall upstream (a busy machine holding the source for 100 ms) leaves
 * frames waiting far behind their usual time. At the steady spacing they
 * would catch up by 3% of a frame each, a 100 ms stall taking 3 s, and
 * that much audio arriving late makes a browser's jitter buffer (NetEq)
 * raise its delay and keep it, and its lip sync then holds the video as
 * long (seen: Chromium's video delay at 180 ms for a minute after two
 * stalls, against 70 without). So a frame more than three frame
 * durations behind the least lateness of the last seconds (the buffers'
 * own pattern, from the second window on) leaves at half the spacing,
 * and so do the next ones until they are within a frame duration of it:
 * a 100 ms stall is caught up to 20 ms in 8 frames, and the rest at the
 * steady spacing.
 */
#ifndef GST_TEMPCHAT_PACE_H
#define GST_TEMPCHAT_PACE_H

#include <gst/gst.h>

/* Never hold a frame longer than this (a stall upstream: send at once). */
#define GST_TEMPCHAT_PACE_MAX_WAIT (150 * GST_MSECOND)
/* Of the time between two frames' timestamps, in percent. */
#define GST_TEMPCHAT_PACE_SPACING 97
/* The same while catching up after a stall. */
#define GST_TEMPCHAT_PACE_CATCH_UP_SPACING 50
/* The least lateness is that of the last one or two of these windows. */
#define GST_TEMPCHAT_PACE_WINDOW (2 * GST_SECOND)

typedef struct
{
  GstClockTime last_due;        /* GST_CLOCK_TIME_NONE: none yet */
  GstClockTime last_pts;
  /* Lateness (due - pts) of the frames sent: the least in the previous
   * window and in the current one (G_MAXINT64: none), and when the
   * current one began. */
  GstClockTimeDiff least_before, least_now;
  GstClockTime window_start;
  gboolean catching_up;
} GstTempchatPace;

void gst_tempchat_pace_init (GstTempchatPace *p);

/* When the frame with timestamp `pts`, available at `now` (clock time),
 * should leave. Pure. */
GstClockTime gst_tempchat_pace_due (GstTempchatPace *p, GstClockTime pts,
    GstClockTime now);

/* Waits on `clock` until the frame's due time (at most
 * GST_TEMPCHAT_PACE_MAX_WAIT); in the streaming thread. */
void gst_tempchat_pace_wait (GstTempchatPace *p, GstClock *clock,
    GstClockTime pts);

#endif
