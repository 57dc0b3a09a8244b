/* test_pay_h264.c - the H264 payload format (RFC 6184, packetization mode
 * 1) against the spec: single NAL unit packets, STAP-A, FU-A. */
#include <glib.h>
#include <string.h>

#include "rtp/jitter.h"
#include "rtp/pay_h264.h"
#include "rtp_fixtures.h"

/* ---- Access units -------------------------------------------------------- */

/* A NAL unit of `len` bytes: header F=0 NRI `nri` type `type`, then bytes
 * from `seed` that are never 00 (so no start code can appear inside, as an
 * encoder's emulation prevention guarantees). For slices the first body
 * byte has its top bit set: first_mb_in_slice = 0. */
static GBytes *
nal (guint8 type, guint8 nri, size_t len, guint8 seed)
{
  g_assert_cmpuint (len, >=, 1);
  guint8 *b = g_malloc (len);
  b[0] = (guint8) ((nri << 5) | type);
  guint32 x = seed * 2654435761u + 3;
  for (size_t i = 1; i < len; i++) {
    x = x * 1103515245u + 12345u;
    b[i] = (guint8) ((x >> 16) % 255 + 1);
  }
  if (len > 1 && type >= 1 && type <= 5)
    b[1] |= 0x80;
  return g_bytes_new_take (b, len);
}

/* Joins NAL units into an Annex B access unit with 4-byte start codes. */
static GBytes *
annex_b (GBytes *const *nals, size_t n)
{
  GByteArray *a = g_byte_array_new ();
  static const guint8 sc[] = {0, 0, 0, 1};
  for (size_t i = 0; i < n; i++) {
    gsize len;
    const guint8 *d = g_bytes_get_data (nals[i], &len);
    g_byte_array_append (a, sc, sizeof sc);
    g_byte_array_append (a, d, (guint) len);
  }
  return g_byte_array_free_to_bytes (a);
}

static void
unref_all (GBytes **b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    g_bytes_unref (b[i]);
}

static const guint8 *
bytes_of (GBytes *b, size_t *len)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (b, &n);
  *len = n;
  return d;
}

/* ---- Annex B ------------------------------------------------------------- */

static void
test_annex_b_finds_nal_units_behind_3_and_4_byte_start_codes (void)
{
  static const guint8 au[] = {
    0xff, 0xee,                    /* junk before the first start code */
    0x00, 0x00, 0x00, 0x01, 0x09, 0xf0,   /* AUD, 4-byte start code */
    0x00, 0x00, 0x01, 0x67, 0x42, 0x00,   /* SPS ending in 00: trimmed */
    0x00, 0x00, 0x01,              /* an empty NAL unit: skipped */
    0x00, 0x00, 0x01, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01,  /* IDR with EPB */
    0x00, 0x00,                    /* trailing zeros */
  };
  static const struct {
    size_t off, len;
  } want[] = {{6, 2}, {11, 2}, {20, 6}};
  size_t pos = 0, n = 0, len;
  const guint8 *p;
  while (tc_h264_next_nal (au, sizeof au, &pos, &p, &len)) {
    g_assert_cmpuint (n, <, G_N_ELEMENTS (want));
    g_assert_true (p == au + want[n].off);
    g_assert_cmpuint (len, ==, want[n].len);
    n++;
  }
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (tc_h264_au_has_idr (au, sizeof au));
  g_assert_false (tc_h264_au_has_idr (au, 10));
  pos = 0;
  g_assert_false (tc_h264_next_nal (au, 2, &pos, &p, &len));
}

