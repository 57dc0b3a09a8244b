/* session_early.c - video encoded while the call connects.
 *
 * ICE and DTLS take a few hundred ms after the offer/answer; a wrapper that
 * starts its encoder only once the call is connected adds the encoder's
 * first keyframe (a fresh 1080p AV1 encoder: over 100 ms) to the time to
 * the first frame. So from negotiation on the wrapper may push video, and
 * the call keeps the last keyframe and the frames after it; they leave the
 * moment DTLS is up, paced like any frame, instead of a keyframe request.
 * What is kept is bounded; a keyframe older than EARLY_MAX_AGE_US is not
 * worth showing, and a request for a new one goes out as before. Audio
 * before the connection is dropped: it would only add delay.
 */
#include "session/session_internal.h"

#define EARLY_MAX_FRAMES 60
#define EARLY_MAX_BYTES (2u << 20)
#define EARLY_MAX_AGE_US (1000 * 1000)

static void
early_clear (tc_call *c)
{
  if (c->early_gop != NULL)
    g_ptr_array_set_size (c->early_gop, 0);
  c->early_gop_bytes = 0;
}

void
tc_call_keep_early (tc_call *c, tc_queued_frame *f)
{
  if (f->kind != TC_MEDIA_VIDEO || !c->tx[TC_KIND_VIDEO].active) {
    g_free (f);
    return;
  }
  if (c->early_gop == NULL)
    c->early_gop = g_ptr_array_new_with_free_func (g_free);
  if (f->keyframe)
    early_clear (c);
  bool fits = c->early_gop->len < EARLY_MAX_FRAMES
      && c->early_gop_bytes + f->len <= EARLY_MAX_BYTES;
  /* Frames after a keyframe only: nothing else can be decoded. */
  if (!fits || (!f->keyframe && c->early_gop->len == 0)) {
    if (!fits)
      early_clear (c);
    g_free (f);
    return;
  }
  c->early_gop_bytes += f->len;
  g_ptr_array_add (c->early_gop, f);
  if (f->keyframe)
    c->early_keyframe_us = g_get_monotonic_time ();
}

bool
tc_call_send_early (tc_call *c, int64_t now_us)
{
  bool sent = c->early_gop != NULL && c->early_gop->len > 0
      && now_us - c->early_keyframe_us <= EARLY_MAX_AGE_US;
  for (guint i = 0; sent && i < c->early_gop->len; i++) {
    tc_queued_frame *f = c->early_gop->pdata[i];
    tc_call_push_frame (c, f->kind, f->data, f->len, f->pts_us, f->keyframe,
        f->has_layer ? &f->layer : NULL);
  }
  early_clear (c);
  return sent;
}

void
tc_call_free_early (tc_call *c)
{
  if (c->early_gop != NULL)
    g_ptr_array_unref (c->early_gop);
  c->early_gop = NULL;
}
