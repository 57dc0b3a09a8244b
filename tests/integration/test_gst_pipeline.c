/* test_gst_pipeline.c - tempchatsink and tempchatsrc in pipelines as a
 * GStreamer user runs them: what happens on Ctrl-C (EOS), when the relay
 * cannot be reached, when the room is busy, when properties change while
 * PLAYING, what queries and the bus say before a peer arrives, and what
 * reaches stderr.
 *
 * Pipelines come from gst_parse_launch, as gst-launch-1.0 builds them
 * (delayed links for sometimes pads included); the relay is the real
 * tempchat-relay (TC_RELAY_PATH) on a free loopback port. Waits are bus
 * pops or context iterations with deadlines; nothing sleeps.
 */
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef TC_RELAY_PATH
#define TC_RELAY_PATH "tempchat-relay"
#endif

#define WAIT_MS 30000
#define CHANNEL "it-gst-pipeline"

#include "gst_test_util.h"
#include "test_cert.h"

static relay the_relay;

/* A fresh room per test, so tests never meet in one. */
static gchar *
new_room (void)
{
  static guint n;
  return g_strdup_printf ("pipe%u%d", ++n, (int) getpid ());
}

/* `desc` with every "@ARGS@" replaced by the element arguments for `room`
 * on `url`. */
static GstElement *
launch (const char *desc, const char *url, const char *room)
{
  gchar *args = g_strdup_printf ("room=%s channel=" CHANNEL
      " signaling-url=%s", room, url);
  gchar **parts = g_strsplit (desc, "@ARGS@", -1);
  gchar *full = g_strjoinv (args, parts);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (full, &err);

  g_assert_no_error (err);
  g_strfreev (parts);
  g_free (args);
  g_free (full);
  return pipe;
}

/* Sets PLAYING and waits until the tempchat element `name` is PLAYING. The
 * pipeline itself may stay ASYNC: its sinks preroll on the first buffer,
 * which only comes with a peer. */
static void
play (GstElement *pipe, const char *name)
{
  GstBus *bus = gst_element_get_bus (pipe);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gboolean playing = FALSE;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  while (!playing && g_get_monotonic_time () < end) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus,
        (end - g_get_monotonic_time ()) * GST_USECOND,
        GST_MESSAGE_STATE_CHANGED | GST_MESSAGE_ERROR);
    GstState now;
    if (m == NULL)
      break;
    g_assert_cmpint (GST_MESSAGE_TYPE (m), !=, GST_MESSAGE_ERROR);
    gst_message_parse_state_changed (m, NULL, &now, NULL);
    playing = now == GST_STATE_PLAYING
        && g_str_equal (GST_OBJECT_NAME (GST_MESSAGE_SRC (m)), name);
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  g_assert_true (playing);
}

static void
stop (GstElement *pipe)
{
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
}

/* The first message of `types` within `ms`, or NULL. */
static GstMessage *
pop (GstElement *pipe, GstMessageType types, guint ms)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *m = gst_bus_timed_pop_filtered (bus, ms * GST_MSECOND, types);
  gst_object_unref (bus);
  return m;
}

/* What gst-launch-1.0 -e does on Ctrl-C: EOS to the pipeline, then it waits
 * for the EOS message. Returns the milliseconds it took (fails after 5 s). */
static gint64
eos_ms (GstElement *pipe)
{
  gint64 t0 = g_get_monotonic_time ();
  GstMessage *m;

  g_assert_true (gst_element_send_event (pipe, gst_event_new_eos ()));
  m = pop (pipe, GST_MESSAGE_EOS | GST_MESSAGE_ERROR, 5000);
  g_assert_nonnull (m);
  g_assert_cmpint (GST_MESSAGE_TYPE (m), ==, GST_MESSAGE_EOS);
  gst_message_unref (m);
  return (g_get_monotonic_time () - t0) / 1000;
}

/* --- 1. Ctrl-C ends the pipeline ----------------------------------------- */

static void
assert_eos_is_quick (const char *desc, const char *url)
{
  gchar *room = new_room ();
  GstElement *pipe = launch (desc, url, room);
  gint64 ms;

  play (pipe, "t");
  ms = eos_ms (pipe);
  g_test_message ("EOS after %" G_GINT64_FORMAT " ms: %s", ms, desc);
  g_assert_cmpint (ms, <, 1000);
  stop (pipe);
  g_free (room);
}

static void
test_src_without_pads_ends_on_eos (void)
{
  /* In the room, no peer: the delayed links wait for pads. */
  assert_eos_is_quick ("tempchatsrc name=t @ARGS@ t.video_0 ! queue ! "
      "fakesink t.audio_0 ! queue ! fakesink", the_relay.url);
  /* The way most examples link it: the first pad to appear. */
  assert_eos_is_quick ("tempchatsrc name=t @ARGS@ ! queue ! fakesink",
      the_relay.url);
  /* Encoded output the same. */
  assert_eos_is_quick ("tempchatsrc name=t decode=false @ARGS@ t.video_0 ! "
      "queue ! fakesink", the_relay.url);
}

