/* bits.h - reading and writing bit fields, most significant bit first.
 *
 * The AV1 sequence header and the dependency descriptor are bit-packed
 * (AV1 section 4.10 f(n), ns(n), uvlc()). Reads past the end return zero
 * bits and set `overrun`, so a parser checks once at the end instead of
 * after every field; writes past `cap` set `overflow` the same way.
 * Header-only, pure, any thread.
 */
#ifndef TEMPCHAT_RTP_BITS_H
#define TEMPCHAT_RTP_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *buf;
  size_t len;      /* bytes */
  size_t pos;      /* bits consumed */
  bool overrun;
} tc_bits;

static inline void
tc_bits_init (tc_bits *b, const uint8_t *buf, size_t len)
{
  b->buf = buf;
  b->len = len;
  b->pos = 0;
  b->overrun = false;
}

/* f(n), n <= 32. */
static inline uint32_t
tc_bits_read (tc_bits *b, unsigned n)
{
  uint32_t v = 0;
  for (unsigned i = 0; i < n; i++) {
    uint32_t bit = 0;
    if (b->pos < b->len * 8)
      bit = (b->buf[b->pos >> 3] >> (7 - (b->pos & 7))) & 1u;
    else
      b->overrun = true;
    b->pos++;
    v = (v << 1) | bit;
  }
  return v;
}

/* ns(n): a value in 0..n-1 in the fewest bits (AV1 section 4.10.7). */
static inline uint32_t
tc_bits_read_ns (tc_bits *b, uint32_t n)
{
  unsigned w = 0;
  for (uint32_t x = n; x != 0; x >>= 1)
    w++;
  if (w == 0)
    return 0;
  uint32_t m = (1u << w) - n;
  uint32_t v = tc_bits_read (b, w - 1);
  if (v < m)
    return v;
  return (v << 1) - m + tc_bits_read (b, 1);
}

/* uvlc() (AV1 section 4.10.3); 32 or more leading zeros give UINT32_MAX. */
static inline uint32_t
tc_bits_read_uvlc (tc_bits *b)
{
  unsigned zeros = 0;
  while (!b->overrun && tc_bits_read (b, 1) == 0)
    zeros++;
  if (zeros >= 32 || b->overrun)
    return UINT32_MAX;
  return tc_bits_read (b, zeros) + (uint32_t) ((1ull << zeros) - 1);
}

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

/* ns(n) written as tc_bits_read_ns reads it; `v` < n. */
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
