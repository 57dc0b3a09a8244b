/* test_sdp_parse.c - SDP text to model and back (RFC 8866 + WebRTC). */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

#include "sdp_samples.h"

static tc_sdp *
parse_ok (const char *text)
{
  tc_sdp *sdp = NULL;
  const char *why = NULL;
  tc_status st = tc_sdp_parse (text, strlen (text), &sdp, &why);
  if (st != TC_OK)
    g_printerr ("parse failed: %s (%s)\n", tc_status_name (st), why);
  g_assert_cmpint (st, ==, TC_OK);
  g_assert_nonnull (sdp);
  return sdp;
}

/* ---------------------------------------------------------- round trips */

static void
test_chrome_sdps_round_trip_byte_for_byte (void)
{
  const char *samples[] = { CHROME_OFFER, CHROME_ANSWER, CHROME_GATHERED };
  for (size_t i = 0; i < G_N_ELEMENTS (samples); i++) {
    tc_sdp *sdp = parse_ok (samples[i]);
    char *text = tc_sdp_serialize (sdp);
    g_assert_cmpstr (text, ==, samples[i]);
    g_free (text);
    tc_sdp_free (sdp);
  }
}

static char *
lf_only (const char *crlf)
{
  GString *s = g_string_new (NULL);
  for (const char *p = crlf; *p != '\0'; p++) {
    if (*p != '\r')
      g_string_append_c (s, *p);
  }
  return g_string_free (s, FALSE);
}

static void
test_lf_line_endings_are_read_and_written_as_crlf (void)
{
  char *lf = lf_only (CHROME_OFFER);
  tc_sdp *sdp = parse_ok (lf);
  char *text = tc_sdp_serialize (sdp);
  g_assert_cmpstr (text, ==, CHROME_OFFER);
  g_free (text);
  tc_sdp_free (sdp);
  g_free (lf);
}

static void
test_serialize_is_a_fixed_point_of_parse (void)
{
  /* Sloppy but valid input: extra spaces, no final newline, lower-case
   * fingerprint, leading zeros, msid-semantic without a space. */
  static const char sloppy[] =
    "v=0\r\no=-  1 02 IN IP4 127.0.0.1\r\ns=-\r\nt=0   0\r\n"
    "a=msid-semantic:WMS *\r\n"
    "m=video  9 UDP/TLS/RTP/SAVPF 096  97\r\n"
    "a=fingerprint:sha-1 ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01\r\n"
    "a=rtpmap:96 VP8/90000\r\na=fmtp:97 apt=96; foo=1;;bar\r\n"
    "a=rtcp-fb:96  nack   pli\r\na=ice-options:trickle  renomination\r\n"
    "a=rtpmap:97 rtx/90000";
  tc_sdp *a = parse_ok (sloppy);
  char *t1 = tc_sdp_serialize (a);
  tc_sdp *b = parse_ok (t1);
  char *t2 = tc_sdp_serialize (b);
  g_assert_cmpstr (t1, ==, t2);
  g_assert_nonnull (strstr (t1, "a=msid-semantic: WMS *\r\n"));
  g_assert_nonnull (strstr (t1, "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"));
  g_assert_nonnull (strstr (t1, "a=fmtp:97 apt=96;foo=1;;bar\r\n"));
  g_assert_nonnull (strstr (t1, "a=fingerprint:sha-1 AB:CD:EF:01"));
  g_free (t1);
  g_free (t2);
  tc_sdp_free (a);
  tc_sdp_free (b);
}

static void
test_unknown_attributes_are_kept_verbatim_in_order (void)
{
  static const char text[] =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\ni=a session\r\nt=0 0\r\n"
    "a=ice-lite\r\na=x-custom:some value : with colons\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
    "a=mid:v\r\na=rtpmap:96 VP8/90000\r\n"
    "a=rid:h send\r\na=rid:l send scale-down-by=2\r\na=simulcast:send h;l\r\n"
    "a=x-empty:\r\n";
  tc_sdp *sdp = parse_ok (text);
  g_assert_cmpuint (sdp->common.n_attrs, ==, 2);
  g_assert_cmpstr (sdp->common.attrs[0].name, ==, "ice-lite");
  g_assert_null (sdp->common.attrs[0].value);
  g_assert_cmpstr (sdp->common.attrs[1].value, ==, "some value : with colons");
  const tc_sdp_media *m = sdp->media[0];
  g_assert_cmpuint (m->common.n_attrs, ==, 4);
  g_assert_cmpstr (m->common.attrs[2].name, ==, "simulcast");
  g_assert_cmpstr (m->common.attrs[2].value, ==, "send h;l");
  g_assert_cmpstr (m->common.attrs[3].value, ==, "");
  char *out = tc_sdp_serialize (sdp);
  g_assert_cmpstr (out, ==, text);
  g_free (out);
  tc_sdp_free (sdp);
}