/* A loopback port nobody listens on: bound, then closed. */
static gchar *
dead_url (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *a = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;
  gchar *url;

  g_assert_true (g_socket_bind (s, a, TRUE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/websocket",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (s, NULL);
  g_object_unref (bound);
  g_object_unref (a);
  g_object_unref (lo);
  g_object_unref (s);
  return url;
}

static void
test_src_ends_on_eos_when_the_relay_is_unreachable (void)
{
  gchar *url = dead_url ();
  assert_eos_is_quick ("tempchatsrc name=t @ARGS@ t.video_0 ! queue ! "
      "fakesink", url);
  g_free (url);
}

static void
test_sink_ends_on_eos_before_its_source_produced (void)
{
  /* An appsrc with caps sends them with its first buffer: EOS comes to a
   * pad that never saw caps (a camera that has not started). */
  assert_eos_is_quick ("appsrc is-live=true format=time "
      "caps=video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
      "tempchatsink name=t @ARGS@", the_relay.url);
  /* Media flowing, no peer in the room. */
  assert_eos_is_quick ("videotestsrc is-live=true ! tempchatsink name=t "
      "@ARGS@ audiotestsrc is-live=true ! t.audio", the_relay.url);
}

/* --- 2. an unreachable relay is reported ------------------------------ */

/* The first bus message of `type` from the element named `name` within
 * `ms`, its text in *text (g_free); FALSE when none came. */
static gboolean
wait_message (GstElement *pipe, GstMessageType type, guint ms, gchar **text)
{
  GstMessage *m = pop (pipe, type, ms);
  GError *err = NULL;

  if (m == NULL)
    return FALSE;
  if (type == GST_MESSAGE_WARNING)
    gst_message_parse_warning (m, &err, NULL);
  else
    gst_message_parse_error (m, &err, NULL);
  g_assert_true (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE));
  *text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (m);
  return TRUE;
}

static void
test_unreachable_relay_warns_with_the_reason_then_fails (void)
{
  gchar *url = dead_url ();
  gchar *room = new_room ();
  GstElement *pipe = launch ("tempchatsrc name=t signaling-retries=2 "
      "@ARGS@ t.video_0 ! queue ! fakesink", url, room);
  gint64 t0 = g_get_monotonic_time ();
  gchar *text = NULL;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  /* The first attempt fails at once: no waiting through the backoff. */
  g_assert_true (wait_message (pipe, GST_MESSAGE_WARNING, 3000, &text));
  g_test_message ("warning after %" G_GINT64_FORMAT " ms: %s",
      (g_get_monotonic_time () - t0) / 1000, text);
  g_assert_nonnull (strstr (text, "connection refused"));
  g_assert_nonnull (strstr (text, "trying again"));
  g_free (text);
  /* Two retries (about 1 and 2 s with jitter), then an error. */
  g_assert_true (wait_message (pipe, GST_MESSAGE_ERROR, 15000, &text));
  g_test_message ("error: %s", text);
  g_assert_nonnull (strstr (text, "after 3 attempts"));
  g_assert_nonnull (strstr (text, "connection refused"));
  g_free (text);
  stop (pipe);
  g_free (room);
  g_free (url);
}

/* gst-launch-1.0 running a tempchatsrc that gives up on an unreachable
 * relay (its core then warns), with GST_DEBUG set to `debug` (NULL:
 * unset); returns what it wrote on stderr. */
static gchar *
stderr_of_a_failed_launch (const char *debug)
{
  GSubprocessLauncher *l = g_subprocess_launcher_new
      (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  gchar *url = dead_url ();
  gchar *room = new_room ();
  gchar *url_arg = g_strdup_printf ("signaling-url=%s", url);
  gchar *room_arg = g_strdup_printf ("room=%s", room);
  const char *argv[] = { "gst-launch-1.0", "tempchatsrc",
    "signaling-retries=1", "channel=" CHANNEL, room_arg, url_arg, "!",
    "fakesink", NULL
  };
  GError *err = NULL;
  GSubprocess *p;
  gchar *out = NULL;

  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  if (debug != NULL) {
    g_subprocess_launcher_setenv (l, "GST_DEBUG", debug, TRUE);
    g_subprocess_launcher_setenv (l, "GST_DEBUG_NO_COLOR", "1", TRUE);
  } else {
    g_subprocess_launcher_unsetenv (l, "GST_DEBUG");
  }
  p = g_subprocess_launcher_spawnv (l, argv, &err);
  g_assert_no_error (err);
  /* It ends by itself: an error after the two attempts. */
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &out,
          &err));
  g_assert_no_error (err);
  g_assert_false (g_subprocess_get_successful (p));
  g_object_unref (p);
  g_object_unref (l);
  g_free (url_arg);
  g_free (room_arg);
  g_free (room);
  g_free (url);
  return out;
}

/* The core's warnings go to GStreamer's debug log (GST_DEBUG=
 * tempchatcore:2 shows them), not straight to stderr; what a user must
 * know is on the bus, which gst-launch-1.0 prints. */
static void
test_core_warnings_go_to_the_debug_log_not_stderr (void)
{
  gchar *quiet = stderr_of_a_failed_launch (NULL);
  gchar *debug = stderr_of_a_failed_launch ("tempchatcore:2");

  g_test_message ("stderr without GST_DEBUG:\n%s", quiet);
  g_assert_nonnull (strstr (quiet, "ERROR: from element"));
  g_assert_nonnull (strstr (quiet, "Gave up on the signaling server"));
  g_assert_null (strstr (quiet, "tempchat-WARNING"));
  g_assert_null (strstr (quiet, "tempchatcore"));
  g_assert_null (strstr (quiet, "[s1]"));
  /* The same run's core warning, where GStreamer's debug log puts it. */
  g_assert_nonnull (strstr (debug, "WARN"));
  g_assert_nonnull (strstr (debug, "tempchatcore"));
  g_assert_nonnull (strstr (debug, "[s1] TC_ERR_SERVER_GONE"));
  g_free (quiet);
  g_free (debug);
}

static void
test_a_wrong_relay_path_is_named_by_its_http_status (void)
{
  gchar *url = g_strdup (the_relay.url);
  gchar *room = new_room ();
  GstElement *pipe;
  gchar *text = NULL;

  /* ws://127.0.0.1:PORT/v3/websocket -> ws://127.0.0.1:PORT/v3/wrong */
  strcpy (strstr (url, "websocket"), "wrong");
  pipe = launch ("tempchatsink name=t @ARGS@ videotestsrc is-live=true ! "
      "t.video", url, room);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_message (pipe, GST_MESSAGE_WARNING, 3000, &text));
  g_test_message ("warning: %s", text);
  g_assert_nonnull (strstr (text, "HTTP 404"));
  g_free (text);
  /* Retries go on (signaling-retries defaults to forever), rate-limited:
   * no second warning within the interval. */
  g_assert_null (pop (pipe, GST_MESSAGE_WARNING | GST_MESSAGE_ERROR, 3000));
  stop (pipe);
  g_free (room);
  g_free (url);
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *f = g_build_filename (dir, name, NULL);
    g_unlink (f);
    g_free (f);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

