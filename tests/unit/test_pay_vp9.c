/* test_pay_vp9.c - the VP9 payload format (RFC 9628) against the spec. */
#include <glib.h>
#include <string.h>

#include "rtp/pay_vp9.h"
#include "rtp_fixtures.h"

/* ---- Frames -------------------------------------------------------------- */

/* Starts of real keyframes from vp9enc (GStreamer 1.22, libvpx), enough
 * bytes for the uncompressed header up to the frame size. */
static const guint8 key_p0_320x180[] = {
  0x82,              /* frame_marker 10, profile 0, show_existing 0,
                      * frame_type 0 (key), show_frame 1, error_res 0 */
  0x49, 0x83, 0x42,  /* sync code */
  0x20,              /* color_space 001, color_range 0, width-1 ... */
  0x13, 0xf0,        /* ... 0x013f = 319, height-1 ... */
  0x0b, 0x36,        /* ... 0x0b3 = 179 */
  0x10, 0x38, 0x24,
};
static const guint8 key_p1_1280x720[] = {
  0xa2, 0x49, 0x83, 0x42, 0x40, 0x09, 0xfe, 0x05, 0x9e, 0xc0, 0xc7, 0x04,
};
static const guint8 key_p2_352x288[] = {
  0x92, 0x49, 0x83, 0x42, 0x10, 0x0a, 0xf8, 0x08, 0xfb, 0x01, 0x1c, 0x12,
};
static const guint8 inter_p0[] = {0x86, 0x00, 0x40};

/* A synthetic profile 0 frame of `len` bytes: for a keyframe a header for
 * `width` x `height` (sync code, BT.601, 4:2:0), for an interframe a
 * non-key header; then bytes from `seed`. */
static GBytes *
vp9_frame (size_t len, gboolean keyframe, guint width, guint height,
    guint8 seed)
{
  g_assert_cmpuint (len, >=, 10);
  guint8 *b = g_malloc0 (len);
  size_t pos;
  if (keyframe) {
    guint64 bits = 0;  /* 40 bits after the sync code */
    bits = (bits << 3) | 1;                 /* color_space BT.601 */
    bits = (bits << 1) | 0;                 /* color_range */
    bits = (bits << 16) | (width - 1);
    bits = (bits << 16) | (height - 1);
    bits = (bits << 1) | 0;                 /* render_and_frame_size_different */
    bits <<= 3;                             /* pad to 40 */
    const guint8 head[4] = {0x82, 0x49, 0x83, 0x42};
    memcpy (b, head, 4);
    for (int i = 0; i < 5; i++)
      b[4 + i] = (guint8) (bits >> (32 - 8 * i));
    pos = 9;
  } else {
    b[0] = 0x86;
    pos = 1;
  }
  guint32 x = seed * 2654435761u + 7;
  for (size_t i = pos; i < len; i++) {
    x = x * 1103515245u + 12345u;
    b[i] = (guint8) (x >> 16);
  }
  return g_bytes_new_take (b, len);
}

/* ---- Payload descriptor vectors (RFC 9628 section 4.2) ------------------- */

typedef struct {
  const char *what;
  guint8 bytes[24];
  size_t len;
  tc_vp9_descriptor want;
} descriptor_vector;

static const descriptor_vector descriptor_vectors[] = {
  {"required byte only: B=1 E=1",
    {0x0c},                 /* I=0 P=0 L=0 F=0 B=1 E=1 V=0 Z=0 */
    1, {.start = true, .end = true}},
  {"I+M: 15-bit picture id 0x1234, P, middle packet",
    {0xc0,                  /* I=1 P=1 */
     0x92, 0x34},           /* M=1 PictureID 0x1234 */
    3, {.has_picture_id = true, .inter_picture = true,
        .picture_id_long = true, .picture_id = 0x1234}},
  {"I: 7-bit picture id 100, Z",
    {0x89,                  /* I=1 B=1 Z=1 */
     0x64},                 /* M=0 PictureID 100 */
    2, {.has_picture_id = true, .start = true, .not_ref_upper = true,
        .picture_id = 100}},
  {"non-flexible L: TID 2 U SID 0 D 0, TL0PICIDX 7",
    {0xe8,                  /* I=1 P=1 L=1 F=0 B=1 */
     0x80, 0x05,            /* M=1 PictureID 5 */
     0x50,                  /* TID=010 U=1 SID=000 D=0 */
     0x07},                 /* TL0PICIDX */
    5, {.has_picture_id = true, .inter_picture = true, .has_layer = true,
        .start = true, .picture_id_long = true, .picture_id = 5, .tid = 2,
        .switching_up = true, .tl0picidx = 7}},
  {"flexible: L without TL0PICIDX, three P_DIFFs",
    {0xf4,                  /* I=1 P=1 L=1 F=1 E=1 */
     0x81, 0x00,            /* M=1 PictureID 0x100 */
     0x23,                  /* TID=001 U=0 SID=001 D=1 */
     0x03,                  /* P_DIFF=1 N=1 */
     0x05,                  /* P_DIFF=2 N=1 */
     0x08},                 /* P_DIFF=4 N=0 */
    7, {.has_picture_id = true, .inter_picture = true, .has_layer = true,
        .flexible = true, .end = true, .picture_id_long = true,
        .picture_id = 0x100, .tid = 1, .sid = 1, .inter_layer_dep = true,
        .n_p_diff = 3, .p_diff = {1, 2, 4}}},
  {"flexible keyframe: P=0, so no P_DIFF",
    {0x98,                  /* I=1 F=1 B=1 */
     0x7f},                 /* M=0 PictureID 127 */
    2, {.has_picture_id = true, .flexible = true, .start = true,
        .picture_id = 127}},
  {"keyframe with SS: one layer 1280x720, L1T3 GOF",
    {0xaa,                  /* I=1 L=1 B=1 V=1 */
     0x80, 0x00,            /* PictureID 0 */
     0x00, 0x00,            /* TID 0, TL0PICIDX 0 */
     0x18,                  /* N_S=000 Y=1 G=1 */
     0x05, 0x00, 0x02, 0xd0,  /* 1280 x 720 */
     0x04,                  /* N_G = 4 */
     0x04, 0x04,            /* TID=0 U=0 R=1, P_DIFF 4 */
     0x54, 0x01,            /* TID=2 U=1 R=1, P_DIFF 1 */
     0x34, 0x02,            /* TID=1 U=1 R=1, P_DIFF 2 */
     0x44, 0x01},           /* TID=2 U=0 R=1, P_DIFF 1 */
    19, {.has_picture_id = true, .has_layer = true, .start = true,
         .has_ss = true, .picture_id_long = true}},
};

