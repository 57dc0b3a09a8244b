/* feedback.c - matching transport-cc feedback to the send history.
 *
 * Arrival times: the feedback's reference time (24 bits of 64 ms, wraps
 * every 12 days) plus the running sum of its receive deltas (250 us ticks,
 * possibly negative). Only differences of arrival times matter to the
 * estimators, so the receiver's epoch never needs to be known.
 */
#include "cc/feedback.h"

#define REF_UNIT_US 64000

static int64_t
unwrap_ref (tc_cc_ref_clock *clock, uint32_t ref24)
{
  if (!clock->started) {
    clock->started = true;
    clock->ref = ref24;
    return clock->ref;
  }
  /* Signed 24-bit distance from the last one: reordered feedback steps
   * back a little, it does not jump a whole wrap forward. */
  int32_t d = (int32_t) ((ref24 - (uint32_t) clock->ref) << 8) >> 8;
  int64_t ref = clock->ref + d;
  if (ref > clock->ref)
    clock->ref = ref;
  return ref;
}

/* Whether this status tells something new about entry e. */
static bool
is_news (const tc_cc_sent *e, bool received)
{
  if (received)
    return e->state != TC_CC_REPORTED_RECEIVED;
  return e->state == TC_CC_UNREPORTED;
}

size_t
tc_cc_feedback_match (tc_cc_history *h, tc_cc_ref_clock *clock,
    const tc_rtcp_twcc *fb, tc_cc_packet *out, size_t cap)
{
  int64_t t = unwrap_ref (clock, fb->reference_time) * REF_UNIT_US;
  tc_rtcp_twcc_iter it;
  tc_rtcp_twcc_status st;
  size_t n = 0;
  tc_rtcp_twcc_iter_init (&it, fb);
  while (n < cap && tc_rtcp_twcc_iter_next (&it, &st)) {
    t += st.delta_us;
    tc_cc_sent *e = tc_cc_history_find (h, tc_cc_history_unwrap (h, st.seq));
    if (e == NULL || !is_news (e, st.received))
      continue;
    e->state = st.received ? TC_CC_REPORTED_RECEIVED : TC_CC_REPORTED_LOST;
    out[n++] = (tc_cc_packet) { .seq = e->seq, .send_us = e->send_us,
      .arrival_us = st.received ? t : -1, .size = e->size };
  }
  return n;
}
