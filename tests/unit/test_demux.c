/* test_demux.c - RFC 7983 demultiplexing of STUN, DTLS and SRTP. */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_demux.h"

/* RFC 7983 5, figure 3, edge by edge: a 64-byte datagram whose first byte
 * is `first` and second byte 0x60 (RTP payload type 96). */
static const struct {
  uint8_t first;
  tc_demux_kind kind;
} first_byte_table[] = {
  {0, TC_DEMUX_STUN},           /* STUN: 0..3 */
  {1, TC_DEMUX_STUN},           /* STUN binding success has type 0x0101 */
  {3, TC_DEMUX_STUN},
  {4, TC_DEMUX_DROP},           /* 4..15 unassigned */
  {15, TC_DEMUX_DROP},
  {16, TC_DEMUX_ZRTP},          /* ZRTP: 16..19 */
  {19, TC_DEMUX_ZRTP},
  {20, TC_DEMUX_DTLS},          /* DTLS: 20 change_cipher_spec */
  {21, TC_DEMUX_DTLS},          /* alert */
  {22, TC_DEMUX_DTLS},          /* handshake */
  {23, TC_DEMUX_DTLS},          /* application_data */
  {63, TC_DEMUX_DTLS},
  {64, TC_DEMUX_TURN_CHANNEL},  /* TURN ChannelData: 64..79 */
  {79, TC_DEMUX_TURN_CHANNEL},
  {80, TC_DEMUX_DROP},          /* 80..127 unassigned */
  {127, TC_DEMUX_DROP},
  {128, TC_DEMUX_RTP},          /* RTP/RTCP: 128..191 (version 2) */
  {0x90, TC_DEMUX_RTP},         /* V=2, X=1 */
  {191, TC_DEMUX_RTP},
  {192, TC_DEMUX_DROP},         /* 192..255 unassigned */
  {255, TC_DEMUX_DROP},
};

static void
test_first_byte_picks_the_protocol (void)
{
  uint8_t pkt[64];
  memset (pkt, 0, sizeof pkt);
  pkt[1] = 0x60;
  for (size_t i = 0; i < G_N_ELEMENTS (first_byte_table); i++) {
    pkt[0] = first_byte_table[i].first;
    g_test_message ("first byte %u", first_byte_table[i].first);
    g_assert_cmpstr (tc_demux_kind_name (tc_demux_classify (pkt, sizeof pkt)), ==,
        tc_demux_kind_name (first_byte_table[i].kind));
  }
}

static void
test_second_byte_tells_rtcp_from_rtp (void)
{
  /* RFC 5761 4: RTCP packet types 192..223 are payload types 64..95 with
   * the marker bit set; real RTP payload types avoid that range. */
  static const struct {
    uint8_t second;
    tc_demux_kind kind;
  } rows[] = {
    {0x00, TC_DEMUX_RTP},  /* PT 0 */
    {0x6f, TC_DEMUX_RTP},  /* PT 111 (Opus) */
    {0xe0, TC_DEMUX_RTP},  /* M=1, PT 96 */
    {0x3f, TC_DEMUX_RTP},  /* PT 63 */
    {0xbf, TC_DEMUX_RTP},  /* M=1, PT 63 */
    {0xc0, TC_DEMUX_RTCP}, /* 192 (FIR, historic) */
    {0xc8, TC_DEMUX_RTCP}, /* 200 SR */
    {0xc9, TC_DEMUX_RTCP}, /* 201 RR */
    {0xcd, TC_DEMUX_RTCP}, /* 205 RTPFB (NACK) */
    {0xce, TC_DEMUX_RTCP}, /* 206 PSFB (PLI) */
    {0xdf, TC_DEMUX_RTCP}, /* 223 */
    {0x40, TC_DEMUX_RTCP}, /* PT 64 without marker reads as RTCP too */
  };
  uint8_t pkt[32] = {0x80};
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++) {
    pkt[1] = rows[i].second;
    g_assert_cmpint (tc_demux_classify (pkt, sizeof pkt), ==, rows[i].kind);
  }
}

static void
test_datagrams_shorter_than_a_header_are_dropped (void)
{
  uint8_t pkt[32] = {0};
  g_assert_cmpint (tc_demux_classify (NULL, 0), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 0), ==, TC_DEMUX_DROP);

  pkt[0] = 0x00; /* STUN header is 20 bytes */
  g_assert_cmpint (tc_demux_classify (pkt, 19), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 20), ==, TC_DEMUX_STUN);
  pkt[0] = 22;   /* DTLS record header is 13 bytes */
  g_assert_cmpint (tc_demux_classify (pkt, 12), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 13), ==, TC_DEMUX_DTLS);
  pkt[0] = 0x80; /* RTP header is 12 bytes */
  pkt[1] = 0x60;
  g_assert_cmpint (tc_demux_classify (pkt, 11), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 12), ==, TC_DEMUX_RTP);
  pkt[1] = 0xc9; /* an RTCP RR without report blocks is 8 bytes */
  g_assert_cmpint (tc_demux_classify (pkt, 7), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 8), ==, TC_DEMUX_RTCP);
  pkt[0] = 0x40; /* TURN ChannelData header is 4 bytes */
  g_assert_cmpint (tc_demux_classify (pkt, 3), ==, TC_DEMUX_DROP);
  g_assert_cmpint (tc_demux_classify (pkt, 4), ==, TC_DEMUX_TURN_CHANNEL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demux/rfc7983-first-byte-picks-the-protocol",
      test_first_byte_picks_the_protocol);
  g_test_add_func ("/demux/rfc5761-second-byte-tells-rtcp-from-rtp",
      test_second_byte_tells_rtcp_from_rtp);
  g_test_add_func ("/demux/datagrams-shorter-than-a-header-are-dropped",
      test_datagrams_shorter_than_a_header_are_dropped);
  return g_test_run ();
}