/* ---------------------------------------------------------------- fields */

static void
test_chrome_offer_session_fields_are_read (void)
{
  tc_sdp *sdp = parse_ok (CHROME_OFFER);
  g_assert_cmpstr (sdp->origin.session_id, ==, "6251736283475183210");
  g_assert_cmpuint (sdp->origin.session_version, ==, 2);
  g_assert_cmpuint (sdp->n_groups, ==, 1);
  g_assert_cmpstr (sdp->groups[0].semantics, ==, "BUNDLE");
  g_assert_cmpuint (sdp->groups[0].n_mids, ==, 2);
  g_assert_cmpstr (sdp->groups[0].mids[1], ==, "1");
  g_assert_true (sdp->common.extmap_allow_mixed);
  g_assert_cmpstr (sdp->msid_semantic, ==, "WMS 3b8f3a2e-5c1d-4f7a-9e61-2d0c8b7a4f10");
  g_assert_cmpuint (sdp->n_media, ==, 2);
  tc_sdp_free (sdp);
}

static void
test_chrome_offer_audio_section_is_read (void)
{
  tc_sdp *sdp = parse_ok (CHROME_OFFER);
  const tc_sdp_media *a = tc_sdp_find_mid (sdp, "0");
  g_assert_nonnull (a);
  g_assert_cmpstr (a->kind, ==, "audio");
  g_assert_cmpuint (a->port, ==, 9);
  g_assert_cmpuint (a->n_formats, ==, 8);
  g_assert_cmpint (a->rtcp_port, ==, 9);
  g_assert_cmpstr (a->common.ice_ufrag, ==, "Qx7v");
  g_assert_cmpuint (a->common.fingerprint.len, ==, 32);
  g_assert_cmpint (a->common.setup, ==, TC_SDP_SETUP_ACTPASS);
  g_assert_cmpint (a->direction, ==, TC_SDP_DIR_SENDRECV);
  g_assert_true (a->rtcp_mux && a->rtcp_rsize);
  g_assert_cmpuint (a->common.n_extmaps, ==, 4);
  g_assert_cmpuint (a->common.extmaps[3].id, ==, 4);
  g_assert_cmpstr (a->common.extmaps[3].uri, ==, TC_SDP_EXT_URI_MID);
  const tc_sdp_rtpmap *opus = tc_sdp_media_rtpmap (a, 111);
  g_assert_cmpstr (opus->name, ==, "opus");
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_cmpuint (opus->channels, ==, 2);
  const tc_sdp_fmtp *f = tc_sdp_media_fmtp (a, 111);
  g_assert_cmpuint (f->n_params, ==, 2);
  g_assert_cmpstr (f->params[0].name, ==, "minptime");
  g_assert_cmpstr (tc_sdp_fmtp_get (f, "useinbandfec"), ==, "1");
  const tc_sdp_fmtp *red = tc_sdp_media_fmtp (a, 63);
  g_assert_cmpstr (red->params[0].name, ==, "111/111");
  g_assert_null (red->params[0].value);
  g_assert_cmpuint (a->n_msids, ==, 1);
  g_assert_cmpstr (a->msids[0].track_id, ==, "a1c40f5e-7d22-4b6e-8f19-0e3d5b2c9a71");
  g_assert_cmpuint (a->n_ssrcs, ==, 2);
  g_assert_cmpuint (a->ssrcs[0].ssrc, ==, 1949210385u);
  g_assert_cmpstr (a->ssrcs[0].attribute, ==, "cname");
  tc_sdp_free (sdp);
}

