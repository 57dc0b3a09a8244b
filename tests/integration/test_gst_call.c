/* test_gst_call.c - gst <-> gst calls through the real relay.
 *
 * Starts tempchat-relay (TC_RELAY_PATH) with --port 0 and reads its
 * "listening on" line. One side of each call is a pipeline in this process;
 * the other runs in a child (this same program with --peer), because one
 * process is one participant per room (tempchatsink and tempchatsrc naming
 * the same room share a call). The child reports what it receives on stdout
 * ("video WxH", "audio") and exits when its stdin closes.
 *
 * Every wait is event-driven with a deadline: the test iterates the default
 * context until a condition holds or the deadline passes, and never sleeps.
 */
#include <gio/gio.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TC_RELAY_PATH
#define TC_RELAY_PATH "tempchat-relay"
#endif

#define WAIT_MS 60000           /* signaling + ICE + DTLS + first keyframe */
#define CHANNEL "it-gst-channel"
#define MIN_AUDIO_BUFFERS 10

#define VIDEO_RAW "videotestsrc is-live=true ! video/x-raw,format=I420," \
  "width=640,height=360,framerate=30/1"
/* The peer of the renegotiation test sends a size of its own. */
#define VIDEO_RAW_QVGA "videotestsrc is-live=true ! video/x-raw,format=I420," \
  "width=320,height=240,framerate=30/1"
#define AUDIO_RAW "audiotestsrc is-live=true wave=ticks"
/* A steady tone: Opus's voice detector calls every frame active, so each
 * packet carries the one before as in-band FEC (ticks are mostly silence,
 * which gets none), as a guest talking does. */
#define AUDIO_TONE "audiotestsrc is-live=true wave=sine freq=440"

#include "gst_test_util.h"

/* --- what a tempchatsrc delivered -------------------------------------------- */

typedef struct {
  GMutex lock;
  gint width, height;          /* of the first video buffer */
  gchar *video_caps;           /* media type of the video pad */
  gchar *audio_caps;
  guint video_buffers, audio_buffers;
  gchar *error;                /* first bus error */
  gchar *warning;              /* first bus warning */
  gboolean announce;           /* child: print "video WxH" / "audio" */
  gboolean video_only;         /* leave audio pads unlinked */
  gboolean announced_video, announced_audio;
  gint64 last_video_us;        /* arrival of the last video buffer */
  gint64 max_gap_us;           /* between two, since the last report */
  gint64 last_audio_us;        /* arrival of the last audio buffer */
  gint64 max_audio_gap_us;     /* between two, since the last report */
  guint64 audio_ns;            /* audio played so far (buffer durations) */
  GstClockTime audio_end;      /* the end (pts + duration) of the last one */
  gchar *video_direction;      /* of the last tempchat/media about video */
} received;

static GstPadProbeReturn
count_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  received *r = data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const GstStructure *s = caps != NULL ? gst_caps_get_structure (caps, 0) :
      NULL;
  gboolean video;

  if (s == NULL)
    return GST_PAD_PROBE_OK;
  video = g_str_has_prefix (gst_structure_get_name (s), "video/");
  g_mutex_lock (&r->lock);
  if (video) {
    gint64 now = g_get_monotonic_time ();
    if (r->video_buffers > 0)
      r->max_gap_us = MAX (r->max_gap_us, now - r->last_video_us);
    r->last_video_us = now;
    if (r->video_buffers++ == 0) {
      gst_structure_get_int (s, "width", &r->width);
      gst_structure_get_int (s, "height", &r->height);
      r->video_caps = g_strdup (gst_structure_get_name (s));
    }
    if (r->announce && !r->announced_video) {
      r->announced_video = TRUE;
      printf ("video %dx%d\n", r->width, r->height);
      fflush (stdout);
    }
  } else {
    gint64 now = g_get_monotonic_time ();
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    if (r->audio_buffers > 0)
      r->max_audio_gap_us = MAX (r->max_audio_gap_us, now - r->last_audio_us);
    r->last_audio_us = now;
    if (buf != NULL && GST_BUFFER_DURATION_IS_VALID (buf)) {
      r->audio_ns += GST_BUFFER_DURATION (buf);
      if (GST_BUFFER_PTS_IS_VALID (buf))
        r->audio_end = GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf);
    }
    if (r->audio_buffers++ == 0)
      r->audio_caps = g_strdup (gst_structure_get_name (s));
    if (r->announce && !r->announced_audio
        && r->audio_buffers >= MIN_AUDIO_BUFFERS) {
      r->announced_audio = TRUE;
      printf ("audio\n");
      fflush (stdout);
    }
  }
  g_mutex_unlock (&r->lock);
  gst_caps_unref (caps);
  g_main_context_wakeup (NULL);
  return GST_PAD_PROBE_OK;
}

/* A fakesink per pad, with a probe that counts. */
static void
on_pad_added (GstElement *src, GstPad *pad, gpointer data)
{
  received *r = data;
  if (r->video_only && g_str_has_prefix (GST_PAD_NAME (pad), "audio"))
    return;
  GstElement *pipe = GST_ELEMENT (gst_element_get_parent (src));
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipe), sink);
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, r,
      NULL);
  gst_element_sync_state_with_parent (sink);
  gst_object_unref (sinkpad);
  gst_object_unref (pipe);
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  received *r = data;
  GError *err = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    g_mutex_lock (&r->lock);
    if (r->error == NULL)
      r->error = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
          err->message);
    g_mutex_unlock (&r->lock);
    if (r->announce) {
      printf ("error %s\n", err->message);
      fflush (stdout);
    }
    g_error_free (err);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning (msg, &err, NULL);
    g_mutex_lock (&r->lock);
    if (r->warning == NULL)
      r->warning = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
          err->message);
    g_mutex_unlock (&r->lock);
    g_error_free (err);
  } else if (gst_message_has_name (msg, "tempchat/media")
      && g_str_equal (gst_structure_get_string (gst_message_get_structure
              (msg), "kind"), "video")) {
    g_free (r->video_direction);
    r->video_direction = g_strdup (gst_structure_get_string
        (gst_message_get_structure (msg), "direction"));
  }
  if (r->announce && gst_message_has_name (msg, "tempchat/call-failed")) {
    /* "call-failed STATUS": a warning, the element stays (gst_call_failed.sh). */
    printf ("call-failed %s\n", gst_structure_get_string
        (gst_message_get_structure (msg), "status"));
    fflush (stdout);
  }
  if (r->announce && gst_message_has_name (msg, "tempchat/peer-joined")) {
    /* "role offerer": which side this peer took (gst_loss.sh checks it) */
    printf ("role %s\n", gst_structure_get_string (gst_message_get_structure
            (msg), "role"));
    fflush (stdout);
  }
  if (r->announce && gst_message_has_name (msg, "tempchat/media")
      && GST_MESSAGE_SRC (msg) != NULL
      && g_str_equal (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "s")) {
    /* "media video sendonly": what the call now carries (one element's
     * messages are enough). */
    const GstStructure *st = gst_message_get_structure (msg);
    printf ("media %s %s\n", gst_structure_get_string (st, "kind"),
        gst_structure_get_string (st, "direction"));
    fflush (stdout);
  }
  return G_SOURCE_CONTINUE;
}

