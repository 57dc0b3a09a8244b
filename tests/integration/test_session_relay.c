/* test_session_relay.c - two (or three) tc_sessions in one process meet
 * through the real tempchat-relay (TC_RELAY_PATH, --port 0) and call each
 * other over ICE on 127.0.0.1: frames arrive byte-identical and in order,
 * directions show in the SDP, stats fill in, and a peer leaving sends the
 * other back to WAITING for the next one.
 */
#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>

#include "session_helpers.h"

#define N_VIDEO 60 /* two seconds at 30 fps */

static const char *const loopback[] = { "127.0.0.1", NULL };

/* ---- the relay -------------------------------------------------------------- */

typedef struct {
  GSubprocess *proc;
  char *url;
  int port;
} relay;

/* The relay must not outlive a test that aborts or is killed. */
static void
die_with_parent (gpointer data)
{
  (void) data;
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The relay on `want_port` (0: any free one), with `extra` (one option, or
 * NULL). */
static void
relay_start_with (relay *r, int want_port, const char *extra)
{
  GError *err = NULL;
  char *port_arg = g_strdup_printf ("--port=%d", want_port);
  GSubprocessLauncher *l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  r->proc = g_subprocess_launcher_spawn (l, &err, TC_RELAY_PATH, port_arg,
      extra, NULL);
  g_object_unref (l);
  g_free (port_arg);
  g_assert_no_error (err);
  GDataInputStream *out =
      g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));
  /* "tempchat-relay listening on ws://127.0.0.1:PORT/v3/websocket"; the
   * ctest TIMEOUT bounds this read. */
  char *line = g_data_input_stream_read_line (out, NULL, NULL, &err);
  g_assert_no_error (err);
  g_assert_nonnull (line);
  const char *p = strstr (line, "ws://127.0.0.1:");
  g_assert_nonnull (p);
  int port = atoi (p + strlen ("ws://127.0.0.1:"));
  g_assert_cmpint (port, >, 0);
  r->url = g_strdup_printf ("ws://127.0.0.1:%d/v3/websocket", port);
  r->port = port;
  g_free (line);
  g_object_unref (out);
}

static void
relay_start_on (relay *r, int want_port)
{
  relay_start_with (r, want_port, NULL);
}

static void
relay_start (relay *r)
{
  relay_start_on (r, 0);
}

static void
relay_kill (relay *r, int signum)
{
  g_subprocess_send_signal (r->proc, signum);
  g_subprocess_wait (r->proc, NULL, NULL);
  g_clear_object (&r->proc);
  g_free (r->url);
}

static void
relay_stop (relay *r)
{
  relay_kill (r, SIGTERM);
}

/* ---- sessions ----------------------------------------------------------------- */

typedef enum { SEND_ONLY, RECV_ONLY, SEND_RECV } role;

/* `keepalive_s`: the signaling keepalive (0: the default). */
static void
peer_start_with (peer *p, const relay *r, const char *room, role what,
    unsigned keepalive_s)
{
  tc_session_config cfg;
  tc_session_config_init (&cfg);
  cfg.signaling.url = r->url;
  cfg.signaling.channel = "chan";
  cfg.signaling.room = room;
  cfg.signaling.reconnect_base_ms = 200;
  cfg.signaling.keepalive_s = keepalive_s;
  cfg.local_addresses = loopback;
  cfg.send_audio = cfg.send_video = what != RECV_ONLY;
  cfg.recv_audio = cfg.recv_video = what != SEND_ONLY;
  cfg.quality = TC_SDP_QUALITY_360P;
  /* The frames these tests push are VP8; every video codec has a
   * payloader, so the default offer would pick AV1. */
  cfg.video_codecs[0] = TC_SDP_CODEC_VP8;
  cfg.n_video_codecs = 1;
  tc_status st = TC_ERR_INVALID_ARG;
  p->s = tc_session_new (&cfg, peer_on_event, p, &st);
  g_assert_cmpint (st, ==, TC_OK);
  g_assert_cmpint (tc_session_start (p->s), ==, TC_OK);
}

static void
peer_start (peer *p, const relay *r, const char *room, role what)
{
  peer_start_with (p, r, room, what, 0);
}

