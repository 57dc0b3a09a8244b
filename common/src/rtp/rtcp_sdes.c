/* rtcp_sdes.c - source description (RFC 3550 6.5); CNAME is all WebRTC
 * needs.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  1
 * |    CNAME=1    |     length    | user and domain name        ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... other items (type, length, text) ...  | END=0 | 0 to pad  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * Each chunk's item list ends with a null octet, then null octets up to
 * the next 32-bit boundary. Exactly SC chunks must fill the body.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

#define SDES_END 0
#define SDES_CNAME 1

/* Parses the chunk at body[*pos]; leaves *pos at the next chunk. */
static tc_status
parse_chunk (const uint8_t *body, size_t len, size_t *pos,
    tc_rtcp_sdes_chunk *chunk)
{
  size_t i = *pos;
  if (len - i < 4)
    return TC_ERR_PARSE;
  chunk->ssrc = tc_rd32 (body + i);
  i += 4;
  for (;;) {
    if (i >= len)
      return TC_ERR_PARSE;      /* no END item */
    uint8_t type = body[i];
    if (type == SDES_END)
      break;
    if (len - i < 2 || body[i + 1] > len - i - 2)
      return TC_ERR_PARSE;
    uint8_t item_len = body[i + 1];
    if (type == SDES_CNAME && chunk->cname == NULL) {
      chunk->cname = body + i + 2;
      chunk->cname_len = item_len;
    }
    i += 2u + item_len;
  }
  i = tc_pad4 (i + 1);          /* the END octet, then pad to a word */
  if (i > len)
    return TC_ERR_PARSE;
  *pos = i;
  return TC_OK;
}

tc_status
tc_rtcp_parse_sdes_body (const uint8_t *body, size_t len, uint8_t count,
    tc_rtcp_sdes *out)
{
  size_t pos = 0;
  if (count > TC_RTCP_MAX_SDES_CHUNKS)
    return TC_ERR_PARSE;
  for (unsigned c = 0; c < count; c++) {
    tc_status st = parse_chunk (body, len, &pos, &out->chunks[c]);
    if (st != TC_OK)
      return st;
  }
  out->chunk_count = count;
  /* SC inconsistent with the length: bytes that belong to no chunk. */
  return pos == len ? TC_OK : TC_ERR_PARSE;
}

static size_t
chunk_size (const tc_rtcp_sdes_chunk *c)
{
  size_t items = c->cname != NULL ? 2u + c->cname_len : 0;
  return tc_pad4 (4 + items + 1);
}

tc_status
tc_rtcp_write_sdes (const tc_rtcp_sdes *sdes, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (sdes != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (sdes->chunk_count > TC_RTCP_MAX_SDES_CHUNKS)
    return TC_ERR_INVALID_ARG;
  size_t total = TC_RTCP_HEADER_LEN;
  for (unsigned c = 0; c < sdes->chunk_count; c++) {
    const tc_rtcp_sdes_chunk *ch = &sdes->chunks[c];
    if (ch->cname == NULL && ch->cname_len > 0)
      return TC_ERR_INVALID_ARG;
    total += chunk_size (ch);
  }
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  tc_rtcp_put_header (buf, sdes->chunk_count, TC_RTCP_PT_SDES, total);
  size_t pos = TC_RTCP_HEADER_LEN;
  for (unsigned c = 0; c < sdes->chunk_count; c++) {
    const tc_rtcp_sdes_chunk *ch = &sdes->chunks[c];
    size_t size = chunk_size (ch);
    memset (buf + pos, 0, size);        /* END item and padding */
    tc_wr32 (buf + pos, ch->ssrc);
    if (ch->cname != NULL) {
      buf[pos + 4] = SDES_CNAME;
      buf[pos + 5] = ch->cname_len;
      memcpy (buf + pos + 6, ch->cname, ch->cname_len);
    }
    pos += size;
  }
  *written = total;
  return TC_OK;
}

tc_status
tc_rtcp_write_sdes_cname (uint32_t ssrc, const char *cname, uint8_t *buf,
    size_t cap, size_t *written)
{
  g_return_val_if_fail (cname != NULL && written != NULL, TC_ERR_INVALID_ARG);

  *written = 0;
  size_t n = strlen (cname);
  if (n == 0 || n > 255)
    return TC_ERR_INVALID_ARG;
  tc_rtcp_sdes sdes = {.chunk_count = 1};
  sdes.chunks[0] = (tc_rtcp_sdes_chunk) {.ssrc = ssrc,
      .cname = (const uint8_t *) cname, .cname_len = (uint8_t) n};
  return tc_rtcp_write_sdes (&sdes, buf, cap, written);
}
