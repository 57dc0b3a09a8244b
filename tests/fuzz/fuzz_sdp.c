/* fuzz_sdp.c - the SDP parser, serializer and answer builder.
 *
 * Invariants checked (abort on violation):
 *  - whatever parses serializes into text that parses again and serializes
 *    to the same bytes (the canonical form is a fixed point);
 *  - an answer we build for a parsed offer is itself valid SDP, and reading
 *    it back as the offerer gives the same codecs the answerer chose;
 *  - our answer never asks for more bandwidth than the offer allowed
 *    (b=AS, b=TIAS, x-google-max-bitrate), and the peer's limit the
 *    offerer reads from it is at most that;
 *  - bandwidth munging and serialization never crash.
 */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static tc_sdp *
must_parse (const char *text)
{
  tc_sdp *sdp = NULL;
  if (tc_sdp_parse (text, strlen (text), &sdp, NULL) != TC_OK)
    abort ();
  return sdp;
}

static void
local_params (tc_sdp_local *l)
{
  static const uint8_t fp[32] = { 1, 2, 3 };
  tc_sdp_local_init (l);
  l->ice_ufrag = "fuzz";
  l->ice_pwd = "fuzzfuzzfuzzfuzzfuzzfuzz";
  memcpy (l->fingerprint_sha256, fp, sizeof fp);
  l->send_audio = l->send_video = true;
  l->audio_ssrc = 1;
  l->video_ssrc = 2;
  l->video_rtx_ssrc = 3;
  l->cname = "cname";
  l->stream_id = "stream";
  l->audio_track_id = "audio";
  l->video_track_id = "video";
}

static void
check_answer (const tc_sdp *offer)
{
  tc_sdp_local l;
  local_params (&l);
  tc_sdp *answer = NULL;
  tc_sdp_negotiated *at_answerer = NULL, *at_offerer = NULL;
  if (tc_sdp_build_answer (offer, &l, &answer, &at_answerer, NULL) != TC_OK)
    return;
  char *text = tc_sdp_serialize (answer);
  tc_sdp *reparsed = must_parse (text);
  if (tc_sdp_read_answer (offer, reparsed, &l, &at_offerer, NULL) != TC_OK)
    abort ();
  for (size_t i = 0; i < at_answerer->n_media; i++) {
    if (at_answerer->media[i].codec != at_offerer->media[i].codec
        || at_answerer->media[i].pt != at_offerer->media[i].pt)
      abort ();
    uint32_t allowed = at_answerer->media[i].remote_max_kbps;
    uint32_t asked = at_offerer->media[i].remote_max_kbps;
    if (allowed != 0 && strcmp (at_answerer->media[i].kind, "video") == 0
        && at_answerer->media[i].accepted && (asked == 0 || asked > allowed))
      abort ();
  }
  tc_sdp_negotiated_free (at_answerer);
  tc_sdp_negotiated_free (at_offerer);
  tc_sdp_free (reparsed);
  tc_sdp_free (answer);
  g_free (text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_sdp *sdp = NULL;
  if (tc_sdp_parse ((const char *) data, size, &sdp, NULL) != TC_OK)
    return 0;
  char *s1 = tc_sdp_serialize (sdp);
  tc_sdp *again = must_parse (s1);
  char *s2 = tc_sdp_serialize (again);
  if (strcmp (s1, s2) != 0)
    abort ();
  check_answer (sdp);
  tc_sdp_apply_bandwidth (again, TC_SDP_QUALITY_1080P);
  g_free (tc_sdp_serialize (again));
  g_free (s1);
  g_free (s2);
  tc_sdp_free (again);
  tc_sdp_free (sdp);
  return 0;
}
