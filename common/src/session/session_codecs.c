/* session_codecs.c - the wrapper changing which video codecs a session
 * offers and answers (tc_session_set_video_codecs).
 *
 * A GStreamer sink learns that its input is already encoded (say VP9) only
 * when caps arrive, after the session started: the list then shrinks to
 * that codec: a call already negotiated with another codec offers again
 * (session_directions.c). The list lives on the loop thread, where every
 * offer and answer is built, so the post carries a copy there.
 */
#include "session/session_internal.h"

typedef struct {
  tc_session *s;
  tc_sdp_codec codecs[TC_SDP_MAX_VIDEO_CODECS];
  size_t n;
} codecs_post;

static gboolean
on_codecs_posted (gpointer data)
{
  codecs_post *p = data;
  memcpy (p->s->video_codecs, p->codecs, sizeof p->codecs);
  p->s->n_video_codecs = p->n;
  TC_INFO ("[s%u] video codecs now %s%s", p->s->serial,
      tc_sdp_codec_name (p->codecs[0]), p->n > 1 ? " and others" : "");
  /* A call running with a codec no longer listed offers again. */
  if (p->s->call != NULL)
    tc_call_check_directions (p->s->call);
  return G_SOURCE_REMOVE;
}

tc_status
tc_session_set_video_codecs (tc_session *s, const tc_sdp_codec *codecs,
    size_t n)
{
  g_return_val_if_fail (s != NULL && (codecs != NULL || n == 0),
      TC_ERR_INVALID_ARG);
  codecs_post *p = g_new0 (codecs_post, 1);
  p->s = s;
  p->n = tc_session_pick_video_codecs (codecs, MIN (n, TC_SDP_MAX_VIDEO_CODECS),
      p->codecs);
  g_mutex_lock (&s->lock);
  bool stopped = s->stopped, started = s->started;
  g_mutex_unlock (&s->lock);
  tc_status st = stopped ? TC_ERR_CLOSED : p->n == 0 ? TC_ERR_UNSUPPORTED : TC_OK;
  if (st != TC_OK || !started) {
    /* Without a thread yet, nothing else reads the list. */
    if (st == TC_OK)
      on_codecs_posted (p);
    g_free (p);
    return st;
  }
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, on_codecs_posted, p, g_free);
  g_source_attach (src, s->ctx);
  g_source_unref (src);
  return TC_OK;
}
