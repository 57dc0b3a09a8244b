/* test_history.c - send-side packet history and RTX (RFC 4588). */
#include <glib.h>
#include <string.h>

#include "rtp/history.h"

#define MS 1000

/* A minimal RTP packet: 12-byte header (PT 96, SSRC 0x0a0b0c0d) + payload
 * bytes equal to the low byte of seq. */
static guint8 *
rtp_packet (guint16 seq, size_t payload, size_t *len)
{
  *len = 12 + payload;
  guint8 *b = g_malloc0 (*len);
  b[0] = 0x80;                       /* V=2 */
  b[1] = 96;                         /* M=0 PT=96 */
  b[2] = (guint8) (seq >> 8);
  b[3] = (guint8) seq;
  b[8] = 0x0a, b[9] = 0x0b, b[10] = 0x0c, b[11] = 0x0d;
  memset (b + 12, seq & 0xff, payload);
  return b;
}

static tc_rtp_history *
history (size_t packets, size_t bytes, int64_t age_us)
{
  tc_rtp_history_config cfg = {
    .max_packets = packets, .max_bytes = bytes, .max_age_us = age_us,
  };
  tc_rtp_history *h = tc_rtp_history_new (&cfg);
  g_assert_nonnull (h);
  return h;
}

static void
put (tc_rtp_history *h, guint16 seq, size_t payload, int64_t now_us)
{
  size_t len;
  guint8 *b = rtp_packet (seq, payload, &len);
  g_assert_cmpint (tc_rtp_history_put (h, b, len, now_us), ==, TC_OK);
  g_free (b);
}

static gboolean
has (const tc_rtp_history *h, guint16 seq, int64_t now_us)
{
  size_t len = 0;
  const guint8 *b = tc_rtp_history_get (h, seq, now_us, &len);
  if (b == NULL)
    return FALSE;
  g_assert_cmpuint (len, >=, 12);
  g_assert_cmpuint ((guint16) ((b[2] << 8) | b[3]), ==, seq);
  return TRUE;
}