static void
received_clear (received *r)
{
  g_free (r->video_caps);
  g_free (r->audio_caps);
  g_free (r->error);
  g_free (r->video_direction);
  g_free (r->warning);
  g_mutex_clear (&r->lock);
}

/* --- pipelines ---------------------------------------------------------------- */

static gchar *
element_args (const char *url, const char *room)
{
  return gst_test_element_args (CHANNEL, url, room);
}

/* `mode`: "send-raw", "send-busy", "send-report", "send-light" (a moving
 * zone plate at 320x240 and 360p's rates, reporting like send-report),
 * "send-busy-720p" (a default 720p sink sending detailed moving video,
 * reporting like send-report), "send-encoded", "recv", "recv-report" (recv,
 * reporting each second), "recv-360p" (recv, asking for 360p's
 * 700 kbit/s), "recv-encoded", "both", "both-qvga" (both, sending 320x240),
 * "both-count" (both-qvga, printing what it received: "count VIDEO
 * AUDIO"). */
static gchar *
pipeline_desc (const char *mode, const char *url, const char *room)
{
  gchar *args = element_args (url, room);
  gchar *desc;

  if (g_str_equal (mode, "send-raw") || g_str_has_prefix (mode, "both"))
    desc = g_strdup_printf ("%s ! tempchatsink name=s %s "
        AUDIO_RAW " ! s.audio %s", g_str_has_prefix (mode, "both-")
        ? VIDEO_RAW_QVGA : VIDEO_RAW, args, g_str_has_prefix (mode, "both") ?
        "tempchatsrc name=r " : "");
  else if (g_str_equal (mode, "send-busy-720p"))
    /* A moving zone plate: vp8enc fits it in 700 kbit/s and fills
     * 3 Mbit/s when allowed (noise cannot be fitted in either). */
    desc = g_strdup_printf ("videotestsrc is-live=true pattern=zone-plate "
        "kx2=20 ky2=20 kt=1 ! "
        "video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! "
        "tempchatsink name=s %s " AUDIO_RAW " ! s.audio", args);
  else if (g_str_equal (mode, "send-busy") || g_str_equal (mode, "send-report"))
    /* Noise: the encoder fills its target, so the estimate has
     * acknowledged traffic to grow on (send-report: 720p's 2 Mbit/s start,
     * for a path narrower than that). */
    desc = g_strdup_printf ("videotestsrc is-live=true pattern=snow ! "
        "video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! "
        "tempchatsink name=s quality=%s %s " AUDIO_RAW " ! s.audio",
        g_str_equal (mode, "send-busy") ? "360p" : "720p", args);
  else if (g_str_equal (mode, "send-light"))
    /* Cheap to encode and decode on a busy machine, yet every frame
     * changes: what a loss test measures is the network, not the CPU. */
    desc = g_strdup_printf ("videotestsrc is-live=true pattern=zone-plate "
        "kt2=2 kx2=8 ky2=8 ! video/x-raw,format=I420,width=320,height=240,"
        "framerate=30/1 ! tempchatsink name=s quality=360p %s " AUDIO_TONE
        " ! s.audio", args);
  else if (g_str_equal (mode, "send-encoded"))
    desc = g_strdup_printf (VIDEO_RAW " ! vp8enc deadline=1 ! "
        "tempchatsink name=s %s " AUDIO_RAW " ! opusenc ! s.audio", args);
  else if (g_str_equal (mode, "recv") || g_str_equal (mode, "recv-report"))
    desc = g_strdup ("tempchatsrc name=r ");
  else if (g_str_equal (mode, "recv-360p"))
    desc = g_strdup ("tempchatsrc name=r quality=360p ");
  else
    desc = g_strdup ("tempchatsrc name=r decode=false ");
  if (strstr (desc, "tempchatsrc name=r ") != NULL) {
    gchar *full = g_strconcat (desc, args, NULL);
    g_free (desc);
    desc = full;
  }
  g_free (args);
  return desc;
}

static GstElement *
pipeline_new (const char *mode, const char *url, const char *room,
    received *r)
{
  gchar *desc = pipeline_desc (mode, url, room);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src;
  GstBus *bus;

  g_assert_no_error (err);
  g_free (desc);
  if (!GST_IS_PIPELINE (pipe)) {
    /* A lone element comes back unwrapped. */
    GstElement *p = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (p), pipe);
    pipe = p;
  }
  src = gst_bin_get_by_name (GST_BIN (pipe), "r");
  if (src != NULL) {
    g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), r);
    gst_object_unref (src);
  }
  bus = gst_element_get_bus (pipe);
  gst_bus_add_watch (bus, on_bus, r);
  gst_object_unref (bus);
  return pipe;
}

static void
pipeline_free (GstElement *pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

/* --- the child ------------------------------------------------------------------ */

/* The state and one direction's NACK and PLI counters of `stats`. */
static void
stats_fields (const GstStructure *s, const char *dir, const gchar **state,
    guint64 *nacks, guint64 *plis)
{
  const GValue *v = gst_structure_get_value (s, dir);
  const GstStructure *d = v != NULL ? gst_value_get_structure (v) : NULL;

  *state = gst_structure_get_string (s, "state");
  *nacks = *plis = 0;
  if (d != NULL) {
    gst_structure_get_uint64 (d, "nacks", nacks);
    gst_structure_get_uint64 (d, "plis", plis);
  }
}

static GstPadProbeReturn
count_frame (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_OK;
}

typedef struct {
  GstElement *sink;
  gint frames;                 /* video frames into the sink (atomic) */
  gchar *state;                /* the last state printed */
} sender_ctx;

/* send-report: prints the sink's target-bitrate, then its state, the
 * NACKs and PLIs it received, the video frames it was given, the video
 * bitrate it sent and the frames it left unencoded for running over the
 * target ("target N STATE NACKS PLIS FRAMES SENT_BPS OVERSHOOT"), for a
 * test driving this child from outside
 * (bwe_tbf.sh, gst_loss.sh); before that, "state STATE" when it changes
 * (gst_loss.sh waits for "state waiting": in the room, first). Without a
 * target (congestion-control=none) it prints the bitrate its VP8 encoder
 * was set to instead, "encoder BPS" (bwe_tbf.sh). */
static gboolean
is_vp8enc (const GValue *item, const GValue *unused)
{
  GstElementFactory *f = gst_element_get_factory (g_value_get_object (item));
  return f != NULL && g_str_equal (GST_OBJECT_NAME (f), "vp8enc") ? 0 : 1;
}

/* The target-bitrate the sink's own vp8enc was set to; 0 without one. */
static gint
encoder_bitrate (GstElement *sink)
{
  GValue found = G_VALUE_INIT;
  gint bps = 0;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (sink));
  if (gst_iterator_find_custom (it, (GCompareFunc) is_vp8enc, &found, NULL)) {
    g_object_get (g_value_get_object (&found), "target-bitrate", &bps, NULL);
    g_value_unset (&found);
  }
  gst_iterator_free (it);
  return bps;
}

