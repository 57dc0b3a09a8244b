/* test_pay_vp8.c - the VP8 payload format (RFC 7741) against the spec. */
#include <glib.h>
#include <string.h>

#include "rtp/pay_vp8.h"
#include "rtp_fixtures.h"

/* ---- Payload descriptor vectors (RFC 7741 section 4.2) ------------------- */

typedef struct {
  const char *what;
  guint8 bytes[TC_VP8_DESCRIPTOR_MAX];
  size_t len;
  tc_vp8_descriptor want;
  gboolean writes_back;  /* writing `want` gives `bytes` again */
} descriptor_vector;

static const descriptor_vector descriptor_vectors[] = {
  {"required byte only: S=1, PID=0",
    {0x10},           /* X=0 R=0 N=0 S=1 R=0 PID=000 */
    1, {.start = true}, TRUE},
  {"N=1 S=0 PID=3, a continuation of partition 3",
    {0x23},           /* X=0 R=0 N=1 S=0 R=0 PID=011 */
    1, {.non_reference = true, .pid = 3}, TRUE},
  {"I: 7-bit PictureID 17",
    {0x90,            /* X=1 S=1 */
     0x80,            /* I=1 L=0 T=0 K=0 */
     0x11},           /* M=0 PictureID=0010001 */
    3, {.extended = true, .start = true, .has_picture_id = true,
        .picture_id = 17}, TRUE},
  {"I+M: 15-bit PictureID 0x1234",
    {0x90,            /* X=1 S=1 */
     0x80,            /* I=1 */
     0x92, 0x34},     /* M=1 PictureID=001 0010 0011 0100 */
    4, {.extended = true, .start = true, .has_picture_id = true,
        .picture_id_long = true, .picture_id = 0x1234}, TRUE},
  {"L: TL0PICIDX 0x7f",
    {0x90,            /* X=1 S=1 */
     0x40,            /* L=1 */
     0x7f},           /* TL0PICIDX */
    3, {.extended = true, .start = true, .has_tl0picidx = true,
        .tl0picidx = 0x7f}, TRUE},
  {"T: TID 2 with Y",
    {0x90,            /* X=1 S=1 */
     0x20,            /* T=1 */
     0xa0},           /* TID=10 Y=1 KEYIDX=00000 */
    3, {.extended = true, .start = true, .has_tid = true, .tid = 2,
        .layer_sync = true}, TRUE},
  {"K: KEYIDX 21",
    {0x90,            /* X=1 S=1 */
     0x10,            /* K=1 */
     0x15},           /* TID=00 Y=0 KEYIDX=10101 */
    3, {.extended = true, .start = true, .has_keyidx = true, .keyidx = 21},
    TRUE},
  {"T+K share one byte: TID 1, KEYIDX 5",
    {0x90,            /* X=1 S=1 */
     0x30,            /* T=1 K=1 */
     0x45},           /* TID=01 Y=0 KEYIDX=00101 */
    3, {.extended = true, .start = true, .has_tid = true, .tid = 1,
        .has_keyidx = true, .keyidx = 5}, TRUE},
  {"everything: N, I+M 0x7fff, L, T with Y, K",
    {0xb0,            /* X=1 R=0 N=1 S=1 R=0 PID=000 */
     0xf0,            /* I=1 L=1 T=1 K=1 RSV=0000 */
     0xff, 0xff,      /* M=1 PictureID=0x7fff */
     0x0a,            /* TL0PICIDX=10 */
     0xe3},           /* TID=11 Y=1 KEYIDX=00011 */
    6, {.extended = true, .non_reference = true, .start = true,
        .has_picture_id = true, .picture_id_long = true,
        .picture_id = 0x7fff, .has_tl0picidx = true, .tl0picidx = 10,
        .has_tid = true, .tid = 3, .layer_sync = true, .has_keyidx = true,
        .keyidx = 3}, TRUE},
  {"X set with no optional field (legal, never written by us)",
    {0x90,            /* X=1 S=1 */
     0x00},           /* I=0 L=0 T=0 K=0 */
    2, {.extended = true, .start = true}, FALSE},
  {"reserved bits are ignored",
    {0xd8,            /* X=1 R=1 N=0 S=1 R=1 PID=000 */
     0x8f,            /* I=1 RSV=1111 */
     0x05},           /* M=0 PictureID=5 */
    3, {.extended = true, .start = true, .has_picture_id = true,
        .picture_id = 5}, FALSE},
};

