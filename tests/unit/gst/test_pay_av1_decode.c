/* test_pay_av1_decode.c - real AV1 through the AV1 payload format.
 *
 * libaom (av1enc, real-time mode) encodes a test pattern at 320x240; each
 * temporal unit goes through tc_payloader_av1 into RTP payloads and back,
 * and av1parse ! av1dec must decode what comes out: every frame, at
 * 320x240. Also with the sequence header taken out of the keyframe (the
 * payloader puts the one it kept back) and with a packet lost (its TU
 * never comes out, the others come out unchanged).
 *
 * GStreamer runs with a private registry file; elements are driven through
 * their action signals (no gst-app library needed). Waits are pulls with
 * timeouts, never sleeps.
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>
#include <unistd.h>

#include "rtp/pay_av1.h"
#include "rtp_fixtures.h"

#define WIDTH 320
#define HEIGHT 240
#define FRAMES 30
#define PULL_TIMEOUT (20 * GST_SECOND)

static gboolean
have_elements (void)
{
  static const char *const need[] = {"av1enc", "av1parse", "av1dec"};
  for (size_t i = 0; i < G_N_ELEMENTS (need); i++) {
    GstElementFactory *f = gst_element_factory_find (need[i]);
    if (f == NULL)
      return FALSE;
    gst_object_unref (f);
  }
  return TRUE;
}

static void
skip_without_av1_elements (void)
{
  g_test_skip ("GStreamer's av1enc, av1parse or av1dec is missing");
}

/* Pulls every sample of `pipe`'s appsink "out" until EOS into a GPtrArray
 * of GstSample. */
static GPtrArray *
run_and_collect (GstElement *pipe)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GPtrArray *samples = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_sample_unref);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  for (;;) {
    GstSample *s = NULL;
    g_signal_emit_by_name (sink, "try-pull-sample", PULL_TIMEOUT, &s);
    if (s == NULL)
      break;
    g_ptr_array_add (samples, s);
  }
  gboolean eos = FALSE;
  g_object_get (sink, "eos", &eos, NULL);
  g_assert_true (eos);  /* ended, not timed out */
  gst_object_unref (sink);
  return samples;
}

/* FRAMES temporal units from libaom, low-overhead format. */
static GPtrArray *
encode (void)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (
      "videotestsrc num-buffers=" G_STRINGIFY (FRAMES) " pattern=ball ! "
      "video/x-raw,width=" G_STRINGIFY (WIDTH) ",height=" G_STRINGIFY (HEIGHT)
      ",framerate=30/1 ! av1enc usage-profile=realtime cpu-used=10 ! "
      "av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu ! "
      "appsink name=out sync=false", &err);
  g_assert_no_error (err);
  GPtrArray *samples = run_and_collect (pipe);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);

  GPtrArray *tus = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < samples->len; i++) {
    GstBuffer *b = gst_sample_get_buffer (g_ptr_array_index (samples, i));
    GstMapInfo map;
    g_assert_true (gst_buffer_map (b, &map, GST_MAP_READ));
    g_ptr_array_add (tus, g_bytes_new (map.data, map.size));
    gst_buffer_unmap (b, &map);
  }
  g_ptr_array_unref (samples);
  g_assert_cmpuint (tus->len, ==, FRAMES);
  return tus;
}

/* Decodes `tus` with av1parse ! av1dec; returns the frames decoded and
 * checks each one's size. */
