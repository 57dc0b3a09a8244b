/* test_rtp_dd.c - the dependency descriptor (AV1 RTP spec appendix A):
 * vectors built by hand from the spec's syntax, the L1T3 structure
 * Chromium sends, and our own L1T3 frames written and read back. */
#include <glib.h>
#include <string.h>

#include "rtp/rtp_dd.h"

/* A keyframe descriptor carrying Chromium's L1T3 structure, field by field:
 *   1 1 000011 0001001000110100   start, end, template_id 3, frame 0x1234
 *   1 0 0 0 0                     structure present, no other flags
 *   000011 00010                  template_id_offset 3, dt_cnt_minus_one 2
 *   00 01 01 00 11                layers: T0 T0 T1 T2 T2, end
 *   101010 101010 000110 000001 000001   dtis: SSS SSS -DS --D --D
 *   0 | 1 0011 0 | 1 0001 0 | 1 0000 0 | 1 0000 0   fdiffs: -, 4, 2, 1, 1
 *   01                            chain_cnt ns(4) = 1 (protected_by: 0 bits)
 *   0000 0100 0010 0001 0011      chain fdiffs 0 4 2 1 3
 *   1 0000001001111111 0000000101100111   render size 640x360
 *   (160 bits: no frame-level customs, no padding) */
static const guint8 chromium_l1t3_key[] = {
  0xc3, 0x12, 0x34, 0x80, 0x62, 0x14, 0xea, 0xa8, 0x60, 0x41,
  0x4d, 0x14, 0x10, 0x20, 0x84, 0x27, 0x02, 0x7f, 0x01, 0x67,
};

/* A T0 delta frame: start 1, end 0, template_id 4 (index 1), frame 0x1235;
 * mandatory fields only. */
static const guint8 chromium_t0_delta[] = {0x84, 0x12, 0x35};

/* A frame with every custom field:
 *   1 1 000110 0001001000110110   template_id 6 (index 3: T2), frame 0x1236
 *   0 0 1 1 1                     custom dtis, fdiffs, chains
 *   00 01 11                      dtis - D R
 *   01 0000 | 10 00010011 | 00    fdiffs 1 (4 bits), 20 (8 bits), end
 *   00000111                      chain fdiff 7
 *   000                           zero padding */
static const guint8 custom_frame[] = {
  0xc6, 0x12, 0x36, 0x38, 0xe8, 0x42, 0x60, 0x38,
};

/* active_decode_targets_present: 1 1 000100 (frame 7), flags 0 1 0 0 0,
 * bitmask 011 (decode targets 0 and 1). */
static const guint8 active_targets[] = {0xc4, 0x00, 0x07, 0x43};

static void
expect_template (const tc_dd_info *t, guint8 tid, const char *dtis,
    guint16 fdiff, guint8 chain)
{
  g_assert_cmpuint (t->spatial_id, ==, 0);
  g_assert_cmpuint (t->temporal_id, ==, tid);
  for (guint d = 0; d < 3; d++) {
    guint8 want = dtis[d] == 'S' ? TC_DD_DTI_SWITCH
        : dtis[d] == 'D' ? TC_DD_DTI_DISCARDABLE
        : dtis[d] == 'R' ? TC_DD_DTI_REQUIRED : TC_DD_DTI_NOT_PRESENT;
    g_assert_cmpuint (t->dti[d], ==, want);
  }
  g_assert_cmpuint (t->fdiff_count, ==, fdiff ? 1 : 0);
  if (fdiff)
    g_assert_cmpuint (t->fdiff[0], ==, fdiff);
  g_assert_cmpuint (t->chain_fdiff[0], ==, chain);
}

