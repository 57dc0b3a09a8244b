/* sdp_answer.c - our answer to a peer's offer (JSEP RFC 8829 section 5.3).
 *
 * Like the web client's answerer (addTrack after setRemoteDescription), we
 * map onto the offerer's m= lines and never add one: same count, order and
 * mids. Per section we take the codec we support that we like best (our
 * list's order, not the offerer's: see tc_sdp_codec_pick), with its RTX; we echo only the extensions we use, under the offerer's ids; our
 * direction is what the offer allows and what we have. Sections we cannot
 * use are rejected with port 0 and left out of the BUNDLE group.
 *
 * We have one track and one SSRC per kind, so we serve the first usable
 * section of each kind. A further one (a page adding a screen share as a
 * second video track) is accepted inactive, bundled, with no SSRC, FID
 * group or msid: JSEP (RFC 8829 5.3.1) keeps port 0 for sections that
 * cannot be used at all, and an inactive one lets the page's transceiver
 * live on until we could use it.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

/* We may send where the offerer receives and receive where it sends; within
 * that, what we have and what we want decide. */
static tc_sdp_direction
answer_direction (tc_sdp_direction offered, bool have_track, bool want)
{
  bool peer_sends = offered == TC_SDP_DIR_SENDRECV
      || offered == TC_SDP_DIR_SENDONLY || offered == TC_SDP_DIR_NONE;
  bool peer_receives = offered == TC_SDP_DIR_SENDRECV
      || offered == TC_SDP_DIR_RECVONLY || offered == TC_SDP_DIR_NONE;
  return tc_sdp_direction_of (have_track && peer_receives, want && peer_sends);
}

/* Our role from the offer's a=setup (RFC 8842 5.3; absent means active). */
static bool
answer_setup (tc_sdp_setup offered, tc_sdp_setup wanted, tc_sdp_setup *out)
{
  switch (offered) {
    case TC_SDP_SETUP_ACTPASS:
      *out = wanted == TC_SDP_SETUP_PASSIVE ? TC_SDP_SETUP_PASSIVE
          : TC_SDP_SETUP_ACTIVE;
      return true;
    case TC_SDP_SETUP_ACTIVE:
    case TC_SDP_SETUP_NONE:
      *out = TC_SDP_SETUP_PASSIVE;
      return true;
    case TC_SDP_SETUP_PASSIVE:
      *out = TC_SDP_SETUP_ACTIVE;
      return true;
    default:
      return false;
  }
}

static bool
is_media_kind (const char *kind)
{
  return strcmp (kind, "audio") == 0 || strcmp (kind, "video") == 0;
}

/* The payload type we accept `om` with, or -1 to reject it. Without a
 * BUNDLE group we run one transport, so only the first usable section. */
static int
acceptable (const tc_sdp *offer, const tc_sdp_media *om,
    const tc_sdp_local *local, size_t n_accepted, tc_sdp_codec *codec)
{
  const tc_sdp_group *bundle = tc_sdp_bundle_group (offer);
  if (!tc_sdp_media_is_live (om) || !is_media_kind (om->kind)
      || !g_str_has_suffix (om->proto, "RTP/SAVPF") || !om->rtcp_mux
      || om->mid == NULL)
    return -1;
  if (bundle != NULL ? !tc_sdp_group_has (bundle, om->mid) : n_accepted > 0)
    return -1;
  return tc_sdp_codec_pick (om, local, NULL, codec);
}

static void
reject_section (tc_sdp *ans, const tc_sdp_media *om)
{
  tc_sdp_media *m = tc_sdp_add_media (ans);
  m->kind = g_strdup (om->kind);
  m->proto = g_strdup (om->proto);
  for (size_t i = 0; i < om->n_formats; i++)
    *TC_SDP_PUSH (m->formats, m->n_formats) = g_strdup (om->formats[i]);
  tc_sdp_set_connection (&m->common, "IN", "IP4", "0.0.0.0");
  m->mid = g_strdup (om->mid);
}

/* The offerer's fmtp for a video codec (profile, packetization-mode,
 * profile-level-id...) as it wrote it, without its x-google-* hints: ours
 * are added by tc_sdp_apply_bandwidth. */
static void
echo_fmtp (tc_sdp_media *m, unsigned pt, const tc_sdp_fmtp *offered)
{
  for (size_t i = 0; offered != NULL && i < offered->n_params; i++) {
    const tc_sdp_param *p = &offered->params[i];
    if (!g_str_has_prefix (p->name, "x-google-"))
      tc_sdp_fmtp_add (tc_sdp_fmtp_for (m, pt), p->name, p->value);
  }
}

