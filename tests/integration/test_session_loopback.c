/* test_session_loopback.c - two tc_sessions paired by an in-process
 * signaller (the tc_signal interface, injected with
 * tc_session_new_with_signal) that can rewrite or hold messages:
 *   - a call works without any server;
 *   - an a=fingerprint altered in the offer refuses the call on both sides,
 *     and no frame ever comes out;
 *   - glare: the answerer-by-rule offers too (as older pages do), and
 *     perfect negotiation still ends in one call;
 *   - SDPs whose a=ssrc lines name other SSRCs than the packets carry (as a
 *     page that munges SDP, or changes SSRCs, sends): media still arrives,
 *     routed by the mid header extension;
 *   - directions changed in a running call: crossing re-offers end in one
 *     renegotiation on the same ICE and DTLS, and a sender that stops is
 *     heard by the peer;
 *   - a first call in which no candidate ever arrives (a peer whose
 *     gathering died): an ICE restart, then the sessions leave and join
 *     again, and the next call connects;
 *   - a 150 kB keyframe at 1080p leaves paced over ~100 ms (send times),
 *     where unpaced it leaves in one burst.
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
  /* Every repair came as a retransmission, counted on both sides. */
  g_assert_cmpuint (sa.dir[0].retransmissions, >, 0);
  g_assert_cmpuint (sb.dir[1].retransmissions, >, 0);
  g_assert_cmpuint (sb.dir[1].retransmissions, <=, sa.dir[0].retransmissions);
  fixture_stop (&f);
}

static gboolean
more_keyframe_requests (peer *p, gconstpointer before)
{
  return p->keyframe_requests > GPOINTER_TO_UINT (before);
}

/* B's decoder lost its reference (as when a wrapper drops a frame): B
 * asks, A's encoder is told to make a keyframe, and B's PLI is counted.
 * After stop the request is refused. */
static void
test_a_wrapper_asks_the_peer_for_a_keyframe (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a };
  /* Past the request every call starts with (one per 300 ms at most). */
  send_media (senders, 1, 20, &n_audio);
  frame_counts want = { 20, 0 };
  g_assert_true (peer_wait (&f.b, has_frames, &want));
  g_mutex_lock (&f.a.m);
  unsigned before = f.a.keyframe_requests;
  g_mutex_unlock (&f.a.m);
  tc_session_stats sb0, sb1;
  tc_session_get_stats (f.b.s, &sb0);

  g_assert_cmpint (tc_session_request_keyframe (f.b.s), ==, TC_OK);
  g_assert_true (peer_wait (&f.a, more_keyframe_requests,
      GUINT_TO_POINTER (before)));
  /* B's stats are refreshed on its next tick (20 ms): poll them. */
  GAsyncQueue *pace = g_async_queue_new ();
  int64_t end = g_get_monotonic_time () + WAIT_US;
  do {
    g_async_queue_timeout_pop (pace, 20000);
    tc_session_get_stats (f.b.s, &sb1);
  } while (sb1.dir[1].plis == sb0.dir[1].plis
      && g_get_monotonic_time () < end);
  g_async_queue_unref (pace);
  g_test_message ("keyframe requests at A: %u -> %u", before,
      f.a.keyframe_requests);
  g_assert_cmpuint (sb1.dir[1].plis, >, sb0.dir[1].plis);

  tc_session_stop (f.b.s);
  g_assert_cmpint (tc_session_request_keyframe (f.b.s), ==, TC_ERR_CLOSED);
  fixture_stop (&f);
}

/* ---- a keyframe made while connecting ---------------------------------- */

/* Pushes frame `i` of make_vp8() (a keyframe when `key`) from `p`, as
 * captured `after_us` from now (frames of a camera are 33 ms apart). */
static void
push_vp8 (peer *p, unsigned i, bool key, int64_t after_us)
{
  GBytes *b = make_vp8 (i, key);
  g_assert_cmpint (tc_session_push_frame (p->s, TC_MEDIA_VIDEO,
      g_bytes_get_data (b, NULL), g_bytes_get_size (b),
      g_get_monotonic_time () + after_us, key), ==, TC_OK);
  g_bytes_unref (b);
}

