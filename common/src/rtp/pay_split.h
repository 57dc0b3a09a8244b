/* pay_split.h - cutting a run of bytes into nearly equal RTP payloads.
 *
 * Used by the payload formats that fragment (VP9, H264 FU-A). The first
 * packet may have less room than the others (VP9 carries its scalability
 * structure there); every packet gets at least one byte and no packet more
 * than its room. Pure arithmetic, any thread.
 */
#ifndef TEMPCHAT_RTP_PAY_SPLIT_H
#define TEMPCHAT_RTP_PAY_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  size_t count;   /* packets, >= 1 */
  size_t first;   /* bytes in packet 0 */
  size_t base;    /* bytes in each later packet ... */
  size_t bigger;  /* ... the first `bigger` of which carry one more */
} tc_pay_split;

/* Plans `len` (> 0) bytes into the fewest packets, packet 0 holding at most
 * `room_first` bytes and the others at most `room` (room_first <= room, both
 * > 0). False for arguments outside that. */
bool tc_pay_split_plan (size_t len, size_t room_first, size_t room,
    tc_pay_split *out);

/* Bytes of packet `i` (< count) of plan `s`. */
size_t tc_pay_split_chunk (const tc_pay_split *s, size_t i);

#endif
