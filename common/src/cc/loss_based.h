/* loss_based.h - the loss-based bound on the send rate, after the idea of
 * libwebrtc's LossBasedBweV2: loss that grows with the sending rate is
 * congestion, loss that does not is the path's own (Wi-Fi, a lossy hop)
 * and no reason to send less.
 *
 * Loss is observed over windows of packets, each at the rate it was sent
 * at. The model says a packet sent at rate r is lost with probability
 *     p(r) = e + (1 - e) * max(0, r - B) / r
 * where e is the inherent loss and B the bandwidth; the (e, B) that make
 * the recent windows most likely are chosen, the higher B among equally
 * likely ones. A large inherent loss is believed only at a low rate,
 * e <= 0.05 + 75 kbit/s / B (libwebrtc's default bounds): 10% random loss
 * leaves about 1.5 Mbit/s, 20% about 500 kbit/s. B at the top of the range
 * means no bound: the delay-based estimate leads.
 */
#ifndef TEMPCHAT_CC_LOSS_BASED_H
#define TEMPCHAT_CC_LOSS_BASED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_CC_LOSS_WINDOWS 16

typedef struct {
  double rate_bps;            /* sending rate of the window's packets */
  unsigned sent, lost;
} tc_cc_loss_window;

typedef struct {
  double min_bps, max_bps;
  double bps;                 /* the bound; max_bps: none */
  /* The window being filled. */
  unsigned sent, lost;
  uint64_t bytes;
  int64_t first_send_us, last_send_us;
  int64_t prev_send_us;       /* last send of the previous window; -1 */
  /* Completed windows, oldest first. */
  tc_cc_loss_window windows[TC_CC_LOSS_WINDOWS];
  size_t n_windows;
  double inherent;            /* e of the chosen model */
  double last_loss;           /* fraction of the last full window */
} tc_cc_loss_based;

void tc_cc_loss_based_init (tc_cc_loss_based *l, uint32_t start_bps,
    uint32_t min_bps, uint32_t max_bps);

/* Counts one packet's outcome from feedback: its size and send time (our
 * clock) give the window's sending rate. */
void tc_cc_loss_based_add (tc_cc_loss_based *l, bool lost, uint32_t size,
    int64_t send_us);

/* After a feedback message: closes the window when it holds enough packets
 * and fits the model again. Returns the loss-based bound. */
uint32_t tc_cc_loss_based_update (tc_cc_loss_based *l);

#endif
