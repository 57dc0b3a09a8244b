/* relay_tap.h - see the bytes libwebsockets reads from each client before
 * it parses them, through a relay_wsmeter per connection.
 *
 * libwebsockets 4.1 reads a plain connection with recv() and a TLS one with
 * SSL_read(), and offers no hook in between. The relay executable defines
 * both functions (ELF symbol interposition: the executable's definition
 * wins for the shared libraries it loads) and forwards to the real ones.
 * Only sockets opened here are metered; everything else passes untouched.
 *
 * Per connection: relay_tap_open() when lws accepts it, relay_tap_attach()
 * when it becomes a websocket (from then on frames are judged and the
 * handler hears about them), relay_tap_condemn() when the relay closes it
 * (what arrives afterwards is read and dropped, so a flooder costs a recv
 * per read and nothing more), relay_tap_detach() when the owner goes.
 *
 * Threads: the relay's one service thread.
 */
#ifndef RELAY_TAP_H
#define RELAY_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "relay_wsmeter.h"

typedef struct {
  /* `extra` control frames or continuation fragments arrived. */
  void (*frames) (void *owner, unsigned extra);
  /* A frame broke a rule; the connection is condemned already. */
  void (*broken) (void *owner, relay_meter_verdict verdict);
} relay_tap_handler;

/* Set once, before the first connection. `handler` must outlive its use. */
void relay_tap_set_handler (const relay_tap_handler *handler);

/* A connection was accepted on `fd`; messages may be `limit` bytes. */
void relay_tap_open (int fd, uint64_t limit);

/* `fd` became a websocket owned by `owner`. Returns false if the client
 * sent bytes after its upgrade request before seeing the response. */
bool relay_tap_attach (int fd, void *owner);

void relay_tap_condemn (int fd);
void relay_tap_detach (int fd);

#endif
