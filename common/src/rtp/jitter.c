/* jitter.c - reorder buffer and frame assembler over extended seqs.
 *
 * Packets sit in a ring indexed by extended seq. `head` is the first seq not
 * yet handed on or given up; everything stored lies in [head, end):
 *
 *     head                                         end
 *      |                                            |
 *      [S ][  ][ M][S ][  ][  ][S ][  ][ M] ...  [  ]
 *       frame 1     frame 2 (holes)  frame 3
 *
 * A frame is a run of consecutive seqs that begins with a packet the codec
 * calls a frame start (VP8: S = 1, PID = 0) and ends at the marker bit, or
 * just before the next timestamp change if the marker never came.
 * Frames leave in seq order: a later complete frame waits behind an
 * incomplete one until that completes or its wait budget runs out.
 */
#include "rtp/jitter.h"

#include <glib.h>
#include <string.h>

typedef struct {
  bool used;
  bool start;
  bool marker;
  uint32_t timestamp;
  int64_t arrival_us;
  uint8_t *data;
  size_t len;
} jslot;

struct tc_jitter {
  tc_jitter_config cfg;
  jslot *ring;
  size_t mask;                /* ring size - 1; ring size >= max_packets */
  void *depay;
  tc_frame_fn on_frame;
  void *user_data;

  tc_seq_unwrapper unwrap;
  bool started;               /* head and end are meaningful */
  bool head_known;            /* the seq before head ended a frame or was
                               * given up, so head must start a frame */
  uint64_t head;
  uint64_t end;
  size_t count;
  size_t bytes;

  bool waiting_keyframe;
  bool frame_out;             /* the depayloader produced the current frame */
  unsigned events;
  tc_jitter_stats stats;
};

/* Signed distance between extended seqs (robust to wrap below zero). */
static int64_t
dist (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b);
}

static jslot *
slot_at (const tc_jitter *jb, uint64_t ext)
{
  return &jb->ring[ext & jb->mask];
}

static bool
is_video (const tc_jitter *jb)
{
  return jb->cfg.codec->kind == TC_MEDIA_VIDEO;
}

tc_jitter *
tc_jitter_new (const tc_jitter_config *cfg, tc_frame_fn on_frame,
    void *user_data)
{
  if (cfg == NULL || cfg->codec == NULL || on_frame == NULL
      || cfg->max_packets < 16 || cfg->max_packets > TC_JITTER_MAX_PACKETS
      || cfg->max_bytes == 0 || cfg->wait_budget_us < 0)
    return NULL;
  tc_jitter *jb = g_new0 (tc_jitter, 1);
  jb->cfg = *cfg;
  size_t size = 16;
  while (size < cfg->max_packets)
    size *= 2;
  jb->ring = g_new0 (jslot, size);
  jb->mask = size - 1;
  jb->depay = cfg->codec->state_new ();
  jb->on_frame = on_frame;
  jb->user_data = user_data;
  jb->waiting_keyframe = is_video (jb);
  return jb;
}

static void
slot_clear (tc_jitter *jb, jslot *s)
{
  if (!s->used)
    return;
  jb->bytes -= s->len;
  jb->count--;
  g_free (s->data);
  memset (s, 0, sizeof *s);
}

/* Frees stored packets in [from, to). */
static void
clear_range (tc_jitter *jb, uint64_t from, uint64_t to)
{
  for (uint64_t e = from; dist (to, e) > 0 && jb->count > 0; e++)
    slot_clear (jb, slot_at (jb, e));
}

static void
flush (tc_jitter *jb)
{
  clear_range (jb, jb->head, jb->end);
  jb->cfg.codec->depay_reset (jb->depay);
  jb->end = jb->head;
}

void
tc_jitter_free (tc_jitter *jb)
{
  if (jb == NULL)
    return;
  if (jb->started)
    flush (jb);
  jb->cfg.codec->state_free (jb->depay);
  g_free (jb->ring);
  g_free (jb);
}

/* Video after a loss: drop frames until a keyframe and ask for one. */
static void
need_keyframe (tc_jitter *jb)
{
  jb->cfg.codec->depay_reset (jb->depay);
  if (is_video (jb)) {
    jb->waiting_keyframe = true;
    jb->events |= TC_JITTER_KEYFRAME_NEEDED;
  }
}

static void
frame_lost (tc_jitter *jb)
{
  jb->stats.frames_lost++;
  jb->events |= TC_JITTER_FRAME_LOST;
  need_keyframe (jb);
}

