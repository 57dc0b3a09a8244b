/* sdp_internal.h - shared by the files of common/src/sdp; not public.
 *
 * Text helpers (character classes, words, numbers), the model's growable
 * arrays and setters, the parser's state, and the codec table. Every string
 * argument is NUL-terminated unless a length is passed with it.
 */
#ifndef TEMPCHAT_SDP_INTERNAL_H
#define TEMPCHAT_SDP_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_sdp.h"

/* ---------------------------------------------------------- text (sdp_text.c) */

bool tc_sdp_is_token_char (int c);   /* RFC 8866 token-char */
bool tc_sdp_is_ice_char (int c);     /* RFC 8839 ice-char: ALPHA DIGIT + / */
bool tc_sdp_is_digit (int c);
/* True when s[0..n) is non-empty and every byte satisfies `cls`. */
bool tc_sdp_all (const char *s, size_t n, bool (*cls) (int));
/* A token of 1..max bytes. */
bool tc_sdp_is_token (const char *s, size_t n, size_t max);

/* Skips spaces, then returns the next space-delimited word of *p and its
 * length, advancing *p past it; NULL at the end of the string. */
const char *tc_sdp_word (const char **p, size_t *len);
/* Skips spaces; returns what is left of *p, or NULL when nothing is. */
const char *tc_sdp_rest (const char *p);
/* Decimal digits only, no sign, no overflow, value <= max. */
bool tc_sdp_u64 (const char *s, size_t n, uint64_t max, uint64_t *out);
bool tc_sdp_u32 (const char *s, size_t n, uint32_t max, uint32_t *out);

/* -------------------------------------------------------- model (sdp_model.c) */

/* Grows `arr` (n elements of `size` bytes) by one zeroed element, bumps *n. */
void *tc_sdp_grow (void *arr, size_t *n, size_t size);
/* Appends a zeroed element to array `arr` counted by `n`; yields its address. */
#define TC_SDP_PUSH(arr, n) \
  ((arr) = tc_sdp_grow ((arr), &(n), sizeof *(arr)), &(arr)[(n) - 1])

tc_sdp_media *tc_sdp_add_media (tc_sdp *sdp);
void tc_sdp_add_attr (tc_sdp_common *c, const char *name, const char *value);
void tc_sdp_add_format (tc_sdp_media *m, unsigned pt);
void tc_sdp_add_rtpmap (tc_sdp_media *m, unsigned pt, const char *name,
    uint32_t clock, uint32_t channels);
/* The fmtp of `pt`, created empty when missing. */
tc_sdp_fmtp *tc_sdp_fmtp_for (tc_sdp_media *m, unsigned pt);
/* Appends a parameter (value NULL: no '='). */
void tc_sdp_fmtp_add (tc_sdp_fmtp *f, const char *name, const char *value);
/* Sets parameter `name` in place when present, appends it otherwise. */
void tc_sdp_fmtp_set (tc_sdp_fmtp *f, const char *name, const char *value);
/* Appends "k=v;k;k=v" text parameter by parameter. */
void tc_sdp_fmtp_add_text (tc_sdp_fmtp *f, const char *text);
/* Formats f's parameters as "k=v;k=v" into buf (truncating, NUL-terminated). */
void tc_sdp_fmtp_text (const tc_sdp_fmtp *f, char *buf, size_t size);
void tc_sdp_add_rtcp_fb (tc_sdp_media *m, int pt, const char *type,
    const char *subtype);
void tc_sdp_add_extmap (tc_sdp_common *c, unsigned id, const char *uri);
void tc_sdp_add_ssrc (tc_sdp_media *m, uint32_t ssrc, const char *attribute,
    const char *value);
void tc_sdp_add_group (tc_sdp *sdp, const char *semantics);
void tc_sdp_group_add_mid (tc_sdp_group *g, const char *mid);
void tc_sdp_set_connection (tc_sdp_common *c, const char *nettype,
    const char *addrtype, const char *address);
