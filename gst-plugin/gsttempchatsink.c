/* gsttempchatsink.c - sends video and audio into a TempChat room.
 *
 * A bin with request pads "video" and "audio". Raw input is encoded inside:
 *   video: videoconvert ! I420 ! queue (leaky, 2 frames) ! <the call's codec's
 *          encoder> ! capsfilter ! appsink
 *          (gsttempchatencoder.c; swapped in place when the codec changes)
 *   audio: audioconvert ! audioresample ! 48 kHz stereo ! opusenc ! appsink
 * Already-encoded AV1, VP9, H264, VP8 or Opus goes straight to the appsink
 * and restricts the call to its codec. The chain is
 * built when the first caps arrive on a pad, which tells raw from encoded.
 * Each appsink hands its frames to the room's call (gsttempchatcall.c).
 */

/**
 * SECTION:element-tempchatsink
 * @title: tempchatsink
 * @see_also: tempchatsrc, av1enc, vp9enc, x264enc, vp8enc, opusenc
 *
 * Joins a TempChat room (the URL hash of a TempChat link) as the other
 * participant of a 1-on-1 call and sends what arrives on its "video" and
 * "audio" pads. The call negotiates the video codec by the web client's
 * priority, AV1 > VP9 > H264 > VP8, or by #GstTempchatSink:video-codecs.
 * Raw video is encoded inside the element with the encoder for that codec
 * in real time (av1enc, vp9enc, x264enc or openh264enc, vp8enc; replaced in
 * place when a renegotiation changes the codec), and only while a call
 * connects or is connected: waiting alone in a room costs no encoding, and
 * the first frame a peer gets is the encoder's first, a keyframe, made
 * during the handshakes and sent when they end. Raw audio goes to Opus (48 kHz
 * stereo, 128 kbps, 10 ms frames for latency, in-band FEC while the peer
 * reports loss). Video and Opus from an encoder of your own (opusenc
 * frame-size=20 saves 20 kbit/s of headers for 10 ms of delay)
 * pass through unchanged, and encoded video restricts the call to its codec
 * (your encoder then receives the peer's keyframe requests as upstream
 * force-key-unit events, and target bitrate changes as
 * "tempchat/target-bitrate" element messages with a "bitrate" field in bits
 * per second).
 *
 * The target bitrate is the element's own send-side bandwidth estimate, as
 * in Chromium: the peer's transport-cc feedback (queuing delay trend and
 * loss), capped by its REMB if it sends one, between 100 kbps and the
 * "quality"'s maximum. The "stats" property shows it as "target-bitrate".
 *
 * VP8 and VP9 are sent in three temporal layers (L1T3, TID 0 2 1 2 as
 * browsers do), so that a receiver or a forwarder may keep only the lower
 * ones; AV1 (av1enc cannot make layers) goes as one layer with the
 * dependency descriptor when the peer agreed to it.
 *
 * The #GstTempchatSink::encoder-setup signal lets the application tune the
 * video encoder and opusenc the element creates (changing vp8enc's or
 * vp9enc's temporal-scalability-layer-flags makes the stream one layer);
 * #GstTempchatSink::payloader-setup lets it set the largest packet (MTU).
 *
 * The call starts when the element goes from READY to PAUSED and ends when it
 * goes back to READY. A tempchatsrc naming the same room, channel and
 * signaling-url in the same process shares the call, in one pipeline or in
 * another: a sink that starts in a running receive-only call starts sending
 * (the call is renegotiated), and one that stops while a tempchatsrc stays
 * makes the call receive-only.
 *
 * Element messages: "tempchat/peer-joined" (role), "tempchat/connected"
 * (role, video-codec, audio-codec, relayed), "tempchat/media" (kind, codec,
 * direction; again after each renegotiation), "tempchat/peer-left",
 * "tempchat/room-busy" (two others already talk in the room: the element
 * waits, with a RESOURCE/BUSY warning, and joins when one of them leaves).
 * Each failed attempt to reach the signaling server is a warning saying why
 * (at most one every 5 s); after #GstTempchatSink:signaling-retries of them
 * an error. A failed call (no network path, DTLS refused) is a warning
 * plus "tempchat/call-failed" (status, reason): the element stays in the
 * room, goes on with the call when the path comes back (its checks go on,
 * and the peer's are answered), tries again by an ICE restart and takes
 * the next peer. Only
 * settings that cannot work are errors.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! tempchatsink name=call \
 *     room="https://tempchat.example/#abc123" channel=CHANNEL_ID \
 *     pulsesrc ! call.audio
 * ]| Sends a webcam and a microphone to the browser that opened the link.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! video/x-raw,width=1280,height=720 ! \
 *     vp8enc deadline=1 ! tempchatsink name=call room=abc123 channel=CHANNEL_ID \
 *     quality=720p relay-only=true turn-server="turn:turn.example:3478" \
 *     turn-secret=SECRET audiotestsrc is-live=true ! opusenc ! call.audio
 * ]| Sends already-encoded VP8 and Opus over a TURN relay only.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! tempchatsink room=abc123 channel=c \
 *     signaling-url=ws://127.0.0.1:8080/v3/websocket
 * ]| Uses a local tempchat-relay for signaling.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! tempchatsink name=call room=abc123 \
 *     channel=CHANNEL_ID video-codecs=vp9,vp8 audiotestsrc is-live=true ! call.audio
 * ]| Offers and accepts only VP9 and VP8, VP9 preferred: a page offering AV1
 * and VP9 gets VP9 (an answer takes our best of what the page offers).
 * |[
 * gst-launch-1.0 -e videotestsrc is-live=true ! video/x-raw,width=1920,height=1080 ! \
 *     tempchatsink name=call room=abc123 channel=CHANNEL_ID quality=1080p \
 *     max-bitrate=4000000 min-bitrate=500000 signaling-retries=10 \
 *     audiotestsrc is-live=true ! call.audio
 * ]| 1080p capped at 4 Mbit/s and never below 500 kbit/s; an error after 10
 * failed attempts to reach the signaling server (each one a warning saying
 * why); Ctrl-C ends it at once, also before anyone joined.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "tempchat/tc_connect_gate.h"
#include "tempchat/tc_frame_dropper.h"
#include "tempchat/tc_room.h"
#include "gsttempchat.h"
#include "gsttempchatcall.h"
#include "gsttempchatcodecs.h"
#include "gsttempchatencoder.h"
#include "gsttempchatevents.h"
#include "gsttempchatfec.h"
#include "gsttempchatlevel.h"
#include "gsttempchatpace.h"
#include "gsttempchatprops.h"

#define GST_CAT_DEFAULT tempchat_debug

#define GST_TYPE_TEMPCHAT_SINK (gst_tempchat_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstTempchatSink, gst_tempchat_sink, GST, TEMPCHAT_SINK,
    GstBin);

/* Encoder settings for a real-time call (video: gsttempchatencoder.c). */
#define OPUS_BITRATE 128000     /* the web client's 128 kbps */
/* 10 ms frames, where browsers send 20: a packet leaves 10 ms sooner after
 * its first sample, so a receiver plays audio, and for lip sync video,
 * 10 ms sooner (gst -> Chromium at 720p: Chromium held our video 24-26 ms
 * against 39-45 with 20 ms frames, glass to glass 49-68 ms against 74-79).
 * It costs about 20 kbit/s of headers. Encoded Opus input keeps its own. */
