/* pacer.c - the pacing budget (pacer.h). Like libwebrtc's IntervalBudget
 * without underuse build-up: time that passed while the budget was
 * positive is not saved up, only a debt is paid back. */
#include "cc/pacer.h"

void
tc_pacer_init (tc_pacer *p)
{
  p->rate_bps = 0;
  p->bytes = 0;
  p->last_us = -1;
}

void
tc_pacer_set_target (tc_pacer *p, uint32_t target_bps)
{
  if (target_bps == 0) {
    p->rate_bps = 0;
    return;
  }
  double rate = target_bps * TC_PACER_FACTOR;
  if (rate < TC_PACER_MIN_RATE_BPS)
    rate = TC_PACER_MIN_RATE_BPS;
  p->rate_bps = rate > UINT32_MAX ? UINT32_MAX : (uint32_t) rate;
}

/* The rate that sends `queued_bytes` by the time the oldest of them has
 * waited the queue time limit (within one interval when it is that late). */
static double
drain_rate (size_t queued_bytes, int64_t oldest_wait_us)
{
  int64_t left = TC_PACER_QUEUE_LIMIT_US - oldest_wait_us;
  if (left < TC_PACER_INTERVAL_US)
    left = TC_PACER_INTERVAL_US;
  return queued_bytes * 8.0 * 1e6 / (double) left;
}

void
tc_pacer_refill (tc_pacer *p, size_t queued_bytes, int64_t oldest_wait_us,
    int64_t now_us)
{
  int64_t elapsed = p->last_us < 0 ? TC_PACER_INTERVAL_US : now_us - p->last_us;
  p->last_us = now_us;
  if (elapsed <= 0)
    return;
  if (elapsed > TC_PACER_MAX_ELAPSED_US)
    elapsed = TC_PACER_MAX_ELAPSED_US;
  double rate = p->rate_bps;
  if (p->rate_bps > 0 && drain_rate (queued_bytes, oldest_wait_us) > rate)
    rate = drain_rate (queued_bytes, oldest_wait_us);
  double add = rate / 8.0 * (double) elapsed / 1e6;
  p->bytes = p->bytes < 0 ? p->bytes + add : add;
}

bool
tc_pacer_can_send (const tc_pacer *p)
{
  return p->rate_bps == 0 || p->bytes > 0;
}

void
tc_pacer_on_sent (tc_pacer *p, size_t bytes)
{
  if (p->rate_bps == 0)
    return;
  p->bytes -= (double) bytes;
  /* A debt larger than the limit's worth is forgiven: audio alone, or a
   * rate that fell, must not hold video back for seconds. */
  double floor = -(double) p->rate_bps / 8.0 * TC_PACER_QUEUE_LIMIT_US / 1e6;
  if (p->bytes < floor)
    p->bytes = floor;
}
