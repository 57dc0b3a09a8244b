/* backoff.c - linear, jittered, capped reconnect delays. */
#include "signal/backoff.h"

#include <glib.h>

#define DEFAULT_BASE_MS 1000u
#define DEFAULT_MAX_MS 30000u
#define DEFAULT_ATTEMPTS 25u

unsigned
tc_backoff_delay_ms (unsigned attempt, unsigned base_ms, unsigned max_ms,
    double unit)
{
  /* NaN fails both comparisons, so test for the good range. */
  if (!(unit >= 0.0 && unit < 1.0))
    unit = unit >= 1.0 ? 1.0 : 0.0;
  /* In double: attempt * base can exceed unsigned range before the cap. */
  double ms = (double) attempt * (double) base_ms * (0.5 + unit);
  if (ms >= (double) max_ms)
    return max_ms;
  return (unsigned) ms;
}

static double
glib_random (void *unused)
{
  return g_random_double ();
}

void
tc_backoff_init (tc_backoff *b, unsigned base_ms, unsigned max_ms,
    unsigned max_attempts, tc_random_fn random, void *random_data)
{
  b->base_ms = base_ms != 0 ? base_ms : DEFAULT_BASE_MS;
  b->max_ms = max_ms != 0 ? max_ms : DEFAULT_MAX_MS;
  if (b->max_ms < b->base_ms)
    b->max_ms = b->base_ms;
  b->max_attempts = max_attempts != 0 ? max_attempts : DEFAULT_ATTEMPTS;
  b->attempt = 0;
  b->random = random != NULL ? random : glib_random;
  b->random_data = random_data;
}

bool
tc_backoff_next (tc_backoff *b, unsigned *delay_ms)
{
  if (b->attempt >= b->max_attempts)
    return false;
  b->attempt++;
  *delay_ms = tc_backoff_delay_ms (b->attempt, b->base_ms, b->max_ms,
      b->random (b->random_data));
  return true;
}

void
tc_backoff_reset (tc_backoff *b)
{
  b->attempt = 0;
}
