/* session_internal.h - the state one tc_session keeps, shared by the
 * session_*.c files. Everything here lives on the session thread unless a
 * field says "under lock".
 *
 * A session (one per wrapper, lives for the wrapper's lifetime) holds the
 * signaller, the certificate and the thread. A call (one per peer) holds the
 * ICE agent, DTLS, SRTP, the negotiated result and the RTP streams; the peer
 * leaving frees the call and the session waits for the next one.
 */
#ifndef TEMPCHAT_SESSION_INTERNAL_H
#define TEMPCHAT_SESSION_INTERNAL_H

#include "session/frame_queue.h"
#include "session/session_hooks.h"
#include "session/media_clock.h"
#include "session/playout_delay.h"
#include "session/session_policy.h"
#include "tempchat/tc_demux.h"
#include "tempchat/tc_dtls.h"
#include "tempchat/tc_ice.h"
#include "tempchat/tc_log.h"
#include "tempchat/tc_rtcp.h"
#include "tempchat/tc_session.h"
#include "tempchat/tc_srtp.h"

#include "cc/bwe.h"
#include "cc/pacer.h"
#include "rtp/history.h"
#include "rtp/jitter.h"
#include "rtp/receive_log.h"
#include "rtp/rtp_dd.h"

/* Index of a kind in the per-kind arrays. */
enum { TC_KIND_AUDIO = 0, TC_KIND_VIDEO = 1, TC_N_KINDS = 2 };

/* A whole packet plus the SRTP tag always fits. */
#define TC_SESSION_PACKET_MAX 1500

typedef struct tc_call tc_call;

/* The datagrams of one pacer turn, held to leave in one system call
 * (session_wire.c): a 1080p keyframe's 5 ms share is up to ~20 packets. */
#define TC_WIRE_BATCH_MAX 32
typedef struct {
  unsigned n;
  size_t len[TC_WIRE_BATCH_MAX];
  uint8_t data[TC_WIRE_BATCH_MAX][TC_SESSION_PACKET_MAX + TC_SRTP_MAX_OVERHEAD];
} tc_wire_batch;

/* The peer's candidates kept before the first negotiation. */
#define TC_CALL_MAX_EARLY_CANDIDATES 200

typedef struct {
  bool active;
  tc_media_kind kind;
  const tc_payloader *pay;
  void *pay_state;
  tc_sdp_codec codec;
  uint8_t pt;
  uint32_t clock_rate;
  uint32_t ssrc;
  uint16_t seq;
  uint32_t ts_base;           /* random first RTP timestamp */
  bool started;
  int64_t first_pts_us;       /* pts of RTP ts_base: the first frame's,
                                 * for audio moved back by the encoder's
                                 * lookahead (tc_audio_rtp_anchor) */
  int64_t first_duration_us;  /* audio: the first packet's, until the
                                 * second came; else 0 */
  uint32_t max_bps;           /* the peer's limit (b=AS...); 0: none */
  uint32_t last_ts;            /* of the last frame sent */
  int64_t last_ts_us;          /* when it was sent; 0: none yet */
  int rtx_pt;                 /* -1: resend NACKed packets as they were */
  uint32_t rtx_ssrc;
  uint16_t rtx_seq;
  char mid[TC_SDP_MAX_ID + 1];
  uint8_t ext_mid, ext_abs_send_time, ext_transport_cc;
  uint8_t ext_dd;             /* AV1 dependency descriptor; 0: not agreed */
  uint8_t ext_audio_level;    /* Opus RFC 6464 level; 0: not agreed */
  /* Temporal layers (session_layers.c): the TL0PICIDX of the last TID 0
   * frame (VP8, VP9), the dependency descriptor's frame numbers (AV1). */
  uint8_t tl0picidx;
  tc_dd_l1t3 dd;
  tc_rtp_history *history;    /* plain packets for RTX; without RTX the
                                 protected ones, resent as they went */
  uint32_t packets, octets;   /* for the SR sender info */
  uint64_t resent;            /* packets sent again for NACKs */
  uint64_t window_bytes;      /* since the last stats interval */
  unsigned window_frames;
  unsigned width, height;
  tc_keyframe_gate keyframes; /* the peer's PLI/FIR -> the encoder */
} tc_send_stream;

