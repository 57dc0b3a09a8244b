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
 */
#ifndef GST_TEMPCHAT_PACE_H
#define GST_TEMPCHAT_PACE_H

#include <gst/gst.h>

/* Never hold a frame longer than this (a stall upstream: send at once). */
#define GST_TEMPCHAT_PACE_MAX_WAIT (150 * GST_MSECOND)
/* Of the time between two frames' timestamps, in percent. */
#define GST_TEMPCHAT_PACE_SPACING 97

typedef struct
{
  GstClockTime last_due;        /* GST_CLOCK_TIME_NONE: none yet */
  GstClockTime last_pts;
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
