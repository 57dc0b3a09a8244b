/* session.c - a session's lifecycle: settings, the loop thread, posting work
 * to it, events out, and the stop that joins it.
 *
 * Every public call but new/free posts to the session's GMainContext; the
 * only state shared with other threads sits under the session's own mutex
 * (started/stopped, the stats snapshot, debug SDP copies).
 */
#include "session/session_internal.h"
#include "session/frame_queue.h"

#include <string.h>

/* The bounded hand-off of pushed frames (frame_queue.h): about two seconds
 * of 30 fps video with 50 audio packets a second, and more bytes than two
 * seconds of 1080p's 6 Mbit/s. */
#define OUTQ_MAX_FRAMES 160
#define OUTQ_MAX_BYTES (2u << 20)
#define DRAIN_BATCH 32

#define TICK_MS 20 /* jitter deadlines, NACK pacing, RTCP, stats */
/* Without media to receive nothing needs 20 ms: RTCP, the estimate's
 * reports to the encoder, stats and the recovery timers are fine at this,
 * with a fifth of the wake-ups (a sender's thread sleeps in between). */
#define IDLE_TICK_MS 100

void
tc_session_config_init (tc_session_config *cfg)
{
  g_return_if_fail (cfg != NULL);
  memset (cfg, 0, sizeof *cfg);
  cfg->quality = TC_SDP_QUALITY_720P;
}

const char *
tc_session_state_str (tc_session_state state)
{
  switch (state) {
    case TC_SESSION_WAITING: return "waiting";
    case TC_SESSION_NEGOTIATING: return "negotiating";
    case TC_SESSION_CONNECTING: return "connecting";
    case TC_SESSION_CONNECTED: return "connected";
    case TC_SESSION_RECONNECTING: return "reconnecting";
    case TC_SESSION_CLOSED: return "closed";
    case TC_SESSION_FAILED: return "failed";
  }
  return "unknown";
}

/* ---- settings ---------------------------------------------------------- */

static void
copy_config (tc_session *s, const tc_session_config *cfg)
{
  s->cfg = *cfg;
  s->url = g_strdup (cfg->signaling.url);
  s->channel = g_strdup (cfg->signaling.channel);
  s->room = g_strdup (cfg->signaling.room);
  s->ca_file = g_strdup (cfg->signaling.ca_file);
  s->cfg.signaling.url = s->url;
  s->cfg.signaling.channel = s->channel;
  s->cfg.signaling.room = s->room;
  s->cfg.signaling.ca_file = s->ca_file;
  s->stun_servers = g_strdupv ((char **) cfg->stun_servers);
  s->cfg.stun_servers = (const char *const *) s->stun_servers;
  s->local_addresses = g_strdupv ((char **) cfg->local_addresses);
  s->cfg.local_addresses = (const char *const *) s->local_addresses;
  s->cfg.turn_server = s->turn_server = g_strdup (cfg->turn_server);
  s->cfg.turn_username = s->turn_username = g_strdup (cfg->turn_username);
  s->cfg.turn_password = s->turn_password = g_strdup (cfg->turn_password);
  s->cfg.turn_secret = s->turn_secret = g_strdup (cfg->turn_secret);
}

/* Offer only codecs we can packetize, in the wrapper's order (or
 * TempChat's priority order when it gave none). */
size_t
tc_session_pick_video_codecs (const tc_sdp_codec *want, size_t n_want,
    tc_sdp_codec *out)
{
  if (n_want == 0) {
    want = tc_sdp_video_codecs_default;
    n_want = TC_SDP_MAX_VIDEO_CODECS;
  }
  size_t n = 0;
  for (size_t i = 0; i < n_want && i < TC_SDP_MAX_VIDEO_CODECS; i++) {
    const tc_payloader *p = tc_payloader_find (tc_sdp_codec_name (want[i]));
    if (p != NULL && p->kind == TC_MEDIA_VIDEO)
      out[n++] = want[i];
  }
  return n;
}

static void
random_token (char *out, size_t n)
{
  static const char chars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (size_t i = 0; i < n; i++)
    out[i] = chars[g_random_int_range (0, sizeof chars - 1)];
  out[n] = '\0';
}

