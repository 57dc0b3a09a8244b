/* gsttempchatencoder.c - real-time settings per video encoder.
 *
 * On 2 cores at up to 1080p: the fastest real-time presets, no lookahead
 * (every frame leaves the encoder as it arrives), constant bitrate set by
 * the congestion controller, keyframes only when asked.
 *   vp8enc/vp9enc  deadline=1 (realtime), cpu-used 8, cbr, target-bitrate
 *                  in bit/s, a keyframe's target at most 3 frames'
 *                  worth (what it aims at: a detailed picture's keyframe
 *                  comes out 5-12 frames' worth)
 *   av1enc         usage-profile=realtime, cpu-used 10, cbr with the
 *                  quantizer bounds that keep libaom's CBR from asserting
 *                  (MACHINE-FACTS), two tile columns, target-bitrate in
 *                  kbit/s
 *   x264enc        tune=zerolatency, speed-preset=ultrafast, bitrate in
 *                  kbit/s; openh264enc bitrate in bit/s
 *   AV1, VP9, VP8  a browser's rate-control buffer (libwebrtc's, as the
 *                  OBS plugin's encoders use): 1 s, starting at 0.5-0.6 s
 *
 * The encoders' own buffer defaults (6 s, starting at 4 s) let the first
 * keyframe spend seconds of bits and then starve the frames after it: a
 * moving zone plate at 720p and the 2 Mbit/s start made a 228 kB VP8
 * keyframe (VP9 389 kB, AV1 118 kB), which the pacer (2.5 x 2 Mbit/s)
 * takes 365 ms to send, and the 29 frames after it got 75 kB together,
 * less than a third of their share: a blurred first second. With the small
 * buffer (and the intra cap for VP8 and VP9): 43 kB (96 kB, 48 kB), sent
 * in 70 ms, and 160 kB for the 29 frames after it. At 1080p and
 * 4.5 Mbit/s, VP8: 513 kB then 168 kB, now 98 kB then 361 kB, and the
 * keyframe takes 49 ms to encode instead of 95. av1enc's 1080p keyframe
 * still takes 320 ms: it cannot turn off the intra tools libwebrtc turns
 * off.
 *
 * VP8 and VP9 make three temporal layers (L1T3, tc_layers.h) through
 * vpxenc's per-frame reference flags, which it applies by the frame's
 * number since the encoder started (system_frame_number % 4):
 *   0  TID 0  refers to LAST only, updates LAST
 *   1  TID 2  refers to LAST only, updates nothing
 *   2  TID 1  refers to LAST only, updates GOLDEN
 *   3  TID 2  refers to LAST and GOLDEN, updates nothing
 * and no frame above TID 0 updates the entropy contexts, which persist from
 * frame to frame: a receiver that drops those frames would otherwise decode
 * the next with other probabilities than the encoder used. Keyframes update
 * every reference, so the pattern holds across one wherever it falls;
 * error-resilient mode keeps VP9 from predicting motion vectors from the
 * previous frame, which a receiver dropping layers does not have. Only the
 * reference flags: libvpx's per-layer rate control would take its bitrates
 * from per-layer properties and no longer follow target-bitrate.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttempchatcodecs.h"
#include "gsttempchatencoder.h"

#define KEYFRAME_MAX_DIST 600   /* 20 s at 30 fps: the peer asks for more */
#define ENCODER_THREADS 2
/* libvpx on one thread: its second thread waits for a CPU each frame, and
 * on a busy machine (2 cores, load 7) VP8 frames then left 50-580 ms after
 * capture (159 of 595 over 50 ms) where one thread kept all under 35 ms;
 * uneven frame times make the receiver's jitter buffer, and so its
 * latency, grow. One thread of cpu-used=8 encodes 720p in a few ms. */
#define VPX_THREADS 1
#define VPX_CPU_USED 8
/* libwebrtc's rate-control buffer, in ms of the target bitrate: the first
 * keyframe's budget is about half the initial level, and for VP8 and VP9
 * at most the intra cap below. VP8 undershoots freely and overshoots
 * little (its frames then stay near the target: the pacer and the network
 * see no burst); VP9 and AV1 take libwebrtc's 50/50. */
