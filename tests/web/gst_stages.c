/* gst_stages.c - several pipelines in one process, started and stopped on
 * command: what gst-launch-1.0 cannot do, for the browser tests of pipelines
 * joining and leaving a running call (gst_chromium.test.mjs).
 *
 *   tc-gst-stages DESC0 [DESC1 ...]
 *
 * Pipeline 0 goes to PLAYING at once. Lines on stdin: "start N" brings
 * pipeline N to PLAYING, "stop N" takes it to NULL and frees it. stdin at
 * its end, SIGINT or SIGTERM stop everything and exit 0; a bus error exits 1.
 *
 * stdout speaks like `gst-launch-1.0 -m -v`, so the tests read both the
 * same way: element messages as "Got message ... <structure>", property
 * changes (caps, fakesink last-message) as "<path>: <name> = <value>", plus
 * "pipeline N playing" / "pipeline N stopped", and for each buffer through
 * an element named "tids" (an identity on tempchatsrc's encoded video)
 * "tid N", the temporal id its TempchatLayerMeta names, or "tid -".
 */
#include <glib-unix.h>
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  GMainLoop *loop;
  char **descs;
  int n;
  GstElement **pipes;
  int status;
} stages;

/* What gst-launch -v prints for a property that changed. */
static void
print_property (GstMessage *msg)
{
  GstObject *obj = NULL;
  const gchar *name = NULL;
  const GValue *val = NULL;
  gchar *path, *text;

  gst_message_parse_property_notify (msg, &obj, &name, &val);
  if (obj == NULL || name == NULL || val == NULL)
    return;
  path = gst_object_get_path_string (obj);
  if (G_VALUE_HOLDS_STRING (val))
    text = g_value_dup_string (val);
  else if (G_VALUE_TYPE (val) == GST_TYPE_CAPS)
    text = gst_caps_to_string (gst_value_get_caps (val));
  else
    text = gst_value_serialize (val);
  printf ("%s: %s = %s\n", path, name, text != NULL ? text : "(none)");
  g_free (text);
  g_free (path);
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  stages *st = data;
  const GstStructure *s = gst_message_get_structure (msg);
  GError *err = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    printf ("ERROR: from element %s: %s\n", GST_OBJECT_NAME (msg->src),
        err->message);
    g_error_free (err);
    st->status = 1;
    g_main_loop_quit (st->loop);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_PROPERTY_NOTIFY) {
    print_property (msg);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && s != NULL) {
    gchar *text = gst_structure_to_string (s);
    printf ("Got message from element \"%s\" (element): %s\n",
        GST_OBJECT_NAME (msg->src), text);
    g_free (text);
  }
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static GstPadProbeReturn
print_tid (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (
      GST_PAD_PROBE_INFO_BUFFER (info), "TempchatLayerMeta");
  guint tid;

  (void) pad, (void) data;
  if (meta != NULL && gst_structure_get_uint (
          gst_custom_meta_get_structure (meta), "temporal-id", &tid))
    printf ("tid %u\n", tid);
  else
    printf ("tid -\n");
  fflush (stdout);
  return GST_PAD_PROBE_OK;
}

static void
watch_tids (GstElement *pipe)
{
  GstElement *tids = GST_IS_BIN (pipe)
      ? gst_bin_get_by_name (GST_BIN (pipe), "tids") : NULL;
  GstPad *pad;

  if (tids == NULL)
    return;
  pad = gst_element_get_static_pad (tids, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, print_tid, NULL, NULL);
  gst_object_unref (pad);
  gst_object_unref (tids);
}

static void
start (stages *st, int i)
{
  GError *err = NULL;
  GstBus *bus;

  if (i < 0 || i >= st->n || st->pipes[i] != NULL) {
    printf ("ERROR: no pipeline %d to start\n", i);
    return;
  }
  st->pipes[i] = gst_parse_launch (st->descs[i], &err);
  if (err != NULL) {
    printf ("ERROR: pipeline %d: %s\n", i, err->message);
    g_error_free (err);
    g_clear_object (&st->pipes[i]);
    st->status = 1;
    g_main_loop_quit (st->loop);
    return;
  }
  gst_element_add_property_deep_notify_watch (st->pipes[i], NULL, TRUE);
  watch_tids (st->pipes[i]);
  bus = gst_element_get_bus (st->pipes[i]);
  gst_bus_add_watch (bus, on_bus, st);
  gst_object_unref (bus);
  if (gst_element_set_state (st->pipes[i], GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    printf ("ERROR: pipeline %d did not start\n", i);
  else
    printf ("pipeline %d playing\n", i);
  fflush (stdout);
}

static void
stop (stages *st, int i)
{
  GstBus *bus;

  if (i < 0 || i >= st->n || st->pipes[i] == NULL)
    return;
  gst_element_set_state (st->pipes[i], GST_STATE_NULL);
  bus = gst_element_get_bus (st->pipes[i]);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  g_clear_object (&st->pipes[i]);
  printf ("pipeline %d stopped\n", i);
  fflush (stdout);
}

static gboolean
on_stdin (GIOChannel *ch, GIOCondition cond, gpointer data)
{
  stages *st = data;
  gchar *line = NULL;
  int i;

  if (g_io_channel_read_line (ch, &line, NULL, NULL, NULL) !=
      G_IO_STATUS_NORMAL) {
    g_main_loop_quit (st->loop);
    return G_SOURCE_REMOVE;
  }
  if (sscanf (line, "start %d", &i) == 1)
    start (st, i);
  else if (sscanf (line, "stop %d", &i) == 1)
    stop (st, i);
  g_free (line);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (((stages *) data)->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  stages st = { 0 };
  GIOChannel *in;

  gst_init (&argc, &argv);
  if (argc < 2) {
    fprintf (stderr, "usage: %s PIPELINE [PIPELINE ...]\n", argv[0]);
    return 2;
  }
  st.loop = g_main_loop_new (NULL, FALSE);
  st.descs = argv + 1;
  st.n = argc - 1;
  st.pipes = g_new0 (GstElement *, st.n);
  in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &st);
  g_unix_signal_add (SIGINT, on_signal, &st);
  g_unix_signal_add (SIGTERM, on_signal, &st);
  start (&st, 0);
  g_main_loop_run (st.loop);
  for (int i = st.n - 1; i >= 0; i--)
    stop (&st, i);
  g_io_channel_unref (in);
  g_free (st.pipes);
  g_main_loop_unref (st.loop);
  gst_deinit ();
  return st.status;
}
