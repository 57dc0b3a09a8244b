/* test_h264_sps.c - sizes and profiles from H264 sequence parameter sets:
 * real ones from x264 and openh264 (GStreamer 1.22) and hand-made ones for
 * what encoders rarely write (an emulation prevention byte before the size
 * fields, field coding). */
#include <glib.h>
#include <string.h>

#include "rtp/h264_sps.h"
#include "rtp/pay_h264.h"

static const guint8 sps_x264_320x180[] = {
    0x67, 0x64, 0x00, 0x14, 0xac, 0xd9, 0x41, 0x41, 0x9f, 0x9f, 0x01, 0x6a,
    0x0c, 0x0c, 0x0d, 0x4a, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x03,
    0x00, 0x79, 0x1e, 0x28, 0x53, 0x2c,
};

static const guint8 sps_x264_1280x720[] = {
    0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50, 0x05, 0xbb, 0x01, 0x6a,
    0x02, 0x02, 0x02, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x1e,
    0x47, 0x8c, 0x18, 0xcb,
};

static const guint8 sps_x264_1920x1080[] = {
    0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78, 0x02, 0x27, 0xe5, 0xc0,
    0x5a, 0x80, 0x80, 0x80, 0xa0, 0x00, 0x00, 0x03, 0x00, 0x20, 0x00, 0x00,
    0x07, 0x91, 0xe3, 0x06, 0x32, 0xc0,
};

static const guint8 sps_openh264_320x180[] = {
    0x67, 0x42, 0xc0, 0x0d, 0x8c, 0x8d, 0x40, 0xa0, 0xcb, 0xcf, 0x00, 0xf0,
    0x88, 0x46, 0xa0,
};

static const guint8 sps_x264_444[] = {
    0x67, 0xf4, 0x00, 0x0d, 0x91, 0x9b, 0x28, 0x28, 0x33, 0xf1, 0xb8, 0x0b,
    0x50, 0x60, 0x60, 0x64, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03,
    0x00, 0xf2, 0x3c, 0x50, 0xa6, 0x58,
};

static const guint8 sps_epb_in_poc[] = {
    0x67, 0x42, 0xc0, 0x1f, 0x11, 0x4d, 0x00, 0x00, 0x03, 0x02, 0x00, 0x00,
    0x04, 0x05, 0x01, 0x7e, 0xdc, 0xa8,
};

static const guint8 sps_interlaced[] = {
    0x67, 0x4d, 0x40, 0x28, 0x25, 0xb0, 0x1e, 0x01, 0x11, 0xf6, 0x80,
};


static const struct {
  const char *what;
  const guint8 *nal;
  size_t len;
  guint profile_idc, constraint_flags, level_idc, chroma_format_idc;
  guint width, height;
} vectors[] = {
  {"x264 High 4:2:0, level 2, 320x180 (12 rows cropped)", sps_x264_320x180, sizeof sps_x264_320x180, 100, 0x00, 20, 1, 320, 180},
  {"x264 High, level 3.1, 1280x720 (VUI with emulation prevention)", sps_x264_1280x720, sizeof sps_x264_1280x720, 100, 0x00, 31, 1, 1280, 720},
  {"x264 High, level 4, 1920x1080 (1088 coded, 8 rows cropped)", sps_x264_1920x1080, sizeof sps_x264_1920x1080, 100, 0x00, 40, 1, 1920, 1080},
  {"openh264 Constrained Baseline (42c0), level 1.3, 320x180", sps_openh264_320x180, sizeof sps_openh264_320x180, 66, 0xc0, 13, 1, 320, 180},
  {"x264 High 4:4:4 Predictive, 320x180, chroma_format_idc 3", sps_x264_444, sizeof sps_x264_444, 244, 0x00, 13, 3, 320, 180},
  {"hand-made: an emulation prevention byte before the size, cropping 2/2/0/4 of 640x368", sps_epb_in_poc, sizeof sps_epb_in_poc, 66, 0xc0, 31, 1, 632, 360},
  {"hand-made: Main, field coding (frame_mbs_only 0), 1920x1088 cropped to 1080", sps_interlaced, sizeof sps_interlaced, 77, 0x40, 40, 1, 1920, 1080},

};

static void
test_sps_gives_profile_level_and_cropped_size (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (vectors); i++) {
    g_test_message ("%s", vectors[i].what);
    tc_h264_sps sps;
    g_assert_cmpint (tc_h264_sps_parse (vectors[i].nal, vectors[i].len, &sps),
        ==, TC_OK);
    g_assert_cmpuint (sps.profile_idc, ==, vectors[i].profile_idc);
    g_assert_cmpuint (sps.constraint_flags, ==, vectors[i].constraint_flags);
    g_assert_cmpuint (sps.level_idc, ==, vectors[i].level_idc);
    g_assert_cmpuint (sps.chroma_format_idc, ==, vectors[i].chroma_format_idc);
    g_assert_cmpuint (sps.width, ==, vectors[i].width);
    g_assert_cmpuint (sps.height, ==, vectors[i].height);
  }
  tc_h264_sps sps;
  g_assert_cmpint (tc_h264_sps_parse (sps_interlaced, sizeof sps_interlaced,
          &sps), ==, TC_OK);
  g_assert_false (sps.frame_mbs_only);
  g_assert_cmpuint (sps.sps_id, ==, 3);
}

