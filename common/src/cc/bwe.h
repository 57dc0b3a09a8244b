/* bwe.h - send-side bandwidth estimation from transport-cc feedback, the
 * way Chromium and webrtcsink adapt to the path (Google Congestion Control,
 * draft-ietf-rmcat-gcc-02):
 *
 *   sent packets -> send history -+
 *   transport-cc feedback --------+-> per packet (send, arrival, size, lost)
 *       -> delay-based: send-burst groups -> trendline -> overuse detector
 *                       -> AIMD on the acknowledged rate
 *       -> loss-based:  loss fraction -> decrease / hold / increase
 *   target = min(delay-based, loss-based, REMB if any) within [min, max]
 *
 * Pure logic: no I/O, no clock (every call takes now_us on the sender's
 * monotonic clock). One estimator per call, used on the session's loop
 * thread only.
 */
#ifndef TEMPCHAT_CC_BWE_H
#define TEMPCHAT_CC_BWE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc/trendline.h"
#include "tempchat/tc_rtcp.h"
#include "tempchat/tc_sdp.h"

typedef struct {
  uint32_t min_bps;           /* > 0 */
  uint32_t start_bps;         /* clamped into [min, max] */
  uint32_t max_bps;           /* >= min_bps */
} tc_bwe_config;

/* The floor we never go below, whatever the path says: video still moves. */
#define TC_BWE_MIN_BPS 100000

/* Start and max of a TempChat quality (ARCHITECTURE.md), floor
 * TC_BWE_MIN_BPS. False for an unknown quality. */
bool tc_bwe_config_for_quality (tc_sdp_quality q, tc_bwe_config *out);

/* The same from the quality's table overridden by `set` (see
 * tc_sdp_effective_bitrates; min 0 keeps TC_BWE_MIN_BPS). */
bool tc_bwe_config_for_bitrates (tc_sdp_quality q, const tc_sdp_bitrates *set,
    tc_bwe_config *out);


typedef struct tc_bwe tc_bwe;
/* New limits for a running estimator (the user changed quality or bitrates
 * during the call): the target is clamped into them at once; the start
 * bitrate is not used again. False when `cfg` is inconsistent. */
bool tc_bwe_set_limits (tc_bwe *b, const tc_bwe_config *cfg);

/* A new estimator at cfg->start_bps, owned by the caller; NULL when cfg is
 * inconsistent. Free with tc_bwe_free (NULL-safe). */
tc_bwe *tc_bwe_new (const tc_bwe_config *cfg);
void tc_bwe_free (tc_bwe *b);

/* One RTP or RTX packet that left with transport-wide seq `seq`, `size`
 * bytes on the wire, at `now_us`. */
void tc_bwe_on_sent (tc_bwe *b, uint16_t seq, size_t size, int64_t now_us);

/* One parsed transport-cc feedback, received at `now_us`. Returns how many
 * packets it said something new about (0: ignored as unknown, duplicate or
 * stale; the estimate is unchanged then). */
size_t tc_bwe_on_feedback (tc_bwe *b, const tc_rtcp_twcc *fb, int64_t now_us);

/* The peer's REMB (an upper bound while it keeps sending them). */
void tc_bwe_on_remb (tc_bwe *b, uint32_t bps);

/* The RTT from RTCP reports; paces decreases. */
void tc_bwe_set_rtt (tc_bwe *b, int64_t rtt_us);

/* Whether a retransmission of `size` bytes fits the share of the target
 * that repairs may use (a quarter, in bursts of up to 200 ms of it); takes
 * it from the budget when it does. */
bool tc_bwe_allow_resend (tc_bwe *b, size_t size, int64_t now_us);

/* The current target in bits per second. */
uint32_t tc_bwe_target (const tc_bwe *b);

/* True (with *bps) when the target should be handed to the encoder now:
 * the first time, when it moved by more than 5 % since it was last handed
 * over, or when that was a second ago or more. */
bool tc_bwe_poll (tc_bwe *b, int64_t now_us, uint32_t *bps);

typedef struct {
  uint32_t target_bps;
  uint32_t delay_based_bps;
  uint32_t loss_based_bps;
  uint32_t remb_bps;          /* 0: none received */
  uint32_t acked_bps;         /* 0: not known yet */
  double loss_fraction;       /* of the last loss interval */
  tc_cc_usage usage;
} tc_bwe_stats;

void tc_bwe_get_stats (const tc_bwe *b, tc_bwe_stats *out);

#endif
