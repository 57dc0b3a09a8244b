/* ws_url.c - parsing ws:// and wss:// URLs and spotting loopback hosts. */
#include "signal/ws_url.h"
#include "tempchat/tc_signal.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_host_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
      || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* Printable ASCII without space: what may appear in a URL as typed. */
static bool
is_url_text (const char *s)
{
  for (; *s != '\0'; s++)
    if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
      return false;
  return true;
}

static const char *
parse_scheme (const char *s, tc_ws_url *out)
{
  if (strncasecmp (s, "wss://", 6) == 0) {
    out->secure = true;
    return s + 6;
  }
  if (strncasecmp (s, "ws://", 5) == 0)
    return s + 5;
  return NULL;
}

/* Host in [start, end): "[v6]" or a name / IPv4 of host characters. */
static bool
parse_host (const char *start, const char *end, tc_ws_url *out)
{
  if (start < end && *start == '[') {
    if (end[-1] != ']')
      return false;
    start++;
    end--;
    out->ipv6_literal = true;
  }
  size_t len = (size_t) (end - start);
  if (len == 0 || len > TC_WS_URL_HOST_MAX)
    return false;
  memcpy (out->host, start, len);
  out->host[len] = '\0';
  if (out->ipv6_literal) {
    struct in6_addr a6;
    return inet_pton (AF_INET6, out->host, &a6) == 1;
  }
  for (size_t i = 0; i < len; i++)
    if (!is_host_char (out->host[i]))
      return false;
  return true;
}

static bool
parse_port (const char *start, const char *end, tc_ws_url *out)
{
  size_t len = (size_t) (end - start);
  if (len == 0 || len > 5)
    return false;
  int port = 0;
  for (const char *p = start; p < end; p++) {
    if (*p < '0' || *p > '9')
      return false;
    port = port * 10 + (*p - '0');
  }
  if (port < 1 || port > 65535)
    return false;
  out->port = port;
  out->default_port = false;
  return true;
}

/* authority = host[:port], ending at end. The port colon is the last ':'
 * after any IPv6 bracket. */
static bool
parse_authority (const char *start, const char *end, tc_ws_url *out)
{
  if (memchr (start, '@', (size_t) (end - start)) != NULL)
    return false;
  const char *host_end = end;
  const char *bracket = memchr (start, ']', (size_t) (end - start));
  const char *from = bracket != NULL ? bracket : start;
  const char *colon = memchr (from, ':', (size_t) (end - from));
  if (colon != NULL) {
    if (!parse_port (colon + 1, end, out))
      return false;
    host_end = colon;
  }
  return parse_host (start, host_end, out);
}

static bool
parse_path (const char *s, tc_ws_url *out)
{
  size_t len = strcspn (s, "#");
  if (len == 0) {
    strcpy (out->path, "/");
    return true;
  }
  if (len > TC_WS_URL_PATH_MAX)
    return false;
  size_t off = 0;
  /* "ws://host?x" has an empty path: the request line still needs a '/'. */
  if (s[0] == '?')
    out->path[off++] = '/';
  if (off + len > TC_WS_URL_PATH_MAX)
    return false;
  memcpy (out->path + off, s, len);
  out->path[off + len] = '\0';
  return true;
}

tc_status
tc_ws_url_parse (const char *text, tc_ws_url *out)
{
  if (text == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  if (!is_url_text (text))
    return TC_ERR_BAD_URL;
  const char *auth = parse_scheme (text, out);
  if (auth == NULL)
    return TC_ERR_BAD_URL;
  out->port = out->secure ? 443 : 80;
  out->default_port = true;
  const char *auth_end = auth + strcspn (auth, "/?#");
  if (!parse_authority (auth, auth_end, out) || !parse_path (auth_end, out)) {
    memset (out, 0, sizeof *out);
    return TC_ERR_BAD_URL;
  }
  return TC_OK;
}

bool
tc_ws_url_is_loopback (const tc_ws_url *url)
{
  if (url->ipv6_literal) {
    struct in6_addr a6;
    return inet_pton (AF_INET6, url->host, &a6) == 1
        && memcmp (&a6, &in6addr_loopback, sizeof a6) == 0;
  }
  if (strcasecmp (url->host, "localhost") == 0)
    return true;
  /* inet_pton takes only the strict dotted quad, not "127.1" or octal. */
  struct in_addr a4;
  if (inet_pton (AF_INET, url->host, &a4) != 1)
    return false;
  return (ntohl (a4.s_addr) >> 24) == 127;
}

/* Says which part of a URL tc_ws_url_parse refused. Separate from the
 * parser so the parser stays a yes/no decision; this only runs on the way
 * to an error message. Never repeats the host (an address). */
static void
explain_authority (const char *auth, const char *end, char *why, size_t size)
{
  const char *bracket = memchr (auth, ']', (size_t) (end - auth));
  const char *colon = memchr (bracket != NULL ? bracket : auth, ':',
      (size_t) (end - (bracket != NULL ? bracket : auth)));
  tc_ws_url scratch = {0};

  if (memchr (auth, '@', (size_t) (end - auth)) != NULL) {
    g_strlcpy (why, "a user name or password (user:pass@) is not allowed "
        "in it", size);
  } else if (colon != NULL && !parse_port (colon + 1, end, &scratch)) {
    size_t n = (size_t) (end - colon - 1);
    bool digits = n > 0 && strspn (colon + 1, "0123456789") >= n;
    if (digits)
      g_snprintf (why, size, "port %.*s is out of range (1 to 65535)",
          (int) MIN (n, 12), colon + 1);
    else
      g_strlcpy (why, "its port is not a number", size);
  } else if ((colon != NULL ? colon : end) == auth) {
    g_strlcpy (why, "it has no host", size);
  } else {
    g_strlcpy (why, "its host is not a valid host name or address", size);
  }
}

void
tc_ws_url_explain (const char *text, char *why, size_t size)
{
  tc_ws_url scratch;
  if (text == NULL || *text == '\0') {
    g_strlcpy (why, "it is empty", size);
    return;
  }
  if (!is_url_text (text)) {
    g_strlcpy (why, "it contains spaces or characters that are not plain "
        "ASCII", size);
    return;
  }
  const char *auth = parse_scheme (text, &scratch);
  if (auth == NULL) {
    g_strlcpy (why, "it must start with wss:// (or ws://)", size);
    return;
  }
  const char *auth_end = auth + strcspn (auth, "/?#");
  memset (&scratch, 0, sizeof scratch);
  if (!parse_authority (auth, auth_end, &scratch)) {
    explain_authority (auth, auth_end, why, size);
    return;
  }
  if (!parse_path (auth_end, &scratch)) {
    g_strlcpy (why, "its path is too long", size);
    return;
  }
  g_strlcpy (why, "it is valid", size);
}

bool
tc_signal_url_check (const char *url, bool allow_insecure, char *why,
    size_t size)
{
  tc_ws_url parsed;
  if (tc_ws_url_parse (url, &parsed) != TC_OK) {
    tc_ws_url_explain (url, why, size);
    return false;
  }
  if (!parsed.secure && !allow_insecure && !tc_ws_url_is_loopback (&parsed)) {
    g_strlcpy (why, "plain ws:// is allowed only to this machine (loopback); "
        "use wss://, or allow it explicitly", size);
    return false;
  }
  return true;
}
