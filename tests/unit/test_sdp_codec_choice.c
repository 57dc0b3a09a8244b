/* test_sdp_codec_choice.c - which video codec a call gets, as tables.
 *
 * The web client's rule: AV1 > VP9 > H264 > VP8, "the best mutually
 * supported codec always wins". Two TempChat pages reach it because the
 * offerer lists its codecs in that order and Chromium answers in the
 * offerer's order. We answer by our own order (the `video-codecs` list,
 * default the web client's), whatever order the offer has, and put that
 * codec first in the answer, so both sides send and receive the same codec.
 */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

#include "sdp_test_local.h"

#define A TC_SDP_CODEC_AV1
#define V9 TC_SDP_CODEC_VP9
#define H TC_SDP_CODEC_H264
#define V8 TC_SDP_CODEC_VP8
#define NONE TC_SDP_CODEC_NONE

typedef struct {
  const char *name;
  tc_sdp_codec offerer[TC_SDP_MAX_VIDEO_CODECS];  /* NONE-terminated */
  tc_sdp_codec answerer[TC_SDP_MAX_VIDEO_CODECS];
  tc_sdp_codec want;           /* NONE: the video section is rejected */
} choice_case;

static const choice_case cases[] = {
  { "two defaults get AV1", { A, V9, H, V8 }, { A, V9, H, V8 }, A },
  { "an offer in reverse order still gets AV1", { V8, H, V9, A },
    { A, V9, H, V8 }, A },
  { "a page offering only H264 gets H264", { H }, { A, V9, H, V8 }, H },
  { "VP9 and VP8 offered: VP9", { V8, V9 }, { A, V9, H, V8 }, V9 },
  { "H264 and VP8 offered: H264", { V8, H }, { A, V9, H, V8 }, H },
  { "our video-codecs=vp8 answers VP8", { A, V9, H, V8 }, { V8 }, V8 },
  { "our video-codecs=h264,vp8 answers H264", { A, V9, H, V8 }, { H, V8 }, H },
  { "our video-codecs=vp8,vp9 puts VP8 first", { V9, V8 }, { V8, V9 }, V8 },
  { "our order decides between two we support", { A, V9, H, V8 },
    { V9, A }, V9 },
  { "nothing in common: video rejected", { A }, { V8 }, NONE },
};

static size_t
fill (tc_sdp_codec *dst, const tc_sdp_codec *src)
{
  size_t n = 0;
  while (n < TC_SDP_MAX_VIDEO_CODECS && src[n] != NONE) {
    dst[n] = src[n];
    n++;
  }
  return n;
}

static bool
has_extmap (const tc_sdp_media *m, const char *uri)
{
  for (size_t i = 0; i < m->common.n_extmaps; i++) {
    if (strcmp (m->common.extmaps[i].uri, uri) == 0)
      return true;
  }
  return false;
}

static tc_sdp *
reparse (const tc_sdp *sdp)
{
  char *text = tc_sdp_serialize (sdp);
  tc_sdp *back = NULL;
  g_assert_cmpint (tc_sdp_parse (text, strlen (text), &back, NULL), ==, TC_OK);
  g_free (text);
  return back;
}

static void
test_offer_answer_choice_table (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    const choice_case *c = &cases[i];
    tc_sdp_local offerer, answerer;
    test_local (&offerer);
    test_local (&answerer);
    offerer.n_video_codecs = fill (offerer.video_codecs, c->offerer);
    answerer.n_video_codecs = fill (answerer.video_codecs, c->answerer);
    g_test_message ("case: %s", c->name);

    tc_sdp *built = NULL, *answer = NULL;
    tc_sdp_negotiated *at_answerer = NULL, *at_offerer = NULL;
    g_assert_cmpint (tc_sdp_build_offer (&offerer, &built, NULL), ==, TC_OK);
    tc_sdp *offer = reparse (built);
    g_assert_cmpint (tc_sdp_build_answer (offer, &answerer, &answer,
            &at_answerer, NULL), ==, TC_OK);
    tc_sdp *answer_seen = reparse (answer);
    g_assert_cmpint (tc_sdp_read_answer (offer, answer_seen, &offerer,
            &at_offerer, NULL), ==, TC_OK);

    const tc_sdp_negotiated_media *av = &at_answerer->media[1];
    const tc_sdp_negotiated_media *ov = &at_offerer->media[1];
    const tc_sdp_media *am = answer_seen->media[1];
    if (c->want == NONE) {
      g_assert_false (av->accepted);
      g_assert_cmpuint (am->port, ==, 0);
    } else {
      /* Both ends agree, and the codec is the answer's first format, the
       * one the offerer (a browser) sends with. */
      g_assert_true (av->accepted);
      g_assert_cmpint (av->codec, ==, c->want);
      g_assert_cmpint (ov->codec, ==, c->want);
      g_assert_cmpuint (ov->pt, ==, av->pt);
      g_assert_cmpint (ov->rtx_pt, ==, av->rtx_pt);
      g_assert_cmpint (av->rtx_pt, >=, 0);
      g_assert_cmpint (tc_sdp_media_format_pt (am, 0), ==, av->pt);
      g_assert_cmpint (has_extmap (am, TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR),
          ==, c->want == A);
      g_assert_cmpint (ov->ext_dependency_descriptor != 0, ==, c->want == A);
      g_assert_cmpuint (av->rtcp_fb, ==, TC_SDP_FB_NACK | TC_SDP_FB_PLI
          | TC_SDP_FB_FIR | TC_SDP_FB_REMB | TC_SDP_FB_TRANSPORT_CC);
    }
    tc_sdp_negotiated_free (at_answerer);
    tc_sdp_negotiated_free (at_offerer);
    tc_sdp_free (answer_seen);
    tc_sdp_free (answer);
    tc_sdp_free (offer);
    tc_sdp_free (built);
  }
}

