/* mdns_msg.h - the two multicast DNS messages the ICE agent needs to look
 * up a peer's "<uuid>.local" host candidate (RFC 6762 over RFC 1035 wire
 * format), built and parsed purely: bytes in, struct out, no socket.
 *
 *   header   ID(16) | QR OPCODE(4) AA TC RD RA Z AD CD RCODE(4) |
 *            QDCOUNT(16) ANCOUNT(16) NSCOUNT(16) ARCOUNT(16)
 *   question QNAME  QTYPE(16) QCLASS(16; top bit = QU, unicast reply)
 *   record   NAME   TYPE(16) CLASS(16; top bit = cache-flush) TTL(32)
 *            RDLENGTH(16) RDATA
 *
 * A name is a run of labels, each a length octet (1..63) and its bytes,
 * ended by a zero octet, or cut short by a two-octet pointer (top bits 11)
 * to an earlier offset of the message (RFC 1035 section 4.1.4).
 */
#ifndef TC_NET_MDNS_MSG_H
#define TC_NET_MDNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#define TC_MDNS_PORT 5353
#define TC_MDNS_GROUP_V4 "224.0.0.251"
#define TC_MDNS_TYPE_A 1
#define TC_MDNS_TYPE_AAAA 28
/* Header, longest name in wire form (RFC 1035: 255 octets), type, class. */
#define TC_MDNS_QUERY_MAX (12 + 255 + 4)
/* RFC 6762 section 17: no mDNS message is larger, even on jumbo frames. */
#define TC_MDNS_MESSAGE_MAX 9000
/* Addresses kept from one response: a host has a handful at most. */
#define TC_MDNS_ADDRS_MAX 8

typedef struct {
  int family;            /* 4 or 6 */
  uint8_t bytes[16];     /* network order; 4 used for IPv4 */
} tc_mdns_addr;

typedef struct {
  size_t n;              /* distinct addresses for the name, record order */
  tc_mdns_addr addrs[TC_MDNS_ADDRS_MAX];
} tc_mdns_answer;

/* Writes a query for `name` (dotted, no trailing dot, e.g.
 * "0f1c...ab.local") asking for `qtype` (TC_MDNS_TYPE_A or _AAAA): ID 0,
 * no flags, one question, class IN, QU bit clear. One question per
 * message, because Chromium's responder reads only the first.
 * Returns TC_ERR_PARSE for a name that is not valid in DNS (empty label,
 * label over 63 octets, name over 255 in wire form) and TC_ERR_TOO_LARGE
 * when `cap` is too small. Any thread; writes only `buf` and `*len`. */
tc_status tc_mdns_query_build (const char *name, uint16_t qtype, uint8_t *buf,
    size_t cap, size_t *len);

/* Reads one received message and fills `out` with the IPv4 (A) and IPv6
 * (AAAA) addresses that its answer, authority and additional records give
 * for `name` (compared without regard to ASCII case, compressed or not).
 * Records for other names, other types, other classes and goodbyes (TTL 0)
 * are skipped. `out->n` may be 0 on TC_OK.
 * TC_ERR_UNSUPPORTED: a query, a non-zero OPCODE or RCODE (RFC 6762
 *   section 18: silently ignored);
 * TC_ERR_PARSE: malformed anywhere (truncated, bad label, a pointer that
 *   does not point backwards, a name over 255 octets, RDATA of the wrong
 *   size for its type); `out->n` is then 0: a packet is taken whole or not;
 * TC_ERR_TOO_LARGE: longer than TC_MDNS_MESSAGE_MAX.
 * Any thread; reads `buf` and `name`, writes only `out`. */
tc_status tc_mdns_response_parse (const uint8_t *buf, size_t len,
    const char *name, tc_mdns_answer *out);

#endif
