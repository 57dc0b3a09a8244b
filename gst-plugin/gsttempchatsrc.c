/* gsttempchatsrc.c - receives the remote participant of a TempChat room.
 *
 * A bin with sometimes pads video_%u and audio_%u. When the call negotiates
 * a track (or its first frame arrives) the element builds, off the session
 * thread,
 *   appsrc (is-live, TIME) ! tempchatav1dec (else av1dec) | vp9dec
 *                            | avdec_h264 | vp8dec | opusdec   (decode=true)
 *   appsrc (is-live, TIME) [! av1parse | vp9parse | h264parse]
 *                                                  (decode=false)
 * and exposes the last element's src pad. The session's frames are pushed
 * into the appsrc with their times mapped to running time.
 */

/**
 * SECTION:element-tempchatsrc
 * @title: tempchatsrc
 * @see_also: tempchatsink, tempchatav1dec, vp9dec, avdec_h264, vp8dec,
 *     opusdec
 *
 * Joins a TempChat room as the other participant of a 1-on-1 call and
 * outputs the peer's camera and microphone: a "video_%u" pad and an
 * "audio_%u" pad appear once the call has negotiated them. Output is decoded
 * (raw video, raw audio) by default; with decode=false it is the encoded
 * video (AV1, VP9, H264 or VP8, as the call negotiated) and Opus as
 * received, with the caps muxers need: size and stream format from
 * av1parse, vp9parse or h264parse, the keyframe's size for VP8, rate,
 * channels and stream headers for Opus. A renegotiation that changes the
 * codec keeps the pad and swaps the decoder (or parser) behind it.
 *
 * Video caps carry the sender's frame rate, measured from the first
 * frames' timestamps without holding any, so it arrives as a caps change
 * about half a second in: decoded video goes from 0/1 to the rate at once
 * (re-encoding into Matroska wants videorate before the encoder); encoded
 * video gets it added with the next keyframe, which the element asks for
 * (matroskamux and mp4mux take that; H264 keeps h264parse's rate).
 *
 * It is a live source: it produces only in PLAYING. Its latency adapts to
 * the network by default (#GstTempchatSrc:latency=0): the call measures how
 * late each frame arrives against its timestamp (jitter, reordering, the
 * time a NACK retransmission takes) and the element reports what that
 * needs, a few tens of milliseconds on a clean network, more under jitter
 * and loss, less again when the network calms down; each change is posted
 * as a LATENCY message (gst-launch-1.0 and applications that call
 * gst_bin_recalculate_latency() on it follow). #GstTempchatSrc:current-latency
 * says what it is now. A fixed #GstTempchatSrc:latency trades delay for a
 * steady pipeline latency. Timestamps follow the sender's clock on a time
 * line placed at the lowest delay the network has shown, and the RTCP
 * sender reports put both pads on one time line, so they stay in sync.
 *
 * When the peer leaves, the pads stay: they simply carry nothing until the
 * next peer joins the room, then continue (with a discontinuity, starting
 * at a keyframe). A "tempchat/peer-left" element message tells the
 * application. A failed call is a warning plus "tempchat/call-failed"
 * (status, reason), not an error: the element stays in the room. A lost
 * signaling connection does not end a call whose media flows. No EOS is sent: the call waits in the room until the element
 * is stopped, or until EOS is sent to it (gst-launch-1.0 -e on Ctrl-C):
 * then its pads end, and if the call has not added a video or an audio pad
 * yet, an empty one is added that carries only EOS, so the sinks meant for
 * it finish and the pipeline ends at once.
 *
 * A tempchatsink naming the same room, channel and signaling-url in the same
 * process shares the call, so one pipeline can be both sides of a two-way
 * call. A tempchatsrc started later (in another pipeline too) joins a
 * running send-only call: the call is renegotiated and its pads appear when
 * the peer agrees to send.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 tempchatsrc name=call room="https://tempchat.example/#abc123" \
 *     channel=CHANNEL_ID call.video_0 ! queue ! videoconvert ! autovideosink \
 *     call.audio_0 ! queue ! audioconvert ! autoaudiosink
 * ]| Shows the browser's camera and plays its microphone.
 * |[
 * gst-launch-1.0 tempchatsrc name=call room=abc123 channel=CHANNEL_ID decode=false \
 *     call.video_0 ! queue ! mux.video_%u matroskamux name=mux ! \
 *     filesink location=call.mkv call.audio_0 ! queue ! mux.audio_%u
 * ]| Records the call without re-encoding (the muxer's pads named: a queue
 * says nothing of its caps when the pipeline is built).
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! tempchatsink name=out room=abc123 \
 *     channel=CHANNEL_ID pulsesrc ! out.audio \
 *     tempchatsrc name=in room=abc123 channel=CHANNEL_ID \
 *     in.video_0 ! queue ! videoconvert ! autovideosink \
 *     in.audio_0 ! queue ! audioconvert ! autoaudiosink
 * ]| A two-way call: one participant, sending and receiving.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/app/gstappsrc.h>
#include <gst/audio/gstaudiodecoder.h>
#include <gst/pbutils/codec-utils.h>
#include <gst/video/video.h>

#include "tempchat/tc_frame_rate.h"
#include "tempchat/tc_frame_size.h"

#include "tempchat/tc_room.h"
#include "gsttempchat.h"
#include "gsttempchatcall.h"
#include "gsttempchatcodecs.h"
#include "gsttempchatfec.h"
#include "gsttempchatevents.h"
#include "gsttempchatprops.h"

#define GST_CAT_DEFAULT tempchat_debug

#define GST_TYPE_TEMPCHAT_SRC (gst_tempchat_src_get_type ())
G_DECLARE_FINAL_TYPE (GstTempchatSrc, gst_tempchat_src, GST, TEMPCHAT_SRC,
    GstBin);

#define DEFAULT_DECODE TRUE
/* 0: adaptive, what the call's playout delay says. */
#define DEFAULT_LATENCY_MS 0
/* Reported while adaptive before the first frame says more. */
#define ADAPTIVE_START_MS 20
/* Frames kept while a pad is being created; beyond it video waits for the
 * next keyframe. */
#define MAX_PENDING 120
/* Encoded bytes an appsrc may hold for its decoder (about four seconds of
 * 1080p): a stalled downstream makes us drop, never grow. */
#define MAX_QUEUED_BYTES (3u << 20)
/* The RTP clock of every video payload format. */
#define VIDEO_CLOCK_RATE 90000

enum
{
  PROP_DECODE = GST_TEMPCHAT_PROP_LAST,
  PROP_LATENCY,
  PROP_CURRENT_LATENCY,
};

enum
{
  SIGNAL_REQUEST_ENCODED_FILTER,
  N_SIGNALS
};

static guint src_signals[N_SIGNALS];

enum
{
  STREAM_AUDIO,
  STREAM_VIDEO,
  N_STREAMS
};

typedef struct
{
  tc_media_kind kind;
  tc_sdp_codec codec;
  GstElement *appsrc;           /* set once exposed */
  GPtrArray *elements;
  GstPad *ghost;
  gboolean need_keyframe;       /* video: drop until a keyframe */
  gboolean discont;
  GQueue pending;               /* GstBuffer, before the pad exists */
  guint width, height;          /* video: of the last keyframe, 0 unknown */
  gboolean decoding;            /* the chain ends in a decoder */
  GstElement *tail;             /* that decoder or parser; NULL: none */
  gboolean swap_scheduled;      /* a codec change waits for the pool */
  tc_frame_rate_probe rate;     /* video: the first frames' RTP times */
  guint fps_n, fps_d;           /* video: in the caps once known; 0: none */
  gboolean rate_pending;        /* encoded: the rate waits for a keyframe */
} SrcStream;

