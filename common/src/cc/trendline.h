/* trendline.h - the delay-based overuse detector: a trendline over the
 * accumulated inter-group delay variation and a threshold that adapts to
 * it (draft-ietf-rmcat-gcc-02 5.4-5.5; the least-squares trendline libwebrtc
 * uses in place of the draft's Kalman filter).
 */
#ifndef TEMPCHAT_CC_TRENDLINE_H
#define TEMPCHAT_CC_TRENDLINE_H

#include <stddef.h>

#include "cc/inter_arrival.h"

#define TC_CC_TRENDLINE_WINDOW 20

typedef enum {
  TC_CC_NORMAL,
  TC_CC_OVERUSING,            /* a queue is building: decrease */
  TC_CC_UNDERUSING,           /* a queue is draining: hold */
} tc_cc_usage;

typedef struct {
  /* The filter. */
  bool started;
  int64_t first_arrival_us;
  unsigned num_deltas;
  double accumulated_ms, smoothed_ms;
  double x[TC_CC_TRENDLINE_WINDOW], y[TC_CC_TRENDLINE_WINDOW];
  size_t n, head;             /* points held; index of the oldest */
  double trend;               /* slope of the last full window */
  /* The detector. */
  double threshold_ms;
  int64_t last_threshold_us;  /* -1: never updated */
  double time_over_ms;        /* < 0: not overusing */
  unsigned overuse_count;
  double prev_trend;
  double modified_trend;      /* what was compared to the threshold */
  tc_cc_usage state;
} tc_cc_trendline;

void tc_cc_trendline_init (tc_cc_trendline *t);

/* Feeds one group delta; returns the detector's state after it. */
tc_cc_usage tc_cc_trendline_update (tc_cc_trendline *t,
    const tc_cc_group_delta *d);

#endif
