/* test_mdns_msg.c - the multicast DNS messages used to look up a peer's
 * ".local" candidate (RFC 6762, RFC 1035 wire format): queries as we send
 * them, and responses as Chromium, Avahi and attackers send them. Vectors
 * are written out byte by byte with each field named.
 */
#include <gio/gio.h>
#include <string.h>

#include "net/mdns_msg.h"

/* ---- queries ------------------------------------------------------------ */

static void
test_a_query_is_one_question_with_id_and_flags_zero (void)
{
  static const uint8_t want[] = {
    0x00, 0x00,               /* ID 0 (RFC 6762 section 18.1) */
    0x00, 0x00,               /* QR=0 query, OPCODE 0, no flags */
    0x00, 0x01,               /* QDCOUNT 1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* AN, NS, AR: none */
    0x04, 'p', 'e', 'e', 'r', /* label "peer" */
    0x05, 'l', 'o', 'c', 'a', 'l', /* label "local" */
    0x00,                     /* root */
    0x00, 0x01,               /* QTYPE A */
    0x00, 0x01,               /* QCLASS IN, QU bit clear: multicast reply */
  };
  uint8_t buf[TC_MDNS_QUERY_MAX];
  size_t len = 0;
  g_assert_cmpint (tc_mdns_query_build ("peer.local", TC_MDNS_TYPE_A, buf,
      sizeof buf, &len), ==, TC_OK);
  g_assert_cmpmem (buf, len, want, sizeof want);
}

static void
test_aaaa_query_for_a_chromium_name (void)
{
  static const char name[] = "012e3baf-5fe2-4dfd-b538-f8fbf3141e84.local";
  uint8_t buf[TC_MDNS_QUERY_MAX];
  size_t len = 0;
  g_assert_cmpint (tc_mdns_query_build (name, TC_MDNS_TYPE_AAAA, buf,
      sizeof buf, &len), ==, TC_OK);
  /* header 12 + (1+36) + (1+5) + root 1 + type 2 + class 2 */
  g_assert_cmpuint (len, ==, 12 + 37 + 6 + 1 + 4);
  g_assert_cmpuint (buf[12], ==, 36);
  g_assert_cmpmem (buf + 13, 36, name, 36);
  g_assert_cmpuint (buf[len - 4], ==, 0x00);
  g_assert_cmpuint (buf[len - 3], ==, 28);  /* AAAA */
  /* What we send parses as no answer for anyone: it is not a response. */
  tc_mdns_answer ans;
  g_assert_cmpint (tc_mdns_response_parse (buf, len, name, &ans), ==,
      TC_ERR_UNSUPPORTED);
}

static void
test_names_dns_cannot_carry_are_refused (void)
{
  char label64[80], long_name[300];
  memset (label64, 'a', 64);
  strcpy (label64 + 64, ".local");
  /* 4 labels of 62 + "local": 4*63 + 6 + 1 = 259 octets > 255 */
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 4; i++)
    g_string_append_printf (s, "%.*s.", 62,
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  g_string_append (s, "local");
  g_strlcpy (long_name, s->str, sizeof long_name);
  g_string_free (s, TRUE);

  const char *bad[] = { "", ".local", "peer..local", "peer.local.", label64,
    long_name };
  uint8_t buf[TC_MDNS_QUERY_MAX];
  size_t len;
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (tc_mdns_query_build (bad[i], TC_MDNS_TYPE_A, buf,
        sizeof buf, &len), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_mdns_query_build ("peer.local", TC_MDNS_TYPE_A, buf, 27,
      &len), ==, TC_ERR_TOO_LARGE);
  g_assert_cmpint (tc_mdns_query_build ("peer.local", TC_MDNS_TYPE_A, buf, 28,
      &len), ==, TC_OK);
}

/* ---- responses ---------------------------------------------------------- */

#define HDR(id, flags, qd, an, ns, ar) \
  (id) >> 8, (id) & 0xff, (flags) >> 8, (flags) & 0xff, 0, (qd), 0, (an), \
  0, (ns), 0, (ar)
#define PEER_LOCAL 0x04, 'p', 'e', 'e', 'r', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00
#define A_IN_FLUSH_TTL120 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78

