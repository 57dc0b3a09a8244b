/* tc_dtls.h - DTLS-SRTP key agreement (RFC 5763, RFC 5764, RFC 8827).
 *
 * Three parts, none of which touches a socket or a clock of its own:
 *  - tc_dtls_fingerprint: the value of an SDP a=fingerprint attribute
 *    (RFC 8122), parsed and formatted by pure functions.
 *  - tc_dtls_cert: a per-session ECDSA P-256 key and self-signed certificate,
 *    made in memory and never written anywhere.
 *  - tc_dtls: one DTLS 1.2 endpoint. Datagrams come in through
 *    tc_dtls_feed() and go out through a callback; the caller owns the
 *    retransmission timer (tc_dtls_next_timeout_us / tc_dtls_handle_timeout).
 *    The peer's certificate is accepted only if it matches the fingerprint
 *    from the remote SDP; keys for SRTP are exported only after that.
 *
 * Privacy: keys, fingerprints and certificates are never logged.
 */
#ifndef TEMPCHAT_TC_DTLS_H
#define TEMPCHAT_TC_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_srtp.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Fingerprints (pure; any thread)
 * ------------------------------------------------------------------------ */

/* Hash functions accepted in a=fingerprint (RFC 8122 5: the "hash-func"
 * names of the IANA Hash Function Textual Names registry). */
typedef enum {
  TC_DTLS_HASH_SHA1 = 1,
  TC_DTLS_HASH_SHA256,
  TC_DTLS_HASH_SHA384,
  TC_DTLS_HASH_SHA512,
} tc_dtls_hash;

#define TC_DTLS_FINGERPRINT_MAX_LEN 64 /* SHA-512 */
/* Longest formatted value plus NUL: "sha-512 " + 64 * "XX:" - 1 + 1. */
#define TC_DTLS_FINGERPRINT_STR_LEN 200

typedef struct {
  tc_dtls_hash hash;
  size_t len; /* digest length of `hash` */
  uint8_t bytes[TC_DTLS_FINGERPRINT_MAX_LEN];
} tc_dtls_fingerprint;

/* "sha-256" etc., or NULL for an unknown value. Static storage. */
const char *tc_dtls_hash_name (tc_dtls_hash hash);

/* Digest length in bytes, 0 for an unknown value. */
size_t tc_dtls_hash_len (tc_dtls_hash hash);

/* Parses the value of an a=fingerprint attribute, e.g.
 * "sha-256 AB:CD:...:EF": a hash name (case-insensitive), blanks, then the
 * digest as hex pairs joined by ':' (either case). Blanks and a CR/LF around
 * the value are ignored. `text` need not be NUL-terminated.
 * TC_ERR_PARSE: malformed, or the digest length does not fit the hash.
 * TC_ERR_UNSUPPORTED: a well-formed hash name we do not accept (md5,
 * sha-224, ...). On error *out is zeroed. */
tc_status tc_dtls_fingerprint_parse (const char *text, size_t len,
    tc_dtls_fingerprint *out);

/* Writes "sha-256 AB:CD:..." (uppercase, as SDP wants) and a NUL into `out`
 * of `cap` bytes (TC_DTLS_FINGERPRINT_STR_LEN always suffices).
 * TC_ERR_INVALID_ARG for an inconsistent `fp`, TC_ERR_TOO_LARGE if `cap`
 * is too small. */
tc_status tc_dtls_fingerprint_format (const tc_dtls_fingerprint *fp,
    char *out, size_t cap);

/* True when both name the same hash and digest. */
bool tc_dtls_fingerprint_equal (const tc_dtls_fingerprint *a,
    const tc_dtls_fingerprint *b);

/* ------------------------------------------------------------------------
 * Certificate (any thread; immutable once made, so shareable)
 * ------------------------------------------------------------------------ */

typedef struct tc_dtls_cert tc_dtls_cert;

/* Makes a fresh ECDSA P-256 key and a self-signed X.509 v3 certificate for
 * it: random 64-bit serial, random CN, valid from a day ago (clock skew) for
 * 30 days. Lives only in memory. On TC_OK *out holds one reference. */
tc_status tc_dtls_cert_new (tc_dtls_cert **out);

/* Reference counting (atomic). unref is NULL-safe; the last one frees the
 * key and certificate. ref returns `cert`. */
tc_dtls_cert *tc_dtls_cert_ref (tc_dtls_cert *cert);
void tc_dtls_cert_unref (tc_dtls_cert *cert);

/* The certificate's fingerprint with `hash` (over its DER encoding). */
tc_status tc_dtls_cert_fingerprint (const tc_dtls_cert *cert,
    tc_dtls_hash hash, tc_dtls_fingerprint *out);

/* The SHA-256 fingerprint as the value of a=fingerprint:
 * "sha-256 AB:CD:..." into `out` (NUL-terminated). */
tc_status tc_dtls_cert_fingerprint_sdp (const tc_dtls_cert *cert,
    char out[TC_DTLS_FINGERPRINT_STR_LEN]);

/* ------------------------------------------------------------------------
 * Endpoint (one thread: the session's loop thread)
 * ------------------------------------------------------------------------ */

typedef enum {
  TC_DTLS_ROLE_CLIENT, /* a=setup:active: sends the ClientHello */
  TC_DTLS_ROLE_SERVER, /* a=setup:passive */
} tc_dtls_role;

/* The role for the *negotiated* local a=setup value (RFC 5763 5): "active"
 * is the client, "passive" the server. "actpass" and "holdconn" are not a
 * negotiated outcome: TC_ERR_PARSE, as is anything else. */
tc_status tc_dtls_role_from_setup (const char *local_setup, tc_dtls_role *out);

