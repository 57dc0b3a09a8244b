/* test_gst_srtp_shared.c - our SRTP next to GStreamer's in one process.
 *
 * libsrtp is process-global. GStreamer's srtp plugin initialises it when the
 * plugin loads (srtpenc/srtpdec register), so an application that uses both
 * that plugin and tempchat finds libsrtp already initialised when our first
 * call starts. Here GStreamer's srtpenc is created first, exactly as such an
 * application would, and then our sessions must still protect and unprotect
 * RTP and RTCP with both DTLS-SRTP profiles; and srtpenc must still work
 * after ours have come and gone.
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <unistd.h>
#include <string.h>

#include "tempchat/tc_srtp.h"

/* RTP: V=2, PT=96, seq 1, ts 0x1000, SSRC 0x11223344, 20 payload bytes. */
static const uint8_t rtp_plain[32] = {
  0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00,
  0x11, 0x22, 0x33, 0x44,
  'a', 'n', 'y', ' ', 'p', 'a', 'y', 'l', 'o', 'a',
  'd', ' ', 'b', 'y', 't', 'e', 's', ' ', '!', '!',
};

/* RTCP: an RR (PT 201) with no report blocks from SSRC 0x11223344. */
static const uint8_t rtcp_plain[8] = {
  0x80, 0xc9, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
};

/* The two ends of one association: a's local key is b's remote key. */
static void
mirrored_keys (tc_srtp_profile profile, tc_srtp_keys *a, tc_srtp_keys *b)
{
  memset (a, 0, sizeof *a);
  a->profile = profile;
  a->key_len = tc_srtp_profile_key_len (profile);
  a->salt_len = tc_srtp_profile_salt_len (profile);
  memset (a->local_key, 0x11, a->key_len);
  memset (a->local_salt, 0x22, a->salt_len);
  memset (a->remote_key, 0x33, a->key_len);
  memset (a->remote_salt, 0x44, a->salt_len);
  *b = *a;
  memcpy (b->local_key, a->remote_key, a->key_len);
  memcpy (b->local_salt, a->remote_salt, a->salt_len);
  memcpy (b->remote_key, a->local_key, a->key_len);
  memcpy (b->remote_salt, a->local_salt, a->salt_len);
}

static void
assert_round_trip (tc_srtp *from, tc_srtp *to, const uint8_t *plain,
    size_t len, gboolean rtcp)
{
  uint8_t buf[256];
  size_t wire = 0, back = 0;

  memcpy (buf, plain, len);
  g_assert_cmpint (rtcp ? tc_srtp_protect_rtcp (from, buf, len, sizeof buf, &wire)
                        : tc_srtp_protect_rtp (from, buf, len, sizeof buf, &wire),
      ==, TC_OK);
  g_assert_cmpuint (wire, >, len);
  g_assert_cmpint (rtcp ? tc_srtp_unprotect_rtcp (to, buf, wire, &back, NULL)
                        : tc_srtp_unprotect_rtp (to, buf, wire, &back, NULL),
      ==, TC_OK);
  g_assert_cmpmem (buf, back, plain, len);
}

static void
call_both_ways (tc_srtp_profile profile)
{
  tc_srtp_keys ka, kb;
  tc_srtp *a = NULL, *b = NULL;

  mirrored_keys (profile, &ka, &kb);
  g_assert_cmpint (tc_srtp_new (&ka, &a), ==, TC_OK);
  g_assert_cmpint (tc_srtp_new (&kb, &b), ==, TC_OK);
  assert_round_trip (a, b, rtp_plain, sizeof rtp_plain, FALSE);
  assert_round_trip (b, a, rtp_plain, sizeof rtp_plain, FALSE);
  assert_round_trip (a, b, rtcp_plain, sizeof rtcp_plain, TRUE);
  assert_round_trip (b, a, rtcp_plain, sizeof rtcp_plain, TRUE);
  tc_srtp_free (a);
  tc_srtp_free (b);
  tc_srtp_keys_wipe (&ka);
  tc_srtp_keys_wipe (&kb);
}

