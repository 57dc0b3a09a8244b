/* tc_demux.h - which protocol a datagram on the ICE socket belongs to.
 *
 * STUN, DTLS and SRTP/SRTCP share one 5-tuple in WebRTC. RFC 7983 5 tells
 * them apart by the first byte; RFC 5761 4 tells RTP from RTCP by the
 * second. Pure function, any thread.
 *
 *   first byte   protocol          (RFC 7983 figure 3)
 *     0 -   3    STUN
 *    16 -  19    ZRTP
 *    20 -  63    DTLS
 *    64 -  79    TURN Channel
 *   128 - 191    RTP / RTCP        (RTCP when second byte & 0x7f is 64-95)
 *   anything else: drop
 */
#ifndef TEMPCHAT_TC_DEMUX_H
#define TEMPCHAT_TC_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TC_DEMUX_DROP = 0,     /* unknown range, or too short for its protocol */
  TC_DEMUX_STUN,
  TC_DEMUX_ZRTP,
  TC_DEMUX_DTLS,
  TC_DEMUX_TURN_CHANNEL,
  TC_DEMUX_RTP,
  TC_DEMUX_RTCP,
} tc_demux_kind;

/* Minimum lengths below which a datagram is dropped: the fixed header of
 * each protocol (STUN 20, ZRTP 12, DTLS record 13, TURN ChannelData 4,
 * RTP 12, RTCP 8). */
tc_demux_kind tc_demux_classify (const uint8_t *buf, size_t len);

/* "stun", "dtls", "rtp", ... for logs; never NULL. */
const char *tc_demux_kind_name (tc_demux_kind kind);

#ifdef __cplusplus
}
#endif
#endif
