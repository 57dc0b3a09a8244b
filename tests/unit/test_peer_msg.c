/* test_peer_msg.c - the {sdp} / {candidate} messages browsers publish. */
#include <glib.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "signal/peer_msg_json.h"
#include "tempchat/tc_peer_msg.h"

/* A Chrome offer as pc.localDescription serializes it (trimmed to one audio
 * and one video section; line endings are CRLF as on the wire). */
#define CHROME_OFFER_SDP \
  "v=0\r\n" \
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" \
  "s=-\r\n" \
  "t=0 0\r\n" \
  "a=group:BUNDLE 0 1\r\n" \
  "a=extmap-allow-mixed\r\n" \
  "a=msid-semantic: WMS 7e4b3f2a-8c1d-4f5e-9a6b-0c2d3e4f5a6b\r\n" \
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n" \
  "c=IN IP4 0.0.0.0\r\n" \
  "a=rtcp:9 IN IP4 0.0.0.0\r\n" \
  "a=ice-ufrag:sTjX\r\n" \
  "a=ice-pwd:9Fh2kLw7QzR1tYx0Vb3nMc5e\r\n" \
  "a=ice-options:trickle\r\n" \
  "a=fingerprint:sha-256 5B:0E:1C:2D:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA:FB:0C:1D:2E:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA\r\n" \
  "a=setup:actpass\r\n" \
  "a=mid:0\r\n" \
  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" \
  "a=sendrecv\r\n" \
  "a=msid:7e4b3f2a-8c1d-4f5e-9a6b-0c2d3e4f5a6b 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\r\n" \
  "a=rtcp-mux\r\n" \
  "a=rtpmap:111 opus/48000/2\r\n" \
  "a=rtcp-fb:111 transport-cc\r\n" \
  "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1\r\n" \
  "m=video 9 UDP/TLS/RTP/SAVPF 45 98 96\r\n" \
  "c=IN IP4 0.0.0.0\r\n" \
  "b=AS:3000\r\n" \
  "a=ice-ufrag:sTjX\r\n" \
  "a=ice-pwd:9Fh2kLw7QzR1tYx0Vb3nMc5e\r\n" \
  "a=setup:actpass\r\n" \
  "a=mid:1\r\n" \
  "a=sendrecv\r\n" \
  "a=rtcp-mux\r\n" \
  "a=rtcp-rsize\r\n" \
  "a=rtpmap:45 AV1/90000\r\n" \
  "a=rtcp-fb:45 nack\r\n" \
  "a=rtcp-fb:45 nack pli\r\n" \
  "a=fmtp:45 level-idx=5;profile=0;tier=0;x-google-start-bitrate=2000;x-google-max-bitrate=3000\r\n" \
  "a=rtpmap:98 VP9/90000\r\n" \
  "a=fmtp:98 profile-id=0\r\n" \
  "a=rtpmap:96 VP8/90000\r\n" \
  "a=ssrc:3735928559 cname:Zx9yW8vU7tS6rQ5p\r\n"

/* What the page publishes: {sdp: pc.localDescription}. JSON escapes CRLF. */
static char *
offer_json (void)
{
  json_t *v = json_pack ("{s:{s:s,s:s}}", "sdp", "type", "offer", "sdp",
      CHROME_OFFER_SDP);
  char *s = json_dumps (v, JSON_COMPACT);
  json_decref (v);
  return s;
}

/* RTCIceCandidate.toJSON() from Chrome: a server-reflexive candidate. */
static const char chrome_candidate[] =
    "{\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 "
    "203.0.113.7 50512 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sTjX "
    "network-cost 999\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
    "\"usernameFragment\":\"sTjX\"}}";

static void
test_chrome_offer (void)
{
  char *json = offer_json ();
  tc_peer_msg m;
  g_assert_cmpint (tc_peer_msg_decode (json, strlen (json), &m), ==, TC_OK);
  g_assert_cmpint (m.kind, ==, TC_PEER_MSG_SDP);
  g_assert_cmpint (m.sdp_type, ==, TC_SDP_OFFER);
  g_assert_cmpstr (m.sdp, ==, CHROME_OFFER_SDP);
  g_assert_null (m.candidate);

  /* Encoding gives back the page's bytes: same keys, same order. */
  char *again = tc_peer_msg_encode (&m);
  g_assert_cmpstr (again, ==, json);
  free (again);
  tc_peer_msg_clear (&m);
  free (json);
}

