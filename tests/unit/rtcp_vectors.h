/* rtcp_vectors.h - RTCP packets shaped like Chrome's, annotated field by
 * field, shared by test_rtcp_parse.c and test_rtcp_build.c (the builders
 * must produce these exact bytes). SSRC 0xfa17fa17 is the receiver (us),
 * 0x2c1e4f73 the media stream.
 */
#ifndef TEMPCHAT_TEST_RTCP_VECTORS_H
#define TEMPCHAT_TEST_RTCP_VECTORS_H

#include <stdint.h>

#define SSRC_RECV 0xfa17fa17u
#define SSRC_MEDIA 0x2c1e4f73u

/* Compound RR + SDES, as Chrome sends for a stream it receives. */
static const uint8_t chrome_rr_sdes[] = {
  /* RR */
  0x81, 0xc9, 0x00, 0x07,       /* V=2 P=0 RC=1, PT=201, length 7 (32 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC_1: the stream reported on */
  0x02,                         /* fraction lost 2/256 */
  0x00, 0x00, 0x05,             /* cumulative lost 5 */
  0x00, 0x01, 0x5a, 0x31,       /* ext highest seq: cycle 1, seq 23089 */
  0x00, 0x00, 0x00, 0x2a,       /* interarrival jitter 42 */
  0xb7, 0x05, 0x20, 0x00,       /* LSR (RFC 3550 6.4.1 example) */
  0x00, 0x05, 0x40, 0x00,       /* DLSR 5.25 s */
  /* SDES */
  0x81, 0xca, 0x00, 0x06,       /* V=2 P=0 SC=1, PT=202, length 6 (28 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* chunk 1: SSRC */
  0x01, 0x10,                   /* CNAME, 16 bytes */
  'Q', 'v', '8', 'd', 'P', 'z', '3', 'V',
  'a', 'X', 'o', 'o', '0', 'k', '2', 'E',
  0x00, 0x00,                   /* END, pad to the word */
};

/* Sender report with one block whose cumulative loss is negative. */
static const uint8_t chrome_sr[] = {
  0x81, 0xc8, 0x00, 0x0c,       /* V=2 P=0 RC=1, PT=200, length 12 (52 B) */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC of sender */
  0xe7, 0xa3, 0xb1, 0xc2,       /* NTP seconds */
  0x80, 0x00, 0x00, 0x00,       /* NTP fraction: .5 */
  0x00, 0x02, 0xee, 0x00,       /* RTP timestamp 192000 */
  0x00, 0x00, 0x00, 0x64,       /* sender's packet count 100 */
  0x00, 0x00, 0x1f, 0x40,       /* sender's octet count 8000 */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC_1 */
  0x00,                         /* fraction lost 0 */
  0xff, 0xff, 0xff,             /* cumulative lost -1 (a duplicate) */
  0x00, 0x00, 0x00, 0x10,       /* ext highest seq 16 */
  0x00, 0x00, 0x00, 0x00,       /* jitter 0 */
  0x00, 0x00, 0x00, 0x00,       /* LSR: no SR yet */
  0x00, 0x00, 0x00, 0x00,       /* DLSR */
};

/* Transport-cc feedback with all three chunk kinds and Chrome's
 * padding (P bit, count in the last byte). */
static const uint8_t chrome_twcc[] = {
  0xaf, 0xcd, 0x00, 0x0a,       /* V=2 P=1 FMT=15, PT=205, length 10 (44 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC of media source */
  0x01, 0x2c,                   /* base sequence number 300 */
  0x00, 0x15,                   /* packet status count 21 */
  0x0a, 0x1b, 0x2c,             /* reference time 0x0a1b2c x 64 ms */
  0x05,                         /* feedback packet count 5 */
  0x20, 0x05,                   /* run length: T=0 S=1 (small) x5: 300..304 */
  0xd2, 0x41,                   /* 2-bit vector: 1 0 2 1 0 0 1: 305..311 */
  0xb4, 0x60,                   /* 1-bit vector: 1 1 0 1 0 0 0 1 1 (+5
                                 * unused): 312..320 */
  0x04, 0x14, 0x15, 0x13, 0x16, /* deltas 300..304: 1, 5, 5.25, 4.75, 5.5 ms */
  0x28,                         /* 305: 10 ms */
  0xff, 0x38,                   /* 307: large, -200 ticks = -50 ms */
  0x50,                         /* 308: 20 ms */
  0x01,                         /* 311: 0.25 ms */
  0x00, 0x1f, 0x20, 0xff, 0x02, /* 312, 313, 315, 319, 320 */
  0x00, 0x00, 0x03,             /* padding: 3 bytes */
};

