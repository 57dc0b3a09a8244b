/* session_helpers.h - a tc_session that records its events for tests, and
 * synthetic frames to send through it.
 *
 * Events arrive on the session thread; the recorder copies them under a
 * mutex and signals a condition, and the test thread waits on it with a
 * deadline. Pacing uses timed pops on an empty GAsyncQueue, never sleep.
 */
#ifndef TEMPCHAT_TEST_SESSION_HELPERS_H
#define TEMPCHAT_TEST_SESSION_HELPERS_H

#include <glib.h>
#include <string.h>

#include "session/session_hooks.h"
#include "tempchat/tc_session.h"

#define WAIT_US (20 * G_USEC_PER_SEC) /* generous: ASan builds are slow */

typedef struct {
  GBytes *data;
  bool keyframe;
  int64_t pts_us;
  int64_t arrival_us;        /* g_get_monotonic_time() when it came */
} rx_frame;

typedef struct peer peer;

/* Called on the session thread, the peer's mutex not held, after a STATE
 * event was recorded: what a wrapper does at once on a state change. */
typedef void (*peer_state_hook) (peer *p, tc_session_state state);

struct peer {
  const char *name;
  tc_session *s;
  peer_state_hook on_state;   /* NULL: none */
  GMutex m;
  GCond cond;
  tc_session_state state;
  GString *states;           /* "waiting negotiating ..." */
  unsigned joined, left, connected, errors, keyframe_requests;
  unsigned call_failures;    /* ERRORs that said the call failed */
  bool is_offerer;
  tc_status error;
  char error_text[160];      /* of the last error */
  tc_sdp_codec negotiated[3]; /* by tc_media_kind */
  tc_sdp_direction direction[3]; /* the last NEGOTIATED's, by kind */
  GPtrArray *frames[3];      /* rx_frame *, by tc_media_kind */
  unsigned audio_lost;       /* frames told lost by AUDIO_LOST */
};

static inline void
rx_frame_free (gpointer p)
{
  rx_frame *f = p;
  g_bytes_unref (f->data);
  g_free (f);
}

static inline void
peer_on_event (tc_session *s, const tc_session_event *ev, void *data)
{
  peer *p = data;
  (void) s;
  g_mutex_lock (&p->m);
  switch (ev->type) {
    case TC_SESSION_EV_STATE:
      p->state = ev->state;
      g_string_append_printf (p->states, "%s ", tc_session_state_str (ev->state));
      if (ev->state == TC_SESSION_CONNECTED)
        p->connected++;
      break;
    case TC_SESSION_EV_PEER_JOINED:
      p->joined++;
      p->is_offerer = ev->is_offerer;
      break;
    case TC_SESSION_EV_PEER_LEFT:
      p->left++;
      break;
    case TC_SESSION_EV_NEGOTIATED:
      p->negotiated[ev->kind] = ev->codec;
      p->direction[ev->kind] = ev->direction;
      break;
    case TC_SESSION_EV_FRAME: {
      rx_frame *f = g_new0 (rx_frame, 1);
      f->data = g_bytes_new (ev->frame->data, ev->frame->len);
      f->keyframe = ev->frame->keyframe;
      f->pts_us = ev->pts_us;
      f->arrival_us = g_get_monotonic_time ();
      g_ptr_array_add (p->frames[ev->kind], f);
      break;
    }
    case TC_SESSION_EV_KEYFRAME_REQUEST:
      p->keyframe_requests++;
      break;
    case TC_SESSION_EV_AUDIO_LOST:
      p->audio_lost += ev->lost_frames;
      break;
    case TC_SESSION_EV_ERROR:
      p->errors++;
      p->error = ev->status;
      if (ev->call_failed)
        p->call_failures++;
      g_assert_false (ev->call_failed && ev->fatal);
      g_strlcpy (p->error_text, ev->text != NULL ? ev->text : "",
          sizeof p->error_text);
      break;
    default:
      break;
  }
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->m);
  if (ev->type == TC_SESSION_EV_STATE && p->on_state != NULL)
    p->on_state (p, ev->state);
}

