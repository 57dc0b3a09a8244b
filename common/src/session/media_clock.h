/* media_clock.h - one received stream's RTP time on our monotonic clock.
 *
 * From the first frame the stream's RTP clock is the time line (anchored at
 * that frame's arrival), so timestamps never switch clocks. Once the
 * sender's reports put the stream on the peer's shared time line (lip sync,
 * tc_clock_offset), the stream is moved onto it by at most SLEW per frame
 * instead of jumping; the shared offset itself follows the drift between
 * the sender's clock and ours by the lowest transit seen each few seconds,
 * at most a millisecond a second, so a long call stays within the
 * jitter buffer's latency. Times never go back.
 *
 * Pure: the caller passes arrival times; no I/O.
 */
#ifndef TEMPCHAT_SESSION_MEDIA_CLOCK_H
#define TEMPCHAT_SESSION_MEDIA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* The most a stream's times move towards the shared time line per frame. */
#define TC_MEDIA_CLOCK_SLEW_US 1000

typedef struct {
  bool started;
  uint32_t clock_rate;
  uint32_t last_ts;
  int64_t ticks;              /* unwrapped RTP ticks since the first frame */
  int64_t base_us;            /* our time of the first frame */
  int64_t correction_us;      /* moved towards the shared time line */
  int64_t last_pts_us;
} tc_media_clock;

/* Our time of the frame with RTP timestamp `rtp_ts` that arrived at
 * `arrival_us`. `shared_us`: its time on the peer's shared time line when
 * known (after an SR), else NULL. */
int64_t tc_media_clock_pts (tc_media_clock *mc, uint32_t clock_rate,
    uint32_t rtp_ts, int64_t arrival_us, const int64_t *shared_us);

#endif
