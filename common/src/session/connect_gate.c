/* connect_gate.c - which raw frames a wrapper's encoder takes, following
 * the call (see tc_connect_gate.h). */
#include "tempchat/tc_connect_gate.h"

enum { PHASE_IDLE, PHASE_CONNECTING, PHASE_LIVE };

void
tc_connect_gate_init (tc_connect_gate *g)
{
  *g = (tc_connect_gate) { 0 };
  g_mutex_init (&g->lock);
}

void
tc_connect_gate_clear (tc_connect_gate *g)
{
  g_mutex_clear (&g->lock);
}

static gint
phase_of (tc_session_state state)
{
  switch (state) {
    case TC_SESSION_CONNECTING:
      return PHASE_CONNECTING;
    case TC_SESSION_CONNECTED:
    case TC_SESSION_RECONNECTING:
      return PHASE_LIVE;
    default:
      return PHASE_IDLE;
  }
}

bool
tc_connect_gate_follow (tc_connect_gate *g, tc_session_state state,
    int64_t now_us)
{
  gint was = g_atomic_int_get (&g->phase);
  gint now = phase_of (state);
  bool begins = now == PHASE_CONNECTING && was != PHASE_CONNECTING;

  if (begins) {
    /* A keyframe made for an earlier phase is not this connection's: the
     * request the core makes at its end must be answered. */
    g_atomic_int_set (&g->key_in, 0);
    g_atomic_int_inc (&g->gen);
  } else if (now == PHASE_LIVE && was == PHASE_CONNECTING
      && now_us != TC_CONNECT_GATE_NO_TIME
      && g_atomic_int_get (&g->passed_gen) == g_atomic_int_get (&g->gen)) {
    /* The phase's frame went in: what was captured before now is older
     * than the kept keyframe will claim to be. */
    g_mutex_lock (&g->lock);
    g->connected_at_us = now_us;
    g_mutex_unlock (&g->lock);
    g_atomic_int_set (&g->check_at, 1);
  }
  g_atomic_int_set (&g->phase, now);
  return begins;
}

void
tc_connect_gate_reset (tc_connect_gate *g)
{
  g_atomic_int_set (&g->phase, PHASE_IDLE);
  g_atomic_int_set (&g->check_at, 0);
  g_atomic_int_set (&g->key_in, 0);
}

/* Whether a frame captured at `captured_us` is from before the connection
 * (once one is not, nothing more is checked). */
static bool
captured_before_connected (tc_connect_gate *g, int64_t captured_us)
{
  int64_t at;

  if (!g_atomic_int_get (&g->check_at))
    return false;
  g_mutex_lock (&g->lock);
  at = g->connected_at_us;
  g_mutex_unlock (&g->lock);
  if (captured_us != TC_CONNECT_GATE_NO_TIME && captured_us < at)
    return true;
  g_atomic_int_set (&g->check_at, 0);
  return false;
}

tc_gate_verdict
tc_connect_gate_admit (tc_connect_gate *g, int64_t captured_us)
{
  gint gen;

  switch (g_atomic_int_get (&g->phase)) {
    case PHASE_IDLE:
      return TC_GATE_DROP;
    case PHASE_CONNECTING:
      gen = g_atomic_int_get (&g->gen);
      if (g_atomic_int_get (&g->passed_gen) == gen)
        return TC_GATE_DROP;
      g_atomic_int_set (&g->passed_gen, gen);
      return TC_GATE_CONNECTING;
    default:
      return captured_before_connected (g, captured_us) ? TC_GATE_DROP
          : TC_GATE_PASS;
  }
}

void
tc_connect_gate_entered (tc_connect_gate *g, bool connect_key)
{
  g_atomic_int_set (&g->key_in, connect_key);
}

bool
tc_connect_gate_key_coming (tc_connect_gate *g)
{
  return g_atomic_int_get (&g->key_in) != 0;
}

bool
tc_connect_gate_open (tc_connect_gate *g)
{
  return g_atomic_int_get (&g->phase) != PHASE_IDLE;
}
