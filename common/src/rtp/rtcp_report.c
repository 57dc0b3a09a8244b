/* rtcp_report.c - sender and receiver reports (RFC 3550 6.4.1, 6.4.2).
 *
 * SR (PT=200, RC = report blocks):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                      |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |  report
 * | fraction lost |       cumulative number of packets lost       |  block,
 * |           extended highest sequence number received           |  24 bytes
 * |                      interarrival jitter                      |  each
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RR (PT=201) is the same without the sender info.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>

#include "rtp/rtcp_internal.h"

#define SENDER_INFO_LEN 20
#define BLOCK_LEN 24
#define LOST_MAX 0x7FFFFF
#define LOST_MIN (-0x800000)

static void
read_block (const uint8_t *p, tc_rtcp_report_block *b)
{
  int32_t lost = (int32_t) tc_rd24 (p + 5);
  if (lost & 0x800000)
    lost -= 0x1000000;          /* sign-extend 24 bits */
  b->ssrc = tc_rd32 (p);
  b->fraction_lost = p[4];
  b->cumulative_lost = lost;
  b->ext_highest_seq = tc_rd32 (p + 8);
  b->jitter = tc_rd32 (p + 12);
  b->lsr = tc_rd32 (p + 16);
  b->dlsr = tc_rd32 (p + 20);
}

static void
write_block (uint8_t *p, const tc_rtcp_report_block *b)
{
  tc_wr32 (p, b->ssrc);
  p[4] = b->fraction_lost;
  tc_wr24 (p + 5, (uint32_t) b->cumulative_lost & 0xFFFFFF);
  tc_wr32 (p + 8, b->ext_highest_seq);
  tc_wr32 (p + 12, b->jitter);
  tc_wr32 (p + 16, b->lsr);
  tc_wr32 (p + 20, b->dlsr);
}

static tc_status
read_blocks (const uint8_t *p, size_t len, uint8_t count,
    tc_rtcp_report_block *blocks)
{
  if ((size_t) count * BLOCK_LEN > len)
    return TC_ERR_PARSE;        /* RC says more than the length holds */
  for (unsigned i = 0; i < count; i++)
    read_block (p + i * BLOCK_LEN, &blocks[i]);
  return TC_OK;
}

tc_status
tc_rtcp_parse_sr_body (const uint8_t *body, size_t len, uint8_t count,
    tc_rtcp_sr *out)
{
  if (len < 4 + SENDER_INFO_LEN || count > TC_RTCP_MAX_REPORTS)
    return TC_ERR_PARSE;
  out->ssrc = tc_rd32 (body);
  out->ntp = ((uint64_t) tc_rd32 (body + 4) << 32) | tc_rd32 (body + 8);
  out->rtp_ts = tc_rd32 (body + 12);
  out->packet_count = tc_rd32 (body + 16);
  out->octet_count = tc_rd32 (body + 20);
  out->report_count = count;
  return read_blocks (body + 24, len - 24, count, out->reports);
}

tc_status
tc_rtcp_parse_rr_body (const uint8_t *body, size_t len, uint8_t count,
    tc_rtcp_rr *out)
{
  if (len < 4 || count > TC_RTCP_MAX_REPORTS)
    return TC_ERR_PARSE;
  out->ssrc = tc_rd32 (body);
  out->report_count = count;
  return read_blocks (body + 4, len - 4, count, out->reports);
}

static tc_status
check_blocks (uint8_t count, const tc_rtcp_report_block *blocks)
{
  if (count > TC_RTCP_MAX_REPORTS)
    return TC_ERR_INVALID_ARG;
  for (unsigned i = 0; i < count; i++) {
    if (blocks[i].cumulative_lost > LOST_MAX
        || blocks[i].cumulative_lost < LOST_MIN)
      return TC_ERR_INVALID_ARG;
  }
  return TC_OK;
}

tc_status
tc_rtcp_write_sr (const tc_rtcp_sr *sr, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (sr != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  tc_status st = check_blocks (sr->report_count, sr->reports);
  size_t total = TC_RTCP_HEADER_LEN + 4 + SENDER_INFO_LEN
      + (size_t) sr->report_count * BLOCK_LEN;
  if (st == TC_OK)
    st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  tc_rtcp_put_header (buf, sr->report_count, TC_RTCP_PT_SR, total);
  tc_wr32 (buf + 4, sr->ssrc);
  tc_wr32 (buf + 8, (uint32_t) (sr->ntp >> 32));
  tc_wr32 (buf + 12, (uint32_t) sr->ntp);
  tc_wr32 (buf + 16, sr->rtp_ts);
  tc_wr32 (buf + 20, sr->packet_count);
  tc_wr32 (buf + 24, sr->octet_count);
  for (unsigned i = 0; i < sr->report_count; i++)
    write_block (buf + 28 + i * BLOCK_LEN, &sr->reports[i]);
  *written = total;
  return TC_OK;
}

tc_status
tc_rtcp_write_rr (const tc_rtcp_rr *rr, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (rr != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  tc_status st = check_blocks (rr->report_count, rr->reports);
  size_t total = TC_RTCP_HEADER_LEN + 4 + (size_t) rr->report_count * BLOCK_LEN;
  if (st == TC_OK)
    st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  tc_rtcp_put_header (buf, rr->report_count, TC_RTCP_PT_RR, total);
  tc_wr32 (buf + 4, rr->ssrc);
  for (unsigned i = 0; i < rr->report_count; i++)
    write_block (buf + 8 + i * BLOCK_LEN, &rr->reports[i]);
  *written = total;
  return TC_OK;
}