#define OPUS_FRAME_MS "10"

enum
{
  PROP_0 = GST_TEMPCHAT_PROP_LAST,
};

enum
{
  SIGNAL_ENCODER_SETUP,
  SIGNAL_PAYLOADER_SETUP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GstTempchatSink *sink;        /* not a reference: the sink owns us */
  tc_media_kind kind;
  GstPad *ghost;
  GstElement *appsink;
  GstElement *encoder;          /* NULL when input is already encoded */
  GstElement *feed;             /* raw video: what feeds the encoder (the
                                 * leaky queue, frames_late_queue) */
  GstElement *encoded_caps;     /* raw video: capsfilter after the encoder */
  tc_sdp_codec codec;           /* video: the encoder's or the input's */
  guint bitrate;                /* video: the encoder's target, bit/s */
  guint mtu;                    /* from payloader-setup; 0: the core's */
  GPtrArray *elements;          /* what we added to the bin for this pad */
  gboolean encoded_input;
  gboolean warned_refused;
  gboolean eos;                 /* EOS reached the pad before any caps */
  /* Set by the session thread, applied in the streaming thread. */
  gint keyframe_pending;
  gint bitrate_pending;
  /* Live audio: frames leave one per frame duration (gsttempchatpace.h);
   * streaming thread only. */
  gboolean paced;
  GstTempchatPace pace;
  /* Raw audio: the level of each frame (gsttempchatlevel.h), and the loss
   * opusenc is told of, looked at again from fec_check on (buffer time;
   * streaming thread only). */
  GstTempchatLevel level;
  GstTempchatFecSend fec;
  GstClockTime fec_check;
  gint codec_pending;           /* tc_sdp_codec the call now sends */
  /* Video encoded here: the encoder's temporal layers (1 or 3) and its
   * frames in and out since it was made (streaming thread only). No frame
   * in yet: its next output is a keyframe without asking. */
  guint layers;
  guint64 frames_in, frames_out;
  /* Video encoded here: raw frames left out while the encoder makes more
   * than its target (tc_frame_dropper.h); asked in the encoder's input
   * thread, told in its output thread. */
  GMutex drop_lock;
  tc_frame_dropper dropper;
} SinkStream;

struct _GstTempchatSink
{
  GstBin parent;

  GstTempchatSettings settings; /* object lock */
  GstTempchatCall *call;        /* between READY and NULL */
  GstTempchatPeerInfo peer;     /* session thread only */
  SinkStream *video;            /* object lock */
  gint sent_codec;              /* atomic: the video codec the call sends */
  SinkStream *audio;
  gint frames_late;             /* atomic: raw video the encoder never saw */
  gint frames_overshoot;        /* atomic: raw video left out while the
                                 * encoder ran over its target */
  /* Which raw video frames reach our encoder, following the call
   * (tc_connect_gate.h): none while no call connects or is connected, one
   * keyframe per connecting phase, which the core keeps and sends once
   * DTLS is done, then those captured from the connection on. Times on
   * the pipeline clock. */
  tc_connect_gate gate;
};

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE ("video",
    GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("video/x-raw; video/x-vp8; video/x-vp9; "
        "video/x-av1, stream-format = (string) obu-stream, "
        "alignment = (string) tu; video/x-h264, stream-format = (string) "
        "byte-stream, alignment = (string) au"));

static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE ("audio",
    GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("audio/x-raw; "
        "audio/x-opus, channel-mapping-family = (int) 0"));

G_DEFINE_TYPE (GstTempchatSink, gst_tempchat_sink, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (tempchatsink, "tempchatsink", GST_RANK_NONE,
    GST_TYPE_TEMPCHAT_SINK);

/* ------------------------------------------------------------ frames out */

/* The capture time of `buf` in `seg` on the pipeline clock (running time
 * plus base time, the same clock for both kinds), or GST_CLOCK_TIME_NONE. */
static GstClockTime
capture_time_in (GstTempchatSink *self, const GstSegment *seg, GstBuffer *buf)
{
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
  GstClockTime rt = GST_CLOCK_TIME_NONE;

  if (seg != NULL && GST_BUFFER_PTS_IS_VALID (buf))
    rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buf));
  if (GST_CLOCK_TIME_IS_VALID (rt) && GST_CLOCK_TIME_IS_VALID (base))
    return rt + base;
  return GST_CLOCK_TIME_NONE;
}

/* capture_time_in() for a sample from the appsink. */
static GstClockTime
capture_time (GstTempchatSink *self, GstSample *sample, GstBuffer *buf)
{
  return capture_time_in (self, gst_sample_get_segment (sample), buf);
}

/* Live audio waits for its turn (gsttempchatpace.h). */
static void
pace (SinkStream *st, GstClockTime capture)
{
  GstClock *clock;

  if (!st->paced || !GST_CLOCK_TIME_IS_VALID (capture))
    return;
  clock = gst_element_get_clock (GST_ELEMENT (st->sink));
  if (clock == NULL)
    return;
  gst_tempchat_pace_wait (&st->pace, clock, capture);
  gst_object_unref (clock);
}

/* The capture time of `buf` in microseconds: that of capture_time(), or
 * now on the same clock without a timestamp. */
static gint64
frame_time_us (GstTempchatSink *self, GstClockTime capture)
{
  GstClock *clock;
  gint64 now_us;

  if (GST_CLOCK_TIME_IS_VALID (capture))
    return (gint64) (capture / GST_USECOND);

  /* No timestamp: now on the same clock. */
  clock = gst_element_get_clock (GST_ELEMENT (self));
  if (clock == NULL)
    return g_get_monotonic_time ();
  now_us = (gint64) (gst_clock_get_time (clock) / GST_USECOND);
  gst_object_unref (clock);
  return now_us;
}

/* Raw audio with do-fec: opusenc's expected loss follows the peer's
 * reports, twice a second at most. */
static void
follow_loss (SinkStream *st, GstClockTime now)
{
  GstTempchatSink *self = st->sink;
  tc_session_stats stats;
  gboolean fec;
  gint before = st->fec.percent, percent;

  if (st->kind != TC_MEDIA_AUDIO || st->encoder == NULL
      || !GST_CLOCK_TIME_IS_VALID (now) || (GST_CLOCK_TIME_IS_VALID
          (st->fec_check) && now < st->fec_check))
    return;
  st->fec_check = now + GST_TEMPCHAT_FEC_CHECK_EVERY;
  GST_OBJECT_LOCK (self);
  fec = self->settings.do_fec;
  GST_OBJECT_UNLOCK (self);
  if (!fec)
    return;
  percent = gst_tempchat_fec_send_percent (&st->fec,
      gst_tempchat_call_get_stats (self->call, &stats)
      ? stats.dir[0].loss_fraction : -1, now);
  /* Told 0 at the start (configure_opusenc), then each change. */
  if (percent != before)
    g_object_set (st->encoder, "packet-loss-percentage", percent, NULL);
}

/* What the encoder made of a frame captured at `capture`. */
static void
note_encoded (SinkStream *st, gsize size, GstClockTime capture)
{
  if (st->kind != TC_MEDIA_VIDEO || st->encoded_input
      || !GST_CLOCK_TIME_IS_VALID (capture))
    return;
  g_mutex_lock (&st->drop_lock);
  tc_frame_dropper_encoded (&st->dropper, size,
      (int64_t) (capture / GST_USECOND));
  g_mutex_unlock (&st->drop_lock);
}

