/* rtp_dd.h - the dependency descriptor RTP header extension (AV1 RTP
 * specification, appendix A), which Chromium sends with AV1 (and VP9)
 * L1T3 and reads from us.
 *
 * Pure functions: bytes in, structs out; no allocation, no clock, any
 * thread. A descriptor refers to a template dependency structure that came
 * with an earlier one (on keyframes), so parsing keeps the latest structure
 * in a caller's tc_dd_structure, one per received stream.
 *
 * Sending L1T3: tc_dd_l1t3_next () describes each frame (a fixed structure
 * of five templates like Chromium's own); tc_dd_write () turns that into the
 * extension's bytes, once per packet with start_of_frame / end_of_frame set
 * for that packet. The structure rides only on a keyframe's packets: 16
 * bytes, which fits the one-byte header extension form (RFC 8285).
 */
#ifndef TEMPCHAT_RTP_DD_H
#define TEMPCHAT_RTP_DD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

/* The extension's URI is TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR (tc_sdp.h),
 * where the SDP code that negotiates it lives. */

#define TC_DD_MAX_TEMPLATES 64          /* template ids are 6 bits */
#define TC_DD_MAX_DECODE_TARGETS 32     /* dt_cnt_minus_one is 5 bits */
#define TC_DD_MAX_CHAINS 32             /* at most one per decode target */
#define TC_DD_MAX_FDIFFS 16             /* we keep this many per frame */
#define TC_DD_MAX_SPATIAL 4             /* spatial ids are 0..3 */
/* An extension element is at most 255 bytes (two-byte form). */
#define TC_DD_MAX_LEN 255

/* Decode target indication (table A.1). */
typedef enum {
  TC_DD_DTI_NOT_PRESENT = 0,
  TC_DD_DTI_DISCARDABLE = 1,
  TC_DD_DTI_SWITCH = 2,
  TC_DD_DTI_REQUIRED = 3,
} tc_dd_dti;

/* What a template, or a frame, says about a frame. */
typedef struct {
  uint8_t spatial_id;                   /* 0..3 */
  uint8_t temporal_id;                  /* 0..7 */
  uint8_t dti[TC_DD_MAX_DECODE_TARGETS];  /* tc_dd_dti, per decode target */
  uint8_t fdiff_count;
  uint16_t fdiff[TC_DD_MAX_FDIFFS];     /* frames referenced, as distances:
                                         * 1..16 in templates, 1..4096 custom */
  uint8_t chain_fdiff[TC_DD_MAX_CHAINS];  /* 0..15 templates, 0..255 custom */
} tc_dd_info;

/* A template dependency structure (A.8.2). dt_count 0: none known yet. */
typedef struct {
  uint8_t template_id_offset;           /* 0..63 */
  uint8_t dt_count;                     /* decode targets, 1..32 */
  uint8_t template_count;               /* 1..64 */
  tc_dd_info templates[TC_DD_MAX_TEMPLATES];
  uint8_t chain_count;                  /* 0..dt_count */
  uint8_t dt_protected_by[TC_DD_MAX_DECODE_TARGETS];  /* chain per target */
  bool has_resolutions;
  uint16_t render_width[TC_DD_MAX_SPATIAL];   /* per spatial layer */
  uint16_t render_height[TC_DD_MAX_SPATIAL];
} tc_dd_structure;

/* One descriptor. */
typedef struct {
  bool start_of_frame;                  /* first packet of the frame */
  bool end_of_frame;                    /* last packet of the frame */
  uint8_t template_id;                  /* 0..63 */
  uint16_t frame_number;
  bool has_structure;                   /* a template structure rides along */
  bool has_active_decode_targets;
  uint32_t active_decode_targets;       /* bit i: decode target i active;
                                         * all of them when not present */
  bool custom_dtis;                     /* info.dti differs from the template */
  bool custom_fdiffs;                   /* info.fdiff* differ */
  bool custom_chains;                   /* info.chain_fdiff differs */
  tc_dd_info info;                      /* the template's, with the custom
                                         * fields applied */
} tc_dd_frame;

