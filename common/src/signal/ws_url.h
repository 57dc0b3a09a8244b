/* ws_url.h - the signaling URL, split and judged (internal). Pure.
 *
 * Only what a WebSocket client needs: ws:// or wss://, a host, an optional
 * port and a path. User info ("user:pass@") is refused: it would be a secret
 * in a string that ends up in settings and debug output.
 */
#ifndef TEMPCHAT_SIGNAL_WS_URL_H
#define TEMPCHAT_SIGNAL_WS_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "tempchat/tc_status.h"

#define TC_WS_URL_HOST_MAX 255   /* a DNS name's limit */
#define TC_WS_URL_PATH_MAX 1024

typedef struct {
  bool secure;                            /* wss:// */
  bool ipv6_literal;                      /* host was written as [addr] */
  char host[TC_WS_URL_HOST_MAX + 1];      /* without the brackets */
  int port;                               /* explicit or 80 / 443 */
  bool default_port;                      /* port was not written */
  char path[TC_WS_URL_PATH_MAX + 1];      /* "/..." with query, no fragment */
} tc_ws_url;

/* TC_OK, or TC_ERR_BAD_URL for anything else than
 * ws[s]://host[:port][/path][?query][#fragment] with a sane host. */
tc_status tc_ws_url_parse (const char *text, tc_ws_url *out);

/* For a URL tc_ws_url_parse refused: which part is wrong, as a phrase for
 * the user ("port 99999 is out of range (1 to 65535)"), into `why` (like
 * g_strlcpy). Never repeats the host. Pure. */
void tc_ws_url_explain (const char *text, char *why, size_t size);

/* True for localhost, 127.0.0.0/8 and ::1: the only places plain ws:// may
 * go without the user's explicit permission. */
bool tc_ws_url_is_loopback (const tc_ws_url *url);

#endif
