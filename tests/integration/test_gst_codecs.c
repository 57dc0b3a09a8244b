/* test_gst_codecs.c - every video codec gst -> gst, and recording a call
 * without re-encoding.
 *
 * The sender is gst-launch-1.0 in a child process (one process is one
 * participant of a room), the receiver a pipeline in this process, both
 * talking through a tempchat-relay on a free loopback port. The sender's
 * `video-codecs` names one codec, so the call must negotiate it; the
 * receiver checks what arrives as a user would: the codec the element
 * reports, decoded frames of the sender's size, the sender's frame rate in
 * the caps, and for decode=false a Matroska (or MP4) file that
 * gst-discoverer-1.0 reads (codec, size, duration).
 *
 * Waits are event-driven with a deadline; nothing sleeps. Short runs: the
 * machine is small and shared.
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
#define CHANNEL "it-gst-codecs"
#define DECODED_FRAMES 30       /* a second of the 30 fps source */
#define RECORDED_FRAMES 45
/* Frames after the sender's rate appeared in the caps: the consumer took
 * the change and goes on. */
#define FRAMES_AT_RATE 15
/* AV1 with dav1d (our tempchatav1dec; Debian 12 has no dav1ddec) where the
 * plugin has it, else libaom. */
#ifdef TC_GST_AV1DEC
#define AV1_DECODER "tempchatav1dec"
#else
#define AV1_DECODER "av1dec"
#endif

#include "gst_test_util.h"

static relay the_relay;

/* ---------------------------------------------------------------- sender */

/* gst-launch-1.0 sending a WxH test picture (`pattern`, a videotestsrc
 * pattern and its settings) and ticks with `codecs` as its video-codecs
 * (NULL: the default) and `quality` (NULL: 720p without codecs, else the
 * element's default); with `encoder` ("vp9enc"), the picture reaches the
 * sink already encoded (as I420). Raw, the picture comes in whatever format
 * videotestsrc picks first (AYUV, 4:4:4), as from a user's pipeline without
 * a format: the sink must still send 4:2:0. */
static GSubprocess *
sender_spawn (const char *room, const char *pattern, int width, int height,
    int fps, const char *codecs, const char *quality, const char *encoder)
{
  GError *err = NULL;
  gchar *video = g_strdup_printf ("video/x-raw%s,width=%d,height=%d,"
      "framerate=%d/1", encoder != NULL ? ",format=I420" : "", width, height,
      fps);
  gchar *room_arg = g_strdup_printf ("room=%s", room);
  gchar *url_arg = g_strdup_printf ("signaling-url=%s", the_relay.url);
  gchar *codecs_arg = codecs != NULL ? g_strdup_printf ("video-codecs=%s",
      codecs) : g_strdup ("");
  gchar *quality_arg = quality != NULL ? g_strdup_printf ("quality=%s",
      quality) : g_strdup (codecs == NULL ? "quality=720p" : "");
  gchar *desc = g_strdup_printf ("gst-launch-1.0 -q videotestsrc "
      "is-live=true %s ! %s ! %s ! tempchatsink name=s %s %s "
      "channel=" CHANNEL " %s %s audiotestsrc is-live=true wave=ticks ! "
      "s.audio", pattern, video, encoder != NULL ? encoder : "identity",
      room_arg, url_arg, codecs_arg, quality_arg);
  /* One argument per word: gst-launch-1.0 quotes each as a whole. */
  gchar **words = g_strsplit (desc, " ", -1);
  GPtrArray *argv = g_ptr_array_new ();
  GSubprocess *p;

  for (gchar **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_ptr_array_add (argv, *w);
  g_ptr_array_add (argv, NULL);
  p = spawn (G_SUBPROCESS_FLAGS_NONE, &err, (const char *const *) argv->pdata);
  g_ptr_array_free (argv, TRUE);
  g_strfreev (words);
  g_free (desc);
  g_assert_no_error (err);
  g_free (video);
  g_free (room_arg);
  g_free (url_arg);
  g_free (codecs_arg);
  g_free (quality_arg);
  return p;
}

static GSubprocess *
sender_start_at (const char *room, int width, int height, int fps,
    const char *codecs, const char *encoder)
{
  return sender_spawn (room, "pattern=ball", width, height, fps, codecs, NULL,
      encoder);
}

static GSubprocess *
sender_start_encoded (const char *room, int width, int height,
    const char *codecs, const char *encoder)
{
  return sender_start_at (room, width, height, 30, codecs, encoder);
}

static GSubprocess *
sender_start (const char *room, int width, int height, const char *codecs)
{
  return sender_start_encoded (room, width, height, codecs, NULL);
}

static void
sender_stop (GSubprocess *p)
{
  g_subprocess_send_signal (p, SIGTERM);
  g_assert_true (g_subprocess_wait (p, NULL, NULL));
  g_object_unref (p);
}

/* -------------------------------------------------------------- receiver */

typedef struct {
  gint video;                  /* buffers seen (atomic) */
  gint width, height;          /* caps of the first video buffer */
  gchar *format;               /* its format */
  gchar *decoder;              /* the factory that decoded it in "r" */
  gchar *video_codec;          /* tempchat/media about received video */
  gchar *error;
  gint fps_n, fps_d;           /* the caps' framerate at the last buffer
                                * (atomic); 0/0: none */
  gint frames_at_rate;         /* buffers since fps_n became non-zero */
} seen;

/* The factory of the video decoder inside the tempchatsrc named "r" in
 * `e`'s pipeline; NULL: none. */
static gchar *
video_decoder_in_r (GstElement *e)
{
  GstElement *r = gst_bin_get_by_name (GST_BIN (GST_OBJECT_PARENT (e)), "r");
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (r));
  GValue v = G_VALUE_INIT;
  gchar *name = NULL;

  while (name == NULL && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElementFactory *f = gst_element_get_factory (g_value_get_object (&v));
    if (f != NULL && strstr (gst_element_factory_get_metadata (f,
                GST_ELEMENT_METADATA_KLASS), "Decoder/Video") != NULL)
      name = g_strdup (GST_OBJECT_NAME (f));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  gst_object_unref (r);
  return name;
}

/* The framerate the user sees at `pad` now. */
static void
note_frame_rate (seen *s, GstPad *pad)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gint n = 0, d = 0;

  if (caps != NULL) {
    gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
        "framerate", &n, &d);
    gst_caps_unref (caps);
  }
  if (n > 0)
    g_atomic_int_inc (&s->frames_at_rate);
  g_atomic_int_set (&s->fps_d, d);
  g_atomic_int_set (&s->fps_n, n);
}