static void
assert_descriptor_equal (const tc_vp9_descriptor *a, const tc_vp9_descriptor *b)
{
  g_assert_cmpint (a->has_picture_id, ==, b->has_picture_id);
  g_assert_cmpint (a->inter_picture, ==, b->inter_picture);
  g_assert_cmpint (a->has_layer, ==, b->has_layer);
  g_assert_cmpint (a->flexible, ==, b->flexible);
  g_assert_cmpint (a->start, ==, b->start);
  g_assert_cmpint (a->end, ==, b->end);
  g_assert_cmpint (a->has_ss, ==, b->has_ss);
  g_assert_cmpint (a->not_ref_upper, ==, b->not_ref_upper);
  g_assert_cmpint (a->picture_id_long, ==, b->picture_id_long);
  g_assert_cmpuint (a->picture_id, ==, b->picture_id);
  g_assert_cmpuint (a->tid, ==, b->tid);
  g_assert_cmpint (a->switching_up, ==, b->switching_up);
  g_assert_cmpuint (a->sid, ==, b->sid);
  g_assert_cmpint (a->inter_layer_dep, ==, b->inter_layer_dep);
  g_assert_cmpuint (a->tl0picidx, ==, b->tl0picidx);
  g_assert_cmpuint (a->n_p_diff, ==, b->n_p_diff);
  for (unsigned i = 0; i < a->n_p_diff; i++)
    g_assert_cmpuint (a->p_diff[i], ==, b->p_diff[i]);
}

static void
test_descriptor_parses_and_writes_the_spec_vectors (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (descriptor_vectors); i++) {
    const descriptor_vector *v = &descriptor_vectors[i];
    g_test_message ("%s", v->what);
    guint8 buf[32];
    memcpy (buf, v->bytes, v->len);
    buf[v->len] = 0xaa;  /* a byte of VP9 data follows */
    tc_vp9_descriptor d;
    tc_vp9_ss ss;
    size_t used = 0, written = 0;
    g_assert_cmpint (tc_vp9_descriptor_parse (buf, v->len + 1, &d, &ss,
            &used), ==, TC_OK);
    g_assert_cmpuint (used, ==, v->len);
    assert_descriptor_equal (&d, &v->want);

    guint8 out[64];
    g_assert_cmpuint (tc_vp9_descriptor_size (&d, &ss), ==, v->len);
    g_assert_cmpint (tc_vp9_descriptor_write (&d, &ss, out, sizeof out,
            &written), ==, TC_OK);
    g_assert_cmpmem (out, written, v->bytes, v->len);
  }
}

static void
test_descriptor_reads_the_scalability_structure (void)
{
  const descriptor_vector *v = &descriptor_vectors[G_N_ELEMENTS (descriptor_vectors) - 1];
  tc_vp9_descriptor d;
  tc_vp9_ss ss;
  size_t used;
  g_assert_cmpint (tc_vp9_descriptor_parse (v->bytes, v->len, &d, &ss, &used),
      ==, TC_OK);
  g_assert_cmpuint (ss.n_spatial, ==, 1);
  g_assert_true (ss.has_resolution);
  g_assert_cmpuint (ss.width[0], ==, 1280);
  g_assert_cmpuint (ss.height[0], ==, 720);
  g_assert_true (ss.has_gof);

  /* The GOF is exactly the L1T3 pattern we write. */
  tc_vp9_gof l1t3;
  g_assert_cmpint (tc_vp9_gof_for_temporal_layers (3, &l1t3), ==, TC_OK);
  g_assert_cmpuint (ss.gof.count, ==, 4);
  static const guint8 tids[] = {0, 2, 1, 2}, diffs[] = {4, 1, 2, 1};
  static const gboolean ups[] = {FALSE, TRUE, TRUE, FALSE};
  for (unsigned i = 0; i < 4; i++) {
    g_assert_cmpuint (ss.gof.entry[i].tid, ==, tids[i]);
    g_assert_cmpint (ss.gof.entry[i].switching_up, ==, ups[i]);
    g_assert_cmpuint (ss.gof.entry[i].n_refs, ==, 1);
    g_assert_cmpuint (ss.gof.entry[i].p_diff[0], ==, diffs[i]);
    g_assert_cmpmem (&ss.gof.entry[i], sizeof ss.gof.entry[i],
        &l1t3.entry[i], sizeof l1t3.entry[i]);
  }
  g_assert_cmpint (tc_vp9_gof_for_temporal_layers (0, &l1t3), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_vp9_gof_for_temporal_layers (4, &l1t3), ==,
      TC_ERR_INVALID_ARG);

  /* Skipped over when the caller does not want it. */
  g_assert_cmpint (tc_vp9_descriptor_parse (v->bytes, v->len, &d, NULL,
          &used), ==, TC_OK);
  g_assert_cmpuint (used, ==, v->len);
}

