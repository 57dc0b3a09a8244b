/* bitreader.h - MSB-first bit reading for codec headers (VP9 uncompressed
 * header, H264 parameter sets, the AV1 sequence header and the dependency
 * descriptor).
 *
 * Reads never go past `len`: a read beyond the end sets `overrun` and yields
 * zeros, so a parser reads its fields and checks `overrun` once. With
 * `unescape` set, H264 emulation prevention bytes (the 03 in 00 00 03) are
 * skipped as the bits are read (H.264 section 7.4.1), so no copy is needed.
 * Header-only so each parser inlines it; any thread.
 */
#ifndef TEMPCHAT_RTP_BITREADER_H
#define TEMPCHAT_RTP_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *buf;
  size_t len;
  size_t pos;        /* byte being read */
  unsigned bit;      /* next bit in it, 0 = most significant */
  unsigned zeros;    /* zero bytes just passed (for unescaping) */
  bool unescape;
  bool overrun;
} tc_bitreader;

static inline void
tc_bits_init (tc_bitreader *br, const uint8_t *buf, size_t len, bool unescape)
{
  *br = (tc_bitreader) {.buf = buf, .len = len, .unescape = unescape};
}

/* Moves to the next byte, stepping over an emulation prevention byte. */
static inline void
tc_bits_next_byte_ (tc_bitreader *br)
{
  br->zeros = br->buf[br->pos] == 0 ? br->zeros + 1 : 0;
  br->pos++;
  br->bit = 0;
  if (br->unescape && br->zeros >= 2 && br->pos < br->len
      && br->buf[br->pos] == 0x03) {
    br->pos++;
    br->zeros = 0;
  }
}

static inline unsigned
tc_bits_read1 (tc_bitreader *br)
{
  if (br->pos >= br->len) {
    br->overrun = true;
    return 0;
  }
  unsigned v = (br->buf[br->pos] >> (7 - br->bit)) & 1u;
  if (++br->bit == 8)
    tc_bits_next_byte_ (br);
  return v;
}

/* Reads `n` (0..32) bits as an unsigned number. */
static inline uint32_t
tc_bits_read (tc_bitreader *br, unsigned n)
{
  uint32_t v = 0;
  for (unsigned i = 0; i < n; i++)
    v = (v << 1) | tc_bits_read1 (br);
  return v;
}

/* ue(v): Exp-Golomb code (H.264 section 9.1). More than 31 leading zeros
 * cannot fit 32 bits and counts as an overrun. */
static inline uint32_t
tc_bits_ue (tc_bitreader *br)
{
  unsigned zeros = 0;
  while (tc_bits_read1 (br) == 0) {
    if (br->overrun || ++zeros > 31) {
      br->overrun = true;
      return 0;
    }
  }
  return (uint32_t) ((1ull << zeros) - 1 + tc_bits_read (br, zeros));
}

/* ns(n) (AV1 section 4.10.7): a value in 0..n-1 in the fewest bits. */
static inline uint32_t
tc_bits_ns (tc_bitreader *br, uint32_t n)
{
  unsigned w = 0;
  for (uint32_t x = n; x != 0; x >>= 1)
    w++;
  if (w == 0)
    return 0;
  uint32_t m = (1u << w) - n;
  uint32_t v = tc_bits_read (br, w - 1);
  if (v < m)
    return v;
  return (v << 1) - m + tc_bits_read (br, 1);
}

/* se(v): signed Exp-Golomb (H.264 section 9.1.1). */
static inline int32_t
tc_bits_se (tc_bitreader *br)
{
  uint32_t k = tc_bits_ue (br);
  int64_t mag = ((int64_t) k + 1) / 2;
  return (int32_t) ((k & 1) ? mag : -mag);
}

#endif