static gboolean
print_target (gpointer data)
{
  sender_ctx *sc = data;
  GstStructure *s = NULL;
  guint64 bps = 0, nacks, plis;
  const gchar *state;

  g_object_get (sc->sink, "stats", &s, NULL);
  stats_fields (s, "send", &state, &nacks, &plis);
  gst_structure_get_uint64 (s, "target-bitrate", &bps);
  gint encoder_bps = bps == 0 ? encoder_bitrate (sc->sink) : 0;
  if (bps == 0 && encoder_bps > 0 && g_strcmp0 (state, "connected") == 0) {
    printf ("encoder %d\n", encoder_bps);
    fflush (stdout);
  } else if (bps > 0) {
    guint64 sent = 0, overshoot = 0;
    const GstStructure *send = gst_value_get_structure
        (gst_structure_get_value (s, "send"));
    gst_structure_get_uint64 (send, "video-bitrate", &sent);
    gst_structure_get_uint64 (send, "frames-dropped-overshoot", &overshoot);
    printf ("target %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT " %"
        G_GUINT64_FORMAT " %d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
        "\n", bps, state, nacks, plis, g_atomic_int_get (&sc->frames),
        sent, overshoot);
    fflush (stdout);
  } else if (state != NULL && g_strcmp0 (state, sc->state) != 0) {
    printf ("state %s\n", state);
    fflush (stdout);
    g_free (sc->state);
    sc->state = g_strdup (state);
  }
  gst_structure_free (s);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GstElement *src;
  received *r;
} report_ctx;

/* recv-report, each second: "report VIDEO AUDIO GAP_MS STATE NACKS PLIS
 * AUDIO_MS AUDIO_GAP_MS CONCEALED FEC RTX SIGNALING RECONNECTS AUDIO_END":
 * buffers
 * decoded so far, the longest wait between two video buffers since the
 * last report, the NACKs and PLIs the src sent, the audio played so far
 * (concealment included), the longest wait between two audio buffers
 * since the last report, the src's audio-concealed and
 * audio-fec-recovered, and the retransmissions it received (gst_loss.sh);
 * whether signaling is in the room and how often it came back
 * (gst_signaling_blip.sh), and where the audio played so far ends on its
 * time line, in ms (its PTS plus duration: with every loss concealed in
 * its place, AUDIO_MS grows as much as this does). */
static gboolean
print_report (gpointer data)
{
  report_ctx *rc = data;
  GstStructure *s = NULL;
  guint64 nacks, plis, concealed = 0, fec = 0, rtx = 0;
  const gchar *state;
  gint64 gap, audio_gap, now = g_get_monotonic_time ();

  g_object_get (rc->src, "stats", &s, NULL);
  gboolean sig = FALSE;
  guint reconnects = 0;
  stats_fields (s, "recv", &state, &nacks, &plis);
  gst_structure_get_boolean (s, "signaling-connected", &sig);
  gst_structure_get_uint (s, "signaling-reconnects", &reconnects);
  const GValue *recv = gst_structure_get_value (s, "recv");
  if (recv != NULL) {
    gst_structure_get_uint64 (gst_value_get_structure (recv),
        "audio-concealed", &concealed);
    gst_structure_get_uint64 (gst_value_get_structure (recv),
        "audio-fec-recovered", &fec);
    gst_structure_get_uint64 (gst_value_get_structure (recv),
        "retransmissions", &rtx);
  }
  g_mutex_lock (&rc->r->lock);
  gap = rc->r->max_gap_us;
  if (rc->r->video_buffers > 0)   /* a wait still going on counts too */
    gap = MAX (gap, now - rc->r->last_video_us);
  rc->r->max_gap_us = 0;
  audio_gap = rc->r->max_audio_gap_us;
  if (rc->r->audio_buffers > 0)
    audio_gap = MAX (audio_gap, now - rc->r->last_audio_us);
  rc->r->max_audio_gap_us = 0;
  printf ("report %u %u %" G_GINT64_FORMAT " %s %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
      " %s %u %" G_GUINT64_FORMAT "\n",
      rc->r->video_buffers, rc->r->audio_buffers, gap / 1000, state, nacks,
      plis, rc->r->audio_ns / GST_MSECOND, audio_gap / 1000, concealed, fec,
      rtx, sig ? "in-room" : "out", reconnects,
      GST_CLOCK_TIME_IS_VALID (rc->r->audio_end) && rc->r->audio_buffers > 0
      ? rc->r->audio_end / GST_MSECOND : (guint64) 0);
  g_mutex_unlock (&rc->r->lock);
  fflush (stdout);
  gst_structure_free (s);
  return G_SOURCE_CONTINUE;
}

/* both-count: "count VIDEO AUDIO" (buffers received so far) when it
 * changed. */
static gboolean
print_counts (gpointer data)
{
  received *r = data;
  static guint last_v, last_a;

  g_mutex_lock (&r->lock);
  guint v = r->video_buffers, a = r->audio_buffers;
  g_mutex_unlock (&r->lock);
  if (v != last_v || a != last_a) {
    printf ("count %u %u\n", v, a);
    fflush (stdout);
    last_v = v;
    last_a = a;
  }
  return G_SOURCE_CONTINUE;
}

