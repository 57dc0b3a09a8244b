/* ws_tls.c - the client SSL_CTX behind wss:// connections. */
#include "signal/ws_tls.h"

#include <openssl/err.h>

#include "tempchat/tc_log.h"

SSL_CTX *
tc_ws_tls_ctx_new (const char *ca_file, tc_status *status)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
  if (ctx == NULL) {
    *status = TC_ERR_NOMEM;
    return NULL;
  }
  /* What lws would set on its own client context, plus a floor: no server
   * worth talking to needs less than TLS 1.2. */
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  SSL_CTX_set_options (ctx, SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode (ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
      | SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER, NULL);

  if (SSL_CTX_set_default_verify_paths (ctx) != 1)
    TC_DEBUG ("tls: no system CA store");
  if (ca_file != NULL && SSL_CTX_load_verify_file (ctx, ca_file) != 1) {
    ERR_clear_error ();
    SSL_CTX_free (ctx);
    *status = TC_ERR_INVALID_ARG;
    return NULL;
  }
  ERR_clear_error ();
  *status = TC_OK;
  return ctx;
}