static void
wait_connected (peer *a, peer *b)
{
  WAIT_STATE (a, TC_SESSION_CONNECTED);
  WAIT_STATE (b, TC_SESSION_CONNECTED);
  g_assert_cmpint (a->negotiated[TC_MEDIA_VIDEO], ==, TC_SDP_CODEC_VP8);
  g_assert_cmpint (a->negotiated[TC_MEDIA_AUDIO], ==, TC_SDP_CODEC_OPUS);
  g_assert_cmpint (b->negotiated[TC_MEDIA_VIDEO], ==, TC_SDP_CODEC_VP8);
  g_assert_cmpint (b->negotiated[TC_MEDIA_AUDIO], ==, TC_SDP_CODEC_OPUS);
  g_assert_cmpint (a->is_offerer, !=, b->is_offerer);
}

/* Both sections of the SDP `p` sent carry `dir`. */
static void
assert_sent_direction (peer *p, const char *dir)
{
  char *sdp = tc_session_debug_sdp (p->s, true);
  g_assert_nonnull (sdp);
  char *line = g_strdup_printf ("a=%s\r\n", dir);
  const char *first = strstr (sdp, line);
  g_assert_nonnull (first);
  g_assert_nonnull (strstr (first + 1, line));
  g_free (line);
  g_free (sdp);
}

/* A sends only, B receives only; `b_first` picks who joins first. */
static void
one_way (bool b_first)
{
  relay r;
  peer a, b;
  relay_start (&r);
  peer_init (&a, "A");
  peer_init (&b, "B");
  const char *room = b_first ? "#it-session-b-first" : "#it-session-a-first";
  peer *first = b_first ? &b : &a, *second = b_first ? &a : &b;
  peer_start (first, &r, room, first == &a ? SEND_ONLY : RECV_ONLY);
  WAIT_STATE (first, TC_SESSION_WAITING);
  peer_start (second, &r, room, second == &a ? SEND_ONLY : RECV_ONLY);
  wait_connected (&a, &b);

  /* The directions are exact on the wire, whoever offered. */
  assert_sent_direction (&a, "sendonly");
  assert_sent_direction (&b, "recvonly");

  unsigned n_audio = 0;
  peer *senders[] = { &a };
  send_media (senders, 1, N_VIDEO, &n_audio);
  check_received (&b, N_VIDEO, n_audio);
  g_assert_cmpuint (a.frames[TC_MEDIA_VIDEO]->len, ==, 0);
  g_assert_cmpuint (a.errors + b.errors, ==, 0);
  /* A sender is asked for a keyframe as soon as it connects. */
  g_assert_cmpuint (a.keyframe_requests, >=, 1);

  peer_clear (&a);
  peer_clear (&b);
  relay_stop (&r);
}

static void
test_a_sends_to_b_when_a_joins_first (void)
{
  one_way (false);
}

static void
test_a_sends_to_b_when_b_joins_first (void)
{
  one_way (true);
}

static gboolean
stats_complete (peer *p, gconstpointer arg)
{
  (void) arg;
  tc_session_stats st;
  tc_session_get_stats (p->s, &st);
  return st.rtt_ms >= 0 && st.dir[0].packets > 0 && st.dir[1].packets > 0;
}

/* Polls stats (a snapshot, no event) with timed pops between tries. */
static gboolean
wait_stats (peer *p)
{
  GAsyncQueue *pace = g_async_queue_new ();
  gint64 end = g_get_monotonic_time () + WAIT_US;
  gboolean ok;
  while (!(ok = stats_complete (p, NULL)) && g_get_monotonic_time () < end)
    g_async_queue_timeout_pop (pace, 100000);
  g_async_queue_unref (pace);
  return ok;
}

static int64_t
pts_of (peer *p, tc_media_kind kind, guint i)
{
  return ((rx_frame *) g_ptr_array_index (p->frames[kind], i))->pts_us;
}

/* By now SRs have arrived, so FRAME times come from RTP time, not arrival:
 * video frames are 33.333 ms apart to the tick, and video frame 3k and
 * audio frame 5k (captured at the same instant) land together. */
