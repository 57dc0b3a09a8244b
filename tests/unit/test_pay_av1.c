/* test_pay_av1.c - the AV1 payload format (AV1 RTP specification v1.0)
 * against the spec, with hand-made OBUs. Real encoder output goes through
 * it in tests/unit/gst/test_pay_av1_decode.c. */
#include <glib.h>
#include <string.h>

#include "rtp/jitter.h"
#include "rtp/pay_av1.h"
#include "rtp_fixtures.h"

static const tc_payloader *av1 = &tc_payloader_av1;

/* ---- Hand-made OBUs ------------------------------------------------------ */

/* sequence_header_obu payload, bit by bit (AV1 section 5.5):
 *   seq_profile 000, still_picture 0, reduced_still_picture_header 0,
 *   timing_info_present_flag 0, initial_display_delay_present_flag 0,
 *   operating_points_cnt_minus_1 00000, operating_point_idc[0] 0 (12 bits),
 *   seq_level_idx[0] 01000 (4.0, > 7 so seq_tier follows) seq_tier 0,
 *   frame_width_bits_minus_1 1001, frame_height_bits_minus_1 1000,
 *   max_frame_width_minus_1 0100111111 (319),
 *   max_frame_height_minus_1 011101111 (239), then zero bits. */
static const guint8 seq_320x240[] = {
  0x00, 0x00, 0x00, 0x42, 0x61, 0x3f, 0x77, 0x80,
};

/* OBU header bytes with obu_has_size_field = 1 (type << 3 | 0x02). */
#define H_SEQ 0x0a
#define H_TD 0x12
#define H_FRAME_HEADER 0x1a
#define H_TILE_GROUP 0x22
#define H_METADATA 0x2a
#define H_FRAME 0x32
#define H_TILE_LIST 0x42
#define H_PADDING 0x7a
/* First byte of a frame header: show_existing_frame 0, frame_type (2 bits),
 * show_frame 1. */
#define KEY_FRAME_BYTE 0x10
#define INTER_FRAME_BYTE 0x30

/* Appends an OBU with header `h` (size field set when `h` has 0x02) and a
 * payload of `len` bytes: `first`, then bytes from `seed`. */
static void
add_obu (GByteArray *tu, guint8 h, guint8 first, size_t len, guint8 seed)
{
  g_byte_array_append (tu, &h, 1);
  if (h & 0x02) {
    guint8 leb[8];
    size_t n = tc_av1_leb128_write ((guint32) len, leb);
    g_byte_array_append (tu, leb, (guint) n);
  }
  guint32 x = seed * 2654435761u + 7;
  for (size_t i = 0; i < len; i++) {
    x = x * 1103515245u + 12345u;
    guint8 b = i == 0 ? first : (guint8) (x >> 16);
    g_byte_array_append (tu, &b, 1);
  }
}

static void
add_bytes (GByteArray *tu, guint8 h, const guint8 *payload, size_t len)
{
  guint8 head[2] = {h, (guint8) len};
  g_byte_array_append (tu, head, 2);
  g_byte_array_append (tu, payload, (guint) len);
}

static const guint8 td[] = {H_TD, 0x00};

/* A TU: temporal delimiter, sequence header when `with_seq`, one frame OBU
 * of `frame_len` payload bytes. */
static GBytes *
make_tu (gboolean with_seq, gboolean key, size_t frame_len, guint8 seed)
{
  GByteArray *tu = g_byte_array_new ();
  g_byte_array_append (tu, td, sizeof td);
  if (with_seq)
    add_bytes (tu, H_SEQ, seq_320x240, sizeof seq_320x240);
  add_obu (tu, H_FRAME, key ? KEY_FRAME_BYTE : INTER_FRAME_BYTE, frame_len,
      seed);
  return g_byte_array_free_to_bytes (tu);
}

static void
pay (void *st, GBytes *tu, size_t mtu, packets *out)
{
  packetize (av1, st, tu, mtu, out);
}

/* Feeds raw bytes (copied to the heap, so ASan sees reads past `len`). */
static tc_status
feed_raw (void *st, const guint8 *bytes, size_t len, guint16 seq,
    guint32 ts, gboolean marker, frames *out)
{
  guint8 *heap = g_memdup2 (bytes, len);
  tc_rtp_packet pkt = {
    .seq = seq, .timestamp = ts, .marker = marker,
    .payload = heap, .payload_len = len,
  };
  tc_status rc = av1->depayload (st, &pkt, frames_collect, out);
  g_free (heap);
  return rc;
}

static void
assert_packet (const packets *p, guint i, const guint8 *want, size_t len,
    gboolean marker)
{
  size_t n;
  const guint8 *d = packets_data (p, i, &n);
  g_assert_cmpmem (d, n, want, len);
  g_assert_cmpint (g_array_index (p->markers, gboolean, i), ==, marker);
}

/* ---- LEB128 (AV1 section 4.10.5) ----------------------------------------- */

