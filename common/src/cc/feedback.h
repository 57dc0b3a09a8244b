/* feedback.h - transport-cc feedback matched to what we sent: per packet
 * send time, arrival time (on the receiver's clock), size, lost or not.
 *
 * Pure: the parsed feedback (tc_rtcp_twcc) and the send history in, the
 * results out. Feedback arrives duplicated, reordered or corrupted on real
 * paths; each packet's outcome is reported once (a packet reported lost and
 * later received is reported again as received), and packets we never sent
 * or no longer remember are skipped.
 */
#ifndef TEMPCHAT_CC_FEEDBACK_H
#define TEMPCHAT_CC_FEEDBACK_H

#include "cc/send_history.h"
#include "tempchat/tc_rtcp.h"

typedef struct {
  int64_t seq;                /* unwrapped transport seq */
  int64_t send_us;            /* our clock */
  int64_t arrival_us;         /* receiver's clock; -1: lost */
  uint32_t size;
} tc_cc_packet;

/* The receiver's 24-bit reference time, unwrapped across feedback. */
typedef struct {
  bool started;
  int64_t ref;                /* unwrapped, in 64 ms units */
} tc_cc_ref_clock;

/* Fills out[0..cap) with the packets `fb` says something new about, in
 * feedback order, and returns how many. Marks them reported in `h`. */
size_t tc_cc_feedback_match (tc_cc_history *h, tc_cc_ref_clock *clock,
    const tc_rtcp_twcc *fb, tc_cc_packet *out, size_t cap);

#endif
