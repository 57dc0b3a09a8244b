/* rtp_packet.c - RTP fixed header (RFC 3550 section 5.1) and header
 * extensions (RFC 8285), parse and write.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  profile: 0xBEDE or 0x100X    |  length (32-bit words)        |  X=1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  elements: one-byte  ID(4) L(4) data[L+1]                     |
 * |            two-byte  ID(8) len(8) data[len]; 0x00 is padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  payload ...                  | padding ...   | pad count     |  P=1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Receive side is as lenient as libwebrtc where RFC 8285 allows it: a
 * one-byte element with ID 15 (reserved) or ID 0 with a non-zero length
 * ends extension processing; a block with another profile is skipped
 * (ext_profile stays 0). Anything that would read past the end is
 * TC_ERR_PARSE.
 */
#include "tempchat/tc_rtp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtp_wire.h"

#define ONE_BYTE_PROFILE 0xBEDEu
#define TWO_BYTE_PROFILE 0x1000u     /* low 4 bits: appbits */
#define TWO_BYTE_MASK 0xFFF0u
#define ONE_BYTE_MAX_ID 14
#define ONE_BYTE_MAX_LEN 16

static bool
is_two_byte (uint16_t profile)
{
  return (profile & TWO_BYTE_MASK) == TWO_BYTE_PROFILE;
}

static void
keep_ext (tc_rtp_packet *out, uint8_t id, uint8_t len, const uint8_t *data)
{
  if (out->ext_count >= TC_RTP_MAX_EXT)
    return;
  out->ext[out->ext_count++] = (tc_rtp_ext) {.id = id, .len = len,
      .data = data};
}

static tc_status
parse_one_byte (const uint8_t *p, size_t n, tc_rtp_packet *out)
{
  size_t i = 0;
  while (i < n) {
    uint8_t id = p[i] >> 4;
    uint8_t len = (uint8_t) ((p[i] & 0x0F) + 1);
    if (p[i] == 0) {            /* padding byte */
      i++;
      continue;
    }
    if (id == 0 || id == 15)    /* RFC 8285 4.2: stop processing */
      break;
    i++;
    if (len > n - i)
      return TC_ERR_PARSE;
    keep_ext (out, id, len, p + i);
    i += len;
  }
  return TC_OK;
}

static tc_status
parse_two_byte (const uint8_t *p, size_t n, tc_rtp_packet *out)
{
  size_t i = 0;
  while (i < n) {
    if (p[i] == 0) {            /* padding byte */
      i++;
      continue;
    }
    if (n - i < 2)
      return TC_ERR_PARSE;
    uint8_t id = p[i];
    uint8_t len = p[i + 1];
    i += 2;
    if (len > n - i)
      return TC_ERR_PARSE;
    keep_ext (out, id, len, p + i);
    i += len;
  }
  return TC_OK;
}

/* Parses the extension block at buf[*off]; advances *off past it. */
static tc_status
parse_ext_block (const uint8_t *buf, size_t len, size_t *off,
    tc_rtp_packet *out)
{
  if (len - *off < 4)
    return TC_ERR_PARSE;
  uint16_t profile = tc_rd16 (buf + *off);
  size_t words = tc_rd16 (buf + *off + 2);
  const uint8_t *data = buf + *off + 4;
  if (words * 4 > len - *off - 4)
    return TC_ERR_PARSE;
  *off += 4 + words * 4;

  if (profile == ONE_BYTE_PROFILE) {
    out->ext_profile = profile;
    return parse_one_byte (data, words * 4, out);
  }
  if (is_two_byte (profile)) {
    out->ext_profile = profile;
    return parse_two_byte (data, words * 4, out);
  }
  return TC_OK;                 /* RFC 3550 extension we do not know */
}

tc_status
tc_rtp_parse (const uint8_t *buf, size_t len, tc_rtp_packet *out)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || len == 0, TC_ERR_INVALID_ARG);

  memset (out, 0, sizeof *out);
  if (len < TC_RTP_HEADER_MIN || (buf[0] >> 6) != 2)
    return TC_ERR_PARSE;

  bool has_padding = (buf[0] & 0x20) != 0;
  bool has_ext = (buf[0] & 0x10) != 0;
  out->csrc_count = buf[0] & 0x0F;
  out->marker = (buf[1] & 0x80) != 0;
  out->payload_type = buf[1] & 0x7F;
  out->seq = tc_rd16 (buf + 2);
  out->timestamp = tc_rd32 (buf + 4);
  out->ssrc = tc_rd32 (buf + 8);

  size_t off = TC_RTP_HEADER_MIN;
  if ((size_t) out->csrc_count * 4 > len - off)
    return TC_ERR_PARSE;
  for (unsigned i = 0; i < out->csrc_count; i++, off += 4)
    out->csrc[i] = tc_rd32 (buf + off);

  if (has_ext) {
    tc_status st = parse_ext_block (buf, len, &off, out);
    if (st != TC_OK)
      return st;
  }

  size_t end = len;
  if (has_padding) {
    uint8_t pad = buf[len - 1];
    if (pad == 0 || pad > len - off)
      return TC_ERR_PARSE;
    out->padding_len = pad;
    end -= pad;
  }
  out->payload = buf + off;
  out->payload_len = end - off;
  return TC_OK;
}

/* Bytes the extension block takes on the wire (0 without one), or an
 * error for elements the chosen form cannot carry. */
