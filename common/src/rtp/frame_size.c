/* frame_size.c - the size a keyframe announces, by codec: each payload
 * format's own header reader (VP8 frame tag, VP9 uncompressed header, the
 * AV1 sequence header of a keyframe TU, the H264 SPS of an IDR access unit).
 */
#include "tempchat/tc_frame_size.h"

#include "rtp/pay_av1.h"
#include "rtp/pay_h264.h"
#include "rtp/pay_vp8.h"
#include "rtp/pay_vp9.h"

/* AV1: the sequence header every keyframe TU carries (the payloader adds it
 * where the encoder left it out). */
static tc_status
av1_keyframe_size (const uint8_t *frame, size_t len, uint32_t *width,
    uint32_t *height)
{
  tc_av1_tu_info info;
  if (tc_av1_tu_info_read (frame, len, &info) != TC_OK || !info.keyframe
      || info.width == 0 || info.height == 0)
    return TC_ERR_PARSE;
  *width = info.width;
  *height = info.height;
  return TC_OK;
}

static tc_status
vp8_keyframe_size (const uint8_t *frame, size_t len, uint32_t *width,
    uint32_t *height)
{
  uint16_t w, h;
  tc_status st = tc_vp8_keyframe_size (frame, len, &w, &h);
  *width = w;
  *height = h;
  return st;
}

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
      st = vp8_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_VP9:
      st = tc_vp9_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_AV1:
      st = av1_keyframe_size (frame, len, &w, &h);
      break;
    case TC_SDP_CODEC_H264:
      st = tc_h264_au_has_idr (frame, len) ? tc_h264_au_size (frame, len, &w, &h)
          : TC_ERR_PARSE;
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
