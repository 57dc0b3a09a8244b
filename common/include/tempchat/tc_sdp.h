/* tc_sdp.h - SDP for TempChat's WebRTC profile (RFC 8866, JSEP RFC 8829).
 *
 * A data model with a parser and serializer, ICE candidate lines, offer and
 * answer builders, the negotiated result the session uses, and the web
 * client's bandwidth hints.
 *
 * Everything here is a pure function of its arguments: no I/O, no clock, no
 * randomness, no logging. Any thread may call any function; an object is
 * never shared, so one caller uses one tc_sdp at a time.
 *
 * Ownership: objects and strings returned here are allocated with GLib.
 * Free a tc_sdp with tc_sdp_free(), a tc_sdp_negotiated with
 * tc_sdp_negotiated_free(), a returned char * with g_free(). Pointers passed
 * in are borrowed for the duration of the call only. `why` out parameters
 * receive a static English phrase naming the line type that failed (never
 * any of the SDP's content); they may be NULL.
 *
 * Privacy: an SDP holds addresses and ICE credentials. Never log its text,
 * its candidates, ufrag or pwd; log `why` and tc_status names only.
 */
#ifndef TEMPCHAT_TC_SDP_H
#define TEMPCHAT_TC_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ limits */

#define TC_SDP_MAX_SIZE 65536   /* bytes of SDP text, input and canonical form */
#define TC_SDP_MAX_LINE 4096    /* bytes of one line, without its line ending */
#define TC_SDP_MAX_MEDIA 32     /* m= sections */
#define TC_SDP_MAX_ATTRS 512    /* a=, b=, i=... lines in one section */
#define TC_SDP_MAX_FORMATS 128  /* formats on one m= line */
#define TC_SDP_MAX_LIST 64      /* ids of a=group, ssrcs, fmtp parameters */
#define TC_SDP_MAX_ID 64        /* bytes of a mid, msid or cname */

/* ------------------------------------------------------------------ model */

typedef enum {
  TC_SDP_DIR_NONE = 0,  /* no direction attribute (RFC 8866: sendrecv) */
  TC_SDP_DIR_SENDRECV,
  TC_SDP_DIR_SENDONLY,
  TC_SDP_DIR_RECVONLY,
  TC_SDP_DIR_INACTIVE,
} tc_sdp_direction;

typedef enum {
  TC_SDP_SETUP_NONE = 0,  /* no a=setup */
  TC_SDP_SETUP_ACTPASS,
  TC_SDP_SETUP_ACTIVE,    /* DTLS client */
  TC_SDP_SETUP_PASSIVE,   /* DTLS server */
  TC_SDP_SETUP_HOLDCONN,
} tc_sdp_setup;

/* An attribute the model has no field for, kept verbatim ("a=name:value"). */
typedef struct {
  char *name;
  char *value;  /* text after the first ':'; NULL when the line had no ':' */
} tc_sdp_attr;

/* A line kept verbatim: i= u= e= p= r= z= k= (type is the letter). */
typedef struct {
  char type;
  char *value;
} tc_sdp_line;

typedef struct {  /* c=IN IP4 0.0.0.0 */
  char *nettype;
  char *addrtype;
  char *address;  /* may carry "/ttl" */
} tc_sdp_connection;

typedef struct {  /* b=AS:3000 */
  char *type;     /* "AS", "TIAS", ... */
  uint32_t value; /* kbps for AS, bps for TIAS */
} tc_sdp_bandwidth;

#define TC_SDP_FINGERPRINT_MAX 64
typedef struct {  /* a=fingerprint:sha-256 AB:CD:... */
  char algorithm[16];  /* as received ("sha-256"); "" when absent */
  uint8_t bytes[TC_SDP_FINGERPRINT_MAX];
  size_t len;          /* 0 when absent */
} tc_sdp_fingerprint;

