/* seq.c - extends 16-bit RTP sequence numbers (tc_seq_unwrap in tc_rtp.h).
 *
 * Kept in its own file so that whichever branch lands first keeps its copy
 * and the other drops this one without touching anything else.
 *
 * Each seq is placed at the extended value nearest to the highest seen so
 * far (within -32768..+32767). The first seq extends to itself; a reordered
 * seq from before it would be negative and wraps modulo 2^64, so compare
 * extended values by signed difference, (int64_t) (a - b).
 */
#include "tempchat/tc_rtp.h"

uint64_t
tc_seq_unwrap (tc_seq_unwrapper *u, uint16_t seq)
{
  if (!u->started) {
    u->started = true;
    u->highest = seq;
    return seq;
  }
  int16_t delta = (int16_t) (uint16_t) (seq - (uint16_t) u->highest);
  uint64_t ext = u->highest + (uint64_t) (int64_t) delta;
  if (delta > 0)
    u->highest = ext;
  return ext;
}
