/* gsttempchatcall.h - one call per room in a process, shared by the elements
 * that name it. Private to gst-plugin/.
 *
 * A tempchatsink and a tempchatsrc naming the same signaling-url, channel and
 * room are one participant in that room, so they share one tc_session. The
 * session starts with the union of the directions its members want, and
 * follows members that start or stop later by renegotiating the call:
 *
 *   join   (NULL -> READY)    become a member; nothing on the network yet
 *   start  (READY -> PAUSED)  the first member to start creates and starts
 *                             the session with every joined member's
 *                             directions; a later member adds its own (a
 *                             src added to a send-only call starts
 *                             receiving, a sink added to a receive-only
 *                             call starts sending)
 *   stop   (PAUSED -> READY)  a member stops: while others stay, what only
 *                             it needed is dropped (a removed sink: the peer
 *                             stops waiting for our media); the last started
 *                             member stops the session
 *   leave  (READY -> NULL)    the last member frees the call
 */
#ifndef GST_TEMPCHAT_CALL_H
#define GST_TEMPCHAT_CALL_H

#include <gst/gst.h>

#include "gsttempchatprops.h"

G_BEGIN_DECLS

typedef struct _GstTempchatCall GstTempchatCall;

typedef enum
{
  GST_TEMPCHAT_SEND_AUDIO = 1 << 0,
  GST_TEMPCHAT_SEND_VIDEO = 1 << 1,
  GST_TEMPCHAT_RECV_AUDIO = 1 << 2,
  GST_TEMPCHAT_RECV_VIDEO = 1 << 3,
} GstTempchatDirections;

typedef struct
{
  /* The directions this member needs; asked when the session is created and
   * when the member starts. Any thread. */
  GstTempchatDirections (*directions) (gpointer member);
  /* An event of the session, on the session thread (or, for the replay of
   * the call's current state to a member that starts late, on the thread
   * calling gst_tempchat_call_start, with `s` NULL), with no lock of the
   * call held. `s` may be used for tc_session_get_stats only. Must return
   * quickly and must not call back into the call. */
  void (*on_event) (gpointer member, tc_session *s,
      const tc_session_event *ev);
} GstTempchatMemberFuncs;

/* Joins (creating if needed) the call for `settings`, whose room must have
 * been validated into `room_name`. `settings` is copied. Returns a call the
 * member leaves with gst_tempchat_call_leave. */
GstTempchatCall *gst_tempchat_call_join (const GstTempchatSettings *settings,
    const char *room_name, const GstTempchatMemberFuncs *funcs,
    gpointer member);

/* What both elements do at NULL->READY: validates `settings` (read under
 * `element`'s object lock) and joins the call they name, stored in *slot
 * (the element's call field, written under its object lock). On settings
 * that cannot work it posts a GST_ELEMENT_ERROR saying what was expected,
 * leaves *slot NULL and returns FALSE. */
gboolean gst_tempchat_element_join (GstElement *element,
    GstTempchatCall **slot, const GstTempchatSettings *settings,
    const GstTempchatMemberFuncs *funcs);

/* At READY->PAUSED: when `settings` changed since the element joined (set
 * in READY, as GStreamer allows), leaves the call in *slot and joins the
 * call the new settings name, so nothing set in READY is ignored. FALSE
 * (with an error posted, *slot NULL) when the new settings cannot work. */
gboolean gst_tempchat_element_rejoin_if_changed (GstElement *element,
    GstTempchatCall **slot, const GstTempchatSettings *settings,
    const GstTempchatMemberFuncs *funcs);

/* Clears *slot under the element's object lock, then stops if needed and
 * leaves the call that was there (nothing when it was NULL). */
void gst_tempchat_element_leave (GstElement *element, GstTempchatCall **slot);

/* Starts the member; creates and starts the session if it is the first,
 * else adds the member's directions to the running session. FALSE with
 * *message (g_free, a sentence for the user) when the session cannot be
 * created. */
gboolean gst_tempchat_call_start (GstTempchatCall *call, gpointer member,
    gchar **message);

/* Stops the member: no events reach it after this returns. The last started
 * member stops and frees the session. May be called from inside on_event
 * (an application's synchronous bus handler stopping the pipeline on a
 * message the member posted); the member must not call it there itself. */
void gst_tempchat_call_stop (GstTempchatCall *call, gpointer member);

/* Stops if needed and leaves; `call` is invalid afterwards. */
void gst_tempchat_call_leave (GstTempchatCall *call, gpointer member);

/* tc_session_push_video_frame on the call's session with the frame's
 * temporal layer (NULL: one layer), or for audio
 * tc_session_push_audio_frame with `audio_level` (-1: unknown);
 * TC_ERR_CLOSED without a session. Any thread. */
tc_status gst_tempchat_call_push_frame (GstTempchatCall *call,
    tc_media_kind kind, const guint8 *data, gsize len, gint64 pts_us,
    gboolean keyframe, const tc_temporal_layer *layer, gint audio_level);

/* The member's quality and bitrates changed (any state): its settings
 * copy takes them, and a running session applies them at once
 * (tc_session_set_bitrates). Any thread. */
void gst_tempchat_call_set_bitrates (GstTempchatCall *call, gpointer member,
    const GstTempchatSettings *settings);

/* gst_tempchat_call_set_bitrates for an element's `settings` (read under
 * its object lock); nothing before NULL->READY (no call in *slot). The call is read with a reference
 * under the element's object lock, so any thread. */
void gst_tempchat_element_apply_bitrates (GstElement *element,
    GstTempchatCall *const *slot, const GstTempchatSettings *settings);

/* The "stats" structure of an element: the call's numbers (idle without
 * a session) and the effective bitrate limits of `settings` (read under
 * the element's object lock). Any thread. */
GstStructure *gst_tempchat_element_stats (GstElement *element,
    GstTempchatCall *const *slot, const GstTempchatSettings *settings);

/* The largest datagram of the session's `kind` packets from now on
 * (tc_session_set_mtu); TC_ERR_CLOSED without a session. Any thread. */
tc_status gst_tempchat_call_set_mtu (GstTempchatCall *call,
    tc_media_kind kind, guint mtu);

/* The session's video codecs from now on (tc_session_set_video_codecs);
 * TC_ERR_CLOSED without a session. Any thread. */
tc_status gst_tempchat_call_set_video_codecs (GstTempchatCall *call,
    const tc_sdp_codec *codecs, gsize n);

/* Stats of the session; FALSE when there is none. Any thread. */
gboolean gst_tempchat_call_get_stats (GstTempchatCall *call,
    tc_session_stats *out);

/* One received frame the member dropped (its queue to the decoder full);
 * counted in the stats' recv frames-dropped. Any thread. */
void gst_tempchat_call_count_recv_dropped (GstTempchatCall *call);

/* tc_session_request_keyframe on the call's session (a PLI to the peer, at
 * most one per 500 ms); nothing without a session. Any thread. */
void gst_tempchat_call_request_keyframe (GstTempchatCall *call);

/* A short local number for logs ("[c3]"): never the room. */
guint gst_tempchat_call_serial (GstTempchatCall *call);

G_END_DECLS
#endif
