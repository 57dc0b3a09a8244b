/* session_stats.c - the stats snapshot other threads read
 * (tc_session_get_stats), refreshed from the session thread's counters.
 * Rates are measured over windows of about a second.
 */
#include "session/session_internal.h"

#include <string.h>

#define WINDOW_US G_USEC_PER_SEC

static void
rates (tc_call *c, tc_session_stats *out, int64_t now)
{
  double secs = (double) (now - c->stats_since_us) / G_USEC_PER_SEC;
  tc_send_stream *tv = &c->tx[TC_KIND_VIDEO], *ta = &c->tx[TC_KIND_AUDIO];
  tc_recv_stream *rv = &c->rx[TC_KIND_VIDEO], *ra = &c->rx[TC_KIND_AUDIO];
  out->dir[0].video_bitrate_bps = (uint64_t) (tv->window_bytes * 8 / secs);
  out->dir[0].audio_bitrate_bps = (uint64_t) (ta->window_bytes * 8 / secs);
  out->dir[0].fps = tv->window_frames / secs;
  out->dir[1].video_bitrate_bps = (uint64_t) (rv->window_bytes * 8 / secs);
  out->dir[1].audio_bitrate_bps = (uint64_t) (ra->window_bytes * 8 / secs);
  out->dir[1].fps = rv->window_frames / secs;
  tv->window_bytes = ta->window_bytes = 0;
  rv->window_bytes = ra->window_bytes = 0;
  tv->window_frames = rv->window_frames = 0;
  c->stats_since_us = now;
}

static void
counters (const tc_call *c, tc_session_stats *out)
{
  const tc_send_stream *tv = &c->tx[TC_KIND_VIDEO], *ta = &c->tx[TC_KIND_AUDIO];
  const tc_recv_stream *rv = &c->rx[TC_KIND_VIDEO], *ra = &c->rx[TC_KIND_AUDIO];
  out->relayed = c->relayed;
  out->rtt_ms = c->rtt_us >= 0 ? c->rtt_us / 1000.0 : -1;
  out->target_bitrate_bps = tc_call_bwe_target (c);
  out->dir[0].video_codec = tv->active ? tv->codec : TC_SDP_CODEC_NONE;
  out->dir[0].audio_codec = ta->active ? ta->codec : TC_SDP_CODEC_NONE;
  out->dir[0].width = tv->width;
  out->dir[0].height = tv->height;
  out->dir[0].packets = (uint64_t) tv->packets + ta->packets;
  out->dir[0].packets_lost = c->lost_remote;
  out->dir[0].loss_fraction = c->loss_fraction_q8_remote / 256.0;
  out->dir[0].nacks = c->nacks_received;
  out->dir[0].plis = c->plis_received;
  out->dir[0].retransmissions = tv->resent + ta->resent;
  out->dir[1].video_codec = rv->active ? rv->codec : TC_SDP_CODEC_NONE;
  out->dir[1].audio_codec = ra->active ? ra->codec : TC_SDP_CODEC_NONE;
  out->dir[1].width = rv->width;
  out->dir[1].height = rv->height;
  out->dir[1].packets = rv->packets + ra->packets;
  out->dir[1].packets_lost = (uint64_t) rv->lost + ra->lost;
  out->dir[1].loss_fraction = MAX (rv->fraction_lost, ra->fraction_lost) / 256.0;
  out->dir[1].nacks = c->nacks_sent;
  out->dir[1].plis = c->plis_sent;
  out->dir[1].retransmissions = rv->resent + ra->resent;
  out->dir[1].audio_concealed = ra->audio_concealed;
  out->dir[1].audio_fec_recovered = ra->audio_fec_recovered;
}

void
tc_session_update_stats (tc_session *s, int64_t now_us)
{
  tc_call *c = s->call;
  g_mutex_lock (&s->lock);
  tc_session_stats *st = &s->stats;
  if (c == NULL) {
    tc_session_state state = st->state;
    memset (st, 0, sizeof *st);
    st->state = state;
    st->rtt_ms = -1;
  } else {
    if (c->connected && now_us - c->stats_since_us >= WINDOW_US)
      rates (c, st, now_us);
    counters (c, st);
  }
  s->debug_ice_controlling = c == NULL || c->ice == NULL ? -1
      : tc_ice_get_role (c->ice) == TC_ICE_ROLE_CONTROLLING;
  st->signaling_connected = s->signal_up;
  st->signaling_reconnects = s->signal_reconnects;
  g_mutex_unlock (&s->lock);
}
