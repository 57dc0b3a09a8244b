/* av1_obu.c - reading AV1 OBUs (AV1 bitstream specification section 5):
 * LEB128, OBU headers, and the few header fields the payload format needs
 * (a sequence header's frame size and reduced_still_picture_header, a
 * frame header's frame_type).
 */
#include "rtp/av1_obu.h"

#include <string.h>

#include "rtp/bitreader.h"

#define AV1_KEY_FRAME 0

/* ---- LEB128 -------------------------------------------------------------- */

tc_status
tc_av1_leb128_read (const uint8_t *buf, size_t len, uint32_t *value,
    size_t *consumed)
{
  if ((buf == NULL && len > 0) || value == NULL || consumed == NULL)
    return TC_ERR_INVALID_ARG;
  uint64_t v = 0;
  for (size_t i = 0; i < len && i < TC_AV1_LEB128_MAX; i++) {
    v |= (uint64_t) (buf[i] & 0x7F) << (7 * i);
    if ((buf[i] & 0x80) == 0) {
      if (v > UINT32_MAX)
        return TC_ERR_PARSE;
      *value = (uint32_t) v;
      *consumed = i + 1;
      return TC_OK;
    }
  }
  return TC_ERR_PARSE;
}

size_t
tc_av1_leb128_size (uint32_t value)
{
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    n++;
  }
  return n;
}

size_t
tc_av1_leb128_write (uint32_t value, uint8_t *buf)
{
  size_t n = 0;
  do {
    uint8_t b = value & 0x7F;
    value >>= 7;
    buf[n++] = (uint8_t) (b | (value ? 0x80 : 0));
  } while (value);
  return n;
}

/* ---- OBUs ---------------------------------------------------------------- */

/* Reads one OBU at `buf`. With a size field it ends where that says;
 * without, at `len`. Sets *used to the bytes it took. */
tc_status
tc_av1_obu_read (const uint8_t *buf, size_t len, tc_av1_obu *o, size_t *used)
{
  if (len < 1 || (buf[0] & TC_AV1_OBU_FORBIDDEN))
    return TC_ERR_PARSE;
  o->header[0] = buf[0] & (uint8_t) ~TC_AV1_OBU_HAS_SIZE;
  o->header_len = (buf[0] & TC_AV1_OBU_EXTENSION) ? 2 : 1;
  o->type = TC_AV1_OBU_TYPE (buf[0]);
  if (len < o->header_len)
    return TC_ERR_PARSE;
  o->header[1] = o->header_len == 2 ? buf[1] : 0;
  size_t pos = o->header_len;
  if (buf[0] & TC_AV1_OBU_HAS_SIZE) {
    uint32_t size;
    size_t n;
    if (tc_av1_leb128_read (buf + pos, len - pos, &size, &n) != TC_OK
        || size > len - pos - n)
      return TC_ERR_PARSE;
    pos += n;
    o->payload_len = size;
  } else {
    o->payload_len = len - pos;
  }
  o->payload = buf + pos;
  *used = pos + o->payload_len;
  return TC_OK;
}

bool
tc_av1_obu_is_frame (uint8_t type)
{
  return type == TC_AV1_OBU_FRAME || type == TC_AV1_OBU_FRAME_HEADER;
}

/* reduced_still_picture_header: the third bit of a sequence header; such
 * streams have key frames only and no frame_type bits. */
bool
tc_av1_seq_reduced_still (const tc_av1_obu *seq)
{
  return seq->payload_len > 0 && (seq->payload[0] & 0x08) != 0;
}

/* uncompressed_header (AV1 section 5.9.2): show_existing_frame f(1), then
 * frame_type f(2). */
bool
tc_av1_frame_is_key (const tc_av1_obu *frame, bool reduced_still)
{
  if (reduced_still)
    return true;
  if (frame->payload_len < 1 || (frame->payload[0] & 0x80))
    return false;
  return ((frame->payload[0] >> 5) & 0x03) == AV1_KEY_FRAME;
}

/* Skips timing_info/decoder_model_info/operating points of a sequence
 * header (AV1 section 5.5.1) up to frame_width_bits_minus_1. */