/* Generic NACK: two PID+BLP pairs. */
static const uint8_t chrome_nack[] = {
  0x81, 0xcd, 0x00, 0x04,       /* V=2 P=0 FMT=1, PT=205, length 4 (20 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC of media source */
  0x5a, 0x31, 0x80, 0x05,       /* PID 23089, BLP bits 0 2 15: +1 +3 +16 */
  0x5b, 0x00, 0x00, 0x00,       /* PID 23296, BLP 0 */
};

static const uint8_t chrome_pli[] = {
  0x81, 0xce, 0x00, 0x02,       /* V=2 P=0 FMT=1, PT=206, length 2 (12 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC of media source */
};

static const uint8_t chrome_fir[] = {
  0x84, 0xce, 0x00, 0x04,       /* V=2 P=0 FMT=4, PT=206, length 4 (20 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x00, 0x00, 0x00, 0x00,       /* SSRC of media source: unused */
  0x2c, 0x1e, 0x4f, 0x73,       /* FCI: SSRC */
  0x07, 0x00, 0x00, 0x00,       /* seq nr 7, reserved */
};

static const uint8_t chrome_remb[] = {
  0x8f, 0xce, 0x00, 0x05,       /* V=2 P=0 FMT=15, PT=206, length 5 (24 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x00, 0x00, 0x00, 0x00,       /* SSRC of media source: unused */
  'R', 'E', 'M', 'B',           /* unique identifier */
  0x01,                         /* num SSRC 1 */
  0x0e, 0xdc, 0x6c,             /* exp 3, mantissa 187500: 1.5 Mbps */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC feedback */
};

static const uint8_t chrome_bye[] = {
  0x81, 0xcb, 0x00, 0x02,       /* V=2 P=0 SC=1, PT=203, length 2 (12 B) */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC */
  0x03, 'b', 'y', 'e',          /* reason: 3 bytes */
};

/* Two chunks: NAME then CNAME; then a chunk with no items. */
static const uint8_t sdes_two_chunks[] = {
  0x82, 0xca, 0x00, 0x06,       /* V=2 P=0 SC=2, PT=202, length 6 (28 B) */
  0x11, 0x11, 0x11, 0x11,       /* chunk 1: SSRC */
  0x02, 0x03, 'a', 'b', 'c',    /* NAME "abc" */
  0x01, 0x02, 'x', 'y',         /* CNAME "xy" */
  0x00, 0x00, 0x00,             /* END, pad to the word */
  0x22, 0x22, 0x22, 0x22,       /* chunk 2: SSRC */
  0x00, 0x00, 0x00, 0x00,       /* END, pad */
};

static const uint8_t app_packet[] = {
  0x80, 0xcc, 0x00, 0x02,       /* V=2 P=0 subtype 0, PT=204 APP, length 2 */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC */
  'q', 'w', 'e', 'r',           /* name */
};

static const uint8_t xr_packet[] = {
  0x80, 0xcf, 0x00, 0x04,       /* V=2 P=0, PT=207 XR, length 4 (20 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC */
  0x04, 0x00, 0x00, 0x02,       /* BT=4 receiver reference time, 2 words */
  0xe7, 0xa3, 0xb1, 0xc2, 0x80, 0x00, 0x00, 0x00,       /* NTP */
};

/* Transport-cc the builder must produce for arrivals 641 ms, 642 ms,
 * lost, 643.25 ms from seq 10. */
static const uint8_t built_twcc[] = {
  0x8f, 0xcd, 0x00, 0x06,       /* V=2 P=0 FMT=15, PT=205, length 6 (28 B) */
  0xfa, 0x17, 0xfa, 0x17,       /* SSRC of packet sender */
  0x2c, 0x1e, 0x4f, 0x73,       /* SSRC of media source */
  0x00, 0x0a,                   /* base seq 10 */
  0x00, 0x04,                   /* status count 4 */
  0x00, 0x00, 0x0a,             /* reference time 10 x 64 ms = 640 ms */
  0x07,                         /* fb pkt count 7 */
  0xb4, 0x00,                   /* 1-bit vector: 1 1 0 1 */
  0x04, 0x04, 0x05,             /* deltas 1 ms, 1 ms, 1.25 ms */
  0x00, 0x00, 0x00,             /* zero padding to the word */
};

#endif