static void
test_descriptor_refuses_cut_and_malformed_input (void)
{
  static const struct {
    const char *what;
    guint8 bytes[12];
    size_t len;
  } bad[] = {
    {"empty payload", {0}, 0},
    {"I=1 but no picture id", {0x80}, 1},
    {"I=1 M=1 but one picture id byte", {0x80, 0x81}, 2},
    {"L=1 non-flexible, TL0PICIDX missing", {0xa0, 0x01, 0x20}, 3},
    {"F=1 without I (section 4.2)", {0x18}, 1},
    {"flexible P=1 with no P_DIFF", {0xd0, 0x01}, 2},
    {"flexible P_DIFF says another follows, none does", {0xd0, 0x01, 0x03}, 3},
    {"a fourth P_DIFF", {0xd0, 0x01, 0x03, 0x05, 0x07, 0x08}, 6},
    {"V=1 with no SS", {0x0a}, 1},
    {"SS Y=1, height cut", {0x0a, 0x10, 0x05, 0x00, 0x02}, 5},
    {"SS G=1, N_G=2, second entry missing", {0x0a, 0x08, 0x02, 0x04, 0x01}, 5},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    tc_vp9_descriptor d;
    tc_vp9_ss ss;
    size_t used = 0;
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    g_assert_cmpint (tc_vp9_descriptor_parse (heap ? heap : bad[i].bytes,
            bad[i].len, &d, &ss, &used), ==, TC_ERR_PARSE);
    g_free (heap);
  }
}

static void
test_descriptor_write_refuses_out_of_range_values (void)
{
  static const tc_vp9_descriptor bad[] = {
    {.has_picture_id = true, .picture_id = 0x80},
    {.has_picture_id = true, .picture_id_long = true, .picture_id = 0x8000},
    {.flexible = true},
    {.has_layer = true, .tid = 8},
    {.has_layer = true, .sid = 8},
    {.has_picture_id = true, .flexible = true, .inter_picture = true},
    {.has_picture_id = true, .flexible = true, .inter_picture = true,
     .n_p_diff = 1, .p_diff = {128}},
    {.has_ss = true},  /* SS announced, none given */
  };
  guint8 buf[64];
  size_t written;
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (tc_vp9_descriptor_write (&bad[i], NULL, buf, sizeof buf,
            &written), ==, TC_ERR_INVALID_ARG);
  tc_vp9_descriptor big = {.has_picture_id = true, .picture_id_long = true};
  g_assert_cmpint (tc_vp9_descriptor_write (&big, NULL, buf, 2, &written), ==,
      TC_ERR_TOO_LARGE);
}

/* ---- Uncompressed header (VP9 bitstream specification 6.2) --------------- */

static void
test_header_reads_profile_and_size_of_real_keyframes (void)
{
  static const struct {
    const char *what;
    const guint8 *bytes;
    size_t len;
    guint profile, bit_depth, width, height;
  } keys[] = {
    {"profile 0, 8-bit 4:2:0", key_p0_320x180, sizeof key_p0_320x180,
      0, 8, 320, 180},
    {"profile 1, 8-bit 4:4:4", key_p1_1280x720, sizeof key_p1_1280x720,
      1, 8, 1280, 720},
    {"profile 2, 10-bit 4:2:0", key_p2_352x288, sizeof key_p2_352x288,
      2, 10, 352, 288},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++) {
    g_test_message ("%s", keys[i].what);
    tc_vp9_header h;
    g_assert_cmpint (tc_vp9_header_parse (keys[i].bytes, keys[i].len, &h), ==,
        TC_OK);
    g_assert_true (h.keyframe && h.show_frame && h.has_size);
    g_assert_cmpuint (h.profile, ==, keys[i].profile);
    g_assert_cmpuint (h.bit_depth, ==, keys[i].bit_depth);
    g_assert_cmpuint (h.width, ==, keys[i].width);
    g_assert_cmpuint (h.height, ==, keys[i].height);
    guint32 w = 0, hh = 0;
    g_assert_cmpint (tc_vp9_keyframe_size (keys[i].bytes, keys[i].len, &w,
            &hh), ==, TC_OK);
    g_assert_cmpuint (w, ==, keys[i].width);
    g_assert_cmpuint (hh, ==, keys[i].height);
  }
}