static void
assert_lip_sync (peer *p, guint v0, guint a0)
{
  g_mutex_lock (&p->m);
  int64_t worst = 0;
  for (guint i = 1; i < 40; i++) {
    int64_t d = pts_of (p, TC_MEDIA_VIDEO, v0 + i) - pts_of (p, TC_MEDIA_VIDEO, v0 + i - 1);
    worst = MAX (worst, ABS (d - 33333));
  }
  g_test_message ("%s: video frame spacing off by %" G_GINT64_FORMAT " us at most",
      p->name, worst);
  /* Each SR may move the mapping by the sender's scheduling noise (tens
   * of us, a few hundred under ASan); arrival times would wander by ms. */
  g_assert_cmpint (worst, <, 1000);
  for (guint k = 0; 3 * k < 40 && 5 * k < 60; k++) {
    int64_t skew = pts_of (p, TC_MEDIA_VIDEO, v0 + 3 * k)
        - pts_of (p, TC_MEDIA_AUDIO, a0 + 5 * k);
    g_assert_cmpint (ABS (skew), <, 10000);
  }
  g_mutex_unlock (&p->m);
}

static void
test_both_send_and_receive_with_stats (void)
{
  relay r;
  peer a, b;
  relay_start (&r);
  peer_init (&a, "A");
  peer_init (&b, "B");
  peer_start (&a, &r, "#it-session-two-way", SEND_RECV);
  peer_start (&b, &r, "#it-session-two-way", SEND_RECV);
  wait_connected (&a, &b);
  assert_sent_direction (&a, "sendrecv");
  assert_sent_direction (&b, "sendrecv");

  unsigned n_audio = 0;
  peer *senders[] = { &a, &b };
  send_media (senders, 2, N_VIDEO, &n_audio);
  check_received (&a, N_VIDEO, n_audio);
  check_received (&b, N_VIDEO, n_audio);

  /* RTT needs an SR out and a report block back: a second or two. Keep
   * media flowing meanwhile, as a real call does. The first keyframe left
   * paced (tens of ms after its capture), so the video time line starts
   * that late and slews onto the shared one at 1 ms a frame once the
   * first SR is in: give it those frames before measuring. */
  unsigned n_warm = 0;
  send_media (senders, 2, 45, &n_warm);
  frame_counts warm = { N_VIDEO + 45, n_audio + n_warm };
  g_assert_true (peer_wait (&a, has_frames, &warm));
  guint v0 = a.frames[TC_MEDIA_VIDEO]->len, a0 = a.frames[TC_MEDIA_AUDIO]->len;
  send_media (senders, 2, 45, &n_audio);
  frame_counts more = { v0 + 40, a0 + 60 };
  g_assert_true (peer_wait (&a, has_frames, &more));
  assert_lip_sync (&a, v0, a0);
  g_assert_true (wait_stats (&a));
  g_assert_true (wait_stats (&b));
  tc_session_stats st;
  tc_session_get_stats (a.s, &st);
  g_assert_cmpint (st.state, ==, TC_SESSION_CONNECTED);
  g_assert_cmpint (st.dir[0].video_codec, ==, TC_SDP_CODEC_VP8);
  g_assert_cmpint (st.dir[1].video_codec, ==, TC_SDP_CODEC_VP8);
  g_assert_cmpuint (st.dir[1].width, ==, 640);
  g_assert_cmpuint (st.dir[1].height, ==, 360);
  g_assert_cmpfloat (st.rtt_ms, <, 1000);
  g_assert_false (st.relayed);

  peer_clear (&a);
  peer_clear (&b);
  relay_stop (&r);
}

static void
test_peer_leaving_returns_to_waiting_and_a_new_peer_connects (void)
{
  relay r;
  peer a, b, c;
  relay_start (&r);
  peer_init (&a, "A");
  peer_init (&b, "B");
  peer_init (&c, "C");
  peer_start (&a, &r, "#it-session-leave", SEND_ONLY);
  WAIT_STATE (&a, TC_SESSION_WAITING);
  peer_start (&b, &r, "#it-session-leave", RECV_ONLY);
  wait_connected (&a, &b);
  unsigned n_audio = 0;
  peer *senders[] = { &a };
  send_media (senders, 1, 15, &n_audio);
  check_received (&b, 15, n_audio);

  peer_reset_counts (&a);
  peer_clear (&b);
  g_assert_true (peer_wait (&a, has_left, NULL));
  WAIT_STATE (&a, TC_SESSION_WAITING);
  /* Frames pushed while nobody is there are dropped quietly. */
  send_media (senders, 1, 3, &n_audio);

  peer_start (&c, &r, "#it-session-leave", RECV_ONLY);
  wait_connected (&a, &c);
  send_media (senders, 1, 15, &n_audio);
  check_received (&c, 15, n_audio);
  g_assert_cmpuint (a.errors + c.errors, ==, 0);

  peer_clear (&a);
  peer_clear (&c);
  relay_stop (&r);
}

