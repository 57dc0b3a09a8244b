/* pay_split.c - nearly equal RTP payload sizes (see pay_split.h).
 *
 * With n = the fewest packets, packet 0 gets min(room_first, ceil(len / n))
 * and the rest is shared evenly by the others. That never overfills one:
 * n - 1 >= (len - room_first) / room, so the rest fits, and len >= n, so
 * every packet gets a byte.
 */
#include "rtp/pay_split.h"

bool
tc_pay_split_plan (size_t len, size_t room_first, size_t room,
    tc_pay_split *out)
{
  if (out == NULL || len == 0 || room_first == 0 || room_first > room)
    return false;
  *out = (tc_pay_split) {.count = 1, .first = len};
  if (len <= room_first)
    return true;
  size_t rest = len - room_first;
  size_t n = 1 + rest / room + (rest % room != 0);
  size_t even = len / n + (len % n != 0);
  out->count = n;
  out->first = even < room_first ? even : room_first;
  out->base = (len - out->first) / (n - 1);
  out->bigger = (len - out->first) % (n - 1);
  return true;
}

size_t
tc_pay_split_chunk (const tc_pay_split *s, size_t i)
{
  if (i == 0)
    return s->first;
  return s->base + (i - 1 < s->bigger ? 1 : 0);
}
