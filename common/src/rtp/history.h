/* history.h - send-side packet history for NACK answers, and RTX (RFC 4588).
 *
 * Pure bookkeeping: the caller passes the clock (now_us) and does the
 * sending. One history per sent media stream, used on the session's loop
 * thread only.
 */
#ifndef TEMPCHAT_RTP_HISTORY_H
#define TEMPCHAT_RTP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_rtp.h"
#include "tempchat/tc_status.h"

/* A history never holds more than 32768 packets: half the seq space, so a
 * 16-bit seq names one packet unambiguously. */
#define TC_RTP_HISTORY_MAX_PACKETS 32768

typedef struct {
  size_t max_packets;  /* 1..TC_RTP_HISTORY_MAX_PACKETS; the last N sent */
  size_t max_bytes;    /* total packet bytes kept, >= one packet */
  int64_t max_age_us;  /* older packets are dropped and not answered; 0: none */
} tc_rtp_history_config;

typedef struct tc_rtp_history tc_rtp_history;

/* A new, empty history owned by the caller; NULL when `cfg` is out of
 * range. Free with tc_rtp_history_free. */
tc_rtp_history *tc_rtp_history_new (const tc_rtp_history_config *cfg);

/* NULL-safe. */
void tc_rtp_history_free (tc_rtp_history *h);

/* Copies one sent RTP packet (`pkt`, whole packet bytes, borrowed) sent at
 * `now_us`, keyed by the seq in its header. Evicts the oldest entries to
 * stay within the limits and drops expired ones. TC_ERR_PARSE when `pkt` is
 * not an RTP packet, TC_ERR_TOO_LARGE when it alone exceeds max_bytes,
 * TC_ERR_INVALID_ARG when its seq is not newer than the last one stored. */
tc_status tc_rtp_history_put (tc_rtp_history *h, const uint8_t *pkt,
    size_t len, int64_t now_us);

/* The stored packet with `seq`, for answering a NACK at `now_us`; NULL when
 * it was never stored, was evicted, or is older than max_age_us. The bytes
 * stay owned by the history and valid until the next put, expire, clear or
 * free. Sets *len. */
const uint8_t *tc_rtp_history_get (const tc_rtp_history *h, uint16_t seq,
    int64_t now_us, size_t *len);

/* Drops entries older than max_age_us at `now_us`. */
void tc_rtp_history_expire (tc_rtp_history *h, int64_t now_us);

/* Drops everything (e.g. when the stream restarts). */
void tc_rtp_history_clear (tc_rtp_history *h);

size_t tc_rtp_history_count (const tc_rtp_history *h);
size_t tc_rtp_history_bytes (const tc_rtp_history *h);

/* Bytes an RTX packet needs for an original of `orig_len` bytes (at most:
 * the original's padding is not carried). */
#define TC_RTX_SIZE(orig_len) ((orig_len) + 2)

/* Builds the RFC 4588 retransmission of `orig` (a whole RTP packet,
 * borrowed) into `out`: the original header with payload type `rtx_pt`,
 * sequence number `rtx_seq` and SSRC `rtx_ssrc` (timestamp, marker, CSRCs
 * and header extension kept; padding dropped), then the original sequence
 * number (OSN) and the original payload. TC_ERR_PARSE when `orig` is not a
 * well-formed RTP packet, TC_ERR_TOO_LARGE when `cap` is short,
 * TC_ERR_INVALID_ARG for rtx_pt > 127. Any thread. */
tc_status tc_rtx_build (const uint8_t *orig, size_t orig_len, uint8_t rtx_pt,
    uint32_t rtx_ssrc, uint16_t rtx_seq, uint8_t *out, size_t cap,
    size_t *written);

/* Turns a parsed RTX packet back into the original in place: seq becomes the
 * OSN, the payload starts after it, payload type and SSRC become `orig_pt`
 * and `orig_ssrc`. TC_ERR_PARSE when the payload is shorter than the OSN
 * (e.g. a padding-only probe). Any thread. */
tc_status tc_rtx_unwrap (tc_rtp_packet *pkt, uint8_t orig_pt,
    uint32_t orig_ssrc);

#endif
