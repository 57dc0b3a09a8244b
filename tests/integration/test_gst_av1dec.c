/* test_gst_av1dec.c - tempchatav1dec (gst-plugin/gsttempchatav1dec.c), the
 * dav1d decoder tempchatsrc uses for AV1, against libaom's av1dec on the
 * same real av1enc streams. AV1 decoding is exact (two conforming decoders
 * give the same pictures), so a difference of one pixel is a bug of ours.
 *
 *   - each format av1enc makes (I420, Y42B, Y444), at an odd size: the same
 *     pictures bit for bit, as many, with the same times and sizes;
 *   - to a sink that reads GstVideoMeta, the same pictures with dav1d's own
 *     strides (not copied);
 *   - a new size mid-stream (a keyframe at another size): the output caps
 *     follow, and the pictures still match;
 *   - a damaged temporal unit: no error (a call goes on), a keyframe asked
 *     for upstream (force-key-unit, which tempchatsrc turns into a PLI), nothing
 *     shown from it or from what depends on it, and pictures equal to the
 *     undamaged stream's again from the next keyframe;
 *   - random bytes, then a real stream: keyframes asked for, no error, and
 *     every picture of the stream.
 * That tempchatsrc decodes AV1 with it is asserted by gst_codecs.
 */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#define WAIT_MS 30000
#define TC_RELAY_PATH "tempchat-relay"  /* unused: no call here */
#include "gst_test_util.h"
#include "video_meta_sink.h"

#define FRAMES 30
#define KEYFRAME_EVERY 15       /* keyframes at 0 and 15 */

typedef struct
{
  GPtrArray *samples;           /* GstSample */
  guint keyframe_requests;      /* force-key-unit events sent upstream */
} Run;

static void
run_clear (Run *r)
{
  g_ptr_array_unref (r->samples);
}

/* Plays `pipe` to EOS, keeping every sample of its appsink "out". */
static Run
run_pipeline (GstElement *pipe, void (*feed) (GstElement *, gpointer),
    gpointer data)
{
  GstElement *out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GstBus *bus = gst_element_get_bus (pipe);
  Run r = { g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_sample_unref), 0 };
  GstSample *s;
  GstMessage *m;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  if (feed != NULL)
    feed (pipe, data);
  while ((s = gst_app_sink_try_pull_sample (GST_APP_SINK (out),
              WAIT_MS * GST_MSECOND)) != NULL)
    g_ptr_array_add (r.samples, s);
  g_assert_true (gst_app_sink_is_eos (GST_APP_SINK (out)));
  while ((m = gst_bus_pop (bus)) != NULL) {
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    gst_message_unref (m);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (out);
  return r;
}

/* av1enc's temporal units of a WxH `format` ball. */
static Run
encode (const char *format, int width, int height)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=ball ! "
      "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1 ! "
      "av1enc usage-profile=realtime cpu-used=9 keyframe-max-dist=%d ! "
      "av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu ! "
      "appsink name=out sync=false", FRAMES, format, width, height,
      KEYFRAME_EVERY);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  Run r;

  g_assert_nonnull (pipe);
  r = run_pipeline (pipe, NULL, NULL);
  g_assert_cmpuint (r.samples->len, ==, FRAMES);
  gst_object_unref (pipe);
  g_free (desc);
  return r;
}

static void
push_samples (GstElement *pipe, gpointer samples)
{
  GstElement *in = gst_bin_get_by_name (GST_BIN (pipe), "in");
  GPtrArray *a = samples;

  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (gst_app_src_push_sample (GST_APP_SRC (in),
            g_ptr_array_index (a, i)), ==, GST_FLOW_OK);
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  gst_object_unref (in);
}

static GstPadProbeReturn
count_keyframe_requests (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    (*(guint *) data)++;
  return GST_PAD_PROBE_OK;
}

/* `decoder`'s pictures of the encoded `samples`, to a sink that takes
 * GstVideoMeta when `meta`. */
