/* test_rtcp_build.c - RTCP builders produce Chrome-shaped bytes, round-trip
 * through the parser, and refuse what cannot be encoded or does not fit.
 */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_rtcp.h"

#include "rtcp_vectors.h"

static uint8_t buf[2048];
static tc_rtcp_item items[TC_RTCP_MAX_ITEMS];

static const tc_rtcp_report_block chrome_block = {
  .ssrc = SSRC_MEDIA, .fraction_lost = 2, .cumulative_lost = 5,
  .ext_highest_seq = 0x00015a31, .jitter = 42, .lsr = 0xb7052000,
  .dlsr = 0x00054000,
};

static tc_rtcp_sr
chrome_sr_values (void)
{
  tc_rtcp_sr sr = {
    .ssrc = SSRC_MEDIA, .ntp = 0xe7a3b1c280000000ull, .rtp_ts = 192000,
    .packet_count = 100, .octet_count = 8000, .report_count = 1,
  };
  sr.reports[0] = (tc_rtcp_report_block) {.ssrc = SSRC_RECV,
      .cumulative_lost = -1, .ext_highest_seq = 16};
  return sr;
}

static void
test_writes_a_sender_report_byte_for_byte (void)
{
  tc_rtcp_sr sr = chrome_sr_values ();
  size_t n;
  g_assert_cmpint (tc_rtcp_write_sr (&sr, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_sr, sizeof chrome_sr);
}

static void
test_writes_chromes_rr_and_sdes_in_compound_order (void)
{
  tc_rtcp_rr rr = {.ssrc = SSRC_RECV, .report_count = 1,
      .reports = {chrome_block}};
  uint8_t rr_buf[64], sdes_buf[64];
  size_t rr_len, sdes_len, n;
  g_assert_cmpint (tc_rtcp_write_rr (&rr, rr_buf, sizeof rr_buf, &rr_len), ==,
      TC_OK);
  g_assert_cmpint (tc_rtcp_write_sdes_cname (SSRC_RECV, "Qv8dPz3VaXoo0k2E",
          sdes_buf, sizeof sdes_buf, &sdes_len), ==, TC_OK);

  /* Given SDES first, the writer still puts the report first. */
  tc_rtcp_part parts[] = {{sdes_buf, sdes_len}, {rr_buf, rr_len}};
  g_assert_cmpint (tc_rtcp_write_compound (parts, 2, false, buf, sizeof buf,
          &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_rr_sdes, sizeof chrome_rr_sdes);
}

static void
test_orders_a_full_compound_reports_sdes_feedback_bye (void)
{
  tc_rtcp_rr rr = {.ssrc = SSRC_RECV};
  uint8_t rr_b[16], sdes_b[64];
  size_t rr_n, sdes_n, n;
  g_assert_cmpint (tc_rtcp_write_rr (&rr, rr_b, sizeof rr_b, &rr_n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_write_sdes_cname (SSRC_RECV, "c", sdes_b,
          sizeof sdes_b, &sdes_n), ==, TC_OK);
  tc_rtcp_part parts[] = {
    {chrome_bye, sizeof chrome_bye},
    {chrome_remb, sizeof chrome_remb},
    {sdes_b, sdes_n},
    {chrome_pli, sizeof chrome_pli},
    {rr_b, rr_n},
  };
  g_assert_cmpint (tc_rtcp_write_compound (parts, G_N_ELEMENTS (parts), false,
          buf, sizeof buf, &n), ==, TC_OK);
  size_t count;
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, G_N_ELEMENTS (items),
          &count), ==, TC_OK);
  g_assert_cmpuint (count, ==, 5);
  const tc_rtcp_kind want[] = {TC_RTCP_RR, TC_RTCP_SDES, TC_RTCP_REMB,
      TC_RTCP_PLI, TC_RTCP_BYE};
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpint (items[i].kind, ==, want[i]);
}

static void
test_keeps_the_callers_order_in_reduced_size_mode (void)
{
  tc_rtcp_part parts[] = {
    {chrome_nack, sizeof chrome_nack},
    {chrome_pli, sizeof chrome_pli},
  };
  size_t n, count;
  g_assert_cmpint (tc_rtcp_write_compound (parts, 2, true, buf, sizeof buf,
          &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, sizeof chrome_nack + sizeof chrome_pli);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 4, &count), ==, TC_OK);
  g_assert_cmpint (items[0].kind, ==, TC_RTCP_NACK);
  g_assert_cmpint (items[1].kind, ==, TC_RTCP_PLI);
}

