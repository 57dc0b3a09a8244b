/* relay_flood.h - what to do with a client that sends too fast.
 *
 * Every client frame asks relay_flood_check() first:
 *  - within the rate (token bucket: `per_second`, burst 2 x per_second):
 *    PASS;
 *  - over it: the frame is dropped. The client is told (DROP_REPLY) at most
 *    once per second, otherwise the drop is silent (DROP_SILENT), so error
 *    replies cannot themselves become a flood;
 *  - a client that keeps flooding is disconnected (CLOSE). "Keeps flooding"
 *    is measured by a second bucket of patience that holds 2 x per_second
 *    drops and is refilled at a tenth of the rate: a brief burst or a slight
 *    overshoot is forgiven, sending at twice the rate ends the connection
 *    within a few seconds.
 *
 * Pure: the caller passes the time. Threads: use from one thread.
 */
#ifndef RELAY_FLOOD_H
#define RELAY_FLOOD_H

#include <stdbool.h>
#include <stdint.h>

#include "relay_rate.h"

typedef enum {
  RELAY_FLOOD_PASS,
  RELAY_FLOOD_DROP_REPLY,
  RELAY_FLOOD_DROP_SILENT,
  RELAY_FLOOD_CLOSE,
} relay_flood_verdict;

typedef struct {
  bool unlimited;          /* per_second == 0: no limit at all */
  relay_rate messages;     /* the allowed rate */
  relay_rate patience;     /* drops tolerated before disconnecting */
  int64_t last_reply_us;   /* when DROP_REPLY was last returned */
  bool replied;            /* whether last_reply_us is meaningful */
} relay_flood;

/* Minimum time between two DROP_REPLY verdicts. */
#define RELAY_FLOOD_REPLY_INTERVAL_US 1000000

/* `per_second` 0 disables limiting. */
void relay_flood_init (relay_flood *flood, uint32_t per_second,
    int64_t now_us);

relay_flood_verdict relay_flood_check (relay_flood *flood, int64_t now_us);

#endif