/* Sets b=<type>:<value>, replacing an existing line of that type. */
void tc_sdp_set_bandwidth (tc_sdp_common *c, const char *type, uint32_t value);
void tc_sdp_set_str (char **field, const char *value);
void tc_sdp_common_free (tc_sdp_common *c);
void tc_sdp_media_free (tc_sdp_media *m);
/* Empties m's formats, rtpmaps, fmtps and rtcp-fbs. */
void tc_sdp_media_clear_codecs (tc_sdp_media *m);

/* ---------------------------------------------------- parser (sdp_parse.c) */

typedef struct {
  tc_sdp *sdp;
  tc_sdp_media *media;    /* section being read; NULL at session level */
  tc_sdp_common *common;  /* &sdp->common or &media->common */
  size_t n_lines;         /* lines in the current section */
  bool seen_o;
  bool seen_s;
  bool seen_t;
  const char *why;
} tc_sdp_parser;

static inline tc_status
tc_sdp_fail (tc_sdp_parser *p, tc_status st, const char *why)
{
  p->why = why;
  return st;
}

/* One handler per line type (sdp_fields.c) and per attribute (sdp_attr*.c).
 * `value` is the text after "x=" (or after "a=name:"). */
tc_status tc_sdp_parse_field (tc_sdp_parser *p, char type, const char *value);
tc_status tc_sdp_parse_attr (tc_sdp_parser *p, const char *line);

typedef tc_status (*tc_sdp_attr_fn) (tc_sdp_parser *p, const char *value);
/* Media-level attributes about RTP (sdp_attr_rtp.c); NULL if `name` is not
 * one of them. */
tc_sdp_attr_fn tc_sdp_rtp_attr_handler (const char *name);

/* ---------------------------------------------------- writer (sdp_write.c) */

/* Appends the canonical text of `m` to `out` (sdp_write_media.c). */
void tc_sdp_write_media (GString *out, const tc_sdp_media *m);
/* Pieces both levels write: the kept lines whose letter is in `types`; c=
 * and b=; ice-ufrag ice-pwd ice-options fingerprint setup; a=extmap lines;
 * unknown attributes. */
void tc_sdp_write_lines (GString *out, const tc_sdp_common *c,
    const char *types);
void tc_sdp_write_conn_bw (GString *out, const tc_sdp_common *c);
void tc_sdp_write_transport (GString *out, const tc_sdp_common *c);
void tc_sdp_write_extmaps (GString *out, const tc_sdp_common *c);
void tc_sdp_write_unknown (GString *out, const tc_sdp_common *c);

/* ---------------------------------------------------- codecs (sdp_codecs.c) */

typedef struct {
  tc_sdp_codec codec;
  const char *name;      /* rtpmap encoding name */
  uint32_t clock_rate;
  uint32_t channels;     /* 0: none on the rtpmap line */
  uint8_t pt;            /* ours in offers */
  uint8_t rtx_pt;        /* 0: no RTX */
  const char *fmtp;      /* ours in offers and answers, or NULL */
} tc_sdp_codec_info;

/* The codec's first (preferred) row. */
const tc_sdp_codec_info *tc_sdp_codec_info_get (tc_sdp_codec codec);
/* All rows, a codec's variants together in our preference (H264 has one per
 * profile family). */
const tc_sdp_codec_info *tc_sdp_codec_rows (size_t *n);
/* Which of our codecs m's payload type `pt` is, given its rtpmap and fmtp;
 * TC_SDP_CODEC_NONE when we cannot use it. Case-insensitive names. */
tc_sdp_codec tc_sdp_codec_of (const tc_sdp_media *m, unsigned pt);
/* True for rtx, red, ulpfec and flexfec: not a codec of their own. */
bool tc_sdp_codec_is_helper (const char *name);
/* The RTX payload type in `m` whose apt= is `pt`, or -1. */
int tc_sdp_codec_rtx_for (const tc_sdp_media *m, unsigned pt);
bool tc_sdp_local_supports (const tc_sdp_local *local, tc_sdp_codec codec);
/* The payload type of `m` to use for m's kind: answering (`offered`
 * NULL), the codec we like best by local's order whatever the offer's
 * order; reading an answer to `offered`, its first format that is the same
 * codec we offered. -1 when there is none. */
