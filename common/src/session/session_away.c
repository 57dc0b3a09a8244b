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
 *
 * A member that waited in the busy room and joins while the call is kept
 * is one of two: the peer itself, whose reconnect found the room full
 * because the relay still held its old connection (one that went silent
 * without a FIN), or another person taking the place of a peer that left
 * for good, whose BYE or silence may come after the room's news. The kept
 * call's media tells them apart: it ends within TC_LIVENESS_SILENT_MS in
 * the second case (a new call with the member) and goes on in the first
 * (the call is taken back, as for a peer that left and came back).
 */
#include "session/session_internal.h"

/* Media still flowing this long after the member joined is its own. */
#define JOINER_CONFIRM_MS (TC_LIVENESS_SILENT_MS + 500)

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
tc_call_defer_joiner (tc_call *c, bool is_offerer, int64_t now_us)
{
  if (c->away_us == 0 || !keep (c, now_us))
    return false;
  c->joiner_us = now_us;
  c->joiner_offers = is_offerer;
  TC_INFO ("[s%u] a member that waited in the room joined while the kept "
      "call's media flows: the media will tell whether it is the peer",
      c->s->serial);
  return true;
}

/* The joiner's media kept coming: the peer is back. */
static void
confirm_joiner (tc_call *c, int64_t now_us)
{
  if (c->joiner_us == 0
      || (now_us - c->joiner_us) / 1000 < JOINER_CONFIRM_MS)
    return;
  c->joiner_us = 0;
  c->away_us = 0;
  TC_INFO ("[s%u] the member that joined is the peer, back (its media went "
      "on): the call goes on", c->s->serial);
}

bool
tc_session_away_tick (tc_session *s, int64_t now_us)
{
  tc_call *c = s->call;
  if (c == NULL || c->away_us == 0)
    return false;
  if (keep (c, now_us)) {
    confirm_joiner (c, now_us);
    return false;
  }
  bool joiner = c->joiner_us != 0, offers = c->joiner_offers;
  TC_INFO ("[s%u] the peer that left the room is gone (%s): ending the "
      "call%s", s->serial, c->peer_bye ? "RTCP BYE" : !c->connected
      ? "DTLS closed" : "media silent", joiner ? "; a new one with the "
      "member that joined" : "");
  tc_session_end_call (s);
  tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
  tc_session_emit (s, &ev);
  if (joiner)
    tc_session_new_call (s, offers);
  else
    tc_session_set_state (s, s->signal_down ? TC_SESSION_RECONNECTING
        : TC_SESSION_WAITING);
  return true;
}
