/* tc_session.h - one TempChat call: signaling, negotiation, ICE, DTLS-SRTP and
 * RTP/RTCP tied together, speaking in encoded frames to its wrapper.
 *
 * The wrapper (GStreamer element, OBS source/output, a test) hands encoded
 * frames in and gets encoded frames and events out. Encoding and decoding stay
 * in the wrapper (ARCHITECTURE.md: "One core, two thin wrappers").
 *
 * Threads: a session owns one GMainContext and the thread that runs it
 * (created by tc_session_start, joined by tc_session_free). Signaling, ICE,
 * DTLS, RTP and every timer live there. Public functions may be called from
 * any thread unless stated otherwise: they post work to the loop and return.
 * The event callback is invoked on the session thread and must return quickly
 * (copy what it needs, hand it to a queue).
 *
 * Lifecycle: the peer leaving ends the call but not the session: it waits in
 * the room for the next peer and negotiates again. Signaling and media are
 * separate: a lost WebSocket (ours or the peer's, or the relay restarting)
 * does not end a call whose media flows; the client reconnects and rejoins
 * meanwhile. The call ends when the peer says goodbye on the media path
 * (RTCP BYE, DTLS close_notify) or goes silent, once it left the room.
 */
#ifndef TEMPCHAT_TC_SESSION_H
#define TEMPCHAT_TC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_layers.h"
#include "tempchat/tc_payloader.h"
#include "tempchat/tc_sdp.h"
#include "tempchat/tc_signal.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_session tc_session;

/* Settings. Strings are copied by tc_session_new. */
typedef struct {
  /* Signaling: URL, channel, room as pasted, TLS options, reconnect policy. */
  tc_scaledrone_config signaling;

  /* ICE. STUN/TURN URLs as in RTCIceServer ("stun:host:port",
   * "turn:host:port?transport=udp|tcp", "turns:host:port"). A turns:
   * server's certificate is checked against the system CAs, the host name
   * and signaling.ca_file; when it fails a relay-only call, the call fails
   * with TC_ERR_TLS. */
  const char *const *stun_servers;  /* NULL-terminated, may be NULL */
  const char *turn_server;          /* NULL: none */
  const char *turn_username;        /* fixed credentials ... */
  const char *turn_password;
  const char *turn_secret;          /* ... or a coturn static-auth-secret */
  bool relay_only;                  /* hide our IP: relay candidates only */
  /* IP literals to gather host candidates on (NULL-terminated); NULL: every
   * interface but loopback. Tests pass "127.0.0.1". */
  const char *const *local_addresses;

  /* Media. What we send and what we want to receive; the SDP directions say
   * exactly this (sendrecv, sendonly, recvonly). */
  bool send_audio;
  bool send_video;
  bool recv_audio;
  bool recv_video;
  /* Video codecs we can encode and decode, most preferred first; n == 0
   * means every codec the core can packetize, in TempChat's priority order
   * (AV1 > VP9 > H264 > VP8). */
  tc_sdp_codec video_codecs[TC_SDP_MAX_VIDEO_CODECS];
  size_t n_video_codecs;
  tc_sdp_quality quality;           /* bandwidth hints and start bitrate */
  /* Overrides of the quality's video bitrates (kbps, 0: the quality's):
   * in the SDP hints and as the limits of our bandwidth estimate. */
  tc_sdp_bitrates bitrates;
  /* No send-side estimate: the video encoder stays at its start bitrate
   * (only the peer's REMB, if it sends one, moves it). */
  bool no_congestion_control;
  /* NACKs are counted but not answered with retransmissions. */
  bool no_retransmission;
  /* The largest datagram a stream's packets may make, SRTP tag and RTX
   * header included (a path through a tunnel needs less than the default);
   * 0: TC_SESSION_MTU_DEFAULT. Between TC_SESSION_MTU_MIN and
   * TC_SESSION_MTU_MAX. Video frames are split to fit; an audio frame that
   * does not fit is not sent (Opus packets at TempChat's rates are 100-200
   * bytes). */
  unsigned audio_mtu;
  unsigned video_mtu;
} tc_session_config;