static Run
decode_to (const char *decoder, GPtrArray *samples, gboolean meta)
{
  gchar *desc = g_strdup_printf ("appsrc name=in format=time ! %s ! "
      "appsink name=out sync=false", decoder);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *in = gst_bin_get_by_name (GST_BIN (pipe), "in");
  GstPad *pad = gst_element_get_static_pad (in, "src");
  guint requests = 0;
  Run r;

  if (meta) {
    GstElement *out = gst_bin_get_by_name (GST_BIN (pipe), "out");
    video_meta_sink_take_meta (out);
    gst_object_unref (out);
  }
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      count_keyframe_requests, &requests, NULL);
  r = run_pipeline (pipe, push_samples, samples);
  r.keyframe_requests = requests;
  gst_object_unref (pad);
  gst_object_unref (in);
  gst_object_unref (pipe);
  g_free (desc);
  return r;
}

static Run
decode (const char *decoder, GPtrArray *samples)
{
  return decode_to (decoder, samples, FALSE);
}

/* Two decoded samples are the same picture: caps (format, size), time and
 * every visible byte of every plane. */
static void
assert_same_picture (GstSample *a, GstSample *b)
{
  GstVideoInfo ia, ib;
  GstVideoFrame fa, fb;

  g_assert_true (gst_video_info_from_caps (&ia, gst_sample_get_caps (a)));
  g_assert_true (gst_video_info_from_caps (&ib, gst_sample_get_caps (b)));
  g_assert_cmpstr (gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&ia)),
      ==, gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&ib)));
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&ia), ==, GST_VIDEO_INFO_WIDTH (&ib));
  g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&ia), ==,
      GST_VIDEO_INFO_HEIGHT (&ib));
  g_assert_cmpuint (GST_BUFFER_PTS (gst_sample_get_buffer (a)), ==,
      GST_BUFFER_PTS (gst_sample_get_buffer (b)));
  g_assert_true (gst_video_frame_map (&fa, &ia, gst_sample_get_buffer (a),
          GST_MAP_READ));
  g_assert_true (gst_video_frame_map (&fb, &ib, gst_sample_get_buffer (b),
          GST_MAP_READ));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&fa); p++) {
    gsize row = (gsize) GST_VIDEO_FRAME_COMP_WIDTH (&fa, p)
        * GST_VIDEO_FRAME_COMP_PSTRIDE (&fa, p);
    for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&fa, p); y++) {
      const guint8 *ra = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, p)
          + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, p);
      const guint8 *rb = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, p)
          + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, p);
      if (memcmp (ra, rb, row) != 0)
        g_error ("plane %u row %d differs at %" GST_TIME_FORMAT, p, y,
            GST_TIME_ARGS (GST_BUFFER_PTS (gst_sample_get_buffer (a))));
    }
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);
}

static void
assert_same_pictures (const Run *ours, const Run *aom)
{
  g_assert_cmpuint (ours->samples->len, ==, aom->samples->len);
  for (guint i = 0; i < ours->samples->len; i++)
    assert_same_picture (g_ptr_array_index (ours->samples, i),
        g_ptr_array_index (aom->samples, i));
}

static void
test_pictures_are_av1decs (void)
{
  static const char *const formats[] = { "I420", "Y42B", "Y444" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    Run enc = encode (formats[i], 321, 181);
    Run ours = decode ("tempchatav1dec", enc.samples);
    Run aom = decode ("av1dec", enc.samples);
    GstVideoInfo info;

    g_test_message ("%s: %u pictures", formats[i], ours.samples->len);
    g_assert_cmpuint (ours.samples->len, ==, FRAMES);
    g_assert_true (gst_video_info_from_caps (&info,
            gst_sample_get_caps (g_ptr_array_index (ours.samples, 0))));
    g_assert_cmpstr (gst_video_format_to_string (GST_VIDEO_INFO_FORMAT
            (&info)), ==, formats[i]);
    g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, 321);
    g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&info), ==, 181);
    /* appsink takes no GstVideoMeta: GStreamer's own strides. */
    for (guint k = 0; k < ours.samples->len; k++)
      g_assert_null (gst_buffer_get_video_meta (gst_sample_get_buffer
              (g_ptr_array_index (ours.samples, k))));
    assert_same_pictures (&ours, &aom);
    g_assert_cmpuint (ours.keyframe_requests, ==, 0);
    run_clear (&enc);
    run_clear (&ours);
    run_clear (&aom);
  }
}

