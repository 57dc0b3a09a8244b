/* test_gst_elements.c - tempchatsink and tempchatsrc as gst-inspect-1.0 sees
 * them, and the errors a user gets for settings that cannot work.
 *
 * Loads the plugin from the build tree (TC_GST_PLUGIN_DIR through
 * GST_PLUGIN_PATH, with a private registry file). No network: settings are
 * refused before anything connects.
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>
#include <unistd.h>

static const char *const shared_props[] = {
  "room", "signaling-url", "channel", "stun-servers", "turn-server",
  "turn-secret", "turn-username", "turn-password", "relay-only", "quality",
  "insecure-signaling", "ca-file", "signaling-retries",
  "ice-transport-policy", "video-codecs", "stats", NULL
};

static GstElement *
make (const char *factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  g_assert_nonnull (e);
  return gst_object_ref_sink (e);
}

static void
test_plugin_loads_from_the_build_tree (void)
{
  GstPlugin *p = gst_registry_find_plugin (gst_registry_get (), "tempchat");
  g_assert_nonnull (p);
  g_assert_true (g_str_has_prefix (gst_plugin_get_filename (p),
          TC_GST_PLUGIN_DIR));
  g_assert_cmpstr (gst_plugin_get_license (p), ==, "MIT/X11");
  gst_object_unref (p);
}

static void
assert_template (GstElementFactory *f, const char *name,
    GstPadDirection dir, GstPadPresence presence, const char *caps_a,
    const char *caps_b)
{
  const GList *l;

  for (l = gst_element_factory_get_static_pad_templates (f); l; l = l->next) {
    GstStaticPadTemplate *t = l->data;
    GstCaps *caps, *want;
    if (strcmp (t->name_template, name) != 0)
      continue;
    g_assert_cmpint (t->direction, ==, dir);
    g_assert_cmpint (t->presence, ==, presence);
    caps = gst_static_caps_get (&t->static_caps);
    want = gst_caps_from_string (caps_a);
    g_assert_true (gst_caps_can_intersect (caps, want));
    gst_caps_unref (want);
    want = gst_caps_from_string (caps_b);
    g_assert_true (gst_caps_can_intersect (caps, want));
    gst_caps_unref (want);
    gst_caps_unref (caps);
    return;
  }
  g_error ("no pad template %s", name);
}

static void
test_sink_has_request_pads_for_raw_or_encoded_media (void)
{
  GstElementFactory *f = gst_element_factory_find ("tempchatsink");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (gst_element_factory_get_klass (f), "Sink"));
  g_assert_cmpuint (gst_element_factory_get_num_pad_templates (f), ==, 2);
  assert_template (f, "video", GST_PAD_SINK, GST_PAD_REQUEST,
      "video/x-raw", "video/x-vp8");
  assert_template (f, "audio", GST_PAD_SINK, GST_PAD_REQUEST,
      "audio/x-raw", "audio/x-opus, channel-mapping-family=0");
  gst_object_unref (f);
}

static void
test_src_has_sometimes_pads_for_raw_or_encoded_media (void)
{
  GstElementFactory *f = gst_element_factory_find ("tempchatsrc");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (gst_element_factory_get_klass (f), "Source"));
  g_assert_cmpuint (gst_element_factory_get_num_pad_templates (f), ==, 2);
  assert_template (f, "video_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
      "video/x-raw", "video/x-vp8");
  assert_template (f, "audio_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
      "audio/x-raw", "audio/x-opus");
  gst_object_unref (f);
}

static void
assert_documented (GstElement *e, const char *name)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (e), name);
  g_assert_nonnull (p);
  g_assert_cmpuint (strlen (g_param_spec_get_blurb (p)), >, 20);
  g_assert_cmpstr (g_param_spec_get_blurb (p), !=, g_param_spec_get_nick (p));
  g_assert_true ((p->flags & G_PARAM_STATIC_STRINGS) == G_PARAM_STATIC_STRINGS);
}

static void
test_every_property_is_documented_and_secrets_are_write_only (void)
{
  const char *elements[] = { "tempchatsink", "tempchatsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (elements); i++) {
    GstElement *e = make (elements[i]);
    for (guint j = 0; shared_props[j] != NULL; j++)
      assert_documented (e, shared_props[j]);
    for (guint j = 0; j < 2; j++) {
      GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
          j == 0 ? "turn-secret" : "turn-password");
      g_assert_false (p->flags & G_PARAM_READABLE);
    }
    g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (e),
            "stats")->flags & G_PARAM_WRITABLE);
    gst_object_unref (e);
  }
  {
    static const char *const sender[] = { "start-bitrate", "min-bitrate",
      "max-bitrate", "congestion-control", "do-retransmission", "do-fec",
      NULL };
    GstElement *sink = make ("tempchatsink");
    for (guint j = 0; sender[j] != NULL; j++)
      assert_documented (sink, sender[j]);
    gst_object_unref (sink);
  }
  {
    GstElement *src = make ("tempchatsrc");
    assert_documented (src, "decode");
    assert_documented (src, "latency");
    gst_object_unref (src);
  }
}

static void
test_defaults_match_the_web_client (void)
{
  GstElement *e = make ("tempchatsink");
  gchar *url = NULL;
  gint quality = -1;
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
      "quality");
  GEnumValue *v;

  g_object_get (e, "signaling-url", &url, "quality", &quality, NULL);
  g_assert_cmpstr (url, ==, "wss://api.scaledrone.com/v3/websocket");
  v = g_enum_get_value (G_PARAM_SPEC_ENUM (p)->enum_class, quality);
  g_assert_cmpstr (v->value_nick, ==, "720p");
  g_assert_nonnull (g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (p)->enum_class,
          "360p"));
  g_assert_nonnull (g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (p)->enum_class,
          "1080p"));
  g_free (url);
  gst_object_unref (e);

  e = make ("tempchatsrc");
  {
    gboolean decode = FALSE;
    g_object_get (e, "decode", &decode, NULL);
    g_assert_true (decode);
  }
  gst_object_unref (e);

  /* The web client's codec priority on both elements. */
  for (guint i = 0; i < 2; i++) {
    gchar *codecs = NULL;
    e = make (i == 0 ? "tempchatsink" : "tempchatsrc");
    g_object_get (e, "video-codecs", &codecs, NULL);
    g_assert_cmpstr (codecs, ==, "av1,vp9,h264,vp8");
    g_free (codecs);
    gst_object_unref (e);
  }
}