static void
on_handoff (GstElement *identity, GstBuffer *buf, gpointer data)
{
  seen *s = data;
  GstPad *src = gst_element_get_static_pad (identity, "src");

  note_frame_rate (s, src);
  gst_object_unref (src);
  if (g_atomic_int_add (&s->video, 1) == 0) {
    GstPad *pad = gst_element_get_static_pad (identity, "src");
    GstCaps *caps = gst_pad_get_current_caps (pad);
    const GstStructure *st = gst_caps_get_structure (caps, 0);
    gst_structure_get_int (st, "width", &s->width);
    s->format = g_strdup (gst_structure_get_string (st, "format"));
    gst_structure_get_int (st, "height", &s->height);
    gst_caps_unref (caps);
    gst_object_unref (pad);
    s->decoder = video_decoder_in_r (identity);
  }
  g_main_context_wakeup (NULL);
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  seen *s = data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && s->error == NULL) {
    GError *err = NULL;
    gst_message_parse_error (msg, &err, NULL);
    s->error = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
        err->message);
    g_error_free (err);
  } else if (gst_message_has_name (msg, "tempchat/media")) {
    const GstStructure *st = gst_message_get_structure (msg);
    if (g_strcmp0 (gst_structure_get_string (st, "kind"), "video") == 0) {
      g_free (s->video_codec);
      s->video_codec = g_strdup (gst_structure_get_string (st, "codec"));
    }
  }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  seen *s;
  gint frames;
  gint frames_at_rate;         /* also this many with a framerate */
} enough_args;

static gboolean
enough_video (gpointer data)
{
  enough_args *a = data;
  return a->s->error != NULL || (g_atomic_int_get (&a->s->video) >= a->frames
      && g_atomic_int_get (&a->s->frames_at_rate) >= a->frames_at_rate);
}

/* Runs `pipe` (a tempchatsrc named r, an identity named v on the video)
 * until `frames` video buffers passed v; then ends it with EOS and frees
 * it. */
static void
receive_pipeline (GstElement *pipe, seen *s, gint frames, gint frames_at_rate)
{
  GstElement *v;
  GstBus *bus;
  GstMessage *msg;
  enough_args a = { s, frames, frames_at_rate };

  v = gst_bin_get_by_name (GST_BIN (pipe), "v");
  g_signal_connect (v, "handoff", G_CALLBACK (on_handoff), s);
  gst_object_unref (v);
  bus = gst_element_get_bus (pipe);
  gst_bus_add_watch (bus, on_bus, s);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_for (enough_video, &a));
  g_assert_cmpstr (s->error, ==, NULL);

  /* What gst-launch-1.0 -e does on Ctrl-C: the file gets its index. */
  gst_bus_remove_watch (bus);
  gst_element_send_event (pipe, gst_event_new_eos ());
  msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

/* receive_pipeline of the pipeline `desc` describes. */
static void
receive_at_rate (const char *desc, seen *s, gint frames, gint frames_at_rate)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);

  g_assert_no_error (err);
  receive_pipeline (pipe, s, frames, frames_at_rate);
}

