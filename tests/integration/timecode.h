/* timecode.h - a time written into a picture and read back from it, for
 * glass-to-glass measurements (bench/glass_to_glass.sh): 24 bits of a
 * millisecond clock as a row of 24 blocks across the top, white for 1,
 * black for 0, each 1/32 of the width wide and as tall (20 px at 640x360),
 * most significant bit first. Big flat blocks survive VP8 at any bitrate
 * and any scaling; bench/glass_to_glass.mjs draws and reads the same code
 * in the page. Pure (a luma plane in, a value out); header-only.
 */
#ifndef TC_TIMECODE_H
#define TC_TIMECODE_H

#include <stdint.h>
#include <string.h>

#define TC_TIMECODE_BITS 24
#define TC_TIMECODE_MASK ((1 << TC_TIMECODE_BITS) - 1)

static inline int
tc_timecode_block (int width)
{
  return width / 32 > 0 ? width / 32 : 1;
}

/* Writes `ms` (its low 24 bits) into the luma plane `y`. */
static inline void
tc_timecode_draw (uint8_t *y, int stride, int width, int height, int64_t ms)
{
  int b = tc_timecode_block (width);
  for (int row = 0; row < b && row < height; row++)
    for (int i = 0; i < TC_TIMECODE_BITS; i++) {
      int bit = (int) (ms >> (TC_TIMECODE_BITS - 1 - i)) & 1;
      memset (y + row * stride + i * b, bit ? 235 : 16, (size_t) b);
    }
}

/* The code in `y`, or -1 when the picture is too small. Each block is
 * read at its centre (a 3x3 mean, so compression noise averages out). */
static inline int64_t
tc_timecode_read (const uint8_t *y, int stride, int width, int height)
{
  int b = tc_timecode_block (width);
  if (b < 4 || height < b)
    return -1;
  int64_t code = 0;
  for (int i = 0; i < TC_TIMECODE_BITS; i++) {
    int cx = i * b + b / 2, cy = b / 2, sum = 0;
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++)
        sum += y[(cy + dy) * stride + cx + dx];
    code = code << 1 | (sum / 9 > 128);
  }
  return code;
}

/* How long ago (ms) the code `code` was written, at `now_ms`. */
static inline int64_t
tc_timecode_age_ms (int64_t code, int64_t now_ms)
{
  return (now_ms - code) & TC_TIMECODE_MASK;
}

#endif
