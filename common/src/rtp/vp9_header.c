/* vp9_header.c - the start of a VP9 frame's uncompressed header.
 *
 * VP9 bitstream specification 6.2, read to tell keyframes, their profile
 * and size:
 *
 *   frame_marker(2) = 2, profile_low_bit(1), profile_high_bit(1),
 *   [reserved_zero(1) if profile 3], show_existing_frame(1) [then index(3),
 *   end], frame_type(1) (0 = key), show_frame(1), error_resilient_mode(1),
 *   key: sync code 49 83 42, color_config, frame_width_minus_1(16),
 *        frame_height_minus_1(16)
 *   else: [intra_only(1) if !show_frame], [reset_frame_context(2) if
 *        !error_resilient], intra_only: sync code, [color_config if
 *        profile > 0], refresh_frame_flags(8), frame size as above.
 */
#include "rtp/vp9_header.h"

#include <string.h>

#include "rtp/bitreader.h"

static bool
sync_code (tc_bitreader *br)
{
  return tc_bits_read (br, 24) == 0x498342;
}

/* color_config() (section 6.2.2); false for a reserved bit set. */
static bool
color_config (tc_bitreader *br, tc_vp9_header *h)
{
  h->bit_depth = 8;
  if (h->profile >= 2)
    h->bit_depth = tc_bits_read1 (br) ? 12 : 10;
  unsigned color_space = tc_bits_read (br, 3);
  bool odd_profile = h->profile == 1 || h->profile == 3;
  if (color_space != 7) {  /* not CS_RGB */
    tc_bits_read1 (br);    /* color_range */
    if (odd_profile) {
      tc_bits_read (br, 2);  /* subsampling_x, subsampling_y */
      return tc_bits_read1 (br) == 0;
    }
  } else if (odd_profile) {
    return tc_bits_read1 (br) == 0;
  }
  return true;
}

static void
frame_size (tc_bitreader *br, tc_vp9_header *h)
{
  h->width = tc_bits_read (br, 16) + 1;
  h->height = tc_bits_read (br, 16) + 1;
  h->has_size = true;
}

/* The rest of a non-key frame's header up to its size, if it has one. */
static bool
inter_header (tc_bitreader *br, tc_vp9_header *h)
{
  if (!h->show_frame)
    h->intra_only = tc_bits_read1 (br);
  if (!h->error_resilient)
    tc_bits_read (br, 2);  /* reset_frame_context */
  if (!h->intra_only)
    return true;
  if (!sync_code (br))
    return false;
  if (h->profile > 0) {
    if (!color_config (br, h))
      return false;
  } else {
    h->bit_depth = 8;
  }
  tc_bits_read (br, 8);  /* refresh_frame_flags */
  frame_size (br, h);
  return true;
}

tc_status
tc_vp9_header_parse (const uint8_t *frame, size_t len, tc_vp9_header *out)
{
  if (frame == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  tc_bitreader br;
  tc_bits_init (&br, frame, len, false);
  if (tc_bits_read (&br, 2) != 2)
    return TC_ERR_PARSE;
  unsigned low = tc_bits_read1 (&br);
  out->profile = (uint8_t) ((tc_bits_read1 (&br) << 1) | low);
  if (out->profile == 3 && tc_bits_read1 (&br) != 0)
    return TC_ERR_PARSE;
  out->show_existing_frame = tc_bits_read1 (&br);
  if (out->show_existing_frame) {
    tc_bits_read (&br, 3);  /* frame_to_show_map_idx */
    return br.overrun ? TC_ERR_PARSE : TC_OK;
  }
  out->keyframe = tc_bits_read1 (&br) == 0;
  out->show_frame = tc_bits_read1 (&br);
  out->error_resilient = tc_bits_read1 (&br);
  bool ok;
  if (out->keyframe) {
    ok = sync_code (&br) && color_config (&br, out);
    frame_size (&br, out);
  } else {
    ok = inter_header (&br, out);
  }
  if (!ok || br.overrun) {
    memset (out, 0, sizeof *out);
    return TC_ERR_PARSE;
  }
  return TC_OK;
}

tc_status
tc_vp9_keyframe_size (const uint8_t *frame, size_t len, uint32_t *width,
    uint32_t *height)
{
  if (frame == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  tc_vp9_header h;
  if (tc_vp9_header_parse (frame, len, &h) != TC_OK || !h.keyframe)
    return TC_ERR_PARSE;
  *width = h.width;
  *height = h.height;
  return TC_OK;
}
