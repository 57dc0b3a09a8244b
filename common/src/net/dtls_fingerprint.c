/* dtls_fingerprint.c - the SDP a=fingerprint value, parsed and formatted.
 *
 * RFC 8122 5 (was RFC 4572 5):
 *
 *   attribute              =/ fingerprint-attribute
 *   fingerprint-attribute  =  "fingerprint" ":" hash-func SP fingerprint
 *   hash-func              =  "sha-1" / "sha-224" / "sha-256" /
 *                             "sha-384" / "sha-512" /
 *                             "md5" / "md2" / token
 *   fingerprint            =  2UHEX *(":" 2UHEX)
 *
 * We take the value after "fingerprint:". We are liberal where senders
 * differ in practice (hash name case, lowercase hex, several blanks, a
 * trailing CR/LF) and strict about structure and digest length. Pure: no
 * allocation, no OpenSSL, so it is fuzzed alone (tests/fuzz).
 */
#include "tempchat/tc_dtls.h"

#include <glib.h>
#include <string.h>

struct hash_row {
  tc_dtls_hash hash;
  const char *name;
  size_t len;
};

static const struct hash_row hashes[] = {
  {TC_DTLS_HASH_SHA1, "sha-1", 20},
  {TC_DTLS_HASH_SHA256, "sha-256", 32},
  {TC_DTLS_HASH_SHA384, "sha-384", 48},
  {TC_DTLS_HASH_SHA512, "sha-512", 64},
};

static const struct hash_row *
hash_row (tc_dtls_hash hash)
{
  for (size_t i = 0; i < G_N_ELEMENTS (hashes); i++)
    if (hashes[i].hash == hash)
      return &hashes[i];
  return NULL;
}

const char *
tc_dtls_hash_name (tc_dtls_hash hash)
{
  const struct hash_row *row = hash_row (hash);
  return row ? row->name : NULL;
}

size_t
tc_dtls_hash_len (tc_dtls_hash hash)
{
  const struct hash_row *row = hash_row (hash);
  return row ? row->len : 0;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* RFC 4566 token characters (a hash-func is a token). */
static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`{|}~", c));
}

/* Reads "XX:XX:...:XX" from text[0..len) into out; returns the byte count,
 * or -1 if malformed or longer than TC_DTLS_FINGERPRINT_MAX_LEN. */
static int
parse_hex_pairs (const char *text, size_t len, uint8_t *out)
{
  size_t n = 0;
  size_t i = 0;
  for (;;) {
    if (len - i < 2 || n == TC_DTLS_FINGERPRINT_MAX_LEN)
      return -1;
    int hi = hex_value (text[i]);
    int lo = hex_value (text[i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[n++] = (uint8_t) (hi << 4 | lo);
    i += 2;
    if (i == len)
      return (int) n;
    if (text[i] != ':')
      return -1;
    i++;
  }
}

tc_status
tc_dtls_fingerprint_parse (const char *text, size_t len, tc_dtls_fingerprint *out)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  memset (out, 0, sizeof *out);
  g_return_val_if_fail (text != NULL || len == 0, TC_ERR_INVALID_ARG);

  /* Trim blanks around the value and a line ending after it. */
  size_t start = 0, end = len;
  while (start < end && is_blank (text[start]))
    start++;
  while (end > start && (is_blank (text[end - 1]) || text[end - 1] == '\r'
          || text[end - 1] == '\n'))
    end--;

  size_t name_end = start;
  while (name_end < end && is_token_char (text[name_end]))
    name_end++;
  size_t name_len = name_end - start;
  if (name_len == 0 || name_end == end || !is_blank (text[name_end]))
    return TC_ERR_PARSE;

  size_t digest_start = name_end;
  while (digest_start < end && is_blank (text[digest_start]))
    digest_start++;
  if (digest_start == end)
    return TC_ERR_PARSE;

  const struct hash_row *row = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (hashes); i++) {
    if (strlen (hashes[i].name) == name_len
        && g_ascii_strncasecmp (text + start, hashes[i].name, name_len) == 0)
      row = &hashes[i];
  }

  uint8_t bytes[TC_DTLS_FINGERPRINT_MAX_LEN];
  int n = parse_hex_pairs (text + digest_start, end - digest_start, bytes);
  if (n < 0)
    return TC_ERR_PARSE;
  if (row == NULL)
    return TC_ERR_UNSUPPORTED; /* well-formed, e.g. md5 or sha-224 */
  if ((size_t) n != row->len)
    return TC_ERR_PARSE;

  out->hash = row->hash;
  out->len = row->len;
  memcpy (out->bytes, bytes, row->len);
  return TC_OK;
}

tc_status
tc_dtls_fingerprint_format (const tc_dtls_fingerprint *fp, char *out, size_t cap)
{
  static const char digits[] = "0123456789ABCDEF";

  g_return_val_if_fail (fp != NULL && out != NULL, TC_ERR_INVALID_ARG);
  const struct hash_row *row = hash_row (fp->hash);
  if (row == NULL || fp->len != row->len)
    return TC_ERR_INVALID_ARG;

  size_t name_len = strlen (row->name);
  size_t need = name_len + 1 + fp->len * 3; /* last ':' becomes the NUL */
  if (cap < need) {
    if (cap > 0)
      out[0] = '\0';
    return TC_ERR_TOO_LARGE;
  }
  memcpy (out, row->name, name_len);
  char *p = out + name_len;
  *p++ = ' ';
  for (size_t i = 0; i < fp->len; i++) {
    if (i > 0)
      *p++ = ':';
    *p++ = digits[fp->bytes[i] >> 4];
    *p++ = digits[fp->bytes[i] & 0x0f];
  }
  *p = '\0';
  return TC_OK;
}

bool
tc_dtls_fingerprint_equal (const tc_dtls_fingerprint *a,
    const tc_dtls_fingerprint *b)
{
  if (a == NULL || b == NULL || a->hash != b->hash || a->len != b->len
      || a->len > TC_DTLS_FINGERPRINT_MAX_LEN)
    return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a->len; i++)
    diff |= a->bytes[i] ^ b->bytes[i];
  return diff == 0;
}
