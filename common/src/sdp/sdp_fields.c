/* sdp_fields.c - the non-attribute lines of RFC 8866 section 5:
 * o= s= t= c= b= m=, and i= u= e= p= r= z= k= kept verbatim. */
#include "sdp/sdp_internal.h"

#include <string.h>

/* Splits `value` into exactly `n` words; FALSE on fewer or more. */
static bool
split_words (const char *value, const char **w, size_t *len, size_t n)
{
  const char *p = value;
  for (size_t i = 0; i < n; i++) {
    w[i] = tc_sdp_word (&p, &len[i]);
    if (w[i] == NULL)
      return false;
  }
  return tc_sdp_rest (p) == NULL;
}

static tc_status
parse_origin (tc_sdp_parser *p, const char *value)
{
  const char *w[6];
  size_t n[6];
  tc_sdp_origin *o = &p->sdp->origin;

  if (p->seen_o)
    return tc_sdp_fail (p, TC_ERR_PARSE, "o= repeated");
  if (!split_words (value, w, n, 6) || n[1] > 32
      || !tc_sdp_all (w[1], n[1], tc_sdp_is_digit)
      || !tc_sdp_u64 (w[2], n[2], UINT64_MAX, &o->session_version)
      || !tc_sdp_is_token (w[3], n[3], 32) || !tc_sdp_is_token (w[4], n[4], 32))
    return tc_sdp_fail (p, TC_ERR_PARSE, "o=");
  p->seen_o = true;
  o->username = g_strndup (w[0], n[0]);
  o->session_id = g_strndup (w[1], n[1]);
  o->nettype = g_strndup (w[3], n[3]);
  o->addrtype = g_strndup (w[4], n[4]);
  o->address = g_strndup (w[5], n[5]);
  return TC_OK;
}

static tc_status
parse_time (tc_sdp_parser *p, const char *value)
{
  const char *w[2];
  size_t n[2];

  if (p->seen_t)
    return tc_sdp_fail (p, TC_ERR_PARSE, "t= repeated");
  if (!split_words (value, w, n, 2)
      || !tc_sdp_u64 (w[0], n[0], UINT64_MAX, &p->sdp->time_start)
      || !tc_sdp_u64 (w[1], n[1], UINT64_MAX, &p->sdp->time_stop))
    return tc_sdp_fail (p, TC_ERR_PARSE, "t=");
  p->seen_t = true;
  return TC_OK;
}

static tc_status
parse_connection (tc_sdp_parser *p, const char *value)
{
  const char *w[3];
  size_t n[3];

  if (p->common->connection != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "c= repeated");
  if (!split_words (value, w, n, 3) || !tc_sdp_is_token (w[0], n[0], 32)
      || !tc_sdp_is_token (w[1], n[1], 32))
    return tc_sdp_fail (p, TC_ERR_PARSE, "c=");
  tc_sdp_connection *c = g_new0 (tc_sdp_connection, 1);
  c->nettype = g_strndup (w[0], n[0]);
  c->addrtype = g_strndup (w[1], n[1]);
  c->address = g_strndup (w[2], n[2]);
  p->common->connection = c;
  return TC_OK;
}

static tc_status
parse_bandwidth (tc_sdp_parser *p, const char *value)
{
  const char *colon = strchr (value, ':');
  uint32_t v;

  if (colon == NULL || !tc_sdp_is_token (value, (size_t) (colon - value), 32)
      || !tc_sdp_u32 (colon + 1, strlen (colon + 1), UINT32_MAX, &v))
    return tc_sdp_fail (p, TC_ERR_PARSE, "b=");
  tc_sdp_bandwidth *b = TC_SDP_PUSH (p->common->bandwidths,
      p->common->n_bandwidths);
  b->type = g_strndup (value, (size_t) (colon - value));
  b->value = v;
  return TC_OK;
}

static bool
is_proto_char (int c)
{
  return c == '/' || tc_sdp_is_token_char (c);
}

/* One format of an m= line: a canonical payload type for RTP, a token
 * otherwise. NULL when invalid. */
