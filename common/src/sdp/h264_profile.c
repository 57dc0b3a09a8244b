/* h264_profile.c - H264 profile-level-id: classify, compare, answer.
 *
 * The profile is read from profile_idc and the constraint flags byte
 * (H.264 7.4.2.1.1 and Annex A.2), most significant bit first:
 *
 *     constraint_set0 set1 set2 set3 set4 set5 reserved(2)
 *          0x80       0x40 0x20 0x10 0x08 0x04
 */
#include "sdp/h264_profile.h"

#include <glib.h>
#include <string.h>

#define SET0 0x80
#define SET1 0x40
#define SET3 0x10
#define SET4 0x08
#define SET5 0x04

#define PROFILE_IDC_BASELINE 66
#define PROFILE_IDC_MAIN 77
#define PROFILE_IDC_EXTENDED 88
#define PROFILE_IDC_HIGH 100
#define PROFILE_IDC_HIGH_444 244

/* Levels in order (1b after 1) with H.264 table A-1's MaxMBPS and MaxFS. */
static const struct {
  uint8_t level;
  uint32_t max_mbps;
  uint32_t max_fs;
} levels[] = {
  {10, 1485, 99}, {TC_H264_LEVEL_1B, 1485, 99}, {11, 3000, 396},
  {12, 6000, 396}, {13, 11880, 396}, {20, 11880, 396}, {21, 19800, 792},
  {22, 20250, 1620}, {30, 40500, 1620}, {31, 108000, 3600},
  {32, 216000, 5120}, {40, 245760, 8192}, {41, 245760, 8192},
  {42, 522240, 8704}, {50, 589824, 22080}, {51, 983040, 36864},
  {52, 2073600, 36864}, {60, 4177920, 139264}, {61, 8355840, 139264},
  {62, 16711680, 139264},
};

/* The canonical profile_idc and flags we write for each profile. */
static const struct {
  tc_h264_profile profile;
  uint8_t idc;
  uint8_t iop;
  const char *name;
} profiles[] = {
  {TC_H264_PROFILE_CONSTRAINED_BASELINE, 0x42, 0xe0, "Constrained Baseline"},
  {TC_H264_PROFILE_BASELINE, 0x42, 0x00, "Baseline"},
  {TC_H264_PROFILE_MAIN, 0x4d, 0x00, "Main"},
  {TC_H264_PROFILE_CONSTRAINED_HIGH, 0x64, 0x0c, "Constrained High"},
  {TC_H264_PROFILE_HIGH, 0x64, 0x00, "High"},
  {TC_H264_PROFILE_PREDICTIVE_HIGH_444, 0xf4, 0x00, "Predictive High 4:4:4"},
};

static int
level_rank (uint8_t level)
{
  for (size_t i = 0; i < G_N_ELEMENTS (levels); i++)
    if (levels[i].level == level)
      return (int) i;
  return -1;
}

int
tc_h264_level_compare (uint8_t a, uint8_t b)
{
  return level_rank (a) - level_rank (b);
}

/* Annex A.2 profile from profile_idc and flags; 0 when not one we name. */
static tc_h264_profile
classify (uint8_t idc, uint8_t iop)
{
  switch (idc) {
    case PROFILE_IDC_BASELINE:
      return (iop & SET1) ? TC_H264_PROFILE_CONSTRAINED_BASELINE
                          : TC_H264_PROFILE_BASELINE;
    case PROFILE_IDC_MAIN:
      return (iop & SET0) ? TC_H264_PROFILE_CONSTRAINED_BASELINE
                          : TC_H264_PROFILE_MAIN;
    case PROFILE_IDC_EXTENDED:
      if (!(iop & SET0))
        return 0;  /* Extended proper: nobody sends it over WebRTC */
      return (iop & SET1) ? TC_H264_PROFILE_CONSTRAINED_BASELINE
                          : TC_H264_PROFILE_BASELINE;
    case PROFILE_IDC_HIGH:
      return (iop & SET4) && (iop & SET5) ? TC_H264_PROFILE_CONSTRAINED_HIGH
                                           : TC_H264_PROFILE_HIGH;
    case PROFILE_IDC_HIGH_444:
      return TC_H264_PROFILE_PREDICTIVE_HIGH_444;
    default:
      return 0;
  }
}