#define RC_BUFFER_MS 1000
#define VPX_RC_INITIAL_MS 500
#define AV1_RC_INITIAL_MS 600
#define RC_OPTIMAL_MS 600
/* A keyframe's target at most this % of an average frame (the OBS
 * plugin's, which sends the same calls; libwebrtc's is 900 at 30 fps, 300
 * its floor); av1enc has no such control. A detailed picture overshoots
 * it: the keyframes above are 5-12 frames' worth. */
#define VPX_MAX_INTRA_PCT 300
#define AV1_CPU_USED 10
#define AV1_MIN_QUANTIZER 4
#define AV1_MAX_QUANTIZER 56
/* log2 of the tile columns: two, so that both threads work on every
 * frame (row-mt alone leaves one waiting). On this machine's 2 cores, 150
 * frames of a moving 1080p zone plate at 4.5 Mbit/s took 3.21-3.54 s
 * instead of 3.62-3.76 (720p at 2 Mbit/s: 1.58-1.60 s instead of
 * 1.74-1.77), the same CPU and the same size, and decoded to the same
 * picture (Y PSNR 42.12 dB against 42.07). */
#define AV1_TILE_COLUMNS_LOG2 1

static void
configure_vpx (GstElement *enc, tc_sdp_codec codec)
{
  gboolean vp8 = codec == TC_SDP_CODEC_VP8;

  g_object_set (enc, "deadline", (gint64) 1, "cpu-used", VPX_CPU_USED,
      "keyframe-max-dist", KEYFRAME_MAX_DIST, "lag-in-frames", 0,
      "threads", VPX_THREADS, "buffer-size", RC_BUFFER_MS,
      "buffer-initial-size", VPX_RC_INITIAL_MS, "buffer-optimal-size",
      RC_OPTIMAL_MS, "undershoot", vp8 ? 100 : 50, "overshoot", vp8 ? 15 : 50,
      "max-intra-bitrate", VPX_MAX_INTRA_PCT, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (enc), "error-resilient", "default");
}

/* The flags of positions 0..3 (above), as vpxenc's property takes them. */
#define VPX_L1T3_FLAGS "<no-ref-golden+no-ref-alt+no-upd-golden+no-upd-alt, " \
  "no-ref-golden+no-ref-alt+no-upd-last+no-upd-golden+no-upd-alt" \
  "+no-upd-entropy, " \
  "no-ref-golden+no-ref-alt+no-upd-last+no-upd-alt+no-upd-entropy, " \
  "no-ref-alt+no-upd-last+no-upd-golden+no-upd-alt+no-upd-entropy>"
#define VPX_LAYER_FLAGS "temporal-scalability-layer-flags"

static void
configure_vpx_l1t3 (GstElement *enc)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (enc),
          VPX_LAYER_FLAGS) != NULL)
    gst_util_set_object_arg (G_OBJECT (enc), VPX_LAYER_FLAGS,
        VPX_L1T3_FLAGS);
}

/* True when `enc` applies exactly our L1T3 flags (an application's
 * encoder-setup may have changed or cleared them): compared with a fresh
 * encoder of its kind that has them, as the property's type holds them. */
static gboolean
vpx_makes_l1t3 (GstElement *enc)
{
  GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (enc),
      VPX_LAYER_FLAGS);
  GstElement *ref;
  GValue have = G_VALUE_INIT, want = G_VALUE_INIT;
  gboolean same;

  if (spec == NULL)
    return FALSE;
  ref = gst_element_factory_create (gst_element_get_factory (enc), NULL);
  if (ref == NULL)
    return FALSE;
  gst_object_ref_sink (ref);
  configure_vpx_l1t3 (ref);
  g_value_init (&have, spec->value_type);
  g_value_init (&want, spec->value_type);
  g_object_get_property (G_OBJECT (enc), VPX_LAYER_FLAGS, &have);
  g_object_get_property (G_OBJECT (ref), VPX_LAYER_FLAGS, &want);
  same = gst_value_compare (&have, &want) == GST_VALUE_EQUAL;
  g_value_unset (&have);
  g_value_unset (&want);
  gst_object_unref (ref);
  return same;
}

