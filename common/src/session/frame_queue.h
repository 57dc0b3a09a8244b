/* frame_queue.h - the bounded hand-off of encoded frames from a wrapper's
 * threads to the session thread.
 *
 * A stalled session thread (a loaded machine, a slow network call) must not
 * let pushed frames pile up without end. The queue holds at most
 * `max_frames` frames and `max_bytes` bytes; beyond that it drops by
 * policy: late video first (all queued video goes, since every later delta
 * frame needs the dropped ones, and video then waits for a keyframe, which
 * the caller is told to ask for), then the oldest audio. Dropped frames are
 * counted per kind.
 *
 * Pure bookkeeping: no lock (the caller serialises), no clock, no I/O.
 */
#ifndef TEMPCHAT_SESSION_FRAME_QUEUE_H
#define TEMPCHAT_SESSION_FRAME_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_session.h"

typedef struct {
  tc_media_kind kind;
  int64_t pts_us;
  bool keyframe;
  bool has_layer;
  tc_temporal_layer layer;     /* video: when has_layer */
  int audio_level;             /* audio: -dBov (RFC 6464); -1: unknown */
  size_t len;
  uint8_t data[];
} tc_queued_frame;

typedef struct tc_frame_queue tc_frame_queue;

/* A new empty queue; both limits at least 1. Free with tc_frame_queue_free
 * (NULL-safe), which frees what is still queued. */
tc_frame_queue *tc_frame_queue_new (size_t max_frames, size_t max_bytes);
void tc_frame_queue_free (tc_frame_queue *q);

/* Copies one frame in, dropping by the policy above. False when this very
 * frame was dropped (a video delta while video waits for a keyframe, or a
 * frame larger than max_bytes). */
bool tc_frame_queue_push (tc_frame_queue *q, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe);

/* tc_frame_queue_push with the frame's temporal layer (NULL: none). */
bool tc_frame_queue_push_layer (tc_frame_queue *q, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer);

/* tc_frame_queue_push for audio with its level (-1: unknown). */
bool tc_frame_queue_push_audio (tc_frame_queue *q, const uint8_t *data,
    size_t len, int64_t pts_us, int level);

/* The oldest frame (g_free it), or NULL when empty. */
tc_queued_frame *tc_frame_queue_pop (tc_frame_queue *q);

/* Frames of `kind` dropped so far. */
uint64_t tc_frame_queue_dropped (const tc_frame_queue *q, tc_media_kind kind);

/* True once after video was dropped: the caller asks its encoder for a
 * keyframe. */
bool tc_frame_queue_take_keyframe_wanted (tc_frame_queue *q);

#endif