static int
run_peer (const char *mode, const char *url, const char *room)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  received r = { 0 };
  GstElement *pipe;
  GIOChannel *in = g_io_channel_unix_new (0);

  g_mutex_init (&r.lock);
  r.announce = TRUE;
  pipe = pipeline_new (mode, url, room, &r);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, gst_test_on_stdin_closed,
      loop);
  if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    printf ("error could not start\n");
    fflush (stdout);
  }
  printf ("started\n");
  fflush (stdout);
  sender_ctx sc = { gst_bin_get_by_name (GST_BIN (pipe), "s"), 0, NULL };
  report_ctx rc = { gst_bin_get_by_name (GST_BIN (pipe), "r"), &r };
  GstPad *vpad = sc.sink != NULL ?
      gst_element_get_static_pad (sc.sink, "video") : NULL;
  if (vpad != NULL) {
    gst_pad_add_probe (vpad, GST_PAD_PROBE_TYPE_BUFFER, count_frame,
        &sc.frames, NULL);
    gst_object_unref (vpad);
  }

  guint report = sc.sink != NULL && (g_str_equal (mode, "send-report")
      || g_str_equal (mode, "send-light")
      || g_str_equal (mode, "send-busy-720p")) ?
      g_timeout_add (250, print_target, &sc) : 0;
  guint recv_report = rc.src != NULL && g_str_equal (mode, "recv-report") ?
      g_timeout_add (1000, print_report, &rc) : 0;
  guint counts = g_str_equal (mode, "both-count") ?
      g_timeout_add (50, print_counts, &r) : 0;
  g_main_loop_run (loop);
  if (report != 0)
    g_source_remove (report);
  if (recv_report != 0)
    g_source_remove (recv_report);
  if (counts != 0)
    g_source_remove (counts);
  g_clear_object (&sc.sink);
  g_free (sc.state);
  g_clear_object (&rc.src);
  pipeline_free (pipe);
  g_io_channel_unref (in);
  received_clear (&r);
  g_main_loop_unref (loop);
  return 0;
}

typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  GPtrArray *lines;
  gboolean eof;
  gboolean exited;
} child;

static void
on_child_line (GObject *src, GAsyncResult *res, gpointer data)
{
  child *c = data;
  gchar *line = g_data_input_stream_read_line_finish (
      G_DATA_INPUT_STREAM (src), res, NULL, NULL);

  if (line == NULL) {
    c->eof = TRUE;
    return;
  }
  g_ptr_array_add (c->lines, line);
  g_data_input_stream_read_line_async (c->out, G_PRIORITY_DEFAULT, NULL,
      on_child_line, c);
}

static void
child_start (child *c, const char *mode, const char *url, const char *room)
{
  GError *err = NULL;

  c->lines = g_ptr_array_new_with_free_func (g_free);
  const char *argv[] = { "/proc/self/exe", "--peer", mode, url, room, NULL };

  c->proc = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, argv);
  g_assert_no_error (err);
  c->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->proc));
  g_data_input_stream_read_line_async (c->out, G_PRIORITY_DEFAULT, NULL,
      on_child_line, c);
}

typedef struct {
  child *c;
  const char *prefix;
} child_said_args;

static gboolean
child_said (gpointer data)
{
  child_said_args *a = data;

  for (guint i = 0; i < a->c->lines->len; i++) {
    const char *l = g_ptr_array_index (a->c->lines, i);
    if (g_str_has_prefix (l, a->prefix) || g_str_has_prefix (l, "error"))
      return TRUE;
  }
  return a->c->eof;
}

/* Waits for a line starting with `prefix`; returns it (borrowed) or fails. */
static const char *
child_expect (child *c, const char *prefix)
{
  child_said_args a = { c, prefix };

  g_assert_true (wait_for (child_said, &a));
  for (guint i = 0; i < c->lines->len; i++) {
    const char *l = g_ptr_array_index (c->lines, i);
    g_assert_false (g_str_has_prefix (l, "error"));
    if (g_str_has_prefix (l, prefix))
      return l;
  }
  g_error ("the peer process ended without saying \"%s\"", prefix);
  return NULL;
}

static void
on_child_exited (GObject *src, GAsyncResult *res, gpointer data)
{
  child *c = data;
  g_subprocess_wait_finish (G_SUBPROCESS (src), res, NULL);
  c->exited = TRUE;
}

static gboolean
child_has_exited (gpointer data)
{
  return ((child *) data)->exited;
}

/* Closes its stdin and waits for a clean exit. */
static void
child_stop (child *c)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (c->proc), NULL, NULL);
  g_subprocess_wait_async (c->proc, NULL, on_child_exited, c);
  if (!wait_for (child_has_exited, c)) {
    g_subprocess_force_exit (c->proc);
    g_error ("the peer process did not stop when asked");
  }
  g_assert_true (g_subprocess_get_if_exited (c->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (c->proc), ==, 0);
  g_clear_object (&c->out);
  g_clear_object (&c->proc);
  g_ptr_array_unref (c->lines);
}

static relay the_relay;

/* --- the tests ------------------------------------------------------------------- */

static gboolean
got_video_and_audio (gpointer data)
{
  received *r = data;
  gboolean done;

  g_mutex_lock (&r->lock);
  done = r->error != NULL || (r->video_buffers > 0
      && r->audio_buffers >= MIN_AUDIO_BUFFERS);
  g_mutex_unlock (&r->lock);
  return done;
}

static gchar *
room_for (const char *tag)
{
  return g_strdup_printf ("#it-gst-%s-%d", tag, (int) getpid ());
}

/* Receives from a child sending `child_mode`; checks the media types. */
static void
one_way (const char *tag, const char *child_mode, const char *recv_mode,
    const char *video_type, const char *audio_type)
{
  gchar *room = room_for (tag);
  received r = { 0 };
  child c = { 0 };
  GstElement *pipe;

  g_mutex_init (&r.lock);
  pipe = pipeline_new (recv_mode, the_relay.url, room, &r);
  /* A live source: PAUSED does not preroll. */
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PAUSED), ==,
      GST_STATE_CHANGE_NO_PREROLL);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), ==,
      GST_STATE_CHANGE_SUCCESS);
  child_start (&c, child_mode, the_relay.url, room);
  child_expect (&c, "started");

  g_assert_true (wait_for (got_video_and_audio, &r));
  g_assert_null (r.error);
  g_assert_cmpstr (r.video_caps, ==, video_type);
  g_assert_cmpstr (r.audio_caps, ==, audio_type);
  if (g_str_equal (video_type, "video/x-raw")) {
    g_assert_cmpint (r.width, ==, 640);
    g_assert_cmpint (r.height, ==, 360);
  }

  child_stop (&c);
  pipeline_free (pipe);
  received_clear (&r);
  g_free (room);
}

static void
test_sink_to_src_arrives_decoded_at_640x360_with_audio (void)
{
  one_way ("decoded", "send-raw", "recv", "video/x-raw", "audio/x-raw");
}

