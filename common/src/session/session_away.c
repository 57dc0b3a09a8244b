/* session_away.c - signaling and media are separate.
 *
 * The signaller says PEER_LEFT when the peer leaves the room, but also
 * when our own WebSocket drops (our client id changes) and when the peer's
 * does (the relay tells everyone it left). None of those touches ICE, DTLS
 * or SRTP: a call whose media is alive is kept ("away") while signaling
 * comes back, and the peer that then shows up in the room takes it over
 * without a new offer. Only the peer's own goodbye ends it: RTCP BYE or
 * DTLS close_notify, or media silence (tc_session_keep_call_while_away).
 * While away nothing can be renegotiated; the call goes on as it is.
 */
#include "session/session_internal.h"

static int64_t
silent_ms (const tc_call *c, int64_t now_us)
{
  return (now_us - c->heard_us) / 1000;
}

static bool
keep (const tc_call *c, int64_t now_us)
{
  return !c->failed && tc_session_keep_call_while_away (c->connected,
      c->peer_bye, silent_ms (c, now_us));
}

bool
tc_call_hold_while_away (tc_call *c, int64_t now_us)
{
  if (!keep (c, now_us))
    return false;
  if (c->away_us == 0) {
    c->away_us = now_us;
    TC_INFO ("[s%u] the peer is out of the signaling room but its media "
        "flows: keeping the call", c->s->serial);
  }
  return true;
}

bool
tc_call_take_back (tc_call *c, int64_t now_us)
{
  if (c->away_us == 0 || !keep (c, now_us))
    return false;
  TC_INFO ("[s%u] the peer is back in the room after %" G_GINT64_FORMAT
      " ms: the call goes on", c->s->serial, (now_us - c->away_us) / 1000);
  c->away_us = 0;
  return true;
}

bool
tc_session_away_tick (tc_session *s, int64_t now_us)
{
  tc_call *c = s->call;
  if (c == NULL || c->away_us == 0 || keep (c, now_us))
    return false;
  TC_INFO ("[s%u] the peer that left the room is gone (%s): ending the call",
      s->serial, c->peer_bye ? "RTCP BYE" : !c->connected ? "DTLS closed"
      : "media silent");
  tc_session_end_call (s);
  tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
  tc_session_emit (s, &ev);
  tc_session_set_state (s, s->signal_down ? TC_SESSION_RECONNECTING
      : TC_SESSION_WAITING);
  return true;
}
