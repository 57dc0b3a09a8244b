/* loss_based.c - LossBasedBweV2's idea (libwebrtc,
 * modules/congestion_controller/goog_cc/loss_based_bwe_v2.cc) in small: a
 * maximum-likelihood fit of "inherent loss + loss above a bandwidth" to
 * the last windows, searched over a grid instead of by gradient. What we
 * keep of it: the loss model, the bound on inherent loss that grows as the
 * bandwidth falls, the preference for the higher bandwidth among models
 * that explain the loss equally well, and recent windows weighing more.
 *
 * Why not draft-ietf-rmcat-gcc-02's rule (over 10% loss halve by the loss
 * fraction, hold over 2%): steady random loss near 10% (hotel Wi-Fi) then
 * walks the rate down to its floor although the path is nearly empty,
 * while browsers on the same path hold about 1 Mbit/s.
 */
#include "cc/loss_based.h"

#include <math.h>

#define MIN_PACKETS 20         /* fewer say little about a loss rate */
#define MIN_SPAN_US 250000     /* a rate needs some time to mean anything */
#define TEMPORAL_WEIGHT 0.95   /* per window of age */
#define INHERENT_OFFSET 0.05
#define INHERENT_BALANCE_BPS 75000.0
/* The grid of inherent loss, in thousandths: integers, so the number of
 * steps follows from them exactly. */
#define INHERENT_STEP_PERMILLE 5
#define INHERENT_MAX_PERMILLE 500
#define INHERENT_STEP (INHERENT_STEP_PERMILLE / 1000.0)
#define INHERENT_MAX (INHERENT_MAX_PERMILLE / 1000.0)
#define INHERENT_STEPS (INHERENT_MAX_PERMILLE / INHERENT_STEP_PERMILLE + 1)
#define BANDWIDTH_STEPS 64
/* Models within this much log-likelihood of the best are as good: the
 * difference is noise (a 95% interval is about 2). */
#define LIKELIHOOD_SLACK 0.25

void
tc_cc_loss_based_init (tc_cc_loss_based *l, uint32_t start_bps,
    uint32_t min_bps, uint32_t max_bps)
{
  (void) start_bps;  /* no bound until loss says so */
  *l = (tc_cc_loss_based) { .min_bps = min_bps, .max_bps = max_bps,
    .bps = max_bps, .first_send_us = -1, .prev_send_us = -1 };
}

void
tc_cc_loss_based_add (tc_cc_loss_based *l, bool lost, uint32_t size,
    int64_t send_us)
{
  l->sent++;
  l->lost += lost;
  l->bytes += size;
  if (l->first_send_us < 0 || send_us < l->first_send_us)
    l->first_send_us = send_us;
  if (send_us > l->last_send_us)
    l->last_send_us = send_us;
}

static double
inherent_bound (double bandwidth_bps)
{
  return fmin (INHERENT_MAX,
      INHERENT_OFFSET + INHERENT_BALANCE_BPS / bandwidth_bps);
}

static double
loss_probability (double inherent, double bandwidth_bps, double rate_bps)
{
  double over = rate_bps > bandwidth_bps
      ? (rate_bps - bandwidth_bps) / rate_bps : 0;
  double p = inherent + (1 - inherent) * over;
  return fmin (fmax (p, 1e-6), 1 - 1e-6);
}


/* log p and log (1 - p) for each inherent loss on the grid: a window
 * sent below the bandwidth has just the inherent loss, and most windows
 * are below most of the grid, so the fit needs few other logs. */
typedef struct {
  double log_p[INHERENT_STEPS];
  double log_q[INHERENT_STEPS];
} inherent_logs;

static void
inherent_logs_init (inherent_logs *t)
{
  for (int k = 0; k < INHERENT_STEPS; k++) {
    double p = loss_probability (k * INHERENT_STEP, 1, 0);
    t->log_p[k] = log (p);
    t->log_q[k] = log1p (-p);
  }
}

