/* test_fec_follow.c - Opus in-band FEC only where it pays
 * (gst-plugin/gsttempchatfec.h), with a real opusenc and opusdec.
 *
 *   - the loss tempchatsink tells opusenc to expect: none without reports
 *     of loss, at least GST_TEMPCHAT_FEC_MIN_PERCENT once there is some,
 *     the most of a burst for GST_TEMPCHAT_FEC_HOLD after its last
 *     report, then none again;
 *   - tempchatsrc's opusdec decodes each packet as it comes while the
 *     sender's packets carry no LBRR (no latency, nothing held), and from
 *     the first packet that carries it holds one packet back: its latency
 *     becomes that packet's duration and a LATENCY message says so.
 */
#include <gst/gst.h>

#include "gst_unit_run.h"
#include "gsttempchatfec.h"
#include "tempchat/tc_opus.h"

#define PACKETS 30              /* 10 ms each */
#define WAIT (10 * G_TIME_SPAN_SECOND)

/* ------------------------------------------------------------ the sender */

static void
test_send_percent_follows_reports (void)
{
  GstTempchatFecSend f;
  GstClockTime t = 100 * GST_SECOND;

  gst_tempchat_fec_send_init (&f);
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, -1, t), ==, 0);
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0, t), ==, 0);
  /* 2 % lost: at least the minimum, so that Opus does add LBRR. */
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0.02, t), ==,
      GST_TEMPCHAT_FEC_MIN_PERCENT);
  t += GST_SECOND;
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0.3, t), ==, 30);
  /* Clean reports inside the hold keep the burst's share. */
  t += GST_SECOND;
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0, t), ==, 30);
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0.05, t), ==, 30);
  t += GST_TEMPCHAT_FEC_HOLD - GST_MSECOND;
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, -1, t), ==, 30);
  /* The hold ends a HOLD after the last lossy report. */
  t += GST_MSECOND;
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0, t), ==, 0);
  /* A new burst starts from its own share; the most is capped. */
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0.12, t), ==, 12);
  g_assert_cmpint (gst_tempchat_fec_send_percent (&f, 0.9, t), ==,
      GST_TEMPCHAT_FEC_MAX_PERCENT);
}

/* ---------------------------------------------------------- the receiver */

typedef struct
{
  GPtrArray *packets;           /* GstBuffer */
  GstCaps *caps;
} encoded;

static void
on_packet (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  encoded *e = data;

  if (e->caps == NULL)
    e->caps = gst_pad_get_current_caps (pad);
  g_ptr_array_add (e->packets, gst_buffer_ref (buf));
}

/* PACKETS 10 ms packets of a sine, with LBRR in them when `loss` > 0. */
static void
encode (encoded *e, gint loss)
{
  gchar *desc = g_strdup_printf ("audiotestsrc num-buffers=%d "
      "samplesperbuffer=480 wave=sine ! audio/x-raw,rate=48000,channels=2 ! "
      "opusenc inband-fec=true frame-size=10 audio-type=voice bitrate=24000 "
      "packet-loss-percentage=%d ! fakesink name=s signal-handoffs=true "
      "sync=false", PACKETS + 2, loss);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *s;

  g_assert_no_error (err);
  e->packets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  e->caps = NULL;
  s = gst_bin_get_by_name (GST_BIN (pipe), "s");
  g_signal_connect (s, "handoff", G_CALLBACK (on_packet), e);
  gst_object_unref (s);
  gst_unit_run_to_eos (pipe);
  gst_object_unref (pipe);
  g_free (desc);
  g_assert_cmpuint (e->packets->len, >=, PACKETS);
}

static guint
with_fec (const encoded *e)
{
  guint n = 0;

  for (guint i = 0; i < e->packets->len; i++) {
    GstMapInfo map;
    g_assert_true (gst_buffer_map (e->packets->pdata[i], &map, GST_MAP_READ));
    n += tc_opus_packet_has_fec (map.data, map.size);
    gst_buffer_unmap (e->packets->pdata[i], &map);
  }
  return n;
}

typedef struct
{
  GMutex lock;
  GCond cond;
  guint decoded;
} decoded_count;

static void
on_decoded (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  decoded_count *d = data;

  g_mutex_lock (&d->lock);
  d->decoded++;
  g_cond_broadcast (&d->cond);
  g_mutex_unlock (&d->lock);
}