struct _GstTempchatSrc
{
  GstBin parent;

  GstTempchatSettings settings; /* object lock */
  gboolean decode;
  guint latency_ms;             /* the property: 0 adaptive */
  guint current_latency_ms;     /* what is reported */

  GstTempchatCall *call;        /* between READY and NULL */
  GstTempchatPeerInfo peer;     /* session thread only */

  GMutex lock;                  /* the fields below */
  gboolean running;             /* between READY->PAUSED and PAUSED->READY */
  gboolean eos;                 /* EOS was sent to us: no new media */
  SrcStream *streams[N_STREAMS];
  guint pad_count[N_STREAMS];
  gboolean receives[N_STREAMS]; /* the call negotiated receiving it */
  gboolean no_more_pads;        /* signalled for the current set */
};

static GstStaticPadTemplate video_template =
GST_STATIC_PAD_TEMPLATE ("video_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("video/x-raw; video/x-vp8; video/x-vp9; video/x-av1; "
        "video/x-h264"));

static GstStaticPadTemplate audio_template =
GST_STATIC_PAD_TEMPLATE ("audio_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("audio/x-raw; audio/x-opus"));

G_DEFINE_TYPE (GstTempchatSrc, gst_tempchat_src, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (tempchatsrc, "tempchatsrc", GST_RANK_NONE,
    GST_TYPE_TEMPCHAT_SRC);

static void
stream_free (SrcStream *st)
{
  g_queue_clear_full (&st->pending, (GDestroyNotify) gst_buffer_unref);
  if (st->elements != NULL)
    g_ptr_array_free (st->elements, TRUE);
  g_free (st);
}

/* ------------------------------------------------------ exposing a pad */

/* Returns a new element we hold a reference to (not floating). */
static GstElement *
make (GstTempchatSrc *self, const gchar *factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("The GStreamer element \"%s\" is missing; install the plugin "
            "package that provides it (gstreamer1.0-plugins-base or -good).",
            factory), (NULL));
    return NULL;
  }
  return gst_object_ref_sink (e);
}

/* webrtcsrc's request-encoded-filter: the application may put an element
 * of its own between the encoded stream and the decoder (or the pad). */
static void
add_encoded_filter (GstTempchatSrc *self, SrcStream *st,
    const GstTempchatCodec *info)
{
  GstCaps *caps = gst_caps_from_string (info->caps);
  GstElement *filter = NULL;

  g_signal_emit (self, src_signals[SIGNAL_REQUEST_ENCODED_FILTER], 0,
      st->kind == TC_MEDIA_VIDEO ? "video" : "audio", caps, &filter);
  gst_caps_unref (caps);
  if (filter == NULL)
    return;
  GST_INFO_OBJECT (self, "the application filters the encoded %s",
      st->kind == TC_MEDIA_VIDEO ? "video" : "audio");
  /* (transfer full): a floating reference is ours once sunk. */
  if (g_object_is_floating (filter))
    gst_object_ref_sink (filter);
  g_ptr_array_add (st->elements, filter);
}

/* Opus caps with the stream headers (OpusHead and OpusTags) that muxers
 * write into the file (matroskamux, mp4mux, oggmux). The web client sends
 * 48 kHz stereo (channel mapping family 0); RTP carries no pre-skip. */
static GstCaps *
opus_caps (void)
{
  GstBuffer *head = gst_codec_utils_opus_create_header (48000, 2, 0, 1, 1,
      NULL, 0, 0);
  GstCaps *caps = gst_codec_utils_opus_create_caps_from_header (head, NULL);

  gst_buffer_unref (head);
  return caps;
}

/* The encoded caps of `st`, with the size of its last keyframe where we know
 * it; muxers (matroskamux, webmmux) refuse VP8 and VP9 without one. */
static GstCaps *
stream_caps (const SrcStream *st, const GstTempchatCodec *info)
{
  GstCaps *caps = st->codec == TC_SDP_CODEC_OPUS ? opus_caps () :
      gst_caps_from_string (info->caps);

  if (st->kind == TC_MEDIA_VIDEO && st->width > 0 && st->height > 0)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, (gint) st->width,
        "height", G_TYPE_INT, (gint) st->height, NULL);
  if (st->kind == TC_MEDIA_VIDEO && st->fps_n > 0)
    gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION,
        (gint) st->fps_n, (gint) st->fps_d, NULL);
  return caps;
}

/* Encoded VP8 without a size would stop a muxer with not-negotiated: such
 * caps wait for the first keyframe (nothing is pushed before it anyway). */
static gboolean
caps_complete (const SrcStream *st, const GstTempchatCodec *info, gboolean decode)
{
  return decode || st->kind != TC_MEDIA_VIDEO || info->parser != NULL
      || st->width > 0;
}

/* appsrc carries buffers only, and GstAudioDecoder drops empty ones: the
 * marker on_audio_lost pushes (empty, GAP flag) becomes the gap event that
 * makes opusdec conceal, in its place in the stream. */
static GstPadProbeReturn
gap_buffer_to_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (gst_buffer_get_size (buf) != 0
      || !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP))
    return GST_PAD_PROBE_OK;
  gst_pad_push_event (pad, gst_event_new_gap (GST_BUFFER_PTS (buf),
          GST_BUFFER_DURATION (buf)));
  return GST_PAD_PROBE_DROP;
}

/* A keyframe asked for downstream (a decoder that lost its reference, an
 * application starting a recording) is asked of the peer: a PLI. */
static GstPadProbeReturn
keyframe_request_to_peer (GstPad *pad, GstPadProbeInfo *info,
    gpointer user_data)
{
  GstTempchatSrc *self = user_data;

  (void) pad;
  if (!gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&self->lock);
  if (self->call != NULL)
    gst_tempchat_call_request_keyframe (self->call);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "keyframe asked for downstream: PLI");
  return GST_PAD_PROBE_OK;
}

/* The element that ends a chain of `info`'s codec: its decoder (the first
 * this machine has; else the last listed, which make() names as missing)
 * or, encoded, its parser; NULL: none. */
static const gchar *
tail_factory (const GstTempchatCodec *info, gboolean decode)
{
  const gchar *name;
  gsize n = 0;

  if (!decode)
    return info->parser;
  name = gst_tempchat_codec_decoder (info);
  if (name != NULL)
    return name;
  while (info->decoders[n + 1] != NULL)
    n++;
  return info->decoders[n];
}

/* Builds appsrc [! filter] [! decoder or parser] of `codec` for `st` (not
 * yet in the bin). */
