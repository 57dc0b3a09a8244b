/* dtls_internal.h - shared by the dtls_*.c files and their unit tests.
 * Not installed; OpenSSL types stay out of the public headers. */
#ifndef TEMPCHAT_NET_DTLS_INTERNAL_H
#define TEMPCHAT_NET_DTLS_INTERNAL_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tempchat/tc_dtls.h"

/* Borrowed pointers into `cert` (valid while a reference is held). */
X509 *tc_dtls_cert_x509 (const tc_dtls_cert *cert);
EVP_PKEY *tc_dtls_cert_key (const tc_dtls_cert *cert);

/* Fingerprint of `x509` (its DER encoding) with `hash`. */
tc_status tc_dtls_fingerprint_of_x509 (X509 *x509, tc_dtls_hash hash,
    tc_dtls_fingerprint *out);

/* RFC 5764 4.2: the exported keying material is
 *   client_write_SRTP_master_key[key_len] | server_write_SRTP_master_key[key_len] |
 *   client_write_SRTP_master_salt[salt_len] | server_write_SRTP_master_salt[salt_len]
 * (2 * (key_len + salt_len) bytes). Splits `material` into local/remote
 * keys for `role` ("local" = what `role` writes). Pure. */
tc_status tc_dtls_split_keying_material (tc_srtp_profile profile,
    tc_dtls_role role, const uint8_t *material, size_t len,
    tc_srtp_keys *out);

/* Bytes of keying material `profile` needs (0 if unknown). */
size_t tc_dtls_keying_material_len (tc_srtp_profile profile);

/* A write-only BIO: every BIO_write is one datagram handed to `send`
 * (OpenSSL's handshake buffer flushes once per datagram, so records packed
 * up to the MTU arrive together). `send` and `user_data` must outlive it. */
typedef void (*tc_dtls_bio_send_fn) (void *user_data, const uint8_t *data,
    size_t len);
BIO *tc_dtls_bio_new (tc_dtls_bio_send_fn send, void *user_data);

#endif
