/* test_codec_roundtrip.c - real encoders through our payloaders and back
 * into real decoders.
 *
 * GStreamer encodes a test pattern (vp9enc; av1enc behind av1parse in
 * low-overhead temporal units; x264enc and openh264enc behind h264parse in
 * Annex B access units); each frame goes through our payloader at a
 * 1200-byte MTU, the packets through the jitter buffer and our depayloader
 * (one delta-frame packet lost on the way), and the frames that come out
 * into vp9dec / av1dec / avdec_h264. Asserted: every frame but the ones the
 * loss cost comes out byte-identical, the decoder decodes all of them at
 * the encoded size, and the receiver's size helpers read that size
 * from the first keyframe. (H264 comes back with 4-byte start codes and
 * without the AUD h264parse adds: we do not send AUDs.)
 */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <string.h>

#include "rtp/jitter.h"
#include "rtp/pay_av1.h"
#include "rtp/pay_h264.h"
#include "rtp/pay_vp9.h"

#define MTU 1200
#define FRAMES 30
#define KEY_INTERVAL 10

typedef struct {
  const char *what;
  const tc_payloader *codec;
  const char *encoder;   /* element name, to skip when missing */
  const char *encode;    /* pipeline after the raw caps */
  const char *decode;    /* pipeline after appsrc */
  const char *src_caps;
} codec_case;

static const codec_case cases[] = {
  {"vp9", &tc_payloader_vp9, "vp9enc",
    "vp9enc deadline=1 cpu-used=8 target-bitrate=1500000 lag-in-frames=0"
    " keyframe-max-dist=" G_STRINGIFY (KEY_INTERVAL),
    "vp9dec", "video/x-vp9"},
  {"av1", &tc_payloader_av1, "av1enc",
    /* CBR, or libaom spends ~100 kB a frame on snow; CBR needs the
     * quantizer range set or it aborts (ratectrl.c). */
    "av1enc usage-profile=realtime cpu-used=10 lag-in-frames=0"
    " end-usage=cbr min-quantizer=4 max-quantizer=56 target-bitrate=1500"
    " keyframe-max-dist=" G_STRINGIFY (KEY_INTERVAL)
    " ! av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu",
    "av1parse ! av1dec", "video/x-av1,stream-format=obu-stream,alignment=tu"},
  {"h264-x264", &tc_payloader_h264, "x264enc",
    "x264enc tune=zerolatency speed-preset=ultrafast bitrate=1500 key-int-max="
    G_STRINGIFY (KEY_INTERVAL) " ! h264parse"
    " ! video/x-h264,stream-format=byte-stream,alignment=au",
    "h264parse ! avdec_h264",
    "video/x-h264,stream-format=byte-stream,alignment=au"},
  {"h264-openh264", &tc_payloader_h264, "openh264enc",
    "openh264enc bitrate=1500000 gop-size=" G_STRINGIFY (KEY_INTERVAL)
    " ! h264parse"
    " ! video/x-h264,stream-format=byte-stream,alignment=au",
    "h264parse ! avdec_h264",
    "video/x-h264,stream-format=byte-stream,alignment=au"},
};

typedef struct {
  GPtrArray *frames;     /* GBytes, encoder output */
  GArray *keyframes;     /* gboolean */
} encoded;

static void
encode (const codec_case *c, guint width, guint height, encoded *out)
{
  char *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=snow"
      " ! video/x-raw,format=I420,width=%u,height=%u,framerate=30/1"
      " ! %s ! appsink name=out sync=false", FRAMES, width, height,
      c->encode);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  out->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  out->keyframes = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  GstSample *s;
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL) {
    GstBuffer *b = gst_sample_get_buffer (s);
    GstMapInfo m;
    g_assert_true (gst_buffer_map (b, &m, GST_MAP_READ));
    g_ptr_array_add (out->frames, g_bytes_new (m.data, m.size));
    gboolean key = !GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT);
    g_array_append_val (out->keyframes, key);
    gst_buffer_unmap (b, &m);
    gst_sample_unref (s);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
}

typedef struct {
  GPtrArray *payloads;
  GArray *markers;
} sent;

