/* session_route.c - the receive routing decision (see session_route.h). */
#include "session/session_route.h"

#include <string.h>

static const tc_route dropped = { -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, false };

static bool
has_mid (const tc_route_stream *s, const char *mid)
{
  return s->mid != NULL && s->mid[0] != '\0' && strcmp (s->mid, mid) == 0;
}

/* Media or RTX of stream `i` by payload type; anything else (red, ulpfec,
 * another section's codec) is not ours to depacketize. */
static tc_route
by_pt_within (const tc_route_stream *s, int i, uint32_t ssrc, uint8_t pt,
    tc_route_by by)
{
  if (pt == s->pt)
    return (tc_route) { i, TC_ROUTE_MEDIA, by, s->ssrc != ssrc };
  if (s->rtx_pt >= 0 && pt == s->rtx_pt)
    return (tc_route) { i, TC_ROUTE_RTX, by, s->rtx_ssrc != ssrc };
  return dropped;
}

static tc_route
by_mid (const tc_route_stream *streams, size_t n, uint32_t ssrc, uint8_t pt,
    const char *mid)
{
  for (size_t i = 0; i < n; i++)
    if (has_mid (&streams[i], mid))
      return by_pt_within (&streams[i], (int) i, ssrc, pt, TC_ROUTE_BY_MID);
  return dropped;
}

static tc_route
by_ssrc (const tc_route_stream *streams, size_t n, uint32_t ssrc, uint8_t pt)
{
  for (size_t i = 0; i < n; i++) {
    const tc_route_stream *s = &streams[i];
    if (s->ssrc == ssrc && pt == s->pt)
      return (tc_route) { (int) i, TC_ROUTE_MEDIA, TC_ROUTE_BY_SSRC, false };
    if (s->rtx_ssrc == ssrc && s->rtx_pt >= 0 && pt == s->rtx_pt)
      return (tc_route) { (int) i, TC_ROUTE_RTX, TC_ROUTE_BY_SSRC, false };
  }
  return dropped;
}

/* Only streams that have not bound that kind of SSRC yet, or whose bound
 * one stopped, learn one by payload type: while the bound SSRC is alive the
 * stream changes SSRC only on the mid's word. */
static tc_route
by_pt (const tc_route_stream *streams, size_t n, uint32_t ssrc, uint8_t pt)
{
  for (size_t i = 0; i < n; i++) {
    const tc_route_stream *s = &streams[i];
    if (pt == s->pt && (s->ssrc == 0 || s->stopped))
      return (tc_route) { (int) i, TC_ROUTE_MEDIA, TC_ROUTE_BY_PT, true };
    if (s->rtx_pt >= 0 && pt == s->rtx_pt
        && (s->rtx_ssrc == 0 || s->rtx_stopped))
      return (tc_route) { (int) i, TC_ROUTE_RTX, TC_ROUTE_BY_PT, true };
  }
  return dropped;
}

tc_route
tc_route_decide (const tc_route_stream *streams, size_t n, uint32_t ssrc,
    uint8_t pt, const char *mid)
{
  if (ssrc == 0)
    return dropped;  /* 0 means "unknown" in the table: never bind it */
  if (mid != NULL && mid[0] != '\0')
    return by_mid (streams, n, ssrc, pt, mid);
  tc_route r = by_ssrc (streams, n, ssrc, pt);
  return r.kind != TC_ROUTE_DROP ? r : by_pt (streams, n, ssrc, pt);
}

uint32_t
tc_route_bind (tc_route_stream *streams, size_t n, const tc_route *route,
    uint32_t ssrc)
{
  if (!route->bind || route->stream < 0 || (size_t) route->stream >= n)
    return 0;
  for (size_t i = 0; i < n; i++) {
    if (streams[i].ssrc == ssrc)
      streams[i].ssrc = 0;
    if (streams[i].rtx_ssrc == ssrc)
      streams[i].rtx_ssrc = 0;
  }
  tc_route_stream *s = &streams[route->stream];
  uint32_t *slot = route->kind == TC_ROUTE_RTX ? &s->rtx_ssrc : &s->ssrc;
  uint32_t before = *slot;
  *slot = ssrc;
  return before;
}

const char *
tc_route_by_str (tc_route_by by)
{
  switch (by) {
    case TC_ROUTE_BY_NONE: return "none";
    case TC_ROUTE_BY_MID: return "mid";
    case TC_ROUTE_BY_SSRC: return "ssrc";
    case TC_ROUTE_BY_PT: return "payload type";
  }
  return "unknown";
}