static GstFlowReturn
on_new_sample (GstAppSink *appsink, gpointer user_data)
{
  SinkStream *st = user_data;
  GstTempchatSink *self = st->sink;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buf;
  GstMapInfo map;
  GstClockTime capture;
  tc_status status;
  gboolean keyframe;
  tc_temporal_layer layer = { 0 };

  if (sample == NULL)
    return GST_FLOW_EOS;
  buf = gst_sample_get_buffer (sample);
  if (buf == NULL || self->call == NULL
      || !gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gst_sample_unref (sample);
    return GST_FLOW_OK;
  }
  capture = capture_time (self, sample, buf);
  pace (st, capture);
  follow_loss (st, capture);
  keyframe = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  if (st->kind == TC_MEDIA_VIDEO && st->encoder != NULL && st->layers == 3)
    tc_l1t3_layer (st->frames_out, keyframe, &layer);
  st->frames_out++;
  note_encoded (st, map.size, capture);
  status = gst_tempchat_call_push_frame (self->call, st->kind, map.data,
      map.size, frame_time_us (self, capture), keyframe,
      layer.layers > 0 ? &layer : NULL, st->kind == TC_MEDIA_AUDIO
      ? gst_tempchat_level_of (&st->level, buf) : -1);
  gst_buffer_unmap (buf, &map);
  gst_sample_unref (sample);

  if (status == TC_ERR_INVALID_ARG && !st->warned_refused) {
    st->warned_refused = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The call does not send %s: the pad was requested after the call "
            "started.", st->kind == TC_MEDIA_VIDEO ? "video" : "audio"),
        (NULL));
  }
  /* Frames while not connected are dropped by the core; never an error. */
  return GST_FLOW_OK;
}

/* ------------------------------------------- keyframe and bitrate requests */

static void swap_encoder (SinkStream *st, tc_sdp_codec codec);

static gboolean
keyframe_waits_for_pattern (SinkStream *st)
{
  return st->encoder != NULL && st->layers == 3
      && st->frames_in % TC_L1T3_PERIOD != 0;
}

/* A new encoder counts its frames from 0. */
static void
encoder_made (SinkStream *st)
{
  st->layers = gst_tempchat_video_encoder_layers (st->encoder, st->codec);
  st->frames_in = st->frames_out = 0;
}

/* capture_time_in() for `buf` on `pad`, by the pad's segment. */
static GstClockTime
capture_time_on_pad (GstTempchatSink *self, GstPad *pad, GstBuffer *buf)
{
  GstEvent *ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  const GstSegment *seg;
  GstClockTime captured = GST_CLOCK_TIME_NONE;

  if (ev != NULL) {
    gst_event_parse_segment (ev, &seg);
    captured = capture_time_in (self, seg, buf);
    gst_event_unref (ev);
  }
  return captured;
}

/* Which raw frames reach our encoder (tc_connect_gate.h): TRUE to drop
 * `buf`; *connecting when it is the connecting phase's one frame. */
static gboolean
held_back (SinkStream *st, GstPad *pad, GstBuffer *buf, gboolean *connecting)
{
  GstClockTime captured = capture_time_on_pad (st->sink, pad, buf);
  tc_gate_verdict v = tc_connect_gate_admit (&st->sink->gate,
      GST_CLOCK_TIME_IS_VALID (captured) ? (int64_t) (captured / GST_USECOND)
      : TC_CONNECT_GATE_NO_TIME);

  *connecting = v == TC_GATE_CONNECTING;
  return v == TC_GATE_DROP;
}

/* Whether `buf`, on its way to our encoder on `pad`, is left out because
 * the encoder has made more than its target lately (tc_frame_dropper.h).
 * Without a timestamp, never. */
static gboolean
over_target (SinkStream *st, GstPad *pad, GstBuffer *buf)
{
  GstClockTime captured = capture_time_on_pad (st->sink, pad, buf);
  gboolean drop;

  if (!GST_CLOCK_TIME_IS_VALID (captured))
    return FALSE;
  g_mutex_lock (&st->drop_lock);
  tc_frame_dropper_set_target (&st->dropper, st->bitrate);
  drop = tc_frame_dropper_drop (&st->dropper,
      (int64_t) (captured / GST_USECOND));
  g_mutex_unlock (&st->drop_lock);
  if (drop)
    g_atomic_int_inc (&st->sink->frames_overshoot);
  return drop;
}

/* Applies what the session asked for, in the streaming thread just before a
 * frame reaches the encoder (or, for encoded input, the appsink). */
static GstPadProbeReturn
apply_requests_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SinkStream *st = user_data;
  gint bps, codec;
  gboolean connecting = FALSE, key_asked = FALSE;

  if (st->encoder != NULL && held_back (st, pad,
          GST_PAD_PROBE_INFO_BUFFER (info), &connecting))
    return GST_PAD_PROBE_DROP;
  codec = g_atomic_int_exchange (&st->codec_pending, TC_SDP_CODEC_NONE);
  if (codec != TC_SDP_CODEC_NONE && st->encoder != NULL
      && (tc_sdp_codec) codec != st->codec)
    swap_encoder (st, (tc_sdp_codec) codec);
  /* An encoder that has not encoded yet answers with a keyframe anyway:
   * the call's first keyframe request costs nothing (for AV1 it would
   * otherwise make a new encoder, a 1080p one taking a few frames' time). */
  if (st->encoder != NULL && st->frames_in == 0)
    g_atomic_int_set (&st->keyframe_pending, 0);
  /* av1enc of GStreamer 1.22 ignores force-key-unit: a fresh encoder's
   * first frame is a keyframe (the core rate-limits these requests). */
  if (st->encoder != NULL && st->codec == TC_SDP_CODEC_AV1
      && g_atomic_int_exchange (&st->keyframe_pending, 0))
    swap_encoder (st, st->codec);
  /* A layered encoder's keyframe waits for the start of the pattern (at
   * most 3 frames): vpxenc goes on with the pattern by its frame count,
   * and a receiver of VP9 counts the pattern from the keyframe. */
  if (keyframe_waits_for_pattern (st))
    ;
  else if (g_atomic_int_exchange (&st->keyframe_pending, 0)) {
    GstEvent *ev = gst_video_event_new_upstream_force_key_unit
        (GST_CLOCK_TIME_NONE, TRUE, 0);
    GST_DEBUG_OBJECT (st->sink, "asking for a keyframe");
    key_asked = TRUE;
    if (st->encoder != NULL) {
      GstPad *src = gst_element_get_static_pad (st->encoder, "src");
      gst_pad_send_event (src, ev);
      gst_object_unref (src);
    } else {
      /* Upstream from the appsink: through the ghost pad to the user's
       * encoder. */
      gst_pad_push_event (pad, ev);
    }
  }
  bps = g_atomic_int_exchange (&st->bitrate_pending, 0);
  if (bps > 0 && st->encoder != NULL) {
    GST_DEBUG_OBJECT (st->sink, "video target bitrate %d", bps);
    st->bitrate = (guint) bps;
    gst_tempchat_video_encoder_set_bitrate (st->encoder, st->codec, st->bitrate);
  }
  /* Never the frame a keyframe was asked for, a new encoder's first or the
   * connecting phase's. A frame before a keyframe that waits for the layer
   * pattern may go: the receiver that asked throws such frames away, and
   * their bits are what a narrow link has no room for. The pattern counts
   * the frames encoded, so while the encoder runs far over its target the
   * keyframe waits for up to three frames the dropper lets through (at
   * most 0.91 s apart). Keeping them instead raised what the sender put on
   * a 1.5 Mbit/s link (gst_bwe_tbf_lift, noise, PLIs every 0.7 s) from
   * 1.70-1.87 to 1.98-2.43 Mbit/s. */
  if (st->encoder != NULL && !connecting && !key_asked && st->frames_in > 0
      && over_target (st, pad, GST_PAD_PROBE_INFO_BUFFER (info)))
    return GST_PAD_PROBE_DROP;
  tc_connect_gate_entered (&st->sink->gate, connecting
      && (key_asked || st->frames_in == 0));
  st->frames_in++;
  return GST_PAD_PROBE_OK;
}

