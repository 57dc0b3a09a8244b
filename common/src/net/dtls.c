/* dtls.c - one DTLS 1.2 endpoint for DTLS-SRTP, over OpenSSL, no sockets.
 *
 *   feed(datagram) -> memory BIO -> SSL -> datagram sink BIO -> send callback
 *
 * The handshake follows RFC 5763/5764 as WebRTC uses it (RFC 8827, 8842):
 *  - the a=setup role picks client (active) or server (passive);
 *  - both sides present a self-signed certificate and both require the
 *    peer's; the certificate is accepted only if its fingerprint equals the
 *    one from the remote SDP (cert_verify_callback, so a mismatch aborts
 *    the handshake with a bad_certificate alert before any key exists);
 *  - use_srtp offers AEAD_AES_128_GCM then AES128_CM_SHA1_80, as Chrome;
 *  - ECDHE with ECDSA (and RSA, for peers with RSA certificates) and
 *    AES-GCM or ChaCha20-Poly1305 only;
 *  - keys come from the "EXTRACTOR-dtls_srtp" exporter (RFC 5764 4.2).
 * The caller owns the clock: it asks tc_dtls_next_timeout_us() and calls
 * tc_dtls_handle_timeout() then (OpenSSL also checks its own wall clock).
 */
#include "net/dtls_internal.h"

#include <glib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tempchat/tc_demux.h"
#include "tempchat/tc_log.h"

#define CIPHERS \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:" \
  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"
#define GROUPS "X25519:P-256:P-384"
#define EXPORTER_LABEL "EXTRACTOR-dtls_srtp"
#define MAX_RETRANSMIT_US (60 * G_USEC_PER_SEC) /* RFC 6347 4.2.4.1 */
#define MAX_DATAGRAM 65535
#define MAX_PROFILES 2

#define MISMATCH_REASON \
  "the peer's DTLS certificate does not match the fingerprint in its SDP"

struct tc_dtls {
  SSL_CTX *ctx;
  SSL *ssl;
  BIO *rbio; /* owned by ssl */
  tc_dtls_role role;
  tc_dtls_state state;
  tc_dtls_fingerprint expected;
  tc_srtp_profile profiles[MAX_PROFILES];
  size_t n_profiles;
  tc_srtp_profile profile; /* negotiated */
  unsigned retransmit_us;
  int64_t deadline_us;     /* -1: no timer */
  gboolean peer_verified;  /* the verify callback accepted the certificate */
  gboolean peer_mismatch;  /* ... or refused it */
  int alert_received;      /* last alert from the peer, -1 if none */
  tc_dtls_callbacks cb;
  void *user_data;
};

static tc_status fail (tc_dtls *dtls, tc_status st, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

/* ---- config ------------------------------------------------------------ */

static const tc_srtp_profile default_profiles[] = {
  TC_SRTP_PROFILE_AEAD_AES_128_GCM,
  TC_SRTP_PROFILE_AES128_CM_SHA1_80,
};

void
tc_dtls_config_init (tc_dtls_config *config, tc_dtls_role role,
    const tc_dtls_fingerprint *remote)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->role = role;
  if (remote != NULL)
    config->remote_fingerprint = *remote;
  config->mtu = TC_DTLS_DEFAULT_MTU;
  config->retransmit_ms = TC_DTLS_DEFAULT_RETRANSMIT_MS;
}

tc_status
tc_dtls_role_from_setup (const char *local_setup, tc_dtls_role *out)
{
  g_return_val_if_fail (local_setup != NULL && out != NULL, TC_ERR_INVALID_ARG);
  if (g_ascii_strcasecmp (local_setup, "active") == 0)
    *out = TC_DTLS_ROLE_CLIENT;
  else if (g_ascii_strcasecmp (local_setup, "passive") == 0)
    *out = TC_DTLS_ROLE_SERVER;
  else
    return TC_ERR_PARSE;
  return TC_OK;
}

/* Copies the profile preference into dtls and writes the OpenSSL list
 * ("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") into `list`. */
