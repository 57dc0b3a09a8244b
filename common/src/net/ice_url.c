/* ice_url.c - STUN/TURN server URL parser (RFC 7064, RFC 7065). */
#include "net/ice_url.h"

#include <string.h>

static int
is_host_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
      || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static int
is_ipv6_char (char c)
{
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
      || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

/* Parses "host[:port]" from s[0..len) into out->host / out->port. */
static tc_status
parse_hostport (const char *s, size_t len, tc_ice_url *out)
{
  size_t host_len, i = 0;
  const char *host;

  if (len > 0 && s[0] == '[') {
    const char *close = memchr (s, ']', len);
    if (close == NULL)
      return TC_ERR_PARSE;
    host = s + 1;
    host_len = (size_t) (close - host);
    for (size_t k = 0; k < host_len; k++)
      if (!is_ipv6_char (host[k]))
        return TC_ERR_PARSE;
    i = (size_t) (close - s) + 1;
  } else {
    host = s;
    while (i < len && s[i] != ':')
      if (!is_host_char (s[i++]))
        return TC_ERR_PARSE;
    host_len = i;
  }
  if (host_len == 0 || host_len > TC_ICE_URL_HOST_MAX)
    return TC_ERR_PARSE;
  memcpy (out->host, host, host_len);
  out->host[host_len] = '\0';

  if (i == len)
    return TC_OK;
  if (s[i] != ':' || i + 1 == len || len - (i + 1) > 5)
    return TC_ERR_PARSE;
  uint32_t port = 0;
  for (i++; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return TC_ERR_PARSE;
    port = port * 10 + (uint32_t) (s[i] - '0');
  }
  if (port == 0 || port > 65535)
    return TC_ERR_PARSE;
  out->port = (uint16_t) port;
  return TC_OK;
}

tc_status
tc_ice_url_parse (const char *url, tc_ice_url *out)
{
  if (url == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);

  const char *rest;
  if (strncmp (url, "stun:", 5) == 0) {
    out->scheme = TC_ICE_URL_STUN;
    out->transport = TC_ICE_URL_UDP;
    out->port = 3478;
    rest = url + 5;
  } else if (strncmp (url, "turn:", 5) == 0) {
    out->scheme = TC_ICE_URL_TURN;
    out->transport = TC_ICE_URL_UDP;
    out->port = 3478;
    rest = url + 5;
  } else if (strncmp (url, "turns:", 6) == 0) {
    out->scheme = TC_ICE_URL_TURNS;
    out->transport = TC_ICE_URL_TLS;
    out->port = 5349;
    rest = url + 6;
  } else {
    return TC_ERR_PARSE;
  }

  const char *query = strchr (rest, '?');
  size_t hp_len = query ? (size_t) (query - rest) : strlen (rest);
  tc_status st = parse_hostport (rest, hp_len, out);
  if (st != TC_OK)
    return st;
  if (query == NULL)
    return TC_OK;

  if (out->scheme == TC_ICE_URL_STUN)
    return TC_ERR_PARSE;
  query++;
  if (strcmp (query, "transport=udp") == 0) {
    if (out->scheme == TC_ICE_URL_TURNS)
      return TC_ERR_PARSE;
    out->transport = TC_ICE_URL_UDP;
  } else if (strcmp (query, "transport=tcp") == 0) {
    out->transport = out->scheme == TC_ICE_URL_TURNS ? TC_ICE_URL_TLS
        : TC_ICE_URL_TCP;
  } else {
    return TC_ERR_PARSE;
  }
  return TC_OK;
}
