/* test_rtcp_parse.c - parsing compound and reduced-size RTCP (RFC 3550 6,
 * RFC 4585, RFC 5104, RFC 5506, transport-cc, REMB), and refusing every
 * malformed packet with TC_ERR_PARSE.
 */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_rtcp.h"

#include "rtcp_vectors.h"

static tc_rtcp_item items[TC_RTCP_MAX_ITEMS];

/* Parses a vector that must hold exactly `want` packets. */
static void
parse_ok (const uint8_t *buf, size_t len, size_t want)
{
  size_t n = 99;
  g_assert_cmpint (tc_rtcp_parse (buf, len, items, G_N_ELEMENTS (items), &n),
      ==, TC_OK);
  g_assert_cmpuint (n, ==, want);
}

static void
test_parses_a_chrome_compound_rr_and_sdes (void)
{
  parse_ok (chrome_rr_sdes, sizeof chrome_rr_sdes, 2);

  g_assert_cmpint (items[0].kind, ==, TC_RTCP_RR);
  const tc_rtcp_rr *rr = &items[0].u.rr;
  g_assert_cmpuint (rr->ssrc, ==, SSRC_RECV);
  g_assert_cmpuint (rr->report_count, ==, 1);
  const tc_rtcp_report_block *b = &rr->reports[0];
  g_assert_cmpuint (b->ssrc, ==, SSRC_MEDIA);
  g_assert_cmpuint (b->fraction_lost, ==, 2);
  g_assert_cmpint (b->cumulative_lost, ==, 5);
  g_assert_cmpuint (b->ext_highest_seq, ==, 0x00015a31);
  g_assert_cmpuint (b->jitter, ==, 42);
  g_assert_cmpuint (b->lsr, ==, 0xb7052000);
  g_assert_cmpuint (b->dlsr, ==, 0x00054000);

  g_assert_cmpint (items[1].kind, ==, TC_RTCP_SDES);
  const tc_rtcp_sdes *sdes = &items[1].u.sdes;
  g_assert_cmpuint (sdes->chunk_count, ==, 1);
  g_assert_cmpuint (sdes->chunks[0].ssrc, ==, SSRC_RECV);
  g_assert_cmpmem (sdes->chunks[0].cname, sdes->chunks[0].cname_len,
      "Qv8dPz3VaXoo0k2E", 16);
}

static void
test_parses_a_sender_report_with_negative_cumulative_loss (void)
{
  parse_ok (chrome_sr, sizeof chrome_sr, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_SR);
  const tc_rtcp_sr *sr = &items[0].u.sr;
  g_assert_cmpuint (sr->ssrc, ==, SSRC_MEDIA);
  g_assert_cmpuint (sr->ntp, ==, 0xe7a3b1c280000000ull);
  g_assert_cmpuint (sr->rtp_ts, ==, 192000);
  g_assert_cmpuint (sr->packet_count, ==, 100);
  g_assert_cmpuint (sr->octet_count, ==, 8000);
  g_assert_cmpuint (sr->report_count, ==, 1);
  g_assert_cmpuint (sr->reports[0].ssrc, ==, SSRC_RECV);
  g_assert_cmpint (sr->reports[0].cumulative_lost, ==, -1);
  g_assert_cmpuint (sr->reports[0].ext_highest_seq, ==, 16);
}

static void
test_parses_an_empty_receiver_report (void)
{
  static const uint8_t rr[] = {
    0x80, 0xc9, 0x00, 0x01,     /* RC=0, PT=201, length 1 */
    0xfa, 0x17, 0xfa, 0x17,     /* SSRC of packet sender */
  };
  parse_ok (rr, sizeof rr, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_RR);
  g_assert_cmpuint (items[0].u.rr.report_count, ==, 0);
}

static void
test_ignores_profile_specific_extensions_after_report_blocks (void)
{
  static const uint8_t rr[] = {
    0x80, 0xc9, 0x00, 0x02,     /* RC=0, PT=201, length 2 */
    0xfa, 0x17, 0xfa, 0x17,     /* SSRC of packet sender */
    0xde, 0xad, 0xbe, 0xef,     /* profile-specific extension */
  };
  parse_ok (rr, sizeof rr, 1);
  g_assert_cmpuint (items[0].u.rr.report_count, ==, 0);
}

