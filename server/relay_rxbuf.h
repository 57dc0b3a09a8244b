/* relay_rxbuf.h - reassemble one websocket message from the chunks lws
 * delivers, without ever holding more than the size limit.
 *
 * lws hands a message over in pieces: a message may be split into several
 * frames, and a frame into several reads. The caller feeds each piece with
 * what lws says about it (lws_remaining_packet_payload(), which counts what
 * is left of the current frame, and lws_is_final_fragment(), which is true
 * for the last piece of the last frame). As soon as the message is known to
 * exceed the limit the bytes are dropped and the rest of the message is
 * skipped; the caller hears about it once, at that moment (the relay then
 * closes the connection rather than read on).
 *
 * Pure. Threads: use from one thread.
 */
#ifndef RELAY_RXBUF_H
#define RELAY_RXBUF_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
  RELAY_RX_MORE,       /* the message is not complete yet */
  RELAY_RX_COMPLETE,   /* relay_rxbuf_data() holds the whole message */
  RELAY_RX_TOO_LARGE,  /* the message is over the limit (reported once) */
} relay_rx_status;

typedef struct {
  GByteArray *bytes;
  size_t limit;
  bool skipping;       /* over the limit: drop until the message ends */
  bool complete;       /* bytes hold a finished message, read by now */
} relay_rxbuf;

void relay_rxbuf_init (relay_rxbuf *rx, size_t limit);
void relay_rxbuf_clear (relay_rxbuf *rx);

/* Feeds one piece. After RELAY_RX_COMPLETE, read the message with
 * relay_rxbuf_data() before the next feed; the next feed starts a new
 * message. */
relay_rx_status relay_rxbuf_feed (relay_rxbuf *rx, const void *data,
    size_t len, size_t remaining_in_frame, bool final);

/* The completed message (not NUL-terminated) and its length. */
const char *relay_rxbuf_data (const relay_rxbuf *rx, size_t *len);

#endif