static tc_status
collect (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  sent *s = ud;
  g_assert_cmpuint (len, <=, MTU);
  g_ptr_array_add (s->payloads, g_bytes_new (payload, len));
  gboolean m = marker;
  g_array_append_val (s->markers, m);
  return TC_OK;
}

typedef struct {
  GPtrArray *frames;     /* GBytes */
  GArray *timestamps;    /* guint32 */
  gboolean first_key;
} received;

static void
on_frame (const tc_frame *f, void *ud)
{
  received *r = ud;
  if (r->frames->len == 0)
    r->first_key = f->keyframe;
  g_ptr_array_add (r->frames, g_bytes_new (f->data, f->len));
  guint32 ts = f->rtp_timestamp;
  g_array_append_val (r->timestamps, ts);
}

/* Sends every frame through payloader, jitter buffer and depayloader;
 * drops the middle packet of the first multi-packet delta frame. Returns
 * the frame index that loss cost (until the next keyframe). */
static guint
transport (const codec_case *c, const encoded *in, received *out)
{
  void *tx = c->codec->state_new ();
  tc_jitter_config cfg = {.codec = c->codec, .max_packets = 512,
    .max_bytes = 4 * 1024 * 1024, .wait_budget_us = 100 * 1000};
  tc_jitter *jb = tc_jitter_new (&cfg, on_frame, out);
  g_assert_nonnull (jb);
  guint16 seq = 65000;
  gint64 now = 0;
  guint lost_frame = G_MAXUINT;
  for (guint i = 0; i < in->frames->len; i++) {
    sent s = {g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
      g_array_new (FALSE, FALSE, sizeof (gboolean))};
    gsize n;
    const guint8 *d = g_bytes_get_data (g_ptr_array_index (in->frames, i), &n);
    g_assert_cmpint (c->codec->payload (tx, d, n,
            g_array_index (in->keyframes, gboolean, i), MTU, collect, &s), ==,
        TC_OK);
    gboolean lose = lost_frame == G_MAXUINT && s.payloads->len >= 3
        && !g_array_index (in->keyframes, gboolean, i);
    if (lose)
      lost_frame = i;
    for (guint k = 0; k < s.payloads->len; k++, seq++) {
      if (lose && k == 1)
        continue;
      gsize len;
      const guint8 *p = g_bytes_get_data (g_ptr_array_index (s.payloads, k),
          &len);
      tc_rtp_packet pkt = {.seq = seq, .timestamp = 3000 * i,
        .marker = g_array_index (s.markers, gboolean, k), .payload = p,
        .payload_len = len};
      g_assert_cmpint (tc_jitter_push (jb, &pkt, now), ==, TC_OK);
    }
    now += 33 * 1000;
    tc_jitter_poll (jb, now);
    g_ptr_array_unref (s.payloads);
    g_array_unref (s.markers);
  }
  tc_jitter_poll (jb, now + 1000 * 1000);
  tc_jitter_free (jb);
  c->codec->state_free (tx);
  return lost_frame;
}

/* Decodes `frames` and returns how many came out; sets the size. */
static guint
decode (const codec_case *c, const received *r, gint *width, gint *height)
{
  char *desc = g_strdup_printf ("appsrc name=in format=time caps=%s"
      " ! %s ! appsink name=out sync=false", c->src_caps, c->decode);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "in");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  for (guint i = 0; i < r->frames->len; i++) {
    GstBuffer *b = gst_buffer_new_wrapped_bytes (g_ptr_array_index (r->frames,
            i));
    GST_BUFFER_PTS (b) = gst_util_uint64_scale (g_array_index (r->timestamps,
            guint32, i), GST_SECOND, 90000);
    g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), b), ==,
        GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  guint count = 0;
  GstSample *s;
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL) {
    GstStructure *st = gst_caps_get_structure (gst_sample_get_caps (s), 0);
    g_assert_true (gst_structure_get_int (st, "width", width));
    g_assert_true (gst_structure_get_int (st, "height", height));
    count++;
    gst_sample_unref (s);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return count;
}

