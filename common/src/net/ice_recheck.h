/* ice_recheck.h - checks of our own until the first connection
 * (ice_recheck.c says why): when to send them, a pure decision, and a
 * switch for tests.
 */
#ifndef TC_NET_ICE_RECHECK_H
#define TC_NET_ICE_RECHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "tempchat/tc_ice.h"

/* libnice 0.1.21's own checks of a pair end 2 s after they start. */
#define TC_ICE_RECHECK_AFTER_MS 2000
/* A restored link is found within this (plus a round trip): well inside
 * the 2 s in which media should flow again. */
#define TC_ICE_RECHECK_INTERVAL_MS 500
/* About as long as Chromium pings a pair that never answered; later, the
 * offerer's ICE restarts (each restarting this) try again. */
#define TC_ICE_RECHECK_FOR_MS 30000
/* At most this many requests a round (host sockets x remote candidates). */
#define TC_ICE_RECHECK_MAX_PAIRS 16

typedef enum {
  TC_ICE_RECHECK_WAIT,  /* libnice's own checks are still running */
  TC_ICE_RECHECK_SEND,  /* a round of checks now */
  TC_ICE_RECHECK_STOP,  /* connected once, relay-only, or long enough */
} tc_ice_recheck_action;

/* What to do `since_credentials_ms` after the peer's credentials of the
 * current generation came. */
tc_ice_recheck_action tc_ice_recheck_action_at (bool ever_connected,
    bool relay_only, int64_t since_credentials_ms);

/* Turns our own checks off (or on again) for an agent, as a peer that
 * stops checking would be: tests of the ICE-restart path use it. Only on
 * the agent's context. */
void tc_ice_debug_recheck (tc_ice *ice, bool on);

#endif
