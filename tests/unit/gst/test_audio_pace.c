/* test_audio_pace.c - when tempchatsink's live audio frames leave
 * (gst-plugin/gsttempchatpace.h), on a simulated clock.
 *
 * The model of opusenc behind a live source: 20 ms frames, frame k with
 * timestamp 20k ms, available when the input buffer holding its last
 * sample and the encoder's 6.5 ms lookahead arrives, input buffers of
 * BUFFER ms each arriving at its end. A stall holds every buffer due in
 * it until it ends. Checked, as a receiver would see the packets:
 *   - with 10, 21.3 and 100 ms buffers, after the first second the
 *     packets leave 20 +- 6 ms apart (none in a burst);
 *   - after a stall of 100 to 300 ms the frames are back within a frame
 *     duration of their usual lateness (the most of the second before
 *     the stall) within 5 frames more than the stall's length in 10 ms
 *     steps (15 frames after 100 ms), where the steady spacing alone
 *     took 116 after 100 ms;
 *   - no frame leaves before it is available or waits longer than
 *     GST_TEMPCHAT_PACE_MAX_WAIT.
 */
#include <gst/gst.h>
#include <math.h>

#include "gsttempchatpace.h"

#define FRAME (20 * GST_MSECOND)
#define LOOKAHEAD (6500 * GST_USECOND)
#define FRAMES 1500
#define STALL_AT (10 * GST_SECOND)

typedef struct
{
  double buffer_ms;
  GstClockTime stall;
} pattern;

/* When frame `k` reaches the pace. */
static GstClockTime
available (const pattern *p, guint k)
{
  GstClockTime buffer = (GstClockTime) llround (p->buffer_ms * GST_MSECOND);
  GstClockTime need = k * FRAME + FRAME + LOOKAHEAD;
  GstClockTime at = (need + buffer - 1) / buffer * buffer;

  if (p->stall > 0 && at >= STALL_AT && at < STALL_AT + p->stall)
    at = STALL_AT + p->stall;
  return at;
}

/* Every frame's due time. */
static GstClockTime *
run (const pattern *p)
{
  GstTempchatPace pace;
  GstClockTime *due = g_new (GstClockTime, FRAMES);

  gst_tempchat_pace_init (&pace);
  for (guint k = 0; k < FRAMES; k++) {
    GstClockTime now = available (p, k);
    due[k] = gst_tempchat_pace_due (&pace, k * FRAME, now);
    g_assert_cmpuint (due[k], >=, now);
    g_assert_cmpuint (due[k], <=, now + GST_TEMPCHAT_PACE_MAX_WAIT);
  }
  return due;
}

static void
test_packets_leave_every_20_ms (gconstpointer data)
{
  pattern p = { *(const double *) data, 0 };
  GstClockTime *due = run (&p);

  for (guint k = 51; k < FRAMES; k++) {
    GstClockTime gap = due[k] - due[k - 1];
    g_assert_cmpuint (gap, >=, 14 * GST_MSECOND);
    g_assert_cmpuint (gap, <=, 26 * GST_MSECOND);
  }
  g_free (due);
}

static void
test_frames_catch_up_after_a_stall (gconstpointer data)
{
  const pattern *p = data;
  GstClockTime *due = run (p);
  guint stalled = 0, last_late = 0;
  GstClockTimeDiff usual = 0;

  while (available (p, stalled) < STALL_AT)     /* the first one held */
    stalled++;
  for (guint k = stalled - 50; k < stalled; k++)
    usual = MAX (usual, GST_CLOCK_DIFF (k * FRAME, due[k]));
  for (guint k = stalled; k < FRAMES; k++)
    if (GST_CLOCK_DIFF (k * FRAME, due[k]) > usual + (GstClockTimeDiff) FRAME)
      last_late = k;
  g_test_message ("%.1f ms buffers, %" G_GUINT64_FORMAT " ms stall: late "
      "until frame %u after it", p->buffer_ms, p->stall / GST_MSECOND,
      last_late - stalled);
  g_assert_cmpuint (last_late, >, stalled);     /* the stall did hold them */
  /* Half a frame caught up per frame, and a few more. */
  g_assert_cmpuint (last_late - stalled, <=, p->stall / (FRAME / 2) + 5);
  g_free (due);
}

int
main (int argc, char **argv)
{
  static const double sizes[] = { 10, 21.333, 100 };
  static const pattern stalls[] = {
    { 10, 100 * GST_MSECOND }, { 21.333, 100 * GST_MSECOND },
    { 100, 250 * GST_MSECOND }, { 21.333, 300 * GST_MSECOND },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *name = g_strdup_printf ("/gst/pace/%g-ms-buffers-leave-every-20-ms",
        sizes[i]);
    g_test_add_data_func (name, &sizes[i], test_packets_leave_every_20_ms);
    g_free (name);
  }
  for (guint i = 0; i < G_N_ELEMENTS (stalls); i++) {
    gchar *name = g_strdup_printf ("/gst/pace/%g-ms-buffers-catch-up-after-"
        "a-%" G_GUINT64_FORMAT "-ms-stall",
        stalls[i].buffer_ms, stalls[i].stall / GST_MSECOND);
    g_test_add_data_func (name, &stalls[i], test_frames_catch_up_after_a_stall);
    g_free (name);
  }
  return g_test_run ();
}
