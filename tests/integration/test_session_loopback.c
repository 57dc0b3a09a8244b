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
 *     routed by the mid header extension.
 *   - directions changed in a running call: crossing re-offers end in one
 *     renegotiation on the same ICE and DTLS, and a sender that stops is
 *     heard by the peer.
 */
#include "session_helpers.h"

static const char *const loopback[] = { "127.0.0.1", NULL };

/* ---- the loopback signaller ------------------------------------------------- */

typedef struct loop_pair loop_pair;

typedef struct {
  tc_signal base;      /* first: tc_signal's common head */
  loop_pair *pair;
  int idx;
  GMainContext *ctx;
  bool started;
} loop_sig;

typedef void (*rewrite_fn) (tc_peer_msg *msg);

struct loop_pair {
  gint refs;
  GMutex m;
  loop_sig *side[2];
  int offerer;             /* which side PEER_JOINED calls the offerer */
  rewrite_fn rewrite;      /* applied to every message, or NULL */
  bool hold_first_side;    /* keep side 0's messages until side 1 speaks */
  GPtrArray *held;         /* deliveries waiting */
  GCond held_cond;         /* signalled when a delivery is held */
};

typedef struct {
  loop_pair *pair;         /* a reference */
  int to;
  tc_signal_event_type type;
  bool is_offerer;
  tc_peer_msg msg;
} delivery;

static loop_pair *
pair_ref (loop_pair *p)
{
  g_atomic_int_inc (&p->refs);
  return p;
}

static void
pair_unref (loop_pair *p)
{
  if (!g_atomic_int_dec_and_test (&p->refs))
    return;
  g_ptr_array_unref (p->held);
  g_cond_clear (&p->held_cond);
  g_mutex_clear (&p->m);
  g_free (p);
}

static void
delivery_free (gpointer data)
{
  delivery *d = data;
  tc_peer_msg_clear (&d->msg);
  pair_unref (d->pair);
  g_free (d);
}

/* On the receiver's thread: deliver unless it stopped meanwhile. */
static gboolean
deliver (gpointer data)
{
  delivery *d = data;
  g_mutex_lock (&d->pair->m);
  loop_sig *to = d->pair->side[d->to];
  bool ok = to != NULL && to->started;
  g_mutex_unlock (&d->pair->m);
  if (ok) {
    tc_signal_event ev = { .type = d->type, .is_offerer = d->is_offerer,
      .members = 2, .msg = &d->msg };
    to->base.cb (&to->base, &ev, to->base.user_data);
  }
  return G_SOURCE_REMOVE;
}

static delivery *
delivery_new (loop_pair *p, int to, tc_signal_event_type type)
{
  delivery *d = g_new0 (delivery, 1);
  d->pair = pair_ref (p);
  d->to = to;
  d->type = type;
  return d;
}

/* Called with the pair locked. Always through an idle source, never
 * inline: signallers must not call back from inside their own calls. */
static void
post (loop_pair *p, delivery *d)
{
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, deliver, d, delivery_free);
  g_source_attach (src, p->side[d->to]->ctx);
  g_source_unref (src);
}

static tc_status
loop_start (tc_signal *sig)
{
  loop_sig *ls = (loop_sig *) sig;
  loop_pair *p = ls->pair;
  g_mutex_lock (&p->m);
  ls->started = true;
  p->side[ls->idx] = ls;
  if (p->side[0] != NULL && p->side[1] != NULL) {
    for (int i = 0; i < 2; i++) {
      delivery *d = delivery_new (p, i, TC_SIGNAL_EV_PEER_JOINED);
      d->is_offerer = i == p->offerer;
      post (p, d);
    }
  }
  g_mutex_unlock (&p->m);
  return TC_OK;
}

static tc_status
loop_send (tc_signal *sig, const tc_peer_msg *msg)
{
  loop_sig *ls = (loop_sig *) sig;
  loop_pair *p = ls->pair;
  int to = 1 - ls->idx;
  /* Through JSON, as on the wire. */
  char *json = tc_peer_msg_encode (msg);
  g_assert_nonnull (json);
  delivery *d = delivery_new (p, to, TC_SIGNAL_EV_MESSAGE);
  g_assert_cmpint (tc_peer_msg_decode (json, strlen (json), &d->msg), ==, TC_OK);
  g_free (json);
  if (p->rewrite != NULL)
    p->rewrite (&d->msg);
  g_mutex_lock (&p->m);
  if (p->side[to] == NULL) {
    delivery_free (d);
  } else if (p->hold_first_side && ls->idx == 0) {
    g_ptr_array_add (p->held, d);
    g_cond_broadcast (&p->held_cond);
  } else {
    post (p, d);
    if (ls->idx == 1 && p->hold_first_side) {
      /* Side 1 spoke: release what side 0 said, after it. */
      p->hold_first_side = false;
      for (guint i = 0; i < p->held->len; i++)
        post (p, g_ptr_array_index (p->held, i));
      g_ptr_array_set_size (p->held, 0);
    }
  }
  g_mutex_unlock (&p->m);
  return TC_OK;
}

