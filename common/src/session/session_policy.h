/* session_policy.h - the session's pure decisions: perfect negotiation and
 * media clock mapping. No I/O, no clock of their own; any thread.
 */
#ifndef TEMPCHAT_SESSION_POLICY_H
#define TEMPCHAT_SESSION_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* ---- perfect negotiation (W3C WebRTC 1.0, section 10.7) ---------------- */

typedef enum {
  TC_OFFER_ACCEPT,              /* stable: answer it */
  TC_OFFER_IGNORE,              /* glare, and we are impolite: keep ours */
  TC_OFFER_ROLLBACK_AND_ACCEPT, /* glare, and we are polite: drop ours */
} tc_offer_action;

/* What to do with an incoming offer. `have_local_offer`: ours is still
 * waiting for an answer. `polite`: we are the answerer by the client-id
 * rule (TempChat's answerer yields, since older pages make the second
 * joiner offer regardless of the rule). */
tc_offer_action tc_session_offer_action (bool have_local_offer, bool polite);

const char *tc_offer_action_str (tc_offer_action a);

/* How long the impolite side waits for an answer to its offer after
 * ignoring a colliding one. A polite peer answers as soon as our offer
 * reaches it, which is about when its own reached us; an older page that
 * never yields answers nothing, and both offers would wait forever. */
#define TC_GLARE_PATIENCE_MS 3000

/* True when the impolite side should drop its own offer and answer the one
 * it ignored: it kept one (`have_ignored_offer`), its own offer is still
 * unanswered (`have_local_offer`), and `waited_ms` passed since it ignored
 * the peer's. */
bool tc_session_glare_should_yield (bool have_ignored_offer,
    bool have_local_offer, int64_t waited_ms);

/* ---- recovering a lost ICE path ---------------------------------------- */

/* The web client's offerer restarts ICE after this grace (spec "ICE
 * restart"); the answerer waits longer, for that restart offer first. */
#define TC_RECOVERY_GRACE_FAILED_MS 4000
#define TC_RECOVERY_GRACE_DISCONNECTED_MS 3000
#define TC_RECOVERY_ANSWERER_EXTRA_MS 3000
/* A path lost this long ends the call: never wait forever. */
#define TC_RECOVERY_GIVE_UP_MS 20000

typedef enum {
  TC_RECOVERY_WAIT,     /* the path may come back, or a restart is running */
  TC_RECOVERY_RESTART,  /* restart ICE: send an ICE-restart offer */
  TC_RECOVERY_GIVE_UP,  /* lost for too long: end the call */
} tc_recovery_action;

/* What to do about a path lost for `lost_ms` (ICE `failed`, else
 * disconnected), `since_restart_ms` after the last ICE restart by either
 * side (-1: none yet). Perfect negotiation lets either side offer, so the
 * answerer restarts too when the offerer stays silent; a restart that has
 * not brought the path back within the grace is tried again. */
tc_recovery_action tc_session_recovery_action (bool offerer, bool failed,
    int64_t lost_ms, int64_t since_restart_ms);

const char *tc_recovery_action_str (tc_recovery_action a);

/* ---- a peer whose gathering stalled ------------------------------------ */

/* How long after an offer/answer exchange, before the call first
 * connects, we wait for the peer's first candidate. Browsers trickle their
 * first one within a few hundred ms of their description (a relay one
 * after a TURN allocation, well under a second), and no check can start
 * without a candidate on one side. */
#define TC_CANDIDATE_PATIENCE_MS 3000
/* The answerer by the rule waits this much longer, so that when neither
 * side hears a candidate the offerer acts alone: two sessions restarting
 * and rejoining at once would cross each other's messages. */
#define TC_STALL_ANSWERER_EXTRA_MS 3000
/* Rejoins for that reason in a row without a call connecting: a peer that
 * truly has no candidate (relay-only with refused TURN credentials) is not
 * made to start over forever. */
