/* backoff.h - reconnect delays (internal). Pure; the timer lives in the
 * caller, the randomness is injected so tests can pin it.
 *
 * scaledrone-node@1.5.0 waits `attempt * 1000 * (Math.random() + 0.5)` ms:
 * linear growth with +-50 % jitter so many clients dropped by one server
 * restart do not come back in lockstep. We keep that shape, count attempts
 * from 1 (so the first retry waits about base_ms, as tc_scaledrone_config
 * documents, instead of the reference's immediate retry) and cap the delay.
 */
#ifndef TEMPCHAT_SIGNAL_BACKOFF_H
#define TEMPCHAT_SIGNAL_BACKOFF_H

#include <stdbool.h>

/* Returns a number in [0, 1). */
typedef double (*tc_random_fn) (void *user_data);

/* Delay before retry number `attempt` (1 = first retry):
 * min(max_ms, attempt * base_ms * (0.5 + unit)) with `unit` in [0, 1),
 * clamped into that range if outside. attempt 0 gives 0. */
unsigned tc_backoff_delay_ms (unsigned attempt, unsigned base_ms,
    unsigned max_ms, double unit);

typedef struct {
  unsigned base_ms;
  unsigned max_ms;
  unsigned max_attempts;  /* retries allowed before giving up */
  unsigned attempt;       /* retries made since the last reset */
  tc_random_fn random;    /* NULL: GLib's g_random_double() */
  void *random_data;
} tc_backoff;

/* 0 for base/max/attempts picks 1000 ms / 30000 ms / 25 (the reference's
 * limit). */
void tc_backoff_init (tc_backoff *b, unsigned base_ms, unsigned max_ms,
    unsigned max_attempts, tc_random_fn random, void *random_data);
/* Takes the next retry: true and its delay, or false when every allowed
 * attempt was used. */
bool tc_backoff_next (tc_backoff *b, unsigned *delay_ms);
/* A connection succeeded: the next loss starts from the first delay. */
void tc_backoff_reset (tc_backoff *b);

#endif