/* A relay with a certificate nobody trusts: an error at once (retrying
 * cannot help), saying it is the certificate. */
static void
test_an_untrusted_relay_certificate_is_named (void)
{
  gchar *dir = g_dir_make_tmp ("tc-gst-tls-XXXXXX", NULL);
  gchar *cert = g_build_filename (dir, "cert.pem", NULL);
  gchar *key = g_build_filename (dir, "key.pem", NULL);
  gchar *arg_cert = g_strdup_printf ("--cert=%s", cert);
  gchar *arg_key = g_strdup_printf ("--key=%s", key);
  const char *const args[] = { arg_cert, arg_key, NULL };
  relay tls = { 0 };
  gchar *room = new_room ();
  gchar *url, *text = NULL;
  GstElement *pipe;

  if (TC_OPENSSL[0] == '\0' || !make_certificate (dir)) {
    g_test_skip ("the openssl tool is needed for a test certificate");
    remove_dir (dir);
    g_free (dir);
    g_free (cert);
    g_free (key);
    g_free (arg_cert);
    g_free (arg_key);
    g_free (room);
    return;
  }
  relay_start_with (&tls, args);
  url = g_strdup (tls.url);
  pipe = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url, room);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_message (pipe, GST_MESSAGE_ERROR, 5000, &text));
  g_test_message ("error: %s", text);
  g_assert_nonnull (strstr (text, "TLS certificate not trusted"));
  g_free (text);
  stop (pipe);
  relay_stop (&tls);
  remove_dir (dir);
  g_free (url);
  g_free (room);
  g_free (dir);
  g_free (cert);
  g_free (key);
  g_free (arg_cert);
  g_free (arg_key);
}

/* --- 3. a third peer is told the room is busy, then joins -------------- */

/* Waits for the element message `name`; a RESOURCE/BUSY warning seen on the
 * way sets *busy_warning. FALSE after `ms` or on an error. */
static gboolean
wait_element (GstElement *pipe, const char *name, guint ms,
    gboolean *busy_warning)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end) {
    GstMessage *m = pop (pipe, GST_MESSAGE_ELEMENT | GST_MESSAGE_WARNING |
        GST_MESSAGE_ERROR, (guint) ((end - g_get_monotonic_time ()) / 1000));
    gboolean found = FALSE, failed = FALSE;
    GError *err = NULL;
    if (m == NULL)
      return FALSE;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
      gst_message_parse_warning (m, &err, NULL);
      g_test_message ("warning: %s", err->message);
      if (busy_warning != NULL && g_error_matches (err, GST_RESOURCE_ERROR,
              GST_RESOURCE_ERROR_BUSY))
        *busy_warning = TRUE;
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      gst_message_parse_error (m, &err, NULL);
      g_test_message ("error: %s", err->message);
      failed = TRUE;
    } else {
      found = gst_message_has_name (m, name);
    }
    g_clear_error (&err);
    gst_message_unref (m);
    if (found || failed)
      return found;
  }
  return FALSE;
}

typedef struct {
  gint added;
  gint no_more;
} pad_events;

static void
on_pad_added (GstElement *e, GstPad *pad, gpointer data)
{
  pad_events *p = data;
  g_atomic_int_inc (&p->added);
}

static void
on_no_more_pads (GstElement *e, gpointer data)
{
  pad_events *p = data;
  g_atomic_int_inc (&p->no_more);
  g_main_context_wakeup (NULL);
}

static gboolean
got_no_more_pads (gpointer data)
{
  return g_atomic_int_get (&((pad_events *) data)->no_more) > 0;
}

/* One process is one participant per signaling URL, channel and room: a
 * query string makes another participant on the same relay. */
static gchar *
participant_url (const char *n)
{
  return g_strdup_printf ("%s?participant=%s", the_relay.url, n);
}

static void
test_third_peer_is_told_the_room_is_busy_then_joins (void)
{
  gchar *room = new_room ();
  gchar *url_b = participant_url ("b"), *url_c = participant_url ("c");
  GstElement *a = launch ("videotestsrc is-live=true ! video/x-raw,width=320,"
      "height=240 ! tempchatsink name=t @ARGS@", the_relay.url, room);
  GstElement *b = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_b, room);
  GstElement *c = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_c, room);
  gboolean busy = FALSE;
  pad_events pads = { 0 };
  GstElement *src_c = gst_bin_get_by_name (GST_BIN (c), "t");

  g_signal_connect (src_c, "pad-added", G_CALLBACK (on_pad_added), &pads);
  g_signal_connect (src_c, "no-more-pads", G_CALLBACK (on_no_more_pads),
      &pads);
  gst_object_unref (src_c);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);
  g_assert_true (wait_element (b, "tempchat/connected", WAIT_MS, NULL));

  gst_element_set_state (c, GST_STATE_PLAYING);
  g_assert_true (wait_element (c, "tempchat/room-busy", WAIT_MS, &busy));
  g_assert_true (busy);

  /* B leaves: A, which sends, and C become a call. */
  stop (b);
  g_assert_true (wait_element (c, "tempchat/peer-joined", WAIT_MS, NULL));
  g_assert_true (wait_element (c, "tempchat/connected", WAIT_MS, NULL));
  /* The call receives video only (A sends no audio): its one pad, then
   * no-more-pads. */
  g_assert_true (wait_for (got_no_more_pads, &pads));
  g_assert_cmpint (g_atomic_int_get (&pads.added), ==, 1);
  stop (c);
  stop (a);
  g_free (url_b);
  g_free (url_c);
  g_free (room);
}

