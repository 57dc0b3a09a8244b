/* test_sdp_reoffer.c - offering again in a running call (JSEP 5.2.2): the
 * sections, mids, payload types and extension ids stay what the call
 * negotiated; only the directions change; DTLS keeps its role. */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

#include "sdp_samples.h"
#include "sdp_test_local.h"

/* A browser's offer that differs from ours wherever it can: video first
 * with mid "v", audio mid "a", VP8 on payload type 120 with RTX 121, Opus on
 * 109, extension ids 9/12/5 and one extension we do not support. */
#define TRANSPORT \
  "c=IN IP4 0.0.0.0\r\na=ice-ufrag:Qx7v\r\na=ice-pwd:8WvJ2Hn5Lr0tKp3Zs9Yd6Fq1\r\n" \
  "a=fingerprint:sha-256 4A:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:" \
  "10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\na=setup:actpass\r\n" \
  "a=rtcp-mux\r\n"
#define EXTMAPS \
  "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid\r\n" \
  "a=extmap:12 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n" \
  "a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" \
  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"

static const char BROWSER_OFFER[] =
  "v=0\r\no=- 77 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
  "a=group:BUNDLE v a\r\n"
  "m=video 9 UDP/TLS/RTP/SAVPF 120 121\r\n" TRANSPORT "a=mid:v\r\n" EXTMAPS
  "a=sendrecv\r\n"
  "a=rtpmap:120 VP8/90000\r\na=rtcp-fb:120 nack\r\na=rtcp-fb:120 nack pli\r\n"
  "a=rtpmap:121 rtx/90000\r\na=fmtp:121 apt=120\r\n"
  "a=ssrc:5001 cname:browser\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n" TRANSPORT "a=mid:a\r\n" EXTMAPS
  "a=sendrecv\r\n"
  "a=rtpmap:109 opus/48000/2\r\na=fmtp:109 minptime=10;useinbandfec=1\r\n"
  "a=ssrc:5002 cname:browser\r\n";

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

/* We answer `offer_text` as a send-only peer (a tempchatsink alone). */
static tc_sdp_negotiated *
answered_send_only (const char *offer_text)
{
  tc_sdp_local l;
  test_local (&l);
  l.recv_audio = false;
  l.recv_video = false;
  tc_sdp *offer = parse_text (offer_text);
  tc_sdp_negotiated *neg = NULL;
  g_assert_cmpint (tc_sdp_build_answer (offer, &l, NULL, &neg, NULL), ==,
      TC_OK);
  tc_sdp_free (offer);
  return neg;
}

/* Our re-offer with `l`, as the peer will parse it from its text. */
static tc_sdp *
reoffer_text (const tc_sdp_local *l, const tc_sdp_negotiated *neg,
    char **text_out)
{
  tc_sdp *sdp = NULL;
  const char *why = NULL;
  tc_status st = tc_sdp_build_reoffer (l, neg, &sdp, &why);
  if (st != TC_OK)
    g_printerr ("reoffer: %s (%s)\n", tc_status_name (st), why);
  g_assert_cmpint (st, ==, TC_OK);
  char *text = tc_sdp_serialize (sdp);
  tc_sdp_free (sdp);
  tc_sdp *reparsed = parse_text (text);
  if (text_out != NULL)
    *text_out = text;
  else
    g_free (text);
  return reparsed;
}

