/* ice_url.h - STUN/TURN server URLs (RFC 7064, RFC 7065), parsed purely.
 *
 *   stun:host[:port]                      port 3478
 *   turn:host[:port][?transport=udp|tcp]  port 3478, UDP when absent
 *   turns:host[:port][?transport=tcp]     port 5349, TLS over TCP
 *
 * host is a DNS name, an IPv4 literal or a bracketed IPv6 literal; it is
 * stored without brackets. No user info, no other query keys.
 */
#ifndef TC_NET_ICE_URL_H
#define TC_NET_ICE_URL_H

#include <stdint.h>

#include "tempchat/tc_status.h"

#define TC_ICE_URL_HOST_MAX 255

typedef enum {
  TC_ICE_URL_STUN = 0,
  TC_ICE_URL_TURN,
  TC_ICE_URL_TURNS,
} tc_ice_url_scheme;

typedef enum {
  TC_ICE_URL_UDP = 0,
  TC_ICE_URL_TCP,
  TC_ICE_URL_TLS,
} tc_ice_url_transport;

typedef struct {
  tc_ice_url_scheme scheme;
  tc_ice_url_transport transport;
  char host[TC_ICE_URL_HOST_MAX + 1];
  uint16_t port;
} tc_ice_url;

/* Fills *out from `url` (NUL-terminated). TC_ERR_PARSE on anything else
 * (unknown scheme, empty host, bad port, unknown query, stun with a query,
 * turns with transport=udp). */
tc_status tc_ice_url_parse (const char *url, tc_ice_url *out);

#endif