static tc_status
ext_block_size (const tc_rtp_packet *pkt, size_t *size)
{
  *size = 0;
  if (pkt->ext_count > TC_RTP_MAX_EXT)
    return TC_ERR_INVALID_ARG;
  if (pkt->ext_profile == 0)
    return pkt->ext_count == 0 ? TC_OK : TC_ERR_INVALID_ARG;

  bool two = is_two_byte (pkt->ext_profile);
  if (!two && pkt->ext_profile != ONE_BYTE_PROFILE)
    return TC_ERR_INVALID_ARG;

  size_t n = 0;
  for (unsigned i = 0; i < pkt->ext_count; i++) {
    const tc_rtp_ext *e = &pkt->ext[i];
    if (e->id == 0 || (e->len > 0 && e->data == NULL))
      return TC_ERR_INVALID_ARG;
    if (!two && (e->id > ONE_BYTE_MAX_ID || e->len < 1
            || e->len > ONE_BYTE_MAX_LEN))
      return TC_ERR_INVALID_ARG;
    n += (two ? 2u : 1u) + e->len;
  }
  *size = 4 + tc_pad4 (n);
  return TC_OK;
}

static void
write_ext_block (const tc_rtp_packet *pkt, uint8_t *p, size_t size)
{
  bool two = is_two_byte (pkt->ext_profile);
  size_t i = 4;

  tc_wr16 (p, pkt->ext_profile);
  tc_wr16 (p + 2, (uint16_t) ((size - 4) / 4));
  for (unsigned k = 0; k < pkt->ext_count; k++) {
    const tc_rtp_ext *e = &pkt->ext[k];
    if (two) {
      p[i++] = e->id;
      p[i++] = e->len;
    } else {
      p[i++] = (uint8_t) ((e->id << 4) | (e->len - 1));
    }
    if (e->len > 0)
      memmove (p + i, e->data, e->len);
    i += e->len;
  }
  memset (p + i, 0, size - i);  /* padding to the word boundary */
}

static void
write_header (const tc_rtp_packet *pkt, uint8_t *buf, size_t ext_size)
{
  buf[0] = (uint8_t) (0x80 | (ext_size ? 0x10 : 0) | pkt->csrc_count);
  buf[1] = (uint8_t) ((pkt->marker ? 0x80 : 0) | pkt->payload_type);
  tc_wr16 (buf + 2, pkt->seq);
  tc_wr32 (buf + 4, pkt->timestamp);
  tc_wr32 (buf + 8, pkt->ssrc);
  for (unsigned i = 0; i < pkt->csrc_count; i++)
    tc_wr32 (buf + TC_RTP_HEADER_MIN + 4 * i, pkt->csrc[i]);
  if (ext_size)
    write_ext_block (pkt, buf + TC_RTP_HEADER_MIN + 4u * pkt->csrc_count,
        ext_size);
}

tc_status
tc_rtp_write (const tc_rtp_packet *pkt, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (pkt != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (pkt->payload_type > 127 || pkt->csrc_count > TC_RTP_MAX_CSRC
      || (pkt->payload_len > 0 && pkt->payload == NULL))
    return TC_ERR_INVALID_ARG;
  size_t ext_size;
  tc_status st = ext_block_size (pkt, &ext_size);
  if (st != TC_OK)
    return st;

  size_t hdr = TC_RTP_HEADER_MIN + 4u * pkt->csrc_count + ext_size;
  if (pkt->payload_len > cap || hdr > cap - pkt->payload_len)
    return TC_ERR_TOO_LARGE;

  /* The payload may already sit in `buf`. Below the new header it must
   * move out of the way first; elsewhere (a packet parsed from `buf` and
   * rewritten in place) the header goes first, because the extension data
   * it copies may lie where the payload is going. */
  uintptr_t pay = (uintptr_t) pkt->payload, start = (uintptr_t) buf;
  bool payload_first = pay >= start && pay < start + hdr;
  if (payload_first && pkt->payload_len > 0)
    memmove (buf + hdr, pkt->payload, pkt->payload_len);
  write_header (pkt, buf, ext_size);
  if (!payload_first && pkt->payload_len > 0)
    memmove (buf + hdr, pkt->payload, pkt->payload_len);

  *written = hdr + pkt->payload_len;
  return TC_OK;
}

const tc_rtp_ext *
tc_rtp_find_ext (const tc_rtp_packet *pkt, uint8_t id)
{
  g_return_val_if_fail (pkt != NULL, NULL);

  for (unsigned i = 0; i < pkt->ext_count && i < TC_RTP_MAX_EXT; i++) {
    if (pkt->ext[i].id == id)
      return &pkt->ext[i];
  }
  return NULL;
}

/* RFC 5761 section 4: with the marker bit, RTP payload types 64..95 would
 * collide with RTCP packet types 192..223, so that range means RTCP. The
 * version check leaves out STUN, DTLS and garbage (RFC 7983). */
bool
tc_rtp_is_rtcp (const uint8_t *buf, size_t len)
{
  if (buf == NULL || len < 2 || (buf[0] >> 6) != 2)
    return false;
  return buf[1] >= 192 && buf[1] <= 223;
}

/* The first seq maps to itself (cycle 0, as in RFC 3550 A.1). Later ones
 * map to the nearest extended value: within 32767 ahead of `highest` is
 * newer, otherwise older. A straggler from before the first packet that
 * would extend below zero returns 0, which still sorts before the stream's
 * start; `highest` only ever grows. */
uint64_t
tc_seq_unwrap (tc_seq_unwrapper *u, uint16_t seq)
{
  g_return_val_if_fail (u != NULL, 0);

  if (!u->started) {
    u->started = true;
    u->highest = seq;
    return seq;
  }
  int32_t delta = (uint16_t) (seq - (uint16_t) u->highest);
  if (delta >= 0x8000)
    delta -= 0x10000;
  if (delta < 0 && (uint64_t) -delta > u->highest)
    return 0;
  uint64_t ext = u->highest + (uint64_t) (int64_t) delta;
  if (ext > u->highest)
    u->highest = ext;
  return ext;
}
