/* test_pay_opus.c - the Opus payload format (RFC 7587) and the registry. */
#include <glib.h>
#include <string.h>

#include "rtp_fixtures.h"

/* A 20 ms SILK wideband mono packet: TOC then frame bytes. */
static const guint8 opus_packet[] = {
  0x48,              /* TOC: config 9 (SILK WB 20 ms), s=0 mono, c=0 one frame */
  0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x80,  /* compressed frame */
};

static void
test_payload_emits_the_packet_unchanged_without_marker (void)
{
  void *st = tc_payloader_opus.state_new ();
  packets p;
  packets_init (&p);
  g_assert_cmpint (tc_payloader_opus.payload (st, opus_packet,
          sizeof opus_packet, TRUE, 1200, packets_collect, &p), ==, TC_OK);
  g_assert_cmpuint (p.payloads->len, ==, 1);
  size_t len;
  const guint8 *d = packets_data (&p, 0, &len);
  g_assert_cmpmem (d, len, opus_packet, sizeof opus_packet);
  g_assert_false (g_array_index (p.markers, gboolean, 0));
  packets_clear (&p);
  tc_payloader_opus.state_free (st);
}

static void
test_payload_never_fragments (void)
{
  void *st = tc_payloader_opus.state_new ();
  packets p;
  packets_init (&p);
  g_assert_cmpint (tc_payloader_opus.payload (st, opus_packet,
          sizeof opus_packet, FALSE, sizeof opus_packet - 1, packets_collect,
          &p), ==, TC_ERR_TOO_LARGE);
  g_assert_cmpint (tc_payloader_opus.payload (st, opus_packet, 0, FALSE, 1200,
          packets_collect, &p), ==, TC_ERR_INVALID_ARG);
  g_assert_cmpuint (p.payloads->len, ==, 0);
  packets_clear (&p);
  tc_payloader_opus.state_free (st);
}

static void
test_depayload_is_identity_and_every_packet_is_a_keyframe (void)
{
  void *st = tc_payloader_opus.state_new ();
  frames f;
  frames_init (&f);
  tc_rtp_packet pkt = {
    .seq = 65535, .timestamp = 960, .marker = false,
    .payload = opus_packet, .payload_len = sizeof opus_packet,
  };
  g_assert_cmpint (tc_payloader_opus.depayload (st, &pkt, frames_collect, &f),
      ==, TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  GBytes *want = g_bytes_new_static (opus_packet, sizeof opus_packet);
  frames_assert_equal (&f, 0, want);
  g_assert_true (g_array_index (f.keyframes, gboolean, 0));
  g_assert_cmpuint (g_array_index (f.timestamps, guint32, 0), ==, 960);
  g_bytes_unref (want);
  frames_clear (&f);
  tc_payloader_opus.state_free (st);
}

static void
test_depayload_rejects_an_empty_payload (void)
{
  void *st = tc_payloader_opus.state_new ();
  frames f;
  frames_init (&f);
  tc_rtp_packet pkt = {.seq = 1, .payload = NULL, .payload_len = 0};
  g_assert_cmpint (tc_payloader_opus.depayload (st, &pkt, frames_collect, &f),
      ==, TC_ERR_PARSE);
  g_assert_cmpuint (frames_count (&f), ==, 0);
  frames_clear (&f);
  tc_payloader_opus.state_free (st);
}

static void
test_registry_finds_codecs_by_sdp_name_case_insensitively (void)
{
  static const struct {
    const char *name;
    const tc_payloader *want;
  } cases[] = {
    {"VP8", &tc_payloader_vp8},
    {"vp8", &tc_payloader_vp8},
    {"opus", &tc_payloader_opus},
    {"OPUS", &tc_payloader_opus},
    {"H264", &tc_payloader_h264},
    {"vp9", &tc_payloader_vp9},
    {"G722", NULL},
    {"", NULL},
    {NULL, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_true (tc_payloader_find (cases[i].name) == cases[i].want);

  const tc_payloader *opus = tc_payloader_find ("opus");
  g_assert_cmpint (opus->kind, ==, TC_MEDIA_AUDIO);
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_cmpuint (opus->channels, ==, 2);
  g_assert_true (opus->packet_is_frame);
  const tc_payloader *vp8 = tc_payloader_find ("vp8");
  g_assert_cmpint (vp8->kind, ==, TC_MEDIA_VIDEO);
  g_assert_cmpuint (vp8->clock_rate, ==, 90000);
  g_assert_false (vp8->packet_is_frame);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/opus/payload/emits-the-packet-unchanged-without-marker",
      test_payload_emits_the_packet_unchanged_without_marker);
  g_test_add_func ("/rtp/opus/payload/never-fragments",
      test_payload_never_fragments);
  g_test_add_func ("/rtp/opus/depayload/is-identity-and-every-packet-is-a-keyframe",
      test_depayload_is_identity_and_every_packet_is_a_keyframe);
  g_test_add_func ("/rtp/opus/depayload/rejects-an-empty-payload",
      test_depayload_rejects_an_empty_payload);
  g_test_add_func ("/rtp/payloader/registry-finds-codecs-by-sdp-name-case-insensitively",
      test_registry_finds_codecs_by_sdp_name_case_insensitively);
  return g_test_run ();
}