static gboolean
build_chain (GstTempchatSrc *self, SrcStream *st, tc_sdp_codec codec,
    gboolean decode, guint latency_ms)
{
  const GstTempchatCodec *info = gst_tempchat_codec_get (codec);
  GstElement *appsrc, *dec = NULL;
  const gchar *tail;
  GstCaps *caps;

  if (info == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, CODEC_NOT_FOUND,
        ("The call negotiated the %s codec, which tempchatsrc cannot "
            "output.", tc_sdp_codec_name (codec)), (NULL));
    return FALSE;
  }
  appsrc = make (self, "appsrc");
  if (appsrc == NULL)
    return FALSE;
  tail = tail_factory (info, decode);
  dec = tail != NULL ? make (self, tail) : NULL;
  if (tail != NULL && dec == NULL) {
    gst_object_unref (appsrc);
    return FALSE;
  }
  if (decode && st->kind == TC_MEDIA_AUDIO) {
    /* Lost audio arrives as gap events (on_audio_lost): conceal it, from
     * the next packet's in-band FEC once the sender adds it (holding a
     * packet back for it costs every branch that much latency:
     * gsttempchatfec.h). */
    gst_tempchat_fec_follow_sender (dec);
    g_object_set (dec, "plc", TRUE,
        /* Every decoded packet takes our timestamp (0: GstAudioDecoder
         * resyncs on each one). A tolerance lets it count samples from
         * the first packet instead while our times move less than that,
         * and the first packets' times are the furthest from the line they
         * move onto (lip sync, media_clock.h): a call kept up to the
         * tolerance of A/V offset for ever, a different amount each call
         * (measured on loopback: 5.8 ms, 9.5 ms in a call with 10; 0 to
         * 0.1 ms with 0). */
        "tolerance", (gint64) 0, NULL);
    GstPad *pad = gst_element_get_static_pad (appsrc, "src");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, gap_buffer_to_event,
        NULL, NULL);
    gst_object_unref (pad);
  }
  if (st->kind == TC_MEDIA_VIDEO) {
    GstPad *pad = gst_element_get_static_pad (appsrc, "src");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        keyframe_request_to_peer, self, NULL);
    gst_object_unref (pad);
  }
  /* A codec changed meanwhile gets its caps with the swap that follows. */
  g_mutex_lock (&self->lock);
  caps = st->codec == codec && caps_complete (st, info, decode) ?
      stream_caps (st, info) : NULL;
  g_mutex_unlock (&self->lock);
  g_object_set (appsrc, "caps", caps, "is-live", TRUE,
      "format", GST_FORMAT_TIME, "do-timestamp", FALSE,
      "min-latency", (gint64) (latency_ms * GST_MSECOND),
      /* The session thread must never block on us. */
      "block", FALSE, "max-bytes", (guint64) 0, NULL);
  if (caps != NULL)
    gst_caps_unref (caps);
  st->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  st->decoding = decode;
  g_ptr_array_add (st->elements, appsrc);
  add_encoded_filter (self, st, info);
  if (dec != NULL)
    g_ptr_array_add (st->elements, dec);
  st->tail = dec;
  return TRUE;
}


/* `tempchatsrc room=x ! sink` links only the first pad that appears; a second
 * pad left unlinked must not end the call with not-linked (the way tee's
 * allow-not-linked works), so its buffers are dropped until it is linked. */
static GstPadProbeReturn
drop_while_unlinked (GstPad *pad, GstPadProbeInfo *info, gpointer ghost)
{
  return gst_pad_is_linked (GST_PAD (ghost)) ? GST_PAD_PROBE_OK :
      GST_PAD_PROBE_DROP;
}

/* The sender's rate in `caps` (a copy) when it differs; NULL otherwise.
 * self->lock taken. */
static GstCaps *
caps_with_rate (GstTempchatSrc *self, GstCaps *caps)
{
  const GstStructure *s;
  gint n = 0, d = 0, have_n = 0, have_d = 1;

  g_mutex_lock (&self->lock);
  if (self->streams[STREAM_VIDEO] != NULL) {
    n = (gint) self->streams[STREAM_VIDEO]->fps_n;
    d = (gint) self->streams[STREAM_VIDEO]->fps_d;
  }
  g_mutex_unlock (&self->lock);
  if (n == 0 || caps == NULL || gst_caps_is_empty (caps))
    return NULL;
  s = gst_caps_get_structure (caps, 0);
  if (gst_structure_get_fraction (s, "framerate", &have_n, &have_d)
      && have_n == n && have_d == d)
    return NULL;
  caps = gst_caps_copy (caps);
  gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, n, d, NULL);
  return caps;
}

/* On a video decoder's src pad. A decoder keeps the rate of its first
 * output caps (0/1: its input had none yet) until the picture size
 * changes (vp8dec, vp9dec), so the rate measured a few frames in
 * (follow_frame_rate) is put into its caps here: its own caps events are
 * amended, and before the next frame new caps go out once the rate is
 * known. */
static GstPadProbeReturn
decoded_rate_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstTempchatSrc *self = data;
  GstCaps *caps, *amended;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (ev) != GST_EVENT_CAPS)
      return GST_PAD_PROBE_OK;
    gst_event_parse_caps (ev, &caps);
    amended = caps_with_rate (self, caps);
    if (amended != NULL) {
      gst_event_unref (ev);
      GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_caps (amended);
      gst_caps_unref (amended);
    }
    return GST_PAD_PROBE_OK;
  }
  caps = gst_pad_get_current_caps (pad);
  amended = caps_with_rate (self, caps);
  if (amended != NULL) {
    GST_DEBUG_OBJECT (self, "decoded caps now %" GST_PTR_FORMAT, amended);
    /* Through this probe again, as a caps event: unchanged then. */
    gst_pad_push_event (pad, gst_event_new_caps (amended));
    gst_caps_unref (amended);
  }
  if (caps != NULL)
    gst_caps_unref (caps);
  return GST_PAD_PROBE_OK;
}

/* The probes on the pad the element's pad shows (`srcpad`, of the chain's
 * last element). */
static void
probe_output (GstTempchatSrc *self, SrcStream *st, GstPad *srcpad)
{
  /* The probe keeps its own reference: the ghost pad may be removed from
   * the element before the internal pad goes away. */
  gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_while_unlinked,
      gst_object_ref (st->ghost), gst_object_unref);
  /* Not a reference: the element outlives its children's streaming. */
  if (st->kind == TC_MEDIA_VIDEO && st->decoding)
    gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, decoded_rate_probe, self, NULL);
}

/* "video_0", "audio_1", ... and the template it comes from. */
static gchar *
next_pad_name (GstTempchatSrc *self, tc_media_kind kind,
    GstPadTemplate **templ)
{
  gboolean video = kind == TC_MEDIA_VIDEO;
  gchar *name;

  g_mutex_lock (&self->lock);
  name = g_strdup_printf (video ? "video_%u" : "audio_%u",
      self->pad_count[video ? STREAM_VIDEO : STREAM_AUDIO]++);
  g_mutex_unlock (&self->lock);
  *templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
      video ? "video_%u" : "audio_%u");
  return name;
}

static gboolean
add_chain (GstTempchatSrc *self, SrcStream *st)
{
  GstElement *last = g_ptr_array_index (st->elements, st->elements->len - 1);
  GstPadTemplate *templ;
  GstPad *srcpad;
  gchar *name;

  for (guint i = 0; i < st->elements->len; i++)
    gst_bin_add (GST_BIN (self), g_ptr_array_index (st->elements, i));
  for (guint i = 1; i < st->elements->len; i++) {
    if (!gst_element_link (g_ptr_array_index (st->elements, i - 1),
            g_ptr_array_index (st->elements, i))) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("Could not build the decoding chain inside tempchatsrc (is the "
              "element from request-encoded-filter compatible?)."), (NULL));
      return FALSE;
    }
  }

  name = next_pad_name (self, st->kind, &templ);
  srcpad = gst_element_get_static_pad (last, "src");
  st->ghost = gst_ghost_pad_new_from_template (name, srcpad, templ);
  probe_output (self, st, srcpad);
  gst_object_unref (srcpad);
  g_free (name);

  /* Expose before anything runs, so the application links it in
   * pad-added before the first buffer. */
  gst_pad_set_active (st->ghost, TRUE);
  gst_element_add_pad (GST_ELEMENT (self), st->ghost);
  for (guint i = st->elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (st->elements,
            i - 1));
  return TRUE;
}