static void
assert_descriptor_equal (const tc_vp8_descriptor *a, const tc_vp8_descriptor *b)
{
  g_assert_cmpint (a->extended, ==, b->extended);
  g_assert_cmpint (a->non_reference, ==, b->non_reference);
  g_assert_cmpint (a->start, ==, b->start);
  g_assert_cmpuint (a->pid, ==, b->pid);
  g_assert_cmpint (a->has_picture_id, ==, b->has_picture_id);
  g_assert_cmpint (a->picture_id_long, ==, b->picture_id_long);
  g_assert_cmpuint (a->picture_id, ==, b->picture_id);
  g_assert_cmpint (a->has_tl0picidx, ==, b->has_tl0picidx);
  g_assert_cmpuint (a->tl0picidx, ==, b->tl0picidx);
  g_assert_cmpint (a->has_tid, ==, b->has_tid);
  g_assert_cmpuint (a->tid, ==, b->tid);
  g_assert_cmpint (a->layer_sync, ==, b->layer_sync);
  g_assert_cmpint (a->has_keyidx, ==, b->has_keyidx);
  g_assert_cmpuint (a->keyidx, ==, b->keyidx);
}

static void
test_descriptor_parses_the_spec_vectors (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (descriptor_vectors); i++) {
    const descriptor_vector *v = &descriptor_vectors[i];
    g_test_message ("%s", v->what);
    tc_vp8_descriptor d;
    size_t used = 0;
    /* A byte of VP8 data follows, as in a real payload. */
    guint8 buf[TC_VP8_DESCRIPTOR_MAX + 1];
    memcpy (buf, v->bytes, v->len);
    buf[v->len] = 0xaa;
    g_assert_cmpint (tc_vp8_descriptor_parse (buf, v->len + 1, &d, &used), ==,
        TC_OK);
    g_assert_cmpuint (used, ==, v->len);
    assert_descriptor_equal (&d, &v->want);
  }
}

static void
test_descriptor_writes_the_spec_vectors (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (descriptor_vectors); i++) {
    const descriptor_vector *v = &descriptor_vectors[i];
    if (!v->writes_back)
      continue;
    g_test_message ("%s", v->what);
    guint8 out[TC_VP8_DESCRIPTOR_MAX];
    size_t written = 0;
    g_assert_cmpuint (tc_vp8_descriptor_size (&v->want), ==, v->len);
    g_assert_cmpint (tc_vp8_descriptor_write (&v->want, out, sizeof out,
            &written), ==, TC_OK);
    g_assert_cmpmem (out, written, v->bytes, v->len);
  }
}

static void
test_descriptor_round_trips_every_combination_of_n_s_i_m_l_t_y_k (void)
{
  for (unsigned bits = 0; bits < 256; bits++) {
    tc_vp8_descriptor d = {
      .non_reference = bits & 1,
      .start = (bits >> 1) & 1,
      .pid = (uint8_t) (bits % 8),
      .has_picture_id = (bits >> 2) & 1,
      .picture_id_long = (bits >> 3) & 1,
      .has_tl0picidx = (bits >> 4) & 1,
      .tl0picidx = (uint8_t) bits,
      .has_tid = (bits >> 5) & 1,
      .layer_sync = (bits >> 6) & 1,
      .has_keyidx = (bits >> 7) & 1,
    };
    d.picture_id = d.picture_id_long ? 0x7ffe : 0x7e;
    if (d.has_tid)
      d.tid = (uint8_t) (bits % 4);
    else
      d.layer_sync = false;  /* meaningless without T */
    if (d.has_keyidx)
      d.keyidx = (uint8_t) (bits % 32);
    if (!d.has_picture_id)
      d.picture_id_long = false, d.picture_id = 0;
    if (!d.has_tl0picidx)
      d.tl0picidx = 0;
    d.extended = d.has_picture_id || d.has_tl0picidx || d.has_tid
        || d.has_keyidx;

    guint8 buf[TC_VP8_DESCRIPTOR_MAX];
    size_t written, used;
    tc_vp8_descriptor back;
    g_assert_cmpint (tc_vp8_descriptor_write (&d, buf, sizeof buf, &written),
        ==, TC_OK);
    g_assert_cmpuint (written, ==, tc_vp8_descriptor_size (&d));
    g_assert_cmpint (tc_vp8_descriptor_parse (buf, written, &back, &used), ==,
        TC_OK);
    g_assert_cmpuint (used, ==, written);
    assert_descriptor_equal (&back, &d);
  }
}

