/* fuzz_packets.h - splits a fuzz input into pseudo RTP packets.
 *
 * Input: a sequence of records, each a 3-byte header and a payload:
 *
 *   byte 0   seq step, signed (int8): next seq = previous seq + step
 *            (0 repeats a seq; negative steps reorder)
 *   byte 1   bit 0: marker; bit 1: new frame, timestamp += 3000;
 *            bits 2..7: clock advance in milliseconds (0..63)
 *   byte 2   payload length (0..255), cut short at the end of the input
 *   ...      payload bytes
 *
 * The first seq is 65500 so the 16-bit wrap comes early. The clock starts at
 * 0 and only moves forward.
 */
#ifndef TEMPCHAT_FUZZ_PACKETS_H
#define TEMPCHAT_FUZZ_PACKETS_H

#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_rtp.h"

typedef struct {
  const uint8_t *data;
  size_t len;
  size_t pos;
  uint16_t seq;
  uint32_t ts;
  int64_t now_us;
} fuzz_packets;

static inline void
fuzz_packets_init (fuzz_packets *fp, const uint8_t *data, size_t len)
{
  fp->data = data;
  fp->len = len;
  fp->pos = 0;
  fp->seq = 65500;
  fp->ts = 0;
  fp->now_us = 0;
}

/* Fills `pkt` (payload pointing into the input) and returns 1, or 0 at the
 * end of the input. */
static inline int
fuzz_packets_next (fuzz_packets *fp, tc_rtp_packet *pkt)
{
  if (fp->len - fp->pos < 3)
    return 0;
  const uint8_t *h = fp->data + fp->pos;
  fp->pos += 3;
  size_t n = h[2];
  if (n > fp->len - fp->pos)
    n = fp->len - fp->pos;

  fp->seq = (uint16_t) (fp->seq + (int8_t) h[0]);
  if (h[1] & 0x02)
    fp->ts += 3000;
  fp->now_us += (int64_t) (h[1] >> 2) * 1000;

  *pkt = (tc_rtp_packet) {
    .marker = (h[1] & 0x01) != 0,
    .payload_type = 96,
    .seq = fp->seq,
    .timestamp = fp->ts,
    .ssrc = 0x01020304,
    .payload = n ? fp->data + fp->pos : NULL,
    .payload_len = n,
  };
  fp->pos += n;
  return 1;
}

#endif