static void
test_sps_reads_through_emulation_prevention (void)
{
  /* The hand-made SPS has 00 00 03 02 before its size fields: the 03 is an
   * emulation prevention byte. Its RBSP (the 03 taken out) must read the
   * same, so the parser stepped over it rather than reading it as data. */
  guint8 rbsp[sizeof sps_epb_in_poc];
  size_t n = 0;
  for (size_t i = 0; i < sizeof sps_epb_in_poc; i++)
    if (!(i >= 2 && sps_epb_in_poc[i] == 0x03 && sps_epb_in_poc[i - 1] == 0
            && sps_epb_in_poc[i - 2] == 0))
      rbsp[n++] = sps_epb_in_poc[i];
  g_assert_cmpuint (n, ==, sizeof sps_epb_in_poc - 1);
  tc_h264_sps a, b;
  g_assert_cmpint (tc_h264_sps_parse (sps_epb_in_poc, sizeof sps_epb_in_poc,
          &a), ==, TC_OK);
  g_assert_cmpint (tc_h264_sps_parse (rbsp, n, &b), ==, TC_OK);
  g_assert_cmpuint (a.width, ==, 632);
  g_assert_cmpuint (b.width, ==, 632);
  g_assert_cmpuint (a.height, ==, 360);
  g_assert_cmpuint (b.height, ==, 360);
}

static void
test_sps_refuses_broken_ones (void)
{
  static const struct {
    const char *what;
    guint8 bytes[16];
    size_t len;
  } bad[] = {
    {"a PPS", {0x68, 0xeb, 0xec, 0xb2, 0x2c}, 5},
    {"F bit set", {0xe7, 0x42, 0xc0, 0x1f, 0xf4}, 5},
    {"cut after the level", {0x67, 0x42, 0xc0, 0x1f}, 4},
    {"cut inside the size", {0x67, 0x42, 0xc0, 0x1f, 0x8c, 0x8d, 0x40}, 7},
    {"ue with 32 leading zeros", {0x67, 0x42, 0xc0, 0x1f, 0x00, 0x00, 0x03,
      0x00, 0x00, 0x03, 0x00, 0x80}, 12},
    {"seq_parameter_set_id 32", {0x67, 0x42, 0xc0, 0x1f, 0x04, 0x3f, 0xf8}, 7},
    {"High with chroma_format_idc 4", {0x67, 0x64, 0x00, 0x1f, 0x97, 0xff,
      0xff, 0xc0}, 8},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    tc_h264_sps sps;
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    g_assert_cmpint (tc_h264_sps_parse (heap, bad[i].len, &sps), ==,
        TC_ERR_PARSE);
    g_free (heap);
  }

  /* Cropping as wide as the picture: profile 66, sps_id 0, log2fn 0,
   * poc type 2, 1 ref, 1x1 macroblock, frame_mbs_only, cropping left 4
   * right 4 (in units of 2: all 16 columns). */
  static const guint8 crop_all[] = {0x67, 0x42, 0xc0, 0x1f, 0xda, 0x7c,
    0xa5, 0xd0};
  tc_h264_sps sps;
  g_assert_cmpint (tc_h264_sps_parse (crop_all, sizeof crop_all, &sps), ==,
      TC_ERR_PARSE);
}

static void
test_access_unit_size_comes_from_its_sps (void)
{
  GByteArray *au = g_byte_array_new ();
  static const guint8 aud[] = {0, 0, 0, 1, 0x09, 0xf0};
  static const guint8 sc[] = {0, 0, 1};
  static const guint8 idr[] = {0, 0, 1, 0x65, 0x88, 0x84, 0x21};
  g_byte_array_append (au, aud, sizeof aud);
  g_byte_array_append (au, sc, sizeof sc);
  g_byte_array_append (au, sps_x264_1280x720, sizeof sps_x264_1280x720);
  g_byte_array_append (au, idr, sizeof idr);
  guint32 w = 0, h = 0;
  g_assert_cmpint (tc_h264_au_size (au->data, au->len, &w, &h), ==, TC_OK);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);
  g_assert_cmpint (tc_h264_au_size (idr, sizeof idr, &w, &h), ==,
      TC_ERR_PARSE);
  g_byte_array_unref (au);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/h264/sps/gives-profile-level-and-cropped-size",
      test_sps_gives_profile_level_and_cropped_size);
  g_test_add_func ("/rtp/h264/sps/reads-through-emulation-prevention",
      test_sps_reads_through_emulation_prevention);
  g_test_add_func ("/rtp/h264/sps/refuses-broken-ones",
      test_sps_refuses_broken_ones);
  g_test_add_func ("/rtp/h264/sps/access-unit-size-comes-from-its-sps",
      test_access_unit_size_comes_from_its_sps);
  return g_test_run ();
}