/* --------------------------------------------------------------- H264 */

#define HEAD "v=0\r\no=- 77 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" \
  "a=group:BUNDLE v\r\n"
#define TRANSPORT \
  "c=IN IP4 0.0.0.0\r\na=ice-ufrag:Qx7v\r\na=ice-pwd:8WvJ2Hn5Lr0tKp3Zs9Yd6Fq1\r\n" \
  "a=fingerprint:sha-256 4A:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:" \
  "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\na=setup:actpass\r\n" \
  "a=rtcp-mux\r\na=mid:v\r\n"

/* An H264-only offer (what Safari or a page forcing H264 sends) with one
 * payload type 100 carrying `fmtp`; -1 when we must reject it. */
static int
answered_pt (const char *fmtp, char *echoed, size_t size)
{
  char *text = g_strdup_printf (HEAD "m=video 9 UDP/TLS/RTP/SAVPF 100 101\r\n"
      TRANSPORT "a=rtpmap:100 H264/90000\r\na=fmtp:100 %s\r\n"
      "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n", fmtp);
  tc_sdp *offer = NULL;
  tc_sdp_local l;
  tc_sdp_negotiated *neg = NULL;
  test_local (&l);
  g_assert_cmpint (tc_sdp_parse (text, strlen (text), &offer, NULL), ==, TC_OK);
  tc_status st = tc_sdp_build_answer (offer, &l, NULL, &neg, NULL);
  int pt = -1;
  if (st == TC_OK && neg->media[0].accepted) {
    pt = neg->media[0].pt;
    g_strlcpy (echoed, neg->media[0].fmtp, size);
  } else {
    g_assert_cmpint (st, ==, TC_ERR_UNSUPPORTED);
  }
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (offer);
  g_free (text);
  return pt;
}

static void
test_h264_profiles_table (void)
{
  static const struct {
    const char *fmtp;
    bool accepted;
  } rows[] = {
    /* Chromium's list: constrained baseline, baseline, main, high. */
    { "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", true },
    { "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", true },
    { "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f", true },
    { "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f", true },
    /* Safari: constrained high; a level 3.1 constrained baseline. */
    { "packetization-mode=1;profile-level-id=640c1f", true },
    { "packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1", true },
    /* Constrained baseline said by main with constraint_set0. */
    { "packetization-mode=1;profile-level-id=4d801f", true },
    /* No profile-level-id: 42e01f, as Chromium reads it. */
    { "packetization-mode=1", true },
    /* Refused: single NAL mode, no mode, High 4:4:4, High 10, junk. */
    { "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f", false },
    { "profile-level-id=42e01f", false },
    { "packetization-mode=1;profile-level-id=f4001f", false },
    { "packetization-mode=1;profile-level-id=6e001f", false },
    { "packetization-mode=1;profile-level-id=42e0", false },
    { "packetization-mode=1;profile-level-id=zze01f", false },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    char echoed[TC_SDP_FMTP_MAX] = "";
    int pt = answered_pt (rows[i].fmtp, echoed, sizeof echoed);
    g_test_message ("fmtp %s -> %d", rows[i].fmtp, pt);
    g_assert_cmpint (pt, ==, rows[i].accepted ? 100 : -1);
    /* profile-level-id and packetization-mode are echoed as offered. */
    if (rows[i].accepted)
      g_assert_true (g_str_has_prefix (echoed, rows[i].fmtp));
  }
}

/* Chromium lists baseline before constrained baseline; we answer the one
 * our encoder sends (constrained baseline), wherever it is in the list. */