/* ---- signaling blips under a live call ------------------------------------- */

/* A TCP forwarder between one session and the relay, on its own thread,
 * whose connections the test can cut (a FIN both ways: the signaling
 * connection of that session alone breaks, as when a Wi-Fi roams) or
 * silence (bytes and FINs vanish, as when a NAT forgets the connection or
 * a firewall drops it: neither end is told). */
typedef struct {
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  GSocketService *svc;
  GCancellable *cancel;      /* fwd_stop: ends every pump */
  int upstream_port;
  char *url;
  GMutex m;
  GCond idle;                /* pumps fell to 0 */
  GPtrArray *conns;          /* fwd_conn *, every connection so far */
  guint pumps;               /* reads outstanding */
} forwarder;

/* One connection through the forwarder: client side and relay side. */
typedef struct {
  GSocketConnection *down, *up;
  gint silent;               /* atomic: drop what comes, pass no FIN */
  gint gone;                 /* cut: no more reads */
} fwd_conn;

/* One direction of a connection: reads `from`, writes `to`. */
typedef struct {
  forwarder *f;
  fwd_conn *c;
  GSocketConnection *from, *to;
  guint8 buf[16384];
} fwd_pump;

static void pump_read (fwd_pump *p);

static void
pump_done (fwd_pump *p)
{
  forwarder *f = p->f;
  g_free (p);
  g_mutex_lock (&f->m);
  if (--f->pumps == 0)
    g_cond_broadcast (&f->idle);
  g_mutex_unlock (&f->m);
}

static void
pump_on_read (GObject *src, GAsyncResult *res, gpointer data)
{
  fwd_pump *p = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, NULL);
  gboolean silent = g_atomic_int_get (&p->c->silent);
  if (n > 0 && !silent && !g_output_stream_write_all (g_io_stream_get_output_stream
          (G_IO_STREAM (p->to)), p->buf, (gsize) n, NULL, NULL, NULL))
    n = -1;
  if (n > 0) {
    pump_read (p);
    return;
  }
  /* The end of this direction: passed on as a FIN unless silenced. */
  if (!silent)
    g_socket_shutdown (g_socket_connection_get_socket (p->to), FALSE, TRUE,
        NULL);
  pump_done (p);
}

static void
pump_read (fwd_pump *p)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM
          (p->from)), p->buf, sizeof p->buf, G_PRIORITY_DEFAULT,
      p->f->cancel, pump_on_read, p);
}

static void
pump_start (forwarder *f, fwd_conn *c, GSocketConnection *from,
    GSocketConnection *to)
{
  fwd_pump *p = g_new0 (fwd_pump, 1);
  *p = (fwd_pump) { .f = f, .c = c, .from = from, .to = to };
  f->pumps++;
  pump_read (p);
}

static void
fwd_conn_free (gpointer data)
{
  fwd_conn *c = data;
  g_object_unref (c->down);
  g_object_unref (c->up);
  g_free (c);
}

static gboolean
fwd_incoming (GSocketService *svc, GSocketConnection *down, GObject *src,
    gpointer data)
{
  forwarder *f = data;
  (void) svc;
  (void) src;
  GSocketClient *cl = g_socket_client_new ();
  GSocketConnection *up = g_socket_client_connect_to_host (cl, "127.0.0.1",
      (guint16) f->upstream_port, NULL, NULL);
  g_object_unref (cl);
  if (up == NULL)
    return FALSE;  /* the relay is down: `down` is closed */
  fwd_conn *c = g_new0 (fwd_conn, 1);
  c->down = g_object_ref (down);
  c->up = up;
  g_mutex_lock (&f->m);
  g_ptr_array_add (f->conns, c);
  pump_start (f, c, c->down, c->up);
  pump_start (f, c, c->up, c->down);
  g_mutex_unlock (&f->m);
  return TRUE;
}