/* The dependency descriptor only goes with AV1 and the audio level only
 * with Opus: in another section they would be extensions nobody writes. */
static void
echo_extmaps (tc_sdp_media *m, const tc_sdp *offer, const tc_sdp_media *om,
    tc_sdp_codec codec)
{
  const tc_sdp_common *c = om->common.n_extmaps > 0 ? &om->common : &offer->common;
  for (size_t i = 0; i < c->n_extmaps; i++) {
    const char *uri = c->extmaps[i].uri;
    if (tc_sdp_ext_supported (uri) || (codec == TC_SDP_CODEC_AV1
            && strcmp (uri, TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR) == 0)
        || (codec == TC_SDP_CODEC_OPUS
            && strcmp (uri, TC_SDP_EXT_URI_AUDIO_LEVEL) == 0))
      tc_sdp_add_extmap (&m->common, c->extmaps[i].id, uri);
  }
}

static void
accept_section (tc_sdp *ans, const tc_sdp *offer, const tc_sdp_media *om,
    const tc_sdp_local *l, tc_sdp_setup setup, unsigned pt, tc_sdp_codec codec,
    bool served)
{
  bool video = codec != TC_SDP_CODEC_OPUS;
  bool have = video ? l->send_video : l->send_audio;
  bool want = video ? l->recv_video : l->recv_audio;
  int rtx = video ? tc_sdp_codec_rtx_for (om, pt) : -1;
  tc_sdp_media *m = tc_sdp_build_section (ans, om->kind, om->proto, om->mid,
      l, setup);

  echo_extmaps (m, offer, om, codec);
  m->direction = served ? answer_direction (om->direction, have, want)
      : TC_SDP_DIR_INACTIVE;
  m->rtcp_rsize = om->rtcp_rsize;
  tc_sdp_build_codec (m, codec, pt, rtx,
      video ? NULL : tc_sdp_codec_info_get (codec)->fmtp);
  if (video)
    echo_fmtp (m, pt, tc_sdp_media_fmtp (om, pt));
  tc_sdp_build_feedback (m, pt, video, om);
  if (m->direction == TC_SDP_DIR_SENDRECV || m->direction == TC_SDP_DIR_SENDONLY)
    tc_sdp_build_sender (m, l, video, rtx >= 0);
}

/* a=group:BUNDLE with the accepted mids, in the offer's group order. */
static void
answer_bundle (tc_sdp *ans, const tc_sdp *offer)
{
  const tc_sdp_group *og = tc_sdp_bundle_group (offer);
  if (og == NULL)
    return;
  tc_sdp_add_group (ans, "BUNDLE");
  for (size_t i = 0; i < og->n_mids; i++) {
    const tc_sdp_media *m = tc_sdp_find_mid (ans, og->mids[i]);
    if (m != NULL && m->port != 0)
      tc_sdp_group_add_mid (&ans->groups[0], og->mids[i]);
  }
}

static tc_status
fail (tc_sdp *ans, const char **why, tc_status st, const char *w)
{
  tc_sdp_free (ans);
  if (why != NULL)
    *why = w;
  return st;
}

/* The first accepted offer section, or NULL. */
static const tc_sdp_media *
first_accepted (const tc_sdp *offer, const tc_sdp *ans)
{
  for (size_t i = 0; i < ans->n_media; i++) {
    if (ans->media[i]->port != 0)
      return offer->media[i];
  }
  return NULL;
}

static tc_status
negotiated (const tc_sdp *offer, const tc_sdp *ans, const tc_sdp_local *l,
    tc_sdp_setup setup, tc_sdp_negotiated **out)
{
  tc_sdp_negotiated *neg = g_new0 (tc_sdp_negotiated, 1);
  neg->n_media = ans->n_media;
  for (size_t i = 0; i < ans->n_media; i++)
    tc_sdp_negotiate_media (ans->media[i], offer->media[i], true, l, &neg->media[i]);
  neg->bundle = tc_sdp_bundle_group (ans) != NULL;
  neg->extmap_allow_mixed = ans->common.extmap_allow_mixed;
  neg->local_setup = setup;
  if (!tc_sdp_negotiate_transport (offer, first_accepted (offer, ans), neg)) {
    tc_sdp_negotiated_free (neg);
    return TC_ERR_PARSE;
  }
  *out = neg;
  return TC_OK;
}

