/* test_sdp_candidate.c - ICE candidate lines (RFC 8839 5.1, RFC 6544), as
 * trickled in {candidate:{candidate,...}} messages and found in SDPs. */
#include "tempchat/tc_sdp.h"

#include <glib.h>
#include <string.h>

typedef struct {
  const char *name;
  const char *text;       /* formats back to exactly this */
  const char *foundation;
  unsigned component;
  const char *transport;
  uint32_t priority;
  const char *address;
  unsigned port;
  tc_sdp_cand_type type;
  const char *raddr;      /* "" when none */
  int rport;
  const char *tcptype;
  const char *ufrag;      /* extension, NULL when absent */
} good_case;

static const good_case good[] = {
  { "srflx from the brief",
    "candidate:842163049 1 udp 1677729535 203.0.113.5 54321 typ srflx raddr "
    "10.0.0.5 rport 54321 generation 0 ufrag abcd network-cost 999",
    "842163049", 1, "udp", 1677729535u, "203.0.113.5", 54321, TC_SDP_CAND_SRFLX,
    "10.0.0.5", 54321, "", "abcd" },
  { "host with an mDNS name",
    "candidate:1145593077 1 udp 2113937151 "
    "012e3baf-5fe2-4dfd-b538-f8fbf3141e84.local 42867 typ host generation 0 "
    "ufrag Qx7v network-cost 999",
    "1145593077", 1, "udp", 2113937151u, "012e3baf-5fe2-4dfd-b538-f8fbf3141e84.local",
    42867, TC_SDP_CAND_HOST, "", -1, "", "Qx7v" },
  { "host on IPv6",
    "candidate:2999745851 1 udp 2122265343 2001:db8:85a3::8a2e:370:7334 51872 "
    "typ host generation 0 network-id 2 network-cost 10",
    "2999745851", 1, "udp", 2122265343u, "2001:db8:85a3::8a2e:370:7334", 51872,
    TC_SDP_CAND_HOST, "", -1, "", NULL },
  { "tcp active host",
    "candidate:3793899172 1 tcp 1518280447 192.168.1.36 9 typ host tcptype active "
    "generation 0 network-id 1",
    "3793899172", 1, "tcp", 1518280447u, "192.168.1.36", 9, TC_SDP_CAND_HOST,
    "", -1, "active", NULL },
  { "tcp passive srflx, upper-case transport",
    "candidate:7 1 TCP 1518214911 203.0.113.9 443 typ srflx raddr 10.0.0.2 "
    "rport 50000 tcptype passive",
    "7", 1, "TCP", 1518214911u, "203.0.113.9", 443, TC_SDP_CAND_SRFLX,
    "10.0.0.2", 50000, "passive", NULL },
  { "relay with hidden related address",
    "candidate:1052010183 1 udp 41885439 198.51.100.20 61234 typ relay raddr "
    "0.0.0.0 rport 0 generation 0 ufrag Zt1e network-cost 999",
    "1052010183", 1, "udp", 41885439u, "198.51.100.20", 61234, TC_SDP_CAND_RELAY,
    "0.0.0.0", 0, "", "Zt1e" },
  { "peer reflexive, RTCP component, ice-char foundation",
    "candidate:a+b/C 2 udp 1845501695 2001:db8::1 3478 typ prflx raddr "
    "2001:db8::2 rport 3479",
    "a+b/C", 2, "udp", 1845501695u, "2001:db8::1", 3478, TC_SDP_CAND_PRFLX,
    "2001:db8::2", 3479, "", NULL },
};

