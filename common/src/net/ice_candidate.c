/* ice_candidate.c - SDP candidate attribute parser and writer
 * (RFC 8839 section 5.1; tcptype from RFC 6544 section 4.5).
 */
#include "net/ice_candidate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[] = {
  [TC_ICE_CAND_HOST] = "host",
  [TC_ICE_CAND_SRFLX] = "srflx",
  [TC_ICE_CAND_PRFLX] = "prflx",
  [TC_ICE_CAND_RELAY] = "relay",
};

const char *
tc_ice_cand_type_str (tc_ice_cand_type t)
{
  if ((unsigned) t >= sizeof type_names / sizeof type_names[0])
    return "unknown";
  return type_names[t];
}

static bool
is_ice_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
      || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool
tc_ice_is_ice_chars (const char *s, size_t min_len, size_t max_len)
{
  if (s == NULL)
    return false;
  size_t n = 0;
  for (; s[n] != '\0'; n++)
    if (n >= max_len || !is_ice_char (s[n]))
      return false;
  return n >= min_len;
}

/* A cursor over the space-separated tokens of one line. */
typedef struct {
  const char *p;
  const char *end;
} tokens;

/* Next token into (*tok, *len); false at the end of the line. */
static bool
next_token (tokens *t, const char **tok, size_t *len)
{
  while (t->p < t->end && *t->p == ' ')
    t->p++;
  if (t->p == t->end)
    return false;
  *tok = t->p;
  while (t->p < t->end && *t->p != ' ')
    t->p++;
  *len = (size_t) (t->p - *tok);
  return true;
}

static bool
token_is (const char *tok, size_t len, const char *word)
{
  return strlen (word) == len && strncmp (tok, word, len) == 0;
}

static bool
token_is_ci (const char *tok, size_t len, const char *word)
{
  if (strlen (word) != len)
    return false;
  for (size_t i = 0; i < len; i++) {
    char a = tok[i], b = word[i];
    if (a >= 'A' && a <= 'Z')
      a = (char) (a - 'A' + 'a');
    if (a != b)
      return false;
  }
  return true;
}

static tc_status
parse_uint (const char *tok, size_t len, size_t max_digits, uint64_t max,
    uint64_t *out)
{
  if (len == 0 || len > max_digits)
    return TC_ERR_PARSE;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (tok[i] < '0' || tok[i] > '9')
      return TC_ERR_PARSE;
    v = v * 10 + (uint64_t) (tok[i] - '0');
  }
  if (v > max)
    return TC_ERR_PARSE;
  *out = v;
  return TC_OK;
}

static tc_status
copy_token (const char *tok, size_t len, char *dst, size_t dst_max)
{
  if (len > dst_max)
    return TC_ERR_TOO_LARGE;
  memcpy (dst, tok, len);
  dst[len] = '\0';
  return TC_OK;
}

/* Addresses: IP literals or FQDNs; anything printable without spaces
 * would do for the caller, but we keep to what can name a host. */
static tc_status
copy_address (const char *tok, size_t len, char *dst)
{
  for (size_t i = 0; i < len; i++) {
    char c = tok[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-'
            || c == '_' || c == '%'))
      return TC_ERR_PARSE;
  }
  return copy_token (tok, len, dst, TC_ICE_ADDRESS_MAX);
}

static tc_status
parse_port (const char *tok, size_t len, uint16_t *out)
{
  uint64_t v;
  tc_status st = parse_uint (tok, len, 5, 65535, &v);
  if (st == TC_OK)
    *out = (uint16_t) v;
  return st;
}

/* The six positional fields before "typ". */
static tc_status
parse_fixed (tokens *t, tc_ice_candidate *out)
{
  const char *tok;
  size_t len;
  uint64_t v;
  tc_status st;

  if (!next_token (t, &tok, &len) || len == 0)
    return TC_ERR_PARSE;
  for (size_t i = 0; i < len; i++)
    if (!is_ice_char (tok[i]))
      return TC_ERR_PARSE;
  if ((st = copy_token (tok, len, out->foundation, TC_ICE_FOUNDATION_MAX)))
    return st;

  if (!next_token (t, &tok, &len)
      || parse_uint (tok, len, 3, 256, &v) != TC_OK || v == 0)
    return TC_ERR_PARSE;
  out->component = (uint16_t) v;

  if (!next_token (t, &tok, &len))
    return TC_ERR_PARSE;
  if (token_is_ci (tok, len, "udp"))
    out->proto = TC_ICE_PROTO_UDP;
  else if (token_is_ci (tok, len, "tcp"))
    out->proto = TC_ICE_PROTO_TCP;
  else
    return TC_ERR_PARSE;

  if (!next_token (t, &tok, &len)
      || parse_uint (tok, len, 10, UINT32_MAX, &v) != TC_OK)
    return TC_ERR_PARSE;
  out->priority = (uint32_t) v;

  if (!next_token (t, &tok, &len) || len == 0)
    return TC_ERR_PARSE;
  if ((st = copy_address (tok, len, out->address)))
    return st;

  if (!next_token (t, &tok, &len) || parse_port (tok, len, &out->port))
    return TC_ERR_PARSE;
  return TC_OK;
}