static char *
parse_format (const char *w, size_t n, bool rtp)
{
  uint32_t pt;
  if (rtp)
    return tc_sdp_u32 (w, n, 127, &pt) ? g_strdup_printf ("%u", pt) : NULL;
  return tc_sdp_is_token (w, n, 64) ? g_strndup (w, n) : NULL;
}

static tc_status
add_format (tc_sdp_parser *p, const char *w, size_t n)
{
  tc_sdp_media *m = p->media;
  char *fmt = parse_format (w, n, tc_sdp_is_rtp_proto (m->proto));

  if (fmt == NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= format");
  for (size_t i = 0; i < m->n_formats; i++) {
    if (strcmp (m->formats[i], fmt) == 0) {
      g_free (fmt);
      return tc_sdp_fail (p, TC_ERR_PARSE, "m= format repeated");
    }
  }
  if (m->n_formats >= TC_SDP_MAX_FORMATS) {
    g_free (fmt);
    return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "too many m= formats");
  }
  *TC_SDP_PUSH (m->formats, m->n_formats) = fmt;
  return TC_OK;
}

/* "<port>" or "<port>/<count>". */
static bool
parse_port (tc_sdp_media *m, const char *w, size_t n)
{
  const char *slash = memchr (w, '/', n);
  size_t plen = slash != NULL ? (size_t) (slash - w) : n;
  uint32_t port, count = 0;

  if (!tc_sdp_u32 (w, plen, 65535, &port))
    return false;
  if (slash != NULL && (!tc_sdp_u32 (slash + 1, n - plen - 1, 65535, &count)
          || count == 0))
    return false;
  m->port = (uint16_t) port;
  m->n_ports = (uint16_t) count;
  return true;
}

static tc_status
parse_media (tc_sdp_parser *p, const char *value)
{
  tc_sdp_media *m = p->media;
  const char *s = value;
  size_t n;
  const char *w = tc_sdp_word (&s, &n);

  if (w == NULL || !tc_sdp_is_token (w, n, 32))
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= media type");
  m->kind = g_strndup (w, n);
  w = tc_sdp_word (&s, &n);
  if (w == NULL || !parse_port (m, w, n))
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= port");
  w = tc_sdp_word (&s, &n);
  if (w == NULL || n > 64 || !tc_sdp_all (w, n, is_proto_char))
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= proto");
  m->proto = g_strndup (w, n);
  tc_status st = TC_OK;
  while (st == TC_OK && (w = tc_sdp_word (&s, &n)) != NULL)
    st = add_format (p, w, n);
  if (st == TC_OK && m->n_formats == 0)
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= without formats");
  return st;
}

/* Lines we do not interpret but keep: i= k= anywhere, u= e= p= r= z= at
 * session level only. */
static tc_status
keep_line (tc_sdp_parser *p, char type, const char *value)
{
  if (p->media != NULL && type != 'i' && type != 'k')
    return tc_sdp_fail (p, TC_ERR_PARSE, "session line in a media section");
  tc_sdp_line *l = TC_SDP_PUSH (p->common->lines, p->common->n_lines);
  l->type = type;
  l->value = g_strdup (value);
  return TC_OK;
}

static tc_status
session_only (tc_sdp_parser *p, char type, const char *value)
{
  if (p->media != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "o=, s= or t= in a media section");
  switch (type) {
    case 'o':
      return parse_origin (p, value);
    case 't':
      return parse_time (p, value);
    default:
      break;
  }
  if (p->seen_s)
    return tc_sdp_fail (p, TC_ERR_PARSE, "s= repeated");
  p->seen_s = true;
  p->sdp->session_name = g_strdup (value);
  return TC_OK;
}

tc_status
tc_sdp_parse_field (tc_sdp_parser *p, char type, const char *value)
{
  switch (type) {
    case 'o':
    case 's':
    case 't':
      return session_only (p, type, value);
    case 'c':
      return parse_connection (p, value);
    case 'b':
      return parse_bandwidth (p, value);
    case 'm':
      return parse_media (p, value);
    case 'i':
    case 'k':
    case 'u':
    case 'e':
    case 'p':
    case 'r':
    case 'z':
      return keep_line (p, type, value);
    default:
      return tc_sdp_fail (p, TC_ERR_PARSE, "unknown line type");
  }
}
