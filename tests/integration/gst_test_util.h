/* gst_test_util.h - what the GStreamer integration tests share: waiting for
 * a condition with a deadline while the default context runs, children that
 * die with the test, and a tempchat-relay on a free loopback port.
 *
 * Header-only (static functions) so each test program stays one file.
 * Define WAIT_MS and TC_RELAY_PATH before including it.
 */
#ifndef TC_GST_TEST_UTIL_H
#define TC_GST_TEST_UTIL_H

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

typedef gboolean (*cond_fn) (gpointer data);

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until `cond` holds or `ms` pass. */
static G_GNUC_UNUSED gboolean
wait_for_ms (cond_fn cond, gpointer data, guint ms)
{
  gboolean late = FALSE;
  GSource *t = g_timeout_source_new (ms);

  g_source_set_callback (t, on_deadline, &late, NULL);
  g_source_attach (t, NULL);
  while (!cond (data) && !late)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (t);
  g_source_unref (t);
  return cond (data);
}

static G_GNUC_UNUSED gboolean
wait_for (cond_fn cond, gpointer data)
{
  return wait_for_ms (cond, data, WAIT_MS);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Children die with the test, so a failed assertion leaves nothing behind. */
static G_GNUC_UNUSED GSubprocess *
spawn (GSubprocessFlags flags, GError **err, const char *const *argv)
{
  GSubprocessLauncher *l = g_subprocess_launcher_new (flags);
  GSubprocess *p;

  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  p = g_subprocess_launcher_spawnv (l, argv, err);
  g_object_unref (l);
  return p;
}

/* A private registry so the build tree's plugin (TC_GST_PLUGIN_DIR) is the
 * one found; children inherit both variables. Returns the registry file to
 * g_unlink and g_free at the end. */
static G_GNUC_UNUSED gchar *
gst_test_private_registry (const char *name)
{
  gchar *tmpl = g_strdup_printf ("%s-XXXXXX", name);
  gchar *reg = g_build_filename (g_get_tmp_dir (), tmpl, NULL);

  g_free (tmpl);
  close (g_mkstemp (reg));
  g_setenv ("GST_REGISTRY", reg, TRUE);
  g_setenv ("GST_PLUGIN_PATH", TC_GST_PLUGIN_DIR, TRUE);
  return reg;
}

/* --- the relay ----------------------------------------------------------- */

typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  gchar *line;
  gboolean eof;
  gchar *url;
} relay;

static void
on_relay_line (GObject *src, GAsyncResult *res, gpointer data)
{
  relay *r = data;
  r->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (src),
      res, NULL, NULL);
  if (r->line == NULL)
    r->eof = TRUE;
}

static gboolean
relay_said_something (gpointer data)
{
  relay *r = data;
  return r->line != NULL || r->eof;
}

/* `extra`: more relay arguments (NULL-terminated, may be NULL). */
static G_GNUC_UNUSED void
relay_start_with (relay *r, const char *const *extra)
{
  GError *err = NULL;
  const char *p;
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) TC_RELAY_PATH);
  g_ptr_array_add (argv, (gpointer) "--port=0");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  r->proc = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err,
      (const char *const *) argv->pdata);
  g_ptr_array_free (argv, TRUE);
  g_assert_no_error (err);
  r->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));
  g_data_input_stream_read_line_async (r->out, G_PRIORITY_DEFAULT, NULL,
      on_relay_line, r);
  g_assert_true (wait_for (relay_said_something, r));
  g_assert_nonnull (r->line);
  /* "tempchat-relay listening on ws://127.0.0.1:PORT/v3/websocket"
   * (wss:// with --cert) */
  p = strstr (r->line, "wss://");
  if (p == NULL)
    p = strstr (r->line, "ws://");
  g_assert_nonnull (p);
  r->url = g_strdup (p);
}

static G_GNUC_UNUSED void
relay_start (relay *r)
{
  relay_start_with (r, NULL);
}

static G_GNUC_UNUSED void
relay_stop (relay *r)
{
  g_subprocess_send_signal (r->proc, SIGTERM);
  g_assert_true (g_subprocess_wait (r->proc, NULL, NULL));
  g_clear_object (&r->out);
  g_clear_object (&r->proc);
  g_clear_pointer (&r->line, g_free);
  g_clear_pointer (&r->url, g_free);
}

/* The room, relay and channel properties of a test's elements, and VP8:
 * the codec the calls that use this were written for (their bitrate and
 * latency figures were made with vp8enc/vp8dec); every codec is
 * test_gst_codecs.c's. A relay that is not on loopback is one in a test
 * network namespace: plain ws:// is fine there. TC_TEST_ELEMENT_ARGS adds
 * properties for a script driving a child (gst_loss.sh switching
 * retransmission and FEC off). g_free the result. */
static G_GNUC_UNUSED gchar *
gst_test_element_args (const char *channel, const char *url, const char *room)
{
  const gchar *extra = g_getenv ("TC_TEST_ELEMENT_ARGS");
  return g_strdup_printf ("room=%s signaling-url=%s channel=%s "
      "video-codecs=vp8%s %s", room, url, channel,
      g_str_has_prefix (url, "ws://127.") ? "" : " insecure-signaling=true",
      extra != NULL ? extra : "");
}

/* A child peer runs until its stdin closes (the test driving it ended):
 * a G_IO_IN | G_IO_HUP watch on fd 0 with the main loop as data. */
static G_GNUC_UNUSED gboolean
gst_test_on_stdin_closed (GIOChannel *ch, GIOCondition cond, gpointer loop)
{
  gchar buf[64];
  gsize n = 0;

  if ((cond & G_IO_IN) != 0
      && g_io_channel_read_chars (ch, buf, sizeof buf, &n, NULL) ==
      G_IO_STATUS_NORMAL && n > 0)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

#endif
