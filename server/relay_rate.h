/* relay_rate.h - a token bucket, pure: the caller passes the time.
 *
 * The bucket holds up to `burst` tokens and gains `per_second` tokens per
 * second; each allowed event takes one. Tokens are kept in millionths so
 * refilling from microsecond timestamps is exact integer arithmetic.
 *
 * Threads: a relay_rate is a plain value; use it from one thread.
 */
#ifndef RELAY_RATE_H
#define RELAY_RATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  int64_t micro_tokens;   /* current level, in millionths of a token */
  int64_t capacity;       /* burst, in millionths */
  int64_t per_second;     /* refill rate, whole tokens per second */
  int64_t last_us;        /* time of the last refill */
} relay_rate;

/* Starts full. `per_second` and `burst` must be at least 1. `now_us` is any
 * monotonic clock in microseconds; later calls must use the same clock. */
void relay_rate_init (relay_rate *rate, uint32_t per_second, uint32_t burst,
    int64_t now_us);

/* Takes one token if there is one; returns whether it did. */
bool relay_rate_take (relay_rate *rate, int64_t now_us);

#endif