typedef struct {
  uint16_t seq;
  bool received;
  int32_t delta_us;
} twcc_want;

static const twcc_want chrome_twcc_statuses[] = {
  {300, true, 1000}, {301, true, 5000}, {302, true, 5250},
  {303, true, 4750}, {304, true, 5500}, {305, true, 10000},
  {306, false, 0}, {307, true, -50000}, {308, true, 20000},
  {309, false, 0}, {310, false, 0}, {311, true, 250},
  {312, true, 0}, {313, true, 7750}, {314, false, 0},
  {315, true, 8000}, {316, false, 0}, {317, false, 0},
  {318, false, 0}, {319, true, 63750}, {320, true, 500},
};

static void
test_decodes_transport_cc_with_run_length_and_both_vector_kinds (void)
{
  parse_ok (chrome_twcc, sizeof chrome_twcc, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_TWCC);
  g_assert_cmpuint (items[0].body_len, ==, sizeof chrome_twcc - 4 - 3);
  const tc_rtcp_twcc *fb = &items[0].u.twcc;
  g_assert_cmpuint (fb->sender_ssrc, ==, SSRC_RECV);
  g_assert_cmpuint (fb->media_ssrc, ==, SSRC_MEDIA);
  g_assert_cmpuint (fb->base_seq, ==, 300);
  g_assert_cmpuint (fb->status_count, ==, 21);
  g_assert_cmpuint (fb->reference_time, ==, 0x0a1b2c);
  g_assert_cmpuint (fb->fb_count, ==, 5);
  g_assert_cmpuint (fb->received_count, ==, 14);
  g_assert_cmpuint (fb->chunks_len, ==, 6);
  g_assert_cmpuint (fb->deltas_len, ==, 15);

  tc_rtcp_twcc_status st[32];
  g_assert_cmpuint (tc_rtcp_twcc_decode (fb, st, G_N_ELEMENTS (st)), ==, 21);
  for (size_t i = 0; i < G_N_ELEMENTS (chrome_twcc_statuses); i++) {
    g_assert_cmpuint (st[i].seq, ==, chrome_twcc_statuses[i].seq);
    g_assert_cmpint (st[i].received, ==, chrome_twcc_statuses[i].received);
    g_assert_cmpint (st[i].delta_us, ==, chrome_twcc_statuses[i].delta_us);
  }
  /* A short array gets the first statuses. */
  g_assert_cmpuint (tc_rtcp_twcc_decode (fb, st, 3), ==, 3);
  g_assert_cmpuint (st[2].seq, ==, 302);
}

static void
test_decodes_a_run_length_chunk_of_lost_packets_across_the_seq_wrap (void)
{
  static const uint8_t fb[] = {
    0x8f, 0xcd, 0x00, 0x06,     /* FMT=15, PT=205, length 6 (28 B) */
    0xfa, 0x17, 0xfa, 0x17, 0x2c, 0x1e, 0x4f, 0x73,
    0xff, 0xfe,                 /* base seq 65534 */
    0x00, 0x05,                 /* status count 5 */
    0x00, 0x00, 0x01,           /* reference time 1 */
    0x00,                       /* fb count 0 */
    0x40, 0x01,                 /* run length: S=2 (large) x1: 65534 */
    0x00, 0x04,                 /* run length: S=0 (lost) x4: 65535, 0..2 */
    0x01, 0x00,                 /* delta: +256 ticks = 64 ms */
    0x00, 0x00,                 /* padding */
  };
  parse_ok (fb, sizeof fb, 1);
  tc_rtcp_twcc_status st[5];
  g_assert_cmpuint (tc_rtcp_twcc_decode (&items[0].u.twcc, st, 5), ==, 5);
  g_assert_cmpuint (st[0].seq, ==, 65534);
  g_assert_cmpint (st[0].delta_us, ==, 64000);
  g_assert_cmpuint (st[1].seq, ==, 65535);
  g_assert_false (st[1].received);
  g_assert_cmpuint (st[4].seq, ==, 2);
  g_assert_false (st[4].received);
}