static void
receive (const char *desc, seen *s, gint frames)
{
  receive_at_rate (desc, s, frames, 0);
}

static gchar *
room_for (const char *tag)
{
  return g_strdup_printf ("codecs-%s-%d-%u", tag, (int) getpid (),
      g_random_int ());
}

static gchar *
src_args (const char *room)
{
  return g_strdup_printf ("room=%s signaling-url=%s channel=" CHANNEL, room,
      the_relay.url);
}

/* ------------------------------------------------------------- recording */

/* gst-discoverer-1.0's report of `path`. */
static gchar *
discover (const char *path)
{
  gchar *out = NULL;
  gint status = -1;
  GError *err = NULL;
  const char *argv[] = { "gst-discoverer-1.0", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
          NULL, &status, &err));
  g_assert_no_error (err);
  g_assert_cmpint (status, ==, 0);
  return out;
}

/* "Duration: 0:00:02.345..." in seconds; -1 without one. */
static double
duration_of (const char *report)
{
  const char *d = strstr (report, "Duration: ");
  unsigned h, m;
  double sec;

  if (d == NULL || sscanf (d, "Duration: %u:%u:%lf", &h, &m, &sec) != 3)
    return -1;
  return h * 3600.0 + m * 60.0 + sec;
}

typedef struct {
  const char *codecs;          /* the sender's video-codecs */
  const char *discovered;      /* how gst-discoverer-1.0 names the codec */
  const char *mux;             /* matroskamux or mp4mux */
} recording_case;

/* The studio rig of issue 11: the guest recorded as it arrives, no
 * re-encoding. The file must say codec, size and duration. The encoded
 * caps get the sender's rate a few frames in (for H264 from the first
 * frame, h264parse reading it from our sender's SPS): the muxer must take
 * that change after its header, and the user sees 30/1. */
static void
test_recording (gconstpointer data)
{
  const recording_case *rc = data;
  gboolean mkv = g_str_equal (rc->mux, "matroskamux");
  gchar *room = room_for (mkv ? "mkv" : "mp4");
  gchar *file = g_build_filename (g_get_tmp_dir (), room, NULL);
  gchar *path = g_strconcat (file, mkv ? ".mkv" : ".mp4", NULL);
  gchar *args = src_args (room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r decode=false %s "
      "r.video_0 ! queue ! identity name=v signal-handoffs=true ! "
      "mux.video_%%u %s name=mux ! filesink location=%s "
      "r.audio_0 ! queue ! mux.audio_%%u", args, rc->mux, path);
  seen s = { 0 };
  GSubprocess *sender = sender_start (room, 640, 360, rc->codecs);
  gchar *report, *line;

  receive_at_rate (desc, &s, RECORDED_FRAMES, FRAMES_AT_RATE);
  sender_stop (sender);
  g_assert_cmpint (s.fps_n, ==, 30);
  g_assert_cmpint (s.fps_d, ==, 1);
  report = discover (path);
  g_test_message ("%s", report);
  line = g_strdup_printf ("video #1: %s", rc->discovered);
  g_assert_nonnull (strstr (report, mkv ? "container #0: Matroska" :
          "container #0: Quicktime"));
  g_assert_nonnull (strstr (report, line));
  g_assert_nonnull (strstr (report, "Width: 640\n"));
  g_assert_nonnull (strstr (report, "Height: 360\n"));
  g_assert_nonnull (strstr (report, ": Opus\n"));
  g_assert_nonnull (strstr (report, "Channels: 2"));
  g_assert_nonnull (strstr (report, "Sample rate: 48000"));
  /* 45 frames of a 30 fps source: at least a second and a half. */
  g_assert_cmpfloat (duration_of (report), >=, 1.4);
  g_assert_cmpfloat (duration_of (report), <, 60);

  g_unlink (path);
  g_free (line);
  g_free (report);
  g_free (s.format);
  g_free (s.video_codec);
  g_free (desc);
  g_free (args);
  g_free (path);
  g_free (file);
  g_free (room);
}

/* NULL: the default video-codecs, which must give AV1 as between two
 * TempChat pages. */
static const recording_case recordings[] = {
  { NULL, "AV1", "matroskamux" },
  { "vp9", "VP9", "matroskamux" },
  { "h264", "H.264", "matroskamux" },
  { "vp8", "VP8", "matroskamux" },
  /* MP4 has no VP8; GStreamer 1.22's mp4mux crashes on VP9 caps without
   * chroma-site (strcmp on NULL in gst_video_chroma_site_from_string),
   * which vp9parse leaves out. */
  { "av1", "AV1", "mp4mux" },
  { "h264", "H.264", "mp4mux" },
};

/* ------------------------------------------------------------ gst -> gst */

