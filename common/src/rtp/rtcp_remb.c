/* rtcp_remb.c - receiver estimated maximum bitrate
 * (draft-alvestrand-rmcat-remb-03), PSFB FMT=15 (application layer FB).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |  x Num
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Bitrate = mantissa * 2^exp bits per second.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

#define REMB_ID "REMB"
#define REMB_FIXED_LEN (TC_RTCP_FB_COMMON_LEN + 8)
#define MANTISSA_MAX 0x3FFFFu
#define REMB_MAX_SSRCS 255

tc_status
tc_rtcp_parse_remb_body (const uint8_t *body, size_t len, tc_rtcp_remb *out)
{
  if (len < TC_RTCP_FB_COMMON_LEN + 4
      || memcmp (body + TC_RTCP_FB_COMMON_LEN, REMB_ID, 4) != 0)
    return TC_ERR_UNSUPPORTED;
  if (len < REMB_FIXED_LEN)
    return TC_ERR_PARSE;
  uint8_t num = body[12];
  unsigned exp = body[13] >> 2;
  uint64_t mantissa = tc_rd24 (body + 13) & MANTISSA_MAX;
  if ((size_t) num * 4 > len - REMB_FIXED_LEN)
    return TC_ERR_PARSE;
  if (((mantissa << exp) >> exp) != mantissa)
    return TC_ERR_PARSE;        /* does not fit 64 bits */
  out->sender_ssrc = tc_rd32 (body);
  out->media_ssrc = tc_rd32 (body + 4);
  out->bitrate_bps = mantissa << exp;
  out->ssrc_count = num;
  out->ssrcs = body + REMB_FIXED_LEN;
  return TC_OK;
}

uint32_t
tc_rtcp_remb_ssrc_at (const tc_rtcp_remb *remb, size_t i)
{
  g_return_val_if_fail (remb != NULL && i < remb->ssrc_count, 0);
  return tc_rd32 (remb->ssrcs + 4 * i);
}

tc_status
tc_rtcp_write_remb (uint32_t sender_ssrc, uint64_t bitrate_bps,
    const uint32_t *ssrcs, size_t n, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (ssrcs != NULL || n == 0, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (n == 0 || n > REMB_MAX_SSRCS)
    return TC_ERR_INVALID_ARG;
  size_t total = TC_RTCP_HEADER_LEN + REMB_FIXED_LEN + n * 4;
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  unsigned exp = 0;
  while ((bitrate_bps >> exp) > MANTISSA_MAX)
    exp++;
  uint32_t mantissa = (uint32_t) (bitrate_bps >> exp);

  tc_rtcp_put_header (buf, TC_RTCP_FMT_AFB, TC_RTCP_PT_PSFB, total);
  tc_wr32 (buf + 4, sender_ssrc);
  tc_wr32 (buf + 8, 0);
  memcpy (buf + 12, REMB_ID, 4);
  buf[16] = (uint8_t) n;
  tc_wr24 (buf + 17, ((uint32_t) exp << 18) | mantissa);
  for (size_t i = 0; i < n; i++)
    tc_wr32 (buf + 20 + 4 * i, ssrcs[i]);
  *written = total;
  return TC_OK;
}
