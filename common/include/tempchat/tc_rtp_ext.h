/* tc_rtp_ext.h - values of the RTP header extensions WebRTC negotiates.
 *
 * Readers take a tc_rtp_ext found with tc_rtp_find_ext() (the id is the
 * one the SDP a=extmap line gave the URI). Writers fill a tc_rtp_ext whose
 * `data` points at caller storage (or, for the mid, at the caller's string),
 * ready to be copied into tc_rtp_packet.ext[]; that storage must outlive
 * the tc_rtp_write() call.
 *
 * Pure functions: no allocation, no clock, any thread.
 */
#ifndef TEMPCHAT_TC_RTP_EXT_H
#define TEMPCHAT_TC_RTP_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_rtp.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TC_RTP_EXT_URI_ABS_SEND_TIME \
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define TC_RTP_EXT_URI_TRANSPORT_CC \
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define TC_RTP_EXT_URI_MID "urn:ietf:params:rtp-hdrext:sdes:mid"
#define TC_RTP_EXT_URI_AUDIO_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

#define TC_RTP_EXT_ABS_SEND_TIME_LEN 3
#define TC_RTP_EXT_TRANSPORT_SEQ_LEN 2
#define TC_RTP_EXT_AUDIO_LEVEL_LEN 1
/* RFC 6464 levels are -dBov: 0 is full scale, 127 silence. */
#define TC_RTP_AUDIO_LEVEL_SILENT 127
/* A mid longer than 16 bytes needs the two-byte form (RFC 8285). */
#define TC_RTP_EXT_MID_MAX 255

/* abs-send-time: 24-bit 6.18 fixed-point seconds, wrapping every 64 s.
 * TC_ERR_PARSE unless ext->len is 3. */
tc_status tc_rtp_ext_abs_send_time (const tc_rtp_ext *ext, uint32_t *value);

/* Transport-wide sequence number (transport-wide-cc-01): 16 bits.
 * TC_ERR_PARSE unless ext->len is 2. */
tc_status tc_rtp_ext_transport_seq (const tc_rtp_ext *ext, uint16_t *seq);

/* sdes:mid (RFC 9143): copies the mid into `out` NUL-terminated. Trailing
 * NUL bytes on the wire end the string. TC_ERR_PARSE for an empty mid,
 * TC_ERR_TOO_LARGE when it does not fit `cap` with its NUL. */
tc_status tc_rtp_ext_mid (const tc_rtp_ext *ext, char *out, size_t cap);

/* ssrc-audio-level (RFC 6464): the packet's level in -dBov (0-127) and
 * the voice activity flag. TC_ERR_PARSE unless ext->len is 1 (the one-byte
 * form; the two-byte form's padding byte is accepted too). */
tc_status tc_rtp_ext_audio_level (const tc_rtp_ext *ext, uint8_t *level,
    bool *voice);

/* Fill `ext` with id `id` and the value encoded into `storage`.
 * TC_ERR_INVALID_ARG for id 0. */
tc_status tc_rtp_ext_set_abs_send_time (tc_rtp_ext *ext, uint8_t id,
    uint32_t value, uint8_t storage[TC_RTP_EXT_ABS_SEND_TIME_LEN]);
tc_status tc_rtp_ext_set_transport_seq (tc_rtp_ext *ext, uint8_t id,
    uint16_t seq, uint8_t storage[TC_RTP_EXT_TRANSPORT_SEQ_LEN]);

/* TC_ERR_INVALID_ARG also for a level over 127. */
tc_status tc_rtp_ext_set_audio_level (tc_rtp_ext *ext, uint8_t id,
    uint8_t level, bool voice, uint8_t storage[TC_RTP_EXT_AUDIO_LEVEL_LEN]);

/* `ext->data` borrows `mid` (not copied, no NUL on the wire).
 * TC_ERR_INVALID_ARG for id 0, an empty mid or one over 255 bytes. */
tc_status tc_rtp_ext_set_mid (tc_rtp_ext *ext, uint8_t id, const char *mid);

/* abs-send-time of a time in microseconds (any epoch; only its value
 * modulo 64 s is kept), rounded to the nearest 1/262144 s. */
uint32_t tc_abs_send_time_from_us (int64_t us);

/* abs-send-time of a 32.32 NTP timestamp (RFC 3550 4). */
uint32_t tc_abs_send_time_from_ntp (uint64_t ntp);

/* `later - earlier` in microseconds, taking the 64 s wrap into account:
 * the result is in [-32 s, 32 s). */
int64_t tc_abs_send_time_delta_us (uint32_t later, uint32_t earlier);

#ifdef __cplusplus
}
#endif
#endif
