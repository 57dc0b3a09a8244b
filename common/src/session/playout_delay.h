/* playout_delay.h - how long a received stream's frames must be held after
 * their timestamps so that none reaches the sinks late: an adaptive jitter
 * buffer target in the spirit of libwebrtc's jitter estimator and NetEq.
 *
 * Each frame's lateness is its arrival minus its presentation time on the
 * stream's time line (media_clock.h puts that line at the lowest transit,
 * so lateness is what jitter, reordering, a large frame's transmission and
 * a NACK retransmission added). The target covers the largest lateness of
 * the last TC_PLAYOUT_WINDOW_US, a quarter of it more and a margin (5 ms,
 * the floor 15 ms): it grows at once when a
 * frame comes later than the target allows (only that frame is late) and,
 * once the network is calm again, shrinks by at most
 * TC_PLAYOUT_SHRINK_US_PER_S, so the delay is what the network needs and
 * no more: a few milliseconds above the floor on a clean path.
 *
 * The target is reported in TC_PLAYOUT_STEP_US steps, with the same step
 * of hysteresis before shrinking, so a wrapper telling its pipeline about
 * every change (GStreamer LATENCY messages) does so rarely.
 *
 * Pure: the caller passes its clock (now_us); no I/O, no allocation.
 */
#ifndef TEMPCHAT_SESSION_PLAYOUT_DELAY_H
#define TEMPCHAT_SESSION_PLAYOUT_DELAY_H

#include <stdbool.h>
#include <stdint.h>

/* Time for the decoder and the hand-off after a frame is complete. */
#define TC_PLAYOUT_FLOOR_US 15000
/* Above the largest lateness seen: timing noise of a loaded machine. */
#define TC_PLAYOUT_MARGIN_US 5000
#define TC_PLAYOUT_MAX_US 2000000
#define TC_PLAYOUT_WINDOW_US 5000000
#define TC_PLAYOUT_SHRINK_US_PER_S 20000
#define TC_PLAYOUT_STEP_US 5000
/* Largest lateness per slot of the window, so memory is fixed. */
#define TC_PLAYOUT_SLOTS 20

typedef struct {
  bool started;
  int64_t slot_max[TC_PLAYOUT_SLOTS]; /* lateness peaks, one per slot */
  int64_t slot_start_us;              /* of the newest slot */
  unsigned newest;                    /* its index */
  int64_t target_us;                  /* continuous */
  int64_t reported_us;                /* in steps, with hysteresis */
  int64_t last_us;                    /* of the last update */
} tc_playout_delay;

/* A frame of the stream arrived `lateness_us` after its presentation time
 * (negative: early) at `now_us`. Returns true when the reported target
 * changed. */
bool tc_playout_delay_on_frame (tc_playout_delay *pd, int64_t lateness_us,
    int64_t now_us);

/* Lets the target shrink while no frame comes (a paused stream); true when
 * the reported target changed. */
bool tc_playout_delay_tick (tc_playout_delay *pd, int64_t now_us);

/* The delay to hold frames after their presentation time, in
 * TC_PLAYOUT_STEP_US steps; TC_PLAYOUT_FLOOR_US before the first frame. */
int64_t tc_playout_delay_target (const tc_playout_delay *pd);

#endif