static void
test_h264_answer_prefers_constrained_baseline (void)
{
  static const char offer_text[] = HEAD
    "m=video 9 UDP/TLS/RTP/SAVPF 102 103 127 39 106 107 112 113\r\n" TRANSPORT
    "a=rtpmap:102 H264/90000\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
    "a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
    "a=rtpmap:127 H264/90000\r\n"
    "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:39 rtx/90000\r\na=fmtp:39 apt=127\r\n"
    "a=rtpmap:106 H264/90000\r\n"
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:107 rtx/90000\r\na=fmtp:107 apt=106\r\n"
    "a=rtpmap:112 H264/90000\r\n"
    "a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\n"
    "a=rtpmap:113 rtx/90000\r\na=fmtp:113 apt=112\r\n";
  tc_sdp *offer = NULL, *answer = NULL;
  tc_sdp_local l;
  tc_sdp_negotiated *neg = NULL;
  test_local (&l);
  g_assert_cmpint (tc_sdp_parse (offer_text, strlen (offer_text), &offer, NULL),
      ==, TC_OK);
  g_assert_cmpint (tc_sdp_build_answer (offer, &l, &answer, &neg, NULL), ==,
      TC_OK);
  g_assert_cmpint (neg->media[0].codec, ==, H);
  g_assert_cmpuint (neg->media[0].pt, ==, 106);
  g_assert_cmpint (neg->media[0].rtx_pt, ==, 107);
  g_assert_cmpuint (answer->media[0]->n_formats, ==, 2);
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (answer->media[0], 106),
          "profile-level-id"), ==, "42e01f");
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (answer);
  tc_sdp_free (offer);
}

/* A re-offer in an H264 call keeps the one agreed profile and payload
 * type: offering our other H264 variants again would give payload types a
 * second meaning inside the BUNDLE. */
static void
test_reoffer_keeps_the_agreed_h264_profile_only (void)
{
  static const char offer_text[] = HEAD
    "m=video 9 UDP/TLS/RTP/SAVPF 127 39\r\n" TRANSPORT
    "a=rtpmap:127 H264/90000\r\n"
    "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
    "a=rtpmap:39 rtx/90000\r\na=fmtp:39 apt=127\r\n";
  tc_sdp *offer = NULL, *reoffer = NULL;
  tc_sdp_local l;
  tc_sdp_negotiated *neg = NULL;
  test_local (&l);
  g_assert_cmpint (tc_sdp_parse (offer_text, strlen (offer_text), &offer, NULL),
      ==, TC_OK);
  g_assert_cmpint (tc_sdp_build_answer (offer, &l, NULL, &neg, NULL), ==, TC_OK);
  g_assert_cmpint (tc_sdp_build_reoffer (&l, neg, &reoffer, NULL), ==, TC_OK);
  const tc_sdp_media *v = reoffer->media[0];
  g_assert_cmpuint (v->n_formats, ==, 2);
  g_assert_cmpint (tc_sdp_media_format_pt (v, 0), ==, 127);
  g_assert_cmpint (tc_sdp_media_format_pt (v, 1), ==, 39);
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 127),
          "profile-level-id"), ==, "4d001f");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 127),
          "x-google-max-bitrate"), ==, "3000");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 39), "apt"), ==, "127");
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (reoffer);
  tc_sdp_free (offer);
}

/* A call agreed on AV1; the wrapper now wants VP9 only (its input arrived
 * already encoded): the re-offer lists VP9 under our payload types and
 * leaves AV1's out, never giving the agreed 45 another codec. */
static void
test_reoffer_drops_a_codec_no_longer_wanted (void)
{
  tc_sdp_local offerer, answerer;
  tc_sdp *offer = NULL, *reoffer = NULL;
  tc_sdp_negotiated *neg = NULL;
  test_local (&offerer);
  test_local (&answerer);
  g_assert_cmpint (tc_sdp_build_offer (&offerer, &offer, NULL), ==, TC_OK);
  g_assert_cmpint (tc_sdp_build_answer (offer, &answerer, NULL, &neg, NULL),
      ==, TC_OK);
  g_assert_cmpint (neg->media[1].codec, ==, A);
  answerer.video_codecs[0] = V9;
  answerer.n_video_codecs = 1;
  g_assert_cmpint (tc_sdp_build_reoffer (&answerer, neg, &reoffer, NULL), ==,
      TC_OK);
  const tc_sdp_media *v = reoffer->media[1];
  g_assert_cmpuint (v->n_formats, ==, 2);
  g_assert_cmpint (tc_sdp_media_format_pt (v, 0), ==, 98);
  g_assert_cmpstr (tc_sdp_media_rtpmap (v, 98)->name, ==, "VP9");
  g_assert_null (tc_sdp_media_rtpmap (v, 45));
  g_assert_cmpstr (v->mid, ==, "1");
  tc_sdp_negotiated_free (neg);
  tc_sdp_free (reoffer);
  tc_sdp_free (offer);
}

