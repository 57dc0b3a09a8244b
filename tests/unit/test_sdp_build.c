/* test_sdp_build.c - our offer and the web client's bandwidth hints. */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

#include "sdp_samples.h"
#include "sdp_test_local.h"

/* Builds an offer from `l`, serializes it and parses that text back. */
static tc_sdp *
offer_reparsed (const tc_sdp_local *l, char **text_out)
{
  tc_sdp *built = NULL;
  g_assert_cmpint (tc_sdp_build_offer (l, &built, NULL), ==, TC_OK);
  char *text = tc_sdp_serialize (built);
  tc_sdp *sdp = NULL;
  g_assert_cmpint (tc_sdp_parse (text, strlen (text), &sdp, NULL), ==, TC_OK);
  tc_sdp_free (built);
  if (text_out != NULL)
    *text_out = text;
  else
    g_free (text);
  return sdp;
}

static void
check_transport (const tc_sdp_media *m, const tc_sdp_local *l)
{
  g_assert_cmpuint (m->port, ==, 9);
  g_assert_cmpstr (m->proto, ==, "UDP/TLS/RTP/SAVPF");
  g_assert_cmpstr (m->common.connection->address, ==, "0.0.0.0");
  g_assert_cmpstr (m->common.ice_ufrag, ==, l->ice_ufrag);
  g_assert_cmpstr (m->common.ice_pwd, ==, l->ice_pwd);
  g_assert_cmpstr (m->common.ice_options, ==, "trickle");
  g_assert_cmpstr (m->common.fingerprint.algorithm, ==, "sha-256");
  g_assert_cmpuint (m->common.fingerprint.len, ==, 32);
  g_assert_cmpmem (m->common.fingerprint.bytes, 32, l->fingerprint_sha256, 32);
  g_assert_cmpint (m->common.setup, ==, TC_SDP_SETUP_ACTPASS);
  g_assert_true (m->rtcp_mux);
  g_assert_true (m->rtcp_rsize);
  /* Then video has the AV1 dependency descriptor (below) and audio the
   * audio level, on Chrome's id. */
  g_assert_cmpuint (m->common.n_extmaps, ==, 4);
  g_assert_cmpstr (m->common.extmaps[0].uri, ==, TC_SDP_EXT_URI_ABS_SEND_TIME);
  g_assert_cmpuint (m->common.extmaps[0].id, ==, 2);
  g_assert_cmpstr (m->common.extmaps[1].uri, ==, TC_SDP_EXT_URI_TRANSPORT_CC);
  g_assert_cmpstr (m->common.extmaps[2].uri, ==, TC_SDP_EXT_URI_MID);
  if (strcmp (m->kind, "audio") == 0) {
    g_assert_cmpstr (m->common.extmaps[3].uri, ==, TC_SDP_EXT_URI_AUDIO_LEVEL);
    g_assert_cmpuint (m->common.extmaps[3].id, ==, 1);
  }
}

static void
test_offer_session_has_bundle_and_browser_like_origin (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *sdp = offer_reparsed (&l, NULL);
  g_assert_cmpstr (sdp->origin.session_id, ==, "4611731400430051336");
  g_assert_cmpuint (sdp->origin.session_version, ==, 2);
  g_assert_cmpstr (sdp->session_name, ==, "-");
  g_assert_cmpuint (sdp->n_groups, ==, 1);
  g_assert_cmpstr (sdp->groups[0].semantics, ==, "BUNDLE");
  g_assert_cmpuint (sdp->groups[0].n_mids, ==, 2);
  g_assert_cmpstr (sdp->groups[0].mids[0], ==, "0");
  g_assert_cmpstr (sdp->groups[0].mids[1], ==, "1");
  g_assert_true (sdp->common.extmap_allow_mixed);
  g_assert_cmpstr (sdp->msid_semantic, ==, "WMS tc-stream");
  g_assert_cmpuint (sdp->n_media, ==, 2);
  tc_sdp_free (sdp);
}

