/* test_h264_profile.c - H264 profile-level-id (RFC 6184 8.1) as browsers
 * offer it: which profile each names, matching, and our answer. */
#include <glib.h>
#include <string.h>

#include "sdp/h264_profile.h"

static void
test_parses_the_values_chromium_offers_and_more (void)
{
  static const struct {
    const char *plid;
    tc_h264_profile profile;
    guint level;
  } cases[] = {
    {"42e01f", TC_H264_PROFILE_CONSTRAINED_BASELINE, 31},  /* Chromium */
    {"42001f", TC_H264_PROFILE_BASELINE, 31},              /* Chromium */
    {"4d001f", TC_H264_PROFILE_MAIN, 31},                  /* Chromium */
    {"640c1f", TC_H264_PROFILE_CONSTRAINED_HIGH, 31},      /* Chromium */
    {"64001f", TC_H264_PROFILE_HIGH, 31},                  /* Chromium */
    {"42C01F", TC_H264_PROFILE_CONSTRAINED_BASELINE, 31},  /* openh264, caps */
    {"4d401e", TC_H264_PROFILE_MAIN, 30},                  /* set1 alone */
    {"4d801f", TC_H264_PROFILE_CONSTRAINED_BASELINE, 31},  /* Main + set0 */
    {"58c01f", TC_H264_PROFILE_CONSTRAINED_BASELINE, 31},  /* Extended + 0,1 */
    {"58801f", TC_H264_PROFILE_BASELINE, 31},              /* Extended + 0 */
    {"640834", TC_H264_PROFILE_HIGH, 52},                  /* set4 alone */
    {"f4001f", TC_H264_PROFILE_PREDICTIVE_HIGH_444, 31},
    {"42f00b", TC_H264_PROFILE_CONSTRAINED_BASELINE, TC_H264_LEVEL_1B},
    {"42100b", TC_H264_PROFILE_BASELINE, TC_H264_LEVEL_1B},
    {"42000b", TC_H264_PROFILE_BASELINE, 11},              /* 1.1, no set3 */
    {"640009", TC_H264_PROFILE_HIGH, TC_H264_LEVEL_1B},
    {NULL, TC_H264_PROFILE_CONSTRAINED_BASELINE, 31},      /* absent */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].plid ? cases[i].plid : "(absent)");
    tc_h264_profile_level pl;
    g_assert_cmpint (tc_h264_profile_level_parse (cases[i].plid, &pl), ==,
        TC_OK);
    g_assert_cmpint (pl.profile, ==, cases[i].profile);
    g_assert_cmpuint (pl.level, ==, cases[i].level);
  }
}

static void
test_reads_the_profile_of_an_encoders_sps (void)
{
  /* The first bytes of x264's (High, 3.1) and openh264's (42c0, 1.3) SPS. */
  tc_h264_profile_level pl;
  g_assert_cmpint (tc_h264_profile_level_from_sps (0x64, 0x00, 0x1f, &pl), ==,
      TC_OK);
  g_assert_cmpint (pl.profile, ==, TC_H264_PROFILE_HIGH);
  g_assert_cmpuint (pl.level, ==, 31);
  g_assert_cmpint (tc_h264_profile_level_from_sps (0x42, 0xc0, 0x0d, &pl), ==,
      TC_OK);
  g_assert_cmpint (pl.profile, ==, TC_H264_PROFILE_CONSTRAINED_BASELINE);
  g_assert_cmpuint (pl.level, ==, 13);
  g_assert_cmpint (tc_h264_profile_level_from_sps (0x6e, 0x00, 0x1f, &pl), ==,
      TC_ERR_UNSUPPORTED);
}

static void
test_refuses_what_is_not_a_profile_level_id (void)
{
  static const struct {
    const char *plid;
    tc_status want;
  } cases[] = {
    {"", TC_ERR_PARSE},
    {"42e01", TC_ERR_PARSE},
    {"42e01f0", TC_ERR_PARSE},
    {"42e01g", TC_ERR_PARSE},
    {"42e0 f", TC_ERR_PARSE},
    {"58001f", TC_ERR_UNSUPPORTED},  /* Extended proper */
    {"6e001f", TC_ERR_UNSUPPORTED},  /* High 10: not one we name */
    {"42e00e", TC_ERR_UNSUPPORTED},  /* level 1.4 does not exist */
    {"42e0ff", TC_ERR_UNSUPPORTED},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    tc_h264_profile_level pl;
    g_assert_cmpint (tc_h264_profile_level_parse (cases[i].plid, &pl), ==,
        cases[i].want);
  }
}