static gpointer
fwd_run (gpointer data)
{
  forwarder *f = data;
  g_main_context_push_thread_default (f->ctx);
  g_main_loop_run (f->loop);
  g_main_context_pop_thread_default (f->ctx);
  return NULL;
}

static void
fwd_start (forwarder *f, const relay *r)
{
  memset (f, 0, sizeof *f);
  g_mutex_init (&f->m);
  g_cond_init (&f->idle);
  f->conns = g_ptr_array_new_with_free_func (fwd_conn_free);
  f->cancel = g_cancellable_new ();
  f->upstream_port = r->port;
  f->ctx = g_main_context_new ();
  f->loop = g_main_loop_new (f->ctx, FALSE);
  g_main_context_push_thread_default (f->ctx);
  f->svc = g_socket_service_new ();
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0), *bound = NULL;
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (f->svc),
      any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  f->url = g_strdup_printf ("ws://127.0.0.1:%u/v3/websocket",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (f->svc, "incoming", G_CALLBACK (fwd_incoming), f);
  g_socket_service_start (f->svc);
  g_main_context_pop_thread_default (f->ctx);
  g_object_unref (lo);
  g_object_unref (any);
  g_object_unref (bound);
  f->thread = g_thread_new ("forwarder", fwd_run, f);
}

/* Cuts every connection through the forwarder (a FIN both ways, no close
 * frame); new ones are still accepted. shutdown() is safe from any thread. */
static void
fwd_cut (forwarder *f)
{
  g_mutex_lock (&f->m);
  for (guint i = 0; i < f->conns->len; i++) {
    fwd_conn *c = g_ptr_array_index (f->conns, i);
    if (g_atomic_int_exchange (&c->gone, TRUE))
      continue;
    g_socket_shutdown (g_socket_connection_get_socket (c->down), TRUE, TRUE,
        NULL);
    g_socket_shutdown (g_socket_connection_get_socket (c->up), TRUE, TRUE,
        NULL);
  }
  g_mutex_unlock (&f->m);
}

/* Every connection through the forwarder now swallows what comes, both
 * ways, closes included; new ones pass as before. */
static void
fwd_silence (forwarder *f)
{
  g_mutex_lock (&f->m);
  for (guint i = 0; i < f->conns->len; i++)
    g_atomic_int_set (&((fwd_conn *) g_ptr_array_index (f->conns, i))->silent,
        TRUE);
  g_mutex_unlock (&f->m);
}

static void
fwd_stop (forwarder *f)
{
  /* Every pump ends (cancelled reads) before the loop stops. */
  g_cancellable_cancel (f->cancel);
  g_mutex_lock (&f->m);
  while (f->pumps > 0)
    g_cond_wait (&f->idle, &f->m);
  g_mutex_unlock (&f->m);
  g_main_loop_quit (f->loop);
  g_thread_join (f->thread);
  g_socket_service_stop (f->svc);
  g_socket_listener_close (G_SOCKET_LISTENER (f->svc));
  g_object_unref (f->svc);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->ctx);
  g_ptr_array_unref (f->conns);
  g_object_unref (f->cancel);
  g_mutex_clear (&f->m);
  g_cond_clear (&f->idle);
  g_free (f->url);
}

typedef struct {
  peer *from;
  unsigned n_video, n_audio;
} sender;

static gpointer
sender_run (gpointer data)
{
  sender *snd = data;
  peer *senders[] = { snd->from };
  send_media (senders, 1, snd->n_video, &snd->n_audio);
  return NULL;
}

static gboolean
back_in_room (const tc_session_stats *st)
{
  return st->signaling_connected && st->signaling_reconnects >= 1;
}

/* Signaling back in the room after a loss, by the stats (no event tells a
 * sender whose call went on). */
static gboolean
signaling_back (peer *p)
{
  tc_session_stats st;
  return peer_poll_stats (p, back_in_room, &st);
}