static void
test_offer_audio_section_is_opus_stereo_with_fec (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *sdp = offer_reparsed (&l, NULL);
  const tc_sdp_media *a = sdp->media[0];
  g_assert_cmpstr (a->kind, ==, "audio");
  g_assert_cmpstr (a->mid, ==, "0");
  check_transport (a, &l);
  g_assert_cmpint (a->direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpuint (a->n_formats, ==, 1);
  g_assert_cmpstr (a->formats[0], ==, "111");
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (a, 111);
  g_assert_cmpstr (r->name, ==, "opus");
  g_assert_cmpuint (r->clock_rate, ==, 48000);
  g_assert_cmpuint (r->channels, ==, 2);
  char fmtp[256];
  const tc_sdp_fmtp *f = tc_sdp_media_fmtp (a, 111);
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < f->n_params; i++)
    g_string_append_printf (s, "%s%s=%s", i ? ";" : "", f->params[i].name, f->params[i].value);
  g_strlcpy (fmtp, s->str, sizeof fmtp);
  g_string_free (s, TRUE);
  g_assert_cmpstr (fmtp, ==,
      "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxaveragebitrate=128000");
  g_assert_cmpuint (a->n_rtcp_fbs, ==, 1);
  g_assert_cmpstr (a->rtcp_fbs[0].type, ==, "transport-cc");
  g_assert_cmpuint (a->n_msids, ==, 1);
  g_assert_cmpstr (a->msids[0].stream_id, ==, "tc-stream");
  g_assert_cmpstr (a->msids[0].track_id, ==, "tc-audio");
  g_assert_cmpuint (a->n_ssrcs, ==, 2);
  g_assert_cmpuint (a->ssrcs[0].ssrc, ==, 11111111);
  g_assert_cmpstr (a->ssrcs[0].attribute, ==, "cname");
  g_assert_cmpstr (a->ssrcs[0].value, ==, "tcpeerCname01234");
  g_assert_cmpstr (a->ssrcs[1].value, ==, "tc-stream tc-audio");
  g_assert_cmpuint (a->common.n_bandwidths, ==, 0);
  tc_sdp_free (sdp);
}

static void
test_offer_video_lists_codecs_in_priority_order_with_rtx (void)
{
  /* AV1 > VP9 > H264 > VP8, H264 once per profile Chromium lists,
   * constrained baseline (what we send) first; each with its RTX. */
  static const struct {
    int pt;
    const char *name;
    int rtx;
    const char *plid;
  } want[] = {
    { 45, "AV1", 46, NULL }, { 98, "VP9", 99, NULL },
    { 102, "H264", 103, "42e01f" }, { 104, "H264", 105, "42001f" },
    { 106, "H264", 107, "4d001f" }, { 108, "H264", 109, "64001f" },
    { 96, "VP8", 97, NULL },
  };
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *sdp = offer_reparsed (&l, NULL);
  const tc_sdp_media *v = sdp->media[1];
  g_assert_cmpstr (v->kind, ==, "video");
  g_assert_cmpstr (v->mid, ==, "1");
  check_transport (v, &l);
  g_assert_cmpstr (v->common.extmaps[3].uri, ==,
      TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR);
  g_assert_cmpuint (v->n_formats, ==, 2 * G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
    g_assert_cmpint (tc_sdp_media_format_pt (v, 2 * i), ==, want[i].pt);
    g_assert_cmpint (tc_sdp_media_format_pt (v, 2 * i + 1), ==, want[i].rtx);
    g_assert_cmpstr (tc_sdp_media_rtpmap (v, want[i].pt)->name, ==, want[i].name);
    g_assert_cmpuint (tc_sdp_media_rtpmap (v, want[i].pt)->clock_rate, ==, 90000);
    g_assert_cmpstr (tc_sdp_media_rtpmap (v, want[i].rtx)->name, ==, "rtx");
    char apt[8];
    g_snprintf (apt, sizeof apt, "%d", want[i].pt);
    g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, want[i].rtx), "apt"), ==, apt);
    if (want[i].plid == NULL)
      continue;
    const tc_sdp_fmtp *h264 = tc_sdp_media_fmtp (v, want[i].pt);
    g_assert_cmpstr (tc_sdp_fmtp_get (h264, "packetization-mode"), ==, "1");
    g_assert_cmpstr (tc_sdp_fmtp_get (h264, "profile-level-id"), ==, want[i].plid);
  }
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 45), "profile"), ==, "0");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 98), "profile-id"), ==, "0");
  g_assert_cmpuint (v->n_rtcp_fbs, ==, G_N_ELEMENTS (want) * 5);
  static const char *const fb[][2] = { { "goog-remb", NULL }, { "transport-cc", NULL },
    { "ccm", "fir" }, { "nack", NULL }, { "nack", "pli" } };
  for (size_t i = 0; i < 5; i++) {
    g_assert_cmpint (v->rtcp_fbs[i].pt, ==, 45);
    g_assert_cmpstr (v->rtcp_fbs[i].type, ==, fb[i][0]);
    g_assert_cmpstr (v->rtcp_fbs[i].subtype, ==, fb[i][1]);
  }
  tc_sdp_free (sdp);
}

