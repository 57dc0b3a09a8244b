/* sdp_munge.c - the web client's bandwidth hints, on any SDP.
 *
 * Before setLocalDescription the TempChat page writes, for its quality,
 *   b=AS:<max>                                     (video sections)
 *   a=fmtp:<pt> ...;x-google-start-bitrate=<start>;x-google-max-bitrate=<max>
 * so Chrome's congestion controller starts high instead of at 300 kbps.
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
hint_codec (tc_sdp_media *m, unsigned pt, const char *start, const char *max)
{
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (m, pt);
  if (r == NULL || tc_sdp_codec_is_helper (r->name))
    return;
  tc_sdp_fmtp *f = tc_sdp_fmtp_for (m, pt);
  tc_sdp_fmtp_set (f, "x-google-start-bitrate", start);
  tc_sdp_fmtp_set (f, "x-google-max-bitrate", max);
}

tc_status
tc_sdp_apply_bandwidth (tc_sdp *sdp, tc_sdp_quality q)
{
  uint32_t max, start;
  g_return_val_if_fail (sdp != NULL, TC_ERR_INVALID_ARG);
  if (!tc_sdp_quality_bitrates (q, &max, &start))
    return TC_ERR_INVALID_ARG;
  char smax[16], sstart[16];
  g_snprintf (smax, sizeof smax, "%u", max);
  g_snprintf (sstart, sizeof sstart, "%u", start);
  for (size_t i = 0; i < sdp->n_media; i++) {
    tc_sdp_media *m = sdp->media[i];
    if (strcmp (m->kind, "video") != 0 || m->port == 0)
      continue;
    tc_sdp_set_bandwidth (&m->common, "AS", max);
    for (size_t j = 0; j < m->n_formats; j++) {
      int pt = tc_sdp_media_format_pt (m, j);
      if (pt >= 0)
        hint_codec (m, (unsigned) pt, sstart, smax);
    }
  }
  return TC_OK;
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
