/* test_pay_opus.c - the Opus payload format (RFC 7587) and the registry. */
#include <glib.h>
#include <string.h>

#include "rtp_fixtures.h"
#include "tempchat/tc_opus.h"

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
    {"AV1", &tc_payloader_av1},
    {"av1", &tc_payloader_av1},
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

/* RFC 6716 4.2.3: the LBRR flag follows the VAD flags of each SILK
 * frame, per channel, in the top bits of the first frame's first byte. */
static void
test_fec_is_read_from_the_lbrr_flag (void)
{
  static const struct {
    guint8 bytes[5];
    gsize len;
    gboolean fec;
  } cases[] = {
    { { 0x48, 0x40 }, 2, TRUE },        /* SILK WB 20 ms mono: VAD 0, LBRR 1 */
    { { 0x48, 0xBF }, 2, FALSE },       /* VAD 1, LBRR 0 */
    { { 0x18, 0x10 }, 2, TRUE },        /* 60 ms: three VAD flags, then LBRR */
    { { 0x18, 0xE0 }, 2, FALSE },
    { { 0x4C, 0x10 }, 2, TRUE },        /* stereo: the side channel's LBRR */
    { { 0x4C, 0xA0 }, 2, FALSE },       /* both VAD flags, no LBRR */
    { { 0x68, 0x40 }, 2, TRUE },        /* hybrid FB 20 ms has a SILK layer */
    { { 0xF8, 0xFF }, 2, FALSE },       /* CELT only: never */
    { { 0x4A, 0x01, 0x40 }, 3, TRUE },  /* code 2: a length, then frame 0 */
    { { 0x4A, 0x01 }, 2, FALSE },       /* code 2 with no frame data */
    { { 0x4B, 0x82, 0x01, 0x40 }, 4, TRUE },  /* code 3 VBR, 2 frames */
    { { 0x4B, 0x42, 0x01, 0x40 }, 4, TRUE },  /* code 3 CBR, 1 padding byte */
    { { 0x48 }, 1, FALSE },             /* a TOC with nothing after it */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (tc_opus_packet_has_fec (cases[i].bytes, cases[i].len),
        ==, cases[i].fec);
  g_assert_false (tc_opus_packet_has_fec (NULL, 0));
}

/* RFC 6716 3.1 and 3.2.5: the duration comes from the TOC config and the
 * frame count, whatever the packet carries. */
static void
test_packet_samples_follow_toc_and_count (void)
{
  static const struct {
    guint8 bytes[2];
    gsize len;
    guint32 samples;
  } cases[] = {
    { { 0x48 }, 1, 960 },            /* SILK WB 20 ms, one frame */
    { { 0x18 }, 1, 2880 },           /* config 3: SILK NB 60 ms */
    { { 0x10 }, 1, 1920 },           /* config 2: SILK NB 40 ms */
    { { 0x08 | 0x01 }, 1, 1920 },    /* 20 ms, code 1: two frames */
    { { 0x08 | 0x02 }, 1, 1920 },    /* 20 ms, code 2: two frames */
    { { 0x60 }, 1, 480 },            /* config 12: hybrid SWB 10 ms */
    { { 0x80 }, 1, 120 },            /* config 16: CELT NB 2.5 ms */
    { { 0xF8 }, 1, 960 },            /* config 31: CELT FB 20 ms */
    { { 0xFB, 0x03 }, 2, 2880 },     /* code 3: three 20 ms frames */
    { { 0xFB, 0x06 }, 2, 5760 },     /* six 20 ms frames: 120 ms */
    { { 0xFB, 0x07 }, 2, 0 },        /* 140 ms: more than Opus allows */
    { { 0x1B, 0x03 }, 2, 0 },        /* three 60 ms frames: 180 ms */
    { { 0xFB, 0x00 }, 2, 0 },        /* code 3 with no frames */
    { { 0xFB }, 1, 0 },              /* code 3 without its count byte */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (tc_opus_packet_samples (cases[i].bytes, cases[i].len),
        ==, cases[i].samples);
  g_assert_cmpuint (tc_opus_packet_samples (NULL, 0), ==, 0);
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
  g_test_add_func ("/rtp/opus/packet-samples-follow-toc-and-count",
      test_packet_samples_follow_toc_and_count);
  g_test_add_func ("/rtp/opus/fec-is-read-from-the-lbrr-flag",
      test_fec_is_read_from_the_lbrr_flag);
  g_test_add_func ("/rtp/payloader/registry-finds-codecs-by-sdp-name-case-insensitively",
      test_registry_finds_codecs_by_sdp_name_case_insensitively);
  return g_test_run ();
}