/* Distinct non-zero SSRCs, so RTX and media never collide. */
static void
make_identity (tc_session *s)
{
  random_token (s->cname, 16);
  random_token (s->stream_id, 16);
  s->audio_ssrc = g_random_int () | 1;
  do
    s->video_ssrc = g_random_int () | 1;
  while (s->video_ssrc == s->audio_ssrc);
  do
    s->video_rtx_ssrc = g_random_int () | 1;
  while (s->video_rtx_ssrc == s->audio_ssrc || s->video_rtx_ssrc == s->video_ssrc);
}

static tc_signal *
make_scaledrone (GMainContext *ctx, tc_signal_event_cb cb, void *cb_data,
    void *factory_data, tc_status *status)
{
  tc_session *s = factory_data;
  return tc_scaledrone_new (&s->cfg.signaling, ctx, cb, cb_data, status);
}

static void
session_free_fields (tc_session *s)
{
  tc_dtls_cert_unref (s->cert);
  g_free (s->url);
  g_free (s->channel);
  g_free (s->room);
  g_free (s->ca_file);
  g_strfreev (s->stun_servers);
  g_strfreev (s->local_addresses);
  g_free (s->turn_server);
  g_free (s->turn_username);
  g_free (s->turn_password);
  g_free (s->turn_secret);
  g_free (s->debug_local_sdp);
  g_free (s->debug_remote_sdp);
  if (s->debug_sends != NULL)
    g_array_unref (s->debug_sends);
  tc_frame_queue_free (s->outq);
  if (s->ctx != NULL)
    g_main_context_unref (s->ctx);
  g_mutex_clear (&s->lock);
  g_free (s);
}

tc_status
tc_session_post (tc_session *s, GSourceFunc fn, gpointer data,
    GDestroyNotify free_data)
{
  g_mutex_lock (&s->lock);
  bool stopped = s->stopped, started = s->started;
  g_mutex_unlock (&s->lock);
  if (stopped || !started) {
    if (!stopped)
      fn (data);
    free_data (data);
    return stopped ? TC_ERR_CLOSED : TC_OK;
  }
  /* Always through the loop, never in place as g_main_context_invoke may
   * run it before the thread owns the context. The session outlives every
   * source attached to its context: freeing it stops the thread and drops
   * what was not dispatched. */
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, fn, data, free_data);
  g_source_attach (src, s->ctx);
  g_source_unref (src);
  return TC_OK;
}

tc_session *
tc_session_new_with_signal (const tc_session_config *cfg,
    tc_session_signal_factory factory, void *factory_data,
    tc_session_event_cb cb, void *user_data, tc_status *status)
{
  static gint serials;
  tc_status dummy;
  if (status == NULL)
    status = &dummy;
  if (cfg == NULL || cb == NULL || factory == NULL
      || !tc_session_mtu_valid (cfg->audio_mtu)
      || !tc_session_mtu_valid (cfg->video_mtu)) {
    *status = TC_ERR_INVALID_ARG;
    return NULL;
  }
  tc_session *s = g_new0 (tc_session, 1);
  g_mutex_init (&s->lock);
  s->outq = tc_frame_queue_new (OUTQ_MAX_FRAMES, OUTQ_MAX_BYTES);
  s->serial = (unsigned) g_atomic_int_add (&serials, 1) + 1;
  s->cb = cb;
  s->user_data = user_data;
  s->make_signal = factory;
  s->factory_data = factory_data;
  copy_config (s, cfg);
  s->dirs = tc_session_cfg_directions (s);
  s->n_video_codecs = tc_session_pick_video_codecs (cfg->video_codecs,
      cfg->n_video_codecs, s->video_codecs);
  *status = s->n_video_codecs == 0 ? TC_ERR_UNSUPPORTED : tc_dtls_cert_new (&s->cert);
  if (*status != TC_OK) {
    session_free_fields (s);
    return NULL;
  }
  make_identity (s);
  s->ctx = g_main_context_new ();
  /* Not in a room yet: WAITING comes with the room subscription. */
  s->state = TC_SESSION_CLOSED;
  s->stats.state = TC_SESSION_CLOSED;
  s->stats.rtt_ms = -1;
  return s;
}

static void
ignore_signal_event (tc_signal *sig, const tc_signal_event *ev, void *data)
{
  (void) sig;
  (void) ev;
  (void) data;
}