static void
test_parses_chromiums_l1t3_keyframe_structure (void)
{
  tc_dd_structure s = {0};
  tc_dd_frame f;
  g_assert_cmpint (tc_dd_parse (chromium_l1t3_key, sizeof chromium_l1t3_key,
          &s, &f), ==, TC_OK);
  g_assert_true (f.start_of_frame && f.end_of_frame);
  g_assert_cmpuint (f.template_id, ==, 3);
  g_assert_cmpuint (f.frame_number, ==, 0x1234);
  g_assert_true (f.has_structure);
  g_assert_cmpuint (f.active_decode_targets, ==, 0x7);

  g_assert_cmpuint (s.template_id_offset, ==, 3);
  g_assert_cmpuint (s.dt_count, ==, 3);
  g_assert_cmpuint (s.template_count, ==, 5);
  g_assert_cmpuint (s.chain_count, ==, 1);
  for (guint d = 0; d < 3; d++)
    g_assert_cmpuint (s.dt_protected_by[d], ==, 0);
  expect_template (&s.templates[0], 0, "SSS", 0, 0);
  expect_template (&s.templates[1], 0, "SSS", 4, 4);
  expect_template (&s.templates[2], 1, "-DS", 2, 2);
  expect_template (&s.templates[3], 2, "--D", 1, 1);
  expect_template (&s.templates[4], 2, "--D", 1, 3);
  g_assert_true (s.has_resolutions);
  g_assert_cmpuint (s.render_width[0], ==, 640);
  g_assert_cmpuint (s.render_height[0], ==, 360);
  /* The keyframe is template index 0. */
  expect_template (&f.info, 0, "SSS", 0, 0);

  /* The next frame refers to that structure. */
  g_assert_cmpint (tc_dd_parse (chromium_t0_delta, sizeof chromium_t0_delta,
          &s, &f), ==, TC_OK);
  g_assert_true (f.start_of_frame);
  g_assert_false (f.end_of_frame);
  g_assert_false (f.has_structure);
  g_assert_cmpuint (f.frame_number, ==, 0x1235);
  expect_template (&f.info, 0, "SSS", 4, 4);

  g_assert_cmpint (tc_dd_parse (custom_frame, sizeof custom_frame, &s, &f),
      ==, TC_OK);
  g_assert_true (f.custom_dtis && f.custom_fdiffs && f.custom_chains);
  g_assert_cmpuint (f.info.temporal_id, ==, 2);
  g_assert_cmpuint (f.info.dti[0], ==, TC_DD_DTI_NOT_PRESENT);
  g_assert_cmpuint (f.info.dti[1], ==, TC_DD_DTI_DISCARDABLE);
  g_assert_cmpuint (f.info.dti[2], ==, TC_DD_DTI_REQUIRED);
  g_assert_cmpuint (f.info.fdiff_count, ==, 2);
  g_assert_cmpuint (f.info.fdiff[0], ==, 1);
  g_assert_cmpuint (f.info.fdiff[1], ==, 20);
  g_assert_cmpuint (f.info.chain_fdiff[0], ==, 7);

  g_assert_cmpint (tc_dd_parse (active_targets, sizeof active_targets, &s,
          &f), ==, TC_OK);
  g_assert_true (f.has_active_decode_targets);
  g_assert_cmpuint (f.active_decode_targets, ==, 0x3);
  g_assert_cmpuint (f.info.temporal_id, ==, 0);  /* template 4: index 1 */
}

static void
test_writes_the_hand_made_vectors_back (void)
{
  tc_dd_structure s = {0};
  tc_dd_frame f;
  const guint8 *vectors[] = {
    chromium_l1t3_key, chromium_t0_delta, custom_frame, active_targets,
  };
  const size_t lens[] = {
    sizeof chromium_l1t3_key, sizeof chromium_t0_delta, sizeof custom_frame,
    sizeof active_targets,
  };
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++) {
    guint8 out[TC_DD_MAX_LEN];
    size_t written = 0;
    g_assert_cmpint (tc_dd_parse (vectors[i], lens[i], &s, &f), ==, TC_OK);
    g_assert_cmpint (tc_dd_write (&s, &f, out, sizeof out, &written), ==,
        TC_OK);
    g_assert_cmpmem (out, written, vectors[i], lens[i]);
    /* One byte short of room. */
    g_assert_cmpint (tc_dd_write (&s, &f, out, lens[i] - 1, &written), ==,
        TC_ERR_TOO_LARGE);
  }
}