/* Our offer listed AV1 first; before the answer came, the wrapper came to
 * want VP9 only (a sink's first caps said its input is VP9). The answer
 * choosing AV1 is still a valid answer to what we offered: it is read as
 * AV1 (the call then offers again), never refused. */
static void
test_answer_read_after_the_codec_list_shrank (void)
{
  tc_sdp_local offerer, answerer;
  tc_sdp *offer = NULL, *answer = NULL;
  tc_sdp_negotiated *at_answerer = NULL, *at_offerer = NULL;
  const char *why = NULL;
  test_local (&offerer);
  test_local (&answerer);
  g_assert_cmpint (tc_sdp_build_offer (&offerer, &offer, NULL), ==, TC_OK);
  g_assert_cmpint (tc_sdp_build_answer (offer, &answerer, &answer,
          &at_answerer, NULL), ==, TC_OK);
  offerer.video_codecs[0] = V9;
  offerer.n_video_codecs = 1;
  g_assert_cmpint (tc_sdp_read_answer (offer, answer, &offerer, &at_offerer,
          &why), ==, TC_OK);
  g_assert_null (why);
  g_assert_true (at_offerer->media[1].accepted);
  g_assert_cmpint (at_offerer->media[1].codec, ==, A);
  g_assert_cmpuint (at_offerer->media[1].pt, ==, at_answerer->media[1].pt);
  tc_sdp_negotiated_free (at_offerer);
  tc_sdp_negotiated_free (at_answerer);
  tc_sdp_free (answer);
  tc_sdp_free (offer);
}

/* ---------------------------------------------------------- video-codecs */

static void
test_video_codecs_list_table (void)
{
  static const struct {
    const char *text;
    tc_sdp_codec want[TC_SDP_MAX_VIDEO_CODECS];
    const char *bad;             /* NULL: valid */
  } rows[] = {
    { TC_SDP_VIDEO_CODECS_DEFAULT, { A, V9, H, V8 }, NULL },
    { "vp8", { V8 }, NULL },
    { " H264 , vp8 ", { H, V8 }, NULL },
    { "VP9,AV1", { V9, A }, NULL },
    { "vp8,hevc", { NONE }, "hevc" },
    { "vp8,,vp9", { NONE }, "" },
    { "vp8,VP8", { NONE }, "VP8" },
    { "", { NONE }, "" },
    { NULL, { NONE }, "" },
    { "av1,vp9,h264,vp8,vp8", { NONE }, "vp8" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    tc_sdp_codec got[TC_SDP_MAX_VIDEO_CODECS] = { 0 };
    size_t n = 99;
    char bad[16] = "unset";
    const char *why = NULL;
    tc_status st = tc_sdp_video_codecs_parse (rows[i].text, got, &n, bad,
        sizeof bad, &why);
    g_test_message ("'%s' -> %s", rows[i].text, tc_status_name (st));
    if (rows[i].bad != NULL) {
      g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
      g_assert_cmpuint (n, ==, 0);
      g_assert_cmpstr (bad, ==, rows[i].bad);
      g_assert_nonnull (why);
      continue;
    }
    g_assert_cmpint (st, ==, TC_OK);
    size_t want_n = 0;
    while (want_n < TC_SDP_MAX_VIDEO_CODECS && rows[i].want[want_n] != NONE)
      want_n++;
    g_assert_cmpuint (n, ==, want_n);
    for (size_t j = 0; j < n; j++)
      g_assert_cmpint (got[j], ==, rows[i].want[j]);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/codec-choice/offer-answer-table",
      test_offer_answer_choice_table);
  g_test_add_func ("/sdp/codec-choice/h264-profiles-table",
      test_h264_profiles_table);
  g_test_add_func ("/sdp/codec-choice/h264-answer-prefers-constrained-baseline",
      test_h264_answer_prefers_constrained_baseline);
  g_test_add_func ("/sdp/codec-choice/reoffer-keeps-the-agreed-h264-profile",
      test_reoffer_keeps_the_agreed_h264_profile_only);
  g_test_add_func ("/sdp/codec-choice/reoffer-drops-a-codec-no-longer-wanted",
      test_reoffer_drops_a_codec_no_longer_wanted);
  g_test_add_func ("/sdp/codec-choice/answer-read-after-the-codec-list-shrank",
      test_answer_read_after_the_codec_list_shrank);
  g_test_add_func ("/sdp/codec-choice/video-codecs-list-table",
      test_video_codecs_list_table);
  return g_test_run ();
}
