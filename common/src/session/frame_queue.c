/* frame_queue.c - the bounded frame hand-off (see frame_queue.h). */
#include "session/frame_queue.h"

#include <glib.h>
#include <string.h>

struct tc_frame_queue {
  GQueue frames;               /* of tc_queued_frame, oldest first */
  size_t bytes;
  size_t max_frames, max_bytes;
  bool video_waits_keyframe;
  bool keyframe_wanted;
  uint64_t dropped[2];         /* audio, video */
};

static int
slot (tc_media_kind kind)
{
  return kind == TC_MEDIA_VIDEO ? 1 : 0;
}

tc_frame_queue *
tc_frame_queue_new (size_t max_frames, size_t max_bytes)
{
  g_return_val_if_fail (max_frames > 0 && max_bytes > 0, NULL);
  tc_frame_queue *q = g_new0 (tc_frame_queue, 1);
  g_queue_init (&q->frames);
  q->max_frames = max_frames;
  q->max_bytes = max_bytes;
  return q;
}

void
tc_frame_queue_free (tc_frame_queue *q)
{
  if (q == NULL)
    return;
  g_queue_clear_full (&q->frames, g_free);
  g_free (q);
}

static bool
over (const tc_frame_queue *q)
{
  return q->frames.length > q->max_frames || q->bytes > q->max_bytes;
}

static void
drop_link (tc_frame_queue *q, GList *l)
{
  tc_queued_frame *f = l->data;
  q->bytes -= f->len;
  q->dropped[slot (f->kind)]++;
  g_queue_delete_link (&q->frames, l);
  g_free (f);
}

/* All queued video: late, and each delta needs the ones before it. */
static bool
drop_video (tc_frame_queue *q)
{
  bool any = false;
  for (GList *l = q->frames.head, *next; l != NULL; l = next) {
    next = l->next;
    if (((tc_queued_frame *) l->data)->kind == TC_MEDIA_VIDEO) {
      drop_link (q, l);
      any = true;
    }
  }
  if (any) {
    q->video_waits_keyframe = true;
    q->keyframe_wanted = true;
  }
  return any;
}

bool
tc_frame_queue_push (tc_frame_queue *q, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe)
{
  return tc_frame_queue_push_layer (q, kind, data, len, pts_us, keyframe,
      NULL);
}

static bool
push (tc_frame_queue *q, tc_media_kind kind, const uint8_t *data, size_t len,
    int64_t pts_us, bool keyframe, const tc_temporal_layer *layer,
    int audio_level)
{
  g_return_val_if_fail (q != NULL && (data != NULL || len == 0), false);
  bool video = kind == TC_MEDIA_VIDEO;
  if (len > q->max_bytes || (video && q->video_waits_keyframe && !keyframe)) {
    q->dropped[slot (kind)]++;
    return false;
  }
  if (video && keyframe)
    q->video_waits_keyframe = false;
  tc_queued_frame *f = g_malloc (sizeof *f + len);
  *f = (tc_queued_frame) { .kind = kind, .pts_us = pts_us,
    .keyframe = keyframe, .has_layer = layer != NULL,
    .audio_level = audio_level, .len = len };
  if (layer != NULL)
    f->layer = *layer;
  if (len > 0)
    memcpy (f->data, data, len);
  g_queue_push_tail (&q->frames, f);
  q->bytes += len;
  /* Video first, the newest frame included (it needs the dropped ones),
   * then the oldest audio. */
  while (over (q) && !drop_video (q))
    drop_link (q, q->frames.head);
  return g_queue_find (&q->frames, f) != NULL;
}

bool
tc_frame_queue_push_layer (tc_frame_queue *q, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer)
{
  return push (q, kind, data, len, pts_us, keyframe, layer, -1);
}

bool
tc_frame_queue_push_audio (tc_frame_queue *q, const uint8_t *data,
    size_t len, int64_t pts_us, int level)
{
  return push (q, TC_MEDIA_AUDIO, data, len, pts_us, false, NULL, level);
}

tc_queued_frame *
tc_frame_queue_pop (tc_frame_queue *q)
{
  g_return_val_if_fail (q != NULL, NULL);
  tc_queued_frame *f = g_queue_pop_head (&q->frames);
  if (f != NULL)
    q->bytes -= f->len;
  return f;
}

uint64_t
tc_frame_queue_dropped (const tc_frame_queue *q, tc_media_kind kind)
{
  g_return_val_if_fail (q != NULL, 0);
  return q->dropped[slot (kind)];
}

bool
tc_frame_queue_take_keyframe_wanted (tc_frame_queue *q)
{
  g_return_val_if_fail (q != NULL, false);
  bool wanted = q->keyframe_wanted;
  q->keyframe_wanted = false;
  return wanted;
}
