/* bench/g2g_webrtcbin.c - glass to glass through GStreamer's own webrtcbin
 * with its defaults, the baseline for our elements' path in
 * bench/glass_to_glass.mjs (issue #14: "compare with webrtcbin's default
 * jitterbuffer path").
 *
 *   tc_bench_g2g_webrtcbin WIDTHxHEIGHT CODEC     (vp8, vp9 or h264)
 *
 * The sender (this process): videotestsrc at 30 fps with the wall-clock
 * time drawn into each frame (tests/integration/timecode_gst.h), the codec's
 * encoder with tempchatsink's real-time settings (gst-plugin/
 * gsttempchatencoder.c) at a fixed 2 Mbit/s (webrtcbin has no congestion
 * control), its RTP payloader, webrtcbin. The receiver (a forked process):
 * webrtcbin with its default jitterbuffer (rtpbin latency 200 ms) !
 * decodebin ! queue ! videoconvert ! fakesink sync=true, as our g2g
 * receiver shows frames (test_gst_latency --peer g2g-recv). The two
 * negotiate over a socketpair (webrtcbin_pair.h); video only, loopback
 * host candidates, no relay and no signaling server.
 *
 * Prints "g2g MS LATENCY_MS" per shown frame (capture to display, and
 * webrtcbin's latency property) like test_gst_latency, or "unsupported
 * CODEC: why" (AV1: GStreamer 1.22 has no rtpav1pay); runs until stdin
 * closes.
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timecode_gst.h"
#include "webrtcbin_pair.h"

/* kbit/s: tempchatsink's start bitrate at 720p */
#define KBPS "2000"

typedef struct {
  const char *name;
  const char *encoding;       /* RTP encoding-name */
  const char *encode;         /* encoder ! payloader */
  const char *needs;          /* the payloader's factory */
} codec;

/* tempchatsink's encoder settings (gsttempchatencoder.c), without its
 * temporal layers; mtu as the page's packets. */
#define VPX_RC "buffer-size=1000 buffer-initial-size=500 " \
  "buffer-optimal-size=600 max-intra-bitrate=300"
static const codec codecs[] = {
  {"vp8", "VP8", "vp8enc deadline=1 cpu-used=8 end-usage=cbr "
        "target-bitrate=" KBPS "000 lag-in-frames=0 keyframe-max-dist=600 "
        "threads=1 error-resilient=default " VPX_RC " undershoot=100 "
        "overshoot=15 ! rtpvp8pay mtu=1200 picture-id-mode=15-bit",
        "rtpvp8pay"},
  {"vp9", "VP9", "vp9enc deadline=1 cpu-used=8 end-usage=cbr "
        "target-bitrate=" KBPS "000 lag-in-frames=0 keyframe-max-dist=600 "
        "threads=1 error-resilient=default " VPX_RC " undershoot=50 "
        "overshoot=50 ! rtpvp9pay mtu=1200 picture-id-mode=15-bit",
        "rtpvp9pay"},
  {"h264", "H264", "x264enc tune=zerolatency speed-preset=ultrafast "
        "bitrate=" KBPS " key-int-max=600 byte-stream=true threads=2 ! "
        "video/x-h264,profile=constrained-baseline ! rtph264pay mtu=1200 "
        "config-interval=-1 aggregate-mode=zero-latency", "rtph264pay"},
  {"av1", "AV1", NULL, "rtpav1pay"},
};

static const codec *
codec_get (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].name, name) == 0)
      return &codecs[i];
  return NULL;
}

/* ---- the receiver (child) ----------------------------------------------- */

static guint latency_ms = 200;

static void
on_shown (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  gint64 code = tc_timecode_read_buffer (pad, buf);

  if (code >= 0) {
    printf ("g2g %" G_GINT64_FORMAT " %u\n", tc_timecode_age_ms (code,
            g_get_real_time () / 1000), latency_ms);
    fflush (stdout);
  }
}

/* Keyframes on request: the stream's first one leaves before DTLS is up. */
static void
on_element (GstBin *bin, GstBin *sub, GstElement *e, gpointer data)
{
  GObjectClass *k = G_OBJECT_GET_CLASS (e);

  if (g_object_class_find_property (k, "request-keyframe") != NULL)
    g_object_set (e, "request-keyframe", TRUE, NULL);
  if (g_object_class_find_property (k, "wait-for-keyframe") != NULL)
    g_object_set (e, "wait-for-keyframe", TRUE, NULL);
}

