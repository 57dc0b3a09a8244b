/* gsttempchatevents.h - what both elements post on the bus for the session's
 * events. Private to gst-plugin/.
 *
 * Element messages (structure names):
 *   tempchat/peer-joined  role (string: "offerer" or "answerer")
 *   tempchat/connected    role, video-codec, audio-codec (strings: "VP8",
 *                         "opus", "none"), relayed (boolean)
 *   tempchat/peer-left    (no fields); the call waits for the next peer
 *   tempchat/media        kind ("video", "audio"), codec, direction (ours:
 *                         "sendrecv", "sendonly", "recvonly", "inactive"):
 *                         when a track is negotiated, and again when a
 *                         renegotiation starts or stops sending or
 *                         receiving it
 *   tempchat/room-busy    (no fields); two others are in the room and
 *                         talk: we wait (a RESOURCE/BUSY warning says so
 *                         too) and tempchat/peer-joined follows when one
 *                         of them leaves
 * Fatal session errors become GST_ELEMENT_ERROR, others GST_ELEMENT_WARNING,
 * with the core's sentence (which never holds ids, SDP or addresses). A
 * signaling server that cannot be reached gives a RESOURCE/OPEN_READ_WRITE
 * warning per failed attempt, at most one every
 * GST_TEMPCHAT_SIGNALING_WARNING_INTERVAL_S seconds.
 */
#ifndef GST_TEMPCHAT_EVENTS_H
#define GST_TEMPCHAT_EVENTS_H

#include <gst/gst.h>

#include "tempchat/tc_session.h"

G_BEGIN_DECLS

#define GST_TEMPCHAT_SIGNALING_WARNING_INTERVAL_S 5

/* What an element remembers of the current peer, for the messages. Touched
 * only from the member's on_event (serialized by the call). */
typedef struct
{
  gboolean peer_present;
  gboolean is_offerer;
  tc_sdp_codec video;
  tc_sdp_codec audio;
  gint64 last_signaling_warning_us;     /* rate limit, monotonic */
} GstTempchatPeerInfo;

/* Posts the message or error for `ev`, if it has one. `s` may be NULL. */
void gst_tempchat_post_event (GstElement *element, GstTempchatPeerInfo *peer,
    tc_session *s, const tc_session_event *ev);

G_END_DECLS
#endif