typedef struct {
  const char *codecs;          /* the sender's video-codecs */
  const char *codec;           /* what tempchat/media must say */
  int width, height;
  int fps;                     /* the sender's rate, what the caps must say;
                                * 0: 30, not judged */
  const char *decoder;         /* the decoder tempchatsrc must pick */
} decode_case;

/* The receiver's video-codecs stay the default: the sender's list alone
 * must decide, as a web page's would. The decoded caps say the sender's
 * rate (not 0/1) once its first frames have shown it, and the frames go
 * on at it. */
static void
test_decoded (gconstpointer data)
{
  const decode_case *dc = data;
  gchar *tag = g_strdup_printf ("dec-%s-%d-%d", dc->codecs, dc->height,
      dc->fps);
  gchar *room = room_for (tag);
  gchar *args = src_args (room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r %s r.video_0 ! queue ! "
      "identity name=v signal-handoffs=true ! fakesink sync=false "
      "r.audio_0 ! queue ! fakesink sync=false", args);
  seen s = { 0 };
  GSubprocess *sender = sender_start_at (room, dc->width, dc->height,
      dc->fps != 0 ? dc->fps : 30, dc->codecs, NULL);
  gint64 t0 = g_get_monotonic_time ();

  receive_at_rate (desc, &s, DECODED_FRAMES, dc->fps != 0 ? FRAMES_AT_RATE :
      0);
  g_test_message ("%s %dx%d at %d fps: %d frames decoded at %dx%d and %d/%d, "
      "%.1f s from start", dc->codec, dc->width, dc->height, dc->fps,
      g_atomic_int_get (&s.video), s.width, s.height, s.fps_n, s.fps_d,
      (g_get_monotonic_time () - t0) / 1e6);
  sender_stop (sender);
  if (dc->fps != 0) {
    g_assert_cmpint (s.fps_n, ==, dc->fps);
    g_assert_cmpint (s.fps_d, ==, 1);
  }
  g_assert_cmpstr (s.video_codec, ==, dc->codec);
  g_assert_cmpint (s.width, ==, dc->width);
  g_assert_cmpint (s.height, ==, dc->height);
  /* The negotiated profiles (AV1 0, VP9 0, H264 constrained baseline) are
   * 8-bit 4:2:0: a 4:4:4 stream (Y444) is one a browser need not decode. */
  g_assert_cmpstr (s.format, ==, "I420");
  g_assert_cmpstr (s.decoder, ==, dc->decoder);

  g_free (s.decoder);
  g_free (s.format);
  g_free (s.video_codec);
  g_free (desc);
  g_free (args);
  g_free (room);
  g_free (tag);
}

/* The rate changes the decoded caps a few frames in (0/1, then 15/1): a
 * re-encode into Matroska, which refuses a caps change after its header,
 * works with videorate fixing the encoder's rate, as for any source whose
 * rate is not known at the start. */
static void
test_decoded_reencoded_into_matroska (void)
{
  gchar *room = room_for ("reenc");
  gchar *file = g_build_filename (g_get_tmp_dir (), room, NULL);
  gchar *mkv = g_strconcat (file, ".mkv", NULL);
  gchar *args = src_args (room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r %s r.video_0 ! queue ! "
      "identity name=v signal-handoffs=true ! videoconvert ! videorate ! "
      "video/x-raw,framerate=30/1 ! x264enc tune=zerolatency "
      "speed-preset=ultrafast ! h264parse ! matroskamux ! filesink "
      "location=%s r.audio_0 ! queue ! fakesink", args, mkv);
  seen s = { 0 };
  GSubprocess *sender = sender_start_at (room, 640, 360, 15, "vp8", NULL);
  gchar *report;

  /* Two seconds at 15 fps after the change. */
  receive_at_rate (desc, &s, 1, 30);
  sender_stop (sender);
  g_assert_cmpint (s.fps_n, ==, 15);
  report = discover (mkv);
  g_test_message ("%s", report);
  g_assert_nonnull (strstr (report, "container #0: Matroska"));
  g_assert_nonnull (strstr (report, "video #1: H.264"));
  g_assert_nonnull (strstr (report, "Frame rate: 30/1"));
  g_assert_cmpfloat (duration_of (report), >=, 1.9);
  g_unlink (mkv);
  g_free (report);
  g_free (s.format);
  g_free (s.video_codec);
  g_free (desc);
  g_free (args);
  g_free (mkv);
  g_free (file);
  g_free (room);
}

/* A sink fed VP9 from the user's own encoder, with the default
 * video-codecs (AV1 first): the call must carry VP9 and nothing else. */
