/* test_session_loopback.c - two tc_sessions paired by an in-process
 * signaller (the tc_signal interface, injected with
 * tc_session_new_with_signal) that can rewrite or hold messages:
 *   - a call works without any server;
 *   - an a=fingerprint altered in the offer refuses the call on both sides,
 *     and no frame ever comes out;
 *   - glare: the answerer-by-rule offers too (as older pages do), and
 *     perfect negotiation still ends in one call.
 */
#include "loop_signal.h"

typedef struct {
  loop_pair *pair;
  loop_slot slots[2];
  peer a, b;
} fixture;

static void
fixture_start (fixture *f, loop_pair *pair)
{
  f->pair = pair;
  peer_init (&f->a, "A");
  peer_init (&f->b, "B");
  f->slots[0] = (loop_slot) { pair, 0 };
  f->slots[1] = (loop_slot) { pair, 1 };
  start_on (&f->a, &f->slots[0], true);
  start_on (&f->b, &f->slots[1], true);
}

static void
fixture_stop (fixture *f)
{
  peer_clear (&f->a);
  peer_clear (&f->b);
  pair_unref (f->pair);
}

static void
test_a_call_works_over_the_loopback_signaller (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 20, &n_audio);
  check_received (&f.a, 20, n_audio);
  check_received (&f.b, 20, n_audio);
  g_assert_true (f.a.is_offerer);
  g_assert_false (f.b.is_offerer);
  fixture_stop (&f);
}

/* Every 7th packet A sends is lost: B NACKs, A answers with RTX, and
 * every frame still arrives whole and in order. */
static void
test_lost_packets_come_back_through_nack_and_rtx (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  tc_session_debug_drop_rtp (f.a.s, 7);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a };
  /* A loss is seen only when a later packet comes: the last frames carry
   * the first 30 over the finish. Audio is not repaired (no NACK for Opus,
   * as in browsers): only video is counted. */
  send_media (senders, 1, 36, &n_audio);
  frame_counts want = { 30, 0 };
  gboolean got = peer_wait (&f.b, has_frames, &want);
  tc_session_stats sa, sb;
  tc_session_get_stats (f.a.s, &sa);
  tc_session_get_stats (f.b.s, &sb);
  g_test_message ("video frames %u, nacks sent %" G_GUINT64_FORMAT
      " answered %" G_GUINT64_FORMAT ", plis %" G_GUINT64_FORMAT,
      f.b.frames[TC_MEDIA_VIDEO]->len, sb.dir[1].nacks, sa.dir[0].nacks,
      sb.dir[1].plis);
  g_assert_true (got);
  g_mutex_lock (&f.b.m);
  for (unsigned i = 0; i < 30; i++) {
    rx_frame *fr = g_ptr_array_index (f.b.frames[TC_MEDIA_VIDEO], i);
    GBytes *b = make_vp8 (i, vp8_is_key (i));
    g_assert_true (g_bytes_equal (fr->data, b));
    g_bytes_unref (b);
  }
  g_mutex_unlock (&f.b.m);
  g_assert_cmpuint (sb.dir[1].nacks, >, 0);
  g_assert_cmpuint (sa.dir[0].nacks, >, 0);
  fixture_stop (&f);
}

/* Flips one hex digit of the offer's a=fingerprint. */
static void
alter_fingerprint (tc_peer_msg *m)
{
  if (m->kind != TC_PEER_MSG_SDP || m->sdp_type != TC_SDP_OFFER)
    return;
  char *fp = strstr (m->sdp, "a=fingerprint:sha-256 ");
  g_assert_nonnull (fp);
  char *digit = fp + strlen ("a=fingerprint:sha-256 ");
  *digit = *digit == 'A' ? 'B' : 'A';
}