static void
test_header_tells_interframes_and_refuses_broken_ones (void)
{
  tc_vp9_header h;
  guint32 w, hh;
  g_assert_cmpint (tc_vp9_header_parse (inter_p0, sizeof inter_p0, &h), ==,
      TC_OK);
  g_assert_false (h.keyframe);
  g_assert_false (h.has_size);
  g_assert_cmpint (tc_vp9_keyframe_size (inter_p0, sizeof inter_p0, &w, &hh),
      ==, TC_ERR_PARSE);

  static const guint8 show_existing[] = {0x8a};  /* 10 0 0 1 010: idx 2 */
  g_assert_cmpint (tc_vp9_header_parse (show_existing, 1, &h), ==, TC_OK);
  g_assert_true (h.show_existing_frame);
  g_assert_false (h.keyframe);

  /* Intra-only (hidden, profile 0): 10 0 0 0 1 0 0 | 1 (intra_only)
   * 00 (reset_frame_context) sync code, refresh flags, 64 x 48. */
  static const guint8 intra_only[] = {
    0x84,              /* marker, profile 0, frame_type 1, show_frame 0 */
    0x89, 0x30, 0x68, 0x40,  /* intra_only 1, reset 00, sync code 49 83 42,
                              * refresh_frame_flags 00000001 ... */
    0x20, 0x07, 0xe0,  /* ... width-1 = 63 ... */
    0x05, 0xe0,        /* ... height-1 = 47 */
  };
  g_assert_cmpint (tc_vp9_header_parse (intra_only, sizeof intra_only, &h),
      ==, TC_OK);
  g_assert_true (h.intra_only);
  g_assert_false (h.keyframe);
  g_assert_true (h.has_size);
  g_assert_cmpuint (h.width, ==, 64);
  g_assert_cmpuint (h.height, ==, 48);

  static const struct {
    const char *what;
    guint8 bytes[12];
    size_t len;
  } bad[] = {
    {"empty", {0}, 0},
    {"frame marker 01", {0x42, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0, 0x0b, 0x36}, 9},
    {"wrong sync code", {0x82, 0x49, 0x83, 0x43, 0x20, 0x13, 0xf0, 0x0b, 0x36}, 9},
    {"profile 3 with its reserved bit set", {0xb1, 0x24, 0xc1, 0xa1}, 4},
    {"keyframe cut before its height", {0x82, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0}, 7},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    g_assert_cmpint (tc_vp9_header_parse (heap ? heap : bad[i].bytes,
            bad[i].len, &h), ==, TC_ERR_PARSE);
    g_assert_cmpint (tc_vp9_keyframe_size (heap ? heap : bad[i].bytes,
            bad[i].len, &w, &hh), ==, TC_ERR_PARSE);
    g_free (heap);
  }
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
parse_packet (const packets *p, guint i, tc_vp9_descriptor *d, tc_vp9_ss *ss,
    size_t *hdr, size_t *len)
{
  const guint8 *data = packets_data (p, i, len);
  g_assert_cmpint (tc_vp9_descriptor_parse (data, *len, d, ss, hdr), ==,
      TC_OK);
}

static void
test_payload_marks_b_e_p_and_sends_ss_with_keyframes (void)
{
  void *st = tc_payloader_vp9.state_new ();
  tc_vp9_set_picture_id (st, 0x1234);
  GBytes *key = vp9_frame (3000, TRUE, 640, 360, 1);
  packets p;
  packets_init (&p);
  packetize (&tc_payloader_vp9, st, key, 1200, &p);

  g_assert_cmpuint (p.payloads->len, ==, 3);
  size_t total = 0;
  for (guint i = 0; i < p.payloads->len; i++) {
    tc_vp9_descriptor d;
    tc_vp9_ss ss;
    size_t hdr, len;
    parse_packet (&p, i, &d, &ss, &hdr, &len);
    g_assert_cmpuint (len, <=, 1200);
    g_assert_true (d.has_picture_id && d.picture_id_long);
    g_assert_cmpuint (d.picture_id, ==, 0x1234);
    g_assert_false (d.inter_picture);
    g_assert_false (d.flexible);
    g_assert_false (d.has_layer);
    g_assert_cmpint (d.start, ==, i == 0);
    g_assert_cmpint (d.end, ==, i == 2);
    g_assert_cmpint (g_array_index (p.markers, gboolean, i), ==, i == 2);
    g_assert_cmpint (d.has_ss, ==, i == 0);
    if (i == 0) {
      /* 3-byte descriptor + 5-byte SS: N_S=0 Y=1 G=0, 640 x 360. */
      g_assert_cmpuint (hdr, ==, 8);
      g_assert_cmpuint (ss.n_spatial, ==, 1);
      g_assert_true (ss.has_resolution);
      g_assert_false (ss.has_gof);
      g_assert_cmpuint (ss.width[0], ==, 640);
      g_assert_cmpuint (ss.height[0], ==, 360);
    } else {
      g_assert_cmpuint (hdr, ==, 3);
    }
    total += len - hdr;
  }
  g_assert_cmpuint (total, ==, 3000);

  /* An interframe: P=1, no SS, next picture id. */
  GBytes *delta = vp9_frame (500, FALSE, 0, 0, 2);
  packets q;
  packets_init (&q);
  packetize (&tc_payloader_vp9, st, delta, 1200, &q);
  g_assert_cmpuint (q.payloads->len, ==, 1);
  tc_vp9_descriptor d;
  size_t hdr, len;
  parse_packet (&q, 0, &d, NULL, &hdr, &len);
  g_assert_true (d.inter_picture && d.start && d.end && !d.has_ss);
  g_assert_cmpuint (d.picture_id, ==, 0x1235);
  g_assert_true (g_array_index (q.markers, gboolean, 0));

  packets_clear (&p);
  packets_clear (&q);
  g_bytes_unref (key);
  g_bytes_unref (delta);
  tc_payloader_vp9.state_free (st);
}

static void
test_payload_fills_packets_exactly_to_the_mtu_and_one_byte_over_adds_one (void)
{
  /* Interframes: a 3-byte descriptor in every packet. */
  static const struct {
    size_t len, mtu, packets, max_payload;
  } cases[] = {
    {1197, 1200, 1, 1200},   /* exactly one full packet */
    {1198, 1200, 2, 602},    /* one byte over: two packets of 599 + 3 */
    {2394, 1200, 2, 1200},   /* exactly two full packets */
    {2395, 1200, 3, 802},
    {1, 4, 1, 4},            /* the smallest MTU that carries a byte */
    {5, 4, 5, 4},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    void *st = tc_payloader_vp9.state_new ();
    GBytes *frame = vp9_frame (cases[i].len < 10 ? 10 : cases[i].len, FALSE,
        0, 0, 3);
    gsize n;
    const guint8 *data = g_bytes_get_data (frame, &n);
    packets p;
    packets_init (&p);
    g_assert_cmpint (tc_payloader_vp9.payload (st, data, cases[i].len, FALSE,
            cases[i].mtu, packets_collect, &p), ==, TC_OK);
    g_assert_cmpuint (p.payloads->len, ==, cases[i].packets);
    size_t biggest = 0, total = 0;
    for (guint k = 0; k < p.payloads->len; k++) {
      size_t len;
      packets_data (&p, k, &len);
      biggest = MAX (biggest, len);
      total += len - 3;
    }
    g_assert_cmpuint (biggest, ==, cases[i].max_payload);
    g_assert_cmpuint (total, ==, cases[i].len);
    packets_clear (&p);
    g_bytes_unref (frame);
    tc_payloader_vp9.state_free (st);
  }
}

static void
test_payload_keyframe_with_ss_at_the_mtu_boundary (void)
{
  /* Keyframe: 8 bytes of descriptor + SS in packet 0, 3 in the others. */
  void *st = tc_payloader_vp9.state_new ();
  GBytes *key = vp9_frame (1192, TRUE, 320, 180, 4);
  packets p;
  packets_init (&p);
  packetize (&tc_payloader_vp9, st, key, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  packets_data (&p, 0, &len);
  g_assert_cmpuint (len, ==, 1200);
  packets_clear (&p);
  g_bytes_unref (key);

  key = vp9_frame (1193, TRUE, 320, 180, 4);
  packets_init (&p);
  packetize (&tc_payloader_vp9, st, key, 1200, &p);
  g_assert_cmpuint (p.payloads->len, ==, 2);
  for (guint k = 0; k < 2; k++) {
    packets_data (&p, k, &len);
    g_assert_cmpuint (len, <=, 1200);
  }
  packets_clear (&p);
  g_bytes_unref (key);

  /* An MTU that cannot hold the keyframe's descriptor and a byte. */
  GBytes *small = vp9_frame (20, TRUE, 320, 180, 5);
  gsize n;
  const guint8 *d = g_bytes_get_data (small, &n);
  packets_init (&p);
  g_assert_cmpint (tc_payloader_vp9.payload (st, d, n, TRUE, 8,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_payloader_vp9.payload (st, d, 0, TRUE, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpuint (p.payloads->len, ==, 0);
  packets_clear (&p);
  g_bytes_unref (small);
  tc_payloader_vp9.state_free (st);
}

static void
test_payload_picture_id_increments_per_frame_and_wraps (void)
{
  void *st = tc_payloader_vp9.state_new ();
  tc_vp9_set_picture_id (st, 0x7ffe);
  GBytes *frame = vp9_frame (2000, FALSE, 0, 0, 6);
  static const guint16 want[] = {0x7ffe, 0x7fff, 0x0000, 0x0001};
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
    packets p;
    packets_init (&p);
    packetize (&tc_payloader_vp9, st, frame, 1200, &p);
    for (guint k = 0; k < p.payloads->len; k++) {
      tc_vp9_descriptor d;
      size_t hdr, len;
      parse_packet (&p, k, &d, NULL, &hdr, &len);
      g_assert_cmpuint (d.picture_id, ==, want[i]);
    }
    packets_clear (&p);
  }
  g_bytes_unref (frame);
  tc_payloader_vp9.state_free (st);
}

/* L1T3 as libvpx produces it: TID 0 2 1 2 0 2 1 2 ..., TL0PICIDX counting
 * base-layer pictures, U on the pictures one may switch up at. */
static void
test_payload_carries_l1t3_layer_indices_and_the_gof (void)
{
  void *st = tc_payloader_vp9.state_new ();
  tc_vp9_set_picture_id (st, 10);
  tc_vp9_gof gof;
  g_assert_cmpint (tc_vp9_gof_for_temporal_layers (3, &gof), ==, TC_OK);
  static const guint8 tids[] = {0, 2, 1, 2, 0, 2, 1, 2};
  guint8 tl0 = 200;
  for (guint i = 0; i < G_N_ELEMENTS (tids); i++) {
    if (tids[i] == 0 && i > 0)
      tl0++;
    tc_vp9_frame_info info = {
      .has_layer = true, .tid = tids[i], .switching_up = tids[i] != 0,
      .tl0picidx = tl0, .gof = &gof,
    };
    GBytes *f = vp9_frame (1500, i == 0, 1280, 720, (guint8) i);
    gsize n;
    const guint8 *data = g_bytes_get_data (f, &n);
    packets p;
    packets_init (&p);
    g_assert_cmpint (tc_vp9_payload_frame (st, data, n, i == 0, &info, 1200,
            packets_collect, &p), ==, TC_OK);
    for (guint k = 0; k < p.payloads->len; k++) {
      tc_vp9_descriptor d;
      tc_vp9_ss ss;
      size_t hdr, len;
      parse_packet (&p, k, &d, &ss, &hdr, &len);
      g_assert_true (d.has_layer && !d.flexible);
      g_assert_cmpuint (d.tid, ==, tids[i]);
      g_assert_cmpint (d.switching_up, ==, tids[i] != 0);
      g_assert_cmpuint (d.sid, ==, 0);
      g_assert_cmpuint (d.tl0picidx, ==, tl0);
      g_assert_cmpuint (d.picture_id, ==, 10 + i);
      g_assert_cmpint (d.has_ss, ==, i == 0 && k == 0);
      if (d.has_ss) {
        g_assert_true (ss.has_gof && ss.has_resolution);
        g_assert_cmpuint (ss.gof.count, ==, 4);
        g_assert_cmpuint (ss.width[0], ==, 1280);
      }
    }
    packets_clear (&p);
    g_bytes_unref (f);
  }
  /* A TID beyond 3 bits is refused and costs no picture id. */
  tc_vp9_frame_info bad = {.has_layer = true, .tid = 8};
  g_assert_cmpint (tc_vp9_payload_frame (st, inter_p0, sizeof inter_p0, FALSE,
          &bad, 1200, packets_collect, NULL), ==, TC_ERR_INVALID_ARG);
  packets p;
  packets_init (&p);
  g_assert_cmpint (tc_vp9_payload_frame (st, inter_p0, sizeof inter_p0, FALSE,
          NULL, 1200, packets_collect, &p), ==, TC_OK);
  tc_vp9_descriptor d;
  size_t hdr, len;
  parse_packet (&p, 0, &d, NULL, &hdr, &len);
  g_assert_cmpuint (d.picture_id, ==, 18);
  packets_clear (&p);
  tc_payloader_vp9.state_free (st);
}

static void
test_payload_believes_the_header_over_the_keyframe_flag (void)
{
  void *st = tc_payloader_vp9.state_new ();
  packets p;
  packets_init (&p);
  /* Said to be a keyframe, but the header says interframe: P stays set. */
  g_assert_cmpint (tc_payloader_vp9.payload (st, inter_p0, sizeof inter_p0,
          TRUE, 1200, packets_collect, &p), ==, TC_OK);
  /* A header we cannot read: the flag decides, and no SS is invented. */
  static const guint8 unknown[] = {0x00, 0x01, 0x02};
  g_assert_cmpint (tc_payloader_vp9.payload (st, unknown, sizeof unknown,
          TRUE, 1200, packets_collect, &p), ==, TC_OK);
  tc_vp9_descriptor d;
  size_t hdr, len;
  parse_packet (&p, 0, &d, NULL, &hdr, &len);
  g_assert_true (d.inter_picture);
  parse_packet (&p, 1, &d, NULL, &hdr, &len);
  g_assert_false (d.inter_picture);
  g_assert_false (d.has_ss);
  packets_clear (&p);
  tc_payloader_vp9.state_free (st);
}

/* ---- Depacketizer -------------------------------------------------------- */

static tc_status
feed (void *st, const packets *p, guint i, guint16 seq, guint32 ts,
    frames *out)
{
  return depay_emitted (&tc_payloader_vp9, st, p, i, seq, ts, out);
}

static tc_status
feed_raw (void *st, const guint8 *payload, size_t len, guint16 seq,
    guint32 ts, gboolean marker, frames *out)
{
  return depay_payload (&tc_payloader_vp9, st, payload, len, seq, ts, marker,
      out);
}

static void
test_depayload_reassembles_frames_byte_identical (void)
{
  void *tx = tc_payloader_vp9.state_new ();
  void *rx = tc_payloader_vp9.state_new ();
  GBytes *key = vp9_frame (5000, TRUE, 1280, 720, 7);
  GBytes *delta = vp9_frame (1300, FALSE, 0, 0, 8);
  packets p, q;
  frames f;
  packets_init (&p);
  packets_init (&q);
  frames_init (&f);
  packetize (&tc_payloader_vp9, tx, key, 1200, &p);
  packetize (&tc_payloader_vp9, tx, delta, 1200, &q);
  guint16 seq = 65533;  /* across the 16-bit wrap */
  for (guint i = 0; i < p.payloads->len; i++)
    g_assert_cmpint (feed (rx, &p, i, seq++, 9000, &f), ==, TC_OK);
  for (guint i = 0; i < q.payloads->len; i++)
    g_assert_cmpint (feed (rx, &q, i, seq++, 12000, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 2);
  frames_assert_equal (&f, 0, key);
  frames_assert_equal (&f, 1, delta);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  g_assert_false (g_array_index (f.keyframes, gboolean, 1));
  g_assert_cmpuint (g_array_index (f.timestamps, guint32, 1), ==, 12000);

  guint32 w, h;
  gsize n;
  const guint8 *d = g_bytes_get_data (g_ptr_array_index (f.data, 0), &n);
  g_assert_cmpint (tc_vp9_keyframe_size (d, n, &w, &h), ==, TC_OK);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);

  packets_clear (&p);
  packets_clear (&q);
  frames_clear (&f);
  g_bytes_unref (key);
  g_bytes_unref (delta);
  tc_payloader_vp9.state_free (tx);
  tc_payloader_vp9.state_free (rx);
}

static void
test_depayload_keeps_a_superframe_whole (void)
{
  /* Two frames (a hidden keyframe-sized one and a shown one) and the
   * superframe index: marker c9 = 110 01 001 (2-byte sizes, 2 frames). */
  GBytes *a = vp9_frame (1500, TRUE, 320, 180, 9);
  GBytes *b = vp9_frame (900, FALSE, 0, 0, 10);
  GByteArray *sf = g_byte_array_new ();
  gsize na, nb;
  const guint8 *da = g_bytes_get_data (a, &na);
  const guint8 *db = g_bytes_get_data (b, &nb);
  g_byte_array_append (sf, da, (guint) na);
  g_byte_array_append (sf, db, (guint) nb);
  const guint8 index[] = {0xc9, (guint8) na, (guint8) (na >> 8),
    (guint8) nb, (guint8) (nb >> 8), 0xc9};
  g_byte_array_append (sf, index, sizeof index);
  GBytes *super = g_byte_array_free_to_bytes (sf);

  void *tx = tc_payloader_vp9.state_new ();
  void *rx = tc_payloader_vp9.state_new ();
  packets p;
  frames f;
  packets_init (&p);
  frames_init (&f);
  packetize (&tc_payloader_vp9, tx, super, 1000, &p);
  g_assert_cmpuint (p.payloads->len, ==, 3);
  for (guint i = 0; i < p.payloads->len; i++)
    g_assert_cmpint (feed (rx, &p, i, (guint16) (7 + i), 90, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  frames_assert_equal (&f, 0, super);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  packets_clear (&p);
  frames_clear (&f);
  g_bytes_unref (a);
  g_bytes_unref (b);
  g_bytes_unref (super);
  tc_payloader_vp9.state_free (tx);
  tc_payloader_vp9.state_free (rx);
}

static void
test_depayload_drops_a_frame_missing_a_middle_packet (void)
{
  GBytes *key = vp9_frame (4000, TRUE, 640, 360, 11);
  GBytes *delta = vp9_frame (2000, FALSE, 0, 0, 12);
  assert_a_lost_packet_drops_only_its_frame (&tc_payloader_vp9, key, delta, 2);
  g_bytes_unref (key);
  g_bytes_unref (delta);
}

static void
test_depayload_joins_spatial_layers_and_reads_flexible_mode (void)
{
  /* A browser-style flexible-mode picture in two spatial layers: SID 0
   * (B..E) then SID 1 (B..E, marker), one timestamp. */
  static const guint8 s0a[] = {0xb8, 0x80, 0x21, 0x00, 0x82, 0x49, 0x83,
    0x42, 0x20, 0x13, 0xf0, 0x0b, 0x36};  /* I L F B, pid 0x21, key hdr */
  static const guint8 s0b[] = {0xb4, 0x80, 0x21, 0x00, 0x11};  /* E */
  static const guint8 s1a[] = {0xb8, 0x80, 0x21, 0x03, 0x22};  /* B, SID1 D */
  static const guint8 s1b[] = {0xb4, 0x80, 0x21, 0x03, 0x33};  /* E */
  void *rx = tc_payloader_vp9.state_new ();
  frames f;
  frames_init (&f);
  g_assert_true (tc_payloader_vp9.starts_frame (s0a, sizeof s0a));
  g_assert_false (tc_payloader_vp9.starts_frame (s1a, sizeof s1a));
  g_assert_false (tc_payloader_vp9.starts_frame (s0b, sizeof s0b));
  g_assert_cmpint (feed_raw (rx, s0a, sizeof s0a, 1, 5, FALSE, &f), ==, TC_OK);
  g_assert_cmpint (feed_raw (rx, s0b, sizeof s0b, 2, 5, FALSE, &f), ==, TC_OK);
  g_assert_cmpint (feed_raw (rx, s1a, sizeof s1a, 3, 5, FALSE, &f), ==, TC_OK);
  g_assert_cmpint (feed_raw (rx, s1b, sizeof s1b, 4, 5, TRUE, &f), ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  static const guint8 want[] = {0x82, 0x49, 0x83, 0x42, 0x20, 0x13, 0xf0,
    0x0b, 0x36, 0x11, 0x22, 0x33};
  GBytes *w = g_bytes_new_static (want, sizeof want);
  frames_assert_equal (&f, 0, w);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));

  /* Flexible interframe with P_DIFFs: parsed, and never a keyframe even
   * if its header looked like one. */
  static const guint8 inter[] = {0xdc, 0x80, 0x22, 0x03, 0x04, 0x82, 0x49,
    0x83, 0x42, 0x20, 0x13, 0xf0, 0x0b, 0x36};  /* I P F B E, 2 P_DIFFs */
  g_assert_cmpint (feed_raw (rx, inter, sizeof inter, 5, 6, TRUE, &f), ==,
      TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 2);
  g_assert_false (g_array_index (f.keyframes, gboolean, 1));

  /* P=0 but an interframe header: not a keyframe either. */
  static const guint8 liar[] = {0x8c, 0x23, 0x86, 0x00, 0x40};
  g_assert_cmpint (feed_raw (rx, liar, sizeof liar, 6, 7, TRUE, &f), ==,
      TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 3);
  g_assert_false (g_array_index (f.keyframes, gboolean, 2));
  g_bytes_unref (w);
  frames_clear (&f);
  tc_payloader_vp9.state_free (rx);
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
    {"I=1 M=1 with one picture id byte", {0x8c, 0x81}, 2},
    {"F=1 without I", {0x1c, 0x00}, 2},
    {"descriptor and no VP9 data", {0x8c, 0x81, 0x02}, 3},
  };
  void *rx = tc_payloader_vp9.state_new ();
  frames f;
  frames_init (&f);
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_test_message ("%s", bad[i].what);
    guint8 *heap = g_memdup2 (bad[i].bytes, bad[i].len);
    g_assert_cmpint (feed_raw (rx, heap ? heap : bad[i].bytes, bad[i].len,
            (guint16) i, 0, TRUE, &f), ==, TC_ERR_PARSE);
    /* The exact-length heap copy, so ASan sees any read past the end (the
     * table's rows are padded). */
    g_assert_false (tc_payloader_vp9.starts_frame (heap, bad[i].len));
    g_free (heap);
  }
  /* A malformed packet in the middle drops the picture around it. */
  static const guint8 first[] = {0x88, 0x01, 0x82, 0x49};   /* B, pid 1 */
  static const guint8 broken[] = {0x80};                    /* cut */
  static const guint8 last[] = {0x84, 0x01, 0x00};          /* E */
  feed_raw (rx, first, sizeof first, 10, 1, FALSE, &f);
  feed_raw (rx, broken, sizeof broken, 11, 1, FALSE, &f);
  feed_raw (rx, last, sizeof last, 12, 1, TRUE, &f);
  /* A continuation without its start, and one of another picture id. */
  feed_raw (rx, last, sizeof last, 13, 2, TRUE, &f);
  static const guint8 other[] = {0x84, 0x02, 0x00};
  feed_raw (rx, first, sizeof first, 14, 3, FALSE, &f);
  feed_raw (rx, other, sizeof other, 15, 3, TRUE, &f);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  tc_payloader_vp9.state_free (rx);
}

static void
test_registry_finds_vp9_and_h264 (void)
{
  g_assert_true (tc_payloader_find ("VP9") == &tc_payloader_vp9);
  g_assert_true (tc_payloader_find ("vp9") == &tc_payloader_vp9);
  g_assert_true (tc_payloader_find ("H264") == &tc_payloader_h264);
  g_assert_true (tc_payloader_find ("h264") == &tc_payloader_h264);
  g_assert_cmpuint (tc_payloader_vp9.clock_rate, ==, 90000);
  g_assert_cmpuint (tc_payloader_h264.clock_rate, ==, 90000);
  g_assert_cmpint (tc_payloader_vp9.kind, ==, TC_MEDIA_VIDEO);
  g_assert_false (tc_payloader_vp9.packet_is_frame);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/vp9/descriptor/parses-and-writes-the-spec-vectors",
      test_descriptor_parses_and_writes_the_spec_vectors);
  g_test_add_func ("/rtp/vp9/descriptor/reads-the-scalability-structure",
      test_descriptor_reads_the_scalability_structure);
  g_test_add_func ("/rtp/vp9/descriptor/refuses-cut-and-malformed-input",
      test_descriptor_refuses_cut_and_malformed_input);
  g_test_add_func ("/rtp/vp9/descriptor/write-refuses-out-of-range-values",
      test_descriptor_write_refuses_out_of_range_values);
  g_test_add_func ("/rtp/vp9/header/reads-profile-and-size-of-real-keyframes",
      test_header_reads_profile_and_size_of_real_keyframes);
  g_test_add_func ("/rtp/vp9/header/tells-interframes-and-refuses-broken-ones",
      test_header_tells_interframes_and_refuses_broken_ones);
  g_test_add_func ("/rtp/vp9/payload/marks-b-e-p-and-sends-ss-with-keyframes",
      test_payload_marks_b_e_p_and_sends_ss_with_keyframes);
  g_test_add_func ("/rtp/vp9/payload/fills-packets-exactly-to-the-mtu-and-one-byte-over-adds-one",
      test_payload_fills_packets_exactly_to_the_mtu_and_one_byte_over_adds_one);
  g_test_add_func ("/rtp/vp9/payload/keyframe-with-ss-at-the-mtu-boundary",
      test_payload_keyframe_with_ss_at_the_mtu_boundary);
  g_test_add_func ("/rtp/vp9/payload/picture-id-increments-per-frame-and-wraps",
      test_payload_picture_id_increments_per_frame_and_wraps);
  g_test_add_func ("/rtp/vp9/payload/carries-l1t3-layer-indices-and-the-gof",
      test_payload_carries_l1t3_layer_indices_and_the_gof);
  g_test_add_func ("/rtp/vp9/payload/believes-the-header-over-the-keyframe-flag",
      test_payload_believes_the_header_over_the_keyframe_flag);
  g_test_add_func ("/rtp/vp9/depayload/reassembles-frames-byte-identical",
      test_depayload_reassembles_frames_byte_identical);
  g_test_add_func ("/rtp/vp9/depayload/keeps-a-superframe-whole",
      test_depayload_keeps_a_superframe_whole);
  g_test_add_func ("/rtp/vp9/depayload/drops-a-frame-missing-a-middle-packet",
      test_depayload_drops_a_frame_missing_a_middle_packet);
  g_test_add_func ("/rtp/vp9/depayload/joins-spatial-layers-and-reads-flexible-mode",
      test_depayload_joins_spatial_layers_and_reads_flexible_mode);
  g_test_add_func ("/rtp/vp9/depayload/rejects-malformed-payloads-without-output",
      test_depayload_rejects_malformed_payloads_without_output);
  g_test_add_func ("/rtp/registry/finds-vp9-and-h264",
      test_registry_finds_vp9_and_h264);
  return g_test_run ();
}