static void
test_encoded_input_restricts_the_call (void)
{
  gchar *room = room_for ("enc-vp9");
  gchar *args = src_args (room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r %s r.video_0 ! queue ! "
      "identity name=v signal-handoffs=true ! fakesink sync=false "
      "r.audio_0 ! queue ! fakesink sync=false", args);
  seen s = { 0 };
  GSubprocess *sender = sender_start_encoded (room, 640, 360, NULL,
      "vp9enc deadline=1 cpu-used=8 lag-in-frames=0 keyframe-max-dist=30");

  receive (desc, &s, DECODED_FRAMES);
  sender_stop (sender);
  g_assert_cmpstr (s.video_codec, ==, "VP9");
  g_assert_cmpint (s.width, ==, 640);
  g_assert_cmpint (s.height, ==, 360);
  g_free (s.format);
  g_free (s.video_codec);
  g_free (desc);
  g_free (args);
  g_free (room);
}


/* ---------------------------------------------------------------- L1T3 */

/* A receiver of an L1T3 stream that keeps only TID 0, as a forwarder does
 * for a slow peer: beside a decoder of the whole stream, a second decoder
 * gets only the frames whose layer meta says TID 0. Each picture it
 * decodes must be the very picture the first decoder made at that time:
 * TID 0 frames refer to TID 0 frames only, so nothing else may matter.
 * Midway the second decoder asks for a keyframe (an upstream
 * force-key-unit, which tempchatsrc turns into a PLI): the sender's
 * keyframe must come at the start of the pattern, which runs on unbroken. */
#define LAYER_KEPT_FRAMES 20    /* about 80 frames of the whole stream */
#define LAYER_ASK_KEY_AT 5      /* kept frames before the keyframe request */

typedef struct {
  GMutex lock;
  GHashTable *full;            /* pts -> checksum of the whole-stream decode */
  GHashTable *kept;            /* pts -> checksum, TID 0 only */
  GArray *tids;                /* every TID seen, in order */
  GArray *keyframes;           /* their indexes in tids */
  gboolean asked;              /* the keyframe request went upstream */
  guint asked_at;              /* frames seen (tids->len) by then */
  guint answered_at;           /* the first keyframe after it; 0: none */
  guint without_meta;          /* encoded frames without a layer meta */
  guint64 bytes[3];            /* encoded bytes per TID (0..2) */
  gchar *error;
} layer_seen;

static gchar *
picture_checksum (GstBuffer *buf)
{
  GstMapInfo map;
  gchar *sum;

  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  return sum;
}

static void
record_picture (GHashTable *into, layer_seen *ls, GstBuffer *buf)
{
  gchar *sum = picture_checksum (buf);

  g_mutex_lock (&ls->lock);
  g_hash_table_insert (into, g_memdup2 (&GST_BUFFER_PTS (buf),
          sizeof (GstClockTime)), sum);
  g_mutex_unlock (&ls->lock);
  g_main_context_wakeup (NULL);
}

static void
on_full (GstElement *identity, GstBuffer *buf, gpointer data)
{
  layer_seen *ls = data;
  record_picture (ls->full, ls, buf);
}

static void
on_kept (GstElement *identity, GstBuffer *buf, gpointer data)
{
  layer_seen *ls = data;
  gboolean ask;

  record_picture (ls->kept, ls, buf);
  g_mutex_lock (&ls->lock);
  ask = !ls->asked && g_hash_table_size (ls->kept) >= LAYER_ASK_KEY_AT;
  ls->asked |= ask;
  if (ask)
    ls->asked_at = ls->tids->len;
  g_mutex_unlock (&ls->lock);
  if (ask) {
    /* What gst_video_event_new_upstream_force_key_unit () makes. */
    GstPad *pad = gst_element_get_static_pad (identity, "sink");
    gst_pad_push_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
            gst_structure_new ("GstForceKeyUnit", "all-headers",
                G_TYPE_BOOLEAN, TRUE, "count", G_TYPE_UINT, 0, NULL)));
    gst_object_unref (pad);
  }
}

/* Before the second decoder: notes each frame's TID, passes TID 0. */
static GstPadProbeReturn
drop_upper_layers (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  layer_seen *ls = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buf, "TempchatLayerMeta");
  guint tid = 0;

  g_mutex_lock (&ls->lock);
  if (meta == NULL)
    ls->without_meta++;
  else
    gst_structure_get_uint (gst_custom_meta_get_structure (meta),
        "temporal-id", &tid);
  ls->bytes[MIN (tid, 2)] += gst_buffer_get_size (buf);
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    g_array_append_val (ls->keyframes, ls->tids->len);
    if (ls->asked && ls->answered_at == 0)
      ls->answered_at = ls->tids->len;
  }
  g_array_append_val (ls->tids, tid);
  g_mutex_unlock (&ls->lock);
  return tid > 0 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static gboolean
enough_kept (gpointer data)
{
  layer_seen *ls = data;
  gboolean done;

  g_mutex_lock (&ls->lock);
  done = ls->error != NULL
      || (g_hash_table_size (ls->kept) >= LAYER_KEPT_FRAMES
          && ls->answered_at > 0);
  g_mutex_unlock (&ls->lock);
  return done;
}