typedef struct {  /* a=extmap:3/sendonly urn:... attrs */
  uint16_t id;
  tc_sdp_direction direction;  /* NONE when the line had no "/dir" */
  char *uri;
  char *attributes;  /* extension attributes after the URI, or NULL */
} tc_sdp_extmap;

typedef struct {  /* a=rtpmap:111 opus/48000/2 */
  uint8_t pt;
  char *name;
  uint32_t clock_rate;
  uint32_t channels;  /* 0 when the line had none */
} tc_sdp_rtpmap;

typedef struct {
  char *name;
  char *value;  /* NULL for a parameter without '=' (e.g. red's "111/111") */
} tc_sdp_param;

typedef struct {  /* a=fmtp:96 k=v;k=v, parameters in their order */
  uint8_t pt;
  tc_sdp_param *params;
  size_t n_params;
} tc_sdp_fmtp;

typedef struct {  /* a=rtcp-fb:96 nack pli */
  int pt;         /* -1 for '*' */
  char *type;     /* "nack", "ccm", "goog-remb", "transport-cc", ... */
  char *subtype;  /* "pli", "fir", ... or NULL */
} tc_sdp_rtcp_fb;

typedef struct {  /* a=ssrc:1234 cname:abc */
  uint32_t ssrc;
  char *attribute;
  char *value;  /* NULL when the line had no ':' */
} tc_sdp_ssrc;

typedef struct {  /* a=ssrc-group:FID 1234 5678 */
  char *semantics;
  uint32_t *ssrcs;
  size_t n_ssrcs;
} tc_sdp_ssrc_group;

typedef struct {  /* a=msid:stream track */
  char *stream_id;
  char *track_id;  /* NULL when absent */
} tc_sdp_msid;

typedef struct {  /* a=group:BUNDLE 0 1 */
  char *semantics;
  char **mids;
  size_t n_mids;
} tc_sdp_group;

/* ICE candidate (RFC 8839 section 5.1, RFC 6544 tcptype). Fixed buffers so a
 * trickled candidate parses without allocation. */
#define TC_SDP_CAND_MAX_EXT 8
#define TC_SDP_CAND_MAX_LEN 1024  /* bytes of a candidate's text */

typedef enum {
  TC_SDP_CAND_HOST,
  TC_SDP_CAND_SRFLX,
  TC_SDP_CAND_PRFLX,
  TC_SDP_CAND_RELAY,
} tc_sdp_cand_type;

typedef struct {
  char name[33];
  char value[257];
} tc_sdp_cand_ext;

typedef struct {
  char foundation[33];
  uint16_t component;   /* 1 RTP, 2 RTCP */
  char transport[4];    /* "udp" or "tcp", case as received */
  uint32_t priority;
  char address[254];    /* IPv4, IPv6 or a host name (mDNS "*.local") */
  uint16_t port;
  tc_sdp_cand_type type;
  char raddr[254];      /* "" when absent */
  int32_t rport;        /* -1 when absent */
  char tcptype[8];      /* "active", "passive", "so" or "" */
  tc_sdp_cand_ext ext[TC_SDP_CAND_MAX_EXT];  /* generation, ufrag, ... */
  size_t n_ext;
} tc_sdp_candidate;

typedef struct {
  char *raw;  /* "candidate:..." exactly as received; serialized verbatim */
  tc_sdp_candidate cand;
} tc_sdp_candidate_line;

/* What the session level and a media section share. */
typedef struct {
  tc_sdp_connection *connection;  /* c=, NULL when absent */
  tc_sdp_bandwidth *bandwidths;   /* b= */
  size_t n_bandwidths;
  tc_sdp_line *lines;             /* i= u= e= p= r= z= k= */
  size_t n_lines;
  char *ice_ufrag;                /* NULL when absent */
  char *ice_pwd;
  char *ice_options;              /* e.g. "trickle" */
  tc_sdp_fingerprint fingerprint;
  tc_sdp_setup setup;
  bool extmap_allow_mixed;
  tc_sdp_extmap *extmaps;
  size_t n_extmaps;
  tc_sdp_attr *attrs;             /* unknown attributes, in order */
  size_t n_attrs;
} tc_sdp_common;

