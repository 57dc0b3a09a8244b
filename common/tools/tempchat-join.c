/* tempchat-join - join a TempChat room's signaling and print what happens.
 *
 *   tempchat-join --url URL --channel ID [--insecure] [--ca-file F]
 *                 [--exit-on-peer] [--send-offer TEXT] ROOM
 *
 * One line per event on stdout, flushed at once so scripts can wait on it:
 *   open | subscribed members=1 | peer-joined role=offerer members=2 |
 *   peer-left | extra-member members=3 | message sdp offer |
 *   message candidate | disconnected retry_ms=812 | reconnected |
 *   error TC_ERR_ROOM_FULL: the room is full
 * Exit status: 0 on SIGINT/SIGTERM or after --exit-on-peer, 1 after a fatal
 * error, 2 for bad usage or settings.
 */
#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "tempchat/tc_signal.h"

/* How long stop() gets to say goodbye (unsubscribe + close frame). */
#define GOODBYE_MS 300

typedef struct {
  GMainLoop *loop;
  tc_signal *sig;
  gboolean exit_on_peer;
  const char *send_offer;
  gboolean offer_sent;
  int exit_code;
} app;

static void
print_line (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
print_line (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
}

static void
print_message (const tc_peer_msg *msg)
{
  switch (msg->kind) {
    case TC_PEER_MSG_SDP:
      print_line ("message sdp %s", tc_sdp_type_str (msg->sdp_type));
      break;
    case TC_PEER_MSG_CANDIDATE:
      print_line ("message candidate");
      break;
    case TC_PEER_MSG_END_OF_CANDIDATES:
      print_line ("message end-of-candidates");
      break;
  }
}

static void
maybe_send_offer (app *a)
{
  if (a->send_offer == NULL || a->offer_sent)
    return;
  a->offer_sent = TRUE;
  tc_peer_msg offer = {
    .kind = TC_PEER_MSG_SDP,
    .sdp_type = TC_SDP_OFFER,
    .sdp = (char *) a->send_offer,
    .sdp_mline_index = -1,
  };
  tc_status st = tc_signal_send (a->sig, &offer);
  if (st != TC_OK)
    fprintf (stderr, "tempchat-join: offer not sent: %s\n", tc_status_str (st));
}

static void
on_event (tc_signal *sig, const tc_signal_event *ev, void *user_data)
{
  app *a = user_data;
  const char *name = tc_signal_event_name (ev->type);
  switch (ev->type) {
    case TC_SIGNAL_EV_SUBSCRIBED:
    case TC_SIGNAL_EV_EXTRA_MEMBER:
      print_line ("%s members=%u", name, ev->members);
      break;
    case TC_SIGNAL_EV_PEER_JOINED:
      print_line ("%s role=%s members=%u", name,
          ev->is_offerer ? "offerer" : "answerer", ev->members);
      maybe_send_offer (a);
      if (a->exit_on_peer)
        g_main_loop_quit (a->loop);
      break;
    case TC_SIGNAL_EV_MESSAGE:
      print_message (ev->msg);
      break;
    case TC_SIGNAL_EV_DISCONNECTED:
      print_line ("%s retry_ms=%u", name, ev->retry_ms);
      break;
    case TC_SIGNAL_EV_ERROR:
      print_line ("%s %s: %s", name, tc_status_name (ev->status), ev->text);
      if (ev->fatal) {
        a->exit_code = 1;
        g_main_loop_quit (a->loop);
      }
      break;
    default:
      print_line ("%s", name);
      break;
  }
}

static gboolean
on_quit_signal (gpointer data)
{
  g_main_loop_quit (((app *) data)->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_goodbye_done (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Lets the unsubscribe and close frame go out before the process ends. */
static void
say_goodbye (app *a)
{
  tc_signal_stop (a->sig);
  GSource *t = g_timeout_source_new (GOODBYE_MS);
  g_source_set_callback (t, on_goodbye_done, a->loop, NULL);
  g_source_attach (t, NULL);
  g_main_loop_run (a->loop);
  g_source_destroy (t);
  g_source_unref (t);
}

/* Joins and prints events until a signal, a fatal error or --exit-on-peer. */
static int
run (const tc_scaledrone_config *cfg, gboolean exit_on_peer,
    const char *send_offer)
{
  app a = {.exit_on_peer = exit_on_peer, .send_offer = send_offer};
  tc_status st;
  a.sig = tc_scaledrone_new (cfg, NULL, on_event, &a, &st);
  if (a.sig == NULL) {
    print_line ("error %s: %s", tc_status_name (st), tc_status_str (st));
    return 2;
  }
  a.loop = g_main_loop_new (NULL, FALSE);
  guint sigint = g_unix_signal_add (SIGINT, on_quit_signal, &a);
  guint sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &a);

  st = tc_signal_start (a.sig);
  if (st != TC_OK) {
    print_line ("error %s: %s", tc_status_name (st), tc_status_str (st));
    a.exit_code = 1;
  } else {
    g_main_loop_run (a.loop);
    /* After a fatal error the client has already stopped. */
    if (a.exit_code == 0)
      say_goodbye (&a);
  }

  g_source_remove (sigint);
  g_source_remove (sigterm);
  tc_signal_free (a.sig);
  g_main_loop_unref (a.loop);
  return a.exit_code;
}

int
main (int argc, char **argv)
{
  char *url = NULL, *channel = NULL, *ca_file = NULL, *send_offer = NULL;
  gboolean insecure = FALSE, exit_on_peer = FALSE;
  gint attempts = 0, base_ms = 0;
  GOptionEntry entries[] = {
    {"url", 0, 0, G_OPTION_ARG_STRING, &url,
      "Signaling URL (default " TC_SIGNAL_DEFAULT_URL ")", "URL"},
    {"channel", 0, 0, G_OPTION_ARG_STRING, &channel,
      "ScaleDrone channel id", "ID"},
    {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
      "Allow ws:// to hosts that are not loopback", NULL},
    {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "Extra trusted CA certificates (PEM) for wss://", "FILE"},
    {"exit-on-peer", 0, 0, G_OPTION_ARG_NONE, &exit_on_peer,
      "Exit with status 0 once a peer has joined", NULL},
    {"send-offer", 0, 0, G_OPTION_ARG_STRING, &send_offer,
      "Publish an SDP offer with this text once a peer joins", "TEXT"},
    {"reconnect-attempts", 0, 0, G_OPTION_ARG_INT, &attempts,
      "Reconnect attempts before giving up (default 25)", "N"},
    {"reconnect-base-ms", 0, 0, G_OPTION_ARG_INT, &base_ms,
      "First reconnect delay in ms (default 1000)", "MS"},
    G_OPTION_ENTRY_NULL,
  };
  GOptionContext *opts = g_option_context_new ("ROOM");
  g_option_context_set_summary (opts,
      "Join a TempChat room's signaling and print one line per event.\n"
      "ROOM is a TempChat link, #hash or hash.");
  g_option_context_add_main_entries (opts, entries, NULL);
  GError *err = NULL;
  gboolean parsed = g_option_context_parse (opts, &argc, &argv, &err);
  g_option_context_free (opts);
  int code;
  if (!parsed || argc != 2 || channel == NULL || attempts < 0 || base_ms < 0) {
    fprintf (stderr, "tempchat-join: %s\n", err != NULL ? err->message
        : "usage: tempchat-join --channel ID [--url URL] [options] ROOM");
    g_clear_error (&err);
    code = 2;
  } else {
    tc_scaledrone_config cfg = {
      .url = url,
      .channel = channel,
      .room = argv[1],
      .allow_insecure = insecure,
      .ca_file = ca_file,
      .reconnect_base_ms = (unsigned) base_ms,
      .reconnect_attempts = (unsigned) attempts,
    };
    code = run (&cfg, exit_on_peer, send_offer);
  }
  g_free (url);
  g_free (channel);
  g_free (ca_file);
  g_free (send_offer);
  return code;
}