static void
test_encoded_vp8_and_opus_pass_through (void)
{
  one_way ("encoded", "send-encoded", "recv-encoded", "video/x-vp8",
      "audio/x-opus");
}

static gboolean
got_many_video_frames (gpointer data)
{
  received *r = data;
  gboolean done;

  g_mutex_lock (&r->lock);
  done = r->error != NULL || r->video_buffers >= 60;
  g_mutex_unlock (&r->lock);
  return done;
}

/* --- the sender's bandwidth estimate ------------------------------------------ */

#define START_360P 500000       /* ARCHITECTURE.md: 360p start/max kbps */
#define MAX_360P 700000
#define MIN_BPS 100000

typedef struct {
  GstElement *sink;
  guint64 lowest, highest, last;
  guint64 samples;
} targets;

/* Reads the sink's stats as a user would, remembering every value seen. */
static gboolean
sample_target (gpointer data)
{
  targets *t = data;
  GstStructure *s = NULL;
  guint64 bps = 0;

  g_object_get (t->sink, "stats", &s, NULL);
  if (gst_structure_get_uint64 (s, "target-bitrate", &bps) && bps > 0) {
    t->lowest = t->samples == 0 ? bps : MIN (t->lowest, bps);
    t->highest = MAX (t->highest, bps);
    t->last = bps;
    t->samples++;
  }
  gst_structure_free (s);
  return G_SOURCE_CONTINUE;
}

static gboolean
target_moved_up (gpointer data)
{
  targets *t = data;
  return t->highest > START_360P * 11 / 10;
}

/* Chromium and our src answer with transport-cc feedback, not REMB: the
 * sink's target must come from its own estimate. On loopback nothing
 * limits the path, so from the start it climbs towards the quality's max. */
static void
test_sink_target_bitrate_follows_transport_cc_feedback (void)
{
  gchar *room = room_for ("bwe");
  received r = { 0 };
  child c = { 0 };
  targets t = { 0 };
  GstElement *pipe;

  g_mutex_init (&r.lock);
  child_start (&c, "recv", the_relay.url, room);
  child_expect (&c, "started");
  pipe = pipeline_new ("send-busy", the_relay.url, room, &r);
  t.sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  guint poll = g_timeout_add (100, sample_target, &t);

  g_assert_true (wait_for (target_moved_up, &t));
  g_source_remove (poll);
  g_test_message ("target-bitrate %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
      " bit/s over %" G_GUINT64_FORMAT " samples", t.lowest, t.highest,
      t.samples);
  g_assert_null (r.error);
  g_assert_cmpuint (t.lowest, >=, MIN_BPS);
  g_assert_cmpuint (t.highest, <=, MAX_360P);

  gst_object_unref (t.sink);
  pipeline_free (pipe);
  child_stop (&c);
  received_clear (&r);
  g_free (room);
}

/* `tempchatsrc ! sink` links only one pad: the other, unlinked, must not stop
 * the call with a not-linked error while audio keeps arriving on it. */
static void
test_an_unlinked_audio_pad_does_not_stop_the_video (void)
{
  gchar *room = room_for ("unlinked");
  received r = { 0 };
  child c = { 0 };

  g_mutex_init (&r.lock);
  r.video_only = TRUE;
  GstElement *pipe = pipeline_new ("recv", the_relay.url, room, &r);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  child_start (&c, "send-raw", the_relay.url, room);
  child_expect (&c, "started");
  g_assert_true (wait_for (got_many_video_frames, &r));
  g_assert_null (r.error);
  g_assert_cmpint (r.audio_buffers, ==, 0);
  g_assert_cmpint (r.width, ==, 640);

  child_stop (&c);
  pipeline_free (pipe);
  received_clear (&r);
  g_free (room);
}

static void
test_two_way_call_with_sink_and_src_in_one_pipeline (void)
{
  gchar *room = room_for ("two-way");
  received r = { 0 };
  child c = { 0 };
  GstElement *pipe;
  const char *line;

  g_mutex_init (&r.lock);
  pipe = pipeline_new ("both", the_relay.url, room, &r);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  child_start (&c, "both", the_relay.url, room);
  child_expect (&c, "started");

  /* We receive the child's media ... */
  g_assert_true (wait_for (got_video_and_audio, &r));
  g_assert_null (r.error);
  g_assert_cmpint (r.width, ==, 640);
  g_assert_cmpint (r.height, ==, 360);
  /* ... and the child receives ours. */
  line = child_expect (&c, "video ");
  g_assert_cmpstr (line, ==, "video 640x360");
  child_expect (&c, "audio");

  child_stop (&c);
  pipeline_free (pipe);
  received_clear (&r);
  g_free (room);
}

/* --- stats while media flows ------------------------------------------------ */

typedef struct {
  GstElement *element;
  received *r;
  GstStructure *stats;         /* the last snapshot read */
} stats_wait;

static const GstStructure *
direction (const GstStructure *stats, const char *name)
{
  return gst_value_get_structure (gst_structure_get_value (stats, name));
}

static gdouble
field_double (const GstStructure *s, const char *name)
{
  gdouble v = -2;
  g_assert_true (gst_structure_get_double (s, name, &v));
  return v;
}

static guint
field_uint (const GstStructure *s, const char *name)
{
  guint v = 0;
  g_assert_true (gst_structure_get_uint (s, name, &v));
  return v;
}

static guint64
field_uint64 (const GstStructure *s, const char *name)
{
  guint64 v = 0;
  g_assert_true (gst_structure_get_uint64 (s, name, &v));
  return v;
}

/* Re-read on every received buffer (the probe wakes the context): done once
 * both directions have a measured frame rate and an RTCP round trip is
 * known, i.e. what the web client's stats panel shows after a second. */
static gboolean
stats_complete (gpointer data)
{
  stats_wait *w = data;
  g_clear_pointer (&w->stats, gst_structure_free);
  g_object_get (w->element, "stats", &w->stats, NULL);
  g_mutex_lock (&w->r->lock);
  gboolean failed = w->r->error != NULL;
  g_mutex_unlock (&w->r->lock);
  if (failed)
    return TRUE;
  return g_strcmp0 (gst_structure_get_string (w->stats, "state"),
      "connected") == 0
      && field_double (direction (w->stats, "send"), "fps") > 0
      && field_double (direction (w->stats, "recv"), "fps") > 0
      && field_double (w->stats, "rtt-ms") >= 0;
}

/* What the panel shows for one direction of a 640x360 30 fps VP8 + Opus
 * call on loopback. */
