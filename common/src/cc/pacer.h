/* pacer.h - when the next video packet may leave: a media budget refilled
 * at a multiple of the congestion controller's target, as libwebrtc's
 * PacingController does with its IntervalBudget (pacing factor 2.5,
 * processed every 5 ms, queue drained within a time limit).
 *
 * Without it a keyframe (100-200 kB at 1080p) leaves in one burst of a
 * hundred packets within a millisecond: a shallow bottleneck queue drops
 * its tail, the receiver sends PLI, the next keyframe is another burst.
 *
 * Pure: no clock of its own (now_us is passed in), no I/O, no queue (the
 * session keeps the packets; session_pace.c). Any thread, one at a time.
 */
#ifndef TEMPCHAT_CC_PACER_H
#define TEMPCHAT_CC_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The pacing rate is the target times this (libwebrtc's kDefaultPaceMultiplier):
 * the encoder's average stays at the target, its bursts leave faster. */
#define TC_PACER_FACTOR 2.5
/* How often the queue is served. */
#define TC_PACER_INTERVAL_US 5000
/* A late or first serve gets at most this much time's worth of budget, so
 * a keyframe after an idle spell does not leave as a burst anyway. */
#define TC_PACER_MAX_ELAPSED_US 15000
/* Packets never wait longer than about this: a queue that holds more than
 * this much time at the pacing rate is drained faster (libwebrtc's queue
 * time limit, kept short for a live call). */
#define TC_PACER_QUEUE_LIMIT_US 500000
/* Pacing never goes slower than this, whatever the target. */
#define TC_PACER_MIN_RATE_BPS 300000

typedef struct {
  uint32_t rate_bps;          /* pacing rate, 0: not paced */
  double bytes;               /* budget now; below 0: debt */
  int64_t last_us;            /* last refill; -1: never */
} tc_pacer;

void tc_pacer_init (tc_pacer *p);

/* The congestion controller's target moved (0: no target, no pacing). */
void tc_pacer_set_target (tc_pacer *p, uint32_t target_bps);

/* Refills the budget for the time since the last refill. `queued_bytes`
 * waiting, the oldest of them for `oldest_wait_us`, raise the rate when
 * they would otherwise leave later than TC_PACER_QUEUE_LIMIT_US after the
 * oldest came. */
void tc_pacer_refill (tc_pacer *p, size_t queued_bytes, int64_t oldest_wait_us,
    int64_t now_us);

/* True when the next queued packet may leave now (after a refill). */
bool tc_pacer_can_send (const tc_pacer *p);

/* A packet of `bytes` left, paced or not (audio is sent at once but uses
 * the budget too, so video leaves room for it). */
void tc_pacer_on_sent (tc_pacer *p, size_t bytes);

#endif