/* What the depayloader gives back for an encoded frame: VP9 as it was;
 * H264 as its units we send (no AUD), each behind 00 00 00 01. */
static GBytes *
expected (const codec_case *c, GBytes *frame)
{
  if (c->codec != &tc_payloader_h264)
    return g_bytes_ref (frame);
  gsize n;
  const guint8 *d = g_bytes_get_data (frame, &n);
  GByteArray *a = g_byte_array_new ();
  size_t pos = 0, len;
  const guint8 *nal;
  static const guint8 sc[] = {0, 0, 0, 1};
  while (tc_h264_next_nal (d, n, &pos, &nal, &len)) {
    if (!tc_h264_nal_sendable (nal, len))
      continue;
    g_byte_array_append (a, sc, sizeof sc);
    g_byte_array_append (a, nal, (guint) len);
  }
  return g_byte_array_free_to_bytes (a);
}

static void
read_size (const codec_case *c, GBytes *key, guint32 *w, guint32 *h)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (key, &n);
  if (c->codec == &tc_payloader_vp9) {
    g_assert_cmpint (tc_vp9_keyframe_size (d, n, w, h), ==, TC_OK);
  } else if (c->codec == &tc_payloader_av1) {
    tc_av1_tu_info info;
    g_assert_cmpint (tc_av1_tu_info_read (d, n, &info), ==, TC_OK);
    g_assert_true (info.keyframe);
    *w = info.width;
    *h = info.height;
  } else {
    g_assert_cmpint (tc_h264_au_size (d, n, w, h), ==, TC_OK);
  }
}

static void
round_trip (gconstpointer data)
{
  const codec_case *c = data;
  static const guint sizes[][2] = {{320, 180}, {640, 360}};
  GstElementFactory *f = gst_element_factory_find (c->encoder);
  if (f == NULL) {
    g_test_skip ("encoder not installed");
    return;
  }
  gst_object_unref (f);
  for (size_t z = 0; z < G_N_ELEMENTS (sizes); z++) {
    guint w = sizes[z][0], h = sizes[z][1];
    g_test_message ("%s %ux%u", c->what, w, h);
    encoded in;
    encode (c, w, h, &in);
    g_assert_cmpuint (in.frames->len, ==, FRAMES);
    g_assert_true (g_array_index (in.keyframes, gboolean, 0));

    received out = {g_ptr_array_new_with_free_func (
        (GDestroyNotify) g_bytes_unref), g_array_new (FALSE, FALSE,
        sizeof (guint32)), FALSE};
    guint lost = transport (c, &in, &out);
    g_assert_cmpuint (lost, <, FRAMES);
    /* Frames from the loss to the next keyframe are held back. */
    guint next_key = lost + 1;
    while (next_key < FRAMES
        && !g_array_index (in.keyframes, gboolean, next_key))
      next_key++;
    g_assert_cmpuint (out.frames->len, ==, FRAMES - (next_key - lost));
    g_assert_true (out.first_key);
    for (guint i = 0, k = 0; i < FRAMES; i++) {
      if (i >= lost && i < next_key)
        continue;
      GBytes *want = expected (c, g_ptr_array_index (in.frames, i));
      g_assert_true (g_bytes_equal (g_ptr_array_index (out.frames, k), want));
      g_bytes_unref (want);
      k++;
    }
    guint32 kw, kh;
    read_size (c, g_ptr_array_index (out.frames, 0), &kw, &kh);
    g_assert_cmpuint (kw, ==, w);
    g_assert_cmpuint (kh, ==, h);

    gint dw = 0, dh = 0;
    g_assert_cmpuint (decode (c, &out, &dw, &dh), ==, out.frames->len);
    g_assert_cmpint (dw, ==, (gint) w);
    g_assert_cmpint (dh, ==, (gint) h);
    g_ptr_array_unref (in.frames);
    g_array_unref (in.keyframes);
    g_ptr_array_unref (out.frames);
    g_array_unref (out.timestamps);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = g_strdup_printf ("/codec/round-trip/%s", cases[i].what);
    g_test_add_data_func (path, &cases[i], round_trip);
    g_free (path);
  }
  return g_test_run ();
}
