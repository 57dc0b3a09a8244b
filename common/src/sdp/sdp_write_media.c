/* sdp_write_media.c - one m= section to canonical text, in Chrome's order:
 *
 *   m= i= c= b= k=  a=rtcp  a=candidate...  a=end-of-candidates
 *   a=ice-ufrag a=ice-pwd a=ice-options a=fingerprint a=setup  a=mid
 *   a=extmap-allow-mixed a=extmap...  direction  a=msid  a=rtcp-mux
 *   a=rtcp-rsize  a=rtcp-fb:*  per pt: rtpmap rtcp-fb fmtp  (orphans)
 *   a=ssrc-group  a=ssrc  unknown attributes
 */
#include "sdp/sdp_internal.h"

#include <string.h>

static void
line_end (GString *out)
{
  g_string_append (out, "\r\n");
}

static void
put_head (GString *out, const tc_sdp_media *m)
{
  g_string_append_printf (out, "m=%s %u", m->kind, m->port);
  if (m->n_ports > 0)
    g_string_append_printf (out, "/%u", m->n_ports);
  g_string_append_printf (out, " %s", m->proto);
  for (size_t i = 0; i < m->n_formats; i++)
    g_string_append_printf (out, " %s", m->formats[i]);
  line_end (out);
  tc_sdp_write_lines (out, &m->common, "i");
  tc_sdp_write_conn_bw (out, &m->common);
  tc_sdp_write_lines (out, &m->common, "k");
}

static void
put_ice (GString *out, const tc_sdp_media *m)
{
  if (m->rtcp_port >= 0)
    g_string_append_printf (out, "a=rtcp:%d%s%s\r\n", m->rtcp_port,
        m->rtcp_address ? " " : "", m->rtcp_address ? m->rtcp_address : "");
  for (size_t i = 0; i < m->n_candidates; i++)
    g_string_append_printf (out, "a=%s\r\n", m->candidates[i].raw);
  if (m->end_of_candidates)
    g_string_append (out, "a=end-of-candidates\r\n");
  tc_sdp_write_transport (out, &m->common);
}

static void
put_streams_head (GString *out, const tc_sdp_media *m)
{
  if (m->mid != NULL)
    g_string_append_printf (out, "a=mid:%s\r\n", m->mid);
  if (m->common.extmap_allow_mixed)
    g_string_append (out, "a=extmap-allow-mixed\r\n");
  tc_sdp_write_extmaps (out, &m->common);
  if (m->direction != TC_SDP_DIR_NONE)
    g_string_append_printf (out, "a=%s\r\n", tc_sdp_direction_str (m->direction));
  for (size_t i = 0; i < m->n_msids; i++) {
    g_string_append_printf (out, "a=msid:%s", m->msids[i].stream_id);
    if (m->msids[i].track_id != NULL)
      g_string_append_printf (out, " %s", m->msids[i].track_id);
    line_end (out);
  }
  if (m->rtcp_mux)
    g_string_append (out, "a=rtcp-mux\r\n");
  if (m->rtcp_rsize)
    g_string_append (out, "a=rtcp-rsize\r\n");
}

/* Which payload types are on the m= line. */
typedef struct {
  bool pt[128];
} pt_set;

static void
pt_set_fill (pt_set *set, const tc_sdp_media *m)
{
  memset (set, 0, sizeof *set);
  for (size_t i = 0; i < m->n_formats; i++) {
    int pt = tc_sdp_media_format_pt (m, i);
    if (pt >= 0)
      set->pt[pt] = true;
  }
}

static void
put_rtpmap (GString *out, const tc_sdp_rtpmap *r)
{
  g_string_append_printf (out, "a=rtpmap:%u %s/%u", r->pt, r->name, r->clock_rate);
  if (r->channels > 0)
    g_string_append_printf (out, "/%u", r->channels);
  line_end (out);
}

static void
put_fmtp (GString *out, const tc_sdp_fmtp *f)
{
  g_string_append_printf (out, "a=fmtp:%u ", f->pt);
  for (size_t i = 0; i < f->n_params; i++) {
    g_string_append_printf (out, "%s%s", i ? ";" : "", f->params[i].name);
    if (f->params[i].value != NULL)
      g_string_append_printf (out, "=%s", f->params[i].value);
  }
  line_end (out);
}

static void
put_rtcp_fb (GString *out, const tc_sdp_rtcp_fb *fb)
{
  if (fb->pt < 0)
    g_string_append (out, "a=rtcp-fb:*");
  else
    g_string_append_printf (out, "a=rtcp-fb:%d", fb->pt);
  g_string_append_printf (out, " %s", fb->type);
  if (fb->subtype != NULL)
    g_string_append_printf (out, " %s", fb->subtype);
  line_end (out);
}

/* rtpmap, rtcp-fb and fmtp of `pt` (-1: the rtcp-fb:* lines); with
 * `orphans_of`, those of every payload type not in that set instead. */
static void
put_codec_lines (GString *out, const tc_sdp_media *m, int pt,
    const pt_set *orphans_of)
{
  const pt_set *o = orphans_of;
  for (size_t i = 0; i < m->n_rtpmaps; i++) {
    int p = m->rtpmaps[i].pt;
    if (o != NULL ? p > 127 || !o->pt[p] : p == pt)
      put_rtpmap (out, &m->rtpmaps[i]);
  }
  for (size_t i = 0; i < m->n_rtcp_fbs; i++) {
    int p = m->rtcp_fbs[i].pt;
    if (o != NULL ? p >= 0 && (p > 127 || !o->pt[p]) : p == pt)
      put_rtcp_fb (out, &m->rtcp_fbs[i]);
  }
  for (size_t i = 0; i < m->n_fmtps; i++) {
    int p = m->fmtps[i].pt;
    if (o != NULL ? p > 127 || !o->pt[p] : p == pt)
      put_fmtp (out, &m->fmtps[i]);
  }
}

static void
put_codecs (GString *out, const tc_sdp_media *m)
{
  pt_set on_line;
  pt_set_fill (&on_line, m);
  put_codec_lines (out, m, -1, NULL);
  for (size_t i = 0; i < m->n_formats; i++) {
    int pt = tc_sdp_media_format_pt (m, i);
    if (pt >= 0)
      put_codec_lines (out, m, pt, NULL);
  }
  put_codec_lines (out, m, -1, &on_line);
}

static void
put_ssrcs (GString *out, const tc_sdp_media *m)
{
  for (size_t i = 0; i < m->n_ssrc_groups; i++) {
    const tc_sdp_ssrc_group *g = &m->ssrc_groups[i];
    g_string_append_printf (out, "a=ssrc-group:%s", g->semantics);
    for (size_t j = 0; j < g->n_ssrcs; j++)
      g_string_append_printf (out, " %u", g->ssrcs[j]);
    line_end (out);
  }
  for (size_t i = 0; i < m->n_ssrcs; i++) {
    const tc_sdp_ssrc *s = &m->ssrcs[i];
    g_string_append_printf (out, "a=ssrc:%u %s", s->ssrc, s->attribute);
    if (s->value != NULL)
      g_string_append_printf (out, ":%s", s->value);
    line_end (out);
  }
}

void
tc_sdp_write_media (GString *out, const tc_sdp_media *m)
{
  put_head (out, m);
  put_ice (out, m);
  put_streams_head (out, m);
  put_codecs (out, m);
  put_ssrcs (out, m);
  tc_sdp_write_unknown (out, &m->common);
}
