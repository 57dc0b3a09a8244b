/* picture_asm.c - frame reassembly for payload formats with a start bit. */
#include "rtp/picture_asm.h"

void
tc_picture_asm_reset (tc_picture_asm *a)
{
  a->buf.len = 0;
  a->in_frame = false;
}

void
tc_picture_asm_free (tc_picture_asm *a)
{
  tc_frame_buf_free (&a->buf);
  tc_picture_asm_reset (a);
}

void
tc_picture_asm_start (tc_picture_asm *a, const tc_rtp_packet *pkt,
    tc_picture_ref ref, bool keyframe)
{
  tc_picture_asm_reset (a);
  a->in_frame = true;
  a->timestamp = pkt->timestamp;
  a->next_seq = pkt->seq;
  a->keyframe = keyframe;
  a->ref = ref;
  a->temporal_id = -1;
}

bool
tc_picture_asm_continues (const tc_picture_asm *a, const tc_rtp_packet *pkt,
    tc_picture_ref ref)
{
  if (!a->in_frame || pkt->seq != a->next_seq
      || pkt->timestamp != a->timestamp)
    return false;
  if (ref.has_picture_id != a->ref.has_picture_id)
    return false;
  return !ref.has_picture_id || ref.picture_id == a->ref.picture_id;
}

tc_status
tc_picture_asm_add (tc_picture_asm *a, const tc_rtp_packet *pkt,
    const uint8_t *data, size_t len, size_t max, tc_frame_fn on_frame,
    void *user_data)
{
  tc_status rc = tc_frame_buf_append (&a->buf, data, len, max);
  if (rc != TC_OK) {
    tc_picture_asm_reset (a);
    return rc;
  }
  a->next_seq = (uint16_t) (pkt->seq + 1);
  if (pkt->marker) {
    tc_frame f = {
      .data = a->buf.data,
      .len = a->buf.len,
      .rtp_timestamp = a->timestamp,
      .keyframe = a->keyframe,
      .has_temporal_id = a->temporal_id >= 0,
      .temporal_id = a->temporal_id >= 0 ? (uint8_t) a->temporal_id : 0,
    };
    on_frame (&f, user_data);
    tc_picture_asm_reset (a);
  }
  return TC_OK;
}
