/* sdp_test_local.h - a complete tc_sdp_local for the builder tests. */
#ifndef TEMPCHAT_TEST_SDP_LOCAL_H
#define TEMPCHAT_TEST_SDP_LOCAL_H

#include "tempchat/tc_sdp.h"

#include <string.h>

/* Both tracks, all codecs, 720p, made-up credentials and ids. */
static inline void
test_local (tc_sdp_local *l)
{
  tc_sdp_local_init (l);
  l->ice_ufrag = "Ab3d";
  l->ice_pwd = "0123456789abcdefABCDEF+/";
  for (int i = 0; i < 32; i++)
    l->fingerprint_sha256[i] = (uint8_t) (0xA0 + i);
  l->session_id = 4611731400430051336ull;
  l->send_audio = true;
  l->send_video = true;
  l->audio_ssrc = 11111111;
  l->video_ssrc = 22222222;
  l->video_rtx_ssrc = 33333333;
  l->cname = "tcpeerCname01234";
  l->stream_id = "tc-stream";
  l->audio_track_id = "tc-audio";
  l->video_track_id = "tc-video";
}

/* Counts the occurrences of `needle` in `text`. */
static inline int
count_of (const char *text, const char *needle)
{
  int n = 0;
  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

#endif