static void
test_expands_nack_pid_and_blp_into_sequence_numbers (void)
{
  parse_ok (chrome_nack, sizeof chrome_nack, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_NACK);
  const tc_rtcp_nack *nack = &items[0].u.nack;
  g_assert_cmpuint (nack->sender_ssrc, ==, SSRC_RECV);
  g_assert_cmpuint (nack->media_ssrc, ==, SSRC_MEDIA);
  g_assert_cmpuint (nack->pair_count, ==, 2);

  static const uint16_t want[] = {23089, 23090, 23092, 23105, 23296};
  uint16_t seqs[8];
  g_assert_cmpuint (tc_rtcp_nack_seqs (nack, seqs, G_N_ELEMENTS (seqs)), ==,
      G_N_ELEMENTS (want));
  g_assert_cmpmem (seqs, sizeof want, want, sizeof want);
  /* With a short array: the count still says how many there are. */
  g_assert_cmpuint (tc_rtcp_nack_seqs (nack, seqs, 2), ==, 5);
  g_assert_cmpuint (tc_rtcp_nack_seqs (nack, NULL, 0), ==, 5);
}

static void
test_expands_a_nack_across_the_seq_wrap (void)
{
  static const uint8_t nack[] = {
    0x81, 0xcd, 0x00, 0x03, 0xfa, 0x17, 0xfa, 0x17, 0x2c, 0x1e, 0x4f, 0x73,
    0xff, 0xfe, 0x00, 0x07,     /* PID 65534, BLP: 65535, 0, 1 */
  };
  parse_ok (nack, sizeof nack, 1);
  uint16_t seqs[4];
  g_assert_cmpuint (tc_rtcp_nack_seqs (&items[0].u.nack, seqs, 4), ==, 4);
  g_assert_cmpuint (seqs[0], ==, 65534);
  g_assert_cmpuint (seqs[1], ==, 65535);
  g_assert_cmpuint (seqs[2], ==, 0);
  g_assert_cmpuint (seqs[3], ==, 1);
}

static void
test_parses_pli_fir_remb_and_bye (void)
{
  parse_ok (chrome_pli, sizeof chrome_pli, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_PLI);
  g_assert_cmpuint (items[0].u.pli.sender_ssrc, ==, SSRC_RECV);
  g_assert_cmpuint (items[0].u.pli.media_ssrc, ==, SSRC_MEDIA);

  parse_ok (chrome_fir, sizeof chrome_fir, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_FIR);
  g_assert_cmpuint (items[0].u.fir.entry_count, ==, 1);
  tc_rtcp_fir_entry e = tc_rtcp_fir_entry_at (&items[0].u.fir, 0);
  g_assert_cmpuint (e.ssrc, ==, SSRC_MEDIA);
  g_assert_cmpuint (e.seq_nr, ==, 7);

  parse_ok (chrome_remb, sizeof chrome_remb, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_REMB);
  g_assert_cmpuint (items[0].u.remb.bitrate_bps, ==, 1500000);
  g_assert_cmpuint (items[0].u.remb.ssrc_count, ==, 1);
  g_assert_cmpuint (tc_rtcp_remb_ssrc_at (&items[0].u.remb, 0), ==,
      SSRC_MEDIA);

  parse_ok (chrome_bye, sizeof chrome_bye, 1);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_BYE);
  g_assert_cmpuint (items[0].u.bye.ssrc_count, ==, 1);
  g_assert_cmpuint (items[0].u.bye.ssrcs[0], ==, SSRC_MEDIA);
  g_assert_cmpmem (items[0].u.bye.reason, items[0].u.bye.reason_len, "bye", 3);
}

static void
test_keeps_the_first_cname_of_each_sdes_chunk (void)
{
  parse_ok (sdes_two_chunks, sizeof sdes_two_chunks, 1);
  const tc_rtcp_sdes *s = &items[0].u.sdes;
  g_assert_cmpuint (s->chunk_count, ==, 2);
  g_assert_cmpuint (s->chunks[0].ssrc, ==, 0x11111111);
  g_assert_cmpmem (s->chunks[0].cname, s->chunks[0].cname_len, "xy", 2);
  g_assert_cmpuint (s->chunks[1].ssrc, ==, 0x22222222);
  g_assert_null (s->chunks[1].cname);
  g_assert_cmpuint (s->chunks[1].cname_len, ==, 0);
}