static void
test_stun_servers_take_a_value_array_as_on_the_command_line (void)
{
  GstElement *e = make ("tempchatsrc");
  GValue v = G_VALUE_INIT;

  gst_util_set_object_arg (G_OBJECT (e), "stun-servers",
      "<stun:stun.example.org:3478,stun:192.0.2.1:19302>");
  g_value_init (&v, GST_TYPE_ARRAY);
  g_object_get_property (G_OBJECT (e), "stun-servers", &v);
  g_assert_cmpuint (gst_value_array_get_size (&v), ==, 2);
  g_assert_cmpstr (g_value_get_string (gst_value_array_get_value (&v, 1)), ==,
      "stun:192.0.2.1:19302");
  g_value_unset (&v);
  gst_object_unref (e);
}

static void
test_stats_are_a_structure_even_before_a_call (void)
{
  GstElement *e = make ("tempchatsink");
  GstStructure *s = NULL;
  const GstStructure *recv;

  g_object_get (e, "stats", &s, NULL);
  g_assert_nonnull (s);
  g_assert_true (gst_structure_has_name (s, "application/x-tempchat-stats"));
  g_assert_cmpstr (gst_structure_get_string (s, "state"), ==, "idle");
  g_assert_cmpstr (gst_structure_get_string (s, "connection"), ==, "none");
  g_assert_true (gst_structure_has_field_typed (s, "relayed", G_TYPE_BOOLEAN));
  g_assert_true (gst_structure_has_field_typed (s, "rtt-ms", G_TYPE_DOUBLE));
  g_assert_true (gst_structure_has_field_typed (s, "target-bitrate",
          G_TYPE_UINT64));
  recv = gst_value_get_structure (gst_structure_get_value (s, "recv"));
  g_assert_true (gst_structure_has_field_typed (recv, "width", G_TYPE_UINT));
  g_assert_true (gst_structure_has_field_typed (recv, "fps", G_TYPE_DOUBLE));
  g_assert_true (gst_structure_has_field_typed (recv, "video-codec",
          G_TYPE_STRING));
  g_assert_cmpstr (gst_structure_get_string (recv, "audio-codec"), ==, "none");
  g_assert_true (gst_structure_has_field_typed (recv, "loss-fraction",
          G_TYPE_DOUBLE));
  g_assert_true (gst_structure_has_field (s, "send"));
  {
    /* The sink's own: raw frames its encoder had no time for. */
    const GstStructure *send = gst_value_get_structure
        (gst_structure_get_value (s, "send"));
    guint64 late = 1;
    g_assert_true (gst_structure_get_uint64 (send, "frames-dropped-late",
            &late));
    g_assert_cmpuint (late, ==, 0);
  }
  gst_structure_free (s);
  gst_object_unref (e);
}