/* ------------------------------------------------------ building a chain */

/* Returns a new element we hold a reference to (not floating). */
static GstElement *
make (GstTempchatSink *self, const gchar *factory)
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

static guint
start_bitrate_bps (GstTempchatSink *self)
{
  tc_sdp_bitrates set, eff = { .start_kbps = 2000 };

  GST_OBJECT_LOCK (self);
  gst_tempchat_settings_bitrates (&self->settings, &set);
  tc_sdp_effective_bitrates (self->settings.quality, &set, &eff);
  GST_OBJECT_UNLOCK (self);
  return eff.start_kbps * 1000;
}

static void
configure_opusenc (GstTempchatSink *self, GstElement *enc)
{
  gboolean fec;

  GST_OBJECT_LOCK (self);
  fec = self->settings.do_fec;
  GST_OBJECT_UNLOCK (self);
  /* No loss is expected until the peer reports some (gsttempchatfec.h). */
  g_object_set (enc, "bitrate", OPUS_BITRATE, "inband-fec", fec,
      "packet-loss-percentage", 0, NULL);
  /* generic, not voice: a sink often carries program audio and music. */
  gst_util_set_object_arg (G_OBJECT (enc), "audio-type", "generic");
  gst_util_set_object_arg (G_OBJECT (enc), "frame-size", OPUS_FRAME_MS);
}

static gboolean
caps_are_raw (GstCaps *caps)
{
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  return g_str_has_suffix (gst_structure_get_name (s), "/x-raw");
}

/* The factories between the ghost pad and the appsink for raw audio. */
static const gchar *const raw_audio_chain[] = { "audioconvert",
  "audioresample", "capsfilter", "opusenc", NULL };

/* Encoded video the core packetizes, whichever codec the call uses. */
static const tc_sdp_codec video_codecs[] = { TC_SDP_CODEC_AV1,
  TC_SDP_CODEC_VP9, TC_SDP_CODEC_H264, TC_SDP_CODEC_VP8 };

static gboolean
upstream_is_live (SinkStream *st)
{
  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;

  if (gst_pad_peer_query (st->ghost, q))
    gst_query_parse_latency (q, &live, NULL, NULL);
  gst_query_unref (q);
  return live;
}

static GstCaps *
appsink_caps (tc_media_kind kind)
{
  GstCaps *caps;

  if (kind == TC_MEDIA_AUDIO)
    return gst_caps_from_string ("audio/x-opus");
  caps = gst_caps_new_empty ();
  for (gsize i = 0; i < G_N_ELEMENTS (video_codecs); i++)
    gst_caps_append (caps,
        gst_caps_from_string (gst_tempchat_codec_get (video_codecs[i])->caps));
  return caps;
}

/* The codec a new video encoder starts with: the one the call sends, else
 * the first of video-codecs we can encode (the one our offer leads with
 * and a TempChat page's offer leads with too). */
static tc_sdp_codec
first_video_codec (GstTempchatSink *self)
{
  tc_session_config cfg = { 0 };
  gchar *message = NULL;
  gint sent = g_atomic_int_get (&self->sent_codec);

  if (sent != TC_SDP_CODEC_NONE)
    return (tc_sdp_codec) sent;
  GST_OBJECT_LOCK (self);
  if (!gst_tempchat_settings_video_codecs (&self->settings, &cfg, &message))
    cfg.video_codecs[0] = TC_SDP_CODEC_VP8;
  GST_OBJECT_UNLOCK (self);
  g_free (message);
  return cfg.video_codecs[0];
}

/* A capsfilter holding what our payloader wants of `codec`. */
static GstElement *
encoded_caps_filter (GstTempchatSink *self, tc_sdp_codec codec)
{
  GstElement *f = make (self, "capsfilter");
  GstCaps *caps = gst_tempchat_video_encoder_caps (codec);

  if (f != NULL)
    g_object_set (f, "caps", caps, NULL);
  gst_caps_unref (caps);
  return f;
}

/* 8-bit 4:2:0 into every encoder: what the codecs' negotiated profiles
 * allow (AV1 profile 0, VP9 profile-id 0, H264 constrained baseline; VP8
 * has no other). Without it videotestsrc's first format, AYUV, made av1enc
 * write 4:4:4 AV1 (High profile), which a receiver of profile 0 need not
 * decode and the OBS source does not. */
static GstElement *
raw_caps_filter (GstTempchatSink *self)
{
  GstElement *f = make (self, "capsfilter");
  GstCaps *caps = gst_caps_from_string ("video/x-raw, format=I420");

  if (f != NULL)
    g_object_set (f, "caps", caps, NULL);
  gst_caps_unref (caps);
  return f;
}

static void
on_frame_late (GstElement *queue, gpointer user_data)
{
  GstTempchatSink *self = user_data;

  g_atomic_int_inc (&self->frames_late);
}

#define WAITING_FRAMES 2

/* The encoder's own thread, fed the newest frames only. A sender that
 * cannot keep up (1080p on 2 cores) used to fall behind its live source,
 * which then handed it the frames it missed back to back; all encoded,
 * they left at 42-45 fps and 8 Mbit/s against a 6 Mbit/s target while it
 * caught up. With two frames waiting at most, and the oldest dropped when
 * a newer comes (counted: stats send.frames-dropped-late), the encoder
 * sees only frames near their time and never outruns the source by more
 * than those two. Two, not one: with one, an encoder that keeps up but
 * lost its CPU for a frame's time on a busy machine (320x240 on 2 shared
 * cores) dropped frames.
 *
 * The encoder sees the gaps in the timestamps and gives the frame after
 * one the gap's bits, so the bitrate over time stays the target
 * (integration/gst_overload: 0.91-1.02 times it over 10 s, a second up to
 * 1.75 times where the encoder gets back to full speed).
 *
 * Checking each frame's running time against the clock instead was tried:
 * when what is slow is upstream (a converter before us), every frame comes
 * late and every one was dropped, for ever. */
