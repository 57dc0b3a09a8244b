/* gsttempchatprops.h - the properties tempchatsink and tempchatsrc share:
 * installing them, storing them, turning them into a tc_session_config, and
 * the read-only "stats" structure. Private to gst-plugin/.
 */
#ifndef GST_TEMPCHAT_PROPS_H
#define GST_TEMPCHAT_PROPS_H

#include <gst/gst.h>

#include "tempchat/tc_session.h"

G_BEGIN_DECLS

/* Property ids of the shared properties. An element's own properties start
 * at GST_TEMPCHAT_PROP_LAST. */
enum
{
  GST_TEMPCHAT_PROP_0,
  GST_TEMPCHAT_PROP_ROOM,
  GST_TEMPCHAT_PROP_SIGNALING_URL,
  GST_TEMPCHAT_PROP_CHANNEL,
  GST_TEMPCHAT_PROP_STUN_SERVERS,
  GST_TEMPCHAT_PROP_TURN_SERVER,
  GST_TEMPCHAT_PROP_TURN_SECRET,
  GST_TEMPCHAT_PROP_TURN_USERNAME,
  GST_TEMPCHAT_PROP_TURN_PASSWORD,
  GST_TEMPCHAT_PROP_RELAY_ONLY,
  GST_TEMPCHAT_PROP_QUALITY,
  GST_TEMPCHAT_PROP_INSECURE_SIGNALING,
  GST_TEMPCHAT_PROP_CA_FILE,
  GST_TEMPCHAT_PROP_SIGNALING_RETRIES,
  GST_TEMPCHAT_PROP_ICE_TRANSPORT_POLICY,
  GST_TEMPCHAT_PROP_VIDEO_CODECS,
  /* Sender only (gst_tempchat_props_install_sender). */
  GST_TEMPCHAT_PROP_START_BITRATE,
  GST_TEMPCHAT_PROP_MIN_BITRATE,
  GST_TEMPCHAT_PROP_MAX_BITRATE,
  GST_TEMPCHAT_PROP_CONGESTION_CONTROL,
  GST_TEMPCHAT_PROP_DO_RETRANSMISSION,
  GST_TEMPCHAT_PROP_DO_FEC,
  GST_TEMPCHAT_PROP_STATS,
  GST_TEMPCHAT_PROP_LAST
};

#define GST_TEMPCHAT_DEFAULT_SIGNALING_URL TC_SIGNAL_DEFAULT_URL
#define GST_TEMPCHAT_DEFAULT_QUALITY TC_SDP_QUALITY_720P
#define GST_TEMPCHAT_DEFAULT_VIDEO_CODECS TC_SDP_VIDEO_CODECS_DEFAULT
#define GST_TEMPCHAT_DEFAULT_SIGNALING_RETRIES -1
#define GST_TEMPCHAT_STATS_NAME "application/x-tempchat-stats"

#define GST_TYPE_TEMPCHAT_QUALITY (gst_tempchat_quality_get_type ())
GType gst_tempchat_quality_get_type (void);

typedef enum
{
  GST_TEMPCHAT_CONGESTION_CONTROL_GCC,
  GST_TEMPCHAT_CONGESTION_CONTROL_NONE,
} GstTempchatCongestionControl;

#define GST_TYPE_TEMPCHAT_CONGESTION_CONTROL \
  (gst_tempchat_congestion_control_get_type ())
GType gst_tempchat_congestion_control_get_type (void);

typedef enum
{
  GST_TEMPCHAT_ICE_TRANSPORT_POLICY_ALL,
  GST_TEMPCHAT_ICE_TRANSPORT_POLICY_RELAY,
} GstTempchatIceTransportPolicy;

#define GST_TYPE_TEMPCHAT_ICE_TRANSPORT_POLICY \
  (gst_tempchat_ice_transport_policy_get_type ())
GType gst_tempchat_ice_transport_policy_get_type (void);

/* What the user set. Owned by the element, read and written under its
 * object lock. */
