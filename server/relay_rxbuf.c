/* relay_rxbuf.c - bounded message reassembly (see relay_rxbuf.h). */
#include "relay_rxbuf.h"

#define SMALL_MESSAGE 4096

void
relay_rxbuf_init (relay_rxbuf *rx, size_t limit)
{
  rx->bytes = g_byte_array_new ();
  rx->limit = limit;
  rx->skipping = false;
  rx->complete = false;
}

void
relay_rxbuf_clear (relay_rxbuf *rx)
{
  if (rx->bytes != NULL)
    g_byte_array_unref (rx->bytes);
  rx->bytes = NULL;
}

/* Empties the buffer. A big one is given back rather than kept, so an idle
 * connection does not hold on to its largest message's worth of memory. */
static void
reset (relay_rxbuf *rx)
{
  if (rx->bytes->len <= SMALL_MESSAGE) {
    g_byte_array_set_size (rx->bytes, 0);
    return;
  }
  g_byte_array_unref (rx->bytes);
  rx->bytes = g_byte_array_new ();
}

/* Would this piece, plus what its frame still announces, break the limit?
 * Counting the announced rest rejects a huge frame on its first read
 * instead of after buffering the limit's worth of it. Written as
 * subtractions so that no sum can overflow. */
static bool
over_limit (const relay_rxbuf *rx, size_t len, size_t remaining)
{
  size_t room = rx->limit - rx->bytes->len;
  return len > room || remaining > room - len;
}

relay_rx_status
relay_rxbuf_feed (relay_rxbuf *rx, const void *data, size_t len,
    size_t remaining_in_frame, bool final)
{
  /* A previous feed returned COMPLETE: this piece starts a new message. */
  if (rx->complete) {
    rx->complete = false;
    reset (rx);
  }

  relay_rx_status st = RELAY_RX_MORE;
  if (!rx->skipping && over_limit (rx, len, remaining_in_frame)) {
    rx->skipping = true;
    reset (rx);
    st = RELAY_RX_TOO_LARGE;
  }
  if (!rx->skipping)
    g_byte_array_append (rx->bytes, data, (guint) len);
  if (!final)
    return st;
  if (rx->skipping) {
    rx->skipping = false;
    return st;
  }
  rx->complete = true;
  return RELAY_RX_COMPLETE;
}

const char *
relay_rxbuf_data (const relay_rxbuf *rx, size_t *len)
{
  *len = rx->bytes->len;
  /* An empty GByteArray may have no storage; callers get "" instead. */
  return rx->bytes->data != NULL ? (const char *) rx->bytes->data : "";
}
