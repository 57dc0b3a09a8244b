/* gsttempchatpace.c - audio frames leave at their own pace (see
 * gsttempchatpace.h). */
#include "gsttempchatpace.h"

void
gst_tempchat_pace_init (GstTempchatPace *p)
{
  p->last_due = p->last_pts = GST_CLOCK_TIME_NONE;
  p->least_before = p->least_now = G_MAXINT64;
  p->window_start = GST_CLOCK_TIME_NONE;
  p->catching_up = FALSE;
}

/* Keeps the least lateness of the last one or two windows. The first
 * window begins a window after the first frame: a pipeline starting up
 * hands on its first frames unlike the rest. */
static void
note_lateness (GstTempchatPace *p, GstClockTimeDiff lateness, GstClockTime now)
{
  if (!GST_CLOCK_TIME_IS_VALID (p->window_start))
    p->window_start = now + GST_TEMPCHAT_PACE_WINDOW;
  if (now < p->window_start)
    return;
  if (now >= p->window_start + GST_TEMPCHAT_PACE_WINDOW) {
    p->least_before = p->least_now;
    p->least_now = G_MAXINT64;
    p->window_start = now;
  }
  p->least_now = MIN (p->least_now, lateness);
}

/* Whether a frame leaving at `due` is behind its usual lateness: more
 * than three frame durations to start catching up (a busy machine's
 * scheduling alone moves frames by tens of ms, and catching up on those
 * would make the bursts the pace is for), more than one to go on. */
static gboolean
behind (GstTempchatPace *p, GstClockTime pts, GstClockTime due,
    GstClockTime step)
{
  GstClockTimeDiff least = MIN (p->least_before, p->least_now);
  GstClockTimeDiff over = (GstClockTimeDiff) step * (p->catching_up ? 1 : 3);

  p->catching_up = least != G_MAXINT64
      && GST_CLOCK_DIFF (pts, due) > least + over;
  return p->catching_up;
}

GstClockTime
gst_tempchat_pace_due (GstTempchatPace *p, GstClockTime pts, GstClockTime now)
{
  GstClockTime due = now;

  if (GST_CLOCK_TIME_IS_VALID (p->last_due) && pts > p->last_pts) {
    GstClockTime step = MIN (pts - p->last_pts, GST_TEMPCHAT_PACE_MAX_WAIT);
    due = MAX (now, p->last_due + step * GST_TEMPCHAT_PACE_SPACING / 100);
    if (behind (p, pts, due, step))
      due = MAX (now,
          p->last_due + step * GST_TEMPCHAT_PACE_CATCH_UP_SPACING / 100);
    due = MIN (due, now + GST_TEMPCHAT_PACE_MAX_WAIT);
  }
  note_lateness (p, GST_CLOCK_DIFF (pts, due), now);
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
