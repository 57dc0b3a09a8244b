/* sdp_negotiate.c - the negotiated result of an offer/answer exchange, for
 * the session: per section the codec, its fmtp, RTX, extension ids,
 * feedback, our direction and the peer's SSRCs; the peer's ICE credentials
 * and fingerprint; our DTLS role. Also reads a peer's answer to our offer. */
#include "sdp/sdp_internal.h"

#include <string.h>

bool
tc_sdp_is_rtp_proto (const char *proto)
{
  return proto != NULL && strstr (proto, "RTP/") != NULL;
}

const tc_sdp_group *
tc_sdp_bundle_group (const tc_sdp *sdp)
{
  for (size_t i = 0; i < sdp->n_groups; i++) {
    if (strcmp (sdp->groups[i].semantics, "BUNDLE") == 0)
      return &sdp->groups[i];
  }
  return NULL;
}

bool
tc_sdp_group_has (const tc_sdp_group *g, const char *mid)
{
  for (size_t i = 0; g != NULL && mid != NULL && i < g->n_mids; i++) {
    if (strcmp (g->mids[i], mid) == 0)
      return true;
  }
  return false;
}

bool
tc_sdp_media_is_live (const tc_sdp_media *m)
{
  if (m->port != 0)
    return true;
  for (size_t i = 0; i < m->common.n_attrs; i++) {
    if (strcmp (m->common.attrs[i].name, "bundle-only") == 0)
      return true;
  }
  return false;
}

void
tc_sdp_negotiated_free (tc_sdp_negotiated *neg)
{
  g_free (neg);
}

static tc_sdp_direction
reverse (tc_sdp_direction d)
{
  switch (d) {
    case TC_SDP_DIR_SENDONLY: return TC_SDP_DIR_RECVONLY;
    case TC_SDP_DIR_RECVONLY: return TC_SDP_DIR_SENDONLY;
    case TC_SDP_DIR_INACTIVE: return TC_SDP_DIR_INACTIVE;
    default: return TC_SDP_DIR_SENDRECV;
  }
}

static void
read_extmaps (const tc_sdp_common *c, tc_sdp_negotiated_media *nm)
{
  for (size_t i = 0; i < c->n_extmaps; i++) {
    const tc_sdp_extmap *e = &c->extmaps[i];
    uint8_t id = (uint8_t) e->id;
    if (strcmp (e->uri, TC_SDP_EXT_URI_MID) == 0)
      nm->ext_mid = id;
    else if (strcmp (e->uri, TC_SDP_EXT_URI_ABS_SEND_TIME) == 0)
      nm->ext_abs_send_time = id;
    else if (strcmp (e->uri, TC_SDP_EXT_URI_TRANSPORT_CC) == 0)
      nm->ext_transport_cc = id;
    else if (strcmp (e->uri, TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR) == 0
        && nm->codec == TC_SDP_CODEC_AV1)
      nm->ext_dependency_descriptor = id;
    else if (strcmp (e->uri, TC_SDP_EXT_URI_AUDIO_LEVEL) == 0
        && nm->codec == TC_SDP_CODEC_OPUS)
      nm->ext_audio_level = id;
  }
}

static unsigned
read_feedback (const tc_sdp_media *m, unsigned pt)
{
  static const struct {
    const char *type, *subtype;
    unsigned flag;
  } table[] = {
    { "nack", NULL, TC_SDP_FB_NACK }, { "nack", "pli", TC_SDP_FB_PLI },
    { "ccm", "fir", TC_SDP_FB_FIR }, { "goog-remb", NULL, TC_SDP_FB_REMB },
    { "transport-cc", NULL, TC_SDP_FB_TRANSPORT_CC },
  };
  unsigned flags = 0;
  for (size_t i = 0; i < m->n_rtcp_fbs; i++) {
    const tc_sdp_rtcp_fb *fb = &m->rtcp_fbs[i];
    if (fb->pt >= 0 && (unsigned) fb->pt != pt)
      continue;
    for (size_t j = 0; j < G_N_ELEMENTS (table); j++) {
      if (strcmp (fb->type, table[j].type) == 0
          && g_strcmp0 (fb->subtype, table[j].subtype) == 0)
        flags |= table[j].flag;
    }
  }
  return flags;
}

/* The peer's primary and RTX SSRC: ssrc-group FID, else its first a=ssrc. */
static void
read_ssrcs (const tc_sdp_media *peer, tc_sdp_negotiated_media *nm)
{
  for (size_t i = 0; i < peer->n_ssrc_groups; i++) {
    const tc_sdp_ssrc_group *g = &peer->ssrc_groups[i];
    if (strcmp (g->semantics, "FID") == 0 && g->n_ssrcs >= 2) {
      nm->remote_ssrc = g->ssrcs[0];
      nm->remote_rtx_ssrc = g->ssrcs[1];
      return;
    }
  }
  if (peer->n_ssrcs > 0)
    nm->remote_ssrc = peer->ssrcs[0].ssrc;
}

