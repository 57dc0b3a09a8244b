/* ws_resolve.h - host name -> addresses without blocking the loop
 * (internal). libwebsockets 4.1 as packaged here has no asynchronous DNS and
 * would block in getaddrinfo(); GResolver answers on the loop instead.
 */
#ifndef TEMPCHAT_SIGNAL_WS_RESOLVE_H
#define TEMPCHAT_SIGNAL_WS_RESOLVE_H

#include <glib.h>

typedef struct tc_resolve tc_resolve;

/* Called once on `ctx` with the addresses as strings in preference order
 * (borrowed; empty when the lookup failed). Not called after cancel. */
typedef void (*tc_resolve_cb) (GPtrArray *addresses, void *user_data);

/* Starts resolving `host`; the answer arrives on `ctx`. */
tc_resolve *tc_resolve_start (GMainContext *ctx, const char *host,
    tc_resolve_cb cb, void *user_data);

/* Drops interest in the answer; the callback will not run. The lookup's own
 * memory is released when GResolver reports back on `ctx`, so keep
 * iterating it for a moment before tearing it down. NULL-safe. */
void tc_resolve_cancel (tc_resolve *r);

#endif
