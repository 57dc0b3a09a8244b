/* pay_av1.h - AV1 payload format details (AV1 RTP specification v1.0)
 * beyond tc_payloader.
 *
 * Pure functions on bytes plus the AV1 payloader state. Internal to the core
 * and its tests; the session reaches AV1 through tc_payloader_av1
 * (tc_payloader_find ("AV1")).
 *
 * Frames on both sides are temporal units (TUs) in the low-overhead
 * bitstream format (AV1 section 5.2: OBUs with obu_has_size_field = 1), as
 * av1enc ! av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu
 * produces them and av1dec / av1parse take them.
 *
 * payload(): temporal delimiters, padding and tile lists are dropped; a
 * keyframe TU without a sequence header gets the last one the payloader
 * saw; N is set on a keyframe's first packet. The `keyframe` argument is
 * not used: keyframes are read from the frame header (see pay_av1.c).
 * depayload(): a TU comes out at its marker with a temporal delimiter in
 * front and every OBU with its size field; tc_frame.keyframe is set when
 * it holds a sequence header and a KEY_FRAME. A TU missing any packet never
 * comes out. starts_frame(): Z = 0 and a first OBU a TU can begin with
 * (sequence header, temporal delimiter, frame (header), metadata; spatial
 * layer 0).
 */
#ifndef TEMPCHAT_RTP_PAY_AV1_H
#define TEMPCHAT_RTP_PAY_AV1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtp/av1_obu.h"
#include "tempchat/tc_payloader.h"

/* Largest TU the depayloader reassembles; beyond it, TC_ERR_TOO_LARGE. */
#define TC_AV1_MAX_FRAME (4u * 1024u * 1024u)

/* Aggregation header bits (section 4.4). */
#define TC_AV1_AGG_Z 0x80  /* first element continues an OBU fragment */
#define TC_AV1_AGG_Y 0x40  /* last element continues in the next packet */
#define TC_AV1_AGG_W 0x30  /* element count (1..3), 0: every one has a size */
#define TC_AV1_AGG_N 0x08  /* first packet of a coded video sequence */

#endif