/* Parses one descriptor (the extension's data, `len` bytes). When it
 * carries a structure, that replaces *structure (also when `out` ends up
 * refused for another reason); otherwise *structure (the latest one) is
 * used to resolve the template. TC_ERR_PARSE for a descriptor shorter than
 * 3 bytes, cut short, or naming a template the structure lacks;
 * TC_ERR_UNSUPPORTED when no structure is known yet (the mandatory fields
 * of `out` are still filled) or a frame lists more than TC_DD_MAX_FDIFFS
 * references. Any thread. */
tc_status tc_dd_parse (const uint8_t *buf, size_t len,
    tc_dd_structure *structure, tc_dd_frame *out);

/* Writes `frame` against `structure` (which is written along when
 * frame->has_structure). The custom_* flags decide which of frame->info is
 * written; the rest must match the template. TC_ERR_INVALID_ARG for a
 * template id outside the structure, values out of range or templates not
 * ordered by spatial, then temporal id; TC_ERR_TOO_LARGE when `cap` is
 * short. Any thread. */
tc_status tc_dd_write (const tc_dd_structure *structure,
    const tc_dd_frame *frame, uint8_t *buf, size_t cap, size_t *written);

/* ---- L1T3, as we send it ------------------------------------------------- */

/* Fills our L1T3 structure: 3 decode targets (T0, T0+T1, T0+T1+T2), one
 * chain over the T0 frames, template_id_offset 0 and five templates:
 *   0  T0 keyframe    dti S S S   no references      chain 0
 *   1  T0             dti S S S   fdiff 4            chain 4
 *   2  T1             dti - D S   fdiff 2            chain 2
 *   3  T2 after T0    dti - - D   fdiff 1            chain 1
 *   4  T2 after T1    dti - - D   fdiff 1            chain 3
 * for the pattern T0 T2 T1 T2 T0 ... */
void tc_dd_l1t3_structure (tc_dd_structure *out);

/* Sender state; zero-initialise it (frame numbers then start at 0). */
typedef struct {
  bool started;                         /* a keyframe was described */
  uint16_t frame_number;                /* of the next frame */
  uint16_t last_t0;                     /* frame number of the latest T0 */
  uint16_t last_t1;
  bool t1_after_t0;                     /* a T1 came after the latest T0 */
} tc_dd_l1t3;

/* Describes the next encoded frame: `keyframe`, `temporal_id` 0..2 (from
 * the encoder; 0 for every frame of an encoder without layers). Fills
 * `frame` with start_of_frame and end_of_frame set (clear them for the
 * middle packets), the frame number, the template, and has_structure on
 * keyframes. A frame whose real references (T0 -> latest T0, T1 -> latest
 * T0, T2 -> latest T0 or T1) differ from its template gets custom fdiffs
 * and chains. TC_ERR_INVALID_ARG for temporal_id > 2, a keyframe not at
 * T0, or a delta frame before the first keyframe. */
tc_status tc_dd_l1t3_next (tc_dd_l1t3 *state, bool keyframe,
    uint8_t temporal_id, tc_dd_frame *frame);

/* ---- L1T1: one layer, for an encoder without temporal layers ------------ */

/* Fills the structure of a stream without layers: 1 decode target, one
 * chain, template_id_offset 0 and two templates:
 *   0  keyframe   dti S   no references   chain 0
 *   1  delta      dti S   fdiff 1         chain 1
 * (what Chromium sends for AV1 without scalability). */
void tc_dd_l1t1_structure (tc_dd_structure *out);

/* Describes the next frame of an L1T1 stream (each frame refers to the one
 * before it); `state` as for L1T3 (only started and frame_number are used).
 * Fills `frame` as tc_dd_l1t3_next does. TC_ERR_INVALID_ARG for a delta
 * frame before the first keyframe. */
tc_status tc_dd_l1t1_next (tc_dd_l1t3 *state, bool keyframe,
    tc_dd_frame *frame);

#endif
