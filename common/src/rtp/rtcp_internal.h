/* rtcp_internal.h - what the rtcp_*.c files share; private to rtp/.
 *
 * Body parsers take the bytes after a packet's 4-byte common header with
 * the padding already removed, and the header's 5-bit count/FMT field.
 * They return TC_OK or TC_ERR_PARSE and never read outside [body, len).
 */
#ifndef TEMPCHAT_RTCP_INTERNAL_H
#define TEMPCHAT_RTCP_INTERNAL_H

#include "tempchat/tc_rtcp.h"

#include <stdbool.h>

#include "rtp/rtp_wire.h"

/* SSRC of packet sender + SSRC of media source (RFC 4585 6.1). */
#define TC_RTCP_FB_COMMON_LEN 8

tc_status tc_rtcp_parse_sr_body (const uint8_t *body, size_t len,
    uint8_t count, tc_rtcp_sr *out);
tc_status tc_rtcp_parse_rr_body (const uint8_t *body, size_t len,
    uint8_t count, tc_rtcp_rr *out);
tc_status tc_rtcp_parse_sdes_body (const uint8_t *body, size_t len,
    uint8_t count, tc_rtcp_sdes *out);
tc_status tc_rtcp_parse_bye_body (const uint8_t *body, size_t len,
    uint8_t count, tc_rtcp_bye *out);
tc_status tc_rtcp_parse_nack_body (const uint8_t *body, size_t len,
    tc_rtcp_nack *out);
tc_status tc_rtcp_parse_twcc_body (const uint8_t *body, size_t len,
    tc_rtcp_twcc *out);
tc_status tc_rtcp_parse_pli_body (const uint8_t *body, size_t len,
    tc_rtcp_pli *out);
tc_status tc_rtcp_parse_fir_body (const uint8_t *body, size_t len,
    tc_rtcp_fir *out);
/* TC_ERR_UNSUPPORTED for an application layer feedback that is not REMB
 * (the caller keeps it as an unknown item). */
tc_status tc_rtcp_parse_remb_body (const uint8_t *body, size_t len,
    tc_rtcp_remb *out);

/* Checks that a packet of `total` bytes (a multiple of 4) can be described
 * by the length field and fits `cap`. */
static inline tc_status
tc_rtcp_check_size (size_t total, size_t cap)
{
  if (total > TC_RTCP_MAX_PACKET)
    return TC_ERR_INVALID_ARG;
  return total <= cap ? TC_OK : TC_ERR_TOO_LARGE;
}

/* Writes the common header of a `total`-byte packet (no padding bit):
 *  |V=2|P| count/FMT |  PT  |  length = total/4 - 1  |                  */
static inline void
tc_rtcp_put_header (uint8_t *p, uint8_t count, uint8_t pt, size_t total)
{
  p[0] = (uint8_t) (0x80 | (count & 0x1F));
  p[1] = pt;
  tc_wr16 (p + 2, (uint16_t) (total / 4 - 1));
}

#endif
