/* test_sdp_answer.c - answering a browser's offer, reading a browser's
 * answer to ours, and the negotiated result the session uses. */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

#include "sdp_samples.h"
#include "sdp_test_local.h"

#define HEAD "v=0\r\no=- 77 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define TRANSPORT(setup) \
  "c=IN IP4 0.0.0.0\r\na=ice-ufrag:Qx7v\r\na=ice-pwd:8WvJ2Hn5Lr0tKp3Zs9Yd6Fq1\r\n" \
  "a=fingerprint:sha-256 4A:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:" \
  "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\na=setup:" setup "\r\n" \
  "a=rtcp-mux\r\n"
#define OPUS "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"

static tc_sdp *
parse_text (const char *text)
{
  tc_sdp *sdp = NULL;
  const char *why = NULL;
  tc_status st = tc_sdp_parse (text, strlen (text), &sdp, &why);
  if (st != TC_OK)
    g_printerr ("parse: %s (%s)\n", tc_status_name (st), why);
  g_assert_cmpint (st, ==, TC_OK);
  return sdp;
}

/* Answers `offer_text` with `l`; the answer comes back re-parsed from its
 * text, so the test sees what the browser will see. */
static tc_sdp *
answer_for (const char *offer_text, const tc_sdp_local *l, tc_sdp_negotiated **neg,
    char **text_out)
{
  tc_sdp *offer = parse_text (offer_text);
  tc_sdp *answer = NULL;
  const char *why = NULL;
  tc_status st = tc_sdp_build_answer (offer, l, &answer, neg, &why);
  if (st != TC_OK)
    g_printerr ("answer: %s (%s)\n", tc_status_name (st), why);
  g_assert_cmpint (st, ==, TC_OK);
  char *text = tc_sdp_serialize (answer);
  tc_sdp *reparsed = parse_text (text);
  char *again = tc_sdp_serialize (reparsed);
  g_assert_cmpstr (again, ==, text);
  g_free (again);
  if (text_out != NULL)
    *text_out = text;
  else
    g_free (text);
  tc_sdp_free (answer);
  tc_sdp_free (offer);
  return reparsed;
}

/* --------------------------------------------------------------- codecs */