static void
test_keeps_app_xr_and_other_feedback_as_unknown_items (void)
{
  static const uint8_t afb_not_remb[] = {
    0x8f, 0xce, 0x00, 0x03, 0xfa, 0x17, 0xfa, 0x17, 0x00, 0x00, 0x00, 0x00,
    'G', 'O', 'O', 'G',         /* some other application feedback */
  };
  static const uint8_t sli[] = {
    0x82, 0xce, 0x00, 0x03, 0xfa, 0x17, 0xfa, 0x17, 0x2c, 0x1e, 0x4f, 0x73,
    0x00, 0x00, 0x00, 0x00,     /* PSFB FMT=2 (SLI) */
  };
  static const uint8_t tmmbr[] = {
    0x83, 0xcd, 0x00, 0x02, 0xfa, 0x17, 0xfa, 0x17, 0x00, 0x00, 0x00, 0x00,
  };                            /* RTPFB FMT=3 (TMMBR), FCI cut: not ours */
  const struct { const uint8_t *d; size_t n; uint8_t pt; } cases[] = {
    {app_packet, sizeof app_packet, 204},
    {xr_packet, sizeof xr_packet, 207},
    {afb_not_remb, sizeof afb_not_remb, 206},
    {sli, sizeof sli, 206},
    {tmmbr, sizeof tmmbr, 205},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    parse_ok (cases[i].d, cases[i].n, 1);
    g_assert_cmpint (items[0].kind, ==, TC_RTCP_UNKNOWN);
    g_assert_cmpuint (items[0].pt, ==, cases[i].pt);
    g_assert_cmpuint (items[0].body_len, ==, cases[i].n - 4);
    g_assert_true (items[0].body == cases[i].d + 4);
  }
}

static void
test_parses_reduced_size_feedback_without_a_report_first (void)
{
  /* RFC 5506: a PLI alone, a NACK alone, or feedback then SDES. */
  parse_ok (chrome_pli, sizeof chrome_pli, 1);
  parse_ok (chrome_nack, sizeof chrome_nack, 1);
  uint8_t buf[sizeof chrome_remb + sizeof chrome_rr_sdes];
  memcpy (buf, chrome_remb, sizeof chrome_remb);
  memcpy (buf + sizeof chrome_remb, chrome_rr_sdes + 32, 28);
  parse_ok (buf, sizeof chrome_remb + 28, 2);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_REMB);
  g_assert_cmpint (items[1].kind, ==, TC_RTCP_SDES);
}

