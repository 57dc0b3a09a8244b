/* test_ice_turn_credentials.c - the pure parts of the ICE transport:
 * TURN REST credentials, STUN/TURN URLs, and the candidate attribute
 * (parse, write, relay-only filtering). No socket, no clock.
 */
#include <glib.h>
#include <string.h>

#include "net/ice_candidate.h"
#include "net/ice_url.h"
#include "tempchat/tc_ice.h"

/* ---- TURN REST credentials ------------------------------------------------ */

/* Expected passwords computed independently:
 *   printf '%s' "$user" | openssl dgst -sha1 -hmac "$secret" -binary | base64
 * and cross-checked with Python's hmac module. coturn accepting what this
 * function makes is tested in tests/integration/test_ice_loopback.c. */
static const struct {
  const char *secret;
  const char *name;
  int64_t expiry;
  const char *username;
  const char *password;
} rest_vectors[] = {
  /* HMAC-SHA1 = 815af48c62f246cac93afb84744b06cb9da0f8bf */
  { "S", "tempchat", 1700000000, "1700000000:tempchat",
    "gVr0jGLyRsrJOvuEdEsGy52g+L8=" },
  /* HMAC-SHA1 = 6cafa989a0858f4d125c3f856b64499a1ec3c202 */
  { "north-secret", "obs-user", 1735689600, "1735689600:obs-user",
    "bK+piaCFj00SXD+Fa2RJmh7DwgI=" },
  /* HMAC-SHA1 = acdc257c58fefa1a71d8158c912f6f51ea963349 */
  { "S", "a", 0, "0:a", "rNwlfFj++hpx2BWMkS9vUeqWM0k=" },
};

static void
test_rest_credentials_match_coturn_formula (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (rest_vectors); i++) {
    char user[64], pass[TC_ICE_REST_PASSWORD_SIZE];
    g_assert_cmpint (tc_ice_turn_rest_credentials (rest_vectors[i].secret,
        rest_vectors[i].name, rest_vectors[i].expiry, user, sizeof user, pass,
        sizeof pass), ==, TC_OK);
    g_assert_cmpstr (user, ==, rest_vectors[i].username);
    g_assert_cmpstr (pass, ==, rest_vectors[i].password);
    g_assert_cmpuint (strlen (pass), ==, TC_ICE_REST_PASSWORD_SIZE - 1);
  }
}

static void
test_rest_credentials_refuse_bad_input (void)
{
  char user[64], pass[TC_ICE_REST_PASSWORD_SIZE];
  g_assert_cmpint (tc_ice_turn_rest_credentials (NULL, "n", 1, user,
      sizeof user, pass, sizeof pass), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_ice_turn_rest_credentials ("", "n", 1, user,
      sizeof user, pass, sizeof pass), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "", 1, user,
      sizeof user, pass, sizeof pass), ==, TC_ERR_INVALID_ARG);
  /* A ':' in the name would make coturn read a different expiry field. */
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "a:b", 1, user,
      sizeof user, pass, sizeof pass), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "n", -1, user,
      sizeof user, pass, sizeof pass), ==, TC_ERR_INVALID_ARG);
  /* "1700000000:tempchat" is 19 characters: 19 bytes is one too few. */
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "tempchat", 1700000000,
      user, 19, pass, sizeof pass), ==, TC_ERR_TOO_LARGE);
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "tempchat", 1700000000,
      user, 20, pass, sizeof pass), ==, TC_OK);
  g_assert_cmpint (tc_ice_turn_rest_credentials ("S", "tempchat", 1700000000,
      user, sizeof user, pass, TC_ICE_REST_PASSWORD_SIZE - 1), ==,
      TC_ERR_TOO_LARGE);
}

/* ---- STUN/TURN URLs -------------------------------------------------------- */