/* A relay that admits two per room refuses the third: the error says what
 * to do. */
static void
test_a_full_room_says_what_to_do (void)
{
  static const char *const two[] = { "--max-members=2", NULL };
  relay small = { 0 };
  gchar *room = new_room ();
  gchar *url_b, *url_c;
  GstElement *a, *b, *c;
  GstMessage *m;
  GError *err = NULL;

  relay_start_with (&small, two);
  url_b = g_strdup_printf ("%s?participant=b", small.url);
  url_c = g_strdup_printf ("%s?participant=c", small.url);
  a = launch ("tempchatsrc name=t @ARGS@ ! fakesink", small.url, room);
  b = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_b, room);
  c = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_c, room);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);
  /* Both are in the room once they found each other. */
  g_assert_true (wait_element (a, "tempchat/peer-joined", WAIT_MS, NULL));
  g_assert_true (wait_element (b, "tempchat/peer-joined", WAIT_MS, NULL));
  gst_element_set_state (c, GST_STATE_PLAYING);
  m = pop (c, GST_MESSAGE_ERROR, WAIT_MS);
  g_assert_nonnull (m);
  gst_message_parse_error (m, &err, NULL);
  g_test_message ("error: %s", err->message);
  g_assert_true (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_BUSY));
  g_assert_nonnull (strstr (err->message, "Use a new room"));
  g_error_free (err);
  gst_message_unref (m);
  stop (c);
  stop (b);
  stop (a);
  relay_stop (&small);
  g_free (url_b);
  g_free (url_c);
  g_free (room);
}

/* --- 4 and 5. properties while PLAYING, queries before a peer ---------- */

static void
assert_latency (GstElement *src, guint ms)
{
  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;
  GstClockTime min = 0, max = 0;

  g_assert_true (gst_element_query (src, q));
  gst_query_parse_latency (q, &live, &min, &max);
  gst_query_unref (q);
  g_assert_true (live);
  g_assert_cmpuint (min, ==, ms * GST_MSECOND);
}

static void
test_latency_is_answered_before_a_peer_and_changes_live (void)
{
  gchar *room = new_room ();
  GstElement *pipe = launch ("tempchatsrc name=t latency=350 @ARGS@ "
      "t.video_0 ! queue ! fakesink", the_relay.url, room);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "t");
  guint now = 0;

  play (pipe, "t");
  assert_latency (src, 350);
  g_object_set (src, "latency", 500, NULL);
  g_object_get (src, "latency", &now, NULL);
  g_assert_cmpuint (now, ==, 500);
  assert_latency (src, 500);
  /* Live, so no warning. */
  g_assert_null (pop (pipe, GST_MESSAGE_WARNING, 0));
  gst_object_unref (src);
  stop (pipe);
  g_free (room);
}

static void
test_restart_properties_refuse_changes_while_playing (void)
{
  gchar *room = new_room ();
  GstElement *pipe = launch ("videotestsrc is-live=true ! tempchatsink "
      "name=t @ARGS@", the_relay.url, room);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "t");
  GstMessage *m;
  GError *err = NULL;
  gchar *now = NULL, *dead = dead_url ();

  play (pipe, "t");
  g_object_set (sink, "room", "otherroom", NULL);
  m = pop (pipe, GST_MESSAGE_WARNING, 1000);
  g_assert_nonnull (m);
  gst_message_parse_warning (m, &err, NULL);
  g_test_message ("warning: %s", err->message);
  g_assert_true (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_STATE_CHANGE));
  g_assert_nonnull (strstr (err->message, "\"room\""));
  g_error_free (err);
  gst_message_unref (m);
  g_object_get (sink, "room", &now, NULL);
  g_assert_cmpstr (now, ==, room);
  g_free (now);
  gst_object_unref (sink);

  /* In READY the same kind of change is taken, and the call uses it: a
   * signaling URL where nobody listens is tried (and warned about). */
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_READY), ==,
      GST_STATE_CHANGE_SUCCESS);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "t");
  g_object_set (sink, "room", "otherroom", "signaling-url", dead, NULL);
  g_object_get (sink, "room", &now, NULL);
  g_assert_cmpstr (now, ==, "otherroom");
  g_free (now);
  gst_object_unref (sink);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_message (pipe, GST_MESSAGE_WARNING, 3000, &now));
  g_test_message ("after READY: %s", now);
  g_assert_nonnull (strstr (now, "connection refused"));
  g_free (now);
  stop (pipe);
  g_free (dead);
  g_free (room);
}

/* --- 6. the sender's knobs --------------------------------------------- */

typedef struct {
  GstElement *sink;
  guint64 at_most;
  gchar *kinds;         /* encoder-setup calls: "video audio " (any order) */
  gint filtered;        /* VP8 buffers through our request-encoded-filter */
} knobs;

static void
on_filtered (GstElement *identity, GstBuffer *buf, gpointer data)
{
  knobs *k = data;
  g_atomic_int_inc (&k->filtered);
}