typedef enum {
  TC_DTLS_STATE_NEW,        /* made, nothing sent or received */
  TC_DTLS_STATE_CONNECTING, /* handshake under way */
  TC_DTLS_STATE_CONNECTED,  /* keys delivered; alerts still watched */
  TC_DTLS_STATE_CLOSED,     /* close_notify sent or received */
  TC_DTLS_STATE_FAILED,     /* handshake or connection failed; final */
} tc_dtls_state;

#define TC_DTLS_DEFAULT_MTU 1200
#define TC_DTLS_MIN_MTU 256
#define TC_DTLS_DEFAULT_RETRANSMIT_MS 1000 /* RFC 6347 4.2.4.1 */

typedef struct {
  tc_dtls_role role;
  /* From the remote SDP's a=fingerprint; the peer's certificate must match
   * it exactly. Copied. */
  tc_dtls_fingerprint remote_fingerprint;
  /* SRTP profiles in order of preference. As server the first one the
   * client also offers wins; as client they are offered in this order.
   * NULL/0: AEAD_AES_128_GCM then AES128_CM_SHA1_80, as Chrome does. Not
   * retained after tc_dtls_new. */
  const tc_srtp_profile *srtp_profiles;
  size_t n_srtp_profiles;
  /* Largest datagram we send (DTLS record bytes, no UDP/IP header), at
   * least TC_DTLS_MIN_MTU; 0 = TC_DTLS_DEFAULT_MTU. */
  unsigned mtu;
  /* First retransmission timeout; doubles per retry up to 60 s.
   * 0 = TC_DTLS_DEFAULT_RETRANSMIT_MS. */
  unsigned retransmit_ms;
} tc_dtls_config;

/* Fills `config` with the defaults for `role` and `remote`. */
void tc_dtls_config_init (tc_dtls_config *config, tc_dtls_role role,
    const tc_dtls_fingerprint *remote);

/* Called from inside tc_dtls_start/feed/handle_timeout/close on the calling
 * thread. They must return quickly, must not call back into the same
 * tc_dtls and must not free it (post that to the loop instead). */
typedef struct {
  /* One datagram for the peer; `data` is valid during the call only. */
  void (*send) (void *user_data, const uint8_t *data, size_t len);
  /* Handshake complete and the peer's certificate matched. `keys` is valid
   * during the call only (wiped afterwards): copy it, e.g. into
   * tc_srtp_new(). */
  void (*connected) (void *user_data, const tc_srtp_keys *keys);
  /* Handshake or connection failed; final. `reason` is an English
   * sentence for logs and users (no secrets), valid during the call.
   * TC_ERR_DTLS: certificate mismatch, an alert from the peer or a
   * protocol error; TC_ERR_UNSUPPORTED: no common SRTP profile;
   * TC_ERR_TIMEOUT: the peer never answered (retransmissions exhausted). */
  void (*failed) (void *user_data, tc_status st, const char *reason);
  /* The peer sent close_notify after the handshake; final. May be NULL. */
  void (*closed) (void *user_data);
} tc_dtls_callbacks;

typedef struct tc_dtls tc_dtls;

/* Makes an endpoint using `cert` (the endpoint takes its own reference to
 * what it needs; the caller keeps its reference). `callbacks` is copied;
 * send, connected and failed are required. TC_ERR_INVALID_ARG for a bad
 * config (unknown profile, MTU below the minimum, unset fingerprint). */
tc_status tc_dtls_new (tc_dtls_cert *cert, const tc_dtls_config *config,
    const tc_dtls_callbacks *callbacks, void *user_data, tc_dtls **out);

/* Frees the endpoint without sending anything. NULL-safe; not from a
 * callback of the same endpoint. */
void tc_dtls_free (tc_dtls *dtls);

/* Starts the handshake: a client sends its ClientHello, a server waits.
 * `now_us` is the caller's monotonic clock (g_get_monotonic_time()).
 * Calling it twice is harmless. TC_ERR_CLOSED after close or failure. */
tc_status tc_dtls_start (tc_dtls *dtls, int64_t now_us);

/* One datagram received from the peer (a DTLS record per RFC 7983; use
 * tc_demux_classify() first). Starts the endpoint if needed. TC_ERR_PARSE
 * for something that is not DTLS (dropped, no harm done), TC_ERR_TOO_LARGE
 * for more than 65535 bytes, TC_ERR_CLOSED after close or failure. A
 * handshake failure is reported through callbacks.failed and returned. */
tc_status tc_dtls_feed (tc_dtls *dtls, const uint8_t *data, size_t len,
    int64_t now_us);

/* When tc_dtls_handle_timeout() should next be called, on the clock of the
 * `now_us` values passed in; -1 when no timer is running. */
int64_t tc_dtls_next_timeout_us (const tc_dtls *dtls);

/* Retransmits the last flight if its timer has expired (nothing otherwise).
 * OpenSSL keeps its own wall-clock timer too; if it disagrees, nothing is
 * sent and the deadline moves. TC_ERR_TIMEOUT (and callbacks.failed) when
 * retransmissions are exhausted; TC_ERR_CLOSED after close or failure. */
tc_status tc_dtls_handle_timeout (tc_dtls *dtls, int64_t now_us);

/* Sends close_notify if connected and ends the endpoint (state CLOSED, no
 * callbacks). TC_ERR_CLOSED if already closed or failed. */
tc_status tc_dtls_close (tc_dtls *dtls);

tc_dtls_state tc_dtls_get_state (const tc_dtls *dtls);

/* The negotiated profile once connected, else TC_SRTP_PROFILE_NONE. */
tc_srtp_profile tc_dtls_get_profile (const tc_dtls *dtls);

#ifdef __cplusplus
}
#endif
#endif
