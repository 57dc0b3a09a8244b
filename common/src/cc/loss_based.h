/* loss_based.h - the loss-based controller of draft-ietf-rmcat-gcc-02 6:
 * over 10 % loss decrease by half the loss fraction, under 2 % increase by
 * 8 % a second, in between hold.
 */
#ifndef TEMPCHAT_CC_LOSS_BASED_H
#define TEMPCHAT_CC_LOSS_BASED_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  double min_bps, max_bps;
  double bps;
  unsigned sent, lost;        /* packets in the current loss interval */
  int64_t last_update_us;     /* -1: never */
  int64_t last_decrease_us;   /* -1: never */
  int64_t rtt_us;
  double last_loss;           /* fraction of the last full interval */
} tc_cc_loss_based;

void tc_cc_loss_based_init (tc_cc_loss_based *l, uint32_t start_bps,
    uint32_t min_bps, uint32_t max_bps);

/* Counts one packet's outcome from feedback. */
void tc_cc_loss_based_add (tc_cc_loss_based *l, bool lost);

/* After a feedback message, at `now_us` (our clock): acts when the
 * interval holds enough packets. Returns the loss-based estimate. */
uint32_t tc_cc_loss_based_update (tc_cc_loss_based *l, int64_t now_us);

#endif