static void
test_valid_candidates_parse_and_format_back (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++) {
    const good_case *g = &good[i];
    tc_sdp_candidate c;
    const char *why = NULL;
    tc_status st = tc_sdp_candidate_parse (g->text, strlen (g->text), &c, &why);
    if (st != TC_OK)
      g_printerr ("case '%s': %s\n", g->name, why);
    g_assert_cmpint (st, ==, TC_OK);
    g_assert_cmpstr (c.foundation, ==, g->foundation);
    g_assert_cmpuint (c.component, ==, g->component);
    g_assert_cmpstr (c.transport, ==, g->transport);
    g_assert_cmpuint (c.priority, ==, g->priority);
    g_assert_cmpstr (c.address, ==, g->address);
    g_assert_cmpuint (c.port, ==, g->port);
    g_assert_cmpint (c.type, ==, g->type);
    g_assert_cmpstr (c.raddr, ==, g->raddr);
    g_assert_cmpint (c.rport, ==, g->rport);
    g_assert_cmpstr (c.tcptype, ==, g->tcptype);
    g_assert_cmpstr (tc_sdp_candidate_ext (&c, "ufrag"), ==, g->ufrag);
    char buf[TC_SDP_CAND_MAX_LEN];
    size_t n = tc_sdp_candidate_format (&c, buf, sizeof buf);
    g_assert_cmpuint (n, ==, strlen (g->text));
    g_assert_cmpstr (buf, ==, g->text);
  }
}

static void
test_prefixes_a_and_candidate_are_optional (void)
{
  static const char *const forms[] = {
    "a=candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host",
    "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host",
    "1 1 udp 2130706431 10.0.0.1 5000 typ host",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (forms); i++) {
    tc_sdp_candidate c;
    g_assert_cmpint (tc_sdp_candidate_parse (forms[i], strlen (forms[i]), &c, NULL),
        ==, TC_OK);
    g_assert_cmpstr (c.address, ==, "10.0.0.1");
    g_assert_cmpuint (c.n_ext, ==, 0);
  }
}

static void
test_generation_and_network_extensions_are_kept_in_order (void)
{
  static const char text[] = "candidate:1 1 udp 1 10.0.0.1 1 typ host "
      "generation 0 ufrag abcd network-id 3 network-cost 50";
  tc_sdp_candidate c;
  g_assert_cmpint (tc_sdp_candidate_parse (text, strlen (text), &c, NULL), ==, TC_OK);
  g_assert_cmpuint (c.n_ext, ==, 4);
  g_assert_cmpstr (c.ext[0].name, ==, "generation");
  g_assert_cmpstr (c.ext[0].value, ==, "0");
  g_assert_cmpstr (c.ext[3].name, ==, "network-cost");
  g_assert_cmpstr (tc_sdp_candidate_ext (&c, "network-id"), ==, "3");
  g_assert_null (tc_sdp_candidate_ext (&c, "missing"));
}

static void
test_format_reports_needed_length_when_truncated (void)
{
  static const char text[] = "candidate:1 1 udp 1 10.0.0.1 1 typ host";
  tc_sdp_candidate c;
  g_assert_cmpint (tc_sdp_candidate_parse (text, strlen (text), &c, NULL), ==, TC_OK);
  char small[10];
  g_assert_cmpuint (tc_sdp_candidate_format (&c, small, sizeof small), ==,
      strlen (text));
  g_assert_cmpstr (small, ==, "candidate");
  g_assert_cmpuint (tc_sdp_candidate_format (&c, NULL, 0), ==, strlen (text));
}

typedef struct {
  const char *name;
  const char *text;
  tc_status want;
} bad_case;