/* One answer section per offer section; returns how many were accepted. */
static size_t
answer_sections (tc_sdp *ans, const tc_sdp *offer, const tc_sdp_local *local,
    tc_sdp_setup setup)
{
  size_t n_accepted = 0;
  bool served_audio = false, served_video = false;
  for (size_t i = 0; i < offer->n_media; i++) {
    const tc_sdp_media *om = offer->media[i];
    tc_sdp_codec codec;
    int pt = acceptable (offer, om, local, n_accepted, &codec);
    if (pt < 0) {
      reject_section (ans, om);
      continue;
    }
    bool *served = codec == TC_SDP_CODEC_OPUS ? &served_audio : &served_video;
    accept_section (ans, offer, om, local, setup, (unsigned) pt, codec,
        !*served);
    *served = true;
    n_accepted++;
  }
  return n_accepted;
}

/* Our hints never ask for more than the offer's limits: the page and we
 * then name one ceiling per video section. */
static void
keep_offered_limits (tc_sdp *ans, const tc_sdp *offer)
{
  for (size_t i = 0; i < ans->n_media; i++) {
    tc_sdp_media *m = ans->media[i];
    int pt = m->n_formats > 0 ? tc_sdp_media_format_pt (m, 0) : -1;
    if (m->port != 0 && strcmp (m->kind, "video") == 0)
      tc_sdp_cap_bandwidth (m, pt,
          tc_sdp_media_max_kbps (offer->media[i], pt));
  }
}

/* Gives the caller what it asked for and frees the rest. */
static void
hand_over (tc_sdp *ans, tc_sdp_negotiated *n, tc_sdp **answer,
    tc_sdp_negotiated **neg)
{
  if (neg != NULL)
    *neg = n;
  else
    tc_sdp_negotiated_free (n);
  if (answer != NULL)
    *answer = ans;
  else
    tc_sdp_free (ans);
}

/* We never send what we would refuse: an offer near the limits (huge fmtp
 * lines, 32 sections) could grow past them in our answer. */
static tc_status
self_check (const tc_sdp *ans)
{
  char *text = tc_sdp_serialize (ans);
  tc_sdp *back = NULL;
  tc_status st = tc_sdp_parse (text, strlen (text), &back, NULL);
  tc_sdp_free (back);
  g_free (text);
  return st;
}

static tc_sdp_setup
offered_setup (const tc_sdp *offer)
{
  for (size_t i = 0; i < offer->n_media; i++) {
    if (offer->media[i]->common.setup != TC_SDP_SETUP_NONE)
      return offer->media[i]->common.setup;
  }
  return offer->common.setup;
}

tc_status
tc_sdp_build_answer (const tc_sdp *offer, const tc_sdp_local *local,
    tc_sdp **answer, tc_sdp_negotiated **neg, const char **why)
{
  g_return_val_if_fail (offer != NULL && local != NULL, TC_ERR_INVALID_ARG);
  if (answer != NULL)
    *answer = NULL;
  if (neg != NULL)
    *neg = NULL;
  const char *bad = tc_sdp_check_local (local);
  if (bad != NULL)
    return fail (NULL, why, TC_ERR_INVALID_ARG, bad);
  tc_sdp_setup setup;
  if (!answer_setup (offered_setup (offer), local->setup, &setup))
    return fail (NULL, why, TC_ERR_PARSE, "offer a=setup");

  tc_sdp *ans = tc_sdp_build_session (local);
  ans->common.extmap_allow_mixed = offer->common.extmap_allow_mixed;
  if (answer_sections (ans, offer, local, setup) == 0)
    return fail (ans, why, TC_ERR_UNSUPPORTED, "no usable media section in the offer");
  answer_bundle (ans, offer);
  tc_sdp_bitrates rates;
  if (tc_sdp_effective_bitrates (local->quality, &local->bitrates, &rates))
    tc_sdp_apply_bitrates (ans, &rates);
  keep_offered_limits (ans, offer);
  tc_status st = self_check (ans);
  if (st != TC_OK)
    return fail (ans, why, st, "answer would exceed the SDP limits");

  tc_sdp_negotiated *n = NULL;
  if (negotiated (offer, ans, local, setup, &n) != TC_OK)
    return fail (ans, why, TC_ERR_PARSE, "offer lacks ICE credentials or fingerprint");
  hand_over (ans, n, answer, neg);
  return TC_OK;
}
