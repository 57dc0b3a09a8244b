/* test_gst_mtu.c - tempchatsink's payloader-setup signal, as a user behind
 * a tunnel meets it: a path that drops datagrams above 600 bytes.
 *
 * The test runs in a network namespace of its own (unshare(CLONE_NEWNET),
 * an address on a veth pair in it for the host candidates), with an
 * nftables rule
 * that drops RTP datagrams (version 2, a dynamic payload type) whose UDP
 * payload is over PATH_MTU bytes and counts them: what a VPN or tunnel with
 * a small MTU and DF set does to larger packets. Only RTP: STUN, DTLS and
 * RTCP pass, so what is judged is the media packets' size alone. The
 * sender (a 640x360 VP8 zone plate, no audio) and the receiver (tempchatsrc
 * decoding) are two participants of one room in this process.
 *
 *   - With the default MTU (1200) the path drops video packets: the
 *     control, showing the rule bites.
 *   - With payloader-setup setting "mtu" to PATH_MTU, every video packet
 *     fits: frames decode at the sender's size and the rule drops none.
 *   - An "mtu" out of range is refused with a warning naming the range.
 *
 * Exit 77 (skipped) without root or unshare. Waits are event-driven with a
 * deadline.
 */
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TC_RELAY_PATH
#define TC_RELAY_PATH "tempchat-relay"
#endif

#define WAIT_MS 60000           /* signaling + ICE + DTLS + first keyframe */
#define CHANNEL "it-gst-mtu"
#define PATH_MTU 600
#define WIDTH 640
#define HEIGHT 360
#define FRAMES 30               /* decoded at full size to pass */

#include "gst_test_util.h"
#include "own_netns.h"

static relay the_relay;
static const char *skip_reason;

/* The namespace and the tunnel's rule, before GStreamer starts threads. */
static void
namespace_setup (void)
{
  skip_reason = own_netns_enter ("tc_mtu");
  if (skip_reason != NULL)
    return;
  gchar *rule = g_strdup_printf ("nft add rule inet tc_mtu input meta "
      "l4proto udp @th,64,2 2 @th,73,7 >= 96 udp length > %d counter drop",
      PATH_MTU + 8);
  /* libnice leaves loopback out of its host candidates: an address on a
   * veth pair of the namespace is the peers' host (both peers own it, so
   * their datagrams still cross the input hook). */
  if (!own_netns_run ("ip link add tcmtu0 type veth peer name tcmtu1")
      || !own_netns_run ("ip addr add 10.77.0.1/24 dev tcmtu0")
      || !own_netns_run ("ip link set tcmtu0 up")
      || !own_netns_run ("ip link set tcmtu1 up") || !own_netns_run (rule))
    skip_reason = "ip or nft failed in the new namespace";
  g_free (rule);
}

/* Video datagrams the rule dropped since the last reset. */
static guint64
dropped (void)
{
  gchar *out = NULL;
  guint64 n = G_MAXUINT64;
  g_assert_true (g_spawn_command_line_sync ("nft list chain inet tc_mtu "
          "input", &out, NULL, NULL, NULL));
  const char *p = strstr (out, "counter packets ");
  if (p != NULL)
    n = g_ascii_strtoull (p + strlen ("counter packets "), NULL, 10);
  g_free (out);
  g_assert_cmpuint (n, !=, G_MAXUINT64);
  return n;
}

static gboolean
some_dropped (gpointer unused)
{
  return dropped () > 0;
}

/* A fresh room per call, so calls never meet in one. */
static gchar *
new_room (void)
{
  static guint n;
  return g_strdup_printf ("mtu%u%d", ++n, (int) getpid ());
}

/* `element` with the room's arguments, between `before` and `after`. */
static GstElement *
launch (const char *before, const char *element, const char *after,
    const char *url, const char *room)
{
  gchar *args = gst_test_element_args (CHANNEL, url, room);
  gchar *desc = g_strconcat (before, " ", element, " ", args, " ", after,
      NULL);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_assert_no_error (err);
  g_free (desc);
  g_free (args);
  return pipe;
}

static GstElement *
sender (const char *room)
{
  gchar *src = g_strdup_printf ("videotestsrc is-live=true "
      "pattern=zone-plate kx2=20 ky2=20 kt=1 ! video/x-raw,width=%d,"
      "height=%d,framerate=30/1 !", WIDTH, HEIGHT);
  GstElement *pipe = launch (src, "tempchatsink name=s", "", the_relay.url,
      room);
  g_free (src);
  return pipe;
}

typedef struct {
  gint full_size;               /* decoded frames at WIDTH x HEIGHT */
} received;

static void
on_handoff (GstElement *fakesink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstStructure *s = caps != NULL ? gst_caps_get_structure (caps, 0) : NULL;
  gint w = 0, h = 0;
  if (s != NULL && gst_structure_get_int (s, "width", &w)
      && gst_structure_get_int (s, "height", &h) && w == WIDTH && h == HEIGHT)
    g_atomic_int_inc (&((received *) data)->full_size);
  if (caps != NULL)
    gst_caps_unref (caps);
  g_main_context_wakeup (NULL);
}

static gboolean
decoded_enough (gpointer data)
{
  return g_atomic_int_get (&((received *) data)->full_size) >= FRAMES;
}