static GstElement *
frames_late_queue (GstTempchatSink *self)
{
  GstElement *q = make (self, "queue");

  if (q == NULL)
    return NULL;
  g_object_set (q, "max-size-buffers", WAITING_FRAMES, "max-size-bytes", 0,
      "max-size-time", (guint64) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (q), "leaky", "downstream");
  /* Full when a frame comes: the oldest waiting is dropped for it (an
   * overrun that finds the encoder just taking one counts all the same). */
  g_signal_connect (q, "overrun", G_CALLBACK (on_frame_late), self);
  return q;
}

/* videoconvert ! capsfilter (I420) ! queue ! <encoder for the codec> !
 * capsfilter, before the appsink in st->elements. */
static gboolean
add_raw_video (GstTempchatSink *self, SinkStream *st)
{
  tc_sdp_codec codec = first_video_codec (self);
  GstElement *enc, *convert, *i420;

  st->bitrate = start_bitrate_bps (self);
  enc = gst_tempchat_video_encoder_new (codec, st->bitrate);
  if (enc == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("No encoder for %s: install the GStreamer plugin package that "
            "provides it, or leave %s out of video-codecs.",
            tc_sdp_codec_name (codec), tc_sdp_codec_name (codec)), (NULL));
    return FALSE;
  }
  convert = make (self, "videoconvert");
  i420 = raw_caps_filter (self);
  st->feed = frames_late_queue (self);
  st->encoded_caps = encoded_caps_filter (self, codec);
  if (convert == NULL || i420 == NULL || st->feed == NULL
      || st->encoded_caps == NULL) {
    g_clear_object (&convert);
    g_clear_object (&i420);
    g_clear_object (&st->feed);
    g_clear_object (&st->encoded_caps);
    gst_object_unref (enc);
    return FALSE;
  }
  st->encoder = enc;
  st->codec = codec;
  g_ptr_array_insert (st->elements, 0, st->encoded_caps);
  g_ptr_array_insert (st->elements, 0, enc);
  g_ptr_array_insert (st->elements, 0, st->feed);
  g_ptr_array_insert (st->elements, 0, i420);
  g_ptr_array_insert (st->elements, 0, convert);
  GST_INFO_OBJECT (self, "video encoded with %s (%s)",
      GST_OBJECT_NAME (gst_element_get_factory (enc)),
      tc_sdp_codec_name (codec));
  return TRUE;
}

static gboolean
add_raw_audio (GstTempchatSink *self, SinkStream *st)
{
  for (guint i = 0; raw_audio_chain[i] != NULL; i++) {
    GstElement *e = make (self, raw_audio_chain[i]);
    if (e == NULL)
      return FALSE;
    if (g_str_equal (raw_audio_chain[i], "opusenc")) {
      configure_opusenc (self, e);
      gst_tempchat_fec_send_init (&st->fec);    /* it was told 0 */
      st->encoder = e;
    } else if (g_str_equal (raw_audio_chain[i], "capsfilter")) {
      /* S16: what the level probe reads (gsttempchatlevel.h). */
      GstCaps *opus_in = gst_caps_from_string ("audio/x-raw, "
          "format=S16LE, rate=48000, channels=2");
      g_object_set (e, "caps", opus_in, NULL);
      gst_caps_unref (opus_in);
    }
    g_ptr_array_insert (st->elements, (gint) i, e);
  }
  return TRUE;
}

/* Already-encoded video says its codec in its caps: the call may then use
 * that codec only. */
static void
restrict_to_input_codec (GstTempchatSink *self, SinkStream *st, GstCaps *caps)
{
  const GstTempchatCodec *c = gst_tempchat_codec_for_caps (caps);

  if (st->kind != TC_MEDIA_VIDEO || c == NULL)
    return;
  st->codec = c->codec;
  if (self->call != NULL && gst_tempchat_call_set_video_codecs (self->call,
          &c->codec, 1) == TC_ERR_UNSUPPORTED)
    GST_ELEMENT_WARNING (self, STREAM, CODEC_NOT_FOUND,
        ("The encoded %s input cannot be sent: this build has no payloader "
            "for it.", tc_sdp_codec_name (c->codec)), (NULL));
  GST_INFO_OBJECT (self, "encoded %s input: the call offers only it",
      tc_sdp_codec_name (c->codec));
}

/* The application's turn to tune our packetizer (webrtcsink's
 * payloader-setup): the payloaders are the core's C code, not elements, so
 * it gets their settings as a structure to change in place. */
static void
payloader_setup (GstTempchatSink *self, SinkStream *st)
{
  const gchar *kind = st->kind == TC_MEDIA_VIDEO ? "video" : "audio";
  GstStructure *settings = gst_structure_new ("tempchat/payloader",
      "mtu", G_TYPE_UINT, (guint) TC_SESSION_MTU_DEFAULT, NULL);
  guint mtu = TC_SESSION_MTU_DEFAULT;

  g_signal_emit (self, signals[SIGNAL_PAYLOADER_SETUP], 0, kind, settings);
  if (!gst_structure_get_uint (settings, "mtu", &mtu)
      || mtu < TC_SESSION_MTU_MIN || mtu > TC_SESSION_MTU_MAX) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("payloader-setup for %s: \"mtu\" must be a guint between %u and %u "
            "bytes; keeping %u.", kind, TC_SESSION_MTU_MIN,
            TC_SESSION_MTU_MAX, (guint) TC_SESSION_MTU_DEFAULT), (NULL));
    mtu = TC_SESSION_MTU_DEFAULT;
  }
  gst_structure_free (settings);
  /* start_call reads it under the lock, from the state change's thread. */
  GST_OBJECT_LOCK (self);
  st->mtu = mtu;
  GST_OBJECT_UNLOCK (self);
  /* A call started later gets it from start_call. */
  if (self->call != NULL)
    gst_tempchat_call_set_mtu (self->call, st->kind, mtu);
}

static gboolean
link_chain (GstTempchatSink *self, SinkStream *st)
{
  GstElement *prev = NULL;

  for (guint i = 0; i < st->elements->len; i++)
    gst_bin_add (GST_BIN (self), g_ptr_array_index (st->elements, i));
  for (guint i = 0; i < st->elements->len; i++) {
    GstElement *e = g_ptr_array_index (st->elements, i);
    if (prev != NULL && !gst_element_link (prev, e)) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("Could not build the encoding chain inside tempchatsink."), (NULL));
      return FALSE;
    }
    prev = e;
  }
  /* Downstream first, so nothing pushes into an element not yet running. */
  for (guint i = st->elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (st->elements,
            i - 1));
  return TRUE;
}

