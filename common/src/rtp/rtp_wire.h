/* rtp_wire.h - big-endian byte reads and writes for the rtp/ parsers.
 *
 * Private to common/src/rtp. Callers check lengths first; these helpers
 * only move bytes. Explicit shifts, no casts of the buffer to wider types,
 * so alignment and host byte order never matter.
 */
#ifndef TEMPCHAT_RTP_WIRE_H
#define TEMPCHAT_RTP_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t
tc_rd16 (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
tc_rd24 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 16) | ((uint32_t) p[1] << 8) | p[2];
}

static inline uint32_t
tc_rd32 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
      | ((uint32_t) p[2] << 8) | p[3];
}

static inline void
tc_wr16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t) (v >> 8);
  p[1] = (uint8_t) v;
}

static inline void
tc_wr24 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) (v >> 16);
  p[1] = (uint8_t) (v >> 8);
  p[2] = (uint8_t) v;
}

static inline void
tc_wr32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) (v >> 24);
  p[1] = (uint8_t) (v >> 16);
  p[2] = (uint8_t) (v >> 8);
  p[3] = (uint8_t) v;
}

/* Rounds n up to a multiple of 4 (RTP extension blocks, RTCP packets). */
static inline size_t
tc_pad4 (size_t n)
{
  return (n + 3) & ~(size_t) 3;
}

#endif