static void
loop_stop (tc_signal *sig)
{
  loop_sig *ls = (loop_sig *) sig;
  loop_pair *p = ls->pair;
  g_mutex_lock (&p->m);
  if (ls->started) {
    ls->started = false;
    p->side[ls->idx] = NULL;
    loop_sig *other = p->side[1 - ls->idx];
    if (other != NULL && other->started)
      post (p, delivery_new (p, other->idx, TC_SIGNAL_EV_PEER_LEFT));
  }
  g_mutex_unlock (&p->m);
}

static void
loop_free (tc_signal *sig)
{
  loop_sig *ls = (loop_sig *) sig;
  loop_stop (sig);
  pair_unref (ls->pair);
  g_free (ls);
}

static const tc_signal_ops loop_ops = {
  .name = "loopback",
  .start = loop_start,
  .send = loop_send,
  .stop = loop_stop,
  .free = loop_free,
};

typedef struct {
  loop_pair *pair;
  int idx;
} loop_slot;

static tc_signal *
make_loop_sig (GMainContext *ctx, tc_signal_event_cb cb, void *cb_data,
    void *factory_data, tc_status *status)
{
  loop_slot *slot = factory_data;
  loop_sig *ls = g_new0 (loop_sig, 1);
  ls->base.ops = &loop_ops;
  ls->base.cb = cb;
  ls->base.user_data = cb_data;
  ls->pair = pair_ref (slot->pair);
  ls->idx = slot->idx;
  ls->ctx = ctx;
  *status = TC_OK;
  return &ls->base;
}

static loop_pair *
pair_new (void)
{
  loop_pair *p = g_new0 (loop_pair, 1);
  p->refs = 1;
  g_mutex_init (&p->m);
  g_cond_init (&p->held_cond);
  p->held = g_ptr_array_new ();
  return p;
}

/* ---- sessions on it -------------------------------------------------------- */

static void
start_on_dirs (peer *p, loop_slot *slot, bool sends, bool receives)
{
  tc_session_config cfg;
  tc_session_config_init (&cfg);
  cfg.local_addresses = loopback;
  cfg.send_audio = cfg.send_video = sends;
  cfg.recv_audio = cfg.recv_video = receives;
  tc_status st = TC_ERR_INVALID_ARG;
  p->s = tc_session_new_with_signal (&cfg, make_loop_sig, slot, peer_on_event,
      p, &st);
  g_assert_cmpint (st, ==, TC_OK);
  g_assert_cmpint (tc_session_start (p->s), ==, TC_OK);
}

static void
start_on (peer *p, loop_slot *slot, bool sends)
{
  start_on_dirs (p, slot, sends, true);
}

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
  while (p->held->len == 0 && g_cond_wait_until (&p->held_cond, &p->m, end))
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
  g_assert_nonnull (strstr (b_sent, "a=setup:active"));   /* B's answer */
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

/* A re-offer with another certificate would need a new DTLS association
 * mid-call: the call fails with a sentence instead of running on. */
static void
test_a_reoffer_with_another_certificate_fails_the_call (void)
{
  /* The refusal is logged as a warning, as it should be. */
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
  g_assert_true (peer_wait (&f.a, has_error, NULL));
  WAIT_STATE (&f.a, TC_SESSION_FAILED);
  g_assert_cmpint (f.a.error, ==, TC_ERR_UNSUPPORTED);
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
  g_test_add_func ("/session/loopback/mid-routes-when-sdp-ssrcs-are-wrong",
      test_packets_find_their_stream_by_mid_when_sdp_ssrcs_are_wrong);
  g_test_add_func ("/session/loopback/glare-ends-in-one-call",
      test_crossing_offers_end_in_one_call);
  g_test_add_func ("/session/loopback/crossing-reoffers-end-in-one-renegotiation",
      test_crossing_reoffers_end_in_one_renegotiation);
  g_test_add_func ("/session/loopback/a-sender-that-stops-is-heard-by-the-peer",
      test_a_sender_that_stops_is_heard_by_the_peer);
  g_test_add_func ("/session/loopback/a-reoffer-with-another-certificate-fails",
      test_a_reoffer_with_another_certificate_fails_the_call);
  return g_test_run ();
}
