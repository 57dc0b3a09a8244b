/* session_policy.c - perfect-negotiation decision and RTP clock mapping.
 * Pure functions, unit-tested in tests/unit/test_session_policy.c.
 */
#include "session/session_policy.h"

#include <glib.h>

tc_offer_action
tc_session_offer_action (bool have_local_offer, bool polite)
{
  /* W3C perfect negotiation: a collision exists only while our own offer
   * is outstanding; the impolite peer's offer wins it. */
  if (!have_local_offer)
    return TC_OFFER_ACCEPT;
  return polite ? TC_OFFER_ROLLBACK_AND_ACCEPT : TC_OFFER_IGNORE;
}

const char *
tc_offer_action_str (tc_offer_action a)
{
  switch (a) {
    case TC_OFFER_ACCEPT: return "accept";
    case TC_OFFER_IGNORE: return "ignore";
    case TC_OFFER_ROLLBACK_AND_ACCEPT: return "rollback-and-accept";
  }
  return "unknown";
}

bool
tc_session_glare_should_yield (bool have_ignored_offer, bool have_local_offer,
    int64_t waited_ms)
{
  /* A modern peer yields and answers well within the patience; only a
   * peer that never backs down makes us wait it out. */
  return have_ignored_offer && have_local_offer
      && waited_ms >= TC_GLARE_PATIENCE_MS;
}

tc_recovery_action
tc_session_recovery_action (bool offerer, bool failed, int64_t lost_ms,
    int64_t since_restart_ms)
{
  if (lost_ms >= TC_RECOVERY_GIVE_UP_MS)
    return TC_RECOVERY_GIVE_UP;
  int64_t grace = failed ? TC_RECOVERY_GRACE_FAILED_MS
      : TC_RECOVERY_GRACE_DISCONNECTED_MS;
  if (!offerer)
    grace += TC_RECOVERY_ANSWERER_EXTRA_MS;
  int64_t waited = since_restart_ms >= 0 ? since_restart_ms : lost_ms;
  return waited >= grace ? TC_RECOVERY_RESTART : TC_RECOVERY_WAIT;
}

tc_stall_action
tc_session_stall_action (bool offerer, bool connected,
    int64_t since_exchange_ms, unsigned remote_candidates, unsigned restarts,
    unsigned rejoins)
{
  int64_t patience = TC_CANDIDATE_PATIENCE_MS
      + (offerer ? 0 : TC_STALL_ANSWERER_EXTRA_MS);
  if (connected || since_exchange_ms < patience || remote_candidates > 0)
    return TC_STALL_WAIT;
  if (restarts == 0)
    return TC_STALL_RESTART;
  return rejoins < TC_STALL_MAX_REJOINS ? TC_STALL_REJOIN : TC_STALL_WAIT;
}

const char *
tc_stall_action_str (tc_stall_action a)
{
  switch (a) {
    case TC_STALL_WAIT: return "wait";
    case TC_STALL_RESTART: return "restart";
    case TC_STALL_REJOIN: return "rejoin";
  }
  return "?";
}

const char *
tc_recovery_action_str (tc_recovery_action a)
{
  switch (a) {
    case TC_RECOVERY_WAIT: return "wait";
    case TC_RECOVERY_RESTART: return "restart";
    case TC_RECOVERY_GIVE_UP: return "give-up";
  }
  return "unknown";
}

tc_liveness
tc_session_liveness (int64_t silent_ms)
{
  if (silent_ms >= TC_LIVENESS_CONSENT_MS)
    return TC_LIVENESS_LOST;
  return silent_ms >= TC_LIVENESS_SILENT_MS ? TC_LIVENESS_SILENT
      : TC_LIVENESS_ALIVE;
}

bool
tc_session_keep_call_while_away (bool connected, bool peer_bye,
    int64_t silent_ms)
{
  return connected && !peer_bye
      && tc_session_liveness (silent_ms) == TC_LIVENESS_ALIVE;
}

bool
tc_keyframe_gate_pli (tc_keyframe_gate *g, int64_t now_us)
{
  if (g->asked && now_us - g->last_us < TC_KEYFRAME_MIN_INTERVAL_US)
    return false;
  g->asked = true;
  g->last_us = now_us;
  return true;
}