typedef struct tc_recv_dd tc_recv_dd;

typedef struct {
  bool active;
  tc_call *call;
  tc_media_kind kind;
  const tc_payloader *pay;
  tc_sdp_codec codec;
  uint8_t pt;
  int rtx_pt;
  uint32_t clock_rate;
  uint32_t ssrc;              /* 0 until the SDP or a packet tells us */
  uint32_t rtx_ssrc;
  char mid[TC_SDP_MAX_ID + 1];
  bool nack, pli;             /* feedback the peer accepts */
  tc_jitter *jitter;
  tc_receive_log *log;
  tc_rtcp_rx_stats rx;
  bool rx_started;
  tc_rtp_sync sync;           /* RTP <-> sender NTP from the last SR */
  tc_media_clock clock;       /* RTP -> our time (media_clock.h) */
  tc_playout_delay playout;   /* what its frames' lateness needs */
  int64_t last_pli_us;
  uint64_t window_bytes;
  unsigned window_frames;
  int64_t frame_arrival_us;   /* arrival of the packet completing a frame */
  int64_t last_media_us;      /* last packet from `ssrc`; 0: none yet */
  bool have_audio_ts;         /* audio: the last frame handed on */
  uint32_t audio_ts;
  uint32_t audio_frame_ts;    /* RTP ticks the last frame plays; 0: unknown */
  uint64_t audio_concealed;
  uint64_t audio_fec_recovered;
  int64_t last_rtx_us;        /* last packet from `rtx_ssrc` */
  unsigned width, height;     /* of the last keyframe, when the codec says */
  uint8_t ext_dd;             /* AV1 dependency descriptor; 0: not agreed */
  tc_recv_dd *dd;             /* what it said (session_dd.c); NULL: none */
  uint64_t packets;
  uint64_t resent;            /* of them, retransmissions (RTX) */
  uint32_t lost;              /* from our last report block about it */
  uint8_t fraction_lost;
} tc_recv_stream;

/* Where a stopped send stream of the call left its SSRC: a restart goes on
 * from here, because the SRTP context of the call has used every index up
 * to `seq` (session_send.c). */
typedef struct {
  bool valid;
  uint32_t ssrc, rtx_ssrc;
  uint16_t seq, rtx_seq;      /* the next ones to use */
  uint32_t ts;                /* of the last frame */
  int64_t ts_us;              /* when it was sent */
} tc_send_resume;

/* Transport-wide arrivals not reported yet (session_twcc.c). */
#define TC_TWCC_WINDOW 256
typedef struct {
  uint8_t ext_id;             /* 0: not negotiated */
  uint32_t media_ssrc;
  bool started;
  uint16_t base;              /* transport seq of arrival[0] */
  size_t count;
  int64_t arrival[TC_TWCC_WINDOW];
  uint8_t fb_count;
  int64_t next_us;
} tc_twcc_rx;

