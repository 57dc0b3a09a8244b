/* media_clock.c - a received stream's time line (see media_clock.h). */
#include "session/media_clock.h"

#include <glib.h>

int64_t
tc_media_clock_pts (tc_media_clock *mc, uint32_t clock_rate, uint32_t rtp_ts,
    int64_t arrival_us, const int64_t *shared_us)
{
  if (clock_rate == 0)
    return arrival_us;
  if (!mc->started || mc->clock_rate != clock_rate) {
    *mc = (tc_media_clock) { .started = true, .clock_rate = clock_rate,
      .last_ts = rtp_ts, .base_us = arrival_us, .last_pts_us = INT64_MIN };
  }
  mc->ticks += (int32_t) (rtp_ts - mc->last_ts);
  mc->last_ts = rtp_ts;
  int64_t raw = mc->base_us + mc->ticks * G_USEC_PER_SEC / clock_rate;
  if (shared_us != NULL) {
    int64_t want = *shared_us - raw - mc->correction_us;
    mc->correction_us += CLAMP (want, -TC_MEDIA_CLOCK_SLEW_US,
        TC_MEDIA_CLOCK_SLEW_US);
  }
  int64_t pts = MAX (raw + mc->correction_us, mc->last_pts_us);
  mc->last_pts_us = pts;
  return pts;
}