bool
tc_keyframe_gate_fir (tc_keyframe_gate *g, uint8_t seq_nr, int64_t now_us)
{
  if (g->have_fir_seq && g->fir_seq == seq_nr)
    return false;
  g->have_fir_seq = true;
  g->fir_seq = seq_nr;
  return tc_keyframe_gate_pli (g, now_us);
}

/* a * b / c rounded to nearest, for |a| up to ~2^40 and b up to 2^20. */
static int64_t
scale_round (int64_t a, int64_t b, int64_t c)
{
  int64_t p = a * b;
  return p >= 0 ? (p + c / 2) / c : -((-p + c / 2) / c);
}

uint32_t
tc_rtp_ts_from_pts (uint32_t base, int64_t first_pts_us, int64_t pts_us,
    uint32_t clock_rate)
{
  int64_t ticks = scale_round (pts_us - first_pts_us, clock_rate, G_USEC_PER_SEC);
  return base + (uint32_t) ticks;
}

int64_t
tc_audio_rtp_anchor (int64_t first_pts_us, int64_t first_duration_us,
    int64_t second_pts_us)
{
  int64_t overlap = first_pts_us + first_duration_us - second_pts_us;
  /* More than the whole first packet is no lookahead: input stamped
   * backwards, which the anchor does not follow. */
  if (overlap < TC_AUDIO_OVERLAP_MIN_US || overlap >= first_duration_us)
    return first_pts_us;
  return first_pts_us - overlap;
}

#define NTP_UNIX_OFFSET_S 2208988800ll /* 1900-01-01 to 1970-01-01 */

int64_t
tc_unix_us_from_ntp (uint64_t ntp)
{
  /* RFC 4330 3: a clear top bit means era 1 (from 2036 on); this covers
   * 1968 to 2104. */
  int64_t secs = (int64_t) (ntp >> 32);
  if (secs < 0x80000000ll)
    secs += 1ll << 32;
  secs -= NTP_UNIX_OFFSET_S;
  uint64_t frac = ntp & 0xffffffffu;
  int64_t us = (int64_t) ((frac * G_USEC_PER_SEC + (1ull << 31)) >> 32);
  return secs * G_USEC_PER_SEC + us;
}

void
tc_rtp_sync_update (tc_rtp_sync *sync, uint64_t ntp, uint32_t rtp_ts,
    uint32_t clock_rate)
{
  sync->valid = clock_rate > 0;
  sync->ntp = ntp;
  sync->rtp_ts = rtp_ts;
  sync->clock_rate = clock_rate;
}

bool
tc_rtp_sync_sender_us (const tc_rtp_sync *sync, uint32_t rtp_ts,
    int64_t *sender_us)
{
  if (!sync->valid)
    return false;
  /* Signed distance so a frame shortly before the SR maps backwards. */
  int32_t ticks = (int32_t) (rtp_ts - sync->rtp_ts);
  *sender_us = tc_unix_us_from_ntp (sync->ntp)
      + scale_round (ticks, G_USEC_PER_SEC, sync->clock_rate);
  return true;
}

int64_t
tc_clock_offset_map (tc_clock_offset *off, int64_t sender_us,
    int64_t arrival_us)
{
  int64_t transit = arrival_us - sender_us;
  if (!off->valid) {
    *off = (tc_clock_offset) { .valid = true, .offset_us = transit,
      .window_start_us = arrival_us, .window_min_us = transit };
    return sender_us + off->offset_us;
  }
  off->window_min_us = MIN (off->window_min_us, transit);
  /* A lower transit than the line's is a faster path than the anchor saw
   * (the first frame often waits longest): follow it at once, so the time
   * line is not frozen by the first frame's delay. Slower paths and clock
   * drift are followed by the window's lowest transit. */
  if (transit < off->offset_us)
    off->offset_us = transit;
  if (arrival_us - off->window_start_us >= TC_CLOCK_OFFSET_WINDOW_US) {
    off->offset_us = MAX (off->offset_us, off->window_min_us);
    off->window_start_us = arrival_us;
    off->window_min_us = transit;
  }
  return sender_us + off->offset_us;
}