/* A decoder's warning: GstVideoDecoder posts the frames it could not
 * decode as warnings (up to its max-errors). */
static gboolean
from_decoder (GstMessage *msg)
{
  GstElementFactory *f = GST_IS_ELEMENT (msg->src)
      ? gst_element_get_factory (GST_ELEMENT (msg->src)) : NULL;
  return f != NULL && g_str_has_suffix (GST_OBJECT_NAME (f), "dec");
}

/* Errors, and the decoders' warnings, fail the test. */
static gboolean
on_layer_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  layer_seen *ls = data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
      || (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING
          && from_decoder (msg))) {
    GError *err = NULL;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &err, NULL);
    else
      gst_message_parse_warning (msg, &err, NULL);
    g_mutex_lock (&ls->lock);
    if (ls->error == NULL)
      ls->error = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
          err->message);
    g_mutex_unlock (&ls->lock);
    g_error_free (err);
  }
  return G_SOURCE_CONTINUE;
}

static void
run_layer_receiver (const char *desc, layer_seen *ls)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *e;
  GstPad *pad;
  GstBus *bus;

  g_assert_no_error (err);
  e = gst_bin_get_by_name (GST_BIN (pipe), "full");
  g_signal_connect (e, "handoff", G_CALLBACK (on_full), ls);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (pipe), "kept");
  g_signal_connect (e, "handoff", G_CALLBACK (on_kept), ls);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (pipe), "layers");
  pad = gst_element_get_static_pad (e, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, drop_upper_layers, ls,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
  bus = gst_element_get_bus (pipe);
  gst_bus_add_watch (bus, on_layer_bus, ls);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_for (enough_kept, ls));
  gst_bus_remove_watch (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

typedef struct {
  const char *codecs;
  const char *decoder;
} layer_case;

static void
test_l1t3_upper_layers_droppable (gconstpointer data)
{
  const layer_case *lc = data;
  gchar *tag = g_strdup_printf ("l1t3-%s", lc->codecs);
  gchar *room = room_for (tag);
  gchar *args = src_args (room);
  /* No queue before the tee: both branches see the frames in order. */
  gchar *desc = g_strdup_printf ("tempchatsrc name=r decode=false %s "
      "r.video_0 ! tee name=t "
      "t. ! queue ! %s ! identity name=full signal-handoffs=true ! "
      "fakesink sync=false "
      "t. ! queue ! identity name=layers ! %s ! identity name=kept "
      "signal-handoffs=true ! fakesink sync=false "
      "r.audio_0 ! queue ! fakesink sync=false", args, lc->decoder,
      lc->decoder);
  layer_seen ls = { 0 };
  GSubprocess *sender = sender_start (room, 640, 360, lc->codecs);
  GHashTableIter it;
  gpointer pts, sum;
  guint matched = 0, full_n, kept_n;

  g_mutex_init (&ls.lock);
  ls.full = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      g_free);
  ls.kept = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      g_free);
  ls.tids = g_array_new (FALSE, FALSE, sizeof (guint));
  ls.keyframes = g_array_new (FALSE, FALSE, sizeof (guint));
  run_layer_receiver (desc, &ls);
  sender_stop (sender);

  g_assert_cmpstr (ls.error, ==, NULL);
  g_assert_cmpuint (ls.without_meta, ==, 0);
  /* The pattern from the first keyframe on, 0 2 1 2 0 2 1 2 ..., across
   * the asked-for keyframe too, which came at its start. */
  GString *seq = g_string_new (NULL);
  for (guint i = 0; i < ls.tids->len; i++) {
    static const guint pattern[] = { 0, 2, 1, 2 };
    if (i < 12)
      g_string_append_printf (seq, "%u ", g_array_index (ls.tids, guint, i));
    g_assert_cmpuint (g_array_index (ls.tids, guint, i), ==, pattern[i % 4]);
  }
  g_assert_cmpuint (ls.answered_at, >, ls.asked_at);
  g_assert_cmpuint (g_array_index (ls.keyframes, guint, 0), ==, 0);
  for (guint i = 0; i < ls.keyframes->len; i++)
    g_assert_cmpuint (g_array_index (ls.keyframes, guint, i) % 4, ==, 0);
  /* Every TID 0 picture the second decoder made is the one the first made
   * at that time. */
  g_hash_table_iter_init (&it, ls.kept);
  while (g_hash_table_iter_next (&it, &pts, &sum)) {
    const gchar *whole = g_hash_table_lookup (ls.full, pts);
    if (whole != NULL) {
      g_assert_cmpstr (sum, ==, whole);
      matched++;
    }
  }
  full_n = g_hash_table_size (ls.full);
  kept_n = g_hash_table_size (ls.kept);
  g_test_message ("%s: TIDs %s...; %u of %u frames decoded with TID 1 and 2 "
      "dropped, %u compared and identical; keyframe asked for at frame %u, "
      "came as frame %u; bytes by TID 0/1/2: %.0f/%.0f/%.0f %%", lc->codecs,
      seq->str, kept_n, full_n, matched, ls.asked_at, ls.answered_at,
      100.0 * ls.bytes[0] / (ls.bytes[0] + ls.bytes[1] + ls.bytes[2]),
      100.0 * ls.bytes[1] / (ls.bytes[0] + ls.bytes[1] + ls.bytes[2]),
      100.0 * ls.bytes[2] / (ls.bytes[0] + ls.bytes[1] + ls.bytes[2]));
  /* The first decoder may be a frame or two behind when the count is
   * reached; every kept picture but those must have been compared. */
  g_assert_cmpuint (matched + 2, >=, kept_n);
  /* A quarter of the frame rate. */
  g_assert_cmpuint (kept_n * 4, >=, full_n - 4);
  g_assert_cmpuint (kept_n * 4, <=, full_n + 12);

  g_string_free (seq, TRUE);
  g_array_unref (ls.tids);
  g_array_unref (ls.keyframes);
  g_hash_table_unref (ls.full);
  g_hash_table_unref (ls.kept);
  g_free (ls.error);
  g_mutex_clear (&ls.lock);
  g_free (desc);
  g_free (args);
  g_free (room);
  g_free (tag);
}