static void
test_answer_picks_av1_when_offered_first (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (CHROME_OFFER, &l, &neg, NULL);
  const tc_sdp_media *v = ans->media[1];
  g_assert_cmpuint (v->n_formats, ==, 2);
  g_assert_cmpstr (v->formats[0], ==, "45");
  g_assert_cmpstr (v->formats[1], ==, "46");
  g_assert_cmpstr (tc_sdp_media_rtpmap (v, 45)->name, ==, "AV1");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 45), "profile"), ==, "0");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 46), "apt"), ==, "45");
  g_assert_cmpint (neg->media[1].codec, ==, TC_SDP_CODEC_AV1);
  g_assert_cmpuint (neg->media[1].pt, ==, 45);
  g_assert_cmpint (neg->media[1].rtx_pt, ==, 46);
  const tc_sdp_media *a = ans->media[0];
  g_assert_cmpuint (a->n_formats, ==, 1);
  g_assert_cmpstr (a->formats[0], ==, "111");
  g_assert_cmpint (neg->media[0].codec, ==, TC_SDP_CODEC_OPUS);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_picks_vp8_when_we_only_support_vp8_and_opus (void)
{
  tc_sdp_local l;
  test_local (&l);
  l.video_codecs[0] = TC_SDP_CODEC_VP8;
  l.n_video_codecs = 1;
  tc_sdp_negotiated *neg = NULL;
  char *text = NULL;
  tc_sdp *ans = answer_for (CHROME_OFFER, &l, &neg, &text);
  g_assert_cmpuint (neg->media[1].pt, ==, 96);
  g_assert_cmpint (neg->media[1].codec, ==, TC_SDP_CODEC_VP8);
  g_assert_cmpint (neg->media[1].rtx_pt, ==, 97);
  g_assert_nonnull (strstr (text, "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"));
  g_assert_nonnull (strstr (text, "a=fmtp:96 x-google-start-bitrate=2000;"
          "x-google-max-bitrate=3000\r\n"));
  g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
  g_free (text);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_h264_needs_mode_1_and_a_baseline_profile (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE v\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 104 127 106 107\r\n" TRANSPORT ("actpass")
    "a=mid:v\r\n"
    "a=rtpmap:104 H264/90000\r\n"
    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
    "a=rtpmap:127 H264/90000\r\n"
    "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:106 H264/90000\r\n"
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:107 rtx/90000\r\na=fmtp:107 apt=106\r\n";
  tc_sdp_local l;
  test_local (&l);
  l.video_codecs[0] = TC_SDP_CODEC_H264;
  l.n_video_codecs = 1;
  tc_sdp_negotiated *neg = NULL;
  char *text = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, &text);
  g_assert_cmpuint (neg->media[0].pt, ==, 106);
  g_assert_cmpint (neg->media[0].rtx_pt, ==, 107);
  g_assert_cmpstr (neg->media[0].fmtp, ==, "level-asymmetry-allowed=1;"
      "packetization-mode=1;profile-level-id=42e01f;"
      "x-google-start-bitrate=2000;x-google-max-bitrate=3000");
  g_assert_cmpstr (neg->media[0].remote_fmtp, ==, "level-asymmetry-allowed=1;"
      "packetization-mode=1;profile-level-id=42e01f");
  g_free (text);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_opus_asks_for_stereo_fec_and_128_kbps (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (CHROME_OFFER, &l, &neg, NULL);
  g_assert_cmpstr (neg->media[0].fmtp, ==, "minptime=10;useinbandfec=1;stereo=1;"
      "sprop-stereo=1;maxaveragebitrate=128000");
  g_assert_cmpstr (neg->media[0].remote_fmtp, ==, "minptime=10;useinbandfec=1");
  g_assert_cmpuint (neg->media[0].clock_rate, ==, 48000);
  g_assert_cmpuint (neg->media[0].channels, ==, 2);
  g_assert_cmpuint (neg->media[0].rtcp_fb, ==, TC_SDP_FB_TRANSPORT_CC);
  g_assert_cmpuint (ans->media[0]->common.n_bandwidths, ==, 0);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

/* -------------------------------------------------------------- sections */

static void
test_answer_rejects_a_data_channel_and_keeps_mids (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  char *text = NULL;
  tc_sdp *ans = answer_for (CHROME_GATHERED, &l, &neg, &text);
  g_assert_cmpuint (ans->n_media, ==, 2);
  g_assert_cmpstr (ans->media[0]->mid, ==, "0");
  g_assert_cmpstr (ans->media[1]->mid, ==, "1");
  g_assert_cmpuint (ans->media[1]->port, ==, 0);
  g_assert_nonnull (strstr (text, "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"
          "c=IN IP4 0.0.0.0\r\na=mid:1\r\n"));
  g_assert_cmpuint (ans->groups[0].n_mids, ==, 1);
  g_assert_cmpstr (ans->groups[0].mids[0], ==, "0");
  g_assert_true (neg->media[0].accepted);
  g_assert_false (neg->media[1].accepted);
  g_assert_cmpstr (neg->media[1].kind, ==, "application");
  /* The gathered offer is recvonly audio: we send. */
  g_assert_cmpint (ans->media[0]->direction, ==, TC_SDP_DIR_SENDONLY);
  g_free (text);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_keeps_offer_order_mids_and_bundle (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE cam mic\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" TRANSPORT ("actpass") "a=mid:cam\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("actpass") "a=mid:mic\r\n" OPUS;
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, NULL);
  g_assert_cmpstr (ans->media[0]->kind, ==, "video");
  g_assert_cmpstr (ans->media[0]->mid, ==, "cam");
  g_assert_cmpstr (ans->media[1]->mid, ==, "mic");
  g_assert_cmpstr (ans->groups[0].mids[0], ==, "cam");
  g_assert_cmpstr (ans->groups[0].mids[1], ==, "mic");
  g_assert_true (neg->bundle);
  g_assert_cmpstr (neg->media[0].mid, ==, "cam");
  /* No rtx offered for VP8: no rtx, no FID group. */
  g_assert_cmpint (neg->media[0].rtx_pt, ==, -1);
  g_assert_cmpuint (ans->media[0]->n_ssrc_groups, ==, 0);
  g_assert_cmpuint (ans->media[0]->n_ssrcs, ==, 2);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_rejects_sections_without_a_common_codec (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE 0 1 2\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n" TRANSPORT ("actpass") "a=mid:0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 98\r\n" TRANSPORT ("actpass") "a=mid:1\r\n"
    "a=rtpmap:98 VP9/90000\r\na=fmtp:98 profile-id=2\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("actpass") "a=mid:2\r\n" OPUS;
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  char *text = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, &text);
  g_assert_cmpuint (ans->media[0]->port, ==, 0);
  g_assert_cmpuint (ans->media[1]->port, ==, 0);
  g_assert_cmpuint (ans->media[2]->port, ==, 9);
  g_assert_nonnull (strstr (text, "m=video 0 UDP/TLS/RTP/SAVPF 98\r\n"));
  g_assert_cmpuint (ans->groups[0].n_mids, ==, 1);
  g_assert_cmpstr (ans->groups[0].mids[0], ==, "2");
  g_free (text);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_echoes_only_our_extensions_with_offer_ids (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("actpass") "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=extmap:9 " TC_SDP_EXT_URI_TRANSPORT_CC "\r\n"
    "a=extmap:7 " TC_SDP_EXT_URI_MID "\r\n"
    "a=extmap:13 urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n" OPUS;
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, NULL);
  const tc_sdp_common *c = &ans->media[0]->common;
  /* Not the mixer's csrc-audio-level: we send no mixed audio. */
  g_assert_cmpuint (c->n_extmaps, ==, 3);
  g_assert_cmpuint (c->extmaps[0].id, ==, 1);
  g_assert_cmpstr (c->extmaps[0].uri, ==, TC_SDP_EXT_URI_AUDIO_LEVEL);
  g_assert_cmpuint (c->extmaps[1].id, ==, 9);
  g_assert_cmpuint (c->extmaps[2].id, ==, 7);
  g_assert_cmpuint (neg->media[0].ext_audio_level, ==, 1);
  g_assert_cmpuint (neg->media[0].ext_mid, ==, 7);
  g_assert_cmpuint (neg->media[0].ext_transport_cc, ==, 9);
  g_assert_cmpuint (neg->media[0].ext_abs_send_time, ==, 0);
  g_assert_false (neg->extmap_allow_mixed);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_answer_direction_intersects_offer_and_our_tracks (void)
{
  static const struct {
    const char *offered;
    bool have;
    bool want_recv;
    tc_sdp_direction want;
  } cases[] = {
    { "sendrecv", true, true, TC_SDP_DIR_SENDRECV },
    { "sendrecv", false, true, TC_SDP_DIR_RECVONLY },
    { "sendonly", true, true, TC_SDP_DIR_RECVONLY },
    { "sendonly", false, true, TC_SDP_DIR_RECVONLY },
    { "recvonly", true, true, TC_SDP_DIR_SENDONLY },
    { "recvonly", false, true, TC_SDP_DIR_INACTIVE },
    { "inactive", true, true, TC_SDP_DIR_INACTIVE },
    /* We want nothing back. */
    { "sendrecv", true, false, TC_SDP_DIR_SENDONLY },
    { "sendonly", true, false, TC_SDP_DIR_INACTIVE },
    { "sendrecv", false, false, TC_SDP_DIR_INACTIVE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *offer = g_strdup_printf (HEAD "a=group:BUNDLE 0\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("actpass")
        "a=mid:0\r\na=%s\r\n" OPUS, cases[i].offered);
    tc_sdp_local l;
    test_local (&l);
    l.send_audio = cases[i].have;
    l.recv_audio = cases[i].want_recv;
    tc_sdp_negotiated *neg = NULL;
    tc_sdp *ans = answer_for (offer, &l, &neg, NULL);
    g_assert_cmpint (ans->media[0]->direction, ==, cases[i].want);
    g_assert_cmpint (neg->media[0].direction, ==, cases[i].want);
    bool sends = cases[i].want == TC_SDP_DIR_SENDRECV || cases[i].want == TC_SDP_DIR_SENDONLY;
    g_assert_cmpuint (ans->media[0]->n_msids, ==, sends ? 1 : 0);
    tc_sdp_negotiated_free (neg);
    tc_sdp_free (ans);
    g_free (offer);
  }
}

/* A TempChat page that adds a screen share offers a second video section
 * (Chromium: a new transceiver, its own mid, msid and FID group). We have
 * one camera: the first video section is ours, the second is answered
 * inactive inside the bundle, with none of our SSRCs, FID group or msid. */
static void
test_answer_serves_one_video_section_and_leaves_a_second_inactive (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE 0 1 2\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("actpass")
    "a=mid:0\r\na=sendrecv\r\na=msid:s1 mic\r\n" OPUS
    "a=ssrc:1949210385 cname:hX3p\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" TRANSPORT ("actpass")
    "a=mid:1\r\na=sendrecv\r\na=msid:s1 cam\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
    "a=ssrc-group:FID 2850135562 3120748019\r\n"
    "a=ssrc:2850135562 cname:hX3p\r\na=ssrc:3120748019 cname:hX3p\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" TRANSPORT ("actpass")
    "a=mid:2\r\na=sendrecv\r\na=msid:s1 screen\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
    "a=ssrc-group:FID 11223344 55667788\r\n"
    "a=ssrc:11223344 cname:hX3p\r\na=ssrc:55667788 cname:hX3p\r\n";
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  char *text = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, &text);

  g_assert_cmpuint (ans->n_media, ==, 3);
  const tc_sdp_media *cam = ans->media[1], *screen = ans->media[2];
  g_assert_cmpint (cam->direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpuint (cam->n_msids, ==, 1);
  g_assert_cmpuint (cam->n_ssrc_groups, ==, 1);
  g_assert_cmpint (screen->direction, ==, TC_SDP_DIR_INACTIVE);
  g_assert_cmpuint (screen->port, !=, 0);
  g_assert_cmpuint (screen->n_msids, ==, 0);
  g_assert_cmpuint (screen->n_ssrcs, ==, 0);
  g_assert_cmpuint (screen->n_ssrc_groups, ==, 0);
  g_assert_cmpstr (screen->mid, ==, "2");
  g_assert_cmpuint (ans->groups[0].n_mids, ==, 3);
  /* our video SSRC appears in one section only */
  char *ssrc = g_strdup_printf ("a=ssrc:%u cname", l.video_ssrc);
  const char *first = strstr (text, ssrc);
  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, ssrc));
  g_free (ssrc);
  /* what the session uses: the camera section, and nothing in the other */
  g_assert_cmpint (neg->media[1].direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpuint (neg->media[1].remote_ssrc, ==, 2850135562u);
  g_assert_cmpint (neg->media[2].direction, ==, TC_SDP_DIR_INACTIVE);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
  g_free (text);
}

/* A 360p page writes b=AS:700 and x-google-max-bitrate=700: the most it
 * wants to receive. The session learns it, and our 720p answer asks for no
 * more than that either. */
static void
test_answer_keeps_the_offers_bandwidth_limits (void)
{
  static const char offer[] = HEAD "a=group:BUNDLE 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" TRANSPORT ("actpass")
    "b=AS:700\r\na=mid:0\r\na=sendrecv\r\na=rtpmap:96 VP8/90000\r\n"
    "a=fmtp:96 x-google-start-bitrate=500;x-google-max-bitrate=700\r\n";
  tc_sdp_local l;
  test_local (&l);
  l.quality = TC_SDP_QUALITY_720P;
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (offer, &l, &neg, NULL);
  const tc_sdp_media *m = ans->media[0];

  g_assert_cmpuint (neg->media[0].remote_max_kbps, ==, 700);
  g_assert_cmpuint (tc_sdp_media_max_kbps (m, 96), ==, 700);
  g_assert_cmpuint (m->common.n_bandwidths, ==, 1);
  g_assert_cmpuint (m->common.bandwidths[0].value, ==, 700);
  const tc_sdp_fmtp *f = tc_sdp_media_fmtp (m, 96);
  g_assert_cmpstr (tc_sdp_fmtp_get (f, "x-google-max-bitrate"), ==, "700");
  g_assert_cmpstr (tc_sdp_fmtp_get (f, "x-google-start-bitrate"), ==, "700");
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);

  /* b=TIAS in bit/s, the lowest of all three counts; none: no limit */
  static const struct { const char *lines; uint32_t kbps; } cases[] = {
    { "b=TIAS:450000\r\n", 450 },
    { "b=AS:2000\r\nb=TIAS:2500000\r\n", 2000 },
    { "", 0 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *text = g_strdup_printf (HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "%sa=mid:0\r\na=rtpmap:96 VP8/90000\r\n", cases[i].lines);
    tc_sdp *sdp = parse_text (text);
    g_assert_cmpuint (tc_sdp_media_max_kbps (sdp->media[0], 96), ==,
        cases[i].kbps);
    tc_sdp_free (sdp);
    g_free (text);
  }
}

static void
test_answer_setup_follows_the_offer (void)
{
  static const struct {
    const char *offered;
    tc_sdp_setup wanted, want;
  } cases[] = {
    { "actpass", TC_SDP_SETUP_NONE, TC_SDP_SETUP_ACTIVE },
    { "actpass", TC_SDP_SETUP_PASSIVE, TC_SDP_SETUP_PASSIVE },
    { "active", TC_SDP_SETUP_NONE, TC_SDP_SETUP_PASSIVE },
    { "passive", TC_SDP_SETUP_NONE, TC_SDP_SETUP_ACTIVE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *offer = g_strdup_printf (HEAD "a=group:BUNDLE 0\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n%s" "a=mid:0\r\n" OPUS,
        i == 0 ? TRANSPORT ("actpass") : i == 1 ? TRANSPORT ("actpass")
        : i == 2 ? TRANSPORT ("active") : TRANSPORT ("passive"));
    tc_sdp_local l;
    test_local (&l);
    l.setup = cases[i].wanted;
    tc_sdp_negotiated *neg = NULL;
    tc_sdp *ans = answer_for (offer, &l, &neg, NULL);
    g_assert_cmpint (ans->media[0]->common.setup, ==, cases[i].want);
    g_assert_cmpint (neg->local_setup, ==, cases[i].want);
    tc_sdp_negotiated_free (neg);
    tc_sdp_free (ans);
    g_free (offer);
  }
}

static void
test_answer_reports_what_the_session_needs (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp_negotiated *neg = NULL;
  tc_sdp *ans = answer_for (CHROME_OFFER, &l, &neg, NULL);
  const tc_sdp_negotiated_media *v = &neg->media[1];
  g_assert_cmpuint (neg->n_media, ==, 2);
  g_assert_true (neg->bundle);
  g_assert_true (neg->extmap_allow_mixed);
  g_assert_cmpstr (neg->remote_ice_ufrag, ==, "Qx7v");
  g_assert_cmpstr (neg->remote_ice_pwd, ==, "8WvJ2Hn5Lr0tKp3Zs9Yd6Fq1");
  g_assert_cmpuint (neg->remote_fingerprint.len, ==, 32);
  g_assert_cmpint (neg->local_setup, ==, TC_SDP_SETUP_ACTIVE);
  g_assert_cmpstr (v->mid, ==, "1");
  g_assert_cmpstr (v->kind, ==, "video");
  g_assert_cmpuint (v->clock_rate, ==, 90000);
  g_assert_cmpuint (v->ext_abs_send_time, ==, 2);
  g_assert_cmpuint (v->ext_transport_cc, ==, 3);
  g_assert_cmpuint (v->ext_mid, ==, 4);
  g_assert_cmpuint (v->rtcp_fb, ==, TC_SDP_FB_NACK | TC_SDP_FB_PLI | TC_SDP_FB_FIR
      | TC_SDP_FB_REMB | TC_SDP_FB_TRANSPORT_CC);
  g_assert_cmpint (v->direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpuint (v->remote_ssrc, ==, 2850135562u);
  g_assert_cmpuint (v->remote_rtx_ssrc, ==, 3120748019u);
  g_assert_cmpuint (neg->media[0].remote_ssrc, ==, 1949210385u);
  g_assert_cmpuint (ans->media[1]->common.bandwidths[0].value, ==, 3000);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (ans);
}

static void
test_unusable_offers_are_refused (void)
{
  static const struct {
    const char *name;
    const char *offer;
    tc_status want;
  } cases[] = {
    { "data channel only", HEAD "a=group:BUNDLE 0\r\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" TRANSPORT ("actpass")
      "a=mid:0\r\n", TC_ERR_UNSUPPORTED },
    { "no ICE credentials", HEAD "a=group:BUNDLE 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=setup:actpass\r\n"
      "a=rtcp-mux\r\na=mid:0\r\n" OPUS, TC_ERR_PARSE },
    { "holdconn", HEAD "a=group:BUNDLE 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT ("holdconn") "a=mid:0\r\n" OPUS,
      TC_ERR_PARSE },
    { "no rtcp-mux", HEAD "a=group:BUNDLE 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" OPUS, TC_ERR_UNSUPPORTED },
    { "plain RTP/AVP", HEAD "m=audio 9 RTP/AVP 111\r\n" TRANSPORT ("actpass")
      "a=mid:0\r\n" OPUS, TC_ERR_UNSUPPORTED },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    tc_sdp *offer = parse_text (cases[i].offer);
    tc_sdp_local l;
    test_local (&l);
    tc_sdp *ans = (tc_sdp *) 1;
    tc_sdp_negotiated *neg = (tc_sdp_negotiated *) 1;
    const char *why = NULL;
    tc_status st = tc_sdp_build_answer (offer, &l, &ans, &neg, &why);
    if (st != cases[i].want)
      g_printerr ("case '%s': got %s\n", cases[i].name, tc_status_name (st));
    g_assert_cmpint (st, ==, cases[i].want);
    g_assert_null (ans);
    g_assert_null (neg);
    g_assert_nonnull (why);
    tc_sdp_free (offer);
  }
}

static void
test_answer_that_would_outgrow_the_limits_is_refused (void)
{
  /* 32 bundled VP8 sections with long fmtp lines: the offer fits in 64 KiB,
   * our answer (feedback, hints, directions) would not. */
  GString *fmtp = g_string_new ("a=fmtp:96 ");
  for (int i = 0; i < 62; i++)
    g_string_append_printf (fmtp, "%sp%02d=vvvvvvvvvvvvvvvvvvvvvv", i ? ";" : "", i);
  GString *offer = g_string_new (HEAD "a=group:BUNDLE");
  for (int i = 0; i < TC_SDP_MAX_MEDIA; i++)
    g_string_append_printf (offer, " %d", i);
  g_string_append (offer, "\r\n");
  for (int i = 0; i < TC_SDP_MAX_MEDIA; i++)
    g_string_append_printf (offer, "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" TRANSPORT ("actpass")
        "a=mid:%d\r\na=rtpmap:96 VP8/90000\r\n%s\r\n", i, fmtp->str);
  tc_sdp *parsed = parse_text (offer->str);
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *ans = (tc_sdp *) 1;
  const char *why = NULL;
  g_assert_cmpint (tc_sdp_build_answer (parsed, &l, &ans, NULL, &why), ==, TC_ERR_TOO_LARGE);
  g_assert_null (ans);
  g_assert_nonnull (why);
  tc_sdp_free (parsed);
  g_string_free (offer, TRUE);
  g_string_free (fmtp, TRUE);
}

/* ------------------------------------------------------ reading an answer */

static tc_sdp *
our_offer (const tc_sdp_local *l)
{
  tc_sdp *offer = NULL;
  g_assert_cmpint (tc_sdp_build_offer (l, &offer, NULL), ==, TC_OK);
  return offer;
}

static void
test_chrome_answer_to_our_offer_negotiates_av1 (void)
{
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *offer = our_offer (&l);
  tc_sdp *answer = parse_text (CHROME_ANSWER);
  tc_sdp_negotiated *neg = NULL;
  g_assert_cmpint (tc_sdp_read_answer (offer, answer, &l, &neg, NULL), ==, TC_OK);
  g_assert_cmpint (neg->media[0].codec, ==, TC_SDP_CODEC_OPUS);
  g_assert_cmpuint (neg->media[0].pt, ==, 111);
  g_assert_cmpint (neg->media[1].codec, ==, TC_SDP_CODEC_AV1);
  g_assert_cmpuint (neg->media[1].pt, ==, 45);
  g_assert_cmpint (neg->media[1].rtx_pt, ==, 46);
  g_assert_cmpstr (neg->media[1].fmtp, ==, "level-idx=5;profile=0;tier=0;"
      "x-google-start-bitrate=2000;x-google-max-bitrate=3000");
  g_assert_cmpuint (neg->media[1].ext_transport_cc, ==, 3);
  g_assert_cmpuint (neg->media[1].remote_ssrc, ==, 1298461730u);
  g_assert_cmpuint (neg->media[1].remote_rtx_ssrc, ==, 2587340916u);
  g_assert_cmpint (neg->media[1].direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpint (neg->local_setup, ==, TC_SDP_SETUP_PASSIVE);
  g_assert_cmpstr (neg->remote_ice_ufrag, ==, "Zt1e");
  g_assert_true (neg->bundle);
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (answer);
  tc_sdp_free (offer);
}

static void
test_our_answer_read_back_by_our_offerer_agrees (void)
{
  tc_sdp_local offerer, answerer;
  test_local (&offerer);
  test_local (&answerer);
  answerer.video_codecs[0] = TC_SDP_CODEC_H264;
  answerer.video_codecs[1] = TC_SDP_CODEC_VP8;
  answerer.n_video_codecs = 2;
  answerer.send_video = false;
  tc_sdp *offer = our_offer (&offerer);
  tc_sdp *answer = NULL;
  tc_sdp_negotiated *at_answerer = NULL, *at_offerer = NULL;
  g_assert_cmpint (tc_sdp_build_answer (offer, &answerer, &answer, &at_answerer, NULL),
      ==, TC_OK);
  g_assert_cmpint (tc_sdp_read_answer (offer, answer, &offerer, &at_offerer, NULL),
      ==, TC_OK);
  for (size_t i = 0; i < 2; i++) {
    g_assert_cmpint (at_offerer->media[i].codec, ==, at_answerer->media[i].codec);
    g_assert_cmpuint (at_offerer->media[i].pt, ==, at_answerer->media[i].pt);
    g_assert_cmpint (at_offerer->media[i].rtx_pt, ==, at_answerer->media[i].rtx_pt);
    g_assert_cmpstr (at_offerer->media[i].fmtp, ==, at_answerer->media[i].fmtp);
  }
  g_assert_cmpint (at_offerer->media[1].codec, ==, TC_SDP_CODEC_H264);
  g_assert_cmpint (at_answerer->media[1].direction, ==, TC_SDP_DIR_RECVONLY);
  g_assert_cmpint (at_offerer->media[1].direction, ==, TC_SDP_DIR_SENDONLY);
  g_assert_cmpint (at_answerer->local_setup, ==, TC_SDP_SETUP_ACTIVE);
  g_assert_cmpint (at_offerer->local_setup, ==, TC_SDP_SETUP_PASSIVE);
  tc_sdp_negotiated_free (at_answerer);
  tc_sdp_negotiated_free (at_offerer);
  tc_sdp_free (answer);
  tc_sdp_free (offer);
}

static void
test_answers_that_do_not_match_our_offer_are_refused (void)
{
  static const struct { const char *name, *from, *to; } edits[] = {
    { "mid changed", "a=mid:1\r\n", "a=mid:x\r\n" },
    { "codec not offered", "m=video 9 UDP/TLS/RTP/SAVPF 45 46 98 99 102 103 96 97",
      "m=video 9 UDP/TLS/RTP/SAVPF 100" },
    { "no setup", "a=setup:active\r\n", "" },
    { "section dropped", "m=video", NULL },
  };
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *offer = our_offer (&l);
  for (size_t i = 0; i < G_N_ELEMENTS (edits); i++) {
    char *text;
    if (edits[i].to == NULL) {
      text = g_strndup (CHROME_ANSWER, strstr (CHROME_ANSWER, edits[i].from) - CHROME_ANSWER);
    } else {
      GString *s = g_string_new (CHROME_ANSWER);
      g_string_replace (s, edits[i].from, edits[i].to, 0);
      text = g_string_free (s, FALSE);
    }
    tc_sdp *answer = parse_text (text);
    tc_sdp_negotiated *neg = (tc_sdp_negotiated *) 1;
    const char *why = NULL;
    tc_status st = tc_sdp_read_answer (offer, answer, &l, &neg, &why);
    if (st == TC_OK)
      g_printerr ("case '%s' accepted\n", edits[i].name);
    g_assert_cmpint (st, ==, TC_ERR_PARSE);
    g_assert_null (neg);
    g_assert_nonnull (why);
    tc_sdp_free (answer);
    g_free (text);
  }
  tc_sdp_free (offer);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/answer/picks-av1-when-offered-first",
      test_answer_picks_av1_when_offered_first);
  g_test_add_func ("/sdp/answer/picks-vp8-when-we-only-support-vp8-and-opus",
      test_answer_picks_vp8_when_we_only_support_vp8_and_opus);
  g_test_add_func ("/sdp/answer/h264-needs-mode-1-and-a-baseline-profile",
      test_answer_h264_needs_mode_1_and_a_baseline_profile);
  g_test_add_func ("/sdp/answer/opus-asks-for-stereo-fec-and-128-kbps",
      test_answer_opus_asks_for_stereo_fec_and_128_kbps);
  g_test_add_func ("/sdp/answer/rejects-a-data-channel-and-keeps-mids",
      test_answer_rejects_a_data_channel_and_keeps_mids);
  g_test_add_func ("/sdp/answer/keeps-offer-order-mids-and-bundle",
      test_answer_keeps_offer_order_mids_and_bundle);
  g_test_add_func ("/sdp/answer/rejects-sections-without-a-common-codec",
      test_answer_rejects_sections_without_a_common_codec);
  g_test_add_func ("/sdp/answer/echoes-only-our-extensions-with-offer-ids",
      test_answer_echoes_only_our_extensions_with_offer_ids);
  g_test_add_func ("/sdp/answer/direction-intersects-offer-and-our-tracks",
      test_answer_direction_intersects_offer_and_our_tracks);
  g_test_add_func ("/sdp/answer/serves-one-video-section-and-leaves-a-second-"
      "inactive",
      test_answer_serves_one_video_section_and_leaves_a_second_inactive);
  g_test_add_func ("/sdp/answer/keeps-the-offers-bandwidth-limits",
      test_answer_keeps_the_offers_bandwidth_limits);
  g_test_add_func ("/sdp/answer/setup-follows-the-offer",
      test_answer_setup_follows_the_offer);
  g_test_add_func ("/sdp/answer/reports-what-the-session-needs",
      test_answer_reports_what_the_session_needs);
  g_test_add_func ("/sdp/answer/unusable-offers-are-refused",
      test_unusable_offers_are_refused);
  g_test_add_func ("/sdp/answer/answer-that-would-outgrow-the-limits-is-refused",
      test_answer_that_would_outgrow_the_limits_is_refused);
  g_test_add_func ("/sdp/read-answer/chrome-answer-to-our-offer-negotiates-av1",
      test_chrome_answer_to_our_offer_negotiates_av1);
  g_test_add_func ("/sdp/read-answer/our-answer-read-back-by-our-offerer-agrees",
      test_our_answer_read_back_by_our_offerer_agrees);
  g_test_add_func ("/sdp/read-answer/answers-that-do-not-match-our-offer-are-refused",
      test_answers_that_do_not_match_our_offer_are_refused);
  return g_test_run ();
}
