/* vp9_header.h - what a VP9 frame's uncompressed header says: keyframe or
 * not, profile (for SDP profile-id), bit depth and, for key and intra-only
 * frames, the size.
 *
 * Pure functions on bytes; any thread.
 */
#ifndef TEMPCHAT_RTP_VP9_HEADER_H
#define TEMPCHAT_RTP_VP9_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

/* What the start of a VP9 frame's uncompressed header says (VP9 bitstream
 * specification section 6.2). A superframe is read from its first frame. */
typedef struct {
  uint8_t profile;          /* 0..3 */
  bool show_existing_frame; /* nothing else is read then */
  bool keyframe;            /* frame_type == KEY_FRAME */
  bool show_frame;
  bool error_resilient;
  bool intra_only;
  uint8_t bit_depth;        /* 8, 10 or 12; key and intra-only frames */
  bool has_size;            /* width/height read (key and intra-only) */
  uint32_t width;           /* frame_width_minus_1 + 1, 1..65536 */
  uint32_t height;
} tc_vp9_header;

/* Parses the uncompressed header far enough for the fields above.
 * TC_ERR_PARSE for a wrong frame marker or sync code, a reserved bit set or
 * a cut header. Any thread. */
tc_status tc_vp9_header_parse (const uint8_t *frame, size_t len,
    tc_vp9_header *out);

/* Width and height of a VP9 keyframe (as tc_vp8_keyframe_size for VP8).
 * TC_ERR_PARSE when `frame` is not a keyframe or its header is broken. */
tc_status tc_vp9_keyframe_size (const uint8_t *frame, size_t len,
    uint32_t *width, uint32_t *height);

#endif