tc_session *
tc_session_new (const tc_session_config *cfg, tc_session_event_cb cb,
    void *user_data, tc_status *status)
{
  tc_status dummy;
  if (status == NULL)
    status = &dummy;
  if (cfg == NULL) {
    *status = TC_ERR_INVALID_ARG;
    return NULL;
  }
  /* Validate the signaling settings now, where the caller can see the
   * status; the real client is made again on the session thread. */
  GMainContext *probe_ctx = g_main_context_new ();
  tc_signal *probe = tc_scaledrone_new (&cfg->signaling, probe_ctx,
      ignore_signal_event, NULL, status);
  tc_signal_free (probe);
  while (g_main_context_iteration (probe_ctx, FALSE))
    ;
  g_main_context_unref (probe_ctx);
  if (probe == NULL)
    return NULL;
  tc_session *s = tc_session_new_with_signal (cfg, make_scaledrone, NULL, cb,
      user_data, status);
  if (s != NULL)
    s->factory_data = s;
  return s;
}

/* ---- events ------------------------------------------------------------ */

void
tc_session_emit (tc_session *s, const tc_session_event *ev)
{
  if (!s->stopped_here)
    s->cb (s, ev, s->user_data);
}

void
tc_session_set_state (tc_session *s, tc_session_state state)
{
  if (s->state == state)
    return;
  TC_INFO ("[s%u] %s -> %s", s->serial, tc_session_state_str (s->state),
      tc_session_state_str (state));
  s->state = state;
  g_mutex_lock (&s->lock);
  s->stats.state = state;
  g_mutex_unlock (&s->lock);
  /* What a handler reads now (the path "connected" took: relayed or not)
   * is the call's, not the last tick's. */
  tc_session_update_stats (s, g_get_monotonic_time ());
  tc_session_event ev = { .type = TC_SESSION_EV_STATE, .state = state };
  tc_session_emit (s, &ev);
}

static void
emit_error (tc_session *s, tc_status st, bool fatal, bool call_failed,
    const char *text)
{
  TC_WARN ("[s%u] %s%s: %s", s->serial, call_failed ? "call failed: " : "",
      tc_status_name (st), text);
  tc_session_event ev = { .type = TC_SESSION_EV_ERROR, .status = st,
    .fatal = fatal, .call_failed = call_failed, .text = text };
  tc_session_emit (s, &ev);
}

void
tc_session_emit_error (tc_session *s, tc_status st, bool fatal,
    const char *text)
{
  emit_error (s, st, fatal, false, text);
}

void
tc_session_emit_call_failed (tc_session *s, tc_status st, const char *text)
{
  emit_error (s, st, false, true, text);
}

void
tc_session_debug_keep_sdp (tc_session *s, bool local, const char *text)
{
  g_mutex_lock (&s->lock);
  char **slot = local ? &s->debug_local_sdp : &s->debug_remote_sdp;
  g_free (*slot);
  *slot = g_strdup (text);
  g_mutex_unlock (&s->lock);
}

char *
tc_session_debug_sdp (tc_session *s, bool local)
{
  g_return_val_if_fail (s != NULL, NULL);
  g_mutex_lock (&s->lock);
  char *text = g_strdup (local ? s->debug_local_sdp : s->debug_remote_sdp);
  g_mutex_unlock (&s->lock);
  return text;
}

void
tc_session_debug_drop_rtp (tc_session *s, unsigned n)
{
  g_return_if_fail (s != NULL);
  g_atomic_int_set (&s->debug_drop_every, (gint) n);
}

void
tc_session_debug_pacing (tc_session *s, bool on)
{
  g_return_if_fail (s != NULL);
  g_atomic_int_set (&s->debug_no_pacing, on ? 0 : 1);
}

void
tc_session_debug_recheck (tc_session *s, bool on)
{
  g_return_if_fail (s != NULL);
  g_atomic_int_set (&s->debug_no_recheck, on ? 0 : 1);
}

void
tc_session_debug_log_sends (tc_session *s, bool on)
{
  g_return_if_fail (s != NULL);
  g_mutex_lock (&s->lock);
  if (on && s->debug_sends == NULL)
    s->debug_sends = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_mutex_unlock (&s->lock);
  g_atomic_int_set (&s->debug_log_sends, on ? 1 : 0);
}

GArray *
tc_session_debug_take_sends (tc_session *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  g_mutex_lock (&s->lock);
  GArray *a = s->debug_sends;
  s->debug_sends = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_mutex_unlock (&s->lock);
  return a;
}

int
tc_session_debug_ice_controlling (tc_session *s)
{
  g_return_val_if_fail (s != NULL, -1);
  g_mutex_lock (&s->lock);
  int r = s->debug_ice_controlling;
  g_mutex_unlock (&s->lock);
  return r;
}