struct tc_call {
  tc_session *s;
  unsigned serial;
  bool is_offerer;            /* by the client-id rule */
  tc_ice *ice;
  bool gathering;
  unsigned ice_restarts;
  GSource *patience;          /* answerer's wait for an offer */
  tc_sdp *local_offer;        /* our offer while it waits for an answer */
  char *ignored_offer;        /* the peer's offer we ignored in glare, kept
                                 in case the peer never yields */
  int64_t ignored_offer_us;   /* when we ignored it */
  GPtrArray *early_candidates; /* the peer's, before the first negotiation
                                 (char*; session_negotiate.c) */
  bool early_eoc;             /* its end-of-candidates came then */
  char *early_eoc_ufrag;
  int64_t path_lost_us;       /* ICE lost the path then; 0: it works */
  bool path_failed;           /* ICE failed, not only disconnected */
  int64_t heard_us;           /* authenticated traffic from the peer last */
  bool silent;                /* we called the path lost for its silence */
  bool consent_lost;          /* silent past RFC 7675's 30 s: send nothing */
  int64_t away_us;            /* the peer left the signaling room then, its
                                 media alive (session_away.c); 0: present */
  int64_t joiner_us;          /* away: a member that waited in the busy room
                                 joined then; 0: none (session_away.c) */
  bool joiner_offers;         /* its role in a new call */
  bool peer_bye;              /* an RTCP BYE for the peer's media came */
  int64_t restart_us;         /* last ICE restart by either side; 0: none */
  int64_t exchange_us;        /* last completed offer/answer; 0: none since
                                 the last restart */
  unsigned remote_candidates; /* the peer's, since our last ICE restart */
  unsigned stall_restarts;    /* ICE restarts for a peer that sent none */
  tc_sdp_negotiated *neg;
  /* The directions our last offer or answer asked for; wanted ones that
   * differ after a negotiation make us offer again (session_directions.c). */
  tc_session_directions described;
  uint64_t sdp_session_id;
  uint64_t sdp_version;
  tc_dtls *dtls;
  GSource *dtls_timer;
  /* DTLS datagrams made before ICE had a pair to send them on (a server
   * answering a ClientHello that arrived first): sent once it has one,
   * instead of after the 1 s retransmission timer. GBytes, bounded. */
  GQueue dtls_early;
  tc_srtp *srtp;
  /* A keyframe made while connecting, sent when DTLS is done
   * (session_held.c), and when it came; NULL: none. */
  tc_queued_frame *held_key;
  int64_t held_key_us;
  bool connected;
  bool failed;
  tc_status fail_status;      /* why, when failed */
  int64_t failed_us;          /* when */
  unsigned revivals;          /* ICE restarts after failing for no path */
  bool relayed;
  tc_send_stream tx[TC_N_KINDS];
  tc_send_resume resume[TC_N_KINDS];
  bool srtp_refusal_reported;
  tc_recv_stream rx[TC_N_KINDS];
  uint16_t transport_seq;
  /* Our monotonic clock minus the wrapper's pts clock, at its smallest (the
   * frame that waited least): one value for both kinds, so the SRs of audio
   * and video describe one time line. */
  bool have_pts_offset;
  int64_t pts_offset_us;
  tc_twcc_rx twcc;
  tc_bwe *bwe;                /* NULL: we send no video */
  /* Pacing (session_pace.c): video and NACK answers wait here. */
  tc_pacer pacer;
  GQueue pace_rtx, pace_video; /* paced_packet*, FIFO */
  size_t pace_bytes;          /* waiting in both */
  GSource *pace_timer;        /* serves the queues while anything waits */
  tc_wire_batch *wire;        /* a pacer turn's datagrams (session_wire.c);
                                 NULL until the first turn */
  bool wire_holding;
  int64_t rtt_us;             /* -1 while unknown */
  tc_clock_offset media_clock; /* sender NTP -> our monotonic, per peer */
  int64_t rx_latency_us;      /* the largest playout delay of rx[]; 0: none */
  int64_t next_rtcp_us;
  int64_t stats_since_us;
  uint64_t nacks_sent, nacks_received, plis_sent, plis_received;
  uint64_t twcc_feedback_received;
  uint32_t loss_fraction_q8_remote; /* what the peer reports about us */
  uint64_t lost_remote;
};

struct tc_session {
  unsigned serial;
  tc_session_event_cb cb;
  void *user_data;
  tc_session_signal_factory make_signal;
  void *factory_data;

  /* Settings, strings owned. */
  tc_session_config cfg;
  char *url, *channel, *room, *ca_file;
  char **stun_servers;
  char *turn_server, *turn_username, *turn_password, *turn_secret;
  char **local_addresses;

