/* gsttempchatencoder.c - real-time settings per video encoder.
 *
 * On 2 cores at up to 1080p: the fastest real-time presets, no lookahead
 * (every frame leaves the encoder as it arrives), constant bitrate set by
 * the congestion controller, keyframes only when asked.
 *   vp8enc/vp9enc  deadline=1 (realtime), cpu-used 8, cbr, target-bitrate
 *                  in bit/s
 *   av1enc         usage-profile=realtime, cpu-used 10, cbr with the
 *                  quantizer bounds that keep libaom's CBR from asserting
 *                  (MACHINE-FACTS), target-bitrate in kbit/s
 *   x264enc        tune=zerolatency, speed-preset=ultrafast, bitrate in
 *                  kbit/s; openh264enc bitrate in bit/s
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
#define AV1_CPU_USED 10
#define AV1_MIN_QUANTIZER 4
#define AV1_MAX_QUANTIZER 56

static void
configure_vpx (GstElement *enc)
{
  g_object_set (enc, "deadline", (gint64) 1, "cpu-used", VPX_CPU_USED,
      "keyframe-max-dist", KEYFRAME_MAX_DIST, "lag-in-frames", 0,
      "threads", VPX_THREADS, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (enc), "error-resilient", "default");
}

static void
configure_av1 (GstElement *enc)
{
  gst_util_set_object_arg (G_OBJECT (enc), "usage-profile", "realtime");
  gst_util_set_object_arg (G_OBJECT (enc), "end-usage", "cbr");
  g_object_set (enc, "cpu-used", AV1_CPU_USED, "keyframe-max-dist",
      KEYFRAME_MAX_DIST, "lag-in-frames", 0, "threads", ENCODER_THREADS,
      "row-mt", TRUE, "min-quantizer", AV1_MIN_QUANTIZER, "max-quantizer",
      AV1_MAX_QUANTIZER, NULL);
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
  if (codec == TC_SDP_CODEC_VP8 || codec == TC_SDP_CODEC_VP9)
    configure_vpx (enc);
  else if (codec == TC_SDP_CODEC_AV1)
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