static void
test_chrome_offer_video_section_is_read (void)
{
  tc_sdp *sdp = parse_ok (CHROME_OFFER);
  const tc_sdp_media *v = tc_sdp_find_mid (sdp, "1");
  g_assert_cmpuint (v->n_formats, ==, 23);
  g_assert_cmpint (tc_sdp_media_format_pt (v, 0), ==, 45);
  g_assert_cmpstr (tc_sdp_media_rtpmap (v, 45)->name, ==, "AV1");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 45), "profile"), ==, "0");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 46), "apt"), ==, "45");
  g_assert_cmpstr (tc_sdp_fmtp_get (tc_sdp_media_fmtp (v, 106), "profile-level-id"),
      ==, "42e01f");
  g_assert_cmpstr (tc_sdp_media_rtpmap (v, 114)->name, ==, "ulpfec");
  g_assert_cmpuint (v->common.n_extmaps, ==, 12);
  g_assert_cmpuint (v->n_rtcp_fbs, ==, 10 * 5);
  g_assert_cmpint (v->rtcp_fbs[2].pt, ==, 45);
  g_assert_cmpstr (v->rtcp_fbs[2].type, ==, "ccm");
  g_assert_cmpstr (v->rtcp_fbs[2].subtype, ==, "fir");
  g_assert_null (v->rtcp_fbs[0].subtype);
  g_assert_cmpuint (v->n_ssrc_groups, ==, 1);
  g_assert_cmpstr (v->ssrc_groups[0].semantics, ==, "FID");
  g_assert_cmpuint (v->ssrc_groups[0].ssrcs[1], ==, 3120748019u);
  g_assert_cmpstr (v->ssrcs[1].value, ==,
      "3b8f3a2e-5c1d-4f7a-9e61-2d0c8b7a4f10 c7e91b3d-2f48-4a5c-b6d0-91f2e8a4c35b");
  tc_sdp_free (sdp);
}

static void
test_gathered_candidates_are_parsed_and_kept_as_text (void)
{
  tc_sdp *sdp = parse_ok (CHROME_GATHERED);
  const tc_sdp_media *a = sdp->media[0];
  g_assert_cmpuint (a->n_candidates, ==, 5);
  g_assert_true (g_str_has_prefix (a->candidates[0].raw, "candidate:1145593077 1 udp"));
  g_assert_cmpint (a->candidates[1].cand.type, ==, TC_SDP_CAND_HOST);
  g_assert_cmpstr (a->candidates[1].cand.address, ==, "2001:db8:85a3::8a2e:370:7334");
  g_assert_cmpint (a->candidates[2].cand.type, ==, TC_SDP_CAND_SRFLX);
  g_assert_cmpstr (a->candidates[3].cand.tcptype, ==, "active");
  g_assert_cmpint (a->candidates[4].cand.rport, ==, 42867);
  g_assert_cmpstr (sdp->media[1]->kind, ==, "application");
  g_assert_cmpstr (sdp->media[1]->formats[0], ==, "webrtc-datachannel");
  tc_sdp_free (sdp);
}

/* -------------------------------------------------------------- malformed */

#define HEAD "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define AUDIO "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"

typedef struct {
  const char *name;
  const char *text;
  tc_status want;
} bad_case;

