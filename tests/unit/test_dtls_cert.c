/* test_dtls_cert.c - the per-session certificate and a=fingerprint values. */
#include <glib.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <string.h>

#include "net/dtls_internal.h"
#include "tempchat/tc_dtls.h"

/* ---- certificate ------------------------------------------------------------ */

static void
test_certificate_is_self_signed_p256_valid_for_thirty_days (void)
{
  tc_dtls_cert *cert = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&cert), ==, TC_OK);
  X509 *x509 = tc_dtls_cert_x509 (cert);
  EVP_PKEY *key = tc_dtls_cert_key (cert);

  /* ECDSA P-256 */
  g_assert_true (EVP_PKEY_is_a (key, "EC"));
  char group[32];
  size_t group_len = 0;
  g_assert_true (EVP_PKEY_get_group_name (key, group, sizeof group, &group_len));
  g_assert_cmpstr (group, ==, "prime256v1");

  /* self-signed, v3, signature verifies with its own key */
  g_assert_cmpint (X509_get_version (x509), ==, X509_VERSION_3);
  g_assert_cmpint (X509_NAME_cmp (X509_get_subject_name (x509),
          X509_get_issuer_name (x509)), ==, 0);
  g_assert_cmpint (X509_verify (x509, key), ==, 1);

  /* serial positive and non-zero */
  const ASN1_INTEGER *serial = X509_get0_serialNumber (x509);
  BIGNUM *bn = ASN1_INTEGER_to_BN (serial, NULL);
  g_assert_false (BN_is_zero (bn));
  g_assert_false (BN_is_negative (bn));
  BN_free (bn);

  /* notBefore about a day back, notAfter about 30 days ahead */
  int days = 0, secs = 0;
  g_assert_true (ASN1_TIME_diff (&days, &secs, NULL, X509_get0_notBefore (x509)));
  g_assert_cmpint (days, ==, -1);
  g_assert_true (ASN1_TIME_diff (&days, &secs, NULL, X509_get0_notAfter (x509)));
  g_assert_true (days == 30 || (days == 29 && secs > 86000));

  tc_dtls_cert_unref (cert);
}

static void
test_two_certificates_share_nothing (void)
{
  tc_dtls_cert *a = NULL, *b = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&a), ==, TC_OK);
  g_assert_cmpint (tc_dtls_cert_new (&b), ==, TC_OK);
  tc_dtls_fingerprint fa, fb;
  g_assert_cmpint (tc_dtls_cert_fingerprint (a, TC_DTLS_HASH_SHA256, &fa), ==, TC_OK);
  g_assert_cmpint (tc_dtls_cert_fingerprint (b, TC_DTLS_HASH_SHA256, &fb), ==, TC_OK);
  g_assert_false (tc_dtls_fingerprint_equal (&fa, &fb));
  g_assert_cmpint (X509_NAME_cmp (X509_get_subject_name (tc_dtls_cert_x509 (a)),
          X509_get_subject_name (tc_dtls_cert_x509 (b))), !=, 0);
  g_assert_cmpint (ASN1_INTEGER_cmp (X509_get0_serialNumber (tc_dtls_cert_x509 (a)),
          X509_get0_serialNumber (tc_dtls_cert_x509 (b))), !=, 0);
  tc_dtls_cert_unref (a);
  tc_dtls_cert_unref (b);
}

static void
test_certificate_is_reference_counted (void)
{
  tc_dtls_cert *cert = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&cert), ==, TC_OK);
  g_assert_true (tc_dtls_cert_ref (cert) == cert);
  tc_dtls_cert_unref (cert);
  tc_dtls_fingerprint fp;
  g_assert_cmpint (tc_dtls_cert_fingerprint (cert, TC_DTLS_HASH_SHA1, &fp), ==, TC_OK);
  tc_dtls_cert_unref (cert);
  tc_dtls_cert_unref (NULL);
}