static gboolean
build_chain (GstTempchatSink *self, SinkStream *st, GstCaps *input)
{
  gboolean raw = caps_are_raw (input);
  GstPad *probe_pad, *target;
  GstCaps *caps;

  st->appsink = make (self, "appsink");
  if (st->appsink == NULL)
    return FALSE;
  caps = appsink_caps (st->kind);
  /* A live source is already real time: send each frame as soon as it is
   * encoded (no wait for the pipeline latency, which a tempchatsrc in the
   * same pipeline raises), audio one frame per frame duration (pace()).
   * Anything else, a file say, is paced by the clock like a camera. Added
   * while streaming, so no part in preroll. */
  st->paced = st->kind == TC_MEDIA_AUDIO && upstream_is_live (st);
  gst_tempchat_pace_init (&st->pace);
  g_object_set (st->appsink, "caps", caps, "sync", !upstream_is_live (st),
      "async", FALSE, NULL);
  gst_caps_unref (caps);
  {
    GstAppSinkCallbacks cbs = { 0 };
    cbs.new_sample = on_new_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (st->appsink), &cbs, st, NULL);
  }
  g_ptr_array_add (st->elements, st->appsink);

  if (raw && !(st->kind == TC_MEDIA_VIDEO ? add_raw_video (self, st) :
          add_raw_audio (self, st)))
    return FALSE;
  if (!raw)
    restrict_to_input_codec (self, st, input);

  /* The application's turn to tune what we configured (webrtcsink's
   * encoder-setup): before the encoder is in the bin or sees a frame. */
  if (st->encoder != NULL)
    g_signal_emit (self, signals[SIGNAL_ENCODER_SETUP], 0,
        st->kind == TC_MEDIA_VIDEO ? "video" : "audio", st->encoder);
  if (st->encoder != NULL && st->kind == TC_MEDIA_VIDEO)
    encoder_made (st);
  payloader_setup (self, st);
  if (!link_chain (self, st))
    return FALSE;

  /* Video requests are applied before the encoder (on the queue's output,
   * in the encoder's own thread, where a new codec can swap the encoder)
   * or the appsink. */
  probe_pad = gst_element_get_static_pad (st->feed != NULL ? st->feed :
      st->appsink, st->feed != NULL ? "src" : "sink");
  if (st->kind == TC_MEDIA_VIDEO)
    gst_pad_add_probe (probe_pad, GST_PAD_PROBE_TYPE_BUFFER,
        apply_requests_probe, st, NULL);
  gst_object_unref (probe_pad);
  if (st->kind == TC_MEDIA_AUDIO && st->encoder != NULL)
    gst_tempchat_level_watch (&st->level, st->encoder);

  target = gst_element_get_static_pad (g_ptr_array_index (st->elements, 0),
      "sink");
  gst_ghost_pad_set_target (GST_GHOST_PAD (st->ghost), target);
  gst_object_unref (target);
  st->encoded_input = !raw;
  GST_INFO_OBJECT (self, "%s %s", st->kind == TC_MEDIA_VIDEO ? "video" :
      "audio", raw ? "encoded here" : "passes through (already encoded)");
  return TRUE;
}

/* In the streaming thread, before a frame reaches the encoder (which is
 * idle then): the call now sends another codec (or needs a keyframe from an
 * encoder that cannot be asked for one), so the encoder is replaced where
 * it stands; the pipeline runs on, and the new encoder starts with a
 * keyframe at the current target bitrate. */
static void
swap_encoder (SinkStream *st, tc_sdp_codec codec)
{
  GstTempchatSink *self = st->sink;
  GstElement *enc = gst_tempchat_video_encoder_new (codec, st->bitrate);
  GstElement *filter = enc != NULL ? encoded_caps_filter (self, codec) : NULL;

  if (filter == NULL) {
    g_clear_object (&enc);
    GST_ELEMENT_WARNING (self, CORE, MISSING_PLUGIN,
        ("The call now uses %s, which this machine cannot encode.",
            tc_sdp_codec_name (codec)), (NULL));
    return;
  }
  g_signal_emit (self, signals[SIGNAL_ENCODER_SETUP], 0, "video", enc);
  gst_element_unlink_many (st->feed, st->encoder, st->encoded_caps,
      st->appsink, NULL);
  gst_element_set_state (st->encoder, GST_STATE_NULL);
  gst_element_set_state (st->encoded_caps, GST_STATE_NULL);
  gst_bin_remove_many (GST_BIN (self), st->encoder, st->encoded_caps, NULL);
  /* st->elements holds our references: [videoconvert, its I420 filter,
   * feed (the queue), encoder, filter, appsink]. */
  g_ptr_array_index (st->elements, 3) = enc;
  g_ptr_array_index (st->elements, 4) = filter;
  gst_object_unref (st->encoder);
  gst_object_unref (st->encoded_caps);
  st->encoder = enc;
  st->encoded_caps = filter;
  st->codec = codec;
  encoder_made (st);
  gst_bin_add_many (GST_BIN (self), enc, filter, NULL);
  if (!gst_element_link_many (st->feed, enc, filter, st->appsink, NULL))
    GST_ELEMENT_WARNING (self, CORE, NEGOTIATION,
        ("Could not switch the encoder to %s.", tc_sdp_codec_name (codec)),
        (NULL));
  gst_element_sync_state_with_parent (filter);
  gst_element_sync_state_with_parent (enc);
  GST_INFO_OBJECT (self, "new %s encoder", tc_sdp_codec_name (codec));
}

/* object lock held. */
static gboolean
stream_ended_without_chain (SinkStream *st)
{
  return st == NULL || (st->elements->len == 0 && st->eos);
}

/* EOS on a pad that never got caps has no appsink to end, and a bin posts
 * EOS only when its sink children did: with no child at all, the pipeline
 * would wait for us forever (Ctrl-C with -e before the source started).
 * Once every pad ended that way, the element posts EOS itself. */
static void
on_eos_without_chain (GstTempchatSink *self, SinkStream *st, guint32 seqnum)
{
  gboolean all;
  GstMessage *msg;

  GST_OBJECT_LOCK (self);
  st->eos = TRUE;
  all = stream_ended_without_chain (self->video)
      && stream_ended_without_chain (self->audio);
  GST_OBJECT_UNLOCK (self);
  if (!all)
    return;
  GST_INFO_OBJECT (self, "EOS before any media: posting EOS");
  msg = gst_message_new_eos (GST_OBJECT (self));
  gst_message_set_seqnum (msg, seqnum);
  gst_element_post_message (GST_ELEMENT (self), msg);
}

static gboolean
sink_pad_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (parent);
  SinkStream *st = gst_pad_get_element_private (pad);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && st->elements->len == 0) {
    on_eos_without_chain (self, st, gst_event_get_seqnum (event));
    gst_event_unref (event);
    return TRUE;
  }
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    st->eos = FALSE;

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gboolean raw;

    gst_event_parse_caps (event, &caps);
    raw = caps_are_raw (caps);
    if (st->elements->len == 0) {
      if (!build_chain (self, st, caps)) {
        gst_event_unref (event);
        return FALSE;
      }
    } else if (raw == st->encoded_input) {
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("tempchatsink cannot switch a pad between raw and encoded input "
              "while running."), (NULL));
      gst_event_unref (event);
      return FALSE;
    }
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
sink_pad_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  SinkStream *st = gst_pad_get_element_private (pad);
  GstCaps *templ, *filter, *result;

  /* Until the chain exists, answer from the template (raw or encoded). */
  if (st->elements->len > 0)
    return gst_pad_query_default (pad, parent, query);
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      templ = gst_pad_get_pad_template_caps (pad);
      gst_query_parse_caps (query, &filter);
      result = filter != NULL ? gst_caps_intersect_full (filter, templ,
          GST_CAPS_INTERSECT_FIRST) : gst_caps_ref (templ);
      gst_query_set_caps_result (query, result);
      gst_caps_unref (result);
      gst_caps_unref (templ);
      return TRUE;
    case GST_QUERY_ACCEPT_CAPS:
      gst_query_parse_accept_caps (query, &filter);
      templ = gst_pad_get_pad_template_caps (pad);
      gst_query_set_accept_caps_result (query,
          gst_caps_can_intersect (filter, templ));
      gst_caps_unref (templ);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ------------------------------------------------------------ request pads */

