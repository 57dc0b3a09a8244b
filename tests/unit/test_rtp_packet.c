/* test_rtp_packet.c - RTP header and header extension parsing and writing
 * (RFC 3550 5.1, RFC 8285), the extension values WebRTC uses, RTP/RTCP
 * demultiplexing and sequence number unwrapping.
 *
 * Vectors are shaped like what Chrome sends: an Opus packet with the four
 * one-byte extensions Chrome offers for audio, a video packet with CSRCs,
 * a two-byte extension block and padding, and a padding-only probe.
 */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_rtp.h"
#include "tempchat/tc_rtp_ext.h"

/* Chrome Opus packet, one-byte extensions (a=extmap 1 ssrc-audio-level,
 * 2 abs-send-time, 3 transport-wide-cc-01, 4 sdes:mid). */
static const uint8_t chrome_opus[] = {
  0x90,                         /* V=2 P=0 X=1 CC=0 */
  0x6f,                         /* M=0 PT=111 (opus) */
  0x5a, 0x31,                   /* seq 23089 */
  0x00, 0x02, 0xee, 0x00,       /* timestamp 192000 */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC */
  0xbe, 0xde, 0x00, 0x03,       /* one-byte profile, 3 words follow */
  0x10, 0xaa,                   /* id 1 L=0 (1 byte): V=1 level 42 */
  0x22, 0x5c, 0x28, 0xf6,       /* id 2 L=2 (3 bytes): abs-send-time */
  0x31, 0x01, 0x2c,             /* id 3 L=1 (2 bytes): transport seq 300 */
  0x40, 0x30,                   /* id 4 L=0 (1 byte): mid "0" */
  0x00,                         /* padding to the word */
  0x78, 0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x8d,     /* opus payload */
};

/* Video packet: CSRCs, two-byte extensions, RTP padding. */
static const uint8_t video_two_byte[] = {
  0xb2,                         /* V=2 P=1 X=1 CC=2 */
  0xe0,                         /* M=1 PT=96 */
  0x00, 0x01,                   /* seq 1 */
  0x12, 0x34, 0x56, 0x78,       /* timestamp */
  0xde, 0xad, 0xbe, 0xef,       /* SSRC */
  0x11, 0x11, 0x11, 0x11,       /* CSRC 1 */
  0x22, 0x22, 0x22, 0x22,       /* CSRC 2 */
  0x10, 0x00, 0x00, 0x02,       /* two-byte profile, appbits 0, 2 words */
  0x05, 0x02, 0xab, 0xcd,       /* id 5 len 2 */
  0x06, 0x00,                   /* id 6 len 0 */
  0x00, 0x00,                   /* padding bytes */
  0x01, 0x02, 0x03,             /* payload */
  0x00, 0x00, 0x03,             /* RTP padding: 3 bytes, count last */
};

/* Bandwidth probe: padding only, no payload. */
static const uint8_t padding_probe[] = {
  0xa0,                         /* V=2 P=1 X=0 CC=0 */
  0x7f,                         /* M=0 PT=127 */
  0x00, 0x2a,                   /* seq 42 */
  0x00, 0x00, 0x00, 0x01,       /* timestamp */
  0x00, 0x00, 0x00, 0x02,       /* SSRC */
  0x00, 0x00, 0x00, 0x04,       /* 4 bytes of padding */
};

static void
test_parses_a_chrome_opus_packet_with_one_byte_extensions (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (chrome_opus, sizeof chrome_opus, &p), ==,
      TC_OK);
  g_assert_false (p.marker);
  g_assert_cmpuint (p.payload_type, ==, 111);
  g_assert_cmpuint (p.seq, ==, 23089);
  g_assert_cmpuint (p.timestamp, ==, 192000);
  g_assert_cmpuint (p.ssrc, ==, 0x2c1e4f73);
  g_assert_cmpuint (p.csrc_count, ==, 0);
  g_assert_cmpuint (p.ext_profile, ==, 0xBEDE);
  g_assert_cmpuint (p.ext_count, ==, 4);

  static const struct { uint8_t id, len; size_t offset; } want[] = {
    {1, 1, 17}, {2, 3, 19}, {3, 2, 23}, {4, 1, 26},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
    g_assert_cmpuint (p.ext[i].id, ==, want[i].id);
    g_assert_cmpuint (p.ext[i].len, ==, want[i].len);
    g_assert_true (p.ext[i].data == chrome_opus + want[i].offset);
  }
  g_assert_cmpuint (p.payload_len, ==, 8);
  g_assert_true (p.payload == chrome_opus + 28);
  g_assert_cmpuint (p.padding_len, ==, 0);
}

