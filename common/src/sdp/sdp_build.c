/* sdp_build.c - our offer, and the pieces our offer and answer share.
 *
 * The offer is what a TempChat page's RTCPeerConnection writes after
 * addTransceiver(audio), addTransceiver(video) and setCodecPreferences:
 * audio (mid 0) then video (mid 1) on one BUNDLE transport, Chrome's
 * extension ids and feedback, one RTX per video codec, the web client's
 * Opus parameters and bandwidth hints.
 */
#include "sdp/sdp_internal.h"

#include <string.h>

/* Chrome's ids for the three extensions we use. */
static const struct {
  unsigned id;
  const char *uri;
} our_extmaps[] = {
  { 2, TC_SDP_EXT_URI_ABS_SEND_TIME },
  { 3, TC_SDP_EXT_URI_TRANSPORT_CC },
  { 4, TC_SDP_EXT_URI_MID },
};

void
tc_sdp_local_init (tc_sdp_local *local)
{
  static const tc_sdp_codec order[] = { TC_SDP_CODEC_AV1, TC_SDP_CODEC_VP9,
    TC_SDP_CODEC_H264, TC_SDP_CODEC_VP8 };

  g_return_if_fail (local != NULL);
  memset (local, 0, sizeof *local);
  memcpy (local->video_codecs, order, sizeof order);
  local->n_video_codecs = G_N_ELEMENTS (order);
  local->opus = true;
  local->recv_audio = true;
  local->recv_video = true;
  local->quality = TC_SDP_QUALITY_720P;
  local->session_version = 2;
}

static bool
ice_ok (const char *s, size_t min)
{
  size_t n = s != NULL ? strlen (s) : 0;
  return n >= min && n <= 256 && tc_sdp_all (s, n, tc_sdp_is_ice_char);
}

static bool
id_ok (const char *s)
{
  return s != NULL && tc_sdp_is_token (s, strlen (s), TC_SDP_MAX_ID);
}

static const char *
check_codecs (const tc_sdp_local *l)
{
  if (l->n_video_codecs > TC_SDP_MAX_VIDEO_CODECS)
    return "local n_video_codecs";
  for (size_t i = 0; i < l->n_video_codecs; i++) {
    tc_sdp_codec c = l->video_codecs[i];
    if (c == TC_SDP_CODEC_NONE || c == TC_SDP_CODEC_OPUS
        || tc_sdp_codec_info_get (c) == NULL)
      return "local video_codecs";
    for (size_t j = 0; j < i; j++) {
      if (l->video_codecs[j] == c)
        return "local video_codecs repeats a codec";
    }
  }
  return NULL;
}

/* NULL when `l` can build a description, else what is wrong with it. */
const char *
tc_sdp_check_local (const tc_sdp_local *l)
{
  if (!ice_ok (l->ice_ufrag, 4))
    return "local ice_ufrag";
  if (!ice_ok (l->ice_pwd, 22))
    return "local ice_pwd";
  if ((l->send_audio || l->send_video) && (!id_ok (l->cname) || !id_ok (l->stream_id)))
    return "local cname or stream_id";
  if (l->send_audio && !id_ok (l->audio_track_id))
    return "local audio_track_id";
  if (l->send_video && !id_ok (l->video_track_id))
    return "local video_track_id";
  if (!tc_sdp_quality_bitrates (l->quality, NULL, NULL))
    return "local quality";
  if (l->setup == TC_SDP_SETUP_HOLDCONN)
    return "local setup";
  return check_codecs (l);
}

/* v= o= s= t= and a=msid-semantic. */
tc_sdp *
tc_sdp_build_session (const tc_sdp_local *l)
{
  tc_sdp *sdp = tc_sdp_new ();
  tc_sdp_origin *o = &sdp->origin;
  o->username = g_strdup ("-");
  o->session_id = g_strdup_printf ("%" G_GUINT64_FORMAT, l->session_id);
  o->session_version = l->session_version;
  o->nettype = g_strdup ("IN");
  o->addrtype = g_strdup ("IP4");
  o->address = g_strdup ("127.0.0.1");
  sdp->session_name = g_strdup ("-");
  bool sends = l->send_audio || l->send_video;
  sdp->msid_semantic = sends ? g_strdup_printf ("WMS %s", l->stream_id)
      : g_strdup ("WMS");
  return sdp;
}

