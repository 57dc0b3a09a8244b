/* picture_asm.h - reassembly of a video frame whose first packet is marked
 * (VP8 S bit, VP9 B bit) and whose last carries the RTP marker.
 *
 * The packets in between must follow in sequence, share the first one's
 * timestamp and, when the payload format has one, its picture id; anything
 * else loses the frame. The VP8 and VP9 depayloaders parse their
 * descriptors and leave the bookkeeping to this. One per depayloader
 * state; zero-initialized is empty. Any thread, one at a time.
 */
#ifndef TEMPCHAT_RTP_PICTURE_ASM_H
#define TEMPCHAT_RTP_PICTURE_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtp/frame_buf.h"
#include "tempchat/tc_payloader.h"

/* What identifies the frame a packet belongs to, besides seq/timestamp. */
typedef struct {
  bool has_picture_id;
  uint16_t picture_id;
} tc_picture_ref;

typedef struct {
  tc_frame_buf buf;
  bool in_frame;
  bool keyframe;
  uint32_t timestamp;
  uint16_t next_seq;
  tc_picture_ref ref;     /* of the frame being reassembled */
  int temporal_id;        /* its first packet's TID; -1: none named */
} tc_picture_asm;

/* Forgets the frame being reassembled. */
void tc_picture_asm_reset (tc_picture_asm *a);

/* Frees the storage (the assembler is empty and usable again). */
void tc_picture_asm_free (tc_picture_asm *a);

/* Begins a new frame at `pkt` (an unfinished one before it is lost). */
void tc_picture_asm_start (tc_picture_asm *a, const tc_rtp_packet *pkt,
    tc_picture_ref ref, bool keyframe);

/* True when `pkt` continues the frame being reassembled. */
bool tc_picture_asm_continues (const tc_picture_asm *a,
    const tc_rtp_packet *pkt, tc_picture_ref ref);

/* Appends `data` (the packet's codec data) and, when `pkt` has the marker,
 * hands the frame to `on_frame` and resets. TC_ERR_TOO_LARGE (frame lost)
 * beyond `max` bytes. */
tc_status tc_picture_asm_add (tc_picture_asm *a, const tc_rtp_packet *pkt,
    const uint8_t *data, size_t len, size_t max, tc_frame_fn on_frame,
    void *user_data);

#endif