static void
test_reads_the_extension_values_chrome_sends (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (chrome_opus, sizeof chrome_opus, &p), ==,
      TC_OK);
  uint32_t ast;
  uint16_t tseq;
  char mid[8];
  g_assert_cmpint (tc_rtp_ext_abs_send_time (tc_rtp_find_ext (&p, 2), &ast),
      ==, TC_OK);
  g_assert_cmpuint (ast, ==, 0x5c28f6);
  g_assert_cmpint (tc_rtp_ext_transport_seq (tc_rtp_find_ext (&p, 3), &tseq),
      ==, TC_OK);
  g_assert_cmpuint (tseq, ==, 300);
  g_assert_cmpint (tc_rtp_ext_mid (tc_rtp_find_ext (&p, 4), mid, sizeof mid),
      ==, TC_OK);
  g_assert_cmpstr (mid, ==, "0");
  g_assert_null (tc_rtp_find_ext (&p, 9));
  uint8_t level = 0;
  bool voice = false;
  g_assert_cmpint (tc_rtp_ext_audio_level (tc_rtp_find_ext (&p, 1), &level,
          &voice), ==, TC_OK);
  g_assert_cmpuint (level, ==, 42);
  g_assert_true (voice);
  /* The audio level is one byte, not an abs-send-time. */
  g_assert_cmpint (tc_rtp_ext_abs_send_time (tc_rtp_find_ext (&p, 1), &ast),
      ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_rtp_ext_audio_level (tc_rtp_find_ext (&p, 2), &level,
          &voice), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_rtp_ext_transport_seq (tc_rtp_find_ext (&p, 1), &tseq),
      ==, TC_ERR_PARSE);
}

static void
test_builds_the_chrome_opus_packet_from_its_values (void)
{
  tc_rtp_packet p = {
    .payload_type = 111, .seq = 23089, .timestamp = 192000,
    .ssrc = 0x2c1e4f73, .ext_profile = 0xBEDE, .ext_count = 4,
  };
  uint8_t ast[TC_RTP_EXT_ABS_SEND_TIME_LEN], tseq[TC_RTP_EXT_TRANSPORT_SEQ_LEN];
  uint8_t level[TC_RTP_EXT_AUDIO_LEVEL_LEN];
  g_assert_cmpint (tc_rtp_ext_set_audio_level (&p.ext[0], 1, 42, true, level),
      ==, TC_OK);
  /* 7 bits of level. */
  g_assert_cmpint (tc_rtp_ext_set_audio_level (&p.ext[0], 1, 128, true,
          level), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtp_ext_set_abs_send_time (&p.ext[1], 2, 0x5c28f6, ast),
      ==, TC_OK);
  g_assert_cmpint (tc_rtp_ext_set_transport_seq (&p.ext[2], 3, 300, tseq),
      ==, TC_OK);
  g_assert_cmpint (tc_rtp_ext_set_mid (&p.ext[3], 4, "0"), ==, TC_OK);
  p.payload = chrome_opus + 28;
  p.payload_len = 8;

  uint8_t buf[64];
  size_t n;
  g_assert_cmpint (tc_rtp_write (&p, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_opus, sizeof chrome_opus);
}

static void
test_parses_csrcs_two_byte_extensions_and_padding (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (video_two_byte, sizeof video_two_byte, &p),
      ==, TC_OK);
  g_assert_true (p.marker);
  g_assert_cmpuint (p.payload_type, ==, 96);
  g_assert_cmpuint (p.csrc_count, ==, 2);
  g_assert_cmpuint (p.csrc[0], ==, 0x11111111);
  g_assert_cmpuint (p.csrc[1], ==, 0x22222222);
  g_assert_cmpuint (p.ext_profile, ==, 0x1000);
  g_assert_cmpuint (p.ext_count, ==, 2);
  g_assert_cmpuint (p.ext[0].id, ==, 5);
  g_assert_cmpmem (p.ext[0].data, p.ext[0].len, "\xab\xcd", 2);
  g_assert_cmpuint (p.ext[1].id, ==, 6);
  g_assert_cmpuint (p.ext[1].len, ==, 0);
  g_assert_cmpmem (p.payload, p.payload_len, "\x01\x02\x03", 3);
  g_assert_cmpuint (p.padding_len, ==, 3);
}