/* What libwebrtc and webrtcbin use: fits IPv6 with a TURN channel and a
 * VPN's own headers inside a 1500-byte Ethernet frame. */
#define TC_SESSION_MTU_DEFAULT 1200
/* Room for the RTP header, our extensions, a payload descriptor and the
 * SRTP tag with a useful payload left. */
#define TC_SESSION_MTU_MIN 400
/* A full Ethernet frame less the IPv4 and UDP headers. */
#define TC_SESSION_MTU_MAX 1472

/* Fills defaults: 720p, all directions off, no STUN/TURN. */
void tc_session_config_init (tc_session_config *cfg);

typedef enum {
  TC_SESSION_WAITING,      /* in the room, no peer yet (first reported once
                              subscribed; CLOSED before that) */
  TC_SESSION_NEGOTIATING,  /* peer present, offer/answer under way */
  TC_SESSION_CONNECTING,   /* ICE checks and DTLS handshake */
  TC_SESSION_CONNECTED,    /* media can flow */
  TC_SESSION_RECONNECTING, /* ICE restart or signaling reconnect */
  TC_SESSION_CLOSED,       /* stopped by the wrapper */
  TC_SESSION_FAILED,       /* a fatal error; see the ERROR event. A failed
                              call (DTLS fingerprint mismatch, no ICE path)
                              keeps the session in the room: the peer
                              leaving brings WAITING back */
} tc_session_state;

typedef enum {
  TC_SESSION_EV_STATE,            /* state */
  TC_SESSION_EV_PEER_JOINED,      /* is_offerer */
  TC_SESSION_EV_PEER_LEFT,
  TC_SESSION_EV_NEGOTIATED,       /* kind, codec, payloader, direction: one
                                     per track that sends or receives, and
                                     again when a renegotiation starts one */
  TC_SESSION_EV_FRAME,            /* kind, codec, frame, pts_us */
  TC_SESSION_EV_KEYFRAME_REQUEST, /* the peer asked for a keyframe (PLI/FIR);
                                     also once right after connecting */
  TC_SESSION_EV_TARGET_BITRATE,   /* bitrate_bps for the video encoder: our
                                     send-side estimate from transport-cc
                                     feedback, capped by the peer's REMB,
                                     within the quality's max, less what
                                     audio sends; on changes of more than
                                     5 % and once a second. Without
                                     transport-cc: the peer's REMB. */
  TC_SESSION_EV_ERROR,            /* status, text, fatal; also, not fatal
                                     with TC_ERR_CONNECT, once per failed
                                     attempt to reach the signaling server
                                     (the text says why and when the next
                                     one is); not fatal with
                                     TC_ERR_ROOM_FULL when two others are
                                     in the room before us (PEER_JOINED
                                     follows when one of them leaves) */
  TC_SESSION_EV_AUDIO_LOST,       /* kind, codec, lost_frames, pts_us of the
                                     first, duration_us of all: received
                                     audio that never came, told before the
                                     frame after it so the decoder conceals
                                     it (Opus in-band FEC from that frame,
                                     else PLC) instead of skipping time */
} tc_session_event_type;

/* An event; pointers are borrowed for the duration of the callback. */
typedef struct {
  tc_session_event_type type;
  tc_session_state state;
  bool is_offerer;
  tc_media_kind kind;
  tc_sdp_codec codec;
  const tc_payloader *payloader;  /* NEGOTIATED: clock rate, channels */
  tc_sdp_direction direction;     /* NEGOTIATED: ours (SENDRECV, SENDONLY,
                                     RECVONLY) */
  const tc_frame *frame;
  /* FRAME: presentation time on the session's monotonic clock (microseconds,
   * g_get_monotonic_time() base), mapped from RTP time via RTCP SR so audio
   * and video of one peer stay in sync. */
  int64_t pts_us;
  /* FRAME, AUDIO_LOST: how long after pts_us the peer's frames must be
   * played so that none comes too late (the largest of its streams'
   * adaptive playout delays: jitter, reordering, NACK repair; at least
   * 15 ms, in 5 ms steps). A wrapper with a fixed latency ignores it. */
  int64_t latency_us;
  uint32_t bitrate_bps;
  tc_status status;
  bool fatal;
  /* ERROR: this call failed (no network path, DTLS refused, a description
   * we cannot use). Never fatal: the session stays in the room, state
   * FAILED, and an ICE failure gets another try (our ICE restart as the
   * offerer after 4 s, as the web client does; the peer's restart offer
   * as the answerer); the next peer gets a new call. */
  bool call_failed;
  const char *text;  /* a sentence for the user: no ids, SDP or addresses */
  unsigned lost_frames;  /* AUDIO_LOST */
  int64_t duration_us;   /* AUDIO_LOST */
} tc_session_event;