static void
test_offer_video_sender_has_msid_ssrcs_and_fid_group (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *sdp = offer_reparsed (&l, NULL);
  const tc_sdp_media *v = sdp->media[1];
  g_assert_cmpint (v->direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpstr (v->msids[0].track_id, ==, "tc-video");
  g_assert_cmpuint (v->n_ssrc_groups, ==, 1);
  g_assert_cmpstr (v->ssrc_groups[0].semantics, ==, "FID");
  g_assert_cmpuint (v->ssrc_groups[0].n_ssrcs, ==, 2);
  g_assert_cmpuint (v->ssrc_groups[0].ssrcs[0], ==, 22222222);
  g_assert_cmpuint (v->ssrc_groups[0].ssrcs[1], ==, 33333333);
  g_assert_cmpuint (v->n_ssrcs, ==, 4);
  g_assert_cmpuint (v->ssrcs[2].ssrc, ==, 33333333);
  g_assert_cmpstr (v->ssrcs[2].attribute, ==, "cname");
  g_assert_cmpstr (v->ssrcs[3].value, ==, "tc-stream tc-video");
  tc_sdp_free (sdp);
}

static void
test_offer_directions_follow_our_tracks_and_wishes (void)
{
  static const struct {
    bool audio, video, recv_audio, recv_video;
    tc_sdp_direction want_audio, want_video;
  } cases[] = {
    { true, true, true, true, TC_SDP_DIR_SENDRECV, TC_SDP_DIR_SENDRECV },
    { true, false, true, true, TC_SDP_DIR_SENDRECV, TC_SDP_DIR_RECVONLY },
    { false, true, true, true, TC_SDP_DIR_RECVONLY, TC_SDP_DIR_SENDRECV },
    { false, false, true, true, TC_SDP_DIR_RECVONLY, TC_SDP_DIR_RECVONLY },
    /* A sender that wants nothing back (OBS output). */
    { true, true, false, false, TC_SDP_DIR_SENDONLY, TC_SDP_DIR_SENDONLY },
    { true, false, false, true, TC_SDP_DIR_SENDONLY, TC_SDP_DIR_RECVONLY },
    { false, true, false, false, TC_SDP_DIR_INACTIVE, TC_SDP_DIR_SENDONLY },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    tc_sdp_local l;
    test_local (&l);
    l.send_audio = cases[i].audio;
    l.send_video = cases[i].video;
    l.recv_audio = cases[i].recv_audio;
    l.recv_video = cases[i].recv_video;
    tc_sdp *sdp = offer_reparsed (&l, NULL);
    g_assert_cmpint (sdp->media[0]->direction, ==, cases[i].want_audio);
    g_assert_cmpint (sdp->media[1]->direction, ==, cases[i].want_video);
    g_assert_cmpuint (sdp->media[0]->n_ssrcs, ==, cases[i].audio ? 2 : 0);
    g_assert_cmpuint (sdp->media[1]->n_msids, ==, cases[i].video ? 1 : 0);
    g_assert_cmpuint (sdp->media[1]->n_ssrc_groups, ==, cases[i].video ? 1 : 0);
    tc_sdp_free (sdp);
  }
}

typedef struct {
  tc_sdp_quality quality;
  const char *as_line;
  const char *hints;
} quality_case;

static const quality_case qualities[] = {
  { TC_SDP_QUALITY_360P, "b=AS:700\r\n", "x-google-start-bitrate=500;x-google-max-bitrate=700" },
  { TC_SDP_QUALITY_720P, "b=AS:3000\r\n", "x-google-start-bitrate=2000;x-google-max-bitrate=3000" },
  { TC_SDP_QUALITY_1080P, "b=AS:6000\r\n", "x-google-start-bitrate=4500;x-google-max-bitrate=6000" },
};

static void
test_offer_carries_bandwidth_hints_per_quality (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (qualities); i++) {
    const quality_case *q = &qualities[i];
    tc_sdp_local l;
    test_local (&l);
    l.quality = q->quality;
    char *text = NULL;
    tc_sdp *sdp = offer_reparsed (&l, &text);
    g_assert_cmpint (count_of (text, "b=AS:"), ==, 1);
    g_assert_nonnull (strstr (strstr (text, "m=video"), q->as_line));
    g_assert_cmpint (count_of (text, q->hints), ==, 7);  /* 7 video formats */
    char *av1 = g_strdup_printf ("a=fmtp:45 level-idx=5;profile=0;tier=0;%s\r\n", q->hints);
    char *vp8 = g_strdup_printf ("a=fmtp:96 %s\r\n", q->hints);
    g_assert_nonnull (strstr (text, av1));
    g_assert_nonnull (strstr (text, vp8));
    g_assert_nonnull (strstr (text, "a=fmtp:97 apt=96\r\n"));
    uint32_t max = 0, start = 0;
    g_assert_true (tc_sdp_quality_bitrates (q->quality, &max, &start));
    g_assert_cmpuint (sdp->media[1]->common.bandwidths[0].value, ==, max);
    g_free (av1);
    g_free (vp8);
    g_free (text);
    tc_sdp_free (sdp);
  }
}

