/* relay_jwt.c - HS256 JWT check (see relay_jwt.h). */
#include "relay_jwt.h"

#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <string.h>

static const char *const sentences[RELAY_JWT_STATUS_COUNT_] = {
  [RELAY_JWT_OK] = "OK",
  [RELAY_JWT_MALFORMED] = "Token is not a valid JSON Web Token",
  [RELAY_JWT_BAD_ALGORITHM] = "Token must be signed with HS256",
  [RELAY_JWT_BAD_SIGNATURE] = "Token signature is invalid",
  [RELAY_JWT_BAD_CLAIMS] =
      "Token must have 'channel', 'permissions' and 'exp' claims",
  [RELAY_JWT_EXPIRED] = "Token has expired",
};

const char *
relay_jwt_status_str (relay_jwt_status st)
{
  if ((unsigned) st >= RELAY_JWT_STATUS_COUNT_)
    return "Invalid token";
  return sentences[st];
}

/* base64url without padding (RFC 7515 2) -> bytes, via GLib's decoder on
 * the standard alphabet. NULL for anything else. */
static guchar *
b64url_decode (const char *s, size_t len, gsize *out_len)
{
  if (len % 4 == 1)
    return NULL;
  GString *std = g_string_sized_new (len + 3);
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!g_ascii_isalnum (c)) {
      g_string_free (std, TRUE);
      return NULL;
    }
    g_string_append_c (std, c);
  }
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  guchar *bytes = g_base64_decode (std->str, out_len);
  g_string_free (std, TRUE);
  return bytes;
}

static json_t *
decode_object (const char *s, size_t len)
{
  gsize n;
  guchar *bytes = b64url_decode (s, len, &n);
  if (bytes == NULL)
    return NULL;
  json_t *obj = json_loadb ((const char *) bytes, n, JSON_REJECT_DUPLICATES,
      NULL);
  g_free (bytes);
  if (obj != NULL && !json_is_object (obj)) {
    json_decref (obj);
    return NULL;
  }
  return obj;
}

/* bytes -> base64url without padding. Caller frees. */
static char *
b64url_encode (const guchar *bytes, gsize len)
{
  char *s = g_base64_encode (bytes, len);
  for (char *p = s; *p != '\0'; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
    else if (*p == '=')
      *p = '\0';
  }
  return s;
}

/* Compares encodings, not decoded bytes: base64 leaves spare bits in the
 * last character, and a signature must have exactly one spelling. */
static bool
signature_ok (const char *signed_part, size_t signed_len, const char *sig,
    size_t sig_len, const uint8_t *secret, size_t secret_len)
{
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC (EVP_sha256 (), secret, (int) secret_len,
          (const unsigned char *) signed_part, signed_len, mac, &mac_len)
      == NULL)
    return false;
  char *want = b64url_encode (mac, mac_len);
  bool ok = strlen (want) == sig_len
            && CRYPTO_memcmp (want, sig, sig_len) == 0;
  g_free (want);
  return ok;
}

static relay_jwt_status
check_header (const char *s, size_t len)
{
  json_t *header = decode_object (s, len);
  if (header == NULL)
    return RELAY_JWT_MALFORMED;
  const char *alg = json_string_value (json_object_get (header, "alg"));
  bool ok = alg != NULL && strcmp (alg, "HS256") == 0;
  json_decref (header);
  return ok ? RELAY_JWT_OK : RELAY_JWT_BAD_ALGORITHM;
}

static relay_jwt_status
read_claims (json_t *payload, int64_t now_s, relay_jwt_claims *out)
{
  out->payload = payload;
  json_t *client = json_object_get (payload, "client");
  out->channel = json_string_value (json_object_get (payload, "channel"));
  out->permissions = json_object_get (payload, "permissions");
  json_t *exp = json_object_get (payload, "exp");
  out->data = json_object_get (payload, "data");
  if ((client != NULL && !json_is_string (client)) || out->channel == NULL
      || !json_is_object (out->permissions) || !json_is_integer (exp))
    return RELAY_JWT_BAD_CLAIMS;
  out->client = json_string_value (client);
  out->exp = json_integer_value (exp);
  return now_s < out->exp ? RELAY_JWT_OK : RELAY_JWT_EXPIRED;
}

relay_jwt_status
relay_jwt_check (const char *token, size_t len, const uint8_t *secret,
    size_t secret_len, int64_t now_s, relay_jwt_claims *out)
{
  memset (out, 0, sizeof *out);
  if (len > RELAY_JWT_MAX_LEN)
    return RELAY_JWT_MALFORMED;
  const char *dot1 = memchr (token, '.', len);
  const char *dot2 = dot1 ? memchr (dot1 + 1, '.', len - (size_t) (dot1 + 1
      - token)) : NULL;
  if (dot2 == NULL || memchr (dot2 + 1, '.', len - (size_t) (dot2 + 1
      - token)) != NULL)
    return RELAY_JWT_MALFORMED;
  relay_jwt_status st = check_header (token, (size_t) (dot1 - token));
  if (st != RELAY_JWT_OK)
    return st;
  const char *sig = dot2 + 1;
  if (!signature_ok (token, (size_t) (dot2 - token), sig,
          len - (size_t) (sig - token), secret, secret_len))
    return RELAY_JWT_BAD_SIGNATURE;
  json_t *payload = decode_object (dot1 + 1, (size_t) (dot2 - dot1 - 1));
  if (payload == NULL)
    return RELAY_JWT_MALFORMED;
  return read_claims (payload, now_s, out);
}

void
relay_jwt_claims_clear (relay_jwt_claims *claims)
{
  if (claims == NULL)
    return;
  json_decref (claims->payload);
  memset (claims, 0, sizeof *claims);
}
