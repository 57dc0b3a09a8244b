/* jitter.h - receive-side reorder buffer and frame assembler.
 *
 * Takes the RTP packets of one stream in arrival order, keyed by extended
 * seq, and hands whole frames in seq order to the stream's depayloader,
 * whose frames come out through `on_frame`. No playout timing: a frame goes
 * out as soon as it and every frame before it are complete or given up.
 *
 * Loss handling: a frame with a packet missing (a later one arrived) for
 * `wait_budget_us` (time for NACK and RTX to repair it) is dropped and
 * reported; one whose packets are all here so far waits for the rest, as
 * long as they take (a large keyframe paced out slowly), and a lost last
 * packet is known when the next one comes. For video, after a dropped
 * frame the buffer drops frames until a keyframe and asks the caller for
 * one (PLI); it does the same at start. The caller rate-limits the PLIs
 * it sends.
 *
 * Pure bookkeeping: the caller passes the clock (now_us) and calls
 * tc_jitter_poll by tc_jitter_deadline. One buffer per received stream, on
 * the session's loop thread only. `on_frame` must not call back into the
 * buffer.
 */
#ifndef TEMPCHAT_RTP_JITTER_H
#define TEMPCHAT_RTP_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_payloader.h"
#include "tempchat/tc_rtp.h"
#include "tempchat/tc_status.h"

#define TC_JITTER_MAX_PACKETS 32768

typedef struct {
  const tc_payloader *codec;  /* static storage (tc_payloader_find) */
  /* Seqs the buffer spans from its oldest undelivered one, 16..32768: a
   * packet further ahead flushes the buffer. */
  size_t max_packets;
  size_t max_bytes;           /* payload bytes held; beyond them, flush */
  int64_t wait_budget_us;     /* how long a missing packet may be waited for */
} tc_jitter_config;

/* Event bits, latched until tc_jitter_take_events. */
enum {
  TC_JITTER_KEYFRAME_NEEDED = 1u << 0, /* video: send a PLI */
  TC_JITTER_FRAME_LOST = 1u << 1,      /* a frame could not be completed */
  TC_JITTER_OVERFLOW = 1u << 2,        /* limits hit: everything flushed */
};

typedef struct {
  uint64_t frames_out;
  uint64_t frames_lost;               /* incomplete or undecodable */
  uint64_t frames_skipped;            /* complete, but waiting for a keyframe */
  uint64_t packets_late;              /* behind what was already handed on */
  uint64_t packets_duplicate;
  uint64_t overflows;
} tc_jitter_stats;

typedef struct tc_jitter tc_jitter;

/* A new buffer owned by the caller, with its own depayloader state; NULL
 * when `cfg` is out of range or `on_frame` is NULL. */
tc_jitter *tc_jitter_new (const tc_jitter_config *cfg, tc_frame_fn on_frame,
    void *user_data);

/* NULL-safe. */
void tc_jitter_free (tc_jitter *jb);

/* Stores a copy of `pkt` (borrowed) that arrived at `now_us`, then hands on
 * what became complete and gives up what waited too long. Late and
 * duplicate packets are counted and dropped (TC_OK). TC_ERR_TOO_LARGE when
 * the payload alone exceeds max_bytes (dropped). */
tc_status tc_jitter_push (tc_jitter *jb, const tc_rtp_packet *pkt,
    int64_t now_us);

/* Gives up frames whose wait budget ran out by `now_us`. */
void tc_jitter_poll (tc_jitter *jb, int64_t now_us);

/* When tc_jitter_poll has something to do; INT64_MAX when nothing waits. */
int64_t tc_jitter_deadline (const tc_jitter *jb);

/* Returns and clears the latched TC_JITTER_* bits. */
unsigned tc_jitter_take_events (tc_jitter *jb);

/* True while frames are dropped until the next keyframe. */
bool tc_jitter_waiting_for_keyframe (const tc_jitter *jb);

/* Packets held right now. */
size_t tc_jitter_packets (const tc_jitter *jb);

void tc_jitter_get_stats (const tc_jitter *jb, tc_jitter_stats *out);

#endif