typedef struct
{
  GstTempchatSrc *self;         /* a reference: the pool outlives nothing */
  tc_media_kind kind;
} ExposeJob;

static void
expose_job_free (gpointer data)
{
  ExposeJob *job = data;
  gst_object_unref (job->self);
  g_free (job);
}

/* self->lock held. TRUE once, when every track the call receives has its
 * pad: the moment for no-more-pads. A renegotiation that starts receiving
 * another track adds its pad later and signals again. */
static gboolean
all_exposed (GstTempchatSrc *self)
{
  if (self->no_more_pads)
    return FALSE;
  for (int i = 0; i < N_STREAMS; i++)
    if (self->receives[i] && (self->streams[i] == NULL
            || self->streams[i]->ghost == NULL))
      return FALSE;
  self->no_more_pads = TRUE;
  return TRUE;
}

static void schedule_swap (GstTempchatSrc * self, SrcStream * st);

/* On GStreamer's element thread pool: never on the session thread, whose
 * callbacks must return quickly (pad-added runs application code). */
static void
expose_stream (GstElement *element, gpointer data)
{
  ExposeJob *job = data;
  GstTempchatSrc *self = job->self;
  int idx = job->kind == TC_MEDIA_VIDEO ? STREAM_VIDEO : STREAM_AUDIO;
  SrcStream *st;
  tc_sdp_codec codec;
  gboolean decode, ok;
  guint latency_ms;

  /* Serializes with state changes: teardown cannot run in the middle. */
  GST_STATE_LOCK (self);
  g_mutex_lock (&self->lock);
  st = self->streams[idx];
  if (!self->running || self->eos || st == NULL || st->elements != NULL
      || st->ghost != NULL) {
    g_mutex_unlock (&self->lock);
    GST_STATE_UNLOCK (self);
    return;
  }
  codec = st->codec;
  g_mutex_unlock (&self->lock);

  GST_OBJECT_LOCK (self);
  decode = self->decode;
  latency_ms = self->current_latency_ms;
  GST_OBJECT_UNLOCK (self);

  ok = build_chain (self, st, codec, decode, latency_ms)
      && add_chain (self, st);

  g_mutex_lock (&self->lock);
  if (ok) {
    GstBuffer *buf;
    st->appsrc = g_ptr_array_index (st->elements, 0);
    /* The peer renegotiated while the chain was built: what waits is of
     * the new codec, for after the swap (from a keyframe). */
    if (st->codec != codec) {
      g_queue_clear_full (&st->pending, (GDestroyNotify) gst_buffer_unref);
      schedule_swap (self, st);
    }
    while ((buf = g_queue_pop_head (&st->pending)) != NULL)
      gst_app_src_push_buffer (GST_APP_SRC (st->appsrc), buf);
    GST_INFO_OBJECT (self, "exposed %s (%s)", GST_PAD_NAME (st->ghost),
        tc_sdp_codec_name (st->codec));
  }
  ok = ok && all_exposed (self);
  g_mutex_unlock (&self->lock);
  if (ok)
    gst_element_no_more_pads (GST_ELEMENT (self));
  GST_STATE_UNLOCK (self);
}

/* ----------------------------------------------------- a codec change */

/* The element after which the decoder or parser sits. */
static GstElement *
before_tail (SrcStream *st)
{
  guint n = st->elements->len - (st->tail != NULL ? 1 : 0);
  return g_ptr_array_index (st->elements, n - 1);
}

/* Replaces the decoder (or parser) behind the appsrc with the one of the
 * stream's new codec, while nothing flows into it (an IDLE probe), and
 * points the pad at it: the pipeline runs on. Called with self->lock. */
static void
replace_tail (GstTempchatSrc *self, SrcStream *st, GstElement *tail)
{
  GstElement *prev = before_tail (st);
  const GstTempchatCodec *info;
  gboolean decode;
  GstPad *srcpad;

  if (st->tail != NULL) {
    gst_element_unlink (prev, st->tail);
    gst_element_set_state (st->tail, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), st->tail);
    g_ptr_array_remove (st->elements, st->tail);  /* drops our reference */
  }
  st->tail = tail;
  if (tail != NULL) {
    g_ptr_array_add (st->elements, tail);
    gst_bin_add (GST_BIN (self), tail);
    /* Unchecked: the appsrc's pad still holds the old codec's caps; the
     * new ones follow below, before any frame of the new codec. */
    if (!gst_element_link_pads_full (prev, "src", tail, "sink",
            GST_PAD_LINK_CHECK_NOTHING))
      GST_ELEMENT_WARNING (self, CORE, NEGOTIATION,
          ("Could not switch tempchatsrc to the new codec."), (NULL));
  }
  srcpad = gst_element_get_static_pad (tail != NULL ? tail : prev, "src");
  probe_output (self, st, srcpad);
  gst_ghost_pad_set_target (GST_GHOST_PAD (st->ghost), srcpad);
  gst_object_unref (srcpad);
  if (tail != NULL)
    gst_element_sync_state_with_parent (tail);
  /* Now the new codec's caps, then its frames (on_frame waited). */
  info = gst_tempchat_codec_get (st->codec);
  GST_OBJECT_LOCK (self);
  decode = self->decode;
  GST_OBJECT_UNLOCK (self);
  if (info != NULL && caps_complete (st, info, decode)) {
    GstCaps *caps = stream_caps (st, info);
    g_object_set (st->appsrc, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  st->swap_scheduled = FALSE;
}

typedef struct
{
  GstTempchatSrc *self;
  SrcStream *st;
  GstElement *tail;             /* new, ours; NULL: none */
} SwapJob;

static GstPadProbeReturn
swap_when_idle (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  SwapJob *job = data;

  g_mutex_lock (&job->self->lock);
  replace_tail (job->self, job->st, job->tail);
  job->tail = NULL;
  g_mutex_unlock (&job->self->lock);
  return GST_PAD_PROBE_REMOVE;
}

static void
swap_job_free (gpointer data)
{
  SwapJob *job = data;
  g_clear_object (&job->tail);
  g_free (job);
}

/* On GStreamer's element thread pool, like expose_stream. */
static void
swap_codec (GstElement *element, gpointer data)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (element);
  int idx = GPOINTER_TO_INT (data);
  SrcStream *st;
  const GstTempchatCodec *info;
  const gchar *tail;
  gboolean decode;
  SwapJob *job;
  GstPad *pad;

  GST_STATE_LOCK (self);
  g_mutex_lock (&self->lock);
  st = self->streams[idx];
  info = st != NULL ? gst_tempchat_codec_get (st->codec) : NULL;
  if (!self->running || st == NULL || st->appsrc == NULL || info == NULL) {
    if (st != NULL)
      st->swap_scheduled = FALSE;
    g_mutex_unlock (&self->lock);
    GST_STATE_UNLOCK (self);
    return;
  }
  decode = st->decoding;
  pad = gst_element_get_static_pad (before_tail (st), "src");
  g_mutex_unlock (&self->lock);

  job = g_new0 (SwapJob, 1);
  job->self = self;
  job->st = st;
  tail = tail_factory (info, decode);
  if (tail != NULL)
    job->tail = make (self, tail);
  if (job->tail == NULL && tail != NULL) {
    swap_job_free (job);
    g_mutex_lock (&self->lock);
    st->swap_scheduled = FALSE;   /* the error said why; frames flow on */
    g_mutex_unlock (&self->lock);
  } else {
    GST_INFO_OBJECT (self, "the call now receives %s: %s",
        tc_sdp_codec_name (st->codec), job->tail != NULL ?
        GST_OBJECT_NAME (gst_element_get_factory (job->tail)) : "as is");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, swap_when_idle, job,
        swap_job_free);
  }
  gst_object_unref (pad);
  GST_STATE_UNLOCK (self);
}

