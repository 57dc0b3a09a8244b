/* bench/webrtcbin_pair.c - see webrtcbin_pair.h. */
#include "webrtcbin_pair.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bench_die (const char *what)
{
  fprintf (stderr, "%s: %s\n", g_get_prgname () ? g_get_prgname () : "bench",
      what);
  exit (1);
}

GstElement *
bench_parse_or_die (const char *desc)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  if (err != NULL) {
    fprintf (stderr, "%s: \"%s\": %s\n", g_get_prgname () ? g_get_prgname ()
        : "bench", desc, err->message);
    exit (1);
  }
  return pipe;
}

GstElement *
bench_add_linked (GstPad *from, GstElement *e)
{
  GstElement *owner = gst_pad_get_parent_element (from);
  GstElement *bin = GST_ELEMENT (gst_element_get_parent (owner));
  gst_bin_add (GST_BIN (bin), e);
  gst_element_sync_state_with_parent (e);
  GstPad *in = gst_element_get_static_pad (e, "sink");
  if (gst_pad_link (from, in) != GST_PAD_LINK_OK)
    bench_die ("a new pad would not link");
  gst_object_unref (in);
  gst_object_unref (bin);
  gst_object_unref (owner);
  return e;
}

void
rtc_peer_send_line (rtc_peer *p, const char *word, const char *a,
    const char *b)
{
  gchar *line = g_strdup_printf ("%s %s %s\n", word, a, b);
  gsize n;
  g_io_channel_write_chars (p->chan, line, -1, &n, NULL);
  g_io_channel_flush (p->chan, NULL);
  g_free (line);
}

static void
on_ice_candidate (GstElement *w, guint mline, gchar *cand, gpointer data)
{
  gchar idx[16];
  g_snprintf (idx, sizeof idx, "%u", mline);
  rtc_peer_send_line (data, "ice", idx, cand);
}

static void
on_local_description (GstPromise *promise, gpointer data)
{
  rtc_peer *p = data;
  const GstStructure *r = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *desc = NULL;
  gst_structure_get (r, p->offerer ? "offer" : "answer",
      GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL);
  gst_promise_unref (promise);
  if (desc == NULL)
    bench_die ("webrtcbin made no description");
  g_signal_emit_by_name (p->webrtc, "set-local-description", desc, NULL);
  gchar *text = gst_sdp_message_as_text (desc->sdp);
  gchar *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  rtc_peer_send_line (p, "sdp", p->offerer ? "offer" : "answer", b64);
  g_free (b64);
  g_free (text);
  gst_webrtc_session_description_free (desc);
}

static void
on_negotiation_needed (GstElement *w, gpointer data)
{
  GstPromise *promise = gst_promise_new_with_change_func (on_local_description,
      data, NULL);
  g_signal_emit_by_name (w, "create-offer", NULL, promise);
}

static void
apply_remote (rtc_peer *p, const char *b64)
{
  gsize len;
  guchar *text = g_base64_decode (b64, &len);
  GstSDPMessage *sdp;
  gst_sdp_message_new_from_text ((const gchar *) text, &sdp);
  g_free (text);
  GstWebRTCSessionDescription *desc = gst_webrtc_session_description_new (
      p->offerer ? GST_WEBRTC_SDP_TYPE_ANSWER : GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  g_signal_emit_by_name (p->webrtc, "set-remote-description", desc, NULL);
  gst_webrtc_session_description_free (desc);
  if (!p->offerer) {
    GstPromise *promise = gst_promise_new_with_change_func (
        on_local_description, p, NULL);
    g_signal_emit_by_name (p->webrtc, "create-answer", NULL, promise);
  }
}

static gboolean
on_line (GIOChannel *chan, GIOCondition cond, gpointer data)
{
  rtc_peer *p = data;
  gchar *line = NULL;
  if (g_io_channel_read_line (chan, &line, NULL, NULL, NULL)
      != G_IO_STATUS_NORMAL) {
    g_main_loop_quit (p->loop);  /* the other process is gone */
    return G_SOURCE_REMOVE;
  }
  g_strchomp (line);
  gchar **w = g_strsplit (line, " ", 3);
  if (g_strv_length (w) == 3 && g_str_equal (w[0], "sdp"))
    apply_remote (p, w[2]);
  else if (g_strv_length (w) == 3 && g_str_equal (w[0], "ice"))
    g_signal_emit_by_name (p->webrtc, "add-ice-candidate",
        (guint) atoi (w[1]), w[2]);
  else if (g_strv_length (w) == 3 && g_str_equal (w[0], "received")) {
    p->received = g_ascii_strtoull (w[1], NULL, 10);
    g_main_loop_quit (p->loop);
  } else if (g_str_equal (w[0], "stop"))
    g_main_loop_quit (p->loop);
  g_strfreev (w);
  g_free (line);
  return G_SOURCE_CONTINUE;
}

void
rtc_peer_init (rtc_peer *p, GstElement *webrtc, int fd, gboolean offerer,
    GMainLoop *loop)
{
  p->webrtc = webrtc;
  p->loop = loop;
  p->offerer = offerer;
  p->chan = g_io_channel_unix_new (fd);
  g_io_channel_set_close_on_unref (p->chan, TRUE);
  g_io_add_watch (p->chan, G_IO_IN | G_IO_HUP, on_line, p);
  g_signal_connect (webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), p);
  if (offerer)
    g_signal_connect (webrtc, "on-negotiation-needed",
        G_CALLBACK (on_negotiation_needed), p);
}
