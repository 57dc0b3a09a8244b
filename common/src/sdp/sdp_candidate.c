/* sdp_candidate.c - ICE candidate lines, parsed and formatted (RFC 8839
 * section 5.1, tcptype from RFC 6544):
 *
 *   candidate:<foundation> <component> <transport> <priority>
 *             <address> <port> typ <host|srflx|prflx|relay>
 *             [raddr <address> rport <port>] [tcptype <active|passive|so>]
 *             *(<extension name> <extension value>)
 *
 * Used for candidates inside an SDP and for trickled {candidate} messages.
 * Pure and allocation-free: the result lives in the caller's struct.
 */
#include "sdp/sdp_internal.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *s;          /* rest of the text */
  const char *why;
} cand_reader;

static bool
fail (cand_reader *r, const char *why)
{
  r->why = why;
  return false;
}

static const char *const type_names[] = {
  [TC_SDP_CAND_HOST] = "host", [TC_SDP_CAND_SRFLX] = "srflx",
  [TC_SDP_CAND_PRFLX] = "prflx", [TC_SDP_CAND_RELAY] = "relay",
};

const char *
tc_sdp_cand_type_str (tc_sdp_cand_type type)
{
  return (unsigned) type < G_N_ELEMENTS (type_names) ? type_names[type] : "unknown";
}

static bool
is_host_char (int c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.';
}

/* An IPv4 or IPv6 literal, or a host name (mDNS "<uuid>.local"). */
static bool
valid_address (const char *w, size_t n, char *out, size_t size)
{
  unsigned char bin[16];
  if (n == 0 || n >= size)
    return false;
  memcpy (out, w, n);
  out[n] = '\0';
  if (inet_pton (AF_INET, out, bin) == 1 || inet_pton (AF_INET6, out, bin) == 1)
    return true;
  return tc_sdp_all (out, n, is_host_char) && out[0] != '.' && out[0] != '-'
      && strstr (out, "..") == NULL;
}

static bool
word_u32 (cand_reader *r, uint32_t min, uint32_t max, uint32_t *out)
{
  size_t n;
  const char *w = tc_sdp_word (&r->s, &n);
  return w != NULL && tc_sdp_u32 (w, n, max, out) && *out >= min;
}

static bool
word_is (cand_reader *r, const char *const *names, size_t count, size_t *idx)
{
  size_t n;
  const char *w = tc_sdp_word (&r->s, &n);
  for (size_t i = 0; w != NULL && i < count; i++) {
    if (names[i] != NULL && strlen (names[i]) == n
        && g_ascii_strncasecmp (w, names[i], n) == 0) {
      *idx = i;
      return true;
    }
  }
  return false;
}

static bool
word_copy (cand_reader *r, char *dst, size_t size, bool (*cls) (int))
{
  size_t n;
  const char *w = tc_sdp_word (&r->s, &n);
  if (w == NULL || n >= size || !tc_sdp_all (w, n, cls))
    return false;
  memcpy (dst, w, n);
  dst[n] = '\0';
  return true;
}

static bool
word_address (cand_reader *r, char *dst, size_t size)
{
  size_t n;
  const char *w = tc_sdp_word (&r->s, &n);
  return w != NULL && valid_address (w, n, dst, size);
}

static bool
is_visible (int c)
{
  return c > 0x20 && c != 0x7f;
}

static bool
is_visible_or_space (int c)
{
  return c >= 0x20 && c != 0x7f;
}

/* foundation component transport priority address port "typ" type */
static bool
read_fixed (cand_reader *r, tc_sdp_candidate *c)
{
  static const char *const transports[] = { "udp", "tcp" };
  static const char *const typ[] = { "typ" };
  uint32_t v;
  size_t idx;

  if (!word_copy (r, c->foundation, sizeof c->foundation, tc_sdp_is_ice_char))
    return fail (r, "candidate foundation");
  if (!word_u32 (r, 1, 256, &v))
    return fail (r, "candidate component");
  c->component = (uint16_t) v;
  const char *t = r->s;
  if (!word_is (r, transports, 2, &idx))
    return fail (r, "candidate transport");
  memcpy (c->transport, tc_sdp_rest (t), 3);
  if (!word_u32 (r, 1, 0x7fffffffu, &c->priority))
    return fail (r, "candidate priority");
  if (!word_address (r, c->address, sizeof c->address))
    return fail (r, "candidate address");
  if (!word_u32 (r, 0, 65535, &v))
    return fail (r, "candidate port");
  c->port = (uint16_t) v;
  if (!word_is (r, typ, 1, &idx) || !word_is (r, type_names, 4, &idx))
    return fail (r, "candidate type");
  c->type = (tc_sdp_cand_type) idx;
  return true;
}

static bool
read_related (cand_reader *r, tc_sdp_candidate *c, bool port)
{
  uint32_t v;
  if (!port)
    return (c->raddr[0] == '\0' && word_address (r, c->raddr, sizeof c->raddr))
        || fail (r, "candidate raddr");
  if (c->raddr[0] == '\0' || c->rport >= 0 || !word_u32 (r, 0, 65535, &v))
    return fail (r, "candidate rport");
  c->rport = (int32_t) v;
  return true;
}

