/* pay_vp9.h - VP9 payload format details (RFC 9628) beyond tc_payloader.
 *
 * Pure functions on bytes plus the VP9 payloader state. Internal to the core
 * and its tests; the session reaches VP9 through tc_payloader_vp9.
 */
#ifndef TEMPCHAT_RTP_PAY_VP9_H
#define TEMPCHAT_RTP_PAY_VP9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtp/vp9_header.h"
#include "tempchat/tc_layers.h"
#include "tempchat/tc_payloader.h"

/* Largest frame the depayloader reassembles; beyond it, TC_ERR_TOO_LARGE. */
#define TC_VP9_MAX_FRAME (4u * 1024u * 1024u)
#define TC_VP9_PICTURE_ID_MASK 0x7FFF
#define TC_VP9_MAX_SPATIAL 8     /* N_S is 3 bits */
#define TC_VP9_MAX_GOF 255       /* N_G is 8 bits */
#define TC_VP9_MAX_P_DIFF 3      /* references per picture (section 4.2) */
/* Longest descriptor without SS: byte, 2 PictureID, L, TL0PICIDX or 3
 * P_DIFF. */
#define TC_VP9_DESCRIPTOR_BASE_MAX 7

/* One picture of a group of frames (GOF) in the scalability structure. */
typedef struct {
  uint8_t tid;            /* 0..7 */
  bool switching_up;      /* U */
  uint8_t n_refs;         /* R, 0..3 */
  uint8_t p_diff[TC_VP9_MAX_P_DIFF];
} tc_vp9_gof_entry;

typedef struct {
  uint8_t count;          /* N_G, 0..255 */
  tc_vp9_gof_entry entry[TC_VP9_MAX_GOF];
} tc_vp9_gof;

/* Scalability structure (section 4.2.1), sent with key pictures. */
typedef struct {
  uint8_t n_spatial;      /* N_S + 1, 1..8 */
  bool has_resolution;    /* Y */
  uint16_t width[TC_VP9_MAX_SPATIAL];
  uint16_t height[TC_VP9_MAX_SPATIAL];
  bool has_gof;           /* G */
  tc_vp9_gof gof;
} tc_vp9_ss;

/* RFC 9628 section 4.2 payload descriptor, decoded. Fields behind a flag are
 * meaningful only when it is set: picture id behind has_picture_id (I),
 * layer indices behind has_layer (L) with tl0picidx only in non-flexible
 * mode, p_diff only in flexible mode with P set. */
typedef struct {
  bool has_picture_id;    /* I */
  bool inter_picture;     /* P: depends on an earlier picture */
  bool has_layer;         /* L */
  bool flexible;          /* F */
  bool start;             /* B: first packet of a layer frame */
  bool end;               /* E: last packet of a layer frame */
  bool has_ss;            /* V */
  bool not_ref_upper;     /* Z: no upper spatial layer refers to this one */
  bool picture_id_long;   /* M */
  uint16_t picture_id;    /* 7 or 15 bits */
  uint8_t tid;            /* 0..7 */
  bool switching_up;      /* U */
  uint8_t sid;            /* 0..7 */
  bool inter_layer_dep;   /* D */
  uint8_t tl0picidx;
  uint8_t n_p_diff;       /* 1..3 in flexible mode with P */
  uint8_t p_diff[TC_VP9_MAX_P_DIFF];  /* 1..127 each */
} tc_vp9_descriptor;

/* Parses the descriptor at the start of an RTP payload; the SS goes to `ss`
 * when it is there and `ss` is not NULL (it is skipped over otherwise).
 * Sets *consumed to the descriptor's length; VP9 data follows. TC_ERR_PARSE
 * when `buf` ends inside it, F is set without I (section 4.2), or a fourth
 * P_DIFF is announced. Any thread. */
tc_status tc_vp9_descriptor_parse (const uint8_t *buf, size_t len,
    tc_vp9_descriptor *out, tc_vp9_ss *ss, size_t *consumed);

/* Bytes tc_vp9_descriptor_write needs for `d` (and `ss` when d->has_ss). */
size_t tc_vp9_descriptor_size (const tc_vp9_descriptor *d,
    const tc_vp9_ss *ss);

/* Writes `d` (and `ss`, required when d->has_ss). TC_ERR_TOO_LARGE when
 * `cap` is short, TC_ERR_INVALID_ARG for values out of range. Any thread. */
tc_status tc_vp9_descriptor_write (const tc_vp9_descriptor *d,
    const tc_vp9_ss *ss, uint8_t *buf, size_t cap, size_t *written);

/* Per-frame layering information the encoder may give (non-flexible mode,
 * section 4.2: layer indices with TL0PICIDX). */
typedef struct {
  bool has_layer;         /* send L */
  uint8_t tid;            /* 0..7 */
  bool switching_up;      /* U */
  uint8_t sid;            /* 0..7; only 0 (one spatial layer) is tested */
  bool inter_layer_dep;   /* D */
  uint8_t tl0picidx;
  bool not_ref_upper;     /* Z */
  /* The temporal pattern written into the SS of keyframes; NULL leaves the
   * SS without GOF (G = 0). Borrowed for the call. */
  const tc_vp9_gof *gof;
} tc_vp9_frame_info;

/* Fills `gof` with the usual pattern for 1..3 temporal layers (L1T1, L1T2,
 * L1T3 as libvpx's real-time encoder and browsers use them: for L1T3,
 * TID 0 2 1 2 referring back 4 1 2 1 pictures). TC_ERR_INVALID_ARG
 * otherwise. */
tc_status tc_vp9_gof_for_temporal_layers (unsigned layers, tc_vp9_gof *gof);

/* The frame info of a frame in `layer` (NULL or one layer: none, and the
 * SS of keyframes without GOF) whose TID 0 frame has TL0PICIDX
 * `tl0picidx`, in non-flexible mode; `gof` is storage for the L1T3 pattern
 * the info points to (it must outlive the info). */
void tc_vp9_layer_info (const tc_temporal_layer *layer, uint8_t tl0picidx,
    tc_vp9_gof *gof, tc_vp9_frame_info *info);

/* tc_payloader_vp9.payload with layering information (`info` may be NULL).
 * Every packet carries a 15-bit picture id that increments per frame (wraps
 * 0x7FFF -> 0); B on the first packet, E on the last (which also has the
 * marker: one frame is one picture, a superframe stays whole). P is clear
 * when the frame's header says keyframe (or, when the header cannot be
 * read, when `keyframe` says so); keyframes carry an SS with the size read
 * from their header in the first packet. The frame is split into packets of
 * nearly equal size. */
tc_status tc_vp9_payload_frame (void *state, const uint8_t *frame, size_t len,
    bool keyframe, const tc_vp9_frame_info *info, size_t mtu,
    tc_pay_emit_fn emit, void *user_data);

/* Sets the picture id the next frame will carry (masked to 15 bits). A new
 * state starts at a random one, as browsers do. */
void tc_vp9_set_picture_id (void *state, uint16_t picture_id);

#endif