static void
assert_panel_direction (const GstStructure *d)
{
  g_assert_cmpstr (gst_structure_get_string (d, "video-codec"), ==, "VP8");
  g_assert_cmpstr (gst_structure_get_string (d, "audio-codec"), ==, "opus");
  g_assert_cmpuint (field_uint (d, "width"), ==, 640);
  g_assert_cmpuint (field_uint (d, "height"), ==, 360);
  /* Measured, not configured: frames in the last one-second window. The
   * source makes 30 a second; how many of them a loaded machine encodes is
   * a matter of timing, so only "some, and not more than the source can
   * make" (with room for a burst after a stall) is asserted. */
  g_assert_cmpfloat (field_double (d, "fps"), >, 0);
  g_assert_cmpfloat (field_double (d, "fps"), <=, 60);
  g_assert_cmpuint (field_uint64 (d, "video-bitrate"), >, 0);
  g_assert_cmpuint (field_uint64 (d, "audio-bitrate"), >, 0);
  g_assert_cmpuint (field_uint64 (d, "packets"), >, 0);
  g_assert_cmpfloat (field_double (d, "loss-fraction"), >=, 0);
  g_assert_cmpfloat (field_double (d, "loss-fraction"), <=, 1);
}

static void
test_stats_during_a_two_way_call_show_what_the_panel_shows (void)
{
  gchar *room = room_for ("stats");
  received r = { 0 };
  child c = { 0 };

  g_mutex_init (&r.lock);
  GstElement *pipe = pipeline_new ("both", the_relay.url, room, &r);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  child_start (&c, "both", the_relay.url, room);
  child_expect (&c, "started");
  g_assert_true (wait_for (got_video_and_audio, &r));
  g_assert_null (r.error);

  /* The sink and the src share the call, so either reports all of it. */
  stats_wait w = { gst_bin_get_by_name (GST_BIN (pipe), "s"), &r, NULL };
  g_assert_true (wait_for (stats_complete, &w));
  g_assert_null (r.error);
  g_assert_cmpstr (gst_structure_get_string (w.stats, "connection"), ==,
      "direct");
  gboolean relayed = TRUE;
  g_assert_true (gst_structure_get_boolean (w.stats, "relayed", &relayed));
  g_assert_false (relayed);
  g_assert_cmpfloat (field_double (w.stats, "rtt-ms"), >=, 0);
  assert_panel_direction (direction (w.stats, "send"));
  assert_panel_direction (direction (w.stats, "recv"));

  gst_structure_free (w.stats);
  gst_object_unref (w.element);
  child_stop (&c);
  pipeline_free (pipe);
  received_clear (&r);
  g_free (room);
}

typedef struct {
  received *r;
  guint at_least;
  gint width;
} video_goal;

static gboolean
got_video_of_size (gpointer data)
{
  video_goal *g = data;
  gboolean done;

  g_mutex_lock (&g->r->lock);
  done = g->r->error != NULL || (g->r->video_buffers >= g->at_least
      && g->r->width == g->width);
  g_mutex_unlock (&g->r->lock);
  return done;
}

/* Like child_expect, but only lines that came after the first `skip`. */
static gboolean
child_said_after (child *c, guint skip, const char *line)
{
  for (guint i = skip; i < c->lines->len; i++) {
    if (g_str_equal (g_ptr_array_index (c->lines, i), line))
      return TRUE;
  }
  return FALSE;
}

typedef struct {
  child *c;
  guint skip;
  const char *line;
} child_line_args;

static gboolean
child_line_came (gpointer data)
{
  child_line_args *a = data;
  return child_said_after (a->c, a->skip, a->line) || a->c->eof;
}

/* One process is one participant, and its pipelines come and go during a
 * call: a tempchatsrc started later in another pipeline joins the running
 * send-only call (renegotiated to send and receive) and receives the peer;
 * when the sending pipeline stops, the call is renegotiated to receive
 * only: the peer learns that nothing comes from us any more, and the src
 * keeps receiving. */