static void
test_sdp_fingerprint_is_sha256_uppercase_hex_pairs (void)
{
  tc_dtls_cert *cert = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&cert), ==, TC_OK);
  char sdp[TC_DTLS_FINGERPRINT_STR_LEN];
  g_assert_cmpint (tc_dtls_cert_fingerprint_sdp (cert, sdp), ==, TC_OK);

  g_assert_true (g_str_has_prefix (sdp, "sha-256 "));
  const char *hex = sdp + strlen ("sha-256 ");
  g_assert_cmpuint (strlen (hex), ==, 32 * 3 - 1);
  for (size_t i = 0; hex[i]; i++) {
    if (i % 3 == 2)
      g_assert_cmpint (hex[i], ==, ':');
    else
      g_assert_true (g_ascii_isdigit (hex[i]) || (hex[i] >= 'A' && hex[i] <= 'F'));
  }

  /* It names the certificate's DER encoding. */
  tc_dtls_fingerprint parsed, direct;
  g_assert_cmpint (tc_dtls_fingerprint_parse (sdp, strlen (sdp), &parsed), ==, TC_OK);
  unsigned char *der = NULL;
  int der_len = i2d_X509 (tc_dtls_cert_x509 (cert), &der);
  g_assert_cmpint (der_len, >, 0);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, der, der_len);
  direct.hash = TC_DTLS_HASH_SHA256;
  direct.len = 32;
  gsize n = sizeof direct.bytes;
  g_checksum_get_digest (sum, direct.bytes, &n);
  g_checksum_free (sum);
  OPENSSL_free (der);
  g_assert_true (tc_dtls_fingerprint_equal (&parsed, &direct));

  tc_dtls_cert_unref (cert);
}

static void
test_every_hash_formats_and_parses_back (void)
{
  tc_dtls_cert *cert = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&cert), ==, TC_OK);
  static const struct {
    tc_dtls_hash hash;
    const char *name;
    size_t len;
  } rows[] = {
    {TC_DTLS_HASH_SHA1, "sha-1", 20},
    {TC_DTLS_HASH_SHA256, "sha-256", 32},
    {TC_DTLS_HASH_SHA384, "sha-384", 48},
    {TC_DTLS_HASH_SHA512, "sha-512", 64},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    tc_dtls_fingerprint fp, back;
    char text[TC_DTLS_FINGERPRINT_STR_LEN];
    g_assert_cmpint (tc_dtls_cert_fingerprint (cert, rows[i].hash, &fp), ==, TC_OK);
    g_assert_cmpuint (fp.len, ==, rows[i].len);
    g_assert_cmpuint (tc_dtls_hash_len (rows[i].hash), ==, rows[i].len);
    g_assert_cmpint (tc_dtls_fingerprint_format (&fp, text, sizeof text), ==, TC_OK);
    g_assert_true (g_str_has_prefix (text, rows[i].name));
    g_assert_cmpuint (strlen (text), ==, strlen (rows[i].name) + 1 + rows[i].len * 3 - 1);
    g_assert_cmpint (tc_dtls_fingerprint_parse (text, strlen (text), &back), ==, TC_OK);
    g_assert_true (tc_dtls_fingerprint_equal (&fp, &back));
  }
  tc_dtls_cert_unref (cert);
}

/* ---- parsing remote values --------------------------------------------------- */

#define SHA256_HEX \
  "D2:FA:0E:C3:22:59:5E:14:95:69:70:BE:18:1E:D7:8D:" \
  "DB:71:2E:9D:8E:76:2D:2E:26:9A:35:0F:DE:27:3E:AA"

