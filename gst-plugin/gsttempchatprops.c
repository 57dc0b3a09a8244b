/* gsttempchatprops.c - the properties tempchatsink and tempchatsrc share.
 *
 * One place installs them, stores them and turns them into a
 * tc_session_config, so the two elements cannot drift apart. Secrets
 * (turn-secret, turn-password) are write-only: nothing reads them back, and
 * gst-launch-1.0 -v cannot print them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "tempchat/tc_room.h"
#include "gsttempchatprops.h"
#include "gsttempchatcodecs.h"

#define RW_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)
#define WO_FLAGS (G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

GType
gst_tempchat_quality_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {TC_SDP_QUALITY_360P, "360p: 500 kbps start, 700 kbps max", "360p"},
    {TC_SDP_QUALITY_720P, "720p: 2 Mbps start, 3 Mbps max", "720p"},
    {TC_SDP_QUALITY_1080P, "1080p: 4.5 Mbps start, 6 Mbps max", "1080p"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTempchatQuality", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_tempchat_congestion_control_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TEMPCHAT_CONGESTION_CONTROL_GCC, "Google Congestion Control: the "
          "bitrate follows the peer's transport-cc feedback", "gcc"},
    {GST_TEMPCHAT_CONGESTION_CONTROL_NONE, "None: the encoder stays at "
          "start-bitrate (the peer's REMB, if any, still caps it)", "none"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTempchatCongestionControl", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_tempchat_ice_transport_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TEMPCHAT_ICE_TRANSPORT_POLICY_ALL, "All candidates", "all"},
    {GST_TEMPCHAT_ICE_TRANSPORT_POLICY_RELAY, "TURN relay candidates only "
          "(the same as relay-only=true)", "relay"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTempchatIceTransportPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
gst_tempchat_settings_init (GstTempchatSettings *s)
{
  memset (s, 0, sizeof *s);
  s->signaling_url = g_strdup (GST_TEMPCHAT_DEFAULT_SIGNALING_URL);
  s->quality = GST_TEMPCHAT_DEFAULT_QUALITY;
  s->signaling_retries = GST_TEMPCHAT_DEFAULT_SIGNALING_RETRIES;
  s->do_retransmission = TRUE;
  s->do_fec = TRUE;
  s->video_codecs = g_strdup (GST_TEMPCHAT_DEFAULT_VIDEO_CODECS);
}

void
gst_tempchat_settings_clear (GstTempchatSettings *s)
{
  g_free (s->room);
  g_free (s->signaling_url);
  g_free (s->channel);
  g_strfreev (s->stun_servers);
  g_free (s->turn_server);
  g_free (s->turn_secret);
  g_free (s->turn_username);
  g_free (s->turn_password);
  g_free (s->ca_file);
  g_free (s->video_codecs);
  memset (s, 0, sizeof *s);
}

void
gst_tempchat_settings_copy (GstTempchatSettings *dst,
    const GstTempchatSettings *src)
{
  dst->room = g_strdup (src->room);
  dst->signaling_url = g_strdup (src->signaling_url);
  dst->channel = g_strdup (src->channel);
  dst->stun_servers = g_strdupv (src->stun_servers);
  dst->turn_server = g_strdup (src->turn_server);
  dst->turn_secret = g_strdup (src->turn_secret);
  dst->turn_username = g_strdup (src->turn_username);
  dst->turn_password = g_strdup (src->turn_password);
  dst->relay_only = src->relay_only;
  dst->quality = src->quality;
  dst->insecure_signaling = src->insecure_signaling;
  dst->ca_file = g_strdup (src->ca_file);
  dst->signaling_retries = src->signaling_retries;
  dst->start_bitrate = src->start_bitrate;
  dst->min_bitrate = src->min_bitrate;
  dst->max_bitrate = src->max_bitrate;
  dst->congestion_control = src->congestion_control;
  dst->do_retransmission = src->do_retransmission;
  dst->do_fec = src->do_fec;
  dst->video_codecs = g_strdup (src->video_codecs);
}

void
gst_tempchat_props_install (GObjectClass *klass)
{
  /* The room is a secret of sorts: anyone with it can join the call. It is
   * readable (applications need it back) but never logged. */
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_ROOM,
      g_param_spec_string ("room", "Room",
          "The TempChat room to join: the invitation link "
          "(https://host/#abc123), its hash (#abc123) or the bare hash "
          "(abc123)", NULL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_SIGNALING_URL,
      g_param_spec_string ("signaling-url", "Signaling URL",
          "ScaleDrone v3 websocket URL (wss://, or ws:// to a loopback host "
          "such as a local tempchat-relay)",
          GST_TEMPCHAT_DEFAULT_SIGNALING_URL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_CHANNEL,
      g_param_spec_string ("channel", "Channel",
          "ScaleDrone channel id of the TempChat site (SCALEDRONE_CHANNEL in "
          "its script.js); required", NULL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_STUN_SERVERS,
      gst_param_spec_array ("stun-servers", "STUN servers",
          "STUN server URLs as in RTCIceServer, e.g. "
          "stun-servers=\"<stun:stun.example.org:3478,stun:192.0.2.1:19302>\" "
          "on the gst-launch-1.0 command line; empty: host (and TURN) "
          "candidates only",
          g_param_spec_string ("stun-server", "STUN server",
              "One STUN server URL (stun:host:port)", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_TURN_SERVER,
      g_param_spec_string ("turn-server", "TURN server",
          "TURN server URL: turn:host:port?transport=udp|tcp, or "
          "turns:host:port for TURN over TLS (port 5349 by default; the "
          "certificate is checked against the system CAs, ca-file and the "
          "host name); credentials from turn-secret or "
          "turn-username/turn-password", NULL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_TURN_SECRET,
      g_param_spec_string ("turn-secret", "TURN secret",
          "coturn static-auth-secret: short-lived TURN credentials are "
          "derived from it as the web client does (write-only)", NULL,
          WO_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_TURN_USERNAME,
      g_param_spec_string ("turn-username", "TURN username",
          "Fixed TURN username (instead of turn-secret)", NULL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_TURN_PASSWORD,
      g_param_spec_string ("turn-password", "TURN password",
          "Fixed TURN password (instead of turn-secret; write-only)", NULL,
          WO_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_RELAY_ONLY,
      g_param_spec_boolean ("relay-only", "Relay only",
          "Use TURN relay candidates only, so the peer never learns our IP "
          "address (needs turn-server)", FALSE, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_QUALITY,
      g_param_spec_enum ("quality", "Quality",
          "Call quality as in the web client's selector: bandwidth hints in "
          "the SDP, the video encoder's start bitrate and the estimate's "
          "maximum; may change while PLAYING (the maximum applies at once)",
          GST_TYPE_TEMPCHAT_QUALITY, GST_TEMPCHAT_DEFAULT_QUALITY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (klass,
      GST_TEMPCHAT_PROP_INSECURE_SIGNALING,
      g_param_spec_boolean ("insecure-signaling", "Insecure signaling",
          "Allow unencrypted ws:// signaling to hosts that are not loopback "
          "(the room then travels in clear text)", FALSE, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_CA_FILE,
      g_param_spec_string ("ca-file", "CA file",
          "PEM file of extra certificate authorities trusted for wss:// "
          "signaling and turns: TURN servers (e.g. self-hosted ones)", NULL,
          RW_FLAGS));
  g_object_class_install_property (klass,
      GST_TEMPCHAT_PROP_SIGNALING_RETRIES,
      g_param_spec_int ("signaling-retries", "Signaling retries",
          "Failed attempts to reach the signaling server before the element "
          "posts an error: -1 tries forever (each failure is a warning on "
          "the bus saying why), 0 is the ScaleDrone client's 25",
          -1, G_MAXINT, GST_TEMPCHAT_DEFAULT_SIGNALING_RETRIES, RW_FLAGS));
  g_object_class_install_property (klass,
      GST_TEMPCHAT_PROP_ICE_TRANSPORT_POLICY,
      g_param_spec_enum ("ice-transport-policy", "ICE transport policy",
          "As RTCPeerConnection's iceTransportPolicy: relay uses TURN relay "
          "candidates only (the same property as relay-only)",
          GST_TYPE_TEMPCHAT_ICE_TRANSPORT_POLICY,
          GST_TEMPCHAT_ICE_TRANSPORT_POLICY_ALL, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_VIDEO_CODECS,
      g_param_spec_string ("video-codecs", "Video codecs",
          "Video codecs the call may use, most preferred first, separated by "
          "commas (av1, vp9, h264, vp8). Our offer lists them in this order; "
          "our answer takes the first the peer offers, whatever its order, "
          "so both directions use it. Codecs this machine cannot encode and "
          "decode (missing GStreamer elements) are left out; already-encoded "
          "input to tempchatsink restricts the call to its codec; an unknown "
          "name is an error at start",
          GST_TEMPCHAT_DEFAULT_VIDEO_CODECS, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "The call's statistics as an application/x-tempchat-stats "
          "structure: state, connection (direct, relay or none: the web "
          "client's P2P/TURN indicator), relayed, rtt-ms (-1 until an RTCP "
          "receiver report answers our sender report), target-bitrate (the "
          "send-side bandwidth estimate in bit/s the video encoder follows; "
          "0 while not sending video), min-bitrate, start-bitrate and "
          "max-bitrate (the limits in effect, bit/s), signaling-connected "
          "(in the signaling room now) and signaling-reconnects (times the "
          "signaling connection came back; a call with live media goes on "
          "through a signaling loss), and per direction "
          "(send, recv) video-codec, audio-codec, width, height, fps, video-bitrate, "
          "audio-bitrate, packets, packets-lost, loss-fraction, nacks, "
          "plis, retransmissions (packets sent again for NACKs, or "
          "received again), frames-dropped, frames-dropped-late "
          "(tempchatsink's send: raw frames its encoder had no time for, "
          "dropped rather than caught up on), frames-dropped-overshoot "
          "(tempchatsink's send: raw frames left unencoded while its "
          "encoder made more than the target bitrate, as on pictures it "
          "cannot compress; at least one a second still goes), "
          "audio-concealed (recv: lost "
          "Opus frames "
          "concealed) and audio-fec-recovered (recv: of those, recovered "
          "from the next packet's in-band FEC); tempchatsrc adds latency-ms "
          "(its current-latency: what it holds frames for now)",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

gboolean
gst_tempchat_props_refuse_while_running (GstElement *element,
    GParamSpec *pspec)
{
  GstState state;

  if ((pspec->flags & GST_PARAM_MUTABLE_READY) == 0)
    return FALSE;
  GST_OBJECT_LOCK (element);
  state = MAX (GST_STATE (element), GST_STATE_NEXT (element));
  GST_OBJECT_UNLOCK (element);
  if (state < GST_STATE_PAUSED)
    return FALSE;
  GST_ELEMENT_WARNING (element, CORE, STATE_CHANGE,
      ("The property \"%s\" cannot change while the call runs (the element "
          "is %s): the change was ignored. Set it in the NULL or READY "
          "state.", pspec->name, gst_element_state_get_name (state)),
      (NULL));
  return TRUE;
}

#define LIVE_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_PLAYING)

void
gst_tempchat_props_install_sender (GObjectClass *klass)
{
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_START_BITRATE,
      g_param_spec_uint ("start-bitrate", "Start bitrate",
          "Video bitrate to start the call with, in bit/s (the encoder's "
          "first target and x-google-start-bitrate in the SDP); 0: the "
          "quality's; kept within min-bitrate and max-bitrate", 0,
          G_MAXINT, 0, LIVE_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_MIN_BITRATE,
      g_param_spec_uint ("min-bitrate", "Minimum bitrate",
          "Lowest video bitrate the bandwidth estimate may choose, in bit/s "
          "(x-google-min-bitrate in the SDP); 0: 100 kbit/s; may change "
          "while PLAYING", 0, G_MAXINT, 0, LIVE_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_MAX_BITRATE,
      g_param_spec_uint ("max-bitrate", "Maximum bitrate",
          "Highest video bitrate, in bit/s, instead of the quality's maximum "
          "(b=AS and x-google-max-bitrate in the SDP, the estimate's cap); "
          "0: the quality's; may change while PLAYING", 0, G_MAXINT, 0,
          LIVE_FLAGS));
  g_object_class_install_property (klass,
      GST_TEMPCHAT_PROP_CONGESTION_CONTROL,
      g_param_spec_enum ("congestion-control", "Congestion control",
          "How the video bitrate follows the network",
          GST_TYPE_TEMPCHAT_CONGESTION_CONTROL,
          GST_TEMPCHAT_CONGESTION_CONTROL_GCC, RW_FLAGS));
  g_object_class_install_property (klass,
      GST_TEMPCHAT_PROP_DO_RETRANSMISSION,
      g_param_spec_boolean ("do-retransmission", "Do retransmission",
          "Answer the peer's NACKs by resending lost video packets (RTX)",
          TRUE, RW_FLAGS));
  g_object_class_install_property (klass, GST_TEMPCHAT_PROP_DO_FEC,
      g_param_spec_boolean ("do-fec", "Do FEC",
          "Opus in-band forward error correction in the audio we encode, "
          "while the peer reports packet loss and for 10 s after (none on a "
          "clean path, where it would only cost bits and latency; the call "
          "has no video FEC)", TRUE, RW_FLAGS));
}

gboolean
gst_tempchat_props_is_bitrate (guint prop_id)
{
  return prop_id == GST_TEMPCHAT_PROP_QUALITY
      || prop_id == GST_TEMPCHAT_PROP_START_BITRATE
      || prop_id == GST_TEMPCHAT_PROP_MIN_BITRATE
      || prop_id == GST_TEMPCHAT_PROP_MAX_BITRATE;
}

void
gst_tempchat_settings_bitrates (const GstTempchatSettings *s,
    tc_sdp_bitrates *out)
{
  out->start_kbps = s->start_bitrate / 1000;
  out->min_kbps = s->min_bitrate / 1000;
  out->max_kbps = s->max_bitrate / 1000;
}

void
gst_tempchat_stats_add_limits (GstStructure *stats,
    const GstTempchatSettings *s)
{
  tc_sdp_bitrates set, eff = { 0 };

  gst_tempchat_settings_bitrates (s, &set);
  tc_sdp_effective_bitrates (s->quality, &set, &eff);
  gst_structure_set (stats,
      "min-bitrate", G_TYPE_UINT64, (guint64) (eff.min_kbps != 0 ?
          eff.min_kbps * 1000 : 100000),
      "start-bitrate", G_TYPE_UINT64, (guint64) eff.start_kbps * 1000,
      "max-bitrate", G_TYPE_UINT64, (guint64) eff.max_kbps * 1000, NULL);
}

static void
set_strv_from_array (gchar ***dst, const GValue *value)
{
  guint n = gst_value_array_get_size (value);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < n; i++) {
    const GValue *v = gst_value_array_get_value (value, i);
    const gchar *str = G_VALUE_HOLDS_STRING (v) ? g_value_get_string (v) : NULL;
    if (str != NULL && *str != '\0')
      g_ptr_array_add (out, g_strdup (str));
  }
  g_ptr_array_add (out, NULL);
  g_strfreev (*dst);
  *dst = (gchar **) g_ptr_array_free (out, FALSE);
  if ((*dst)[0] == NULL)
    g_clear_pointer (dst, g_strfreev);
}

static void
get_array_from_strv (gchar **src, GValue *value)
{
  for (guint i = 0; src != NULL && src[i] != NULL; i++) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, src[i]);
    gst_value_array_append_and_take_value (value, &v);
  }
}

static void
set_str (gchar **dst, const GValue *value)
{
  g_free (*dst);
  *dst = g_value_dup_string (value);
}

gboolean
gst_tempchat_props_set (GstTempchatSettings *s, guint prop_id,
    const GValue *value)
{
  switch (prop_id) {
    case GST_TEMPCHAT_PROP_ROOM:
      set_str (&s->room, value);
      break;
    case GST_TEMPCHAT_PROP_SIGNALING_URL:
      set_str (&s->signaling_url, value);
      if (s->signaling_url == NULL)
        s->signaling_url = g_strdup (GST_TEMPCHAT_DEFAULT_SIGNALING_URL);
      break;
    case GST_TEMPCHAT_PROP_CHANNEL:
      set_str (&s->channel, value);
      break;
    case GST_TEMPCHAT_PROP_STUN_SERVERS:
      set_strv_from_array (&s->stun_servers, value);
      break;
    case GST_TEMPCHAT_PROP_TURN_SERVER:
      set_str (&s->turn_server, value);
      break;
    case GST_TEMPCHAT_PROP_TURN_SECRET:
      set_str (&s->turn_secret, value);
      break;
    case GST_TEMPCHAT_PROP_TURN_USERNAME:
      set_str (&s->turn_username, value);
      break;
    case GST_TEMPCHAT_PROP_TURN_PASSWORD:
      set_str (&s->turn_password, value);
      break;
    case GST_TEMPCHAT_PROP_RELAY_ONLY:
      s->relay_only = g_value_get_boolean (value);
      break;
    case GST_TEMPCHAT_PROP_QUALITY:
      s->quality = g_value_get_enum (value);
      break;
    case GST_TEMPCHAT_PROP_INSECURE_SIGNALING:
      s->insecure_signaling = g_value_get_boolean (value);
      break;
    case GST_TEMPCHAT_PROP_CA_FILE:
      set_str (&s->ca_file, value);
      break;
    case GST_TEMPCHAT_PROP_SIGNALING_RETRIES:
      s->signaling_retries = g_value_get_int (value);
      break;
    case GST_TEMPCHAT_PROP_ICE_TRANSPORT_POLICY:
      s->relay_only = g_value_get_enum (value) ==
          GST_TEMPCHAT_ICE_TRANSPORT_POLICY_RELAY;
      break;
    case GST_TEMPCHAT_PROP_VIDEO_CODECS:
      g_free (s->video_codecs);
      s->video_codecs = g_value_dup_string (value);
      if (s->video_codecs == NULL)
        s->video_codecs = g_strdup (GST_TEMPCHAT_DEFAULT_VIDEO_CODECS);
      break;
    case GST_TEMPCHAT_PROP_START_BITRATE:
      s->start_bitrate = g_value_get_uint (value);
      break;
    case GST_TEMPCHAT_PROP_MIN_BITRATE:
      s->min_bitrate = g_value_get_uint (value);
      break;
    case GST_TEMPCHAT_PROP_MAX_BITRATE:
      s->max_bitrate = g_value_get_uint (value);
      break;
    case GST_TEMPCHAT_PROP_CONGESTION_CONTROL:
      s->congestion_control = g_value_get_enum (value);
      break;
    case GST_TEMPCHAT_PROP_DO_RETRANSMISSION:
      s->do_retransmission = g_value_get_boolean (value);
      break;
    case GST_TEMPCHAT_PROP_DO_FEC:
      s->do_fec = g_value_get_boolean (value);
      break;
    default:
      return FALSE;
  }
  s->changed_since_join = TRUE;
  return TRUE;
}

gboolean
gst_tempchat_props_get (const GstTempchatSettings *s, guint prop_id,
    GValue *value)
{
  switch (prop_id) {
    case GST_TEMPCHAT_PROP_ROOM:
      g_value_set_string (value, s->room);
      break;
    case GST_TEMPCHAT_PROP_SIGNALING_URL:
      g_value_set_string (value, s->signaling_url);
      break;
    case GST_TEMPCHAT_PROP_CHANNEL:
      g_value_set_string (value, s->channel);
      break;
    case GST_TEMPCHAT_PROP_STUN_SERVERS:
      get_array_from_strv (s->stun_servers, value);
      break;
    case GST_TEMPCHAT_PROP_TURN_SERVER:
      g_value_set_string (value, s->turn_server);
      break;
    case GST_TEMPCHAT_PROP_TURN_USERNAME:
      g_value_set_string (value, s->turn_username);
      break;
    case GST_TEMPCHAT_PROP_RELAY_ONLY:
      g_value_set_boolean (value, s->relay_only);
      break;
    case GST_TEMPCHAT_PROP_QUALITY:
      g_value_set_enum (value, s->quality);
      break;
    case GST_TEMPCHAT_PROP_INSECURE_SIGNALING:
      g_value_set_boolean (value, s->insecure_signaling);
      break;
    case GST_TEMPCHAT_PROP_CA_FILE:
      g_value_set_string (value, s->ca_file);
      break;
    case GST_TEMPCHAT_PROP_SIGNALING_RETRIES:
      g_value_set_int (value, s->signaling_retries);
      break;
    case GST_TEMPCHAT_PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum (value, s->relay_only ?
          GST_TEMPCHAT_ICE_TRANSPORT_POLICY_RELAY :
          GST_TEMPCHAT_ICE_TRANSPORT_POLICY_ALL);
      break;
    case GST_TEMPCHAT_PROP_VIDEO_CODECS:
      g_value_set_string (value, s->video_codecs);
      break;
    case GST_TEMPCHAT_PROP_START_BITRATE:
      g_value_set_uint (value, s->start_bitrate);
      break;
    case GST_TEMPCHAT_PROP_MIN_BITRATE:
      g_value_set_uint (value, s->min_bitrate);
      break;
    case GST_TEMPCHAT_PROP_MAX_BITRATE:
      g_value_set_uint (value, s->max_bitrate);
      break;
    case GST_TEMPCHAT_PROP_CONGESTION_CONTROL:
      g_value_set_enum (value, s->congestion_control);
      break;
    case GST_TEMPCHAT_PROP_DO_RETRANSMISSION:
      g_value_set_boolean (value, s->do_retransmission);
      break;
    case GST_TEMPCHAT_PROP_DO_FEC:
      g_value_set_boolean (value, s->do_fec);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}

static gboolean
video_codecs_valid (const GstTempchatSettings *s, gchar **message)
{
  tc_sdp_codec codecs[TC_SDP_MAX_VIDEO_CODECS];
  size_t n;
  char bad[64];
  const char *why = NULL;

  if (tc_sdp_video_codecs_parse (s->video_codecs, codecs, &n, bad,
          sizeof bad, &why) == TC_OK)
    return TRUE;
  *message = g_strdup_printf ("The video-codecs property \"%s\" is not a "
      "list of video codecs (%s: \"%s\"): name some of av1, vp9, h264 and "
      "vp8, most preferred first, separated by commas.", s->video_codecs,
      why, bad);
  return FALSE;
}

gboolean
gst_tempchat_settings_validate (const GstTempchatSettings *s,
    char *room_name, gchar **message)
{
  char why[128];

  if (s->room == NULL || *s->room == '\0') {
    *message = g_strdup ("No room set: set the room property to the TempChat "
        "invitation link (https://host/#abc123), #abc123 or abc123.");
    return FALSE;
  }
  if (tc_room_from_link (s->room, room_name, TC_ROOM_NAME_SIZE) != TC_OK) {
    *message = g_strdup_printf ("The room property is %s.",
        tc_status_str (TC_ERR_BAD_ROOM));
    return FALSE;
  }
  if (s->channel == NULL || *s->channel == '\0') {
    *message = g_strdup ("No channel set: set the channel property to the "
        "ScaleDrone channel id the TempChat site uses.");
    return FALSE;
  }
  if (!tc_signal_url_check (s->signaling_url, s->insecure_signaling, why,
          sizeof why)) {
    *message = g_strdup_printf ("The signaling-url property cannot be used: "
        "%s.", why);
    return FALSE;
  }
  if (s->relay_only && s->turn_server == NULL) {
    *message = g_strdup ("relay-only needs a TURN server: set turn-server "
        "and its credentials.");
    return FALSE;
  }
  return video_codecs_valid (s, message);
}

gboolean
gst_tempchat_settings_video_codecs (const GstTempchatSettings *s,
    tc_session_config *cfg, gchar **message)
{
  tc_sdp_codec want[TC_SDP_MAX_VIDEO_CODECS];
  size_t n = 0;

  tc_sdp_video_codecs_parse (s->video_codecs, want, &n, NULL, 0, NULL);
  cfg->n_video_codecs = gst_tempchat_codecs_usable (want, n,
      cfg->video_codecs);
  if (cfg->n_video_codecs > 0)
    return TRUE;
  *message = g_strdup_printf ("None of the video codecs in video-codecs "
      "(%s) can be sent by this build with the GStreamer elements installed "
      "here (each needs our payload format and its encoder and decoder: "
      "av1enc/av1dec, vp9enc/vp9dec, x264enc/avdec_h264, vp8enc/vp8dec).",
      s->video_codecs);
  return FALSE;
}

void
gst_tempchat_settings_to_config (const GstTempchatSettings *s,
    tc_session_config *cfg)
{
  cfg->signaling.url = s->signaling_url;
  cfg->signaling.channel = s->channel;
  cfg->signaling.room = s->room;
  cfg->signaling.allow_insecure = s->insecure_signaling;
  cfg->signaling.ca_file = s->ca_file;
  cfg->signaling.reconnect_attempts = s->signaling_retries < 0 ?
      TC_SIGNAL_RETRY_FOREVER : (unsigned) s->signaling_retries;
  cfg->stun_servers = (const char *const *) s->stun_servers;
  cfg->turn_server = s->turn_server;
  cfg->turn_username = s->turn_username;
  cfg->turn_password = s->turn_password;
  cfg->turn_secret = s->turn_secret;
  cfg->relay_only = s->relay_only;
  cfg->quality = s->quality;
  gst_tempchat_settings_bitrates (s, &cfg->bitrates);
  cfg->no_congestion_control =
      s->congestion_control == GST_TEMPCHAT_CONGESTION_CONTROL_NONE;
  cfg->no_retransmission = !s->do_retransmission;
}

static GstStructure *
direction_structure (const char *name, const tc_session_stats *st, int i)
{
  if (st == NULL)
    return gst_structure_new (name, "video-codec", G_TYPE_STRING, "none",
        "audio-codec", G_TYPE_STRING, "none",
        "width", G_TYPE_UINT, 0u, "height", G_TYPE_UINT, 0u,
        "fps", G_TYPE_DOUBLE, 0.0, "video-bitrate", G_TYPE_UINT64,
        (guint64) 0, "audio-bitrate", G_TYPE_UINT64, (guint64) 0,
        "packets", G_TYPE_UINT64, (guint64) 0, "packets-lost",
        G_TYPE_UINT64, (guint64) 0, "loss-fraction", G_TYPE_DOUBLE, 0.0,
        "nacks", G_TYPE_UINT64, (guint64) 0, "plis", G_TYPE_UINT64,
        (guint64) 0, "frames-dropped", G_TYPE_UINT64, (guint64) 0,
        "audio-concealed", G_TYPE_UINT64, (guint64) 0,
        "audio-fec-recovered", G_TYPE_UINT64, (guint64) 0,
        "retransmissions", G_TYPE_UINT64, (guint64) 0, NULL);
  return gst_structure_new (name,
      "video-codec", G_TYPE_STRING, tc_sdp_codec_name (st->dir[i].video_codec),
      "audio-codec", G_TYPE_STRING, tc_sdp_codec_name (st->dir[i].audio_codec),
      "width", G_TYPE_UINT, st->dir[i].width,
      "height", G_TYPE_UINT, st->dir[i].height,
      "fps", G_TYPE_DOUBLE, st->dir[i].fps,
      "video-bitrate", G_TYPE_UINT64, (guint64) st->dir[i].video_bitrate_bps,
      "audio-bitrate", G_TYPE_UINT64, (guint64) st->dir[i].audio_bitrate_bps,
      "packets", G_TYPE_UINT64, (guint64) st->dir[i].packets,
      "packets-lost", G_TYPE_UINT64, (guint64) st->dir[i].packets_lost,
      "loss-fraction", G_TYPE_DOUBLE, st->dir[i].loss_fraction,
      "nacks", G_TYPE_UINT64, (guint64) st->dir[i].nacks,
      "plis", G_TYPE_UINT64, (guint64) st->dir[i].plis,
      "frames-dropped", G_TYPE_UINT64, (guint64) st->dir[i].frames_dropped,
      "audio-concealed", G_TYPE_UINT64, (guint64) st->dir[i].audio_concealed,
      "audio-fec-recovered", G_TYPE_UINT64,
      (guint64) st->dir[i].audio_fec_recovered,
      "retransmissions", G_TYPE_UINT64, (guint64) st->dir[i].retransmissions,
      NULL);
}

/* What the web client's indicator says: a relay, direct P2P (host, srflx
 * or prflx pair), or no media path yet. */
static const gchar *
connection_type (const tc_session_stats *st)
{
  if (st == NULL || st->state != TC_SESSION_CONNECTED)
    return "none";
  return st->relayed ? "relay" : "direct";
}

GstStructure *
gst_tempchat_stats_to_structure (const tc_session_stats *st)
{
  GstStructure *send = direction_structure ("send", st, 0);
  GstStructure *recv = direction_structure ("recv", st, 1);
  GstStructure *s = gst_structure_new (GST_TEMPCHAT_STATS_NAME,
      "state", G_TYPE_STRING,
      st != NULL ? tc_session_state_str (st->state) : "idle",
      "connection", G_TYPE_STRING, connection_type (st),
      "relayed", G_TYPE_BOOLEAN, st != NULL ? st->relayed : FALSE,
      "rtt-ms", G_TYPE_DOUBLE, st != NULL ? st->rtt_ms : -1.0,
      "target-bitrate", G_TYPE_UINT64,
      (guint64) (st != NULL ? st->target_bitrate_bps : 0),
      "signaling-connected", G_TYPE_BOOLEAN,
      st != NULL ? st->signaling_connected : FALSE,
      "signaling-reconnects", G_TYPE_UINT,
      st != NULL ? st->signaling_reconnects : 0u,
      "send", GST_TYPE_STRUCTURE, send,
      "recv", GST_TYPE_STRUCTURE, recv, NULL);

  gst_structure_free (send);
  gst_structure_free (recv);
  return s;
}

const gchar *
gst_tempchat_status_sentence (tc_status st)
{
  return tc_status_str (st);
}