/* As tempchatsink does: a keyframe as the call starts connecting. */
static void
keyframe_when_connecting (peer *p, tc_session_state state)
{
  if (state == TC_SESSION_CONNECTING)
    push_vp8 (p, 0, true, 0);
}

/* A keyframe of AV1 (test_frame_size.c's 320x240 TU: temporal delimiter,
 * sequence header, a one-byte KEY_FRAME frame OBU) as the peer joins, as a
 * wrapper that makes its keyframe before the answer would, with the codec
 * it guesses; these calls send VP8. */
static void
av1_keyframe_when_connecting (peer *p, tc_session_state state)
{
  static const uint8_t tu[] = { 0x12, 0x00,
    0x0a, 0x08, 0x00, 0x00, 0x00, 0x42, 0x61, 0x3f, 0x77, 0x80,
    0x32, 0x01, 0x10 };
  if (state == TC_SESSION_NEGOTIATING)
    g_assert_cmpint (tc_session_push_frame (p->s, TC_MEDIA_VIDEO, tu,
        sizeof tu, g_get_monotonic_time (), true), ==, TC_OK);
}

/* A keyframe, then a delta frame, as the call starts connecting. */
static void
keyframe_and_delta_when_connecting (peer *p, tc_session_state state)
{
  if (state == TC_SESSION_CONNECTING) {
    push_vp8 (p, 0, true, 0);
    push_vp8 (p, 1, false, 33333);
  }
}

/* A, sending only, starts with `hook`; B receives; both connect. */
static void
start_with_hook (fixture *f, peer_state_hook hook)
{
  f->pair = pair_new ();
  pair_peers_init (f->pair, f->slots, &f->a, &f->b);
  f->a.on_state = hook;
  start_on_dirs (&f->a, &f->slots[0], true, false);
  start_on_dirs (&f->b, &f->slots[1], false, true);
  WAIT_STATE (&f->a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f->b, TC_SESSION_CONNECTED);
}

/* The keyframe a wrapper made while the call connected is kept and is the
 * peer's first frame (the call asks for no other), stamped before the
 * frames made after the call connected. */
static void
test_a_keyframe_made_while_connecting_is_the_first_frame (void)
{
  fixture f;
  start_with_hook (&f, keyframe_when_connecting);
  for (unsigned i = 1; i <= 3; i++)
    push_vp8 (&f.a, i, false, (int64_t) (i - 1) * 33333);
  frame_counts want = { 4, 0 };
  g_assert_true (peer_wait (&f.b, has_frames, &want));
  g_mutex_lock (&f.b.m);
  for (unsigned i = 0; i < 4; i++) {
    rx_frame *fr = g_ptr_array_index (f.b.frames[TC_MEDIA_VIDEO], i);
    GBytes *b = make_vp8 (i, i == 0);
    g_assert_true (g_bytes_equal (fr->data, b));
    g_assert_cmpint (fr->keyframe, ==, i == 0);
    g_bytes_unref (b);
    if (i > 0)
      g_assert_cmpint (fr->pts_us, >, ((rx_frame *) g_ptr_array_index (
          f.b.frames[TC_MEDIA_VIDEO], i - 1))->pts_us);
  }
  g_mutex_unlock (&f.b.m);
  g_mutex_lock (&f.a.m);
  g_assert_cmpuint (f.a.keyframe_requests, ==, 0);
  g_mutex_unlock (&f.a.m);
  fixture_stop (&f);
}

/* Started with `hook`, A sends nothing it made before the call connected:
 * it is asked for a keyframe, and the one it then makes is B's first
 * frame. */