typedef struct {
  char *kind;          /* "audio", "video", "application", ... */
  uint16_t port;       /* 0: rejected section */
  uint16_t n_ports;    /* 0 when the m= line had no "/n" */
  char *proto;         /* "UDP/TLS/RTP/SAVPF", ... */
  char **formats;      /* payload types as decimal text for RTP */
  size_t n_formats;
  tc_sdp_common common;
  char *mid;           /* NULL when absent */
  tc_sdp_direction direction;
  bool rtcp_mux;
  bool rtcp_rsize;
  bool end_of_candidates;
  int32_t rtcp_port;   /* a=rtcp port, -1 when absent */
  char *rtcp_address;  /* text after that port ("IN IP4 0.0.0.0") or NULL */
  tc_sdp_rtpmap *rtpmaps;
  size_t n_rtpmaps;
  tc_sdp_fmtp *fmtps;
  size_t n_fmtps;
  tc_sdp_rtcp_fb *rtcp_fbs;
  size_t n_rtcp_fbs;
  tc_sdp_ssrc *ssrcs;
  size_t n_ssrcs;
  tc_sdp_ssrc_group *ssrc_groups;
  size_t n_ssrc_groups;
  tc_sdp_msid *msids;
  size_t n_msids;
  tc_sdp_candidate_line *candidates;
  size_t n_candidates;
} tc_sdp_media;

typedef struct {  /* o=- 4611731400430051336 2 IN IP4 127.0.0.1 */
  char *username;
  char *session_id;  /* decimal digits */
  uint64_t session_version;
  char *nettype;
  char *addrtype;
  char *address;
} tc_sdp_origin;

typedef struct tc_sdp {
  tc_sdp_origin origin;
  char *session_name;   /* s= */
  uint64_t time_start;  /* t= */
  uint64_t time_stop;
  tc_sdp_common common;
  tc_sdp_group *groups;
  size_t n_groups;
  char *msid_semantic;  /* "WMS stream-id" or NULL */
  tc_sdp_media **media;
  size_t n_media;
} tc_sdp;

/* ------------------------------------------------------------ parse/write */

/* Parses `len` bytes of SDP (lines end in \r\n or \n; no NUL bytes).
 * On TC_OK `*out` is a new tc_sdp owned by the caller. Otherwise `*out` is
 * NULL and the status is TC_ERR_PARSE (malformed) or TC_ERR_TOO_LARGE (more
 * than TC_SDP_MAX_SIZE bytes, a line over TC_SDP_MAX_LINE, or too many
 * sections, attributes or list items); `*why` names the failing line type. */
tc_status tc_sdp_parse (const char *text, size_t len, tc_sdp **out,
    const char **why);

/* The canonical text of `sdp`: \r\n line endings, RFC 8866 line order,
 * attributes in a fixed order (Chrome's), unknown attributes last in their
 * received order. Newly allocated; free with g_free(). NULL if sdp is NULL. */
char *tc_sdp_serialize (const tc_sdp *sdp);

/* NULL-safe. Frees `sdp` and everything it holds. */
void tc_sdp_free (tc_sdp *sdp);

/* A new, empty description (v=0 only) for builders and tests. */
tc_sdp *tc_sdp_new (void);

/* ----------------------------------------------------------------- lookup
 * Borrowed pointers into `sdp`/`m`, valid until it is changed or freed. */

