/* media_clock.h - one received stream's RTP time on our monotonic clock.
 *
 * From the first frame the stream's RTP clock is the time line, placed at
 * the lowest transit the stream has shown (tc_clock_offset: a faster frame
 * than the first moves it earlier, drift moves it slowly), so the first
 * frame's delay is not baked into every later time and a frame's lateness
 * against its time is what the jitter buffer must cover (playout_delay.h).
 * Once the sender's reports put the stream on the peer's shared time line
 * (lip sync), the stream follows that line instead. Either way times move
 * towards their line by at most SLEW_PERMILLE of the time between frames
 * (the arrival times: 1 ms per 20 ms audio frame) instead of jumping, so
 * audio and video, whose frames come at different rates, move together
 * and stay in sync while they do; and times never go back.
 *
 * An RTP timestamp that jumps (the sender restarted its clock: more than
 * TC_MEDIA_CLOCK_JUMP_US away from what the arrival times say, forwards or
 * backwards) re-anchors the time line at that frame's arrival instead of
 * holding every time at the last one until RTP time catches up; a shared
 * time that far from the stream's own line is from a report before the
 * jump and waits for the next report.
 *
 * Pure: the caller passes arrival times; no I/O.
 */
#ifndef TEMPCHAT_SESSION_MEDIA_CLOCK_H
#define TEMPCHAT_SESSION_MEDIA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "session/session_policy.h"

/* The most a stream's times move towards their line, per mille of the
 * time since the last frame; and per frame at most SLEW_MAX_US. */
#define TC_MEDIA_CLOCK_SLEW_PERMILLE 50
#define TC_MEDIA_CLOCK_SLEW_MAX_US 5000
#define TC_MEDIA_CLOCK_JUMP_US 1000000

typedef struct {
  bool started;
  uint32_t clock_rate;
  uint32_t last_ts;
  int64_t last_arrival_us;
  int64_t ticks;              /* unwrapped RTP ticks since the anchor */
  int64_t base_us;            /* our time of the anchor frame */
  tc_clock_offset own;        /* ticks -> our time at the lowest transit */
  int64_t correction_us;      /* moved towards the line */
  int64_t last_pts_us;
  uint64_t reanchors;         /* RTP time jumps seen */
} tc_media_clock;

/* Our time of the frame with RTP timestamp `rtp_ts` that arrived at
 * `arrival_us`. `shared_us`: its time on the peer's shared time line when
 * known (after an SR), else NULL. */
int64_t tc_media_clock_pts (tc_media_clock *mc, uint32_t clock_rate,
    uint32_t rtp_ts, int64_t arrival_us, const int64_t *shared_us);

#endif
