/* bwe.c - the estimator's parts tied together: feedback matched against
 * the send history feeds the delay-based and the loss-based controllers
 * once per feedback message; the target is the smallest of their estimates
 * and the peer's REMB.
 */
#include "cc/bwe.h"

#include <glib.h>

#include "cc/acked_rate.h"
#include "cc/aimd.h"
#include "cc/budget.h"
#include "cc/feedback.h"
#include "cc/inter_arrival.h"
#include "cc/loss_based.h"
#include "cc/send_history.h"

#define REPORT_CHANGE 0.05
#define REPORT_EVERY_US G_USEC_PER_SEC
/* Retransmissions may use up to the target rate over half a second, as
 * libwebrtc's retransmission rate limiter allows (RtpTransportControllerSend
 * sets it to the target; 500 ms window). A quarter of the target over
 * 200 ms held less than one full packet at 150 kbit/s: at low targets,
 * where loss hurts most, no NACK was answered. */
#define RESEND_SHARE 1.0
#define RESEND_WINDOW_US (500 * 1000)

struct tc_bwe {
  tc_bwe_config cfg;
  tc_cc_history history;
  tc_cc_ref_clock ref_clock;
  tc_cc_inter_arrival groups;
  tc_cc_trendline trendline;
  tc_cc_acked_rate acked;
  tc_cc_aimd aimd;
  tc_cc_loss_based loss;
  tc_cc_budget resend;
  uint32_t remb_bps;
  uint32_t target_bps;
  uint32_t reported_bps;      /* 0: never handed over */
  int64_t reported_us;
  tc_cc_packet matched[TC_CC_HISTORY_SIZE];
};

bool
tc_bwe_config_for_quality (tc_sdp_quality q, tc_bwe_config *out)
{
  uint32_t max_kbps, start_kbps;
  if (!tc_sdp_quality_bitrates (q, &max_kbps, &start_kbps))
    return false;
  *out = (tc_bwe_config) { .min_bps = TC_BWE_MIN_BPS,
    .start_bps = start_kbps * 1000, .max_bps = max_kbps * 1000 };
  return true;
}

bool
tc_bwe_config_for_bitrates (tc_sdp_quality q, const tc_sdp_bitrates *set,
    tc_bwe_config *out)
{
  tc_sdp_bitrates b;
  if (!tc_sdp_effective_bitrates (q, set, &b))
    return false;
  uint32_t max_bps = b.max_kbps * 1000;
  uint32_t min_bps = b.min_kbps != 0 ? b.min_kbps * 1000 : TC_BWE_MIN_BPS;
  *out = (tc_bwe_config) { .min_bps = MIN (min_bps, max_bps),
    .start_bps = b.start_kbps * 1000, .max_bps = max_bps };
  return out->max_bps > 0;
}

static void
update_target (tc_bwe *b)
{
  uint32_t t = MIN ((uint32_t) b->aimd.bps, (uint32_t) b->loss.bps);
  if (b->remb_bps > 0)
    t = MIN (t, b->remb_bps);
  b->target_bps = CLAMP (t, b->cfg.min_bps, b->cfg.max_bps);
}

tc_bwe *
tc_bwe_new (const tc_bwe_config *cfg)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  if (cfg->min_bps == 0 || cfg->min_bps > cfg->max_bps)
    return NULL;
  tc_bwe *b = g_new0 (tc_bwe, 1);
  b->cfg = *cfg;
  b->cfg.start_bps = CLAMP (cfg->start_bps, cfg->min_bps, cfg->max_bps);
  tc_cc_history_init (&b->history);
  tc_cc_inter_arrival_reset (&b->groups);
  tc_cc_trendline_init (&b->trendline);
  tc_cc_acked_rate_reset (&b->acked);
  tc_cc_budget_init (&b->resend);
  tc_cc_aimd_init (&b->aimd, b->cfg.start_bps, cfg->min_bps, cfg->max_bps);
  tc_cc_loss_based_init (&b->loss, b->cfg.start_bps, cfg->min_bps,
      cfg->max_bps);
  update_target (b);
  return b;
}

void
tc_bwe_free (tc_bwe *b)
{
  g_free (b);
}

void
tc_bwe_on_sent (tc_bwe *b, uint16_t seq, size_t size, int64_t now_us)
{
  g_return_if_fail (b != NULL);
  tc_cc_history_on_sent (&b->history, seq, size, now_us);
}

