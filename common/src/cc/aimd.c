/* aimd.c - the rate controller's state machine and its three moves.
 *
 * Increase is multiplicative (8 % per second) while far below the link
 * capacity seen at earlier overuses, additive (about one packet per
 * response time) near it, and never beyond 1.5 x what the receiver
 * acknowledged: an encoder that does not fill the estimate must not let it
 * grow without evidence. Decrease happens at most once per RTT unless the
 * acknowledged rate collapsed.
 */
#include "cc/aimd.h"

#include <math.h>

#define BETA 0.85
#define INCREASE_PER_S 1.08
#define PACKET_BITS (1200.0 * 8)
#define MIN_INCREASE_BPS 1000.0
#define ACKED_HEADROOM 1.5
#define ACKED_SLACK_BPS 10000.0
#define LINK_SMOOTHING 0.95

void
tc_cc_aimd_init (tc_cc_aimd *a, uint32_t start_bps, uint32_t min_bps,
    uint32_t max_bps)
{
  *a = (tc_cc_aimd) { .min_bps = min_bps, .max_bps = max_bps,
    .bps = start_bps, .state = TC_CC_HOLD, .last_update_us = -1,
    .last_decrease_us = -1, .link_bps = -1, .rtt_us = 100000 };
}

static void
next_state (tc_cc_aimd *a, tc_cc_usage usage)
{
  if (usage == TC_CC_OVERUSING)
    a->state = TC_CC_DECREASE;
  else if (usage == TC_CC_UNDERUSING)
    a->state = TC_CC_HOLD;
  else if (a->state == TC_CC_HOLD)
    a->state = TC_CC_INCREASE;
}

static bool
near_link (const tc_cc_aimd *a)
{
  return a->link_bps > 0 && a->bps >= 0.9 * a->link_bps;
}

static void
increase (tc_cc_aimd *a, uint32_t acked_bps, double dt_s)
{
  double add;
  if (near_link (a)) {
    double response_s = (a->rtt_us + 100000) / 1e6;
    add = PACKET_BITS / response_s * dt_s;
  } else {
    add = a->bps * (pow (INCREASE_PER_S, fmin (dt_s, 1.0)) - 1);
  }
  double next = a->bps + fmax (add, MIN_INCREASE_BPS);
  if (acked_bps > 0) {
    double limit = ACKED_HEADROOM * acked_bps + ACKED_SLACK_BPS;
    if (next > limit)
      next = fmax (a->bps, limit);
  }
  a->bps = next;
}

static void
update_link (tc_cc_aimd *a, double acked)
{
  if (a->link_bps < 0 || acked > 1.3 * a->link_bps
      || acked < 0.5 * a->link_bps)
    a->link_bps = acked;
  else
    a->link_bps = LINK_SMOOTHING * a->link_bps + (1 - LINK_SMOOTHING) * acked;
}

static void
decrease (tc_cc_aimd *a, uint32_t acked_bps, int64_t now_us)
{
  int64_t wait = a->rtt_us < 10000 ? 10000 : a->rtt_us > 200000 ? 200000
      : a->rtt_us;
  bool collapsed = acked_bps > 0 && acked_bps < 0.5 * a->bps;
  if (a->last_decrease_us >= 0 && now_us - a->last_decrease_us < wait
      && !collapsed)
    return;
  double next = BETA * (acked_bps > 0 ? acked_bps : a->bps);
  if (next < a->bps)
    a->bps = next;          /* overuse never raises the estimate */
  if (acked_bps > 0)
    update_link (a, acked_bps);
  a->last_decrease_us = now_us;
  a->state = TC_CC_HOLD;
}

uint32_t
tc_cc_aimd_update (tc_cc_aimd *a, tc_cc_usage usage, uint32_t acked_bps,
    int64_t now_us)
{
  double dt_s = a->last_update_us < 0 ? 0
      : fmax (0, (now_us - a->last_update_us) / 1e6);
  a->last_update_us = now_us;
  if (a->link_bps > 0 && acked_bps > 1.5 * a->link_bps)
    a->link_bps = -1;       /* the path got faster: forget the old link */
  next_state (a, usage);
  if (a->state == TC_CC_INCREASE)
    increase (a, acked_bps, dt_s);
  else if (a->state == TC_CC_DECREASE)
    decrease (a, acked_bps, now_us);
  a->bps = fmax (a->min_bps, fmin (a->max_bps, a->bps));
  return (uint32_t) a->bps;
}