void
tc_session_debug_note_send (tc_session *s, int64_t now_us)
{
  if (!g_atomic_int_get (&s->debug_log_sends))
    return;
  g_mutex_lock (&s->lock);
  if (s->debug_sends != NULL)
    g_array_append_val (s->debug_sends, now_us);
  g_mutex_unlock (&s->lock);
}

/* ---- the loop thread --------------------------------------------------- */

static gboolean on_tick (gpointer data);

static unsigned
tick_ms (const tc_session *s)
{
  const tc_call *c = s->call;
  bool receiving = c != NULL && (c->rx[TC_KIND_AUDIO].active
      || c->rx[TC_KIND_VIDEO].active);
  return receiving ? TICK_MS : IDLE_TICK_MS;
}

static void
start_tick (tc_session *s)
{
  s->tick_ms = tick_ms (s);
  s->tick = g_timeout_source_new (s->tick_ms);
  g_source_set_callback (s->tick, on_tick, s, NULL);
  g_source_attach (s->tick, s->ctx);
}

void
tc_session_retick (tc_session *s)
{
  if (s->tick == NULL || tick_ms (s) == s->tick_ms)
    return;
  /* Also from the tick's own dispatch: a destroyed source is not
   * dispatched again, whatever its callback returns. */
  g_source_destroy (s->tick);
  g_clear_pointer (&s->tick, g_source_unref);
  start_tick (s);
}

static gboolean
on_tick (gpointer data)
{
  tc_session *s = data;
  int64_t now = g_get_monotonic_time ();
  tc_call *c = s->call;
  if (c != NULL && c->connected) {
    tc_call_poll_recv (c, now);
    tc_call_rtcp_tick (c, now);
    tc_call_bwe_tick (c, now);
    tc_call_liveness_tick (c, now);
  }
  tc_session_update_stats (s, now);
  if (!tc_session_away_tick (s, now))  /* may end the call */
    tc_session_negotiate_tick (s, now);  /* last: it may end the call */
  tc_session_retick (s);
  return G_SOURCE_CONTINUE;
}

/* Makes and starts the signaller; false (the session failed) if it cannot. */
static bool
join_room (tc_session *s)
{
  tc_status st = TC_OK;
  s->sig = s->make_signal (s->ctx, tc_session_on_signal, s, s->factory_data, &st);
  if (s->sig == NULL || (st = tc_signal_start (s->sig)) != TC_OK) {
    g_clear_pointer (&s->sig, tc_signal_free);
    tc_session_emit_error (s, st, true, tc_status_str (st));
    tc_session_set_state (s, TC_SESSION_FAILED);
    return false;
  }
  return true;
}

/* Ends the call and joins the room again over a new signaling connection
 * (a new client id): the peer sees us leave and join, and starts its side
 * afresh with a new peer connection. Session thread; not from inside a
 * signaller callback (the signaller is freed here). */
void
tc_session_rejoin (tc_session *s)
{
  bool had = s->call != NULL;
  tc_session_end_call (s);
  if (had) {
    tc_session_event ev = { .type = TC_SESSION_EV_PEER_LEFT };
    tc_session_emit (s, &ev);
  }
  if (s->sig != NULL) {
    tc_signal_stop (s->sig);
    g_clear_pointer (&s->sig, tc_signal_free);
  }
  tc_session_set_state (s, TC_SESSION_RECONNECTING);
  join_room (s);
}

/* Runs on the session thread: make and start the signaller. */
static gboolean
on_begin (gpointer data)
{
  tc_session *s = data;
  if (!join_room (s))
    return G_SOURCE_REMOVE;
  start_tick (s);
  /* While the room's handshake is on the wire: otherwise the first call
   * of a process spends it after DTLS, before its first packet. A failure
   * shows there, as the call's own. */
  (void) tc_srtp_prepare ();
  return G_SOURCE_REMOVE;
}

static gpointer
session_thread (gpointer data)
{
  tc_session *s = data;
  g_main_context_push_thread_default (s->ctx);
  g_main_loop_run (s->loop);
  /* Let what the teardown posted (ICE, WebSocket close) run out. */
  for (int i = 0; i < 100 && g_main_context_iteration (s->ctx, FALSE); i++)
    ;
  g_main_context_pop_thread_default (s->ctx);
  g_mutex_lock (&s->lock);
  bool free_here = s->free_requested && !s->joining;
  g_mutex_unlock (&s->lock);
  if (free_here) {
    /* Freed from one of its own callbacks: nobody joins this thread. */
    GThread *self = s->thread;
    g_clear_pointer (&s->loop, g_main_loop_unref);
    session_free_fields (s);
    g_thread_unref (self);
  }
  return NULL;
}

