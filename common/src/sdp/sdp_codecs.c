/* sdp_codecs.c - the codecs we speak and how to recognise them in an SDP.
 *
 * Payload types and fmtp follow Chrome's so our offer reads like a browser's:
 *   AV1  45 (rtx 46)  level-idx=5;profile=0;tier=0        (AV1 RTP spec)
 *   VP9  98 (rtx 99)  profile-id=0                        (RFC 9628)
 *   H264 102 (rtx 103) packetization-mode=1, constrained baseline (RFC 6184)
 *   VP8  96 (rtx 97)                                      (RFC 7741)
 *   opus 111 48000/2 stereo, in-band FEC, 128 kbps        (RFC 7587)
 */
#include "sdp/sdp_internal.h"

#include <string.h>

static const tc_sdp_codec_info codecs[] = {
  { TC_SDP_CODEC_AV1, "AV1", 90000, 0, 45, 46, "level-idx=5;profile=0;tier=0" },
  { TC_SDP_CODEC_VP9, "VP9", 90000, 0, 98, 99, "profile-id=0" },
  { TC_SDP_CODEC_H264, "H264", 90000, 0, 102, 103,
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" },
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

static int
hex_byte (const char *s)
{
  if (!g_ascii_isxdigit (s[0]) || !g_ascii_isxdigit (s[1]))
    return -1;
  return g_ascii_xdigit_value (s[0]) << 4 | g_ascii_xdigit_value (s[1]);
}

/* Baseline or constrained baseline, by profile_idc and the constraint
 * flags of profile-level-id (RFC 6184 8.1, table 5). Absent: 42000a. */
static bool
h264_profile_ok (const char *plid)
{
  if (plid == NULL)
    return true;
  if (strlen (plid) != 6 || hex_byte (plid + 4) < 0)
    return false;
  int idc = hex_byte (plid), iop = hex_byte (plid + 2);
  if (idc < 0 || iop < 0)
    return false;
  if (idc == 0x42)
    return (iop & 0x0f) == 0;                 /* x?xx0000: CB or baseline */
  if (idc == 0x4d)
    return (iop & 0x8f) == 0x80;              /* 1xxx0000: CB */
  if (idc == 0x58)
    return (iop & 0x8f) == 0x80;              /* 1xxx0000: CB or baseline */
  return false;
}

static bool
fmtp_is (const tc_sdp_fmtp *f, const char *name, const char *want,
    bool absent_ok)
{
  const char *v = tc_sdp_fmtp_get (f, name);
  return v == NULL ? absent_ok : strcmp (v, want) == 0;
}

static bool
fmtp_ok (tc_sdp_codec codec, const tc_sdp_fmtp *f)
{
  switch (codec) {
    case TC_SDP_CODEC_AV1:
      return fmtp_is (f, "profile", "0", true);
    case TC_SDP_CODEC_VP9:
      return fmtp_is (f, "profile-id", "0", true);
    case TC_SDP_CODEC_H264:
      return fmtp_is (f, "packetization-mode", "1", false)
          && h264_profile_ok (tc_sdp_fmtp_get (f, "profile-level-id"));
    default:
      return true;
  }
}

tc_sdp_codec
tc_sdp_codec_of (const tc_sdp_media *m, unsigned pt)
{
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (m, pt);
  if (r == NULL)
    return TC_SDP_CODEC_NONE;
  for (size_t i = 0; i < G_N_ELEMENTS (codecs); i++) {
    const tc_sdp_codec_info *c = &codecs[i];
    if (g_ascii_strcasecmp (r->name, c->name) == 0
        && r->clock_rate == c->clock_rate && r->channels == c->channels
        && fmtp_ok (c->codec, tc_sdp_media_fmtp (m, pt)))
      return c->codec;
  }
  return TC_SDP_CODEC_NONE;
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

bool
tc_sdp_local_supports (const tc_sdp_local *local, tc_sdp_codec codec)
{
  if (codec == TC_SDP_CODEC_OPUS)
    return local->opus;
  for (size_t i = 0; i < local->n_video_codecs && i < TC_SDP_MAX_VIDEO_CODECS; i++) {
    if (local->video_codecs[i] == codec && codec != TC_SDP_CODEC_NONE)
      return true;
  }
  return false;
}

/* The first payload type of `m`, in m= order, that is a codec we support
 * for m's kind and, with `offered`, has the same codec there. -1 if none. */
int
tc_sdp_codec_pick (const tc_sdp_media *m, const tc_sdp_local *local,
    const tc_sdp_media *offered, tc_sdp_codec *codec)
{
  bool audio = strcmp (m->kind, "audio") == 0;
  for (size_t i = 0; i < m->n_formats; i++) {
    int pt = tc_sdp_media_format_pt (m, i);
    tc_sdp_codec c = pt >= 0 ? tc_sdp_codec_of (m, (unsigned) pt) : TC_SDP_CODEC_NONE;
    if (c == TC_SDP_CODEC_NONE || (c == TC_SDP_CODEC_OPUS) != audio
        || !tc_sdp_local_supports (local, c))
      continue;
    if (offered != NULL && (!on_m_line (offered, (unsigned) pt)
            || tc_sdp_codec_of (offered, (unsigned) pt) != c))
      continue;
    *codec = c;
    return pt;
  }
  return -1;
}
