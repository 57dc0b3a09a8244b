/* pay_vp8.h - VP8 payload format details (RFC 7741) beyond tc_payloader.
 *
 * Pure functions on bytes plus the VP8 payloader state. Internal to the core
 * and its tests; the session reaches VP8 through tc_payloader_vp8.
 */
#ifndef TEMPCHAT_RTP_PAY_VP8_H
#define TEMPCHAT_RTP_PAY_VP8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_layers.h"
#include "tempchat/tc_payloader.h"

/* Longest descriptor: 1 + X + 2 PictureID + TL0PICIDX + TID/KEYIDX. */
#define TC_VP8_DESCRIPTOR_MAX 6
/* Largest frame the depayloader reassembles; beyond it, TC_ERR_TOO_LARGE. */
#define TC_VP8_MAX_FRAME (4u * 1024u * 1024u)
/* PictureID is 7 or 15 bits; we send the 15-bit form. */
#define TC_VP8_PICTURE_ID_MASK 0x7FFF

/* RFC 7741 section 4.2 payload descriptor, decoded. Fields behind a has_*
 * flag are meaningful only when it is set. X is implied: it is written when
 * any of has_picture_id / has_tl0picidx / has_tid / has_keyidx is set, and
 * `extended` records whether a parsed descriptor had it. */
typedef struct {
  bool extended;        /* X: extension byte present (parse output only) */
  bool non_reference;   /* N */
  bool start;           /* S: first packet of a VP8 partition */
  uint8_t pid;          /* partition index, 0..7 */
  bool has_picture_id;  /* I */
  bool picture_id_long; /* M: 15-bit PictureID (two bytes) */
  uint16_t picture_id;  /* 0..127 (M=0) or 0..32767 (M=1) */
  bool has_tl0picidx;   /* L */
  uint8_t tl0picidx;
  bool has_tid;         /* T */
  uint8_t tid;          /* 0..3 */
  bool layer_sync;      /* Y */
  bool has_keyidx;      /* K */
  uint8_t keyidx;       /* 0..31 */
} tc_vp8_descriptor;

/* Parses the descriptor at the start of an RTP payload. Sets *consumed to
 * its length; the VP8 data follows. TC_ERR_PARSE when `buf` ends inside the
 * descriptor. Reserved bits are ignored. Any thread. */
tc_status tc_vp8_descriptor_parse (const uint8_t *buf, size_t len,
    tc_vp8_descriptor *out, size_t *consumed);

/* Bytes tc_vp8_descriptor_write needs for `d` (1..TC_VP8_DESCRIPTOR_MAX). */
size_t tc_vp8_descriptor_size (const tc_vp8_descriptor *d);

/* Writes `d` into `buf`. TC_ERR_TOO_LARGE when `cap` is short,
 * TC_ERR_INVALID_ARG for values out of range (pid > 7, tid > 3, keyidx > 31,
 * picture_id beyond its form). Any thread. */
tc_status tc_vp8_descriptor_write (const tc_vp8_descriptor *d, uint8_t *buf,
    size_t cap, size_t *written);

/* True when the VP8 payload header (the first byte of the first partition,
 * RFC 7741 section 4.3) has P = 0: an intra frame. */
bool tc_vp8_is_keyframe_header (const uint8_t *frame, size_t len);

/* Reads width and height (14 bits each, scaling bits dropped) from a VP8
 * keyframe's uncompressed header (RFC 6386 section 9.1: 3-byte frame tag,
 * start code 9d 01 2a, then little-endian width and height). TC_ERR_PARSE
 * when `frame` is not a keyframe, is shorter than 10 bytes or lacks the
 * start code. Any thread. */
tc_status tc_vp8_keyframe_size (const uint8_t *frame, size_t len,
    uint32_t *width, uint32_t *height);

/* Per-frame layering information the encoder may give. */
typedef struct {
  bool non_reference;   /* N: no other frame depends on this one */
  bool has_tid;         /* send TID and Y */
  uint8_t tid;          /* 0..3 */
  bool layer_sync;      /* Y */
  bool has_tl0picidx;   /* send TL0PICIDX (RFC 7741 wants T set with L) */
  uint8_t tl0picidx;
  bool has_keyidx;      /* send KEYIDX */
  uint8_t keyidx;       /* 0..31 */
} tc_vp8_frame_info;

/* tc_payloader_vp8.payload with layering information (`info` may be NULL).
 * Every packet carries a 15-bit PictureID that increments per frame and
 * wraps 0x7FFF -> 0. The frame is split into packets of nearly equal size. */
tc_status tc_vp8_payload_frame (void *state, const uint8_t *frame, size_t len,
    const tc_vp8_frame_info *info, size_t mtu, tc_pay_emit_fn emit,
    void *user_data);

/* The frame info of a frame in `layer` (NULL or one layer: no layer
 * fields) whose TID 0 frame has TL0PICIDX `tl0picidx` (RFC 7741: a frame
 * above TID 0 carries that of the TID 0 frame before it). */
void tc_vp8_layer_info (const tc_temporal_layer *layer, uint8_t tl0picidx,
    tc_vp8_frame_info *info);

/* Sets the PictureID the next frame will carry (masked to 15 bits). A new
 * state starts at a random one, as browsers do. */
void tc_vp8_set_picture_id (void *state, uint16_t picture_id);

#endif
