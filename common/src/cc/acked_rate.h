/* acked_rate.h - the rate the receiver actually got: bytes of packets
 * feedback acknowledged, over a sliding window of their arrival times.
 * GCC decreases relative to this, not to what we meant to send.
 */
#ifndef TEMPCHAT_CC_ACKED_RATE_H
#define TEMPCHAT_CC_ACKED_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for the 500 ms window at 6 Mbit/s of 600-byte packets. */
#define TC_CC_ACKED_RING 1024

typedef struct {
  struct { int64_t arrival_us; uint32_t size; } ring[TC_CC_ACKED_RING];
  size_t head, count;
  uint64_t bytes;             /* sum over the ring */
  bool started;
  int64_t first_us, latest_us;
} tc_cc_acked_rate;

void tc_cc_acked_rate_reset (tc_cc_acked_rate *a);

/* One acknowledged packet (arrival on the receiver's clock). */
void tc_cc_acked_rate_add (tc_cc_acked_rate *a, int64_t arrival_us,
    uint32_t size);

/* Bits per second over the window; 0 while fewer than 100 ms of arrivals
 * were seen. */
uint32_t tc_cc_acked_rate_bps (const tc_cc_acked_rate *a);

#endif
