/* fuzz_relay_wsmeter.c - the frame header meter on arbitrary bytes, fed in
 * pieces whose sizes the input chooses. Beyond "no crash": a verdict is
 * final, and what is accepted never exceeds what was fed. */
#include <stdint.h>
#include <stdlib.h>

#include "relay_wsmeter.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  relay_wsmeter m;
  relay_wsmeter_init (&m, 1 + (data[0] << 8));
  /* The first byte also says after how many bytes the upgrade happens. */
  size_t http = data[1] % 64;
  bool broken = false;
  size_t pos = 2;
  while (pos < size) {
    size_t n = 1 + data[pos] % 32;
    pos++;
    if (n > size - pos)
      n = size - pos;
    if (pos >= 2 + http && !m.frames)
      relay_wsmeter_begin_frames (&m);
    relay_meter_result r = relay_wsmeter_feed (&m, data + pos, n);
    if (r.accepted > n || (broken && r.accepted != 0))
      abort ();
    if (r.verdict != RELAY_METER_OK)
      broken = true;
    pos += n;
  }
  return 0;
}
