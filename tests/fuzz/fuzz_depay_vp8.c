/* fuzz_depay_vp8.c - arbitrary packet sequences through the jitter buffer
 * and the VP8 depayloader, and straight into a second VP8 depayloader.
 *
 * Input framing: fuzz_packets.h. Checks beyond "no crash, no leak": the
 * buffer stays within its packet limit, frames are never empty, and every
 * descriptor that parses writes back to one that parses the same.
 */
#include <string.h>

#include "fuzz_video_depay.h"
#include "rtp/pay_vp8.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define check fuzz_video_check

static void
on_frame (const tc_frame *frame, void *user_data)
{
  size_t *count = user_data;
  check (frame->len > 0 && frame->data != NULL);
  uint32_t w, h;
  tc_status st = tc_vp8_keyframe_size (frame->data, frame->len, &w, &h);
  check (st == TC_OK || st == TC_ERR_PARSE);
  check (!frame->keyframe || (frame->data[0] & 1) == 0);
  (*count)++;
}

static int
same_descriptor (const tc_vp8_descriptor *a, const tc_vp8_descriptor *b)
{
  return a->non_reference == b->non_reference && a->start == b->start
      && a->pid == b->pid && a->has_picture_id == b->has_picture_id
      && (!a->has_picture_id || (a->picture_id_long == b->picture_id_long
              && a->picture_id == b->picture_id))
      && a->has_tl0picidx == b->has_tl0picidx
      && (!a->has_tl0picidx || a->tl0picidx == b->tl0picidx)
      && a->has_tid == b->has_tid
      && (!a->has_tid || (a->tid == b->tid && a->layer_sync == b->layer_sync))
      && a->has_keyidx == b->has_keyidx
      && (!a->has_keyidx || a->keyidx == b->keyidx);
}

static void
descriptor_round_trip (const tc_rtp_packet *pkt)
{
  tc_vp8_descriptor d, back;
  size_t used, written, used2;
  uint8_t buf[TC_VP8_DESCRIPTOR_MAX];
  if (pkt->payload == NULL
      || tc_vp8_descriptor_parse (pkt->payload, pkt->payload_len, &d, &used))
    return;
  check (used <= pkt->payload_len && used <= TC_VP8_DESCRIPTOR_MAX);
  check (tc_vp8_descriptor_write (&d, buf, sizeof buf, &written) == TC_OK);
  check (tc_vp8_descriptor_parse (buf, written, &back, &used2) == TC_OK);
  check (used2 == written && same_descriptor (&d, &back));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_video_depay (&tc_payloader_vp8, data, size, on_frame,
      descriptor_round_trip);
  return 0;
}
