/* bwe_sim.h - a simulated path for the bandwidth estimator, in simulated
 * time (1 ms steps, no real clock):
 *
 *   sender --(bursts of 1200-byte packets, one frame per 33 ms at the
 *             estimator's target)--> random loss --> bottleneck (FIFO of
 *             capacity_bps, tail drop beyond queue_limit_us of queue)
 *          --> base_delay_us --> receiver
 *   receiver --(transport-cc feedback every 100 ms, built with
 *               tc_rtcp_write_twcc, after base_delay_us)--> tc_rtcp_parse
 *          --> tc_bwe_on_feedback
 *
 * What a user would see is sampled: the target and the queueing delay.
 */
#ifndef TEMPCHAT_TEST_BWE_SIM_H
#define TEMPCHAT_TEST_BWE_SIM_H

#include <glib.h>
#include <string.h>

#include "cc/bwe.h"
#include "tempchat/tc_rtcp.h"

#define SIM_MS 1000
#define SIM_S (1000 * SIM_MS)
#define SIM_FRAME_US 33333
#define SIM_PACKET 1200
#define SIM_FEEDBACK_US (100 * SIM_MS)
#define SIM_UNKNOWN INT64_MAX     /* in flight or never sent */
#define SIM_MAX_PENDING 16

typedef struct {
  int64_t at_us;
  size_t len;
  uint8_t buf[TC_RTCP_MAX_PACKET];
} sim_feedback;

typedef struct {
  tc_bwe *bwe;
  GRand *rand;
  /* The path; change between runs. */
  double capacity_bps;          /* 0: no bottleneck */
  int64_t base_delay_us;
  int64_t queue_limit_us;
  double loss;                  /* random loss on the way, 0..1 */
  /* State. */
  int64_t now_us;
  int64_t next_frame_us, next_feedback_us;
  int64_t link_free_us;
  uint16_t seq;                 /* next transport seq */
  int64_t arrival[65536];       /* by seq: arrival, -1 lost, SIM_UNKNOWN */
  bool rx_started;
  uint16_t rx_base;             /* first seq not reported yet */
  uint8_t fb_count;
  sim_feedback pending[SIM_MAX_PENDING];
  size_t n_pending;
  /* Observed. */
  int64_t max_queue_us;         /* since the last sim_reset_observed */
  uint64_t packets_sent, packets_dropped;
  /* Hook: every feedback packet delivered, before the estimator sees it. */
  void (*on_feedback) (void *data, const uint8_t *buf, size_t len);
  void *hook_data;
} sim;

static inline sim *
sim_new (tc_sdp_quality q, uint16_t first_seq)
{
  tc_bwe_config cfg;
  g_assert_true (tc_bwe_config_for_quality (q, &cfg));
  sim *s = g_new0 (sim, 1);
  s->bwe = tc_bwe_new (&cfg);
  g_assert_nonnull (s->bwe);
  s->rand = g_rand_new_with_seed (42);
  s->base_delay_us = 40 * SIM_MS;
  s->queue_limit_us = 500 * SIM_MS;
  s->seq = first_seq;
  for (size_t i = 0; i < G_N_ELEMENTS (s->arrival); i++)
    s->arrival[i] = SIM_UNKNOWN;
  tc_bwe_set_rtt (s->bwe, 2 * s->base_delay_us);
  return s;
}

static inline void
sim_free (sim *s)
{
  tc_bwe_free (s->bwe);
  g_rand_free (s->rand);
  g_free (s);
}

static inline void
sim_send_packet (sim *s, size_t size)
{
  uint16_t seq = s->seq++;
  tc_bwe_on_sent (s->bwe, seq, size, s->now_us);
  s->packets_sent++;
  if (s->loss > 0 && g_rand_double (s->rand) < s->loss) {
    s->arrival[seq] = -1;
    s->packets_dropped++;
    return;
  }
  int64_t start = MAX (s->now_us, s->link_free_us);
  if (s->capacity_bps > 0) {
    if (start - s->now_us > s->queue_limit_us) {
      s->arrival[seq] = -1;     /* tail drop */
      s->packets_dropped++;
      return;
    }
    s->max_queue_us = MAX (s->max_queue_us, start - s->now_us);
    s->link_free_us = start + (int64_t) (size * 8 * 1e6 / s->capacity_bps);
  } else {
    s->link_free_us = start;
  }
  s->arrival[seq] = s->link_free_us + s->base_delay_us;
}