static void
check_asked_for_a_new_keyframe (peer_state_hook hook)
{
  fixture f;
  start_with_hook (&f, hook);
  g_assert_true (peer_wait (&f.a, more_keyframe_requests, GUINT_TO_POINTER (0)));
  push_vp8 (&f.a, 7, true, 0);
  frame_counts want = { 1, 0 };
  g_assert_true (peer_wait (&f.b, has_frames, &want));
  g_mutex_lock (&f.b.m);
  rx_frame *fr = g_ptr_array_index (f.b.frames[TC_MEDIA_VIDEO], 0);
  GBytes *b = make_vp8 (7, true);
  g_assert_true (g_bytes_equal (fr->data, b));
  g_bytes_unref (b);
  g_mutex_unlock (&f.b.m);
  fixture_stop (&f);
}

/* A delta frame after it makes the kept keyframe useless alone (what
 * follows needs both). */
static void
test_a_delta_after_the_connecting_keyframe_asks_for_a_new_one (void)
{
  check_asked_for_a_new_keyframe (keyframe_and_delta_when_connecting);
}

/* A kept keyframe of another codec than the call sends is not sent: the
 * peer would take AV1 for VP8. */
static void
test_a_keyframe_of_another_codec_made_while_connecting_is_not_sent (void)
{
  check_asked_for_a_new_keyframe (av1_keyframe_when_connecting);
}

/* Which make_opus() frame `f` is; -1 when none of the first `n`. */
static int
opus_index (const rx_frame *f, unsigned n)
{
  for (unsigned i = 0; i < n; i++) {
    GBytes *b = make_opus (i);
    gboolean same = g_bytes_equal (f->data, b);
    g_bytes_unref (b);
    if (same)
      return (int) i;
  }
  return -1;
}

typedef struct {
  unsigned audio;              /* frames received plus frames told lost */
} audio_goal;

static gboolean
audio_accounted (peer *p, gconstpointer arg)
{
  const audio_goal *g = arg;
  return p->frames[TC_MEDIA_AUDIO]->len + p->audio_lost >= g->audio;
}

/* 5 % of A's packets are lost. Audio is not resent, so every lost audio
 * frame must be told to B's decoder (to conceal it, with Opus FEC from the
 * frame after it) before that next frame: received and lost frames together
 * cover every 20 ms up to the last one received, and the stats count them. */
static void
test_lost_audio_is_told_to_the_decoder_before_the_next_frame (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  tc_session_debug_drop_rtp (f.a.s, 20);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a };
  send_media (senders, 1, 90, &n_audio);
  /* the last frames may be lost with nothing after them to tell it */
  audio_goal want = { n_audio - 5 };
  g_assert_true (peer_wait (&f.b, audio_accounted, &want));

  tc_session_stats sb;
  tc_session_get_stats (f.b.s, &sb);
  g_mutex_lock (&f.b.m);
  GPtrArray *got = f.b.frames[TC_MEDIA_AUDIO];
  unsigned received = got->len, lost = f.b.audio_lost;
  int last = opus_index (g_ptr_array_index (got, got->len - 1), n_audio);
  g_mutex_unlock (&f.b.m);
  g_test_message ("METRIC audio frames sent %u received %u concealed %u",
      n_audio, received, lost);
  g_assert_cmpuint (lost, >, 0);
  g_assert_cmpint (last, >=, 0);
  g_assert_cmpuint (received + lost, ==, (unsigned) last + 1);
  g_assert_cmpuint (sb.dir[1].audio_concealed, ==, lost);
  fixture_stop (&f);
}

/* A sender may put 60 ms in each Opus packet (the TOC says so): its
 * packets come 60 ms apart and none of them is missing, so nothing is
 * concealed. */