static guint
decode (GPtrArray *tus)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (
      "appsrc name=in format=time caps=video/x-av1,stream-format=obu-stream,"
      "alignment=tu ! av1parse ! av1dec ! appsink name=out sync=false", &err);
  g_assert_no_error (err);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "in");
  for (guint i = 0; i < tus->len; i++) {
    GstBuffer *b = gst_buffer_new_wrapped_bytes (g_ptr_array_index (tus, i));
    GST_BUFFER_PTS (b) = i * GST_SECOND / 30;
    GstFlowReturn ret;
    g_signal_emit_by_name (src, "push-buffer", b, &ret);
    gst_buffer_unref (b);
  }
  GstFlowReturn ret;
  g_signal_emit_by_name (src, "end-of-stream", &ret);
  gst_object_unref (src);

  GPtrArray *samples = run_and_collect (pipe);
  for (guint i = 0; i < samples->len; i++) {
    GstCaps *caps = gst_sample_get_caps (g_ptr_array_index (samples, i));
    GstStructure *s = gst_caps_get_structure (caps, 0);
    gint w = 0, h = 0;
    g_assert_true (gst_structure_get_int (s, "width", &w));
    g_assert_true (gst_structure_get_int (s, "height", &h));
    g_assert_cmpint (w, ==, WIDTH);
    g_assert_cmpint (h, ==, HEIGHT);
  }
  guint n = samples->len;
  g_ptr_array_unref (samples);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  return n;
}

/* Payloads every TU with `tx` at `mtu` and depayloads all packets but the
 * `lost`-th (counting across the stream; G_MAXUINT for none) with `rx`. */
static void
round_trip (void *tx, GPtrArray *tus, size_t mtu, guint lost, frames *out)
{
  void *rx = tc_payloader_av1.state_new ();
  guint16 seq = 65000;
  guint count = 0;
  for (guint i = 0; i < tus->len; i++) {
    packets p;
    packets_init (&p);
    packetize (&tc_payloader_av1, tx, g_ptr_array_index (tus, i), mtu, &p);
    for (guint k = 0; k < p.payloads->len; k++, seq++) {
      size_t len;
      g_assert_cmpuint (packets_data (&p, k, &len)[0] & 0x07, ==, 0);
      g_assert_cmpuint (len, <=, mtu);
      if (count++ != lost)
        g_assert_cmpint (depayload_one (&tc_payloader_av1, rx, &p, k, seq,
                i * 3000, out), ==, TC_OK);
    }
    packets_clear (&p);
  }
  tc_payloader_av1.state_free (rx);
}

static GPtrArray *
frames_as_tus (frames *f)
{
  GPtrArray *tus = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < f->data->len; i++)
    g_ptr_array_add (tus, g_bytes_ref (g_ptr_array_index (f->data, i)));
  return tus;
}

static void
test_libaom_units_round_trip_and_decode_at_320x240 (gconstpointer data)
{
  GPtrArray *tus = (GPtrArray *) data;
  static const size_t mtus[] = {1200, 300};
  for (size_t m = 0; m < G_N_ELEMENTS (mtus); m++) {
    void *tx = tc_payloader_av1.state_new ();
    frames f;
    frames_init (&f);
    round_trip (tx, tus, mtus[m], G_MAXUINT, &f);
    g_assert_cmpuint (frames_count (&f), ==, FRAMES);
    for (guint i = 0; i < FRAMES; i++) {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (f.data, i), &n);
      tc_av1_tu_info info;
      g_assert_cmpint (tc_av1_tu_info_read (d, n, &info), ==, TC_OK);
      g_assert_cmpint (g_array_index (f.keyframes, gboolean, i), ==, i == 0);
      g_assert_cmpint (info.keyframe, ==, i == 0);
      if (i == 0) {
        g_assert_cmpuint (info.width, ==, WIDTH);
        g_assert_cmpuint (info.height, ==, HEIGHT);
      }
    }
    GPtrArray *out = frames_as_tus (&f);
    g_assert_cmpuint (decode (out), ==, FRAMES);
    g_ptr_array_unref (out);
    frames_clear (&f);
    tc_payloader_av1.state_free (tx);
  }
}

