/* session_bitrate.c - the user changing quality and bitrates during a
 * session (tc_session_set_bitrates).
 *
 * The values go to the loop with the post; the loop stores them in cfg (the
 * next offer or answer carries them) and gives a running estimator its new
 * limits, so the encoder's target moves into them with the next report.
 */
#include "session/session_internal.h"

typedef struct {
  tc_session *s;
  tc_sdp_quality quality;
  tc_sdp_bitrates bitrates;
} bitrate_post;

static gboolean
on_bitrates_posted (gpointer data)
{
  bitrate_post *p = data;
  tc_session *s = p->s;
  tc_bwe_config cfg;

  s->cfg.quality = p->quality;
  s->cfg.bitrates = p->bitrates;
  if (s->call == NULL || s->call->bwe == NULL
      || !tc_bwe_config_for_bitrates (p->quality, &p->bitrates, &cfg))
    return G_SOURCE_REMOVE;
  /* Within what the peer lets us send, as when the estimate was made. */
  cfg.max_bps = tc_call_send_cap (s->call, cfg.max_bps);
  cfg.min_bps = MIN (cfg.min_bps, cfg.max_bps);
  if (tc_bwe_set_limits (s->call->bwe, &cfg))
    TC_INFO ("[s%u] bitrate limits now %u..%u bit/s", s->serial,
        cfg.min_bps, cfg.max_bps);
  return G_SOURCE_REMOVE;
}

tc_status
tc_session_set_bitrates (tc_session *s, tc_sdp_quality quality,
    const tc_sdp_bitrates *bitrates)
{
  tc_sdp_bitrates none = { 0 }, check;
  g_return_val_if_fail (s != NULL, TC_ERR_INVALID_ARG);
  if (!tc_sdp_effective_bitrates (quality, bitrates, &check))
    return TC_ERR_INVALID_ARG;
  bitrate_post *p = g_new0 (bitrate_post, 1);
  p->s = s;
  p->quality = quality;
  p->bitrates = bitrates != NULL ? *bitrates : none;
  return tc_session_post (s, on_bitrates_posted, p, g_free);
}
