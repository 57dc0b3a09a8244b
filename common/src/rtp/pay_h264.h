/* pay_h264.h - H264 payload format details (RFC 6184, packetization-mode 1)
 * beyond tc_payloader.
 *
 * Frames on both sides are access units in Annex B byte-stream form: NAL
 * units each behind a start code (00 00 01 or 00 00 00 01), as
 * `h264parse ! video/x-h264,stream-format=byte-stream,alignment=au` gives
 * and avdec_h264 takes. Pure functions on bytes plus the H264 payloader
 * state; internal to the core and its tests; the session reaches H264
 * through tc_payloader_h264:
 *
 *  - payload: AUDs, filler and units with F set or types 0/24..31 are left
 *    out; the last SPS and PPS sent go ahead of an IDR that comes without
 *    them; the `keyframe` flag is not needed (IDR slices say it).
 *  - depayload: an access unit comes out at the marker with every unit
 *    behind 00 00 00 01, only when none of its packets was lost; the last
 *    SPS/PPS received go ahead of an IDR without them. tc_frame.keyframe is
 *    set when it holds an IDR slice with an SPS and a PPS ahead of it
 *    (its own or the kept ones): what a decoder can start from. An IDR
 *    before any SPS/PPS arrived comes out with keyframe = false.
 */
#ifndef TEMPCHAT_RTP_PAY_H264_H
#define TEMPCHAT_RTP_PAY_H264_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_payloader.h"

/* Largest access unit the depayloader reassembles; beyond, TC_ERR_TOO_LARGE. */
#define TC_H264_MAX_FRAME (4u * 1024u * 1024u)
/* Largest SPS or PPS kept to repeat ahead of IDRs. */
#define TC_H264_MAX_PARAM_SET 1024u

/* NAL unit types (H.264 table 7-1) and RTP packet types (RFC 6184 5.2). */
enum {
  TC_H264_NAL_SLICE = 1,
  TC_H264_NAL_IDR = 5,
  TC_H264_NAL_SEI = 6,
  TC_H264_NAL_SPS = 7,
  TC_H264_NAL_PPS = 8,
  TC_H264_NAL_AUD = 9,
  TC_H264_NAL_FILLER = 12,
  TC_H264_STAP_A = 24,
  TC_H264_FU_A = 28,
};

/* Finds the next NAL unit of an Annex B stream from *pos: on true, `nal`
 * and `nal_len` give it without its start code and without trailing zero
 * bytes (a NAL unit never ends in 00, H.264 7.4.1), and *pos moves past
 * it. Bytes before the first start code are skipped. False at the end. */
bool tc_h264_next_nal (const uint8_t *au, size_t len, size_t *pos,
    const uint8_t **nal, size_t *nal_len);

/* True when the access unit holds an IDR slice (NAL type 5). */
bool tc_h264_au_has_idr (const uint8_t *au, size_t len);

/* Width and height from the first SPS in an Annex B access unit (as
 * tc_vp8_keyframe_size for VP8). TC_ERR_PARSE when there is none or it is
 * broken. */
tc_status tc_h264_au_size (const uint8_t *au, size_t len, uint32_t *width,
    uint32_t *height);

/* The same for a keyframe: TC_ERR_PARSE also when the access unit holds no
 * IDR slice. One pass over the access unit. */
tc_status tc_h264_keyframe_size (const uint8_t *au, size_t len,
    uint32_t *width, uint32_t *height);

/* True when the payloader sends this NAL unit: not an AUD or filler data,
 * F clear, type 1..23 (0 and 24..31 are RFC 6184's own packet types). */
bool tc_h264_nal_sendable (const uint8_t *nal, size_t len);

/* True when a NAL unit may begin an access unit (H.264 7.4.1.2.3): an AUD,
 * SPS, PPS, SEI, types 13..18, or a slice with first_mb_in_slice = 0.
 * `nal` starts with the NAL header; `len` may be cut short after the byte
 * that holds first_mb_in_slice. */
bool tc_h264_nal_may_start_au (const uint8_t *nal, size_t len);

#endif
