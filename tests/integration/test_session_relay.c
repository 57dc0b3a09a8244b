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

static void
relay_start_on (relay *r, int want_port)
{
  GError *err = NULL;
  char *port_arg = g_strdup_printf ("--port=%d", want_port);
  GSubprocessLauncher *l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  r->proc = g_subprocess_launcher_spawn (l, &err, TC_RELAY_PATH, port_arg, NULL);
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

static void
peer_start (peer *p, const relay *r, const char *room, role what)
{
  tc_session_config cfg;
  tc_session_config_init (&cfg);
  cfg.signaling.url = r->url;
  cfg.signaling.channel = "chan";
  cfg.signaling.room = room;
  cfg.signaling.reconnect_base_ms = 200;
  cfg.local_addresses = loopback;
  cfg.send_audio = cfg.send_video = what != RECV_ONLY;
  cfg.recv_audio = cfg.recv_video = what != SEND_ONLY;
  cfg.quality = TC_SDP_QUALITY_360P;
  /* The frames these tests push are VP8; every video codec has a
   * payloader, so the default offer would pick VP9. */
  cfg.video_codecs[0] = TC_SDP_CODEC_VP8;
  cfg.n_video_codecs = 1;
  tc_status st = TC_ERR_INVALID_ARG;
  p->s = tc_session_new (&cfg, peer_on_event, p, &st);
  g_assert_cmpint (st, ==, TC_OK);
  g_assert_cmpint (tc_session_start (p->s), ==, TC_OK);
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
   * media flowing meanwhile, as a real call does. */
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

/* The relay restarts under a call: both clients reconnect, the session
 * sees PEER_LEFT then a new PEER_JOINED, and the call is made again. */
static void
test_signaling_reconnect_makes_a_new_call (void)
{
  relay r;
  peer a, b;
  relay_start (&r);
  peer_init (&a, "A");
  peer_init (&b, "B");
  peer_start (&a, &r, "#it-session-reconnect", SEND_ONLY);
  peer_start (&b, &r, "#it-session-reconnect", RECV_ONLY);
  wait_connected (&a, &b);

  peer_reset_counts (&a);
  peer_reset_counts (&b);
  int port = r.port;
  /* A crash, not a shutdown: a server that says it is going away (1001)
   * is not retried. */
  relay_kill (&r, SIGKILL);
  g_assert_true (peer_wait (&a, has_left, NULL));
  g_assert_true (peer_wait (&b, has_left, NULL));
  relay_start_on (&r, port);
  wait_connected (&a, &b);
  unsigned n_audio = 0;
  peer *senders[] = { &a };
  send_media (senders, 1, 15, &n_audio);
  check_received (&b, 15, n_audio);

  peer_clear (&a);
  peer_clear (&b);
  relay_stop (&r);
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
  g_test_add_func ("/session/relay/signaling-reconnect-makes-a-new-call",
      test_signaling_reconnect_makes_a_new_call);
  g_test_add_func ("/session/relay/refused-after-stop",
      test_calls_after_stop_are_refused);
  return g_test_run ();
}
