/* sdp_munge.c - the web client's bandwidth hints, on any SDP.
 *
 * Before setLocalDescription the TempChat page writes, for its quality,
 *   b=AS:<max>                                     (video sections)
 *   a=fmtp:<pt> ...;x-google-start-bitrate=<start>;x-google-max-bitrate=<max>
 * so Chrome's congestion controller starts high instead of at 300 kbps.
 * The same lines in the peer's description are the most it wants to
 * receive: our sender keeps below them, and our answer never asks for more
 * than the offer allowed.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

bool
tc_sdp_quality_bitrates (tc_sdp_quality q, uint32_t *max_kbps,
    uint32_t *start_kbps)
{
  static const uint32_t table[][2] = {
    [TC_SDP_QUALITY_360P] = { 700, 500 },
    [TC_SDP_QUALITY_720P] = { 3000, 2000 },
    [TC_SDP_QUALITY_1080P] = { 6000, 4500 },
  };
  if ((unsigned) q >= G_N_ELEMENTS (table))
    return false;
  if (max_kbps != NULL)
    *max_kbps = table[q][0];
  if (start_kbps != NULL)
    *start_kbps = table[q][1];
  return true;
}

static void
hint_codec (tc_sdp_media *m, unsigned pt, const char *start, const char *max,
    const char *min)
{
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (m, pt);
  if (r == NULL || tc_sdp_codec_is_helper (r->name))
    return;
  tc_sdp_fmtp *f = tc_sdp_fmtp_for (m, pt);
  if (min != NULL)
    tc_sdp_fmtp_set (f, "x-google-min-bitrate", min);
  tc_sdp_fmtp_set (f, "x-google-start-bitrate", start);
  tc_sdp_fmtp_set (f, "x-google-max-bitrate", max);
}

tc_status
tc_sdp_apply_bandwidth (tc_sdp *sdp, tc_sdp_quality q)
{
  tc_sdp_bitrates b = { 0 };
  g_return_val_if_fail (sdp != NULL, TC_ERR_INVALID_ARG);
  if (!tc_sdp_quality_bitrates (q, &b.max_kbps, &b.start_kbps))
    return TC_ERR_INVALID_ARG;
  return tc_sdp_apply_bitrates (sdp, &b);
}

bool
tc_sdp_effective_bitrates (tc_sdp_quality q, const tc_sdp_bitrates *set,
    tc_sdp_bitrates *out)
{
  if (!tc_sdp_quality_bitrates (q, &out->max_kbps, &out->start_kbps))
    return false;
  out->min_kbps = 0;
  if (set == NULL)
    return true;
  if (set->max_kbps != 0)
    out->max_kbps = set->max_kbps;
  if (set->min_kbps != 0)
    out->min_kbps = MIN (set->min_kbps, out->max_kbps);
  /* The quality's start is only a default: it follows a lower max. */
  out->start_kbps = set->start_kbps != 0 ? set->start_kbps : out->start_kbps;
  out->start_kbps = CLAMP (out->start_kbps, out->min_kbps, out->max_kbps);
  return true;
}

tc_status
tc_sdp_apply_bitrates (tc_sdp *sdp, const tc_sdp_bitrates *b)
{
  g_return_val_if_fail (sdp != NULL && b != NULL && b->max_kbps > 0,
      TC_ERR_INVALID_ARG);
  char smax[16], sstart[16], smin[16];
  g_snprintf (smax, sizeof smax, "%u", b->max_kbps);
  g_snprintf (sstart, sizeof sstart, "%u", b->start_kbps);
  g_snprintf (smin, sizeof smin, "%u", b->min_kbps);
  uint32_t max = b->max_kbps;
  for (size_t i = 0; i < sdp->n_media; i++) {
    tc_sdp_media *m = sdp->media[i];
    if (strcmp (m->kind, "video") != 0 || m->port == 0)
      continue;
    tc_sdp_set_bandwidth (&m->common, "AS", max);
    for (size_t j = 0; j < m->n_formats; j++) {
      int pt = tc_sdp_media_format_pt (m, j);
      if (pt >= 0)
        hint_codec (m, (unsigned) pt, sstart, smax,
            b->min_kbps != 0 ? smin : NULL);
    }
  }
  return TC_OK;
}

static uint32_t
lower (uint32_t a, uint32_t b)
{
  return a == 0 ? b : b == 0 ? a : MIN (a, b);
}

uint32_t
tc_sdp_media_max_kbps (const tc_sdp_media *m, int pt)
{
  uint32_t kbps = 0;
  g_return_val_if_fail (m != NULL, 0);
  for (size_t i = 0; i < m->common.n_bandwidths; i++) {
    const tc_sdp_bandwidth *b = &m->common.bandwidths[i];
    if (g_ascii_strcasecmp (b->type, "AS") == 0)
      kbps = lower (kbps, b->value);
    else if (g_ascii_strcasecmp (b->type, "TIAS") == 0)
      kbps = lower (kbps, MAX (b->value / 1000, 1));
  }
  const char *x = pt >= 0
      ? tc_sdp_fmtp_get (tc_sdp_media_fmtp (m, (unsigned) pt),
          "x-google-max-bitrate") : NULL;
  guint64 v = 0;
  if (x != NULL && g_ascii_string_to_unsigned (x, 10, 1, G_MAXUINT32, &v,
          NULL))
    kbps = lower (kbps, (uint32_t) v);
  return kbps;
}

/* Sets fmtp parameter `name` of `pt` to at most `kbps` where it is higher. */
static void
cap_param (tc_sdp_media *m, int pt, const char *name, uint32_t kbps)
{
  const char *old = tc_sdp_fmtp_get (tc_sdp_media_fmtp (m, (unsigned) pt),
      name);
  guint64 v = 0;
  if (old == NULL || !g_ascii_string_to_unsigned (old, 10, 0, G_MAXUINT32,
          &v, NULL) || v <= kbps)
    return;
  char text[16];
  g_snprintf (text, sizeof text, "%u", kbps);
  tc_sdp_fmtp_set (tc_sdp_fmtp_for (m, (unsigned) pt), name, text);
}

void
tc_sdp_cap_bandwidth (tc_sdp_media *m, int pt, uint32_t kbps)
{
  g_return_if_fail (m != NULL);
  if (kbps == 0)
    return;
  for (size_t i = 0; i < m->common.n_bandwidths; i++) {
    tc_sdp_bandwidth *b = &m->common.bandwidths[i];
    if (g_ascii_strcasecmp (b->type, "AS") == 0 && b->value > kbps)
      b->value = kbps;
  }
  if (pt < 0 || tc_sdp_media_fmtp (m, (unsigned) pt) == NULL)
    return;
  cap_param (m, pt, "x-google-max-bitrate", kbps);
  cap_param (m, pt, "x-google-start-bitrate", kbps);
}

tc_status
tc_sdp_munge_bandwidth (const char *text, size_t len, tc_sdp_quality q,
    char **out, const char **why)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;
  tc_sdp *sdp = NULL;
  tc_status st = tc_sdp_parse (text, len, &sdp, why);
  if (st == TC_OK)
    st = tc_sdp_apply_bandwidth (sdp, q);
  if (st == TC_OK)
    *out = tc_sdp_serialize (sdp);
  else if (why != NULL && *why == NULL)
    *why = "quality";
  tc_sdp_free (sdp);
  return st;
}