/* Delay-based part: returns whether any packet was received. */
static bool
feed_delay (tc_bwe *b, const tc_cc_packet *p, size_t n)
{
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    tc_cc_group_delta d;
    if (p[i].arrival_us < 0)
      continue;
    any = true;
    tc_cc_acked_rate_add (&b->acked, p[i].arrival_us, p[i].size);
    if (tc_cc_inter_arrival_add (&b->groups, p[i].send_us, p[i].arrival_us,
            &d))
      tc_cc_trendline_update (&b->trendline, &d);
  }
  return any;
}

size_t
tc_bwe_on_feedback (tc_bwe *b, const tc_rtcp_twcc *fb, int64_t now_us)
{
  g_return_val_if_fail (b != NULL && fb != NULL, 0);
  size_t n = tc_cc_feedback_match (&b->history, &b->ref_clock, fb,
      b->matched, G_N_ELEMENTS (b->matched));
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    tc_cc_loss_based_add (&b->loss, b->matched[i].arrival_us < 0,
        b->matched[i].size, b->matched[i].send_us);
  if (feed_delay (b, b->matched, n))
    tc_cc_aimd_update (&b->aimd, b->trendline.state,
        tc_cc_acked_rate_bps (&b->acked), now_us);
  tc_cc_loss_based_update (&b->loss);
  update_target (b);
  return n;
}

void
tc_bwe_on_remb (tc_bwe *b, uint32_t bps)
{
  g_return_if_fail (b != NULL);
  b->remb_bps = bps;
  update_target (b);
}

void
tc_bwe_set_rtt (tc_bwe *b, int64_t rtt_us)
{
  g_return_if_fail (b != NULL);
  if (rtt_us <= 0)
    return;
  b->aimd.rtt_us = rtt_us;
}

bool
tc_bwe_allow_resend (tc_bwe *b, size_t size, int64_t now_us)
{
  g_return_val_if_fail (b != NULL, false);
  return tc_cc_budget_take (&b->resend,
      (uint32_t) (RESEND_SHARE * b->target_bps), RESEND_WINDOW_US, size,
      now_us);
}

uint32_t
tc_bwe_target (const tc_bwe *b)
{
  g_return_val_if_fail (b != NULL, 0);
  return b->target_bps;
}

bool
tc_bwe_poll (tc_bwe *b, int64_t now_us, uint32_t *bps)
{
  g_return_val_if_fail (b != NULL && bps != NULL, false);
  double last = b->reported_bps;
  bool due = b->reported_bps == 0
      || b->target_bps > last * (1 + REPORT_CHANGE)
      || b->target_bps < last * (1 - REPORT_CHANGE)
      || now_us - b->reported_us >= REPORT_EVERY_US;
  if (!due)
    return false;
  b->reported_bps = *bps = b->target_bps;
  b->reported_us = now_us;
  return true;
}

void
tc_bwe_get_stats (const tc_bwe *b, tc_bwe_stats *out)
{
  g_return_if_fail (b != NULL && out != NULL);
  *out = (tc_bwe_stats) { .target_bps = b->target_bps,
    .delay_based_bps = (uint32_t) b->aimd.bps,
    .loss_based_bps = (uint32_t) b->loss.bps, .remb_bps = b->remb_bps,
    .acked_bps = tc_cc_acked_rate_bps (&b->acked),
    .loss_fraction = b->loss.last_loss, .usage = b->trendline.state };
}

bool
tc_bwe_set_limits (tc_bwe *b, const tc_bwe_config *cfg)
{
  g_return_val_if_fail (b != NULL && cfg != NULL, false);
  if (cfg->min_bps == 0 || cfg->min_bps > cfg->max_bps)
    return false;
  b->cfg.min_bps = cfg->min_bps;
  b->cfg.max_bps = cfg->max_bps;
  /* Both estimators keep their own bounds; their current rates come into
   * the new range so a lower max takes effect at once. */
  b->aimd.min_bps = b->loss.min_bps = cfg->min_bps;
  b->aimd.max_bps = b->loss.max_bps = cfg->max_bps;
  b->aimd.bps = CLAMP (b->aimd.bps, (double) cfg->min_bps,
      (double) cfg->max_bps);
  b->loss.bps = CLAMP (b->loss.bps, (double) cfg->min_bps,
      (double) cfg->max_bps);
  update_target (b);
  return true;
}
