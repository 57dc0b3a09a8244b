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

#include "tempchat/tc_payloader.h"

/* Largest TU the depayloader reassembles; beyond it, TC_ERR_TOO_LARGE. */
#define TC_AV1_MAX_FRAME (4u * 1024u * 1024u)
/* Longest LEB128 value we read or write (AV1 allows 8 bytes; sizes we
 * accept fit in 4, but a padded encoding may use more). */
#define TC_AV1_LEB128_MAX 8

/* Aggregation header bits (section 4.4). */
#define TC_AV1_AGG_Z 0x80  /* first element continues an OBU fragment */
#define TC_AV1_AGG_Y 0x40  /* last element continues in the next packet */
#define TC_AV1_AGG_W 0x30  /* element count (1..3), 0: every one has a size */
#define TC_AV1_AGG_N 0x08  /* first packet of a coded video sequence */

typedef enum {
  TC_AV1_OBU_SEQUENCE_HEADER = 1,
  TC_AV1_OBU_TEMPORAL_DELIMITER = 2,
  TC_AV1_OBU_FRAME_HEADER = 3,
  TC_AV1_OBU_TILE_GROUP = 4,
  TC_AV1_OBU_METADATA = 5,
  TC_AV1_OBU_FRAME = 6,
  TC_AV1_OBU_REDUNDANT_FRAME_HEADER = 7,
  TC_AV1_OBU_TILE_LIST = 8,
  TC_AV1_OBU_PADDING = 15,
} tc_av1_obu_type;

/* Reads an unsigned LEB128 value (AV1 section 4.10.5) of at most
 * TC_AV1_LEB128_MAX bytes. Sets *consumed. TC_ERR_PARSE when `buf` ends
 * inside it, it runs past 8 bytes or the value exceeds 32 bits (AV1 limits
 * leb128() to (1 << 32) - 1). Any thread. */
tc_status tc_av1_leb128_read (const uint8_t *buf, size_t len, uint32_t *value,
    size_t *consumed);

/* Bytes the shortest LEB128 encoding of `value` takes (1..5). */
size_t tc_av1_leb128_size (uint32_t value);

/* Writes the shortest encoding of `value`; returns its length.
 * `buf` must hold tc_av1_leb128_size (value) bytes. */
size_t tc_av1_leb128_write (uint32_t value, uint8_t *buf);

/* What the sender and receiver read from a TU (low-overhead format). */
typedef struct {
  bool has_sequence_header;
  bool keyframe;            /* a sequence header and a shown or hidden
                             * KEY_FRAME: decodable without earlier TUs */
  uint8_t temporal_id;      /* of the first frame OBU (0 without extension) */
  uint8_t spatial_id;
  uint32_t width;           /* max_frame_{width,height}_minus_1 + 1 of the */
  uint32_t height;          /* sequence header; 0 without one */
} tc_av1_tu_info;

/* Reads `info` from a TU of OBUs with size fields (the last OBU may lack
 * it and then runs to the end). TC_ERR_PARSE for a malformed OBU header,
 * size or sequence header. Any thread. */
tc_status tc_av1_tu_info_read (const uint8_t *tu, size_t len,
    tc_av1_tu_info *info);

#endif
