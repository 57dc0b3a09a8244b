/* frame_dropper.c - raw frames left out while the encoder runs over its
 * target (see tc_frame_dropper.h). */
#include "tempchat/tc_frame_dropper.h"

#define NO_TIME INT64_MIN

void
tc_frame_dropper_init (tc_frame_dropper *d)
{
  *d = (tc_frame_dropper) { 0 };
  d->drained_us = NO_TIME;
}

/* Keeps the excess under the cap (see the header: it bounds the gaps). */
static void
cap (tc_frame_dropper *d)
{
  double most = (double) d->target_bps * TC_FRAME_DROPPER_CAP_MS / 1e3;

  if (d->excess_bits > most)
    d->excess_bits = most;
}

void
tc_frame_dropper_set_target (tc_frame_dropper *d, uint32_t bps)
{
  d->target_bps = bps;
  cap (d);
}

/* Bits per second the excess drains at: the target and its tolerance. */
static double
drain_bps (const tc_frame_dropper *d)
{
  return (double) d->target_bps * (100 + TC_FRAME_DROPPER_TOLERANCE_PCT)
      / 100;
}

/* Drains what the time since the last call allows. Capture times of
 * frames still in the encoder may come after later ones: time only moves
 * forward here. */
static void
drain_to (tc_frame_dropper *d, int64_t us)
{
  if (d->drained_us != NO_TIME && us > d->drained_us) {
    d->excess_bits -= drain_bps (d) * (double) (us - d->drained_us) / 1e6;
    if (d->excess_bits < 0)
      d->excess_bits = 0;
  }
  if (d->drained_us == NO_TIME || us > d->drained_us)
    d->drained_us = us;
}

bool
tc_frame_dropper_drop (tc_frame_dropper *d, int64_t us)
{
  drain_to (d, us);
  if (d->target_bps == 0 || d->excess_bits <= (double) d->target_bps
      * TC_FRAME_DROPPER_THRESHOLD_MS / 1e3)
    return false;
  return true;
}

void
tc_frame_dropper_encoded (tc_frame_dropper *d, size_t bytes, int64_t us)
{
  drain_to (d, us);
  d->excess_bits += (double) bytes * 8;
  cap (d);
}