static void
test_parses_a_padding_only_probe (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (padding_probe, sizeof padding_probe, &p),
      ==, TC_OK);
  g_assert_cmpuint (p.payload_len, ==, 0);
  g_assert_cmpuint (p.padding_len, ==, 4);
  g_assert_cmpuint (p.seq, ==, 42);
}

/* Parse, write, parse again: the same fields, no padding. */
static void
assert_round_trip (const uint8_t *wire, size_t len)
{
  tc_rtp_packet a, b;
  uint8_t buf[256];
  size_t n;
  g_assert_cmpint (tc_rtp_parse (wire, len, &a), ==, TC_OK);
  g_assert_cmpint (tc_rtp_write (&a, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, len - a.padding_len);
  g_assert_cmpint (tc_rtp_parse (buf, n, &b), ==, TC_OK);
  g_assert_cmpuint (a.marker, ==, b.marker);
  g_assert_cmpuint (a.payload_type, ==, b.payload_type);
  g_assert_cmpuint (a.seq, ==, b.seq);
  g_assert_cmpuint (a.timestamp, ==, b.timestamp);
  g_assert_cmpuint (a.ssrc, ==, b.ssrc);
  g_assert_cmpmem (a.csrc, a.csrc_count * 4, b.csrc, b.csrc_count * 4);
  g_assert_cmpuint (a.ext_profile, ==, b.ext_profile);
  g_assert_cmpuint (a.ext_count, ==, b.ext_count);
  for (unsigned i = 0; i < a.ext_count; i++) {
    g_assert_cmpuint (a.ext[i].id, ==, b.ext[i].id);
    g_assert_cmpmem (a.ext[i].data, a.ext[i].len, b.ext[i].data, b.ext[i].len);
  }
  g_assert_cmpmem (a.payload, a.payload_len, b.payload, b.payload_len);
  g_assert_cmpuint (b.padding_len, ==, 0);
}

static void
test_round_trips_every_vector (void)
{
  assert_round_trip (chrome_opus, sizeof chrome_opus);
  assert_round_trip (video_two_byte, sizeof video_two_byte);
  assert_round_trip (padding_probe, sizeof padding_probe);
}

static void
test_writes_in_place_over_the_parsed_buffer (void)
{
  uint8_t buf[sizeof video_two_byte];
  memcpy (buf, video_two_byte, sizeof buf);
  tc_rtp_packet p;
  size_t n;
  g_assert_cmpint (tc_rtp_parse (buf, sizeof buf, &p), ==, TC_OK);
  g_assert_cmpint (tc_rtp_write (&p, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, sizeof video_two_byte - 3);
  g_assert_cmpmem (buf + 1, n - 1, video_two_byte + 1, n - 1);
  g_assert_cmpuint (buf[0], ==, 0x92);          /* P bit cleared */
}

static void
test_writes_in_place_when_dropped_padding_shrinks_the_header (void)
{
  uint8_t buf[] = {
    0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
    0xbe, 0xde, 0x00, 0x02,     /* one-byte profile, 2 words */
    0x00, 0x00, 0x00,           /* padding bytes before the elements */
    0x10, 0xaa,                 /* id 1, 1 byte */
    0x00,                       /* padding between elements */
    0x20, 0xbb,                 /* id 2, 1 byte */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06,         /* payload */
  };
  static const uint8_t want[] = {
    0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
    0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x20, 0xbb,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
  };
  tc_rtp_packet p;
  size_t n;
  g_assert_cmpint (tc_rtp_parse (buf, sizeof buf, &p), ==, TC_OK);
  g_assert_cmpint (tc_rtp_write (&p, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, want, sizeof want);
}

static void
test_writes_a_header_in_front_of_a_payload_already_in_the_buffer (void)
{
  uint8_t buf[32] = {0xde, 0xad, 0xbe, 0xef};   /* payload at the start */
  tc_rtp_packet p = {.payload_type = 96, .seq = 7, .payload = buf,
      .payload_len = 4};
  size_t n;
  g_assert_cmpint (tc_rtp_write (&p, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, 16);
  g_assert_cmpmem (buf + 12, 4, "\xde\xad\xbe\xef", 4);
  g_assert_cmpuint (buf[0], ==, 0x80);
}

/* ---- lenient cases RFC 8285 allows ---- */

static void
test_stops_at_the_reserved_extension_id_15 (void)
{
  static const uint8_t pkt[] = {
    0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
    0xbe, 0xde, 0x00, 0x01,
    0x10, 0xaa,                 /* id 1, 1 byte */
    0xf3, 0xff,                 /* id 15: stop here, ignore the rest */
    0x55,                       /* payload */
  };
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (pkt, sizeof pkt, &p), ==, TC_OK);
  g_assert_cmpuint (p.ext_count, ==, 1);
  g_assert_cmpuint (p.payload_len, ==, 1);
}

static void
test_skips_an_extension_block_of_an_unknown_profile (void)
{
  static const uint8_t pkt[] = {
    0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
    0x12, 0x34, 0x00, 0x01,     /* profile 0x1234, 1 word */
    0xde, 0xad, 0xbe, 0xef,
    0x55, 0x66,                 /* payload */
  };
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (pkt, sizeof pkt, &p), ==, TC_OK);
  g_assert_cmpuint (p.ext_profile, ==, 0);
  g_assert_cmpuint (p.ext_count, ==, 0);
  g_assert_cmpmem (p.payload, p.payload_len, "\x55\x66", 2);
}

static void
test_keeps_only_the_first_sixteen_extensions (void)
{
  uint8_t pkt[12 + 4 + 20] = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
      0xbe, 0xde, 0x00, 0x05};
  for (int i = 0; i < 20; i++)
    pkt[16 + i] = 0x10;         /* twenty one-byte elements, id 1, len 1 */
  /* 10 elements of 2 bytes fill 20 bytes: id 1..10 */
  for (int i = 0; i < 10; i++) {
    pkt[16 + 2 * i] = (uint8_t) ((i + 1) << 4);
    pkt[17 + 2 * i] = (uint8_t) i;
  }
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (pkt, sizeof pkt, &p), ==, TC_OK);
  g_assert_cmpuint (p.ext_count, ==, 10);

  uint8_t many[12 + 4 + 68] = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
      0x10, 0x00, 0x00, 0x11};  /* two-byte, 17 words = 68 bytes */
  for (int i = 0; i < 34; i++) {
    many[16 + 2 * i] = (uint8_t) (i + 1);       /* 34 empty elements */
    many[17 + 2 * i] = 0;
  }
  g_assert_cmpint (tc_rtp_parse (many, sizeof many, &p), ==, TC_OK);
  g_assert_cmpuint (p.ext_count, ==, TC_RTP_MAX_EXT);
  g_assert_cmpuint (p.ext[15].id, ==, 16);
}

