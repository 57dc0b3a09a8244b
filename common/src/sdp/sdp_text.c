/* sdp_text.c - character classes, words and numbers of SDP text.
 *
 * RFC 8866 section 9 grammar: fields are separated by single spaces (we
 * accept runs of them and write one), numbers are plain decimal digits.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

bool
tc_sdp_is_token_char (int c)
{
  if (g_ascii_isalnum (c))
    return true;
  return c != '\0' && strchr ("!#$%&'*+-.^_`{|}~", c) != NULL;
}

bool
tc_sdp_is_digit (int c)
{
  return c >= '0' && c <= '9';
}

bool
tc_sdp_is_ice_char (int c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

bool
tc_sdp_all (const char *s, size_t n, bool (*cls) (int))
{
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!cls ((unsigned char) s[i]))
      return false;
  }
  return true;
}

bool
tc_sdp_is_token (const char *s, size_t n, size_t max)
{
  return n <= max && tc_sdp_all (s, n, tc_sdp_is_token_char);
}

const char *
tc_sdp_word (const char **p, size_t *len)
{
  const char *s = *p;
  while (*s == ' ')
    s++;
  const char *start = s;
  while (*s != '\0' && *s != ' ')
    s++;
  *p = s;
  *len = (size_t) (s - start);
  return *len > 0 ? start : NULL;
}

const char *
tc_sdp_rest (const char *p)
{
  if (p == NULL)
    return NULL;  /* an attribute without a value ("a=ssrc") */
  while (*p == ' ')
    p++;
  return *p != '\0' ? p : NULL;
}

bool
tc_sdp_u64 (const char *s, size_t n, uint64_t max, uint64_t *out)
{
  if (s == NULL || n == 0 || n > 20)
    return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!g_ascii_isdigit (s[i]))
      return false;
    unsigned d = (unsigned) (s[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return false;
    v = v * 10 + d;
  }
  if (v > max)
    return false;
  *out = v;
  return true;
}

bool
tc_sdp_u32 (const char *s, size_t n, uint32_t max, uint32_t *out)
{
  uint64_t v;
  if (!tc_sdp_u64 (s, n, max, &v))
    return false;
  *out = (uint32_t) v;
  return true;
}