#define TC_STALL_MAX_REJOINS 2

typedef enum {
  TC_STALL_WAIT,     /* candidates came, or it is too early, or enough tries */
  TC_STALL_RESTART,  /* restart ICE: a lost candidate is sent again */
  TC_STALL_REJOIN,   /* leave the room and join again: the peer makes a new
                        peer connection */
} tc_stall_action;

/* What to do about a call that has not connected when no remote candidate
 * came `since_exchange_ms` after the last completed offer/answer (-1: none
 * yet). One ICE restart comes first: it repairs candidates lost on the way.
 * Chromium 156 sometimes gathers nothing at all after rolling back its
 * offer in glare, and nothing repairs that peer connection, restarts
 * included (it answers them, and still gathers nothing): only a new one
 * does, which a page makes when we leave and join again. `offerer`: by
 * the client-id rule. `restarts`: ICE
 * restarts of this call for this reason; `rejoins`: rejoins since a call
 * last connected. */
tc_stall_action tc_session_stall_action (bool offerer, bool connected,
    int64_t since_exchange_ms, unsigned remote_candidates, unsigned restarts,
    unsigned rejoins);

const char *tc_stall_action_str (tc_stall_action a);
/* ---- is the path alive? ------------------------------------------------ */

/* A path is alive while authenticated traffic from the peer arrives on it
 * (SRTP/SRTCP that authenticates, DTLS, answered ICE checks). Silence this
 * long shows `disconnected`, the restart trigger; Chromium marks a
 * connection that received nothing for 2.5 s the same way. No call is
 * that quiet: media or RTCP (0.5-1.5 s apart) flows both ways, and random
 * loss never silences a path for 2.5 s. */
#define TC_LIVENESS_SILENT_MS 2500
/* RFC 7675 5.1: consent is lost after 30 s without any response. */
#define TC_LIVENESS_CONSENT_MS 30000

typedef enum {
  TC_LIVENESS_ALIVE,    /* heard from the peer lately */
  TC_LIVENESS_SILENT,   /* `disconnected`: keep sending, maybe restart */
  TC_LIVENESS_LOST,     /* consent expired: stop sending (RFC 7675) */
} tc_liveness;

/* The liveness of a path that heard nothing from the peer for `silent_ms`. */
tc_liveness tc_session_liveness (int64_t silent_ms);

/* ---- a peer whose signaling went away ---------------------------------- */

/* Signaling and media are separate: the peer's WebSocket dropping (or
 * ours, or the relay restarting) says nothing about the call. The call is
 * kept while its media is alive (connected, no RTCP BYE from the peer,
 * heard within TC_LIVENESS_SILENT_MS) and ends once it is not; a peer that
 * shows up in the room again while it is kept takes the call over. */
bool tc_session_keep_call_while_away (bool connected, bool peer_bye,
    int64_t silent_ms);

/* ---- keyframe requests from the peer ------------------------------------- */

/* A keyframe asked for within this of the last one asked of the encoder
 * is the same keyframe: libwebrtc's EncoderRtcpFeedback lets one request
 * through per 300 ms (kMinKeyframeSendIntervalMs). Under loss a receiver
 * repeats its PLI until a keyframe arrives; a keyframe per PLI is a burst
 * per PLI, more loss, more PLIs. */
#define TC_KEYFRAME_MIN_INTERVAL_US 300000

typedef struct {
  bool asked;                 /* the encoder was asked at least once */
  int64_t last_us;            /* then */
  bool have_fir_seq;
  uint8_t fir_seq;            /* of the last FIR honoured */
} tc_keyframe_gate;

/* Whether a PLI at `now_us` asks the encoder for a keyframe. */
bool tc_keyframe_gate_pli (tc_keyframe_gate *g, int64_t now_us);

/* Whether a FIR entry with `seq_nr` does: a repeated seq nr is a
 * retransmission of a request already honoured (RFC 5104 4.3.1.2). */