static void
test_parses_a_long_compound_into_a_short_item_array (void)
{
  uint8_t buf[sizeof chrome_rr_sdes + sizeof chrome_remb + sizeof chrome_twcc];
  size_t len = 0;
  memcpy (buf, chrome_rr_sdes, sizeof chrome_rr_sdes);
  len += sizeof chrome_rr_sdes;
  memcpy (buf + len, chrome_remb, sizeof chrome_remb);
  len += sizeof chrome_remb;
  memcpy (buf + len, chrome_twcc, sizeof chrome_twcc);
  len += sizeof chrome_twcc;

  tc_rtcp_item two[2];
  size_t n;
  g_assert_cmpint (tc_rtcp_parse (buf, len, two, 2, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (two[0].kind, ==, TC_RTCP_RR);
  g_assert_cmpint (two[1].kind, ==, TC_RTCP_SDES);
  /* Packets past the array are still validated. */
  buf[len - 1] = 0x40;          /* padding count past the body */
  g_assert_cmpint (tc_rtcp_parse (buf, len, two, 2, &n), ==, TC_ERR_PARSE);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpint (tc_rtcp_parse (buf, len - sizeof chrome_twcc, NULL, 0, &n),
      ==, TC_OK);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_accepts_padding_on_any_packet_of_a_compound (void)
{
  uint8_t buf[sizeof chrome_twcc + sizeof chrome_pli];
  memcpy (buf, chrome_twcc, sizeof chrome_twcc);
  memcpy (buf + sizeof chrome_twcc, chrome_pli, sizeof chrome_pli);
  parse_ok (buf, sizeof buf, 2);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_TWCC);
  g_assert_cmpint (items[1].kind, ==, TC_RTCP_PLI);
}

/* ---- malformed input ---- */

typedef struct {
  const char *what;
  const uint8_t *data;
  size_t len;
} vector;

#define VEC(what, ...) \
  {what, (const uint8_t[]) {__VA_ARGS__}, sizeof ((const uint8_t[]) {__VA_ARGS__})}
#define SSRC_A 0xfa, 0x17, 0xfa, 0x17
#define SSRC_B 0x2c, 0x1e, 0x4f, 0x73

static const vector malformed[] = {
  VEC ("3 bytes: shorter than a header", 0x80, 0xc9, 0x00),
  VEC ("version 1", 0x40, 0xc9, 0x00, 0x01, SSRC_A),
  VEC ("version 0", 0x00, 0xc9, 0x00, 0x01, SSRC_A),
  VEC ("length past the end", 0x81, 0xc9, 0x00, 0x07, SSRC_A, SSRC_B),
  VEC ("2 trailing bytes after a packet", 0x80, 0xc9, 0x00, 0x01, SSRC_A,
      0x80, 0xc9),
  VEC ("padding bit, count 0", 0xa0, 0xc9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00),
  VEC ("padding count past the body", 0xa0, 0xc9, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x05),
  VEC ("padding bit on an empty body", 0xa0, 0xc9, 0x00, 0x00),
  VEC ("RR: RC=2 but room for one block", 0x82, 0xc9, 0x00, 0x07, SSRC_A,
      SSRC_B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  VEC ("RR: no sender SSRC", 0x80, 0xc9, 0x00, 0x00),
  VEC ("RR: padding eats the report block", 0xa1, 0xc9, 0x00, 0x07, SSRC_A,
      SSRC_B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4),
  VEC ("SR: shorter than the sender info", 0x80, 0xc8, 0x00, 0x02, SSRC_A,
      0, 0, 0, 0),
  VEC ("SR: RC=1 with no block", 0x81, 0xc8, 0x00, 0x06, SSRC_A,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  VEC ("SDES: SC=2 with one chunk", 0x82, 0xca, 0x00, 0x02, SSRC_A,
      0x00, 0x00, 0x00, 0x00),
  VEC ("SDES: no END item", 0x81, 0xca, 0x00, 0x02, SSRC_A,
      0x01, 0x02, 'a', 'b'),
  VEC ("SDES: item length past the end", 0x81, 0xca, 0x00, 0x02, SSRC_A,
      0x01, 0x09, 'a', 'b'),
  VEC ("SDES: item type with no length byte", 0x81, 0xca, 0x00, 0x02, SSRC_A,
      0x01, 0x01, 'a', 0x01),
  VEC ("SDES: a chunk with its SSRC only", 0x81, 0xca, 0x00, 0x01,
      0xfa, 0x17, 0xfa, 0x17),
  VEC ("SDES: SC=0 but a chunk follows", 0x80, 0xca, 0x00, 0x02, SSRC_A,
      0x00, 0x00, 0x00, 0x00),
  VEC ("BYE: SC=2 with one SSRC", 0x82, 0xcb, 0x00, 0x01, SSRC_A),
  VEC ("BYE: reason length past the end", 0x81, 0xcb, 0x00, 0x02, SSRC_A,
      0x04, 'b', 'y', 'e'),
  VEC ("NACK: no FCI", 0x81, 0xcd, 0x00, 0x02, SSRC_A, SSRC_B),
  VEC ("NACK: no media SSRC", 0x81, 0xcd, 0x00, 0x01, SSRC_A),
  VEC ("NACK: half a pair (padding 2)", 0xa1, 0xcd, 0x00, 0x03, SSRC_A, SSRC_B,
      0x00, 0x01, 0x00, 0x02),
  VEC ("TWCC: status count 0", 0x8f, 0xcd, 0x00, 0x05, SSRC_A, SSRC_B,
      0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x01, 0x00, 0x00),
  VEC ("TWCC: shorter than its header", 0x8f, 0xcd, 0x00, 0x03, SSRC_A, SSRC_B,
      0x00, 0x01, 0x00, 0x01),
  VEC ("TWCC: status count past the chunks", 0x8f, 0xcd, 0x00, 0x05,
      SSRC_A, SSRC_B, 0x00, 0x01, 0x00, 0x64, 0x00, 0x00, 0x01, 0x00,
      0x20, 0x05, 0x20, 0x05),
  VEC ("TWCC: missing receive deltas", 0x8f, 0xcd, 0x00, 0x05,
      SSRC_A, SSRC_B, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00,
      0x20, 0x03, 0x01, 0x01),
  VEC ("TWCC: large delta cut in half (padding 1)", 0xaf, 0xcd, 0x00, 0x05,
      SSRC_A, SSRC_B, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00,
      0x40, 0x01, 0xff, 0x01),
  VEC ("TWCC: reserved symbol 3 in a run", 0x8f, 0xcd, 0x00, 0x05,
      SSRC_A, SSRC_B, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00,
      0x60, 0x01, 0x00, 0x00),
  VEC ("TWCC: reserved symbol 3 in a 2-bit vector", 0x8f, 0xcd, 0x00, 0x05,
      SSRC_A, SSRC_B, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00,
      0xf0, 0x00, 0x00, 0x00),
  VEC ("PLI: no media SSRC", 0x81, 0xce, 0x00, 0x01, SSRC_A),
  VEC ("FIR: no entries", 0x84, 0xce, 0x00, 0x02, SSRC_A, 0, 0, 0, 0),
  VEC ("FIR: half an entry", 0x84, 0xce, 0x00, 0x03, SSRC_A, 0, 0, 0, 0,
      SSRC_B),
  VEC ("REMB: cut before the bitrate", 0x8f, 0xce, 0x00, 0x03, SSRC_A,
      0, 0, 0, 0, 'R', 'E', 'M', 'B'),
  VEC ("REMB: SSRC count past the end", 0x8f, 0xce, 0x00, 0x05, SSRC_A,
      0, 0, 0, 0, 'R', 'E', 'M', 'B', 0x02, 0x0e, 0xdc, 0x6c, SSRC_B),
  VEC ("REMB: bitrate overflows 64 bits", 0x8f, 0xce, 0x00, 0x05, SSRC_A,
      0, 0, 0, 0, 'R', 'E', 'M', 'B', 0x01, 0xff, 0xff, 0xff, SSRC_B),
  VEC ("a good RR then a bad second packet", 0x80, 0xc9, 0x00, 0x01, SSRC_A,
      0x81, 0xcd, 0x00, 0x02, SSRC_A, SSRC_B),
};

static void
test_rejects_malformed_rtcp (void)
{
  size_t n = 99;
  g_assert_cmpint (tc_rtcp_parse (NULL, 0, items, 4, &n), ==, TC_ERR_PARSE);
  g_assert_cmpuint (n, ==, 0);
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++) {
    g_test_message ("%s", malformed[i].what);
    n = 99;
    g_assert_cmpint (tc_rtcp_parse (malformed[i].data, malformed[i].len,
            items, G_N_ELEMENTS (items), &n), ==, TC_ERR_PARSE);
    g_assert_cmpuint (n, ==, 0);
  }
}

/* Every strict prefix of a valid packet is malformed: its length field
 * points past the end. Copies are exact-size so ASan sees any overread. */
static void
test_rejects_every_truncation_of_the_vectors (void)
{
  const vector vs[] = {
    {"rr+sdes", chrome_rr_sdes, sizeof chrome_rr_sdes},
    {"sr", chrome_sr, sizeof chrome_sr},
    {"twcc", chrome_twcc, sizeof chrome_twcc},
    {"nack", chrome_nack, sizeof chrome_nack},
    {"fir", chrome_fir, sizeof chrome_fir},
    {"remb", chrome_remb, sizeof chrome_remb},
    {"bye", chrome_bye, sizeof chrome_bye},
    {"sdes", sdes_two_chunks, sizeof sdes_two_chunks},
  };
  for (size_t v = 0; v < G_N_ELEMENTS (vs); v++) {
    for (size_t len = 0; len < vs[v].len; len++) {
      /* A cut exactly between the two packets of the compound is valid. */
      if (v == 0 && len == 32)
        continue;
      uint8_t *copy = g_memdup2 (vs[v].data, len);
      size_t n;
      g_assert_cmpint (tc_rtcp_parse (copy, len, items, 4, &n), ==,
          TC_ERR_PARSE);
      g_free (copy);
    }
  }
}

/* Shrinking the length field by a word (keeping the bytes) leaves a
 * trailing partial packet or a body too short for its counts. */
static void
test_rejects_a_length_field_one_word_short (void)
{
  const vector vs[] = {
    {"sr", chrome_sr, sizeof chrome_sr},
    {"twcc", chrome_twcc, sizeof chrome_twcc},
    {"fir", chrome_fir, sizeof chrome_fir},
    {"remb", chrome_remb, sizeof chrome_remb},
    {"bye", chrome_bye, sizeof chrome_bye},
  };
  for (size_t v = 0; v < G_N_ELEMENTS (vs); v++) {
    uint8_t *copy = g_memdup2 (vs[v].data, vs[v].len);
    copy[3]--;
    size_t n;
    g_test_message ("%s", vs[v].what);
    g_assert_cmpint (tc_rtcp_parse (copy, vs[v].len, items, 4, &n), ==,
        TC_ERR_PARSE);
    g_free (copy);
  }
}

/* The iterator stays inside a hand-made, inconsistent feedback struct. */
static void
test_twcc_iterator_stops_at_inconsistent_input (void)
{
  static const uint8_t chunk[] = {0x20, 0x05};   /* 5 small deltas */
  static const uint8_t deltas[] = {1, 2};        /* but only 2 bytes */
  tc_rtcp_twcc fb = {.status_count = 5, .chunks = chunk, .chunks_len = 2,
      .deltas = deltas, .deltas_len = 2};
  tc_rtcp_twcc_status st[5];
  g_assert_cmpuint (tc_rtcp_twcc_decode (&fb, st, 5), ==, 2);
  fb.chunks_len = 0;
  g_assert_cmpuint (tc_rtcp_twcc_decode (&fb, st, 5), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp/parse/parses-a-chrome-compound-rr-and-sdes",
      test_parses_a_chrome_compound_rr_and_sdes);
  g_test_add_func ("/rtcp/parse/parses-a-sender-report-with-negative-cumulative-loss",
      test_parses_a_sender_report_with_negative_cumulative_loss);
  g_test_add_func ("/rtcp/parse/parses-an-empty-receiver-report",
      test_parses_an_empty_receiver_report);
  g_test_add_func ("/rtcp/parse/ignores-profile-specific-extensions-after-report-blocks",
      test_ignores_profile_specific_extensions_after_report_blocks);
  g_test_add_func ("/rtcp/parse/decodes-transport-cc-with-run-length-and-both-vector-kinds",
      test_decodes_transport_cc_with_run_length_and_both_vector_kinds);
  g_test_add_func ("/rtcp/parse/decodes-a-run-length-chunk-of-lost-packets-across-the-seq-wrap",
      test_decodes_a_run_length_chunk_of_lost_packets_across_the_seq_wrap);
  g_test_add_func ("/rtcp/parse/expands-nack-pid-and-blp-into-sequence-numbers",
      test_expands_nack_pid_and_blp_into_sequence_numbers);
  g_test_add_func ("/rtcp/parse/expands-a-nack-across-the-seq-wrap",
      test_expands_a_nack_across_the_seq_wrap);
  g_test_add_func ("/rtcp/parse/parses-pli-fir-remb-and-bye",
      test_parses_pli_fir_remb_and_bye);
  g_test_add_func ("/rtcp/parse/keeps-the-first-cname-of-each-sdes-chunk",
      test_keeps_the_first_cname_of_each_sdes_chunk);
  g_test_add_func ("/rtcp/parse/keeps-app-xr-and-other-feedback-as-unknown-items",
      test_keeps_app_xr_and_other_feedback_as_unknown_items);
  g_test_add_func ("/rtcp/parse/parses-reduced-size-feedback-without-a-report-first",
      test_parses_reduced_size_feedback_without_a_report_first);
  g_test_add_func ("/rtcp/parse/parses-a-long-compound-into-a-short-item-array",
      test_parses_a_long_compound_into_a_short_item_array);
  g_test_add_func ("/rtcp/parse/accepts-padding-on-any-packet-of-a-compound",
      test_accepts_padding_on_any_packet_of_a_compound);
  g_test_add_func ("/rtcp/parse/rejects-malformed-rtcp",
      test_rejects_malformed_rtcp);
  g_test_add_func ("/rtcp/parse/rejects-every-truncation-of-the-vectors",
      test_rejects_every_truncation_of_the_vectors);
  g_test_add_func ("/rtcp/parse/rejects-a-length-field-one-word-short",
      test_rejects_a_length_field_one_word_short);
  g_test_add_func ("/rtcp/parse/twcc-iterator-stops-at-inconsistent-input",
      test_twcc_iterator_stops_at_inconsistent_input);
  return g_test_run ();
}
