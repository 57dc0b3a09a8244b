/* frame_size.c - the size a keyframe announces, by codec: each payload
 * format's own header reader (VP8 frame tag, VP9 uncompressed header, the
 * AV1 sequence header of a keyframe TU, the H264 SPS of an IDR access unit).
 */
#include "tempchat/tc_frame_size.h"

#include "rtp/pay_av1.h"
#include "rtp/pay_h264.h"
#include "rtp/pay_vp8.h"
#include "rtp/pay_vp9.h"

tc_status
tc_frame_keyframe_size (tc_sdp_codec codec, const uint8_t *frame, size_t len,
    unsigned *width, unsigned *height)
{
  if (frame == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  uint32_t w = 0, h = 0;
  tc_status st;
  switch (codec) {
    case TC_SDP_CODEC_VP8:
      st = tc_vp8_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_VP9:
      st = tc_vp9_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_AV1:
      st = tc_av1_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_H264:
      st = tc_h264_keyframe_size (frame, len, &w, &h);
      break;
    default:
      return TC_ERR_UNSUPPORTED;
  }
  if (st == TC_OK) {
    *width = w;
    *height = h;
  }
  return st;
}