static void
test_long_opus_packets_are_not_taken_for_loss (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  const unsigned n = 30;
  int64_t start = g_get_monotonic_time ();
  for (unsigned i = 0; i < n; i++) {
    GBytes *b = make_opus (i);
    guint8 *d = g_bytes_unref_to_data (b, &(gsize) { 0 });
    d[0] = 0x18;  /* TOC config 3: SILK narrowband, 60 ms */
    g_assert_cmpint (tc_session_push_frame (f.a.s, TC_MEDIA_AUDIO, d,
            60 + (i * 13) % 100, start + (int64_t) i * 60000, FALSE), ==, TC_OK);
    g_free (d);
  }
  audio_goal want = { n };
  g_assert_true (peer_wait (&f.b, audio_accounted, &want));
  tc_session_stats sb;
  tc_session_get_stats (f.b.s, &sb);
  g_mutex_lock (&f.b.m);
  unsigned received = f.b.frames[TC_MEDIA_AUDIO]->len, lost = f.b.audio_lost;
  g_mutex_unlock (&f.b.m);
  g_assert_cmpuint (received, ==, n);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (sb.dir[1].audio_concealed, ==, 0);
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

/* Changes the last digit of every SSRC in a=ssrc and a=ssrc-group lines
 * (down by one, 0 up to 1: the same SSRC always becomes the same other one,
 * and never overflows 32 bits), so every SDP names SSRCs no packet has. */
static void
shift_digit_before (char *end)
{
  *(end - 1) = *(end - 1) == '0' ? '1' : (char) (*(end - 1) - 1);
}

static void
wrong_ssrcs (tc_peer_msg *m)
{
  if (m->kind != TC_PEER_MSG_SDP)
    return;
  for (char *l = strstr (m->sdp, "a=ssrc"); l != NULL;
       l = strstr (l + 1, "a=ssrc")) {
    char *p = strchr (l, ':') + 1;
    char *eol = p + strcspn (p, "\r\n");
    if (g_str_has_prefix (l, "a=ssrc-group:"))
      p += strcspn (p, " ");          /* past the semantics (FID) */
    while (p < eol) {
      p += strspn (p, " ");
      char *end = p + strspn (p, "0123456789");
      if (end > p)
        shift_digit_before (end);
      if (!g_str_has_prefix (l, "a=ssrc-group:"))
        break;                        /* a=ssrc:N attr: only N */
      p = end > p ? end : p + 1;
    }
  }
}

static void
test_packets_find_their_stream_by_mid_when_sdp_ssrcs_are_wrong (void)
{
  loop_pair *pair = pair_new ();
  pair->rewrite = wrong_ssrcs;
  fixture f;
  fixture_start (&f, pair);
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 20, &n_audio);
  check_received (&f.a, 20, n_audio);
  check_received (&f.b, 20, n_audio);
  fixture_stop (&f);
}

/* A's offer is held until B, the answerer by the rule, loses patience and
 * offers too (ICE-controlling, as the first offerer): both offers cross.
 * B (polite) rolls back and answers A, and takes the role its answer
 * implies: controlled, on a new agent since its first one gathered as
 * controlling; A (impolite) ignores B's offer and stays controlling. */
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
  g_assert_nonnull (strstr (b_sent, "a=setup:passive")); /* B's answer */
  g_free (b_sent);
  g_mutex_lock (&f.pair->m);
  g_assert_cmpuint (f.pair->offers[1], >=, 1);  /* B did offer */
  g_mutex_unlock (&f.pair->m);
  g_assert_cmpint (tc_session_debug_ice_controlling (f.a.s), ==, 1);
  g_assert_cmpint (tc_session_debug_ice_controlling (f.b.s), ==, 0);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 10, &n_audio);
  check_received (&f.a, 10, n_audio);
  check_received (&f.b, 10, n_audio);
  fixture_stop (&f);
}

/* ---- directions changed in a running call ---------------------------------- */

typedef struct {
  tc_sdp_direction video, audio;
} directions_arg;

static gboolean
has_directions (peer *p, gconstpointer arg)
{
  const directions_arg *d = arg;
  return p->direction[TC_MEDIA_VIDEO] == d->video
      && p->direction[TC_MEDIA_AUDIO] == d->audio;
}

/* Waits until side 0 has a message held (the loopback signaller's hold). */
static gboolean
pair_wait_held (loop_pair *p)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  g_mutex_lock (&p->m);
  while (p->held->len == 0 && g_cond_wait_until (&p->cond, &p->m, end))
    ;
  gboolean ok = p->held->len > 0;
  g_mutex_unlock (&p->m);
  return ok;
}

/* Both send only; then both want to receive at once, so their re-offers
 * cross: B (polite) rolls back and answers A's, A ignores B's. One
 * renegotiation later both send and receive on the first ICE and DTLS
 * (each connected once), with the DTLS roles of the first negotiation. */
