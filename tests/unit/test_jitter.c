/* test_jitter.c - reorder buffer and frame assembler with the VP8 and Opus
 * depayloaders behind it. */
#include <glib.h>
#include <string.h>

#include "rtp/jitter.h"
#include "rtp/pay_vp8.h"
#include "rtp_fixtures.h"

#define MS 1000
#define BUDGET (100 * MS)
#define MTU 1200

/* ---- A sender: frames -> RTP packets on the wire ------------------------- */

typedef struct {
  guint16 seq;
  guint32 ts;
  gboolean marker;
  GBytes *payload;
} wire_pkt;

typedef struct {
  void *pay;
  guint16 next_seq;
  GArray *pkts;  /* wire_pkt */
} sender;

static void
wire_pkt_clear (gpointer p)
{
  g_bytes_unref (((wire_pkt *) p)->payload);
}

static void
sender_init (sender *s, guint16 first_seq)
{
  s->pay = tc_payloader_vp8.state_new ();
  s->next_seq = first_seq;
  s->pkts = g_array_new (FALSE, FALSE, sizeof (wire_pkt));
  g_array_set_clear_func (s->pkts, wire_pkt_clear);
}

static void
sender_clear (sender *s)
{
  tc_payloader_vp8.state_free (s->pay);
  g_array_unref (s->pkts);
}

/* Packetizes `frame` at `ts`; returns the index of its first packet. */
static guint
sender_frame (sender *s, GBytes *frame, guint32 ts)
{
  packets p;
  packets_init (&p);
  packetize (&tc_payloader_vp8, s->pay, frame, MTU, &p);
  guint first = s->pkts->len;
  for (guint i = 0; i < p.payloads->len; i++) {
    wire_pkt w = {
      .seq = s->next_seq++,
      .ts = ts,
      .marker = g_array_index (p.markers, gboolean, i),
      .payload = g_bytes_ref (g_ptr_array_index (p.payloads, i)),
    };
    g_array_append_val (s->pkts, w);
  }
  packets_clear (&p);
  return first;
}

/* ---- A receiver: jitter buffer + collected frames ------------------------ */

typedef struct {
  tc_jitter *jb;
  frames out;
} receiver;

static void
receiver_init_full (receiver *r, const tc_payloader *codec, size_t max_packets,
    size_t bytes)
{
  frames_init (&r->out);
  tc_jitter_config cfg = {
    .codec = codec,
    .max_packets = max_packets,
    .max_bytes = bytes,
    .wait_budget_us = BUDGET,
  };
  r->jb = tc_jitter_new (&cfg, frames_collect, &r->out);
  g_assert_nonnull (r->jb);
}

static void
receiver_init (receiver *r)
{
  receiver_init_full (r, &tc_payloader_vp8, 512, 8 << 20);
}

static void
receiver_clear (receiver *r)
{
  tc_jitter_free (r->jb);
  frames_clear (&r->out);
}

static void
deliver (receiver *r, const sender *s, guint i, int64_t now)
{
  const wire_pkt *w = &g_array_index (s->pkts, wire_pkt, i);
  gsize n;
  tc_rtp_packet pkt = {
    .payload_type = 96,
    .seq = w->seq,
    .timestamp = w->ts,
    .marker = w->marker,
    .ssrc = 0x1234,
  };
  pkt.payload = g_bytes_get_data (w->payload, &n);
  pkt.payload_len = n;
  g_assert_cmpint (tc_jitter_push (r->jb, &pkt, now), ==, TC_OK);
}

static void
deliver_range (receiver *r, const sender *s, guint from, guint to, int64_t now)
{
  for (guint i = from; i < to; i++)
    deliver (r, s, i, now);
}

/* ---- Tests --------------------------------------------------------------- */