/* Gives up the frame at head: skips to the next stored frame start. */
static void
lose_head (tc_jitter *jb)
{
  uint64_t next = jb->head + 1;
  while (dist (jb->end, next) > 0) {
    const jslot *s = slot_at (jb, next);
    if (s->used && s->start)
      break;
    next++;
  }
  if (dist (next, jb->end) > 0)
    next = jb->end;
  clear_range (jb, jb->head, next);
  jb->head = next;
  jb->head_known = true;
  frame_lost (jb);
}

static void
on_depay_frame (const tc_frame *frame, void *user_data)
{
  tc_jitter *jb = user_data;
  jb->frame_out = true;
  if (jb->waiting_keyframe && !frame->keyframe) {
    jb->stats.frames_skipped++;
    jb->events |= TC_JITTER_KEYFRAME_NEEDED;
    return;
  }
  jb->waiting_keyframe = false;
  jb->stats.frames_out++;
  jb->on_frame (frame, jb->user_data);
}

/* Hands the packets [head, last] to the depayloader as one frame. */
static void
emit_frame (tc_jitter *jb, uint64_t last)
{
  jb->frame_out = false;
  tc_status rc = TC_OK;
  for (uint64_t e = jb->head; rc == TC_OK && dist (last, e) >= 0; e++) {
    const jslot *s = slot_at (jb, e);
    tc_rtp_packet pkt = {
      .seq = (uint16_t) e,
      .timestamp = s->timestamp,
      .marker = (e == last),  /* the frame ends here even without marker */
      .payload = s->data,
      .payload_len = s->len,
    };
    rc = jb->cfg.codec->depayload (jb->depay, &pkt, on_depay_frame, jb);
  }
  clear_range (jb, jb->head, last + 1);
  jb->head = last + 1;
  jb->head_known = true;
  if (!jb->frame_out)
    frame_lost (jb);  /* the depayloader refused it: malformed */
}

/* Finds the last seq of the frame starting at head; false if incomplete. */
static bool
frame_end (const tc_jitter *jb, uint64_t *last)
{
  const jslot *first = slot_at (jb, jb->head);
  for (uint64_t e = jb->head;; e++) {
    const jslot *s = slot_at (jb, e);
    if (s->marker || jb->cfg.codec->packet_is_frame) {
      *last = e;
      return true;
    }
    if (dist (jb->end, e + 1) <= 0)
      return false;
    const jslot *n = slot_at (jb, e + 1);
    if (!n->used)
      return false;
    /* Only a new timestamp says the next frame began: a start inside one
     * timestamp is a later part of the same frame (an H264 IDR slice after
     * its SPS/PPS packet, a VP9 spatial layer, an AV1 frame header after
     * the packet with its sequence header). */
    if (n->timestamp != first->timestamp) {
      *last = e;  /* this frame ended without marker */
      return true;
    }
  }
}

/* Hands on every complete frame at head, in order. */
static void
deliver (tc_jitter *jb)
{
  while (jb->count > 0) {
    const jslot *s = slot_at (jb, jb->head);
    uint64_t last;
    if (!s->used)
      return;  /* a hole at head: wait */
    if (!s->start) {
      if (!jb->head_known)
        return;  /* at start: the frame start may still arrive */
      lose_head (jb);  /* the start of this frame is gone */
      continue;
    }
    if (!frame_end (jb, &last))
      return;
    emit_frame (jb, last);
  }
}

/* Where the buffer cannot go on without giving something up, and since
 * when that is known: the holes (a seq missing while a later one is here,
 * known since the first of those later ones arrived) and, at start, a
 * head that is not a frame start (its start may still arrive reordered,
 * known since the head arrived). A frame whose packets keep coming in
 * order is not missing anything yet, however long it takes: a keyframe
 * of 150 kB paced at 3.5 Mbit/s takes 380 ms to arrive, and giving it up
 * by the age of its first packet asked for another as large, for ever.
 * known_us: the earliest time one of these places is known; last: the
 * newest one known at or before `expired_before_us` (if any: expired). */
typedef struct {
  int64_t known_us;             /* INT64_MAX: nothing missing */
  bool expired;
  uint64_t last;
} missing_scan;

static missing_scan
scan_missing (const tc_jitter *jb, int64_t expired_before_us)
{
  missing_scan m = { INT64_MAX, false, 0 };
  int64_t first_after = INT64_MAX;  /* earliest arrival after e */

  if (jb->count == 0)
    return m;
  for (uint64_t e = jb->end; dist (e, jb->head) > 0;) {
    e--;
    const jslot *s = slot_at (jb, e);
    bool at_start = e == jb->head && !jb->head_known && s->used && !s->start;
    if (s->used && s->arrival_us < first_after)
      first_after = s->arrival_us;
    int64_t since = !s->used ? first_after : at_start ? first_after
        : INT64_MAX;
    if (since == INT64_MAX)
      continue;
    m.known_us = MIN (m.known_us, since);
    if (!m.expired && since <= expired_before_us) {
      m.expired = true;
      m.last = e;
    }
  }
  return m;
}