static void
test_crossing_reoffers_end_in_one_renegotiation (void)
{
  loop_pair *pair = pair_new ();
  fixture f = { .pair = pair };
  peer_init (&f.a, "A");
  peer_init (&f.b, "B");
  f.slots[0] = (loop_slot) { pair, 0 };
  f.slots[1] = (loop_slot) { pair, 1 };
  start_on_dirs (&f.a, &f.slots[0], true, false);
  start_on_dirs (&f.b, &f.slots[1], true, false);
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);

  g_mutex_lock (&pair->m);
  pair->hold_first_side = true;
  g_mutex_unlock (&pair->m);
  tc_session_directions both = { true, true, true, true };
  g_assert_cmpint (tc_session_set_directions (f.a.s, &both), ==, TC_OK);
  g_assert_true (pair_wait_held (pair));  /* A's re-offer, in flight */
  g_assert_cmpint (tc_session_set_directions (f.b.s, &both), ==, TC_OK);

  directions_arg sendrecv = { TC_SDP_DIR_SENDRECV, TC_SDP_DIR_SENDRECV };
  g_assert_true (peer_wait (&f.a, has_directions, &sendrecv));
  g_assert_true (peer_wait (&f.b, has_directions, &sendrecv));
  char *a_sent = tc_session_debug_sdp (f.a.s, true);
  char *b_sent = tc_session_debug_sdp (f.b.s, true);
  g_assert_nonnull (strstr (a_sent, "a=setup:actpass"));  /* A's re-offer */
  g_assert_nonnull (strstr (b_sent, "a=setup:passive"));  /* B's answer */
  g_free (a_sent);
  g_free (b_sent);

  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 10, &n_audio);
  check_received (&f.a, 10, n_audio);
  check_received (&f.b, 10, n_audio);
  g_assert_cmpuint (f.a.connected, ==, 1);
  g_assert_cmpuint (f.b.connected, ==, 1);
  g_assert_cmpuint (f.a.errors + f.b.errors, ==, 0);
  fixture_stop (&f);
}

/* A stops sending: after the renegotiation B says it only sends, A's frames
 * are refused, and B's media still reaches A. */
static void
test_a_sender_that_stops_is_heard_by_the_peer (void)
{
  fixture f;
  fixture_start (&f, pair_new ());
  directions_arg sendrecv = { TC_SDP_DIR_SENDRECV, TC_SDP_DIR_SENDRECV };
  g_assert_true (peer_wait (&f.b, has_directions, &sendrecv));
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);

  tc_session_directions recv_only = { false, false, true, true };
  g_assert_cmpint (tc_session_set_directions (f.b.s, &recv_only), ==, TC_OK);
  directions_arg a_sends = { TC_SDP_DIR_SENDONLY, TC_SDP_DIR_SENDONLY };
  directions_arg b_receives = { TC_SDP_DIR_RECVONLY, TC_SDP_DIR_RECVONLY };
  g_assert_true (peer_wait (&f.a, has_directions, &a_sends));
  g_assert_true (peer_wait (&f.b, has_directions, &b_receives));
  static const uint8_t byte = 1;
  g_assert_cmpint (tc_session_push_frame (f.b.s, TC_MEDIA_VIDEO, &byte, 1, 0,
      true), ==, TC_ERR_INVALID_ARG);

  unsigned n_audio = 0;
  peer *senders[] = { &f.a };
  send_media (senders, 1, 10, &n_audio);
  check_received (&f.b, 10, n_audio);
  g_assert_cmpuint (f.a.connected, ==, 1);
  fixture_stop (&f);
}

static gint offers_seen;

/* Lets the first offer through, alters the fingerprint of later ones. */
static void
alter_reoffer_fingerprint (tc_peer_msg *m)
{
  if (m->kind == TC_PEER_MSG_SDP && m->sdp_type == TC_SDP_OFFER
      && g_atomic_int_add (&offers_seen, 1) > 0)
    alter_fingerprint (m);
}