typedef struct
{
  gchar *room;
  gchar *signaling_url;
  gchar *channel;
  gchar **stun_servers;         /* NULL-terminated; NULL when none */
  gchar *turn_server;
  gchar *turn_secret;
  gchar *turn_username;
  gchar *turn_password;
  gboolean relay_only;
  tc_sdp_quality quality;
  gboolean insecure_signaling;
  gchar *ca_file;
  gint signaling_retries;       /* -1: forever */
  guint start_bitrate;          /* bit/s; 0: the quality's */
  guint min_bitrate;
  guint max_bitrate;
  GstTempchatCongestionControl congestion_control;
  gboolean do_retransmission;
  gboolean do_fec;
  gchar *video_codecs;          /* "av1,vp9,h264,vp8": ordered, checked at start */
  /* Set by gst_tempchat_props_set, cleared when the element joins its call
   * with these settings: a change in READY must reach the call. */
  gboolean changed_since_join;
} GstTempchatSettings;

void gst_tempchat_settings_init (GstTempchatSettings *s);
void gst_tempchat_settings_clear (GstTempchatSettings *s);
void gst_tempchat_settings_copy (GstTempchatSettings *dst,
    const GstTempchatSettings *src);

/* Installs every shared property on `klass`. */
void gst_tempchat_props_install (GObjectClass *klass);
/* Installs the sender's knobs (bitrates, congestion control, repair). */
void gst_tempchat_props_install_sender (GObjectClass *klass);

/* TRUE for the properties that apply to a running call
 * (gst_tempchat_call_set_bitrates). */
gboolean gst_tempchat_props_is_bitrate (guint prop_id);

/* The quality's bitrates overridden by the user's, in kbps for the core. */
void gst_tempchat_settings_bitrates (const GstTempchatSettings *s,
    tc_sdp_bitrates *out);

/* Adds the effective min-bitrate, start-bitrate and max-bitrate (bit/s) of
 * `s` to a stats structure. */
void gst_tempchat_stats_add_limits (GstStructure *stats,
    const GstTempchatSettings *s);

/* GStreamer's "mutable in ready" convention, enforced: TRUE (and a
 * warning on the bus naming the property) when `pspec` is
 * GST_PARAM_MUTABLE_READY and `element` is PAUSED or PLAYING, where the
 * call already runs with the old value. The caller then ignores the change.
 * Call without the object lock. */
gboolean gst_tempchat_props_refuse_while_running (GstElement *element,
    GParamSpec *pspec);

/* set_property/get_property for the shared ids; FALSE when `prop_id` is not
 * one of them. Call with the object lock held. GST_TEMPCHAT_PROP_STATS is
 * not handled here (the element asks its call for the numbers). */
gboolean gst_tempchat_props_set (GstTempchatSettings *s, guint prop_id,
    const GValue *value);
gboolean gst_tempchat_props_get (const GstTempchatSettings *s, guint prop_id,
    GValue *value);

/* Checks what can be checked without a network: room, channel, URL scheme.
 * On failure returns FALSE and sets *message to a sentence for the user
 * (g_free). Never puts the room or credentials into it. On success writes
 * the ScaleDrone room name to `room_name` (TC_ROOM_NAME_SIZE bytes). */
gboolean gst_tempchat_settings_validate (const GstTempchatSettings *s,
    char *room_name, gchar **message);

/* The codecs of s->video_codecs this machine can encode and decode, in
 * order, into cfg (call after gst_tempchat_settings_validate). FALSE when
 * none is left; then *message (g_free) says so. */
gboolean gst_tempchat_settings_video_codecs (const GstTempchatSettings *s,
    tc_session_config *cfg, gchar **message);

/* Fills `cfg` from `s` (tc_session_config_init first). Strings are borrowed
 * from `s`, which must outlive the tc_session_new call. Directions and codecs
 * are left to the caller. */
void gst_tempchat_settings_to_config (const GstTempchatSettings *s,
    tc_session_config *cfg);

/* A new "application/x-tempchat-stats" structure from `stats`, or one with
 * state "idle" and zeros when `stats` is NULL (no session). */
GstStructure *gst_tempchat_stats_to_structure (const tc_session_stats *stats);

/* The sentence for `st`, for messages to the user. */
const gchar *gst_tempchat_status_sentence (tc_status st);

G_END_DECLS
#endif