/* Both reconnect counts, after signaling_back held for the one(s) cut. */
static unsigned
reconnects (peer *p)
{
  tc_session_stats st;
  g_assert_cmpint (tc_session_get_stats (p->s, &st), ==, TC_OK);
  g_assert_true (st.signaling_connected);
  return st.signaling_reconnects;
}

/* The longest time between two video frames arriving, in ms. */
static int64_t
longest_gap_ms (peer *p)
{
  int64_t gap = 0;
  g_mutex_lock (&p->m);
  GPtrArray *fr = p->frames[TC_MEDIA_VIDEO];
  for (guint i = 1; i < fr->len; i++) {
    rx_frame *a = g_ptr_array_index (fr, i - 1), *b = g_ptr_array_index (fr, i);
    gap = MAX (gap, b->arrival_us - a->arrival_us);
  }
  g_mutex_unlock (&p->m);
  return gap / 1000;
}

/* Frames pushed by A in real time for about 5 s while `blip` breaks
 * signaling: B gets every one, in order, without a gap over 500 ms, and
 * neither side sees the peer leave or a new call start. */
static void
call_through_blip (peer *a, peer *b, void (*blip) (gpointer), gpointer data)
{
  wait_connected (a, b);
  peer_reset_counts (a);
  peer_reset_counts (b);
  sender snd = { .from = a, .n_video = 150 };
  GThread *t = g_thread_new ("sender", sender_run, &snd);
  frame_counts first = { 20, 0 };
  g_assert_true (peer_wait (b, has_frames, &first));
  blip (data);
  g_thread_join (t);
  check_received (b, snd.n_video, snd.n_audio);
  int64_t gap = longest_gap_ms (b);
  g_test_message ("longest gap between video frames: %" G_GINT64_FORMAT
      " ms", gap);
  g_assert_cmpint (gap, <, 500);
  g_assert_cmpuint (a->left + b->left + a->joined + b->joined, ==, 0);
  g_assert_cmpint (a->state, ==, TC_SESSION_CONNECTED);
  g_assert_cmpint (b->state, ==, TC_SESSION_CONNECTED);
}

typedef struct {
  relay *r;
  peer *a, *b;
} relay_blip;

static void
restart_relay (gpointer data)
{
  relay_blip *rb = data;
  int port = rb->r->port;
  /* A crash, then the same port again. */
  relay_kill (rb->r, SIGKILL);
  relay_start_on (rb->r, port);
  g_assert_true (signaling_back (rb->a));
  g_assert_true (signaling_back (rb->b));
}

/* The relay crashes and comes back on its port under a call: both clients
 * reconnect and rejoin while the media goes on, and the call is the same
 * one afterwards (no new offer, no PEER_LEFT). */
static void
test_relay_restart_keeps_the_call (void)
{
  relay r;
  peer a, b;
  relay_start (&r);
  peer_init (&a, "A");
  peer_init (&b, "B");
  peer_start (&a, &r, "#it-session-reconnect", SEND_ONLY);
  peer_start (&b, &r, "#it-session-reconnect", RECV_ONLY);
  relay_blip rb = { &r, &a, &b };
  call_through_blip (&a, &b, restart_relay, &rb);
  g_assert_cmpuint (reconnects (&a), ==, 1);
  g_assert_cmpuint (reconnects (&b), ==, 1);

  /* The peer leaving for real still ends the call. */
  peer_clear (&b);
  g_assert_true (peer_wait (&a, has_left, NULL));
  WAIT_STATE (&a, TC_SESSION_WAITING);
  peer_clear (&a);
  relay_stop (&r);
}

static void
cut_forwarder (gpointer data)
{
  forwarder *f = data;
  fwd_cut (f);
}

static void
silence_forwarder (gpointer data)
{
  forwarder *f = data;
  fwd_silence (f);
}

/* B reaches the relay through a forwarder whose connections `blip` breaks
 * mid-call (the relay run with `relay_opt`, B's keepalive `keepalive_s`):
 * the call goes on, B's signaling comes back while A's never left, and
 * media flows the other way afterwards for `frames` frames (30 a second):
 * still the same call. */
