/* bench/transport.c - the CPU a sender spends on transport alone (issue
 * #14): one pre-encoded 1080p VP8 clip sent in a loop, by tempchatsink or
 * by GStreamer's own webrtcbin (rtpvp8pay ! webrtcbin), nothing encoded
 * while measured. bench/transport_cpu.sh runs both and prints the ratio.
 *
 *   tc_bench_transport CLIP.mkv SECONDS WARMUP ours URL ROOM [CALLS]
 *   tc_bench_transport CLIP.mkv SECONDS WARMUP webrtcbin [CALLS]
 *
 * CALLS (1) sending calls run in this one process, for what a call costs
 * and so how many a core carries; ours send to rooms ROOM-0, ROOM-1, ...
 *
 * ours: the receiver is another process (tempchatsrc, started by the
 * script) through our relay. webrtcbin: this program forks a receiving
 * webrtcbin, and the two exchange SDP and candidates over a socketpair, one
 * line each. Both receivers take RTP into a fakesink without decoding.
 *
 * Prints `RESULT cpu_s_per_min=X sys_s_per_min=K rss_kb=Y mbit_s=Z
 * packets=N calls=C switches_s=W` for the measured window: CPU from
 * getrusage (K of it in the kernel), peak RSS (the clip is loaded by a
 * demuxer, so no encoder's memory is in it), the clip's bit rate as sent,
 * and the process's context switches a second (its threads' wake-ups,
 * each a few microseconds of CPU that no profile shows as one place).
 */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "webrtcbin_pair.h"

#define FRAME_NS (GST_SECOND / 30)

typedef struct {
  GPtrArray *frames;          /* GstBuffer, as demuxed */
  GstCaps *caps;
  guint64 bytes;
} clip;

/* One sender's place in the clip. */
typedef struct {
  const clip *c;
  guint next;
  GstClockTime pts;
} cursor;

/* ---- the clip ---------------------------------------------------------- */

static void
load_clip (clip *c, const char *path)
{
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! matroskademux ! "
      "appsink name=out sync=false", path);
  GstElement *pipe = bench_parse_or_die (desc);
  g_free (desc);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  c->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstSample *s;
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL) {
    GstBuffer *b = gst_buffer_copy_deep (gst_sample_get_buffer (s));
    c->bytes += gst_buffer_get_size (b);
    if (c->caps == NULL)
      c->caps = gst_caps_copy (gst_sample_get_caps (s));
    g_ptr_array_add (c->frames, b);
    gst_sample_unref (s);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  if (c->frames->len == 0)
    bench_die ("the clip has no frames");
}

/* appsrc need-data: the next frame, stamped one frame after the last; the
 * clip starts with a keyframe, so every loop starts decodable. */
static void
need_data (GstAppSrc *src, guint length, gpointer data)
{
  cursor *cur = data;
  GstBuffer *b = gst_buffer_copy (cur->c->frames->pdata[cur->next]);
  cur->next = (cur->next + 1) % cur->c->frames->len;
  GST_BUFFER_PTS (b) = cur->pts;
  GST_BUFFER_DTS (b) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (b) = FRAME_NS;
  cur->pts += FRAME_NS;
  gst_app_src_push_buffer (src, b);
}

static GstElement *
sender_pipeline (const clip *c, const char *sink_desc)
{
  /* clocksync paces the clip at 30 fps: the sinks do not wait for the
   * clock themselves. */
  gchar *desc = g_strdup_printf ("appsrc name=src format=time is-live=true "
      "max-buffers=2 block=true ! clocksync ! %s", sink_desc);
  GstElement *pipe = bench_parse_or_die (desc);
  g_free (desc);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  gst_app_src_set_caps (GST_APP_SRC (src), c->caps);
  GstAppSrcCallbacks cbs = { .need_data = need_data };
  cursor *cur = g_new0 (cursor, 1);
  cur->c = c;
  gst_app_src_set_callbacks (GST_APP_SRC (src), &cbs, cur, g_free);
  gst_object_unref (src);
  return pipe;
}

static GstElement *
webrtcbin_sender (const clip *c)
{
  return sender_pipeline (c, "rtpvp8pay pt=96 mtu=1200 "
      "picture-id-mode=15-bit ! application/x-rtp,media=video,"
      "encoding-name=VP8,payload=96,clock-rate=90000 ! "
      "webrtcbin name=w bundle-policy=max-bundle");
}

/* ---- measuring --------------------------------------------------------- */