static void
test_hands_on_in_order_frames_byte_identical (void)
{
  sender s;
  receiver r;
  sender_init (&s, 1000);
  receiver_init (&r);
  GBytes *f[3] = {
    vp8_frame (5000, TRUE, 1280, 720, 1),
    vp8_frame (1500, FALSE, 0, 0, 2),
    vp8_frame (300, FALSE, 0, 0, 3),
  };
  for (guint i = 0; i < 3; i++)
    sender_frame (&s, f[i], 3000 * i);
  deliver_range (&r, &s, 0, s.pkts->len, 0);

  g_assert_cmpuint (frames_count (&r.out), ==, 3);
  for (guint i = 0; i < 3; i++) {
    frames_assert_equal (&r.out, i, f[i]);
    g_assert_cmpuint (g_array_index (r.out.timestamps, guint32, i), ==,
        3000 * i);
    g_assert_cmpint (g_array_index (r.out.keyframes, gboolean, i), ==, i == 0);
  }
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);
  g_assert_cmpuint (tc_jitter_packets (r.jb), ==, 0);
  g_assert_cmpint (tc_jitter_deadline (r.jb), ==, INT64_MAX);
  for (guint i = 0; i < 3; i++)
    g_bytes_unref (f[i]);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_reassembles_a_frame_split_at_mtu_1200_despite_reordering (void)
{
  sender s;
  receiver r;
  sender_init (&s, 65533);  /* the keyframe's seqs wrap 65535 -> 0 */
  receiver_init (&r);
  GBytes *key = vp8_frame (5000, TRUE, 1280, 720, 4);
  GBytes *delta = vp8_frame (2000, FALSE, 0, 0, 5);
  sender_frame (&s, key, 90000);     /* packets 0..4 */
  sender_frame (&s, delta, 93000);   /* packets 5..6 */
  g_assert_cmpuint (s.pkts->len, ==, 7);

  /* The delta frame completes first; it must wait for the keyframe. */
  static const guint order[] = {2, 0, 6, 5, 4, 3, 1};
  for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
    deliver (&r, &s, order[i], i * MS);
    g_assert_cmpuint (frames_count (&r.out), ==, i + 1 < 7 ? 0 : 2);
  }
  frames_assert_equal (&r.out, 0, key);
  frames_assert_equal (&r.out, 1, delta);
  g_assert_true (g_array_index (r.out.keyframes, gboolean, 0));
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);

  g_bytes_unref (key);
  g_bytes_unref (delta);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_loss_in_the_middle_reports_keyframe_needed_and_no_corrupt_frame (void)
{
  sender s;
  receiver r;
  sender_init (&s, 10);
  receiver_init (&r);
  GBytes *key = vp8_frame (5000, TRUE, 1280, 720, 6);
  GBytes *delta = vp8_frame (1000, FALSE, 0, 0, 7);
  GBytes *key2 = vp8_frame (4000, TRUE, 1280, 720, 8);
  sender_frame (&s, key, 0);         /* 0..4 */
  sender_frame (&s, delta, 3000);    /* 5 */
  sender_frame (&s, key2, 6000);     /* 6..9 */

  /* Packet 2 of the keyframe is lost; the delta frame arrives whole. */
  deliver_range (&r, &s, 0, 2, 0);
  deliver_range (&r, &s, 3, 6, 1 * MS);
  g_assert_cmpuint (frames_count (&r.out), ==, 0);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);
  /* Packet 2 is known missing since packet 3 came. */
  g_assert_cmpint (tc_jitter_deadline (r.jb), ==, 1 * MS + BUDGET);

  tc_jitter_poll (r.jb, 1 * MS + BUDGET - 1);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);

  /* Budget spent: the keyframe is given up, the delta frame after it is
   * complete but undecodable, so it is dropped too. */
  tc_jitter_poll (r.jb, 1 * MS + BUDGET);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==,
      TC_JITTER_FRAME_LOST | TC_JITTER_KEYFRAME_NEEDED);
  g_assert_cmpuint (frames_count (&r.out), ==, 0);
  g_assert_true (tc_jitter_waiting_for_keyframe (r.jb));
  g_assert_cmpuint (tc_jitter_packets (r.jb), ==, 0);

  /* The lost packet, retransmitted too late, is dropped as late. */
  deliver (&r, &s, 2, 1 * MS + BUDGET + 1);
  g_assert_cmpuint (frames_count (&r.out), ==, 0);

  /* The next keyframe resumes output. */
  deliver_range (&r, &s, 6, 10, 1 * MS + BUDGET + 2);
  g_assert_cmpuint (frames_count (&r.out), ==, 1);
  frames_assert_equal (&r.out, 0, key2);
  g_assert_false (tc_jitter_waiting_for_keyframe (r.jb));

  tc_jitter_stats st;
  tc_jitter_get_stats (r.jb, &st);
  g_assert_cmpuint (st.frames_out, ==, 1);
  g_assert_cmpuint (st.frames_lost, ==, 1);
  g_assert_cmpuint (st.frames_skipped, ==, 1);
  g_assert_cmpuint (st.packets_late, ==, 1);

  g_bytes_unref (key);
  g_bytes_unref (delta);
  g_bytes_unref (key2);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_a_retransmission_within_the_budget_completes_the_frame (void)
{
  sender s;
  receiver r;
  sender_init (&s, 200);
  receiver_init (&r);
  GBytes *key = vp8_frame (5000, TRUE, 640, 480, 9);
  sender_frame (&s, key, 0);
  deliver_range (&r, &s, 0, 2, 10 * MS);
  deliver_range (&r, &s, 3, 5, 11 * MS);
  g_assert_cmpint (tc_jitter_deadline (r.jb), ==, 11 * MS + BUDGET);
  deliver (&r, &s, 2, 11 * MS + BUDGET - 1);  /* RTX just in time */
  g_assert_cmpuint (frames_count (&r.out), ==, 1);
  frames_assert_equal (&r.out, 0, key);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);

  /* And duplicates of it afterwards are dropped as late. */
  deliver (&r, &s, 2, 200 * MS);
  tc_jitter_stats st;
  tc_jitter_get_stats (r.jb, &st);
  g_assert_cmpuint (st.packets_late, ==, 1);
  g_bytes_unref (key);
  receiver_clear (&r);
  sender_clear (&s);
}