static void
test_pipelines_joining_and_leaving_a_call_renegotiate_it (void)
{
  gchar *room = room_for ("reneg");
  received rs = { 0 }, rr = { 0 };
  child c = { 0 };
  GstElement *sender, *receiver;
  child_line_args gone;
  video_goal more;
  gint64 t0;

  g_mutex_init (&rs.lock);
  g_mutex_init (&rr.lock);
  child_start (&c, "both-qvga", the_relay.url, room);
  child_expect (&c, "started");
  sender = pipeline_new ("send-raw", the_relay.url, room, &rs);
  g_assert_cmpint (gst_element_set_state (sender, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  /* The send-only call runs: the peer decodes our 640x360. */
  g_assert_cmpstr (child_expect (&c, "video "), ==, "video 640x360");

  /* A receiver in a second pipeline of this process joins the call. */
  receiver = pipeline_new ("recv", the_relay.url, room, &rr);
  t0 = g_get_monotonic_time ();
  g_assert_cmpint (gst_element_set_state (receiver, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  more = (video_goal) { &rr, 1, 320 };
  g_assert_true (wait_for (got_video_of_size, &more));
  /* Informational: renegotiation plus the peer's first keyframe. */
  g_test_message ("METRIC src-start-to-first-frame-ms=%" G_GINT64_FORMAT,
      (g_get_monotonic_time () - t0) / 1000);
  more.at_least = 10;
  g_assert_true (wait_for (got_video_of_size, &more));
  g_assert_null (rr.error);
  g_assert_cmpint (rr.width, ==, 320);
  g_assert_cmpint (rr.height, ==, 240);

  /* The sending pipeline stops; the peer hears we no longer send. */
  gone = (child_line_args) { &c, c.lines->len, "media video sendonly" };
  pipeline_free (sender);
  g_assert_true (wait_for (child_line_came, &gone));
  g_assert_true (child_said_after (&c, gone.skip, "media video sendonly"));
  g_assert_true (child_said_after (&c, gone.skip, "media audio sendonly"));

  /* The receiver goes on receiving. */
  g_mutex_lock (&rr.lock);
  more.at_least = rr.video_buffers + 30;
  g_mutex_unlock (&rr.lock);
  g_assert_true (wait_for (got_video_of_size, &more));
  g_assert_null (rr.error);
  g_assert_null (rs.error);

  child_stop (&c);
  pipeline_free (receiver);
  received_clear (&rs);
  received_clear (&rr);
  g_free (room);
}

/* The other way round: a receive-only call, then a tempchatsink in a second
 * pipeline starts sending, and the peer decodes it. */
static void
test_a_sink_pipeline_joining_a_receive_only_call_starts_sending (void)
{
  gchar *room = room_for ("reneg-sink");
  received rs = { 0 }, rr = { 0 };
  child c = { 0 };
  GstElement *sender, *receiver;
  video_goal first = { &rr, 1, 320 };

  g_mutex_init (&rs.lock);
  g_mutex_init (&rr.lock);
  child_start (&c, "both-qvga", the_relay.url, room);
  child_expect (&c, "started");
  receiver = pipeline_new ("recv", the_relay.url, room, &rr);
  g_assert_cmpint (gst_element_set_state (receiver, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_for (got_video_of_size, &first));
  g_assert_null (rr.error);

  sender = pipeline_new ("send-raw", the_relay.url, room, &rs);
  g_assert_cmpint (gst_element_set_state (sender, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_cmpstr (child_expect (&c, "video "), ==, "video 640x360");
  child_expect (&c, "audio");
  g_assert_null (rs.error);

  child_stop (&c);
  pipeline_free (sender);
  pipeline_free (receiver);
  received_clear (&rs);
  received_clear (&rr);
  g_free (room);
}

/* --- the peer's bandwidth limit ---------------------------------------------- */

#define LIMIT_360P_BPS 700000   /* b=AS:700 of a 360p receiver */
#define LIMIT_SAMPLES 32        /* 8 s of stats, 4 a second */

typedef struct {
  GstElement *src;
  guint n;
  guint64 bps[LIMIT_SAMPLES];
} recv_rates;

/* The receiver's stats as a user reads them: video kbit/s over the last
 * second, once decoding runs. */
static gboolean
sample_recv_rate (gpointer data)
{
  recv_rates *r = data;
  GstStructure *s = NULL;

  g_object_get (r->src, "stats", &s, NULL);
  const GstStructure *d = direction (s, "recv");
  guint64 bps = 0;
  if (d != NULL && gst_structure_get_uint64 (d, "video-bitrate", &bps)
      && bps > 0 && r->n < LIMIT_SAMPLES)
    r->bps[r->n++] = bps;
  gst_structure_free (s);
  return G_SOURCE_CONTINUE;
}

static gboolean
rates_complete (gpointer data)
{
  return ((recv_rates *) data)->n >= LIMIT_SAMPLES;
}

/* A 360p page asks for at most 700 kbit/s (b=AS:700, x-google-max-bitrate)
 * in its description; a default (720p, 3 Mbit/s) sink sending it busy
 * video must stay below that, though nothing on loopback limits the path
 * and our estimate alone would climb to 3 Mbit/s. */
static void
test_a_360p_receiver_gets_no_more_than_its_700_kbits (void)
{
  gchar *room = room_for ("limit");
  received r = { 0 };
  child c = { 0 };
  recv_rates rates = { 0 };
  video_goal first = { &r, 1, 640 };

  g_mutex_init (&r.lock);
  GstElement *pipe = pipeline_new ("recv-360p", the_relay.url, room, &r);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  child_start (&c, "send-busy-720p", the_relay.url, room);
  child_expect (&c, "started");
  g_assert_true (wait_for (got_video_of_size, &first));
  g_assert_null (r.error);

  rates.src = gst_bin_get_by_name (GST_BIN (pipe), "r");
  guint poll = g_timeout_add (250, sample_recv_rate, &rates);
  g_assert_true (wait_for (rates_complete, &rates));
  g_source_remove (poll);
  /* The first seconds may still carry what was sent before the peer's
   * limit took effect on a running encoder: judge the rest. */
  guint64 highest = 0, sum = 0;
  guint from = LIMIT_SAMPLES / 4;
  for (guint i = from; i < LIMIT_SAMPLES; i++) {
    highest = MAX (highest, rates.bps[i]);
    sum += rates.bps[i];
  }
  g_test_message ("METRIC received-kbits-at-360p mean=%" G_GUINT64_FORMAT
      " max=%" G_GUINT64_FORMAT, sum / (LIMIT_SAMPLES - from) / 1000,
      highest / 1000);
  for (guint i = c.lines->len; i > 0; i--) {
    const char *l = g_ptr_array_index (c.lines, i - 1);
    if (g_str_has_prefix (l, "target ")) {
      g_test_message ("the sender's last %s bit/s", l);
      break;
    }
  }
  /* The rate received over those 6 s; a single one-second window may hold
   * frames a loaded machine sent late in a bunch, so it is not judged. */
  g_assert_cmpuint (sum / (LIMIT_SAMPLES - from), <=, LIMIT_360P_BPS);

  gst_object_unref (rates.src);
  child_stop (&c);
  pipeline_free (pipe);
  received_clear (&r);
  g_free (room);
}

/* --- a sending pipeline restarted many times ------------------------------- */

#define RESTARTS 20
#define RESTART_VIDEO_FRAMES 30 /* a second of the 30 fps source, decoded */
#define RESTART_AUDIO_BUFFERS 25

typedef struct {
  child *c;
  guint video, audio;          /* the peer's last "count" line */
  guint want_video, want_audio;
} peer_counts;

static void
read_counts (peer_counts *p)
{
  for (guint i = p->c->lines->len; i > 0; i--) {
    const char *l = g_ptr_array_index (p->c->lines, i - 1);
    if (sscanf (l, "count %u %u", &p->video, &p->audio) == 2)
      return;
  }
}

static gboolean
peer_counts_reached (gpointer data)
{
  peer_counts *p = data;
  read_counts (p);
  return p->c->eof
      || (p->video >= p->want_video && p->audio >= p->want_audio);
}

typedef struct {
  received *r;
  const char *direction;
} direction_wait;

static gboolean
video_direction_is (gpointer data)
{
  direction_wait *w = data;
  return g_strcmp0 (w->r->video_direction, w->direction) == 0;
}

/* The README promises that a tempchatsink may stop and start again while a
 * tempchatsrc keeps the call. Each restart renegotiates our sending on the
 * same SSRC and the same SRTP keys: the peer must decode a second of video
 * and hear audio after every one of 20 restarts. (The restarted stream used
 * to take a random sequence number: about half of the restarts fell behind
 * the SRTP window and went silent.) */
static void
test_a_sink_restarted_20_times_is_seen_and_heard_each_time (void)
{
  gchar *room = room_for ("restarts");
  received rs = { 0 }, rr = { 0 };
  child c = { 0 };
  video_goal first = { &rr, 1, 320 };
  peer_counts pc = { .c = &c };
  direction_wait recv_only = { &rr, "recvonly" };
  guint heard = 0;

  g_mutex_init (&rs.lock);
  g_mutex_init (&rr.lock);
  child_start (&c, "both-count", the_relay.url, room);
  child_expect (&c, "started");
  GstElement *receiver = pipeline_new ("recv", the_relay.url, room, &rr);
  g_assert_cmpint (gst_element_set_state (receiver, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_for (got_video_of_size, &first));

  for (guint i = 0; i < RESTARTS; i++) {
    read_counts (&pc);
    pc.want_video = pc.video + RESTART_VIDEO_FRAMES;
    pc.want_audio = pc.audio + RESTART_AUDIO_BUFFERS;
    g_clear_pointer (&rr.video_direction, g_free);
    GstElement *sender = pipeline_new ("send-raw", the_relay.url, room, &rs);
    g_assert_cmpint (gst_element_set_state (sender, GST_STATE_PLAYING), !=,
        GST_STATE_CHANGE_FAILURE);
    gboolean reached = wait_for (peer_counts_reached, &pc);
    g_test_message ("restart %u: peer at %u video %u audio (wanted %u, %u)",
        i + 1, pc.video, pc.audio, pc.want_video, pc.want_audio);
    heard += reached && !c.eof;
    pipeline_free (sender);
    /* The call is back to receiving only before the next start. */
    g_assert_true (wait_for (video_direction_is, &recv_only));
    g_assert_null (rs.error);
    g_assert_null (rr.error);
  }
  g_test_message ("METRIC restarts-seen-and-heard=%u/%u", heard, RESTARTS);
  g_assert_cmpuint (heard, ==, RESTARTS);
  g_assert_null (rr.warning);

  child_stop (&c);
  pipeline_free (receiver);
  received_clear (&rs);
  received_clear (&rr);
  g_free (room);
}

/* --- an application stopping the pipeline from a synchronous handler ------ */

typedef struct {
  GstElement *pipe;
  gint stopped;                /* atomic: the handler's set_state returned */
  GstStateChangeReturn ret;
  gchar *message;              /* the message it stopped on */
} stopper;

/* On whichever thread posts: for our elements' messages that is the call's
 * own thread. */
static GstBusSyncReply
stop_on_first_message (GstBus *bus, GstMessage *msg, gpointer data)
{
  stopper *st = data;
  const GstStructure *s = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT || s == NULL
      || !g_str_has_prefix (gst_structure_get_name (s), "tempchat/")
      || st->message != NULL)
    return GST_BUS_PASS;
  st->message = g_strdup (gst_structure_get_name (s));
  st->ret = gst_element_set_state (st->pipe, GST_STATE_NULL);
  g_atomic_int_set (&st->stopped, 1);
  g_main_context_wakeup (NULL);
  return GST_BUS_DROP;
}

static gboolean
stopper_done (gpointer data)
{
  return g_atomic_int_get (&((stopper *) data)->stopped);
}

/* GStreamer lets a synchronous bus handler change the pipeline's state; one
 * that stops it on our first message must get its pipeline stopped, not a
 * deadlock (the message was posted with the call's lock held, on the
 * thread that stopping joins). */
static void
test_a_sync_bus_handler_may_stop_the_pipeline_on_the_first_message (void)
{
  gchar *room = room_for ("sync-stop");
  child c = { 0 };
  GError *err = NULL;
  gchar *desc = pipeline_desc ("recv", the_relay.url, room);
  stopper st = { .pipe = gst_parse_launch (desc, &err) };

  g_assert_no_error (err);
  GstElement *pipe = gst_pipeline_new (NULL);
  gst_bin_add (GST_BIN (pipe), st.pipe);
  st.pipe = pipe;
  GstBus *bus = gst_element_get_bus (pipe);
  gst_bus_set_sync_handler (bus, stop_on_first_message, &st, NULL);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  child_start (&c, "send-raw", the_relay.url, room);
  child_expect (&c, "started");

  g_assert_true (wait_for (stopper_done, &st));
  g_test_message ("stopped on %s", st.message);
  g_assert_cmpint (st.ret, ==, GST_STATE_CHANGE_SUCCESS);
  GstState state = GST_STATE_VOID_PENDING;
  gst_element_get_state (pipe, &state, NULL, 0);
  g_assert_cmpint (state, ==, GST_STATE_NULL);

  child_stop (&c);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_free (st.message);
  g_free (desc);
  g_free (room);
}

int
main (int argc, char **argv)
{
  gchar *reg;
  int ret;

  if (argc == 5 && g_str_equal (argv[1], "--peer")) {
    gst_init (NULL, NULL);
    return run_peer (argv[2], argv[3], argv[4]);
  }

  reg = gst_test_private_registry ("tc-gst-call");
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  relay_start (&the_relay);

  g_test_add_func ("/gst/call/sink-to-src-arrives-decoded-at-640x360-with-audio",
      test_sink_to_src_arrives_decoded_at_640x360_with_audio);
  g_test_add_func ("/gst/call/an-unlinked-audio-pad-does-not-stop-the-video",
      test_an_unlinked_audio_pad_does_not_stop_the_video);
  g_test_add_func ("/gst/call/sink-target-bitrate-follows-transport-cc-feedback",
      test_sink_target_bitrate_follows_transport_cc_feedback);
  g_test_add_func ("/gst/call/encoded-vp8-and-opus-pass-through",
      test_encoded_vp8_and_opus_pass_through);
  g_test_add_func ("/gst/call/two-way-with-sink-and-src-in-one-pipeline",
      test_two_way_call_with_sink_and_src_in_one_pipeline);

  g_test_add_func ("/gst/call/stats-during-a-two-way-call-show-what-the-"
      "panel-shows",
      test_stats_during_a_two_way_call_show_what_the_panel_shows);
  g_test_add_func ("/gst/call/pipelines-joining-and-leaving-renegotiate",
      test_pipelines_joining_and_leaving_a_call_renegotiate_it);
  g_test_add_func ("/gst/call/a-sink-joining-a-receive-only-call-starts-sending",
      test_a_sink_pipeline_joining_a_receive_only_call_starts_sending);

  g_test_add_func ("/gst/call/a-360p-receiver-gets-no-more-than-its-700-kbits",
      test_a_360p_receiver_gets_no_more_than_its_700_kbits);
  g_test_add_func ("/gst/call/a-sink-restarted-20-times-is-seen-and-heard-"
      "each-time", test_a_sink_restarted_20_times_is_seen_and_heard_each_time);

  g_test_add_func ("/gst/call/a-sync-bus-handler-may-stop-the-pipeline-on-"
      "the-first-message",
      test_a_sync_bus_handler_may_stop_the_pipeline_on_the_first_message);

  ret = g_test_run ();
  relay_stop (&the_relay);
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
