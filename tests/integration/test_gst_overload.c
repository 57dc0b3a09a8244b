/* test_gst_overload.c - a sender whose encoder cannot keep up drops late
 * raw frames instead of catching up in a burst, and one whose encoder
 * cannot get down to its bitrate leaves frames out instead of sending more.
 *
 * A tempchatsink that falls behind its live source used to be handed the
 * frames it missed back to back, and encoded them all: 42-45 fps and
 * 8 Mbit/s against a 6 Mbit/s target (issue 12). The sender here runs in a
 * child (this program with --sender; one process is one participant of a
 * room): a 30 fps 720p picture into a tempchatsink capped at
 * MAX_BITRATE, whose encoder an encoder-setup handler makes slow for 30
 * frames, then fast for 30, and so on ("slow"; the stand-in for a 1080p
 * encoder on a busy machine), or a 320x240 one whose encoder is left alone
 * ("fast": a few ms a frame, which even a loaded machine keeps up with),
 * or 640x360 of noise ("noise": no encoder fits it in MAX_BITRATE; vp8enc
 * at its highest quantizer made 6.3 Mbit/s of it). It prints its stats'
 * send.frames-dropped-late and frames-dropped-overshoot twice a second.
 * The receiver, a tempchatsrc with decode=false in this process, counts
 * the frames and bytes that arrive in each second, as a user's stats
 * panel would.
 *
 * Waits are event-driven with a deadline (frames arriving, the child's
 * lines); the only sleep is the slow encoder's stand-in for its work.
 */
#include <gio/gio.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TC_RELAY_PATH
#define TC_RELAY_PATH "tempchat-relay"
#endif

#define WAIT_MS 60000           /* signaling + ICE + DTLS + first keyframe */
#define CHANNEL "it-gst-overload"
#define SOURCE_FPS 30
#define MAX_BITRATE 1500000     /* the sink's max-bitrate, bit/s */
/* The slow phases' encoder: 70 ms a frame, 14 fps of the source's 30. */
#define SLOW_FRAME_US 70000
#define PHASE_FRAMES 30
/* Seconds judged, after the first one (the call's start). */
#define SECONDS 10
/* One-second windows at the receiver: a frame that crossed the network a
 * little late counts in the next window. */
#define FPS_TOLERANCE 2
/* The sender's stats (send.fps over its last second, read twice a second):
 * after a stall of the whole process (the machine is shared) the frames
 * that waited leave together, up to the two the queue holds, and the
 * stats' window is not aligned with them (33.7 seen, nothing dropped). */
#define SEND_FPS_TOLERANCE 4
/* The bitrate: over the whole run (measured 0.91-1.02 times max-bitrate),
 * and in any one second: the one where the encoder gets back to full rate
 * after a slow phase carries more (measured 1.4-1.75 times; the sender's
 * own stats up to 2.1 times). vp8enc's rate control gives a frame after a
 * gap that gap's bits; libwebrtc's 1 s rate buffer instead of vp8enc's
 * 6 s lowered these peaks but overshot by 15-40 % under heavy load (a
 * 360p receiver's 700 kbit/s limit, integration/gst_call), so it is not
 * used. */
#define MEAN_BITRATE_TOLERANCE 1.15
#define SECOND_BITRATE_TOLERANCE 2.00

#include "gst_test_util.h"

static relay the_relay;

/* --------------------------------------------------------------- sender */

static GstPadProbeReturn
slow_phases (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  guint frame = (guint) g_atomic_int_add ((gint *) data, 1);

  /* What encoding a frame costs an encoder that cannot keep up. */
  if ((frame / PHASE_FRAMES) % 2 == 0)
    g_usleep (SLOW_FRAME_US);
  return GST_PAD_PROBE_OK;
}

static void
on_encoder_setup (GstElement *sink, const gchar *pad_name, GstElement *enc,
    gpointer frames)
{
  GstPad *pad;

  if (!g_str_equal (pad_name, "video"))
    return;
  pad = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, slow_phases, frames,
      NULL);
  gst_object_unref (pad);
}

/* "late N FPS BPS OVER": send.frames-dropped-late, what the call sent in
 * the last second (send.fps, send.video-bitrate) and
 * send.frames-dropped-overshoot. */
