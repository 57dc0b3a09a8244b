/* session_pace.c - the pacer (cc/pacer.h) in a call: video packets and
 * NACK answers wait in queues and leave as the budget allows, served by a
 * 5 ms timer on the session's context while anything waits. Audio is
 * never held but its bytes use the budget. Retransmissions go before new
 * video, as in libwebrtc's PacingController.
 *
 * Each queue is FIFO and holds one SSRC's packets in seq order (video on
 * its SSRC, answers on the RTX SSRC, or the protected originals), so SRTP
 * indexes are still protected in increasing order.
 */
#include "session/session_internal.h"

#include <string.h>

typedef struct {
  int k;                      /* TC_KIND_* of the stream */
  bool is_protected;          /* a protected original resent as it was */
  int64_t queued_us;
  size_t len;
  uint8_t data[];
} paced_packet;

void
tc_call_pace_init (tc_call *c)
{
  tc_pacer_init (&c->pacer);
  g_queue_init (&c->pace_rtx);
  g_queue_init (&c->pace_video);
}

static void
stop_timer (tc_call *c)
{
  if (c->pace_timer != NULL) {
    g_source_destroy (c->pace_timer);
    g_clear_pointer (&c->pace_timer, g_source_unref);
  }
}

static void
drop_where (tc_call *c, GQueue *q, int k)
{
  for (GList *l = q->head; l != NULL;) {
    GList *next = l->next;
    paced_packet *p = l->data;
    if (k < 0 || p->k == k) {
      c->pace_bytes -= p->len;
      g_free (p);
      g_queue_delete_link (q, l);
    }
    l = next;
  }
}

void
tc_call_pace_drop (tc_call *c, int k)
{
  drop_where (c, &c->pace_rtx, k);
  drop_where (c, &c->pace_video, k);
  if (k < 0)
    stop_timer (c);
}

/* How many bytes a packet of `len` takes on the path. */
static size_t
wire_bytes (size_t len)
{
  return len + TC_SRTP_MAX_OVERHEAD;
}

/* `answer`: from the NACK answers' queue. */
static void
send_one (tc_call *c, paced_packet *p, bool answer, int64_t now_us)
{
  c->pace_bytes -= p->len;
  tc_pacer_on_sent (&c->pacer, wire_bytes (p->len));
  if (!c->tx[p->k].active)
    return;
  if (p->is_protected)
    tc_call_send_wire (c, p->data, p->len);  /* as protected when first sent */
  else if (answer)
    tc_call_send_rtx (c, p->k, p->data, p->len, now_us);
  else
    tc_call_send_media (c, p->k, p->data, p->len, now_us);
}

static paced_packet *
oldest (tc_call *c)
{
  paced_packet *a = g_queue_peek_head (&c->pace_rtx);
  paced_packet *v = g_queue_peek_head (&c->pace_video);
  if (a == NULL)
    return v;
  return v == NULL || a->queued_us <= v->queued_us ? a : v;
}

static gboolean on_timer (gpointer data);

/* Sends what the budget allows now, answers first; keeps the timer
 * running while anything waits. */
void
tc_call_pace_serve (tc_call *c, int64_t now_us)
{
  tc_pacer_set_target (&c->pacer, g_atomic_int_get (&c->s->debug_no_pacing)
      ? 0 : tc_call_bwe_target (c));
  paced_packet *first = oldest (c);
  tc_pacer_refill (&c->pacer, c->pace_bytes,
      first != NULL ? now_us - first->queued_us : 0, now_us);
  tc_call_wire_hold (c);
  while (tc_pacer_can_send (&c->pacer)) {
    bool answer = !g_queue_is_empty (&c->pace_rtx);
    paced_packet *p = g_queue_pop_head (answer ? &c->pace_rtx
        : &c->pace_video);
    if (p == NULL)
      break;
    send_one (c, p, answer, now_us);
    g_free (p);
  }
  tc_call_wire_flush (c);
  bool waiting = c->pace_bytes > 0;
  if (waiting && c->pace_timer == NULL) {
    c->pace_timer = g_timeout_source_new (TC_PACER_INTERVAL_US / 1000);
    g_source_set_callback (c->pace_timer, on_timer, c, NULL);
    g_source_attach (c->pace_timer, c->s->ctx);
  } else if (!waiting) {
    stop_timer (c);
  }
}

static gboolean
on_timer (gpointer data)
{
  tc_call *c = data;
  /* Serving may stop the timer: keep our reference until it returns. */
  GSource *self = g_source_ref (c->pace_timer);
  tc_call_pace_serve (c, g_get_monotonic_time ());
  gboolean again = c->pace_timer == self;
  g_source_unref (self);
  return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
enqueue (tc_call *c, GQueue *q, int k, const uint8_t *pkt, size_t len,
    bool is_protected, int64_t now_us)
{
  paced_packet *p = g_malloc (sizeof *p + len);
  p->k = k;
  p->is_protected = is_protected;
  p->queued_us = now_us;
  p->len = len;
  memcpy (p->data, pkt, len);
  g_queue_push_tail (q, p);
  c->pace_bytes += len;
}

void
tc_call_pace_media (tc_call *c, int k, uint8_t *pkt, size_t len,
    int64_t now_us)
{
  if (k == TC_KIND_AUDIO) {
    tc_pacer_on_sent (&c->pacer, wire_bytes (len));
    tc_call_send_media (c, k, pkt, len, now_us);
    return;
  }
  enqueue (c, &c->pace_video, k, pkt, len, false, now_us);
}

void
tc_call_pace_resend (tc_call *c, int k, const uint8_t *pkt, size_t len,
    bool is_protected, int64_t now_us)
{
  enqueue (c, &c->pace_rtx, k, pkt, len, is_protected, now_us);
}