static void
seq_skip_operating_points (tc_bitreader *b)
{
  bool decoder_model = false;
  unsigned delay_len = 0;
  if (tc_bits_read (b, 1)) {            /* timing_info_present_flag */
    tc_bits_read (b, 32);               /* num_units_in_display_tick */
    tc_bits_read (b, 32);               /* time_scale */
    if (tc_bits_read (b, 1))            /* equal_picture_interval */
      tc_bits_ue (b);  /* num_ticks_per_picture_minus_1: uvlc () is ue(v) */
    decoder_model = tc_bits_read (b, 1);
    if (decoder_model) {
      delay_len = tc_bits_read (b, 5) + 1;  /* buffer_delay_length_minus_1 */
      tc_bits_read (b, 32);             /* num_units_in_decoding_tick */
      tc_bits_read (b, 10);             /* two more length_minus_1 fields */
    }
  }
  bool display_delay = tc_bits_read (b, 1);
  unsigned ops = tc_bits_read (b, 5) + 1;
  for (unsigned i = 0; i < ops && !b->overrun; i++) {
    tc_bits_read (b, 12);               /* operating_point_idc */
    if (tc_bits_read (b, 5) > 7)        /* seq_level_idx */
      tc_bits_read (b, 1);              /* seq_tier */
    if (decoder_model && tc_bits_read (b, 1)) {
      tc_bits_read (b, delay_len);      /* decoder_buffer_delay */
      tc_bits_read (b, delay_len);      /* encoder_buffer_delay */
      tc_bits_read (b, 1);              /* low_delay_mode_flag */
    }
    if (display_delay && tc_bits_read (b, 1))
      tc_bits_read (b, 4);              /* initial_display_delay_minus_1 */
  }
}

/* max_frame_width/height of a sequence header. */
static tc_status
seq_frame_size (const tc_av1_obu *seq, uint32_t *width, uint32_t *height)
{
  tc_bitreader b;
  tc_bits_init (&b, seq->payload, seq->payload_len, false);
  tc_bits_read (&b, 3);                 /* seq_profile */
  tc_bits_read (&b, 1);                 /* still_picture */
  if (tc_bits_read (&b, 1))             /* reduced_still_picture_header */
    tc_bits_read (&b, 5);               /* seq_level_idx[0] */
  else
    seq_skip_operating_points (&b);
  unsigned wbits = tc_bits_read (&b, 4) + 1;
  unsigned hbits = tc_bits_read (&b, 4) + 1;
  uint32_t w = tc_bits_read (&b, wbits) + 1;
  uint32_t h = tc_bits_read (&b, hbits) + 1;
  if (b.overrun)
    return TC_ERR_PARSE;
  *width = w;
  *height = h;
  return TC_OK;
}

tc_status
tc_av1_tu_info_read (const uint8_t *tu, size_t len, tc_av1_tu_info *info)
{
  if (tu == NULL || info == NULL)
    return TC_ERR_INVALID_ARG;
  memset (info, 0, sizeof *info);
  tc_av1_key_scan scan = {0};
  for (size_t pos = 0, used; pos < len; pos += used) {
    tc_av1_obu o;
    if (tc_av1_obu_read (tu + pos, len - pos, &o, &used) != TC_OK)
      return TC_ERR_PARSE;
    if (o.type == TC_AV1_OBU_SEQUENCE_HEADER
        && seq_frame_size (&o, &info->width, &info->height) != TC_OK)
      return TC_ERR_PARSE;
    if (tc_av1_key_scan_obu (&scan, &o)) {
      info->temporal_id = o.header[1] >> 5;
      info->spatial_id = (o.header[1] >> 3) & 0x03;
    }
  }
  info->has_sequence_header = scan.has_seq;
  info->keyframe = scan.has_seq && scan.key;
  return TC_OK;
}

tc_status
tc_av1_keyframe_size (const uint8_t *tu, size_t len, uint32_t *width,
    uint32_t *height)
{
  if (tu == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  tc_av1_tu_info info;
  if (tc_av1_tu_info_read (tu, len, &info) != TC_OK || !info.keyframe
      || info.width == 0 || info.height == 0)
    return TC_ERR_PARSE;
  *width = info.width;
  *height = info.height;
  return TC_OK;
}

bool
tc_av1_key_scan_obu (tc_av1_key_scan *scan, const tc_av1_obu *o)
{
  if (o->type == TC_AV1_OBU_SEQUENCE_HEADER) {
    scan->has_seq = true;
    scan->reduced = tc_av1_seq_reduced_still (o);
    return false;
  }
  if (!tc_av1_obu_is_frame (o->type) || scan->frame_seen)
    return false;
  scan->frame_seen = true;
  scan->key = tc_av1_frame_is_key (o, scan->reduced);
  return true;
}