static void
test_chrome_candidate (void)
{
  tc_peer_msg m;
  g_assert_cmpint (tc_peer_msg_decode (chrome_candidate,
          strlen (chrome_candidate), &m), ==, TC_OK);
  g_assert_cmpint (m.kind, ==, TC_PEER_MSG_CANDIDATE);
  g_assert_true (g_str_has_prefix (m.candidate, "candidate:842163049 1 udp"));
  g_assert_cmpstr (m.sdp_mid, ==, "0");
  g_assert_cmpint (m.sdp_mline_index, ==, 0);
  g_assert_cmpstr (m.username_fragment, ==, "sTjX");
  char *again = tc_peer_msg_encode (&m);
  g_assert_cmpstr (again, ==, chrome_candidate);
  free (again);
  tc_peer_msg_clear (&m);
}

/* Our end-of-candidates decodes back with the generation it ends, so two
 * of our peers understand each other as a page understands us. */
static void
test_end_of_candidates_round_trip (void)
{
  tc_peer_msg eoc = { .kind = TC_PEER_MSG_END_OF_CANDIDATES, .sdp_mid = "0",
    .sdp_mline_index = 0, .username_fragment = "sTjX" };
  char *json = tc_peer_msg_encode (&eoc);
  tc_peer_msg m;
  g_assert_cmpint (tc_peer_msg_decode (json, strlen (json), &m), ==, TC_OK);
  g_assert_cmpint (m.kind, ==, TC_PEER_MSG_END_OF_CANDIDATES);
  g_assert_null (m.candidate);
  g_assert_cmpstr (m.sdp_mid, ==, "0");
  g_assert_cmpint (m.sdp_mline_index, ==, 0);
  g_assert_cmpstr (m.username_fragment, ==, "sTjX");
  tc_peer_msg_clear (&m);
  free (json);
}

typedef struct {
  const char *name;
  const char *json;
  tc_status status;
  tc_peer_msg_kind kind;  /* on TC_OK */
} decode_case;

static const decode_case decode_cases[] = {
  {"an answer decodes", "{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}",
    TC_OK, TC_PEER_MSG_SDP},
  {"a pranswer decodes", "{\"sdp\":{\"type\":\"pranswer\",\"sdp\":\"v=0\"}}",
    TC_OK, TC_PEER_MSG_SDP},
  {"a rollback needs no body", "{\"sdp\":{\"type\":\"rollback\"}}", TC_OK,
    TC_PEER_MSG_SDP},
  {"fields browsers add are ignored",
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\",\"x\":1},\"ts\":5}", TC_OK,
    TC_PEER_MSG_SDP},
  {"a null candidate is end-of-candidates", "{\"candidate\":null}", TC_OK,
    TC_PEER_MSG_END_OF_CANDIDATES},
  {"an empty candidate line is end-of-candidates",
    "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
    "\"usernameFragment\":\"sTjX\"}}", TC_OK, TC_PEER_MSG_END_OF_CANDIDATES},
  {"a candidate naming its m-line only by index decodes",
    "{\"candidate\":{\"candidate\":\"candidate:0 1 UDP 2122252543 "
    "198.51.100.4 49203 typ host\",\"sdpMid\":null,\"sdpMLineIndex\":1}}",
    TC_OK, TC_PEER_MSG_CANDIDATE},
  {"an unknown sdp type is refused",
    "{\"sdp\":{\"type\":\"offerish\",\"sdp\":\"v=0\"}}", TC_ERR_PARSE, 0},
  {"an offer without a body is refused", "{\"sdp\":{\"type\":\"offer\"}}",
    TC_ERR_PARSE, 0},
  {"a numeric sdp body is refused",
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":5}}", TC_ERR_PARSE, 0},
  {"an sdp that is a string is refused", "{\"sdp\":\"v=0\"}", TC_ERR_PARSE, 0},
  {"a candidate naming no m-line is refused",
    "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 192.0.2.1 9 typ host\","
    "\"sdpMid\":null,\"sdpMLineIndex\":null}}", TC_ERR_PARSE, 0},
  {"a negative sdpMLineIndex is refused",
    "{\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":-1}}",
    TC_ERR_PARSE, 0},
  {"an sdpMLineIndex above 65535 is refused",
    "{\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":65536}}",
    TC_ERR_PARSE, 0},
  {"a fractional sdpMLineIndex is refused",
    "{\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":0.5}}",
    TC_ERR_PARSE, 0},
  {"a numeric sdpMid is refused",
    "{\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMid\":0}}",
    TC_ERR_PARSE, 0},
  {"a candidate without its line is refused",
    "{\"candidate\":{\"sdpMid\":\"0\"}}", TC_ERR_PARSE, 0},
  {"a message with both sdp and candidate is refused",
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"},\"candidate\":null}",
    TC_ERR_PARSE, 0},
  {"a message with neither is refused", "{\"hello\":1}", TC_ERR_PARSE, 0},
  {"an array is refused", "[1,2]", TC_ERR_PARSE, 0},
  {"invalid JSON is refused", "{\"sdp\":", TC_ERR_PARSE, 0},
  {"an escaped NUL inside a string is refused",
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\u0000\"}}", TC_ERR_PARSE, 0},
};

