/* session_route.h - which receive stream an incoming RTP packet belongs to.
 *
 * The order of RFC 8843 section 9.2 (BUNDLE) and RFC 8829 section 5.9:
 *   1. the sdes:mid header extension (RFC 9143), when negotiated and
 *      present: the stream with that mid, whatever the SSRC; an unknown mid
 *      is dropped. Browsers send it from the first packet, before the SDP's
 *      a=ssrc lines may be known or after they changed the SSRC, and stop
 *      once our receiver reports acknowledge the SSRC;
 *   2. an SSRC bound to a stream (from a=ssrc, or learnt by 1 or 3);
 *   3. the payload type, unique across the BUNDLE group in every SDP we or
 *      browsers write: it binds an SSRC to a stream that has none yet, or
 *      whose bound SSRC has stopped (a peer without the mid extension that
 *      changes its SSRC: the old one goes quiet, the new one takes over).
 * Within the stream the payload type says media or RTX; any other is
 * dropped. Binding the packet's SSRC (tc_route_bind) is the caller's step.
 *
 * Pure: no I/O, no clock, no allocation; any thread.
 */
#ifndef TEMPCHAT_SESSION_ROUTE_H
#define TEMPCHAT_SESSION_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  const char *mid;    /* borrowed; NULL or "" when the stream has none */
  uint8_t pt;
  int rtx_pt;         /* -1: no RTX */
  uint32_t ssrc;      /* bound media SSRC; 0 while unknown */
  uint32_t rtx_ssrc;  /* bound RTX SSRC; 0 while unknown */
  bool stopped;       /* nothing came from `ssrc` for TC_ROUTE_STOPPED_US
                         (or ever): another SSRC may take its place */
  bool rtx_stopped;   /* the same for `rtx_ssrc` */
} tc_route_stream;

/* How long a bound SSRC may be quiet before one without a mid replaces it:
 * longer than a video frame interval or an audio packet gap. */
#define TC_ROUTE_STOPPED_US 500000

typedef enum {
  TC_ROUTE_DROP,
  TC_ROUTE_MEDIA,
  TC_ROUTE_RTX,
} tc_route_kind;

typedef enum {
  TC_ROUTE_BY_NONE,
  TC_ROUTE_BY_MID,
  TC_ROUTE_BY_SSRC,
  TC_ROUTE_BY_PT,
} tc_route_by;

typedef struct {
  int stream;          /* index into the table; -1 when dropped */
  tc_route_kind kind;
  tc_route_by by;
  bool bind;           /* the packet's SSRC is new to that stream */
} tc_route;

/* Decides for one packet. `mid`: the packet's sdes:mid value, NULL when the
 * extension is not negotiated, absent or unreadable. */
tc_route tc_route_decide (const tc_route_stream *streams, size_t n,
    uint32_t ssrc, uint8_t pt, const char *mid);

/* Applies route->bind: the routed stream's media or RTX SSRC becomes
 * `ssrc`, and no other stream keeps it (an SSRC is one stream's). Returns
 * the SSRC the stream had before (0 when none or nothing was bound). */
uint32_t tc_route_bind (tc_route_stream *streams, size_t n,
    const tc_route *route, uint32_t ssrc);

const char *tc_route_by_str (tc_route_by by);

#endif
