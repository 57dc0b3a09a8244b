/* send_history.h - what we sent, keyed by transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01), for matching
 * transport-cc feedback to send times and sizes.
 *
 * Pure bookkeeping in a fixed ring: no allocation after creation, no clock
 * (callers pass now_us). Used on the session's loop thread only.
 */
#ifndef TEMPCHAT_CC_SEND_HISTORY_H
#define TEMPCHAT_CC_SEND_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packets remembered: about 6 s at 6 Mbit/s of 1200-byte packets, far
 * longer than feedback takes, and well under half the 16-bit seq space so
 * unwrapping stays unambiguous. A power of two. */
#define TC_CC_HISTORY_SIZE 4096

typedef enum {
  TC_CC_UNREPORTED = 0,       /* sent, no feedback about it yet */
  TC_CC_REPORTED_LOST,        /* feedback said "not received" */
  TC_CC_REPORTED_RECEIVED,    /* feedback gave an arrival time */
} tc_cc_report_state;

typedef struct {
  int64_t seq;                /* unwrapped transport seq; -1: empty slot */
  int64_t send_us;
  uint32_t size;              /* bytes on the wire */
  uint8_t state;              /* tc_cc_report_state */
} tc_cc_sent;

typedef struct {
  tc_cc_sent ring[TC_CC_HISTORY_SIZE];
  int64_t last_seq;           /* unwrapped newest seq; -1 before the first */
} tc_cc_history;

void tc_cc_history_init (tc_cc_history *h);

/* Records one sent packet. Seqs must come in sending order (each one a
 * small step after the previous, wrapping at 65536). */
void tc_cc_history_on_sent (tc_cc_history *h, uint16_t seq, size_t size,
    int64_t send_us);

/* Unwraps a 16-bit seq from feedback against the newest sent one. */
int64_t tc_cc_history_unwrap (const tc_cc_history *h, uint16_t seq);

/* The entry for unwrapped `seq`, or NULL when it was never sent or has
 * been overwritten since. The entry stays owned by the history. */
tc_cc_sent *tc_cc_history_find (tc_cc_history *h, int64_t seq);

#endif
