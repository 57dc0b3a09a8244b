/* tc_rtcp.h - RTCP: compound parse, builders, receiver statistics.
 *
 * RFC 3550 section 6 (SR, RR, SDES, BYE), RFC 4585 (generic NACK, PLI),
 * RFC 5104 (FIR), RFC 5506 (reduced-size RTCP), draft-holmer-rmcat-
 * transport-wide-cc-extensions-01 (transport-cc feedback) and
 * draft-alvestrand-rmcat-remb-03 (REMB).
 *
 * Pure functions: bytes in, caller's struct out; no allocation, no clock
 * (times are passed in), no logging, any thread. A parsed item borrows the
 * caller's buffer (CNAME text, BYE reason, NACK/FIR/REMB lists and
 * transport-cc chunks point into it), so the buffer must outlive the items.
 * Builders write one RTCP packet into `buf` (at most `cap` bytes), set
 * *written and return TC_OK, TC_ERR_TOO_LARGE when `cap` is too small, or
 * TC_ERR_INVALID_ARG for values that cannot be encoded; on error *written
 * is 0 and `buf` may hold partial output.
 */
#ifndef TEMPCHAT_TC_RTCP_H
#define TEMPCHAT_TC_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Packet types (RFC 3550 12.1, RFC 4585 6.1, RFC 3611). */
#define TC_RTCP_PT_SR 200
#define TC_RTCP_PT_RR 201
#define TC_RTCP_PT_SDES 202
#define TC_RTCP_PT_BYE 203
#define TC_RTCP_PT_APP 204
#define TC_RTCP_PT_RTPFB 205
#define TC_RTCP_PT_PSFB 206
#define TC_RTCP_PT_XR 207

/* Feedback message types (the FMT field). */
#define TC_RTCP_FMT_NACK 1      /* RTPFB */
#define TC_RTCP_FMT_TWCC 15     /* RTPFB */
#define TC_RTCP_FMT_PLI 1       /* PSFB */
#define TC_RTCP_FMT_FIR 4       /* PSFB */
#define TC_RTCP_FMT_AFB 15      /* PSFB; REMB when the FCI starts "REMB" */

#define TC_RTCP_HEADER_LEN 4
/* Largest RTCP packet the 16-bit length field can describe. */
#define TC_RTCP_MAX_PACKET (65536 * 4)
/* Limits set by 5-bit count fields. */
#define TC_RTCP_MAX_REPORTS 31
#define TC_RTCP_MAX_SDES_CHUNKS 31
#define TC_RTCP_MAX_BYE_SSRCS 31
/* A comfortable size for the items array of tc_rtcp_parse(). */
#define TC_RTCP_MAX_ITEMS 16

typedef enum {
  TC_RTCP_UNKNOWN = 0,  /* APP, XR, other feedback: `body` only */
  TC_RTCP_SR,
  TC_RTCP_RR,
  TC_RTCP_SDES,
  TC_RTCP_BYE,
  TC_RTCP_NACK,
  TC_RTCP_TWCC,
  TC_RTCP_PLI,
  TC_RTCP_FIR,
  TC_RTCP_REMB,
} tc_rtcp_kind;

/* One reception report block (RFC 3550 6.4.1). */
typedef struct {
  uint32_t ssrc;             /* the source this block is about */
  uint8_t fraction_lost;     /* since the previous report, in 1/256 */
  int32_t cumulative_lost;   /* 24-bit signed on the wire */
  uint32_t ext_highest_seq;  /* cycles << 16 | highest seq received */
  uint32_t jitter;           /* interarrival jitter, RTP timestamp units */
  uint32_t lsr;              /* middle 32 bits of the last SR's NTP, 0: none */
  uint32_t dlsr;             /* delay since that SR, in 1/65536 s */
} tc_rtcp_report_block;

/* Sender report: sender info and up to 31 report blocks. Extra bytes after
 * the blocks (profile-specific extensions) are ignored. */
typedef struct {
  uint32_t ssrc;
  uint64_t ntp;              /* NTP timestamp, 32.32 fixed point */
  uint32_t rtp_ts;           /* the same instant in RTP timestamp units */
  uint32_t packet_count;
  uint32_t octet_count;
  uint8_t report_count;
  tc_rtcp_report_block reports[TC_RTCP_MAX_REPORTS];
} tc_rtcp_sr;

