/* media_clock.c - a received stream's time line (see media_clock.h). */
#include "session/media_clock.h"

#include <glib.h>

/* A new anchor at this frame; the times already handed on stay the floor. */
static void
anchor (tc_media_clock *mc, uint32_t clock_rate, uint32_t rtp_ts,
    int64_t arrival_us)
{
  int64_t last_pts = mc->started ? mc->last_pts_us : INT64_MIN;
  uint64_t reanchors = mc->reanchors;
  *mc = (tc_media_clock) { .started = true, .clock_rate = clock_rate,
    .last_ts = rtp_ts, .last_arrival_us = arrival_us, .base_us = arrival_us,
    .last_pts_us = last_pts, .reanchors = reanchors };
}

/* Whether RTP time moved unlike arrival time by more than a jump: a DTX
 * pause moves both, a restarted sender clock only one. */
static bool
jumped (const tc_media_clock *mc, uint32_t rtp_ts, int64_t arrival_us)
{
  int64_t rtp_us = (int64_t) (int32_t) (rtp_ts - mc->last_ts)
      * G_USEC_PER_SEC / mc->clock_rate;
  int64_t gap = rtp_us - (arrival_us - mc->last_arrival_us);
  return gap > TC_MEDIA_CLOCK_JUMP_US || gap < -TC_MEDIA_CLOCK_JUMP_US;
}

int64_t
tc_media_clock_pts (tc_media_clock *mc, uint32_t clock_rate, uint32_t rtp_ts,
    int64_t arrival_us, const int64_t *shared_us)
{
  if (clock_rate == 0)
    return arrival_us;
  if (!mc->started || mc->clock_rate != clock_rate)
    anchor (mc, clock_rate, rtp_ts, arrival_us);
  else if (jumped (mc, rtp_ts, arrival_us)) {
    mc->reanchors++;
    anchor (mc, clock_rate, rtp_ts, arrival_us);
  }
  int64_t slew = CLAMP ((arrival_us - mc->last_arrival_us)
      * TC_MEDIA_CLOCK_SLEW_PERMILLE / 1000, 0, TC_MEDIA_CLOCK_SLEW_MAX_US);
  mc->ticks += (int32_t) (rtp_ts - mc->last_ts);
  mc->last_ts = rtp_ts;
  mc->last_arrival_us = arrival_us;
  int64_t ticks_us = mc->ticks * G_USEC_PER_SEC / clock_rate;
  int64_t raw = mc->base_us + ticks_us;
  int64_t line = tc_clock_offset_map (&mc->own, ticks_us, arrival_us);
  if (shared_us != NULL && ABS (*shared_us - line) < TC_MEDIA_CLOCK_JUMP_US)
    line = *shared_us;
  int64_t want = line - raw - mc->correction_us;
  mc->correction_us += CLAMP (want, -slew, slew);
  int64_t pts = MAX (raw + mc->correction_us, mc->last_pts_us);
  mc->last_pts_us = pts;
  return pts;
}