static void
test_refuses_a_compound_rfc_3550_forbids (void)
{
  size_t n;
  tc_rtcp_part no_report[] = {{chrome_rr_sdes + 32, 28}};
  tc_rtcp_part no_sdes[] = {{chrome_rr_sdes, 32}, {chrome_pli, 12}};
  tc_rtcp_part not_one_packet[] = {{chrome_rr_sdes, sizeof chrome_rr_sdes}};
  tc_rtcp_part cut[] = {{chrome_pli, 11}};
  tc_rtcp_part empty[] = {{NULL, 0}};
  g_assert_cmpint (tc_rtcp_write_compound (no_report, 1, false, buf,
          sizeof buf, &n), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_compound (no_sdes, 2, false, buf,
          sizeof buf, &n), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_compound (not_one_packet, 1, true, buf,
          sizeof buf, &n), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_compound (cut, 1, true, buf, sizeof buf, &n),
      ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_compound (empty, 1, true, buf, sizeof buf,
          &n), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_compound (no_report, 0, true, buf,
          sizeof buf, &n), ==, TC_ERR_INVALID_ARG);
  /* Reduced-size allows the same SDES alone. */
  g_assert_cmpint (tc_rtcp_write_compound (no_report, 1, true, buf,
          sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_write_compound (no_report, 1, true, buf, 27, &n),
      ==, TC_ERR_TOO_LARGE);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_writes_nack_pairs_byte_for_byte (void)
{
  static const uint16_t seqs[] = {23089, 23090, 23092, 23105, 23296};
  size_t n;
  g_assert_cmpint (tc_rtcp_write_nack (SSRC_RECV, SSRC_MEDIA, seqs,
          G_N_ELEMENTS (seqs), buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_nack, sizeof chrome_nack);
}

/* Writes a NACK for `in`, parses it back, and checks the expanded list. */
static void
assert_nack_round_trip (const uint16_t *in, size_t n_in, size_t want_pairs,
    const uint16_t *want, size_t n_want)
{
  size_t n, count;
  uint16_t out[64];
  g_assert_cmpint (tc_rtcp_write_nack (1, 2, in, n_in, buf, sizeof buf, &n),
      ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.nack.pair_count, ==, want_pairs);
  g_assert_cmpuint (tc_rtcp_nack_seqs (&items[0].u.nack, out,
          G_N_ELEMENTS (out)), ==, n_want);
  g_assert_cmpmem (out, n_want * 2, want, n_want * 2);
}

static void
test_packs_nack_sequence_numbers_across_the_wrap (void)
{
  static const uint16_t in[] = {65534, 65535, 0, 1, 20};
  assert_nack_round_trip (in, 5, 2, in, 5);
  /* A PID and the 16 that follow share one pair; the 17th starts another. */
  uint16_t span[18];
  for (int i = 0; i < 18; i++)
    span[i] = (uint16_t) (100 + i);
  assert_nack_round_trip (span, 18, 2, span, 18);
}

static void
test_packs_unordered_and_duplicate_nack_input_correctly (void)
{
  static const uint16_t in[] = {10, 5, 10, 6};
  static const uint16_t want[] = {10, 5, 6, 10};   /* pairs (10) (5: 6 10) */
  assert_nack_round_trip (in, 4, 2, want, 4);
}

static void
test_writes_pli_fir_remb_and_bye_byte_for_byte (void)
{
  size_t n;
  g_assert_cmpint (tc_rtcp_write_pli (SSRC_RECV, SSRC_MEDIA, buf, sizeof buf,
          &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_pli, sizeof chrome_pli);

  tc_rtcp_fir_entry fir = {.ssrc = SSRC_MEDIA, .seq_nr = 7};
  g_assert_cmpint (tc_rtcp_write_fir (SSRC_RECV, &fir, 1, buf, sizeof buf,
          &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_fir, sizeof chrome_fir);

  uint32_t media = SSRC_MEDIA;
  g_assert_cmpint (tc_rtcp_write_remb (SSRC_RECV, 1500000, &media, 1, buf,
          sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_remb, sizeof chrome_remb);

  tc_rtcp_bye bye = {.ssrc_count = 1, .ssrcs = {SSRC_MEDIA},
      .reason = (const uint8_t *) "bye", .reason_len = 3};
  g_assert_cmpint (tc_rtcp_write_bye (&bye, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, chrome_bye, sizeof chrome_bye);
}

static void
test_rounds_remb_bitrates_down_to_the_mantissa (void)
{
  static const struct { uint64_t in, out; } cases[] = {
    {0, 0},
    {262143, 262143},                       /* largest exponent-0 value */
    {262144, 262144},
    {1000000007, 1000000007ull >> 12 << 12},
    {UINT64_MAX, (uint64_t) 0x3FFFF << 46},
  };
  uint32_t ssrcs[255];
  for (int i = 0; i < 255; i++)
    ssrcs[i] = (uint32_t) i;
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    size_t n, count;
    g_assert_cmpint (tc_rtcp_write_remb (1, cases[i].in, ssrcs, 255, buf,
            sizeof buf, &n), ==, TC_OK);
    g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
    g_assert_cmpint (items[0].kind, ==, TC_RTCP_REMB);
    g_assert_cmpuint (items[0].u.remb.bitrate_bps, ==, cases[i].out);
    g_assert_cmpuint (items[0].u.remb.ssrc_count, ==, 255);
    g_assert_cmpuint (tc_rtcp_remb_ssrc_at (&items[0].u.remb, 254), ==, 254);
  }
}

static void
test_round_trips_sdes_chunks_and_a_bye_without_reason (void)
{
  size_t n, count;
  tc_rtcp_sdes sdes = {.chunk_count = 2};
  sdes.chunks[0] = (tc_rtcp_sdes_chunk) {.ssrc = 0x11111111,
      .cname = (const uint8_t *) "xy", .cname_len = 2};
  sdes.chunks[1] = (tc_rtcp_sdes_chunk) {.ssrc = 0x22222222};
  g_assert_cmpint (tc_rtcp_write_sdes (&sdes, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.sdes.chunk_count, ==, 2);
  g_assert_cmpmem (items[0].u.sdes.chunks[0].cname,
      items[0].u.sdes.chunks[0].cname_len, "xy", 2);
  g_assert_null (items[0].u.sdes.chunks[1].cname);

  /* Every CNAME length pads its chunk correctly. */
  char cname[256];
  for (size_t len = 1; len <= 255; len++) {
    memset (cname, 'c', len);
    cname[len] = '\0';
    g_assert_cmpint (tc_rtcp_write_sdes_cname (7, cname, buf, sizeof buf, &n),
        ==, TC_OK);
    g_assert_cmpuint (n % 4, ==, 0);
    g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
    g_assert_cmpuint (items[0].u.sdes.chunks[0].cname_len, ==, len);
  }

  tc_rtcp_bye bye = {.ssrc_count = 2, .ssrcs = {1, 2}};
  g_assert_cmpint (tc_rtcp_write_bye (&bye, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, 12);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.bye.ssrc_count, ==, 2);
  g_assert_null (items[0].u.bye.reason);
}

static void
test_round_trips_reports_with_31_blocks (void)
{
  tc_rtcp_rr rr = {.ssrc = 9, .report_count = 31};
  for (int i = 0; i < 31; i++) {
    rr.reports[i] = chrome_block;
    rr.reports[i].ssrc = (uint32_t) i;
    rr.reports[i].cumulative_lost = i % 2 ? -0x800000 : 0x7FFFFF;
  }
  size_t n, count;
  g_assert_cmpint (tc_rtcp_write_rr (&rr, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, 8 + 31 * 24);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  const tc_rtcp_rr *got = &items[0].u.rr;
  g_assert_cmpuint (got->ssrc, ==, 9);
  g_assert_cmpuint (got->report_count, ==, 31);
  for (int i = 0; i < 31; i++) {
    const tc_rtcp_report_block *a = &got->reports[i], *b = &rr.reports[i];
    g_assert_cmpuint (a->ssrc, ==, b->ssrc);
    g_assert_cmpuint (a->fraction_lost, ==, b->fraction_lost);
    g_assert_cmpint (a->cumulative_lost, ==, b->cumulative_lost);
    g_assert_cmpuint (a->ext_highest_seq, ==, b->ext_highest_seq);
    g_assert_cmpuint (a->jitter, ==, b->jitter);
    g_assert_cmpuint (a->lsr, ==, b->lsr);
    g_assert_cmpuint (a->dlsr, ==, b->dlsr);
  }
}

static void
test_writes_transport_cc_byte_for_byte (void)
{
  static const int64_t arrivals[] = {641000, 642000,
      TC_RTCP_TWCC_NOT_RECEIVED, 643250};
  tc_rtcp_twcc_input in = {.sender_ssrc = SSRC_RECV, .media_ssrc = SSRC_MEDIA,
      .base_seq = 10, .fb_count = 7, .arrival_us = arrivals, .count = 4};
  size_t n;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpmem (buf, n, built_twcc, sizeof built_twcc);
}

/* Absolute arrival times the statuses describe: reference time plus the
 * running sum of deltas; -1 for lost packets. */
static void
arrivals_of (const tc_rtcp_twcc *fb, int64_t *out)
{
  tc_rtcp_twcc_iter it;
  tc_rtcp_twcc_status st;
  int64_t t = (int64_t) fb->reference_time * 64000;
  size_t i = 0;
  tc_rtcp_twcc_iter_init (&it, fb);
  while (tc_rtcp_twcc_iter_next (&it, &st)) {
    t += st.delta_us;
    out[i++] = st.received ? t : TC_RTCP_TWCC_NOT_RECEIVED;
  }
  g_assert_cmpuint (i, ==, fb->status_count);
}

static void
test_rebuilds_chromes_transport_cc_from_its_arrival_times (void)
{
  size_t count, n;
  int64_t orig[21], again[21];
  g_assert_cmpint (tc_rtcp_parse (chrome_twcc, sizeof chrome_twcc, items, 1,
          &count), ==, TC_OK);
  arrivals_of (&items[0].u.twcc, orig);

  tc_rtcp_twcc_input in = {.sender_ssrc = SSRC_RECV, .media_ssrc = SSRC_MEDIA,
      .base_seq = 300, .fb_count = 5, .arrival_us = orig, .count = 21};
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.twcc.reference_time, ==, 0x0a1b2c);
  g_assert_cmpuint (items[0].u.twcc.received_count, ==, 14);
  arrivals_of (&items[0].u.twcc, again);
  g_assert_cmpmem (again, sizeof again, orig, sizeof orig);
}

static void
test_quantizes_transport_cc_deltas_without_drift (void)
{
  /* 1000 packets 333 us apart: each delta rounds, the sum must not. */
  enum { N = 1000 };
  int64_t in_t[N], out_t[N];
  for (int i = 0; i < N; i++)
    in_t[i] = 5000000 + 333 * (int64_t) i;
  tc_rtcp_twcc_input in = {.arrival_us = in_t, .count = N};
  size_t n, count;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  arrivals_of (&items[0].u.twcc, out_t);
  for (int i = 0; i < N; i++)
    g_assert_cmpint (ABS (out_t[i] - in_t[i]), <=, 125);
}

static void
test_uses_run_length_chunks_for_long_losses_and_large_deltas (void)
{
  /* 3 received, 20000 lost, 10 received 1 s apart, 1 received 2 s back. */
  enum { N = 3 + 20000 + 10 + 1 };
  static int64_t in_t[N], out_t[N];
  size_t k = 0;
  for (int i = 0; i < 3; i++)
    in_t[k++] = 100000 + i * 1000;
  for (int i = 0; i < 20000; i++)
    in_t[k++] = TC_RTCP_TWCC_NOT_RECEIVED;
  for (int i = 0; i < 10; i++)
    in_t[k++] = 200000 + (int64_t) i * 1000000;
  in_t[k++] = 200000 + 7000000;   /* reordered: arrived earlier */
  tc_rtcp_twcc_input in = {.base_seq = 65000, .arrival_us = in_t, .count = N};
  size_t n, count;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  /* 1-bit vector (3 received, 11 lost), runs of 8191, 8191 and 3607 lost,
   * a run of 11 large deltas (the last one negative). */
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.twcc.chunks_len, ==, 10);
  arrivals_of (&items[0].u.twcc, out_t);
  g_assert_cmpmem (out_t, sizeof out_t, in_t, sizeof in_t);
}

static void
test_refuses_transport_cc_deltas_over_16_bits (void)
{
  static const int64_t gap[] = {0, 8191750};        /* 32767 ticks: fits */
  static const int64_t too_far[] = {0, 8192000};    /* 32768 ticks */
  static const int64_t too_far_back[] = {10000000, 1800000};
  tc_rtcp_twcc_input in = {.arrival_us = gap, .count = 2};
  size_t n;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  in.arrival_us = too_far;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  in.arrival_us = too_far_back;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  in.count = 0;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  in.count = 65536;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
}

static void
test_writes_transport_cc_with_every_packet_lost (void)
{
  static const int64_t lost[] = {-1, -1, -1};
  tc_rtcp_twcc_input in = {.arrival_us = lost, .count = 3};
  size_t n, count;
  g_assert_cmpint (tc_rtcp_write_twcc (&in, buf, sizeof buf, &n), ==, TC_OK);
  g_assert_cmpint (tc_rtcp_parse (buf, n, items, 1, &count), ==, TC_OK);
  g_assert_cmpuint (items[0].u.twcc.status_count, ==, 3);
  g_assert_cmpuint (items[0].u.twcc.received_count, ==, 0);
}

static void
test_refuses_unencodable_rtcp_values (void)
{
  size_t n;
  tc_rtcp_rr rr = {.report_count = 32};
  g_assert_cmpint (tc_rtcp_write_rr (&rr, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  rr.report_count = 1;
  rr.reports[0].cumulative_lost = 0x800000;
  g_assert_cmpint (tc_rtcp_write_rr (&rr, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  tc_rtcp_sr sr = {.report_count = 1};
  sr.reports[0].cumulative_lost = -0x800001;
  g_assert_cmpint (tc_rtcp_write_sr (&sr, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  tc_rtcp_sdes sdes = {.chunk_count = 32};
  g_assert_cmpint (tc_rtcp_write_sdes (&sdes, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_sdes_cname (1, "", buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  tc_rtcp_bye bye = {.ssrc_count = 32};
  g_assert_cmpint (tc_rtcp_write_bye (&bye, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_nack (1, 2, NULL, 0, buf, sizeof buf, &n),
      ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_fir (1, NULL, 0, buf, sizeof buf, &n), ==,
      TC_ERR_INVALID_ARG);
  uint32_t ssrcs[256] = {0};
  g_assert_cmpint (tc_rtcp_write_remb (1, 1, ssrcs, 0, buf, sizeof buf, &n),
      ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_rtcp_write_remb (1, 1, ssrcs, 256, buf, sizeof buf, &n),
      ==, TC_ERR_INVALID_ARG);
}

/* Every builder: each capacity below the packet size is TC_ERR_TOO_LARGE
 * with *written 0, and exactly the size works. */
static void
test_reports_too_large_for_every_short_buffer (void)
{
  static const uint16_t seqs[] = {1, 2, 40};
  static const int64_t arrivals[] = {641000, 642000, -1, 643250};
  tc_rtcp_sr sr = chrome_sr_values ();
  tc_rtcp_rr rr = {.report_count = 1, .reports = {chrome_block}};
  tc_rtcp_bye bye = {.ssrc_count = 1, .reason = (const uint8_t *) "x",
      .reason_len = 1};
  tc_rtcp_fir_entry fir = {0};
  uint32_t ssrc = 1;
  tc_rtcp_twcc_input twcc = {.arrival_us = arrivals, .count = 4};

  for (int which = 0; which < 9; which++) {
    size_t need = 0, n;
    for (size_t cap = 0;; cap++) {
      uint8_t *b = g_malloc (cap + 1);      /* exact-ish size for ASan */
      tc_status st = TC_ERR_INVALID_ARG;
      switch (which) {
        case 0: st = tc_rtcp_write_sr (&sr, b, cap, &n); break;
        case 1: st = tc_rtcp_write_rr (&rr, b, cap, &n); break;
        case 2: st = tc_rtcp_write_sdes_cname (1, "cname", b, cap, &n); break;
        case 3: st = tc_rtcp_write_bye (&bye, b, cap, &n); break;
        case 4: st = tc_rtcp_write_nack (1, 2, seqs, 3, b, cap, &n); break;
        case 5: st = tc_rtcp_write_pli (1, 2, b, cap, &n); break;
        case 6: st = tc_rtcp_write_fir (1, &fir, 1, b, cap, &n); break;
        case 7: st = tc_rtcp_write_remb (1, 5, &ssrc, 1, b, cap, &n); break;
        case 8: st = tc_rtcp_write_twcc (&twcc, b, cap, &n); break;
      }
      g_free (b);
      if (st == TC_OK) {
        need = n;
        g_assert_cmpuint (need, ==, cap);
        break;
      }
      g_assert_cmpint (st, ==, TC_ERR_TOO_LARGE);
      g_assert_cmpuint (n, ==, 0);
    }
    g_assert_cmpuint (need % 4, ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp/build/writes-a-sender-report-byte-for-byte",
      test_writes_a_sender_report_byte_for_byte);
  g_test_add_func ("/rtcp/build/writes-chromes-rr-and-sdes-in-compound-order",
      test_writes_chromes_rr_and_sdes_in_compound_order);
  g_test_add_func ("/rtcp/build/orders-a-full-compound-reports-sdes-feedback-bye",
      test_orders_a_full_compound_reports_sdes_feedback_bye);
  g_test_add_func ("/rtcp/build/keeps-the-callers-order-in-reduced-size-mode",
      test_keeps_the_callers_order_in_reduced_size_mode);
  g_test_add_func ("/rtcp/build/refuses-a-compound-rfc-3550-forbids",
      test_refuses_a_compound_rfc_3550_forbids);
  g_test_add_func ("/rtcp/build/writes-nack-pairs-byte-for-byte",
      test_writes_nack_pairs_byte_for_byte);
  g_test_add_func ("/rtcp/build/packs-nack-sequence-numbers-across-the-wrap",
      test_packs_nack_sequence_numbers_across_the_wrap);
  g_test_add_func ("/rtcp/build/packs-unordered-and-duplicate-nack-input-correctly",
      test_packs_unordered_and_duplicate_nack_input_correctly);
  g_test_add_func ("/rtcp/build/writes-pli-fir-remb-and-bye-byte-for-byte",
      test_writes_pli_fir_remb_and_bye_byte_for_byte);
  g_test_add_func ("/rtcp/build/rounds-remb-bitrates-down-to-the-mantissa",
      test_rounds_remb_bitrates_down_to_the_mantissa);
  g_test_add_func ("/rtcp/build/round-trips-sdes-chunks-and-a-bye-without-reason",
      test_round_trips_sdes_chunks_and_a_bye_without_reason);
  g_test_add_func ("/rtcp/build/round-trips-reports-with-31-blocks",
      test_round_trips_reports_with_31_blocks);
  g_test_add_func ("/rtcp/build/writes-transport-cc-byte-for-byte",
      test_writes_transport_cc_byte_for_byte);
  g_test_add_func ("/rtcp/build/rebuilds-chromes-transport-cc-from-its-arrival-times",
      test_rebuilds_chromes_transport_cc_from_its_arrival_times);
  g_test_add_func ("/rtcp/build/quantizes-transport-cc-deltas-without-drift",
      test_quantizes_transport_cc_deltas_without_drift);
  g_test_add_func ("/rtcp/build/uses-run-length-chunks-for-long-losses-and-large-deltas",
      test_uses_run_length_chunks_for_long_losses_and_large_deltas);
  g_test_add_func ("/rtcp/build/refuses-transport-cc-deltas-over-16-bits",
      test_refuses_transport_cc_deltas_over_16_bits);
  g_test_add_func ("/rtcp/build/writes-transport-cc-with-every-packet-lost",
      test_writes_transport_cc_with_every_packet_lost);
  g_test_add_func ("/rtcp/build/refuses-unencodable-rtcp-values",
      test_refuses_unencodable_rtcp_values);
  g_test_add_func ("/rtcp/build/reports-too-large-for-every-short-buffer",
      test_reports_too_large_for_every_short_buffer);
  return g_test_run ();
}