static gboolean
take_profiles (tc_dtls *dtls, const tc_dtls_config *config, GString *list)
{
  const tc_srtp_profile *p = config->srtp_profiles;
  size_t n = config->n_srtp_profiles;
  if (p == NULL || n == 0) {
    p = default_profiles;
    n = G_N_ELEMENTS (default_profiles);
  }
  if (n > MAX_PROFILES)
    return FALSE;
  for (size_t i = 0; i < n; i++) {
    const char *name = tc_srtp_profile_name (p[i]);
    if (name == NULL || (i == 1 && p[0] == p[1]))
      return FALSE;
    dtls->profiles[i] = p[i];
    g_string_append_printf (list, "%s%s", i ? ":" : "", name);
  }
  dtls->n_profiles = n;
  return TRUE;
}

static gboolean
offered (const tc_dtls *dtls, tc_srtp_profile profile)
{
  for (size_t i = 0; i < dtls->n_profiles; i++)
    if (dtls->profiles[i] == profile)
      return TRUE;
  return FALSE;
}

/* ---- OpenSSL callbacks ---------------------------------------------------- */

/* Replaces chain verification: a WebRTC certificate is self-signed and is
 * trusted exactly when it is the one the remote SDP names. */
static int
verify_peer (X509_STORE_CTX *store, void *arg)
{
  tc_dtls *dtls = arg;
  X509 *peer = X509_STORE_CTX_get0_cert (store);
  tc_dtls_fingerprint actual;

  if (peer == NULL
      || tc_dtls_fingerprint_of_x509 (peer, dtls->expected.hash, &actual) != TC_OK
      || !tc_dtls_fingerprint_equal (&actual, &dtls->expected)) {
    dtls->peer_mismatch = TRUE;
    X509_STORE_CTX_set_error (store, X509_V_ERR_CERT_REJECTED);
    return 0; /* OpenSSL sends bad_certificate and fails the handshake */
  }
  dtls->peer_verified = TRUE;
  X509_STORE_CTX_set_error (store, X509_V_OK);
  return 1;
}

static void
on_info (const SSL *ssl, int where, int ret)
{
  tc_dtls *dtls = SSL_get_app_data (ssl);
  if ((where & SSL_CB_ALERT) == 0)
    return;
  if (where & SSL_CB_READ)
    dtls->alert_received = ret;
  TC_DEBUG ("dtls: alert %s: %s", (where & SSL_CB_READ) ? "received" : "sent",
      SSL_alert_desc_string_long (ret));
}

/* First timeout from the config, then doubling up to 60 s. */
static unsigned int
on_timer (SSL *ssl, unsigned int timer_us)
{
  tc_dtls *dtls = SSL_get_app_data (ssl);
  if (timer_us == 0)
    return dtls->retransmit_us;
  return timer_us >= MAX_RETRANSMIT_US / 2 ? MAX_RETRANSMIT_US : timer_us * 2;
}

static void
on_datagram (void *user_data, const uint8_t *data, size_t len)
{
  tc_dtls *dtls = user_data;
  dtls->cb.send (dtls->user_data, data, len);
}

/* ---- construction --------------------------------------------------------- */