static inline void
peer_init (peer *p, const char *name)
{
  memset (p, 0, sizeof *p);
  p->name = name;
  g_mutex_init (&p->m);
  g_cond_init (&p->cond);
  p->states = g_string_new (NULL);
  p->state = TC_SESSION_CLOSED;
  for (int k = 1; k <= 2; k++)
    p->frames[k] = g_ptr_array_new_with_free_func (rx_frame_free);
}

static inline void
peer_clear (peer *p)
{
  tc_session_free (p->s);
  p->s = NULL;
  g_string_free (p->states, TRUE);
  for (int k = 1; k <= 2; k++)
    g_ptr_array_unref (p->frames[k]);
  g_mutex_clear (&p->m);
  g_cond_clear (&p->cond);
}

/* Forget frames and counters between phases of a test. */
static inline void
peer_reset_counts (peer *p)
{
  g_mutex_lock (&p->m);
  for (int k = 1; k <= 2; k++)
    g_ptr_array_set_size (p->frames[k], 0);
  p->connected = p->joined = p->left = 0;
  g_mutex_unlock (&p->m);
}

typedef gboolean (*peer_cond) (peer *p, gconstpointer arg);

/* Waits until cond(p, arg) holds or `timeout_us` passes. */
static inline gboolean
peer_wait_us (peer *p, peer_cond cond, gconstpointer arg, int64_t timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&p->m);
  gboolean ok;
  while (!(ok = cond (p, arg)) && g_cond_wait_until (&p->cond, &p->m, end))
    ;
  ok = cond (p, arg);
  if (!ok)
    g_test_message ("%s: timed out; states: %s errors %u", p->name,
        p->states->str, p->errors);
  g_mutex_unlock (&p->m);
  return ok;
}

/* Waits until cond(p, arg) holds or WAIT_US passes. */
static inline gboolean
peer_wait (peer *p, peer_cond cond, gconstpointer arg)
{
  return peer_wait_us (p, cond, arg, WAIT_US);
}

static inline gboolean
in_state (peer *p, gconstpointer arg)
{
  return p->state == (tc_session_state) GPOINTER_TO_INT (arg);
}

static inline gboolean
has_error (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->errors > 0;
}

static inline gboolean
has_left (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->left > 0;
}

typedef struct {
  guint video, audio;
} frame_counts;

static inline gboolean
has_frames (peer *p, gconstpointer arg)
{
  const frame_counts *n = arg;
  return p->frames[TC_MEDIA_VIDEO]->len >= n->video
      && p->frames[TC_MEDIA_AUDIO]->len >= n->audio;
}

typedef gboolean (*stats_cond) (const tc_session_stats *st);

/* Polls `p`'s stats (a snapshot: no event says they changed) every 20 ms
 * until cond holds or WAIT_US passes; the last snapshot goes to *out. */
static inline gboolean
peer_poll_stats (peer *p, stats_cond cond, tc_session_stats *out)
{
  GAsyncQueue *pace = g_async_queue_new ();
  int64_t end = g_get_monotonic_time () + WAIT_US;
  gboolean ok;
  while (tc_session_get_stats (p->s, out) == TC_OK && !(ok = cond (out))
      && g_get_monotonic_time () < end)
    g_async_queue_timeout_pop (pace, 20000);
  g_async_queue_unref (pace);
  return cond (out);
}

#define WAIT_STATE(p, st) \
  g_assert_true (peer_wait ((p), in_state, GINT_TO_POINTER (st)))

/* ---- synthetic media ------------------------------------------------------ */

/* A VP8 frame (RFC 6386 9.1): a 3-byte frame tag (bit 0 clear on keyframes,
 * show_frame set, first partition size 100), then for keyframes the start
 * code 9d 01 2a and 640x360; the rest is filler. */
static inline GBytes *
make_vp8 (unsigned i, bool keyframe)
{
  size_t len = keyframe ? 6000 + i % 7 : 300 + (i * 337) % 2200;
  uint8_t *d = g_malloc (len);
  for (size_t j = 0; j < len; j++)
    d[j] = (uint8_t) (j * 31 + i * 7 + (j >> 8));
  d[0] = (uint8_t) ((100 & 7) << 5 | 0x10 | (keyframe ? 0 : 1));
  d[1] = (uint8_t) (100 >> 3);
  d[2] = 0;
  if (keyframe) {
    static const uint8_t hdr[] = { 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01 };
    memcpy (d + 3, hdr, sizeof hdr);
  }
  return g_bytes_new_take (d, len);
}