static void
forwarded_blip_keeps_the_call (const char *room, const char *relay_opt,
    unsigned keepalive_s, void (*blip) (gpointer), unsigned frames)
{
  relay r;
  peer a, b;
  forwarder f;
  relay_start_with (&r, 0, relay_opt);
  fwd_start (&f, &r);
  relay via = r;
  via.url = f.url;
  peer_init (&a, "A");
  peer_init (&b, "B");
  peer_start (&a, &r, room, SEND_RECV);
  peer_start_with (&b, &via, room, SEND_RECV, keepalive_s);
  call_through_blip (&a, &b, blip, &f);
  g_assert_true (signaling_back (&b));
  g_assert_cmpuint (reconnects (&a), ==, 0);
  g_assert_cmpuint (reconnects (&b), ==, 1);

  peer_reset_counts (&a);
  unsigned n_audio = 0;
  peer *senders[] = { &b };
  send_media (senders, 1, frames, &n_audio);
  check_received (&a, frames, n_audio);
  g_assert_cmpuint (a.errors, ==, 0);
  g_assert_cmpuint (a.left + a.joined + b.left + b.joined, ==, 0);
  g_assert_cmpint (a.state, ==, TC_SESSION_CONNECTED);

  peer_clear (&a);
  peer_clear (&b);
  fwd_stop (&f);
  relay_stop (&r);
}

/* B's signaling connection alone breaks: the relay tells A that B left,
 * B comes back with a new client id, and A's call goes on with it. */
static void
test_one_signaling_connection_cut_keeps_the_call (void)
{
  forwarded_blip_keeps_the_call ("#it-session-cut", NULL, 0, cut_forwarder,
      15);
}

/* B's signaling connection goes silent: nothing passes either way and no
 * FIN tells either end. B's keepalive (1 s here) notices within two of its
 * intervals and B reconnects; the relay drops the silent connection by its
 * own idle timeout (3 s here), which frees B's place in the room. The
 * media afterwards lasts longer than A takes to decide whose the member
 * that joined is (session_away.c). With no keepalive B would wait on the
 * dead connection for as long as TCP lets it (many minutes). */
static void
test_a_silent_signaling_connection_is_noticed_and_replaced (void)
{
  forwarded_blip_keeps_the_call ("#it-session-silent", "--idle-timeout=3", 1,
      silence_forwarder, 150);
}

static void
test_calls_after_stop_are_refused (void)
{
  relay r;
  peer a;
  relay_start (&r);
  peer_init (&a, "A");
  peer_start (&a, &r, "#it-session-stop", SEND_ONLY);
  WAIT_STATE (&a, TC_SESSION_WAITING);
  tc_session_stop (a.s);
  tc_session_stop (a.s);
  static const uint8_t byte = 1;
  g_assert_cmpint (tc_session_push_frame (a.s, TC_MEDIA_AUDIO, &byte, 1, 0,
      false), ==, TC_ERR_CLOSED);
  g_assert_cmpint (tc_session_start (a.s), ==, TC_ERR_CLOSED);
  tc_session_stats st;
  tc_session_get_stats (a.s, &st);
  g_assert_cmpint (st.state, ==, TC_SESSION_CLOSED);
  peer_clear (&a);
  relay_stop (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/relay/one-way/a-joins-first",
      test_a_sends_to_b_when_a_joins_first);
  g_test_add_func ("/session/relay/one-way/b-joins-first",
      test_a_sends_to_b_when_b_joins_first);
  g_test_add_func ("/session/relay/two-way-with-stats",
      test_both_send_and_receive_with_stats);
  g_test_add_func ("/session/relay/peer-leaves-then-another-connects",
      test_peer_leaving_returns_to_waiting_and_a_new_peer_connects);
  g_test_add_func ("/session/relay/relay-restart-keeps-the-call",
      test_relay_restart_keeps_the_call);
  g_test_add_func ("/session/relay/one-signaling-connection-cut-keeps-the-call",
      test_one_signaling_connection_cut_keeps_the_call);
  g_test_add_func ("/session/relay/a-silent-signaling-connection-is-noticed-"
      "and-replaced",
      test_a_silent_signaling_connection_is_noticed_and_replaced);
  g_test_add_func ("/session/relay/refused-after-stop",
      test_calls_after_stop_are_refused);
  return g_test_run ();
}