  /* Our identity towards the peer, made once per session. */
  tc_dtls_cert *cert;
  char cname[17];
  char stream_id[17];
  uint32_t audio_ssrc, video_ssrc, video_rtx_ssrc;
  tc_sdp_codec video_codecs[TC_SDP_MAX_VIDEO_CODECS];
  size_t n_video_codecs;

  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  tc_signal *sig;
  tc_call *call;
  GSource *tick;
  unsigned tick_ms;            /* its period (session.c tick_ms) */
  tc_session_state state;     /* session thread's copy */
  bool stopped_here;          /* stopped from its own thread: no more events */
  bool joining;               /* another thread's stop waits for the thread */
  /* Freed from its own thread: whoever ends the thread frees it, the
   * stop that joins it or else the thread itself as it ends. */
  bool free_requested;
  bool signal_down;           /* between DISCONNECTED and RECONNECTED */
  bool signal_up;             /* in the room (SUBSCRIBED or RECONNECTED) */
  unsigned signal_reconnects; /* RECONNECTEDs so far */
  unsigned stall_rejoins;     /* tc_session_rejoin()s since a call connected */

  /* Under lock: what other threads may read or set. */
  GMutex lock;
  bool started;
  bool stopped;
  /* The directions the wrapper wants; the session thread copies them into
   * cfg (tc_session_set_directions). */
  tc_session_directions dirs;
  tc_session_stats stats;
  char *debug_local_sdp;
  char *debug_remote_sdp;
  struct tc_frame_queue *outq; /* pushed frames for the session thread */
  bool drain_posted;          /* a drain of outq is attached to ctx */
  gint debug_drop_every;      /* atomic; tc_session_debug_drop_rtp */
  gint debug_no_pacing;       /* atomic; tc_session_debug_pacing */
  gint debug_no_recheck;      /* atomic; tc_session_debug_recheck */
  gint debug_log_sends;       /* atomic; tc_session_debug_log_sends */
  GArray *debug_sends;        /* under lock: int64_t send times of video */
  int debug_ice_controlling;  /* under lock: 1/0, -1 without an agent */
  unsigned debug_drop_count;  /* session thread */
};

/* session.c */
void tc_session_set_state (tc_session *s, tc_session_state state);
void tc_session_emit (tc_session *s, const tc_session_event *ev);
void tc_session_emit_error (tc_session *s, tc_status st, bool fatal,
    const char *text);
/* An ERROR event with call_failed: the call ended, the session goes on. */
void tc_session_emit_call_failed (tc_session *s, tc_status st,
    const char *text);
void tc_session_debug_keep_sdp (tc_session *s, bool local, const char *text);
void tc_session_rejoin (tc_session *s);
void tc_session_debug_note_send (tc_session *s, int64_t now_us);

/* session_negotiate.c: signaling events and offer/answer. */
void tc_session_on_signal (tc_signal *sig, const tc_signal_event *ev,
    void *data);
void tc_call_free (tc_call *c);
void tc_session_end_call (tc_session *s);
void tc_call_path_lost (tc_call *c, bool failed);
void tc_call_path_back (tc_call *c);
void tc_session_negotiate_tick (tc_session *s, int64_t now_us);

void tc_call_send_offer (tc_call *c);
bool tc_call_revive_on_path (tc_call *c);

/* session_directions.c: what we send and receive, changed in a call. */
tc_session_directions tc_session_cfg_directions (const tc_session *s);
void tc_call_check_directions (tc_call *c);
bool tc_call_keeps_dtls (const tc_call *c, const tc_sdp_negotiated *next);
void tc_call_update_media (tc_call *c);

/* session_transport.c */
tc_status tc_call_ice_new (tc_call *c, bool controlling);
tc_status tc_call_transport_start (tc_call *c);
void tc_call_transport_close (tc_call *c);
void tc_call_fail (tc_call *c, tc_status st, const char *text);
tc_status tc_call_send_rtp (tc_call *c, const uint8_t *pkt, size_t len);
tc_status tc_call_protect_rtp (tc_call *c, uint8_t *buf, size_t len,
    size_t cap, size_t *out);
tc_status tc_call_send_wire (tc_call *c, const uint8_t *pkt, size_t len);
/* session_wire.c: from hold to flush, tc_call_send_wire keeps the
 * datagrams and flush sends them together (in order, before anything sent
 * after it). */