static void
test_refuses_short_cut_and_unknown_template_descriptors (void)
{
  tc_dd_structure s = {0};
  tc_dd_frame f;
  /* Before any structure: the mandatory fields, and no template. */
  g_assert_cmpint (tc_dd_parse (chromium_t0_delta, 3, &s, &f), ==,
      TC_ERR_UNSUPPORTED);
  g_assert_cmpuint (f.frame_number, ==, 0x1235);
  g_assert_cmpint (tc_dd_parse (chromium_t0_delta, 2, &s, &f), ==,
      TC_ERR_PARSE);

  g_assert_cmpint (tc_dd_parse (chromium_l1t3_key, sizeof chromium_l1t3_key,
          &s, &f), ==, TC_OK);
  /* Every cut of the structure is refused and keeps the structure. */
  for (size_t len = 4; len < sizeof chromium_l1t3_key; len++) {
    guint8 *heap = g_memdup2 (chromium_l1t3_key, len);
    tc_dd_structure before = s;
    g_assert_cmpint (tc_dd_parse (heap, len, &s, &f), ==, TC_ERR_PARSE);
    g_assert_cmpmem (&s, sizeof s, &before, sizeof before);
    g_free (heap);
  }
  /* Template id 10 is index 7 with offset 3: beyond the five templates. */
  static const guint8 unknown[] = {0x8a, 0x00, 0x01};
  g_assert_cmpint (tc_dd_parse (unknown, sizeof unknown, &s, &f), ==,
      TC_ERR_PARSE);
  /* Custom chains announced but cut off. */
  static const guint8 cut_chain[] = {0xc6, 0x12, 0x36, 0x08};
  g_assert_cmpint (tc_dd_parse (cut_chain, sizeof cut_chain, &s, &f), ==,
      TC_ERR_PARSE);
  /* Seventeen frame references: more than we keep. */
  guint8 many[3 + 1 + 17];
  memset (many, 0, sizeof many);
  many[0] = 0xc6;
  many[3] = 0x10;  /* flags: custom fdiffs only */
  /* 17 x (next_fdiff_size 01, fdiff_minus_one 0000) then 00, MSB first. */
  for (guint k = 0; k < 17; k++) {
    size_t bit = 24 + 5 + k * 6 + 1;
    many[bit / 8] |= (guint8) (0x80 >> (bit % 8));
  }
  g_assert_cmpint (tc_dd_parse (many, sizeof many, &s, &f), ==,
      TC_ERR_UNSUPPORTED);
}

