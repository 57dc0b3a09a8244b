/* h264_sps.c - the H264 sequence parameter set, read up to its cropping.
 *
 * Syntax (H.264 section 7.3.2.1.1), the fields we walk through:
 *
 *   profile_idc u(8), constraint_set0..5 + reserved u(8), level_idc u(8)
 *   seq_parameter_set_id ue
 *   if profile_idc in (100 110 122 244 44 83 86 118 128 138 139 134 135):
 *     chroma_format_idc ue, [separate_colour_plane_flag u(1) if 3]
 *     bit_depth_luma_minus8 ue, bit_depth_chroma_minus8 ue
 *     qpprime_y_zero_transform_bypass_flag u(1)
 *     seq_scaling_matrix_present_flag u(1) [8 or 12 scaling lists]
 *   log2_max_frame_num_minus4 ue
 *   pic_order_cnt_type ue [0: lsb ue; 1: flag, 2 se, count ue, count se]
 *   max_num_ref_frames ue, gaps_in_frame_num_value_allowed_flag u(1)
 *   pic_width_in_mbs_minus1 ue, pic_height_in_map_units_minus1 ue
 *   frame_mbs_only_flag u(1) [mb_adaptive_frame_field_flag u(1) if 0]
 *   direct_8x8_inference_flag u(1)
 *   frame_cropping_flag u(1) [left, right, top, bottom offsets ue]
 *
 * Size (section 7.4.2.1.1): width = 16 * mbs_w - CropUnitX * (left +
 * right), height = 16 * (2 - frame_mbs_only) * map_units_h - CropUnitY *
 * (top + bottom), with CropUnitX/Y from the chroma subsampling (and times
 * 2 - frame_mbs_only for Y).
 */
#include "rtp/h264_sps.h"

#include <string.h>

#include "rtp/bitreader.h"

#define NAL_SPS 7
/* The largest picture any level of H.264 allows (A.3.1, level 6.2:
 * MaxFS 139264 macroblocks, each side at most Sqrt (MaxFS * 8) = 1055
 * macroblocks, 16880 samples). A larger SPS describes no stream we could
 * receive, and its size would mislead whoever sizes buffers or caps by it. */
#define MAX_MBS 1055u
#define MAX_FRAME_MBS 139264u

static bool
has_chroma_fields (uint8_t profile_idc)
{
  static const uint8_t high[] = {100, 110, 122, 244, 44, 83, 86, 118, 128,
    138, 139, 134, 135};
  for (size_t i = 0; i < sizeof high; i++)
    if (high[i] == profile_idc)
      return true;
  return false;
}

