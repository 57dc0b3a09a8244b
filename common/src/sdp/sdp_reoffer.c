/* sdp_reoffer.c - an offer for a call that is already negotiated.
 *
 * A subsequent offer (JSEP 5.2.2) must describe the same m= sections in the
 * same order with the same mids; browsers also refuse a payload type or an
 * extension id that changes meaning within a BUNDLE. So a re-offer is our
 * ordinary offer, cut down to the negotiated codec and renamed section by
 * section to what the current negotiation says: its mids, payload types and
 * extension ids. Only the directions (and ICE credentials, on a restart) are
 * new. setup:actpass as every offer; the DTLS role itself stays with the
 * transport (RFC 8842 5.5), which the caller does not touch.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

/* Old -> new payload types of one section; applied all at once, so a swap
 * (new codec pt == old rtx pt) cannot clash. */
typedef struct {
  unsigned from[2];
  unsigned to[2];
  size_t n;
} pt_map;

static unsigned
map_pt (const pt_map *map, unsigned pt)
{
  for (size_t i = 0; i < map->n; i++) {
    if (map->from[i] == pt)
      return map->to[i];
  }
  return pt;
}

static void
map_pt_text (const pt_map *map, char **text)
{
  uint32_t pt;
  if (*text == NULL || !tc_sdp_u32 (*text, strlen (*text), 127, &pt))
    return;
  g_free (*text);
  *text = g_strdup_printf ("%u", map_pt (map, pt));
}

static void
renumber (tc_sdp_media *m, const pt_map *map)
{
  for (size_t i = 0; i < m->n_formats; i++)
    map_pt_text (map, &m->formats[i]);
  for (size_t i = 0; i < m->n_rtpmaps; i++)
    m->rtpmaps[i].pt = (uint8_t) map_pt (map, m->rtpmaps[i].pt);
  for (size_t i = 0; i < m->n_fmtps; i++) {
    tc_sdp_fmtp *f = &m->fmtps[i];
    f->pt = (uint8_t) map_pt (map, f->pt);
    for (size_t j = 0; j < f->n_params; j++) {
      if (g_ascii_strcasecmp (f->params[j].name, "apt") == 0)
        map_pt_text (map, &f->params[j].value);
    }
  }
  for (size_t i = 0; i < m->n_rtcp_fbs; i++) {
    if (m->rtcp_fbs[i].pt >= 0)
      m->rtcp_fbs[i].pt = (int) map_pt (map, (unsigned) m->rtcp_fbs[i].pt);
  }
}

/* The negotiated id of an extension we offer; 0 when it was not agreed
 * (offering it now could reuse an id the peer gave another meaning). */
static unsigned
negotiated_ext_id (const tc_sdp_negotiated_media *cur, const char *uri)
{
  if (strcmp (uri, TC_SDP_EXT_URI_MID) == 0)
    return cur->ext_mid;
  if (strcmp (uri, TC_SDP_EXT_URI_ABS_SEND_TIME) == 0)
    return cur->ext_abs_send_time;
  if (strcmp (uri, TC_SDP_EXT_URI_TRANSPORT_CC) == 0)
    return cur->ext_transport_cc;
  if (strcmp (uri, TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR) == 0)
    return cur->ext_dependency_descriptor;
  if (strcmp (uri, TC_SDP_EXT_URI_AUDIO_LEVEL) == 0)
    return cur->ext_audio_level;
  return 0;
}

static void
follow_extmaps (tc_sdp_common *c, const tc_sdp_negotiated_media *cur)
{
  size_t kept = 0;
  for (size_t i = 0; i < c->n_extmaps; i++) {
    tc_sdp_extmap e = c->extmaps[i];
    e.id = (uint16_t) negotiated_ext_id (cur, e.uri);
    if (e.id == 0) {
      g_free (e.uri);
      g_free (e.attributes);
      continue;
    }
    c->extmaps[kept++] = e;
  }
  c->n_extmaps = kept;
}

/* A video codec with variants (H264's profiles) is offered again as the one
 * agreed: its payload type, RTX and fmtp (profile-level-id...) as the
 * answer had them, without the bandwidth hints (added afresh). */
static void
agreed_video_codec (tc_sdp_media *m, const tc_sdp_negotiated_media *cur)
{
  tc_sdp_fmtp agreed = { 0 };
  tc_sdp_media_clear_codecs (m);
  tc_sdp_build_codec (m, cur->codec, cur->pt, cur->rtx_pt, NULL);
  tc_sdp_fmtp_add_text (&agreed, cur->fmtp);
  for (size_t i = 0; i < agreed.n_params; i++) {
    tc_sdp_param *p = &agreed.params[i];
    if (!g_str_has_prefix (p->name, "x-google-"))
      tc_sdp_fmtp_add (tc_sdp_fmtp_for (m, cur->pt), p->name, p->value);
    g_free (p->name);
    g_free (p->value);
  }
  g_free (agreed.params);
  tc_sdp_build_feedback (m, cur->pt, true, NULL);
}

/* Our fresh section `m` (one codec, maybe its RTX) takes the identity the
 * current negotiation gave the section `cur`. A video section whose agreed
 * codec we no longer want (the wrapper changed its list, say to the codec
 * of already-encoded input) offers our codecs afresh, under our own
 * payload types: never an agreed payload type with another codec. */
