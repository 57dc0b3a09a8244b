/* ws.h - one WebSocket client connection at a time, on a GMainContext
 * (internal). libwebsockets does the protocol, its GLib event library does
 * the waiting, so nothing here blocks the loop thread.
 *
 * Events come from the context's thread, never from inside a tc_ws_* call.
 * Each connect() ends in exactly one CLOSED event, after which connect() may
 * be called again. tc_ws_free() may be called from inside the event callback.
 */
#ifndef TEMPCHAT_SIGNAL_WS_H
#define TEMPCHAT_SIGNAL_WS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "signal/ws_url.h"
#include "tempchat/tc_status.h"

/* Largest message we reassemble (bytes); bigger ones are dropped. */
#define TC_WS_MESSAGE_MAX 65536

/* RFC 6455 7.4.1: "closed abnormally", never sent in a frame; the reference
 * client reconnects only after it. */
#define TC_WS_CLOSE_ABNORMAL 1006

typedef struct tc_ws tc_ws;

typedef enum {
  TC_WS_EV_OPEN,     /* upgrade accepted: send() works */
  TC_WS_EV_MESSAGE,  /* one complete text message */
  TC_WS_EV_CLOSED,   /* the connection (or the attempt) is over */
  TC_WS_EV_ERROR,    /* non-fatal: a message was dropped (see status) */
} tc_ws_event_type;

typedef struct {
  tc_ws_event_type type;
  /* MESSAGE: borrowed for the callback; not NUL-terminated. */
  const char *data;
  size_t len;
  /* CLOSED: clean means the server sent a close frame; code is its code
   * (1005 when it had none), TC_WS_CLOSE_ABNORMAL otherwise. */
  bool clean;
  int code;
  /* CLOSED and not clean: TC_ERR_CONNECT or TC_ERR_TLS.
   * ERROR: TC_ERR_TOO_LARGE. */
  tc_status status;
  /* CLOSED and not clean: why, in words for the user ("connection
   * refused", "HTTP 404 on the WebSocket upgrade"); never an address. */
  const char *reason;
} tc_ws_event;

typedef void (*tc_ws_event_cb) (tc_ws *ws, const tc_ws_event *ev,
    void *user_data);

/* Prepares a client for `url` (copied) on `ctx` (referenced; NULL: the global
 * default context). wss:// verifies the server certificate against the
 * system CAs plus `ca_file` (PEM, may be NULL) and the host name. Returns
 * NULL with *status TC_ERR_INVALID_ARG (unreadable ca_file) or TC_ERR_NOMEM
 * if libwebsockets could not start. Loop thread only. */
tc_ws *tc_ws_new (const tc_ws_url *url, const char *ca_file,
    GMainContext *ctx, tc_ws_event_cb cb, void *user_data, tc_status *status);

/* An open connection idle (nothing received) for `seconds` is pinged, and
 * dropped (CLOSED, not clean, "no answer to keepalive pings") when nothing
 * proves it alive for twice that: a path that silently stopped passing
 * data (a NAT that forgot it, a firewall dropping it) sends no FIN and
 * would otherwise look open for many minutes. 0 turns it off. For the next
 * connect(). Loop thread only. */
void tc_ws_set_keepalive (tc_ws *ws, unsigned seconds);

/* Starts one connection attempt. TC_ERR_CLOSED while an attempt or a
 * connection is under way, or after tc_ws_close(). */
tc_status tc_ws_connect (tc_ws *ws);

/* Queues one text message (copied). TC_ERR_CLOSED unless open,
 * TC_ERR_TOO_LARGE above TC_WS_MESSAGE_MAX. */
tc_status tc_ws_send (tc_ws *ws, const char *text, size_t len);

/* Sends what is queued, then a close frame (1000), as the loop runs. No
 * events are delivered after this returns. */
void tc_ws_close (tc_ws *ws);

/* Drops the connection and frees. NULL-safe; allowed inside the callback
 * (the libwebsockets context is then destroyed from an idle source, so keep
 * the GMainContext running until it has been dispatched). */
void tc_ws_free (tc_ws *ws);

#endif
