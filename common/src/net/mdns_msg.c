/* mdns_msg.c - multicast DNS query building and response parsing for
 * host-name lookups (see mdns_msg.h for the wire layout).
 *
 * Everything read comes from the network, so every length is checked
 * before it is used and a name can take only a bounded number of steps:
 * each compression pointer must point before the previous one's target
 * (before the name itself for the first), so pointer chains always end,
 * and no name grows past the 255 octets RFC 1035 allows.
 */
#include "net/mdns_msg.h"

#include <stdbool.h>
#include <string.h>

#define HEADER_LEN 12
#define NAME_MAX_WIRE 255     /* RFC 1035 section 2.3.4, length octets included */
#define LABEL_MAX 63
#define CLASS_IN 1
#define FLAG_QR 0x8000
#define RR_FIXED_LEN 10       /* TYPE CLASS TTL RDLENGTH */

static uint16_t
rd16 (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

static uint32_t
rd32 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
      | ((uint32_t) p[2] << 8) | p[3];
}

static void
wr16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t) (v >> 8);
  p[1] = (uint8_t) v;
}

/* "a.bc.local" -> 01 'a' 02 'b' 'c' 05 'l' 'o' 'c' 'a' 'l' 00 */
static tc_status
name_to_wire (const char *name, uint8_t out[NAME_MAX_WIRE], size_t *len)
{
  size_t n = 0;
  const char *label = name;
  for (;;) {
    const char *dot = strchr (label, '.');
    size_t l = dot != NULL ? (size_t) (dot - label) : strlen (label);
    if (l == 0 || l > LABEL_MAX || n + 1 + l + 1 > NAME_MAX_WIRE)
      return TC_ERR_PARSE;
    out[n++] = (uint8_t) l;
    memcpy (out + n, label, l);
    n += l;
    if (dot == NULL)
      break;
    label = dot + 1;
  }
  out[n++] = 0;
  *len = n;
  return TC_OK;
}

/* Reads the name at `*pos` into uncompressed wire form and moves `*pos`
 * past it (past the first pointer when there is one). */
static tc_status
read_name (const uint8_t *buf, size_t len, size_t *pos,
    uint8_t out[NAME_MAX_WIRE], size_t *out_len)
{
  size_t p = *pos, n = 0, limit = *pos;
  bool jumped = false;
  for (;;) {
    if (p >= len)
      return TC_ERR_PARSE;
    uint8_t c = buf[p];
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= len)
        return TC_ERR_PARSE;
      size_t target = ((size_t) (c & 0x3F) << 8) | buf[p + 1];
      if (target >= limit)
        return TC_ERR_PARSE;  /* forwards or a loop */
      if (!jumped)
        *pos = p + 2;
      jumped = true;
      limit = target;
      p = target;
      continue;
    }
    if ((c & 0xC0) != 0)
      return TC_ERR_PARSE;    /* 01 and 10: extended label types, obsolete */
    if (n + 1 + c > NAME_MAX_WIRE || p + 1 + c > len)
      return TC_ERR_PARSE;
    memcpy (out + n, buf + p, 1 + (size_t) c);
    n += 1 + (size_t) c;
    p += 1 + (size_t) c;
    if (c == 0)
      break;
  }
  if (!jumped)
    *pos = p;
  *out_len = n;
  return TC_OK;
}

static uint8_t
ascii_lower (uint8_t c)
{
  return c >= 'A' && c <= 'Z' ? (uint8_t) (c - 'A' + 'a') : c;
}

/* RFC 6762 section 16: names compare without regard to ASCII case. Length
 * octets are at most 63, below 'A', so lowering them changes nothing. */
static bool
same_name (const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
  if (alen != blen)
    return false;
  for (size_t i = 0; i < alen; i++)
    if (ascii_lower (a[i]) != ascii_lower (b[i]))
      return false;
  return true;
}

tc_status
tc_mdns_query_build (const char *name, uint16_t qtype, uint8_t *buf,
    size_t cap, size_t *len)
{
  if (name == NULL || buf == NULL || len == NULL)
    return TC_ERR_INVALID_ARG;
  uint8_t wire[NAME_MAX_WIRE];
  size_t wlen;
  tc_status st = name_to_wire (name, wire, &wlen);
  if (st != TC_OK)
    return st;
  if (cap < HEADER_LEN + wlen + 4)
    return TC_ERR_TOO_LARGE;
  memset (buf, 0, HEADER_LEN);
  wr16 (buf + 4, 1);  /* QDCOUNT; ID, flags and the other counts stay 0 */
  memcpy (buf + HEADER_LEN, wire, wlen);
  wr16 (buf + HEADER_LEN + wlen, qtype);
  wr16 (buf + HEADER_LEN + wlen + 2, CLASS_IN);
  *len = HEADER_LEN + wlen + 4;
  return TC_OK;
}