void tc_call_wire_hold (tc_call *c);
void tc_call_wire_flush (tc_call *c);
tc_status tc_call_send_rtcp (tc_call *c, const uint8_t *pkt, size_t len);

/* session_send.c */
void tc_call_setup_send (tc_call *c);
void tc_send_stream_clear (tc_send_stream *st);
void tc_call_stop_send (tc_call *c, int k);
/* session_held.c: keeps frame `f` (owned) that came before the call
 * connected, if a keyframe; sends it once the call has (true when one was
 * sent: the peer needs no other); clears it. */
void tc_call_held_keep (tc_call *c, tc_queued_frame *f, int64_t now_us);
bool tc_call_held_send (tc_call *c, int64_t now_us);
void tc_call_held_clear (tc_call *c);

void tc_call_push_frame (tc_call *c, tc_media_kind kind, const uint8_t *data,
    size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer, int audio_level);
void tc_call_resend (tc_call *c, uint32_t media_ssrc, const uint16_t *seqs,
    size_t n);

/* session_dd.c: the temporal layers of received AV1 frames. */
void tc_recv_dd_setup (tc_recv_stream *rx, const tc_sdp_negotiated_media *m);
void tc_recv_dd_free (tc_recv_stream *rx);
void tc_recv_dd_on_packet (tc_recv_stream *rx, const tc_rtp_packet *p);
bool tc_recv_dd_temporal_id (const tc_recv_stream *rx, uint32_t timestamp,
    uint8_t *temporal_id);

/* session_layers.c */
/* Packetizes one video frame with its temporal layer (NULL: one layer) in
 * the payload descriptor of VP8 and VP9; other codecs as pay->payload. */
tc_status tc_call_payload_frame (tc_send_stream *st, const uint8_t *data,
    size_t len, bool keyframe, const tc_temporal_layer *layer, size_t mtu,
    tc_pay_emit_fn emit, void *user_data);
/* The dependency descriptor of the next frame of `st` (L1T3 for a
 * three-layer frame, else L1T1) and the structure it refers to. False
 * when the stream sends none (not agreed, not AV1) or cannot describe
 * this frame (a delta before any keyframe). */
bool tc_call_dd_next (tc_send_stream *st, bool keyframe,
    const tc_temporal_layer *layer, tc_dd_structure *structure,
    tc_dd_frame *frame);

tc_status tc_call_send_media (tc_call *c, int k, const uint8_t *pkt,
    size_t len, int64_t now_us);
void tc_call_send_rtx (tc_call *c, int k, const uint8_t *pkt, size_t len,
    int64_t now_us);

/* session_pace.c: the pacer between the send path and the wire. media:
 * a plain packet of stream `k` just built (audio leaves at once, video
 * waits its turn); resend: a NACK answer (plain RTX, or `is_protected`, the
 * original as it went). serve: send what the budget allows now (after
 * queueing a frame or answers; the timer does the rest). drop: forget
 * what waits for stream `k` (-1: everything, and stop the timer). */
void tc_call_pace_init (tc_call *c);
void tc_call_pace_media (tc_call *c, int k, uint8_t *pkt, size_t len,
    int64_t now_us);
void tc_call_pace_resend (tc_call *c, int k, const uint8_t *pkt, size_t len,
    bool is_protected, int64_t now_us);
void tc_call_pace_serve (tc_call *c, int64_t now_us);
void tc_call_pace_drop (tc_call *c, int k);
uint32_t tc_send_stream_rtp_now (const tc_call *c, const tc_send_stream *st,
    int64_t now_us);

/* session.c: the codecs of `want` (n_want 0: all, in TempChat's order)
 * that we can packetize, into out; returns how many. */
size_t tc_session_pick_video_codecs (const tc_sdp_codec *want, size_t n_want,
    tc_sdp_codec *out);

/* session_recv.c */
void tc_session_keyframe_size (tc_sdp_codec codec, const uint8_t *d,
    size_t len, unsigned *w, unsigned *h);