static void
test_a_reoffer_keeps_the_browsers_mids_order_and_payload_types (void)
{
  tc_sdp_negotiated *neg = answered_send_only (BROWSER_OFFER);
  tc_sdp_local l;
  test_local (&l);
  char *text = NULL;
  tc_sdp *re = reoffer_text (&l, neg, &text);

  g_assert_cmpuint (re->n_media, ==, 2);
  g_assert_cmpstr (re->media[0]->kind, ==, "video");
  g_assert_cmpstr (re->media[0]->mid, ==, "v");
  g_assert_cmpstr (re->media[1]->kind, ==, "audio");
  g_assert_cmpstr (re->media[1]->mid, ==, "a");
  g_assert_nonnull (strstr (text, "a=group:BUNDLE v a\r\n"));
  /* Only the agreed codec, on the browser's payload types. */
  g_assert_nonnull (strstr (text, "m=video 9 UDP/TLS/RTP/SAVPF 120 121\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:120 VP8/90000\r\n"));
  g_assert_nonnull (strstr (text, "a=fmtp:121 apt=120\r\n"));
  g_assert_nonnull (strstr (text, "a=rtcp-fb:120 nack pli\r\n"));
  g_assert_nonnull (strstr (text, "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:109 opus/48000/2\r\n"));
  /* The browser's extension ids; nothing it did not agree to. */
  g_assert_cmpint (count_of (text, "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid"), ==, 2);
  g_assert_cmpint (count_of (text, "a=extmap:12 http://www.webrtc.org"), ==, 2);
  g_assert_cmpint (count_of (text, "a=extmap:5 http://www.ietf.org"), ==, 2);
  /* The audio level in the audio section only, where it was agreed. */
  g_assert_cmpint (count_of (text, "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level"), ==, 1);
  g_assert_cmpint (count_of (text, "a=extmap:"), ==, 7);
  tc_sdp_free (re);
  g_free (text);
  tc_sdp_negotiated_free (neg);
}

static void
test_a_reoffer_says_the_new_directions_with_the_same_credentials (void)
{
  tc_sdp_negotiated *neg = answered_send_only (BROWSER_OFFER);
  g_assert_cmpint (neg->media[0].direction, ==, TC_SDP_DIR_SENDONLY);
  tc_sdp_local l;
  test_local (&l);
  /* A receiver joined: send and receive both. */
  char *text = NULL;
  tc_sdp *re = reoffer_text (&l, neg, &text);
  for (size_t i = 0; i < re->n_media; i++) {
    g_assert_cmpint (re->media[i]->direction, ==, TC_SDP_DIR_SENDRECV);
    g_assert_cmpint (re->media[i]->common.setup, ==, TC_SDP_SETUP_ACTPASS);
    g_assert_cmpstr (re->media[i]->common.ice_ufrag, ==, "Ab3d");
  }
  g_assert_cmpint (count_of (text, "a=ssrc:22222222 cname:"), ==, 1);
  tc_sdp_free (re);
  g_free (text);
  /* Then the sender left: receive only, no sender lines. */
  l.send_audio = false;
  l.send_video = false;
  re = reoffer_text (&l, neg, &text);
  for (size_t i = 0; i < re->n_media; i++)
    g_assert_cmpint (re->media[i]->direction, ==, TC_SDP_DIR_RECVONLY);
  g_assert_cmpint (count_of (text, "a=ssrc:"), ==, 0);
  tc_sdp_free (re);
  g_free (text);
  tc_sdp_negotiated_free (neg);
}

/* The local DTLS role passed in (the transport's) never leaks into an
 * offer: offers say actpass, and the peer's answer keeps the role. */
