/* relay_outq.c - bounded FIFO of outgoing messages (see relay_outq.h). */
#include "relay_outq.h"

void
relay_outq_init (relay_outq *q, size_t limit)
{
  g_queue_init (&q->msgs);
  q->bytes = 0;
  q->limit = limit;
}

void
relay_outq_clear (relay_outq *q)
{
  relay_msg *msg;
  while ((msg = relay_outq_pop (q)) != NULL)
    relay_msg_unref (msg);
}

bool
relay_outq_push (relay_outq *q, relay_msg *msg)
{
  size_t len = relay_msg_len (msg);
  if (len > q->limit - q->bytes)
    return false;
  g_queue_push_tail (&q->msgs, relay_msg_ref (msg));
  q->bytes += len;
  return true;
}

relay_msg *
relay_outq_pop (relay_outq *q)
{
  relay_msg *msg = g_queue_pop_head (&q->msgs);
  if (msg != NULL)
    q->bytes -= relay_msg_len (msg);
  return msg;
}

bool
relay_outq_is_empty (const relay_outq *q)
{
  return q->msgs.length == 0;
}