int tc_sdp_codec_pick (const tc_sdp_media *m, const tc_sdp_local *local,
    const tc_sdp_media *offered, tc_sdp_codec *codec);

/* ------------------------------------------------ builders (sdp_build.c) */

/* NULL when `local` can build a description, else what is wrong with it. */
const char *tc_sdp_check_local (const tc_sdp_local *local);
/* v= o= s= t= and a=msid-semantic from `local`. */
tc_sdp *tc_sdp_build_session (const tc_sdp_local *local);
/* ice-ufrag, ice-pwd, ice-options:trickle, sha-256 fingerprint, setup. */
void tc_sdp_build_transport (tc_sdp_common *c, const tc_sdp_local *local,
    tc_sdp_setup setup);
/* A new section of ours: port 9, c=IN IP4 0.0.0.0, a=rtcp:9, transport,
 * mid, rtcp-mux. */
tc_sdp_media *tc_sdp_build_section (tc_sdp *sdp, const char *kind,
    const char *proto, const char *mid, const tc_sdp_local *local,
    tc_sdp_setup setup);
/* Adds `codec` as `pt` (m= format, rtpmap, fmtp text if any) and its RTX
 * as `rtx_pt` when >= 0 (format, rtpmap, apt=). */
void tc_sdp_build_codec (tc_sdp_media *m, tc_sdp_codec codec, unsigned pt,
    int rtx_pt, const char *fmtp);
/* Our rtcp-fb lines for `pt` (video: goog-remb, transport-cc, ccm fir, nack,
 * nack pli; audio: transport-cc), only those `offered` has when set. */
void tc_sdp_build_feedback (tc_sdp_media *m, unsigned pt, bool video,
    const tc_sdp_media *offered);
/* msid, and ssrc lines (cname, msid) with ssrc-group FID when `with_rtx`. */
void tc_sdp_build_sender (tc_sdp_media *m, const tc_sdp_local *local,
    bool video, bool with_rtx);
/* TRUE for the header extension URIs we negotiate. */
bool tc_sdp_ext_supported (const char *uri);
/* Our ids in offers for the extensions of one codec: the AV1 dependency
 * descriptor, and the Opus audio level (Chrome's id). */
#define TC_SDP_EXT_ID_DEPENDENCY_DESCRIPTOR 12
#define TC_SDP_EXT_ID_AUDIO_LEVEL 1

/* ------------------------------------------ negotiation (sdp_negotiate.c) */

/* Fills `nm` for the pair (answer section `am`, offer section `om`). The
 * codec is the first of am's formats we support that om offered with the
 * same codec; nm->accepted stays false when there is none or am->port is 0.
 * `we_answer` says whose answer it is (for the direction and which side is
 * "remote"). */
void tc_sdp_negotiate_media (const tc_sdp_media *am, const tc_sdp_media *om,
    bool we_answer, const tc_sdp_local *local, tc_sdp_negotiated_media *nm);
/* Copies the peer's ICE credentials and fingerprint from its section `m`,
 * falling back to its session level. FALSE when one is missing. */
bool tc_sdp_negotiate_transport (const tc_sdp *remote, const tc_sdp_media *m,
    tc_sdp_negotiated *neg);
/* The first a=group:BUNDLE of `sdp`, or NULL. */
const tc_sdp_group *tc_sdp_bundle_group (const tc_sdp *sdp);
bool tc_sdp_group_has (const tc_sdp_group *g, const char *mid);
/* A section with port 0 and a=bundle-only is part of the bundle (JSEP). */
bool tc_sdp_media_is_live (const tc_sdp_media *m);
/* Any RTP profile ("RTP/AVP", "UDP/TLS/RTP/SAVPF", ...). */
bool tc_sdp_is_rtp_proto (const char *proto);

#endif
