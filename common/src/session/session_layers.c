/* session_layers.c - a video frame's temporal layer onto the wire: VP8's
 * TID/Y/TL0PICIDX (RFC 7741), VP9's layer indices with the L1T3 pattern in
 * the scalability structure of keyframes (RFC 9628, non-flexible mode), and
 * the AV1 dependency descriptor header extension when the peer agreed to it
 * (its bytes are written per packet in session_send.c).
 */
#include "session/session_internal.h"

#include "rtp/pay_vp8.h"
#include "rtp/pay_vp9.h"

/* TL0PICIDX counts TID 0 frames; a frame above carries that of the TID 0
 * frame before it. */
static uint8_t
next_tl0picidx (tc_send_stream *st, const tc_temporal_layer *layer)
{
  if (layer != NULL && layer->layers > 1 && layer->temporal_id == 0)
    st->tl0picidx++;
  return st->tl0picidx;
}

tc_status
tc_call_payload_frame (tc_send_stream *st, const uint8_t *data, size_t len,
    bool keyframe, const tc_temporal_layer *layer, size_t mtu,
    tc_pay_emit_fn emit, void *user_data)
{
  if (st->codec == TC_SDP_CODEC_VP8) {
    tc_vp8_frame_info info;
    tc_vp8_layer_info (layer, next_tl0picidx (st, layer), &info);
    return tc_vp8_payload_frame (st->pay_state, data, len, &info, mtu, emit,
        user_data);
  }
  if (st->codec == TC_SDP_CODEC_VP9) {
    tc_vp9_frame_info info;
    tc_vp9_gof gof;
    tc_vp9_layer_info (layer, next_tl0picidx (st, layer), &gof, &info);
    return tc_vp9_payload_frame (st->pay_state, data, len, keyframe, &info,
        mtu, emit, user_data);
  }
  return st->pay->payload (st->pay_state, data, len, keyframe, mtu, emit,
      user_data);
}

bool
tc_call_dd_next (tc_send_stream *st, bool keyframe,
    const tc_temporal_layer *layer, tc_dd_structure *structure,
    tc_dd_frame *frame)
{
  if (st->ext_dd == 0 || st->codec != TC_SDP_CODEC_AV1)
    return false;
  if (layer != NULL && layer->layers == 3) {
    tc_dd_l1t3_structure (structure);
    return tc_dd_l1t3_next (&st->dd, keyframe, layer->temporal_id,
        frame) == TC_OK;
  }
  tc_dd_l1t1_structure (structure);
  return tc_dd_l1t1_next (&st->dd, keyframe, frame) == TC_OK;
}