static void
test_leb128_reads_and_writes_the_spec_encodings (void)
{
  static const struct {
    guint32 value;
    guint8 bytes[5];
    size_t len;
  } v[] = {
    {0, {0x00}, 1},
    {1, {0x01}, 1},
    {127, {0x7f}, 1},
    {128, {0x80, 0x01}, 2},
    {300, {0xac, 0x02}, 2},
    {16383, {0xff, 0x7f}, 2},
    {16384, {0x80, 0x80, 0x01}, 3},
    {UINT32_MAX, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (v); i++) {
    guint8 out[8];
    guint32 got;
    size_t used;
    g_assert_cmpuint (tc_av1_leb128_size (v[i].value), ==, v[i].len);
    g_assert_cmpuint (tc_av1_leb128_write (v[i].value, out), ==, v[i].len);
    g_assert_cmpmem (out, v[i].len, v[i].bytes, v[i].len);
    g_assert_cmpint (tc_av1_leb128_read (v[i].bytes, v[i].len, &got, &used),
        ==, TC_OK);
    g_assert_cmpuint (got, ==, v[i].value);
    g_assert_cmpuint (used, ==, v[i].len);
  }
  /* A padded encoding (allowed by AV1) reads the same: 1 in 3 bytes. */
  static const guint8 padded[] = {0x81, 0x80, 0x00};
  guint32 got;
  size_t used;
  g_assert_cmpint (tc_av1_leb128_read (padded, 3, &got, &used), ==, TC_OK);
  g_assert_cmpuint (got, ==, 1);
  g_assert_cmpuint (used, ==, 3);
}

static void
test_leb128_refuses_cut_overlong_and_oversized_values (void)
{
  static const struct {
    const char *what;
    guint8 bytes[9];
    size_t len;
  } bad[] = {
    {"empty", {0}, 0},
    {"continuation bit on the last byte", {0x80}, 1},
    {"two bytes, both continuing", {0xff, 0xff}, 2},
    {"nine bytes (AV1 stops at eight)",
      {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 9},
    {"2^32 does not fit 32 bits", {0x80, 0x80, 0x80, 0x80, 0x10}, 5},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    guint32 v;
    size_t used;
    g_assert_cmpint (tc_av1_leb128_read (heap, bad[i].len, &v, &used), ==,
        TC_ERR_PARSE);
    g_free (heap);
  }
}

/* ---- What a TU says ------------------------------------------------------ */

static void
test_tu_info_reads_size_keyframe_and_layer_ids (void)
{
  GBytes *key = make_tu (TRUE, TRUE, 30, 1);
  gsize n;
  const guint8 *d = g_bytes_get_data (key, &n);
  tc_av1_tu_info info;
  g_assert_cmpint (tc_av1_tu_info_read (d, n, &info), ==, TC_OK);
  g_assert_true (info.has_sequence_header);
  g_assert_true (info.keyframe);
  g_assert_cmpuint (info.width, ==, 320);
  g_assert_cmpuint (info.height, ==, 240);

  /* A key frame without its sequence header cannot start decoding. */
  GBytes *bare = make_tu (FALSE, TRUE, 30, 2);
  d = g_bytes_get_data (bare, &n);
  g_assert_cmpint (tc_av1_tu_info_read (d, n, &info), ==, TC_OK);
  g_assert_false (info.has_sequence_header);
  g_assert_false (info.keyframe);
  g_assert_cmpuint (info.width, ==, 0);

  /* An inter frame OBU with an extension: temporal_id 2, spatial_id 0. */
  GByteArray *tu = g_byte_array_new ();
  static const guint8 ext_frame[] = {
    0x36,        /* type 6 (frame), E = 1, S = 1 */
    0x40,        /* temporal_id 010, spatial_id 00 */
    0x02,        /* obu_size 2 */
    INTER_FRAME_BYTE, 0x00,
  };
  g_byte_array_append (tu, td, sizeof td);
  g_byte_array_append (tu, ext_frame, sizeof ext_frame);
  g_assert_cmpint (tc_av1_tu_info_read (tu->data, tu->len, &info), ==, TC_OK);
  g_assert_cmpuint (info.temporal_id, ==, 2);
  g_assert_cmpuint (info.spatial_id, ==, 0);
  g_assert_false (info.keyframe);

  /* A sequence header cut before its frame size is refused. */
  static const guint8 cut_seq[] = {H_SEQ, 3, 0x00, 0x00, 0x00};
  g_assert_cmpint (tc_av1_tu_info_read (cut_seq, sizeof cut_seq, &info), ==,
      TC_ERR_PARSE);
  /* So is an OBU whose size runs past the end. */
  static const guint8 long_obu[] = {H_FRAME, 9, 0x10};
  g_assert_cmpint (tc_av1_tu_info_read (long_obu, sizeof long_obu, &info),
      ==, TC_ERR_PARSE);

  g_byte_array_unref (tu);
  g_bytes_unref (key);
  g_bytes_unref (bare);
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
test_payload_aggregates_sequence_header_and_frame_in_one_packet (void)
{
  void *st = av1->state_new ();
  GBytes *tu = make_tu (TRUE, TRUE, 20, 3);
  packets p;
  packets_init (&p);
  pay (st, tu, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);

  gsize n;
  const guint8 *d = g_bytes_get_data (tu, &n);
  guint8 want[64];
  size_t w = 0;
  want[w++] = 0x28;          /* Z=0 Y=0 W=2 N=1: two elements, new sequence */
  want[w++] = 9;             /* length of element 1 */
  want[w++] = 0x08;          /* sequence header, obu_has_size_field = 0 */
  memcpy (want + w, seq_320x240, sizeof seq_320x240);
  w += sizeof seq_320x240;
  want[w++] = 0x30;          /* frame OBU, size field dropped, no length:
                              * the last of W elements */
  memcpy (want + w, d + n - 20, 20);  /* its payload, as the encoder gave */
  w += 20;
  assert_packet (&p, 0, want, w, TRUE);

  packets_clear (&p);
  g_bytes_unref (tu);
  av1->state_free (st);
}

static void
test_payload_gives_every_element_a_length_beyond_three (void)
{
  void *st = av1->state_new ();
  GByteArray *tu = g_byte_array_new ();
  g_byte_array_append (tu, td, sizeof td);
  add_obu (tu, H_METADATA, 0x01, 3, 4);
  add_obu (tu, H_FRAME_HEADER, INTER_FRAME_BYTE, 4, 5);
  add_obu (tu, H_TILE_GROUP, 0xaa, 5, 6);
  add_obu (tu, H_TILE_GROUP, 0xbb, 2, 7);
  GBytes *b = g_byte_array_free_to_bytes (tu);
  packets p;
  packets_init (&p);
  pay (st, b, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpuint (d[0], ==, 0x00);  /* W=0 and no N: an inter frame */
  /* Lengths 4, 5, 6, 3 lead the four elements; headers lose 0x02. */
  g_assert_cmpuint (d[1], ==, 4);
  g_assert_cmpuint (d[2], ==, 0x28);
  g_assert_cmpuint (d[6], ==, 5);
  g_assert_cmpuint (d[7], ==, 0x18);
  g_assert_cmpuint (d[12], ==, 6);
  g_assert_cmpuint (d[13], ==, 0x20);
  g_assert_cmpuint (d[19], ==, 3);
  g_assert_cmpuint (d[20], ==, 0x20);
  g_assert_cmpuint (len, ==, 23);
  packets_clear (&p);
  g_bytes_unref (b);
  av1->state_free (st);
}

static void
test_payload_fragments_exactly_at_the_mtu_and_one_byte_over (void)
{
  /* One frame OBU: 1 header byte + 99 payload bytes = a 100-byte element. */
  GBytes *tu = make_tu (FALSE, FALSE, 99, 8);
  gsize n;
  const guint8 *d = g_bytes_get_data (tu, &n);
  const guint8 *obu_payload = d + n - 99;
  void *st = av1->state_new ();
  packets p;

  /* MTU 101: aggregation header + the whole element, W=1. */
  packets_init (&p);
  pay (st, tu, 101, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  const guint8 *pk = packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 101);
  g_assert_cmpuint (pk[0], ==, 0x10);       /* W=1 */
  g_assert_cmpuint (pk[1], ==, 0x30);       /* frame OBU header */
  g_assert_cmpmem (pk + 2, 99, obu_payload, 99);
  g_assert_true (g_array_index (p.markers, gboolean, 0));
  packets_clear (&p);

  /* MTU 100: one byte short. 99 bytes with Y, then the last one with Z. */
  packets_init (&p);
  pay (st, tu, 100, &p);
  g_assert_cmpuint (p.payloads->len, ==, 2);
  pk = packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 100);
  g_assert_cmpuint (pk[0], ==, 0x50);       /* Y=1 W=1 */
  g_assert_cmpuint (pk[1], ==, 0x30);
  g_assert_cmpmem (pk + 2, 98, obu_payload, 98);
  g_assert_false (g_array_index (p.markers, gboolean, 0));
  guint8 last[] = {0x90, obu_payload[98]};  /* Z=1 W=1, the last byte */
  assert_packet (&p, 1, last, sizeof last, TRUE);
  packets_clear (&p);

  g_bytes_unref (tu);
  av1->state_free (st);
}

static void
test_payload_fills_packets_to_the_mtu_across_obus (void)
{
  /* Sequence header (9-byte element + its length) and a 100-byte frame
   * element: 1 + 10 + 100 = 111 bytes. */
  GBytes *tu = make_tu (TRUE, TRUE, 99, 9);
  void *st = av1->state_new ();
  packets p;
  packets_init (&p);
  pay (st, tu, 111, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  packets_clear (&p);

  packets_init (&p);
  pay (st, tu, 110, &p);
  g_assert_cmpuint (p.payloads->len, ==, 2);
  size_t len;
  const guint8 *pk = packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 110);
  g_assert_cmpuint (pk[0], ==, 0x68);       /* Y=1 W=2 N=1 */
  g_assert_cmpuint (pk[1], ==, 9);          /* the sequence header's length */
  pk = packets_data (&p, 1, &len);
  g_assert_cmpuint (len, ==, 2);
  g_assert_cmpuint (pk[0], ==, 0x90);       /* Z=1 W=1, N only once */
  packets_clear (&p);

  /* 5000 bytes at MTU 1200: every packet but the last is full. */
  GBytes *big = make_tu (FALSE, FALSE, 5000, 10);
  packets_init (&p);
  pay (st, big, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 5);
  for (guint i = 0; i < p.payloads->len; i++) {
    pk = packets_data (&p, i, &len);
    if (i + 1 < p.payloads->len)
      g_assert_cmpuint (len, ==, 1200);
    g_assert_cmpuint (pk[0] & 0x80, ==, i > 0 ? 0x80 : 0);           /* Z */
    g_assert_cmpuint (pk[0] & 0x40, ==, i + 1 < p.payloads->len ? 0x40 : 0);
    g_assert_cmpint (g_array_index (p.markers, gboolean, i), ==,
        i + 1 == p.payloads->len);
  }
  packets_clear (&p);

  g_bytes_unref (big);
  g_bytes_unref (tu);
  av1->state_free (st);
}

static void
test_payload_drops_temporal_delimiters_padding_and_tile_lists (void)
{
  void *st = av1->state_new ();
  GByteArray *tu = g_byte_array_new ();
  g_byte_array_append (tu, td, sizeof td);
  add_obu (tu, H_PADDING, 0x00, 6, 11);
  add_obu (tu, H_TILE_LIST, 0x00, 4, 12);
  add_obu (tu, H_FRAME, INTER_FRAME_BYTE, 3, 13);
  GBytes *b = g_byte_array_free_to_bytes (tu);
  packets p;
  packets_init (&p);
  pay (st, b, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  const guint8 *pk = packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 5);  /* header, frame OBU header, 3 bytes */
  g_assert_cmpuint (pk[0], ==, 0x10);
  g_assert_cmpuint (pk[1], ==, 0x30);
  packets_clear (&p);
  g_bytes_unref (b);

  /* A TU with nothing to send is refused, like an empty frame. */
  g_assert_cmpint (av1->payload (st, td, sizeof td, FALSE, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (av1->payload (st, td, 0, FALSE, 1200, packets_collect,
          &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (av1->payload (st, td, sizeof td, FALSE, 1,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  /* Malformed encoder output (forbidden bit; a size past the end). */
  static const guint8 forbidden[] = {0xb2, 0x01, 0x00};
  static const guint8 past_end[] = {H_FRAME, 0x05, 0x30};
  g_assert_cmpint (av1->payload (st, forbidden, sizeof forbidden, FALSE, 1200,
          packets_collect, &p), ==, TC_ERR_PARSE);
  g_assert_cmpint (av1->payload (st, past_end, sizeof past_end, FALSE, 1200,
          packets_collect, &p), ==, TC_ERR_PARSE);
  av1->state_free (st);
}

static void
test_payload_puts_the_last_sequence_header_into_keyframes_without_one (void)
{
  void *st = av1->state_new ();
  packets p;

  /* A fresh sender has no sequence header: a bare keyframe gets N=0. */
  GBytes *bare_key = make_tu (FALSE, TRUE, 10, 14);
  packets_init (&p);
  pay (st, bare_key, 1200, &p);
  size_t len;
  const guint8 *pk = packets_data (&p, 0, &len);
  g_assert_cmpuint (pk[0], ==, 0x10);
  packets_clear (&p);

  GBytes *key = make_tu (TRUE, TRUE, 10, 15);
  GBytes *inter = make_tu (FALSE, FALSE, 10, 16);
  packets_init (&p);
  pay (st, key, 1200, &p);
  pay (st, inter, 1200, &p);
  pay (st, bare_key, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 3);
  g_assert_cmpuint (packets_data (&p, 0, &len)[0], ==, 0x28);  /* N=1 W=2 */
  g_assert_cmpuint (packets_data (&p, 1, &len)[0], ==, 0x10);  /* N=0 W=1 */
  pk = packets_data (&p, 2, &len);
  g_assert_cmpuint (pk[0], ==, 0x28);       /* the header was put back */
  g_assert_cmpuint (pk[1], ==, 9);
  g_assert_cmpuint (pk[2], ==, 0x08);
  g_assert_cmpmem (pk + 3, sizeof seq_320x240, seq_320x240,
      sizeof seq_320x240);
  packets_clear (&p);

  g_bytes_unref (bare_key);
  g_bytes_unref (key);
  g_bytes_unref (inter);
  av1->state_free (st);
}

static tc_status
refuse_second (const guint8 *payload, size_t len, bool marker, void *ud)
{
  int *calls = ud;
  return ++*calls == 2 ? TC_ERR_CLOSED : TC_OK;
}

static void
test_payload_stops_when_the_sender_refuses (void)
{
  void *st = av1->state_new ();
  GBytes *tu = make_tu (FALSE, FALSE, 3000, 17);
  gsize n;
  const guint8 *d = g_bytes_get_data (tu, &n);
  int calls = 0;
  g_assert_cmpint (av1->payload (st, d, n, FALSE, 1000, refuse_second,
          &calls), ==, TC_ERR_CLOSED);
  g_assert_cmpint (calls, ==, 2);
  g_bytes_unref (tu);
  av1->state_free (st);
}

/* ---- Depacketizer -------------------------------------------------------- */

/* Sends each TU through a payloader at `mtu` and a depayloader and checks
 * that what comes out is the TU (all OBUs had size fields and a temporal
 * delimiter led, as in the encoder's output). */
static void
test_depayload_restores_the_temporal_unit_byte_identical (void)
{
  void *tx = av1->state_new ();
  void *rx = av1->state_new ();
  static const size_t mtus[] = {2, 3, 11, 100, 1200};
  guint16 seq = 65530;  /* across the 16-bit wrap */
  guint32 ts = 0;
  for (size_t m = 0; m < G_N_ELEMENTS (mtus); m++) {
    GBytes *tus[] = {
      make_tu (TRUE, TRUE, 2500, 18),
      make_tu (FALSE, FALSE, 700, 19),
      make_tu (FALSE, FALSE, 1, 20),
    };
    frames f;
    frames_init (&f);
    for (size_t t = 0; t < G_N_ELEMENTS (tus); t++) {
      packets p;
      packets_init (&p);
      pay (tx, tus[t], mtus[m], &p);
      ts += 3000;
      for (guint i = 0; i < p.payloads->len; i++)
        g_assert_cmpint (depayload_one (av1, rx, &p, i, seq++, ts, &f), ==, TC_OK);
      packets_clear (&p);
    }
    g_assert_cmpuint (frames_count (&f), ==, G_N_ELEMENTS (tus));
    for (size_t t = 0; t < G_N_ELEMENTS (tus); t++) {
      frames_assert_equal (&f, (guint) t, tus[t]);
      g_assert_cmpint (g_array_index (f.keyframes, gboolean, t), ==, t == 0);
      g_bytes_unref (tus[t]);
    }
    frames_clear (&f);
  }
  av1->state_free (tx);
  av1->state_free (rx);
}

static void
test_depayload_accepts_obus_that_keep_their_size_field (void)
{
  /* W=1; the OBU has obu_has_size_field = 1 and obu_size 2. */
  static const guint8 pkt[] = {0x10, H_FRAME, 0x02, INTER_FRAME_BYTE, 0x55};
  static const guint8 want[] = {
    H_TD, 0x00, H_FRAME, 0x02, INTER_FRAME_BYTE, 0x55,
  };
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);
  g_assert_cmpint (feed_raw (rx, pkt, sizeof pkt, 1, 90, TRUE, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  GBytes *w = g_bytes_new_static (want, sizeof want);
  frames_assert_equal (&f, 0, w);
  g_bytes_unref (w);

  /* An obu_size that disagrees with the element length is refused. */
  static const guint8 bad[] = {0x10, H_FRAME, 0x03, INTER_FRAME_BYTE, 0x55};
  g_assert_cmpint (feed_raw (rx, bad, sizeof bad, 2, 180, TRUE, &f), ==,
      TC_ERR_PARSE);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  frames_clear (&f);
  av1->state_free (rx);
}

static void
test_depayload_joins_an_obu_split_inside_its_header (void)
{
  /* A frame OBU with an extension: the first packet ends after its first
   * header byte (Y), the second brings the extension byte and payload. */
  static const guint8 p1[] = {0x50, 0x34};
  static const guint8 p2[] = {0x90, 0x40, INTER_FRAME_BYTE, 0x01};
  static const guint8 want[] = {
    H_TD, 0x00, 0x36, 0x40, 0x02, INTER_FRAME_BYTE, 0x01,
  };
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);
  g_assert_cmpint (feed_raw (rx, p1, sizeof p1, 7, 900, FALSE, &f), ==,
      TC_OK);
  g_assert_cmpint (feed_raw (rx, p2, sizeof p2, 8, 900, TRUE, &f), ==,
      TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  GBytes *w = g_bytes_new_static (want, sizeof want);
  frames_assert_equal (&f, 0, w);
  g_bytes_unref (w);

  /* And the payloader splits there too when the MTU says so: a packet of
   * the aggregation header and one byte. */
  void *tx = av1->state_new ();
  GBytes *tu = g_bytes_new_static (want, sizeof want);
  packets p;
  packets_init (&p);
  pay (tx, tu, 2, &p);
  g_assert_cmpuint (p.payloads->len, ==, 4);  /* 2 header + 2 payload bytes */
  size_t len;
  g_assert_cmpuint (packets_data (&p, 0, &len)[1], ==, 0x34);
  for (guint i = 0; i < p.payloads->len; i++)
    g_assert_cmpint (depayload_one (av1, rx, &p, i, (guint16) (9 + i), 1800,
            &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 2);
  frames_assert_equal (&f, 1, tu);
  packets_clear (&p);
  g_bytes_unref (tu);
  av1->state_free (tx);
  frames_clear (&f);
  av1->state_free (rx);
}

static void
test_depayload_drops_a_frame_missing_a_middle_packet (void)
{
  GBytes *key = make_tu (TRUE, TRUE, 5000, 21);
  GBytes *delta = make_tu (FALSE, FALSE, 2000, 22);
  assert_a_lost_packet_drops_only_its_frame (av1, key, delta, 2);
  g_bytes_unref (key);
  g_bytes_unref (delta);
}

static void
test_depayload_never_starts_a_tu_at_a_later_obu_after_a_loss (void)
{
  /* One TU in three packets, each starting a new OBU (Z=0): a frame
   * header, then two tile groups. */
  static const guint8 p1[] = {0x10, 0x18, INTER_FRAME_BYTE, 0x01};
  static const guint8 p2[] = {0x10, 0x20, 0xaa, 0xbb};
  static const guint8 p3[] = {0x10, 0x20, 0xcc};
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);

  /* All three: one TU of three OBUs. */
  feed_raw (rx, p1, sizeof p1, 10, 900, FALSE, &f);
  feed_raw (rx, p2, sizeof p2, 11, 900, FALSE, &f);
  feed_raw (rx, p3, sizeof p3, 12, 900, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 1);

  /* First lost: a tile group cannot begin a TU. */
  feed_raw (rx, p2, sizeof p2, 21, 1800, FALSE, &f);
  feed_raw (rx, p3, sizeof p3, 22, 1800, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 1);

  /* Middle lost. */
  feed_raw (rx, p1, sizeof p1, 30, 2700, FALSE, &f);
  feed_raw (rx, p3, sizeof p3, 32, 2700, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 1);

  /* And the stream recovers at the next TU. */
  feed_raw (rx, p1, sizeof p1, 33, 3600, FALSE, &f);
  feed_raw (rx, p2, sizeof p2, 34, 3600, FALSE, &f);
  feed_raw (rx, p3, sizeof p3, 35, 3600, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 2);
  frames_clear (&f);
  av1->state_free (rx);
}

static void
test_depayload_ends_a_tu_only_at_the_marker (void)
{
  static const guint8 a[] = {0x10, 0x30, INTER_FRAME_BYTE, 0x01};
  static const guint8 b[] = {0x10, 0x30, INTER_FRAME_BYTE, 0x02};
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);
  /* No marker: nothing yet. */
  g_assert_cmpint (feed_raw (rx, a, sizeof a, 1, 100, FALSE, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  /* The timestamp moves on: the TU without its marker is dropped, the new
   * one comes out at its marker. */
  g_assert_cmpint (feed_raw (rx, b, sizeof b, 2, 200, TRUE, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  g_assert_cmpuint (g_array_index (f.timestamps, guint32, 0), ==, 200);
  gsize n;
  const guint8 *d = g_bytes_get_data (g_ptr_array_index (f.data, 0), &n);
  g_assert_cmpuint (n, ==, 2 + 2 + 2);
  g_assert_cmpuint (d[n - 1], ==, 0x02);

  /* A fragment still open at the marker: malformed, nothing out. */
  static const guint8 open[] = {0x50, 0x30, INTER_FRAME_BYTE};
  g_assert_cmpint (feed_raw (rx, open, sizeof open, 3, 300, TRUE, &f), ==,
      TC_ERR_PARSE);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  frames_clear (&f);
  av1->state_free (rx);
}

static void
test_depayload_rejects_malformed_payloads_without_output (void)
{
  static const struct {
    const char *what;
    guint8 bytes[8];
    size_t len;
  } bad[] = {
    {"empty payload", {0}, 0},
    {"aggregation header only", {0x10}, 1},
    {"N=1 with Z=1: a sequence cannot start mid-OBU", {0x98, 0x30, 0x10}, 3},
    {"W=0, LEB128 length cut", {0x00, 0x80}, 2},
    {"W=0, element length past the end", {0x00, 0x05, 0x30, 0x10}, 4},
    {"W=0, zero-length element", {0x00, 0x00, 0x02, 0x30, 0x10}, 5},
    {"W=2 but only one element", {0x20, 0x02, 0x30, 0x10}, 4},
    {"W=3, second element length past the end",
      {0x30, 0x01, 0x30, 0x09, 0x30}, 5},
    {"OBU forbidden bit set", {0x10, 0xb0, 0x10}, 3},
    {"OBU extension flag without the extension byte", {0x10, 0x34}, 2},
    {"obu_size past the element", {0x10, 0x32, 0x07, 0x10}, 4},
  };
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    g_assert_cmpint (feed_raw (rx, bad[i].bytes, bad[i].len, (guint16) i,
            (guint32) i * 3000, TRUE, &f), ==, TC_ERR_PARSE);
  }
  g_assert_cmpuint (frames_count (&f), ==, 0);

  /* Z on the first packet of a TU with no fragment before it: loss as the
   * receiver sees it, not an error; nothing comes out. */
  static const guint8 z_first[] = {0x90, 0x30, 0x10};
  g_assert_cmpint (feed_raw (rx, z_first, sizeof z_first, 50, 99000, TRUE,
          &f), ==, TC_OK);
  /* Z in the middle of a TU whose previous packet closed its last OBU. */
  static const guint8 whole[] = {0x10, 0x30, INTER_FRAME_BYTE};
  static const guint8 z_mid[] = {0x90, 0x30, 0x10};
  g_assert_cmpint (feed_raw (rx, whole, sizeof whole, 60, 99900, FALSE, &f),
      ==, TC_OK);
  g_assert_cmpint (feed_raw (rx, z_mid, sizeof z_mid, 61, 99900, TRUE, &f),
      ==, TC_ERR_PARSE);
  /* Z=0 while the previous packet left a fragment open. */
  static const guint8 y_open[] = {0x50, 0x30, INTER_FRAME_BYTE};
  g_assert_cmpint (feed_raw (rx, y_open, sizeof y_open, 70, 100800, FALSE,
          &f), ==, TC_OK);
  g_assert_cmpint (feed_raw (rx, whole, sizeof whole, 71, 100800, TRUE, &f),
      ==, TC_ERR_PARSE);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  av1->state_free (rx);
}

static void
test_depayload_refuses_a_tu_beyond_the_size_limit (void)
{
  void *rx = av1->state_new ();
  frames f;
  frames_init (&f);
  /* One OBU fragment of 1 MiB per packet, never ending. */
  size_t chunk = 1024 * 1024;
  guint8 *pkt = g_malloc0 (chunk + 2);
  pkt[1] = 0x30;
  tc_status rc = TC_OK;
  guint16 seq = 0;
  for (; rc == TC_OK && seq < 8; seq++) {
    pkt[0] = (guint8) (0x50 | (seq > 0 ? 0x80 : 0));  /* Y, Z after the first */
    rc = feed_raw (rx, pkt, chunk + 2, seq, 1, FALSE, &f);
  }
  g_assert_cmpint (rc, ==, TC_ERR_TOO_LARGE);
  g_assert_cmpuint (seq, ==, 4);  /* the fourth MiB and its bytes overflow */
  g_assert_cmpuint (frames_count (&f), ==, 0);
  g_free (pkt);
  frames_clear (&f);
  av1->state_free (rx);
}

/* ---- Through the jitter buffer ------------------------------------------- */

static void
push_raw (tc_jitter *jb, const guint8 *bytes, size_t len, guint16 seq,
    guint32 ts, gboolean marker, gint64 now_us)
{
  tc_rtp_packet pkt = {
    .seq = seq, .timestamp = ts, .marker = marker,
    .payload = bytes, .payload_len = len,
  };
  g_assert_cmpint (tc_jitter_push (jb, &pkt, now_us), ==, TC_OK);
}

static void
test_jitter_buffer_keeps_a_tu_whole_when_later_packets_start_obus (void)
{
  static const tc_jitter_config cfg = {
    .codec = &tc_payloader_av1, .max_packets = 64, .max_bytes = 64 * 1024,
    .wait_budget_us = 100 * 1000,
  };
  frames f;
  frames_init (&f);
  tc_jitter *jb = tc_jitter_new (&cfg, frames_collect, &f);

  /* A keyframe TU: sequence header, then a frame header and two tile
   * groups, each packet starting a new OBU (Z=0), the middle ones late. */
  guint8 key[2 + 2 + sizeof seq_320x240];
  key[0] = 0x18;                       /* N=1 W=1 */
  key[1] = 0x08;
  memcpy (key + 2, seq_320x240, sizeof seq_320x240);
  static const guint8 fh[] = {0x10, 0x18, KEY_FRAME_BYTE, 0x01};
  static const guint8 tg1[] = {0x10, 0x20, 0xaa, 0xbb};
  static const guint8 tg2[] = {0x10, 0x20, 0xcc};
  push_raw (jb, key, 2 + sizeof seq_320x240, 1, 3000, FALSE, 0);
  push_raw (jb, tg2, sizeof tg2, 4, 3000, TRUE, 1000);
  push_raw (jb, fh, sizeof fh, 2, 3000, FALSE, 2000);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  push_raw (jb, tg1, sizeof tg1, 3, 3000, FALSE, 3000);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  static const guint8 want[] = {
    H_TD, 0x00,
    H_SEQ, 8, 0x00, 0x00, 0x00, 0x42, 0x61, 0x3f, 0x77, 0x80,
    H_FRAME_HEADER, 2, KEY_FRAME_BYTE, 0x01,
    H_TILE_GROUP, 2, 0xaa, 0xbb,
    H_TILE_GROUP, 1, 0xcc,
  };
  GBytes *w = g_bytes_new_static (want, sizeof want);
  frames_assert_equal (&f, 0, w);
  g_bytes_unref (w);

  /* The next TU loses its first packet: nothing comes out of it, and the
   * buffer asks for a keyframe once it gives the TU up. */
  push_raw (jb, tg1, sizeof tg1, 6, 6000, FALSE, 10000);
  push_raw (jb, tg2, sizeof tg2, 7, 6000, TRUE, 10000);
  tc_jitter_poll (jb, 10000 + cfg.wait_budget_us);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  g_assert_true (tc_jitter_take_events (jb) & TC_JITTER_KEYFRAME_NEEDED);

  tc_jitter_free (jb);
  frames_clear (&f);
}

static void
test_starts_frame_for_tu_opening_obus_only (void)
{
  static const struct {
    const char *what;
    guint8 bytes[6];
    size_t len;
    gboolean want;
  } cases[] = {
    {"W=1 sequence header", {0x18, 0x08, 0x00}, 3, TRUE},
    {"W=2 sequence header first", {0x28, 0x02, 0x08, 0x00, 0x30}, 5, TRUE},
    {"W=1 frame", {0x10, 0x30, 0x10}, 3, TRUE},
    {"W=0 frame header", {0x00, 0x02, 0x18, 0x10}, 4, TRUE},
    {"W=1 metadata", {0x10, 0x28, 0x01}, 3, TRUE},
    {"Z=1 continuation", {0x90, 0x30, 0x10}, 3, FALSE},
    {"W=1 tile group: mid-frame", {0x10, 0x20, 0x00}, 3, FALSE},
    {"frame of spatial layer 1", {0x10, 0x34, 0x08, 0x10}, 4, FALSE},
    {"frame of spatial layer 0, temporal 2", {0x10, 0x34, 0x40, 0x10}, 4,
      TRUE},
    {"W=0 length past the end", {0x00, 0x09, 0x30}, 3, FALSE},
    {"forbidden bit", {0x10, 0xb0, 0x10}, 3, FALSE},
    {"aggregation header only", {0x10}, 1, FALSE},
    {"a fragment of one header byte, extension flag set", {0x50, 0x34}, 2,
      TRUE},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    guint8 *heap = g_memdup2 (cases[i].bytes, cases[i].len);
    g_assert_cmpint (av1->starts_frame (heap, cases[i].len), ==,
        cases[i].want);
    g_free (heap);
  }
  g_assert_false (av1->starts_frame (NULL, 0));
}

static void
test_registry_finds_av1_by_name (void)
{
  g_assert_true (tc_payloader_find ("AV1") == &tc_payloader_av1);
  g_assert_true (tc_payloader_find ("av1") == &tc_payloader_av1);
  g_assert_cmpstr (tc_payloader_av1.name, ==, "AV1");
  g_assert_cmpuint (tc_payloader_av1.clock_rate, ==, 90000);
  g_assert_cmpint (tc_payloader_av1.kind, ==, TC_MEDIA_VIDEO);
  g_assert_false (tc_payloader_av1.packet_is_frame);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/av1/leb128/reads-and-writes-the-spec-encodings",
      test_leb128_reads_and_writes_the_spec_encodings);
  g_test_add_func ("/rtp/av1/leb128/refuses-cut-overlong-and-oversized-values",
      test_leb128_refuses_cut_overlong_and_oversized_values);
  g_test_add_func ("/rtp/av1/tu-info/reads-size-keyframe-and-layer-ids",
      test_tu_info_reads_size_keyframe_and_layer_ids);
  g_test_add_func ("/rtp/av1/payload/aggregates-sequence-header-and-frame-in-one-packet",
      test_payload_aggregates_sequence_header_and_frame_in_one_packet);
  g_test_add_func ("/rtp/av1/payload/gives-every-element-a-length-beyond-three",
      test_payload_gives_every_element_a_length_beyond_three);
  g_test_add_func ("/rtp/av1/payload/fragments-exactly-at-the-mtu-and-one-byte-over",
      test_payload_fragments_exactly_at_the_mtu_and_one_byte_over);
  g_test_add_func ("/rtp/av1/payload/fills-packets-to-the-mtu-across-obus",
      test_payload_fills_packets_to_the_mtu_across_obus);
  g_test_add_func ("/rtp/av1/payload/drops-temporal-delimiters-padding-and-tile-lists",
      test_payload_drops_temporal_delimiters_padding_and_tile_lists);
  g_test_add_func ("/rtp/av1/payload/puts-the-last-sequence-header-into-keyframes-without-one",
      test_payload_puts_the_last_sequence_header_into_keyframes_without_one);
  g_test_add_func ("/rtp/av1/payload/stops-when-the-sender-refuses",
      test_payload_stops_when_the_sender_refuses);
  g_test_add_func ("/rtp/av1/depayload/restores-the-temporal-unit-byte-identical",
      test_depayload_restores_the_temporal_unit_byte_identical);
  g_test_add_func ("/rtp/av1/depayload/accepts-obus-that-keep-their-size-field",
      test_depayload_accepts_obus_that_keep_their_size_field);
  g_test_add_func ("/rtp/av1/depayload/joins-an-obu-split-inside-its-header",
      test_depayload_joins_an_obu_split_inside_its_header);
  g_test_add_func ("/rtp/av1/depayload/drops-a-frame-missing-a-middle-packet",
      test_depayload_drops_a_frame_missing_a_middle_packet);
  g_test_add_func ("/rtp/av1/depayload/never-starts-a-tu-at-a-later-obu-after-a-loss",
      test_depayload_never_starts_a_tu_at_a_later_obu_after_a_loss);
  g_test_add_func ("/rtp/av1/depayload/ends-a-tu-only-at-the-marker",
      test_depayload_ends_a_tu_only_at_the_marker);
  g_test_add_func ("/rtp/av1/depayload/rejects-malformed-payloads-without-output",
      test_depayload_rejects_malformed_payloads_without_output);
  g_test_add_func ("/rtp/av1/depayload/refuses-a-tu-beyond-the-size-limit",
      test_depayload_refuses_a_tu_beyond_the_size_limit);
  g_test_add_func ("/rtp/av1/jitter-buffer-keeps-a-tu-whole-when-later-packets-start-obus",
      test_jitter_buffer_keeps_a_tu_whole_when_later_packets_start_obus);
  g_test_add_func ("/rtp/av1/starts-frame-for-tu-opening-obus-only",
      test_starts_frame_for_tu_opening_obus_only);
  g_test_add_func ("/rtp/av1/registry-finds-av1-by-name",
      test_registry_finds_av1_by_name);
  return g_test_run ();
}
