/* frame_size.c - the size a keyframe announces, by codec.
 *
 * VP9 uncompressed header of a keyframe (VP9 bitstream spec 6.2), MSB first:
 *   frame_marker(2)=2 profile_low(1) profile_high(1) [reserved_zero(1) if
 *   profile 3] show_existing_frame(1)=0 frame_type(1)=0 show_frame(1)
 *   error_resilient_mode(1) sync_code(24)=0x498342
 *   color_config: [ten_or_twelve_bit(1) if profile>=2] color_space(3)
 *     color_space != CS_RGB(7): color_range(1) [ss_x(1) ss_y(1) reserved(1)
 *       if profile 1 or 3]
 *     color_space == CS_RGB: [reserved(1) if profile 1 or 3]
 *   frame_width_minus_1(16) frame_height_minus_1(16)
 */
#include "tempchat/tc_frame_size.h"

#include "rtp/pay_av1.h"
#include "rtp/pay_vp8.h"

typedef struct {
  const uint8_t *buf;
  size_t len;
  size_t bit;     /* next bit to read */
  bool overrun;
} bit_reader;

static unsigned
read_bits (bit_reader *r, unsigned n)
{
  unsigned v = 0;
  for (unsigned i = 0; i < n; i++) {
    if (r->bit >= r->len * 8) {
      r->overrun = true;
      return 0;
    }
    v = v << 1 | ((r->buf[r->bit / 8] >> (7 - r->bit % 8)) & 1u);
    r->bit++;
  }
  return v;
}

#define VP9_SYNC_CODE 0x498342u
#define VP9_CS_RGB 7u

static void
skip_color_config (bit_reader *r, unsigned profile)
{
  if (profile >= 2)
    read_bits (r, 1);                   /* ten_or_twelve_bit */
  unsigned color_space = read_bits (r, 3);
  bool odd_profile = profile == 1 || profile == 3;
  if (color_space != VP9_CS_RGB)
    read_bits (r, odd_profile ? 4 : 1); /* range [+ subsampling, reserved] */
  else if (odd_profile)
    read_bits (r, 1);                   /* reserved_zero */
}

tc_status
tc_vp9_keyframe_size (const uint8_t *frame, size_t len, unsigned *width,
    unsigned *height)
{
  if (frame == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  bit_reader r = { frame, len, 0, false };
  if (read_bits (&r, 2) != 2)
    return TC_ERR_PARSE;
  unsigned profile = read_bits (&r, 1);
  profile |= read_bits (&r, 1) << 1;
  if (profile == 3 && read_bits (&r, 1) != 0)
    return TC_ERR_PARSE;
  if (read_bits (&r, 1) != 0 || read_bits (&r, 1) != 0)  /* existing, inter */
    return TC_ERR_PARSE;
  read_bits (&r, 2);                    /* show_frame, error_resilient */
  if (read_bits (&r, 24) != VP9_SYNC_CODE)
    return TC_ERR_PARSE;
  skip_color_config (&r, profile);
  unsigned w = read_bits (&r, 16) + 1, h = read_bits (&r, 16) + 1;
  if (r.overrun)
    return TC_ERR_PARSE;
  *width = w;
  *height = h;
  return TC_OK;
}

/* AV1: the sequence header every keyframe TU carries (the payloader adds it
 * where the encoder left it out). */
static tc_status
av1_keyframe_size (const uint8_t *frame, size_t len, unsigned *width,
    unsigned *height)
{
  tc_av1_tu_info info;
  if (tc_av1_tu_info_read (frame, len, &info) != TC_OK || !info.keyframe
      || info.width == 0 || info.height == 0)
    return TC_ERR_PARSE;
  *width = info.width;
  *height = info.height;
  return TC_OK;
}

tc_status
tc_frame_keyframe_size (tc_sdp_codec codec, const uint8_t *frame, size_t len,
    unsigned *width, unsigned *height)
{
  if (frame == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  if (codec == TC_SDP_CODEC_VP9)
    return tc_vp9_keyframe_size (frame, len, width, height);
  if (codec == TC_SDP_CODEC_AV1)
    return av1_keyframe_size (frame, len, width, height);
  if (codec != TC_SDP_CODEC_VP8)
    return TC_ERR_UNSUPPORTED;
  uint16_t w, h;
  tc_status st = tc_vp8_keyframe_size (frame, len, &w, &h);
  if (st == TC_OK) {
    *width = w;
    *height = h;
  }
  return st;
}
