/* budget.c - token bucket; the bucket starts full so the first losses of a
 * call are repaired at once. */
#include "cc/budget.h"

void
tc_cc_budget_init (tc_cc_budget *b)
{
  b->bytes = 0;
  b->last_us = -1;
}

bool
tc_cc_budget_take (tc_cc_budget *b, uint32_t rate_bps, int64_t window_us,
    size_t size, int64_t now_us)
{
  double cap = rate_bps / 8.0 * window_us / 1e6;
  if (b->last_us < 0) {
    b->bytes = cap;
  } else if (now_us > b->last_us) {
    b->bytes += rate_bps / 8.0 * (now_us - b->last_us) / 1e6;
    if (b->bytes > cap)
      b->bytes = cap;
  }
  b->last_us = now_us;
  if (b->bytes < (double) size)
    return false;
  b->bytes -= (double) size;
  return true;
}