static int
hex_byte (const char *s)
{
  int v = 0;
  for (int i = 0; i < 2; i++) {
    int d = g_ascii_xdigit_value (s[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

tc_status
tc_h264_profile_level_parse (const char *plid, tc_h264_profile_level *out)
{
  if (out == NULL)
    return TC_ERR_INVALID_ARG;
  if (plid == NULL)
    plid = "42e01f";
  if (strlen (plid) != 6)
    return TC_ERR_PARSE;
  int idc = hex_byte (plid), iop = hex_byte (plid + 2),
      level = hex_byte (plid + 4);
  if (idc < 0 || iop < 0 || level < 0)
    return TC_ERR_PARSE;
  tc_h264_profile profile = classify ((uint8_t) idc, (uint8_t) iop);
  bool old_1b = level == 11 && (iop & SET3)
      && (idc == PROFILE_IDC_BASELINE || idc == PROFILE_IDC_MAIN
          || idc == PROFILE_IDC_EXTENDED);
  if (old_1b)
    level = TC_H264_LEVEL_1B;
  if (profile == 0 || level_rank ((uint8_t) level) < 0)
    return TC_ERR_UNSUPPORTED;
  *out = (tc_h264_profile_level) {profile, (uint8_t) level};
  return TC_OK;
}

tc_status
tc_h264_profile_level_from_sps (uint8_t profile_idc, uint8_t constraint_flags,
    uint8_t level_idc, tc_h264_profile_level *out)
{
  char hex[7];
  g_snprintf (hex, sizeof hex, "%02x%02x%02x", profile_idc, constraint_flags,
      level_idc);
  return tc_h264_profile_level_parse (hex, out);
}

tc_status
tc_h264_profile_level_write (const tc_h264_profile_level *pl, char out[7])
{
  if (pl == NULL || out == NULL || level_rank (pl->level) < 0)
    return TC_ERR_INVALID_ARG;
  for (size_t i = 0; i < G_N_ELEMENTS (profiles); i++) {
    if (profiles[i].profile != pl->profile)
      continue;
    uint8_t iop = profiles[i].iop;
    uint8_t level = pl->level;
    if (level == TC_H264_LEVEL_1B && profiles[i].idc != PROFILE_IDC_HIGH
        && profiles[i].idc != PROFILE_IDC_HIGH_444) {
      iop |= SET3;  /* level 1b in Baseline/Main: 11 with set3 */
      level = 11;
    }
    g_snprintf (out, 7, "%02x%02x%02x", profiles[i].idc, iop, level);
    return TC_OK;
  }
  return TC_ERR_INVALID_ARG;
}

const char *
tc_h264_profile_name (tc_h264_profile profile)
{
  for (size_t i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile)
      return profiles[i].name;
  return "unknown";
}

bool
tc_h264_same_profile (const char *a, const char *b)
{
  tc_h264_profile_level pa, pb;
  return tc_h264_profile_level_parse (a, &pa) == TC_OK
      && tc_h264_profile_level_parse (b, &pb) == TC_OK
      && pa.profile == pb.profile;
}

tc_status
tc_h264_answer_profile_level_id (const char *offered,
    bool level_asymmetry_allowed, const tc_h264_cap *caps, size_t n_caps,
    char answer[7])
{
  if ((caps == NULL && n_caps > 0) || answer == NULL)
    return TC_ERR_INVALID_ARG;
  tc_h264_profile_level off;
  tc_status rc = tc_h264_profile_level_parse (offered, &off);
  if (rc != TC_OK)
    return rc;
  for (size_t i = 0; i < n_caps; i++) {
    if (caps[i].profile != off.profile || level_rank (caps[i].max_level) < 0)
      continue;
    tc_h264_profile_level ans = {off.profile, caps[i].max_level};
    if (!level_asymmetry_allowed
        && tc_h264_level_compare (off.level, ans.level) < 0)
      ans.level = off.level;
    return tc_h264_profile_level_write (&ans, answer);
  }
  return TC_ERR_UNSUPPORTED;
}

uint8_t
tc_h264_min_level (uint32_t width, uint32_t height, uint32_t fps)
{
  uint64_t fs = (uint64_t) ((width + 15) / 16) * ((height + 15) / 16);
  uint64_t mbps = fs * fps;
  for (size_t i = 0; i < G_N_ELEMENTS (levels); i++)
    if (fs <= levels[i].max_fs && mbps <= levels[i].max_mbps)
      return levels[i].level;
  return 0;
}
