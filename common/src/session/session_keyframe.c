/* session_keyframe.c - the wrapper asks the peer for a keyframe
 * (tc_session_request_keyframe): posted to the loop, which sends a PLI for
 * the received video stream through the same rate limit as the jitter
 * buffer's own requests (session_recv.c).
 */
#include "session/session_internal.h"

static gboolean
on_keyframe_posted (gpointer data)
{
  tc_session *s = data;

  if (s->call != NULL)
    tc_call_request_keyframe (s->call, g_get_monotonic_time ());
  return G_SOURCE_REMOVE;
}

tc_status
tc_session_request_keyframe (tc_session *s)
{
  g_return_val_if_fail (s != NULL, TC_ERR_INVALID_ARG);
  g_mutex_lock (&s->lock);
  bool stopped = s->stopped, started = s->started;
  g_mutex_unlock (&s->lock);
  if (stopped)
    return TC_ERR_CLOSED;
  if (!started)
    return TC_OK;  /* no call yet, so nothing to repair */
  /* The session outlives every source attached to its context: freeing
   * it stops the thread and drops what was not dispatched. */
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, on_keyframe_posted, s, NULL);
  g_source_attach (src, s->ctx);
  g_source_unref (src);
  return TC_OK;
}
