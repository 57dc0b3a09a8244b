/* sdp_attr_rtp.c - a= lines about RTP: rtpmap and fmtp (RFC 8866 6.6,
 * 6.15), rtcp-fb (RFC 4585), extmap (RFC 8285), ssrc and ssrc-group
 * (RFC 5576), msid (RFC 8830). */
#include "sdp/sdp_internal.h"

#include <string.h>

/* Reads "<pt> " at the start of `value`: a payload type 0..127, or '*'
 * (-1) when `star` allows it. Returns the text after it, or NULL. */
static const char *
read_pt (const char *value, bool star, int *pt)
{
  const char *s = value;
  size_t n;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  uint32_t v;

  if (w == NULL)
    return NULL;
  if (star && n == 1 && w[0] == '*')
    *pt = -1;
  else if (tc_sdp_u32 (w, n, 127, &v))
    *pt = (int) v;
  else
    return NULL;
  return *s == ' ' ? s : NULL;
}

/* a=rtpmap:<pt> <name>/<clock>[/<channels>] */
static tc_status
attr_rtpmap (tc_sdp_parser *p, const char *value)
{
  int pt;
  const char *s = read_pt (value, false, &pt);
  const char *rest = s != NULL ? tc_sdp_rest (s) : NULL;
  if (rest == NULL || strchr (rest, ' ') != NULL
      || tc_sdp_media_rtpmap (p->media, (unsigned) pt) != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=rtpmap");
  char **parts = g_strsplit (rest, "/", 4);
  guint n = g_strv_length (parts);
  uint32_t clock = 0, channels = 0;
  bool ok = (n == 2 || n == 3) && tc_sdp_is_token (parts[0], strlen (parts[0]), 32)
      && tc_sdp_u32 (parts[1], strlen (parts[1]), UINT32_MAX, &clock) && clock > 0
      && (n == 2 || (tc_sdp_u32 (parts[2], strlen (parts[2]), 255, &channels)
              && channels > 0));
  if (ok)
    tc_sdp_add_rtpmap (p->media, (unsigned) pt, parts[0], clock, channels);
  g_strfreev (parts);
  return ok ? TC_OK : tc_sdp_fail (p, TC_ERR_PARSE, "a=rtpmap");
}

/* a=fmtp:<pt> <k>=<v>;<k>=<v>... Parameters keep their order; spaces after
 * a ';' are dropped. */
static tc_status
attr_fmtp (tc_sdp_parser *p, const char *value)
{
  int pt;
  const char *s = read_pt (value, false, &pt);
  const char *rest = s != NULL ? tc_sdp_rest (s) : NULL;
  if (rest == NULL || tc_sdp_media_fmtp (p->media, (unsigned) pt) != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=fmtp");
  tc_sdp_fmtp *f = TC_SDP_PUSH (p->media->fmtps, p->media->n_fmtps);
  f->pt = (uint8_t) pt;
  for (const char *seg = rest; seg != NULL;) {
    const char *semi = strchr (seg, ';');
    size_t n = semi != NULL ? (size_t) (semi - seg) : strlen (seg);
    const char *eq = memchr (seg, '=', n);
    if (f->n_params >= TC_SDP_MAX_LIST)
      return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "a=fmtp too long");
    tc_sdp_param *prm = TC_SDP_PUSH (f->params, f->n_params);
    prm->name = g_strndup (seg, eq != NULL ? (size_t) (eq - seg) : n);
    prm->value = eq != NULL ? g_strndup (eq + 1, n - (size_t) (eq - seg) - 1) : NULL;
    seg = semi != NULL ? semi + 1 : NULL;
    while (seg != NULL && *seg == ' ')
      seg++;
  }
  return TC_OK;
}

/* a=rtcp-fb:<pt|*> <type> [<subtype...>] */
static tc_status
attr_rtcp_fb (tc_sdp_parser *p, const char *value)
{
  int pt;
  const char *s = read_pt (value, true, &pt);
  size_t n;
  const char *type = s != NULL ? tc_sdp_word (&s, &n) : NULL;
  if (type == NULL || !tc_sdp_is_token (type, n, 32))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=rtcp-fb");
  tc_sdp_rtcp_fb *fb = TC_SDP_PUSH (p->media->rtcp_fbs, p->media->n_rtcp_fbs);
  fb->pt = pt;
  fb->type = g_strndup (type, n);
  fb->subtype = g_strdup (tc_sdp_rest (s));
  return TC_OK;
}

static bool
parse_ext_dir (const char *s, size_t n, tc_sdp_direction *dir)
{
  static const char *const names[] = {
    [TC_SDP_DIR_SENDRECV] = "sendrecv", [TC_SDP_DIR_SENDONLY] = "sendonly",
    [TC_SDP_DIR_RECVONLY] = "recvonly", [TC_SDP_DIR_INACTIVE] = "inactive",
  };
  for (size_t i = 1; i < G_N_ELEMENTS (names); i++) {
    if (strlen (names[i]) == n && memcmp (s, names[i], n) == 0) {
      *dir = (tc_sdp_direction) i;
      return true;
    }
  }
  return false;
}

static bool
has_extmap_id (const tc_sdp_common *c, uint32_t id)
{
  for (size_t i = 0; i < c->n_extmaps; i++) {
    if (c->extmaps[i].id == id)
      return true;
  }
  return false;
}

/* a=extmap:<id>[/<direction>] <uri> [<extension attributes>] */
static tc_status
attr_extmap (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n, un;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  const char *slash = w != NULL ? memchr (w, '/', n) : NULL;
  size_t idlen = slash != NULL ? (size_t) (slash - w) : n;
  tc_sdp_direction dir = TC_SDP_DIR_NONE;
  uint32_t id;
  const char *uri = w != NULL ? tc_sdp_word (&s, &un) : NULL;

  if (uri == NULL || !tc_sdp_u32 (w, idlen, 255, &id) || id == 0
      || (slash != NULL && !parse_ext_dir (slash + 1, n - idlen - 1, &dir))
      || has_extmap_id (p->common, id))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=extmap");
  tc_sdp_extmap *e = TC_SDP_PUSH (p->common->extmaps, p->common->n_extmaps);
  e->id = (uint16_t) id;
  e->direction = dir;
  e->uri = g_strndup (uri, un);
  e->attributes = g_strdup (tc_sdp_rest (s));
  return TC_OK;
}

/* a=ssrc:<ssrc> <attribute>[:<value>] */
static tc_status
attr_ssrc (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  uint32_t ssrc;
  const char *rest = tc_sdp_rest (s);
  if (w == NULL || rest == NULL || !tc_sdp_u32 (w, n, UINT32_MAX, &ssrc))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=ssrc");
  const char *colon = strchr (rest, ':');
  size_t an = colon != NULL ? (size_t) (colon - rest) : strlen (rest);
  if (!tc_sdp_is_token (rest, an, 64))
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=ssrc");
  tc_sdp_ssrc *e = TC_SDP_PUSH (p->media->ssrcs, p->media->n_ssrcs);
  e->ssrc = ssrc;
  e->attribute = g_strndup (rest, an);
  e->value = colon != NULL ? g_strdup (colon + 1) : NULL;
  return TC_OK;
}

/* a=ssrc-group:<semantics> <ssrc> ... */
static tc_status
attr_ssrc_group (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n;
  const char *w = value != NULL ? tc_sdp_word (&s, &n) : NULL;
  if (w == NULL || !tc_sdp_is_token (w, n, 32) || tc_sdp_rest (s) == NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=ssrc-group");
  tc_sdp_ssrc_group *g = TC_SDP_PUSH (p->media->ssrc_groups,
      p->media->n_ssrc_groups);
  g->semantics = g_strndup (w, n);
  while ((w = tc_sdp_word (&s, &n)) != NULL) {
    uint32_t ssrc;
    if (!tc_sdp_u32 (w, n, UINT32_MAX, &ssrc))
      return tc_sdp_fail (p, TC_ERR_PARSE, "a=ssrc-group");
    if (g->n_ssrcs >= TC_SDP_MAX_LIST)
      return tc_sdp_fail (p, TC_ERR_TOO_LARGE, "a=ssrc-group too long");
    *TC_SDP_PUSH (g->ssrcs, g->n_ssrcs) = ssrc;
  }
  return TC_OK;
}

/* a=msid:<stream id> [<track id>] */
static tc_status
attr_msid (tc_sdp_parser *p, const char *value)
{
  const char *s = value;
  size_t n1, n2 = 0;
  const char *stream = value != NULL ? tc_sdp_word (&s, &n1) : NULL;
  const char *track = stream != NULL ? tc_sdp_word (&s, &n2) : NULL;
  if (stream == NULL || !tc_sdp_is_token (stream, n1, TC_SDP_MAX_ID)
      || (track != NULL && !tc_sdp_is_token (track, n2, TC_SDP_MAX_ID))
      || tc_sdp_rest (s) != NULL)
    return tc_sdp_fail (p, TC_ERR_PARSE, "a=msid");
  tc_sdp_msid *m = TC_SDP_PUSH (p->media->msids, p->media->n_msids);
  m->stream_id = g_strndup (stream, n1);
  m->track_id = track != NULL ? g_strndup (track, n2) : NULL;
  return TC_OK;
}

tc_sdp_attr_fn
tc_sdp_rtp_attr_handler (const char *name)
{
  static const struct {
    const char *name;
    tc_sdp_attr_fn fn;
  } table[] = {
    {"rtpmap", attr_rtpmap},
    {"fmtp", attr_fmtp},
    {"rtcp-fb", attr_rtcp_fb},
    {"extmap", attr_extmap},
    {"ssrc", attr_ssrc},
    {"ssrc-group", attr_ssrc_group},
    {"msid", attr_msid},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++) {
    if (strcmp (table[i].name, name) == 0)
      return table[i].fn;
  }
  return NULL;
}
