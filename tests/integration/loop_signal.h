/* loop_signal.h - two tc_sessions paired by an in-process signaller (the
 * tc_signal interface, injected with tc_session_new_with_signal) that can
 * rewrite or hold messages. Shared by the session tests that need no
 * server.
 */
#ifndef TEMPCHAT_TEST_LOOP_SIGNAL_H
#define TEMPCHAT_TEST_LOOP_SIGNAL_H

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
  bool drop_later_offers[2]; /* a side's offers after its first are lost */
  unsigned offers[2];      /* offers each side sent */
  unsigned joins;          /* PEER_JOINED pairs delivered: calls begun */
  bool drop_first_candidates; /* candidates of the first call are lost (a
                                 peer whose gathering is dead) */
  bool no_recheck[2];      /* a side stops checking once libnice gave up
                              (tc_session_debug_recheck) */
  GCond cond;              /* signalled when offers[] or held changes */
};

typedef struct {
  loop_pair *pair;         /* a reference */
  int to;
  tc_signal_event_type type;
  bool is_offerer;
  tc_peer_msg msg;
  unsigned joins;          /* the pair's joins when posted */
} delivery;

static inline loop_pair *
pair_ref (loop_pair *p)
{
  g_atomic_int_inc (&p->refs);
  return p;
}

static inline void
pair_unref (loop_pair *p)
{
  if (!g_atomic_int_dec_and_test (&p->refs))
    return;
  g_ptr_array_unref (p->held);
  g_cond_clear (&p->cond);
  g_mutex_clear (&p->m);
  g_free (p);
}

static inline void
delivery_free (gpointer data)
{
  delivery *d = data;
  tc_peer_msg_clear (&d->msg);
  pair_unref (d->pair);
  g_free (d);
}

/* On the receiver's thread: deliver unless it stopped meanwhile. */
static inline gboolean
deliver (gpointer data)
{
  delivery *d = data;
  g_mutex_lock (&d->pair->m);
  loop_sig *to = d->pair->side[d->to];
  bool ok = to != NULL && to->started;
  /* A join or message from before someone left and joined again names
   * members that are gone: ScaleDrone clients drop what does not come
   * from the peer they chose. */
  if (d->type != TC_SIGNAL_EV_PEER_LEFT && d->joins != d->pair->joins)
    ok = false;
  g_mutex_unlock (&d->pair->m);
  if (ok) {
    tc_signal_event ev = { .type = d->type, .is_offerer = d->is_offerer,
      .members = 2, .msg = &d->msg };
    to->base.cb (&to->base, &ev, to->base.user_data);
  }
  return G_SOURCE_REMOVE;
}

static inline delivery *
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
static inline void
post (loop_pair *p, delivery *d)
{
  d->joins = p->joins;
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, deliver, d, delivery_free);
  g_source_attach (src, p->side[d->to]->ctx);
  g_source_unref (src);
}

static inline tc_status
loop_start (tc_signal *sig)
{
  loop_sig *ls = (loop_sig *) sig;
  loop_pair *p = ls->pair;
  g_mutex_lock (&p->m);
  ls->started = true;
  p->side[ls->idx] = ls;
  if (p->side[0] != NULL && p->side[1] != NULL) {
    p->joins++;
    g_cond_broadcast (&p->cond);
    for (int i = 0; i < 2; i++) {
      delivery *d = delivery_new (p, i, TC_SIGNAL_EV_PEER_JOINED);
      d->is_offerer = i == p->offerer;
      post (p, d);
    }
  }
  g_mutex_unlock (&p->m);
  return TC_OK;
}

static inline tc_status
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
  bool offer = d->msg.kind == TC_PEER_MSG_SDP
      && d->msg.sdp_type == TC_SDP_OFFER;
  if (offer) {
    p->offers[ls->idx]++;
    g_cond_broadcast (&p->cond);
  }
  bool lost_candidate = p->drop_first_candidates && p->joins <= 1
      && d->msg.kind != TC_PEER_MSG_SDP;
  if (p->side[to] == NULL || lost_candidate
      || (offer && p->drop_later_offers[ls->idx] && p->offers[ls->idx] > 1)) {
    delivery_free (d);
  } else if (p->hold_first_side && ls->idx == 0) {
    g_ptr_array_add (p->held, d);
    g_cond_broadcast (&p->cond);
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

static inline void
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

static inline void
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

static inline tc_signal *
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

static inline loop_pair *
pair_new (void)
{
  loop_pair *p = g_new0 (loop_pair, 1);
  p->refs = 1;
  g_mutex_init (&p->m);
  g_cond_init (&p->cond);
  p->held = g_ptr_array_new ();
  return p;
}

/* ---- sessions on it -------------------------------------------------------- */

/* Peers A (slot 0) and B (slot 1) of `pair`, not started. */
static inline void
pair_peers_init (loop_pair *pair, loop_slot slots[2], peer *a, peer *b)
{
  peer_init (a, "A");
  peer_init (b, "B");
  slots[0] = (loop_slot) { pair, 0 };
  slots[1] = (loop_slot) { pair, 1 };
}

/* Starts `p` on `slot` at quality `q`, sending and receiving as asked. */
static inline void
start_on_quality (peer *p, loop_slot *slot, bool sends, bool receives,
    tc_sdp_quality q)
{
  tc_session_config cfg;
  tc_session_config_init (&cfg);
  cfg.quality = q;
  cfg.local_addresses = loopback;
  cfg.send_audio = cfg.send_video = sends;
  /* The frames these tests push are VP8; every video codec has a
   * payloader, so the default offer would pick AV1. */
  cfg.video_codecs[0] = TC_SDP_CODEC_VP8;
  cfg.n_video_codecs = 1;
  cfg.recv_audio = cfg.recv_video = receives;
  tc_status st = TC_ERR_INVALID_ARG;
  p->s = tc_session_new_with_signal (&cfg, make_loop_sig, slot, peer_on_event,
      p, &st);
  g_assert_cmpint (st, ==, TC_OK);
  if (slot->pair->no_recheck[slot->idx])
    tc_session_debug_recheck (p->s, false);
  g_assert_cmpint (tc_session_start (p->s), ==, TC_OK);
}

/* A new pair of peers, `a` sending 1080p to `b` (which only receives),
 * connected. */
static inline void
start_one_way_1080p (loop_pair *pair, loop_slot *slots, peer *a, peer *b)
{
  pair_peers_init (pair, slots, a, b);
  start_on_quality (a, &slots[0], true, false, TC_SDP_QUALITY_1080P);
  start_on_quality (b, &slots[1], false, true, TC_SDP_QUALITY_1080P);
  WAIT_STATE (a, TC_SESSION_CONNECTED);
  WAIT_STATE (b, TC_SESSION_CONNECTED);
}

static inline void
start_on_dirs (peer *p, loop_slot *slot, bool sends, bool receives)
{
  start_on_quality (p, slot, sends, receives, TC_SDP_QUALITY_720P);
}

static inline void
start_on (peer *p, loop_slot *slot, bool sends)
{
  start_on_dirs (p, slot, sends, true);
}

/* Waits up to `timeout_us` until side `idx` has sent `n` offers. */
static inline bool
pair_wait_offers (loop_pair *p, int idx, unsigned n, int64_t timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&p->m);
  while (p->offers[idx] < n && g_cond_wait_until (&p->cond, &p->m, end))
    ;
  bool ok = p->offers[idx] >= n;
  g_mutex_unlock (&p->m);
  return ok;
}

#endif
