/* relay_timers.h - when to ping a connection and when to give up on it.
 *
 *  - Handshake timeout: a connection that has not completed a handshake
 *    within `handshake_us` of connecting is closed (it holds a socket and
 *    does nothing useful).
 *  - Idle timeout: a connection that has sent nothing at all (frames or
 *    pongs) for `idle_us` is closed: its peer is probably gone.
 *  - Keepalive: after a third of `idle_us` without hearing from the client,
 *    and at most once per such period, it is pinged. Browsers answer pings
 *    on their own, so a page that just sits in a room stays connected.
 *
 * Pure: the caller passes the time and applies the verdict.
 */
#ifndef RELAY_TIMERS_H
#define RELAY_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  int64_t handshake_us;   /* 0 disables the handshake timeout */
  int64_t idle_us;        /* 0 disables the idle timeout and pings */
} relay_timer_config;

typedef struct {
  int64_t connected_us;   /* when the connection was established */
  int64_t last_rx_us;     /* last time anything arrived from the client */
  int64_t last_ping_us;   /* last ping sent; 0 if none yet */
  bool handshaken;
} relay_timer_state;

typedef enum {
  RELAY_TIMER_NONE,
  RELAY_TIMER_PING,
  RELAY_TIMER_CLOSE_HANDSHAKE,
  RELAY_TIMER_CLOSE_IDLE,
} relay_timer_action;

/* What to do now. The caller sets last_ping_us = now_us after a PING. */
relay_timer_action relay_timer_check (const relay_timer_state *st,
    const relay_timer_config *cfg, int64_t now_us);

#endif
