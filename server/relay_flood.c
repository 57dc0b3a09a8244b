/* relay_flood.c - rate limiting policy (see relay_flood.h). */
#include "relay_flood.h"

void
relay_flood_init (relay_flood *flood, uint32_t per_second, int64_t now_us)
{
  *flood = (relay_flood) { .unlimited = per_second == 0 };
  if (flood->unlimited)
    return;
  uint32_t burst = per_second > UINT32_MAX / 2 ? UINT32_MAX : per_second * 2;
  relay_rate_init (&flood->messages, per_second, burst, now_us);
  uint32_t forgive = per_second / 10 > 0 ? per_second / 10 : 1;
  relay_rate_init (&flood->patience, forgive, burst, now_us);
}

relay_flood_verdict
relay_flood_check (relay_flood *flood, int64_t now_us)
{
  if (flood->unlimited || relay_rate_take (&flood->messages, now_us))
    return RELAY_FLOOD_PASS;
  if (!relay_rate_take (&flood->patience, now_us))
    return RELAY_FLOOD_CLOSE;
  if (flood->replied
      && now_us - flood->last_reply_us < RELAY_FLOOD_REPLY_INTERVAL_US)
    return RELAY_FLOOD_DROP_SILENT;
  flood->replied = true;
  flood->last_reply_us = now_us;
  return RELAY_FLOOD_DROP_REPLY;
}