/* To a sink that reads strides from GstVideoMeta the pictures go out as
 * dav1d made them (its strides, not GStreamer's default), and are still
 * av1dec's pictures. */
static void
test_pictures_go_out_without_a_copy_where_meta_is_taken (void)
{
  Run enc = encode ("I420", 321, 181);
  Run ours = decode_to ("tempchatav1dec", enc.samples, TRUE);
  Run aom = decode ("av1dec", enc.samples);
  GstVideoInfo info;

  g_assert_true (gst_video_info_from_caps (&info,
          gst_sample_get_caps (g_ptr_array_index (ours.samples, 0))));
  for (guint i = 0; i < ours.samples->len; i++) {
    GstBuffer *b = gst_sample_get_buffer (g_ptr_array_index (ours.samples,
            i));
    GstVideoMeta *m = gst_buffer_get_video_meta (b);
    g_assert_nonnull (m);
    g_assert_cmpint (m->stride[0], !=, GST_VIDEO_INFO_PLANE_STRIDE (&info,
            0));
  }
  assert_same_pictures (&ours, &aom);
  run_clear (&enc);
  run_clear (&ours);
  run_clear (&aom);
}

static void
test_a_new_size_renegotiates (void)
{
  Run big = encode ("I420", 640, 360);
  Run small = encode ("I420", 320, 180);
  GPtrArray *both = g_ptr_array_new ();
  Run ours, aom;
  GstVideoInfo info;

  for (guint i = 0; i < FRAMES; i++)
    g_ptr_array_add (both, g_ptr_array_index (big.samples, i));
  /* The second stream continues the first's times. */
  for (guint i = 0; i < FRAMES; i++) {
    GstSample *s = g_ptr_array_index (small.samples, i);
    GstBuffer *b = gst_buffer_copy (gst_sample_get_buffer (s));
    GST_BUFFER_PTS (b) += FRAMES * GST_SECOND / 30;
    gst_sample_set_buffer (s, b);
    gst_buffer_unref (b);
    g_ptr_array_add (both, s);
  }
  ours = decode ("tempchatav1dec", both);
  aom = decode ("av1dec", both);
  g_assert_cmpuint (ours.samples->len, ==, 2 * FRAMES);
  g_assert_true (gst_video_info_from_caps (&info,
          gst_sample_get_caps (g_ptr_array_index (ours.samples, 0))));
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, 640);
  g_assert_true (gst_video_info_from_caps (&info,
          gst_sample_get_caps (g_ptr_array_index (ours.samples, FRAMES))));
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, 320);
  g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&info), ==, 180);
  assert_same_pictures (&ours, &aom);
  g_ptr_array_unref (both);
  run_clear (&big);
  run_clear (&small);
  run_clear (&ours);
  run_clear (&aom);
}

/* A copy of `s` whose buffer keeps only its first `keep` bytes. */
static GstSample *
truncated (GstSample *s, gsize keep)
{
  GstBuffer *b = gst_buffer_copy_region (gst_sample_get_buffer (s),
      GST_BUFFER_COPY_ALL, 0, keep);
  GstSample *t = gst_sample_new (b, gst_sample_get_caps (s), NULL, NULL);

  gst_buffer_unref (b);
  return t;
}

static void
test_a_damaged_frame_asks_for_a_keyframe (void)
{
  const guint damaged = 5;
  Run enc = encode ("I420", 640, 360);
  Run clean = decode ("tempchatav1dec", enc.samples);
  GPtrArray *hurt = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  Run ours;
  guint k = 0;

  for (guint i = 0; i < FRAMES; i++) {
    GstSample *s = g_ptr_array_index (enc.samples, i);
    gsize size = gst_buffer_get_size (gst_sample_get_buffer (s));
    g_ptr_array_add (hurt, i == damaged ? truncated (s, size / 2) :
        gst_sample_ref (s));
  }
  ours = decode ("tempchatav1dec", hurt);
  g_test_message ("%u pictures, %u keyframe requests", ours.samples->len,
      ours.keyframe_requests);
  g_assert_cmpuint (ours.keyframe_requests, >=, 1);
  /* Before the damage, and from the next keyframe: nothing in between. */
  g_assert_cmpuint (ours.samples->len, ==, damaged + FRAMES - KEYFRAME_EVERY);
  for (guint i = 0; i < FRAMES; i++) {
    if (i >= damaged && i < KEYFRAME_EVERY)
      continue;
    assert_same_picture (g_ptr_array_index (ours.samples, k++),
        g_ptr_array_index (clean.samples, i));
  }
  g_ptr_array_unref (hurt);
  run_clear (&enc);
  run_clear (&clean);
  run_clear (&ours);
}

