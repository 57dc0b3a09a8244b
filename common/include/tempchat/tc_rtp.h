/* tc_rtp.h - RTP packets (RFC 3550) with header extensions (RFC 8285).
 *
 * Pure functions: bytes in, struct out; no allocation, no clock, any thread.
 * A parsed packet borrows the caller's buffer: `payload` and extension data
 * point into it, so the buffer must outlive the struct.
 */
#ifndef TEMPCHAT_TC_RTP_H
#define TEMPCHAT_TC_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TC_RTP_HEADER_MIN 12
#define TC_RTP_MAX_CSRC 15
/* Extensions we keep per packet; more are skipped, not an error. */
#define TC_RTP_MAX_EXT 16

/* One RFC 8285 element. `data` points into the packet buffer. */
typedef struct {
  uint8_t id;       /* 1..14 (one-byte form) or 1..255 (two-byte form) */
  uint8_t len;      /* bytes of data (1..16 one-byte, 0..255 two-byte) */
  const uint8_t *data;
} tc_rtp_ext;

typedef struct {
  bool marker;
  uint8_t payload_type;   /* 0..127 */
  uint16_t seq;
  uint32_t timestamp;
  uint32_t ssrc;
  uint8_t csrc_count;
  uint32_t csrc[TC_RTP_MAX_CSRC];
  /* Header extensions, in wire order. `ext_profile` is 0xBEDE (one-byte),
   * 0x1000 (two-byte, low 4 bits = appbits) or 0 when there are none. */
  uint16_t ext_profile;
  uint8_t ext_count;
  tc_rtp_ext ext[TC_RTP_MAX_EXT];
  /* Payload without padding. */
  const uint8_t *payload;
  size_t payload_len;
  uint8_t padding_len;    /* padding bytes that followed the payload */
} tc_rtp_packet;

/* Parses an RTP packet. TC_ERR_PARSE for anything malformed (version != 2,
 * lengths past the end, bad padding, bad extension block). */
tc_status tc_rtp_parse (const uint8_t *buf, size_t len, tc_rtp_packet *out);

/* Writes `pkt` (header, extensions in the form given by ext_profile,
 * payload; no padding) into `buf`. Returns TC_OK and sets *written, or
 * TC_ERR_TOO_LARGE if `cap` is too small, TC_ERR_INVALID_ARG for values that
 * cannot be encoded (e.g. an id 15 in one-byte form). */
tc_status tc_rtp_write (const tc_rtp_packet *pkt, uint8_t *buf, size_t cap,
    size_t *written);

/* Finds extension `id`; NULL if absent. */
const tc_rtp_ext *tc_rtp_find_ext (const tc_rtp_packet *pkt, uint8_t id);

/* True when `buf` looks like RTCP rather than RTP on a muxed transport
 * (RFC 5761 section 4: second byte 192..223). */
bool tc_rtp_is_rtcp (const uint8_t *buf, size_t len);

/* Sequence number arithmetic (RFC 1982 serial numbers on 16 bits). */
static inline bool
tc_seq_newer (uint16_t a, uint16_t b)
{
  return a != b && (uint16_t) (a - b) < 0x8000;
}

/* Extends 16-bit sequence numbers to a monotonic 64-bit count. Start with
 * {0}; feed every received seq in arrival order. */
typedef struct {
  bool started;
  uint64_t highest; /* extended highest seq seen */
} tc_seq_unwrapper;

uint64_t tc_seq_unwrap (tc_seq_unwrapper *u, uint16_t seq);

#ifdef __cplusplus
}
#endif
#endif
