/* frame_rate.c - a video sender's frame rate from RTP timestamps (see
 * tc_frame_rate.h). */
#include "tempchat/tc_frame_rate.h"

#include <stdlib.h>

/* Steps longer than this are not a frame rate (a sender paused): left out. */
#define MAX_STEP_SECONDS 2
/* How close to a usual rate a measurement snaps to it, in per mille. */
#define SNAP_PER_MILLE 50

typedef struct {
  unsigned num, den;
} rate;

/* Camera and screen capture rates; 7.5 is what cameras fall back to in low
 * light. No 1000/1001 rates: ms-precise capture clocks cannot tell 29.97
 * from 30. */
static const rate usual[] = {
  {5, 1}, {15, 2}, {10, 1}, {12, 1}, {15, 1}, {20, 1}, {24, 1}, {25, 1},
  {30, 1}, {48, 1}, {50, 1}, {60, 1}, {90, 1}, {120, 1},
};

static int
cmp_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return (x > y) - (x < y);
}

/* Fills `steps` with the usable forward steps of `ts`; returns how many. */
static size_t
forward_steps (const uint32_t *ts, size_t n, uint32_t clock_rate,
    uint32_t *steps)
{
  size_t k = 0;

  for (size_t i = 1; i < n; i++) {
    uint32_t d = ts[i] - ts[i - 1];     /* modulo 2^32: wraps are fine */
    if (d != 0 && d < 0x80000000u
        && (uint64_t) d <= (uint64_t) MAX_STEP_SECONDS * clock_rate)
      steps[k++] = d;
  }
  return k;
}

/* `clock_rate / step` frames per second as a fraction: the nearest usual
 * rate when within SNAP_PER_MILLE (24 and 25 are only 4 % apart), else
 * whole frames per second. Rates compare through their steps: num/den
 * frames per second step clock_rate * den / num. */
static rate
snap (uint32_t clock_rate, uint32_t step)
{
  const rate *best = NULL;
  uint64_t best_diff = 0, best_want = 1;

  for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
    uint64_t want = (uint64_t) clock_rate * usual[i].den / usual[i].num;
    uint64_t diff = want > step ? want - step : step - want;
    /* diff / want < best_diff / best_want, without division */
    if (diff * 1000 <= want * SNAP_PER_MILLE
        && (best == NULL || diff * best_want < best_diff * want)) {
      best = &usual[i];
      best_diff = diff;
      best_want = want;
    }
  }
  if (best != NULL)
    return *best;
  rate r = { (unsigned) (((uint64_t) clock_rate + step / 2) / step), 1 };
  if (r.num == 0)
    r.num = 1;
  return r;
}

tc_status
tc_frame_rate_estimate (const uint32_t *ts, size_t n, uint32_t clock_rate,
    unsigned *num, unsigned *den)
{
  uint32_t steps[TC_FRAME_RATE_SAMPLES * 4];
  size_t k;
  rate r;

  if (ts == NULL || num == NULL || den == NULL || clock_rate == 0)
    return TC_ERR_INVALID_ARG;
  /* A bounded copy: the median of the first frames is all we need. */
  if (n > sizeof steps / sizeof steps[0] + 1)
    n = sizeof steps / sizeof steps[0] + 1;
  k = forward_steps (ts, n, clock_rate, steps);
  if (k < 2)
    return TC_ERR_INVALID_ARG;
  qsort (steps, k, sizeof steps[0], cmp_u32);
  /* The lower quartile: a long step is a missing frame, never a faster
   * sender, so the short end is the source's pace. */
  r = snap (clock_rate, steps[(k - 1) / 4]);
  *num = r.num;
  *den = r.den;
  return TC_OK;
}

void
tc_frame_rate_probe_reset (tc_frame_rate_probe *p)
{
  p->n = 0;
}

bool
tc_frame_rate_probe_add (tc_frame_rate_probe *p, uint32_t rtp_ts,
    uint32_t clock_rate, unsigned *num, unsigned *den)
{
  if (p->n >= TC_FRAME_RATE_SAMPLES)
    return false;
  p->ts[p->n++] = rtp_ts;
  if (p->n < TC_FRAME_RATE_SAMPLES)
    return false;
  /* Too few usable steps (a sender stamping every frame alike): no rate,
   * and none later either; the caps keep none. */
  return tc_frame_rate_estimate (p->ts, p->n, clock_rate, num, den) == TC_OK;
}