static GstElement *
on_request_encoded_filter (GstElement *src, const gchar *kind, GstCaps *caps,
    gpointer data)
{
  GstElement *identity;

  if (!g_str_equal (kind, "video"))
    return NULL;
  g_assert_true (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/x-vp8"));
  identity = gst_element_factory_make ("identity", NULL);
  g_object_set (identity, "signal-handoffs", TRUE, NULL);
  g_signal_connect (identity, "handoff", G_CALLBACK (on_filtered), data);
  return identity;
}

static gboolean
got_filtered (gpointer data)
{
  return g_atomic_int_get (&((knobs *) data)->filtered) > 0;
}

static void
on_encoder_setup (GstElement *sink, const gchar *kind, GstElement *encoder,
    gpointer data)
{
  static GMutex lock;     /* one streaming thread per pad */
  knobs *k = data;

  g_mutex_lock (&lock);
  gchar *kinds = g_strconcat (k->kinds != NULL ? k->kinds : "", kind, " ",
      NULL);
  g_free (k->kinds);
  k->kinds = kinds;
  g_mutex_unlock (&lock);
  if (g_str_equal (kind, "video"))
    g_object_set (encoder, "keyframe-max-dist", 42, NULL);
}

static guint64
stat_u64 (GstElement *e, const char *field)
{
  GstStructure *s = NULL;
  guint64 v = 0;

  g_object_get (e, "stats", &s, NULL);
  g_assert_true (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* The estimate moved into the limit (a report comes at least every
 * second). */
static gboolean
target_within (gpointer data)
{
  knobs *k = data;
  guint64 t = stat_u64 (k->sink, "target-bitrate");
  return t > 0 && t <= k->at_most;
}

static gboolean
tick (gpointer unused)
{
  return G_SOURCE_CONTINUE;
}

static GstElement *
find_factory (GstElement *bin, const char *factory)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue v = G_VALUE_INIT;
  GstElement *found = NULL;

  while (found == NULL && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);
    if (f != NULL && g_str_equal (GST_OBJECT_NAME (f), factory))
      found = gst_object_ref (e);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return found;
}

static void
test_bitrate_knobs_and_encoder_setup (void)
{
  gchar *room = new_room ();
  gchar *url_b = participant_url ("b");
  GstElement *a = launch ("videotestsrc is-live=true pattern=snow ! "
      "video/x-raw,width=640,height=360,framerate=30/1 ! tempchatsink name=t "
      "video-codecs=vp8 min-bitrate=300000 start-bitrate=800000 "
      "max-bitrate=1000000 @ARGS@ "
      "audiotestsrc is-live=true ! t.audio", the_relay.url, room);
  GstElement *b = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_b, room);
  knobs k = { 0 };
  GstElement *vp8enc;
  guint ticker = g_timeout_add (100, tick, NULL);
  gint dist = 0;

  k.sink = gst_bin_get_by_name (GST_BIN (a), "t");
  g_signal_connect (k.sink, "encoder-setup", G_CALLBACK (on_encoder_setup),
      &k);
  {
    GstElement *src = gst_bin_get_by_name (GST_BIN (b), "t");
    g_signal_connect (src, "request-encoded-filter",
        G_CALLBACK (on_request_encoded_filter), &k);
    gst_object_unref (src);
  }
  g_assert_cmpuint (stat_u64 (k.sink, "min-bitrate"), ==, 300000);
  g_assert_cmpuint (stat_u64 (k.sink, "start-bitrate"), ==, 800000);
  g_assert_cmpuint (stat_u64 (k.sink, "max-bitrate"), ==, 1000000);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);
  g_assert_true (wait_element (a, "tempchat/connected", WAIT_MS, NULL));

  /* encoder-setup let us change the encoder we did not create. */
  g_assert_cmpuint (strlen (k.kinds), ==, strlen ("video audio "));
  g_assert_nonnull (strstr (k.kinds, "video "));
  g_assert_nonnull (strstr (k.kinds, "audio "));
  vp8enc = find_factory (a, "vp8enc");
  g_assert_nonnull (vp8enc);
  g_object_get (vp8enc, "keyframe-max-dist", &dist, NULL);
  g_assert_cmpint (dist, ==, 42);
  gst_object_unref (vp8enc);

  /* The receiver's filter sees the encoded video before the decoder. */
  g_assert_true (wait_for (got_filtered, &k));

  k.at_most = 1000000;
  g_assert_true (wait_for (target_within, &k));
  /* It starts at start-bitrate: the limit below is a real change. */
  g_assert_cmpuint (stat_u64 (k.sink, "target-bitrate"), >, 400000);
  /* Lower while PLAYING: taken without a warning, the target follows. */
  g_object_set (k.sink, "max-bitrate", 400000, NULL);
  g_assert_null (pop (a, GST_MESSAGE_WARNING, 0));
  g_assert_cmpuint (stat_u64 (k.sink, "max-bitrate"), ==, 400000);
  k.at_most = 400000;
  g_assert_true (wait_for (target_within, &k));
  g_test_message ("target %" G_GUINT64_FORMAT " bit/s",
      stat_u64 (k.sink, "target-bitrate"));

  g_source_remove (ticker);
  gst_object_unref (k.sink);
  g_free (k.kinds);
  stop (b);
  stop (a);
  g_free (url_b);
  g_free (room);
}

/* --- 7. no encoding alone in a room -------------------------------------- */

typedef struct {
  gint raw;             /* frames the source made */
  gint encoded;         /* frames out of the video encoder */
  gint first_is_key;    /* the first encoded frame was a keyframe: 1, else 2 */
  gint video_encoders;  /* encoder-setup calls for video */
} idle_counts;

static GstPadProbeReturn
count_raw (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  g_atomic_int_inc (&((idle_counts *) data)->raw);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_encoded (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  idle_counts *c = data;
  GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER (info);

  if (g_atomic_int_add (&c->encoded, 1) == 0)
    g_atomic_int_set (&c->first_is_key,
        GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT) ? 2 : 1);
  return GST_PAD_PROBE_OK;
}

static void
on_video_encoder (GstElement *sink, const gchar *kind, GstElement *encoder,
    gpointer data)
{
  idle_counts *c = data;
  GstPad *pad;

  if (!g_str_equal (kind, "video"))
    return;
  g_atomic_int_inc (&c->video_encoders);
  pad = gst_element_get_static_pad (encoder, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_encoded, c, NULL);
  gst_object_unref (pad);
}

static gboolean
raw_made (gpointer data)
{
  return g_atomic_int_get (&((idle_counts *) data)->raw) >= 45;
}

