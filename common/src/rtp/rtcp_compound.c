/* rtcp_compound.c - assembling RTCP packets into one datagram.
 *
 * RFC 3550 6.1: a compound packet starts with an SR or RR (several when
 * there are more than 31 sources), carries an SDES with a CNAME, and puts
 * BYE last. RFC 5506: once a=rtcp-rsize is negotiated, a datagram may hold
 * any packets (typically one feedback message) in any order.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

/* Order classes of a full compound packet. */
enum { CLASS_REPORT, CLASS_SDES, CLASS_OTHER, CLASS_BYE, CLASS_COUNT };

static int
class_of (uint8_t pt)
{
  switch (pt) {
    case TC_RTCP_PT_SR:
    case TC_RTCP_PT_RR:
      return CLASS_REPORT;
    case TC_RTCP_PT_SDES:
      return CLASS_SDES;
    case TC_RTCP_PT_BYE:
      return CLASS_BYE;
    default:
      return CLASS_OTHER;
  }
}

/* A part must be exactly one RTCP packet: version 2 and a length field
 * that covers all of it. */
static bool
is_one_packet (const tc_rtcp_part *part)
{
  if (part->data == NULL || part->len < TC_RTCP_HEADER_LEN
      || (part->data[0] >> 6) != 2)
    return false;
  return ((size_t) tc_rd16 (part->data + 2) + 1) * 4 == part->len;
}

tc_status
tc_rtcp_write_compound (const tc_rtcp_part *parts, size_t n,
    bool reduced_size, uint8_t *buf, size_t cap, size_t *written)
{
  g_return_val_if_fail (written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (parts != NULL || n == 0, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (n == 0)
    return TC_ERR_INVALID_ARG;
  size_t total = 0, per_class[CLASS_COUNT] = {0};
  for (size_t i = 0; i < n; i++) {
    if (!is_one_packet (&parts[i]))
      return TC_ERR_INVALID_ARG;
    per_class[class_of (parts[i].data[1])]++;
    total += parts[i].len;
  }
  if (!reduced_size && (per_class[CLASS_REPORT] == 0
          || per_class[CLASS_SDES] == 0))
    return TC_ERR_INVALID_ARG;
  if (total > cap)
    return TC_ERR_TOO_LARGE;

  size_t pos = 0;
  for (int cls = 0; cls < CLASS_COUNT; cls++) {
    for (size_t i = 0; i < n; i++) {
      if (!reduced_size && class_of (parts[i].data[1]) != cls)
        continue;
      memmove (buf + pos, parts[i].data, parts[i].len);
      pos += parts[i].len;
    }
    if (reduced_size)
      break;                    /* one pass, in the caller's order */
  }
  *written = pos;
  return TC_OK;
}