/* One frame at the target rate, in a burst as the session sends it. */
static inline void
sim_send_frame (sim *s)
{
  size_t bytes = (size_t) (tc_bwe_target (s->bwe) / 8.0 * SIM_FRAME_US / 1e6);
  while (bytes > 0) {
    size_t n = MIN (bytes, (size_t) SIM_PACKET);
    sim_send_packet (s, n < 100 ? 100 : n);
    bytes -= n;
  }
}

/* Receiver: reports [rx_base, the newest seq that has arrived]. */
static inline void
sim_build_feedback (sim *s)
{
  int64_t arrivals[4096];
  size_t count = 0, last_arrived = 0;
  if (!s->rx_started)
    return;
  for (uint16_t q = s->rx_base; q != s->seq && count < G_N_ELEMENTS (arrivals);
      q++) {
    int64_t a = s->arrival[q];
    if (a == SIM_UNKNOWN || a > s->now_us)
      break;                    /* FIFO: nothing later has arrived either */
    arrivals[count++] = a < 0 ? TC_RTCP_TWCC_NOT_RECEIVED : a;
    if (a >= 0)
      last_arrived = count;
  }
  if (last_arrived == 0 || s->n_pending == SIM_MAX_PENDING)
    return;
  sim_feedback *f = &s->pending[s->n_pending];
  tc_rtcp_twcc_input in = { .sender_ssrc = 1, .media_ssrc = 2,
    .base_seq = s->rx_base, .fb_count = s->fb_count++,
    .arrival_us = arrivals, .count = last_arrived };
  g_assert_cmpint (tc_rtcp_write_twcc (&in, f->buf, sizeof f->buf, &f->len),
      ==, TC_OK);
  f->at_us = s->now_us + s->base_delay_us;
  s->n_pending++;
  s->rx_base = (uint16_t) (s->rx_base + last_arrived);
}

/* Sender: parses what arrived and hands every transport-cc item over. */
static inline void
sim_deliver_feedback (sim *s)
{
  while (s->n_pending > 0 && s->pending[0].at_us <= s->now_us) {
    sim_feedback *f = &s->pending[0];
    if (s->on_feedback != NULL)
      s->on_feedback (s->hook_data, f->buf, f->len);
    tc_rtcp_item items[TC_RTCP_MAX_ITEMS];
    size_t n = 0;
    g_assert_cmpint (tc_rtcp_parse (f->buf, f->len, items, TC_RTCP_MAX_ITEMS,
            &n), ==, TC_OK);
    for (size_t i = 0; i < n; i++)
      if (items[i].kind == TC_RTCP_TWCC)
        tc_bwe_on_feedback (s->bwe, &items[i].u.twcc, s->now_us);
    memmove (&s->pending[0], &s->pending[1],
        (s->n_pending - 1) * sizeof s->pending[0]);
    s->n_pending--;
  }
}

/* Runs the path for `us` of simulated time. */
static inline void
sim_run (sim *s, int64_t us)
{
  int64_t end = s->now_us + us;
  for (; s->now_us < end; s->now_us += SIM_MS) {
    if (s->now_us >= s->next_frame_us) {
      if (!s->rx_started)
        s->rx_base = s->seq;
      s->rx_started = true;
      sim_send_frame (s);
      s->next_frame_us += SIM_FRAME_US;
    }
    if (s->now_us >= s->next_feedback_us) {
      sim_build_feedback (s);
      s->next_feedback_us += SIM_FEEDBACK_US;
    }
    sim_deliver_feedback (s);
  }
}

/* Runs for `us`, sampling the target every 100 ms: min, max and mean. */
static inline void
sim_run_sampled (sim *s, int64_t us, double *min, double *max, double *mean)
{
  double sum = 0;
  unsigned n = 0;
  *min = G_MAXDOUBLE;
  *max = 0;
  for (int64_t t = 0; t < us; t += 100 * SIM_MS) {
    sim_run (s, 100 * SIM_MS);
    double v = tc_bwe_target (s->bwe);
    *min = MIN (*min, v);
    *max = MAX (*max, v);
    sum += v;
    n++;
  }
  *mean = n > 0 ? sum / n : 0;
}

#endif