typedef void (*tc_session_event_cb) (tc_session *s, const tc_session_event *ev,
    void *user_data);

/* The spec's stats panel, plus what a recording studio wants to see. */
typedef struct {
  tc_session_state state;
  bool relayed;                 /* TURN relay (true) or direct P2P */
  double rtt_ms;                /* from RTCP; < 0 when unknown */
  /* Our send-side bandwidth estimate (the video encoder's target); 0 while
   * we send no video. */
  uint64_t target_bitrate_bps;
  /* Signaling, apart from media: in the room now, and how often the client
   * came back after losing the signaling server (a call with live media
   * goes on meanwhile). */
  bool signaling_connected;
  unsigned signaling_reconnects;
  /* Per direction: index 0 = what we send, 1 = what we receive. */
  struct {
    tc_sdp_codec video_codec;
    tc_sdp_codec audio_codec;
    unsigned width, height;     /* last keyframe's size; 0 when unknown */
    double fps;
    uint64_t video_bitrate_bps;
    uint64_t audio_bitrate_bps;
    uint64_t packets;
    uint64_t packets_lost;      /* as reported by RTCP */
    double loss_fraction;       /* 0..1 over the last report interval */
    uint64_t nacks, plis;
    /* Packets sent again for NACKs (send), or received again (recv). */
    uint64_t retransmissions;
    /* Frames dropped on the way: send, handed to the session faster than
     * it could take them (late video first); receive, the wrapper's queue
     * to its decoder full. */
    uint64_t frames_dropped;
    /* Receive: audio frames lost and handed to the decoder to conceal. */
    uint64_t audio_concealed;
    /* Receive: of those, frames the next packet's in-band FEC (Opus LBRR)
     * carries, so the decoder recovers them instead of guessing. */
    uint64_t audio_fec_recovered;
    /* Receive: the adaptive playout delay the peer's frames need (as
     * latency_us of FRAME events); 0 before media. */
    double latency_ms;
  } dir[2];
} tc_session_stats;

/* Creates a session (not started). Validates the settings: NULL and *status
 * set (TC_ERR_BAD_ROOM, TC_ERR_BAD_URL, TC_ERR_INSECURE_URL,
 * TC_ERR_INVALID_ARG, ...) when they cannot work. `cb` is called on the
 * session thread. The caller owns the result. */
tc_session *tc_session_new (const tc_session_config *cfg,
    tc_session_event_cb cb, void *user_data, tc_status *status);

/* Starts the session thread: joins the room and waits for a peer. */
tc_status tc_session_start (tc_session *s);

/* Hands one encoded frame to send. `data` is copied. `pts_us` is the
 * frame's capture time on any monotonic microsecond clock the wrapper keeps
 * consistent for both kinds (it becomes RTP time). Frames pushed while not
 * connected are dropped (TC_OK); a keyframe request follows connection.
 * TC_ERR_CLOSED after stop; TC_ERR_INVALID_ARG for a kind we do not send. */
tc_status tc_session_push_frame (tc_session *s, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe);

/* tc_session_push_frame for video with the frame's temporal layer, as the
 * wrapper's encoder made it (tc_layers.h; `layer` is copied, NULL: one
 * layer). The layer goes on the wire: VP8 TID/Y/TL0PICIDX, VP9 layer
 * indices and the L1T3 pattern in the scalability structure of keyframes,
 * and for AV1 the dependency descriptor extension when the peer agreed to
 * it (an L1T1 one for frames without layers). */
tc_status tc_session_push_video_frame (tc_session *s, const uint8_t *data,
    size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer);