static void
stream_free (GstTempchatSink *self, SinkStream *st)
{
  /* On dispose the bin may have dropped its children already; we hold our
   * own references. */
  for (guint i = 0; i < st->elements->len; i++) {
    GstElement *e = g_ptr_array_index (st->elements, i);
    gst_element_set_state (e, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (e) == GST_OBJECT (self))
      gst_bin_remove (GST_BIN (self), e);
  }
  g_ptr_array_free (st->elements, TRUE);
  gst_tempchat_level_clear (&st->level);
  g_mutex_clear (&st->drop_lock);
  g_free (st);
}

static GstPad *
gst_tempchat_sink_request_new_pad (GstElement *element, GstPadTemplate *templ,
    const gchar *name, const GstCaps *caps)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (element);
  gboolean video = g_str_equal (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ),
      "video");
  SinkStream *st;

  GST_OBJECT_LOCK (self);
  if ((video ? self->video : self->audio) != NULL) {
    GST_OBJECT_UNLOCK (self);
    GST_WARNING_OBJECT (self, "there is already a %s pad; a call carries "
        "one of each", video ? "video" : "audio");
    return NULL;
  }
  st = g_new0 (SinkStream, 1);
  st->sink = self;
  st->kind = video ? TC_MEDIA_VIDEO : TC_MEDIA_AUDIO;
  st->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  gst_tempchat_level_init (&st->level);
  gst_tempchat_fec_send_init (&st->fec);
  st->fec_check = GST_CLOCK_TIME_NONE;
  g_mutex_init (&st->drop_lock);
  tc_frame_dropper_init (&st->dropper);
  st->ghost = gst_ghost_pad_new_no_target_from_template (video ? "video" :
      "audio", templ);
  gst_pad_set_element_private (st->ghost, st);
  gst_pad_set_event_function (st->ghost, sink_pad_event);
  gst_pad_set_query_function (st->ghost, sink_pad_query);
  if (video)
    self->video = st;
  else
    self->audio = st;
  GST_OBJECT_UNLOCK (self);

  gst_element_add_pad (element, st->ghost);
  return st->ghost;
}

static void
gst_tempchat_sink_release_pad (GstElement *element, GstPad *pad)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (element);
  SinkStream *st = gst_pad_get_element_private (pad);

  GST_OBJECT_LOCK (self);
  if (self->video == st)
    self->video = NULL;
  else if (self->audio == st)
    self->audio = NULL;
  GST_OBJECT_UNLOCK (self);

  gst_ghost_pad_set_target (GST_GHOST_PAD (pad), NULL);
  gst_element_remove_pad (element, pad);
  stream_free (self, st);
}

/* ------------------------------------------------------------ the call */

static GstTempchatDirections
sink_directions (gpointer member)
{
  GstTempchatSink *self = member;
  GstTempchatDirections dirs = 0;

  GST_OBJECT_LOCK (self);
  if (self->video != NULL)
    dirs |= GST_TEMPCHAT_SEND_VIDEO;
  if (self->audio != NULL)
    dirs |= GST_TEMPCHAT_SEND_AUDIO;
  GST_OBJECT_UNLOCK (self);
  return dirs;
}

/* On the session thread. The encoder changes in the streaming thread, before
 * its next frame (apply_requests_probe). */
static void
follow_sent_codec (GstTempchatSink *self, tc_sdp_codec codec)
{
  g_atomic_int_set (&self->sent_codec, codec);
  GST_OBJECT_LOCK (self);
  if (self->video != NULL && !self->video->encoded_input
      && self->video->encoder != NULL && self->video->codec != codec)
    g_atomic_int_set (&self->video->codec_pending, codec);
  GST_OBJECT_UNLOCK (self);
}

/* The pipeline clock's time now, in µs. */
static int64_t
clock_now_us (GstTempchatSink *self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  int64_t now;

  if (clock == NULL)
    return TC_CONNECT_GATE_NO_TIME;
  now = (int64_t) (gst_clock_get_time (clock) / GST_USECOND);
  gst_object_unref (clock);
  return now;
}

/* Session thread: the gate follows the call's state. A connecting phase
 * asks for a keyframe first (free from an encoder that has not encoded
 * yet), before the gate lets its frame in. */
static void
follow_call_state (GstTempchatSink *self, tc_session_state state)
{
  if (state == TC_SESSION_CONNECTING) {
    GST_OBJECT_LOCK (self);
    if (self->video != NULL && !self->video->encoded_input)
      g_atomic_int_set (&self->video->keyframe_pending, 1);
    GST_OBJECT_UNLOCK (self);
  }
  tc_connect_gate_follow (&self->gate, state, clock_now_us (self));
}

/* On the session thread: quick, no call back into the call. */
static void
sink_on_event (gpointer member, tc_session *s, const tc_session_event *ev)
{
  GstTempchatSink *self = member;
  gboolean encoded;

  switch (ev->type) {
    case TC_SESSION_EV_KEYFRAME_REQUEST:
      GST_OBJECT_LOCK (self);
      if (self->video != NULL
          && !tc_connect_gate_key_coming (&self->gate))
        g_atomic_int_set (&self->video->keyframe_pending, 1);
      GST_OBJECT_UNLOCK (self);
      break;
    case TC_SESSION_EV_TARGET_BITRATE:
      GST_OBJECT_LOCK (self);
      if (self->video != NULL && !self->video->encoded_input)
        g_atomic_int_set (&self->video->bitrate_pending,
            (gint) MIN (ev->bitrate_bps, G_MAXINT));
      encoded = self->video != NULL && self->video->encoded_input;
      GST_OBJECT_UNLOCK (self);
      /* Our encoder follows by itself; the user's own one is told. */
      if (encoded)
        gst_element_post_message (GST_ELEMENT (self),
            gst_message_new_element (GST_OBJECT (self),
                gst_structure_new ("tempchat/target-bitrate", "bitrate",
                    G_TYPE_UINT, (guint) ev->bitrate_bps, NULL)));
      break;
    case TC_SESSION_EV_STATE:
      follow_call_state (self, ev->state);
      gst_tempchat_post_event (GST_ELEMENT (self), &self->peer, s, ev);
      break;
    case TC_SESSION_EV_NEGOTIATED:
      if (ev->kind == TC_MEDIA_VIDEO && (ev->direction == TC_SDP_DIR_SENDRECV
              || ev->direction == TC_SDP_DIR_SENDONLY))
        follow_sent_codec (self, ev->codec);
      gst_tempchat_post_event (GST_ELEMENT (self), &self->peer, s, ev);
      break;
    default:
      gst_tempchat_post_event (GST_ELEMENT (self), &self->peer, s, ev);
      break;
  }
}

static const GstTempchatMemberFuncs sink_member_funcs = {
  sink_directions,
  sink_on_event,
};

static gboolean
join_call (GstTempchatSink *self)
{
  return gst_tempchat_element_join (GST_ELEMENT (self), &self->call,
      &self->settings, &sink_member_funcs);
}

