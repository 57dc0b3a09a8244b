/* aimd.h - GCC's delay-based rate controller (draft-ietf-rmcat-gcc-02 5.5):
 * increase while the detector says normal, hold on underuse, and on
 * overuse decrease to 0.85 x the acknowledged rate.
 */
#ifndef TEMPCHAT_CC_AIMD_H
#define TEMPCHAT_CC_AIMD_H

#include "cc/trendline.h"

typedef enum { TC_CC_HOLD, TC_CC_INCREASE, TC_CC_DECREASE } tc_cc_rate_state;

typedef struct {
  double min_bps, max_bps;
  double bps;
  tc_cc_rate_state state;
  int64_t last_update_us;     /* -1: never */
  int64_t last_decrease_us;   /* -1: never */
  double link_bps;            /* acked rate at recent overuses; < 0 unknown */
  int64_t rtt_us;
} tc_cc_aimd;

void tc_cc_aimd_init (tc_cc_aimd *a, uint32_t start_bps, uint32_t min_bps,
    uint32_t max_bps);

/* One detector output at `now_us` (our clock) with the acknowledged rate
 * (0: unknown). Returns the new delay-based estimate. */
uint32_t tc_cc_aimd_update (tc_cc_aimd *a, tc_cc_usage usage,
    uint32_t acked_bps, int64_t now_us);

#endif