static void
test_decode_case (gconstpointer data)
{
  const decode_case *c = data;
  tc_peer_msg m;
  tc_status st = tc_peer_msg_decode (c->json, strlen (c->json), &m);
  g_assert_cmpstr (tc_status_name (st), ==, tc_status_name (c->status));
  if (st == TC_OK)
    g_assert_cmpint (m.kind, ==, c->kind);
  else
    g_assert_null (m.sdp);
  tc_peer_msg_clear (&m);
}

static void
test_too_large (void)
{
  size_t len = TC_PEER_MSG_MAX + 1;
  char *big = g_malloc (len);
  memset (big, ' ', len);
  tc_peer_msg m;
  g_assert_cmpint (tc_peer_msg_decode (big, len, &m), ==, TC_ERR_TOO_LARGE);
  tc_peer_msg_clear (&m);

  /* An SDP that would encode above the limit is not produced either. */
  char *sdp = g_malloc (TC_PEER_MSG_MAX + 1);
  memset (sdp, 'a', TC_PEER_MSG_MAX);
  sdp[TC_PEER_MSG_MAX] = '\0';
  tc_peer_msg offer = {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_OFFER,
    .sdp = sdp, .sdp_mline_index = -1};
  g_assert_null (tc_peer_msg_encode (&offer));
  g_free (sdp);
  g_free (big);
}

typedef struct {
  const char *name;
  tc_peer_msg msg;
  const char *json;  /* NULL: must be refused */
} encode_case;

static const encode_case encode_cases[] = {
  {"an answer encodes like pc.localDescription",
    {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_ANSWER, .sdp = "v=0\r\n",
      .sdp_mline_index = -1},
    "{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}"},
  {"unknown candidate fields encode as null, as toJSON() does",
    {.kind = TC_PEER_MSG_CANDIDATE, .candidate = "candidate:1 1 udp 1 192.0.2.1 9 typ host",
      .sdp_mid = "0", .sdp_mline_index = -1},
    "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 192.0.2.1 9 typ host\","
    "\"sdpMid\":\"0\",\"sdpMLineIndex\":null,\"usernameFragment\":null}}"},
  {"end-of-candidates encodes as the empty candidate a page passes to "
    "addIceCandidate, naming its m-line and ICE generation",
    {.kind = TC_PEER_MSG_END_OF_CANDIDATES, .sdp_mid = "0",
      .sdp_mline_index = 0, .username_fragment = "sTjX"},
    "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\","
    "\"sdpMLineIndex\":0,\"usernameFragment\":\"sTjX\"}}"},
  {"end-of-candidates without ids encodes their keys as null",
    {.kind = TC_PEER_MSG_END_OF_CANDIDATES, .sdp_mline_index = -1},
    "{\"candidate\":{\"candidate\":\"\",\"sdpMid\":null,"
    "\"sdpMLineIndex\":null,\"usernameFragment\":null}}"},
  {"an empty candidate line is not a candidate",
    {.kind = TC_PEER_MSG_CANDIDATE, .candidate = "", .sdp_mid = "0",
      .sdp_mline_index = 0}, NULL},
  {"an offer without a body is refused",
    {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_OFFER, .sdp_mline_index = -1},
    NULL},
  {"an unknown sdp type is refused",
    {.kind = TC_PEER_MSG_SDP, .sdp_type = 9, .sdp = "v=0",
      .sdp_mline_index = -1}, NULL},
  {"a candidate without a line is refused",
    {.kind = TC_PEER_MSG_CANDIDATE, .sdp_mid = "0", .sdp_mline_index = 0},
    NULL},
  {"a candidate naming no m-line is refused",
    {.kind = TC_PEER_MSG_CANDIDATE, .candidate = "candidate:1",
      .sdp_mline_index = -1}, NULL},
  {"an sdpMLineIndex out of range is refused",
    {.kind = TC_PEER_MSG_CANDIDATE, .candidate = "candidate:1",
      .sdp_mline_index = 70000}, NULL},
  {"invalid UTF-8 is refused",
    {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_OFFER, .sdp = "v=\xff",
      .sdp_mline_index = -1}, NULL},
  {"an unknown kind is refused", {.kind = 7, .sdp_mline_index = -1}, NULL},
};