static SSL_CTX *
make_ctx (tc_dtls *dtls, tc_dtls_cert *cert, const char *profiles)
{
  SSL_CTX *ctx = SSL_CTX_new (DTLS_method ());
  if (ctx == NULL)
    return NULL;
  gboolean ok = SSL_CTX_set_min_proto_version (ctx, DTLS1_2_VERSION) == 1
      && SSL_CTX_set_max_proto_version (ctx, DTLS1_2_VERSION) == 1
      && SSL_CTX_set_cipher_list (ctx, CIPHERS) == 1
      && SSL_CTX_set1_groups_list (ctx, GROUPS) == 1
      && SSL_CTX_use_certificate (ctx, tc_dtls_cert_x509 (cert)) == 1
      && SSL_CTX_use_PrivateKey (ctx, tc_dtls_cert_key (cert)) == 1
      && SSL_CTX_check_private_key (ctx) == 1
      && SSL_CTX_set_tlsext_use_srtp (ctx, profiles) == 0; /* 0 = success */
  if (!ok) {
    SSL_CTX_free (ctx);
    return NULL;
  }
  SSL_CTX_set_options (ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET
      | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_session_cache_mode (ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_cert_verify_callback (ctx, verify_peer, dtls);
  return ctx;
}

static SSL *
make_ssl (tc_dtls *dtls, unsigned mtu)
{
  SSL *ssl = SSL_new (dtls->ctx);
  BIO *rbio = BIO_new (BIO_s_mem ());
  BIO *wbio = tc_dtls_bio_new (on_datagram, dtls);
  if (ssl == NULL || rbio == NULL || wbio == NULL) {
    BIO_free (rbio);
    BIO_free (wbio);
    SSL_free (ssl);
    return NULL;
  }
  BIO_set_mem_eof_return (rbio, -1); /* empty = "retry later", not EOF */
  SSL_set_bio (ssl, rbio, wbio);     /* ssl owns both now */
  dtls->rbio = rbio;
  SSL_set_app_data (ssl, dtls);
  if (SSL_set_mtu (ssl, mtu) <= 0) {
    SSL_free (ssl);
    return NULL;
  }
  DTLS_set_timer_cb (ssl, on_timer);
  SSL_set_info_callback (ssl, on_info);
  if (dtls->role == TC_DTLS_ROLE_CLIENT)
    SSL_set_connect_state (ssl);
  else
    SSL_set_accept_state (ssl);
  return ssl;
}

static gboolean
config_ok (const tc_dtls_config *c)
{
  const tc_dtls_fingerprint *fp = &c->remote_fingerprint;
  return (c->role == TC_DTLS_ROLE_CLIENT || c->role == TC_DTLS_ROLE_SERVER)
      && tc_dtls_hash_len (fp->hash) != 0 && fp->len == tc_dtls_hash_len (fp->hash)
      && (c->mtu == 0 || (c->mtu >= TC_DTLS_MIN_MTU && c->mtu <= MAX_DATAGRAM))
      && c->retransmit_ms <= 60000;
}

tc_status
tc_dtls_new (tc_dtls_cert *cert, const tc_dtls_config *config,
    const tc_dtls_callbacks *callbacks, void *user_data, tc_dtls **out)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;
  g_return_val_if_fail (cert != NULL && config != NULL && callbacks != NULL
      && callbacks->send != NULL && callbacks->connected != NULL
      && callbacks->failed != NULL, TC_ERR_INVALID_ARG);
  if (!config_ok (config))
    return TC_ERR_INVALID_ARG;

  tc_dtls *dtls = g_new0 (tc_dtls, 1);
  dtls->role = config->role;
  dtls->state = TC_DTLS_STATE_NEW;
  dtls->expected = config->remote_fingerprint;
  dtls->retransmit_us = (config->retransmit_ms ? config->retransmit_ms
      : TC_DTLS_DEFAULT_RETRANSMIT_MS) * 1000u;
  dtls->deadline_us = -1;
  dtls->alert_received = -1;
  dtls->cb = *callbacks;
  dtls->user_data = user_data;

  GString *list = g_string_new (NULL);
  tc_status st = TC_ERR_INVALID_ARG;
  if (take_profiles (dtls, config, list)) {
    st = TC_ERR_NOMEM;
    ERR_clear_error ();
    dtls->ctx = make_ctx (dtls, cert, list->str);
    if (dtls->ctx != NULL)
      dtls->ssl = make_ssl (dtls, config->mtu ? config->mtu : TC_DTLS_DEFAULT_MTU);
    if (dtls->ssl != NULL)
      st = TC_OK;
    ERR_clear_error ();
  }
  g_string_free (list, TRUE);
  if (st != TC_OK) {
    tc_dtls_free (dtls);
    return st;
  }
  *out = dtls;
  return TC_OK;
}

void
tc_dtls_free (tc_dtls *dtls)
{
  if (dtls == NULL)
    return;
  SSL_free (dtls->ssl);
  SSL_CTX_free (dtls->ctx);
  g_free (dtls);
}

/* ---- state machine -------------------------------------------------------- */

static gboolean
is_final (const tc_dtls *dtls)
{
  return dtls->state == TC_DTLS_STATE_CLOSED || dtls->state == TC_DTLS_STATE_FAILED;
}

static void
end (tc_dtls *dtls, tc_dtls_state state)
{
  dtls->state = state;
  dtls->deadline_us = -1;
  (void) BIO_reset (dtls->rbio);
  ERR_clear_error ();
}

static tc_status
fail (tc_dtls *dtls, tc_status st, const char *fmt, ...)
{
  char reason[200];
  va_list ap;

  if (is_final (dtls))
    return st;
  va_start (ap, fmt);
  vsnprintf (reason, sizeof reason, fmt, ap);
  va_end (ap);
  end (dtls, TC_DTLS_STATE_FAILED);
  TC_DEBUG ("dtls: failed: %s", reason);
  dtls->cb.failed (dtls->user_data, st, reason);
  return st;
}

/* Names what went wrong after OpenSSL refused to go on. */
static tc_status
fail_from_openssl (tc_dtls *dtls, const char *what)
{
  if (dtls->peer_mismatch)
    return fail (dtls, TC_ERR_DTLS, MISMATCH_REASON);
  if (dtls->alert_received >= 0)
    return fail (dtls, TC_ERR_DTLS, "the peer %s (alert: %s)", what,
        SSL_alert_desc_string_long (dtls->alert_received));
  unsigned long e = ERR_peek_last_error ();
  const char *why = e ? ERR_reason_error_string (e) : NULL;
  return fail (dtls, TC_ERR_DTLS, "DTLS protocol error (%s)",
      why ? why : "unknown");
}

/* Handshake done: check the peer once more, then export and hand out keys. */
static tc_status
finish_handshake (tc_dtls *dtls)
{
  X509 *peer = SSL_get0_peer_certificate (dtls->ssl);
  tc_dtls_fingerprint actual;
  if (!dtls->peer_verified || peer == NULL
      || tc_dtls_fingerprint_of_x509 (peer, dtls->expected.hash, &actual) != TC_OK
      || !tc_dtls_fingerprint_equal (&actual, &dtls->expected)) {
    SSL_shutdown (dtls->ssl);
    return fail (dtls, TC_ERR_DTLS, MISMATCH_REASON);
  }

  const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile (dtls->ssl);
  tc_srtp_profile profile = p ? (tc_srtp_profile) p->id : TC_SRTP_PROFILE_NONE;
  if (!offered (dtls, profile)) {
    SSL_shutdown (dtls->ssl);
    return fail (dtls, TC_ERR_UNSUPPORTED,
        "the peer supports none of our SRTP protection profiles");
  }

  uint8_t material[2 * (TC_SRTP_MAX_KEY_LEN + TC_SRTP_MAX_SALT_LEN)];
  size_t len = tc_dtls_keying_material_len (profile);
  tc_srtp_keys keys;
  tc_status st = TC_ERR_DTLS;
  if (SSL_export_keying_material (dtls->ssl, material, len, EXPORTER_LABEL,
          strlen (EXPORTER_LABEL), NULL, 0, 0) == 1)
    st = tc_dtls_split_keying_material (profile, dtls->role, material, len, &keys);
  OPENSSL_cleanse (material, sizeof material);
  if (st != TC_OK)
    return fail (dtls, TC_ERR_DTLS, "could not export the SRTP keys");

  dtls->state = TC_DTLS_STATE_CONNECTED;
  dtls->profile = profile;
  TC_DEBUG ("dtls: connected as %s, %s, %s",
      dtls->role == TC_DTLS_ROLE_CLIENT ? "client" : "server",
      SSL_get_cipher_name (dtls->ssl), tc_srtp_profile_name (profile));
  dtls->cb.connected (dtls->user_data, &keys);
  tc_srtp_keys_wipe (&keys);
  return TC_OK;
}

/* After the handshake: alerts, close_notify, retransmitted final flights.
 * Application data (data channels) is not handled here and is dropped. */
static tc_status
read_records (tc_dtls *dtls)
{
  uint8_t scratch[2048];
  for (;;) {
    ERR_clear_error ();
    int r = SSL_read (dtls->ssl, scratch, sizeof scratch);
    if (r > 0)
      continue;
    int err = SSL_get_error (dtls->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
      return TC_OK;
    if (err == SSL_ERROR_ZERO_RETURN) {
      end (dtls, TC_DTLS_STATE_CLOSED);
      TC_DEBUG ("dtls: the peer closed the connection");
      if (dtls->cb.closed)
        dtls->cb.closed (dtls->user_data);
      return TC_OK;
    }
    return fail_from_openssl (dtls, "ended the DTLS connection");
  }
}

/* Runs OpenSSL on whatever is buffered. */
static tc_status
step (tc_dtls *dtls)
{
  if (dtls->state == TC_DTLS_STATE_NEW)
    dtls->state = TC_DTLS_STATE_CONNECTING;
  if (dtls->state == TC_DTLS_STATE_CONNECTING) {
    ERR_clear_error ();
    int r = SSL_do_handshake (dtls->ssl);
    if (r != 1) {
      int err = SSL_get_error (dtls->ssl, r);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return TC_OK;
      return fail_from_openssl (dtls, "refused the DTLS handshake");
    }
    tc_status st = finish_handshake (dtls);
    if (st != TC_OK)
      return st;
  }
  if (dtls->state == TC_DTLS_STATE_CONNECTED)
    return read_records (dtls);
  return TC_OK;
}

static void
update_deadline (tc_dtls *dtls, int64_t now_us)
{
  struct timeval tv = {0};
  if (!is_final (dtls) && DTLSv1_get_timeout (dtls->ssl, &tv) == 1)
    dtls->deadline_us = now_us + (int64_t) tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec;
  else
    dtls->deadline_us = -1;
}

/* ---- public calls ---------------------------------------------------------- */

tc_status
tc_dtls_start (tc_dtls *dtls, int64_t now_us)
{
  g_return_val_if_fail (dtls != NULL, TC_ERR_INVALID_ARG);
  if (is_final (dtls))
    return TC_ERR_CLOSED;
  if (dtls->state != TC_DTLS_STATE_NEW)
    return TC_OK;
  tc_status st = step (dtls);
  update_deadline (dtls, now_us);
  ERR_clear_error ();
  return st;
}

tc_status
tc_dtls_feed (tc_dtls *dtls, const uint8_t *data, size_t len, int64_t now_us)
{
  g_return_val_if_fail (dtls != NULL && (data != NULL || len == 0),
      TC_ERR_INVALID_ARG);
  if (is_final (dtls))
    return TC_ERR_CLOSED;
  if (len > MAX_DATAGRAM)
    return TC_ERR_TOO_LARGE;
  if (tc_demux_classify (data, len) != TC_DEMUX_DTLS)
    return TC_ERR_PARSE;
  if (BIO_write (dtls->rbio, data, (int) len) != (int) len) {
    ERR_clear_error ();
    return TC_ERR_NOMEM;
  }
  tc_status st = step (dtls);
  update_deadline (dtls, now_us);
  ERR_clear_error ();
  return st;
}

int64_t
tc_dtls_next_timeout_us (const tc_dtls *dtls)
{
  g_return_val_if_fail (dtls != NULL, -1);
  return dtls->deadline_us;
}

tc_status
tc_dtls_handle_timeout (tc_dtls *dtls, int64_t now_us)
{
  g_return_val_if_fail (dtls != NULL, TC_ERR_INVALID_ARG);
  if (is_final (dtls))
    return TC_ERR_CLOSED;
  if (dtls->deadline_us < 0 || now_us < dtls->deadline_us)
    return TC_OK;
  ERR_clear_error ();
  if (DTLSv1_handle_timeout (dtls->ssl) < 0)
    return fail (dtls, TC_ERR_TIMEOUT,
        "the peer did not answer the DTLS handshake");
  update_deadline (dtls, now_us);
  ERR_clear_error ();
  return TC_OK;
}

tc_status
tc_dtls_close (tc_dtls *dtls)
{
  g_return_val_if_fail (dtls != NULL, TC_ERR_INVALID_ARG);
  if (is_final (dtls))
    return TC_ERR_CLOSED;
  if (dtls->state == TC_DTLS_STATE_CONNECTED)
    SSL_shutdown (dtls->ssl); /* close_notify goes out through send */
  end (dtls, TC_DTLS_STATE_CLOSED);
  return TC_OK;
}

tc_dtls_state
tc_dtls_get_state (const tc_dtls *dtls)
{
  g_return_val_if_fail (dtls != NULL, TC_DTLS_STATE_FAILED);
  return dtls->state;
}

tc_srtp_profile
tc_dtls_get_profile (const tc_dtls *dtls)
{
  g_return_val_if_fail (dtls != NULL, TC_SRTP_PROFILE_NONE);
  return dtls->state == TC_DTLS_STATE_CONNECTED ? dtls->profile
      : TC_SRTP_PROFILE_NONE;
}