/* ---- malformed input ---- */

typedef struct {
  const char *what;
  const uint8_t *data;
  size_t len;
} vector;

#define VEC(what, ...) \
  {what, (const uint8_t[]) {__VA_ARGS__}, sizeof ((const uint8_t[]) {__VA_ARGS__})}

static const vector malformed[] = {
  VEC ("11 bytes: shorter than the fixed header",
      0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0),
  VEC ("version 1", 0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
  VEC ("version 0 (a STUN binding request)",
      0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0),
  VEC ("CC=15 with no CSRCs", 0x8f, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
  VEC ("CC=2 with one CSRC",
      0x82, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2),
  VEC ("X=1 with a truncated extension header",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde),
  VEC ("extension length past the end",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x02,
      0x10, 0xaa, 0x00, 0x00),
  VEC ("extension length 0xffff words",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0xff, 0xff,
      0x10, 0xaa, 0x00, 0x00),
  VEC ("one-byte element longer than its block",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x01,
      0x13, 0x01, 0x02, 0x03, 0x04, 0x05),
  VEC ("two-byte element longer than its block",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01,
      0x01, 0x05, 0xaa, 0xbb, 0x04, 0x05),
  VEC ("two-byte element cut after its id",
      0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x07),
  VEC ("padding count 0",
      0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x55, 0x00),
  VEC ("padding larger than the payload",
      0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x55, 0x03),
  VEC ("padding reaching into the extension block",
      0xb0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x01,
      0x10, 0xaa, 0x00, 0x00, 0x00, 0x03),
  VEC ("padding bit on a bare header",
      0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
};

static void
test_rejects_malformed_packets (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (NULL, 0, &p), ==, TC_ERR_PARSE);
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++) {
    g_test_message ("%s", malformed[i].what);
    g_assert_cmpint (tc_rtp_parse (malformed[i].data, malformed[i].len, &p),
        ==, TC_ERR_PARSE);
  }
}

static void
test_rejects_every_truncation_of_the_vectors (void)
{
  const vector vs[] = {
    {"opus", chrome_opus, sizeof chrome_opus},
    {"video", video_two_byte, sizeof video_two_byte},
  };
  tc_rtp_packet p;
  for (size_t v = 0; v < G_N_ELEMENTS (vs); v++) {
    /* Cut inside the header or extension block: always an error. Cut in
     * the payload: fine for the opus packet (no padding to miscount). */
    size_t hdr = v == 0 ? 28 : 32;
    for (size_t len = 0; len < hdr; len++) {
      uint8_t *copy = g_memdup2 (vs[v].data, len);   /* exact size for ASan */
      g_assert_cmpint (tc_rtp_parse (copy, len, &p), ==, TC_ERR_PARSE);
      g_free (copy);
    }
  }
}

/* ---- writing values that cannot be encoded ---- */

static void
test_refuses_to_write_unencodable_values (void)
{
  static const uint8_t d[17] = {0};
  uint8_t buf[128];
  size_t n;
  struct { const char *what; tc_rtp_packet p; } cases[] = {
    {"payload type 128", {.payload_type = 128}},
    {"16 CSRCs", {.csrc_count = 16}},
    {"extensions without a profile",
      {.ext_count = 1, .ext = {{.id = 1, .len = 1, .data = d}}}},
    {"one-byte id 15",
      {.ext_profile = 0xBEDE, .ext_count = 1,
        .ext = {{.id = 15, .len = 1, .data = d}}}},
    {"one-byte id 0",
      {.ext_profile = 0xBEDE, .ext_count = 1,
        .ext = {{.id = 0, .len = 1, .data = d}}}},
    {"one-byte length 0",
      {.ext_profile = 0xBEDE, .ext_count = 1, .ext = {{.id = 1, .len = 0}}}},
    {"one-byte length 17",
      {.ext_profile = 0xBEDE, .ext_count = 1,
        .ext = {{.id = 1, .len = 17, .data = d}}}},
    {"unknown profile",
      {.ext_profile = 0x1234, .ext_count = 1,
        .ext = {{.id = 1, .len = 1, .data = d}}}},
    {"17 extensions", {.ext_profile = 0x1000, .ext_count = 17}},
    {"payload length without payload", {.payload_len = 4}},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    g_assert_cmpint (tc_rtp_write (&cases[i].p, buf, sizeof buf, &n), ==,
        TC_ERR_INVALID_ARG);
    g_assert_cmpuint (n, ==, 0);
  }
}

static void
test_writes_two_byte_ids_and_lengths_one_byte_cannot (void)
{
  static const uint8_t d[20] = {1, 2, 3};
  tc_rtp_packet p = {.payload_type = 96, .ext_profile = 0x1003,
      .ext_count = 2,
      .ext = {{.id = 200, .len = 20, .data = d}, {.id = 1, .len = 0}}};
  uint8_t buf[64];
  size_t n;
  g_assert_cmpint (tc_rtp_write (&p, buf, sizeof buf, &n), ==, TC_OK);
  /* 12 + 4 + (2 + 20) + 2 = 40 bytes, no padding needed */
  g_assert_cmpuint (n, ==, 40);
  g_assert_cmpmem (buf + 12, 4, "\x10\x03\x00\x06", 4);
  tc_rtp_packet q;
  g_assert_cmpint (tc_rtp_parse (buf, n, &q), ==, TC_OK);
  g_assert_cmpuint (q.ext_profile, ==, 0x1003);
  g_assert_cmpuint (q.ext[0].id, ==, 200);
  g_assert_cmpuint (q.ext[0].len, ==, 20);
  g_assert_cmpuint (q.ext[1].id, ==, 1);
  g_assert_cmpuint (q.ext[1].len, ==, 0);
}

static void
test_reports_too_large_for_every_short_buffer (void)
{
  tc_rtp_packet p;
  g_assert_cmpint (tc_rtp_parse (chrome_opus, sizeof chrome_opus, &p), ==,
      TC_OK);
  for (size_t cap = 0; cap < sizeof chrome_opus; cap++) {
    uint8_t *buf = g_malloc (cap + 1);
    size_t n = 99;
    g_assert_cmpint (tc_rtp_write (&p, buf, cap, &n), ==, TC_ERR_TOO_LARGE);
    g_assert_cmpuint (n, ==, 0);
    g_free (buf);
  }
}

/* ---- extension value helpers ---- */

static void
test_converts_times_to_abs_send_time (void)
{
  g_assert_cmpuint (tc_abs_send_time_from_us (0), ==, 0);
  g_assert_cmpuint (tc_abs_send_time_from_us (G_USEC_PER_SEC), ==, 1 << 18);
  g_assert_cmpuint (tc_abs_send_time_from_us (1500000), ==, 0x60000);
  g_assert_cmpuint (tc_abs_send_time_from_us (64 * G_USEC_PER_SEC), ==, 0);
  g_assert_cmpuint (tc_abs_send_time_from_us (65 * G_USEC_PER_SEC), ==,
      1 << 18);
  g_assert_cmpuint (tc_abs_send_time_from_us (-G_USEC_PER_SEC), ==,
      63u << 18);
  /* Unix time in microseconds must not overflow: 1.7e15 us. */
  g_assert_cmpuint (tc_abs_send_time_from_us (1700000000500000), ==,
      (1700000000 % 64) << 18 | 1 << 17);
  /* NTP 1.5 s: seconds 1, fraction 0x80000000. */
  g_assert_cmpuint (tc_abs_send_time_from_ntp (0x180000000ull), ==, 0x60000);
  g_assert_cmpuint (tc_abs_send_time_from_ntp (0xffffffff00000000ull), ==,
      63u << 18);
}

static void
test_measures_abs_send_time_deltas_across_the_wrap (void)
{
  /* 512 / 2^18 s = 1953.125 us */
  g_assert_cmpint (tc_abs_send_time_delta_us (0x000100, 0xffff00), ==, 1953);
  g_assert_cmpint (tc_abs_send_time_delta_us (0xffff00, 0x000100), ==, -1953);
  g_assert_cmpint (tc_abs_send_time_delta_us (0x40000, 0), ==, 1000000);
  g_assert_cmpint (tc_abs_send_time_delta_us (0x7fffff, 0), ==,
      (0x7fffffll * 1000000 + (1 << 17)) >> 18);
  g_assert_cmpint (tc_abs_send_time_delta_us (0x800000, 0), ==, -32000000);
}

static void
test_reads_mids_strictly (void)
{
  char out[4];
  tc_rtp_ext e = {.id = 4, .len = 4, .data = (const uint8_t *) "ab\0\0"};
  g_assert_cmpint (tc_rtp_ext_mid (&e, out, sizeof out), ==, TC_OK);
  g_assert_cmpstr (out, ==, "ab");
  e.data = (const uint8_t *) "abcd";
  g_assert_cmpint (tc_rtp_ext_mid (&e, out, sizeof out), ==, TC_ERR_TOO_LARGE);
  e.data = (const uint8_t *) "\0abc";
  g_assert_cmpint (tc_rtp_ext_mid (&e, out, sizeof out), ==, TC_ERR_PARSE);
  e.len = 0;
  g_assert_cmpint (tc_rtp_ext_mid (&e, out, sizeof out), ==, TC_ERR_PARSE);

  tc_rtp_ext set;
  g_assert_cmpint (tc_rtp_ext_set_mid (&set, 4, ""), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtp_ext_set_mid (&set, 0, "0"), ==, TC_ERR_INVALID_ARG);
  char long_mid[257];
  memset (long_mid, 'm', 256);
  long_mid[256] = '\0';
  g_assert_cmpint (tc_rtp_ext_set_mid (&set, 4, long_mid), ==,
      TC_ERR_INVALID_ARG);
  long_mid[255] = '\0';
  g_assert_cmpint (tc_rtp_ext_set_mid (&set, 4, long_mid), ==, TC_OK);
  g_assert_cmpuint (set.len, ==, 255);
}

/* ---- demultiplexing and sequence numbers ---- */

static void
test_tells_rtcp_from_rtp_on_a_muxed_port (void)
{
  static const struct { const char *what; uint8_t b0, b1; size_t len; bool rtcp; }
  cases[] = {
    {"RTP opus PT 111", 0x90, 0x6f, 12, false},
    {"RTP PT 96 with marker (224)", 0x80, 0xe0, 12, false},
    {"RTCP FIR-RFC2032 range start (192)", 0x80, 0xc0, 8, true},
    {"RTCP SR", 0x80, 0xc8, 28, true},
    {"RTCP RR", 0x81, 0xc9, 32, true},
    {"RTCP PSFB", 0x81, 0xce, 12, true},
    {"RTCP range end (223)", 0x80, 0xdf, 8, true},
    {"RTP PT 63 with marker (191)", 0x80, 0xbf, 12, false},
    {"STUN", 0x00, 0x01, 20, false},
    {"DTLS handshake", 0x16, 0xfe, 13, false},
    {"one byte", 0x80, 0xc8, 1, false},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    uint8_t buf[2] = {cases[i].b0, cases[i].b1};
    g_test_message ("%s", cases[i].what);
    g_assert_cmpint (tc_rtp_is_rtcp (buf, MIN (cases[i].len, 2)), ==,
        cases[i].rtcp);
  }
}

static void
test_compares_sequence_numbers_across_the_wrap (void)
{
  g_assert_true (tc_seq_newer (1, 0));
  g_assert_true (tc_seq_newer (0, 65535));
  g_assert_true (tc_seq_newer (0x7fff, 0));
  g_assert_false (tc_seq_newer (0x8000, 0));
  g_assert_false (tc_seq_newer (65535, 0));
  g_assert_false (tc_seq_newer (5, 5));
}

static void
test_unwraps_sequence_numbers (void)
{
  static const struct {
    const char *what;
    uint16_t in[6];
    uint64_t out[6];
    size_t n;
  } cases[] = {
    {"forward across the wrap", {65534, 65535, 0, 1}, {65534, 65535, 65536,
        65537}, 4},
    {"reordered before the wrap", {65535, 1, 0, 65534, 2},
      {65535, 65537, 65536, 65534, 65538}, 5},
    {"reordered, no wrap", {10, 5, 11}, {10, 5, 11}, 3},
    {"a jump under half the space is forward", {40000, 100},
      {40000, 65636}, 2},
    {"a straggler from before the first packet maps to 0", {5, 65530, 6},
      {5, 0, 6}, 3},
    {"half the space back is older", {0, 32768, 1}, {0, 0, 1}, 3},
    {"two wraps", {60000, 10000, 30000, 50000, 5000},
      {60000, 75536, 95536, 115536, 136072}, 5},
  };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++) {
    tc_seq_unwrapper u = {0};
    g_test_message ("%s", cases[c].what);
    for (size_t i = 0; i < cases[c].n; i++)
      g_assert_cmpuint (tc_seq_unwrap (&u, cases[c].in[i]), ==,
          cases[c].out[i]);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/packet/parses-a-chrome-opus-packet-with-one-byte-extensions",
      test_parses_a_chrome_opus_packet_with_one_byte_extensions);
  g_test_add_func ("/rtp/packet/reads-the-extension-values-chrome-sends",
      test_reads_the_extension_values_chrome_sends);
  g_test_add_func ("/rtp/packet/builds-the-chrome-opus-packet-from-its-values",
      test_builds_the_chrome_opus_packet_from_its_values);
  g_test_add_func ("/rtp/packet/parses-csrcs-two-byte-extensions-and-padding",
      test_parses_csrcs_two_byte_extensions_and_padding);
  g_test_add_func ("/rtp/packet/parses-a-padding-only-probe",
      test_parses_a_padding_only_probe);
  g_test_add_func ("/rtp/packet/round-trips-every-vector",
      test_round_trips_every_vector);
  g_test_add_func ("/rtp/packet/writes-in-place-over-the-parsed-buffer",
      test_writes_in_place_over_the_parsed_buffer);
  g_test_add_func ("/rtp/packet/writes-in-place-when-dropped-padding-shrinks-the-header",
      test_writes_in_place_when_dropped_padding_shrinks_the_header);
  g_test_add_func ("/rtp/packet/writes-a-header-in-front-of-a-payload-already-in-the-buffer",
      test_writes_a_header_in_front_of_a_payload_already_in_the_buffer);
  g_test_add_func ("/rtp/packet/stops-at-the-reserved-extension-id-15",
      test_stops_at_the_reserved_extension_id_15);
  g_test_add_func ("/rtp/packet/skips-an-extension-block-of-an-unknown-profile",
      test_skips_an_extension_block_of_an_unknown_profile);
  g_test_add_func ("/rtp/packet/keeps-only-the-first-sixteen-extensions",
      test_keeps_only_the_first_sixteen_extensions);
  g_test_add_func ("/rtp/packet/rejects-malformed-packets",
      test_rejects_malformed_packets);
  g_test_add_func ("/rtp/packet/rejects-every-truncation-of-the-vectors",
      test_rejects_every_truncation_of_the_vectors);
  g_test_add_func ("/rtp/packet/refuses-to-write-unencodable-values",
      test_refuses_to_write_unencodable_values);
  g_test_add_func ("/rtp/packet/writes-two-byte-ids-and-lengths-one-byte-cannot",
      test_writes_two_byte_ids_and_lengths_one_byte_cannot);
  g_test_add_func ("/rtp/packet/reports-too-large-for-every-short-buffer",
      test_reports_too_large_for_every_short_buffer);
  g_test_add_func ("/rtp/ext/converts-times-to-abs-send-time",
      test_converts_times_to_abs_send_time);
  g_test_add_func ("/rtp/ext/measures-abs-send-time-deltas-across-the-wrap",
      test_measures_abs_send_time_deltas_across_the_wrap);
  g_test_add_func ("/rtp/ext/reads-mids-strictly", test_reads_mids_strictly);
  g_test_add_func ("/rtp/demux/tells-rtcp-from-rtp-on-a-muxed-port",
      test_tells_rtcp_from_rtp_on_a_muxed_port);
  g_test_add_func ("/rtp/seq/compares-sequence-numbers-across-the-wrap",
      test_compares_sequence_numbers_across_the_wrap);
  g_test_add_func ("/rtp/seq/unwraps-sequence-numbers",
      test_unwraps_sequence_numbers);
  return g_test_run ();
}