void tc_call_setup_recv (tc_call *c);
void tc_recv_stream_clear (tc_recv_stream *st);
void tc_call_on_rtp (tc_call *c, uint8_t *buf, size_t len, int64_t now_us);
void tc_call_poll_recv (tc_call *c, int64_t now_us);
tc_recv_stream *tc_call_recv_by_ssrc (tc_call *c, uint32_t ssrc);
void tc_call_request_keyframe (tc_call *c, int64_t now_us);

/* session_rtcp.c */
void tc_call_on_rtcp (tc_call *c, uint8_t *buf, size_t len, int64_t now_us);
void tc_call_rtcp_tick (tc_call *c, int64_t now_us);
void tc_call_send_feedback (tc_call *c, const uint8_t *fb, size_t len);

/* session_twcc.c */
void tc_call_twcc_setup (tc_call *c, const tc_sdp_negotiated_media *m);
void tc_call_twcc_on_packet (tc_call *c, const tc_rtp_packet *p, int64_t now);
void tc_call_twcc_tick (tc_call *c, int64_t now);

/* session_bwe.c */
void tc_call_bwe_setup (tc_call *c);
void tc_call_bwe_on_sent (tc_call *c, uint16_t transport_seq, size_t len,
    int64_t now_us);
void tc_call_stamp_send (tc_call *c, const tc_send_stream *st, uint8_t *pkt,
    size_t len, int64_t now_us);
bool tc_call_bwe_allow_resend (tc_call *c, size_t len, int64_t now_us);
void tc_call_bwe_on_twcc (tc_call *c, const tc_rtcp_twcc *fb, int64_t now_us);
void tc_call_bwe_on_remb (tc_call *c, uint64_t bps, int64_t now_us);
void tc_call_bwe_set_rtt (tc_call *c, int64_t rtt_us);
void tc_call_bwe_tick (tc_call *c, int64_t now_us);
uint32_t tc_call_bwe_target (const tc_call *c);
uint32_t tc_call_send_cap (const tc_call *c, uint32_t bps);

/* session_liveness.c: our own judgment of the path (RFC 7675 timing). */
void tc_call_heard (tc_call *c, int64_t now_us);
void tc_call_liveness_tick (tc_call *c, int64_t now_us);

/* session_away.c: a call kept while the peer is out of the signaling
 * room. hold: on PEER_LEFT, true when the call is kept. take_back: on
 * PEER_JOINED, true when the kept call goes on. defer_joiner: on
 * PEER_JOINED of a member that waited in the busy room, true when the
 * kept call's media decides whose it is (tick). tick: true when it ended
 * the kept call (s->call is gone or a new one). */
bool tc_call_hold_while_away (tc_call *c, int64_t now_us);
bool tc_call_take_back (tc_call *c, int64_t now_us);
bool tc_call_defer_joiner (tc_call *c, bool is_offerer, int64_t now_us);
bool tc_session_away_tick (tc_session *s, int64_t now_us);

/* session_negotiate.c: a new call with the peer that joined (ends any). */
void tc_session_new_call (tc_session *s, bool is_offerer);

/* session.c: the tick at the period the call needs now (20 ms while it
 * receives media, 100 ms otherwise); after a negotiation. */
void tc_session_retick (tc_session *s);

/* session_mtu.c: whether a configured size is allowed (0: the default),
 * and the size stream `k` splits its frames to (loop thread). */
bool tc_session_mtu_valid (unsigned mtu);
size_t tc_session_mtu (const tc_session *s, int k);

/* Runs `fn (data)` on the session's loop, or here and now while the session
 * has no thread (nothing else reads its state then); `free_data` is called
 * once either way. TC_ERR_CLOSED (and `fn` never runs) after stop. For the
 * setters that may be called from any thread. */
tc_status tc_session_post (tc_session *s, GSourceFunc fn, gpointer data,
    GDestroyNotify free_data);

/* session_stats.c */
void tc_session_update_stats (tc_session *s, int64_t now_us);

#endif
