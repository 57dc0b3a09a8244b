/* relay_ws.h - the libwebsockets side of a relay connection: the protocol
 * callback, per-connection buffers, and the relay_sink the hub talks to.
 *
 * lws calls relay_ws_callback() for every HTTP request and websocket event
 * on the relay's vhost. Websocket upgrades are accepted on RELAY_WS_PATH
 * only. Each established websocket gets a relay_conn holding its
 * reassembly buffer (bounded by max_message_bytes) and its send queue
 * (bounded by send_queue_limit); complete messages go to the hub, and the
 * hub's answers come back through relay_ws_sink.
 *
 * Threads: lws service thread only.
 */
#ifndef RELAY_WS_H
#define RELAY_WS_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#include "relay_hub.h"
#include "relay_limits.h"

#define RELAY_WS_PATH "/v3/websocket"

/* State shared by all connections of one server. lws_context_user() of the
 * server's context must point at it. */
typedef struct {
  relay_hub *hub;
  relay_limits *limits;
  /* Accepted connections still counted in `limits`: struct lws * -> their
   * address key ("" for none). Filled when lws creates the connection's
   * wsi, emptied when it destroys it, whatever became of it in between. */
  GHashTable *admitted;
  char *pending_key;   /* admitted by the filter, wsi not created yet */
  bool pending;
  size_t max_message_bytes;
  size_t send_queue_limit;
  guint open;          /* websocket connections not yet CLOSED */
  bool stopping;       /* shutting down: refuse new websockets */
  bool destroying;     /* lws_context_destroy() runs: touch no wsi */
} relay_ws_shared;

/* The sink to pass to relay_hub_new(). Its `io` is a connection of ours. */
extern const relay_sink relay_ws_sink;

/* Per-session data size for the lws_protocols entry. */
size_t relay_ws_session_size (void);

int relay_ws_callback (struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len);

#endif