bool tc_keyframe_gate_fir (tc_keyframe_gate *g, uint8_t seq_nr,
    int64_t now_us);

/* ---- RTP time ---------------------------------------------------------- */

/* RTP timestamp of a frame captured at `pts_us`, when the first frame's
 * `first_pts_us` was sent as `base` (RFC 3550 5.1: random start, codec
 * clock). Wraps modulo 2^32; pts before the first frame count backwards. */
uint32_t tc_rtp_ts_from_pts (uint32_t base, int64_t first_pts_us,
    int64_t pts_us, uint32_t clock_rate);

/* The pts an audio stream's RTP time counts from (`first_pts_us` of
 * tc_rtp_ts_from_pts), once its second packet, at `second_pts_us`, comes
 * after a first that plays `first_duration_us`. An encoder with lookahead
 * (Opus: 6.5 ms) stamps its first packet with the time of its first input
 * sample although that sample plays `lookahead` into the packet
 * (GstAudioEncoder clamps the first packet's time and shortens it). A
 * sink started in a running call (a restart) sends that packet: measured,
 * the second 13.5 ms after the first, so its RTP time only 648 ticks on,
 * the first packet overlapping it and every later one on a line 6.5 ms
 * off the first's; a receiver that counts samples from its first packet
 * (an audio sink, a decoder with a tolerance) keeps that error. The
 * anchor moves back by the overlap, so the first packet's RTP time says
 * where it plays and RTP time runs on from it. An overlap under
 * TC_AUDIO_OVERLAP_MIN_US is rounding; none (or a gap) keeps the anchor. */
#define TC_AUDIO_OVERLAP_MIN_US 500
int64_t tc_audio_rtp_anchor (int64_t first_pts_us, int64_t first_duration_us,
    int64_t second_pts_us);

/* Microseconds since the Unix epoch of a 32.32 NTP timestamp (the inverse
 * of tc_ntp_from_unix_us, to the microsecond). */
int64_t tc_unix_us_from_ntp (uint64_t ntp);

/* One stream's RTP <-> sender wall clock mapping from its last SR. */
typedef struct {
  bool valid;
  uint64_t ntp;        /* SR NTP timestamp */
  uint32_t rtp_ts;     /* the same instant in RTP units */
  uint32_t clock_rate;
} tc_rtp_sync;

void tc_rtp_sync_update (tc_rtp_sync *sync, uint64_t ntp, uint32_t rtp_ts,
    uint32_t clock_rate);

/* The sender's wall-clock time (us since the Unix epoch) of `rtp_ts`,
 * taking wrap into account (within +-2^31 ticks of the SR). False before
 * the first SR. */
bool tc_rtp_sync_sender_us (const tc_rtp_sync *sync, uint32_t rtp_ts,
    int64_t *sender_us);

/* Sender wall clock -> our monotonic clock, one offset per peer so that all
 * of its streams land on one time line (lip sync). The first mapped frame
 * anchors the offset at its arrival time; a lower transit (arrival minus
 * sender time) moves it down at once; a higher one only as the lowest
 * transit of each TC_CLOCK_OFFSET_WINDOW_US: the two clocks drift apart
 * (tens of ppm, a tenth of a second in a half-hour call; much more from a
 * sender too busy to keep its media time with the wall clock) and the
 * time line must not drift past the jitter buffer's latency, or the
 * adaptive latency grows without end. The caller slews its times
 * (media_clock.h), so the line moving never makes them jump. */
#define TC_CLOCK_OFFSET_WINDOW_US 4000000
typedef struct {
  bool valid;
  int64_t offset_us;
  int64_t window_start_us;
  int64_t window_min_us;     /* lowest transit in this window */
} tc_clock_offset;

int64_t tc_clock_offset_map (tc_clock_offset *off, int64_t sender_us,
    int64_t arrival_us);

#endif
