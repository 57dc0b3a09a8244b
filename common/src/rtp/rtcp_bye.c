/* rtcp_bye.c - goodbye (RFC 3550 6.6).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

tc_status
tc_rtcp_parse_bye_body (const uint8_t *body, size_t len, uint8_t count,
    tc_rtcp_bye *out)
{
  size_t list = (size_t) count * 4;
  if (count > TC_RTCP_MAX_BYE_SSRCS || list > len)
    return TC_ERR_PARSE;
  for (unsigned i = 0; i < count; i++)
    out->ssrcs[i] = tc_rd32 (body + 4 * i);
  out->ssrc_count = count;
  if (len > list) {
    uint8_t n = body[list];
    if (n > len - list - 1)
      return TC_ERR_PARSE;
    if (n > 0) {
      out->reason = body + list + 1;
      out->reason_len = n;
    }
  }
  return TC_OK;
}

tc_status
tc_rtcp_write_bye (const tc_rtcp_bye *bye, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (bye != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (bye->ssrc_count > TC_RTCP_MAX_BYE_SSRCS
      || (bye->reason == NULL && bye->reason_len > 0))
    return TC_ERR_INVALID_ARG;
  size_t list = (size_t) bye->ssrc_count * 4;
  size_t reason = bye->reason_len > 0 ? 1u + bye->reason_len : 0;
  size_t total = tc_pad4 (TC_RTCP_HEADER_LEN + list + reason);
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  memset (buf, 0, total);
  tc_rtcp_put_header (buf, bye->ssrc_count, TC_RTCP_PT_BYE, total);
  for (unsigned i = 0; i < bye->ssrc_count; i++)
    tc_wr32 (buf + TC_RTCP_HEADER_LEN + 4 * i, bye->ssrcs[i]);
  if (reason > 0) {
    buf[TC_RTCP_HEADER_LEN + list] = bye->reason_len;
    memcpy (buf + TC_RTCP_HEADER_LEN + list + 1, bye->reason, bye->reason_len);
  }
  *written = total;
  return TC_OK;
}