static void
test_remote_fingerprint_variants_are_accepted (void)
{
  static const uint8_t expect[32] = {
    0xd2, 0xfa, 0x0e, 0xc3, 0x22, 0x59, 0x5e, 0x14, 0x95, 0x69, 0x70, 0xbe,
    0x18, 0x1e, 0xd7, 0x8d, 0xdb, 0x71, 0x2e, 0x9d, 0x8e, 0x76, 0x2d, 0x2e,
    0x26, 0x9a, 0x35, 0x0f, 0xde, 0x27, 0x3e, 0xaa,
  };
  static const char *const variants[] = {
    "sha-256 " SHA256_HEX,          /* what Chrome sends */
    "SHA-256 " SHA256_HEX,          /* hash names are case-insensitive */
    "Sha-256\t" SHA256_HEX,         /* any blank */
    "sha-256   " SHA256_HEX,        /* several blanks */
    "  sha-256 " SHA256_HEX "  ",   /* blanks around */
    "sha-256 " SHA256_HEX "\r\n",   /* the line ending of the SDP line */
    ("sha-256 d2:fa:0e:c3:22:59:5e:14:95:69:70:be:18:1e:d7:8d:"
     "db:71:2e:9d:8e:76:2d:2e:26:9a:35:0f:de:27:3e:aa"), /* lowercase hex */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (variants); i++) {
    tc_dtls_fingerprint fp;
    g_test_message ("variant %zu", i);
    g_assert_cmpint (tc_dtls_fingerprint_parse (variants[i], strlen (variants[i]), &fp),
        ==, TC_OK);
    g_assert_cmpint (fp.hash, ==, TC_DTLS_HASH_SHA256);
    g_assert_cmpmem (fp.bytes, fp.len, expect, sizeof expect);
  }

  /* Not NUL-terminated: only `len` bytes are read. */
  char buf[200];
  const char *v = "sha-256 " SHA256_HEX;
  memcpy (buf, v, strlen (v));
  memcpy (buf + strlen (v), ":FF", 3);
  tc_dtls_fingerprint fp;
  g_assert_cmpint (tc_dtls_fingerprint_parse (buf, strlen (v), &fp), ==, TC_OK);
}

static void
test_other_hash_functions_are_accepted (void)
{
  static const struct {
    const char *text;
    tc_dtls_hash hash;
  } rows[] = {
    {"sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", TC_DTLS_HASH_SHA1},
    {"sha-384 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:"
     "18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:25:26:27:28:29:2A:2B:2C:2D:2E:2F",
     TC_DTLS_HASH_SHA384},
    {"SHA-512 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:"
     "18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:25:26:27:28:29:2A:2B:2C:2D:2E:2F:"
     "30:31:32:33:34:35:36:37:38:39:3A:3B:3C:3D:3E:3F", TC_DTLS_HASH_SHA512},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    tc_dtls_fingerprint fp;
    g_assert_cmpint (tc_dtls_fingerprint_parse (rows[i].text, strlen (rows[i].text), &fp),
        ==, TC_OK);
    g_assert_cmpint (fp.hash, ==, rows[i].hash);
    g_assert_cmpuint (fp.len, ==, tc_dtls_hash_len (rows[i].hash));
  }
}

