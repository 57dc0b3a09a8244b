/* send_history.c - the last TC_CC_HISTORY_SIZE packets sent, by
 * transport-wide seq. A slot is seq modulo the ring size; the unwrapped seq
 * stored in it tells a live entry from one overwritten by a newer packet.
 */
#include "cc/send_history.h"

#include <string.h>

#define RING_MASK (TC_CC_HISTORY_SIZE - 1)

void
tc_cc_history_init (tc_cc_history *h)
{
  for (size_t i = 0; i < TC_CC_HISTORY_SIZE; i++)
    h->ring[i] = (tc_cc_sent) { .seq = -1 };
  h->last_seq = -1;
}

int64_t
tc_cc_history_unwrap (const tc_cc_history *h, uint16_t seq)
{
  if (h->last_seq < 0)
    return seq;
  /* The signed 16-bit distance from the newest: feedback is about the past,
   * and a seq 32768 away cannot be told apart anyway. */
  int16_t d = (int16_t) (uint16_t) (seq - (uint16_t) h->last_seq);
  return h->last_seq + d;
}

void
tc_cc_history_on_sent (tc_cc_history *h, uint16_t seq, size_t size,
    int64_t send_us)
{
  /* Offset by 2^16 so that unwrapped seqs stay positive around wraps. */
  int64_t u = h->last_seq < 0 ? 65536 + seq : tc_cc_history_unwrap (h, seq);
  if (u < 0)
    return;
  h->ring[u & RING_MASK] = (tc_cc_sent) { .seq = u, .send_us = send_us,
    .size = (uint32_t) (size > UINT32_MAX ? UINT32_MAX : size) };
  if (u > h->last_seq)
    h->last_seq = u;
}

tc_cc_sent *
tc_cc_history_find (tc_cc_history *h, int64_t seq)
{
  if (seq < 0)
    return NULL;
  tc_cc_sent *e = &h->ring[seq & RING_MASK];
  return e->seq == seq ? e : NULL;
}