/* A re-offer with another certificate comes from a new peer connection of
 * the peer's (a page that started over): it cannot renegotiate the running
 * DTLS association, so the call ends (PEER_LEFT) and a new one answers the
 * offer (PEER_JOINED), instead of the call failing. (Here the certificate
 * is only named in the offer: B's old association never hands it over, so
 * the new call is not expected to connect; web/relay-restart runs the real
 * case, a page's new peer connection.) */
static gboolean
joined_twice (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->joined >= 2 && p->left >= 1;
}

static void
test_a_reoffer_with_another_certificate_starts_a_new_call (void)
{
  /* B, whose own association goes on, refuses the new call's answer with
   * a warning. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_atomic_int_set (&offers_seen, 0);
  loop_pair *pair = pair_new ();
  pair->rewrite = alter_reoffer_fingerprint;
  fixture f;
  fixture_start (&f, pair);
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  tc_session_directions send_only = { true, true, false, false };
  g_assert_cmpint (tc_session_set_directions (f.b.s, &send_only), ==, TC_OK);
  g_assert_true (peer_wait (&f.a, joined_twice, NULL));
  g_mutex_lock (&f.a.m);
  g_assert_cmpint (f.a.errors, ==, 0);
  g_mutex_unlock (&f.a.m);
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
/* No candidate of the first call arrives, either way, as with a page
 * whose gathering died after a rollback: 3 s after the exchange the
 * sessions restart ICE (a second offer), 3 s later they leave and join the
 * room again, and the call that follows connects and carries media. */
static void
test_a_call_without_candidates_restarts_then_rejoins (void)
{
  fixture f;
  loop_pair *pair = pair_new ();
  pair->drop_first_candidates = true;
  fixture_start (&f, pair);
  /* The offerer's restart offer comes after the patience. */
  g_assert_true (pair_wait_offers (pair, 0, 2, WAIT_US));
  g_mutex_lock (&pair->m);
  gint64 end = g_get_monotonic_time () + WAIT_US;
  while (pair->joins < 2 && g_cond_wait_until (&pair->cond, &pair->m, end))
    ;
  unsigned joins = pair->joins;
  g_mutex_unlock (&pair->m);
  g_assert_cmpuint (joins, >=, 2);
  g_assert_true (peer_wait (&f.a, has_left, NULL));
  g_assert_true (peer_wait (&f.b, has_left, NULL));
  WAIT_STATE (&f.a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f.b, TC_SESSION_CONNECTED);
  unsigned n_audio = 0;
  peer *senders[] = { &f.a, &f.b };
  send_media (senders, 2, 20, &n_audio);
  check_received (&f.a, 20, n_audio);
  check_received (&f.b, 20, n_audio);
  fixture_stop (&f);
}

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
  /* Only video codecs we can packetize: none of these (every video codec
   * has a payloader now, so an audio codec and no codec stand in). */
  cfg.signaling.channel = "chan";
  cfg.video_codecs[0] = TC_SDP_CODEC_NONE;
  cfg.video_codecs[1] = TC_SDP_CODEC_OPUS;
  cfg.n_video_codecs = 2;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_UNSUPPORTED);
  /* An MTU too small for a header and a payload, or over a full Ethernet
   * frame. */
  cfg.n_video_codecs = 0;
  cfg.video_mtu = TC_SESSION_MTU_MIN - 1;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
  cfg.video_mtu = 0;
  cfg.audio_mtu = TC_SESSION_MTU_MAX + 1;
  g_assert_null (tc_session_new (&cfg, noop_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
  /* A usable one, never started, frees cleanly. */
  cfg.audio_mtu = TC_SESSION_MTU_MAX;
  tc_session *s = tc_session_new (&cfg, noop_event, NULL, &st);
  g_assert_nonnull (s);
  g_assert_cmpint (st, ==, TC_OK);
  static const uint8_t byte = 1;
  g_assert_cmpint (tc_session_push_frame (s, TC_MEDIA_VIDEO, &byte, 1, 0,
      false), ==, TC_ERR_INVALID_ARG); /* we do not send video */
  g_assert_cmpint (tc_session_set_mtu (s, TC_MEDIA_VIDEO, 100), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_session_set_mtu (s, TC_MEDIA_VIDEO, 600), ==, TC_OK);
  tc_session_free (s);
}

/* ---- pacing: a keyframe leaves spread over time --------------------------- */



static gboolean
estimating (const tc_session_stats *st)
{
  return st->target_bitrate_bps > 0;
}

typedef struct {
  int64_t span_us;            /* first packet to last */
  guint most_in_5ms;          /* packets in the busiest 5 ms */
  guint packets;
} burst;

static uint64_t
packets_sent (peer *p)
{
  tc_session_stats st;
  tc_session_get_stats (p->s, &st);
  return st.dir[0].packets;
}

/* Polls A's send log until `n` video packets left (stats count them as
 * they are made; the log as they leave). */
static GArray *
wait_sends (peer *a, guint n)
{
  GAsyncQueue *q = g_async_queue_new ();
  int64_t end = g_get_monotonic_time () + WAIT_US;
  GArray *all = g_array_new (FALSE, FALSE, sizeof (int64_t));
  while (all->len < n && g_get_monotonic_time () < end) {
    GArray *t = tc_session_debug_take_sends (a->s);
    g_array_append_vals (all, t->data, t->len);
    g_array_unref (t);
    if (all->len < n)
      g_async_queue_timeout_pop (q, 5000);
  }
  g_async_queue_unref (q);
  g_assert_cmpuint (all->len, ==, n);
  return all;
}

/* A sends one big keyframe: when each of its packets left, and whether B
 * got it whole (`must_arrive`: asserted). */
static burst
send_keyframe (fixture *f, guint *received, bool must_arrive)
{
  GBytes *b = big_keyframe ();
  tc_session_debug_log_sends (f->a.s, true);
  g_array_unref (tc_session_debug_take_sends (f->a.s));
  uint64_t before = packets_sent (&f->a);
  g_assert_cmpint (tc_session_push_frame (f->a.s, TC_MEDIA_VIDEO,
      g_bytes_get_data (b, NULL), g_bytes_get_size (b),
      g_get_monotonic_time (), true), ==, TC_OK);
  GAsyncQueue *q = g_async_queue_new ();
  int64_t end = g_get_monotonic_time () + WAIT_US;
  while (packets_sent (&f->a) == before && g_get_monotonic_time () < end)
    g_async_queue_timeout_pop (q, 5000);
  g_async_queue_unref (q);
  guint n = (guint) (packets_sent (&f->a) - before);
  g_assert_cmpuint (n, >=, BIG_KEYFRAME / 1200);
  GArray *t = wait_sends (&f->a, n);
  tc_session_debug_log_sends (f->a.s, false);
  burst r = { 0, 0, t->len };
  int64_t *ts = (int64_t *) t->data;
  r.span_us = ts[t->len - 1] - ts[0];
  for (guint i = 0, j = 0; i < t->len; i++) {
    while (ts[i] - ts[j] >= 5000)
      j++;
    r.most_in_5ms = MAX (r.most_in_5ms, i - j + 1);
  }
  g_array_unref (t);
  if (must_arrive) {
    frame_counts want = { ++*received, 0 };
    g_assert_true (peer_wait (&f->b, has_frames, &want));
    g_mutex_lock (&f->b.m);
    rx_frame *got = g_ptr_array_index (f->b.frames[TC_MEDIA_VIDEO],
        *received - 1);
    g_assert_true (g_bytes_equal (got->data, b));
    g_mutex_unlock (&f->b.m);
  }
  g_bytes_unref (b);
  return r;
}

/* At 1080p's 4.5 Mbit/s start the pacer lets video out at 11.25 Mbit/s:
 * a 150 kB keyframe takes about 107 ms, a few packets per 5 ms, and
 * arrives whole, where unpaced it leaves in one burst. */
static void
test_a_keyframe_leaves_paced_not_in_one_burst (void)
{
  fixture f;
  f.pair = pair_new ();
  start_one_way_1080p (f.pair, f.slots, &f.a, &f.b);
  /* The send-side estimate runs: pacing follows it from then. */
  tc_session_stats st;
  g_assert_true (peer_poll_stats (&f.a, estimating, &st));
  uint64_t target = st.target_bitrate_bps;
  guint received = 0;
  burst paced = send_keyframe (&f, &received, true);
  tc_session_debug_pacing (f.a.s, false);
  /* Unpaced, the burst may overflow B's socket buffer: its arrival is not
   * what this measures. */
  burst unpaced = send_keyframe (&f, &received, false);
  g_test_message ("target %" G_GUINT64_FORMAT " bit/s; %u packets paced: %"
      G_GINT64_FORMAT " us, at most %u in 5 ms; unpaced: %" G_GINT64_FORMAT
      " us, at most %u in 5 ms", target, paced.packets, paced.span_us,
      paced.most_in_5ms, unpaced.span_us, unpaced.most_in_5ms);
  /* 150 kB at 2.5x the target, give or take a serve. */
  double want_us = BIG_KEYFRAME * 8.0 / (2.5 * (double) target) * 1e6;
  g_assert_cmpint (paced.span_us, >, want_us / 2);
  g_assert_cmpuint (paced.most_in_5ms, <, paced.packets / 3);
  g_assert_cmpuint (unpaced.most_in_5ms, >, unpaced.packets * 2 / 3);
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/settings/refused",
      test_unusable_settings_are_refused);
  g_test_add_func ("/session/loopback/call",
      test_a_call_works_over_the_loopback_signaller);
  g_test_add_func ("/session/loopback/keyframe-paced",
      test_a_keyframe_leaves_paced_not_in_one_burst);
  g_test_add_func ("/session/loopback/nack-rtx-repairs-loss",
      test_lost_packets_come_back_through_nack_and_rtx);
  g_test_add_func ("/session/loopback/lost-audio-is-told-to-the-decoder",
      test_lost_audio_is_told_to_the_decoder_before_the_next_frame);
  g_test_add_func ("/session/loopback/a-keyframe-made-while-connecting-is-the-first-frame",
      test_a_keyframe_made_while_connecting_is_the_first_frame);
  g_test_add_func ("/session/loopback/a-delta-after-the-connecting-keyframe-asks-for-a-new-one",
      test_a_delta_after_the_connecting_keyframe_asks_for_a_new_one);
  g_test_add_func ("/session/loopback/a-keyframe-of-another-codec-made-while-connecting-is-not-sent",
      test_a_keyframe_of_another_codec_made_while_connecting_is_not_sent);
  g_test_add_func ("/session/loopback/a-wrapper-asks-for-a-keyframe",
      test_a_wrapper_asks_the_peer_for_a_keyframe);
  g_test_add_func ("/session/loopback/long-opus-packets-are-not-taken-for-loss",
      test_long_opus_packets_are_not_taken_for_loss);
  g_test_add_func ("/session/loopback/fingerprint-mismatch-refuses-the-call",
      test_an_altered_fingerprint_refuses_the_call);
  g_test_add_func ("/session/loopback/mid-routes-when-sdp-ssrcs-are-wrong",
      test_packets_find_their_stream_by_mid_when_sdp_ssrcs_are_wrong);
  g_test_add_func ("/session/loopback/glare-ends-in-one-call",
      test_crossing_offers_end_in_one_call);
  g_test_add_func ("/session/loopback/crossing-reoffers-end-in-one-renegotiation",
      test_crossing_reoffers_end_in_one_renegotiation);
  g_test_add_func ("/session/loopback/a-sender-that-stops-is-heard-by-the-peer",
      test_a_sender_that_stops_is_heard_by_the_peer);
  g_test_add_func ("/session/loopback/a-reoffer-with-another-certificate-"
      "starts-a-new-call",
      test_a_reoffer_with_another_certificate_starts_a_new_call);
  g_test_add_func ("/session/loopback/no-candidates-restart-then-rejoin",
      test_a_call_without_candidates_restarts_then_rejoins);
  return g_test_run ();
}