static const bad_case bad_cases[] = {
  { "empty text", "", TC_ERR_PARSE },
  { "only line endings", "\r\n\r\n", TC_ERR_PARSE },
  { "no v= first", "o=- 1 1 IN IP4 127.0.0.1\r\nv=0\r\n", TC_ERR_PARSE },
  { "version 1", "v=1\r\n", TC_ERR_PARSE },
  { "v= repeated", HEAD "v=0\r\n" AUDIO, TC_ERR_PARSE },
  { "missing o=", "v=0\r\ns=-\r\nt=0 0\r\n" AUDIO, TC_ERR_PARSE },
  { "missing s=", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n" AUDIO, TC_ERR_PARSE },
  { "missing t=", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" AUDIO, TC_ERR_PARSE },
  { "missing m=", HEAD "a=group:BUNDLE 0\r\n", TC_ERR_PARSE },
  { "o= with five fields", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n" AUDIO, TC_ERR_PARSE },
  { "o= session id not digits", "v=0\r\no=- 1x 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n" AUDIO, TC_ERR_PARSE },
  { "o= repeated", HEAD "o=- 1 1 IN IP4 127.0.0.1\r\n" AUDIO, TC_ERR_PARSE },
  { "t= not a number", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=now 0\r\n" AUDIO, TC_ERR_PARSE },
  { "port above 65535", HEAD "m=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n", TC_ERR_PARSE },
  { "port not a number", HEAD "m=audio nine UDP/TLS/RTP/SAVPF 111\r\n", TC_ERR_PARSE },
  { "negative port", HEAD "m=audio -9 UDP/TLS/RTP/SAVPF 111\r\n", TC_ERR_PARSE },
  { "port count zero", HEAD "m=audio 9/0 UDP/TLS/RTP/SAVPF 111\r\n", TC_ERR_PARSE },
  { "m= without formats", HEAD "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", TC_ERR_PARSE },
  { "payload type 128", HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", TC_ERR_PARSE },
  { "format repeated", HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 111 0111\r\n", TC_ERR_PARSE },
  { "m= before t=", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n" AUDIO "t=0 0\r\n", TC_ERR_PARSE },
  { "NUL byte", HEAD AUDIO "a=mid:0\r\n", TC_ERR_PARSE },  /* NUL put in below */
  { "control character", HEAD AUDIO "a=mid:0\x01\r\n", TC_ERR_PARSE },
  { "bare CR inside a line", HEAD AUDIO "a=mid:0\rx\r\n", TC_ERR_PARSE },
  { "line without =", HEAD AUDIO "a\r\n", TC_ERR_PARSE },
  { "upper-case type", HEAD AUDIO "A=mid:0\r\n", TC_ERR_PARSE },
  { "unknown line type", HEAD AUDIO "x=1\r\n", TC_ERR_PARSE },
  { "session line in media", HEAD AUDIO "u=http://example.com\r\n", TC_ERR_PARSE },
  { "c= repeated", HEAD AUDIO "c=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n", TC_ERR_PARSE },
  { "b= without value", HEAD AUDIO "b=AS\r\n", TC_ERR_PARSE },
  { "attribute name with space", HEAD AUDIO "a= mid:0\r\n", TC_ERR_PARSE },
  { "rtpmap without clock", HEAD AUDIO "a=rtpmap:111 opus\r\n", TC_ERR_PARSE },
  { "rtpmap zero channels", HEAD AUDIO "a=rtpmap:111 opus/48000/0\r\n", TC_ERR_PARSE },
  { "rtpmap payload 200", HEAD AUDIO "a=rtpmap:200 opus/48000/2\r\n", TC_ERR_PARSE },
  { "rtpmap repeated", HEAD AUDIO "a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 opus/48000/2\r\n",
    TC_ERR_PARSE },
  { "fmtp without parameters", HEAD AUDIO "a=fmtp:111 \r\n", TC_ERR_PARSE },
  { "rtcp-fb without type", HEAD AUDIO "a=rtcp-fb:111\r\n", TC_ERR_PARSE },
  { "fingerprint odd hex", HEAD AUDIO "a=fingerprint:sha-256 AB:C\r\n", TC_ERR_PARSE },
  { "fingerprint wrong length", HEAD AUDIO "a=fingerprint:sha-256 AB:CD\r\n", TC_ERR_PARSE },
  { "setup unknown role", HEAD AUDIO "a=setup:server\r\n", TC_ERR_PARSE },
  { "setup repeated", HEAD AUDIO "a=setup:active\r\na=setup:active\r\n", TC_ERR_PARSE },
  { "mid repeated", HEAD AUDIO "a=mid:0\r\na=mid:1\r\n", TC_ERR_PARSE },
  { "mid not unique", HEAD AUDIO "a=mid:0\r\n" AUDIO "a=mid:0\r\n", TC_ERR_PARSE },
  { "two directions", HEAD AUDIO "a=sendrecv\r\na=recvonly\r\n", TC_ERR_PARSE },
  { "flag with a value", HEAD AUDIO "a=rtcp-mux:yes\r\n", TC_ERR_PARSE },
  { "ice-ufrag too short", HEAD AUDIO "a=ice-ufrag:abc\r\n", TC_ERR_PARSE },
  { "ice-pwd bad character", HEAD AUDIO "a=ice-pwd:0123456789012345678901=3\r\n", TC_ERR_PARSE },
  { "extmap id 0", HEAD AUDIO "a=extmap:0 urn:x\r\n", TC_ERR_PARSE },
  { "extmap id 256", HEAD AUDIO "a=extmap:256 urn:x\r\n", TC_ERR_PARSE },
  { "extmap id repeated", HEAD AUDIO "a=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n", TC_ERR_PARSE },
  { "extmap bad direction", HEAD AUDIO "a=extmap:1/both urn:x\r\n", TC_ERR_PARSE },
  { "ssrc without attribute", HEAD AUDIO "a=ssrc:1234\r\n", TC_ERR_PARSE },
  /* Found by the fuzz smoke run: a value-taking attribute with no value. */
  { "ssrc without a value", HEAD AUDIO "a=ssrc\r\n", TC_ERR_PARSE },
  { "ssrc above 32 bits", HEAD AUDIO "a=ssrc:4294967296 cname:x\r\n", TC_ERR_PARSE },
  { "ssrc-group without ssrcs", HEAD AUDIO "a=ssrc-group:FID\r\n", TC_ERR_PARSE },
  { "msid with three ids", HEAD AUDIO "a=msid:a b c\r\n", TC_ERR_PARSE },
  { "malformed candidate", HEAD AUDIO "a=candidate:1 1 udp 1 10.0.0.1 typ host\r\n", TC_ERR_PARSE },
};

static void
test_malformed_sdps_are_rejected (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (bad_cases); i++) {
    const bad_case *c = &bad_cases[i];
    char *text = g_strdup (c->text);
    size_t len = strlen (text);
    if (strcmp (c->name, "NUL byte") == 0)
      text[len - 4] = '\0';
    tc_sdp *sdp = (tc_sdp *) 1;
    const char *why = NULL;
    tc_status st = tc_sdp_parse (text, len, &sdp, &why);
    if (st != c->want)
      g_printerr ("case '%s': got %s\n", c->name, tc_status_name (st));
    g_assert_cmpint (st, ==, c->want);
    g_assert_null (sdp);
    g_assert_nonnull (why);
    g_free (text);
  }
}

/* Every attribute we read, given without its value: a clear result (kept
 * verbatim or refused), never a crash. */
static void
test_attributes_without_a_value_never_crash (void)
{
  static const char *const names[] = { "ssrc", "ssrc-group", "extmap",
    "rtpmap", "fmtp", "rtcp-fb", "fingerprint", "setup", "mid", "msid",
    "ice-ufrag", "ice-pwd", "candidate", "group", "rtcp", "ice-options",
    "end-of-candidates", "rtcp-mux", "rtcp-rsize", "sendrecv" };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++) {
    char *text = g_strdup_printf (HEAD AUDIO "a=%s\r\n", names[i]);
    tc_sdp *sdp = NULL;
    const char *why = NULL;
    tc_status st = tc_sdp_parse (text, strlen (text), &sdp, &why);
    g_assert_true (st == TC_OK || st == TC_ERR_PARSE);
    g_assert_true ((st == TC_OK) == (sdp != NULL));
    tc_sdp_free (sdp);
    g_free (text);
  }
}

static char *
repeat_line (const char *head, const char *line, size_t n)
{
  GString *s = g_string_new (head);
  for (size_t i = 0; i < n; i++)
    g_string_append (s, line);
  return g_string_free (s, FALSE);
}

static void
expect_too_large (const char *text, size_t len)
{
  tc_sdp *sdp = NULL;
  const char *why = NULL;
  g_assert_cmpint (tc_sdp_parse (text, len, &sdp, &why), ==, TC_ERR_TOO_LARGE);
  g_assert_null (sdp);
  g_assert_nonnull (why);
}

static void
test_absurd_sizes_and_counts_are_too_large (void)
{
  char *huge_line = g_strnfill (5000, 'x');
  char *t1 = g_strconcat (HEAD AUDIO "a=x-big:", huge_line, "\r\n", NULL);
  expect_too_large (t1, strlen (t1));
  char *t2 = repeat_line (HEAD, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", 33);
  expect_too_large (t2, strlen (t2));
  char *t3 = repeat_line (HEAD AUDIO, "a=x-flag\r\n", TC_SDP_MAX_ATTRS + 1);
  expect_too_large (t3, strlen (t3));
  char *t4 = repeat_line (HEAD AUDIO "a=fmtp:111 a=1", ";b=2", 100);
  char *t4b = g_strconcat (t4, "\r\n", NULL);
  expect_too_large (t4b, strlen (t4b));
  char *t5 = repeat_line (HEAD "a=group:BUNDLE", " m", 100);
  char *t5b = g_strconcat (t5, "\r\n" AUDIO, NULL);
  expect_too_large (t5b, strlen (t5b));
  char *t6 = repeat_line (HEAD, AUDIO, 1);
  expect_too_large (t6, TC_SDP_MAX_SIZE + 1);  /* length alone decides */
  GString *t7 = g_string_new (HEAD "m=application 9 UDP/DTLS/SCTP");
  for (int i = 0; i <= TC_SDP_MAX_FORMATS; i++)
    g_string_append_printf (t7, " f%d", i);
  g_string_append (t7, "\r\n");
  expect_too_large (t7->str, t7->len);
  g_string_free (t7, TRUE);
  g_free (huge_line);
  g_free (t1); g_free (t2); g_free (t3); g_free (t4); g_free (t4b);
  g_free (t5); g_free (t5b); g_free (t6);
}

static void
test_parse_errors_never_echo_content (void)
{
  static const char *const texts[] = {
    HEAD AUDIO "a=ice-ufrag:SECRETx\r\na=ice-ufrag:SECRETy\r\n",
    HEAD AUDIO "a=candidate:SECRET 1 udp 1 SECRET.example 1 typ nope\r\n",
    HEAD AUDIO "a=fingerprint:sha-256 SECRET\r\n",
    HEAD "m=SECRET@ 9 RTP/AVP 0\r\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++) {
    tc_sdp *sdp = NULL;
    const char *why = NULL;
    g_assert_cmpint (tc_sdp_parse (texts[i], strlen (texts[i]), &sdp, &why), !=, TC_OK);
    g_assert_nonnull (why);
    g_assert_null (strstr (why, "SECRET"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/parse/chrome-sdps-round-trip-byte-for-byte",
      test_chrome_sdps_round_trip_byte_for_byte);
  g_test_add_func ("/sdp/parse/lf-line-endings-are-read-and-written-as-crlf",
      test_lf_line_endings_are_read_and_written_as_crlf);
  g_test_add_func ("/sdp/parse/serialize-is-a-fixed-point-of-parse",
      test_serialize_is_a_fixed_point_of_parse);
  g_test_add_func ("/sdp/parse/unknown-attributes-are-kept-verbatim-in-order",
      test_unknown_attributes_are_kept_verbatim_in_order);
  g_test_add_func ("/sdp/parse/chrome-offer-session-fields-are-read",
      test_chrome_offer_session_fields_are_read);
  g_test_add_func ("/sdp/parse/chrome-offer-audio-section-is-read",
      test_chrome_offer_audio_section_is_read);
  g_test_add_func ("/sdp/parse/chrome-offer-video-section-is-read",
      test_chrome_offer_video_section_is_read);
  g_test_add_func ("/sdp/parse/gathered-candidates-are-parsed-and-kept-as-text",
      test_gathered_candidates_are_parsed_and_kept_as_text);
  g_test_add_func ("/sdp/parse/malformed-sdps-are-rejected",
      test_malformed_sdps_are_rejected);
  g_test_add_func ("/sdp/parse/attributes-without-a-value-never-crash",
      test_attributes_without_a_value_never_crash);
  g_test_add_func ("/sdp/parse/absurd-sizes-and-counts-are-too-large",
      test_absurd_sizes_and_counts_are_too_large);
  g_test_add_func ("/sdp/parse/parse-errors-never-echo-content",
      test_parse_errors_never_echo_content);
  return g_test_run ();
}