/* self->lock held: the chain of `st` gets the decoder (or parser) of its
 * codec, once. */
static void
schedule_swap (GstTempchatSrc *self, SrcStream *st)
{
  int idx = st->kind == TC_MEDIA_VIDEO ? STREAM_VIDEO : STREAM_AUDIO;

  if (st->swap_scheduled)
    return;
  st->swap_scheduled = TRUE;
  gst_element_call_async (GST_ELEMENT (self), swap_codec,
      GINT_TO_POINTER (idx), NULL);
}

/* self->lock held. The peer renegotiated another codec for `st`: its frames
 * are dropped until the decoder is replaced (the old one would refuse the
 * new caps) and then wait for a keyframe. */
static void
follow_codec (GstTempchatSrc *self, SrcStream *st, tc_sdp_codec codec)
{
  const GstTempchatCodec *info = gst_tempchat_codec_get (codec);

  if (info == NULL || codec == st->codec)
    return;
  st->codec = codec;
  st->width = st->height = 0;
  st->need_keyframe = st->kind == TC_MEDIA_VIDEO;
  st->discont = TRUE;
  /* Frames of the old codec waiting for the chain are of no use now. */
  g_queue_clear_full (&st->pending, (GDestroyNotify) gst_buffer_unref);
  if (st->appsrc != NULL)
    schedule_swap (self, st);
  /* Else the chain is not built yet, or being built: expose_stream sees
   * which codec it built for. */
}

/* self->lock held. Creates the stream record for `kind` and schedules its
 * pad; nothing happens if it exists. */
static SrcStream *
ensure_stream (GstTempchatSrc *self, tc_media_kind kind, tc_sdp_codec codec)
{
  int idx = kind == TC_MEDIA_VIDEO ? STREAM_VIDEO : STREAM_AUDIO;
  SrcStream *st = self->streams[idx];
  ExposeJob *job;

  if (st != NULL)
    return st;
  st = g_new0 (SrcStream, 1);
  st->kind = kind;
  st->codec = codec;
  st->need_keyframe = kind == TC_MEDIA_VIDEO;
  st->discont = TRUE;
  g_queue_init (&st->pending);
  self->streams[idx] = st;

  job = g_new0 (ExposeJob, 1);
  job->self = gst_object_ref (self);
  job->kind = kind;
  gst_element_call_async (GST_ELEMENT (self), expose_stream, job,
      expose_job_free);
  return st;
}

/* ------------------------------------------------------------------- EOS */

/* A pad that carries nothing but EOS, for a stream the call never started.
 * The pipeline ends only when every sink has seen EOS, and the sinks meant
 * for our pads (gst-launch-1.0 links "t.video_0 ! queue ! fakesink" when
 * video_0 appears) would otherwise wait for a pad that never comes: so
 * Ctrl-C with -e before a peer joined ends at once, as it does for a source
 * with static pads. */