const tc_sdp_media *tc_sdp_find_mid (const tc_sdp *sdp, const char *mid);
/* The payload type of m->formats[i], or -1 if it is not one (0..127). */
int tc_sdp_media_format_pt (const tc_sdp_media *m, size_t i);
const tc_sdp_rtpmap *tc_sdp_media_rtpmap (const tc_sdp_media *m, unsigned pt);
const tc_sdp_fmtp *tc_sdp_media_fmtp (const tc_sdp_media *m, unsigned pt);
/* The value of parameter `name` (case-insensitive), "" for a parameter
 * without '=', NULL when absent or fmtp is NULL. */
const char *tc_sdp_fmtp_get (const tc_sdp_fmtp *fmtp, const char *name);
const char *tc_sdp_direction_str (tc_sdp_direction dir);
const char *tc_sdp_setup_str (tc_sdp_setup setup);

/* ------------------------------------------------------------- candidates */

/* Parses one candidate: "candidate:842163049 1 udp 1677729535 203.0.113.5
 * 54321 typ srflx raddr 10.0.0.5 rport 54321 generation 0 ufrag abcd", with
 * or without the "a=" / "candidate:" prefix. Pure, no allocation. TC_OK and
 * `*out` filled, or TC_ERR_PARSE / TC_ERR_TOO_LARGE with `*why`. */
tc_status tc_sdp_candidate_parse (const char *text, size_t len,
    tc_sdp_candidate *out, const char **why);

/* Writes "candidate:..." (no "a=", no line ending) into `buf` like snprintf:
 * returns the length the text needs without its NUL; the text is complete
 * when that is < size. Field order: raddr, rport, tcptype, then extensions
 * as stored, which is the order Chrome writes them. */
size_t tc_sdp_candidate_format (const tc_sdp_candidate *cand, char *buf,
    size_t size);

/* The value of extension `name` ("generation", "ufrag", "network-cost"),
 * NULL when absent. Borrowed from `cand`. */
const char *tc_sdp_candidate_ext (const tc_sdp_candidate *cand,
    const char *name);

const char *tc_sdp_cand_type_str (tc_sdp_cand_type type);

/* ----------------------------------------------------- bandwidth (munging) */

typedef enum {
  TC_SDP_QUALITY_360P,
  TC_SDP_QUALITY_720P,
  TC_SDP_QUALITY_1080P,
} tc_sdp_quality;

/* The web client's targets: 360p 700/500, 720p 3000/2000, 1080p 6000/4500
 * kbps (max/start). FALSE for an unknown quality. */
bool tc_sdp_quality_bitrates (tc_sdp_quality q, uint32_t *max_kbps,
    uint32_t *start_kbps);

/* Video bitrates in kbps for the SDP hints and our estimator; 0 in a
 * field means the quality's value (min: none). */
typedef struct {
  uint32_t min_kbps;
  uint32_t start_kbps;
  uint32_t max_kbps;
} tc_sdp_bitrates;

/* The quality's table overridden by the non-zero fields of `set` (may be
 * NULL): max replaces the quality's max, min is capped by max, and start
 * (given or the quality's) is clamped into [min, max]. False for an
 * unknown quality. Pure. */
bool tc_sdp_effective_bitrates (tc_sdp_quality q, const tc_sdp_bitrates *set,
    tc_sdp_bitrates *out);

/* As tc_sdp_apply_bandwidth with explicit values (from
 * tc_sdp_effective_bitrates); x-google-min-bitrate too when min_kbps > 0. */
tc_status tc_sdp_apply_bitrates (tc_sdp *sdp, const tc_sdp_bitrates *b);

/* What the web client does before setLocalDescription: in every video
 * section with a port, b=AS:<max>, and on each video codec's fmtp (rtx, red,
 * ulpfec and flexfec excluded) x-google-start-bitrate=<start>;
 * x-google-max-bitrate=<max>, replacing earlier values in place or appending
 * them (creating the fmtp when the codec had none). Changes `sdp`. */
tc_status tc_sdp_apply_bandwidth (tc_sdp *sdp, tc_sdp_quality q);