#define BIG_KEYFRAME 150000 /* a 1080p keyframe: 125 packets */

/* A VP8 keyframe of BIG_KEYFRAME bytes (make_vp8's header, then filler). */
static inline GBytes *
big_keyframe (void)
{
  GBytes *head = make_vp8 (0, true);
  uint8_t *d = g_malloc (BIG_KEYFRAME);
  for (size_t j = 0; j < BIG_KEYFRAME; j++)
    d[j] = (uint8_t) (j * 131 + (j >> 9));
  memcpy (d, g_bytes_get_data (head, NULL), 10);
  g_bytes_unref (head);
  return g_bytes_new_take (d, BIG_KEYFRAME);
}

/* Opus frames are opaque to the payloader: any bytes will do. */
static inline GBytes *
make_opus (unsigned i)
{
  size_t len = 60 + (i * 13) % 100;
  uint8_t *d = g_malloc (len);
  for (size_t j = 0; j < len; j++)
    d[j] = (uint8_t) (i ^ (j * 5));
  d[0] = 0x48;  /* TOC: SILK wideband, 20 ms, one frame (RFC 6716 3.1) */
  return g_bytes_new_take (d, len);
}

static inline bool
vp8_is_key (unsigned i)
{
  return i % 45 == 0;
}

/* Sends `n_video` frames at 30 fps and the audio of the same span at
 * 20 ms per frame, from each sender in `from`, in real time. */
static inline void
send_media (peer **from, size_t n_from, unsigned n_video, unsigned *n_audio)
{
  GAsyncQueue *pace = g_async_queue_new ();
  int64_t start = g_get_monotonic_time ();
  int64_t span = (int64_t) n_video * 33333;
  unsigned v = 0, a = 0;
  while (v < n_video || a * 20000 < span) {
    int64_t tv = start + (int64_t) v * 33333, ta = start + (int64_t) a * 20000;
    bool video = v < n_video && tv <= ta;
    int64_t at = video ? tv : ta;
    int64_t wait = at - g_get_monotonic_time ();
    if (wait > 0)
      g_async_queue_timeout_pop (pace, (guint64) wait);
    GBytes *b = video ? make_vp8 (v, vp8_is_key (v)) : make_opus (a);
    for (size_t i = 0; i < n_from; i++) {
      g_assert_cmpint (tc_session_push_frame (from[i]->s,
          video ? TC_MEDIA_VIDEO : TC_MEDIA_AUDIO,
          g_bytes_get_data (b, NULL), g_bytes_get_size (b), at,
          video && vp8_is_key (v)), ==, TC_OK);
    }
    g_bytes_unref (b);
    if (video)
      v++;
    else
      a++;
  }
  g_async_queue_unref (pace);
  *n_audio = a;
}

/* What `p` received is exactly what was sent, in order. */
static inline void
check_received (peer *p, unsigned n_video, unsigned n_audio)
{
  frame_counts want = { n_video, n_audio };
  g_assert_true (peer_wait (p, has_frames, &want));
  g_mutex_lock (&p->m);
  g_assert_cmpuint (p->frames[TC_MEDIA_VIDEO]->len, ==, n_video);
  g_assert_cmpuint (p->frames[TC_MEDIA_AUDIO]->len, ==, n_audio);
  for (unsigned i = 0; i < n_video; i++) {
    rx_frame *f = g_ptr_array_index (p->frames[TC_MEDIA_VIDEO], i);
    GBytes *want_b = make_vp8 (i, vp8_is_key (i));
    g_assert_true (g_bytes_equal (f->data, want_b));
    g_assert_cmpint (f->keyframe, ==, vp8_is_key (i));
    g_bytes_unref (want_b);
  }
  for (unsigned i = 0; i < n_audio; i++) {
    rx_frame *f = g_ptr_array_index (p->frames[TC_MEDIA_AUDIO], i);
    GBytes *want_b = make_opus (i);
    g_assert_true (g_bytes_equal (f->data, want_b));
    g_bytes_unref (want_b);
  }
  g_mutex_unlock (&p->m);
}

#endif