static void
expose_eos_pad (GstTempchatSrc *self, SrcStream *st, guint32 seqnum)
{
  gboolean decode;
  GstPadTemplate *templ;
  gchar *name = next_pad_name (self, st->kind, &templ);
  gchar *stream_id;
  GstEvent *ev;

  GST_OBJECT_LOCK (self);
  decode = self->decode;
  GST_OBJECT_UNLOCK (self);
  st->ghost = gst_pad_new_from_template (templ, name);
  g_free (name);
  gst_pad_use_fixed_caps (st->ghost);
  gst_pad_set_active (st->ghost, TRUE);
  gst_element_add_pad (GST_ELEMENT (self), st->ghost);

  stream_id = gst_pad_create_stream_id (st->ghost, GST_ELEMENT (self),
      GST_PAD_NAME (st->ghost));
  gst_pad_push_event (st->ghost, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  /* Encoded output has caps we know without a peer; a muxer downstream
   * needs them to finish its (empty) file. Raw caps would need a size. */
  if (!decode) {
    GstCaps *caps = gst_caps_from_string (st->kind == TC_MEDIA_VIDEO ?
        gst_tempchat_codec_get (TC_SDP_CODEC_VP8)->caps :
        gst_tempchat_codec_get (TC_SDP_CODEC_OPUS)->caps);
    GstSegment seg;
    /* Muxers want a VP8 size; the track stays empty, so the smallest they
     * all take (webmmux: 16) is as good as any. */
    if (st->kind == TC_MEDIA_VIDEO)
      gst_caps_set_simple (caps, "width", G_TYPE_INT, 16, "height",
          G_TYPE_INT, 16, NULL);
    gst_pad_push_event (st->ghost, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    gst_segment_init (&seg, GST_FORMAT_TIME);
    gst_pad_push_event (st->ghost, gst_event_new_segment (&seg));
  }
  ev = gst_event_new_eos ();
  gst_event_set_seqnum (ev, seqnum);
  /* Unlinked (the application did not want this kind): nothing to end. */
  gst_pad_push_event (st->ghost, ev);
  GST_INFO_OBJECT (self, "EOS before the call had %s: exposed %s for it",
      st->kind == TC_MEDIA_VIDEO ? "video" : "audio", GST_PAD_NAME (st->ghost));
}

/* Runs under the state lock (gst_element_send_event takes it), so it cannot
 * race expose_stream. Streams with a decoding chain get EOS from GstBin,
 * which sends it to its source children (our appsrcs). */
static gboolean
gst_tempchat_src_send_event (GstElement *element, GstEvent *event)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (element);
  SrcStream *need[N_STREAMS] = { NULL };
  guint32 seqnum = gst_event_get_seqnum (event);

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_ELEMENT_CLASS (gst_tempchat_src_parent_class)->send_event
        (element, event);

  g_mutex_lock (&self->lock);
  self->eos = TRUE;
  for (int i = 0; self->running && i < N_STREAMS; i++) {
    SrcStream *st = self->streams[i];
    if (st == NULL) {
      st = self->streams[i] = g_new0 (SrcStream, 1);
      st->kind = i == STREAM_VIDEO ? TC_MEDIA_VIDEO : TC_MEDIA_AUDIO;
      g_queue_init (&st->pending);
    }
    if (st->ghost == NULL)
      need[i] = st;
  }
  g_mutex_unlock (&self->lock);

  for (int i = 0; i < N_STREAMS; i++)
    if (need[i] != NULL)
      expose_eos_pad (self, need[i], seqnum);
  return GST_ELEMENT_CLASS (gst_tempchat_src_parent_class)->send_event
      (element, event);
}

/* -------------------------------------------------------------- frames in */

/* Maps the session's time (microseconds on the monotonic clock) to running
 * time through the pipeline clock. GST_CLOCK_TIME_NONE when not PLAYING:
 * a live source produces nothing then. */
static GstClockTime
running_time_of (GstTempchatSrc *self, gint64 pts_us)
{
  GstClock *clock;
  GstClockTime base, now;
  gint64 mono_now_us, t;
  gboolean playing;

  GST_OBJECT_LOCK (self);
  playing = GST_STATE (self) == GST_STATE_PLAYING;
  base = GST_ELEMENT_CAST (self)->base_time;
  clock = GST_ELEMENT_CLOCK (self) != NULL ?
      gst_object_ref (GST_ELEMENT_CLOCK (self)) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (clock == NULL || !playing) {
    g_clear_object (&clock);
    return GST_CLOCK_TIME_NONE;
  }
  now = gst_clock_get_time (clock);
  mono_now_us = g_get_monotonic_time ();
  gst_object_unref (clock);

  t = (gint64) now - (gint64) base + (pts_us - mono_now_us) * GST_USECOND;
  return t > 0 ? (GstClockTime) t : 0;
}

/* Whether `len` more bytes would pass the appsrc's bound. */
static gboolean
queue_full (SrcStream *st, gsize len)
{
  return gst_app_src_get_current_level_bytes (GST_APP_SRC (st->appsrc)) + len
      > MAX_QUEUED_BYTES;
}

/* The sender's rate goes into the caps a few frames in (tc_frame_rate.h:
 * sixteen steps), since the first frame is never held to measure it; how it
 * gets there is what consumers accept, tried with each codec:
 * - Decoders reset on new input caps (vp8dec, vp9dec: they wait for the
 *   next keyframe, which may be 20 s away): so decoded video gets the rate
 *   at its output, decoded_rate_probe, at once. Raw consumers take that
 *   change (videoconvert, videorate, display sinks; x264enc restarts its
 *   stream with a keyframe).
 * - Encoded video goes to muxers and to the user's own decoders. matroskamux
 *   and webmmux refuse a field that changes after their header ("Caps
 *   changes are not supported by Matroska" for 0/1 -> 30/1) but take one
 *   that was absent; mp4mux takes both. A decoder resets: so the rate is
 *   added with the next keyframe, which is asked for (one PLI) once the
 *   rate is known. h264parse writes the SPS's rate, or 0/1 without one (a
 *   browser's openh264), from the first frame: H264 keeps what it says. */
static gboolean
frame_rate_may_follow (const SrcStream *st, gboolean decode)
{
  return decode || st->codec != TC_SDP_CODEC_H264;
}

/* New caps for `st` (its appsrc sends them before the next frame);
 * self->lock held. */
static void
update_caps (SrcStream *st)
{
  const GstTempchatCodec *info = gst_tempchat_codec_get (st->codec);
  GstCaps *caps;

  if (st->appsrc == NULL || info == NULL
      || !caps_complete (st, info, st->decoding))
    return;                     /* the chain is built with them */
  caps = stream_caps (st, info);
  g_object_set (st->appsrc, "caps", caps, NULL);
  gst_caps_unref (caps);
  st->rate_pending = FALSE;
}

/* On the session thread, self->lock held, for each video frame passed on:
 * once its first frames tell the sender's rate, the caps carry it (see
 * frame_rate_may_follow for when). */
static void
follow_frame_rate (GstTempchatSrc *self, SrcStream *st, const tc_frame *f)
{
  unsigned num, den;
  gboolean decode;

  if (!tc_frame_rate_probe_add (&st->rate, f->rtp_timestamp,
          VIDEO_CLOCK_RATE, &num, &den)
      || (num == st->fps_n && den == st->fps_d))
    return;
  GST_OBJECT_LOCK (self);
  decode = self->decode;
  GST_OBJECT_UNLOCK (self);
  if (!frame_rate_may_follow (st, decode))
    return;
  GST_INFO_OBJECT (self, "the peer sends video at %u/%u fps", num, den);
  st->fps_n = num;
  st->fps_d = den;
  st->rate_pending = st->appsrc != NULL && !st->decoding;
}

/* On the session thread, self->lock held. A keyframe of a new size: the
 * caps say it (appsrc sends them before the frame). The size comes from the
 * frame itself, so the caps are complete before the first buffer. */
static void
follow_keyframe_size (GstTempchatSrc *self, SrcStream *st, const tc_frame *f)
{
  const GstTempchatCodec *info = gst_tempchat_codec_get (st->codec);
  unsigned w, h;

  if (info == NULL || tc_frame_keyframe_size (st->codec, f->data, f->len, &w,
          &h) != TC_OK || (w == st->width && h == st->height))
    return;
  st->width = w;
  st->height = h;
  update_caps (st);
}

void
gst_tempchat_layer_meta_register (void)
{
  static const gchar *tags[] = { NULL };

  gst_meta_register_custom (GST_TEMPCHAT_LAYER_META, tags, NULL, NULL, NULL);
}

static void
add_layer_meta (GstBuffer *buf, const tc_frame *f)
{
  GstCustomMeta *meta;

  if (!f->has_temporal_id)
    return;
  meta = gst_buffer_add_custom_meta (buf, GST_TEMPCHAT_LAYER_META);
  if (meta != NULL)
    gst_structure_set (gst_custom_meta_get_structure (meta), "temporal-id",
        G_TYPE_UINT, (guint) f->temporal_id, NULL);
}

static void
on_frame (GstTempchatSrc *self, tc_session *s, const tc_session_event *ev)
{
  GstClockTime rt = running_time_of (self, ev->pts_us);
  const tc_frame *f = ev->frame;
  SrcStream *st;
  GstBuffer *buf;

  g_mutex_lock (&self->lock);
  if (!self->running || self->eos || f == NULL || f->len == 0)
    goto out;
  st = ensure_stream (self, ev->kind, ev->codec);
  follow_codec (self, st, ev->codec);
  if (st->swap_scheduled)
    goto out;                   /* the old decoder cannot take it */
  if (!GST_CLOCK_TIME_IS_VALID (rt)) {
    /* Paused: what comes next follows a gap. */
    st->need_keyframe = st->kind == TC_MEDIA_VIDEO;
    st->discont = TRUE;
    goto out;
  }
  if (st->need_keyframe && !f->keyframe) {
    /* The sender's keyframe may have been dropped (a codec swap, a full
     * queue): ask, at most once per 500 ms. */
    tc_session_request_keyframe (s);
    goto out;
  }
  st->need_keyframe = FALSE;
  if (st->kind == TC_MEDIA_VIDEO)
    follow_frame_rate (self, st, f);
  if (f->keyframe && st->kind == TC_MEDIA_VIDEO)
    follow_keyframe_size (self, st, f);
  if (f->keyframe && st->rate_pending)
    update_caps (st);
  else if (st->rate_pending)
    tc_session_request_keyframe (s);  /* at most a PLI per 500 ms */

  buf = gst_buffer_new_memdup (f->data, f->len);
  add_layer_meta (buf, f);
  GST_BUFFER_PTS (buf) = rt;
  if (!f->keyframe)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  if (st->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    st->discont = FALSE;
  }
  if (st->appsrc != NULL && queue_full (st, f->len)) {
    /* Late video first: what follows waits for a keyframe. */
    gst_buffer_unref (buf);
    st->need_keyframe = st->kind == TC_MEDIA_VIDEO;
    st->discont = TRUE;
    if (self->call != NULL)
      gst_tempchat_call_count_recv_dropped (self->call);
  } else if (st->appsrc != NULL) {
    gst_app_src_push_buffer (GST_APP_SRC (st->appsrc), buf);
  } else if (g_queue_get_length (&st->pending) < MAX_PENDING) {
    g_queue_push_tail (&st->pending, buf);
  } else {
    gst_buffer_unref (buf);
    g_queue_clear_full (&st->pending, (GDestroyNotify) gst_buffer_unref);
    st->need_keyframe = st->kind == TC_MEDIA_VIDEO;
    st->discont = TRUE;
  }
out:
  g_mutex_unlock (&self->lock);
}

/* On the session thread: audio that never came becomes an empty buffer
 * spanning it, which gap_buffer_to_event turns into a gap event in its
 * place, so opusdec conceals it (PLC, or FEC from the frame after) and
 * later audio keeps its time. */
static void
on_audio_lost (GstTempchatSrc *self, const tc_session_event *ev)
{
  GstClockTime rt = running_time_of (self, ev->pts_us);
  SrcStream *st;

  g_mutex_lock (&self->lock);
  st = self->streams[STREAM_AUDIO];
  /* Only a decoder conceals: encoded output (decode=false) has no gaps. */
  if (self->running && st != NULL && st->appsrc != NULL
      && st->decoding && GST_CLOCK_TIME_IS_VALID (rt)
      && !queue_full (st, 0)) {
    GstBuffer *gap = gst_buffer_new ();
    GST_BUFFER_PTS (gap) = rt;
    GST_BUFFER_DURATION (gap) = ev->duration_us * GST_USECOND;
    GST_BUFFER_FLAG_SET (gap, GST_BUFFER_FLAG_GAP);
    gst_app_src_push_buffer (GST_APP_SRC (st->appsrc), gap);
  }
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------- latency */

/* Live: the appsrcs report the new latency and the pipeline is asked to
 * redistribute it. Any thread (the session's, when adaptive). */
static void
report_latency (GstTempchatSrc *self, guint latency_ms)
{
  GstElement *appsrcs[N_STREAMS] = { NULL };
  gboolean changed;

  GST_OBJECT_LOCK (self);
  changed = self->current_latency_ms != latency_ms;
  self->current_latency_ms = latency_ms;
  GST_OBJECT_UNLOCK (self);
  if (!changed)
    return;
  GST_DEBUG_OBJECT (self, "latency now %u ms", latency_ms);
  g_mutex_lock (&self->lock);
  for (int i = 0; i < N_STREAMS; i++)
    if (self->streams[i] != NULL && self->streams[i]->appsrc != NULL)
      appsrcs[i] = gst_object_ref (self->streams[i]->appsrc);
  g_mutex_unlock (&self->lock);
  for (int i = 0; i < N_STREAMS; i++) {
    if (appsrcs[i] == NULL)
      continue;
    g_object_set (appsrcs[i], "min-latency",
        (gint64) (latency_ms * GST_MSECOND), NULL);
    gst_object_unref (appsrcs[i]);
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_latency (GST_OBJECT (self)));
  g_object_notify (G_OBJECT (self), "current-latency");
}

static void
set_latency (GstTempchatSrc *self, guint latency_ms)
{
  GST_OBJECT_LOCK (self);
  self->latency_ms = latency_ms;
  GST_OBJECT_UNLOCK (self);
  report_latency (self, latency_ms != 0 ? latency_ms : ADAPTIVE_START_MS);
}

/* On the session thread: while adaptive, the call's playout delay. */
static void
follow_call_latency (GstTempchatSrc *self, const tc_session_event *ev)
{
  guint latency_ms = (guint) ((ev->latency_us + 999) / 1000);
  gboolean report;

  if (ev->latency_us <= 0)
    return;
  /* Every frame comes here: one look under the lock, and the reporting
   * only when the (5 ms-stepped) latency moved. */
  GST_OBJECT_LOCK (self);
  report = self->latency_ms == 0 && self->current_latency_ms != latency_ms;
  GST_OBJECT_UNLOCK (self);
  if (report)
    report_latency (self, latency_ms);
}

/* ------------------------------------------------------------ the call */

static GstTempchatDirections
src_directions (gpointer member)
{
  return GST_TEMPCHAT_RECV_AUDIO | GST_TEMPCHAT_RECV_VIDEO;
}

/* On the session thread: quick, no call back into the call. */
static void
src_on_event (gpointer member, tc_session *s, const tc_session_event *ev)
{
  GstTempchatSrc *self = member;

  switch (ev->type) {
    case TC_SESSION_EV_FRAME:
      follow_call_latency (self, ev);
      on_frame (self, s, ev);
      return;
    case TC_SESSION_EV_AUDIO_LOST:
      follow_call_latency (self, ev);
      on_audio_lost (self, ev);
      return;
    case TC_SESSION_EV_NEGOTIATED:
      /* A track we only send (a call this src joined late, before the
       * renegotiation that lets us receive) gets no pad. */
      g_mutex_lock (&self->lock);
      if (self->running && !self->eos && (ev->direction == TC_SDP_DIR_SENDRECV
              || ev->direction == TC_SDP_DIR_RECVONLY)) {
        int idx = ev->kind == TC_MEDIA_VIDEO ? STREAM_VIDEO : STREAM_AUDIO;
        if (!self->receives[idx])
          self->no_more_pads = FALSE;
        self->receives[idx] = TRUE;
        follow_codec (self, ensure_stream (self, ev->kind, ev->codec),
            ev->codec);
      }
      g_mutex_unlock (&self->lock);
      break;
    case TC_SESSION_EV_PEER_LEFT:
      /* Pads stay; the next peer's media continues on them. */
      g_mutex_lock (&self->lock);
      for (int i = 0; i < N_STREAMS; i++) {
        if (self->streams[i] == NULL)
          continue;
        self->streams[i]->need_keyframe = i == STREAM_VIDEO;
        self->streams[i]->discont = TRUE;
        /* The next peer may send at another rate: decoded video
         * measures it again (keeping the old one until then). Encoded
         * video keeps its first: a muxer refuses a changed rate. */
        if (self->streams[i]->decoding)
          tc_frame_rate_probe_reset (&self->streams[i]->rate);
      }
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }
  gst_tempchat_post_event (GST_ELEMENT (self), &self->peer, s, ev);
}

static const GstTempchatMemberFuncs src_member_funcs = {
  src_directions,
  src_on_event,
};

static gboolean
join_call (GstTempchatSrc *self)
{
  return gst_tempchat_element_join (GST_ELEMENT (self), &self->call,
      &self->settings, &src_member_funcs);
}

static gboolean
start_call (GstTempchatSrc *self)
{
  gchar *message = NULL;

  memset (&self->peer, 0, sizeof self->peer);
  g_mutex_lock (&self->lock);
  self->running = TRUE;
  self->eos = FALSE;
  g_mutex_unlock (&self->lock);
  if (!gst_tempchat_call_start (self->call, self, &message)) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("%s", message),
        (NULL));
    g_free (message);
    g_mutex_lock (&self->lock);
    self->running = FALSE;
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  return TRUE;
}

/* After the call stopped: no event can arrive any more. */
static void
remove_streams (GstTempchatSrc *self)
{
  SrcStream *streams[N_STREAMS];

  g_mutex_lock (&self->lock);
  self->running = FALSE;
  for (int i = 0; i < N_STREAMS; i++) {
    streams[i] = self->streams[i];
    self->streams[i] = NULL;
    self->pad_count[i] = 0;
    self->receives[i] = FALSE;
  }
  self->no_more_pads = FALSE;
  g_mutex_unlock (&self->lock);

  for (int i = 0; i < N_STREAMS; i++) {
    SrcStream *st = streams[i];
    if (st == NULL)
      continue;
    for (guint j = 0; st->elements != NULL && j < st->elements->len; j++) {
      GstElement *e = g_ptr_array_index (st->elements, j);
      gst_element_set_state (e, GST_STATE_NULL);
      if (GST_OBJECT_PARENT (e) == GST_OBJECT (self))
        gst_bin_remove (GST_BIN (self), e);
    }
    if (st->ghost != NULL && GST_OBJECT_PARENT (st->ghost) == GST_OBJECT (self))
      gst_element_remove_pad (GST_ELEMENT (self), st->ghost);
    stream_free (st);
  }
}

/* The call starts at READY->PAUSED (see tempchatsink for why); this element
 * is live, so PAUSED does not preroll. */
static GstStateChangeReturn
gst_tempchat_src_change_state (GstElement *element, GstStateChange transition)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!join_call (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_tempchat_element_rejoin_if_changed (element, &self->call,
              &self->settings, &src_member_funcs) || !start_call (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Before the children stop, so no frame races the teardown. */
      gst_tempchat_call_stop (self->call, self);
      g_mutex_lock (&self->lock);
      self->running = FALSE;
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (gst_tempchat_src_parent_class)->change_state
      (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
      gst_tempchat_call_stop (self->call, self);
      remove_streams (self);
    } else if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
      gst_tempchat_element_leave (element, &self->call);
    }
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      remove_streams (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      /* NULL after a READY->PAUSED whose new settings could not work. */
      gst_tempchat_element_leave (element, &self->call);
      break;
    default:
      break;
  }
  return ret;
}

/* A live source reports its latency from the start, not only once its
 * pads exist: before a peer there is nothing to ask through a pad, and an
 * application sizing its pipeline asks the element. */
static gboolean
gst_tempchat_src_query (GstElement *element, GstQuery *query)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (element);
  guint latency_ms;

  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_ELEMENT_CLASS (gst_tempchat_src_parent_class)->query (element,
        query);
  GST_OBJECT_LOCK (self);
  latency_ms = self->current_latency_ms;
  GST_OBJECT_UNLOCK (self);
  gst_query_set_latency (query, TRUE, latency_ms * GST_MSECOND,
      GST_CLOCK_TIME_NONE);
  return TRUE;
}

