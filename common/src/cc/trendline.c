/* trendline.c - delay gradient by least squares, compared against an
 * adaptive threshold. Constants are the ones GCC implementations settled
 * on: smoothing 0.9, a window of 20 groups, gain 4, threshold 12.5 ms
 * adapting up with k_u = 0.0087 and down with k_d = 0.039 within [6, 600].
 */
#include "cc/trendline.h"

#include <math.h>
#include <string.h>

#define SMOOTHING 0.9
#define THRESHOLD_GAIN 4.0
#define MAX_DELTAS_GAIN 60
#define DELTAS_CAP 1000
#define INITIAL_THRESHOLD_MS 12.5
#define K_UP 0.0087
#define K_DOWN 0.039
#define MAX_ADAPT_OFFSET_MS 15.0
#define MIN_THRESHOLD_MS 6.0
#define MAX_THRESHOLD_MS 600.0
#define OVERUSE_TIME_MS 10.0

void
tc_cc_trendline_init (tc_cc_trendline *t)
{
  memset (t, 0, sizeof *t);
  t->threshold_ms = INITIAL_THRESHOLD_MS;
  t->last_threshold_us = -1;
  t->time_over_ms = -1;
}

/* Least-squares slope of the window; 0 when degenerate. */
static double
slope (const tc_cc_trendline *t)
{
  double sx = 0, sy = 0;
  for (size_t i = 0; i < t->n; i++) {
    sx += t->x[i];
    sy += t->y[i];
  }
  double mx = sx / t->n, my = sy / t->n, num = 0, den = 0;
  for (size_t i = 0; i < t->n; i++) {
    num += (t->x[i] - mx) * (t->y[i] - my);
    den += (t->x[i] - mx) * (t->x[i] - mx);
  }
  return den > 0 ? num / den : 0;
}

static void
filter (tc_cc_trendline *t, const tc_cc_group_delta *d)
{
  double delta_ms = (d->arrival_delta_us - d->send_delta_us) / 1000.0;
  if (t->num_deltas < DELTAS_CAP)
    t->num_deltas++;
  if (!t->started) {
    t->started = true;
    t->first_arrival_us = d->arrival_us;
  }
  t->accumulated_ms += delta_ms;
  t->smoothed_ms = SMOOTHING * t->smoothed_ms
      + (1 - SMOOTHING) * t->accumulated_ms;
  size_t slot = (t->head + t->n) % TC_CC_TRENDLINE_WINDOW;
  if (t->n == TC_CC_TRENDLINE_WINDOW) {
    slot = t->head;
    t->head = (t->head + 1) % TC_CC_TRENDLINE_WINDOW;
  } else {
    t->n++;
  }
  t->x[slot] = (d->arrival_us - t->first_arrival_us) / 1000.0;
  t->y[slot] = t->smoothed_ms;
  if (t->n == TC_CC_TRENDLINE_WINDOW)
    t->trend = slope (t);
}

/* The threshold follows |trend| slowly, so that a path with jittery delay
 * (or a competing TCP flow) does not starve us, but ignores spikes. */
static void
adapt_threshold (tc_cc_trendline *t, int64_t now_us)
{
  double m = fabs (t->modified_trend);
  if (t->last_threshold_us < 0)
    t->last_threshold_us = now_us;
  if (m > t->threshold_ms + MAX_ADAPT_OFFSET_MS) {
    t->last_threshold_us = now_us;
    return;
  }
  double k = m < t->threshold_ms ? K_DOWN : K_UP;
  double dt_ms = (now_us - t->last_threshold_us) / 1000.0;
  dt_ms = dt_ms < 0 ? 0 : dt_ms > 100 ? 100 : dt_ms;
  t->threshold_ms += k * (m - t->threshold_ms) * dt_ms;
  t->threshold_ms = fmax (MIN_THRESHOLD_MS, fmin (MAX_THRESHOLD_MS,
          t->threshold_ms));
  t->last_threshold_us = now_us;
}

static void
detect (tc_cc_trendline *t, double send_delta_ms, int64_t now_us)
{
  if (t->num_deltas < 2) {
    t->state = TC_CC_NORMAL;
    return;
  }
  unsigned gain_n = t->num_deltas < MAX_DELTAS_GAIN ? t->num_deltas
      : MAX_DELTAS_GAIN;
  t->modified_trend = gain_n * t->trend * THRESHOLD_GAIN;
  if (t->modified_trend > t->threshold_ms) {
    /* Overuse only when it lasts and is not already receding. */
    t->time_over_ms = t->time_over_ms < 0 ? send_delta_ms / 2
        : t->time_over_ms + send_delta_ms;
    t->overuse_count++;
    if (t->time_over_ms > OVERUSE_TIME_MS && t->overuse_count > 1
        && t->trend >= t->prev_trend) {
      t->time_over_ms = 0;
      t->overuse_count = 0;
      t->state = TC_CC_OVERUSING;
    }
  } else {
    t->time_over_ms = -1;
    t->overuse_count = 0;
    t->state = t->modified_trend < -t->threshold_ms ? TC_CC_UNDERUSING
        : TC_CC_NORMAL;
  }
  t->prev_trend = t->trend;
  adapt_threshold (t, now_us);
}

tc_cc_usage
tc_cc_trendline_update (tc_cc_trendline *t, const tc_cc_group_delta *d)
{
  filter (t, d);
  detect (t, d->send_delta_us / 1000.0, d->arrival_us);
  return t->state;
}