static void
test_round_trips_a_two_spatial_layer_structure_with_two_chains (void)
{
  tc_dd_structure s;
  memset (&s, 0, sizeof s);
  s.template_id_offset = 60;
  s.dt_count = 4;
  s.template_count = 4;
  s.chain_count = 2;
  static const guint8 prot[] = {0, 0, 1, 1};
  memcpy (s.dt_protected_by, prot, sizeof prot);
  static const guint8 layer[][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  for (guint i = 0; i < 4; i++) {
    s.templates[i].spatial_id = layer[i][0];
    s.templates[i].temporal_id = layer[i][1];
    for (guint d = 0; d < 4; d++)
      s.templates[i].dti[d] = (guint8) ((i + d) % 4);
    s.templates[i].fdiff_count = (guint8) i;
    for (guint k = 0; k < i; k++)
      s.templates[i].fdiff[k] = (guint16) (k * 5 + 1);
    s.templates[i].chain_fdiff[0] = (guint8) i;
    s.templates[i].chain_fdiff[1] = (guint8) (15 - i);
  }
  s.has_resolutions = true;
  s.render_width[0] = 320;
  s.render_height[0] = 180;
  s.render_width[1] = 640;
  s.render_height[1] = 360;

  tc_dd_frame f = {
    .start_of_frame = true,
    .template_id = (60 + 2) % 64,  /* index 2 (S1T0) past the offset */
    .frame_number = 65535, .has_structure = true,
    .has_active_decode_targets = true, .active_decode_targets = 0x5,
  };
  f.info = s.templates[2];
  guint8 out[TC_DD_MAX_LEN];
  size_t written;
  g_assert_cmpint (tc_dd_write (&s, &f, out, sizeof out, &written), ==,
      TC_OK);
  tc_dd_structure back = {0};
  tc_dd_frame g;
  g_assert_cmpint (tc_dd_parse (out, written, &back, &g), ==, TC_OK);
  g_assert_cmpmem (&back, sizeof back, &s, sizeof s);
  g_assert_cmpuint (g.template_id, ==, 62);
  g_assert_cmpuint (g.frame_number, ==, 65535);
  g_assert_cmpuint (g.active_decode_targets, ==, 0x5);
  g_assert_cmpuint (g.info.spatial_id, ==, 1);
  g_assert_cmpmem (&g.info, sizeof g.info, &s.templates[2], sizeof g.info);

  /* Templates out of layer order cannot be written. */
  tc_dd_structure bad = s;
  bad.templates[1].temporal_id = 3;
  g_assert_cmpint (tc_dd_write (&bad, &f, out, sizeof out, &written), ==,
      TC_ERR_INVALID_ARG);
  f.template_id = 3;  /* index 7 */
  g_assert_cmpint (tc_dd_write (&s, &f, out, sizeof out, &written), ==,
      TC_ERR_INVALID_ARG);
}

/* ---- Our L1T3 ------------------------------------------------------------ */

static void
test_l1t3_frames_use_the_five_templates_and_read_back (void)
{
  tc_dd_l1t3 st = {0};
  tc_dd_structure ours, rx = {0};
  tc_dd_l1t3_structure (&ours);
  static const struct {
    gboolean key;
    guint8 tid;
    guint8 template_id;
    guint16 fdiff;
    guint8 chain;
  } seq[] = {
    {TRUE, 0, 0, 0, 0}, {FALSE, 2, 3, 1, 1}, {FALSE, 1, 2, 2, 2},
    {FALSE, 2, 4, 1, 3}, {FALSE, 0, 1, 4, 4}, {FALSE, 2, 3, 1, 1},
    {FALSE, 1, 2, 2, 2}, {FALSE, 2, 4, 1, 3}, {FALSE, 0, 1, 4, 4},
  };
  for (guint i = 0; i < G_N_ELEMENTS (seq); i++) {
    tc_dd_frame f, g;
    g_assert_cmpint (tc_dd_l1t3_next (&st, seq[i].key, seq[i].tid, &f), ==,
        TC_OK);
    g_assert_cmpuint (f.frame_number, ==, i);
    g_assert_cmpuint (f.template_id, ==, seq[i].template_id);
    g_assert_false (f.custom_fdiffs || f.custom_chains || f.custom_dtis);
    guint8 out[TC_DD_MAX_LEN];
    size_t written;
    g_assert_cmpint (tc_dd_write (&ours, &f, out, sizeof out, &written), ==,
        TC_OK);
    /* 16 bytes with the structure: fits the one-byte extension form. */
    g_assert_cmpuint (written, ==, seq[i].key ? 16 : 3);
    g_assert_cmpint (tc_dd_parse (out, written, &rx, &g), ==, TC_OK);
    g_assert_cmpuint (g.frame_number, ==, i);
    g_assert_cmpuint (g.info.temporal_id, ==, seq[i].tid);
    g_assert_cmpuint (g.info.fdiff_count, ==, seq[i].fdiff ? 1 : 0);
    g_assert_cmpuint (g.info.fdiff[0], ==, seq[i].fdiff);
    g_assert_cmpuint (g.info.chain_fdiff[0], ==, seq[i].chain);
  }
  g_assert_cmpmem (&rx, sizeof rx, &ours, sizeof ours);
}

static void
test_l1t3_frames_off_the_pattern_get_custom_references (void)
{
  tc_dd_l1t3 st = {.frame_number = 65535};
  tc_dd_structure ours, rx = {0};
  tc_dd_l1t3_structure (&ours);
  /* An encoder without layers: every frame T0, one frame apart. */
  for (guint i = 0; i < 3; i++) {
    tc_dd_frame f, g;
    g_assert_cmpint (tc_dd_l1t3_next (&st, i == 0, 0, &f), ==, TC_OK);
    g_assert_cmpuint (f.frame_number, ==, (guint16) (65535 + i));
    guint8 out[TC_DD_MAX_LEN];
    size_t written;
    g_assert_cmpint (tc_dd_write (&ours, &f, out, sizeof out, &written), ==,
        TC_OK);
    g_assert_cmpint (tc_dd_parse (out, written, &rx, &g), ==, TC_OK);
    if (i == 0)
      continue;
    g_assert_true (g.custom_fdiffs && g.custom_chains);
    g_assert_cmpuint (g.info.fdiff_count, ==, 1);
    g_assert_cmpuint (g.info.fdiff[0], ==, 1);
    g_assert_cmpuint (g.info.chain_fdiff[0], ==, 1);
  }
}

static void
test_l1t3_refuses_bad_layers_and_deltas_before_a_keyframe (void)
{
  tc_dd_l1t3 st = {0};
  tc_dd_frame f;
  g_assert_cmpint (tc_dd_l1t3_next (&st, FALSE, 0, &f), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_dd_l1t3_next (&st, TRUE, 1, &f), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_dd_l1t3_next (&st, TRUE, 0, &f), ==, TC_OK);
  g_assert_cmpint (tc_dd_l1t3_next (&st, FALSE, 3, &f), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpuint (st.frame_number, ==, 1);  /* refusals use no number */
}

/* AV1 without layers: a keyframe with the two-template structure, then
 * deltas one frame back on template 1, each read back by a receiver. */
static void
test_l1t1_frames_refer_to_the_one_before (void)
{
  tc_dd_l1t3 st = {0};
  tc_dd_structure ours, rx = {0};
  tc_dd_frame f, g;
  tc_dd_l1t1_structure (&ours);
  g_assert_cmpint (tc_dd_l1t1_next (&st, FALSE, &f), ==, TC_ERR_INVALID_ARG);
  for (guint i = 0; i < 4; i++) {
    gboolean key = i == 0 || i == 3;
    guint8 out[TC_DD_MAX_LEN];
    size_t written;
    g_assert_cmpint (tc_dd_l1t1_next (&st, key, &f), ==, TC_OK);
    g_assert_cmpint (tc_dd_write (&ours, &f, out, sizeof out, &written), ==,
        TC_OK);
    g_assert_cmpuint (written, <=, 16);
    if (!key)
      g_assert_cmpuint (written, ==, 3);  /* the template says it all */
    g_assert_cmpint (tc_dd_parse (out, written, &rx, &g), ==, TC_OK);
    g_assert_cmpuint (g.frame_number, ==, i);
    g_assert_cmpuint (g.template_id, ==, key ? 0 : 1);
    g_assert_cmpuint (g.info.temporal_id, ==, 0);
    g_assert_cmpuint (g.info.dti[0], ==, TC_DD_DTI_SWITCH);
    g_assert_cmpuint (g.info.fdiff_count, ==, key ? 0 : 1);
    if (!key) {
      g_assert_cmpuint (g.info.fdiff[0], ==, 1);
      g_assert_cmpuint (g.info.chain_fdiff[0], ==, 1);
    }
  }
  g_assert_cmpuint (rx.dt_count, ==, 1);
  g_assert_cmpuint (rx.template_count, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/dd/parses-chromiums-l1t3-keyframe-structure",
      test_parses_chromiums_l1t3_keyframe_structure);
  g_test_add_func ("/rtp/dd/writes-the-hand-made-vectors-back",
      test_writes_the_hand_made_vectors_back);
  g_test_add_func ("/rtp/dd/refuses-short-cut-and-unknown-template-descriptors",
      test_refuses_short_cut_and_unknown_template_descriptors);
  g_test_add_func ("/rtp/dd/round-trips-a-two-spatial-layer-structure-with-two-chains",
      test_round_trips_a_two_spatial_layer_structure_with_two_chains);
  g_test_add_func ("/rtp/dd/l1t3/frames-use-the-five-templates-and-read-back",
      test_l1t3_frames_use_the_five_templates_and_read_back);
  g_test_add_func ("/rtp/dd/l1t3/frames-off-the-pattern-get-custom-references",
      test_l1t3_frames_off_the_pattern_get_custom_references);
  g_test_add_func ("/rtp/dd/l1t1/frames-refer-to-the-one-before",
      test_l1t1_frames_refer_to_the_one_before);
  g_test_add_func ("/rtp/dd/l1t3/refuses-bad-layers-and-deltas-before-a-keyframe",
      test_l1t3_refuses_bad_layers_and_deltas_before_a_keyframe);
  return g_test_run ();
}