/* The user's bitrates override the quality's: max replaces it, start is
 * kept within [min, max], min appears only when set. */
static void
test_offer_carries_the_users_bitrates (void)
{
  static const struct {
    tc_sdp_bitrates set;
    const char *as_line;
    const char *hints;
  } cases[] = {
    { {300, 800, 1000}, "b=AS:1000\r\n", "x-google-min-bitrate=300;"
      "x-google-start-bitrate=800;x-google-max-bitrate=1000" },
    { {0, 0, 1500}, "b=AS:1500\r\n",
      "x-google-start-bitrate=1500;x-google-max-bitrate=1500" },
    { {0, 100, 0}, "b=AS:3000\r\n",
      "x-google-start-bitrate=100;x-google-max-bitrate=3000" },
    { {2500, 0, 0}, "b=AS:3000\r\n", "x-google-min-bitrate=2500;"
      "x-google-start-bitrate=2500;x-google-max-bitrate=3000" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    tc_sdp_local l;
    test_local (&l);
    l.quality = TC_SDP_QUALITY_720P;
    l.bitrates = cases[i].set;
    char *text = NULL;
    tc_sdp *sdp = offer_reparsed (&l, &text);
    g_test_message ("case %zu", i);
    g_assert_nonnull (strstr (strstr (text, "m=video"), cases[i].as_line));
    g_assert_cmpint (count_of (text, cases[i].hints), ==, 7);
    g_free (text);
    tc_sdp_free (sdp);
  }
}

static void
test_offer_refuses_unusable_local_parameters (void)
{
  static const char *const names[] = { "short ufrag", "short pwd", "no cname",
    "bad track id", "repeated codec", "no video codec", "no opus", "bad quality" };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++) {
    tc_sdp_local l;
    test_local (&l);
    switch (i) {
      case 0: l.ice_ufrag = "abc"; break;
      case 1: l.ice_pwd = "short"; break;
      case 2: l.cname = NULL; break;
      case 3: l.video_track_id = "has space"; break;
      case 4: l.video_codecs[1] = TC_SDP_CODEC_AV1; break;
      case 5: l.n_video_codecs = 0; break;
      case 6: l.opus = false; break;
      default: l.quality = (tc_sdp_quality) 7; break;
    }
    tc_sdp *sdp = (tc_sdp *) 1;
    const char *why = NULL;
    g_assert_cmpint (tc_sdp_build_offer (&l, &sdp, &why), ==, TC_ERR_INVALID_ARG);
    g_assert_null (sdp);
    g_assert_nonnull (why);
  }
}

/* ----------------------------------------------------------------- munging */

