/* ws_tls.h - the client TLS context for wss:// (internal).
 *
 * We build the SSL_CTX ourselves and hand it to libwebsockets 4.1 as
 * provided_client_ssl_ctx: lws 4.1.6 re-allocates its global OpenSSL ex_data
 * indexes at every context creation, so the reference count it keeps on its
 * own client SSL_CTX is looked up under the wrong index once a second
 * context exists, and that SSL_CTX (with the whole system CA store) leaks.
 * lws still sets SSL_VERIFY_PEER and the expected host name on every
 * connection it makes with this context.
 */
#ifndef TEMPCHAT_SIGNAL_WS_TLS_H
#define TEMPCHAT_SIGNAL_WS_TLS_H

#include <openssl/ssl.h>

#include "tempchat/tc_status.h"

/* A TLS 1.2+ client context trusting the system CAs plus `ca_file` (PEM,
 * may be NULL). NULL with *status TC_ERR_INVALID_ARG when ca_file cannot be
 * loaded, TC_ERR_NOMEM otherwise. Free with SSL_CTX_free(). */
SSL_CTX *tc_ws_tls_ctx_new (const char *ca_file, tc_status *status);

#endif