tc_status
tc_session_start (tc_session *s)
{
  g_return_val_if_fail (s != NULL, TC_ERR_INVALID_ARG);
  g_mutex_lock (&s->lock);
  tc_status st = s->stopped ? TC_ERR_CLOSED : s->started ? TC_ERR_INVALID_ARG : TC_OK;
  if (st == TC_OK)
    s->started = true;
  g_mutex_unlock (&s->lock);
  if (st != TC_OK)
    return st;
  s->loop = g_main_loop_new (s->ctx, FALSE);
  g_main_context_invoke (s->ctx, on_begin, s);
  s->thread = g_thread_new ("tc-session", session_thread, s);
  return TC_OK;
}

/* Runs on the session thread: end the call, leave the room, quit. */
static gboolean
on_stop (gpointer data)
{
  tc_session *s = data;
  tc_session_end_call (s);
  if (s->tick != NULL) {
    g_source_destroy (s->tick);
    g_clear_pointer (&s->tick, g_source_unref);
  }
  if (s->sig != NULL) {
    tc_signal_stop (s->sig);
    g_clear_pointer (&s->sig, tc_signal_free);
  }
  g_main_loop_quit (s->loop);
  return G_SOURCE_REMOVE;
}

void
tc_session_stop (tc_session *s)
{
  g_return_if_fail (s != NULL);
  g_mutex_lock (&s->lock);
  bool was = s->stopped;
  bool here = g_thread_self () == s->thread;
  s->stopped = true;
  s->stats.state = TC_SESSION_CLOSED;
  /* In the same section as `stopped`: a free from the session's own
   * thread after this point sees that we will join and leaves it to us. */
  if (!was && s->thread != NULL && !here)
    s->joining = true;
  g_mutex_unlock (&s->lock);
  if (was || s->thread == NULL)
    return;
  if (here) {
    /* From inside one of our callbacks (an application stopping its
     * pipeline in a synchronous bus handler): the thread cannot join
     * itself, and the code that called back still runs on this call, so
     * the teardown comes after it returns and no event follows. */
    g_mutex_lock (&s->lock);
    s->stopped_here = true;
    g_mutex_unlock (&s->lock);
    GSource *src = g_idle_source_new ();
    g_source_set_priority (src, G_PRIORITY_HIGH);
    g_source_set_callback (src, on_stop, s, NULL);
    g_source_attach (src, s->ctx);
    g_source_unref (src);
    return;
  }
  g_main_context_invoke (s->ctx, on_stop, s);
  g_thread_join (s->thread);
  s->thread = NULL;
  g_clear_pointer (&s->loop, g_main_loop_unref);
  g_mutex_lock (&s->lock);
  bool free_it = s->free_requested;
  g_mutex_unlock (&s->lock);
  if (free_it)
    session_free_fields (s);
}

void
tc_session_free (tc_session *s)
{
  if (s == NULL)
    return;
  tc_session_stop (s);
  g_mutex_lock (&s->lock);
  bool stopped_here = s->stopped_here;
  if (s->thread != NULL && g_thread_self () == s->thread) {
    /* Freed from one of its own callbacks: the code that called back still
     * runs on `s`. Whoever ends the thread frees it: a stop on another
     * thread waiting for it, or else the thread itself as it ends. */
    s->free_requested = true;
    g_mutex_unlock (&s->lock);
    return;
  }
  g_mutex_unlock (&s->lock);
  if (stopped_here) {
    /* Stopped from its own thread, freed from another: on_stop ends it. */
    g_thread_join (s->thread);
    g_clear_pointer (&s->loop, g_main_loop_unref);
  }
  session_free_fields (s);
}

/* ---- frames and stats from other threads -------------------------------- */

/* Frames wait in s->outq for one drain on the session thread at a time. */