static gboolean
print_late (gpointer sink)
{
  GstStructure *s = NULL, *send = NULL;
  guint64 late = 0, bps = 0, over = 0;
  gdouble fps = 0;

  g_object_get (sink, "stats", &s, NULL);
  if (gst_structure_get (s, "send", GST_TYPE_STRUCTURE, &send, NULL)) {
    gst_structure_get_uint64 (send, "frames-dropped-late", &late);
    gst_structure_get_double (send, "fps", &fps);
    gst_structure_get_uint64 (send, "video-bitrate", &bps);
    gst_structure_get_uint64 (send, "frames-dropped-overshoot", &over);
    gst_structure_free (send);
  }
  gst_structure_free (s);
  printf ("late %" G_GUINT64_FORMAT " %.1f %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT "\n", late, fps, bps, over);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

/* --sender MODE URL ROOM: sends until stdin closes. */
static int
run_sender (const char *mode, const char *url, const char *room)
{
  gchar *args = gst_test_element_args (CHANNEL, url, room);
  gboolean slow = g_str_equal (mode, "slow");
  gboolean noise = g_str_equal (mode, "noise");
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true %s ! "
      "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! "
      "tempchatsink name=s max-bitrate=%d %s audiotestsrc is-live=true ! "
      "s.audio", noise ? "pattern=snow" : "pattern=zone-plate kx2=20 "
      "ky2=20 kt=1", slow ? 1280 : noise ? 640 : 320,
      slow ? 720 : noise ? 360 : 240, SOURCE_FPS, MAX_BITRATE, args);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *sink;
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GIOChannel *in = g_io_channel_unix_new (0);
  gint frames = 0;
  guint report;

  g_assert_no_error (err);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
  if (slow)
    g_signal_connect (sink, "encoder-setup", G_CALLBACK (on_encoder_setup),
        &frames);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, gst_test_on_stdin_closed,
      loop);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  report = g_timeout_add (500, print_late, sink);
  g_main_loop_run (loop);
  g_source_remove (report);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_io_channel_unref (in);
  g_main_loop_unref (loop);
  g_free (desc);
  g_free (args);
  return 0;
}

/* ------------------------------------------------------------- receiver */

typedef struct {
  GMutex lock;
  gint64 first_us;             /* arrival of the first video frame; 0 none */
  guint frames[SECONDS + 2];   /* per second since the first frame */
  guint64 bytes[SECONDS + 2];
  guint seconds;               /* the second the last frame fell in */
  gchar *error;
} arrivals;

static GstPadProbeReturn
count_video (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  arrivals *a = data;
  gint64 now = g_get_monotonic_time ();
  guint sec;

  g_mutex_lock (&a->lock);
  if (a->first_us == 0)
    a->first_us = now;
  sec = (guint) ((now - a->first_us) / G_USEC_PER_SEC);
  a->seconds = sec;
  if (sec < G_N_ELEMENTS (a->frames)) {
    a->frames[sec]++;
    a->bytes[sec] += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  }
  g_mutex_unlock (&a->lock);
  g_main_context_wakeup (NULL);
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *src, GstPad *pad, gpointer data)
{
  GstElement *pipe = GST_ELEMENT (gst_element_get_parent (src));
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipe), sink);
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
  if (g_str_has_prefix (GST_PAD_NAME (pad), "video"))
    gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_video, data,
        NULL);
  gst_element_sync_state_with_parent (sink);
  gst_object_unref (sinkpad);
  gst_object_unref (pipe);
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  arrivals *a = data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gst_message_parse_error (msg, &err, NULL);
    g_mutex_lock (&a->lock);
    if (a->error == NULL)
      a->error = g_strdup (err->message);
    g_mutex_unlock (&a->lock);
    g_error_free (err);
  }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  arrivals *a;
  guint second;
} past_args;

/* A frame fell in `second` or later (or the call failed): the seconds
 * before it are complete. */
static gboolean
past (gpointer data)
{
  past_args *p = data;
  gboolean done;

  g_mutex_lock (&p->a->lock);
  done = p->a->error != NULL || p->a->seconds >= p->second;
  g_mutex_unlock (&p->a->lock);
  return done;
}

/* ---------------------------------------------------------------- child */

typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  guint64 late;                /* the last "late N" */
  guint64 overshoot;           /* its frames-dropped-overshoot */
  gboolean reported;
  gboolean measuring;          /* the receiver's seconds are being judged */
  gdouble max_fps;             /* the highest send.fps then */
  guint64 max_bps;             /* the highest send.video-bitrate then */
} sender;