/* ------------------------------------------------- a detailed first frame */

#define START_BPS 500000          /* quality=360p's start */
#define AFTER_KEY_FRAMES 29       /* the rest of the first second */

typedef struct {
  GMutex lock;
  GArray *sizes;               /* guint, of the first frames received */
  gboolean first_is_key;
} sizes_seen;

static void
on_encoded (GstElement *identity, GstBuffer *buf, gpointer data)
{
  sizes_seen *z = data;
  guint n = (guint) gst_buffer_get_size (buf);

  (void) identity;
  g_mutex_lock (&z->lock);
  if (z->sizes->len == 0)
    z->first_is_key = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  if (z->sizes->len <= AFTER_KEY_FRAMES)
    g_array_append_val (z->sizes, n);
  g_mutex_unlock (&z->lock);
}

/* A camera's picture is detailed, and its first keyframe is where an
 * encoder's rate control shows. With the encoders' own buffer (6 s,
 * starting at 4 s) the keyframe of a moving zone plate at 360p took
 * 0.59-1.56 s of the start bitrate here: the pacer needs 1/2.5 of that to
 * send it, all of it before the first frame shows. With a browser's buffer
 * (1 s, from 0.5-0.6 s; for VP8 and VP9 an intra cap too): 0.18-0.38 s
 * (H264: x264enc's own 600 ms VBV buffer holds it to 0.28 s). The frames
 * after it must still get most of their share (69-87 % here; a keyframe
 * capped by starving them would blur the first second). The receiver
 * checks both on the frames as they arrive (decode=false). */
static void
test_detailed_first_second (gconstpointer data)
{
  const char *codecs = data;
  gchar *tag = g_strdup_printf ("detail-%s", codecs);
  gchar *room = room_for (tag);
  gchar *args = src_args (room);
  gchar *desc = g_strdup_printf ("tempchatsrc name=r decode=false %s "
      "r.video_0 ! identity name=k signal-handoffs=true ! "
      "identity name=v signal-handoffs=true ! fakesink sync=false "
      "r.audio_0 ! fakesink sync=false", args);
  sizes_seen z = { .sizes = g_array_new (FALSE, FALSE, sizeof (guint)) };
  GstElement *k;
  seen s = { 0 };
  GSubprocess *sender = sender_spawn (room, "pattern=zone-plate kx2=20 "
      "ky2=20 kt=1", 640, 360, 30, codecs, "360p", NULL);
  GError *err = NULL;
  GstElement *pipe;
  guint64 after = 0;

  g_mutex_init (&z.lock);
  pipe = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  k = gst_bin_get_by_name (GST_BIN (pipe), "k");
  g_signal_connect (k, "handoff", G_CALLBACK (on_encoded), &z);
  gst_object_unref (k);
  receive_pipeline (pipe, &s, AFTER_KEY_FRAMES + 1, 0);
  sender_stop (sender);

  g_assert_cmpuint (z.sizes->len, ==, AFTER_KEY_FRAMES + 1);
  for (guint i = 1; i <= AFTER_KEY_FRAMES; i++)
    after += g_array_index (z.sizes, guint, i);
  guint key = g_array_index (z.sizes, guint, 0);
  double key_s = key * 8.0 / START_BPS;
  double share = after * 8.0 / (START_BPS * AFTER_KEY_FRAMES / 30.0);
  g_test_message ("%s: first keyframe %u bytes (%.2f s of the start "
      "bitrate), the %d frames after it %" G_GUINT64_FORMAT " bytes (%.0f %% "
      "of their share)", codecs, key, key_s, AFTER_KEY_FRAMES, after,
      share * 100);
  gchar *codec = g_ascii_strup (codecs, -1);
  g_assert_cmpstr (s.video_codec, ==, codec);
  g_free (codec);
  g_assert_true (z.first_is_key);
  g_assert_cmpfloat (key_s, <=, 0.5);
  g_assert_cmpfloat (share, >=, 0.45);

  g_free (s.decoder);
  g_free (s.format);
  g_free (s.video_codec);
  g_array_unref (z.sizes);
  g_mutex_clear (&z.lock);
  g_free (desc);
  g_free (args);
  g_free (room);
  g_free (tag);
}

