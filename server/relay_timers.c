/* relay_timers.c - connection deadlines (see relay_timers.h). */
#include "relay_timers.h"

relay_timer_action
relay_timer_check (const relay_timer_state *st,
    const relay_timer_config *cfg, int64_t now_us)
{
  if (!st->handshaken && cfg->handshake_us > 0
      && now_us - st->connected_us >= cfg->handshake_us)
    return RELAY_TIMER_CLOSE_HANDSHAKE;
  if (cfg->idle_us <= 0)
    return RELAY_TIMER_NONE;
  if (now_us - st->last_rx_us >= cfg->idle_us)
    return RELAY_TIMER_CLOSE_IDLE;
  /* Ping after a quiet third, counted from whatever happened last: the
   * client's last word or our last ping (so one ping per third, not one per
   * sweep). */
  int64_t since = st->last_rx_us > st->last_ping_us ? st->last_rx_us
                                                    : st->last_ping_us;
  if (now_us - since >= cfg->idle_us / 3)
    return RELAY_TIMER_PING;
  return RELAY_TIMER_NONE;
}