static void
on_sender_line (GObject *src, GAsyncResult *res, gpointer data)
{
  sender *s = data;
  gchar *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM
      (src), res, NULL, NULL);

  gdouble fps;
  guint64 bps;

  if (line == NULL)
    return;
  if (sscanf (line, "late %" G_GUINT64_FORMAT " %lf %" G_GUINT64_FORMAT
          " %" G_GUINT64_FORMAT, &s->late, &fps, &bps, &s->overshoot) == 4) {
    s->reported = TRUE;
    if (s->measuring) {
      s->max_fps = MAX (s->max_fps, fps);
      s->max_bps = MAX (s->max_bps, bps);
    }
  }
  g_free (line);
  g_data_input_stream_read_line_async (s->out, G_PRIORITY_DEFAULT, NULL,
      on_sender_line, s);
}

static void
sender_start (sender *s, const char *mode, const char *room)
{
  GError *err = NULL;
  const char *argv[] = { "/proc/self/exe", "--sender", mode, the_relay.url,
    room, NULL
  };

  s->proc = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, argv);
  g_assert_no_error (err);
  s->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  g_data_input_stream_read_line_async (s->out, G_PRIORITY_DEFAULT, NULL,
      on_sender_line, s);
}

/* The next "late" line after now. */
static gboolean
sender_reported (gpointer data)
{
  return ((sender *) data)->reported;
}

static void
sender_stop (sender *s)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (s->proc), NULL, NULL);
  g_assert_true (g_subprocess_wait (s->proc, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (s->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (s->proc), ==, 0);
  g_clear_object (&s->out);
  g_clear_object (&s->proc);
}

/* ---------------------------------------------------------------- tests */

typedef struct {
  guint64 late;                /* the sender's frames-dropped-late */
  guint64 overshoot;           /* and frames-dropped-overshoot */
  guint min_fps, max_fps;      /* the receiver's idlest, busiest second */
  double max_bps, mean_bps;    /* the receiver's, bit/s */
  gdouble send_fps;            /* the sender's stats, their highest */
  guint64 send_bps;
} outcome;

/* Runs a call from a `mode` sender for SECONDS; fills `a`, and in `o` the
 * sender's last frames-dropped-late and -overshoot and its highest
 * send.fps and video-bitrate meanwhile. */
static void
run_call (const char *mode, arrivals *a, outcome *o)
{
  gchar *room = g_strdup_printf ("overload-%s-%d", mode, (int) getpid ());
  gchar *args = gst_test_element_args (CHANNEL, the_relay.url, room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r decode=false %s", args);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src;
  GstBus *bus;
  sender s = { 0 };

  g_assert_no_error (err);
  if (!GST_IS_PIPELINE (pipe)) {
    /* A lone element comes back unwrapped. */
    GstElement *p = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (p), pipe);
    pipe = p;
  }
  bus = gst_element_get_bus (pipe);
  src = gst_bin_get_by_name (GST_BIN (pipe), "r");
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), a);
  gst_object_unref (src);
  gst_bus_add_watch (bus, on_bus, a);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  sender_start (&s, mode, room);
  past_args first = { a, 1 }, last = { a, SECONDS + 1 };
  /* The call's first second (connecting, the first keyframe) is not
   * judged. */
  g_assert_true (wait_for (past, &first));
  s.measuring = TRUE;
  g_test_message ("frames-dropped-late after the first second: %"
      G_GUINT64_FORMAT, s.late);
  g_assert_true (wait_for_ms (past, &last, WAIT_MS + SECONDS * 1000));
  g_assert_null (a->error);
  s.reported = FALSE;
  g_assert_true (wait_for (sender_reported, &s));
  o->late = s.late;
  o->overshoot = s.overshoot;
  o->send_fps = s.max_fps;
  o->send_bps = s.max_bps;

  sender_stop (&s);
  gst_bus_remove_watch (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (args);
  g_free (room);
}

/* Seconds 1..SECONDS: the lowest and highest frame count and the highest
 * bitrate of a second, and the mean bitrate. */
