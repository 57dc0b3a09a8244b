/* gsttempchatevents.c - bus messages and errors for session events. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttempchat.h"
#include "gsttempchatevents.h"

#define GST_CAT_DEFAULT tempchat_debug

static const gchar *
role_name (const GstTempchatPeerInfo *peer)
{
  return peer->is_offerer ? "offerer" : "answerer";
}

static void
post (GstElement *element, GstStructure *s)
{
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
}

/* A failed attempt to reach the signaling server: a warning, but not one
 * per second while the backoff is short. */
static void
post_signaling_warning (GstElement *element, GstTempchatPeerInfo *peer,
    const gchar *text)
{
  gint64 now = g_get_monotonic_time ();

  if (peer->last_signaling_warning_us != 0 && now -
      peer->last_signaling_warning_us <
      GST_TEMPCHAT_SIGNALING_WARNING_INTERVAL_S * G_USEC_PER_SEC) {
    GST_INFO_OBJECT (element, "%s", text);
    return;
  }
  peer->last_signaling_warning_us = now;
  GST_ELEMENT_WARNING (element, RESOURCE, OPEN_READ_WRITE, ("%s", text),
      ("status %s", tc_status_name (TC_ERR_CONNECT)));
}

static void
post_error (GstElement *element, GstTempchatPeerInfo *peer,
    const tc_session_event *ev)
{
  const gchar *text = ev->text != NULL ? ev->text : tc_status_str (ev->status);

  if (ev->call_failed && (ev->status == TC_ERR_TURN
          || ev->status == TC_ERR_TLS)) {
    /* The TURN settings cannot work (credentials refused, certificate not
     * trusted): no retry will do better, the user must change them. */
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", text),
        ("status %s", tc_status_name (ev->status)));
    return;
  }
  if (ev->call_failed) {
    /* The element stays in the room: the call is tried again (an ICE
     * restart by either side) or the next peer gets a new one. Only
     * settings that cannot work stop the pipeline. */
    GST_ELEMENT_WARNING (element, RESOURCE, FAILED, ("%s", text),
        ("status %s", tc_status_name (ev->status)));
    post (element, gst_structure_new ("tempchat/call-failed",
            "status", G_TYPE_STRING, tc_status_name (ev->status),
            "reason", G_TYPE_STRING, text, NULL));
    return;
  }
  if (!ev->fatal && ev->status == TC_ERR_CONNECT) {
    post_signaling_warning (element, peer, text);
    return;
  }
  if (!ev->fatal && ev->status == TC_ERR_ROOM_FULL) {
    /* Two others talk in the room: we wait, and join when one leaves. */
    GST_ELEMENT_WARNING (element, RESOURCE, BUSY, ("%s", text),
        ("status %s", tc_status_name (ev->status)));
    post (element, gst_structure_new_empty ("tempchat/room-busy"));
    return;
  }
  if (ev->status == TC_ERR_ROOM_FULL) {
    GST_ELEMENT_ERROR (element, RESOURCE, BUSY, ("The room is full: the "
            "signaling server admits no more members. Use a new room (a new "
            "TempChat link), or start again once someone has left."),
        ("status %s", tc_status_name (ev->status)));
    return;
  }

  if (ev->fatal) {
    switch (ev->status) {
      case TC_ERR_BAD_ROOM:
      case TC_ERR_BAD_URL:
      case TC_ERR_INSECURE_URL:
      case TC_ERR_BAD_CHANNEL:
        GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", text),
            ("status %s", tc_status_name (ev->status)));
        break;
      case TC_ERR_CONNECT:
      case TC_ERR_TLS:
      case TC_ERR_SERVER_GONE:
        GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ_WRITE, ("%s", text),
            ("status %s", tc_status_name (ev->status)));
        break;
      default:
        GST_ELEMENT_ERROR (element, RESOURCE, FAILED, ("%s", text),
            ("status %s", tc_status_name (ev->status)));
        break;
    }
  } else {
    GST_ELEMENT_WARNING (element, RESOURCE, FAILED, ("%s", text),
        ("status %s", tc_status_name (ev->status)));
  }
}

void
gst_tempchat_post_event (GstElement *element, GstTempchatPeerInfo *peer,
    tc_session *s, const tc_session_event *ev)
{
  tc_session_stats stats = { 0 };

  switch (ev->type) {
    case TC_SESSION_EV_STATE:
      GST_INFO_OBJECT (element, "call state %s",
          tc_session_state_str (ev->state));
      if (ev->state != TC_SESSION_CONNECTED)
        break;
      if (s != NULL)
        tc_session_get_stats (s, &stats);
      post (element, gst_structure_new ("tempchat/connected",
              "role", G_TYPE_STRING, role_name (peer),
              "video-codec", G_TYPE_STRING, tc_sdp_codec_name (peer->video),
              "audio-codec", G_TYPE_STRING, tc_sdp_codec_name (peer->audio),
              "relayed", G_TYPE_BOOLEAN, (gboolean) stats.relayed, NULL));
      break;
    case TC_SESSION_EV_PEER_JOINED:
      peer->peer_present = TRUE;
      peer->is_offerer = ev->is_offerer;
      peer->video = peer->audio = TC_SDP_CODEC_NONE;
      GST_INFO_OBJECT (element, "peer joined; we are the %s",
          role_name (peer));
      post (element, gst_structure_new ("tempchat/peer-joined",
              "role", G_TYPE_STRING, role_name (peer), NULL));
      break;
    case TC_SESSION_EV_PEER_LEFT:
      peer->peer_present = FALSE;
      GST_INFO_OBJECT (element, "peer left; waiting for the next one");
      post (element, gst_structure_new_empty ("tempchat/peer-left"));
      break;
    case TC_SESSION_EV_NEGOTIATED:
      if (ev->kind == TC_MEDIA_VIDEO)
        peer->video = ev->codec;
      else
        peer->audio = ev->codec;
      GST_INFO_OBJECT (element, "negotiated %s %s",
          tc_sdp_codec_name (ev->codec), tc_sdp_direction_str (ev->direction));
      post (element, gst_structure_new ("tempchat/media",
              "kind", G_TYPE_STRING, ev->kind == TC_MEDIA_VIDEO ? "video"
              : "audio", "codec", G_TYPE_STRING, tc_sdp_codec_name (ev->codec),
              "direction", G_TYPE_STRING,
              tc_sdp_direction_str (ev->direction), NULL));
      break;
    case TC_SESSION_EV_ERROR:
      post_error (element, peer, ev);
      break;
    default:
      break;
  }
}