static void
test_descriptor_rejects_input_that_ends_inside_it (void)
{
  static const struct {
    const char *what;
    guint8 bytes[6];
    size_t len;
  } cut[] = {
    {"empty payload", {0}, 0},
    {"X=1 but no extension byte", {0x80}, 1},
    {"I=1 but no PictureID", {0x80, 0x80}, 2},
    {"I=1 M=1 but one PictureID byte", {0x80, 0x80, 0x80}, 3},
    {"L=1 but no TL0PICIDX", {0x80, 0x40}, 2},
    {"T=1 but no TID byte", {0x80, 0x20}, 2},
    {"K=1 but no KEYIDX byte", {0x80, 0x10}, 2},
    {"I+L+T+K, T/K byte missing", {0x80, 0xf0, 0xff, 0xff, 0x0a}, 5},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cut); i++) {
    g_test_message ("%s", cut[i].what);
    tc_vp8_descriptor d;
    size_t used = 0;
    /* Copy to the heap so ASan catches any read past `len`. */
    guint8 *heap = g_memdup2 (cut[i].bytes, cut[i].len);
    g_assert_cmpint (tc_vp8_descriptor_parse (heap ? heap : cut[i].bytes,
            cut[i].len, &d, &used), ==, TC_ERR_PARSE);
    g_free (heap);
  }
}

static void
test_descriptor_write_refuses_out_of_range_values (void)
{
  static const tc_vp8_descriptor bad[] = {
    {.pid = 8},
    {.has_picture_id = true, .picture_id = 0x80},
    {.has_picture_id = true, .picture_id_long = true, .picture_id = 0x8000},
    {.has_tid = true, .tid = 4},
    {.has_keyidx = true, .keyidx = 32},
  };
  guint8 buf[TC_VP8_DESCRIPTOR_MAX];
  size_t written;
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (tc_vp8_descriptor_write (&bad[i], buf, sizeof buf,
            &written), ==, TC_ERR_INVALID_ARG);
  tc_vp8_descriptor full = {.has_picture_id = true, .picture_id_long = true};
  g_assert_cmpint (tc_vp8_descriptor_write (&full, buf, 3, &written), ==,
      TC_ERR_TOO_LARGE);
}

/* ---- Keyframe header (RFC 6386 section 9.1) ------------------------------ */

static void
test_keyframe_header_gives_1280x720 (void)
{
  static const guint8 key[] = {
    0x50, 0x01, 0x00,  /* frame tag: size=10 (0b1010: 010 in bits 5-7, 1 in
                        * byte 1), show_frame=1, version=0, P=0 (key) */
    0x9d, 0x01, 0x2a,  /* start code */
    0x00, 0x05,        /* width 0x0500 = 1280, horizontal scale 0 */
    0xd0, 0x02,        /* height 0x02d0 = 720, vertical scale 0 */
  };
  guint32 w = 0, h = 0;
  g_assert_true (tc_vp8_is_keyframe_header (key, sizeof key));
  g_assert_cmpint (tc_vp8_keyframe_size (key, sizeof key, &w, &h), ==, TC_OK);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);

  /* Scaling bits (top two of each field) are not part of the size. */
  guint8 scaled[sizeof key];
  memcpy (scaled, key, sizeof key);
  scaled[7] |= 0xc0;
  scaled[9] |= 0x40;
  g_assert_cmpint (tc_vp8_keyframe_size (scaled, sizeof scaled, &w, &h), ==,
      TC_OK);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);
}