typedef struct {
  GstElement *e;
  gint stop;
  gint reads;
} Reader;

static gpointer
read_stats_and_set_bitrates (gpointer data)
{
  Reader *r = data;
  while (!g_atomic_int_get (&r->stop)) {
    GstStructure *s = NULL;
    g_object_get (r->e, "stats", &s, NULL);
    g_assert_nonnull (s);
    gst_structure_free (s);
    /* quality applies at once, on both elements (as bitrates do). */
    gst_util_set_object_arg (G_OBJECT (r->e), "quality",
        g_atomic_int_get (&r->reads) % 2 ? "720p" : "360p");
    g_atomic_int_inc (&r->reads);
  }
  return NULL;
}

/* An application polls `stats` (and may change bitrates) from its own
 * thread while the pipeline goes up and down on another: the element's
 * call comes and goes under it. Run under ASan this finds a read of a call
 * that was just freed. */
static void
test_stats_and_bitrates_are_safe_while_the_state_changes (void)
{
  const char *factories[] = { "tempchatsink", "tempchatsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    Reader r = { make (factories[i]), 0, 0 };
    g_object_set (r.e, "room", "abc123", "channel", "c", NULL);
    GThread *t = g_thread_new ("reader", read_stats_and_set_bitrates, &r);
    /* Until both have run a while side by side. */
    for (int k = 0; k < 200 || g_atomic_int_get (&r.reads) < 200; k++) {
      g_assert_cmpint (gst_element_set_state (r.e, GST_STATE_READY), ==,
          GST_STATE_CHANGE_SUCCESS);
      g_assert_cmpint (gst_element_set_state (r.e, GST_STATE_NULL), ==,
          GST_STATE_CHANGE_SUCCESS);
    }
    g_atomic_int_set (&r.stop, 1);
    g_thread_join (t);
    gst_object_unref (r.e);
  }
}

static void
test_sink_gives_one_video_and_one_audio_pad (void)
{
  GstElement *e = make ("tempchatsink");
  GstPad *v = gst_element_request_pad_simple (e, "video");
  GstPad *a = gst_element_request_pad_simple (e, "audio");

  g_assert_nonnull (v);
  g_assert_nonnull (a);
  g_assert_cmpstr (GST_PAD_NAME (v), ==, "video");
  g_assert_cmpstr (GST_PAD_NAME (a), ==, "audio");
  /* A second "video" is refused by GStreamer itself (names are unique). */
  gst_element_release_request_pad (e, v);
  gst_object_unref (v);
  v = gst_element_request_pad_simple (e, "video");
  g_assert_nonnull (v);
  gst_element_release_request_pad (e, v);
  gst_element_release_request_pad (e, a);
  gst_object_unref (v);
  gst_object_unref (a);
  gst_object_unref (e);
}

/* Sets `desc` to PLAYING, expects the state change to fail, and returns the
 * error message posted (g_free). */
static gchar *
error_of (const char *desc, GQuark *domain)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *msg;
  gchar *text;

  g_assert_no_error (err);
  if (!GST_IS_PIPELINE (pipe)) {
    GstElement *p = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (p), pipe);
    pipe = p;
  }
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), ==,
      GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipe);
  msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND, GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  gst_message_parse_error (msg, &err, NULL);
  *domain = err->domain;
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  return text;
}

static void
test_invalid_room_fails_saying_what_was_expected (void)
{
  const char *pipes[] = {
    "videotestsrc ! tempchatsink room=\"not a room!\" channel=c",
    "tempchatsrc room=\"https://example.org/#bad/room\" channel=c ! fakesink",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pipes); i++) {
    GQuark domain = 0;
    gchar *text = error_of (pipes[i], &domain);
    g_assert_true (domain == GST_RESOURCE_ERROR);
    g_assert_nonnull (strstr (text, "expected a link like"));
    g_assert_nonnull (strstr (text, "#abc123"));
    /* The room itself never appears in messages. */
    g_assert_null (strstr (text, "not a room"));
    g_free (text);
  }
}

