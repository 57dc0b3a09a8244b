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
