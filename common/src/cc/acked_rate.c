/* acked_rate.c - a ring of acknowledged packets in feedback order, trimmed
 * to the last WINDOW_US of arrival time. A packet reordered behind the
 * window's start is simply counted until it reaches the head.
 */
#include "cc/acked_rate.h"

#include <string.h>

#define WINDOW_US 500000
#define MIN_SPAN_US 100000

void
tc_cc_acked_rate_reset (tc_cc_acked_rate *a)
{
  memset (a, 0, sizeof *a);
}

static void
pop (tc_cc_acked_rate *a)
{
  a->bytes -= a->ring[a->head].size;
  a->head = (a->head + 1) % TC_CC_ACKED_RING;
  a->count--;
}

void
tc_cc_acked_rate_add (tc_cc_acked_rate *a, int64_t arrival_us, uint32_t size)
{
  if (!a->started || arrival_us < a->first_us
      || arrival_us - a->latest_us > 10 * WINDOW_US) {
    /* First packet, or a clock jump (garbage feedback): start over. */
    tc_cc_acked_rate_reset (a);
    a->started = true;
    a->first_us = a->latest_us = arrival_us;
  }
  if (a->count == TC_CC_ACKED_RING)
    pop (a);
  size_t slot = (a->head + a->count) % TC_CC_ACKED_RING;
  a->ring[slot].arrival_us = arrival_us;
  a->ring[slot].size = size;
  a->count++;
  a->bytes += size;
  if (arrival_us > a->latest_us)
    a->latest_us = arrival_us;
  while (a->count > 0 && a->ring[a->head].arrival_us <= a->latest_us - WINDOW_US)
    pop (a);
}

uint32_t
tc_cc_acked_rate_bps (const tc_cc_acked_rate *a)
{
  int64_t span = a->latest_us - a->first_us;
  if (!a->started || span < MIN_SPAN_US)
    return 0;
  if (span > WINDOW_US)
    span = WINDOW_US;
  uint64_t bps = a->bytes * 8 * 1000000 / (uint64_t) span;
  return bps > UINT32_MAX ? UINT32_MAX : (uint32_t) bps;
}