typedef struct {
  uint32_t ssrc;
  uint8_t report_count;
  tc_rtcp_report_block reports[TC_RTCP_MAX_REPORTS];
} tc_rtcp_rr;

/* One SDES chunk; only the CNAME item is kept (the first one, if several).
 * `cname` is not NUL-terminated; NULL with cname_len 0 when absent. */
typedef struct {
  uint32_t ssrc;
  const uint8_t *cname;
  uint8_t cname_len;
} tc_rtcp_sdes_chunk;

typedef struct {
  uint8_t chunk_count;
  tc_rtcp_sdes_chunk chunks[TC_RTCP_MAX_SDES_CHUNKS];
} tc_rtcp_sdes;

/* `reason` is not NUL-terminated; NULL with reason_len 0 when absent. */
typedef struct {
  uint8_t ssrc_count;
  uint32_t ssrcs[TC_RTCP_MAX_BYE_SSRCS];
  const uint8_t *reason;
  uint8_t reason_len;
} tc_rtcp_bye;

/* Generic NACK (RFC 4585 6.2.1): `pair_count` (>= 1) PID+BLP pairs at
 * `fci`; expand them with tc_rtcp_nack_seqs(). */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  const uint8_t *fci;
  size_t pair_count;
} tc_rtcp_nack;

/* Transport-wide congestion control feedback. The header fields are
 * decoded; the per-packet statuses come from tc_rtcp_twcc_decode() or the
 * iterator below. Validated at parse time: every status has its chunk and
 * every received packet its delta. */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  uint16_t base_seq;
  uint16_t status_count;     /* >= 1 */
  uint32_t reference_time;   /* 24 bits, multiples of 64 ms, wraps */
  uint8_t fb_count;          /* feedback packet count, wraps */
  uint16_t received_count;   /* statuses that carry a delta */
  const uint8_t *chunks;     /* packet status chunks */
  size_t chunks_len;
  const uint8_t *deltas;     /* receive deltas */
  size_t deltas_len;
} tc_rtcp_twcc;

/* One transport-cc packet status. `delta_us` is the arrival time minus the
 * previous received packet's (the first one's: minus reference_time * 64 ms);
 * a multiple of 250 us, possibly negative; 0 when not received. */
typedef struct {
  uint16_t seq;
  bool received;
  int32_t delta_us;
} tc_rtcp_twcc_status;

typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;       /* the stream that needs a keyframe */
} tc_rtcp_pli;

typedef struct {
  uint32_t ssrc;
  uint8_t seq_nr;
} tc_rtcp_fir_entry;

/* Full intra request (RFC 5104 4.3.1): `entry_count` (>= 1) entries at
 * `fci`; read them with tc_rtcp_fir_entry_at(). */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;       /* 0 on the wire by the RFC */
  const uint8_t *fci;
  size_t entry_count;
} tc_rtcp_fir;

/* REMB: the estimate applies to `ssrc_count` SSRCs at `ssrcs`; read them
 * with tc_rtcp_remb_ssrc_at(). */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;       /* 0 on the wire by the draft */
  uint64_t bitrate_bps;      /* mantissa << exp */
  uint8_t ssrc_count;
  const uint8_t *ssrcs;
} tc_rtcp_remb;

/* One packet of a compound. `body` is what follows the 4-byte header,
 * padding removed; for TC_RTCP_UNKNOWN it is all there is. */
typedef struct {
  tc_rtcp_kind kind;
  uint8_t pt;                /* packet type */
  uint8_t count;             /* the 5-bit RC / SC / FMT field */
  const uint8_t *body;
  size_t body_len;
  union {
    tc_rtcp_sr sr;
    tc_rtcp_rr rr;
    tc_rtcp_sdes sdes;
    tc_rtcp_bye bye;
    tc_rtcp_nack nack;
    tc_rtcp_twcc twcc;
    tc_rtcp_pli pli;
    tc_rtcp_fir fir;
    tc_rtcp_remb remb;
  } u;
} tc_rtcp_item;

/* Parses a compound RTCP packet, or a reduced-size one (RFC 5506: any
 * single packet or sequence, the first need not be SR/RR). All or nothing:
 * TC_ERR_PARSE if any packet is malformed (version != 2, a length past the
 * end, bad padding, counts inconsistent with lengths, empty NACK/FIR, a
 * transport-cc with a missing chunk or delta, ...), and then *count is 0.
 * The first `cap` packets go to items[0..]; later ones are validated but
 * not stored. *count is the number stored. */