static void
test_malformed_fingerprints_are_rejected (void)
{
  static const struct {
    const char *text;
    tc_status st;
  } rows[] = {
    {"", TC_ERR_PARSE},
    {"   \r\n", TC_ERR_PARSE},
    {"sha-256", TC_ERR_PARSE},                       /* no digest */
    {"sha-256 ", TC_ERR_PARSE},
    {"sha-256:" SHA256_HEX, TC_ERR_PARSE},           /* no blank */
    {SHA256_HEX, TC_ERR_PARSE},                      /* no hash name */
    {"sha-256 " SHA256_HEX ":", TC_ERR_PARSE},       /* trailing colon */
    {"sha-256 :" SHA256_HEX, TC_ERR_PARSE},          /* leading colon */
    {"sha-256 D2::FA", TC_ERR_PARSE},                /* empty pair */
    {"sha-256 D2:FA:0", TC_ERR_PARSE},               /* half a pair */
    {"sha-256 D2FA0EC3", TC_ERR_PARSE},              /* no separators */
    {"sha-256 D2-FA-0E", TC_ERR_PARSE},              /* wrong separator */
    {"sha-256 G2:FA", TC_ERR_PARSE},                 /* not hex */
    {"sha-256 D2:FA", TC_ERR_PARSE},                 /* too short for sha-256 */
    {"sha-256 " SHA256_HEX ":00", TC_ERR_PARSE},     /* too long for sha-256 */
    {"sha-1 " SHA256_HEX, TC_ERR_PARSE},             /* length of another hash */
    {"sha-256 " SHA256_HEX " x", TC_ERR_PARSE},      /* trailing text */
    {"sha-256 " SHA256_HEX "\r\nsha-1 00", TC_ERR_PARSE}, /* two lines */
    {"sha 256 " SHA256_HEX, TC_ERR_PARSE},
    {"sha-256\n" SHA256_HEX, TC_ERR_PARSE},          /* a line break is not a blank */
    {"md5 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F", TC_ERR_UNSUPPORTED},
    {"sha-224 00:01:02:03", TC_ERR_UNSUPPORTED},
    {"x-new-hash 00:01", TC_ERR_UNSUPPORTED},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    tc_dtls_fingerprint fp;
    memset (&fp, 0xaa, sizeof fp);
    g_test_message ("row %zu", i);
    g_assert_cmpint (tc_dtls_fingerprint_parse (rows[i].text, strlen (rows[i].text), &fp),
        ==, rows[i].st);
    g_assert_cmpuint (fp.len, ==, 0);
  }

  /* A NUL inside is not a blank or a hex digit. */
  static const char nul[] = "sha-256 D2\0FA";
  tc_dtls_fingerprint fp;
  g_assert_cmpint (tc_dtls_fingerprint_parse (nul, sizeof nul - 1, &fp), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_dtls_fingerprint_parse (NULL, 0, &fp), ==, TC_ERR_PARSE);
}

static void
test_format_refuses_a_short_buffer_and_a_bad_value (void)
{
  tc_dtls_fingerprint fp = {.hash = TC_DTLS_HASH_SHA1, .len = 20};
  char small[20 * 3 + 5]; /* "sha-1 " + 59 + NUL = 66 needed */
  g_assert_cmpint (tc_dtls_fingerprint_format (&fp, small, sizeof small), ==,
      TC_ERR_TOO_LARGE);
  g_assert_cmpstr (small, ==, "");
  char big[66];
  g_assert_cmpint (tc_dtls_fingerprint_format (&fp, big, sizeof big), ==, TC_OK);
  g_assert_cmpuint (strlen (big), ==, 65);

  fp.len = 32; /* does not fit sha-1 */
  g_assert_cmpint (tc_dtls_fingerprint_format (&fp, big, sizeof big), ==,
      TC_ERR_INVALID_ARG);
  fp.hash = 0;
  g_assert_cmpint (tc_dtls_fingerprint_format (&fp, big, sizeof big), ==,
      TC_ERR_INVALID_ARG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dtls-cert/certificate-is-self-signed-p256-valid-for-thirty-days",
      test_certificate_is_self_signed_p256_valid_for_thirty_days);
  g_test_add_func ("/dtls-cert/two-certificates-share-no-key-name-or-serial",
      test_two_certificates_share_nothing);
  g_test_add_func ("/dtls-cert/certificate-is-reference-counted",
      test_certificate_is_reference_counted);
  g_test_add_func ("/dtls-cert/sdp-fingerprint-is-sha256-of-the-der-in-uppercase-hex-pairs",
      test_sdp_fingerprint_is_sha256_uppercase_hex_pairs);
  g_test_add_func ("/dtls-cert/every-hash-formats-and-parses-back",
      test_every_hash_formats_and_parses_back);
  g_test_add_func ("/dtls-fingerprint/remote-variants-of-one-value-are-accepted",
      test_remote_fingerprint_variants_are_accepted);
  g_test_add_func ("/dtls-fingerprint/sha-1-sha-384-and-sha-512-are-accepted",
      test_other_hash_functions_are_accepted);
  g_test_add_func ("/dtls-fingerprint/malformed-values-are-rejected",
      test_malformed_fingerprints_are_rejected);
  g_test_add_func ("/dtls-fingerprint/format-refuses-a-short-buffer-and-a-bad-value",
      test_format_refuses_a_short_buffer_and_a_bad_value);
  return g_test_run ();
}
