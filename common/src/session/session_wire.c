/* session_wire.c - protected datagrams onto the ICE transport, one by one
 * or a pacer turn's together.
 *
 * Each sendmsg costs a system call and a pass through libnice's locks. The
 * pacer releases a keyframe's packets a 5 ms share at a time; those of one
 * turn are held and leave in one tc_ice_send_many (sendmmsg), as GStreamer's
 * nicesink sends an RTP payloader's buffer list. Nothing is delayed: the
 * turn flushes before it returns to the loop.
 */
#include "session/session_internal.h"

static bool
may_send (const tc_call *c)
{
  /* After consent is lost nothing goes out (RFC 7675 5.1), media included. */
  return c->srtp != NULL && !c->consent_lost;
}

tc_status
tc_call_send_wire (tc_call *c, const uint8_t *pkt, size_t len)
{
  if (!may_send (c))
    return TC_ERR_NOT_CONNECTED;
  if (!c->wire_holding || len > sizeof c->wire->data[0])
    return tc_ice_send (c->ice, pkt, len);
  if (c->wire->n == TC_WIRE_BATCH_MAX) {
    tc_call_wire_flush (c);
    c->wire_holding = true;
  }
  unsigned i = c->wire->n++;
  memcpy (c->wire->data[i], pkt, len);
  c->wire->len[i] = len;
  return TC_OK;
}

void
tc_call_wire_hold (tc_call *c)
{
  if (c->wire == NULL)
    c->wire = g_new0 (tc_wire_batch, 1);
  c->wire_holding = true;
}

void
tc_call_wire_flush (tc_call *c)
{
  c->wire_holding = false;
  if (c->wire == NULL || c->wire->n == 0)
    return;
  const uint8_t *data[TC_WIRE_BATCH_MAX];
  for (unsigned i = 0; i < c->wire->n; i++)
    data[i] = c->wire->data[i];
  /* A full socket drops the rest (NACK can bring them back), as a single
   * send would; a path without consent sends none. */
  if (may_send (c))
    tc_ice_send_many (c->ice, data, c->wire->len, c->wire->n);
  c->wire->n = 0;
}