static void
test_answers_nack_for_kept_packets_and_not_for_evicted_ones (void)
{
  tc_rtp_history *h = history (4, 1 << 20, 0);
  for (guint16 s = 10; s < 16; s++)
    put (h, s, 100, 0);
  g_assert_cmpuint (tc_rtp_history_count (h), ==, 4);
  static const struct {
    guint16 seq;
    gboolean kept;
  } cases[] = {
    {9, FALSE},   /* never sent */
    {10, FALSE},  /* evicted: only the last 4 are kept */
    {11, FALSE},
    {12, TRUE},
    {15, TRUE},
    {16, FALSE},  /* not sent yet */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (has (h, cases[i].seq, 0), ==, cases[i].kept);

  size_t len;
  const guint8 *b = tc_rtp_history_get (h, 13, 0, &len);
  g_assert_cmpuint (len, ==, 112);
  g_assert_cmpuint (b[12], ==, 13);
  tc_rtp_history_free (h);
}

static void
test_finds_packets_across_the_seq_wrap (void)
{
  tc_rtp_history *h = history (8, 1 << 20, 0);
  for (guint32 s = 65533; s < 65533 + 6; s++)
    put (h, (guint16) s, 10, 0);
  static const guint16 kept[] = {65533, 65534, 65535, 0, 1, 2};
  for (size_t i = 0; i < G_N_ELEMENTS (kept); i++)
    g_assert_true (has (h, kept[i], 0));
  g_assert_false (has (h, 3, 0));
  g_assert_false (has (h, 65532, 0));
  tc_rtp_history_free (h);
}

static void
test_finds_packets_when_the_stream_skips_seqs (void)
{
  tc_rtp_history *h = history (8, 1 << 20, 0);
  static const guint16 sent[] = {100, 102, 103, 110};
  for (size_t i = 0; i < G_N_ELEMENTS (sent); i++)
    put (h, sent[i], 10, 0);
  for (size_t i = 0; i < G_N_ELEMENTS (sent); i++)
    g_assert_true (has (h, sent[i], 0));
  g_assert_false (has (h, 101, 0));
  g_assert_false (has (h, 104, 0));
  tc_rtp_history_free (h);
}

static void
test_keeps_within_its_byte_budget (void)
{
  /* Each packet is 112 bytes; 350 bytes hold three. */
  tc_rtp_history *h = history (100, 350, 0);
  for (guint16 s = 0; s < 10; s++) {
    put (h, s, 100, 0);
    g_assert_cmpuint (tc_rtp_history_bytes (h), <=, 350);
  }
  g_assert_cmpuint (tc_rtp_history_count (h), ==, 3);
  g_assert_false (has (h, 6, 0));
  g_assert_true (has (h, 7, 0));
  g_assert_true (has (h, 9, 0));

  size_t len;
  guint8 *big = rtp_packet (10, 400, &len);
  g_assert_cmpint (tc_rtp_history_put (h, big, len, 0), ==, TC_ERR_TOO_LARGE);
  g_free (big);
  tc_rtp_history_free (h);
}

static void
test_drops_and_refuses_packets_older_than_max_age (void)
{
  tc_rtp_history *h = history (100, 1 << 20, 1000 * MS);
  put (h, 1, 10, 0);
  put (h, 2, 10, 500 * MS);
  g_assert_true (has (h, 1, 1000 * MS));   /* exactly max age: still kept */
  g_assert_false (has (h, 1, 1001 * MS));  /* too old to answer */
  g_assert_true (has (h, 2, 1001 * MS));
  tc_rtp_history_expire (h, 1200 * MS);
  g_assert_cmpuint (tc_rtp_history_count (h), ==, 1);
  put (h, 3, 10, 2000 * MS);               /* put expires too */
  g_assert_cmpuint (tc_rtp_history_count (h), ==, 1);
  g_assert_true (has (h, 3, 2000 * MS));
  tc_rtp_history_free (h);
}

static void
test_refuses_non_rtp_and_seqs_that_go_back (void)
{
  tc_rtp_history *h = history (8, 1 << 20, 0);
  static const guint8 short_pkt[] = {0x80, 96, 0, 1};
  static const guint8 v1[12] = {0x40, 96, 0, 1};
  g_assert_cmpint (tc_rtp_history_put (h, short_pkt, sizeof short_pkt, 0), ==,
      TC_ERR_PARSE);
  g_assert_cmpint (tc_rtp_history_put (h, v1, sizeof v1, 0), ==, TC_ERR_PARSE);
  put (h, 50, 10, 0);
  size_t len;
  guint8 *same = rtp_packet (50, 10, &len);
  g_assert_cmpint (tc_rtp_history_put (h, same, len, 0), ==,
      TC_ERR_INVALID_ARG);
  g_free (same);
  guint8 *older = rtp_packet (49, 10, &len);
  g_assert_cmpint (tc_rtp_history_put (h, older, len, 0), ==,
      TC_ERR_INVALID_ARG);
  g_free (older);
  tc_rtp_history_clear (h);
  g_assert_cmpuint (tc_rtp_history_count (h), ==, 0);
  put (h, 49, 10, 0);  /* after a clear, any seq starts again */
  tc_rtp_history_free (h);
  tc_rtp_history_free (NULL);
}

static void
test_new_refuses_configs_out_of_range (void)
{
  static const tc_rtp_history_config bad[] = {
    {.max_packets = 0, .max_bytes = 1000},
    {.max_packets = TC_RTP_HISTORY_MAX_PACKETS + 1, .max_bytes = 1000},
    {.max_packets = 10, .max_bytes = 0},
    {.max_packets = 10, .max_bytes = 1000, .max_age_us = -1},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (tc_rtp_history_new (&bad[i]));
  g_assert_null (tc_rtp_history_new (NULL));
}

/* ---- RTX ----------------------------------------------------------------- */

static const guint8 original[] = {
  0xb1,                    /* V=2 P=1 X=1 CC=1 */
  0xe0,                    /* M=1 PT=96 */
  0x12, 0x34,              /* seq 0x1234 */
  0x00, 0x00, 0x0b, 0xb8,  /* timestamp 3000 */
  0xde, 0xad, 0xbe, 0xef,  /* SSRC */
  0x01, 0x02, 0x03, 0x04,  /* CSRC */
  0xbe, 0xde, 0x00, 0x01,  /* RFC 8285 one-byte extensions, 1 word */
  0x10, 0xab, 0x00, 0x00,  /* id 1 len 1 = 0xab, padding */
  0xca, 0xfe,              /* payload */
  0x00, 0x00, 0x03,        /* RTP padding, 3 bytes */
};

static const guint8 want_rtx[] = {
  0x91,                    /* V=2 P=0 (padding dropped) X=1 CC=1 */
  0xe1,                    /* M=1 kept, PT=97 (rtx) */
  0x00, 0x07,              /* RTX seq 7 */
  0x00, 0x00, 0x0b, 0xb8,  /* timestamp kept */
  0x11, 0x22, 0x33, 0x44,  /* RTX SSRC */
  0x01, 0x02, 0x03, 0x04,  /* CSRC kept */
  0xbe, 0xde, 0x00, 0x01,  /* extensions kept */
  0x10, 0xab, 0x00, 0x00,
  0x12, 0x34,              /* OSN: original seq 0x1234 */
  0xca, 0xfe,              /* original payload */
};

static void
test_rtx_prefixes_the_original_seq_and_rewrites_pt_ssrc_seq (void)
{
  guint8 out[64];
  size_t written = 0;
  g_assert_cmpint (tc_rtx_build (original, sizeof original, 97, 0x11223344, 7,
          out, sizeof out, &written), ==, TC_OK);
  g_assert_cmpmem (out, written, want_rtx, sizeof want_rtx);
  g_assert_cmpuint (written, <=, TC_RTX_SIZE (sizeof original));

  g_assert_cmpint (tc_rtx_build (original, sizeof original, 97, 0x11223344, 7,
          out, sizeof want_rtx - 1, &written), ==, TC_ERR_TOO_LARGE);
  g_assert_cmpint (tc_rtx_build (original, sizeof original, 128, 0, 0, out,
          sizeof out, &written), ==, TC_ERR_INVALID_ARG);
}

static void
test_rtx_of_a_history_entry_round_trips_through_unwrap (void)
{
  tc_rtp_history *h = history (8, 1 << 20, 0);
  put (h, 65535, 20, 0);
  size_t len;
  const guint8 *orig = tc_rtp_history_get (h, 65535, 0, &len);
  guint8 out[64];
  size_t written;
  g_assert_cmpint (tc_rtx_build (orig, len, 97, 0x55, 1, out, sizeof out,
          &written), ==, TC_OK);
  g_assert_cmpuint (written, ==, len + 2);
  g_assert_cmpuint (out[12], ==, 0xff);  /* OSN 65535 */
  g_assert_cmpuint (out[13], ==, 0xff);

  /* What a receiver's parser would give for the RTX packet. */
  tc_rtp_packet pkt = {
    .payload_type = 97, .seq = 1, .ssrc = 0x55,
    .payload = out + 12, .payload_len = written - 12,
  };
  g_assert_cmpint (tc_rtx_unwrap (&pkt, 96, 0x0a0b0c0d), ==, TC_OK);
  g_assert_cmpuint (pkt.seq, ==, 65535);
  g_assert_cmpuint (pkt.payload_type, ==, 96);
  g_assert_cmpuint (pkt.ssrc, ==, 0x0a0b0c0d);
  g_assert_cmpmem (pkt.payload, pkt.payload_len, orig + 12, len - 12);

  tc_rtp_packet probe = {.payload = out + 12, .payload_len = 1};
  g_assert_cmpint (tc_rtx_unwrap (&probe, 96, 1), ==, TC_ERR_PARSE);
  tc_rtp_history_free (h);
}

static void
test_rtx_refuses_malformed_originals (void)
{
  static const struct {
    const char *what;
    guint8 bytes[20];
    size_t len;
  } bad[] = {
    {"shorter than a header", {0x80, 96, 0, 1}, 4},
    {"version 1", {0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12},
    {"CC=2 past the end", {0x82, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4},
      16},
    {"X=1 without extension header", {0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},
      12},
    {"extension length past the end",
      {0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x02}, 16},
    {"padding count 0", {0xa0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x00},
      14},
    {"padding past the header",
      {0xa0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0x03}, 14},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    guint8 out[64];
    size_t written;
    g_assert_cmpint (tc_rtx_build (heap, bad[i].len, 97, 1, 1, out,
            sizeof out, &written), ==, TC_ERR_PARSE);
    g_free (heap);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/history/answers-nack-for-kept-packets-and-not-for-evicted-ones",
      test_answers_nack_for_kept_packets_and_not_for_evicted_ones);
  g_test_add_func ("/rtp/history/finds-packets-across-the-seq-wrap",
      test_finds_packets_across_the_seq_wrap);
  g_test_add_func ("/rtp/history/finds-packets-when-the-stream-skips-seqs",
      test_finds_packets_when_the_stream_skips_seqs);
  g_test_add_func ("/rtp/history/keeps-within-its-byte-budget",
      test_keeps_within_its_byte_budget);
  g_test_add_func ("/rtp/history/drops-and-refuses-packets-older-than-max-age",
      test_drops_and_refuses_packets_older_than_max_age);
  g_test_add_func ("/rtp/history/refuses-non-rtp-and-seqs-that-go-back",
      test_refuses_non_rtp_and_seqs_that_go_back);
  g_test_add_func ("/rtp/history/new-refuses-configs-out-of-range",
      test_new_refuses_configs_out_of_range);
  g_test_add_func ("/rtp/rtx/prefixes-the-original-seq-and-rewrites-pt-ssrc-seq",
      test_rtx_prefixes_the_original_seq_and_rewrites_pt_ssrc_seq);
  g_test_add_func ("/rtp/rtx/history-entry-round-trips-through-unwrap",
      test_rtx_of_a_history_entry_round_trips_through_unwrap);
  g_test_add_func ("/rtp/rtx/refuses-malformed-originals",
      test_rtx_refuses_malformed_originals);
  return g_test_run ();
}
