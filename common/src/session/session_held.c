/* session_held.c - a keyframe that arrives while a call connects (ICE
 * checks, then the DTLS handshake), sent as soon as DTLS gives the keys.
 *
 * A wrapper may encode its first keyframe when the call starts connecting
 * instead of after (tempchatsink does): 20-70 ms for a 1080p AV1 one, plus
 * the wait for the camera's next frame, then overlap the handshakes, and
 * the peer's first frame no longer waits for all of it after them. A kept
 * frame that is not a keyframe of the codec the call sends (pushed by an
 * application before the answer, with a codec the answer did not pick) is
 * not sent, and a new keyframe is asked for.
 *
 * Only a keyframe with nothing after it is kept: a delta frame that
 * follows it would have to be sent too, and what comes after that is
 * undecodable without all of them. The keyframe leaves re-stamped as if
 * captured when it was encoded plus the time it waited: a receiver's clock
 * estimate (libwebrtc's timestamp extrapolator, our jitter buffer) then
 * sees it arrive on time, not as old as the connect took, which would hold
 * the frames after it back by as much. The wrapper sends nothing captured
 * before the call connected after it, so that its RTP time never goes back.
 */
#include "session/session_internal.h"

#include "tempchat/tc_frame_size.h"

void
tc_call_held_clear (tc_call *c)
{
  g_clear_pointer (&c->held_key, g_free);
}

void
tc_call_held_keep (tc_call *c, tc_queued_frame *f, int64_t now_us)
{
  if (f->kind != TC_MEDIA_VIDEO) {
    g_free (f);  /* audio is not worth a late burst */
    return;
  }
  tc_call_held_clear (c);  /* a delta ends what was kept */
  if (f->keyframe) {
    c->held_key = f;
    c->held_key_us = now_us;
  } else {
    g_free (f);
  }
}

bool
tc_call_held_send (tc_call *c, int64_t now_us)
{
  tc_queued_frame *f = g_steal_pointer (&c->held_key);
  if (f == NULL)
    return false;
  const tc_send_stream *v = &c->tx[TC_KIND_VIDEO];
  unsigned w, h;
  bool sent = v->active && tc_frame_keyframe_size (v->codec, f->data, f->len,
      &w, &h) != TC_ERR_PARSE;
  TC_DEBUG ("[s%u] the keyframe made while connecting, kept %" G_GINT64_FORMAT
      " ms: %s", c->s->serial, (now_us - c->held_key_us) / 1000,
      sent ? "sent" : !v->active ? "dropped (no video)"
      : "dropped (not the call's codec)");
  if (sent)
    tc_call_push_frame (c, f->kind, f->data, f->len,
        f->pts_us + (now_us - c->held_key_us), true,
        f->has_layer ? &f->layer : NULL, f->audio_level);
  g_free (f);
  return sent;
}