/* For wait_for on a counter of frames. */
static gboolean
ten_or_more (gpointer counter)
{
  return g_atomic_int_get ((gint *) counter) >= 10;
}

/* Alone in its room, tempchatsink encodes nothing (1.5 s of frames from a
 * live source never reach its encoder); when a peer joins, the encoder's
 * first frame is the call's first keyframe, from the encoder it had:
 * no second one is made for it (av1enc, which ignores keyframe requests,
 * used to be replaced). */
static void
sink_encodes_nothing_alone (const char *codec)
{
  gchar *room = new_room ();
  gchar *url_b = participant_url ("b");
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! identity name=raw ! "
      "tempchatsink name=t video-codecs=%s @ARGS@", codec);
  GstElement *a = launch (desc, the_relay.url, room);
  GstElement *b = NULL;
  idle_counts c = { 0 };
  guint ticker = g_timeout_add (50, tick, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (a), "t");
  GstElement *raw = gst_bin_get_by_name (GST_BIN (a), "raw");
  GstPad *pad = gst_element_get_static_pad (raw, "src");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_raw, &c, NULL);
  g_signal_connect (sink, "encoder-setup", G_CALLBACK (on_video_encoder), &c);
  gst_element_set_state (a, GST_STATE_PLAYING);
  g_assert_true (wait_for (raw_made, &c));
  g_assert_cmpint (g_atomic_int_get (&c.encoded), ==, 0);

  b = launch ("tempchatsrc name=t @ARGS@ ! fakesink", url_b, room);
  gst_element_set_state (b, GST_STATE_PLAYING);
  g_assert_true (wait_element (a, "tempchat/connected", WAIT_MS, NULL));
  g_assert_true (wait_for (ten_or_more, &c.encoded));
  g_assert_cmpint (g_atomic_int_get (&c.first_is_key), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&c.video_encoders), ==, 1);
  g_test_message ("%s: %d raw frames before the peer, %d encoded since",
      codec, 45, g_atomic_int_get (&c.encoded));

  g_source_remove (ticker);
  gst_object_unref (pad);
  gst_object_unref (raw);
  gst_object_unref (sink);
  stop (b);
  stop (a);
  g_free (desc);
  g_free (url_b);
  g_free (room);
}

static void
test_sink_encodes_nothing_alone_av1 (void)
{
  sink_encodes_nothing_alone ("av1");
}

static void
test_sink_encodes_nothing_alone_vp8 (void)
{
  sink_encodes_nothing_alone ("vp8");
}

/* --- a new picture size mid-call --------------------------------------- */

/* Frames at the receiver's fakesink, by the width of the caps they came
 * with. */
typedef struct {
  gint small;           /* 320 wide */
  gint big;             /* 640 wide */
  gint other;
} sized_frames;

static GstPadProbeReturn
count_by_width (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  sized_frames *f = data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gint w = 0;

  if (caps != NULL) {
    gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &w);
    gst_caps_unref (caps);
  }
  g_atomic_int_inc (w == 320 ? &f->small : w == 640 ? &f->big : &f->other);
  return GST_PAD_PROBE_OK;
}

/* A sender's picture grows mid-call (as a browser's does when its estimate
 * lets it leave the size it started at): the receiver decodes the new size
 * from the keyframe the encoder makes for it, without anything done to
 * either pipeline, and the call goes on. */
static void
test_a_new_size_mid_call_is_decoded_at_that_size (void)
{
  gchar *room = new_room ();
  gchar *url_b = participant_url ("b");
  GstElement *a = launch ("videotestsrc is-live=true ! capsfilter name=size "
      "caps=video/x-raw,width=320,height=240,framerate=30/1 ! "
      "tempchatsink name=t video-codecs=vp8 @ARGS@", the_relay.url, room);
  GstElement *b = launch ("tempchatsrc name=t @ARGS@ ! fakesink name=out",
      url_b, room);
  GstElement *size = gst_bin_get_by_name (GST_BIN (a), "size");
  GstElement *out = gst_bin_get_by_name (GST_BIN (b), "out");
  GstPad *pad = gst_element_get_static_pad (out, "sink");
  GstCaps *bigger = gst_caps_from_string ("video/x-raw,width=640,height=360,"
      "framerate=30/1");
  guint ticker = g_timeout_add (50, tick, NULL);
  sized_frames f = { 0 };

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_by_width, &f,
      NULL);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);
  g_assert_true (wait_for (ten_or_more, &f.small));
  g_object_set (size, "caps", bigger, NULL);
  g_assert_true (wait_for (ten_or_more, &f.big));
  g_test_message ("decoded %d frames at 320x240, then %d at 640x360",
      g_atomic_int_get (&f.small), g_atomic_int_get (&f.big));
  g_assert_cmpint (g_atomic_int_get (&f.other), ==, 0);
  g_assert_null (pop (b, GST_MESSAGE_ERROR, 0));

  g_source_remove (ticker);
  gst_caps_unref (bigger);
  gst_object_unref (pad);
  gst_object_unref (out);
  gst_object_unref (size);
  stop (b);
  stop (a);
  g_free (url_b);
  g_free (room);
}

/* The target the sink's estimate has once it has one (a report comes at
 * least every second). */
static gboolean
target_known (gpointer data)
{
  return stat_u64 (((knobs *) data)->sink, "target-bitrate") > 0;
}

/* max-bitrate goes into the description (b=AS, x-google-max-bitrate): a
 * peer reads it there and sends no more. Side a, a two-way pipeline, asks
 * for at most 500 kbit/s; side b, a default 720p sink that would start at
 * 2 Mbit/s, starts at that instead. */
