/* rtcp_parse.c - walks a compound (or reduced-size) RTCP packet and hands
 * each packet's body to the parser of its type.
 *
 * Common header (RFC 3550 6.4.1, RFC 4585 6.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |   length (32-bit words - 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * With P set, the packet's last byte counts the padding bytes, itself
 * included. Like libwebrtc we accept padding on any packet of a compound,
 * not only the last (RFC 3550 is stricter); a count of 0 or one running
 * past the body is malformed.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

static tc_status
parse_rtpfb (tc_rtcp_item *it)
{
  switch (it->count) {
    case TC_RTCP_FMT_NACK:
      it->kind = TC_RTCP_NACK;
      return tc_rtcp_parse_nack_body (it->body, it->body_len, &it->u.nack);
    case TC_RTCP_FMT_TWCC:
      it->kind = TC_RTCP_TWCC;
      return tc_rtcp_parse_twcc_body (it->body, it->body_len, &it->u.twcc);
    default:
      return TC_OK;
  }
}

static tc_status
parse_psfb (tc_rtcp_item *it)
{
  switch (it->count) {
    case TC_RTCP_FMT_PLI:
      it->kind = TC_RTCP_PLI;
      return tc_rtcp_parse_pli_body (it->body, it->body_len, &it->u.pli);
    case TC_RTCP_FMT_FIR:
      it->kind = TC_RTCP_FIR;
      return tc_rtcp_parse_fir_body (it->body, it->body_len, &it->u.fir);
    case TC_RTCP_FMT_AFB: {
      tc_status st = tc_rtcp_parse_remb_body (it->body, it->body_len,
          &it->u.remb);
      if (st == TC_ERR_UNSUPPORTED) {
        memset (&it->u, 0, sizeof it->u);
        return TC_OK;           /* some other AFB: stays unknown */
      }
      it->kind = TC_RTCP_REMB;
      return st;
    }
    default:
      return TC_OK;
  }
}

static tc_status
parse_body (tc_rtcp_item *it)
{
  switch (it->pt) {
    case TC_RTCP_PT_SR:
      it->kind = TC_RTCP_SR;
      return tc_rtcp_parse_sr_body (it->body, it->body_len, it->count,
          &it->u.sr);
    case TC_RTCP_PT_RR:
      it->kind = TC_RTCP_RR;
      return tc_rtcp_parse_rr_body (it->body, it->body_len, it->count,
          &it->u.rr);
    case TC_RTCP_PT_SDES:
      it->kind = TC_RTCP_SDES;
      return tc_rtcp_parse_sdes_body (it->body, it->body_len, it->count,
          &it->u.sdes);
    case TC_RTCP_PT_BYE:
      it->kind = TC_RTCP_BYE;
      return tc_rtcp_parse_bye_body (it->body, it->body_len, it->count,
          &it->u.bye);
    case TC_RTCP_PT_RTPFB:
      return parse_rtpfb (it);
    case TC_RTCP_PT_PSFB:
      return parse_psfb (it);
    default:
      return TC_OK;             /* APP, XR and anything newer */
  }
}

/* Parses the packet at p[0..avail); sets *size to the bytes it takes. */
static tc_status
parse_packet (const uint8_t *p, size_t avail, tc_rtcp_item *it, size_t *size)
{
  if (avail < TC_RTCP_HEADER_LEN || (p[0] >> 6) != 2)
    return TC_ERR_PARSE;
  size_t total = ((size_t) tc_rd16 (p + 2) + 1) * 4;
  if (total > avail)
    return TC_ERR_PARSE;
  size_t body_len = total - TC_RTCP_HEADER_LEN;
  if (p[0] & 0x20) {
    uint8_t pad = p[total - 1];
    if (body_len == 0 || pad == 0 || pad > body_len)
      return TC_ERR_PARSE;
    body_len -= pad;
  }

  memset (it, 0, sizeof *it);
  it->kind = TC_RTCP_UNKNOWN;
  it->count = p[0] & 0x1F;
  it->pt = p[1];
  it->body = p + TC_RTCP_HEADER_LEN;
  it->body_len = body_len;
  *size = total;
  return parse_body (it);
}

tc_status
tc_rtcp_parse (const uint8_t *buf, size_t len, tc_rtcp_item *items,
    size_t cap, size_t *count)
{
  g_return_val_if_fail (count != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (items != NULL || cap == 0, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || len == 0, TC_ERR_INVALID_ARG);

  *count = 0;
  if (len == 0)
    return TC_ERR_PARSE;

  size_t off = 0, stored = 0;
  while (off < len) {
    tc_rtcp_item scratch;
    tc_rtcp_item *it = stored < cap ? &items[stored] : &scratch;
    size_t size;
    tc_status st = parse_packet (buf + off, len - off, it, &size);
    if (st != TC_OK)
      return st;
    off += size;
    if (stored < cap)
      stored++;
  }
  *count = stored;
  return TC_OK;
}
