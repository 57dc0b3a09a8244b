/* relay_outq.h - the messages waiting to be written to one connection.
 *
 * lws writes when the socket is writable, one message per writable
 * callback, so messages wait here meanwhile. The queue is bounded in bytes:
 * a reader too slow to keep up would otherwise make the relay buffer
 * without limit, so a push past the bound fails and the caller drops the
 * connection.
 *
 * Ownership: the queue holds one reference to each queued relay_msg.
 * Threads: use from one thread.
 */
#ifndef RELAY_OUTQ_H
#define RELAY_OUTQ_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "relay_msg.h"

typedef struct {
  GQueue msgs;
  size_t bytes;      /* payload bytes queued */
  size_t limit;      /* most payload bytes ever queued */
} relay_outq;

void relay_outq_init (relay_outq *q, size_t limit);
/* Unrefs everything queued. */
void relay_outq_clear (relay_outq *q);

/* Queues a new reference to `msg`. Returns false, queuing nothing, if that
 * would take the queue past its limit. */
bool relay_outq_push (relay_outq *q, relay_msg *msg);

/* Removes the oldest message and returns the queue's reference to it, or
 * NULL if the queue is empty. */
relay_msg *relay_outq_pop (relay_outq *q);

bool relay_outq_is_empty (const relay_outq *q);

#endif