void
tc_sdp_build_transport (tc_sdp_common *c, const tc_sdp_local *l,
    tc_sdp_setup setup)
{
  tc_sdp_set_str (&c->ice_ufrag, l->ice_ufrag);
  tc_sdp_set_str (&c->ice_pwd, l->ice_pwd);
  tc_sdp_set_str (&c->ice_options, "trickle");
  memset (&c->fingerprint, 0, sizeof c->fingerprint);
  g_strlcpy (c->fingerprint.algorithm, "sha-256", sizeof c->fingerprint.algorithm);
  memcpy (c->fingerprint.bytes, l->fingerprint_sha256, 32);
  c->fingerprint.len = 32;
  c->setup = setup;
}

tc_sdp_media *
tc_sdp_build_section (tc_sdp *sdp, const char *kind, const char *proto,
    const char *mid, const tc_sdp_local *l, tc_sdp_setup setup)
{
  tc_sdp_media *m = tc_sdp_add_media (sdp);
  m->kind = g_strdup (kind);
  m->port = 9;
  m->proto = g_strdup (proto);
  tc_sdp_set_connection (&m->common, "IN", "IP4", "0.0.0.0");
  m->rtcp_port = 9;
  m->rtcp_address = g_strdup ("IN IP4 0.0.0.0");
  tc_sdp_build_transport (&m->common, l, setup);
  m->mid = g_strdup (mid);
  m->rtcp_mux = true;
  return m;
}

void
tc_sdp_build_codec (tc_sdp_media *m, tc_sdp_codec codec, unsigned pt,
    int rtx_pt, const char *fmtp)
{
  const tc_sdp_codec_info *info = tc_sdp_codec_info_get (codec);
  tc_sdp_add_format (m, pt);
  tc_sdp_add_rtpmap (m, pt, info->name, info->clock_rate, info->channels);
  if (fmtp != NULL && fmtp[0] != '\0')
    tc_sdp_fmtp_add_text (tc_sdp_fmtp_for (m, pt), fmtp);
  if (rtx_pt < 0)
    return;
  tc_sdp_add_format (m, (unsigned) rtx_pt);
  tc_sdp_add_rtpmap (m, (unsigned) rtx_pt, "rtx", info->clock_rate, 0);
  char *apt = g_strdup_printf ("%u", pt);
  tc_sdp_fmtp_set (tc_sdp_fmtp_for (m, (unsigned) rtx_pt), "apt", apt);
  g_free (apt);
}

static bool
offers_fb (const tc_sdp_media *om, unsigned pt, const char *type,
    const char *subtype)
{
  for (size_t i = 0; i < om->n_rtcp_fbs; i++) {
    const tc_sdp_rtcp_fb *fb = &om->rtcp_fbs[i];
    if ((fb->pt < 0 || (unsigned) fb->pt == pt) && strcmp (fb->type, type) == 0
        && g_strcmp0 (fb->subtype, subtype) == 0)
      return true;
  }
  return false;
}