static const bad_case bad[] = {
  { "empty", "", TC_ERR_PARSE },
  { "only the prefix", "candidate:", TC_ERR_PARSE },
  { "missing typ", "candidate:1 1 udp 1 10.0.0.1 5000 host", TC_ERR_PARSE },
  { "missing port", "candidate:1 1 udp 1 10.0.0.1 typ host", TC_ERR_PARSE },
  { "unknown type", "candidate:1 1 udp 1 10.0.0.1 5000 typ stun", TC_ERR_PARSE },
  { "unknown transport", "candidate:1 1 sctp 1 10.0.0.1 5000 typ host", TC_ERR_PARSE },
  { "component 0", "candidate:1 0 udp 1 10.0.0.1 5000 typ host", TC_ERR_PARSE },
  { "component 257", "candidate:1 257 udp 1 10.0.0.1 5000 typ host", TC_ERR_PARSE },
  { "priority 0", "candidate:1 1 udp 0 10.0.0.1 5000 typ host", TC_ERR_PARSE },
  { "priority above 2^31-1", "candidate:1 1 udp 2147483648 10.0.0.1 5000 typ host",
    TC_ERR_PARSE },
  { "port 65536", "candidate:1 1 udp 1 10.0.0.1 65536 typ host", TC_ERR_PARSE },
  { "negative port", "candidate:1 1 udp 1 10.0.0.1 -1 typ host", TC_ERR_PARSE },
  { "foundation with a colon", "candidate:1:2 1 udp 1 10.0.0.1 5000 typ host",
    TC_ERR_PARSE },
  { "foundation of 33 chars",
    "candidate:123456789012345678901234567890123 1 udp 1 10.0.0.1 5000 typ host",
    TC_ERR_PARSE },
  { "address with a slash", "candidate:1 1 udp 1 10.0.0.1/24 5000 typ host",
    TC_ERR_PARSE },
  { "IPv6 with a zone", "candidate:1 1 udp 1 fe80::1%eth0 5000 typ host", TC_ERR_PARSE },
  { "host name starting with a dot", "candidate:1 1 udp 1 .local 5000 typ host",
    TC_ERR_PARSE },
  { "raddr without rport", "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 10.0.0.2",
    TC_ERR_PARSE },
  { "rport without raddr", "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx rport 5",
    TC_ERR_PARSE },
  { "raddr repeated",
    "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 10.0.0.2 raddr 10.0.0.3 rport 1",
    TC_ERR_PARSE },
  { "tcptype on udp", "candidate:1 1 udp 1 10.0.0.1 5000 typ host tcptype active",
    TC_ERR_PARSE },
  { "unknown tcptype", "candidate:1 1 tcp 1 10.0.0.1 5000 typ host tcptype both",
    TC_ERR_PARSE },
  { "extension without value", "candidate:1 1 udp 1 10.0.0.1 5000 typ host generation",
    TC_ERR_PARSE },
  { "too many extensions",
    "candidate:1 1 udp 1 10.0.0.1 5000 typ host a 1 b 2 c 3 d 4 e 5 f 6 g 7 h 8 i 9",
    TC_ERR_PARSE },
  { "tab inside", "candidate:1 1 udp 1 10.0.0.1\t5000 typ host", TC_ERR_PARSE },
  { "line ending inside", "candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n", TC_ERR_PARSE },
};

static void
test_malformed_candidates_are_rejected (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    tc_sdp_candidate c;
    const char *why = NULL;
    tc_status st = tc_sdp_candidate_parse (bad[i].text, strlen (bad[i].text), &c, &why);
    if (st != bad[i].want)
      g_printerr ("case '%s': got %s\n", bad[i].name, tc_status_name (st));
    g_assert_cmpint (st, ==, bad[i].want);
    g_assert_nonnull (why);
    g_assert_null (strstr (why, "10.0.0"));
  }
}

static void
test_nul_bytes_and_huge_candidates_are_rejected (void)
{
  static const char with_nul[] = "candidate:1 1 udp 1 10.0.0.1\0 5000 typ host";
  tc_sdp_candidate c;
  g_assert_cmpint (tc_sdp_candidate_parse (with_nul, sizeof with_nul - 1, &c, NULL),
      ==, TC_ERR_PARSE);
  char *huge = g_strnfill (TC_SDP_CAND_MAX_LEN + 1, '1');
  g_assert_cmpint (tc_sdp_candidate_parse (huge, strlen (huge), &c, NULL), ==,
      TC_ERR_TOO_LARGE);
  g_free (huge);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/candidate/valid-candidates-parse-and-format-back",
      test_valid_candidates_parse_and_format_back);
  g_test_add_func ("/sdp/candidate/prefixes-a-and-candidate-are-optional",
      test_prefixes_a_and_candidate_are_optional);
  g_test_add_func ("/sdp/candidate/generation-and-network-extensions-are-kept-in-order",
      test_generation_and_network_extensions_are_kept_in_order);
  g_test_add_func ("/sdp/candidate/format-reports-needed-length-when-truncated",
      test_format_reports_needed_length_when_truncated);
  g_test_add_func ("/sdp/candidate/malformed-candidates-are-rejected",
      test_malformed_candidates_are_rejected);
  g_test_add_func ("/sdp/candidate/nul-bytes-and-huge-candidates-are-rejected",
      test_nul_bytes_and_huge_candidates_are_rejected);
  return g_test_run ();
}