static void
test_writes_the_canonical_form (void)
{
  static const struct {
    tc_h264_profile_level pl;
    const char *want;
  } cases[] = {
    {{TC_H264_PROFILE_CONSTRAINED_BASELINE, 31}, "42e01f"},
    {{TC_H264_PROFILE_BASELINE, 31}, "42001f"},
    {{TC_H264_PROFILE_MAIN, 40}, "4d0028"},
    {{TC_H264_PROFILE_CONSTRAINED_HIGH, 31}, "640c1f"},
    {{TC_H264_PROFILE_HIGH, 52}, "640034"},
    {{TC_H264_PROFILE_PREDICTIVE_HIGH_444, 31}, "f4001f"},
    {{TC_H264_PROFILE_CONSTRAINED_BASELINE, TC_H264_LEVEL_1B}, "42f00b"},
    {{TC_H264_PROFILE_MAIN, TC_H264_LEVEL_1B}, "4d100b"},
    {{TC_H264_PROFILE_CONSTRAINED_HIGH, TC_H264_LEVEL_1B}, "640c09"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char out[7];
    g_assert_cmpint (tc_h264_profile_level_write (&cases[i].pl, out), ==,
        TC_OK);
    g_assert_cmpstr (out, ==, cases[i].want);
    tc_h264_profile_level back;
    g_assert_cmpint (tc_h264_profile_level_parse (out, &back), ==, TC_OK);
    g_assert_cmpint (back.profile, ==, cases[i].pl.profile);
    g_assert_cmpuint (back.level, ==, cases[i].pl.level);
  }
  char out[7];
  tc_h264_profile_level bad = {TC_H264_PROFILE_MAIN, 14};
  g_assert_cmpint (tc_h264_profile_level_write (&bad, out), ==,
      TC_ERR_INVALID_ARG);
  bad = (tc_h264_profile_level) {0, 31};
  g_assert_cmpint (tc_h264_profile_level_write (&bad, out), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpstr (tc_h264_profile_name (TC_H264_PROFILE_CONSTRAINED_HIGH),
      ==, "Constrained High");
}

static void
test_levels_order_1b_between_1_and_1_1 (void)
{
  g_assert_cmpint (tc_h264_level_compare (10, TC_H264_LEVEL_1B), <, 0);
  g_assert_cmpint (tc_h264_level_compare (TC_H264_LEVEL_1B, 11), <, 0);
  g_assert_cmpint (tc_h264_level_compare (31, 31), ==, 0);
  g_assert_cmpint (tc_h264_level_compare (40, 32), >, 0);
}

static void
test_same_profile_ignores_the_level (void)
{
  g_assert_true (tc_h264_same_profile ("42e01f", "42e034"));
  g_assert_true (tc_h264_same_profile ("42e01f", NULL));
  g_assert_true (tc_h264_same_profile ("42c01f", "4d801f"));
  g_assert_false (tc_h264_same_profile ("42e01f", "42001f"));
  g_assert_false (tc_h264_same_profile ("640c1f", "64001f"));
  g_assert_false (tc_h264_same_profile ("42e01f", "zzzzzz"));
}

/* What x264enc + avdec_h264 can do: every profile Chromium offers. */
static const tc_h264_cap x264_caps[] = {
  {TC_H264_PROFILE_CONSTRAINED_BASELINE, 52},
  {TC_H264_PROFILE_BASELINE, 52},
  {TC_H264_PROFILE_MAIN, 52},
  {TC_H264_PROFILE_CONSTRAINED_HIGH, 52},
  {TC_H264_PROFILE_HIGH, 52},
};
/* What openh264enc can encode: Constrained Baseline only, up to 4. */
static const tc_h264_cap openh264_caps[] = {
  {TC_H264_PROFILE_CONSTRAINED_BASELINE, 40},
};

static void
test_answers_each_offered_profile_per_rfc_6184 (void)
{
  static const struct {
    const char *what;
    const char *offered;
    gboolean asymmetry;
    const tc_h264_cap *caps;
    size_t n_caps;
    tc_status want_status;
    const char *want;
  } cases[] = {
    {"constrained baseline, asymmetry: our level", "42e01f", TRUE,
      x264_caps, 5, TC_OK, "42e034"},
    {"constrained baseline, no asymmetry: not above the offer", "42e01f",
      FALSE, x264_caps, 5, TC_OK, "42e01f"},
    {"no asymmetry, offer above us: ours", "42e034", FALSE, openh264_caps, 1,
      TC_OK, "42e028"},
    {"baseline", "42001f", TRUE, x264_caps, 5, TC_OK, "420034"},
    {"main", "4d001f", TRUE, x264_caps, 5, TC_OK, "4d0034"},
    {"constrained high", "640c1f", TRUE, x264_caps, 5, TC_OK, "640c34"},
    {"high", "64001f", FALSE, x264_caps, 5, TC_OK, "64001f"},
    {"absent: 42e01f", NULL, TRUE, openh264_caps, 1, TC_OK, "42e028"},
    {"openh264 written 42c01f, answered canonically", "42c01f", FALSE,
      openh264_caps, 1, TC_OK, "42e01f"},
    {"level 1b offered, no asymmetry", "42f00b", FALSE, x264_caps, 5, TC_OK,
      "42f00b"},
    {"high offered, we only do constrained baseline", "64001f", TRUE,
      openh264_caps, 1, TC_ERR_UNSUPPORTED, NULL},
    {"baseline is not constrained baseline", "42001f", TRUE, openh264_caps, 1,
      TC_ERR_UNSUPPORTED, NULL},
    {"nothing we can do", "42e01f", TRUE, NULL, 0, TC_ERR_UNSUPPORTED, NULL},
    {"garbage", "hello!", TRUE, x264_caps, 5, TC_ERR_PARSE, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    char answer[7] = "";
    g_assert_cmpint (tc_h264_answer_profile_level_id (cases[i].offered,
            cases[i].asymmetry, cases[i].caps, cases[i].n_caps, answer), ==,
        cases[i].want_status);
    if (cases[i].want != NULL) {
      g_assert_cmpstr (answer, ==, cases[i].want);
      g_assert_true (tc_h264_same_profile (answer, cases[i].offered));
    }
  }
}

static void
test_min_level_fits_size_and_rate (void)
{
  static const struct {
    guint w, h, fps, want;
  } cases[] = {
    {176, 144, 15, 10},     /* QCIF: 99 MBs, 1485 MB/s */
    {320, 180, 30, 13},     /* 240 MBs x 30 = 7200: 1.2 has 6000 */
    {640, 360, 30, 30},     /* 920 MBs: FS above 2.1's 792 */
    {1280, 720, 30, 31},    /* Chromium's 42e01f fits exactly */
    {1280, 720, 60, 32},
    {1920, 1080, 30, 40},   /* 8160 MBs */
    {1920, 1080, 60, 42},
    {3840, 2160, 30, 51},
    {16384, 16384, 30, 0},  /* beyond every level */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (tc_h264_min_level (cases[i].w, cases[i].h,
            cases[i].fps), ==, cases[i].want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/h264-profile/parses-the-values-chromium-offers-and-more",
      test_parses_the_values_chromium_offers_and_more);
  g_test_add_func ("/sdp/h264-profile/reads-the-profile-of-an-encoders-sps",
      test_reads_the_profile_of_an_encoders_sps);
  g_test_add_func ("/sdp/h264-profile/refuses-what-is-not-a-profile-level-id",
      test_refuses_what_is_not_a_profile_level_id);
  g_test_add_func ("/sdp/h264-profile/writes-the-canonical-form",
      test_writes_the_canonical_form);
  g_test_add_func ("/sdp/h264-profile/levels-order-1b-between-1-and-1-1",
      test_levels_order_1b_between_1_and_1_1);
  g_test_add_func ("/sdp/h264-profile/same-profile-ignores-the-level",
      test_same_profile_ignores_the_level);
  g_test_add_func ("/sdp/h264-profile/answers-each-offered-profile-per-rfc-6184",
      test_answers_each_offered_profile_per_rfc_6184);
  g_test_add_func ("/sdp/h264-profile/min-level-fits-size-and-rate",
      test_min_level_fits_size_and_rate);
  return g_test_run ();
}
