/* rtcp_pli.c - picture loss indication (RFC 4585 6.3.1), PSFB FMT=1.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=206      |          length=2             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * No FCI. Extra bytes are ignored, as libwebrtc does.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>

#include "rtp/rtcp_internal.h"

tc_status
tc_rtcp_parse_pli_body (const uint8_t *body, size_t len, tc_rtcp_pli *out)
{
  if (len < TC_RTCP_FB_COMMON_LEN)
    return TC_ERR_PARSE;
  out->sender_ssrc = tc_rd32 (body);
  out->media_ssrc = tc_rd32 (body + 4);
  return TC_OK;
}

tc_status
tc_rtcp_write_pli (uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t *buf,
    size_t cap, size_t *written)
{
  g_return_val_if_fail (written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  size_t total = TC_RTCP_HEADER_LEN + TC_RTCP_FB_COMMON_LEN;
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;
  tc_rtcp_put_header (buf, TC_RTCP_FMT_PLI, TC_RTCP_PT_PSFB, total);
  tc_wr32 (buf + 4, sender_ssrc);
  tc_wr32 (buf + 8, media_ssrc);
  *written = total;
  return TC_OK;
}
