/* ice_tls_turn.h - TURN over TLS ("turns:") in front of libnice.
 *
 * libnice 0.1.21 cannot speak TLS to a TURN server (its TURN_TLS relay type
 * is Google's pseudo-TLS). So for each turns: URL we listen on 127.0.0.1 on
 * a port of the kernel's choosing and give libnice a TURN-over-TCP relay
 * there; every connection libnice opens is bridged byte for byte to a TLS
 * connection to the real TURN server. libnice still does all of TURN
 * (allocation, permissions, refreshes, credentials); this only adds TLS.
 *
 * Everything runs on the GMainContext given to ice_tls_turn_new(), with GIO's
 * async calls: the host name is resolved, the TCP connection made and the
 * TLS handshake run without blocking that thread. Each direction of a bridge
 * holds at most one chunk (ICE_TLS_TURN_CHUNK bytes): it reads again only
 * once the chunk is written, so a slow side slows the other (backpressure).
 * When either side closes or fails, both are closed.
 *
 * The server certificate is checked against the system CAs and the host
 * name; a PEM file of extra CAs (the session's ca_file) may be trusted too.
 * Nothing about the server (name, address, port) is logged.
 */
#ifndef TC_NET_ICE_TLS_TURN_H
#define TC_NET_ICE_TLS_TURN_H

#include <gio/gio.h>
#include <stdbool.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#define ICE_TLS_TURN_CHUNK 16384   /* bytes in flight per direction */
#define ICE_TLS_TURN_MAX_CONN 16   /* bridges at once; more are refused */
#define ICE_TLS_TURN_ACCEPT_PAUSE_MS 200 /* after accept() failed oddly */

typedef struct ice_tls_turn ice_tls_turn;

typedef void (*ice_tls_turn_cert_fn) (void *user_data);

/* Starts listening on 127.0.0.1 for bridges to `host`:`port` (a DNS name or
 * an IP literal without brackets). `ca_file` (nullable) is a PEM file of
 * extra trusted CAs. `on_cert_failed` (nullable) is called on `ctx` each
 * time a handshake fails on the certificate: libnice only notices that its
 * TCP connection closed and keeps waiting on its own timers, so this lets
 * the owner fail early with the real reason. It may free the owner only
 * later, not from inside the call. `ctx` is borrowed and must outlive the
 * object; strings are copied. TC_ERR_INVALID_ARG: ca_file unreadable or
 * not PEM; TC_ERR_CONNECT: no loopback socket could be opened. */
tc_status ice_tls_turn_new (GMainContext *ctx, const char *host, uint16_t port,
    const char *ca_file, ice_tls_turn_cert_fn on_cert_failed, void *user_data,
    ice_tls_turn **out);

/* The loopback port to give libnice as the TURN server's. */
uint16_t ice_tls_turn_get_port (const ice_tls_turn *t);

/* True once a TLS handshake failed because the server's certificate could
 * not be verified (untrusted CA, wrong host name, expired, ...). */
bool ice_tls_turn_cert_failed (const ice_tls_turn *t);

/* Stops listening and closes every bridge. Bridges with an operation in
 * flight finish being torn down the next times `ctx` is iterated. NULL-safe. */
void ice_tls_turn_free (ice_tls_turn *t);

#endif