/* A large keyframe paced out slower than the budget, every packet in
 * order: nothing is missing while it arrives, so nothing is given up (by
 * the age of its first packet, a 150 kB keyframe at 3.5 Mbit/s was, and
 * the PLI brought another as large). */
static void
test_a_frame_arriving_slower_than_the_budget_is_kept (void)
{
  sender s;
  receiver r;
  sender_init (&s, 300);
  receiver_init (&r);
  GBytes *key = vp8_frame (40000, TRUE, 1280, 720, 12);
  sender_frame (&s, key, 0);
  guint n = s.pkts->len;
  g_assert_cmpuint (n, >, 30);
  for (guint i = 0; i < n; i++) {
    int64_t at = (int64_t) i * (3 * BUDGET / n);
    deliver (&r, &s, i, at);
    if (i + 1 < n)
      g_assert_cmpint (tc_jitter_deadline (r.jb), ==, INT64_MAX);
    tc_jitter_poll (r.jb, at + BUDGET / 10);
  }
  g_assert_cmpuint (frames_count (&r.out), ==, 1);
  frames_assert_equal (&r.out, 0, key);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, 0);
  g_bytes_unref (key);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_waits_for_a_keyframe_at_start (void)
{
  sender s;
  receiver r;
  sender_init (&s, 0);
  receiver_init (&r);
  GBytes *delta = vp8_frame (800, FALSE, 0, 0, 10);
  GBytes *key = vp8_frame (800, TRUE, 320, 240, 11);
  sender_frame (&s, delta, 0);
  sender_frame (&s, key, 3000);
  g_assert_true (tc_jitter_waiting_for_keyframe (r.jb));
  deliver (&r, &s, 0, 0);
  g_assert_cmpuint (frames_count (&r.out), ==, 0);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==,
      TC_JITTER_KEYFRAME_NEEDED);
  deliver (&r, &s, 1, 1);
  g_assert_cmpuint (frames_count (&r.out), ==, 1);
  frames_assert_equal (&r.out, 0, key);
  g_bytes_unref (delta);
  g_bytes_unref (key);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_a_frame_the_depayloader_refuses_counts_as_lost (void)
{
  receiver r;
  receiver_init (&r);
  static const guint8 start[] = {0x10, 0x50, 0x01, 0x00};  /* S=1, key tag */
  static const guint8 cut[] = {0x80};                      /* X=1, no ext */
  static const guint8 end[] = {0x00, 0x42};                /* S=0 */
  const guint8 *payloads[] = {start, cut, end};
  const size_t lens[] = {sizeof start, sizeof cut, sizeof end};
  for (guint i = 0; i < 3; i++) {
    tc_rtp_packet pkt = {
      .seq = (guint16) (40 + i), .timestamp = 77, .marker = i == 2,
      .payload = payloads[i], .payload_len = lens[i],
    };
    g_assert_cmpint (tc_jitter_push (r.jb, &pkt, 0), ==, TC_OK);
  }
  g_assert_cmpuint (frames_count (&r.out), ==, 0);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==,
      TC_JITTER_FRAME_LOST | TC_JITTER_KEYFRAME_NEEDED);
  g_assert_cmpuint (tc_jitter_packets (r.jb), ==, 0);
  receiver_clear (&r);
}

