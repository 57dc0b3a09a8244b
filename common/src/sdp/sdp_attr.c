/* sdp_attr.c - a= lines: dispatch by name, and the transport and session
 * attributes (ICE RFC 8839, DTLS RFC 8122/8842, BUNDLE RFC 8843, msid
 * RFC 8830, mid, directions, rtcp-mux, candidates). RTP attributes are in
 * sdp_attr_rtp.c. An attribute we do not know is kept verbatim; one we know
 * must be well formed. */
#include "sdp/sdp_internal.h"

#include <string.h>

enum { AT_SESSION = 1, AT_MEDIA = 2, AT_ANY = 3 };

/* ------------------------------------------------------------------ ICE */

static tc_status
set_ice_string (tc_sdp_parser *p, char **field, const char *value,
    size_t min, const char *why)
{
  size_t n = value != NULL ? strlen (value) : 0;
  if (*field != NULL || n < min || n > 256
      || !tc_sdp_all (value, n, tc_sdp_is_ice_char))
    return tc_sdp_fail (p, TC_ERR_PARSE, why);
  *field = g_strdup (value);
  return TC_OK;
}

static tc_status
attr_ice_ufrag (tc_sdp_parser *p, const char *value)
{
  return set_ice_string (p, &p->common->ice_ufrag, value, 4, "a=ice-ufrag");
}

static tc_status
attr_ice_pwd (tc_sdp_parser *p, const char *value)
{
  return set_ice_string (p, &p->common->ice_pwd, value, 22, "a=ice-pwd");
}

