/* budget.h - a token bucket in bytes, refilled at a rate that can change:
 * how much retransmission (NACK answers) the bandwidth estimate allows.
 *
 * Without it, loss on a narrow path makes the receiver NACK, the resends
 * add to the overload, more is lost and more NACKed: a retransmission storm
 * that keeps the path saturated whatever the encoder's target.
 */
#ifndef TEMPCHAT_CC_BUDGET_H
#define TEMPCHAT_CC_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  double bytes;               /* available now */
  int64_t last_us;            /* -1: never refilled */
} tc_cc_budget;

void tc_cc_budget_init (tc_cc_budget *b);

/* Refills at `rate_bps` since the last call, up to `window_us` worth of it,
 * then takes `size` bytes if they are there. True when the packet may go. */
bool tc_cc_budget_take (tc_cc_budget *b, uint32_t rate_bps, int64_t window_us,
    size_t size, int64_t now_us);

#endif