static void
test_max_bitrate_reaches_the_peer_through_the_sdp (void)
{
  gchar *room = new_room ();
  gchar *url_b = participant_url ("b");
  GstElement *a = launch ("videotestsrc is-live=true ! video/x-raw,width=320,"
      "height=240 ! tempchatsink name=t video-codecs=vp8 max-bitrate=500000 "
      "@ARGS@ tempchatsrc name=r @ARGS@ ! fakesink", the_relay.url, room);
  GstElement *b = launch ("videotestsrc is-live=true ! video/x-raw,width=320,"
      "height=240 ! tempchatsink name=t video-codecs=vp8 @ARGS@ "
      "tempchatsrc name=r @ARGS@ ! fakesink", url_b, room);
  knobs k = { 0 };
  guint ticker = g_timeout_add (100, tick, NULL);
  guint64 target;

  k.sink = gst_bin_get_by_name (GST_BIN (b), "t");
  g_assert_cmpuint (stat_u64 (k.sink, "start-bitrate"), ==, 2000000);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);
  g_assert_true (wait_element (b, "tempchat/connected", WAIT_MS, NULL));
  g_assert_true (wait_for (target_known, &k));
  target = stat_u64 (k.sink, "target-bitrate");
  g_test_message ("the peer's first target: %" G_GUINT64_FORMAT " bit/s",
      target);
  g_assert_cmpuint (target, <=, 500000);

  g_source_remove (ticker);
  gst_object_unref (k.sink);
  stop (b);
  stop (a);
  g_free (url_b);
  g_free (room);
}

/* --- 8. every documented pipeline runs -------------------------------- */

/* The gst-launch-1.0 lines of `path`: in ```sh blocks (Markdown) or in
 * |[ ... ]| blocks (gtk-doc in C), with their continuation lines joined. */
static GPtrArray *
documented_pipelines (const char *path)
{
  gchar *text = NULL;
  gchar **lines;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GString *cur = NULL;
  gboolean in_block = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    gchar *l = g_strstrip (lines[i]);
    if (g_str_has_prefix (l, "* "))
      l = g_strstrip (l + 2);
    if (g_str_has_prefix (l, "```") || g_str_has_prefix (l, "|[")
        || g_str_has_prefix (l, "]|")) {
      in_block = g_str_has_prefix (l, "```sh") || g_str_has_prefix (l, "|[");
      continue;
    }
    if (!in_block)
      continue;
    if (cur == NULL && g_str_has_prefix (l, "gst-launch-1.0 "))
      cur = g_string_new (NULL);
    if (cur == NULL)
      continue;
    g_string_append (cur, l);
    if (g_str_has_suffix (cur->str, "\\")) {
      g_string_truncate (cur, cur->len - 1);
      g_string_append_c (cur, ' ');
      continue;
    }
    g_ptr_array_add (out, g_string_free (cur, FALSE));
    cur = NULL;
  }
  g_assert_null (cur);
  g_strfreev (lines);
  g_free (text);
  return out;
}

/* What a machine without camera, microphone, screen or internet can run:
 * test sources and fakesinks, our relay, our room, files in `dir`, TURN on a
 * closed loopback port. The element settings are otherwise kept. */
static gchar *
runnable (const char *line, const char *room, const char *dir)
{
  static const char *const swaps[][2] = {
    {"v4l2src", "videotestsrc is-live=true"},
    {"pulsesrc", "audiotestsrc is-live=true"},
    {"autovideosink", "fakesink"},
    {"autoaudiosink", "fakesink"},
  };
  gchar **argv = NULL;
  GString *out = g_string_new (NULL);
  gchar *dead = dead_url ();
  const char *port = strrchr (dead, ':') + 1;

  g_assert_true (g_shell_parse_argv (line, NULL, &argv, NULL));
  g_assert_cmpstr (argv[0], ==, "gst-launch-1.0");
  for (guint i = 1; argv[i] != NULL; i++) {
    const char *t = argv[i];
    gchar *own = NULL;
    if (t[0] == '-' || g_str_has_prefix (t, "signaling-url="))
      continue;
    for (guint j = 0; j < G_N_ELEMENTS (swaps); j++)
      if (g_str_equal (t, swaps[j][0]))
        t = swaps[j][1];
    if (g_str_has_prefix (t, "room="))
      t = own = g_strdup_printf ("room=%s", room);
    else if (g_str_has_prefix (t, "channel="))
      t = own = g_strdup ("channel=" CHANNEL);
    else if (g_str_has_prefix (t, "location="))
      t = own = g_strdup_printf ("location=%s/%s", dir, t + 9);
    else if (g_str_has_prefix (t, "turn-server="))
      t = own = g_strdup_printf ("turn-server=turn:127.0.0.1:%.*s", (int)
          strcspn (port, "/"), port);
    g_string_append_printf (out, "%s ", t);
    if (g_str_equal (t, "tempchatsink") || g_str_equal (t, "tempchatsrc"))
      g_string_append_printf (out, "signaling-url=%s ", the_relay.url);
    g_free (own);
  }
  g_strfreev (argv);
  g_free (dead);
  return g_string_free (out, FALSE);
}

/* Starts, reaches PLAYING in every tempchat element without an error, and
 * ends on EOS. */
static void
run_documented (const char *line, const char *dir)
{
  gchar *room = new_room ();
  gchar *desc = runnable (line, room, dir);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstIterator *it;
  GValue v = G_VALUE_INIT;
  GstMessage *m;
  guint ours = 0;

  g_test_message ("%s\n  runs as: %s", line, desc);
  g_assert_no_error (err);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  it = gst_bin_iterate_recurse (GST_BIN (pipe));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);
    GstState now = GST_STATE_NULL;
    if (f != NULL && g_str_has_prefix (GST_OBJECT_NAME (f), "tempchat")) {
      gst_element_get_state (e, &now, NULL, 10 * GST_SECOND);
      g_assert_cmpint (now, ==, GST_STATE_PLAYING);
      ours++;
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  g_assert_cmpuint (ours, >, 0);
  m = pop (pipe, GST_MESSAGE_ERROR, 0);
  if (m != NULL) {
    gst_message_parse_error (m, &err, NULL);
    g_error ("%s", err->message);
  }
  g_assert_cmpint (eos_ms (pipe), <, 1000);
  stop (pipe);
  g_free (desc);
  g_free (room);
}

