/* gsttempchatpace.c - audio frames leave at their own pace (see
 * gsttempchatpace.h). */
#include "gsttempchatpace.h"

void
gst_tempchat_pace_init (GstTempchatPace *p)
{
  p->last_due = p->last_pts = GST_CLOCK_TIME_NONE;
}

GstClockTime
gst_tempchat_pace_due (GstTempchatPace *p, GstClockTime pts, GstClockTime now)
{
  GstClockTime due = now;

  if (GST_CLOCK_TIME_IS_VALID (p->last_due) && pts > p->last_pts) {
    GstClockTime step = MIN (pts - p->last_pts, GST_TEMPCHAT_PACE_MAX_WAIT);
    due = MAX (now, p->last_due + step * GST_TEMPCHAT_PACE_SPACING / 100);
    due = MIN (due, now + GST_TEMPCHAT_PACE_MAX_WAIT);
  }
  p->last_due = due;
  p->last_pts = pts;
  return due;
}

void
gst_tempchat_pace_wait (GstTempchatPace *p, GstClock *clock,
    GstClockTime pts)
{
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime due = gst_tempchat_pace_due (p, pts, now);
  GstClockID id;

  if (due <= now)
    return;
  id = gst_clock_new_single_shot_id (clock, due);
  gst_clock_id_wait (id, NULL);
  gst_clock_id_unref (id);
}