/* The most a section's author wants to receive with payload type `pt`, in
 * kbps: the least of its b=AS, b=TIAS (bps, rounded down to kbps, at least
 * 1) and the x-google-max-bitrate of pt's fmtp; 0 when it names none. */
uint32_t tc_sdp_media_max_kbps (const tc_sdp_media *m, int pt);

/* Lowers the hints tc_sdp_apply_bandwidth wrote on a video section to at
 * most `kbps` (b=AS, x-google-max-bitrate and x-google-start-bitrate of
 * format `pt`); nothing when kbps is 0. */
void tc_sdp_cap_bandwidth (tc_sdp_media *m, int pt, uint32_t kbps);

/* The same on text: parses, applies, serializes into `*out` (g_free). */
tc_status tc_sdp_munge_bandwidth (const char *text, size_t len,
    tc_sdp_quality q, char **out, const char **why);

/* --------------------------------------------------------------- builders */

typedef enum {
  TC_SDP_CODEC_NONE = 0,
  TC_SDP_CODEC_AV1,
  TC_SDP_CODEC_VP9,
  TC_SDP_CODEC_H264,
  TC_SDP_CODEC_VP8,
  TC_SDP_CODEC_OPUS,
} tc_sdp_codec;

/* "AV1", "VP9", "H264", "VP8", "opus"; "none" otherwise. */
const char *tc_sdp_codec_name (tc_sdp_codec codec);

#define TC_SDP_MAX_VIDEO_CODECS 4

/* The web client's order, the default of `video-codecs`: as codecs, and
 * as the text a user writes (the unit tests keep the two the same). */
extern const tc_sdp_codec tc_sdp_video_codecs_default[TC_SDP_MAX_VIDEO_CODECS];
#define TC_SDP_VIDEO_CODECS_DEFAULT "av1,vp9,h264,vp8"

/* Parses a user's ordered video codec list, "av1,vp9,h264,vp8" (names
 * case-insensitive, spaces around them ignored) into `out` (room for
 * TC_SDP_MAX_VIDEO_CODECS), most preferred first; `*n` gets the count.
 * TC_ERR_INVALID_ARG for an empty list, an unknown name or a repeated one:
 * then `bad` (when not NULL, `bad_size` bytes) receives the offending name
 * and `*why` a phrase. Pure; any thread. */
tc_status tc_sdp_video_codecs_parse (const char *text, tc_sdp_codec *out,
    size_t *n, char *bad, size_t bad_size, const char **why);

/* Our side of a negotiation. Strings are borrowed for the builder call. */
typedef struct {
  const char *ice_ufrag;  /* 4..256 ice-chars */
  const char *ice_pwd;    /* 22..256 ice-chars */
  uint8_t fingerprint_sha256[32];  /* of our DTLS certificate */
  /* DTLS role. NONE: actpass in offers; in answers active, or passive when
   * the offer says active. PASSIVE in an answer to actpass: we serve. */
  tc_sdp_setup setup;
  uint64_t session_id;       /* random per peer connection (o= line) */
  uint64_t session_version;  /* bump on every new offer or answer */
  bool send_audio;        /* we have an audio track */
  bool send_video;        /* we have a video track */
  /* We want to receive audio / video (tc_sdp_local_init: true). With the
   * send flags these make each section's direction exact: sendrecv,
   * sendonly, recvonly or inactive. */
  bool recv_audio;
  bool recv_video;
  uint32_t audio_ssrc;
  uint32_t video_ssrc;
  uint32_t video_rtx_ssrc;
  const char *cname;      /* RTCP CNAME, 1..64 token chars */
  const char *stream_id;  /* msid stream, 1..64 token chars */
  const char *audio_track_id;
  const char *video_track_id;
  /* Video codecs we can send and receive, most preferred first. */
  tc_sdp_codec video_codecs[TC_SDP_MAX_VIDEO_CODECS];
  size_t n_video_codecs;
  bool opus;              /* we can send and receive Opus */
  tc_sdp_quality quality;
  tc_sdp_bitrates bitrates;  /* overrides of the quality's (0: its own) */
} tc_sdp_local;