tc_status tc_rtcp_parse (const uint8_t *buf, size_t len,
    tc_rtcp_item *items, size_t cap, size_t *count);

/* Expands a NACK into sequence numbers, PID first then BLP bits in order.
 * Writes at most `cap` into `out` and returns how many there are in all. */
size_t tc_rtcp_nack_seqs (const tc_rtcp_nack *nack, uint16_t *out,
    size_t cap);

/* The i-th FIR entry / REMB SSRC (i below entry_count / ssrc_count). */
tc_rtcp_fir_entry tc_rtcp_fir_entry_at (const tc_rtcp_fir *fir, size_t i);
uint32_t tc_rtcp_remb_ssrc_at (const tc_rtcp_remb *remb, size_t i);

/* Walks the statuses of a parsed transport-cc feedback in sequence order.
 * The fields are private. */
typedef struct {
  const tc_rtcp_twcc *fb;
  size_t chunk_pos;
  size_t delta_pos;
  uint32_t index;
  uint16_t chunk;
  uint16_t left;             /* statuses left in `chunk` */
  uint8_t symbol;            /* next symbol of a status vector */
} tc_rtcp_twcc_iter;

void tc_rtcp_twcc_iter_init (tc_rtcp_twcc_iter *it, const tc_rtcp_twcc *fb);
/* Fills *out with the next status; false after the last one. */
bool tc_rtcp_twcc_iter_next (tc_rtcp_twcc_iter *it, tc_rtcp_twcc_status *out);

/* Decodes up to `cap` statuses into `out`; returns how many were written
 * (status_count when cap allows). */
size_t tc_rtcp_twcc_decode (const tc_rtcp_twcc *fb, tc_rtcp_twcc_status *out,
    size_t cap);

/* ---- Builders ---------------------------------------------------------- */

tc_status tc_rtcp_write_sr (const tc_rtcp_sr *sr, uint8_t *buf, size_t cap,
    size_t *written);
tc_status tc_rtcp_write_rr (const tc_rtcp_rr *rr, uint8_t *buf, size_t cap,
    size_t *written);

/* SDES with one CNAME item per chunk (chunks without a cname are written
 * with no items). */
tc_status tc_rtcp_write_sdes (const tc_rtcp_sdes *sdes, uint8_t *buf,
    size_t cap, size_t *written);
/* SDES with one chunk: `ssrc` and the NUL-terminated `cname` (1..255
 * bytes). */
tc_status tc_rtcp_write_sdes_cname (uint32_t ssrc, const char *cname,
    uint8_t *buf, size_t cap, size_t *written);

tc_status tc_rtcp_write_bye (const tc_rtcp_bye *bye, uint8_t *buf,
    size_t cap, size_t *written);

/* Generic NACK for `n` (>= 1) sequence numbers, packed into PID+BLP pairs:
 * each pair covers its PID and the 16 that follow. Any order and
 * duplicates are accepted; ascending input gives the fewest pairs. */
tc_status tc_rtcp_write_nack (uint32_t sender_ssrc, uint32_t media_ssrc,
    const uint16_t *seqs, size_t n, uint8_t *buf, size_t cap,
    size_t *written);

tc_status tc_rtcp_write_pli (uint32_t sender_ssrc, uint32_t media_ssrc,
    uint8_t *buf, size_t cap, size_t *written);

/* FIR with `n` (>= 1) entries; the media SSRC field is written as 0. */
tc_status tc_rtcp_write_fir (uint32_t sender_ssrc,
    const tc_rtcp_fir_entry *entries, size_t n, uint8_t *buf, size_t cap,
    size_t *written);

/* REMB with `n` (1..255) SSRCs. The bitrate is rounded down to what an
 * 18-bit mantissa and a 6-bit exponent can carry. */
tc_status tc_rtcp_write_remb (uint32_t sender_ssrc, uint64_t bitrate_bps,
    const uint32_t *ssrcs, size_t n, uint8_t *buf, size_t cap,
    size_t *written);

/* Arrival time that marks a packet as not received. */
#define TC_RTCP_TWCC_NOT_RECEIVED (-1)

/* Input of the transport-cc builder: arrival_us[i] is when transport seq
 * base_seq + i arrived, in microseconds on any monotonic clock (>= 0), or
 * TC_RTCP_TWCC_NOT_RECEIVED. */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  uint16_t base_seq;
  uint8_t fb_count;
  const int64_t *arrival_us;
  size_t count;              /* 1..65535 */
} tc_rtcp_twcc_input;