static void
test_a_frame_without_marker_ends_at_the_next_frame_start (void)
{
  receiver r;
  receiver_init (&r);
  static const guint8 key[] = {0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a,
    0x40, 0x01, 0xf0, 0x00};              /* S=1; 320x240 keyframe header */
  static const guint8 next[] = {0x10, 0x51, 0x00, 0x00};  /* S=1, interframe */
  tc_rtp_packet a = {.seq = 1, .timestamp = 0, .marker = false,
    .payload = key, .payload_len = sizeof key};
  tc_rtp_packet b = {.seq = 2, .timestamp = 3000, .marker = true,
    .payload = next, .payload_len = sizeof next};
  tc_jitter_push (r.jb, &a, 0);
  g_assert_cmpuint (frames_count (&r.out), ==, 0);
  tc_jitter_push (r.jb, &b, 0);
  g_assert_cmpuint (frames_count (&r.out), ==, 2);
  g_assert_true (g_array_index (r.out.keyframes, gboolean, 0));
  g_assert_false (g_array_index (r.out.keyframes, gboolean, 1));
  receiver_clear (&r);
}

static void
test_overflow_flushes_and_asks_for_a_keyframe (void)
{
  static const guint8 start[] = {0x10, 0x50, 0x01, 0x00};
  static const guint8 more[1000] = {0x00};  /* S=0 continuation */

  /* Too many seqs ahead of the oldest undelivered one. */
  receiver r;
  receiver_init_full (&r, &tc_payloader_vp8, 16, 1 << 20);
  tc_rtp_packet pkt = {.seq = 100, .payload = start,
    .payload_len = sizeof start};
  tc_jitter_push (r.jb, &pkt, 0);
  for (guint16 s = 101; s < 116; s++) {
    tc_rtp_packet p2 = {.seq = s, .payload = more, .payload_len = 10};
    tc_jitter_push (r.jb, &p2, 0);
  }
  g_assert_cmpuint (tc_jitter_packets (r.jb), ==, 16);
  tc_jitter_take_events (r.jb);
  pkt.seq = 116;
  tc_jitter_push (r.jb, &pkt, 0);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==,
      TC_JITTER_OVERFLOW | TC_JITTER_KEYFRAME_NEEDED);
  g_assert_cmpuint (tc_jitter_packets (r.jb), ==, 1);
  receiver_clear (&r);

  /* Too many bytes. */
  receiver_init_full (&r, &tc_payloader_vp8, 512, 3000);
  pkt.seq = 1;
  tc_jitter_push (r.jb, &pkt, 0);
  for (guint16 s = 2; s < 10; s++) {
    tc_rtp_packet p2 = {.seq = s, .payload = more, .payload_len = sizeof more};
    tc_jitter_push (r.jb, &p2, 0);
    g_assert_cmpuint (tc_jitter_packets (r.jb), <=, 3);
  }
  g_assert_cmpuint (tc_jitter_take_events (r.jb) & TC_JITTER_OVERFLOW, !=, 0);
  tc_jitter_stats st;
  tc_jitter_get_stats (r.jb, &st);
  g_assert_cmpuint (st.overflows, >=, 1);

  static const guint8 big[3001];
  tc_rtp_packet huge = {.seq = 10, .payload = big, .payload_len = sizeof big};
  g_assert_cmpint (tc_jitter_push (r.jb, &huge, 0), ==, TC_ERR_TOO_LARGE);
  receiver_clear (&r);
}

static void
test_stays_bounded_under_a_flood_of_unfinished_frames (void)
{
  receiver r;
  receiver_init_full (&r, &tc_payloader_vp8, 64, 16 * 1024);
  static const guint8 start[] = {0x10, 0x50, 0x01, 0x00};
  guint32 x = 1;
  for (guint i = 0; i < 20000; i++) {
    x = x * 1103515245u + 12345u;
    tc_rtp_packet pkt = {
      .seq = (guint16) (x >> 8),   /* scattered seqs, no marker: never done */
      .timestamp = x,
      .payload = start, .payload_len = sizeof start,
    };
    tc_jitter_push (r.jb, &pkt, i);
    g_assert_cmpuint (tc_jitter_packets (r.jb), <=, 64);
  }
  receiver_clear (&r);
}

static void
test_opus_every_packet_is_a_frame_and_gaps_need_no_keyframe (void)
{
  receiver r;
  receiver_init_full (&r, &tc_payloader_opus, 64, 1 << 20);
  g_assert_false (tc_jitter_waiting_for_keyframe (r.jb));
  static const guint8 toc[] = {0xfc, 0xff, 0xfe};  /* CELT FB 20 ms frame */
  static const guint16 seqs[] = {65534, 65535, 1, 2};  /* 0 is lost */
  for (guint i = 0; i < G_N_ELEMENTS (seqs); i++) {
    tc_rtp_packet pkt = {
      .seq = seqs[i], .timestamp = 960u * (guint32) (guint16) (seqs[i] + 2),
      .marker = i == 0, .payload = toc, .payload_len = sizeof toc,
    };
    tc_jitter_push (r.jb, &pkt, i * MS);
  }
  g_assert_cmpuint (frames_count (&r.out), ==, 2);  /* 1 and 2 wait for 0 */
  tc_jitter_poll (r.jb, 2 * MS + BUDGET);
  g_assert_cmpuint (frames_count (&r.out), ==, 4);
  g_assert_cmpuint (tc_jitter_take_events (r.jb), ==, TC_JITTER_FRAME_LOST);
  g_assert_cmpuint (g_array_index (r.out.timestamps, guint32, 2), ==, 960 * 3);
  receiver_clear (&r);
}