static void
on_decoded_pad (GstElement *d, GstPad *pad, gpointer data)
{
  GError *err = NULL;
  GstElement *show = gst_parse_bin_from_description ("queue ! videoconvert ! "
      "video/x-raw,format=I420 ! fakesink name=show sync=true "
      "signal-handoffs=true", TRUE, &err);
  if (show == NULL)
    bench_die (err->message);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (show), "show");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_shown), NULL);
  gst_object_unref (sink);
  bench_add_linked (pad, show);
}

static void
on_pad_added (GstElement *w, GstPad *pad, gpointer data)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  GstElement *d = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (d, "deep-element-added", G_CALLBACK (on_element), NULL);
  g_signal_connect (d, "pad-added", G_CALLBACK (on_decoded_pad), NULL);
  bench_add_linked (pad, d);
}

static void
receiver_run (int fd)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *w = gst_element_factory_make ("webrtcbin", NULL);
  rtc_peer p = { 0 };

  if (w == NULL)
    bench_die ("no webrtcbin");
  gst_util_set_object_arg (G_OBJECT (w), "bundle-policy", "max-bundle");
  g_object_get (w, "latency", &latency_ms, NULL);
  gst_bin_add (GST_BIN (pipe), w);
  rtc_peer_init (&p, w, fd, FALSE, loop);
  g_signal_connect (w, "pad-added", G_CALLBACK (on_pad_added), NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  g_main_loop_run (loop);
  gst_element_set_state (pipe, GST_STATE_NULL);
  _exit (0);
}

/* ---- the sender --------------------------------------------------------- */

static GstElement *
sender_new (const codec *c, int width, int height)
{
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true pattern=black ! "
      "video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
      "identity name=v ! %s ! application/x-rtp,media=video,"
      "encoding-name=%s,payload=96,clock-rate=90000,"
      "rtcp-fb-nack-pli=(boolean)true ! webrtcbin name=w "
      "bundle-policy=max-bundle", width, height, c->encode, c->encoding);
  GstElement *pipe = bench_parse_or_die (desc);
  GstVideoInfo *vinfo = gst_video_info_new ();
  GstElement *v = gst_bin_get_by_name (GST_BIN (pipe), "v");
  GstPad *pad = gst_element_get_static_pad (v, "src");

  gst_video_info_set_format (vinfo, GST_VIDEO_FORMAT_I420, width, height);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, tc_timecode_stamp_probe,
      vinfo, (GDestroyNotify) gst_video_info_free);
  gst_object_unref (pad);
  gst_object_unref (v);
  g_free (desc);
  return pipe;
}

static gboolean
on_stdin (GIOChannel *ch, GIOCondition cond, gpointer loop)
{
  gchar buf[64];
  gsize n = 0;

  if ((cond & G_IO_IN) && g_io_channel_read_chars (ch, buf, sizeof buf, &n,
          NULL) == G_IO_STATUS_NORMAL && n > 0)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  int width, height, pair[2];
  const codec *c = argc == 3 ? codec_get (argv[2]) : NULL;

  g_set_prgname ("tc_bench_g2g_webrtcbin");
  if (c == NULL || sscanf (argv[1], "%dx%d", &width, &height) != 2
      || width < 128 || height < 72) {
    fprintf (stderr, "usage: %s WIDTHxHEIGHT vp8|vp9|h264|av1\n", argv[0]);
    return 2;
  }
  if (socketpair (AF_UNIX, SOCK_STREAM, 0, pair) != 0)
    bench_die ("no socketpair");
  /* The receiver is forked before GStreamer starts a thread. */
  pid_t child = fork ();
  if (child == 0) {
    close (pair[0]);
    gst_init (NULL, NULL);
    receiver_run (pair[1]);
  }
  close (pair[1]);
  gst_init (&argc, &argv);
  GstElementFactory *pay = gst_element_factory_find (c->needs);
  if (c->encode == NULL || pay == NULL) {
    printf ("unsupported %s: no %s in this GStreamer\n", c->name, c->needs);
    fflush (stdout);
    close (pair[0]);
    waitpid (child, NULL, 0);
    return 0;
  }
  gst_object_unref (pay);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GstElement *pipe = sender_new (c, width, height);
  GstElement *w = gst_bin_get_by_name (GST_BIN (pipe), "w");
  rtc_peer p = { 0 };
  rtc_peer_init (&p, w, pair[0], TRUE, loop);
  GIOChannel *in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  printf ("started\n");
  fflush (stdout);
  g_main_loop_run (loop);
  rtc_peer_send_line (&p, "stop", "-", "-");
  waitpid (child, NULL, 0);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (w);
  gst_object_unref (pipe);
  g_io_channel_unref (in);
  g_main_loop_unref (loop);
  return 0;
}
