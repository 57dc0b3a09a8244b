/* sdp_parse.c - SDP text to tc_sdp: framing, limits and section structure.
 *
 * Splits the text into lines (\r\n or \n), enforces the limits of tc_sdp.h,
 * rejects NUL and control bytes, and hands each line to the field or
 * attribute parsers. Finally the canonical form must fit the same limits,
 * so whatever we accept serializes into text we accept again.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

static tc_status
check_bytes (tc_sdp_parser *p, const char *line, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char) line[i];
    if (c == '\0')
      return tc_sdp_fail (p, TC_ERR_PARSE, "NUL byte");
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return tc_sdp_fail (p, TC_ERR_PARSE, "control character");
  }
  return TC_OK;
}

static tc_status
start_media (tc_sdp_parser *p, const char *value)
{
  if (!p->seen_o || !p->seen_s || !p->seen_t)
    return tc_sdp_fail (p, TC_ERR_PARSE, "m= before o=, s= and t=");
  if (p->sdp->n_media >= TC_SDP_MAX_MEDIA)
    return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "too many m= sections");
  p->media = tc_sdp_add_media (p->sdp);
  p->common = &p->media->common;
  p->n_lines = 0;
  return tc_sdp_parse_field (p, 'm', value);
}

/* `line` is one NUL-terminated line without its ending, at least "x=", not
 * the leading v=. */
static tc_status
dispatch (tc_sdp_parser *p, const char *line)
{
  char type = line[0];
  const char *value = line + 2;

  if (++p->n_lines > TC_SDP_MAX_ATTRS)
    return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "too many lines in a section");
  switch (type) {
    case 'm':
      return start_media (p, value);
    case 'a':
      return tc_sdp_parse_attr (p, value);
    default:
      return tc_sdp_parse_field (p, type, value);
  }
}

static tc_status
parse_line (tc_sdp_parser *p, const char *text, size_t n, bool *first)
{
  char buf[TC_SDP_MAX_LINE + 1];

  if (n > TC_SDP_MAX_LINE)
    return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "line too long");
  tc_status st = check_bytes (p, text, n);
  if (st != TC_OK || n == 0)
    return st;
  memcpy (buf, text, n);
  buf[n] = '\0';
  if (n < 2 || buf[1] != '=' || !g_ascii_islower (buf[0]))
    return tc_sdp_fail (p, TC_ERR_PARSE, "line is not <letter>=<value>");
  if (*first) {
    *first = false;
    if (strcmp (buf, "v=0") != 0)
      return tc_sdp_fail (p, TC_ERR_PARSE, "v=0 must come first");
    return TC_OK;
  }
  if (buf[0] == 'v')
    return tc_sdp_fail (p, TC_ERR_PARSE, "v= repeated");
  return dispatch (p, buf);
}

static tc_status
check_complete (tc_sdp_parser *p, bool first)
{
  if (first)
    return tc_sdp_fail (p, TC_ERR_PARSE, "empty SDP");
  if (!p->seen_o)
    return tc_sdp_fail (p, TC_ERR_PARSE, "missing o=");
  if (!p->seen_s)
    return tc_sdp_fail (p, TC_ERR_PARSE, "missing s=");
  if (!p->seen_t)
    return tc_sdp_fail (p, TC_ERR_PARSE, "missing t=");
  if (p->sdp->n_media == 0)
    return tc_sdp_fail (p, TC_ERR_PARSE, "missing m=");
  return TC_OK;
}

/* Normalization (single spaces, decimal numbers, upper-case fingerprints,
 * "a=msid-semantic: ") may change line lengths a little: hold the canonical
 * text to the same limits as the input. */
static tc_status
check_canonical (tc_sdp_parser *p)
{
  char *text = tc_sdp_serialize (p->sdp);
  size_t len = strlen (text);
  bool ok = len <= TC_SDP_MAX_SIZE;
  for (const char *s = text; ok && *s != '\0';) {
    const char *nl = strchr (s, '\n');
    ok = (size_t) (nl - s) - 1 <= TC_SDP_MAX_LINE;
    s = nl + 1;
  }
  g_free (text);
  return ok ? TC_OK : tc_sdp_fail (p, TC_ERR_TOO_LARGE, "canonical SDP too large");
}

static tc_status
parse_lines (tc_sdp_parser *p, const char *text, size_t len)
{
  const char *pos = text;
  const char *end = text + len;
  bool first = true;
  tc_status st = TC_OK;

  while (pos < end && st == TC_OK) {
    const char *nl = memchr (pos, '\n', (size_t) (end - pos));
    const char *stop = nl != NULL ? nl : end;
    size_t n = (size_t) (stop - pos);
    if (n > 0 && pos[n - 1] == '\r')
      n--;
    st = parse_line (p, pos, n, &first);
    pos = nl != NULL ? nl + 1 : end;
  }
  if (st == TC_OK)
    st = check_complete (p, first);
  return st;
}

tc_status
tc_sdp_parse (const char *text, size_t len, tc_sdp **out, const char **why)
{
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;
  if (why != NULL)
    *why = NULL;
  g_return_val_if_fail (text != NULL || len == 0, TC_ERR_INVALID_ARG);

  tc_sdp_parser p = { 0 };
  if (len > TC_SDP_MAX_SIZE) {
    if (why != NULL)
      *why = "SDP larger than 64 KiB";
    return TC_ERR_TOO_LARGE;
  }
  p.sdp = tc_sdp_new ();
  p.common = &p.sdp->common;
  tc_status st = parse_lines (&p, text != NULL ? text : "", len);
  if (st == TC_OK)
    st = check_canonical (&p);
  if (st != TC_OK) {
    tc_sdp_free (p.sdp);
    if (why != NULL)
      *why = p.why;
    return st;
  }
  *out = p.sdp;
  return TC_OK;
}