/* srtpenc with a fresh key turns one RTP buffer into a longer SRTP one. */
static void
assert_srtpenc_protects (GstElement *enc)
{
  guint8 key[30];
  GstBuffer *out = NULL;

  memset (key, 0x5a, sizeof key);
  GstBuffer *keybuf = gst_buffer_new_memdup (key, sizeof key);
  g_object_set (enc, "key", keybuf, NULL);
  gst_buffer_unref (keybuf);

  /* Named explicitly: srtpenc pairs rtp_sink_N with rtp_src_N. */
  GstPad *sink = gst_element_request_pad_simple (enc, "rtp_sink_0");
  g_assert_nonnull (sink);
  GstPad *src = gst_element_get_static_pad (enc, "rtp_src_0");
  g_assert_nonnull (src);
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *appsrc = gst_element_factory_make ("appsrc", NULL);
  GstElement *appsink = gst_element_factory_make ("appsink", NULL);
  g_assert_nonnull (appsrc);
  g_assert_nonnull (appsink);
  GstCaps *caps = gst_caps_from_string ("application/x-rtp,media=video,"
      "clock-rate=90000,encoding-name=VP8,payload=96,ssrc=(uint)287454020");
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);
  gst_bin_add_many (GST_BIN (pipe), appsrc, enc, appsink, NULL);
  GstPad *asrc = gst_element_get_static_pad (appsrc, "src");
  GstPad *asink = gst_element_get_static_pad (appsink, "sink");
  g_assert_cmpint (gst_pad_link (asrc, sink), ==, GST_PAD_LINK_OK);
  g_assert_cmpint (gst_pad_link (src, asink), ==, GST_PAD_LINK_OK);
  gst_object_unref (asrc);
  gst_object_unref (asink);
  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);

  GstBuffer *in = gst_buffer_new_memdup (rtp_plain, sizeof rtp_plain);
  GST_BUFFER_PTS (in) = 0;
  GstFlowReturn flow = GST_FLOW_ERROR;
  g_signal_emit_by_name (appsrc, "push-buffer", in, &flow);
  g_assert_cmpint (flow, ==, GST_FLOW_OK);
  gst_buffer_unref (in);
  GstSample *sample = NULL;
  g_signal_emit_by_name (appsink, "pull-sample", &sample);
  g_assert_nonnull (sample);
  out = gst_sample_get_buffer (sample);
  g_assert_cmpuint (gst_buffer_get_size (out), >, sizeof rtp_plain);
  gst_sample_unref (sample);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_element_release_request_pad (enc, sink);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipe);
}

static void
test_calls_still_protect_after_gstreamer_srtp_initialised_libsrtp (void)
{
  /* Loading srtpenc runs GStreamer's srtp_init() before any of ours. */
  GstElement *enc = gst_element_factory_make ("srtpenc", NULL);
  if (enc == NULL) {
    g_test_skip ("GStreamer's srtpenc (gst-plugins-bad) is not installed");
    return;
  }
  gst_object_ref_sink (enc);

  call_both_ways (TC_SRTP_PROFILE_AES128_CM_SHA1_80);
  call_both_ways (TC_SRTP_PROFILE_AEAD_AES_128_GCM);
  /* Our sessions are gone; libsrtp must still serve its other user. */
  assert_srtpenc_protects (enc);
  gst_object_unref (enc);
}

int
main (int argc, char **argv)
{
  /* A private registry: the test must not depend on, or write to, the
   * user's registry cache. */
  gchar *reg = g_build_filename (g_get_tmp_dir (), "tc-gst-srtp-XXXXXX", NULL);
  close (g_mkstemp (reg));
  g_setenv ("GST_REGISTRY", reg, TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/srtp/shared/calls-still-protect-after-gstreamer-srtp-"
      "initialised-libsrtp",
      test_calls_still_protect_after_gstreamer_srtp_initialised_libsrtp);
  int ret = g_test_run ();
  gst_deinit ();
  g_unlink (reg);
  g_free (reg);
  return ret;
}