static gboolean
on_frames_posted (gpointer data)
{
  tc_session *s = data;
  /* A bounded batch, then the loop's other sources get their turn. */
  for (int i = 0; i < DRAIN_BATCH; i++) {
    tc_call *c = s->call;  /* the session thread's own */
    g_mutex_lock (&s->lock);
    tc_queued_frame *f = tc_frame_queue_pop (s->outq);
    /* Kept for a call to come when there is none yet. */
    bool keyframe = c != NULL && tc_frame_queue_take_keyframe_wanted (s->outq);
    if (f == NULL)
      s->drain_posted = false;
    g_mutex_unlock (&s->lock);
    if (keyframe && c != NULL) {
      /* Video was dropped: the peer's decoder needs a fresh start. */
      tc_session_event ev = { .type = TC_SESSION_EV_KEYFRAME_REQUEST,
        .kind = TC_MEDIA_VIDEO };
      tc_session_emit (s, &ev);
    }
    if (f == NULL)
      return G_SOURCE_REMOVE;
    if (c != NULL && c->connected) {
      tc_call_push_frame (c, f->kind, f->data, f->len, f->pts_us, f->keyframe,
          f->has_layer ? &f->layer : NULL, f->audio_level);
      g_free (f);
    } else if (c != NULL) {
      tc_call_held_keep (c, f, g_get_monotonic_time ());  /* connecting */
    } else {
      g_free (f);
    }
  }
  return G_SOURCE_CONTINUE;
}

static tc_status push_frame (tc_session *s, tc_media_kind kind,
    const uint8_t *data, size_t len, int64_t pts_us, bool keyframe,
    const tc_temporal_layer *layer, int audio_level);

tc_status
tc_session_push_frame (tc_session *s, tc_media_kind kind, const uint8_t *data,
    size_t len, int64_t pts_us, bool keyframe)
{
  return push_frame (s, kind, data, len, pts_us, keyframe, NULL, -1);
}

tc_status
tc_session_push_video_frame (tc_session *s, const uint8_t *data, size_t len,
    int64_t pts_us, bool keyframe, const tc_temporal_layer *layer)
{
  return push_frame (s, TC_MEDIA_VIDEO, data, len, pts_us, keyframe, layer,
      -1);
}

tc_status
tc_session_push_audio_frame (tc_session *s, const uint8_t *data, size_t len,
    int64_t pts_us, int level)
{
  g_return_val_if_fail (level >= -1 && level <= 127, TC_ERR_INVALID_ARG);
  return push_frame (s, TC_MEDIA_AUDIO, data, len, pts_us, false, NULL,
      level);
}

static tc_status
push_frame (tc_session *s, tc_media_kind kind, const uint8_t *data,
    size_t len, int64_t pts_us, bool keyframe, const tc_temporal_layer *layer,
    int audio_level)
{
  g_return_val_if_fail (s != NULL && (data != NULL || len == 0), TC_ERR_INVALID_ARG);
  g_mutex_lock (&s->lock);
  bool open = s->started && !s->stopped;
  /* s->dirs, not s->cfg: the session thread owns cfg. */
  bool sends = kind == TC_MEDIA_AUDIO ? s->dirs.send_audio
      : kind == TC_MEDIA_VIDEO ? s->dirs.send_video : false;
  bool post = false;
  if (sends && len > 0 && open) {
    if (kind == TC_MEDIA_AUDIO)
      tc_frame_queue_push_audio (s->outq, data, len, pts_us, audio_level);
    else
      tc_frame_queue_push_layer (s->outq, kind, data, len, pts_us, keyframe,
          layer);
    post = !s->drain_posted;
    s->drain_posted = true;
  }
  g_mutex_unlock (&s->lock);
  if (!sends || len == 0)
    return TC_ERR_INVALID_ARG;
  if (!open)
    return TC_ERR_CLOSED;
  if (post) {
    /* Always through the loop, never in place on the caller's thread; at
     * default priority, so that busy incoming media cannot starve what we
     * send (an idle source runs only when nothing else is ready). */
    GSource *src = g_idle_source_new ();
    g_source_set_priority (src, G_PRIORITY_DEFAULT);
    g_source_set_callback (src, on_frames_posted, s, NULL);
    g_source_attach (src, s->ctx);
    g_source_unref (src);
  }
  return TC_OK;
}

tc_status
tc_session_get_stats (tc_session *s, tc_session_stats *out)
{
  g_return_val_if_fail (s != NULL && out != NULL, TC_ERR_INVALID_ARG);
  g_mutex_lock (&s->lock);
  *out = s->stats;
  out->dir[0].frames_dropped = tc_frame_queue_dropped (s->outq, TC_MEDIA_AUDIO)
      + tc_frame_queue_dropped (s->outq, TC_MEDIA_VIDEO);
  g_mutex_unlock (&s->lock);
  return TC_OK;
}
