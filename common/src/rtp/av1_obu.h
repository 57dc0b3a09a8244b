/* av1_obu.h - reading AV1 OBUs: LEB128 sizes, OBU headers, and what a
 * temporal unit says about itself (keyframe, layer ids, frame size).
 *
 * Pure functions on bytes, any thread. Used by the AV1 payload format
 * (pay_av1.c) and by whoever needs a TU's size or keyframe flag.
 */
#ifndef TEMPCHAT_RTP_AV1_OBU_H
#define TEMPCHAT_RTP_AV1_OBU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

/* Longest LEB128 value we read or write (AV1 allows 8 bytes; sizes we
 * accept fit in 4, but a padded encoding may use more). */
#define TC_AV1_LEB128_MAX 8

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

/* Width and height of a keyframe TU, from its sequence header (as
 * tc_vp9_keyframe_size for VP9); every keyframe TU carries one, the
 * payloader adds it where the encoder left it out. TC_ERR_PARSE when the
 * TU is malformed or not a keyframe. Any thread. */
tc_status tc_av1_keyframe_size (const uint8_t *tu, size_t len,
    uint32_t *width, uint32_t *height);

/* OBU header byte (AV1 section 5.3.2): |F| type (4) |E|S|R|, and when E = 1
 * an extension byte |temporal_id (3)|spatial_id (2)|reserved (3)|. */
#define TC_AV1_OBU_FORBIDDEN 0x80
#define TC_AV1_OBU_EXTENSION 0x04
#define TC_AV1_OBU_HAS_SIZE 0x02
#define TC_AV1_OBU_TYPE(b) (((b) >> 3) & 0x0F)

/* One OBU as found in a buffer. */
typedef struct {
  uint8_t header[2];      /* with obu_has_size_field cleared */
  size_t header_len;      /* 1, or 2 with the extension */
  uint8_t type;
  const uint8_t *payload; /* borrowed from the buffer read */
  size_t payload_len;
} tc_av1_obu;

/* Reads one OBU at `buf`. With a size field it ends where that says;
 * without, at `len`. Sets *used to the bytes it took. TC_ERR_PARSE for the
 * forbidden bit, a missing extension byte or a size past `len`. */
tc_status tc_av1_obu_read (const uint8_t *buf, size_t len, tc_av1_obu *o,
    size_t *used);

/* OBU_FRAME or OBU_FRAME_HEADER. */
bool tc_av1_obu_is_frame (uint8_t type);

/* reduced_still_picture_header of a sequence header OBU. */
bool tc_av1_seq_reduced_still (const tc_av1_obu *seq);

/* True when a frame (header) OBU starts a KEY_FRAME that is not a
 * show_existing_frame; every frame is one in reduced still pictures. */
bool tc_av1_frame_is_key (const tc_av1_obu *frame, bool reduced_still);

/* Whether a TU is a keyframe, read OBU by OBU: the sender, the receiver
 * and tc_av1_tu_info_read all decide it this one way. Start zeroed, or with
 * `reduced` set from a sequence header kept from an earlier TU. */
typedef struct {
  bool has_seq;           /* the TU holds a sequence header */
  bool reduced;           /* reduced_still_picture_header of the last one */
  bool frame_seen;        /* the TU's first frame (header) OBU was read */
  bool key;               /* and it starts a KEY_FRAME */
} tc_av1_key_scan;

/* Takes one OBU of the TU, in order. True when `o` is the TU's first frame
 * (header) OBU, whose layer ids the caller may want. A keyframe TU is then
 * has_seq && key (key alone when a kept sequence header will be sent). */
bool tc_av1_key_scan_obu (tc_av1_key_scan *scan, const tc_av1_obu *o);

#endif
