/* test_level_probe.c - the level tempchatsink puts on each Opus frame it
 * encodes (gst-plugin/gsttempchatlevel.h), with a real opusenc.
 *
 * audiotestsrc makes silence for the first second and a 1 kHz sine at 0.8
 * of full scale (-5 dBov) after it, in buffers of 10 ms, 1024 samples and
 * 100 ms; the probe on opusenc's sink pad measures it and each encoded
 * frame looks its level up. Checked:
 *   - frames before the tone are silence (127), frames after it at the
 *     tone's level (5), the one it starts in between;
 *   - every frame has a level (none unknown) but the one drained at EOS.
 */
#include <gst/gst.h>

#include "gst_unit_run.h"
#include "gsttempchatlevel.h"

#define TONE_AT GST_SECOND
#define FRAMES 75               /* 1.5 s of 20 ms frames */

typedef struct
{
  GstTempchatLevel level;
  GArray *pts, *levels;         /* GstClockTime, gint per encoded frame */
} run;

/* Silence before TONE_AT, sample by sample (S16 stereo). */
static GstPadProbeReturn
gate (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GstMapInfo map;

  GST_PAD_PROBE_INFO_DATA (info) = buf;
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  gint16 *s = (gint16 *) map.data;
  for (gsize i = 0; i < map.size / 4; i++) {
    if (GST_BUFFER_PTS (buf) + gst_util_uint64_scale (i, GST_SECOND, 48000)
        < TONE_AT)
      s[2 * i] = s[2 * i + 1] = 0;
  }
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

static void
on_frame (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  run *r = data;
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gint level = gst_tempchat_level_of (&r->level, buf);

  g_array_append_val (r->pts, pts);
  g_array_append_val (r->levels, level);
}

static void
encode (run *r, guint samples_per_buffer)
{
  gchar *desc = g_strdup_printf ("audiotestsrc num-buffers=%u "
      "samplesperbuffer=%u freq=1000 volume=0.8 ! audio/x-raw,format=S16LE,"
      "rate=48000,channels=2 ! identity name=g ! opusenc name=e frame-size=20 "
      "audio-type=generic ! fakesink name=s signal-handoffs=true sync=false",
      (guint) (FRAMES * 960 / samples_per_buffer + 1), samples_per_buffer);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  g_free (desc);

  GstElement *g = gst_bin_get_by_name (GST_BIN (pipe), "g");
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), "e");
  GstElement *s = gst_bin_get_by_name (GST_BIN (pipe), "s");
  GstPad *gp = gst_element_get_static_pad (g, "src");
  gst_pad_add_probe (gp, GST_PAD_PROBE_TYPE_BUFFER, gate, NULL, NULL);
  gst_tempchat_level_watch (&r->level, e);
  g_signal_connect (s, "handoff", G_CALLBACK (on_frame), r);

  gst_unit_run_to_eos (pipe);
  gst_object_unref (gp);
  gst_object_unref (g);
  gst_object_unref (e);
  gst_object_unref (s);
  gst_object_unref (pipe);
}

static void
check_levels (gconstpointer data)
{
  guint samples_per_buffer = GPOINTER_TO_UINT (data);
  run r = { .pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime)),
    .levels = g_array_new (FALSE, FALSE, sizeof (gint)) };
  guint before = 0, after = 0, onset = 0;

  gst_tempchat_level_init (&r.level);
  encode (&r, samples_per_buffer);
  g_assert_cmpuint (r.pts->len, >=, FRAMES - 1);
  for (guint i = 0; i < r.pts->len; i++) {
    GstClockTime pts = g_array_index (r.pts, GstClockTime, i);
    gint level = g_array_index (r.levels, gint, i);
    /* The last, drained at EOS, may hold only the encoder's padding. */
    if (i + 1 < r.pts->len)
      g_assert_cmpint (level, >=, 0);
    if (pts + 20 * GST_MSECOND <= TONE_AT) {
      g_assert_cmpint (level, ==, 127);
      before++;
    } else if (pts >= TONE_AT && pts + 20 * GST_MSECOND <= FRAMES * 20
        * GST_MSECOND) {
      g_assert_cmpint (level, ==, 5);
      after++;
    } else if (pts < TONE_AT) {
      /* The frame the tone starts in: some of the tone's energy. */
      g_assert_cmpint (level, >, 5);
      g_assert_cmpint (level, <, 127);
      onset++;
    }
  }
  g_assert_cmpuint (before, >=, 45);
  g_assert_cmpuint (after, >=, 20);
  g_assert_cmpuint (onset, ==, 1);
  g_array_free (r.pts, TRUE);
  g_array_free (r.levels, TRUE);
  gst_tempchat_level_clear (&r.level);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/level-probe/10-ms-buffers",
      GUINT_TO_POINTER (480), check_levels);
  g_test_add_data_func ("/level-probe/1024-sample-buffers",
      GUINT_TO_POINTER (1024), check_levels);
  g_test_add_data_func ("/level-probe/100-ms-buffers",
      GUINT_TO_POINTER (4800), check_levels);
  return g_test_run ();
}
