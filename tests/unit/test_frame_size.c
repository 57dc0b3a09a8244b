/* test_frame_size.c - the size a keyframe announces (tc_frame_size.h).
 *
 * VP9 vectors are the first bytes of keyframes vp9enc (libvpx) wrote, one
 * per profile that matters: 0 (4:2:0 8 bit, what browsers send), 1 (4:4:4)
 * and 3; fields annotated as the VP9 bitstream spec (6.2) reads them.
 * The AV1 sequence header is test_pay_av1.c's seq_320x240, the H264 SPS
 * openh264's 320x180 one from test_h264_sps.c.
 */
#include "tempchat/tc_frame_size.h"

#include <glib.h>

typedef struct {
  const char *name;
  tc_sdp_codec codec;
  uint8_t bytes[32];
  size_t len;
  tc_status want;
  unsigned width, height;
} size_case;

static const size_case cases[] = {
  /* 10 0 0 0 0 1 0 | 49 83 42 | cs 001 range 0 | 319 | 239 */
  { "vp9 profile 0 320x240", TC_SDP_CODEC_VP9,
    { 0x82, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0, 0x0e, 0xf6, 0x08 }, 10,
    TC_OK, 320, 240 },
  /* 10 1 0 0 0 1 0 | 49 83 42 | cs 010 range 0 ss 0 0 res 0 | 1279 | 719 */
  { "vp9 profile 1 1280x720", TC_SDP_CODEC_VP9,
    { 0xa2, 0x49, 0x83, 0x42, 0x40, 0x09, 0xfe, 0x05, 0x9e, 0xc1 }, 10,
    TC_OK, 1280, 720 },
  /* 10 1 1 reserved 0 0 0 1 | error_res 0, sync across bytes | ... */
  { "vp9 profile 3 640x360", TC_SDP_CODEC_VP9,
    { 0xb1, 0x24, 0xc1, 0xa1, 0x48, 0x01, 0x3f, 0x80, 0xb3, 0xb0 }, 10,
    TC_OK, 640, 360 },
  { "vp9 inter frame (frame_type 1)", TC_SDP_CODEC_VP9,
    { 0x86, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0, 0x0e, 0xf6, 0x08 }, 10,
    TC_ERR_PARSE, 0, 0 },
  { "vp9 show_existing_frame", TC_SDP_CODEC_VP9,
    { 0x88, 0x49, 0x83, 0x42 }, 4, TC_ERR_PARSE, 0, 0 },
  { "vp9 wrong sync code", TC_SDP_CODEC_VP9,
    { 0x82, 0x49, 0x83, 0x43, 0x20, 0x13, 0xf0, 0x0e, 0xf6, 0x08 }, 10,
    TC_ERR_PARSE, 0, 0 },
  { "vp9 wrong frame marker", TC_SDP_CODEC_VP9,
    { 0x42, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0, 0x0e, 0xf6, 0x08 }, 10,
    TC_ERR_PARSE, 0, 0 },
  { "vp9 cut in the height", TC_SDP_CODEC_VP9,
    { 0x82, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0 }, 7, TC_ERR_PARSE, 0, 0 },
  { "vp9 empty", TC_SDP_CODEC_VP9, { 0 }, 0, TC_ERR_PARSE, 0, 0 },
  /* frame tag P=0 | 9d 01 2a | 640 LE | 360 LE (RFC 6386 9.1) */
  { "vp8 640x360", TC_SDP_CODEC_VP8,
    { 0x50, 0x2a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01 }, 10,
    TC_OK, 640, 360 },
  { "vp8 inter frame", TC_SDP_CODEC_VP8,
    { 0x51, 0x2a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01 }, 10,
    TC_ERR_PARSE, 0, 0 },
  /* Temporal delimiter | sequence header (AV1 5.5: profile 0, level 4.0,
   * max_frame_width_minus_1 319, max_frame_height_minus_1 239) | frame OBU
   * of one byte: show_existing_frame 0, frame_type KEY_FRAME, show_frame 1. */
  { "av1 keyframe TU 320x240", TC_SDP_CODEC_AV1,
    { 0x12, 0x00,
      0x0a, 0x08, 0x00, 0x00, 0x00, 0x42, 0x61, 0x3f, 0x77, 0x80,
      0x32, 0x01, 0x10 }, 15, TC_OK, 320, 240 },
  /* The same with frame_type INTER_FRAME: not decodable on its own. */
  { "av1 inter frame after a sequence header", TC_SDP_CODEC_AV1,
    { 0x12, 0x00,
      0x0a, 0x08, 0x00, 0x00, 0x00, 0x42, 0x61, 0x3f, 0x77, 0x80,
      0x32, 0x01, 0x30 }, 15, TC_ERR_PARSE, 0, 0 },
  /* A temporal delimiter OBU alone: no sequence header, no keyframe. */
  { "av1 without a sequence header", TC_SDP_CODEC_AV1, { 0x12, 0x00 }, 2,
    TC_ERR_PARSE, 0, 0 },
  /* start code | SPS (openh264 42c0 level 1.3, 320x180) | start code |
   * IDR slice header (nal_unit_type 5, first_mb_in_slice 0). */
  { "h264 SPS and IDR 320x180", TC_SDP_CODEC_H264,
    { 0x00, 0x00, 0x00, 0x01,
      0x67, 0x42, 0xc0, 0x0d, 0x8c, 0x8d, 0x40, 0xa0, 0xcb, 0xcf, 0x00, 0xf0,
      0x88, 0x46, 0xa0,
      0x00, 0x00, 0x01, 0x65, 0x88, 0x84 }, 25, TC_OK, 320, 180 },
  /* The SPS alone: a size, but no IDR to make it a keyframe. */
  { "h264 SPS without an IDR", TC_SDP_CODEC_H264,
    { 0x00, 0x00, 0x00, 0x01,
      0x67, 0x42, 0xc0, 0x0d, 0x8c, 0x8d, 0x40, 0xa0, 0xcb, 0xcf, 0x00, 0xf0,
      0x88, 0x46, 0xa0 }, 19, TC_ERR_PARSE, 0, 0 },
  { "h264 without an IDR", TC_SDP_CODEC_H264,
    { 0x00, 0x00, 0x00, 0x01, 0x41, 0x9a }, 6, TC_ERR_PARSE, 0, 0 },
  { "opus has no size", TC_SDP_CODEC_OPUS, { 0xfc }, 1, TC_ERR_UNSUPPORTED,
    0, 0 },
};

static void
test_keyframe_sizes_table (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    const size_case *c = &cases[i];
    unsigned w = 7, h = 7;
    g_test_message ("case: %s", c->name);
    g_assert_cmpint (tc_frame_keyframe_size (c->codec, c->bytes, c->len, &w,
            &h), ==, c->want);
    g_assert_cmpuint (w, ==, c->want == TC_OK ? c->width : 7);
    g_assert_cmpuint (h, ==, c->want == TC_OK ? c->height : 7);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-size/keyframe-sizes-table",
      test_keyframe_sizes_table);
  return g_test_run ();
}