/* Until `n` buffers came out of the decoder; FALSE after WAIT. */
static gboolean
wait_decoded (decoded_count *d, guint n)
{
  gint64 until = g_get_monotonic_time () + WAIT;
  gboolean ok = TRUE;

  g_mutex_lock (&d->lock);
  while (d->decoded < n && ok)
    ok = g_cond_wait_until (&d->cond, &d->lock, until);
  ok = d->decoded >= n;
  g_mutex_unlock (&d->lock);
  return ok;
}

static GstClockTime
decoder_latency (GstElement *dec)
{
  GstPad *pad = gst_element_get_static_pad (dec, "src");
  GstQuery *q = gst_query_new_latency ();
  GstClockTime min = GST_CLOCK_TIME_NONE;

  g_assert_true (gst_pad_query (pad, q));
  gst_query_parse_latency (q, NULL, &min, NULL);
  gst_query_unref (q);
  gst_object_unref (pad);
  return min;
}

static void
push_all (GstElement *src, const encoded *e, guint *pushed)
{
  for (guint i = 0; i < e->packets->len; i++) {
    GstBuffer *buf = gst_buffer_copy (e->packets->pdata[i]);
    GST_BUFFER_PTS (buf) = *pushed * 10 * GST_MSECOND;
    GST_BUFFER_DURATION (buf) = 10 * GST_MSECOND;
    GstFlowReturn ret;
    g_signal_emit_by_name (src, "push-buffer", buf, &ret);
    gst_buffer_unref (buf);
    g_assert_cmpint (ret, ==, GST_FLOW_OK);
    (*pushed)++;
  }
}

static gboolean
latency_posted (GstBus *bus, GstElement *from)
{
  GstMessage *msg;
  gboolean seen = FALSE;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_LATENCY)) != NULL) {
    seen = seen || GST_MESSAGE_SRC (msg) == GST_OBJECT (from);
    gst_message_unref (msg);
  }
  return seen;
}

static void
test_decoder_holds_only_once_lbrr_comes (void)
{
  encoded clean, lbrr;
  decoded_count d = { 0 };
  GstElement *pipe, *src, *dec, *sink;
  GstBus *bus;
  GError *err = NULL;
  gboolean fec = TRUE;
  guint pushed = 0;

  encode (&clean, 0);
  encode (&lbrr, 20);
  /* What the sender's settings make, checked first. */
  g_assert_cmpuint (with_fec (&clean), ==, 0);
  g_assert_cmpuint (with_fec (&lbrr), >=, lbrr.packets->len - 2);

  g_mutex_init (&d.lock);
  g_cond_init (&d.cond);
  pipe = gst_parse_launch ("appsrc name=a is-live=true format=time ! "
      "opusdec name=d plc=true ! fakesink name=f signal-handoffs=true "
      "sync=false", &err);
  g_assert_no_error (err);
  src = gst_bin_get_by_name (GST_BIN (pipe), "a");
  dec = gst_bin_get_by_name (GST_BIN (pipe), "d");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "f");
  g_object_set (src, "caps", clean.caps, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_decoded), &d);
  gst_tempchat_fec_follow_sender (dec);
  bus = gst_element_get_bus (pipe);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);

  /* Without LBRR every packet is decoded as it comes: the last one too,
   * with nothing after it. */
  push_all (src, &clean, &pushed);
  g_assert_true (wait_decoded (&d, pushed));
  g_object_get (dec, "use-inband-fec", &fec, NULL);
  g_assert_false (fec);
  g_assert_cmpuint (decoder_latency (dec), ==, 0);
  g_assert_false (latency_posted (bus, dec));

  /* From the first packet with LBRR on, one packet waits for the next. */
  push_all (src, &lbrr, &pushed);
  g_assert_true (wait_decoded (&d, pushed - 1));
  g_object_get (dec, "use-inband-fec", &fec, NULL);
  g_assert_true (fec);
  g_assert_cmpuint (decoder_latency (dec), ==, 10 * GST_MSECOND);
  g_assert_true (latency_posted (bus, dec));
  g_test_message ("%u packets pushed, %u decoded: the last one waits for "
      "its successor", pushed, d.decoded);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (dec);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_cond_clear (&d.cond);
  g_mutex_clear (&d.lock);
  g_ptr_array_unref (clean.packets);
  g_ptr_array_unref (lbrr.packets);
  gst_caps_unref (clean.caps);
  gst_caps_unref (lbrr.caps);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/gst/fec/send-percent-follows-reports",
      test_send_percent_follows_reports);
  g_test_add_func ("/gst/fec/decoder-holds-only-once-lbrr-comes",
      test_decoder_holds_only_once_lbrr_comes);
  return g_test_run ();
}