static tc_status
parse_type (const char *tok, size_t len, tc_ice_cand_type *out)
{
  for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
    if (token_is (tok, len, type_names[i])) {
      *out = (tc_ice_cand_type) i;
      return TC_OK;
    }
  }
  return TC_ERR_PARSE;
}

/* One "name value" pair after the type. */
static tc_status
parse_extension (const char *name, size_t name_len, const char *val,
    size_t val_len, tc_ice_candidate *out)
{
  if (token_is (name, name_len, "raddr")) {
    out->has_related = true;
    return copy_address (val, val_len, out->related_address);
  }
  if (token_is (name, name_len, "rport"))
    return parse_port (val, val_len, &out->related_port);
  if (token_is (name, name_len, "tcptype")) {
    if (token_is (val, val_len, "active"))
      out->tcptype = TC_ICE_TCPTYPE_ACTIVE;
    else if (token_is (val, val_len, "passive"))
      out->tcptype = TC_ICE_TCPTYPE_PASSIVE;
    else if (token_is (val, val_len, "so"))
      out->tcptype = TC_ICE_TCPTYPE_SO;
    else
      return TC_ERR_PARSE;
    return TC_OK;
  }
  if (token_is (name, name_len, "ufrag")) {
    for (size_t i = 0; i < val_len; i++)
      if (!is_ice_char (val[i]))
        return TC_ERR_PARSE;
    return copy_token (val, val_len, out->ufrag, TC_ICE_UFRAG_MAX);
  }
  return TC_OK;  /* generation, network-id, network-cost, ... */
}

tc_status
tc_ice_candidate_parse (const char *line, tc_ice_candidate *out)
{
  if (line == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);

  if (strncmp (line, "a=", 2) == 0)
    line += 2;
  if (strncmp (line, "candidate:", 10) != 0)
    return TC_ERR_PARSE;
  line += 10;

  size_t n = strlen (line);
  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
    n--;
  if (memchr (line, '\r', n) != NULL || memchr (line, '\n', n) != NULL)
    return TC_ERR_PARSE;
  tokens t = { line, line + n };

  tc_status st = parse_fixed (&t, out);
  if (st != TC_OK)
    return st;

  const char *tok, *val;
  size_t len, val_len;
  if (!next_token (&t, &tok, &len) || !token_is (tok, len, "typ")
      || !next_token (&t, &val, &val_len)
      || parse_type (val, val_len, &out->type) != TC_OK)
    return TC_ERR_PARSE;

  while (next_token (&t, &tok, &len)) {
    if (!next_token (&t, &val, &val_len))
      return TC_ERR_PARSE;  /* a name without a value */
    if ((st = parse_extension (tok, len, val, val_len, out)))
      return st;
  }
  if ((out->proto == TC_ICE_PROTO_TCP) != (out->tcptype != TC_ICE_TCPTYPE_NONE))
    return TC_ERR_PARSE;
  return TC_OK;
}

static const char *
tcptype_str (tc_ice_tcptype t)
{
  switch (t) {
    case TC_ICE_TCPTYPE_ACTIVE: return "active";
    case TC_ICE_TCPTYPE_PASSIVE: return "passive";
    case TC_ICE_TCPTYPE_SO: return "so";
    case TC_ICE_TCPTYPE_NONE: break;
  }
  return NULL;
}

tc_status
tc_ice_candidate_format (const tc_ice_candidate *c, char *out,
    size_t out_size)
{
  if (c == NULL || out == NULL || out_size == 0)
    return TC_ERR_INVALID_ARG;

  size_t used = 0;
  int n = snprintf (out, out_size, "candidate:%s %u %s %" PRIu32 " %s %u typ %s",
      c->foundation, (unsigned) c->component,
      c->proto == TC_ICE_PROTO_TCP ? "tcp" : "udp", c->priority, c->address,
      (unsigned) c->port, tc_ice_cand_type_str (c->type));
  if (n < 0 || (size_t) n >= out_size)
    goto too_large;
  used = (size_t) n;

  if (c->has_related) {
    n = snprintf (out + used, out_size - used, " raddr %s rport %u",
        c->related_address, (unsigned) c->related_port);
    if (n < 0 || (size_t) n >= out_size - used)
      goto too_large;
    used += (size_t) n;
  }
  const char *tcptype = tcptype_str (c->tcptype);
  if (c->proto == TC_ICE_PROTO_TCP && tcptype != NULL) {
    n = snprintf (out + used, out_size - used, " tcptype %s", tcptype);
    if (n < 0 || (size_t) n >= out_size - used)
      goto too_large;
    used += (size_t) n;
  }
  n = snprintf (out + used, out_size - used, " generation 0%s%s",
      c->ufrag[0] ? " ufrag " : "", c->ufrag);
  if (n < 0 || (size_t) n >= out_size - used)
    goto too_large;
  return TC_OK;

too_large:
  out[0] = '\0';
  return TC_ERR_TOO_LARGE;
}

bool
tc_ice_candidate_is_mdns (const tc_ice_candidate *c)
{
  size_t n = strlen (c->address);
  return n > 6 && strcmp (c->address + n - 6, ".local") == 0;
}

bool
tc_ice_candidate_allowed (const tc_ice_candidate *c, bool relay_only)
{
  if (c->type == TC_ICE_CAND_PRFLX)
    return false;  /* learned during checks; never signalled */
  return !relay_only || c->type == TC_ICE_CAND_RELAY;
}