static void
judge (const arrivals *a, const char *mode, guint *min_fps, guint *max_fps,
    double *max_bps, double *mean_bps)
{
  guint64 total = 0;
  GString *line = g_string_new (NULL);

  *min_fps = G_MAXUINT;
  *max_fps = 0;
  *max_bps = 0;
  for (guint i = 1; i <= SECONDS; i++) {
    *min_fps = MIN (*min_fps, a->frames[i]);
    *max_fps = MAX (*max_fps, a->frames[i]);
    *max_bps = MAX (*max_bps, a->bytes[i] * 8.0);
    total += a->bytes[i];
    g_string_append_printf (line, " %u/%.2f", a->frames[i],
        a->bytes[i] * 8 / 1e6);
  }
  *mean_bps = total * 8.0 / SECONDS;
  g_test_message ("%s sender, fps/Mbit/s per second:%s; max %u fps, max "
      "%.2f Mbit/s, mean %.2f Mbit/s", mode, line->str, *max_fps,
      *max_bps / 1e6, *mean_bps / 1e6);
  g_string_free (line, TRUE);
}

static void
measure (const char *mode, outcome *o)
{
  arrivals a = { 0 };

  g_mutex_init (&a.lock);
  run_call (mode, &a, o);
  judge (&a, mode, &o->min_fps, &o->max_fps, &o->max_bps, &o->mean_bps);
  g_test_message ("frames-dropped-late %" G_GUINT64_FORMAT ", "
      "frames-dropped-overshoot %" G_GUINT64_FORMAT "; the sender's "
      "stats: at most %.1f fps, %.2f Mbit/s", o->late, o->overshoot,
      o->send_fps, o->send_bps / 1e6);
  g_free (a.error);
  g_mutex_clear (&a.lock);
}

static void
test_a_slow_encoder_drops_late_frames_and_never_bursts (void)
{
  outcome o;

  measure ("slow", &o);
  g_assert_cmpuint (o.late, >, 0);
  g_assert_cmpuint (o.max_fps, <=, SOURCE_FPS + FPS_TOLERANCE);
  g_assert_cmpfloat (o.send_fps, <=, SOURCE_FPS + SEND_FPS_TOLERANCE);
  g_assert_cmpfloat (o.mean_bps, <=, MAX_BITRATE * MEAN_BITRATE_TOLERANCE);
  g_assert_cmpfloat (o.max_bps, <=, MAX_BITRATE * SECOND_BITRATE_TOLERANCE);
}

static void
test_a_fast_encoder_drops_nothing (void)
{
  outcome o;

  measure ("fast", &o);
  g_assert_cmpuint (o.late, ==, 0);
  g_assert_cmpuint (o.overshoot, ==, 0);
  g_assert_cmpuint (o.max_fps, <=, SOURCE_FPS + FPS_TOLERANCE);
  g_assert_cmpfloat (o.send_fps, <=, SOURCE_FPS + SEND_FPS_TOLERANCE);
}

/* Noise at 640x360: the encoder makes more than MAX_BITRATE of it at any
 * quantizer (6.3 Mbit/s arrived before frames were left out for it), and
 * what arrives is held to the bitrate by the frames left out. The picture
 * still changes every second: its keyframes, 150-180 kB paced out over
 * 400 ms, arrive whole (the receiver gave them up by the age of their
 * first packet, asked for another, and showed nothing for 1-2 s). */
static void
test_an_encoder_over_its_bitrate_is_held_to_it (void)
{
  outcome o;

  measure ("noise", &o);
  g_assert_cmpuint (o.overshoot, >, 0);
  g_assert_cmpuint (o.min_fps, >=, 1);
  g_assert_cmpfloat (o.mean_bps, <=, MAX_BITRATE * MEAN_BITRATE_TOLERANCE);
  g_assert_cmpfloat (o.max_bps, <=, MAX_BITRATE * SECOND_BITRATE_TOLERANCE);
}

int
main (int argc, char **argv)
{
  gchar *reg;
  int ret;

  if (argc == 5 && g_str_equal (argv[1], "--sender")) {
    gst_init (NULL, NULL);
    return run_sender (argv[2], argv[3], argv[4]);
  }
  reg = gst_test_private_registry ("tc-gst-overload");
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  relay_start (&the_relay);
  g_test_add_func ("/gst/overload/a-slow-encoder-drops-late-frames-and-"
      "never-bursts", test_a_slow_encoder_drops_late_frames_and_never_bursts);
  g_test_add_func ("/gst/overload/a-fast-encoder-drops-nothing",
      test_a_fast_encoder_drops_nothing);
  g_test_add_func ("/gst/overload/an-encoder-over-its-bitrate-is-held-to-it",
      test_an_encoder_over_its_bitrate_is_held_to_it);
  ret = g_test_run ();
  relay_stop (&the_relay);
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