/* tc_session_push_frame for audio with the level of the audio the frame
 * carries, in -dBov (0 full scale ... 127 silence; tc_audio_level.h), or
 * -1 when unknown. It goes on the wire as the ssrc-audio-level extension
 * (RFC 6464) when the peer agreed to it: a browser shows it as the
 * stream's audioLevel. */
tc_status tc_session_push_audio_frame (tc_session *s, const uint8_t *data,
    size_t len, int64_t pts_us, int level);

/* What a session sends and receives (the same four flags as in
 * tc_session_config). */
typedef struct {
  bool send_audio;
  bool send_video;
  bool recv_audio;
  bool recv_video;
} tc_session_directions;

/* Changes what the session sends and receives, for a wrapper whose tracks
 * come and go during a call. `dirs` is copied. Before the call is
 * negotiated the new directions go into the first offer or answer. In a
 * negotiated call the session renegotiates: a new offer with the same ICE
 * credentials and sections (DTLS and SRTP stay as they are), and each
 * stream starts or stops when the answer agrees; a video stream that starts
 * sending asks the wrapper for a keyframe first (KEYFRAME_REQUEST), and a
 * stream that starts receiving is announced with NEGOTIATED. Frames pushed
 * for a kind no longer sent get TC_ERR_INVALID_ARG from then on.
 * Any thread, also the event callback. TC_ERR_CLOSED after stop. */
tc_status tc_session_set_directions (tc_session *s,
    const tc_session_directions *dirs);

/* Changes the quality and bitrate overrides of a session, also during a
 * call: the bandwidth estimate takes the new limits at once (the target
 * moves into them) and later offers and answers carry them. Any thread.
 * TC_ERR_INVALID_ARG for an unknown quality, TC_ERR_CLOSED after stop. */
tc_status tc_session_set_bitrates (tc_session *s, tc_sdp_quality quality,
    const tc_sdp_bitrates *bitrates);

/* Changes the largest datagram of the `kind` stream's packets (as
 * tc_session_config's audio_mtu and video_mtu; 0: the default), also during
 * a call: the next frame is split to fit. Retransmissions of packets
 * already sent keep their size. Any thread. TC_ERR_INVALID_ARG outside
 * TC_SESSION_MTU_MIN..TC_SESSION_MTU_MAX, TC_ERR_CLOSED after stop. */
tc_status tc_session_set_mtu (tc_session *s, tc_media_kind kind,
    unsigned mtu);

/* Asks the peer for a video keyframe now (an RTCP PLI), for a wrapper
 * whose decoder lost its reference: a frame it had to drop, or one that
 * did not decode. Like the PLIs the jitter buffer sends when it needs a
 * keyframe, at most one goes out per 500 ms; nothing is sent while no
 * video is received or the peer does not take PLI. Any thread, also the
 * event callback. TC_ERR_CLOSED after stop. */
tc_status tc_session_request_keyframe (tc_session *s);

/* Changes the video codecs the session offers and answers, most preferred
 * first (the wrapper's `video-codecs`, or the one codec of input that comes
 * already encoded); codecs the core cannot packetize are left out. The next
 * offer or answer uses the list, and a call negotiated with a codec no
 * longer listed offers again at once. `codecs` is copied. Any thread.
 * TC_ERR_UNSUPPORTED when none of them can be packetized (the list is then
 * unchanged), TC_ERR_CLOSED after stop. */
tc_status tc_session_set_video_codecs (tc_session *s,
    const tc_sdp_codec *codecs, size_t n);

/* A snapshot of the stats; any thread. */
tc_status tc_session_get_stats (tc_session *s, tc_session_stats *out);

/* Leaves the room, closes the call, stops and joins the thread. No events
 * after it returns. Idempotent. Called from the event callback (on the
 * session thread), it cannot join: the teardown then runs on that thread
 * once the callback returned, and a tc_session_free there leaves the last
 * of the freeing to the thread as it ends. */
void tc_session_stop (tc_session *s);

/* Stops if needed and frees. NULL-safe. */
void tc_session_free (tc_session *s);

const char *tc_session_state_str (tc_session_state state);

#ifdef __cplusplus
}
#endif
#endif