static bool
read_tcptype (cand_reader *r, tc_sdp_candidate *c)
{
  static const char *const tcptypes[] = { "active", "passive", "so" };
  size_t idx;
  if (c->tcptype[0] != '\0' || g_ascii_strcasecmp (c->transport, "tcp") != 0
      || !word_is (r, tcptypes, 3, &idx))
    return fail (r, "candidate tcptype");
  g_strlcpy (c->tcptype, tcptypes[idx], sizeof c->tcptype);
  return true;
}

static bool
read_extension (cand_reader *r, tc_sdp_candidate *c, const char *name,
    size_t n)
{
  if (c->n_ext >= TC_SDP_CAND_MAX_EXT)
    return fail (r, "too many candidate extensions");
  tc_sdp_cand_ext *e = &c->ext[c->n_ext];
  if (n >= sizeof e->name || !tc_sdp_all (name, n, tc_sdp_is_token_char)
      || !word_copy (r, e->value, sizeof e->value, is_visible))
    return fail (r, "candidate extension");
  memcpy (e->name, name, n);
  e->name[n] = '\0';
  c->n_ext++;
  return true;
}

static bool
read_option (cand_reader *r, tc_sdp_candidate *c, const char *name, size_t n)
{
  if (n == 5 && memcmp (name, "raddr", 5) == 0)
    return read_related (r, c, false);
  if (n == 5 && memcmp (name, "rport", 5) == 0)
    return read_related (r, c, true);
  if (n == 7 && memcmp (name, "tcptype", 7) == 0)
    return read_tcptype (r, c);
  return read_extension (r, c, name, n);
}

static bool
read_options (cand_reader *r, tc_sdp_candidate *c)
{
  size_t n;
  const char *w;
  while ((w = tc_sdp_word (&r->s, &n)) != NULL) {
    if (!read_option (r, c, w, n))
      return false;
  }
  if (c->raddr[0] != '\0' && c->rport < 0)
    return fail (r, "candidate raddr without rport");
  return true;
}

static const char *
skip_prefix (const char *s)
{
  if (g_str_has_prefix (s, "a="))
    s += 2;
  if (g_str_has_prefix (s, "candidate:"))
    s += strlen ("candidate:");
  return s;
}

tc_status
tc_sdp_candidate_parse (const char *text, size_t len, tc_sdp_candidate *out,
    const char **why)
{
  char buf[TC_SDP_CAND_MAX_LEN + 1];
  cand_reader r = { buf, NULL };

  g_return_val_if_fail (out != NULL && (text != NULL || len == 0),
      TC_ERR_INVALID_ARG);
  memset (out, 0, sizeof *out);
  out->rport = -1;
  if (why != NULL)
    *why = NULL;
  if (len > TC_SDP_CAND_MAX_LEN) {
    if (why != NULL)
      *why = "candidate too long";
    return TC_ERR_TOO_LARGE;
  }
  memcpy (buf, text != NULL ? text : "", len);
  buf[len] = '\0';
  if (len == 0)
    r.why = "empty candidate";
  else if (strlen (buf) != len || !tc_sdp_all (buf, len, is_visible_or_space))
    r.why = "control character in candidate";
  r.s = skip_prefix (buf);
  if (r.why == NULL && read_fixed (&r, out) && read_options (&r, out))
    return TC_OK;
  memset (out, 0, sizeof *out);
  out->rport = -1;
  if (why != NULL)
    *why = r.why;
  return TC_ERR_PARSE;
}

static size_t G_GNUC_PRINTF (4, 5)
append (char *buf, size_t size, size_t at, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (at < size ? buf + at : NULL, at < size ? size - at : 0,
      fmt, ap);
  va_end (ap);
  return n > 0 ? (size_t) n : 0;
}

size_t
tc_sdp_candidate_format (const tc_sdp_candidate *c, char *buf, size_t size)
{
  g_return_val_if_fail (c != NULL && (buf != NULL || size == 0), 0);
  size_t n = append (buf, size, 0, "candidate:%s %u %s %u %s %u typ %s",
      c->foundation, c->component, c->transport, c->priority, c->address,
      c->port, tc_sdp_cand_type_str (c->type));
  if (c->raddr[0] != '\0')
    n += append (buf, size, n, " raddr %s", c->raddr);
  if (c->rport >= 0)
    n += append (buf, size, n, " rport %d", c->rport);
  if (c->tcptype[0] != '\0')
    n += append (buf, size, n, " tcptype %s", c->tcptype);
  for (size_t i = 0; i < c->n_ext && i < TC_SDP_CAND_MAX_EXT; i++)
    n += append (buf, size, n, " %s %s", c->ext[i].name, c->ext[i].value);
  return n;
}

const char *
tc_sdp_candidate_ext (const tc_sdp_candidate *c, const char *name)
{
  for (size_t i = 0; c != NULL && name != NULL && i < c->n_ext; i++) {
    if (strcmp (c->ext[i].name, name) == 0)
      return c->ext[i].value;
  }
  return NULL;
}
