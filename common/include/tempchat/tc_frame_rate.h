/* tc_frame_rate.h - the frame rate a video sender keeps, from the RTP
 * timestamps of the frames it sent.
 *
 * RTP carries no frame rate, and a browser announces none in its SDP, yet
 * a receiver's caps should carry one: raw consumers (videorate, encoders)
 * and a recording's muxer read it. Every frame's timestamp is its capture
 * time at 90 kHz, so the steps between the first frames give the rate
 * without holding any of them. Missing frames make long steps, and the
 * start of a call has many (a sender's encoder still warming up drops
 * frames: a 30 fps sender on a loaded machine showed as 15 with the
 * median of eight steps), so the rate comes from the lower quartile of
 * sixteen steps: a quarter of them at the source's pace is enough, and
 * jittery capture clocks (Chromium's ms timestamps, 2970 and 3060 ticks at
 * 30 fps) still snap to the nearest usual camera rate. Pure; any
 * thread.
 */
#ifndef TEMPCHAT_TC_FRAME_RATE_H
#define TEMPCHAT_TC_FRAME_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Timestamps a probe collects: sixteen steps, half a second at 30 fps, a
 * second at 15. */
#define TC_FRAME_RATE_SAMPLES 17

/* The rate of frames with timestamps `ts` (`n` of them, in the order they
 * arrived, RTP time of `clock_rate` Hz, wrapping) as the fraction
 * `*num` / `*den`: the lower quartile of the steps between neighbours,
 * steps of 0 or backwards (reordering) left out, snapped to a usual rate (5, 7.5, 10,
 * 12, 15, 20, 24, 25, 30, 48, 50, 60, 90, 120 fps) within 5 %, else the
 * nearest whole number of frames per second (at least 1). TC_OK with both
 * set; TC_ERR_INVALID_ARG with fewer than two usable steps, a zero clock
 * rate or NULL arguments (then *num and *den are untouched). */
tc_status tc_frame_rate_estimate (const uint32_t *ts, size_t n,
    uint32_t clock_rate, unsigned *num, unsigned *den);

/* The first frames of a stream, collected until the rate is known. */
typedef struct {
  uint32_t ts[TC_FRAME_RATE_SAMPLES];
  size_t n;
} tc_frame_rate_probe;

void tc_frame_rate_probe_reset (tc_frame_rate_probe *p);

/* Adds the timestamp of the next frame. true, with *num and *den set, on
 * the frame that completes the probe; false before and after it (so the
 * caller acts once; reset to measure again). */
bool tc_frame_rate_probe_add (tc_frame_rate_probe *p, uint32_t rtp_ts,
    uint32_t clock_rate, unsigned *num, unsigned *den);

#ifdef __cplusplus
}
#endif
#endif
