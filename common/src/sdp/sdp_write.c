/* sdp_write.c - tc_sdp to canonical SDP text.
 *
 * Line order is RFC 8866's; attribute order is the one Chrome writes, so a
 * Chrome description comes back byte for byte. Codec lines are grouped per
 * payload type in m= order (rtpmap, rtcp-fb, fmtp); lines for payload types
 * not on the m= line follow. Unknown attributes close each section in their
 * received order. Every line ends in \r\n.
 */
#include "sdp/sdp_internal.h"

#include <stdarg.h>
#include <string.h>

static void G_GNUC_PRINTF (2, 3)
put (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_string_append_vprintf (out, fmt, ap);
  va_end (ap);
  g_string_append (out, "\r\n");
}

void
tc_sdp_write_lines (GString *out, const tc_sdp_common *c, const char *types)
{
  for (size_t i = 0; i < c->n_lines; i++) {
    if (strchr (types, c->lines[i].type) != NULL)
      put (out, "%c=%s", c->lines[i].type, c->lines[i].value);
  }
}

void
tc_sdp_write_conn_bw (GString *out, const tc_sdp_common *c)
{
  const tc_sdp_connection *conn = c->connection;
  if (conn != NULL)
    put (out, "c=%s %s %s", conn->nettype, conn->addrtype, conn->address);
  for (size_t i = 0; i < c->n_bandwidths; i++)
    put (out, "b=%s:%u", c->bandwidths[i].type, c->bandwidths[i].value);
}

static void
put_fingerprint (GString *out, const tc_sdp_fingerprint *fp)
{
  if (fp->len == 0)
    return;
  g_string_append_printf (out, "a=fingerprint:%s ", fp->algorithm);
  for (size_t i = 0; i < fp->len; i++)
    g_string_append_printf (out, "%s%02X", i > 0 ? ":" : "", fp->bytes[i]);
  g_string_append (out, "\r\n");
}

void
tc_sdp_write_transport (GString *out, const tc_sdp_common *c)
{
  if (c->ice_ufrag != NULL)
    put (out, "a=ice-ufrag:%s", c->ice_ufrag);
  if (c->ice_pwd != NULL)
    put (out, "a=ice-pwd:%s", c->ice_pwd);
  if (c->ice_options != NULL)
    put (out, "a=ice-options:%s", c->ice_options);
  put_fingerprint (out, &c->fingerprint);
  if (c->setup != TC_SDP_SETUP_NONE)
    put (out, "a=setup:%s", tc_sdp_setup_str (c->setup));
}

void
tc_sdp_write_extmaps (GString *out, const tc_sdp_common *c)
{
  for (size_t i = 0; i < c->n_extmaps; i++) {
    const tc_sdp_extmap *e = &c->extmaps[i];
    g_string_append_printf (out, "a=extmap:%u", e->id);
    if (e->direction != TC_SDP_DIR_NONE)
      g_string_append_printf (out, "/%s", tc_sdp_direction_str (e->direction));
    put (out, " %s%s%s", e->uri, e->attributes ? " " : "",
        e->attributes ? e->attributes : "");
  }
}

void
tc_sdp_write_unknown (GString *out, const tc_sdp_common *c)
{
  for (size_t i = 0; i < c->n_attrs; i++) {
    const tc_sdp_attr *a = &c->attrs[i];
    put (out, "a=%s%s%s", a->name, a->value ? ":" : "", a->value ? a->value : "");
  }
}

static void
put_origin (GString *out, const tc_sdp_origin *o)
{
  put (out, "o=%s %s %" G_GUINT64_FORMAT " %s %s %s",
      o->username ? o->username : "-", o->session_id ? o->session_id : "0",
      o->session_version, o->nettype ? o->nettype : "IN",
      o->addrtype ? o->addrtype : "IP4", o->address ? o->address : "127.0.0.1");
}

static void
put_session (GString *out, const tc_sdp *sdp)
{
  const tc_sdp_common *c = &sdp->common;
  put (out, "v=0");
  put_origin (out, &sdp->origin);
  put (out, "s=%s", sdp->session_name ? sdp->session_name : "-");
  tc_sdp_write_lines (out, c, "iuep");
  tc_sdp_write_conn_bw (out, c);
  put (out, "t=%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, sdp->time_start,
      sdp->time_stop);
  tc_sdp_write_lines (out, c, "rz");
  tc_sdp_write_lines (out, c, "k");
  for (size_t i = 0; i < sdp->n_groups; i++) {
    g_string_append_printf (out, "a=group:%s", sdp->groups[i].semantics);
    for (size_t j = 0; j < sdp->groups[i].n_mids; j++)
      g_string_append_printf (out, " %s", sdp->groups[i].mids[j]);
    g_string_append (out, "\r\n");
  }
  if (c->extmap_allow_mixed)
    put (out, "a=extmap-allow-mixed");
  if (sdp->msid_semantic != NULL)
    put (out, "a=msid-semantic: %s", sdp->msid_semantic);
  tc_sdp_write_transport (out, c);
  tc_sdp_write_extmaps (out, c);
  tc_sdp_write_unknown (out, c);
}

char *
tc_sdp_serialize (const tc_sdp *sdp)
{
  if (sdp == NULL)
    return NULL;
  GString *out = g_string_sized_new (4096);
  put_session (out, sdp);
  for (size_t i = 0; i < sdp->n_media; i++)
    tc_sdp_write_media (out, sdp->media[i]);
  return g_string_free (out, FALSE);
}
