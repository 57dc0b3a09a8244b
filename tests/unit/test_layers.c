/* test_layers.c - the L1T3 pattern a wrapper labels its encoder's frames
 * with (tc_layers.h), and how VP8 and VP9 carry it on the wire. */
#include <glib.h>
#include <string.h>

#include "rtp/pay_vp8.h"
#include "rtp/pay_vp9.h"
#include "tempchat/tc_layers.h"

/* TID 0 2 1 2 repeating; the two frames after a TID 0 are switching
 * points, the last is not; TID 2 frames are not referred to. */
static void
test_l1t3_pattern_is_0_2_1_2 (void)
{
  static const struct {
    guint8 tid;
    gboolean sync, non_ref;
  } want[] = {
    {0, FALSE, FALSE}, {2, TRUE, TRUE}, {1, TRUE, FALSE}, {2, FALSE, TRUE},
  };
  for (guint64 n = 0; n < 12; n++) {
    tc_temporal_layer l;
    tc_l1t3_layer (n, FALSE, &l);
    g_assert_cmpuint (l.layers, ==, 3);
    g_assert_cmpuint (l.temporal_id, ==, want[n % 4].tid);
    g_assert_cmpint (l.layer_sync, ==, want[n % 4].sync);
    g_assert_cmpint (l.non_reference, ==, want[n % 4].non_ref);
  }
  /* The encoder's frame count goes on past 2^32. */
  tc_temporal_layer l;
  tc_l1t3_layer (G_GUINT64_CONSTANT (0x100000002), FALSE, &l);
  g_assert_cmpuint (l.temporal_id, ==, 1);
}

/* A keyframe is TID 0 wherever it falls, and refers to nothing. */
static void
test_l1t3_keyframe_is_tid0_anywhere (void)
{
  for (guint64 n = 0; n < 4; n++) {
    tc_temporal_layer l;
    tc_l1t3_layer (n, TRUE, &l);
    g_assert_cmpuint (l.temporal_id, ==, 0);
    g_assert_true (l.layer_sync);
    g_assert_false (l.non_reference);
  }
}

/* RFC 7741: T, Y, TL0PICIDX and N from the layer; nothing without one. */
static void
test_vp8_descriptor_carries_the_layer (void)
{
  tc_temporal_layer l;
  tc_vp8_frame_info info;
  tc_l1t3_layer (3, FALSE, &l);
  tc_vp8_layer_info (&l, 41, &info);
  g_assert_true (info.has_tid && info.has_tl0picidx);
  g_assert_cmpuint (info.tid, ==, 2);
  g_assert_cmpuint (info.tl0picidx, ==, 41);
  g_assert_false (info.layer_sync);
  g_assert_true (info.non_reference);
  tc_vp8_layer_info (NULL, 41, &info);
  g_assert_false (info.has_tid || info.has_tl0picidx || info.non_reference);
}

static tc_status
keep_first (const guint8 *payload, size_t len, bool marker, void *data)
{
  GByteArray *first = data;
  if (first->len == 0)
    g_byte_array_append (first, payload, (guint) len);
  return TC_OK;
}

/* RFC 9628 non-flexible mode: L with TID, U and TL0PICIDX on the wire; a
 * keyframe's SS carries the L1T3 group of frames. */
static void
test_vp9_descriptor_carries_the_layer_and_gof (void)
{
  /* A VP9 keyframe header is not needed: the flag decides when the frame
   * cannot be parsed. */
  static const guint8 frame[] = { 0x00, 0x01, 0x02, 0x03 };
  tc_temporal_layer l;
  tc_vp9_frame_info info;
  tc_vp9_gof gof;
  void *st = tc_payloader_vp9.state_new ();
  GByteArray *first = g_byte_array_new ();
  tc_vp9_descriptor d;
  tc_vp9_ss ss;
  size_t used;

  tc_l1t3_layer (0, TRUE, &l);
  tc_vp9_layer_info (&l, 7, &gof, &info);
  g_assert_cmpint (tc_vp9_payload_frame (st, frame, sizeof frame, TRUE,
          &info, 1200, keep_first, first), ==, TC_OK);
  g_assert_cmpint (tc_vp9_descriptor_parse (first->data, first->len, &d, &ss,
          &used), ==, TC_OK);
  g_assert_true (d.has_layer && !d.flexible && d.has_ss);
  g_assert_cmpuint (d.tid, ==, 0);
  g_assert_cmpuint (d.tl0picidx, ==, 7);
  g_assert_true (ss.has_gof);
  g_assert_cmpuint (ss.gof.count, ==, 4);
  static const guint8 tids[] = { 0, 2, 1, 2 };
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (ss.gof.entry[i].tid, ==, tids[i]);

  g_byte_array_set_size (first, 0);
  tc_l1t3_layer (2, FALSE, &l);
  tc_vp9_layer_info (&l, 7, &gof, &info);
  g_assert_cmpint (tc_vp9_payload_frame (st, frame, sizeof frame, FALSE,
          &info, 1200, keep_first, first), ==, TC_OK);
  g_assert_cmpint (tc_vp9_descriptor_parse (first->data, first->len, &d, &ss,
          &used), ==, TC_OK);
  g_assert_true (d.has_layer && d.inter_picture && !d.has_ss);
  g_assert_cmpuint (d.tid, ==, 1);
  g_assert_true (d.switching_up);
  g_assert_cmpuint (d.tl0picidx, ==, 7);

  g_byte_array_unref (first);
  tc_payloader_vp9.state_free (st);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layers/l1t3/pattern-is-0-2-1-2",
      test_l1t3_pattern_is_0_2_1_2);
  g_test_add_func ("/layers/l1t3/keyframe-is-tid0-anywhere",
      test_l1t3_keyframe_is_tid0_anywhere);
  g_test_add_func ("/layers/vp8/descriptor-carries-the-layer",
      test_vp8_descriptor_carries_the_layer);
  g_test_add_func ("/layers/vp9/descriptor-carries-the-layer-and-gof",
      test_vp9_descriptor_carries_the_layer_and_gof);
  return g_test_run ();
}