void
tc_sdp_build_feedback (tc_sdp_media *m, unsigned pt, bool video,
    const tc_sdp_media *offered)
{
  static const char *const fbs[][2] = {
    { "goog-remb", NULL }, { "transport-cc", NULL }, { "ccm", "fir" },
    { "nack", NULL }, { "nack", "pli" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (fbs); i++) {
    if (!video && strcmp (fbs[i][0], "transport-cc") != 0)
      continue;
    if (offered == NULL || offers_fb (offered, pt, fbs[i][0], fbs[i][1]))
      tc_sdp_add_rtcp_fb (m, (int) pt, fbs[i][0], fbs[i][1]);
  }
}

bool
tc_sdp_ext_supported (const char *uri)
{
  for (size_t i = 0; i < G_N_ELEMENTS (our_extmaps); i++) {
    if (strcmp (our_extmaps[i].uri, uri) == 0)
      return true;
  }
  return false;
}

void
tc_sdp_build_sender (tc_sdp_media *m, const tc_sdp_local *l, bool video,
    bool with_rtx)
{
  const char *track = video ? l->video_track_id : l->audio_track_id;
  uint32_t ssrc = video ? l->video_ssrc : l->audio_ssrc;
  char *msid = g_strdup_printf ("%s %s", l->stream_id, track);

  tc_sdp_msid *ms = TC_SDP_PUSH (m->msids, m->n_msids);
  ms->stream_id = g_strdup (l->stream_id);
  ms->track_id = g_strdup (track);
  if (with_rtx) {
    tc_sdp_ssrc_group *g = TC_SDP_PUSH (m->ssrc_groups, m->n_ssrc_groups);
    g->semantics = g_strdup ("FID");
    *TC_SDP_PUSH (g->ssrcs, g->n_ssrcs) = ssrc;
    *TC_SDP_PUSH (g->ssrcs, g->n_ssrcs) = l->video_rtx_ssrc;
  }
  tc_sdp_add_ssrc (m, ssrc, "cname", l->cname);
  tc_sdp_add_ssrc (m, ssrc, "msid", msid);
  if (with_rtx) {
    tc_sdp_add_ssrc (m, l->video_rtx_ssrc, "cname", l->cname);
    tc_sdp_add_ssrc (m, l->video_rtx_ssrc, "msid", msid);
  }
  g_free (msid);
}

/* ------------------------------------------------------------------ offer */

tc_sdp_direction
tc_sdp_direction_of (bool send, bool recv)
{
  if (send)
    return recv ? TC_SDP_DIR_SENDRECV : TC_SDP_DIR_SENDONLY;
  return recv ? TC_SDP_DIR_RECVONLY : TC_SDP_DIR_INACTIVE;
}

static void
offer_section_common (tc_sdp_media *m, bool sends, bool receives)
{
  for (size_t i = 0; i < G_N_ELEMENTS (our_extmaps); i++)
    tc_sdp_add_extmap (&m->common, our_extmaps[i].id, our_extmaps[i].uri);
  m->direction = tc_sdp_direction_of (sends, receives);
  m->rtcp_rsize = true;
}

static void
offer_audio (tc_sdp *sdp, const tc_sdp_local *l, tc_sdp_setup setup)
{
  const tc_sdp_codec_info *opus = tc_sdp_codec_info_get (TC_SDP_CODEC_OPUS);
  tc_sdp_media *m = tc_sdp_build_section (sdp, "audio", "UDP/TLS/RTP/SAVPF",
      "0", l, setup);
  offer_section_common (m, l->send_audio, l->recv_audio);
  tc_sdp_add_extmap (&m->common, TC_SDP_EXT_ID_AUDIO_LEVEL,
      TC_SDP_EXT_URI_AUDIO_LEVEL);
  tc_sdp_build_codec (m, TC_SDP_CODEC_OPUS, opus->pt, -1, opus->fmtp);
  tc_sdp_build_feedback (m, opus->pt, false, NULL);
  if (l->send_audio)
    tc_sdp_build_sender (m, l, false, false);
}

static void
offer_video (tc_sdp *sdp, const tc_sdp_local *l, tc_sdp_setup setup)
{
  tc_sdp_media *m = tc_sdp_build_section (sdp, "video", "UDP/TLS/RTP/SAVPF",
      "1", l, setup);
  size_t n_rows;
  const tc_sdp_codec_info *rows = tc_sdp_codec_rows (&n_rows);
  offer_section_common (m, l->send_video, l->recv_video);
  if (tc_sdp_local_supports (l, TC_SDP_CODEC_AV1))
    tc_sdp_add_extmap (&m->common, TC_SDP_EXT_ID_DEPENDENCY_DESCRIPTOR,
        TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR);
  for (size_t i = 0; i < l->n_video_codecs; i++) {
    for (size_t j = 0; j < n_rows; j++) {
      const tc_sdp_codec_info *c = &rows[j];
      if (c->codec != l->video_codecs[i])
        continue;
      tc_sdp_build_codec (m, c->codec, c->pt, c->rtx_pt, c->fmtp);
      tc_sdp_build_feedback (m, c->pt, true, NULL);
    }
  }
  if (l->send_video)
    tc_sdp_build_sender (m, l, true, true);
}

tc_status
tc_sdp_build_offer (const tc_sdp_local *local, tc_sdp **out, const char **why)
{
  g_return_val_if_fail (local != NULL && out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;
  const char *bad = tc_sdp_check_local (local);
  if (bad == NULL && (!local->opus || local->n_video_codecs == 0))
    bad = "an offer needs Opus and a video codec";
  if (bad != NULL) {
    if (why != NULL)
      *why = bad;
    return TC_ERR_INVALID_ARG;
  }
  tc_sdp_setup setup = local->setup != TC_SDP_SETUP_NONE ? local->setup
      : TC_SDP_SETUP_ACTPASS;
  tc_sdp *sdp = tc_sdp_build_session (local);
  sdp->common.extmap_allow_mixed = true;
  tc_sdp_add_group (sdp, "BUNDLE");
  tc_sdp_group_add_mid (&sdp->groups[0], "0");
  tc_sdp_group_add_mid (&sdp->groups[0], "1");
  offer_audio (sdp, local, setup);
  offer_video (sdp, local, setup);
  tc_sdp_bitrates rates;
  if (tc_sdp_effective_bitrates (local->quality, &local->bitrates, &rates))
    tc_sdp_apply_bitrates (sdp, &rates);
  *out = sdp;
  return TC_OK;
}