/* Defaults: AV1, VP9, H264, VP8; Opus; 720p; session_version 2; no tracks,
 * receiving both kinds, no credentials (the caller fills those). */
void tc_sdp_local_init (tc_sdp_local *local);

/* The direction attribute for "we send" / "we receive". */
tc_sdp_direction tc_sdp_direction_of (bool send, bool recv);

/* The extension URIs we negotiate. */
#define TC_SDP_EXT_URI_MID "urn:ietf:params:rtp-hdrext:sdes:mid"
#define TC_SDP_EXT_URI_ABS_SEND_TIME \
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define TC_SDP_EXT_URI_TRANSPORT_CC \
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
/* Audio only: the level of each Opus packet (RFC 6464), which Chrome
 * offers with id 1 and shows as getSynchronizationSources()' audioLevel. */
#define TC_SDP_EXT_URI_AUDIO_LEVEL \
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
/* Offered with AV1 in the list, answered when AV1 is chosen: Chromium sends
 * its L1T3 AV1 with it (the AV1 RTP specification, appendix A). */
#define TC_SDP_EXT_URI_DEPENDENCY_DESCRIPTOR \
  "https://aomediacodec.github.io/av1-rtp-spec/" \
  "#dependency-descriptor-rtp-header-extension"

/* RTCP feedback negotiated for a section (bit set). */
enum {
  TC_SDP_FB_NACK = 1 << 0,
  TC_SDP_FB_PLI = 1 << 1,
  TC_SDP_FB_FIR = 1 << 2,
  TC_SDP_FB_REMB = 1 << 3,
  TC_SDP_FB_TRANSPORT_CC = 1 << 4,
};

#define TC_SDP_FMTP_MAX 512  /* longer fmtp texts are truncated */

/* The outcome for one m= section, from our point of view. */
typedef struct {
  char mid[TC_SDP_MAX_ID + 1];
  char kind[16];            /* "audio", "video", "application", ... */
  bool accepted;            /* false: port 0, nothing else is set */
  tc_sdp_codec codec;
  uint8_t pt;
  uint32_t clock_rate;
  uint32_t channels;
  char fmtp[TC_SDP_FMTP_MAX];         /* as in the answer, "" when none */
  char remote_fmtp[TC_SDP_FMTP_MAX];  /* as the peer wrote it (its receive side) */
  int rtx_pt;               /* -1 when no RTX */
  uint8_t ext_mid;          /* header extension ids; 0: not negotiated */
  uint8_t ext_abs_send_time;
  uint8_t ext_transport_cc;
  uint8_t ext_dependency_descriptor;  /* only with AV1 */
  uint8_t ext_audio_level;  /* only with Opus */
  unsigned rtcp_fb;         /* TC_SDP_FB_* */
  tc_sdp_direction direction;  /* ours: SENDRECV, SENDONLY, RECVONLY, INACTIVE */
  uint32_t remote_ssrc;     /* from the peer's a=ssrc lines; 0 when unknown */
  uint32_t remote_rtx_ssrc; /* from its ssrc-group FID; 0 when unknown */
  uint32_t remote_max_kbps; /* the most the peer wants to receive
                               (tc_sdp_media_max_kbps); 0: no limit said */
} tc_sdp_negotiated_media;

typedef struct {
  tc_sdp_negotiated_media media[TC_SDP_MAX_MEDIA];  /* in m= order */
  size_t n_media;
  bool bundle;              /* all accepted sections share one transport */
  bool extmap_allow_mixed;
  char remote_ice_ufrag[257];  /* secret: never log */
  char remote_ice_pwd[257];    /* secret: never log */
  tc_sdp_fingerprint remote_fingerprint;
  tc_sdp_setup local_setup;    /* ACTIVE: we are the DTLS client; PASSIVE: server */
} tc_sdp_negotiated;

