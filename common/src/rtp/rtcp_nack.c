/* rtcp_nack.c - generic NACK (RFC 4585 6.2.1), RTPFB FMT=1.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=205      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  x N >= 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * PID is a lost packet; bit i of BLP (LSB = bit 0) means PID + i + 1 is
 * lost too.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>

#include "rtp/rtcp_internal.h"

#define PAIR_LEN 4
#define BLP_SPAN 16

tc_status
tc_rtcp_parse_nack_body (const uint8_t *body, size_t len, tc_rtcp_nack *out)
{
  if (len < TC_RTCP_FB_COMMON_LEN)
    return TC_ERR_PARSE;
  size_t fci = len - TC_RTCP_FB_COMMON_LEN;
  if (fci == 0 || fci % PAIR_LEN != 0)
    return TC_ERR_PARSE;
  out->sender_ssrc = tc_rd32 (body);
  out->media_ssrc = tc_rd32 (body + 4);
  out->fci = body + TC_RTCP_FB_COMMON_LEN;
  out->pair_count = fci / PAIR_LEN;
  return TC_OK;
}

size_t
tc_rtcp_nack_seqs (const tc_rtcp_nack *nack, uint16_t *out, size_t cap)
{
  g_return_val_if_fail (nack != NULL, 0);
  g_return_val_if_fail (out != NULL || cap == 0, 0);

  size_t n = 0;
  for (size_t i = 0; i < nack->pair_count; i++) {
    uint16_t pid = tc_rd16 (nack->fci + i * PAIR_LEN);
    uint16_t blp = tc_rd16 (nack->fci + i * PAIR_LEN + 2);
    if (n < cap)
      out[n] = pid;
    n++;
    for (unsigned bit = 0; bit < BLP_SPAN; bit++) {
      if (!(blp & (1u << bit)))
        continue;
      if (n < cap)
        out[n] = (uint16_t) (pid + bit + 1);
      n++;
    }
  }
  return n;
}

/* Packs seqs into pairs; writes them at `fci` when not NULL. Returns the
 * number of pairs. */
static size_t
pack_pairs (const uint16_t *seqs, size_t n, uint8_t *fci)
{
  size_t pairs = 0;
  uint16_t pid = 0, blp = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t d = (uint16_t) (seqs[i] - pid);
    if (pairs > 0 && d <= BLP_SPAN) {
      if (d > 0)
        blp |= (uint16_t) (1u << (d - 1));
    } else {
      pid = seqs[i];
      blp = 0;
      pairs++;
    }
    if (fci != NULL) {
      tc_wr16 (fci + (pairs - 1) * PAIR_LEN, pid);
      tc_wr16 (fci + (pairs - 1) * PAIR_LEN + 2, blp);
    }
  }
  return pairs;
}

tc_status
tc_rtcp_write_nack (uint32_t sender_ssrc, uint32_t media_ssrc,
    const uint16_t *seqs, size_t n, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (seqs != NULL || n == 0, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (n == 0)
    return TC_ERR_INVALID_ARG;  /* a NACK needs at least one pair */
  size_t pairs = pack_pairs (seqs, n, NULL);
  size_t total = TC_RTCP_HEADER_LEN + TC_RTCP_FB_COMMON_LEN + pairs * PAIR_LEN;
  tc_status st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  tc_rtcp_put_header (buf, TC_RTCP_FMT_NACK, TC_RTCP_PT_RTPFB, total);
  tc_wr32 (buf + 4, sender_ssrc);
  tc_wr32 (buf + 8, media_ssrc);
  pack_pairs (seqs, n, buf + 12);
  *written = total;
  return TC_OK;
}