/* Random bytes as temporal units (what a broken sender or a fuzzer gives),
 * then a real stream: no error, no crash (ASan runs this), keyframes
 * asked for, and the real stream's every picture decoded after them. */
static void
test_garbage_then_a_real_stream (void)
{
  Run enc = encode ("I420", 320, 180);
  GPtrArray *in = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstCaps *caps = gst_sample_get_caps (g_ptr_array_index (enc.samples, 0));
  GRand *rand = g_rand_new_with_seed (7);
  Run ours;

  for (guint i = 0; i < 40; i++) {
    gsize len = 1 + g_rand_int_range (rand, 0, i < 20 ? 64 : 4096);
    guint8 *bytes = g_malloc (len);
    for (gsize k = 0; k < len; k++)
      bytes[k] = (guint8) g_rand_int (rand);
    GstBuffer *b = gst_buffer_new_wrapped (bytes, len);
    GST_BUFFER_PTS (b) = i * GST_MSECOND;
    g_ptr_array_add (in, gst_sample_new (b, caps, NULL, NULL));
    gst_buffer_unref (b);
  }
  for (guint i = 0; i < FRAMES; i++) {
    GstSample *s = g_ptr_array_index (enc.samples, i);
    GstBuffer *b = gst_buffer_copy (gst_sample_get_buffer (s));
    GST_BUFFER_PTS (b) += GST_SECOND;
    g_ptr_array_add (in, gst_sample_new (b, caps, NULL, NULL));
    gst_buffer_unref (b);
  }
  ours = decode ("tempchatav1dec", in);
  g_test_message ("%u pictures, %u keyframe requests", ours.samples->len,
      ours.keyframe_requests);
  g_assert_cmpuint (ours.keyframe_requests, >=, 1);
  /* Garbage may happen to parse as a picture (dav1d conceals); the real
   * stream's pictures are all there, at its own times. */
  g_assert_cmpuint (ours.samples->len, >=, FRAMES);
  for (guint i = 0; i < FRAMES; i++) {
    GstSample *s = g_ptr_array_index (ours.samples,
        ours.samples->len - FRAMES + i);
    GstSample *e = g_ptr_array_index (enc.samples, i);
    g_assert_cmpuint (GST_BUFFER_PTS (gst_sample_get_buffer (s)), ==,
        GST_BUFFER_PTS (gst_sample_get_buffer (e)) + GST_SECOND);
  }
  g_rand_free (rand);
  g_ptr_array_unref (in);
  run_clear (&enc);
  run_clear (&ours);
}

int
main (int argc, char **argv)
{
  gchar *reg = gst_test_private_registry ("tc-gst-av1dec");
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/gst/av1dec/pictures-are-av1decs-in-each-format",
      test_pictures_are_av1decs);
  g_test_add_func ("/gst/av1dec/pictures-go-out-without-a-copy-where-"
      "meta-is-taken", test_pictures_go_out_without_a_copy_where_meta_is_taken);
  g_test_add_func ("/gst/av1dec/a-new-size-renegotiates",
      test_a_new_size_renegotiates);
  g_test_add_func ("/gst/av1dec/a-damaged-frame-asks-for-a-keyframe",
      test_a_damaged_frame_asks_for_a_keyframe);
  g_test_add_func ("/gst/av1dec/garbage-then-a-real-stream",
      test_garbage_then_a_real_stream);
  ret = g_test_run ();
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
