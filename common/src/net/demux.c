/* demux.c - RFC 7983 first-byte demultiplexing of the ICE socket.
 *
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |                |
 *                  |      [16..19] -+--> forward to ZRTP
 *                  |                |
 *      packet -->  |      [20..63] -+--> forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--> forward to TURN Channel
 *                  |                |
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 *                        (RFC 7983 5, figure 3)
 *
 * RTP and RTCP then differ in the second byte (RFC 5761 4): RTCP packet
 * types 192-223 read as payload types 64-95 once the marker bit is masked.
 */
#include "tempchat/tc_demux.h"

tc_demux_kind
tc_demux_classify (const uint8_t *buf, size_t len)
{
  if (buf == NULL || len == 0)
    return TC_DEMUX_DROP;

  uint8_t b = buf[0];
  if (b <= 3)
    return len >= 20 ? TC_DEMUX_STUN : TC_DEMUX_DROP;
  if (b >= 16 && b <= 19)
    return len >= 12 ? TC_DEMUX_ZRTP : TC_DEMUX_DROP;
  if (b >= 20 && b <= 63)
    return len >= 13 ? TC_DEMUX_DTLS : TC_DEMUX_DROP;
  if (b >= 64 && b <= 79)
    return len >= 4 ? TC_DEMUX_TURN_CHANNEL : TC_DEMUX_DROP;
  if (b >= 128 && b <= 191) {
    if (len < 8)
      return TC_DEMUX_DROP;
    uint8_t pt = buf[1] & 0x7f;
    if (pt >= 64 && pt <= 95)
      return TC_DEMUX_RTCP;
    return len >= 12 ? TC_DEMUX_RTP : TC_DEMUX_DROP;
  }
  return TC_DEMUX_DROP;
}

const char *
tc_demux_kind_name (tc_demux_kind kind)
{
  switch (kind) {
    case TC_DEMUX_STUN: return "stun";
    case TC_DEMUX_ZRTP: return "zrtp";
    case TC_DEMUX_DTLS: return "dtls";
    case TC_DEMUX_TURN_CHANNEL: return "turn-channel";
    case TC_DEMUX_RTP: return "rtp";
    case TC_DEMUX_RTCP: return "rtcp";
    case TC_DEMUX_DROP: break;
  }
  return "drop";
}