static void
test_every_documented_pipeline_runs (void)
{
  /* Each file and the fewest examples it has (a lost code fence would
   * otherwise pass by running nothing). */
  static const struct { const char *path; guint at_least; } docs[] = {
    { "README.md", 3 }, { "gst-plugin/gsttempchatsink.c", 3 },
    { "gst-plugin/gsttempchatsrc.c", 3 },
#ifdef TC_GST_AV1DEC
    { "gst-plugin/gsttempchatav1dec.c", 1 },
#endif
  };
  gchar *dir = g_dir_make_tmp ("tc-gst-docs-XXXXXX", NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  for (guint i = 0; i < G_N_ELEMENTS (docs); i++) {
    gchar *path = g_build_filename (TC_SOURCE_DIR, docs[i].path, NULL);
    GPtrArray *lines = documented_pipelines (path);
    g_assert_cmpuint (lines->len, >=, docs[i].at_least);
    for (guint j = 0; j < lines->len; j++, n++)
      run_documented (g_ptr_array_index (lines, j), dir);
    g_ptr_array_unref (lines);
    g_free (path);
  }
  g_test_message ("%u documented pipelines ran", n);
  /* What they wrote (a recording) goes with the directory. */
  remove_dir (dir);
  g_free (dir);
}

/* A setting made in READY that cannot work fails the next start with the
 * sentence, and the element still goes back to NULL cleanly. */
static void
test_a_bad_setting_made_in_ready_fails_the_start (void)
{
  gchar *room = new_room ();
  GstElement *pipe = launch ("tempchatsrc name=t @ARGS@ ! fakesink",
      the_relay.url, room);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "t");
  GstMessage *m;
  GError *err = NULL;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_READY), ==,
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (src, "signaling-url", "ws://127.0.0.1:99999/v3/websocket",
      NULL);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), ==,
      GST_STATE_CHANGE_FAILURE);
  m = pop (pipe, GST_MESSAGE_ERROR, 1000);
  g_assert_nonnull (m);
  gst_message_parse_error (m, &err, NULL);
  g_assert_true (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS));
  g_assert_nonnull (strstr (err->message, "port 99999 is out of range"));
  g_error_free (err);
  gst_message_unref (m);
  gst_object_unref (src);
  stop (pipe);
  g_free (room);
}

int
main (int argc, char **argv)
{
  gchar *reg;
  int ret;

  reg = gst_test_private_registry ("tc-gst-pipeline");
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  /* The core warns about the errors these tests provoke on purpose (a
   * relay that is not there); what the user sees is asserted on the bus. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  relay_start (&the_relay);

  g_test_add_func ("/gst/pipeline/src-without-pads-ends-on-eos",
      test_src_without_pads_ends_on_eos);
  g_test_add_func ("/gst/pipeline/src-ends-on-eos-when-the-relay-is-"
      "unreachable", test_src_ends_on_eos_when_the_relay_is_unreachable);
  g_test_add_func ("/gst/pipeline/sink-ends-on-eos-before-its-source-"
      "produced", test_sink_ends_on_eos_before_its_source_produced);

  g_test_add_func ("/gst/pipeline/unreachable-relay-warns-with-the-reason-"
      "then-fails", test_unreachable_relay_warns_with_the_reason_then_fails);
  g_test_add_func ("/gst/pipeline/a-wrong-relay-path-is-named-by-its-http-"
      "status", test_a_wrong_relay_path_is_named_by_its_http_status);

  g_test_add_func ("/gst/pipeline/third-peer-is-told-the-room-is-busy-then-"
      "joins", test_third_peer_is_told_the_room_is_busy_then_joins);

  g_test_add_func ("/gst/pipeline/latency-is-answered-before-a-peer-and-"
      "changes-live", test_latency_is_answered_before_a_peer_and_changes_live);
  g_test_add_func ("/gst/pipeline/restart-properties-refuse-changes-while-"
      "playing", test_restart_properties_refuse_changes_while_playing);

  g_test_add_func ("/gst/pipeline/sink-encodes-nothing-alone-av1",
      test_sink_encodes_nothing_alone_av1);
  g_test_add_func ("/gst/pipeline/sink-encodes-nothing-alone-vp8",
      test_sink_encodes_nothing_alone_vp8);
  g_test_add_func ("/gst/pipeline/a-new-size-mid-call-is-decoded-at-that-"
      "size", test_a_new_size_mid_call_is_decoded_at_that_size);
  g_test_add_func ("/gst/pipeline/bitrate-knobs-encoder-setup-and-encoded-filter",
      test_bitrate_knobs_and_encoder_setup);


  g_test_add_func ("/gst/pipeline/max-bitrate-reaches-the-peer-through-"
      "the-sdp", test_max_bitrate_reaches_the_peer_through_the_sdp);
  g_test_add_func ("/gst/pipeline/core-warnings-go-to-the-debug-log-not-"
      "stderr", test_core_warnings_go_to_the_debug_log_not_stderr);
  g_test_add_func ("/gst/pipeline/every-documented-pipeline-runs",
      test_every_documented_pipeline_runs);

  g_test_add_func ("/gst/pipeline/a-full-room-says-what-to-do",
      test_a_full_room_says_what_to_do);

  g_test_add_func ("/gst/pipeline/an-untrusted-relay-certificate-is-named",
      test_an_untrusted_relay_certificate_is_named);

  g_test_add_func ("/gst/pipeline/a-bad-setting-made-in-ready-fails-the-"
      "start", test_a_bad_setting_made_in_ready_fails_the_start);

  ret = g_test_run ();
  relay_stop (&the_relay);
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