void
tc_sdp_negotiate_media (const tc_sdp_media *am, const tc_sdp_media *om,
    bool we_answer, const tc_sdp_local *local, tc_sdp_negotiated_media *nm)
{
  const tc_sdp_media *peer = we_answer ? om : am;
  tc_sdp_codec codec = TC_SDP_CODEC_NONE;

  memset (nm, 0, sizeof *nm);
  nm->rtx_pt = -1;
  g_strlcpy (nm->mid, am->mid != NULL ? am->mid : "", sizeof nm->mid);
  g_strlcpy (nm->kind, am->kind, sizeof nm->kind);
  int pt = tc_sdp_media_is_live (am) ? tc_sdp_codec_pick (am, local, om, &codec) : -1;
  if (pt < 0)
    return;
  const tc_sdp_rtpmap *r = tc_sdp_media_rtpmap (am, (unsigned) pt);
  nm->accepted = true;
  nm->codec = codec;
  nm->pt = (uint8_t) pt;
  nm->clock_rate = r->clock_rate;
  nm->channels = r->channels;
  tc_sdp_fmtp_text (tc_sdp_media_fmtp (am, (unsigned) pt), nm->fmtp, sizeof nm->fmtp);
  tc_sdp_fmtp_text (tc_sdp_media_fmtp (peer, (unsigned) pt), nm->remote_fmtp,
      sizeof nm->remote_fmtp);
  nm->rtx_pt = tc_sdp_codec_rtx_for (am, (unsigned) pt);
  read_extmaps (&am->common, nm);
  nm->rtcp_fb = read_feedback (am, (unsigned) pt);
  nm->direction = we_answer ? am->direction : reverse (am->direction);
  if (nm->direction == TC_SDP_DIR_NONE)
    nm->direction = TC_SDP_DIR_SENDRECV;
  read_ssrcs (peer, nm);
  nm->remote_max_kbps = tc_sdp_media_max_kbps (peer, pt);
}

bool
tc_sdp_negotiate_transport (const tc_sdp *remote, const tc_sdp_media *m,
    tc_sdp_negotiated *neg)
{
  const tc_sdp_common *s = &remote->common, *c = &m->common;
  const char *ufrag = c->ice_ufrag != NULL ? c->ice_ufrag : s->ice_ufrag;
  const char *pwd = c->ice_pwd != NULL ? c->ice_pwd : s->ice_pwd;
  const tc_sdp_fingerprint *fp = c->fingerprint.len > 0 ? &c->fingerprint
      : &s->fingerprint;
  if (ufrag == NULL || pwd == NULL || fp->len == 0)
    return false;
  g_strlcpy (neg->remote_ice_ufrag, ufrag, sizeof neg->remote_ice_ufrag);
  g_strlcpy (neg->remote_ice_pwd, pwd, sizeof neg->remote_ice_pwd);
  neg->remote_fingerprint = *fp;
  return true;
}

/* ------------------------------------------------------ the peer's answer */

static tc_status
fail (tc_sdp_negotiated *neg, const char **why, tc_status st, const char *w)
{
  tc_sdp_negotiated_free (neg);
  if (why != NULL)
    *why = w;
  return st;
}

static bool
same_section (const tc_sdp_media *om, const tc_sdp_media *am)
{
  return strcmp (om->kind, am->kind) == 0 && g_strcmp0 (om->mid, am->mid) == 0;
}

/* Our DTLS role from the answer's a=setup. */
static tc_sdp_setup
role_from_answer (const tc_sdp *answer, const tc_sdp_media *am)
{
  tc_sdp_setup s = am->common.setup != TC_SDP_SETUP_NONE ? am->common.setup
      : answer->common.setup;
  if (s == TC_SDP_SETUP_ACTIVE)
    return TC_SDP_SETUP_PASSIVE;
  if (s == TC_SDP_SETUP_PASSIVE)
    return TC_SDP_SETUP_ACTIVE;
  return TC_SDP_SETUP_NONE;
}

tc_status
tc_sdp_read_answer (const tc_sdp *offer, const tc_sdp *answer,
    const tc_sdp_local *local, tc_sdp_negotiated **out, const char **why)
{
  g_return_val_if_fail (offer && answer && local && out, TC_ERR_INVALID_ARG);
  *out = NULL;
  tc_sdp_negotiated *neg = g_new0 (tc_sdp_negotiated, 1);
  const tc_sdp_media *first = NULL;

  if (answer->n_media != offer->n_media)
    return fail (neg, why, TC_ERR_PARSE, "answer m= count differs from the offer");
  neg->n_media = answer->n_media;
  for (size_t i = 0; i < answer->n_media; i++) {
    const tc_sdp_media *om = offer->media[i], *am = answer->media[i];
    if (!same_section (om, am))
      return fail (neg, why, TC_ERR_PARSE, "answer m= kind or mid differs");
    tc_sdp_negotiate_media (am, om, false, local, &neg->media[i]);
    if (!neg->media[i].accepted && tc_sdp_media_is_live (am))
      return fail (neg, why, TC_ERR_PARSE, "answer codec was not offered");
    if (neg->media[i].accepted && first == NULL)
      first = am;
  }
  if (first == NULL)
    return fail (neg, why, TC_ERR_UNSUPPORTED, "answer rejected every section");
  neg->local_setup = role_from_answer (answer, first);
  if (neg->local_setup == TC_SDP_SETUP_NONE)
    return fail (neg, why, TC_ERR_PARSE, "answer a=setup");
  if (!tc_sdp_negotiate_transport (answer, first, neg))
    return fail (neg, why, TC_ERR_PARSE, "answer lacks ICE credentials or fingerprint");
  neg->bundle = tc_sdp_bundle_group (answer) != NULL;
  neg->extmap_allow_mixed = answer->common.extmap_allow_mixed;
  *out = neg;
  return TC_OK;
}
