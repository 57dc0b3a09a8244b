/* relay_rate.c - integer token bucket (see relay_rate.h). */
#include "relay_rate.h"

#define MICRO 1000000

void
relay_rate_init (relay_rate *rate, uint32_t per_second, uint32_t burst,
    int64_t now_us)
{
  rate->per_second = per_second > 0 ? per_second : 1;
  rate->capacity = (int64_t) (burst > 0 ? burst : 1) * MICRO;
  rate->micro_tokens = rate->capacity;
  rate->last_us = now_us;
}

static void
refill (relay_rate *rate, int64_t now_us)
{
  int64_t elapsed = now_us - rate->last_us;
  if (elapsed <= 0)
    return; /* clock did not move (or went back): nothing to add */
  rate->last_us = now_us;
  /* One microsecond adds per_second micro-tokens. Checking the missing room
   * first keeps elapsed * per_second from overflowing after long idling. */
  int64_t missing = rate->capacity - rate->micro_tokens;
  if (elapsed >= missing / rate->per_second + 1)
    rate->micro_tokens = rate->capacity;
  else
    rate->micro_tokens += elapsed * rate->per_second;
}

bool
relay_rate_take (relay_rate *rate, int64_t now_us)
{
  refill (rate, now_us);
  if (rate->micro_tokens < MICRO)
    return false;
  rate->micro_tokens -= MICRO;
  return true;
}