static void
test_an_altered_fingerprint_refuses_the_call (void)
{
  /* The refused handshake is logged as a warning, as it should be. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  loop_pair *pair = pair_new ();
  pair->rewrite = alter_fingerprint;
  fixture f;
  fixture_start (&f, pair);
  g_assert_true (peer_wait (&f.a, has_error, NULL));
  g_assert_true (peer_wait (&f.b, has_error, NULL));
  WAIT_STATE (&f.a, TC_SESSION_FAILED);
  WAIT_STATE (&f.b, TC_SESSION_FAILED);
  g_assert_cmpint (f.a.error, ==, TC_ERR_DTLS);
  g_assert_cmpint (f.b.error, ==, TC_ERR_DTLS);
  /* Frames pushed now go nowhere. */
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 6, &n_audio);
  g_mutex_lock (&f.a.m);
  g_assert_cmpuint (f.a.connected, ==, 0);
  g_assert_cmpuint (f.a.frames[TC_MEDIA_VIDEO]->len + f.a.frames[TC_MEDIA_AUDIO]->len, ==, 0);
  g_mutex_unlock (&f.a.m);
  g_mutex_lock (&f.b.m);
  g_assert_cmpuint (f.b.connected, ==, 0);
  g_assert_cmpuint (f.b.frames[TC_MEDIA_VIDEO]->len + f.b.frames[TC_MEDIA_AUDIO]->len, ==, 0);
  g_mutex_unlock (&f.b.m);
  fixture_stop (&f);
}

/* A's offer is held until B, the answerer by the rule, loses patience and
 * offers too: both offers cross. B (polite) rolls back and answers A;
 * A (impolite) ignores B's offer. */
static void
test_crossing_offers_end_in_one_call (void)
{
  loop_pair *pair = pair_new ();
  pair->hold_first_side = true;
  fixture f;
  fixture_start (&f, pair);
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  char *b_sent = tc_session_debug_sdp (f.b.s, true);
  g_assert_nonnull (strstr (b_sent, "a=setup:active")); /* B's answer */
  g_free (b_sent);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 10, &n_audio);
  check_received (&f.a, 10, n_audio);
  check_received (&f.b, 10, n_audio);
  fixture_stop (&f);
}

static void
noop_event (tc_session *s, const tc_session_event *ev, void *data)
{
  (void) s;
  (void) ev;
  (void) data;
}

/* Settings that cannot work are refused at creation, with the reason. */
static void
test_unusable_settings_are_refused (void)
{
  tc_session_config cfg;
  tc_session_config_init (&cfg);
  cfg.signaling.channel = "chan";
  cfg.signaling.room = "#room";
  cfg.signaling.url = "ws://example.com/v3/websocket";
  tc_status st = TC_OK;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INSECURE_URL);
  cfg.signaling.url = NULL;
  cfg.signaling.channel = NULL;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
  /* Only codecs we can packetize: none of these. */
  cfg.signaling.channel = "chan";
  cfg.video_codecs[0] = TC_SDP_CODEC_AV1;
  cfg.video_codecs[1] = TC_SDP_CODEC_H264;
  cfg.n_video_codecs = 2;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_UNSUPPORTED);
  /* A usable one, never started, frees cleanly. */
  cfg.n_video_codecs = 0;
  tc_session *s = tc_session_new (&cfg, noop_event, NULL, &st);
  g_assert_nonnull (s);
  g_assert_cmpint (st, ==, TC_OK);
  static const uint8_t byte = 1;
  g_assert_cmpint (tc_session_push_frame (s, TC_MEDIA_VIDEO, &byte, 1, 0,
      false), ==, TC_ERR_INVALID_ARG); /* we do not send video */
  tc_session_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/settings/refused",
      test_unusable_settings_are_refused);
  g_test_add_func ("/session/loopback/call",
      test_a_call_works_over_the_loopback_signaller);
  g_test_add_func ("/session/loopback/nack-rtx-repairs-loss",
      test_lost_packets_come_back_through_nack_and_rtx);
  g_test_add_func ("/session/loopback/fingerprint-mismatch-refuses-the-call",
      test_an_altered_fingerprint_refuses_the_call);
  g_test_add_func ("/session/loopback/glare-ends-in-one-call",
      test_crossing_offers_end_in_one_call);
  return g_test_run ();
}