static void
test_nal_may_start_an_access_unit (void)
{
  static const struct {
    guint8 bytes[2];
    size_t len;
    gboolean want;
  } cases[] = {
    {{0x09, 0xf0}, 2, TRUE},    /* AUD */
    {{0x67, 0x42}, 2, TRUE},    /* SPS */
    {{0x68, 0xce}, 2, TRUE},    /* PPS */
    {{0x06, 0x05}, 2, TRUE},    /* SEI */
    {{0x65, 0x88}, 2, TRUE},    /* IDR, first_mb_in_slice 0 */
    {{0x41, 0x9a}, 2, TRUE},    /* non-IDR slice, first_mb 0 */
    {{0x41, 0x1a}, 2, FALSE},   /* a later slice of the picture */
    {{0x65}, 1, FALSE},         /* cut before first_mb_in_slice */
    {{0x0c, 0xff}, 2, FALSE},   /* filler */
    {{0xe5, 0x88}, 2, FALSE},   /* F set */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (tc_h264_nal_may_start_au (cases[i].bytes, cases[i].len),
        ==, cases[i].want);
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
payload_au (void *st, GBytes *au, size_t mtu, packets *out)
{
  size_t len;
  const guint8 *d = bytes_of (au, &len);
  g_assert_cmpint (tc_payloader_h264.payload (st, d, len, FALSE, mtu,
          packets_collect, out), ==, TC_OK);
}

static void
test_payload_aggregates_small_units_into_one_stap_a_without_the_aud (void)
{
  GBytes *n[] = {
    nal (TC_H264_NAL_AUD, 0, 2, 1),
    nal (TC_H264_NAL_SPS, 3, 12, 2),
    nal (TC_H264_NAL_PPS, 3, 4, 3),
    nal (TC_H264_NAL_SEI, 0, 30, 4),
    nal (TC_H264_NAL_IDR, 3, 300, 5),
  };
  GBytes *au = annex_b (n, G_N_ELEMENTS (n));
  void *st = tc_payloader_h264.state_new ();
  packets p;
  packets_init (&p);
  payload_au (st, au, 1200, &p);

  g_assert_cmpuint (p.payloads->len, ==, 1);
  g_assert_true (g_array_index (p.markers, gboolean, 0));
  size_t len;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpuint (d[0], ==, 0x60 | 24);  /* F=0, NRI=3 (the max), STAP-A */
  size_t pos = 1;
  for (size_t i = 1; i < G_N_ELEMENTS (n); i++) {
    size_t nl;
    const guint8 *nd = bytes_of (n[i], &nl);
    g_assert_cmpuint ((d[pos] << 8) | d[pos + 1], ==, nl);
    g_assert_cmpmem (d + pos + 2, nl, nd, nl);
    pos += 2 + nl;
  }
  g_assert_cmpuint (pos, ==, len);

  packets_clear (&p);
  g_bytes_unref (au);
  unref_all (n, G_N_ELEMENTS (n));
  tc_payloader_h264.state_free (st);
}

static void
test_payload_sends_a_unit_of_exactly_the_mtu_alone_and_one_byte_more_as_fu_a (void)
{
  void *st = tc_payloader_h264.state_new ();
  for (size_t extra = 0; extra <= 1; extra++) {
    GBytes *n[] = {nal (TC_H264_NAL_SLICE, 2, 1200 + extra, 6)};
    GBytes *au = annex_b (n, 1);
    packets p;
    packets_init (&p);
    payload_au (st, au, 1200, &p);
    size_t nl, len;
    const guint8 *nd = bytes_of (n[0], &nl);
    if (extra == 0) {
      /* Single NAL unit packet: the unit itself, 1200 bytes. */
      g_assert_cmpuint (p.payloads->len, ==, 1);
      const guint8 *d = packets_data (&p, 0, &len);
      g_assert_cmpmem (d, len, nd, nl);
    } else {
      /* 1200 bytes of body after the header: two FU-As of 600 + 2. */
      g_assert_cmpuint (p.payloads->len, ==, 2);
      for (guint k = 0; k < 2; k++) {
        const guint8 *d = packets_data (&p, k, &len);
        g_assert_cmpuint (len, ==, 602);
        g_assert_cmpuint (d[0], ==, 0x40 | 28);  /* NRI 2, FU-A */
        g_assert_cmpuint (d[1], ==, (k == 0 ? 0x80 : 0x40) | 1);  /* S / E */
        g_assert_cmpmem (d + 2, 600, nd + 1 + 600 * k, 600);
      }
    }
    g_assert_true (g_array_index (p.markers, gboolean, p.payloads->len - 1));
    packets_clear (&p);
    g_bytes_unref (au);
    unref_all (n, 1);
  }
  tc_payloader_h264.state_free (st);
}

static void
test_payload_fills_a_stap_a_exactly_to_the_mtu (void)
{
  /* STAP-A: 1 + (2 + 500) + (2 + 695) = 1200. */
  void *st = tc_payloader_h264.state_new ();
  for (size_t extra = 0; extra <= 1; extra++) {
    GBytes *n[] = {
      nal (TC_H264_NAL_SLICE, 2, 500, 7),
      nal (TC_H264_NAL_SLICE, 2, 695 + extra, 8),
    };
    GBytes *au = annex_b (n, 2);
    packets p;
    packets_init (&p);
    payload_au (st, au, 1200, &p);
    size_t len;
    if (extra == 0) {
      g_assert_cmpuint (p.payloads->len, ==, 1);
      const guint8 *d = packets_data (&p, 0, &len);
      g_assert_cmpuint (len, ==, 1200);
      g_assert_cmpuint (d[0] & 0x1f, ==, 24);
    } else {
      /* One byte over: each goes alone, the marker on the second. */
      g_assert_cmpuint (p.payloads->len, ==, 2);
      for (guint k = 0; k < 2; k++) {
        size_t nl;
        const guint8 *nd = bytes_of (n[k], &nl);
        const guint8 *d = packets_data (&p, k, &len);
        g_assert_cmpmem (d, len, nd, nl);
        g_assert_cmpint (g_array_index (p.markers, gboolean, k), ==, k == 1);
      }
    }
    packets_clear (&p);
    g_bytes_unref (au);
    unref_all (n, 2);
  }
  tc_payloader_h264.state_free (st);
}

static void
test_payload_fragments_a_large_idr_into_fu_a_within_the_mtu (void)
{
  GBytes *n[] = {
    nal (TC_H264_NAL_SPS, 3, 20, 9),
    nal (TC_H264_NAL_PPS, 3, 5, 10),
    nal (TC_H264_NAL_IDR, 3, 5000, 11),
  };
  GBytes *au = annex_b (n, 3);
  void *st = tc_payloader_h264.state_new ();
  packets p;
  packets_init (&p);
  payload_au (st, au, 1200, &p);
  /* STAP-A(SPS, PPS), then 4999 body bytes in ceil(4999 / 1198) = 5. */
  g_assert_cmpuint (p.payloads->len, ==, 6);
  size_t len, body = 0;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpuint (d[0] & 0x1f, ==, 24);
  g_assert_false (g_array_index (p.markers, gboolean, 0));
  for (guint k = 1; k < 6; k++) {
    d = packets_data (&p, k, &len);
    g_assert_cmpuint (len, <=, 1200);
    g_assert_cmpuint (d[0], ==, 0x60 | 28);
    g_assert_cmpint ((d[1] & 0x80) != 0, ==, k == 1);
    g_assert_cmpint ((d[1] & 0x40) != 0, ==, k == 5);
    g_assert_cmpuint (d[1] & 0x1f, ==, 5);
    g_assert_cmpint (g_array_index (p.markers, gboolean, k), ==, k == 5);
    body += len - 2;
  }
  g_assert_cmpuint (body, ==, 4999);
  packets_clear (&p);
  g_bytes_unref (au);
  unref_all (n, 3);
  tc_payloader_h264.state_free (st);
}

static void
test_payload_puts_the_last_sps_and_pps_ahead_of_an_idr_without_them (void)
{
  GBytes *sps = nal (TC_H264_NAL_SPS, 3, 20, 12);
  GBytes *pps = nal (TC_H264_NAL_PPS, 3, 5, 13);
  GBytes *idr = nal (TC_H264_NAL_IDR, 3, 100, 14);
  GBytes *p_slice = nal (TC_H264_NAL_SLICE, 2, 100, 15);
  void *st = tc_payloader_h264.state_new ();

  /* Without any seen, an IDR goes as it is. */
  packets p;
  packets_init (&p);
  GBytes *only_idr = annex_b (&idr, 1);
  payload_au (st, only_idr, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpuint (d[0] & 0x1f, ==, 5);
  packets_clear (&p);

  /* Seen once in a first keyframe ... */
  GBytes *first[] = {sps, pps, idr};
  GBytes *key = annex_b (first, 3);
  packets_init (&p);
  payload_au (st, key, 1200, &p);
  packets_clear (&p);
  /* ... an interframe goes alone, and a later bare IDR gets both. */
  GBytes *inter = annex_b (&p_slice, 1);
  packets_init (&p);
  payload_au (st, inter, 1200, &p);
  d = packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 100);
  packets_clear (&p);

  packets_init (&p);
  payload_au (st, only_idr, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  d = packets_data (&p, 0, &len);
  g_assert_cmpuint (d[0] & 0x1f, ==, 24);
  g_assert_cmpuint (len, ==, 1 + 2 + 20 + 2 + 5 + 2 + 100);
  size_t sl;
  const guint8 *sd = bytes_of (sps, &sl);
  g_assert_cmpmem (d + 3, 20, sd, sl);
  g_assert_cmpuint (d[3 + 20 + 2] & 0x1f, ==, 8);
  g_assert_cmpuint (d[3 + 20 + 2 + 5 + 2] & 0x1f, ==, 5);
  packets_clear (&p);

  g_bytes_unref (only_idr);
  g_bytes_unref (key);
  g_bytes_unref (inter);
  g_bytes_unref (sps);
  g_bytes_unref (pps);
  g_bytes_unref (idr);
  g_bytes_unref (p_slice);
  tc_payloader_h264.state_free (st);
}

static void
test_payload_refuses_what_it_cannot_send (void)
{
  void *st = tc_payloader_h264.state_new ();
  packets p;
  packets_init (&p);
  static const guint8 aud_filler[] = {0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x0c,
    0xff, 0xff, 0x80};
  static const guint8 no_start_code[] = {0x65, 0x88, 0x84};
  static const guint8 slice[] = {0, 0, 1, 0x65, 0x88, 0x84, 0x21};
  g_assert_cmpint (tc_payloader_h264.payload (st, aud_filler,
          sizeof aud_filler, FALSE, 1200, packets_collect, &p), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_payloader_h264.payload (st, no_start_code,
          sizeof no_start_code, FALSE, 1200, packets_collect, &p), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_payloader_h264.payload (st, slice, 0, FALSE, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_payloader_h264.payload (st, slice, sizeof slice, FALSE,
          2, packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpuint (p.payloads->len, ==, 0);
  /* The smallest MTU that fragments: FU indicator, header and one byte. */
  g_assert_cmpint (tc_payloader_h264.payload (st, slice, sizeof slice, FALSE,
          3, packets_collect, &p), ==, TC_OK);
  g_assert_cmpuint (p.payloads->len, ==, 3);
  packets_clear (&p);
  tc_payloader_h264.state_free (st);
}

/* ---- Depacketizer -------------------------------------------------------- */

static tc_status
feed_raw (void *st, const guint8 *payload, size_t len, guint16 seq,
    guint32 ts, gboolean marker, frames *out)
{
  return depay_payload (&tc_payloader_h264, st, payload, len, seq, ts,
      marker, out);
}

/* Feeds packets [from, to) of `p`, skipping `lost` (or none: -1). */
static void
feed_range (void *st, const packets *p, guint from, guint to, int lost,
    guint16 seq0, guint32 ts, frames *out)
{
  for (guint i = from; i < to; i++)
    if ((int) i != lost)
      g_assert_cmpint (depay_emitted (&tc_payloader_h264, st, p, i,
              (guint16) (seq0 + i), ts, out), ==, TC_OK);
}

static void
test_depayload_round_trips_access_units_in_annex_b (void)
{
  GBytes *n[] = {
    nal (TC_H264_NAL_SPS, 3, 20, 16),
    nal (TC_H264_NAL_PPS, 3, 5, 17),
    nal (TC_H264_NAL_IDR, 3, 7000, 18),
    nal (TC_H264_NAL_IDR, 3, 80, 19),    /* a second, small slice */
  };
  GBytes *key = annex_b (n, 4);
  GBytes *slice = nal (TC_H264_NAL_SLICE, 2, 900, 20);
  GBytes *inter = annex_b (&slice, 1);
  void *tx = tc_payloader_h264.state_new ();
  void *rx = tc_payloader_h264.state_new ();
  packets p, q;
  frames f;
  packets_init (&p);
  packets_init (&q);
  frames_init (&f);
  payload_au (tx, key, 1200, &p);
  payload_au (tx, inter, 1200, &q);
  feed_range (rx, &p, 0, p.payloads->len, -1, 65530, 3000, &f);
  feed_range (rx, &q, 0, q.payloads->len, -1,
      (guint16) (65530 + p.payloads->len), 6000, &f);
  g_assert_cmpuint (frames_count (&f), ==, 2);
  frames_assert_equal (&f, 0, key);
  frames_assert_equal (&f, 1, inter);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  g_assert_false (g_array_index (f.keyframes, gboolean, 1));
  g_assert_cmpuint (g_array_index (f.timestamps, guint32, 0), ==, 3000);

  packets_clear (&p);
  packets_clear (&q);
  frames_clear (&f);
  g_bytes_unref (key);
  g_bytes_unref (inter);
  g_bytes_unref (slice);
  unref_all (n, 4);
  tc_payloader_h264.state_free (tx);
  tc_payloader_h264.state_free (rx);
}

/* A sender, a receiver and two access units packetized at MTU 1200: a
 * keyframe (SPS of 20 bytes, PPS of 5, IDR of `idr_len`) and an
 * interframe (one slice of 300). */
typedef struct {
  GBytes *units[3];
  GBytes *key;
  GBytes *slice;
  GBytes *inter;
  void *tx;
  void *rx;
  packets key_pkts;
  packets inter_pkts;
  frames out;
} call;

static void
call_init (call *c, size_t idr_len, guint8 seed)
{
  c->units[0] = nal (TC_H264_NAL_SPS, 3, 20, seed);
  c->units[1] = nal (TC_H264_NAL_PPS, 3, 5, seed + 1);
  c->units[2] = nal (TC_H264_NAL_IDR, 3, idr_len, seed + 2);
  c->key = annex_b (c->units, 3);
  c->slice = nal (TC_H264_NAL_SLICE, 2, 300, seed + 3);
  c->inter = annex_b (&c->slice, 1);
  c->tx = tc_payloader_h264.state_new ();
  c->rx = tc_payloader_h264.state_new ();
  packets_init (&c->key_pkts);
  packets_init (&c->inter_pkts);
  frames_init (&c->out);
  payload_au (c->tx, c->key, 1200, &c->key_pkts);
  payload_au (c->tx, c->inter, 1200, &c->inter_pkts);
}

static void
call_clear (call *c)
{
  packets_clear (&c->key_pkts);
  packets_clear (&c->inter_pkts);
  frames_clear (&c->out);
  g_bytes_unref (c->key);
  g_bytes_unref (c->inter);
  g_bytes_unref (c->slice);
  unref_all (c->units, 3);
  tc_payloader_h264.state_free (c->tx);
  tc_payloader_h264.state_free (c->rx);
}

static void
test_depayload_gives_no_frame_when_a_fu_a_fragment_is_lost (void)
{
  call c;
  call_init (&c, 4000, 21);
  packets *p = &c.key_pkts, *q = &c.inter_pkts;
  g_assert_cmpuint (p->payloads->len, ==, 5);  /* STAP-A + 4 FU-A */
  feed_range (c.rx, p, 0, 5, 2, 10, 3000, &c.out);  /* a middle one lost */
  g_assert_cmpuint (frames_count (&c.out), ==, 0);
  /* The next access unit (after a marker) comes out whole. */
  feed_range (c.rx, q, 0, 1, -1, 15, 6000, &c.out);
  g_assert_cmpuint (frames_count (&c.out), ==, 1);
  frames_assert_equal (&c.out, 0, c.inter);

  /* The last fragment lost: its marker never comes; the next timestamp
   * ends the unfinished access unit without output, and the next one,
   * after the gap, starts where an access unit can (a first slice). */
  feed_range (c.rx, p, 0, 4, -1, 20, 9000, &c.out);
  feed_range (c.rx, q, 0, 1, -1, 25, 12000, &c.out);
  g_assert_cmpuint (frames_count (&c.out), ==, 2);
  frames_assert_equal (&c.out, 1, c.inter);
  g_assert_cmpuint (g_array_index (c.out.timestamps, guint32, 1), ==, 12000);
  call_clear (&c);
}
static void
test_depayload_puts_kept_sps_and_pps_ahead_of_a_bare_idr (void)
{
  call c;
  call_init (&c, 3000, 25);
  GBytes *bare = annex_b (c.units + 2, 1);

  /* A bare IDR before any SPS/PPS came: out, but not a keyframe. */
  void *fresh = tc_payloader_h264.state_new ();
  packets p;
  packets_init (&p);
  payload_au (fresh, bare, 1200, &p);
  feed_range (c.rx, &p, 0, p.payloads->len, -1, 1, 100, &c.out);
  g_assert_cmpuint (frames_count (&c.out), ==, 1);
  frames_assert_equal (&c.out, 0, bare);
  g_assert_false (g_array_index (c.out.keyframes, gboolean, 0));
  packets_clear (&p);

  /* A keyframe with them; then its STAP-A (SPS, PPS) is lost next time:
   * the IDR's first fragment starts the access unit and they come back. */
  guint n = c.key_pkts.payloads->len;
  feed_range (c.rx, &c.key_pkts, 0, n, -1, 10, 3000, &c.out);
  feed_range (c.rx, &c.key_pkts, 0, n, 0, 20, 6000, &c.out);
  g_assert_cmpuint (frames_count (&c.out), ==, 3);
  frames_assert_equal (&c.out, 1, c.key);
  frames_assert_equal (&c.out, 2, c.key);
  g_assert_true (g_array_index (c.out.keyframes, gboolean, 1));
  g_assert_true (g_array_index (c.out.keyframes, gboolean, 2));

  g_bytes_unref (bare);
  tc_payloader_h264.state_free (fresh);
  call_clear (&c);
}
/* Through the jitter buffer: the STAP-A with SPS/PPS and the IDR's first
 * FU-A both may start an access unit, yet with one timestamp they stay one
 * frame; a slice of the next picture with a new timestamp ends it even when
 * the marker is lost. */
static void
test_jitter_keeps_parameter_sets_and_idr_in_one_access_unit (void)
{
  call c;
  call_init (&c, 3000, 30);
  packets *p = &c.key_pkts;
  for (guint i = 0; i < 2; i++) {
    size_t plen;
    const guint8 *d = packets_data (p, i, &plen);
    g_assert_true (tc_payloader_h264.starts_frame (d, plen));
  }

  tc_jitter_config cfg = {.codec = &tc_payloader_h264, .max_packets = 64,
    .max_bytes = 64 * 1024, .wait_budget_us = 50000};
  tc_jitter *jb = tc_jitter_new (&cfg, frames_collect, &c.out);
  guint16 seq = 1;
  for (guint i = 0; i < p->payloads->len; i++, seq++) {
    size_t len;
    tc_rtp_packet pkt = {.seq = seq, .timestamp = 90,
      .marker = FALSE,  /* the marker of this access unit is lost */
      .payload = packets_data (p, i, &len)};
    pkt.payload_len = len;
    g_assert_cmpint (tc_jitter_push (jb, &pkt, 0), ==, TC_OK);
  }
  g_assert_cmpuint (frames_count (&c.out), ==, 0);
  size_t len;
  tc_rtp_packet next = {.seq = seq, .timestamp = 3090, .marker = TRUE,
    .payload = packets_data (&c.inter_pkts, 0, &len)};
  next.payload_len = len;
  g_assert_cmpint (tc_jitter_push (jb, &next, 0), ==, TC_OK);
  g_assert_cmpuint (frames_count (&c.out), ==, 2);
  frames_assert_equal (&c.out, 0, c.key);
  frames_assert_equal (&c.out, 1, c.inter);
  g_assert_true (g_array_index (c.out.keyframes, gboolean, 0));
  tc_jitter_free (jb);
  call_clear (&c);
}
static void
test_depayload_refuses_malformed_payloads_without_output (void)
{
  static const struct {
    const char *what;
    guint8 bytes[8];
    size_t len;
  } bad[] = {
    {"empty payload", {0}, 0},
    {"F bit set", {0xe5, 0x88}, 2},
    {"NAL type 0", {0x00, 0x11}, 2},
    {"STAP-B (mode 2 only)", {0x19, 0x00, 0x01, 0x01, 0x41}, 5},
    {"MTAP16", {0x1a, 0x00}, 2},
    {"FU-B", {0x1d, 0x85, 0x00, 0x01, 0x11}, 5},
    {"reserved type 30", {0x1e, 0x00}, 2},
    {"STAP-A with no unit", {0x18}, 1},
    {"STAP-A unit of size 0", {0x18, 0x00, 0x00, 0x67}, 4},
    {"STAP-A size past the end", {0x18, 0x00, 0x05, 0x67, 0x42}, 5},
    {"STAP-A with a stray byte", {0x18, 0x00, 0x01, 0x67, 0x00}, 5},
    {"STAP-A holding an FU-A", {0x18, 0x00, 0x02, 0x7c, 0x85}, 5},
    {"FU-A with S and E both", {0x7c, 0xc5, 0x11}, 3},
    {"FU-A without payload", {0x7c, 0x85}, 2},
    {"FU-A of an FU-A", {0x7c, 0x9c, 0x11}, 3},
  };
  void *rx = tc_payloader_h264.state_new ();
  frames f;
  frames_init (&f);
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    g_assert_cmpint (feed_raw (rx, heap ? heap : bad[i].bytes, bad[i].len,
            (guint16) i, (guint32) i, TRUE, &f), ==, TC_ERR_PARSE);
    g_assert_false (tc_payloader_h264.starts_frame (heap ? heap
            : bad[i].bytes, bad[i].len));
    g_free (heap);
  }
  g_assert_cmpuint (frames_count (&f), ==, 0);

  /* A malformed packet inside an access unit drops all of it. */
  static const guint8 sps[] = {0x67, 0x42, 0xc0, 0x1f};
  static const guint8 broken[] = {0x7c, 0xc5, 0x11};
  static const guint8 idr[] = {0x65, 0x88, 0x84};
  feed_raw (rx, sps, sizeof sps, 100, 1000, FALSE, &f);
  feed_raw (rx, broken, sizeof broken, 101, 1000, FALSE, &f);
  feed_raw (rx, idr, sizeof idr, 102, 1000, TRUE, &f);
  /* An FU-A that never ends before the marker, and a fragment without
   * its start. */
  static const guint8 fu_start[] = {0x7c, 0x85, 0x11};
  static const guint8 fu_mid[] = {0x7c, 0x05, 0x22};
  feed_raw (rx, fu_start, sizeof fu_start, 103, 2000, FALSE, &f);
  feed_raw (rx, fu_mid, sizeof fu_mid, 104, 2000, TRUE, &f);
  feed_raw (rx, fu_mid, sizeof fu_mid, 105, 3000, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  tc_payloader_h264.state_free (rx);
}

static void
test_starts_frame_only_where_an_access_unit_can_begin (void)
{
  static const struct {
    const char *what;
    guint8 bytes[6];
    size_t len;
    gboolean want;
  } cases[] = {
    {"single SPS", {0x67, 0x42, 0xc0}, 3, TRUE},
    {"single slice, first_mb 0", {0x41, 0x9a, 0x11}, 3, TRUE},
    {"single slice, later in the picture", {0x41, 0x1a, 0x11}, 3, FALSE},
    {"STAP-A starting with an SPS", {0x78, 0x00, 0x02, 0x67, 0x42}, 5,
      TRUE},
    {"FU-A start of an IDR, first_mb 0", {0x7c, 0x85, 0x88}, 3, TRUE},
    {"FU-A middle", {0x7c, 0x05, 0x88}, 3, FALSE},
    {"FU-A end", {0x7c, 0x45, 0x88}, 3, FALSE},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    /* An exact-length heap copy: ASan sees a read past a padded row. */
    guint8 *heap = g_memdup2 (cases[i].bytes, cases[i].len);
    g_assert_cmpint (tc_payloader_h264.starts_frame (heap, cases[i].len), ==,
        cases[i].want);
    g_free (heap);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/h264/annex-b/finds-nal-units-behind-3-and-4-byte-start-codes",
      test_annex_b_finds_nal_units_behind_3_and_4_byte_start_codes);
  g_test_add_func ("/rtp/h264/annex-b/nal-may-start-an-access-unit",
      test_nal_may_start_an_access_unit);
  g_test_add_func ("/rtp/h264/payload/aggregates-small-units-into-one-stap-a-without-the-aud",
      test_payload_aggregates_small_units_into_one_stap_a_without_the_aud);
  g_test_add_func ("/rtp/h264/payload/sends-a-unit-of-exactly-the-mtu-alone-and-one-byte-more-as-fu-a",
      test_payload_sends_a_unit_of_exactly_the_mtu_alone_and_one_byte_more_as_fu_a);
  g_test_add_func ("/rtp/h264/payload/fills-a-stap-a-exactly-to-the-mtu",
      test_payload_fills_a_stap_a_exactly_to_the_mtu);
  g_test_add_func ("/rtp/h264/payload/fragments-a-large-idr-into-fu-a-within-the-mtu",
      test_payload_fragments_a_large_idr_into_fu_a_within_the_mtu);
  g_test_add_func ("/rtp/h264/payload/puts-the-last-sps-and-pps-ahead-of-an-idr-without-them",
      test_payload_puts_the_last_sps_and_pps_ahead_of_an_idr_without_them);
  g_test_add_func ("/rtp/h264/payload/refuses-what-it-cannot-send",
      test_payload_refuses_what_it_cannot_send);
  g_test_add_func ("/rtp/h264/depayload/round-trips-access-units-in-annex-b",
      test_depayload_round_trips_access_units_in_annex_b);
  g_test_add_func ("/rtp/h264/depayload/gives-no-frame-when-a-fu-a-fragment-is-lost",
      test_depayload_gives_no_frame_when_a_fu_a_fragment_is_lost);
  g_test_add_func ("/rtp/h264/depayload/puts-kept-sps-and-pps-ahead-of-a-bare-idr",
      test_depayload_puts_kept_sps_and_pps_ahead_of_a_bare_idr);
  g_test_add_func ("/rtp/h264/jitter/keeps-parameter-sets-and-idr-in-one-access-unit",
      test_jitter_keeps_parameter_sets_and_idr_in_one_access_unit);
  g_test_add_func ("/rtp/h264/depayload/refuses-malformed-payloads-without-output",
      test_depayload_refuses_malformed_payloads_without_output);
  g_test_add_func ("/rtp/h264/starts-frame-only-where-an-access-unit-can-begin",
      test_starts_frame_only_where_an_access_unit_can_begin);
  return g_test_run ();
}