static double
log_likelihood (const tc_cc_loss_based *l, const inherent_logs *t, int k,
    double bw)
{
  double sum = 0, w = 1, inherent = k * INHERENT_STEP;
  for (size_t i = l->n_windows; i-- > 0; w *= TEMPORAL_WEIGHT) {
    const tc_cc_loss_window *o = &l->windows[i];
    double lp = t->log_p[k], lq = t->log_q[k];
    if (o->rate_bps > bw) {
      double p = loss_probability (inherent, bw, o->rate_bps);
      lp = log (p);
      lq = log1p (-p);
    }
    sum += w * (o->lost * lp + (o->sent - o->lost) * lq);
  }
  return sum;
}

/* The best inherent loss for bandwidth `bw`, within its bound. */
static double
best_for_bandwidth (const tc_cc_loss_based *l, const inherent_logs *t,
    double bw, double *inherent)
{
  double best = -INFINITY, bound = inherent_bound (bw);
  for (int k = 0; k < INHERENT_STEPS && k * INHERENT_STEP <= bound + 1e-9;
      k++) {
    double ll = log_likelihood (l, t, k, bw);
    if (ll > best) {
      best = ll;
      *inherent = k * INHERENT_STEP;
    }
  }
  return best;
}

static bool
any_loss (const tc_cc_loss_based *l)
{
  for (size_t i = 0; i < l->n_windows; i++)
    if (l->windows[i].lost > 0)
      return true;
  return false;
}

/* Bandwidths on a geometric grid from min to max; the top one (max) means
 * "no bound". Picks the highest bandwidth whose best model is within the
 * slack of the best of all. */
static void
fit (tc_cc_loss_based *l)
{
  /* Without a single loss in the windows the answer is known: the top of
   * the grid ("no bound") at no inherent loss. A loss probability never
   * falls as the bandwidth rises and inherent 0 is allowed everywhere, so
   * no other model scores higher. It is the common case, and the logs
   * below cost more than the rest of the send path put together
   * (bench/transport_cpu.sh under perf). */
  if (!any_loss (l)) {
    l->bps = l->max_bps;
    l->inherent = 0;
    return;
  }
  double ll[BANDWIDTH_STEPS], e[BANDWIDTH_STEPS], best = -INFINITY;
  double ratio = pow (l->max_bps / l->min_bps, 1.0 / (BANDWIDTH_STEPS - 1));
  inherent_logs t;
  inherent_logs_init (&t);
  for (int i = 0; i < BANDWIDTH_STEPS; i++) {
    ll[i] = best_for_bandwidth (l, &t, l->min_bps * pow (ratio, i), &e[i]);
    best = fmax (best, ll[i]);
  }
  for (int i = BANDWIDTH_STEPS - 1; i >= 0; i--) {
    if (ll[i] >= best - LIKELIHOOD_SLACK) {
      l->bps = i == BANDWIDTH_STEPS - 1 ? l->max_bps
          : l->min_bps * pow (ratio, i);
      l->inherent = e[i];
      return;
    }
  }
}

/* Windows follow each other in send order: a window's time runs from the
 * previous one's last packet (frames leave in bursts, so first-to-last
 * within a window would miss one gap between bursts). */
static void
close_window (tc_cc_loss_based *l)
{
  int64_t from = l->prev_send_us >= 0 && l->prev_send_us < l->first_send_us
      ? l->prev_send_us : l->first_send_us;
  double span_s = (l->last_send_us - from) / 1e6;
  l->prev_send_us = l->last_send_us;
  if (l->n_windows == TC_CC_LOSS_WINDOWS) {
    for (size_t i = 1; i < TC_CC_LOSS_WINDOWS; i++)
      l->windows[i - 1] = l->windows[i];
    l->n_windows--;
  }
  l->windows[l->n_windows++] = (tc_cc_loss_window) {
    .rate_bps = l->bytes * 8 / span_s, .sent = l->sent, .lost = l->lost };
  l->last_loss = (double) l->lost / l->sent;
  l->sent = l->lost = 0;
  l->bytes = 0;
  l->first_send_us = -1;
  l->last_send_us = 0;
}

uint32_t
tc_cc_loss_based_update (tc_cc_loss_based *l)
{
  if (l->sent >= MIN_PACKETS
      && l->last_send_us - l->first_send_us >= MIN_SPAN_US) {
    close_window (l);
    fit (l);
  }
  l->bps = fmax (l->min_bps, fmin (l->max_bps, l->bps));
  return (uint32_t) l->bps;
}