static const struct {
  const char *url;
  tc_status st;
  tc_ice_url_scheme scheme;
  tc_ice_url_transport transport;
  const char *host;
  uint16_t port;
} url_vectors[] = {
  { "stun:127.0.0.1:3478", TC_OK, TC_ICE_URL_STUN, TC_ICE_URL_UDP, "127.0.0.1", 3478 },
  { "stun:stun.example.org", TC_OK, TC_ICE_URL_STUN, TC_ICE_URL_UDP, "stun.example.org", 3478 },
  { "turn:127.0.0.1:34780?transport=udp", TC_OK, TC_ICE_URL_TURN, TC_ICE_URL_UDP, "127.0.0.1", 34780 },
  { "turn:127.0.0.1:34780?transport=tcp", TC_OK, TC_ICE_URL_TURN, TC_ICE_URL_TCP, "127.0.0.1", 34780 },
  { "turn:turn.example.org", TC_OK, TC_ICE_URL_TURN, TC_ICE_URL_UDP, "turn.example.org", 3478 },
  { "turns:turn.example.org", TC_OK, TC_ICE_URL_TURNS, TC_ICE_URL_TLS, "turn.example.org", 5349 },
  { "turns:turn.example.org:443?transport=tcp", TC_OK, TC_ICE_URL_TURNS, TC_ICE_URL_TLS, "turn.example.org", 443 },
  { "turn:[::1]:3478?transport=udp", TC_OK, TC_ICE_URL_TURN, TC_ICE_URL_UDP, "::1", 3478 },
  { "stun:[::1]", TC_OK, TC_ICE_URL_STUN, TC_ICE_URL_UDP, "::1", 3478 },
  /* Refused. */
  { "http://127.0.0.1", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn::3478", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:host:0", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:host:65536", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:host:", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:host:34x", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:user@host", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:host?transport=sctp", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turns:host?transport=udp", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "stun:host?transport=udp", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:[::1", TC_ERR_PARSE, 0, 0, NULL, 0 },
  { "turn:[::1]x", TC_ERR_PARSE, 0, 0, NULL, 0 },
};

static void
test_server_urls_parse_as_rfc7064_and_rfc7065 (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (url_vectors); i++) {
    tc_ice_url url;
    g_test_message ("%s", url_vectors[i].url);
    g_assert_cmpint (tc_ice_url_parse (url_vectors[i].url, &url), ==,
        url_vectors[i].st);
    if (url_vectors[i].st != TC_OK)
      continue;
    g_assert_cmpint (url.scheme, ==, url_vectors[i].scheme);
    g_assert_cmpint (url.transport, ==, url_vectors[i].transport);
    g_assert_cmpstr (url.host, ==, url_vectors[i].host);
    g_assert_cmpuint (url.port, ==, url_vectors[i].port);
  }
}

/* ---- candidate attribute -------------------------------------------------- */

static void
test_candidate_parses_chromium_host_candidate (void)
{
  tc_ice_candidate c;
  /* As Chromium's RTCIceCandidate.candidate (mDNS host name). */
  g_assert_cmpint (tc_ice_candidate_parse (
      "candidate:3046234851 1 udp 2113937151 "
      "5a0e4f62-8e3c-4a3a-9c1c-6b3f1c2d9e10.local 54321 typ host "
      "generation 0 ufrag Ab1+ network-cost 999", &c), ==, TC_OK);
  g_assert_cmpstr (c.foundation, ==, "3046234851");
  g_assert_cmpuint (c.component, ==, 1);
  g_assert_cmpint (c.proto, ==, TC_ICE_PROTO_UDP);
  g_assert_cmpuint (c.priority, ==, 2113937151u);
  g_assert_cmpstr (c.address, ==, "5a0e4f62-8e3c-4a3a-9c1c-6b3f1c2d9e10.local");
  g_assert_cmpuint (c.port, ==, 54321);
  g_assert_cmpint (c.type, ==, TC_ICE_CAND_HOST);
  g_assert_false (c.has_related);
  g_assert_cmpstr (c.ufrag, ==, "Ab1+");
  g_assert_true (tc_ice_candidate_is_mdns (&c));
}

static void
test_candidate_parses_relay_with_related_address (void)
{
  tc_ice_candidate c;
  g_assert_cmpint (tc_ice_candidate_parse (
      "a=candidate:1 1 UDP 41885439 127.0.0.1 49200 typ relay "
      "raddr 0.0.0.0 rport 0 generation 0\r\n", &c), ==, TC_OK);
  g_assert_cmpint (c.type, ==, TC_ICE_CAND_RELAY);
  g_assert_true (c.has_related);
  g_assert_cmpstr (c.related_address, ==, "0.0.0.0");
  g_assert_cmpuint (c.related_port, ==, 0);
  g_assert_cmpstr (c.ufrag, ==, "");
  g_assert_false (tc_ice_candidate_is_mdns (&c));
}

static void
test_candidate_parses_tcp_with_tcptype (void)
{
  tc_ice_candidate c;
  g_assert_cmpint (tc_ice_candidate_parse (
      "candidate:2 1 tcp 1518280447 ::1 9 typ host tcptype active", &c), ==,
      TC_OK);
  g_assert_cmpint (c.proto, ==, TC_ICE_PROTO_TCP);
  g_assert_cmpint (c.tcptype, ==, TC_ICE_TCPTYPE_ACTIVE);
  g_assert_cmpstr (c.address, ==, "::1");
}

static const char *const bad_candidates[] = {
  "",
  "candidate:",
  "a=candidate",
  "candidate:1 1 udp 1 127.0.0.1 5000",                 /* no typ */
  "candidate:1 1 udp 1 127.0.0.1 5000 typ",             /* typ without value */
  "candidate:1 1 udp 1 127.0.0.1 5000 typ bogus",
  "candidate:1 0 udp 1 127.0.0.1 5000 typ host",        /* component 0 */
  "candidate:1 257 udp 1 127.0.0.1 5000 typ host",
  "candidate:1 1 sctp 1 127.0.0.1 5000 typ host",
  "candidate:1 1 udp 4294967296 127.0.0.1 5000 typ host",
  "candidate:1 1 udp 1 127.0.0.1 65536 typ host",
  "candidate:1 1 udp 1 127.0.0.1 -1 typ host",
  "candidate:1 1 udp 1 127.0.0.1 5000 typ host generation", /* odd pair */
  "candidate:1 1 tcp 1 127.0.0.1 5000 typ host",        /* tcp w/o tcptype */
  "candidate:1 1 udp 1 127.0.0.1 5000 typ host tcptype active",
  "candidate:1 1 tcp 1 127.0.0.1 5000 typ host tcptype sideways",
  "candidate:f\xc3\xa9 1 udp 1 127.0.0.1 5000 typ host", /* foundation */
  "candidate:1 1 udp 1 127.0.0.1;rm 5000 typ host",     /* address */
  "candidate:1 1 udp 1 127.0.0.1 5000 typ host\nx y",   /* two lines */
  "candidate:1 1 udp 1 127.0.0.1 5000 typ host ufrag a*b",
  "candidate:1 1 udp 1 127.0.0.1 5000 typ srflx raddr 1.2.3.4 rport x",
};

static void
test_candidate_refuses_malformed_input (void)
{
  tc_ice_candidate c;
  for (size_t i = 0; i < G_N_ELEMENTS (bad_candidates); i++) {
    g_test_message ("%s", bad_candidates[i]);
    g_assert_cmpint (tc_ice_candidate_parse (bad_candidates[i], &c), !=, TC_OK);
  }
  /* A foundation longer than 32 ice-chars. */
  g_assert_cmpint (tc_ice_candidate_parse ("candidate:"
      "0123456789012345678901234567890123 1 udp 1 127.0.0.1 5000 typ host", &c),
      ==, TC_ERR_TOO_LARGE);
}

static void
test_candidate_writes_what_it_parses (void)
{
  tc_ice_candidate c = {
    .foundation = "4", .component = 1, .proto = TC_ICE_PROTO_UDP,
    .priority = 16777215, .address = "127.0.0.1", .port = 50000,
    .type = TC_ICE_CAND_RELAY, .has_related = true,
    .related_address = "0.0.0.0", .related_port = 0, .ufrag = "XyZ1",
  };
  char line[TC_ICE_CANDIDATE_LINE_MAX];
  g_assert_cmpint (tc_ice_candidate_format (&c, line, sizeof line), ==, TC_OK);
  g_assert_cmpstr (line, ==, "candidate:4 1 udp 16777215 127.0.0.1 50000 "
      "typ relay raddr 0.0.0.0 rport 0 generation 0 ufrag XyZ1");

  tc_ice_candidate back;
  g_assert_cmpint (tc_ice_candidate_parse (line, &back), ==, TC_OK);
  g_assert_cmpstr (back.foundation, ==, c.foundation);
  g_assert_cmpuint (back.component, ==, c.component);
  g_assert_cmpint (back.proto, ==, c.proto);
  g_assert_cmpint (back.tcptype, ==, c.tcptype);
  g_assert_cmpuint (back.priority, ==, c.priority);
  g_assert_cmpstr (back.address, ==, c.address);
  g_assert_cmpuint (back.port, ==, c.port);
  g_assert_cmpint (back.type, ==, c.type);
  g_assert_true (back.has_related);
  g_assert_cmpstr (back.related_address, ==, c.related_address);
  g_assert_cmpuint (back.related_port, ==, c.related_port);
  g_assert_cmpstr (back.ufrag, ==, c.ufrag);

  /* Too small a buffer gives an empty string, never a cut line. */
  g_assert_cmpint (tc_ice_candidate_format (&c, line, 20), ==, TC_ERR_TOO_LARGE);
  g_assert_cmpstr (line, ==, "");
}

static void
test_relay_only_offers_relay_candidates_only (void)
{
  static const struct {
    tc_ice_cand_type type;
    bool relay_only;
    bool allowed;
  } rows[] = {
    { TC_ICE_CAND_HOST, false, true },
    { TC_ICE_CAND_SRFLX, false, true },
    { TC_ICE_CAND_RELAY, false, true },
    { TC_ICE_CAND_PRFLX, false, false },  /* never signalled */
    { TC_ICE_CAND_HOST, true, false },
    { TC_ICE_CAND_SRFLX, true, false },
    { TC_ICE_CAND_PRFLX, true, false },
    { TC_ICE_CAND_RELAY, true, true },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    tc_ice_candidate c = { .type = rows[i].type };
    g_assert_cmpint (tc_ice_candidate_allowed (&c, rows[i].relay_only), ==,
        rows[i].allowed);
  }
}

static void
test_ice_credentials_are_ice_chars (void)
{
  g_assert_true (tc_ice_is_ice_chars ("abcd", 4, 256));
  g_assert_true (tc_ice_is_ice_chars ("a+/9", 4, 256));
  g_assert_false (tc_ice_is_ice_chars ("abc", 4, 256));
  g_assert_false (tc_ice_is_ice_chars ("ab-d", 4, 256));
  g_assert_false (tc_ice_is_ice_chars ("abcde", 4, 4));
  g_assert_false (tc_ice_is_ice_chars (NULL, 0, 4));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ice/rest/credentials-match-coturn-formula",
      test_rest_credentials_match_coturn_formula);
  g_test_add_func ("/ice/rest/refuse-bad-input",
      test_rest_credentials_refuse_bad_input);
  g_test_add_func ("/ice/url/parse-as-rfc7064-and-rfc7065",
      test_server_urls_parse_as_rfc7064_and_rfc7065);
  g_test_add_func ("/ice/candidate/parses-chromium-host-candidate",
      test_candidate_parses_chromium_host_candidate);
  g_test_add_func ("/ice/candidate/parses-relay-with-related-address",
      test_candidate_parses_relay_with_related_address);
  g_test_add_func ("/ice/candidate/parses-tcp-with-tcptype",
      test_candidate_parses_tcp_with_tcptype);
  g_test_add_func ("/ice/candidate/refuses-malformed-input",
      test_candidate_refuses_malformed_input);
  g_test_add_func ("/ice/candidate/writes-what-it-parses",
      test_candidate_writes_what_it_parses);
  g_test_add_func ("/ice/candidate/relay-only-offers-relay-only",
      test_relay_only_offers_relay_candidates_only);
  g_test_add_func ("/ice/credentials/are-ice-chars",
      test_ice_credentials_are_ice_chars);
  return g_test_run ();
}
