/* sdp_codecs.c - the codecs we speak and how to recognise them in an SDP.
 *
 * Payload types and fmtp follow Chrome's so our offer reads like a browser's:
 *   AV1  45 (rtx 46)  level-idx=5;profile=0;tier=0        (AV1 RTP spec)
 *   VP9  98 (rtx 99)  profile-id=0                        (RFC 9628)
 *   H264 102 (rtx 103) packetization-mode=1, constrained baseline 42e01f,
 *        then baseline 42001f 104/105, main 4d001f 106/107 and high
 *        64001f 108/109 (RFC 6184): the profiles Chromium lists, all of
 *        which avdec_h264 and libavcodec decode. We send constrained
 *        baseline, which every one of them can decode.
 *   VP8  96 (rtx 97)                                      (RFC 7741)
 *
 * A codec's rows are in our order of preference among its variants; the
 * codecs themselves are ranked by the caller's list (tc_sdp_local).
 *   opus 111 48000/2 stereo, in-band FEC, 128 kbps        (RFC 7587)
 */
#include "sdp/sdp_internal.h"
#include "sdp/h264_profile.h"

#include <stdint.h>
#include <string.h>

static const tc_sdp_codec_info codecs[] = {
  { TC_SDP_CODEC_AV1, "AV1", 90000, 0, 45, 46, "level-idx=5;profile=0;tier=0" },
  { TC_SDP_CODEC_VP9, "VP9", 90000, 0, 98, 99, "profile-id=0" },
  { TC_SDP_CODEC_H264, "H264", 90000, 0, 102, 103,
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" },
  { TC_SDP_CODEC_H264, "H264", 90000, 0, 104, 105,
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f" },
  { TC_SDP_CODEC_H264, "H264", 90000, 0, 106, 107,
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f" },
  { TC_SDP_CODEC_H264, "H264", 90000, 0, 108, 109,
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f" },
  { TC_SDP_CODEC_VP8, "VP8", 90000, 0, 96, 97, NULL },
  { TC_SDP_CODEC_OPUS, "opus", 48000, 2, 111, 0,
    "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;"
    "maxaveragebitrate=128000" },
};

const tc_sdp_codec_info *
tc_sdp_codec_info_get (tc_sdp_codec codec)
{
  for (size_t i = 0; i < G_N_ELEMENTS (codecs); i++) {
    if (codecs[i].codec == codec)
      return &codecs[i];
  }
  return NULL;
}

const char *
tc_sdp_codec_name (tc_sdp_codec codec)
{
  const tc_sdp_codec_info *info = tc_sdp_codec_info_get (codec);
  return info != NULL ? info->name : "none";
}

static void
name_bad (char *bad, size_t size, const char *name, const char **why,
    const char *phrase)
{
  if (bad != NULL && size > 0)
    g_strlcpy (bad, name, size);
  if (why != NULL)
    *why = phrase;
}

const tc_sdp_codec tc_sdp_video_codecs_default[TC_SDP_MAX_VIDEO_CODECS] = {
  TC_SDP_CODEC_AV1, TC_SDP_CODEC_VP9, TC_SDP_CODEC_H264, TC_SDP_CODEC_VP8,
};

tc_status
tc_sdp_video_codecs_parse (const char *text, tc_sdp_codec *out, size_t *n,
    char *bad, size_t bad_size, const char **why)
{
  const tc_sdp_codec *video = tc_sdp_video_codecs_default;
  g_return_val_if_fail (out != NULL && n != NULL, TC_ERR_INVALID_ARG);
  char **names = g_strsplit (text != NULL ? text : "", ",", -1);
  tc_status st = TC_OK;
  *n = 0;
  for (char **it = names; *it != NULL && st == TC_OK; it++) {
    const char *name = g_strstrip (*it);
    tc_sdp_codec c = TC_SDP_CODEC_NONE;
    for (size_t i = 0; i < TC_SDP_MAX_VIDEO_CODECS; i++) {
      if (g_ascii_strcasecmp (name, tc_sdp_codec_name (video[i])) == 0)
        c = video[i];
    }
    bool repeated = false;
    for (size_t i = 0; i < *n; i++)
      repeated = repeated || out[i] == c;
    if (c == TC_SDP_CODEC_NONE) {
      name_bad (bad, bad_size, name, why, "unknown video codec");
      st = TC_ERR_INVALID_ARG;
    } else if (repeated) {
      name_bad (bad, bad_size, name, why, "video codec named twice");
      st = TC_ERR_INVALID_ARG;
    } else {
      out[(*n)++] = c;
    }
  }
  g_strfreev (names);
  if (st == TC_OK && *n == 0) {
    name_bad (bad, bad_size, "", why, "no video codec named");
    st = TC_ERR_INVALID_ARG;
  }
  if (st != TC_OK)
    *n = 0;
  return st;
}

bool
tc_sdp_codec_is_helper (const char *name)
{
  static const char *const helpers[] = { "rtx", "red", "ulpfec", "flexfec-03",
    "flexfec" };
  for (size_t i = 0; name != NULL && i < G_N_ELEMENTS (helpers); i++) {
    if (g_ascii_strcasecmp (name, helpers[i]) == 0)
      return true;
  }
  return false;
}

/* The H264 profile families we offer a row for (h264_profile.h reads the
 * profile-level-id), in our preference: what our encoders send
 * (constrained baseline) first; constrained high counts as high. */
typedef enum {
  H264_NONE = -1,
  H264_CONSTRAINED_BASELINE,
  H264_BASELINE,
  H264_MAIN,
  H264_HIGH,
} h264_family;

/* By the profile alone, as browsers match H264 payload types (levels may
 * differ: level-asymmetry-allowed). Absent: 42e01f, as Chromium reads it. */
static h264_family
h264_family_of (const char *plid)
{
  tc_h264_profile_level pl;
  if (tc_h264_profile_level_parse (plid, &pl) != TC_OK)
    return H264_NONE;
  switch (pl.profile) {
    case TC_H264_PROFILE_CONSTRAINED_BASELINE:
      return H264_CONSTRAINED_BASELINE;
    case TC_H264_PROFILE_BASELINE:
      return H264_BASELINE;
    case TC_H264_PROFILE_MAIN:
      return H264_MAIN;
    case TC_H264_PROFILE_CONSTRAINED_HIGH:
    case TC_H264_PROFILE_HIGH:
      return H264_HIGH;
    default:
      return H264_NONE;
  }
}

static bool
fmtp_is (const tc_sdp_fmtp *f, const char *name, const char *want,
    bool absent_ok)
{
  const char *v = tc_sdp_fmtp_get (f, name);
  return v == NULL ? absent_ok : strcmp (v, want) == 0;
}

/* Whether `row` (one of our table's) describes m's payload type `pt`:
 * same encoding, clock, channels, and fmtp we can use. */
static bool
row_matches (const tc_sdp_codec_info *row, const tc_sdp_rtpmap *r,
    const tc_sdp_fmtp *f)
{
  if (g_ascii_strcasecmp (r->name, row->name) != 0
      || r->clock_rate != row->clock_rate || r->channels != row->channels)
    return false;
  switch (row->codec) {
    case TC_SDP_CODEC_AV1:
      return fmtp_is (f, "profile", "0", true);
    case TC_SDP_CODEC_VP9:
      return fmtp_is (f, "profile-id", "0", true);
    case TC_SDP_CODEC_H264: {
      const char *ours = strstr (row->fmtp, "profile-level-id=");
      h264_family fam = h264_family_of (tc_sdp_fmtp_get (f, "profile-level-id"));
      return fmtp_is (f, "packetization-mode", "1", false) && fam != H264_NONE
          && fam == h264_family_of (ours + strlen ("profile-level-id="));
    }
    default:
      return true;
  }
}

/* The first row of our table matching m's `pt`, or NULL. */
static const tc_sdp_codec_info *
row_of (const tc_sdp_media *m, unsigned pt, size_t *index)
{
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (m, pt);
  for (size_t i = 0; r != NULL && i < G_N_ELEMENTS (codecs); i++) {
    if (row_matches (&codecs[i], r, tc_sdp_media_fmtp (m, pt))) {
      if (index != NULL)
        *index = i;
      return &codecs[i];
    }
  }
  return NULL;
}

tc_sdp_codec
tc_sdp_codec_of (const tc_sdp_media *m, unsigned pt)
{
  const tc_sdp_codec_info *row = row_of (m, pt, NULL);
  return row != NULL ? row->codec : TC_SDP_CODEC_NONE;
}

const tc_sdp_codec_info *
tc_sdp_codec_rows (size_t *n)
{
  *n = G_N_ELEMENTS (codecs);
  return codecs;
}

static bool
on_m_line (const tc_sdp_media *m, unsigned pt)
{
  for (size_t i = 0; i < m->n_formats; i++) {
    if (tc_sdp_media_format_pt (m, i) == (int) pt)
      return true;
  }
  return false;
}

int
tc_sdp_codec_rtx_for (const tc_sdp_media *m, unsigned pt)
{
  const tc_sdp_rtpmap *primary = tc_sdp_media_rtpmap (m, pt);
  for (size_t i = 0; primary != NULL && i < m->n_rtpmaps; i++) {
    const tc_sdp_rtpmap *r = &m->rtpmaps[i];
    const char *apt = tc_sdp_fmtp_get (tc_sdp_media_fmtp (m, r->pt), "apt");
    uint32_t v;
    if (g_ascii_strcasecmp (r->name, "rtx") == 0 && apt != NULL
        && r->clock_rate == primary->clock_rate && on_m_line (m, r->pt)
        && tc_sdp_u32 (apt, strlen (apt), 127, &v) && v == pt)
      return r->pt;
  }
  return -1;
}

/* Where `codec` stands in our list (0: most preferred), or -1 when we do
 * not support it. */
static int
local_rank (const tc_sdp_local *local, tc_sdp_codec codec)
{
  if (codec == TC_SDP_CODEC_OPUS)
    return local->opus ? 0 : -1;
  for (size_t i = 0; i < local->n_video_codecs && i < TC_SDP_MAX_VIDEO_CODECS; i++) {
    if (local->video_codecs[i] == codec && codec != TC_SDP_CODEC_NONE)
      return (int) i;
  }
  return -1;
}

bool
tc_sdp_local_supports (const tc_sdp_local *local, tc_sdp_codec codec)
{
  return local_rank (local, codec) >= 0;
}

/* A format's place in our preference: the codec's rank in our list, then
 * the variant's row in our table (H264 profiles). Lower is better. */
static size_t
preference (const tc_sdp_local *local, tc_sdp_codec codec, size_t row)
{
  return (size_t) local_rank (local, codec) * G_N_ELEMENTS (codecs) + row;
}

/* Answering (`offered` NULL): the format of `m` we like best, by our
 * preference and never by the offerer's order, so that whatever order a
 * page lists its codecs in, the call gets the best codec both support (the
 * web client's rule), and we answer it first, so both directions use it.
 * Reading an answer (`offered` is our offer): the answerer's first format
 * that we offered as the same codec, the one the answerer sends with. Our
 * offer is what binds us there, not `local`: the codec list may have
 * shrunk while the offer was out (a sink's encoded input), and the call
 * then offers again rather than failing on a valid answer.
 * -1 if none. */
int
tc_sdp_codec_pick (const tc_sdp_media *m, const tc_sdp_local *local,
    const tc_sdp_media *offered, tc_sdp_codec *codec)
{
  bool audio = strcmp (m->kind, "audio") == 0;
  int best_pt = -1;
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < m->n_formats; i++) {
    int pt = tc_sdp_media_format_pt (m, i);
    size_t row;
    const tc_sdp_codec_info *info = pt >= 0 ? row_of (m, (unsigned) pt, &row) : NULL;
    if (info == NULL || (info->codec == TC_SDP_CODEC_OPUS) != audio
        || (offered == NULL && !tc_sdp_local_supports (local, info->codec)))
      continue;
    if (offered != NULL) {
      if (!on_m_line (offered, (unsigned) pt)
          || tc_sdp_codec_of (offered, (unsigned) pt) != info->codec)
        continue;
      *codec = info->codec;
      return pt;
    }
    if (preference (local, info->codec, row) < best) {
      best = preference (local, info->codec, row);
      best_pt = pt;
      *codec = info->codec;
    }
  }
  return best_pt;
}