static void
test_encode_case (gconstpointer data)
{
  const encode_case *c = data;
  char *json = tc_peer_msg_encode (&c->msg);
  g_assert_cmpstr (json, ==, c->json);
  free (json);
}

static void
test_json_value_variant (void)
{
  /* The publish frame hands over a parsed value, not text. */
  json_t *v = json_loads (chrome_candidate, 0, NULL);
  tc_peer_msg m;
  g_assert_cmpint (tc_peer_msg_from_json (v, &m), ==, TC_OK);
  json_t *back = tc_peer_msg_to_json (&m);
  g_assert_true (json_equal (v, back));
  json_decref (back);
  json_decref (v);
  tc_peer_msg_clear (&m);
  g_assert_cmpint (tc_peer_msg_from_json (NULL, &m), ==, TC_ERR_PARSE);
  tc_peer_msg_clear (&m);
  tc_peer_msg_clear (NULL);
}

static void
test_sdp_type_names (void)
{
  g_assert_cmpstr (tc_sdp_type_str (TC_SDP_OFFER), ==, "offer");
  g_assert_cmpstr (tc_sdp_type_str (TC_SDP_ANSWER), ==, "answer");
  g_assert_cmpstr (tc_sdp_type_str (TC_SDP_PRANSWER), ==, "pranswer");
  g_assert_cmpstr (tc_sdp_type_str (TC_SDP_ROLLBACK), ==, "rollback");
  g_assert_cmpstr (tc_sdp_type_str (42), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/peer_msg/a Chrome offer decodes and encodes back byte for byte",
      test_chrome_offer);
  g_test_add_func ("/peer_msg/a Chrome RTCIceCandidate.toJSON() decodes and encodes back",
      test_chrome_candidate);
  for (size_t i = 0; i < G_N_ELEMENTS (decode_cases); i++) {
    char *path = g_strdup_printf ("/peer_msg/decode/%s", decode_cases[i].name);
    g_test_add_data_func (path, &decode_cases[i], test_decode_case);
    g_free (path);
  }
  for (size_t i = 0; i < G_N_ELEMENTS (encode_cases); i++) {
    char *path = g_strdup_printf ("/peer_msg/encode/%s", encode_cases[i].name);
    g_test_add_data_func (path, &encode_cases[i], test_encode_case);
    g_free (path);
  }
  g_test_add_func ("/peer_msg/end-of-candidates decodes back with its generation",
      test_end_of_candidates_round_trip);
  g_test_add_func ("/peer_msg/messages above 64 KiB are neither read nor written",
      test_too_large);
  g_test_add_func ("/peer_msg/the json_t variants agree with the text ones",
      test_json_value_variant);
  g_test_add_func ("/peer_msg/sdp types have their browser names",
      test_sdp_type_names);
  return g_test_run ();
}
