/* ice_candidate.h - the SDP candidate attribute (RFC 8839 section 5.1),
 * parsed and written purely: no agent, no socket, no allocation.
 *
 *   candidate:<foundation> <component> <transport> <priority>
 *             <address> <port> typ <host|srflx|prflx|relay>
 *             [raddr <address> rport <port>] *(<ext-name> <ext-value>)
 *
 * Extensions kept: tcptype (RFC 6544), ufrag (the ICE generation, as
 * Chromium writes it). Others (generation, network-id, network-cost, ...)
 * are skipped.
 */
#ifndef TC_NET_ICE_CANDIDATE_H
#define TC_NET_ICE_CANDIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_ice.h"
#include "tempchat/tc_status.h"

#define TC_ICE_FOUNDATION_MAX 32
#define TC_ICE_ADDRESS_MAX 255
#define TC_ICE_UFRAG_MAX 256
/* Longest line tc_ice_candidate_format() writes, NUL included. */
#define TC_ICE_CANDIDATE_LINE_MAX 1024

typedef enum {
  TC_ICE_PROTO_UDP = 0,
  TC_ICE_PROTO_TCP,
} tc_ice_proto;

typedef enum {
  TC_ICE_TCPTYPE_NONE = 0,  /* UDP */
  TC_ICE_TCPTYPE_ACTIVE,
  TC_ICE_TCPTYPE_PASSIVE,
  TC_ICE_TCPTYPE_SO,
} tc_ice_tcptype;

typedef struct {
  char foundation[TC_ICE_FOUNDATION_MAX + 1];
  uint16_t component;              /* 1..256 */
  tc_ice_proto proto;
  tc_ice_tcptype tcptype;
  uint32_t priority;
  char address[TC_ICE_ADDRESS_MAX + 1];  /* IP literal or FQDN (mDNS) */
  uint16_t port;
  tc_ice_cand_type type;
  bool has_related;
  char related_address[TC_ICE_ADDRESS_MAX + 1];
  uint16_t related_port;
  char ufrag[TC_ICE_UFRAG_MAX + 1];  /* "" when absent */
} tc_ice_candidate;

/* Parses `line` ("candidate:..." or "a=candidate:...", optionally ending in
 * CR/LF) into *out. TC_ERR_PARSE on malformed input, TC_ERR_TOO_LARGE for a
 * field longer than its buffer. */
tc_status tc_ice_candidate_parse (const char *line, tc_ice_candidate *out);

/* Writes "candidate:..." (no "a=") for `c` into out[0..out_size).
 * Related address/port are written when has_related, then "tcptype" for TCP,
 * then "generation 0", then "ufrag" when non-empty.
 * TC_ERR_TOO_LARGE when it does not fit. */
tc_status tc_ice_candidate_format (const tc_ice_candidate *c, char *out,
    size_t out_size);

/* True when the address is an mDNS name (ends in ".local"). */
bool tc_ice_candidate_is_mdns (const tc_ice_candidate *c);

/* True when the candidate may be offered in relay-only mode. */
bool tc_ice_candidate_allowed (const tc_ice_candidate *c, bool relay_only);

/* "host", "srflx", "prflx", "relay". */
const char *tc_ice_cand_type_str (tc_ice_cand_type t);

/* True when every character is an ice-char (ALPHA / DIGIT / "+" / "/") and
 * the length is within [min_len, max_len]. */
bool tc_ice_is_ice_chars (const char *s, size_t min_len, size_t max_len);

#endif
