/* session_liveness.c - is the connected path alive? Judged from what the
 * peer sends us, not from libnice's consent freshness (see ice_agent.c for
 * why that is off).
 *
 * Every datagram that authenticates (SRTP, SRTCP, DTLS) and every answered
 * ICE check counts as hearing from the peer. A silence of
 * TC_LIVENESS_SILENT_MS makes the call `reconnecting` (the restart trigger,
 * tc_session_negotiate_tick) while we keep sending; the next authenticated
 * packet makes it `connected` again. After TC_LIVENESS_CONSENT_MS consent is
 * lost and nothing is sent until the path answers again (RFC 7675 5.1).
 * Loss alone never tears a path down.
 */
#include "session/session_internal.h"

static bool
ice_works (const tc_call *c)
{
  tc_ice_state is = tc_ice_get_state (c->ice);
  return is == TC_ICE_STATE_CONNECTED || is == TC_ICE_STATE_COMPLETED;
}

void
tc_call_heard (tc_call *c, int64_t now_us)
{
  c->heard_us = now_us;
  if (!c->silent)
    return;
  c->silent = false;
  c->consent_lost = false;
  TC_INFO ("[s%u] the peer is heard again", c->s->serial);
  if (c->connected && ice_works (c)) {
    tc_call_path_back (c);
    tc_session_set_state (c->s, TC_SESSION_CONNECTED);
  }
}

/* Called on the session tick while the call has media keys. */
void
tc_call_liveness_tick (tc_call *c, int64_t now_us)
{
  if (!ice_works (c))
    return;  /* ICE's own state says lost (or restarting) already */
  int64_t silent_ms = (now_us - c->heard_us) / 1000;
  switch (tc_session_liveness (silent_ms)) {
    case TC_LIVENESS_ALIVE:
      return;
    case TC_LIVENESS_SILENT:
      if (!c->silent || c->path_lost_us == 0) {
        TC_INFO ("[s%u] nothing heard from the peer for %" G_GINT64_FORMAT
            " ms: disconnected", c->s->serial, silent_ms);
        c->silent = true;
        tc_call_path_lost (c, false);
      }
      return;
    case TC_LIVENESS_LOST:
      if (!c->consent_lost) {
        TC_INFO ("[s%u] consent lost: nothing heard for %" G_GINT64_FORMAT
            " ms", c->s->serial, silent_ms);
        c->silent = c->consent_lost = true;
        tc_call_path_lost (c, true);
      }
      return;
  }
}