/* CPU seconds of this process: in the kernel (`sys`) and in total. On
 * loopback the kernel's UDP send and much of the receive side (its softirq
 * runs in the sender's context) are a floor that a sender's own code
 * barely moves; the split says how much of a total that is. The kernel splits
 * the total by sampling at its ticks: over 30 s of one call at 1 % of a
 * core that is about a hundred samples and the split moves by tens of
 * percent between runs; the run of several calls has more of them. */
typedef struct {
  double total, sys;
  double switches;            /* context switches, all threads */
} cpu_times;

static double
seconds_of (struct timeval tv)
{
  return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

static cpu_times
cpu_seconds (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (cpu_times) { seconds_of (ru.ru_utime) + seconds_of (ru.ru_stime),
    seconds_of (ru.ru_stime), (double) (ru.ru_nvcsw + ru.ru_nivcsw) };
}

static long
peak_rss_kb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Runs the loop for `seconds`. */
static void
run_for (GMainLoop *loop, unsigned seconds)
{
  g_timeout_add_seconds (seconds, quit_loop, loop);
  g_main_loop_run (loop);
}

static GstPadProbeReturn
count_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  rtc_peer *p = data;
  p->received++;
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *w, GstPad *pad, gpointer data)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  bench_add_linked (pad, sink);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, data, NULL);
  gst_object_unref (sinkpad);
}

/* A receiving webrtcbin answering on `fd`, in a pipeline of its own. */
static GstElement *
webrtcbin_receiver_new (int fd, GMainLoop *loop, rtc_peer *p)
{
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *w = gst_element_factory_make ("webrtcbin", NULL);
  if (w == NULL)
    bench_die ("no webrtcbin");
  gst_util_set_object_arg (G_OBJECT (w), "bundle-policy", "max-bundle");
  gst_bin_add (GST_BIN (pipe), w);
  rtc_peer_init (p, w, fd, FALSE, loop);
  g_signal_connect (w, "pad-added", G_CALLBACK (on_pad_added), p);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  return pipe;
}

/* ---- the two senders --------------------------------------------------- */

typedef struct {
  cpu_times cpu;
  guint64 packets;            /* RTP packets the receiver got or we sent */
} window;

/* CPU over `seconds` after `warmup` seconds of sending. */
static cpu_times
measure (GMainLoop *loop, unsigned seconds, unsigned warmup)
{
  run_for (loop, warmup);
  cpu_times a = cpu_seconds ();
  run_for (loop, seconds);
  cpu_times b = cpu_seconds ();
  return (cpu_times) { b.total - a.total, b.sys - a.sys,
    b.switches - a.switches };
}

static GstElement *
ours_sender (const clip *c, const char *url, const char *room)
{
  /* Limits above the clip's rate: the controller must not hold back a
   * pre-encoded stream it cannot re-encode. */
  gchar *sink = g_strdup_printf ("tempchatsink name=s room=%s "
      "signaling-url=%s channel=bench video-codecs=vp8 quality=1080p "
      "start-bitrate=8000000 max-bitrate=10000000", room, url);
  GstElement *pipe = sender_pipeline (c, sink);
  g_free (sink);
  return pipe;
}

/* ---- N sending calls in one process ------------------------------------ */

/* Packets tempchatsink `s` of `pipe` has sent. */
static guint64
ours_packets_sent (GstElement *pipe)
{
  guint64 packets = 0;
  GstElement *s = gst_bin_get_by_name (GST_BIN (pipe), "s");
  GstStructure *st = NULL, *tx = NULL;
  g_object_get (s, "stats", &st, NULL);
  if (st != NULL)
    gst_structure_get (st, "send", GST_TYPE_STRUCTURE, &tx, NULL);
  if (tx != NULL)
    gst_structure_get_uint64 (tx, "packets", &packets);
  g_clear_pointer (&tx, gst_structure_free);
  g_clear_pointer (&st, gst_structure_free);
  gst_object_unref (s);
  return packets;
}

/* The receivers of `n` webrtcbin calls in one child process, answering on
 * fds[i]; the first channel says stop, and gets the sum received. */
static void
webrtcbin_receivers (int *fds, unsigned n)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  rtc_peer *peers = g_new0 (rtc_peer, n);
  GstElement **pipes = g_new0 (GstElement *, n);
  for (unsigned i = 0; i < n; i++)
    pipes[i] = webrtcbin_receiver_new (fds[i], loop, &peers[i]);
  g_main_loop_run (loop);
  guint64 sum = 0;
  for (unsigned i = 0; i < n; i++) {
    sum += peers[i].received;
    gst_element_set_state (pipes[i], GST_STATE_NULL);
  }
  gchar text[32];
  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, sum);
  rtc_peer_send_line (&peers[0], "received", text, "buffers");
  _exit (0);
}

