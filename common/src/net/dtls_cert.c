/* dtls_cert.c - the per-session DTLS identity (RFC 8827 6.5, RFC 8122).
 *
 * WebRTC peers authenticate each other by certificate fingerprints carried
 * in the signaled SDP, not by a CA, so the certificate is self-signed and
 * made fresh per session: ECDSA P-256 (what Chrome uses and every browser
 * accepts), SHA-256 signature, random serial and CN so two sessions cannot
 * be linked by their certificates, valid from a day ago (peer clock skew)
 * for 30 days. Key and certificate live only in memory.
 */
#include "net/dtls_internal.h"

#include <glib.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rand.h>
#include <string.h>

#include "tempchat/tc_log.h"

#define CERT_VALID_BEFORE_S (24 * 3600L)    /* notBefore = now - 1 day */
#define CERT_VALID_FOR_S (30 * 24 * 3600L) /* notAfter = now + 30 days */

struct tc_dtls_cert {
  gatomicrefcount ref;
  EVP_PKEY *key;
  X509 *x509;
};

static gboolean
set_random_serial (X509 *x509)
{
  uint8_t rnd[8];
  if (RAND_bytes (rnd, sizeof rnd) != 1)
    return FALSE;
  rnd[0] &= 0x7f; /* positive */
  rnd[0] |= 0x01; /* and never zero */
  BIGNUM *bn = BN_bin2bn (rnd, sizeof rnd, NULL);
  gboolean ok = bn != NULL
      && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (x509)) != NULL;
  BN_free (bn);
  return ok;
}

static gboolean
set_random_name (X509 *x509)
{
  uint8_t rnd[8];
  char cn[2 * sizeof rnd + 1];
  if (RAND_bytes (rnd, sizeof rnd) != 1)
    return FALSE;
  for (size_t i = 0; i < sizeof rnd; i++)
    g_snprintf (cn + 2 * i, 3, "%02x", rnd[i]);

  X509_NAME *name = X509_NAME_new ();
  gboolean ok = name != NULL
      && X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
          (const unsigned char *) cn, -1, -1, 0) == 1
      && X509_set_subject_name (x509, name) == 1
      && X509_set_issuer_name (x509, name) == 1;
  X509_NAME_free (name);
  return ok;
}

static X509 *
make_self_signed (EVP_PKEY *key)
{
  X509 *x509 = X509_new ();
  if (x509 == NULL)
    return NULL;
  gboolean ok = X509_set_version (x509, X509_VERSION_3) == 1
      && set_random_serial (x509)
      && X509_gmtime_adj (X509_getm_notBefore (x509), -CERT_VALID_BEFORE_S) != NULL
      && X509_gmtime_adj (X509_getm_notAfter (x509), CERT_VALID_FOR_S) != NULL
      && set_random_name (x509)
      && X509_set_pubkey (x509, key) == 1
      && X509_sign (x509, key, EVP_sha256 ()) > 0;
  if (!ok) {
    X509_free (x509);
    return NULL;
  }
  return x509;
}

tc_status
tc_dtls_cert_new (tc_dtls_cert **out)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;

  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x509 = key ? make_self_signed (key) : NULL;
  if (x509 == NULL) {
    TC_WARN ("dtls: could not make a certificate");
    EVP_PKEY_free (key);
    return TC_ERR_NOMEM;
  }
  tc_dtls_cert *cert = g_new0 (tc_dtls_cert, 1);
  g_atomic_ref_count_init (&cert->ref);
  cert->key = key;
  cert->x509 = x509;
  *out = cert;
  return TC_OK;
}

tc_dtls_cert *
tc_dtls_cert_ref (tc_dtls_cert *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);
  g_atomic_ref_count_inc (&cert->ref);
  return cert;
}

void
tc_dtls_cert_unref (tc_dtls_cert *cert)
{
  if (cert == NULL || !g_atomic_ref_count_dec (&cert->ref))
    return;
  X509_free (cert->x509);
  EVP_PKEY_free (cert->key);
  g_free (cert);
}

X509 *
tc_dtls_cert_x509 (const tc_dtls_cert *cert)
{
  return cert->x509;
}

EVP_PKEY *
tc_dtls_cert_key (const tc_dtls_cert *cert)
{
  return cert->key;
}

static const EVP_MD *
hash_md (tc_dtls_hash hash)
{
  switch (hash) {
    case TC_DTLS_HASH_SHA1: return EVP_sha1 ();
    case TC_DTLS_HASH_SHA256: return EVP_sha256 ();
    case TC_DTLS_HASH_SHA384: return EVP_sha384 ();
    case TC_DTLS_HASH_SHA512: return EVP_sha512 ();
  }
  return NULL;
}

tc_status
tc_dtls_fingerprint_of_x509 (X509 *x509, tc_dtls_hash hash,
    tc_dtls_fingerprint *out)
{
  g_return_val_if_fail (x509 != NULL && out != NULL, TC_ERR_INVALID_ARG);
  memset (out, 0, sizeof *out);
  const EVP_MD *md = hash_md (hash);
  if (md == NULL)
    return TC_ERR_INVALID_ARG;
  unsigned int len = 0;
  uint8_t digest[EVP_MAX_MD_SIZE];
  if (X509_digest (x509, md, digest, &len) != 1 || len != tc_dtls_hash_len (hash))
    return TC_ERR_UNSUPPORTED;
  out->hash = hash;
  out->len = len;
  memcpy (out->bytes, digest, len);
  return TC_OK;
}

tc_status
tc_dtls_cert_fingerprint (const tc_dtls_cert *cert, tc_dtls_hash hash,
    tc_dtls_fingerprint *out)
{
  g_return_val_if_fail (cert != NULL, TC_ERR_INVALID_ARG);
  return tc_dtls_fingerprint_of_x509 (cert->x509, hash, out);
}

tc_status
tc_dtls_cert_fingerprint_sdp (const tc_dtls_cert *cert,
    char out[TC_DTLS_FINGERPRINT_STR_LEN])
{
  g_return_val_if_fail (cert != NULL && out != NULL, TC_ERR_INVALID_ARG);
  tc_dtls_fingerprint fp;
  tc_status st = tc_dtls_cert_fingerprint (cert, TC_DTLS_HASH_SHA256, &fp);
  if (st == TC_OK)
    st = tc_dtls_fingerprint_format (&fp, out, TC_DTLS_FINGERPRINT_STR_LEN);
  return st;
}
