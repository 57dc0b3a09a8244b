/* sdp_model.c - the tc_sdp data model: creation, growth, setters, lookups
 * and freeing. Parsing and writing live in their own files. */
#include "sdp/sdp_internal.h"

#include <string.h>

static void free_codecs (tc_sdp_media *m);

void *
tc_sdp_grow (void *arr, size_t *n, size_t size)
{
  char *p = g_realloc_n (arr, *n + 1, size);
  memset (p + *n * size, 0, size);
  (*n)++;
  return p;
}

tc_sdp *
tc_sdp_new (void)
{
  tc_sdp *sdp = g_new0 (tc_sdp, 1);
  return sdp;
}

tc_sdp_media *
tc_sdp_add_media (tc_sdp *sdp)
{
  tc_sdp_media *m = g_new0 (tc_sdp_media, 1);
  m->rtcp_port = -1;
  *TC_SDP_PUSH (sdp->media, sdp->n_media) = m;
  return m;
}

void
tc_sdp_set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
tc_sdp_add_attr (tc_sdp_common *c, const char *name, const char *value)
{
  tc_sdp_attr *a = TC_SDP_PUSH (c->attrs, c->n_attrs);
  a->name = g_strdup (name);
  a->value = g_strdup (value);
}

void
tc_sdp_add_format (tc_sdp_media *m, unsigned pt)
{
  *TC_SDP_PUSH (m->formats, m->n_formats) = g_strdup_printf ("%u", pt);
}

void
tc_sdp_add_rtpmap (tc_sdp_media *m, unsigned pt, const char *name,
    uint32_t clock, uint32_t channels)
{
  tc_sdp_rtpmap *r = TC_SDP_PUSH (m->rtpmaps, m->n_rtpmaps);
  r->pt = (uint8_t) pt;
  r->name = g_strdup (name);
  r->clock_rate = clock;
  r->channels = channels;
}

tc_sdp_fmtp *
tc_sdp_fmtp_for (tc_sdp_media *m, unsigned pt)
{
  for (size_t i = 0; i < m->n_fmtps; i++) {
    if (m->fmtps[i].pt == pt)
      return &m->fmtps[i];
  }
  tc_sdp_fmtp *f = TC_SDP_PUSH (m->fmtps, m->n_fmtps);
  f->pt = (uint8_t) pt;
  return f;
}

void
tc_sdp_fmtp_add (tc_sdp_fmtp *f, const char *name, const char *value)
{
  tc_sdp_param *p = TC_SDP_PUSH (f->params, f->n_params);
  p->name = g_strdup (name);
  p->value = g_strdup (value);
}

void
tc_sdp_fmtp_set (tc_sdp_fmtp *f, const char *name, const char *value)
{
  for (size_t i = 0; i < f->n_params; i++) {
    if (g_ascii_strcasecmp (f->params[i].name, name) == 0) {
      tc_sdp_set_str (&f->params[i].value, value);
      return;
    }
  }
  tc_sdp_fmtp_add (f, name, value);
}

void
tc_sdp_fmtp_add_text (tc_sdp_fmtp *f, const char *text)
{
  char **parts = g_strsplit (text, ";", -1);
  for (char **it = parts; *it != NULL; it++) {
    char *eq = strchr (*it, '=');
    tc_sdp_param *p = TC_SDP_PUSH (f->params, f->n_params);
    p->name = eq ? g_strndup (*it, (gsize) (eq - *it)) : g_strdup (*it);
    p->value = eq ? g_strdup (eq + 1) : NULL;
  }
  g_strfreev (parts);
}

void
tc_sdp_fmtp_text (const tc_sdp_fmtp *f, char *buf, size_t size)
{
  GString *s = g_string_new (NULL);
  for (size_t i = 0; f != NULL && i < f->n_params; i++) {
    if (i > 0)
      g_string_append_c (s, ';');
    g_string_append (s, f->params[i].name);
    if (f->params[i].value != NULL)
      g_string_append_printf (s, "=%s", f->params[i].value);
  }
  g_strlcpy (buf, s->str, size);
  g_string_free (s, TRUE);
}

void
tc_sdp_add_rtcp_fb (tc_sdp_media *m, int pt, const char *type,
    const char *subtype)
{
  tc_sdp_rtcp_fb *fb = TC_SDP_PUSH (m->rtcp_fbs, m->n_rtcp_fbs);
  fb->pt = pt;
  fb->type = g_strdup (type);
  fb->subtype = g_strdup (subtype);
}

void
tc_sdp_add_extmap (tc_sdp_common *c, unsigned id, const char *uri)
{
  tc_sdp_extmap *e = TC_SDP_PUSH (c->extmaps, c->n_extmaps);
  e->id = (uint16_t) id;
  e->uri = g_strdup (uri);
}