static const char *const detailed_cases[] = { "vp8", "vp9", "av1", "h264" };

static const layer_case layer_cases[] = {
  { "vp8", "vp8dec" }, { "vp9", "vp9dec" },
};

/* The rate is judged at 360p: a 720p sender on this small shared machine
 * may drop every other frame before its encoder for a while (it cannot
 * keep up), and then 15/1 is what arrives (AV1 seen so while a build ran
 * beside it). */
static const decode_case decodes[] = {
  { "av1", "AV1", 640, 360, 30, AV1_DECODER },
  { "av1", "AV1", 1280, 720, 0, AV1_DECODER },
  { "vp9", "VP9", 640, 360, 30, "vp9dec" },
  { "vp9", "VP9", 1280, 720, 0, "vp9dec" },
  { "h264", "H264", 640, 360, 30, "avdec_h264" },
  { "h264", "H264", 1280, 720, 0, "avdec_h264" },
  { "vp8", "VP8", 640, 360, 30, "vp8dec" },
  { "vp8", "VP8", 1280, 720, 0, "vp8dec" },
  { "av1", "AV1", 640, 360, 15, AV1_DECODER },
  { "vp8", "VP8", 640, 360, 15, "vp8dec" },
  { "av1", "AV1", 1920, 1080, 0, AV1_DECODER },
  { "vp9", "VP9", 1920, 1080, 0, "vp9dec" },
  { "h264", "H264", 1920, 1080, 0, "avdec_h264" },
  { "vp8", "VP8", 1920, 1080, 0, "vp8dec" },
};

int
main (int argc, char **argv)
{
  gchar *reg = gst_test_private_registry ("tc-gst-codecs");
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  relay_start (&the_relay);

  for (gsize i = 0; i < G_N_ELEMENTS (decodes); i++) {
    gchar *path = decodes[i].fps != 0 ? g_strdup_printf ("/gst/codecs/%s-%dp-"
        "%dfps-decoded-at-the-senders-size-and-rate", decodes[i].codecs,
        decodes[i].height, decodes[i].fps) : g_strdup_printf ("/gst/codecs/"
        "%s-%dp-decoded-at-the-senders-size", decodes[i].codecs,
        decodes[i].height);
    g_test_add_data_func (path, &decodes[i], test_decoded);
    g_free (path);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (layer_cases); i++) {
    gchar *path = g_strdup_printf ("/gst/codecs/%s-l1t3-decodes-every-tid0-"
        "frame-with-upper-layers-dropped", layer_cases[i].codecs);
    g_test_add_data_func (path, &layer_cases[i],
        test_l1t3_upper_layers_droppable);
    g_free (path);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (detailed_cases); i++) {
    gchar *path = g_strdup_printf ("/gst/codecs/%s-detailed-first-keyframe-"
        "at-most-half-a-second-of-the-start-bitrate-and-the-next-frames-not-"
        "starved", detailed_cases[i]);
    g_test_add_data_func (path, detailed_cases[i],
        test_detailed_first_second);
    g_free (path);
  }
  g_test_add_func ("/gst/codecs/decoded-reencoded-through-videorate-into-"
      "matroska", test_decoded_reencoded_into_matroska);
  g_test_add_func ("/gst/codecs/encoded-vp9-input-restricts-the-call-to-vp9",
      test_encoded_input_restricts_the_call);
  for (gsize i = 0; i < G_N_ELEMENTS (recordings); i++) {
    gchar *path = g_strdup_printf ("/gst/codecs/decode-false-%s-records-"
        "into-%s%s", recordings[i].codecs != NULL ?
        recordings[i].codecs : "av1", g_str_equal (recordings[i].mux,
            "mp4mux") ? "mp4" : "matroska", recordings[i].codecs != NULL ?
        "" : "-by-default");
    g_test_add_data_func (path, &recordings[i], test_recording);
    g_free (path);
  }

  ret = g_test_run ();
  relay_stop (&the_relay);
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
