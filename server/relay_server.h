/* relay_server.h - tempchat-relay's network side: one libwebsockets
 * context with one vhost that serves the websocket relay on RELAY_WS_PATH
 * and, with --web-root, static files on the same port, over TLS when a
 * certificate is given.
 *
 * The caller drives it: relay_server_service() in a loop until it wants to
 * stop, then relay_server_shutdown() and relay_server_free(). All of it on
 * one thread; lws runs on the server's libev loop (epoll), the only loop.
 */
#ifndef RELAY_SERVER_H
#define RELAY_SERVER_H

#include <glib.h>
#include <stdio.h>

#include "relay_config.h"

typedef struct relay_server relay_server;

/* Creates the server and starts listening. Returns NULL and sets *error
 * (a sentence to free) on failure. `cfg` must outlive the server. */
relay_server *relay_server_new (const relay_config *cfg, char **error);

/* NULL-safe. Closes whatever is still open without goodbyes. */
void relay_server_free (relay_server *srv);

/* The websocket URL clients use, e.g. "ws://127.0.0.1:8080/v3/websocket";
 * the port is the real one when --port 0 was given. Caller frees. */
char *relay_server_url (const relay_server *srv);

/* Runs the event loop once: waits for activity (or a timer, at most about
 * a second), handles it, returns. Signals interrupt the wait. */
void relay_server_service (relay_server *srv);

/* Makes a relay_server_service() in progress return soon. Async-signal-
 * safe: meant for signal handlers. */
void relay_server_wake (relay_server *srv);

/* Closes every connection politely (1001) and services the loop until they
 * are gone or a couple of seconds have passed. */
void relay_server_shutdown (relay_server *srv);

/* Writes the counters line (see relay_stats.h) to `out` and flushes it. */
void relay_server_print_stats (relay_server *srv, FILE *out);

#endif