static void
test_missing_channel_or_room_or_bad_url_is_explained (void)
{
  GQuark domain = 0;
  gchar *text;

  text = error_of ("videotestsrc ! tempchatsink room=abc123", &domain);
  g_assert_nonnull (strstr (text, "channel"));
  g_free (text);
  text = error_of ("tempchatsrc channel=c ! fakesink", &domain);
  g_assert_nonnull (strstr (text, "No room set"));
  g_free (text);
  text = error_of ("tempchatsrc room=abc123 channel=c "
      "signaling-url=http://127.0.0.1/ ! fakesink", &domain);
  g_assert_nonnull (strstr (text, "must start with wss:// (or ws://)"));
  g_assert_true (domain == GST_RESOURCE_ERROR);
  g_free (text);
  text = error_of ("tempchatsrc room=abc123 channel=c "
      "signaling-url=ws://127.0.0.1:99999/v3/websocket ! fakesink", &domain);
  g_assert_nonnull (strstr (text, "port 99999 is out of range"));
  g_assert_true (domain == GST_RESOURCE_ERROR);
  g_free (text);
  text = error_of ("tempchatsrc room=abc123 channel=c relay-only=true "
      "! fakesink", &domain);
  g_assert_nonnull (strstr (text, "TURN"));
  g_free (text);
  /* A codec name we do not know, said back with the ones we do. */
  text = error_of ("tempchatsrc room=abc123 channel=c "
      "video-codecs=vp8,hevc ! fakesink", &domain);
  g_assert_nonnull (strstr (text, "video-codecs"));
  g_assert_nonnull (strstr (text, "\"hevc\""));
  g_assert_nonnull (strstr (text, "av1, vp9, h264 and vp8"));
  g_free (text);
  text = error_of ("videotestsrc ! tempchatsink room=abc123 channel=c "
      "video-codecs=vp8,vp8", &domain);
  g_assert_nonnull (strstr (text, "named twice"));
  g_free (text);
  /* RTCPeerConnection's spelling of the same. */
  text = error_of ("tempchatsrc room=abc123 channel=c "
      "ice-transport-policy=relay ! fakesink", &domain);
  g_assert_nonnull (strstr (text, "TURN"));
  g_free (text);
}

static void
test_sink_without_pads_has_nothing_to_send (void)
{
  GQuark domain = 0;
  gchar *text = error_of ("tempchatsink room=abc123 channel=c "
      "signaling-url=ws://127.0.0.1:9/v3/websocket", &domain);
  g_assert_nonnull (strstr (text, "nothing to send"));
  g_free (text);
}

int
main (int argc, char **argv)
{
  /* A private registry so the build tree's plugin is the one found. */
  gchar *reg = g_build_filename (g_get_tmp_dir (), "tc-gst-elements-XXXXXX",
      NULL);
  gint fd = g_mkstemp (reg);
  int ret;

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_setenv ("GST_REGISTRY", reg, TRUE);
  g_setenv ("GST_PLUGIN_PATH", TC_GST_PLUGIN_DIR, TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/gst/elements/plugin-loads-from-the-build-tree",
      test_plugin_loads_from_the_build_tree);
  g_test_add_func ("/gst/elements/sink-has-request-pads-for-raw-or-encoded-media",
      test_sink_has_request_pads_for_raw_or_encoded_media);
  g_test_add_func ("/gst/elements/src-has-sometimes-pads-for-raw-or-encoded-media",
      test_src_has_sometimes_pads_for_raw_or_encoded_media);
  g_test_add_func ("/gst/elements/every-property-is-documented-and-secrets-are-write-only",
      test_every_property_is_documented_and_secrets_are_write_only);
  g_test_add_func ("/gst/elements/defaults-match-the-web-client",
      test_defaults_match_the_web_client);
  g_test_add_func ("/gst/elements/stun-servers-take-a-value-array",
      test_stun_servers_take_a_value_array_as_on_the_command_line);
  g_test_add_func ("/gst/elements/stats-are-a-structure-even-before-a-call",
      test_stats_are_a_structure_even_before_a_call);
  g_test_add_func ("/gst/elements/stats-and-bitrates-are-safe-while-the-state-changes",
      test_stats_and_bitrates_are_safe_while_the_state_changes);
  g_test_add_func ("/gst/elements/sink-gives-one-video-and-one-audio-pad",
      test_sink_gives_one_video_and_one_audio_pad);
  g_test_add_func ("/gst/elements/invalid-room-fails-saying-what-was-expected",
      test_invalid_room_fails_saying_what_was_expected);
  g_test_add_func ("/gst/elements/missing-channel-room-or-bad-url-is-explained",
      test_missing_channel_or_room_or_bad_url_is_explained);
  g_test_add_func ("/gst/elements/sink-without-pads-has-nothing-to-send",
      test_sink_without_pads_has_nothing_to_send);

  ret = g_test_run ();
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