/* Chromium's answer (services/network/mdns_responder.cc): ID 0, QR+AA, no
 * question, the A record with cache-flush set, and an NSEC record saying
 * there is no AAAA, its names compressed to the answer's. */
static const uint8_t chromium_answer[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 1),
  PEER_LOCAL,                      /* @12 owner "peer.local" */
  A_IN_FLUSH_TTL120,               /* TYPE A, CLASS IN|flush, TTL 120 */
  0x00, 0x04, 192, 168, 1, 7,      /* RDLENGTH 4, 192.168.1.7 */
  0xc0, 0x0c,                      /* owner: pointer to @12 */
  0x00, 0x2f, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, /* NSEC, IN|flush, 120 */
  0x00, 0x05, 0xc0, 0x0c, 0x00, 0x01, 0x40, /* next name @12, bitmap: A */
};

/* Avahi-style: a record for another host first, ours compressed into it. */
static const uint8_t compressed_owner[] = {
  HDR (0x0000, 0x8400, 0, 2, 0, 0),
  0x05, 'o', 't', 'h', 'e', 'r',   /* @12 "other" */
  0x05, 'l', 'o', 'c', 'a', 'l', 0x00, /* @18 "local" */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 10, 0, 0, 9,
  0x04, 'P', 'E', 'E', 'R',        /* "PEER" (case does not matter) */
  0xc0, 0x12,                      /* then pointer to @18 "local" */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 10, 0, 0, 1,
};

/* An IPv6 host candidate's name: AAAA fe80::1, in the additional section. */
static const uint8_t aaaa_additional[] = {
  HDR (0x0000, 0x8400, 0, 0, 0, 1),
  PEER_LOCAL,
  0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, /* AAAA, IN|flush, 120 */
  0x00, 0x10, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
};