void
tc_sdp_add_ssrc (tc_sdp_media *m, uint32_t ssrc, const char *attribute,
    const char *value)
{
  tc_sdp_ssrc *s = TC_SDP_PUSH (m->ssrcs, m->n_ssrcs);
  s->ssrc = ssrc;
  s->attribute = g_strdup (attribute);
  s->value = g_strdup (value);
}

void
tc_sdp_add_group (tc_sdp *sdp, const char *semantics)
{
  tc_sdp_group *g = TC_SDP_PUSH (sdp->groups, sdp->n_groups);
  g->semantics = g_strdup (semantics);
}

void
tc_sdp_group_add_mid (tc_sdp_group *g, const char *mid)
{
  *TC_SDP_PUSH (g->mids, g->n_mids) = g_strdup (mid);
}

void
tc_sdp_set_connection (tc_sdp_common *c, const char *nettype,
    const char *addrtype, const char *address)
{
  if (c->connection == NULL)
    c->connection = g_new0 (tc_sdp_connection, 1);
  tc_sdp_set_str (&c->connection->nettype, nettype);
  tc_sdp_set_str (&c->connection->addrtype, addrtype);
  tc_sdp_set_str (&c->connection->address, address);
}

void
tc_sdp_set_bandwidth (tc_sdp_common *c, const char *type, uint32_t value)
{
  for (size_t i = 0; i < c->n_bandwidths; i++) {
    if (g_ascii_strcasecmp (c->bandwidths[i].type, type) == 0) {
      c->bandwidths[i].value = value;
      return;
    }
  }
  tc_sdp_bandwidth *b = TC_SDP_PUSH (c->bandwidths, c->n_bandwidths);
  b->type = g_strdup (type);
  b->value = value;
}

/* ----------------------------------------------------------------- lookup */

const tc_sdp_media *
tc_sdp_find_mid (const tc_sdp *sdp, const char *mid)
{
  for (size_t i = 0; sdp != NULL && mid != NULL && i < sdp->n_media; i++) {
    const char *m = sdp->media[i]->mid;
    if (m != NULL && strcmp (m, mid) == 0)
      return sdp->media[i];
  }
  return NULL;
}

int
tc_sdp_media_format_pt (const tc_sdp_media *m, size_t i)
{
  if (m == NULL || i >= m->n_formats)
    return -1;
  const char *s = m->formats[i];
  size_t n = strlen (s);
  uint32_t pt;
  if ((n > 1 && s[0] == '0') || !tc_sdp_u32 (s, n, 127, &pt))
    return -1;
  return (int) pt;
}

const tc_sdp_rtpmap *
tc_sdp_media_rtpmap (const tc_sdp_media *m, unsigned pt)
{
  for (size_t i = 0; m != NULL && i < m->n_rtpmaps; i++) {
    if (m->rtpmaps[i].pt == pt)
      return &m->rtpmaps[i];
  }
  return NULL;
}

const tc_sdp_fmtp *
tc_sdp_media_fmtp (const tc_sdp_media *m, unsigned pt)
{
  for (size_t i = 0; m != NULL && i < m->n_fmtps; i++) {
    if (m->fmtps[i].pt == pt)
      return &m->fmtps[i];
  }
  return NULL;
}

const char *
tc_sdp_fmtp_get (const tc_sdp_fmtp *fmtp, const char *name)
{
  for (size_t i = 0; fmtp != NULL && i < fmtp->n_params; i++) {
    const tc_sdp_param *p = &fmtp->params[i];
    if (g_ascii_strcasecmp (p->name, name) == 0)
      return p->value != NULL ? p->value : "";
  }
  return NULL;
}

const char *
tc_sdp_direction_str (tc_sdp_direction dir)
{
  switch (dir) {
    case TC_SDP_DIR_SENDRECV: return "sendrecv";
    case TC_SDP_DIR_SENDONLY: return "sendonly";
    case TC_SDP_DIR_RECVONLY: return "recvonly";
    case TC_SDP_DIR_INACTIVE: return "inactive";
    case TC_SDP_DIR_NONE: break;
  }
  return "none";
}

const char *
tc_sdp_setup_str (tc_sdp_setup setup)
{
  switch (setup) {
    case TC_SDP_SETUP_ACTPASS: return "actpass";
    case TC_SDP_SETUP_ACTIVE: return "active";
    case TC_SDP_SETUP_PASSIVE: return "passive";
    case TC_SDP_SETUP_HOLDCONN: return "holdconn";
    case TC_SDP_SETUP_NONE: break;
  }
  return "none";
}

