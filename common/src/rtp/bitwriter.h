/* bitwriter.h - MSB-first bit writing, the counterpart of bitreader.h
 * (the dependency descriptor is written as bit fields: AV1 f(n), ns(n)).
 *
 * Writes past `cap` set `overflow` and stop, so a writer checks once at the
 * end. Header-only, pure, any thread.
 */
#ifndef TEMPCHAT_RTP_BITWRITER_H
#define TEMPCHAT_RTP_BITWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint8_t *buf;
  size_t cap;      /* bytes */
  size_t pos;      /* bits written */
  bool overflow;
} tc_bitw;

static inline void
tc_bitw_init (tc_bitw *w, uint8_t *buf, size_t cap)
{
  w->buf = buf;
  w->cap = cap;
  w->pos = 0;
  w->overflow = false;
}

/* Writes the low `n` bits of `v` (n <= 32). */
static inline void
tc_bitw_put (tc_bitw *w, uint32_t v, unsigned n)
{
  for (unsigned i = n; i-- > 0;) {
    if (w->pos >= w->cap * 8) {
      w->overflow = true;
      return;
    }
    uint8_t mask = (uint8_t) (0x80u >> (w->pos & 7));
    if ((v >> i) & 1u)
      w->buf[w->pos >> 3] |= mask;
    else
      w->buf[w->pos >> 3] &= (uint8_t) ~mask;
    w->pos++;
  }
}

/* ns(n) written as tc_bits_ns reads it; `v` < n. */
static inline void
tc_bitw_put_ns (tc_bitw *w, uint32_t v, uint32_t n)
{
  unsigned bits = 0;
  for (uint32_t x = n; x != 0; x >>= 1)
    bits++;
  if (bits == 0)
    return;
  uint32_t m = (1u << bits) - n;
  if (v < m) {
    tc_bitw_put (w, v, bits - 1);
  } else {
    uint32_t t = v + m;   /* (t >> 1) is the first w-1 bits, then t & 1 */
    tc_bitw_put (w, t >> 1, bits - 1);
    tc_bitw_put (w, t & 1u, 1);
  }
}

/* Bytes holding everything written, the last one zero-padded. */
static inline size_t
tc_bitw_bytes (const tc_bitw *w)
{
  return (w->pos + 7) / 8;
}

#endif