int64_t
tc_jitter_deadline (const tc_jitter *jb)
{
  if (jb == NULL)
    return INT64_MAX;
  int64_t known = scan_missing (jb, INT64_MIN).known_us;
  if (known > INT64_MAX - jb->cfg.wait_budget_us)
    return INT64_MAX;
  return known + jb->cfg.wait_budget_us;
}

/* Hands on complete frames, then gives up every frame up to the newest
 * missing place (scan_missing) that has waited its budget out. */
static void
process (tc_jitter *jb, int64_t now_us)
{
  deliver (jb);
  /* Known at or before now - budget (no overflow: budget >= 0). */
  int64_t before = now_us < INT64_MIN + jb->cfg.wait_budget_us ? INT64_MIN
      : now_us - jb->cfg.wait_budget_us;
  missing_scan m = scan_missing (jb, before);
  while (m.expired && jb->count > 0 && dist (m.last, jb->head) >= 0) {
    lose_head (jb);
    deliver (jb);
  }
}

void
tc_jitter_poll (tc_jitter *jb, int64_t now_us)
{
  g_return_if_fail (jb != NULL);
  if (jb->started)
    process (jb, now_us);
}

static void
overflow (tc_jitter *jb, uint64_t ext)
{
  flush (jb);
  jb->stats.overflows++;
  jb->events |= TC_JITTER_OVERFLOW;
  need_keyframe (jb);
  jb->head = jb->end = ext;
  jb->head_known = false;
}

/* Places `ext` relative to head: false if it is to be dropped. */
static bool
admit (tc_jitter *jb, uint64_t ext, size_t len)
{
  if (!jb->started) {
    jb->started = true;
    jb->head = jb->end = ext;
    return true;
  }
  int64_t d = dist (ext, jb->head);
  if (d < 0 && !jb->head_known
      && dist (jb->end, ext) <= (int64_t) jb->cfg.max_packets) {
    jb->head = ext;  /* at start, an earlier packet arrived late */
    d = 0;
  }
  if (d < 0) {
    jb->stats.packets_late++;
    return false;
  }
  if (slot_at (jb, ext)->used && d < (int64_t) jb->cfg.max_packets) {
    jb->stats.packets_duplicate++;
    return false;
  }
  if (d >= (int64_t) jb->cfg.max_packets || jb->bytes + len > jb->cfg.max_bytes)
    overflow (jb, ext);
  return true;
}

tc_status
tc_jitter_push (tc_jitter *jb, const tc_rtp_packet *pkt, int64_t now_us)
{
  if (jb == NULL || pkt == NULL || (pkt->payload == NULL && pkt->payload_len))
    return TC_ERR_INVALID_ARG;
  if (pkt->payload_len > jb->cfg.max_bytes)
    return TC_ERR_TOO_LARGE;

  uint64_t ext = tc_seq_unwrap (&jb->unwrap, pkt->seq);
  if (admit (jb, ext, pkt->payload_len)) {
    jslot *s = slot_at (jb, ext);
    s->used = true;
    s->start = jb->cfg.codec->starts_frame (pkt->payload, pkt->payload_len);
    s->marker = pkt->marker;
    s->timestamp = pkt->timestamp;
    s->arrival_us = now_us;
    s->data = pkt->payload_len ? g_memdup2 (pkt->payload, pkt->payload_len)
                               : NULL;
    s->len = pkt->payload_len;
    jb->count++;
    jb->bytes += s->len;
    if (dist (ext + 1, jb->end) > 0)
      jb->end = ext + 1;
  }
  process (jb, now_us);
  return TC_OK;
}

unsigned
tc_jitter_take_events (tc_jitter *jb)
{
  g_return_val_if_fail (jb != NULL, 0);
  unsigned ev = jb->events;
  jb->events = 0;
  return ev;
}

bool
tc_jitter_waiting_for_keyframe (const tc_jitter *jb)
{
  return jb != NULL && jb->waiting_keyframe;
}

size_t
tc_jitter_packets (const tc_jitter *jb)
{
  return jb ? jb->count : 0;
}

void
tc_jitter_get_stats (const tc_jitter *jb, tc_jitter_stats *out)
{
  g_return_if_fail (jb != NULL && out != NULL);
  *out = jb->stats;
}