static void
test_munging_adds_hints_to_a_chrome_offer (void)
{
  char *out = NULL;
  g_assert_cmpint (tc_sdp_munge_bandwidth (CHROME_OFFER, strlen (CHROME_OFFER),
          TC_SDP_QUALITY_1080P, &out, NULL), ==, TC_OK);
  const char *hints = "x-google-start-bitrate=4500;x-google-max-bitrate=6000";
  const char *video = strstr (out, "m=video");
  g_assert_null (g_strstr_len (out, video - out, "b=AS"));
  g_assert_true (g_str_has_prefix (strstr (video, "\r\n") + 2,
          "c=IN IP4 0.0.0.0\r\nb=AS:6000\r\n"));
  /* 10 codecs: AV1, VP9 x2, H264 x6, VP8; not rtx, red or ulpfec. */
  g_assert_cmpint (count_of (out, hints), ==, 10);
  g_assert_nonnull (strstr (out, "a=rtcp-fb:96 nack pli\r\na=fmtp:96 x-google-start"));
  g_assert_nonnull (strstr (out, "a=fmtp:46 apt=45\r\n"));
  g_assert_null (strstr (out, "a=fmtp:112"));
  g_assert_null (strstr (out, "a=fmtp:114"));
  g_assert_nonnull (strstr (out, "a=fmtp:111 minptime=10;useinbandfec=1\r\n"));
  g_free (out);
}

static void
test_munging_replaces_existing_hints_in_place (void)
{
  char *out = NULL;
  g_assert_cmpint (tc_sdp_munge_bandwidth (CHROME_ANSWER, strlen (CHROME_ANSWER),
          TC_SDP_QUALITY_360P, &out, NULL), ==, TC_OK);
  g_assert_cmpint (count_of (out, "x-google-start-bitrate="), ==, 4);
  g_assert_cmpint (count_of (out, "b=AS:"), ==, 1);
  g_assert_nonnull (strstr (out, "b=AS:700\r\n"));
  g_assert_nonnull (strstr (out, "a=fmtp:45 level-idx=5;profile=0;tier=0;"
          "x-google-start-bitrate=500;x-google-max-bitrate=700\r\n"));
  g_assert_null (strstr (out, "bitrate=3000"));
  g_free (out);
}

static void
test_munging_leaves_rejected_and_audio_sections_alone (void)
{
  static const char text[] =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n"
    "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n";
  char *out = NULL;
  g_assert_cmpint (tc_sdp_munge_bandwidth (text, strlen (text), TC_SDP_QUALITY_720P,
          &out, NULL), ==, TC_OK);
  g_assert_cmpstr (out, ==, text);
  g_free (out);
}

static void
test_munging_reports_bad_input (void)
{
  char *out = (char *) 1;
  const char *why = NULL;
  g_assert_cmpint (tc_sdp_munge_bandwidth ("v=0\r\n", 5, TC_SDP_QUALITY_720P, &out,
          &why), ==, TC_ERR_PARSE);
  g_assert_null (out);
  g_assert_nonnull (why);
  g_assert_cmpint (tc_sdp_munge_bandwidth (CHROME_OFFER, strlen (CHROME_OFFER),
          (tc_sdp_quality) 9, &out, &why), ==, TC_ERR_INVALID_ARG);
  g_assert_null (out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/offer/session-has-bundle-and-browser-like-origin",
      test_offer_session_has_bundle_and_browser_like_origin);
  g_test_add_func ("/sdp/offer/audio-section-is-opus-stereo-with-fec",
      test_offer_audio_section_is_opus_stereo_with_fec);
  g_test_add_func ("/sdp/offer/video-lists-codecs-in-priority-order-with-rtx",
      test_offer_video_lists_codecs_in_priority_order_with_rtx);
  g_test_add_func ("/sdp/offer/video-sender-has-msid-ssrcs-and-fid-group",
      test_offer_video_sender_has_msid_ssrcs_and_fid_group);
  g_test_add_func ("/sdp/offer/directions-follow-our-tracks",
      test_offer_directions_follow_our_tracks_and_wishes);
  g_test_add_func ("/sdp/offer/carries-bandwidth-hints-per-quality",
      test_offer_carries_bandwidth_hints_per_quality);
  g_test_add_func ("/sdp/offer/refuses-unusable-local-parameters",
      test_offer_refuses_unusable_local_parameters);
  g_test_add_func ("/sdp/munge/adds-hints-to-a-chrome-offer",
      test_munging_adds_hints_to_a_chrome_offer);
  g_test_add_func ("/sdp/build/offer-carries-the-users-bitrates",
      test_offer_carries_the_users_bitrates);
  g_test_add_func ("/sdp/munge/replaces-existing-hints-in-place",
      test_munging_replaces_existing_hints_in_place);
  g_test_add_func ("/sdp/munge/leaves-rejected-and-audio-sections-alone",
      test_munging_leaves_rejected_and_audio_sections_alone);
  g_test_add_func ("/sdp/munge/reports-bad-input",
      test_munging_reports_bad_input);
  return g_test_run ();
}
