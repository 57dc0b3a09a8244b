/* session_mtu.c - the largest datagram of each stream (tc_session_config's
 * audio_mtu and video_mtu, tc_session_set_mtu).
 *
 * Frames are split on the loop thread, which reads the size from cfg for
 * each frame; a change goes to the loop with a post, as the bitrates do, so
 * no lock is taken per frame.
 */
#include "session/session_internal.h"

bool
tc_session_mtu_valid (unsigned mtu)
{
  return mtu == 0 || (mtu >= TC_SESSION_MTU_MIN && mtu <= TC_SESSION_MTU_MAX);
}

size_t
tc_session_mtu (const tc_session *s, int k)
{
  unsigned mtu = k == TC_KIND_AUDIO ? s->cfg.audio_mtu : s->cfg.video_mtu;
  return mtu != 0 ? mtu : TC_SESSION_MTU_DEFAULT;
}

typedef struct {
  tc_session *s;
  tc_media_kind kind;
  unsigned mtu;
} mtu_post;

static gboolean
on_mtu_posted (gpointer data)
{
  mtu_post *p = data;
  if (p->kind == TC_MEDIA_AUDIO)
    p->s->cfg.audio_mtu = p->mtu;
  else
    p->s->cfg.video_mtu = p->mtu;
  return G_SOURCE_REMOVE;
}

tc_status
tc_session_set_mtu (tc_session *s, tc_media_kind kind, unsigned mtu)
{
  g_return_val_if_fail (s != NULL, TC_ERR_INVALID_ARG);
  if ((kind != TC_MEDIA_AUDIO && kind != TC_MEDIA_VIDEO)
      || !tc_session_mtu_valid (mtu))
    return TC_ERR_INVALID_ARG;
  mtu_post *p = g_new0 (mtu_post, 1);
  *p = (mtu_post) { .s = s, .kind = kind, .mtu = mtu };
  return tc_session_post (s, on_mtu_posted, p, g_free);
}