/* NULL-safe. */
void tc_sdp_negotiated_free (tc_sdp_negotiated *neg);

/* Builds our offer: audio (mid 0) then video (mid 1), BUNDLE, rtcp-mux,
 * rtcp-rsize, setup:actpass, ice-options:trickle, sha-256 fingerprint, the
 * three extensions (and on video the AV1 dependency descriptor when AV1 is
 * listed), our codecs in `local` order with RTX (H264 once per profile:
 * 42e01f, 42001f, 4d001f, 64001f), the bandwidth
 * hints of local->quality. Each section's direction says what we send (we
 * have the track) and what we want to receive (recv_*): sendrecv, sendonly,
 * recvonly or inactive. `*out` is new, owned by the caller.
 * TC_ERR_INVALID_ARG (with *why) when `local` is unusable. */
tc_status tc_sdp_build_offer (const tc_sdp_local *local, tc_sdp **out,
    const char **why);

/* Builds a subsequent offer for a call negotiated as `current` (JSEP 5.2.2):
 * the same m= sections in the same order with the same mids and BUNDLE, the
 * negotiated codecs with their payload types and RTX, the negotiated
 * extension ids (extensions not agreed are left out), setup:actpass
 * (local->setup is ignored: the DTLS role stays with the transport), and
 * the directions, ICE credentials and fingerprint of `local`. A section
 * `current` rejected stays rejected (port 0). `*out` is new, owned by the
 * caller. TC_ERR_INVALID_ARG (with *why) when `local` is unusable or
 * `current` has no accepted audio or video section. */
tc_status tc_sdp_build_reoffer (const tc_sdp_local *local,
    const tc_sdp_negotiated *current, tc_sdp **out, const char **why);

/* Answers `offer` (JSEP 5.3): one section per offered m= line, same order and
 * mids; for each, the codec we support that comes first in local's
 * video_codecs, whatever the offerer's order (the web client's "best
 * mutually supported codec wins"; we answer only it, so both directions
 * use it); H264 needs packetization-mode=1 and a constrained baseline,
 * baseline, main or high profile-level-id, which is echoed; its
 * RTX, the extensions we support with the offerer's ids, our direction,
 * setup:active (passive if the offer says active); unsupported sections
 * (data channels, no common codec, outside BUNDLE) are rejected with port 0.
 * Bandwidth hints of local->quality are applied. Without a BUNDLE group only
 * the first usable section is accepted (we run one transport).
 * On TC_OK `*answer` and `*neg` are new and owned by the caller (either out
 * pointer may be NULL when not wanted). TC_ERR_INVALID_ARG when `local` is
 * unusable; TC_ERR_PARSE when the offer lacks what an offer needs (ICE
 * credentials, fingerprint, a usable a=setup); TC_ERR_UNSUPPORTED when no
 * section can be accepted; TC_ERR_TOO_LARGE when the answer would exceed the
 * limits of tc_sdp_parse (we never emit what we would refuse). */
tc_status tc_sdp_build_answer (const tc_sdp *offer, const tc_sdp_local *local,
    tc_sdp **answer, tc_sdp_negotiated **neg, const char **why);

/* Reads the peer's answer to `offer` (ours) into a new `*neg`, owned by the
 * caller: per section the first answered codec we support that we offered.
 * TC_ERR_PARSE when the answer does not match the offer (section count,
 * kinds, mids, a codec we did not offer, setup not active/passive) or lacks
 * ICE credentials or a fingerprint; TC_ERR_UNSUPPORTED when it rejects
 * every section. */
tc_status tc_sdp_read_answer (const tc_sdp *offer, const tc_sdp *answer,
    const tc_sdp_local *local, tc_sdp_negotiated **neg, const char **why);

#ifdef __cplusplus
}
#endif
#endif