/* Transport-cc feedback: reference time from the first received packet
 * (64 ms units), deltas in 250 us ticks rounded to nearest without drift,
 * run-length chunks for runs, 1-bit or 2-bit status vectors otherwise,
 * zero padding to a word. TC_ERR_INVALID_ARG when a delta does not fit 16
 * signed bits (more than ~8 s between neighbours): split the feedback
 * there. */
tc_status tc_rtcp_write_twcc (const tc_rtcp_twcc_input *in, uint8_t *buf,
    size_t cap, size_t *written);

/* One finished RTCP packet, as a builder above wrote it. */
typedef struct {
  const uint8_t *data;
  size_t len;
} tc_rtcp_part;

/* Concatenates `n` packets into one compound packet. Full compound
 * (reduced_size false, RFC 3550 6.1): needs at least one SR/RR and one
 * SDES; writes every SR/RR first, then SDES, then the others in the given
 * order, then BYE last. Reduced-size (RFC 5506, only when negotiated with
 * a=rtcp-rsize): the parts in the given order, no requirements.
 * TC_ERR_INVALID_ARG for a part that is not exactly one RTCP packet.
 * The parts must not point into `buf`. */
tc_status tc_rtcp_write_compound (const tc_rtcp_part *parts, size_t n,
    bool reduced_size, uint8_t *buf, size_t cap, size_t *written);

/* ---- Receiver statistics (RFC 3550 A.1, A.3, A.8) and RTT (6.4.1) ------ */

/* Per-source reception state. Initialise with tc_rtcp_rx_stats_init();
 * the fields are private. */
typedef struct {
  uint32_t ssrc;
  uint32_t clock_rate;
  /* A.1 sequence number bookkeeping */
  bool started;
  uint16_t max_seq;
  uint32_t cycles;           /* count of wraps, shifted left by 16 */
  uint32_t base_seq;
  uint32_t bad_seq;
  uint32_t probation;
  uint32_t received;
  uint32_t expected_prior;
  uint32_t received_prior;
  /* A.8 jitter */
  bool have_transit;
  uint32_t transit;
  uint32_t jitter_q4;        /* jitter * 16 */
  /* last SR from this source */
  bool have_sr;
  uint32_t last_sr_compact;
  int64_t last_sr_arrival_us;
} tc_rtcp_rx_stats;

void tc_rtcp_rx_stats_init (tc_rtcp_rx_stats *st, uint32_t ssrc,
    uint32_t clock_rate);

/* Counts one RTP packet. `arrival_us` on any monotonic clock. Returns
 * false while the source is on probation (RFC 3550 A.1: two in-sequence
 * packets are needed) or when the packet is a jump that re-syncing has not
 * confirmed yet; such packets are not counted. */
bool tc_rtcp_rx_stats_on_rtp (tc_rtcp_rx_stats *st, uint16_t seq,
    uint32_t rtp_ts, int64_t arrival_us);

/* Remembers an SR from this source (its NTP timestamp) for LSR/DLSR. */
void tc_rtcp_rx_stats_on_sr (tc_rtcp_rx_stats *st, uint64_t ntp,
    int64_t arrival_us);

/* Fills a report block at `now_us` (same clock as arrival_us) and starts a
 * new interval for fraction_lost. Returns false, leaving *out zeroed but
 * for its ssrc, while no packet has been counted. */
bool tc_rtcp_rx_stats_report (tc_rtcp_rx_stats *st, int64_t now_us,
    tc_rtcp_report_block *out);

/* RTT of a report block we received about our stream: now - LSR - DLSR,
 * with `now_ntp` on the clock our SRs carry. False when LSR is 0 (the peer
 * has no SR from us yet); a negative result (clock skew) gives 0. */
bool tc_rtcp_rtt_us (uint32_t lsr, uint32_t dlsr, uint64_t now_ntp,
    int64_t *rtt_us);

/* NTP 32.32 timestamp of a time in microseconds since the Unix epoch. */
uint64_t tc_ntp_from_unix_us (int64_t unix_us);

/* The middle 32 bits of an NTP timestamp (16.16), as LSR carries it. */
static inline uint32_t
tc_ntp_compact (uint64_t ntp)
{
  return (uint32_t) (ntp >> 16);
}

#ifdef __cplusplus
}
#endif
#endif