/* ------------------------------------------------------------------- free */

static void
free_connection (tc_sdp_connection *c)
{
  if (c == NULL)
    return;
  g_free (c->nettype);
  g_free (c->addrtype);
  g_free (c->address);
  g_free (c);
}

void
tc_sdp_common_free (tc_sdp_common *c)
{
  free_connection (c->connection);
  for (size_t i = 0; i < c->n_bandwidths; i++)
    g_free (c->bandwidths[i].type);
  g_free (c->bandwidths);
  for (size_t i = 0; i < c->n_lines; i++)
    g_free (c->lines[i].value);
  g_free (c->lines);
  g_free (c->ice_ufrag);
  g_free (c->ice_pwd);
  g_free (c->ice_options);
  for (size_t i = 0; i < c->n_extmaps; i++) {
    g_free (c->extmaps[i].uri);
    g_free (c->extmaps[i].attributes);
  }
  g_free (c->extmaps);
  for (size_t i = 0; i < c->n_attrs; i++) {
    g_free (c->attrs[i].name);
    g_free (c->attrs[i].value);
  }
  g_free (c->attrs);
}

void
tc_sdp_media_clear_codecs (tc_sdp_media *m)
{
  for (size_t i = 0; i < m->n_formats; i++)
    g_free (m->formats[i]);
  g_clear_pointer (&m->formats, g_free);
  m->n_formats = 0;
  free_codecs (m);
  m->rtpmaps = NULL;
  m->fmtps = NULL;
  m->rtcp_fbs = NULL;
  m->n_rtpmaps = m->n_fmtps = m->n_rtcp_fbs = 0;
}

static void
free_codecs (tc_sdp_media *m)
{
  for (size_t i = 0; i < m->n_rtpmaps; i++)
    g_free (m->rtpmaps[i].name);
  g_free (m->rtpmaps);
  for (size_t i = 0; i < m->n_fmtps; i++) {
    for (size_t j = 0; j < m->fmtps[i].n_params; j++) {
      g_free (m->fmtps[i].params[j].name);
      g_free (m->fmtps[i].params[j].value);
    }
    g_free (m->fmtps[i].params);
  }
  g_free (m->fmtps);
  for (size_t i = 0; i < m->n_rtcp_fbs; i++) {
    g_free (m->rtcp_fbs[i].type);
    g_free (m->rtcp_fbs[i].subtype);
  }
  g_free (m->rtcp_fbs);
}

static void
free_streams (tc_sdp_media *m)
{
  for (size_t i = 0; i < m->n_ssrcs; i++) {
    g_free (m->ssrcs[i].attribute);
    g_free (m->ssrcs[i].value);
  }
  g_free (m->ssrcs);
  for (size_t i = 0; i < m->n_ssrc_groups; i++) {
    g_free (m->ssrc_groups[i].semantics);
    g_free (m->ssrc_groups[i].ssrcs);
  }
  g_free (m->ssrc_groups);
  for (size_t i = 0; i < m->n_msids; i++) {
    g_free (m->msids[i].stream_id);
    g_free (m->msids[i].track_id);
  }
  g_free (m->msids);
  for (size_t i = 0; i < m->n_candidates; i++)
    g_free (m->candidates[i].raw);
  g_free (m->candidates);
}

void
tc_sdp_media_free (tc_sdp_media *m)
{
  if (m == NULL)
    return;
  g_free (m->kind);
  g_free (m->proto);
  for (size_t i = 0; i < m->n_formats; i++)
    g_free (m->formats[i]);
  g_free (m->formats);
  tc_sdp_common_free (&m->common);
  g_free (m->mid);
  g_free (m->rtcp_address);
  free_codecs (m);
  free_streams (m);
  g_free (m);
}

void
tc_sdp_free (tc_sdp *sdp)
{
  if (sdp == NULL)
    return;
  tc_sdp_origin *o = &sdp->origin;
  g_free (o->username);
  g_free (o->session_id);
  g_free (o->nettype);
  g_free (o->addrtype);
  g_free (o->address);
  g_free (sdp->session_name);
  tc_sdp_common_free (&sdp->common);
  for (size_t i = 0; i < sdp->n_groups; i++) {
    g_free (sdp->groups[i].semantics);
    for (size_t j = 0; j < sdp->groups[i].n_mids; j++)
      g_free (sdp->groups[i].mids[j]);
    g_free (sdp->groups[i].mids);
  }
  g_free (sdp->groups);
  g_free (sdp->msid_semantic);
  for (size_t i = 0; i < sdp->n_media; i++)
    tc_sdp_media_free (sdp->media[i]);
  g_free (sdp->media);
  g_free (sdp);
}