static gboolean
start_call (GstTempchatSink *self)
{
  gchar *message = NULL;

  if (sink_directions (self) == 0) {
    GST_ELEMENT_ERROR (self, CORE, PAD,
        ("tempchatsink has nothing to send: link video and/or audio to its "
            "\"video\" and \"audio\" pads."), (NULL));
    return FALSE;
  }
  memset (&self->peer, 0, sizeof self->peer);
  g_atomic_int_set (&self->frames_late, 0);
  g_atomic_int_set (&self->frames_overshoot, 0);
  tc_connect_gate_reset (&self->gate);
  GST_OBJECT_LOCK (self);
  if (self->video != NULL) {
    self->video->eos = FALSE;
    g_mutex_lock (&self->video->drop_lock);
    tc_frame_dropper_init (&self->video->dropper);
    g_mutex_unlock (&self->video->drop_lock);
  }
  if (self->audio != NULL)
    self->audio->eos = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (!gst_tempchat_call_start (self->call, self, &message)) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("%s", message),
        (NULL));
    g_free (message);
    return FALSE;
  }
  /* The pads' MTUs, read under the lock and applied outside it: the call
   * takes its own locks. */
  GST_OBJECT_LOCK (self);
  guint mtu[2] = { self->video != NULL ? self->video->mtu : 0,
    self->audio != NULL ? self->audio->mtu : 0 };
  GST_OBJECT_UNLOCK (self);
  if (mtu[0] != 0)
    gst_tempchat_call_set_mtu (self->call, TC_MEDIA_VIDEO, mtu[0]);
  if (mtu[1] != 0)
    gst_tempchat_call_set_mtu (self->call, TC_MEDIA_AUDIO, mtu[1]);
  return TRUE;
}

/* The call starts at READY->PAUSED, not PAUSED->PLAYING: signaling, ICE and
 * DTLS take seconds, and starting early overlaps them with prerolling; a
 * live pipeline goes on to PLAYING at once anyway. It also matches
 * tempchatsrc, which must be in the room before it has pads to preroll. */
static GstStateChangeReturn
gst_tempchat_sink_change_state (GstElement *element, GstStateChange transition)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!join_call (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_tempchat_element_rejoin_if_changed (element, &self->call,
              &self->settings, &sink_member_funcs) || !start_call (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (gst_tempchat_sink_parent_class)->change_state
      (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      gst_tempchat_call_stop (self->call, self);
    if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
      gst_tempchat_element_leave (element, &self->call);
    }
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_tempchat_call_stop (self->call, self);
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

/* ------------------------------------------------------------ properties */

static void
gst_tempchat_sink_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (object);
  gboolean handled;

  if (gst_tempchat_props_refuse_while_running (GST_ELEMENT (self), pspec))
    return;
  GST_OBJECT_LOCK (self);
  handled = gst_tempchat_props_set (&self->settings, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else if (gst_tempchat_props_is_bitrate (prop_id))
    gst_tempchat_element_apply_bitrates (GST_ELEMENT (self), &self->call,
        &self->settings);
}

/* The call's stats, and in "send" what only the sink knows: the raw
 * frames its encoder had no time for (frames_late_queue) and those left
 * out while it ran over its target (over_target). */
static GstStructure *
sink_stats (GstTempchatSink *self)
{
  GstStructure *st = gst_tempchat_element_stats (GST_ELEMENT (self),
      &self->call, &self->settings);
  GstStructure *send = NULL;

  if (gst_structure_get (st, "send", GST_TYPE_STRUCTURE, &send, NULL)) {
    gst_structure_set (send, "frames-dropped-late", G_TYPE_UINT64,
        (guint64) g_atomic_int_get (&self->frames_late),
        "frames-dropped-overshoot", G_TYPE_UINT64,
        (guint64) g_atomic_int_get (&self->frames_overshoot), NULL);
    gst_structure_set (st, "send", GST_TYPE_STRUCTURE, send, NULL);
    gst_structure_free (send);
  }
  return st;
}

static void
gst_tempchat_sink_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (object);
  gboolean handled;

  if (prop_id == GST_TEMPCHAT_PROP_STATS) {
    g_value_take_boxed (value, sink_stats (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  handled = gst_tempchat_props_get (&self->settings, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_tempchat_sink_finalize (GObject *object)
{
  GstTempchatSink *self = GST_TEMPCHAT_SINK (object);

  gst_tempchat_settings_clear (&self->settings);
  tc_connect_gate_clear (&self->gate);
  G_OBJECT_CLASS (gst_tempchat_sink_parent_class)->finalize (object);
}

static void
gst_tempchat_sink_class_init (GstTempchatSinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_tempchat_sink_set_property;
  gobject_class->get_property = gst_tempchat_sink_get_property;
  gobject_class->finalize = gst_tempchat_sink_finalize;
  gst_tempchat_props_install (gobject_class);
  gst_tempchat_props_install_sender (gobject_class);

  /**
   * GstTempchatSink::encoder-setup:
   * @sink: the tempchatsink
   * @pad_name: "video" or "audio"
   * @encoder: the video encoder (av1enc, vp9enc, x264enc, openh264enc or
   *     vp8enc) or opusenc just created and configured
   *
   * Lets the application set properties on an encoder the element creates
   * for raw input, after the element's own settings and before the first
   * frame. Not emitted for already-encoded input. The element still sets
   * the video encoder's target-bitrate as the bandwidth estimate moves.
   */
  signals[SIGNAL_ENCODER_SETUP] = g_signal_new ("encoder-setup",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, GST_TYPE_ELEMENT);

  /**
   * GstTempchatSink::payloader-setup:
   * @sink: the tempchatsink
   * @pad_name: "video" or "audio"
   * @settings: (transfer none): the packetizer's settings, a
   *     "tempchat/payloader" structure to change in place
   *
   * Lets the application tune how the element packetizes a pad's frames
   * into RTP, as webrtcsink's payloader-setup does for its payloader
   * elements (ours are built in, so the settings come as a structure).
   * Emitted when the pad's input caps are known, for raw and encoded input.
   * Fields:
   *
   * * "mtu" (guint, 400-1472, default 1200): the largest UDP datagram the
   *   pad's packets make, SRTP tag and retransmission header included.
   *   Lower it for a path through a tunnel or VPN that drops larger
   *   datagrams. Video frames are split to fit; an audio frame is one
   *   packet and is not sent if it does not fit (Opus at TempChat's
   *   bitrates is 100-200 bytes).
   *
   * A value out of range is refused with a warning and the default kept.
   */
  signals[SIGNAL_PAYLOADER_SETUP] = g_signal_new ("payloader-setup",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING,
      GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_set_static_metadata (element_class,
      "TempChat sink", "Sink/Network/Video/Audio",
      "Sends video and audio to the other participant of a TempChat room "
      "(encodes raw input with the negotiated codec: AV1, VP9, H264 or VP8, "
      "and Opus)",
      "tempchat-peers");

  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_tempchat_sink_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_tempchat_sink_release_pad);
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_tempchat_sink_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_TEMPCHAT_QUALITY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TEMPCHAT_CONGESTION_CONTROL, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TEMPCHAT_ICE_TRANSPORT_POLICY, 0);
}

static void
gst_tempchat_sink_init (GstTempchatSink *self)
{
  gst_tempchat_settings_init (&self->settings);
  tc_connect_gate_init (&self->gate);
  /* A sink bin: the pipeline waits for it at EOS. */
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}