static void
add_address (tc_mdns_answer *out, int family, const uint8_t *bytes)
{
  size_t size = family == 4 ? 4 : 16;
  for (size_t i = 0; i < out->n; i++)
    if (out->addrs[i].family == family
        && memcmp (out->addrs[i].bytes, bytes, size) == 0)
      return;
  if (out->n == TC_MDNS_ADDRS_MAX)
    return;
  tc_mdns_addr *a = &out->addrs[out->n++];
  memset (a, 0, sizeof *a);
  a->family = family;
  memcpy (a->bytes, bytes, size);
}

/* One resource record at `*pos`; adds its address when it is one for
 * `want`. */
static tc_status
read_record (const uint8_t *buf, size_t len, size_t *pos, const uint8_t *want,
    size_t want_len, tc_mdns_answer *out)
{
  uint8_t owner[NAME_MAX_WIRE];
  size_t owner_len;
  tc_status st = read_name (buf, len, pos, owner, &owner_len);
  if (st != TC_OK)
    return st;
  if (len - *pos < RR_FIXED_LEN)
    return TC_ERR_PARSE;
  const uint8_t *rr = buf + *pos;
  uint16_t type = rd16 (rr), klass = rd16 (rr + 2) & 0x7FFF;
  uint32_t ttl = rd32 (rr + 4);
  size_t rdlen = rd16 (rr + 8);
  if (len - *pos - RR_FIXED_LEN < rdlen)
    return TC_ERR_PARSE;
  *pos += RR_FIXED_LEN + rdlen;
  if (klass != CLASS_IN || (type != TC_MDNS_TYPE_A && type != TC_MDNS_TYPE_AAAA))
    return TC_OK;
  if (rdlen != (type == TC_MDNS_TYPE_A ? 4u : 16u))
    return TC_ERR_PARSE;
  if (ttl == 0 || !same_name (owner, owner_len, want, want_len))
    return TC_OK;  /* a goodbye (RFC 6762 section 10.1), or another host */
  add_address (out, type == TC_MDNS_TYPE_A ? 4 : 6, rr + RR_FIXED_LEN);
  return TC_OK;
}

static tc_status
parse_body (const uint8_t *buf, size_t len, const uint8_t *want,
    size_t want_len, tc_mdns_answer *out)
{
  unsigned questions = rd16 (buf + 4);
  unsigned records = (unsigned) rd16 (buf + 6) + rd16 (buf + 8) + rd16 (buf + 10);
  size_t pos = HEADER_LEN;
  tc_status st;
  /* Unicast replies to a one-shot query repeat it (RFC 6762 section 6.7). */
  for (unsigned i = 0; i < questions; i++) {
    uint8_t qname[NAME_MAX_WIRE];
    size_t qlen;
    if ((st = read_name (buf, len, &pos, qname, &qlen)) != TC_OK)
      return st;
    if (len - pos < 4)
      return TC_ERR_PARSE;
    pos += 4;
  }
  for (unsigned i = 0; i < records; i++)
    if ((st = read_record (buf, len, &pos, want, want_len, out)) != TC_OK)
      return st;
  return TC_OK;
}

tc_status
tc_mdns_response_parse (const uint8_t *buf, size_t len, const char *name,
    tc_mdns_answer *out)
{
  if (buf == NULL || name == NULL || out == NULL)
    return TC_ERR_INVALID_ARG;
  out->n = 0;
  uint8_t want[NAME_MAX_WIRE];
  size_t want_len;
  if (name_to_wire (name, want, &want_len) != TC_OK)
    return TC_ERR_INVALID_ARG;
  if (len > TC_MDNS_MESSAGE_MAX)
    return TC_ERR_TOO_LARGE;
  if (len < HEADER_LEN)
    return TC_ERR_PARSE;
  uint16_t flags = rd16 (buf + 2);
  if (!(flags & FLAG_QR) || ((flags >> 11) & 0xF) != 0 || (flags & 0xF) != 0)
    return TC_ERR_UNSUPPORTED;
  tc_status st = parse_body (buf, len, want, want_len, out);
  if (st != TC_OK)
    out->n = 0;
  return st;
}