static void
follow_section (tc_sdp_media *m, const tc_sdp_negotiated_media *cur,
    const tc_sdp_local *l)
{
  tc_sdp_set_str (&m->mid, cur->mid);
  bool video = strcmp (cur->kind, "video") == 0;
  if (video && !tc_sdp_local_supports (l, cur->codec)) {
    follow_extmaps (&m->common, cur);
    return;
  }
  if (video)
    agreed_video_codec (m, cur);
  pt_map map = { .n = 0 };
  int pt = tc_sdp_media_format_pt (m, 0);
  if (pt >= 0) {
    map.from[map.n] = (unsigned) pt;
    map.to[map.n++] = cur->pt;
  }
  int rtx = pt >= 0 ? tc_sdp_codec_rtx_for (m, (unsigned) pt) : -1;
  if (rtx >= 0 && cur->rtx_pt >= 0) {
    map.from[map.n] = (unsigned) rtx;
    map.to[map.n++] = (unsigned) cur->rtx_pt;
  }
  renumber (m, &map);
  follow_extmaps (&m->common, cur);
}

/* A section the current negotiation rejected stays rejected (port 0). */
static tc_sdp_media *
rejected_section (const tc_sdp_negotiated_media *cur)
{
  tc_sdp_media *m = g_new0 (tc_sdp_media, 1);
  bool data = strcmp (cur->kind, "application") == 0;
  m->rtcp_port = -1;
  m->kind = g_strdup (cur->kind[0] != '\0' ? cur->kind : "audio");
  m->port = 0;
  m->proto = g_strdup (data ? "UDP/DTLS/SCTP" : "UDP/TLS/RTP/SAVPF");
  *TC_SDP_PUSH (m->formats, m->n_formats) =
      g_strdup (data ? "webrtc-datachannel" : "0");
  tc_sdp_set_connection (&m->common, "IN", "IP4", "0.0.0.0");
  if (cur->mid[0] != '\0')
    m->mid = g_strdup (cur->mid);
  m->direction = TC_SDP_DIR_INACTIVE;
  return m;
}

/* Takes the first section of `kind` out of `fresh` (NULL when none). */
static tc_sdp_media *
take_section (tc_sdp *fresh, const char *kind)
{
  for (size_t i = 0; i < fresh->n_media; i++) {
    tc_sdp_media *m = fresh->media[i];
    if (m != NULL && strcmp (m->kind, kind) == 0) {
      fresh->media[i] = NULL;
      return m;
    }
  }
  return NULL;
}

/* Our local description cut down to the codecs already agreed. */
static void
keep_negotiated_codecs (tc_sdp_local *l, const tc_sdp_negotiated *cur)
{
  for (size_t i = 0; i < cur->n_media; i++) {
    const tc_sdp_negotiated_media *m = &cur->media[i];
    if (m->accepted && strcmp (m->kind, "video") == 0
        && tc_sdp_local_supports (l, m->codec)) {
      l->video_codecs[0] = m->codec;
      l->n_video_codecs = 1;
      return;
    }
  }
}

static void
move_sections (tc_sdp *sdp, tc_sdp *fresh, const tc_sdp_negotiated *cur,
    const tc_sdp_local *l)
{
  tc_sdp_add_group (sdp, "BUNDLE");
  for (size_t i = 0; i < cur->n_media; i++) {
    const tc_sdp_negotiated_media *c = &cur->media[i];
    tc_sdp_media *m = c->accepted ? take_section (fresh, c->kind) : NULL;
    if (m != NULL) {
      follow_section (m, c, l);
      tc_sdp_group_add_mid (&sdp->groups[0], c->mid);
    } else {
      m = rejected_section (c);
    }
    *TC_SDP_PUSH (sdp->media, sdp->n_media) = m;
  }
}

tc_status
tc_sdp_build_reoffer (const tc_sdp_local *local,
    const tc_sdp_negotiated *current, tc_sdp **out, const char **why)
{
  g_return_val_if_fail (local != NULL && current != NULL && out != NULL,
      TC_ERR_INVALID_ARG);
  *out = NULL;
  tc_sdp_local l = *local;
  l.setup = TC_SDP_SETUP_NONE;  /* actpass */
  keep_negotiated_codecs (&l, current);
  tc_sdp *fresh = NULL;
  tc_status st = tc_sdp_build_offer (&l, &fresh, why);
  if (st != TC_OK)
    return st;
  tc_sdp *sdp = tc_sdp_build_session (&l);
  sdp->common.extmap_allow_mixed = fresh->common.extmap_allow_mixed;
  move_sections (sdp, fresh, current, &l);
  tc_sdp_free (fresh);
  tc_sdp_bitrates rates;
  if (tc_sdp_effective_bitrates (l.quality, &l.bitrates, &rates))
    tc_sdp_apply_bitrates (sdp, &rates);
  if (sdp->groups[0].n_mids == 0) {
    tc_sdp_free (sdp);
    if (why != NULL)
      *why = "the current negotiation has no section we can offer";
    return TC_ERR_INVALID_ARG;
  }
  *out = sdp;
  return TC_OK;
}