/* `tu` without its sequence header OBU. */
static GBytes *
without_sequence_header (GBytes *tu)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (tu, &n);
  GByteArray *out = g_byte_array_new ();
  for (size_t pos = 0; pos < n;) {
    size_t hdr = (d[pos] & 0x04) ? 2 : 1;
    guint32 size;
    size_t leb;
    g_assert_true (d[pos] & 0x02);  /* libaom writes size fields */
    g_assert_cmpint (tc_av1_leb128_read (d + pos + hdr, n - pos - hdr, &size,
            &leb), ==, TC_OK);
    size_t all = hdr + leb + size;
    if (((d[pos] >> 3) & 0x0f) != 1)
      g_byte_array_append (out, d + pos, (guint) all);
    pos += all;
  }
  g_assert_cmpuint (out->len, <, n);
  return g_byte_array_free_to_bytes (out);
}

static void
test_a_keyframe_without_sequence_header_gets_the_kept_one (gconstpointer data)
{
  GPtrArray *tus = (GPtrArray *) data;
  void *tx = tc_payloader_av1.state_new ();
  /* The payloader sees the real keyframe once (the packets go nowhere),
   * then the stream starts again with the keyframe stripped. */
  packets ignored;
  packets_init (&ignored);
  packetize (&tc_payloader_av1, tx, g_ptr_array_index (tus, 0), 1200,
      &ignored);
  packets_clear (&ignored);
  GPtrArray *stripped = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (stripped, without_sequence_header (
          g_ptr_array_index (tus, 0)));
  for (guint i = 1; i < tus->len; i++)
    g_ptr_array_add (stripped, g_bytes_ref (g_ptr_array_index (tus, i)));

  frames f;
  frames_init (&f);
  round_trip (tx, stripped, 1200, G_MAXUINT, &f);
  g_assert_cmpuint (frames_count (&f), ==, FRAMES);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  GPtrArray *out = frames_as_tus (&f);
  g_assert_cmpuint (decode (out), ==, FRAMES);
  g_ptr_array_unref (out);
  frames_clear (&f);
  g_ptr_array_unref (stripped);
  tc_payloader_av1.state_free (tx);
}

static void
test_a_lost_packet_loses_only_its_unit (gconstpointer data)
{
  GPtrArray *tus = (GPtrArray *) data;
  void *tx = tc_payloader_av1.state_new ();
  frames whole, lossy;
  frames_init (&whole);
  frames_init (&lossy);
  round_trip (tx, tus, 300, G_MAXUINT, &whole);
  tc_payloader_av1.state_free (tx);

  /* The keyframe takes several packets at MTU 300: lose its second. */
  tx = tc_payloader_av1.state_new ();
  round_trip (tx, tus, 300, 1, &lossy);
  g_assert_cmpuint (frames_count (&lossy), ==, FRAMES - 1);
  for (guint i = 0; i + 1 < FRAMES; i++)
    frames_assert_equal (&lossy, i, g_ptr_array_index (whole.data, i + 1));
  frames_clear (&whole);
  frames_clear (&lossy);
  tc_payloader_av1.state_free (tx);
}

int
main (int argc, char **argv)
{
  gchar *reg = g_build_filename (g_get_tmp_dir (), "tc-av1-XXXXXX", NULL);
  close (g_mkstemp (reg));
  g_setenv ("GST_REGISTRY", reg, TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  int rc;
  if (!have_elements ()) {
    g_test_add_func ("/rtp/av1/gst/skipped", skip_without_av1_elements);
    rc = g_test_run ();
  } else {
    GPtrArray *tus = encode ();
    g_test_add_data_func ("/rtp/av1/gst/libaom-units-round-trip-and-decode-at-320x240",
        tus, test_libaom_units_round_trip_and_decode_at_320x240);
    g_test_add_data_func ("/rtp/av1/gst/a-keyframe-without-sequence-header-gets-the-kept-one",
        tus, test_a_keyframe_without_sequence_header_gets_the_kept_one);
    g_test_add_data_func ("/rtp/av1/gst/a-lost-packet-loses-only-its-unit",
        tus, test_a_lost_packet_loses_only_its_unit);
    rc = g_test_run ();
    g_ptr_array_unref (tus);
  }
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return rc;
}