/* `n` sending calls: ours through the relay at `url` to receivers in
 * another process (rooms ROOM-0..), or webrtcbin to the forked receivers
 * on fds[0..n). The receivers' count (webrtcbin) or what we sent (ours)
 * says the calls ran. */
static window
run_senders (const clip *c, unsigned seconds, unsigned warmup,
    const char *url, const char *room, const int *fds, unsigned n)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GstElement **pipes = g_new0 (GstElement *, n);
  rtc_peer *peers = g_new0 (rtc_peer, n);
  for (unsigned i = 0; i < n; i++) {
    if (url != NULL) {
      gchar *r = g_strdup_printf ("%s-%u", room, i);
      pipes[i] = ours_sender (c, url, r);
      g_free (r);
      continue;
    }
    pipes[i] = webrtcbin_sender (c);
    GstElement *w = gst_bin_get_by_name (GST_BIN (pipes[i]), "w");
    rtc_peer_init (&peers[i], w, fds[i], TRUE, loop);
    gst_object_unref (w);
  }
  for (unsigned i = 0; i < n; i++)
    gst_element_set_state (pipes[i], GST_STATE_PLAYING);
  window win = { .cpu = measure (loop, seconds, warmup) };
  if (url == NULL) {
    rtc_peer_send_line (&peers[0], "stop", "-", "-");
    run_for (loop, 10);  /* ends early at the receivers' count */
    win.packets = peers[0].received;
  }
  for (unsigned i = 0; i < n; i++) {
    if (url != NULL)
      win.packets += ours_packets_sent (pipes[i]);
    gst_element_set_state (pipes[i], GST_STATE_NULL);
    gst_object_unref (pipes[i]);
  }
  g_free (pipes);
  g_free (peers);
  g_main_loop_unref (loop);
  return win;
}

static void
usage (const char *argv0)
{
  fprintf (stderr, "usage: %s CLIP SECONDS WARMUP ours URL ROOM [CALLS]\n"
      "       %s CLIP SECONDS WARMUP webrtcbin [CALLS]\n", argv0, argv0);
  exit (2);
}

int
main (int argc, char **argv)
{
  if (argc < 5)
    usage (argv[0]);
  gboolean ours = g_str_equal (argv[4], "ours");
  if ((ours && argc != 7 && argc != 8)
      || (!ours && (!g_str_equal (argv[4], "webrtcbin") || argc > 6)))
    usage (argv[0]);
  unsigned seconds = (unsigned) atoi (argv[2]), warmup = (unsigned) atoi (argv[3]);
  const char *calls_arg = ours ? (argc == 8 ? argv[7] : "1")
      : (argc == 6 ? argv[5] : "1");
  unsigned calls = (unsigned) atoi (calls_arg);
  if (seconds == 0 || calls == 0 || calls > 256)
    usage (argv[0]);
  int *fds = g_new0 (int, calls);
  /* webrtcbin: the receivers are forked before GStreamer starts a thread. */
  if (!ours) {
    int *theirs = g_new0 (int, calls);
    for (unsigned i = 0; i < calls; i++) {
      int pair[2];
      if (socketpair (AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        bench_die ("no socketpair");
      fds[i] = pair[0];
      theirs[i] = pair[1];
    }
    if (fork () == 0) {
      gst_init (NULL, NULL);
      webrtcbin_receivers (theirs, calls);
    }
    for (unsigned i = 0; i < calls; i++)
      close (theirs[i]);
    g_free (theirs);
  }
  gst_init (&argc, &argv);
  clip c = { 0 };
  load_clip (&c, argv[1]);
  window w = run_senders (&c, seconds, warmup, ours ? argv[5] : NULL,
      ours ? argv[6] : NULL, fds, calls);
  if (!ours)
    wait (NULL);
  double mbit = (double) c.bytes * 8 / ((double) c.frames->len / 30.0) / 1e6;
  printf ("RESULT cpu_s_per_min=%.3f sys_s_per_min=%.3f rss_kb=%ld "
      "mbit_s=%.2f packets=%" G_GUINT64_FORMAT " calls=%u switches_s=%.0f\n",
      w.cpu.total * 60 / seconds, w.cpu.sys * 60 / seconds, peak_rss_kb (),
      mbit, w.packets, calls, w.cpu.switches / seconds);
  if (w.packets == 0)
    bench_die ("nothing was sent and received");
  g_free (fds);
  g_ptr_array_unref (c.frames);
  gst_caps_unref (c.caps);
  return 0;
}