/* One process is one participant per signaling URL, channel and room: a
 * query string makes the receiver another one on the same relay. */
static GstElement *
receiver (const char *room, received *r)
{
  gchar *url = g_strdup_printf ("%s?participant=rx", the_relay.url);
  GstElement *pipe = launch ("", "tempchatsrc", "! fakesink name=v "
      "signal-handoffs=true sync=false async=false", url, room);
  GstElement *v = gst_bin_get_by_name (GST_BIN (pipe), "v");
  g_signal_connect (v, "handoff", G_CALLBACK (on_handoff), r);
  gst_object_unref (v);
  g_free (url);
  return pipe;
}

static void
on_payloader_setup (GstElement *sink, const gchar *pad_name,
    GstStructure *settings, gpointer mtu)
{
  guint def = 0;
  /* The element says what it would use. */
  g_assert_true (gst_structure_has_name (settings, "tempchat/payloader"));
  g_assert_true (gst_structure_get_uint (settings, "mtu", &def));
  g_assert_cmpuint (def, ==, 1200);
  if (g_str_equal (pad_name, "video"))
    gst_structure_set (settings, "mtu", G_TYPE_UINT, GPOINTER_TO_UINT (mtu),
        NULL);
}

static void
stop (GstElement *pipe)
{
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_NULL), ==,
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
}

static gboolean
tick (gpointer unused)
{
  return G_SOURCE_CONTINUE;
}

/* A call through the tunnel; `mtu` 0: no payloader-setup handler. */
static void
call (guint mtu, GstElement **tx, GstElement **rx, received *r)
{
  gchar *room = new_room ();
  *tx = sender (room);
  *rx = receiver (room, r);
  if (mtu != 0) {
    GstElement *s = gst_bin_get_by_name (GST_BIN (*tx), "s");
    g_signal_connect (s, "payloader-setup", G_CALLBACK (on_payloader_setup),
        GUINT_TO_POINTER (mtu));
    gst_object_unref (s);
  }
  g_assert_cmpint (gst_element_set_state (*rx, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_element_set_state (*tx, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_free (room);
}

static void
test_an_mtu_takes_video_through_a_path_that_drops_larger_packets (void)
{
  GstElement *tx, *rx;
  received r = { 0 };

  if (skip_reason != NULL) {
    g_test_skip (skip_reason);
    return;
  }
  /* The counter is read by polling: wake the wait up now and then. */
  guint ticker = g_timeout_add (100, tick, NULL);
  /* The control: the default packets are too large for this path. */
  call (0, &tx, &rx, &r);
  g_assert_true (wait_for (some_dropped, NULL));
  g_test_message ("default MTU: %" G_GUINT64_FORMAT " video datagrams "
      "dropped, %d frames decoded", dropped (), g_atomic_int_get (&r.full_size));
  stop (tx);
  stop (rx);

  guint64 before = dropped ();
  r.full_size = 0;
  call (PATH_MTU, &tx, &rx, &r);
  g_assert_true (wait_for (decoded_enough, &r));
  g_test_message ("mtu %d: %d frames decoded at %dx%d, %" G_GUINT64_FORMAT
      " dropped", PATH_MTU, g_atomic_int_get (&r.full_size), WIDTH, HEIGHT,
      dropped () - before);
  g_assert_cmpuint (dropped (), ==, before);
  g_source_remove (ticker);
  stop (tx);
  stop (rx);
}

typedef struct {
  GstElement *pipe;
  gchar *warning;
} warned;

static gboolean
got_warning (gpointer data)
{
  warned *w = data;
  GstBus *bus = gst_element_get_bus (w->pipe);
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  if (m != NULL) {
    GError *err = NULL;
    gst_message_parse_warning (m, &err, NULL);
    w->warning = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  return w->warning != NULL;
}

static void
test_an_mtu_out_of_range_warns_and_keeps_the_default (void)
{
  gchar *room = new_room ();
  warned w = { .pipe = sender (room) };
  GstElement *s = gst_bin_get_by_name (GST_BIN (w.pipe), "s");
  guint ticker = g_timeout_add (50, tick, NULL);

  g_signal_connect (s, "payloader-setup", G_CALLBACK (on_payloader_setup),
      GUINT_TO_POINTER (99999));
  gst_object_unref (s);
  g_assert_cmpint (gst_element_set_state (w.pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  g_assert_true (wait_for (got_warning, &w));
  g_test_message ("warning: %s", w.warning);
  g_assert_nonnull (strstr (w.warning, "between 400 and 1472"));
  g_assert_nonnull (strstr (w.warning, "keeping 1200"));
  g_source_remove (ticker);
  g_free (w.warning);
  stop (w.pipe);
  g_free (room);
}

int
main (int argc, char **argv)
{
  gchar *reg = gst_test_private_registry ("tc-gst-mtu");
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  namespace_setup ();
  relay_start (&the_relay);
  g_test_add_func ("/gst/payloader-setup/an-mtu-takes-video-through-a-path-"
      "that-drops-larger-packets",
      test_an_mtu_takes_video_through_a_path_that_drops_larger_packets);
  g_test_add_func ("/gst/payloader-setup/an-mtu-out-of-range-warns-and-"
      "keeps-the-default", test_an_mtu_out_of_range_warns_and_keeps_the_default);
  ret = g_test_run ();
  relay_stop (&the_relay);
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
