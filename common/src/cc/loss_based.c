/* loss_based.c - loss fraction over intervals of at least MIN_PACKETS
 * packets (fewer say little), applied as in the draft:
 *   loss > 10 %:  A = A x (1 - 0.5 x loss), at most once per 300 ms + RTT
 *   loss <  2 %:  A = A x 1.08 per second
 */
#include "cc/loss_based.h"

#include <math.h>

#define MIN_PACKETS 20
#define HIGH_LOSS 0.10
#define LOW_LOSS 0.02
#define INCREASE_PER_S 1.08
#define DECREASE_GAP_US 300000

void
tc_cc_loss_based_init (tc_cc_loss_based *l, uint32_t start_bps,
    uint32_t min_bps, uint32_t max_bps)
{
  *l = (tc_cc_loss_based) { .min_bps = min_bps, .max_bps = max_bps,
    .bps = start_bps, .last_update_us = -1, .last_decrease_us = -1,
    .rtt_us = 100000 };
}

void
tc_cc_loss_based_add (tc_cc_loss_based *l, bool lost)
{
  l->sent++;
  l->lost += lost;
}

static void
apply (tc_cc_loss_based *l, double loss, double dt_s, int64_t now_us)
{
  if (loss < LOW_LOSS) {
    l->bps *= pow (INCREASE_PER_S, fmin (dt_s, 1.0));
  } else if (loss > HIGH_LOSS) {
    if (l->last_decrease_us >= 0
        && now_us - l->last_decrease_us < DECREASE_GAP_US + l->rtt_us)
      return;
    l->bps *= 1 - 0.5 * loss;
    l->last_decrease_us = now_us;
  }
}

uint32_t
tc_cc_loss_based_update (tc_cc_loss_based *l, int64_t now_us)
{
  if (l->last_update_us < 0)
    l->last_update_us = now_us;
  if (l->sent >= MIN_PACKETS) {
    double dt_s = fmax (0, (now_us - l->last_update_us) / 1e6);
    l->last_loss = (double) l->lost / l->sent;
    apply (l, l->last_loss, dt_s, now_us);
    l->sent = l->lost = 0;
    l->last_update_us = now_us;
  }
  l->bps = fmax (l->min_bps, fmin (l->max_bps, l->bps));
  return (uint32_t) l->bps;
}