static void
test_the_answer_to_a_reoffer_keeps_the_dtls_roles (void)
{
  tc_sdp_negotiated *neg = answered_send_only (BROWSER_OFFER);
  g_assert_cmpint (neg->local_setup, ==, TC_SDP_SETUP_ACTIVE);
  tc_sdp_local l;
  test_local (&l);
  l.setup = neg->local_setup;
  tc_sdp *re = reoffer_text (&l, neg, NULL);

  /* The peer was the DTLS server and stays one (what a browser and our
   * own answer with its role do). */
  tc_sdp_local peer;
  test_local (&peer);
  peer.ice_ufrag = "Pe3r";
  peer.setup = TC_SDP_SETUP_PASSIVE;
  tc_sdp *answer = NULL;
  tc_sdp_negotiated *peer_neg = NULL;
  g_assert_cmpint (tc_sdp_build_answer (re, &peer, &answer, &peer_neg, NULL),
      ==, TC_OK);
  g_assert_cmpint (peer_neg->local_setup, ==, TC_SDP_SETUP_PASSIVE);
  g_assert_cmpstr (peer_neg->media[0].mid, ==, "v");
  g_assert_cmpint (peer_neg->media[0].pt, ==, 120);

  tc_sdp_negotiated *again = NULL;
  g_assert_cmpint (tc_sdp_read_answer (re, answer, &l, &again, NULL), ==,
      TC_OK);
  g_assert_cmpint (again->local_setup, ==, TC_SDP_SETUP_ACTIVE);
  g_assert_cmpstr (again->media[0].mid, ==, "v");
  g_assert_cmpstr (again->media[1].mid, ==, "a");
  g_assert_cmpint (again->media[0].direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_cmpint (again->media[0].pt, ==, 120);
  g_assert_cmpint (again->media[0].rtx_pt, ==, 121);
  g_assert_cmpint (again->media[1].pt, ==, 109);
  tc_sdp_negotiated_free (again);
  tc_sdp_negotiated_free (peer_neg);
  tc_sdp_free (answer);
  tc_sdp_free (re);
  tc_sdp_negotiated_free (neg);
}

static void
test_a_section_the_call_rejected_stays_rejected_in_its_place (void)
{
  /* CHROME_GATHERED: audio (mid 0), then a data channel (mid 1). */
  tc_sdp_negotiated *neg = answered_send_only (CHROME_GATHERED);
  g_assert_cmpuint (neg->n_media, ==, 2);
  g_assert_false (neg->media[1].accepted);
  tc_sdp_local l;
  test_local (&l);
  char *text = NULL;
  tc_sdp *re = reoffer_text (&l, neg, &text);
  g_assert_cmpuint (re->n_media, ==, 2);
  g_assert_cmpstr (re->media[0]->kind, ==, "audio");
  g_assert_cmpstr (re->media[1]->kind, ==, "application");
  g_assert_cmpuint (re->media[1]->port, ==, 0);
  g_assert_cmpstr (re->media[1]->mid, ==, "1");
  g_assert_nonnull (strstr (text, "a=group:BUNDLE 0\r\n"));
  tc_sdp_free (re);
  g_free (text);
  tc_sdp_negotiated_free (neg);
}

static void
test_a_call_without_media_cannot_be_reoffered (void)
{
  tc_sdp_negotiated neg = { .n_media = 1 };
  g_strlcpy (neg.media[0].kind, "application", sizeof neg.media[0].kind);
  g_strlcpy (neg.media[0].mid, "0", sizeof neg.media[0].mid);
  tc_sdp_local l;
  test_local (&l);
  tc_sdp *out = NULL;
  const char *why = NULL;
  g_assert_cmpint (tc_sdp_build_reoffer (&l, &neg, &out, &why), ==,
      TC_ERR_INVALID_ARG);
  g_assert_null (out);
  g_assert_nonnull (why);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/reoffer/keeps-the-browsers-mids-order-and-payload-types",
      test_a_reoffer_keeps_the_browsers_mids_order_and_payload_types);
  g_test_add_func ("/sdp/reoffer/new-directions-same-credentials",
      test_a_reoffer_says_the_new_directions_with_the_same_credentials);
  g_test_add_func ("/sdp/reoffer/answer-keeps-the-dtls-roles",
      test_the_answer_to_a_reoffer_keeps_the_dtls_roles);
  g_test_add_func ("/sdp/reoffer/rejected-section-stays-rejected",
      test_a_section_the_call_rejected_stays_rejected_in_its_place);
  g_test_add_func ("/sdp/reoffer/no-media-is-refused",
      test_a_call_without_media_cannot_be_reoffered);
  return g_test_run ();
}
