/* rtcp_fir.c - full intra request (RFC 5104 4.3.1), PSFB FMT=4.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=4  |   PT=206      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * |             SSRC of media source (unused, 0)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |  x N >= 1
 * | Seq nr.       |    Reserved (0)                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

#define ENTRY_LEN 8

tc_status
tc_rtcp_parse_fir_body (const uint8_t *body, size_t len, tc_rtcp_fir *out)
{
  if (len < TC_RTCP_FB_COMMON_LEN)
    return TC_ERR_PARSE;
  size_t fci = len - TC_RTCP_FB_COMMON_LEN;
  if (fci == 0 || fci % ENTRY_LEN != 0)
    return TC_ERR_PARSE;
  out->sender_ssrc = tc_rd32 (body);
  out->media_ssrc = tc_rd32 (body + 4);
  out->fci = body + TC_RTCP_FB_COMMON_LEN;
  out->entry_count = fci / ENTRY_LEN;
  return TC_OK;
}

tc_rtcp_fir_entry
tc_rtcp_fir_entry_at (const tc_rtcp_fir *fir, size_t i)
{
  tc_rtcp_fir_entry e = {0};
  g_return_val_if_fail (fir != NULL && i < fir->entry_count, e);

  e.ssrc = tc_rd32 (fir->fci + i * ENTRY_LEN);
  e.seq_nr = fir->fci[i * ENTRY_LEN + 4];
  return e;
}

tc_status
tc_rtcp_write_fir (uint32_t sender_ssrc, const tc_rtcp_fir_entry *entries,
    size_t n, uint8_t *buf, size_t cap, size_t *written)
{
  g_return_val_if_fail (written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (entries != NULL || n == 0, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (n == 0 || n > TC_RTCP_MAX_PACKET / ENTRY_LEN)
    return TC_ERR_INVALID_ARG;
  size_t total = TC_RTCP_HEADER_LEN + TC_RTCP_FB_COMMON_LEN + n * ENTRY_LEN;
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  tc_rtcp_put_header (buf, TC_RTCP_FMT_FIR, TC_RTCP_PT_PSFB, total);
  tc_wr32 (buf + 4, sender_ssrc);
  tc_wr32 (buf + 8, 0);
  for (size_t i = 0; i < n; i++) {
    uint8_t *p = buf + 12 + i * ENTRY_LEN;
    tc_wr32 (p, entries[i].ssrc);
    p[4] = entries[i].seq_nr;
    memset (p + 5, 0, 3);
  }
  *written = total;
  return TC_OK;
}