static void
test_counts_duplicates (void)
{
  sender s;
  receiver r;
  sender_init (&s, 500);
  receiver_init (&r);
  GBytes *key = vp8_frame (3000, TRUE, 1280, 720, 12);
  sender_frame (&s, key, 0);
  deliver (&r, &s, 0, 0);
  deliver (&r, &s, 0, 0);
  deliver_range (&r, &s, 1, s.pkts->len, 0);
  g_assert_cmpuint (frames_count (&r.out), ==, 1);
  tc_jitter_stats st;
  tc_jitter_get_stats (r.jb, &st);
  g_assert_cmpuint (st.packets_duplicate, ==, 1);
  g_bytes_unref (key);
  receiver_clear (&r);
  sender_clear (&s);
}

static void
test_new_refuses_configs_out_of_range (void)
{
  static const tc_jitter_config bad[] = {
    {.codec = NULL, .max_packets = 64, .max_bytes = 1, .wait_budget_us = 1},
    {.codec = &tc_payloader_vp8, .max_packets = 8, .max_bytes = 1},
    {.codec = &tc_payloader_vp8, .max_packets = 40000, .max_bytes = 1},
    {.codec = &tc_payloader_vp8, .max_packets = 64, .max_bytes = 0},
    {.codec = &tc_payloader_vp8, .max_packets = 64, .max_bytes = 1,
      .wait_budget_us = -1},
  };
  frames f;
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (tc_jitter_new (&bad[i], frames_collect, &f));
  tc_jitter_config ok = {.codec = &tc_payloader_vp8, .max_packets = 64,
    .max_bytes = 1};
  g_assert_null (tc_jitter_new (&ok, NULL, NULL));
  tc_jitter_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/jitter/vp8/hands-on-in-order-frames-byte-identical",
      test_hands_on_in_order_frames_byte_identical);
  g_test_add_func ("/rtp/jitter/vp8/reassembles-a-frame-split-at-mtu-1200-despite-reordering",
      test_reassembles_a_frame_split_at_mtu_1200_despite_reordering);
  g_test_add_func ("/rtp/jitter/vp8/loss-in-the-middle-reports-keyframe-needed-and-no-corrupt-frame",
      test_loss_in_the_middle_reports_keyframe_needed_and_no_corrupt_frame);
  g_test_add_func ("/rtp/jitter/vp8/a-retransmission-within-the-budget-completes-the-frame",
      test_a_retransmission_within_the_budget_completes_the_frame);
  g_test_add_func (
      "/rtp/jitter/vp8/a-frame-arriving-slower-than-the-budget-is-kept",
      test_a_frame_arriving_slower_than_the_budget_is_kept);
  g_test_add_func ("/rtp/jitter/vp8/waits-for-a-keyframe-at-start",
      test_waits_for_a_keyframe_at_start);
  g_test_add_func ("/rtp/jitter/vp8/a-frame-the-depayloader-refuses-counts-as-lost",
      test_a_frame_the_depayloader_refuses_counts_as_lost);
  g_test_add_func ("/rtp/jitter/vp8/a-frame-without-marker-ends-at-the-next-frame-start",
      test_a_frame_without_marker_ends_at_the_next_frame_start);
  g_test_add_func ("/rtp/jitter/overflow-flushes-and-asks-for-a-keyframe",
      test_overflow_flushes_and_asks_for_a_keyframe);
  g_test_add_func ("/rtp/jitter/stays-bounded-under-a-flood-of-unfinished-frames",
      test_stays_bounded_under_a_flood_of_unfinished_frames);
  g_test_add_func ("/rtp/jitter/opus/every-packet-is-a-frame-and-gaps-need-no-keyframe",
      test_opus_every_packet_is_a_frame_and_gaps_need_no_keyframe);
  g_test_add_func ("/rtp/jitter/counts-duplicates",
      test_counts_duplicates);
  g_test_add_func ("/rtp/jitter/new-refuses-configs-out-of-range",
      test_new_refuses_configs_out_of_range);
  return g_test_run ();
}