guint
gst_tempchat_video_encoder_layers (GstElement *enc, tc_sdp_codec codec)
{
  if ((codec == TC_SDP_CODEC_VP8 || codec == TC_SDP_CODEC_VP9)
      && vpx_makes_l1t3 (enc))
    return 3;
  return 1;
}

static void
configure_av1 (GstElement *enc)
{
  gst_util_set_object_arg (G_OBJECT (enc), "usage-profile", "realtime");
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  g_object_set (enc, "cpu-used", AV1_CPU_USED, "keyframe-max-dist",
      KEYFRAME_MAX_DIST, "lag-in-frames", 0, "threads", ENCODER_THREADS,
      "row-mt", TRUE, "tile-columns", AV1_TILE_COLUMNS_LOG2, "min-quantizer",
      AV1_MIN_QUANTIZER, "max-quantizer", AV1_MAX_QUANTIZER, "buf-sz",
      RC_BUFFER_MS, "buf-initial-sz", AV1_RC_INITIAL_MS, "buf-optimal-sz",
      RC_OPTIMAL_MS, "undershoot-pct", 50, "overshoot-pct", 50, NULL);
}

static void
configure_h264 (GstElement *enc, const gchar *factory)
{
  if (g_str_equal (factory, "x264enc")) {
    gst_util_set_object_arg (G_OBJECT (enc), "tune", "zerolatency");
    gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", "ultrafast");
    g_object_set (enc, "key-int-max", KEYFRAME_MAX_DIST, "byte-stream", TRUE,
        "threads", ENCODER_THREADS, NULL);
  } else {
    gst_util_set_object_arg (G_OBJECT (enc), "complexity", "low");
    gst_util_set_object_arg (G_OBJECT (enc), "usage-type", "camera");
    g_object_set (enc, "gop-size", KEYFRAME_MAX_DIST, NULL);
  }
}

GstElement *
gst_tempchat_video_encoder_new (tc_sdp_codec codec, guint bps)
{
  const gchar *factory = codec == TC_SDP_CODEC_OPUS ? NULL :
      gst_tempchat_codec_encoder (gst_tempchat_codec_get (codec));
  GstElement *enc = factory != NULL ? gst_element_factory_make (factory,
      NULL) : NULL;

  if (enc == NULL)
    return NULL;
  gst_object_ref_sink (enc);
  if (codec == TC_SDP_CODEC_VP8 || codec == TC_SDP_CODEC_VP9) {
    configure_vpx (enc, codec);
    configure_vpx_l1t3 (enc);
  } else if (codec == TC_SDP_CODEC_AV1)
    configure_av1 (enc);
  else
    configure_h264 (enc, factory);
  gst_tempchat_video_encoder_set_bitrate (enc, codec, bps);
  return enc;
}

void
gst_tempchat_video_encoder_set_bitrate (GstElement *enc, tc_sdp_codec codec,
    guint bps)
{
  GstElementFactory *f = gst_element_get_factory (enc);
  const gchar *name = f != NULL ? GST_OBJECT_NAME (f) : "";

  bps = MAX (bps, 1000);
  if (codec == TC_SDP_CODEC_VP8 || codec == TC_SDP_CODEC_VP9)
    g_object_set (enc, "target-bitrate", (gint) MIN (bps, G_MAXINT), NULL);
  else if (codec == TC_SDP_CODEC_AV1)
    g_object_set (enc, "target-bitrate", bps / 1000, NULL);
  else if (g_str_equal (name, "x264enc"))
    g_object_set (enc, "bitrate", bps / 1000, NULL);
  else
    g_object_set (enc, "bitrate", bps, NULL);
}

GstCaps *
gst_tempchat_video_encoder_caps (tc_sdp_codec codec)
{
  GstCaps *caps = gst_caps_from_string (gst_tempchat_codec_get (codec)->caps);

  if (codec == TC_SDP_CODEC_H264)
    gst_caps_set_simple (caps, "profile", G_TYPE_STRING,
        "constrained-baseline", NULL);
  return caps;
}