static void
test_keyframe_size_refuses_interframes_and_broken_headers (void)
{
  static const struct {
    const char *what;
    guint8 bytes[10];
    size_t len;
  } bad[] = {
    {"interframe: P=1", {0x51, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0, 5, 0xd0, 2}, 10},
    {"wrong start code", {0x50, 0x01, 0x00, 0x9d, 0x01, 0x2b, 0, 5, 0xd0, 2}, 10},
    {"cut before the height", {0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0, 5}, 8},
    {"empty", {0}, 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint32 w, h;
    g_assert_cmpint (tc_vp8_keyframe_size (bad[i].bytes, bad[i].len, &w, &h),
        ==, TC_ERR_PARSE);
  }
  g_assert_false (tc_vp8_is_keyframe_header (bad[0].bytes, 10));
  g_assert_false (tc_vp8_is_keyframe_header (bad[0].bytes, 0));
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
test_payload_splits_a_frame_at_mtu_1200 (void)
{
  void *st = tc_payloader_vp8.state_new ();
  tc_vp8_set_picture_id (st, 300);
  GBytes *frame = vp8_frame (5000, TRUE, 1280, 720, 1);
  packets p;
  packets_init (&p);
  packetize (&tc_payloader_vp8, st, frame, 1200, &p);

  /* 4-byte descriptor leaves 1196 per packet: 5 packets of 1000 bytes. */
  g_assert_cmpuint (p.payloads->len, ==, 5);
  size_t total = 0;
  for (guint i = 0; i < p.payloads->len; i++) {
    size_t len;
    const guint8 *d = packets_data (&p, i, &len);
    tc_vp8_descriptor desc;
    size_t hdr;
    g_assert_cmpuint (len, <=, 1200);
    g_assert_cmpint (tc_vp8_descriptor_parse (d, len, &desc, &hdr), ==, TC_OK);
    g_assert_cmpuint (hdr, ==, 4);
    g_assert_cmpint (desc.start, ==, i == 0);
    g_assert_cmpuint (desc.pid, ==, 0);
    g_assert_true (desc.has_picture_id && desc.picture_id_long);
    g_assert_cmpuint (desc.picture_id, ==, 300);
    g_assert_cmpint (g_array_index (p.markers, gboolean, i), ==,
        i + 1 == p.payloads->len);
    g_assert_cmpuint (len - hdr, ==, 1000);
    total += len - hdr;
  }
  g_assert_cmpuint (total, ==, 5000);

  packets_clear (&p);
  g_bytes_unref (frame);
  tc_payloader_vp8.state_free (st);
}

static void
test_payload_picture_id_increments_per_frame_and_wraps_0x7fff_to_0 (void)
{
  void *st = tc_payloader_vp8.state_new ();
  tc_vp8_set_picture_id (st, 0x7ffe);
  GBytes *frame = vp8_frame (2000, FALSE, 0, 0, 2);
  static const guint16 want[] = {0x7ffe, 0x7fff, 0x0000, 0x0001};
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
    packets p;
    packets_init (&p);
    packetize (&tc_payloader_vp8, st, frame, 1200, &p);
    g_assert_cmpuint (p.payloads->len, ==, 2);
    for (guint k = 0; k < p.payloads->len; k++) {
      size_t len, hdr;
      const guint8 *d = packets_data (&p, k, &len);
      tc_vp8_descriptor desc;
      g_assert_cmpint (tc_vp8_descriptor_parse (d, len, &desc, &hdr), ==,
          TC_OK);
      g_assert_cmpuint (desc.picture_id, ==, want[i]);
    }
    packets_clear (&p);
  }
  g_bytes_unref (frame);
  tc_payloader_vp8.state_free (st);
}

static void
test_payload_carries_tid_tl0picidx_and_keyidx_when_given (void)
{
  void *st = tc_payloader_vp8.state_new ();
  tc_vp8_set_picture_id (st, 0x0102);
  static const guint8 frame[] = {0x01, 0xaa, 0xbb};  /* P=1: interframe */
  tc_vp8_frame_info info = {
    .non_reference = true, .has_tid = true, .tid = 1, .layer_sync = true,
    .has_tl0picidx = true, .tl0picidx = 0x33, .has_keyidx = true,
    .keyidx = 7,
  };
  packets p;
  packets_init (&p);
  g_assert_cmpint (tc_vp8_payload_frame (st, frame, sizeof frame, &info, 1200,
          packets_collect, &p), ==, TC_OK);
  static const guint8 want[] = {
    0xb0,        /* X=1 N=1 S=1 PID=0 */
    0xf0,        /* I=1 L=1 T=1 K=1 */
    0x81, 0x02,  /* M=1 PictureID=0x0102 */
    0x33,        /* TL0PICIDX */
    0x67,        /* TID=01 Y=1 KEYIDX=00111 */
    0x01, 0xaa, 0xbb,
  };
  size_t len;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpmem (d, len, want, sizeof want);
  g_assert_true (g_array_index (p.markers, gboolean, 0));

  info.tid = 4;  /* out of range: refused, PictureID not consumed */
  g_assert_cmpint (tc_vp8_payload_frame (st, frame, sizeof frame, &info, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  packets_clear (&p);
  tc_payloader_vp8.state_free (st);
}

/* L1T3 as libvpx and browsers send it: TID 0 2 1 2 0 2 1 2 ..., TL0PICIDX
 * counting base-layer frames (and wrapping 255 -> 0), Y on the frames one
 * may switch up at. Every packet carries them; frames come back whole. */
static void
test_payload_l1t3_layer_fields_round_trip_through_the_depayloader (void)
{
  void *tx = tc_payloader_vp8.state_new ();
  void *rx = tc_payloader_vp8.state_new ();
  frames f;
  frames_init (&f);
  static const guint8 tids[] = {0, 2, 1, 2, 0, 2, 1, 2, 0, 2};
  guint8 tl0 = 254;
  guint16 seq = 500;
  for (guint i = 0; i < G_N_ELEMENTS (tids); i++) {
    if (tids[i] == 0 && i > 0)
      tl0++;
    tc_vp8_frame_info info = {
      .non_reference = tids[i] == 2, .has_tid = true, .tid = tids[i],
      .layer_sync = tids[i] != 0, .has_tl0picidx = true, .tl0picidx = tl0,
    };
    GBytes *frame = vp8_frame (2500, i == 0, 640, 360, (guint8) (20 + i));
    gsize n;
    const guint8 *data = g_bytes_get_data (frame, &n);
    packets p;
    packets_init (&p);
    g_assert_cmpint (tc_vp8_payload_frame (tx, data, n, &info, 1200,
            packets_collect, &p), ==, TC_OK);
    for (guint k = 0; k < p.payloads->len; k++) {
      size_t len, hdr;
      tc_vp8_descriptor d;
      const guint8 *payload = packets_data (&p, k, &len);
      g_assert_cmpint (tc_vp8_descriptor_parse (payload, len, &d, &hdr), ==,
          TC_OK);
      g_assert_true (d.has_tid && d.has_tl0picidx);
      g_assert_cmpuint (d.tid, ==, tids[i]);
      g_assert_cmpint (d.layer_sync, ==, tids[i] != 0);
      g_assert_cmpint (d.non_reference, ==, tids[i] == 2);
      g_assert_cmpuint (d.tl0picidx, ==, tl0);
      g_assert_cmpint (depay_emitted (&tc_payloader_vp8, rx, &p, k, seq++,
              3000 * i, &f), ==, TC_OK);
    }
    g_assert_cmpuint (frames_count (&f), ==, i + 1);
    frames_assert_equal (&f, i, frame);
    packets_clear (&p);
    g_bytes_unref (frame);
  }
  g_assert_cmpuint (tl0, ==, 0);  /* 254, 255, then wrapped to 0 */
  frames_clear (&f);
  tc_payloader_vp8.state_free (tx);
  tc_payloader_vp8.state_free (rx);
}

static void
test_payload_refuses_empty_frames_and_an_mtu_without_room (void)
{
  void *st = tc_payloader_vp8.state_new ();
  static const guint8 frame[] = {0x00};
  packets p;
  packets_init (&p);
  g_assert_cmpint (tc_payloader_vp8.payload (st, frame, 0, TRUE, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_payloader_vp8.payload (st, frame, 1, TRUE, 4,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  /* Five bytes: the 4-byte descriptor and one byte of data per packet. */
  GBytes *big = vp8_frame (10, TRUE, 1, 1, 3);
  packetize (&tc_payloader_vp8, st, big, 5, &p);
  g_assert_cmpuint (p.payloads->len, ==, 10);
  g_assert_cmpuint (p.payloads->len, ==, p.markers->len);
  g_bytes_unref (big);
  packets_clear (&p);
  tc_payloader_vp8.state_free (st);
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
  void *st = tc_payloader_vp8.state_new ();
  GBytes *frame = vp8_frame (3000, FALSE, 0, 0, 4);
  gsize n;
  const guint8 *d = g_bytes_get_data (frame, &n);
  int calls = 0;
  g_assert_cmpint (tc_payloader_vp8.payload (st, d, n, FALSE, 1000,
          refuse_second, &calls), ==, TC_ERR_CLOSED);
  g_assert_cmpint (calls, ==, 2);
  g_bytes_unref (frame);
  tc_payloader_vp8.state_free (st);
}

/* ---- Depacketizer -------------------------------------------------------- */

static void
test_depayload_reassembles_a_split_keyframe_byte_identical (void)
{
  void *tx = tc_payloader_vp8.state_new ();
  void *rx = tc_payloader_vp8.state_new ();
  GBytes *frame = vp8_frame (5000, TRUE, 1280, 720, 5);
  packets p;
  frames f;
  packets_init (&p);
  frames_init (&f);
  packetize (&tc_payloader_vp8, tx, frame, 1200, &p);

  /* Seqs run over the 16-bit wrap. */
  for (guint i = 0; i < p.payloads->len; i++)
    g_assert_cmpint (depayload_one (&tc_payloader_vp8, rx, &p, i,
            (guint16) (65534 + i), 9000, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  frames_assert_equal (&f, 0, frame);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  g_assert_cmpuint (g_array_index (f.timestamps, guint32, 0), ==, 9000);

  guint32 w, h;
  gsize n;
  const guint8 *d = g_bytes_get_data (g_ptr_array_index (f.data, 0), &n);
  g_assert_cmpint (tc_vp8_keyframe_size (d, n, &w, &h), ==, TC_OK);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);

  packets_clear (&p);
  frames_clear (&f);
  g_bytes_unref (frame);
  tc_payloader_vp8.state_free (tx);
  tc_payloader_vp8.state_free (rx);
}

static void
test_depayload_drops_a_frame_missing_a_middle_packet (void)
{
  GBytes *key = vp8_frame (5000, TRUE, 640, 360, 6);
  GBytes *delta = vp8_frame (2000, FALSE, 0, 0, 7);
  assert_a_lost_packet_drops_only_its_frame (&tc_payloader_vp8, key, delta,
      2);
  g_bytes_unref (key);
  g_bytes_unref (delta);
}

static void
test_depayload_rejects_malformed_payloads_without_output (void)
{
  static const struct {
    const char *what;
    guint8 bytes[6];
    size_t len;
  } bad[] = {
    {"empty payload", {0}, 0},
    {"X=1 with no extension byte", {0x90}, 1},
    {"I=1 M=1 with one PictureID byte", {0x90, 0x80, 0x81}, 3},
    {"descriptor and no VP8 data", {0x90, 0x80, 0x81, 0x02}, 4},
    {"required byte and no VP8 data", {0x10}, 1},
  };
  void *rx = tc_payloader_vp8.state_new ();
  frames f;
  frames_init (&f);
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    tc_rtp_packet pkt = {
      .seq = (guint16) i, .marker = true,
      .payload = heap ? heap : bad[i].bytes, .payload_len = bad[i].len,
    };
    g_assert_cmpint (tc_payloader_vp8.depayload (rx, &pkt, frames_collect, &f),
        ==, TC_ERR_PARSE);
    g_free (heap);
  }
  g_assert_cmpuint (frames_count (&f), ==, 0);

  /* A malformed packet in the middle also drops the frame around it. */
  static const guint8 first[] = {0x10, 0x50, 0x01};  /* S=1; keyframe tag */
  static const guint8 broken[] = {0x80};             /* X=1, cut */
  static const guint8 last[] = {0x00, 0x00};         /* continuation */
  const guint8 *seq_payloads[] = {first, broken, last};
  const size_t seq_lens[] = {sizeof first, sizeof broken, sizeof last};
  for (guint i = 0; i < 3; i++) {
    tc_rtp_packet pkt = {
      .seq = (guint16) (10 + i), .marker = i == 2,
      .payload = seq_payloads[i], .payload_len = seq_lens[i],
    };
    tc_payloader_vp8.depayload (rx, &pkt, frames_collect, &f);
  }
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  tc_payloader_vp8.state_free (rx);
}

static void
test_depayload_ignores_a_continuation_without_its_start (void)
{
  void *rx = tc_payloader_vp8.state_new ();
  frames f;
  frames_init (&f);
  static const guint8 cont[] = {0x00, 0x11, 0x22};  /* S=0 PID=0 */
  tc_rtp_packet pkt = {
    .seq = 7, .timestamp = 1, .marker = true,
    .payload = cont, .payload_len = sizeof cont,
  };
  g_assert_cmpint (tc_payloader_vp8.depayload (rx, &pkt, frames_collect, &f),
      ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 0);

  /* A start with a different PictureID than its continuation. */
  static const guint8 start[] = {0x90, 0x80, 0x80, 0x01, 0x50};  /* pid 1 */
  static const guint8 other[] = {0x80, 0x80, 0x80, 0x02, 0x60};  /* pid 2 */
  tc_rtp_packet a = {.seq = 8, .timestamp = 2, .payload = start,
    .payload_len = sizeof start};
  tc_rtp_packet b = {.seq = 9, .timestamp = 2, .marker = true,
    .payload = other, .payload_len = sizeof other};
  g_assert_cmpint (tc_payloader_vp8.depayload (rx, &a, frames_collect, &f),
      ==, TC_OK);
  g_assert_cmpint (tc_payloader_vp8.depayload (rx, &b, frames_collect, &f),
      ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  tc_payloader_vp8.state_free (rx);
}

static void
test_starts_frame_only_for_s1_pid0_with_data (void)
{
  static const struct {
    guint8 bytes[4];
    size_t len;
    gboolean want;
  } cases[] = {
    {{0x10, 0x00}, 2, TRUE},          /* S=1 PID=0 */
    {{0x11, 0x00}, 2, FALSE},         /* S=1 PID=1: a later partition */
    {{0x00, 0x00}, 2, FALSE},         /* S=0 */
    {{0x10}, 1, FALSE},               /* no data */
    {{0x90, 0x80, 0x05, 0x00}, 4, TRUE},
    {{0x90, 0x80}, 2, FALSE},         /* cut */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (tc_payloader_vp8.starts_frame (cases[i].bytes,
            cases[i].len), ==, cases[i].want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/vp8/descriptor/parses-the-spec-vectors",
      test_descriptor_parses_the_spec_vectors);
  g_test_add_func ("/rtp/vp8/descriptor/writes-the-spec-vectors",
      test_descriptor_writes_the_spec_vectors);
  g_test_add_func ("/rtp/vp8/descriptor/round-trips-every-combination-of-n-s-i-m-l-t-y-k",
      test_descriptor_round_trips_every_combination_of_n_s_i_m_l_t_y_k);
  g_test_add_func ("/rtp/vp8/descriptor/rejects-input-that-ends-inside-it",
      test_descriptor_rejects_input_that_ends_inside_it);
  g_test_add_func ("/rtp/vp8/descriptor/write-refuses-out-of-range-values",
      test_descriptor_write_refuses_out_of_range_values);
  g_test_add_func ("/rtp/vp8/keyframe/header-gives-1280x720",
      test_keyframe_header_gives_1280x720);
  g_test_add_func ("/rtp/vp8/keyframe/size-refuses-interframes-and-broken-headers",
      test_keyframe_size_refuses_interframes_and_broken_headers);
  g_test_add_func ("/rtp/vp8/payload/splits-a-frame-at-mtu-1200",
      test_payload_splits_a_frame_at_mtu_1200);
  g_test_add_func ("/rtp/vp8/payload/picture-id-increments-per-frame-and-wraps-0x7fff-to-0",
      test_payload_picture_id_increments_per_frame_and_wraps_0x7fff_to_0);
  g_test_add_func ("/rtp/vp8/payload/carries-tid-tl0picidx-and-keyidx-when-given",
      test_payload_carries_tid_tl0picidx_and_keyidx_when_given);
  g_test_add_func ("/rtp/vp8/payload/l1t3-layer-fields-round-trip-through-the-depayloader",
      test_payload_l1t3_layer_fields_round_trip_through_the_depayloader);
  g_test_add_func ("/rtp/vp8/payload/refuses-empty-frames-and-an-mtu-without-room",
      test_payload_refuses_empty_frames_and_an_mtu_without_room);
  g_test_add_func ("/rtp/vp8/payload/stops-when-the-sender-refuses",
      test_payload_stops_when_the_sender_refuses);
  g_test_add_func ("/rtp/vp8/depayload/reassembles-a-split-keyframe-byte-identical",
      test_depayload_reassembles_a_split_keyframe_byte_identical);
  g_test_add_func ("/rtp/vp8/depayload/drops-a-frame-missing-a-middle-packet",
      test_depayload_drops_a_frame_missing_a_middle_packet);
  g_test_add_func ("/rtp/vp8/depayload/rejects-malformed-payloads-without-output",
      test_depayload_rejects_malformed_payloads_without_output);
  g_test_add_func ("/rtp/vp8/depayload/ignores-a-continuation-without-its-start",
      test_depayload_ignores_a_continuation_without_its_start);
  g_test_add_func ("/rtp/vp8/starts-frame-only-for-s1-pid0-with-data",
      test_starts_frame_only_for_s1_pid0_with_data);
  return g_test_run ();
}