/* scaling_list() (section 7.3.2.1.1.1): only its length matters here. */
static void
skip_scaling_list (tc_bitreader *br, unsigned size)
{
  int last = 8, next = 8;
  for (unsigned j = 0; j < size && !br->overrun; j++) {
    if (next != 0) {
      int32_t delta = tc_bits_se (br);
      if (delta < -128 || delta > 127) {
        br->overrun = true;  /* out of range: treat as broken */
        return;
      }
      next = (last + delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
}

static bool
chroma_fields (tc_bitreader *br, tc_h264_sps *s, bool *separate_planes)
{
  s->chroma_format_idc = tc_bits_ue (br);
  if (s->chroma_format_idc > 3)
    return false;
  if (s->chroma_format_idc == 3)
    *separate_planes = tc_bits_read1 (br);
  uint32_t luma = tc_bits_ue (br);
  uint32_t chroma = tc_bits_ue (br);
  if (luma > 6 || chroma > 6)
    return false;
  s->bit_depth_luma = 8 + luma;
  tc_bits_read1 (br);  /* qpprime_y_zero_transform_bypass_flag */
  if (tc_bits_read1 (br)) {
    unsigned lists = s->chroma_format_idc != 3 ? 8 : 12;
    for (unsigned i = 0; i < lists; i++)
      if (tc_bits_read1 (br))
        skip_scaling_list (br, i < 6 ? 16 : 64);
  }
  return true;
}

static bool
pic_order_cnt (tc_bitreader *br)
{
  if (tc_bits_ue (br) > 12)  /* log2_max_frame_num_minus4 */
    return false;
  uint32_t type = tc_bits_ue (br);
  if (type == 0)
    return tc_bits_ue (br) <= 12;  /* log2_max_pic_order_cnt_lsb_minus4 */
  if (type == 1) {
    tc_bits_read1 (br);  /* delta_pic_order_always_zero_flag */
    tc_bits_se (br);     /* offset_for_non_ref_pic */
    tc_bits_se (br);     /* offset_for_top_to_bottom_field */
    uint32_t cycle = tc_bits_ue (br);
    if (cycle > 255)
      return false;
    for (uint32_t i = 0; i < cycle && !br->overrun; i++)
      tc_bits_se (br);
    return true;
  }
  return type == 2;
}

/* Picture size and cropping, section 7.4.2.1.1. */
static bool
picture_size (tc_bitreader *br, tc_h264_sps *s, bool separate_planes)
{
  uint32_t mbs_w = tc_bits_ue (br) + 1;
  uint32_t units_h = tc_bits_ue (br) + 1;
  s->frame_mbs_only = tc_bits_read1 (br);
  if (!s->frame_mbs_only)
    tc_bits_read1 (br);  /* mb_adaptive_frame_field_flag */
  tc_bits_read1 (br);    /* direct_8x8_inference_flag */
  uint32_t crop[4] = {0, 0, 0, 0};  /* left, right, top, bottom */
  if (tc_bits_read1 (br))
    for (int i = 0; i < 4; i++)
      crop[i] = tc_bits_ue (br);
  uint32_t fields = s->frame_mbs_only ? 1 : 2;
  if (br->overrun || mbs_w > MAX_MBS || units_h > MAX_MBS
      || units_h * fields > MAX_MBS || mbs_w * units_h * fields > MAX_FRAME_MBS)
    return false;

  uint32_t chroma = separate_planes ? 0 : s->chroma_format_idc;
  uint32_t unit_x = (chroma == 1 || chroma == 2) ? 2 : 1;
  uint32_t unit_y = (chroma == 1 ? 2 : 1) * fields;
  uint64_t w = 16ull * mbs_w;
  uint64_t h = 16ull * units_h * fields;
  uint64_t cx = (uint64_t) unit_x * ((uint64_t) crop[0] + crop[1]);
  uint64_t cy = (uint64_t) unit_y * ((uint64_t) crop[2] + crop[3]);
  if (cx >= w || cy >= h)
    return false;
  s->width = (uint32_t) (w - cx);
  s->height = (uint32_t) (h - cy);
  return true;
}

tc_status
tc_h264_sps_parse (const uint8_t *nal, size_t len, tc_h264_sps *out)
{
  if (nal == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  if (len < 4 || (nal[0] & 0x1F) != NAL_SPS || (nal[0] & 0x80))
    return TC_ERR_PARSE;
  tc_bitreader br;
  tc_bits_init (&br, nal + 1, len - 1, true);
  tc_h264_sps s = {.chroma_format_idc = 1, .bit_depth_luma = 8};
  s.profile_idc = (uint8_t) tc_bits_read (&br, 8);
  s.constraint_flags = (uint8_t) tc_bits_read (&br, 8);
  s.level_idc = (uint8_t) tc_bits_read (&br, 8);
  s.sps_id = tc_bits_ue (&br);
  bool separate_planes = false;
  bool ok = s.sps_id <= 31
      && (!has_chroma_fields (s.profile_idc)
          || chroma_fields (&br, &s, &separate_planes))
      && pic_order_cnt (&br);
  if (ok) {
    tc_bits_ue (&br);    /* max_num_ref_frames */
    tc_bits_read1 (&br); /* gaps_in_frame_num_value_allowed_flag */
    ok = picture_size (&br, &s, separate_planes);
  }
  if (!ok || br.overrun)
    return TC_ERR_PARSE;
  *out = s;
  return TC_OK;
}
