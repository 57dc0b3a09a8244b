/* h264_profile.h - H264 profile-level-id (RFC 6184 section 8.1) for offers
 * and answers: which profile a value names, whether two name the same one,
 * and the value to answer with.
 *
 * A profile-level-id is six hex digits: profile_idc, the constraint flags
 * byte (profile-iop) and level_idc of H.264 section 7.3.2.1.1. Profiles
 * follow H.264 Annex A: Constrained Baseline is profile_idc 66 with
 * constraint_set1, or 77 with constraint_set0, or 88 with both;
 * Constrained High is 100 with constraint_set4 and set5. Level 1b is
 * level_idc 11 with constraint_set3 in Baseline/Main/Extended, 9 elsewhere;
 * we hold it as 9 (TC_H264_LEVEL_1B).
 *
 * Browsers match H264 payload types by profile alone and let the level of
 * each direction differ when both say level-asymmetry-allowed=1 (libwebrtc
 * always does). A missing profile-level-id is taken as 42e01f, as Chromium
 * does, rather than RFC 6184's Baseline level 1.
 *
 * Pure; any thread.
 */
#ifndef TEMPCHAT_SDP_H264_PROFILE_H
#define TEMPCHAT_SDP_H264_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

typedef enum {
  TC_H264_PROFILE_CONSTRAINED_BASELINE = 1,
  TC_H264_PROFILE_BASELINE,
  TC_H264_PROFILE_MAIN,
  TC_H264_PROFILE_CONSTRAINED_HIGH,
  TC_H264_PROFILE_HIGH,
  TC_H264_PROFILE_PREDICTIVE_HIGH_444,
} tc_h264_profile;

#define TC_H264_LEVEL_1B 9
/* Levels are level_idc: 10 = 1, 11 = 1.1, 31 = 3.1, 52 = 5.2, ... */

typedef struct {
  tc_h264_profile profile;
  uint8_t level;
} tc_h264_profile_level;

/* Parses a profile-level-id ("42e01f"; NULL means absent: 42e01f).
 * TC_ERR_PARSE when it is not six hex digits, TC_ERR_UNSUPPORTED for a
 * profile or level not listed here. */
tc_status tc_h264_profile_level_parse (const char *plid,
    tc_h264_profile_level *out);

/* The same from the three bytes an SPS starts with (profile_idc,
 * constraint flags, level_idc; tc_h264_sps has them), for input that is
 * already encoded. Same results as tc_h264_profile_level_parse. */
tc_status tc_h264_profile_level_from_sps (uint8_t profile_idc,
    uint8_t constraint_flags, uint8_t level_idc, tc_h264_profile_level *out);

/* Writes the canonical six digits for `pl` into `out` (7 bytes with the
 * NUL), the form libwebrtc writes: 42e0, 4200, 4d00, 640c, 6400, f400
 * followed by the level (1b as 42f00b, 42100b, 4d100b, 640c09, ...).
 * TC_ERR_INVALID_ARG for an unknown profile or level. */
tc_status tc_h264_profile_level_write (const tc_h264_profile_level *pl,
    char out[7]);

/* A short English name ("Constrained Baseline"), never NULL. */
const char *tc_h264_profile_name (tc_h264_profile profile);

/* Orders two levels (1b between 1 and 1.1): <0, 0, >0. */
int tc_h264_level_compare (uint8_t a, uint8_t b);

/* True when both values (NULL = absent) parse and name the same profile,
 * whatever their levels: the test browsers use to match payload types. */
bool tc_h264_same_profile (const char *a, const char *b);

/* One profile we can both encode and decode, up to `max_level`. */
typedef struct {
  tc_h264_profile profile;
  uint8_t max_level;
} tc_h264_cap;

/* The profile-level-id to answer an offered one with (`offered` NULL when
 * the offer had none). The offered profile must be one of `caps` (the first
 * such cap is used). The answer's level is our cap's when
 * `level_asymmetry_allowed` (both sides say level-asymmetry-allowed=1: each
 * names the level it can receive), else the lower of the two (RFC 6184
 * 8.2.2: no level upgrade without asymmetry). TC_ERR_UNSUPPORTED when no
 * cap has the profile, or what tc_h264_profile_level_parse says. */
tc_status tc_h264_answer_profile_level_id (const char *offered,
    bool level_asymmetry_allowed, const tc_h264_cap *caps, size_t n_caps,
    char answer[7]);

/* The lowest level whose frame size and macroblock rate (H.264 table A-1)
 * hold `width` x `height` at `fps`; 0 when none up to 6.2 does. */
uint8_t tc_h264_min_level (uint32_t width, uint32_t height, uint32_t fps);

#endif