/* Two addresses, one repeated: kept once each, in record order. */
static const uint8_t two_and_a_repeat[] = {
  HDR (0x0000, 0x8400, 0, 3, 0, 0),
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
  0xc0, 0x0c, A_IN_FLUSH_TTL120, 0x00, 0x04, 10, 1, 2, 3,
  0xc0, 0x0c, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

/* Reply to a one-shot query from an ephemeral port (RFC 6762 section
 * 6.7): the ID and the question are echoed. */
static const uint8_t legacy_unicast_reply[] = {
  HDR (0x1234, 0x8400, 1, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x00, 0x01,        /* question: A IN */
  0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, /* A IN 10 */
  0x00, 0x04, 172, 16, 0, 5,
};

static const uint8_t other_name_only[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0x04, 'p', 'e', 'e', 'x', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00,
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 66,
};

/* "peer.local.evil": a longer name that starts like ours. */
static const uint8_t suffixed_name[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0x04, 'p', 'e', 'e', 'r', 0x05, 'l', 'o', 'c', 'a', 'l',
  0x04, 'e', 'v', 'i', 'l', 0x00,
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 66,
};

static const uint8_t goodbye[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, /* TTL 0 */
  0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t chaos_class[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x78, /* A CH */
  0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t a_query[] = {
  HDR (0x0000, 0x0000, 1, 0, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x00, 0x01,
};

/* Our own question with a forged answer appended, still a query. */
static const uint8_t query_with_answer[] = {
  HDR (0x0000, 0x0000, 1, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x00, 0x01,
  0xc0, 0x0c, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t nxdomain[] = {
  HDR (0x0000, 0x8403, 0, 1, 0, 0),  /* RCODE 3 */
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t opcode_status[] = {
  HDR (0x0000, 0x9400, 0, 1, 0, 0),  /* OPCODE 2 */
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t short_header[] = { 0x00, 0x00, 0x84, 0x00, 0x00 };

static const uint8_t counts_without_records[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
};

static const uint8_t rdata_cut_short[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, /* 2 of 4 */
};

static const uint8_t fixed_fields_cut_short[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x01, 0x80, /* TYPE, half a CLASS */
};

static const uint8_t label_past_end[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0x04, 'p', 'e', 'e', 'r', 0x3f, 'l', 'o', /* 63-octet label, 2 there */
};

static const uint8_t pointer_cut_short[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0xc0,                                     /* first octet of a pointer */
};

static const uint8_t pointer_to_itself[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0xc0, 0x0c,                      /* @12: pointer to @12 */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t pointer_loop_after_label[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0x01, 'a', 0xc0, 0x0c,           /* @12 "a", then back to @12: a..a.a... */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t pointer_ping_pong[] = {
  HDR (0x0000, 0x8400, 0, 2, 0, 0),
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7, /* @12..37 */
  0x01, 'x', 0xc0, 0x28,           /* @38 "x" then pointer to @40 = itself */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 8,
};

static const uint8_t pointer_forwards[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0xc0, 0x20,                      /* @12: pointer ahead to @32 */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t extended_label_type[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  0x41, 0x00,                      /* 01xxxxxx: RFC 6891 extended label */
  A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
};

/* A good answer, then an A record whose RDATA is 5 octets: the whole
 * packet is refused, the good answer with it. */
static const uint8_t good_then_bad_rdlength[] = {
  HDR (0x0000, 0x8400, 0, 2, 0, 0),
  PEER_LOCAL, A_IN_FLUSH_TTL120, 0x00, 0x04, 192, 168, 1, 7,
  0xc0, 0x0c, A_IN_FLUSH_TTL120, 0x00, 0x05, 10, 0, 0, 1, 0,
};

static const uint8_t aaaa_of_four_octets[] = {
  HDR (0x0000, 0x8400, 0, 1, 0, 0),
  PEER_LOCAL, 0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78,
  0x00, 0x04, 192, 168, 1, 7,
};

static const uint8_t question_cut_short[] = {
  HDR (0x1234, 0x8400, 1, 0, 0, 0),
  PEER_LOCAL, 0x00, 0x01,          /* QTYPE without QCLASS */
};

typedef struct {
  const char *what;
  const uint8_t *msg;
  size_t len;
  tc_status status;
  const char *addrs[3];            /* NULL-terminated, as text */
} response_case;

#define V(x) x, sizeof x

static const response_case responses[] = {
  { "chromium's answer", V (chromium_answer), TC_OK, { "192.168.1.7" } },
  { "owner compressed into another host's name", V (compressed_owner), TC_OK,
    { "10.0.0.1" } },
  { "AAAA in the additional section", V (aaaa_additional), TC_OK,
    { "fe80::1" } },
  { "two addresses and a repeat", V (two_and_a_repeat), TC_OK,
    { "192.168.1.7", "10.1.2.3" } },
  { "legacy unicast reply echoing the question", V (legacy_unicast_reply),
    TC_OK, { "172.16.0.5" } },
  { "another host's name only", V (other_name_only), TC_OK, { NULL } },
  { "our name followed by more labels", V (suffixed_name), TC_OK, { NULL } },
  { "goodbye (TTL 0)", V (goodbye), TC_OK, { NULL } },
  { "class CH", V (chaos_class), TC_OK, { NULL } },
  { "a query", V (a_query), TC_ERR_UNSUPPORTED, { NULL } },
  { "a query carrying an answer", V (query_with_answer), TC_ERR_UNSUPPORTED,
    { NULL } },
  { "RCODE 3", V (nxdomain), TC_ERR_UNSUPPORTED, { NULL } },
  { "OPCODE 2", V (opcode_status), TC_ERR_UNSUPPORTED, { NULL } },
  { "shorter than a header", V (short_header), TC_ERR_PARSE, { NULL } },
  { "counts without records", V (counts_without_records), TC_ERR_PARSE,
    { NULL } },
  { "RDATA cut short", V (rdata_cut_short), TC_ERR_PARSE, { NULL } },
  { "fixed fields cut short", V (fixed_fields_cut_short), TC_ERR_PARSE,
    { NULL } },
  { "label past the end", V (label_past_end), TC_ERR_PARSE, { NULL } },
  { "pointer cut short", V (pointer_cut_short), TC_ERR_PARSE, { NULL } },
  { "pointer to itself", V (pointer_to_itself), TC_ERR_PARSE, { NULL } },
  { "pointer loop after a label", V (pointer_loop_after_label), TC_ERR_PARSE,
    { NULL } },
  { "pointer loop in a later record", V (pointer_ping_pong), TC_ERR_PARSE,
    { NULL } },
  { "pointer forwards", V (pointer_forwards), TC_ERR_PARSE, { NULL } },
  { "extended label type", V (extended_label_type), TC_ERR_PARSE, { NULL } },
  { "good answer then bad RDLENGTH", V (good_then_bad_rdlength), TC_ERR_PARSE,
    { NULL } },
  { "AAAA of four octets", V (aaaa_of_four_octets), TC_ERR_PARSE, { NULL } },
  { "question cut short", V (question_cut_short), TC_ERR_PARSE, { NULL } },
};

static char *
addr_text (const tc_mdns_addr *a)
{
  GInetAddress *ia = g_inet_address_new_from_bytes (a->bytes,
      a->family == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  char *s = g_inet_address_to_string (ia);
  g_object_unref (ia);
  return s;
}

static void
test_responses_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (responses); i++) {
    const response_case *c = &responses[i];
    g_test_message ("case: %s", c->what);
    tc_mdns_answer ans;
    ans.n = 99;
    g_assert_cmpint (tc_mdns_response_parse (c->msg, c->len, "peer.local",
        &ans), ==, c->status);
    gsize want = 0;
    while (want < G_N_ELEMENTS (c->addrs) && c->addrs[want] != NULL)
      want++;
    g_assert_cmpuint (ans.n, ==, want);
    for (gsize k = 0; k < want; k++) {
      char *got = addr_text (&ans.addrs[k]);
      g_assert_cmpstr (got, ==, c->addrs[k]);
      g_free (got);
    }
  }
}

/* Every strict prefix of a good answer is refused, never half-read. */
static void
test_every_truncation_of_an_answer_is_refused (void)
{
  for (size_t len = 0; len < sizeof chromium_answer; len++) {
    tc_mdns_answer ans;
    tc_status st = tc_mdns_response_parse (chromium_answer, len, "peer.local",
        &ans);
    g_assert_cmpint (st, ==, TC_ERR_PARSE);
    g_assert_cmpuint (ans.n, ==, 0);
  }
}

/* Names made long by compression stop at 255 octets: five 63-octet
 * labels, each pointing to the one before. */
static void
test_a_name_longer_than_255_octets_is_refused (void)
{
  GByteArray *m = g_byte_array_new ();
  static const uint8_t hdr[] = { HDR (0x0000, 0x8400, 0, 5, 0, 0) };
  g_byte_array_append (m, hdr, sizeof hdr);
  guint prev = 0;
  for (int i = 0; i < 5; i++) {
    guint at = m->len;
    uint8_t label[64];
    label[0] = 63;
    memset (label + 1, 'a' + i, 63);
    g_byte_array_append (m, label, sizeof label);
    if (i == 0) {
      static const uint8_t root[] = { 0x00 };
      g_byte_array_append (m, root, 1);
    } else {
      uint8_t ptr[] = { (uint8_t) (0xc0 | (prev >> 8)), (uint8_t) prev };
      g_byte_array_append (m, ptr, 2);
    }
    static const uint8_t rr[] = { A_IN_FLUSH_TTL120, 0x00, 0x04, 1, 2, 3, 4 };
    g_byte_array_append (m, rr, sizeof rr);
    prev = at;
  }
  tc_mdns_answer ans;
  g_assert_cmpint (tc_mdns_response_parse (m->data, m->len, "peer.local",
      &ans), ==, TC_ERR_PARSE);
  /* Names of one, two and three labels (65, 129, 193 octets) are fine:
   * only the fourth (257) is over. */
  m->data[7] = 3;  /* ANCOUNT */
  g_assert_cmpint (tc_mdns_response_parse (m->data, 12 + 79 + 2 * 80,
      "peer.local", &ans), ==, TC_OK);
  g_assert_cmpuint (ans.n, ==, 0);
  g_byte_array_unref (m);
}

static void
test_oversized_messages_are_refused (void)
{
  guint8 *big = g_malloc0 (TC_MDNS_MESSAGE_MAX + 1);
  memcpy (big, chromium_answer, sizeof chromium_answer);
  tc_mdns_answer ans;
  g_assert_cmpint (tc_mdns_response_parse (big, TC_MDNS_MESSAGE_MAX + 1,
      "peer.local", &ans), ==, TC_ERR_TOO_LARGE);
  /* Trailing bytes after the records are tolerated (padding). */
  g_assert_cmpint (tc_mdns_response_parse (big, TC_MDNS_MESSAGE_MAX,
      "peer.local", &ans), ==, TC_OK);
  g_assert_cmpuint (ans.n, ==, 1);
  g_free (big);
}

/* At most TC_MDNS_ADDRS_MAX addresses come out of one packet. */
static void
test_addresses_per_answer_are_bounded (void)
{
  GByteArray *m = g_byte_array_new ();
  static const uint8_t hdr[] = { HDR (0x0000, 0x8400, 0, 20, 0, 0) };
  static const uint8_t owner[] = { PEER_LOCAL };
  g_byte_array_append (m, hdr, sizeof hdr);
  for (int i = 0; i < 20; i++) {
    if (i == 0) {
      g_byte_array_append (m, owner, sizeof owner);
    } else {
      static const uint8_t ptr[] = { 0xc0, 0x0c };
      g_byte_array_append (m, ptr, 2);
    }
    const uint8_t rr[] = { A_IN_FLUSH_TTL120, 0x00, 0x04, 10, 0, 0,
      (uint8_t) (i + 1) };
    g_byte_array_append (m, rr, sizeof rr);
  }
  tc_mdns_answer ans;
  g_assert_cmpint (tc_mdns_response_parse (m->data, m->len, "peer.local",
      &ans), ==, TC_OK);
  g_assert_cmpuint (ans.n, ==, TC_MDNS_ADDRS_MAX);
  g_assert_cmpuint (ans.addrs[TC_MDNS_ADDRS_MAX - 1].bytes[3], ==,
      TC_MDNS_ADDRS_MAX);
  g_byte_array_unref (m);
}

/* The query we build, answered by a responder echoing its question,
 * resolves; the same answer for a name we did not ask about does not. */
static void
test_query_round_trip_through_a_legacy_reply (void)
{
  uint8_t buf[TC_MDNS_QUERY_MAX + 16];
  size_t len;
  g_assert_cmpint (tc_mdns_query_build ("Peer.Local", TC_MDNS_TYPE_A, buf,
      TC_MDNS_QUERY_MAX, &len), ==, TC_OK);
  buf[2] = 0x84;  /* QR, AA */
  buf[7] = 1;     /* ANCOUNT 1 */
  static const uint8_t rr[] = { 0xc0, 0x0c, A_IN_FLUSH_TTL120, 0x00, 0x04,
    127, 0, 0, 1 };
  memcpy (buf + len, rr, sizeof rr);
  tc_mdns_answer ans;
  g_assert_cmpint (tc_mdns_response_parse (buf, len + sizeof rr, "peer.local",
      &ans), ==, TC_OK);
  g_assert_cmpuint (ans.n, ==, 1);
  g_assert_cmpint (ans.addrs[0].family, ==, 4);
  g_assert_cmpint (tc_mdns_response_parse (buf, len + sizeof rr,
      "peer2.local", &ans), ==, TC_OK);
  g_assert_cmpuint (ans.n, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mdns/query/a-is-one-question-with-id-and-flags-zero",
      test_a_query_is_one_question_with_id_and_flags_zero);
  g_test_add_func ("/mdns/query/aaaa-for-a-chromium-name",
      test_aaaa_query_for_a_chromium_name);
  g_test_add_func ("/mdns/query/names-dns-cannot-carry-are-refused",
      test_names_dns_cannot_carry_are_refused);
  g_test_add_func ("/mdns/response/table", test_responses_table);
  g_test_add_func ("/mdns/response/every-truncation-is-refused",
      test_every_truncation_of_an_answer_is_refused);
  g_test_add_func ("/mdns/response/name-over-255-octets-is-refused",
      test_a_name_longer_than_255_octets_is_refused);
  g_test_add_func ("/mdns/response/oversized-messages-are-refused",
      test_oversized_messages_are_refused);
  g_test_add_func ("/mdns/response/addresses-per-answer-are-bounded",
      test_addresses_per_answer_are_bounded);
  g_test_add_func ("/mdns/query/round-trip-through-a-legacy-reply",
      test_query_round_trip_through_a_legacy_reply);
  return g_test_run ();
}