/* ------------------------------------------------------------ properties */

static void
gst_tempchat_src_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (object);

  if (gst_tempchat_props_refuse_while_running (GST_ELEMENT (self), pspec))
    return;
  if (prop_id == PROP_LATENCY) {
    set_latency (self, g_value_get_uint (value));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DECODE:
      self->decode = g_value_get_boolean (value);
      break;
    default:
      if (!gst_tempchat_props_set (&self->settings, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  if (gst_tempchat_props_is_bitrate (prop_id))
    gst_tempchat_element_apply_bitrates (GST_ELEMENT (self), &self->call,
        &self->settings);
}

static void
gst_tempchat_src_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (object);

  if (prop_id == GST_TEMPCHAT_PROP_STATS) {
    GstStructure *st = gst_tempchat_element_stats (GST_ELEMENT (self),
        &self->call, &self->settings);
    GST_OBJECT_LOCK (self);
    gst_structure_set (st, "latency-ms", G_TYPE_UINT,
        self->current_latency_ms, NULL);
    GST_OBJECT_UNLOCK (self);
    g_value_take_boxed (value, st);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DECODE:
      g_value_set_boolean (value, self->decode);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, self->latency_ms);
      break;
    case PROP_CURRENT_LATENCY:
      g_value_set_uint (value, self->current_latency_ms);
      break;
    default:
      if (!gst_tempchat_props_get (&self->settings, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_tempchat_src_finalize (GObject *object)
{
  GstTempchatSrc *self = GST_TEMPCHAT_SRC (object);

  for (int i = 0; i < N_STREAMS; i++)
    if (self->streams[i] != NULL)
      stream_free (self->streams[i]);
  gst_tempchat_settings_clear (&self->settings);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (gst_tempchat_src_parent_class)->finalize (object);
}

static void
gst_tempchat_src_class_init (GstTempchatSrcClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_tempchat_src_set_property;
  gobject_class->get_property = gst_tempchat_src_get_property;
  gobject_class->finalize = gst_tempchat_src_finalize;
  gst_tempchat_props_install (gobject_class);

  g_object_class_install_property (gobject_class, PROP_DECODE,
      g_param_spec_boolean ("decode", "Decode",
          "Output raw video and audio (tempchatav1dec or av1dec, vp9dec, "
          "avdec_h264, vp8dec, opusdec inside the element); false outputs the encoded video and "
          "Opus as received, with complete caps for muxers",
          DEFAULT_DECODE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Latency reported to the pipeline, in milliseconds: how late a "
          "frame may reach the sinks after its timestamp. 0 (the default) "
          "adapts it to the network's measured jitter, reordering and "
          "retransmission time (a few tens of ms on a clean network), "
          "posting a LATENCY message on each change; a fixed value keeps "
          "the pipeline latency steady at the cost of delay (too low: late "
          "frames are dropped by the sinks); may change while PLAYING",
          0, 10000, DEFAULT_LATENCY_MS, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_CURRENT_LATENCY,
      g_param_spec_uint ("current-latency", "Current latency",
          "The latency reported to the pipeline now, in milliseconds: the "
          "fixed latency, or what the network needs while adaptive",
          0, G_MAXUINT, ADAPTIVE_START_MS, G_PARAM_READABLE |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstTempchatSrc::request-encoded-filter:
   * @src: the tempchatsrc
   * @kind: "video" or "audio"
   * @caps: the encoded caps the filter receives (video/x-av1, video/x-vp9,
   *     video/x-h264, video/x-vp8, audio/x-opus)
   *
   * Asked once per stream, when its pad is built. Return an element (one
   * sink pad, one src pad, the same encoded format out) to insert between
   * the received stream and the decoder, or NULL for none.
   *
   * Returns: (transfer full) (nullable): the filter
   */
  src_signals[SIGNAL_REQUEST_ENCODED_FILTER] =
      g_signal_new ("request-encoded-filter", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, g_signal_accumulator_first_wins, NULL, NULL,
      GST_TYPE_ELEMENT, 2, G_TYPE_STRING, GST_TYPE_CAPS);

  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_set_static_metadata (element_class,
      "TempChat source", "Source/Network/Video/Audio",
      "Receives the video and audio of the other participant of a TempChat "
      "room (decoded, or as received)", "tempchat-peers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_tempchat_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_tempchat_src_send_event);
  element_class->query = GST_DEBUG_FUNCPTR (gst_tempchat_src_query);

  gst_type_mark_as_plugin_api (GST_TYPE_TEMPCHAT_QUALITY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TEMPCHAT_ICE_TRANSPORT_POLICY, 0);
}

static void
gst_tempchat_src_init (GstTempchatSrc *self)
{
  gst_tempchat_settings_init (&self->settings);
  self->decode = DEFAULT_DECODE;
  self->latency_ms = DEFAULT_LATENCY_MS;
  self->current_latency_ms = ADAPTIVE_START_MS;
  g_mutex_init (&self->lock);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}
