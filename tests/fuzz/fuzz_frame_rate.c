/* fuzz_frame_rate.c - arbitrary RTP timestamps through the frame rate
 * estimate and the probe.
 *
 * The first four bytes are the clock rate, the rest little-endian 32-bit
 * timestamps. Checks beyond "no crash": a rate is only written with TC_OK,
 * and is never zero.
 */
#include <stdlib.h>
#include <string.h>

#include "tempchat/tc_frame_rate.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static uint32_t
le32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
      | (uint32_t) p[3] << 24;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint32_t ts[64];
  size_t n = 0;
  unsigned num = 0, den = 0;
  tc_frame_rate_probe p;

  if (size < 4)
    return 0;
  uint32_t clock = le32 (data);
  for (size_t i = 4; i + 4 <= size && n < 64; i += 4)
    ts[n++] = le32 (data + i);
  tc_status st = tc_frame_rate_estimate (ts, n, clock, &num, &den);
  if (st == TC_OK && (num == 0 || den == 0))
    abort ();
  if (st != TC_OK && (num != 0 || den != 0))
    abort ();
  tc_frame_rate_probe_reset (&p);
  for (size_t i = 0; i < n; i++)
    if (tc_frame_rate_probe_add (&p, ts[i], clock, &num, &den)
        && (num == 0 || den == 0))
      abort ();
  return 0;
}