static tc_status
attr_ice_options (tc_sdp_parser *p, const char *value)
{
  if (value == NULL || p->common->ice_options != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=ice-options");
  GString *s = g_string_new (NULL);
  const char *w;
  size_t n;
  bool ok = true;
  while (ok && (w = tc_sdp_word (&value, &n)) != NULL) {
    ok = tc_sdp_is_token (w, n, 64);
    g_string_append_printf (s, "%s%.*s", s->len > 0 ? " " : "", (int) n, w);
  }
  if (!ok || s->len == 0) {
    g_string_free (s, TRUE);
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=ice-options");
  }
  p->common->ice_options = g_string_free (s, FALSE);
  return TC_OK;
}

static tc_status
attr_candidate (tc_sdp_parser *p, const char *value)
{
  if (value == NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=candidate");
  char *raw = g_strconcat ("candidate:", value, NULL);
  tc_sdp_candidate cand;
  const char *why;
  tc_status st = tc_sdp_candidate_parse (raw, strlen (raw), &cand, &why);
  if (st != TC_OK) {
    g_free (raw);
    return tc_sdp_fail (p, st, "a=candidate");
  }
  tc_sdp_candidate_line *l = TC_SDP_PUSH (p->media->candidates,
      p->media->n_candidates);
  l->raw = raw;
  l->cand = cand;
  return TC_OK;
}

/* ----------------------------------------------------------------- DTLS */

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = g_ascii_tolower (c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Digest length for the hash functions of RFC 8122; 0 for others. */
static size_t
digest_len (const char *alg)
{
  static const struct { const char *name; size_t len; } table[] = {
    {"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48},
    {"sha-512", 64}, {"md5", 16}, {"md2", 16},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++) {
    if (g_ascii_strcasecmp (alg, table[i].name) == 0)
      return table[i].len;
  }
  return 0;
}

/* "<hash-func> XX:XX:..." with two hex digits per byte. */
static tc_status
parse_fingerprint (const char *value, tc_sdp_fingerprint *fp)
{
  const char *s = value;
  size_t n;
  const char *alg = tc_sdp_word (&s, &n);
  if (alg == NULL || !tc_sdp_is_token (alg, n, sizeof fp->algorithm - 1))
    return TC_ERR_PARSE;
  memset (fp, 0, sizeof *fp);
  memcpy (fp->algorithm, alg, n);
  const char *hex = tc_sdp_word (&s, &n);
  if (hex == NULL || tc_sdp_rest (s) != NULL || (n + 1) % 3 != 0
      || (n + 1) / 3 > TC_SDP_FINGERPRINT_MAX)
    return TC_ERR_PARSE;
  for (size_t i = 0; i < n; i += 3) {
    int hi = hex_value (hex[i]), lo = hex_value (hex[i + 1]);
    if (hi < 0 || lo < 0 || (i + 2 < n && hex[i + 2] != ':'))
      return TC_ERR_PARSE;
    fp->bytes[fp->len++] = (uint8_t) (hi << 4 | lo);
  }
  size_t want = digest_len (fp->algorithm);
  return want == 0 || want == fp->len ? TC_OK : TC_ERR_PARSE;
}

static tc_status
attr_fingerprint (tc_sdp_parser *p, const char *value)
{
  tc_sdp_fingerprint fp;
  if (value == NULL || p->common->fingerprint.len > 0
      || parse_fingerprint (value, &fp) != TC_OK)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=fingerprint");
  p->common->fingerprint = fp;
  return TC_OK;
}

static tc_status
attr_setup (tc_sdp_parser *p, const char *value)
{
  static const char *const names[] = {
    [TC_SDP_SETUP_ACTPASS] = "actpass", [TC_SDP_SETUP_ACTIVE] = "active",
    [TC_SDP_SETUP_PASSIVE] = "passive", [TC_SDP_SETUP_HOLDCONN] = "holdconn",
  };
  for (size_t i = 1; value != NULL && i < G_N_ELEMENTS (names); i++) {
    if (strcmp (value, names[i]) == 0 && p->common->setup == TC_SDP_SETUP_NONE) {
      p->common->setup = (tc_sdp_setup) i;
      return TC_OK;
    }
  }
  return tc_sdp_fail (p, TC_ERR_PARSE, "a=setup");
}

/* --------------------------------------------------------------- session */

static tc_status
attr_group (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  if (w == NULL || !tc_sdp_is_token (w, n, 32))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=group");
  tc_sdp_group *g = TC_SDP_PUSH (p->sdp->groups, p->sdp->n_groups);
  g->semantics = g_strndup (w, n);
  while ((w = tc_sdp_word (&s, &n)) != NULL) {
    if (!tc_sdp_is_token (w, n, TC_SDP_MAX_ID))
      return tc_sdp_fail (p, TC_ERR_PARSE, "a=group");
    if (g->n_mids >= TC_SDP_MAX_LIST)
      return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "a=group too long");
    *TC_SDP_PUSH (g->mids, g->n_mids) = g_strndup (w, n);
  }
  return TC_OK;
}

static tc_status
attr_msid_semantic (tc_sdp_parser *p, const char *value)
{
  const char *rest = value != NULL ? tc_sdp_rest (value) : NULL;
  if (rest == NULL || p->sdp->msid_semantic != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=msid-semantic");
  p->sdp->msid_semantic = g_strdup (rest);
  return TC_OK;
}

/* ----------------------------------------------------------------- media */

static tc_status
attr_mid (tc_sdp_parser *p, const char *value)
{
  size_t n = value != NULL ? strlen (value) : 0;
  if (p->media->mid != NULL || !tc_sdp_is_token (value, n, TC_SDP_MAX_ID))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=mid");
  if (tc_sdp_find_mid (p->sdp, value) != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=mid not unique");
  p->media->mid = g_strdup (value);
  return TC_OK;
}

static tc_status
set_direction (tc_sdp_parser *p, const char *value, tc_sdp_direction dir)
{
  if (value != NULL || p->media->direction != TC_SDP_DIR_NONE)
    return tc_sdp_fail (p, TC_ERR_PARSE, "direction attribute");
  p->media->direction = dir;
  return TC_OK;
}

static tc_status
attr_sendrecv (tc_sdp_parser *p, const char *value)
{
  return set_direction (p, value, TC_SDP_DIR_SENDRECV);
}

static tc_status
attr_sendonly (tc_sdp_parser *p, const char *value)
{
  return set_direction (p, value, TC_SDP_DIR_SENDONLY);
}

static tc_status
attr_recvonly (tc_sdp_parser *p, const char *value)
{
  return set_direction (p, value, TC_SDP_DIR_RECVONLY);
}

static tc_status
attr_inactive (tc_sdp_parser *p, const char *value)
{
  return set_direction (p, value, TC_SDP_DIR_INACTIVE);
}

/* Property attributes (no value); a repeat changes nothing. */
static tc_status
set_flag (tc_sdp_parser *p, const char *value, bool *flag, const char *why)
{
  if (value != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, why);
  *flag = true;
  return TC_OK;
}

static tc_status
attr_rtcp_mux (tc_sdp_parser *p, const char *value)
{
  return set_flag (p, value, &p->media->rtcp_mux, "a=rtcp-mux");
}

static tc_status
attr_rtcp_rsize (tc_sdp_parser *p, const char *value)
{
  return set_flag (p, value, &p->media->rtcp_rsize, "a=rtcp-rsize");
}

static tc_status
attr_end_of_candidates (tc_sdp_parser *p, const char *value)
{
  return set_flag (p, value, &p->media->end_of_candidates,
      "a=end-of-candidates");
}

static tc_status
attr_extmap_allow_mixed (tc_sdp_parser *p, const char *value)
{
  return set_flag (p, value, &p->common->extmap_allow_mixed,
      "a=extmap-allow-mixed");
}

/* a=rtcp:<port> [<nettype> <addrtype> <address>] (RFC 3605). */
static tc_status
attr_rtcp (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  uint32_t port;
  if (w == NULL || p->media->rtcp_port >= 0 || !tc_sdp_u32 (w, n, 65535, &port))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=rtcp");
  p->media->rtcp_port = (int32_t) port;
  p->media->rtcp_address = g_strdup (tc_sdp_rest (s));
  return TC_OK;
}

/* --------------------------------------------------------------- dispatch */

static const struct {
  const char *name;
  unsigned scope;
  tc_sdp_attr_fn fn;
} attrs[] = {
  {"ice-ufrag", AT_ANY, attr_ice_ufrag},
  {"ice-pwd", AT_ANY, attr_ice_pwd},
  {"ice-options", AT_ANY, attr_ice_options},
  {"fingerprint", AT_ANY, attr_fingerprint},
  {"setup", AT_ANY, attr_setup},
  {"extmap-allow-mixed", AT_ANY, attr_extmap_allow_mixed},
  {"group", AT_SESSION, attr_group},
  {"msid-semantic", AT_SESSION, attr_msid_semantic},
  {"mid", AT_MEDIA, attr_mid},
  {"sendrecv", AT_MEDIA, attr_sendrecv},
  {"sendonly", AT_MEDIA, attr_sendonly},
  {"recvonly", AT_MEDIA, attr_recvonly},
  {"inactive", AT_MEDIA, attr_inactive},
  {"rtcp-mux", AT_MEDIA, attr_rtcp_mux},
  {"rtcp-rsize", AT_MEDIA, attr_rtcp_rsize},
  {"rtcp", AT_MEDIA, attr_rtcp},
  {"candidate", AT_MEDIA, attr_candidate},
  {"end-of-candidates", AT_MEDIA, attr_end_of_candidates},
};

static tc_sdp_attr_fn
find_handler (const char *name, bool media)
{
  unsigned scope = media ? AT_MEDIA : AT_SESSION;
  for (size_t i = 0; i < G_N_ELEMENTS (attrs); i++) {
    if (strcmp (attrs[i].name, name) == 0)
      return (attrs[i].scope & scope) != 0 ? attrs[i].fn : NULL;
  }
  if (strcmp (name, "extmap") == 0 || media)
    return tc_sdp_rtp_attr_handler (name);
  return NULL;
}

/* `line` is the text after "a=": "<name>" or "<name>:<value>". */
tc_status
tc_sdp_parse_attr (tc_sdp_parser *p, const char *line)
{
  const char *colon = strchr (line, ':');
  size_t n = colon != NULL ? (size_t) (colon - line) : strlen (line);
  char name[65];

  if (!tc_sdp_is_token (line, n, sizeof name - 1))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a= name");
  memcpy (name, line, n);
  name[n] = '\0';
  const char *value = colon != NULL ? colon + 1 : NULL;
  tc_sdp_attr_fn fn = find_handler (name, p->media != NULL);
  if (fn != NULL)
    return fn (p, value);
  tc_sdp_add_attr (p->common, name, value);
  return TC_OK;
}
