/* test_srtp.c - SRTP/SRTCP protection over libsrtp2. */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_srtp.h"

/* ---- known answers --------------------------------------------------------
 * The reference packets libSRTP validates itself against (test/srtp_driver.c,
 * srtp_validate() and srtp_validate_gcm()), run here through our session so
 * the profile-to-policy mapping and key layout are checked end to end.
 */

/* RTP: V=2, PT=15, seq 0x1234, ts 0xdecafbad, SSRC 0xcafebabe, 16 x 0xab. */
static const uint8_t rtp_plain[28] = {
  0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, /* V P X CC M PT seq ts */
  0xca, 0xfe, 0xba, 0xbe,                         /* SSRC */
  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, /* payload */
  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};

/* RTCP: SR header (PT 200, length 11), SSRC 0xcafebabe, 16 x 0xab. */
static const uint8_t rtcp_plain[24] = {
  0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, /* V P RC PT len SSRC */
  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
  0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};

/* AES_CM_128_HMAC_SHA1_80 master key and salt. */
static const uint8_t cm_key[16] = {
  0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
  0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
};
static const uint8_t cm_salt[14] = {
  0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a,
  0xab, 0xe6,
};

static const uint8_t cm_srtp[38] = {
  0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, /* header in the clear */
  0xca, 0xfe, 0xba, 0xbe,
  0x4e, 0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, /* AES-CM ciphertext */
  0x8c, 0xa4, 0xd2, 0x15, 0x94, 0x9d, 0x24, 0x02,
  0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b, /* HMAC-SHA1-80 tag */
  0x8d, 0xbb,
};

static const uint8_t cm_srtcp[38] = {
  0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, /* header + SSRC clear */
  0x71, 0x28, 0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd, /* ciphertext */
  0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
  0x80, 0x00, 0x00, 0x01,                         /* E=1, SRTCP index 1 */
  0x99, 0x3e, 0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23, /* HMAC-SHA1-80 tag */
  0x07, 0x98,
};

/* AEAD_AES_128_GCM master key and salt. */
static const uint8_t gcm_key[16] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t gcm_salt[12] = {
  0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
};

static const uint8_t gcm_srtp[44] = {
  0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, /* header (AAD) */
  0xca, 0xfe, 0xba, 0xbe,
  0xc5, 0x00, 0x2e, 0xde, 0x04, 0xcf, 0xdd, 0x2e, /* ciphertext */
  0xb9, 0x11, 0x59, 0xe0, 0x88, 0x0a, 0xa0, 0x6e,
  0xd2, 0x97, 0x68, 0x26, 0xf7, 0x96, 0xb2, 0x01, /* 16-byte GCM tag */
  0xdf, 0x31, 0x31, 0xa1, 0x27, 0xe8, 0xa3, 0x92,
};

static const uint8_t gcm_srtcp[44] = {
  0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, /* header (AAD) */
  0xc9, 0x8b, 0x8b, 0x5d, 0xf0, 0x39, 0x2a, 0x55, /* ciphertext */
  0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e, 0x70, 0x25,
  0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46, /* 16-byte GCM tag */
  0xea, 0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e,
  0x80, 0x00, 0x00, 0x01,                         /* E=1, SRTCP index 1 */
};

/* Keys whose local and remote halves are equal, so one session talks to
 * itself: what it protects, its inbound side can unprotect. */
static tc_srtp_keys
loop_keys (tc_srtp_profile profile, const uint8_t *key, const uint8_t *salt)
{
  tc_srtp_keys k;
  memset (&k, 0, sizeof k);
  k.profile = profile;
  k.key_len = tc_srtp_profile_key_len (profile);
  k.salt_len = tc_srtp_profile_salt_len (profile);
  memcpy (k.local_key, key, k.key_len);
  memcpy (k.remote_key, key, k.key_len);
  memcpy (k.local_salt, salt, k.salt_len);
  memcpy (k.remote_salt, salt, k.salt_len);
  return k;
}

typedef struct {
  const char *name;
  tc_srtp_profile profile;
  const uint8_t *key, *salt;
  const uint8_t *srtp;
  size_t srtp_len;
  const uint8_t *srtcp;
  size_t srtcp_len;
} vector;

static const vector vectors[] = {
  {"aes-cm-128-hmac-sha1-80", TC_SRTP_PROFILE_AES128_CM_SHA1_80, cm_key, cm_salt,
      cm_srtp, sizeof cm_srtp, cm_srtcp, sizeof cm_srtcp},
  {"aead-aes-128-gcm", TC_SRTP_PROFILE_AEAD_AES_128_GCM, gcm_key, gcm_salt,
      gcm_srtp, sizeof gcm_srtp, gcm_srtcp, sizeof gcm_srtcp},
};

static void
test_reference_vector (gconstpointer data)
{
  const vector *v = data;
  tc_srtp_keys keys = loop_keys (v->profile, v->key, v->salt);
  tc_srtp *s = NULL;
  g_assert_cmpint (tc_srtp_new (&keys, &s), ==, TC_OK);
  tc_srtp_keys_wipe (&keys);

  uint8_t buf[64];
  size_t len = 0;
  tc_srtp_drop why = TC_SRTP_DROP_AUTH;

  memcpy (buf, rtp_plain, sizeof rtp_plain);
  g_assert_cmpint (tc_srtp_protect_rtp (s, buf, sizeof rtp_plain, sizeof buf, &len), ==, TC_OK);
  g_assert_cmpmem (buf, len, v->srtp, v->srtp_len);
  g_assert_cmpint (tc_srtp_unprotect_rtp (s, buf, len, &len, &why), ==, TC_OK);
  g_assert_cmpint (why, ==, TC_SRTP_DROP_NONE);
  g_assert_cmpmem (buf, len, rtp_plain, sizeof rtp_plain);

  memcpy (buf, rtcp_plain, sizeof rtcp_plain);
  g_assert_cmpint (tc_srtp_protect_rtcp (s, buf, sizeof rtcp_plain, sizeof buf, &len), ==, TC_OK);
  g_assert_cmpmem (buf, len, v->srtcp, v->srtcp_len);
  g_assert_cmpint (tc_srtp_unprotect_rtcp (s, buf, len, &len, &why), ==, TC_OK);
  g_assert_cmpmem (buf, len, rtcp_plain, sizeof rtcp_plain);

  tc_srtp_free (s);
}

/* ---- two peers ---------------------------------------------------------- */

typedef struct {
  tc_srtp *a, *b;
} pair;

static void
pair_open (pair *p, tc_srtp_profile profile)
{
  tc_srtp_keys ka, kb;
  memset (&ka, 0, sizeof ka);
  ka.profile = profile;
  ka.key_len = tc_srtp_profile_key_len (profile);
  ka.salt_len = tc_srtp_profile_salt_len (profile);
  for (size_t i = 0; i < ka.key_len; i++) {
    ka.local_key[i] = (uint8_t) (0x10 + i);
    ka.remote_key[i] = (uint8_t) (0x40 + i);
  }
  for (size_t i = 0; i < ka.salt_len; i++) {
    ka.local_salt[i] = (uint8_t) (0x70 + i);
    ka.remote_salt[i] = (uint8_t) (0xa0 + i);
  }
  /* b sees the same association from the other end */
  kb = ka;
  memcpy (kb.local_key, ka.remote_key, sizeof kb.local_key);
  memcpy (kb.remote_key, ka.local_key, sizeof kb.remote_key);
  memcpy (kb.local_salt, ka.remote_salt, sizeof kb.local_salt);
  memcpy (kb.remote_salt, ka.local_salt, sizeof kb.remote_salt);
  g_assert_cmpint (tc_srtp_new (&ka, &p->a), ==, TC_OK);
  g_assert_cmpint (tc_srtp_new (&kb, &p->b), ==, TC_OK);
  g_assert_cmpint (tc_srtp_get_profile (p->a), ==, profile);
}

static void
pair_close (pair *p)
{
  tc_srtp_free (p->a);
  tc_srtp_free (p->b);
}

/* An RTP packet: PT 96, `seq`, SSRC 0x11223344, `payload_len` bytes. */
static size_t
make_rtp (uint8_t *buf, uint16_t seq, size_t payload_len)
{
  static const uint8_t header[12] = {
    0x80, 0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44,
  };
  memcpy (buf, header, sizeof header);
  buf[2] = (uint8_t) (seq >> 8);
  buf[3] = (uint8_t) seq;
  for (size_t i = 0; i < payload_len; i++)
    buf[12 + i] = (uint8_t) (i * 7 + seq);
  return 12 + payload_len;
}

static const tc_srtp_profile both_profiles[] = {
  TC_SRTP_PROFILE_AES128_CM_SHA1_80,
  TC_SRTP_PROFILE_AEAD_AES_128_GCM,
};

static void
test_rtp_and_rtcp_cross_byte_identical (void)
{
  for (size_t k = 0; k < G_N_ELEMENTS (both_profiles); k++) {
    tc_srtp_profile profile = both_profiles[k];
    pair p;
    pair_open (&p, profile);

    for (uint16_t seq = 1000; seq < 1010; seq++) {
      uint8_t plain[1200], buf[1200 + TC_SRTP_MAX_OVERHEAD];
      size_t n = make_rtp (plain, seq, 900), len = 0;
      memcpy (buf, plain, n);
      g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len), ==, TC_OK);
      g_assert_cmpuint (len, ==, n + tc_srtp_rtp_overhead (profile));
      g_assert_cmpmem (buf, 12, plain, 12);            /* header stays clear */
      g_assert_true (memcmp (buf + 12, plain + 12, n - 12) != 0); /* payload not */
      g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &len, NULL), ==, TC_OK);
      g_assert_cmpmem (buf, len, plain, n);
    }

    /* and the other way, RTCP */
    uint8_t buf[64];
    size_t len = 0;
    memcpy (buf, rtcp_plain, sizeof rtcp_plain);
    g_assert_cmpint (tc_srtp_protect_rtcp (p.b, buf, sizeof rtcp_plain, sizeof buf, &len), ==, TC_OK);
    g_assert_cmpuint (len, ==, sizeof rtcp_plain + tc_srtp_rtcp_overhead (profile));
    g_assert_cmpint (tc_srtp_unprotect_rtcp (p.a, buf, len, &len, NULL), ==, TC_OK);
    g_assert_cmpmem (buf, len, rtcp_plain, sizeof rtcp_plain);

    /* a's own packets do not unprotect with a's inbound key */
    size_t n = make_rtp (buf, 1010, 20);
    tc_srtp_drop why = TC_SRTP_DROP_NONE;
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.a, buf, len, &len, &why), ==, TC_ERR_AUTH);
    g_assert_cmpint (why, ==, TC_SRTP_DROP_AUTH);
    pair_close (&p);
  }
}

static void
test_tampered_packets_fail_authentication (void)
{
  for (size_t k = 0; k < G_N_ELEMENTS (both_profiles); k++) {
    pair p;
    pair_open (&p, both_profiles[k]);
    /* flip one bit in the header, the payload, and the tag in turn */
    static const size_t flips[] = {3, 20, 0};
    for (size_t f = 0; f < G_N_ELEMENTS (flips); f++) {
      uint8_t buf[128];
      size_t n = make_rtp (buf, (uint16_t) (100 + f), 40), len = 0;
      g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len), ==, TC_OK);
      size_t at = flips[f] ? flips[f] : len - 1;
      buf[at] ^= 0x01;
      tc_srtp_drop why = TC_SRTP_DROP_NONE;
      size_t out = 0;
      g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, &why), ==, TC_ERR_AUTH);
      g_assert_cmpint (why, ==, TC_SRTP_DROP_AUTH);
    }

    uint8_t buf[64];
    size_t len = 0, out = 0;
    tc_srtp_drop why = TC_SRTP_DROP_NONE;
    memcpy (buf, rtcp_plain, sizeof rtcp_plain);
    g_assert_cmpint (tc_srtp_protect_rtcp (p.a, buf, sizeof rtcp_plain, sizeof buf, &len), ==, TC_OK);
    buf[10] ^= 0x80;
    g_assert_cmpint (tc_srtp_unprotect_rtcp (p.b, buf, len, &out, &why), ==, TC_ERR_AUTH);
    g_assert_cmpint (why, ==, TC_SRTP_DROP_AUTH);
    pair_close (&p);
  }
}

static void
test_replayed_packets_are_refused (void)
{
  for (size_t k = 0; k < G_N_ELEMENTS (both_profiles); k++) {
    pair p;
    pair_open (&p, both_profiles[k]);
    uint8_t first[128], copy[128];
    size_t n = make_rtp (first, 2000, 50), len = 0, out = 0;
    tc_srtp_drop why = TC_SRTP_DROP_NONE;
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, first, n, sizeof first, &len), ==, TC_OK);
    memcpy (copy, first, len);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, first, len, &out, &why), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, copy, len, &out, &why), ==, TC_ERR_REPLAY);
    g_assert_cmpint (why, ==, TC_SRTP_DROP_REPLAY);

    /* older than the 1024-packet window: refused even if never seen */
    uint8_t old[128];
    size_t old_n = make_rtp (old, 2001, 50), old_len = 0;
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, old, old_n, sizeof old, &old_len), ==, TC_OK);
    for (uint16_t seq = 2002; seq <= 2002 + 1100; seq++) {
      uint8_t buf[128];
      size_t m = make_rtp (buf, seq, 50);
      g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, m, sizeof buf, &len), ==, TC_OK);
      g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, NULL), ==, TC_OK);
    }
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, old, old_len, &out, &why), ==, TC_ERR_REPLAY);
    g_assert_cmpint (why, ==, TC_SRTP_DROP_REPLAY);

    /* a late packet still inside the window is fine */
    uint8_t late[128];
    size_t late_n = make_rtp (late, 4000, 50), late_len = 0;
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, late, late_n, sizeof late, &late_len), ==, TC_OK);
    for (uint16_t seq = 4001; seq <= 4000 + 1000; seq++) {
      uint8_t buf[128];
      size_t m = make_rtp (buf, seq, 50);
      g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, m, sizeof buf, &len), ==, TC_OK);
      g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, NULL), ==, TC_OK);
    }
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, late, late_len, &out, &why), ==, TC_OK);

    /* SRTCP replay */
    uint8_t r1[64], r2[64];
    memcpy (r1, rtcp_plain, sizeof rtcp_plain);
    g_assert_cmpint (tc_srtp_protect_rtcp (p.a, r1, sizeof rtcp_plain, sizeof r1, &len), ==, TC_OK);
    memcpy (r2, r1, len);
    g_assert_cmpint (tc_srtp_unprotect_rtcp (p.b, r1, len, &out, &why), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtcp (p.b, r2, len, &out, &why), ==, TC_ERR_REPLAY);
    g_assert_cmpint (why, ==, TC_SRTP_DROP_REPLAY);
    pair_close (&p);
  }
}

/* Protects `seq` on SSRC 0x11223344 (or `ssrc` when not 0); the status. */
static tc_status
protect_seq (tc_srtp *s, uint16_t seq, uint32_t ssrc, uint8_t *buf,
    size_t *len)
{
  size_t n = make_rtp (buf, seq, 60);
  if (ssrc != 0) {
    buf[8] = (uint8_t) (ssrc >> 24);
    buf[9] = (uint8_t) (ssrc >> 16);
    buf[10] = (uint8_t) (ssrc >> 8);
    buf[11] = (uint8_t) ssrc;
  }
  return tc_srtp_protect_rtp (s, buf, n, 128, len);
}

/* A send stream restarted with a new random sequence number used to land
 * behind the one it had sent: 2000 behind, libsrtp refused it as "old" with
 * a status that read as a caller bug; inside the window it encrypted new
 * plaintext with a used keystream. Each index is protected once: anything
 * at or below the highest protected on an SSRC is refused, buffer
 * untouched, with its own status. */
static void
test_an_index_is_protected_once (void)
{
  for (size_t k = 0; k < G_N_ELEMENTS (both_profiles); k++) {
    pair p;
    pair_open (&p, both_profiles[k]);
    uint8_t buf[128], plain[128];
    size_t len = 0, out = 0;
    const uint16_t s = 30000;

    g_assert_cmpint (protect_seq (p.a, s, 0, buf, &len), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, NULL), ==,
        TC_OK);

    /* 2000 behind (outside the replay window), 500 behind (inside it, never
     * used), and s itself with other bytes: all refused */
    static const uint16_t behind[] = { 2000, 500, 1, 0 };
    for (size_t i = 0; i < G_N_ELEMENTS (behind); i++) {
      size_t n = make_rtp (plain, (uint16_t) (s - behind[i]), 60);
      plain[20] ^= 0x5a;
      memcpy (buf, plain, n);
      g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len),
          ==, TC_ERR_SRTP_INDEX);
      g_assert_cmpmem (buf, n, plain, n);
    }
    g_assert_cmpstr (tc_status_name (TC_ERR_SRTP_INDEX), ==,
        "TC_ERR_SRTP_INDEX");

    /* the next index is fine, and the receiver takes it */
    g_assert_cmpint (protect_seq (p.a, s + 1, 0, buf, &len), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, NULL), ==,
        TC_OK);
    /* another SSRC has its own indexes */
    g_assert_cmpint (protect_seq (p.a, s - 2000, 0x55667788, buf, &len), ==,
        TC_OK);
    pair_close (&p);
  }
}

/* The sequence number wraps into the next rollover count: 65535 then 0 is
 * the next index, and 65535 again is not. */
static void
test_the_index_continues_across_a_sequence_wrap (void)
{
  pair p;
  pair_open (&p, TC_SRTP_PROFILE_AES128_CM_SHA1_80);
  uint8_t buf[128];
  size_t len = 0, out = 0;
  for (uint32_t seq = 65530; seq <= 65540; seq++) {
    g_assert_cmpint (protect_seq (p.a, (uint16_t) seq, 0, buf, &len), ==,
        TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &out, NULL), ==,
        TC_OK);
  }
  g_assert_cmpint (protect_seq (p.a, 65535, 0, buf, &len), ==,
      TC_ERR_SRTP_INDEX);
  g_assert_cmpint (protect_seq (p.a, 4, 0, buf, &len), ==, TC_ERR_SRTP_INDEX);
  g_assert_cmpint (protect_seq (p.a, 5, 0, buf, &len), ==, TC_OK);
  pair_close (&p);
}

static void
test_protect_needs_room_for_the_trailer (void)
{
  for (size_t k = 0; k < G_N_ELEMENTS (both_profiles); k++) {
    tc_srtp_profile profile = both_profiles[k];
    pair p;
    pair_open (&p, profile);
    uint8_t plain[64];
    size_t n = make_rtp (plain, 9, 30), len = 0;

    /* one byte short: refused, buffer untouched */
    size_t tight = n + tc_srtp_rtp_overhead (profile);
    uint8_t *buf = g_malloc (tight);
    memcpy (buf, plain, n);
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, tight - 1, &len), ==, TC_ERR_TOO_LARGE);
    g_assert_cmpmem (buf, n, plain, n);
    /* exactly enough (heap-allocated so ASan sees any write past it) */
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, tight, &len), ==, TC_OK);
    g_assert_cmpuint (len, ==, tight);
    g_free (buf);

    size_t rtight = sizeof rtcp_plain + tc_srtp_rtcp_overhead (profile);
    g_assert_cmpuint (rtight, <=, sizeof rtcp_plain + TC_SRTP_MAX_OVERHEAD);
    buf = g_malloc (rtight);
    memcpy (buf, rtcp_plain, sizeof rtcp_plain);
    g_assert_cmpint (tc_srtp_protect_rtcp (p.a, buf, sizeof rtcp_plain, rtight - 1, &len),
        ==, TC_ERR_TOO_LARGE);
    g_assert_cmpint (tc_srtp_protect_rtcp (p.a, buf, sizeof rtcp_plain, rtight, &len), ==, TC_OK);
    g_assert_cmpuint (len, ==, rtight);
    g_free (buf);
    pair_close (&p);
  }
}

static void
test_garbage_is_refused_as_malformed (void)
{
  pair p;
  pair_open (&p, TC_SRTP_PROFILE_AES128_CM_SHA1_80);
  uint8_t buf[64];
  size_t len = 0;
  tc_srtp_drop why = TC_SRTP_DROP_NONE;

  memset (buf, 0, sizeof buf); /* version 0 */
  g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, 40, &len, &why), ==, TC_ERR_PARSE);
  g_assert_cmpint (why, ==, TC_SRTP_DROP_MALFORMED);
  g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, 40, sizeof buf, &len), ==, TC_ERR_PARSE);

  size_t n = make_rtp (buf, 1, 0); /* header only: no room for a tag */
  g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, n, &len, &why), ==, TC_ERR_PARSE);
  g_assert_cmpint (why, ==, TC_SRTP_DROP_MALFORMED);
  g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, 5, &len, &why), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_srtp_unprotect_rtcp (p.b, buf, 12, &len, &why), ==, TC_ERR_PARSE);
  g_assert_cmpint (why, ==, TC_SRTP_DROP_MALFORMED);
  g_assert_cmpint (tc_srtp_protect_rtcp (p.a, buf, 4, sizeof buf, &len), ==, TC_ERR_PARSE);

  /* CSRC count pointing past the end */
  n = make_rtp (buf, 2, 20);
  buf[0] = 0x8f;
  g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len), ==, TC_ERR_PARSE);
  pair_close (&p);
}

static void
test_profiles_have_rfc_key_and_trailer_sizes (void)
{
  /* RFC 5764 4.1.2 and RFC 7714 12/14.2 */
  g_assert_cmpstr (tc_srtp_profile_name (TC_SRTP_PROFILE_AES128_CM_SHA1_80), ==,
      "SRTP_AES128_CM_SHA1_80");
  g_assert_cmpuint (tc_srtp_profile_key_len (TC_SRTP_PROFILE_AES128_CM_SHA1_80), ==, 16);
  g_assert_cmpuint (tc_srtp_profile_salt_len (TC_SRTP_PROFILE_AES128_CM_SHA1_80), ==, 14);
  g_assert_cmpuint (tc_srtp_rtp_overhead (TC_SRTP_PROFILE_AES128_CM_SHA1_80), ==, 10);
  g_assert_cmpuint (tc_srtp_rtcp_overhead (TC_SRTP_PROFILE_AES128_CM_SHA1_80), ==, 14);
  g_assert_cmpstr (tc_srtp_profile_name (TC_SRTP_PROFILE_AEAD_AES_128_GCM), ==,
      "SRTP_AEAD_AES_128_GCM");
  g_assert_cmpuint (tc_srtp_profile_key_len (TC_SRTP_PROFILE_AEAD_AES_128_GCM), ==, 16);
  g_assert_cmpuint (tc_srtp_profile_salt_len (TC_SRTP_PROFILE_AEAD_AES_128_GCM), ==, 12);
  g_assert_cmpuint (tc_srtp_rtp_overhead (TC_SRTP_PROFILE_AEAD_AES_128_GCM), ==, 16);
  g_assert_cmpuint (tc_srtp_rtcp_overhead (TC_SRTP_PROFILE_AEAD_AES_128_GCM), ==, 20);
  g_assert_cmpuint (TC_SRTP_PROFILE_AES128_CM_SHA1_80, ==, 0x0001);
  g_assert_cmpuint (TC_SRTP_PROFILE_AEAD_AES_128_GCM, ==, 0x0007);
  g_assert_null (tc_srtp_profile_name (TC_SRTP_PROFILE_NONE));
  g_assert_cmpuint (tc_srtp_profile_key_len ((tc_srtp_profile) 2), ==, 0);
}

static void
test_keys_that_do_not_fit_the_profile_are_refused (void)
{
  tc_srtp_keys k = loop_keys (TC_SRTP_PROFILE_AEAD_AES_128_GCM, gcm_key, gcm_salt);
  tc_srtp *s = NULL;
  k.salt_len = 14;
  g_assert_cmpint (tc_srtp_new (&k, &s), ==, TC_ERR_INVALID_ARG);
  g_assert_null (s);
  k.salt_len = 12;
  k.profile = (tc_srtp_profile) 2; /* SRTP_AES128_CM_SHA1_32: not ours */
  g_assert_cmpint (tc_srtp_new (&k, &s), ==, TC_ERR_UNSUPPORTED);
  g_assert_null (s);
  tc_srtp_keys_wipe (&k);
  static const tc_srtp_keys zero;
  g_assert_cmpmem (&k, sizeof k, &zero, sizeof zero);
  tc_srtp_free (NULL);
}

static gpointer
open_and_use (gpointer data)
{
  for (int i = 0; i < 20; i++) {
    pair p;
    pair_open (&p, both_profiles[i % 2]);
    uint8_t buf[128];
    size_t n = make_rtp (buf, 1, 40), len = 0;
    g_assert_cmpint (tc_srtp_protect_rtp (p.a, buf, n, sizeof buf, &len), ==, TC_OK);
    g_assert_cmpint (tc_srtp_unprotect_rtp (p.b, buf, len, &len, NULL), ==, TC_OK);
    pair_close (&p);
  }
  return NULL;
}

static void
test_sessions_start_on_many_threads_at_once (void)
{
  /* libsrtp is initialized on first use behind a g_once. */
  GThread *threads[4];
  for (size_t i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("srtp", open_and_use, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* first, so the threads race to initialize libsrtp */
  g_test_add_func ("/srtp/sessions-start-on-many-threads-at-once",
      test_sessions_start_on_many_threads_at_once);
  for (size_t i = 0; i < G_N_ELEMENTS (vectors); i++) {
    char *path = g_strdup_printf ("/srtp/%s/matches-the-libsrtp-reference-packets",
        vectors[i].name);
    g_test_add_data_func (path, &vectors[i], test_reference_vector);
    g_free (path);
  }
  g_test_add_func ("/srtp/profiles-have-rfc-key-and-trailer-sizes",
      test_profiles_have_rfc_key_and_trailer_sizes);
  g_test_add_func ("/srtp/rtp-and-rtcp-cross-between-peers-byte-identical",
      test_rtp_and_rtcp_cross_byte_identical);
  g_test_add_func ("/srtp/tampered-packets-fail-authentication",
      test_tampered_packets_fail_authentication);
  g_test_add_func ("/srtp/replayed-packets-are-refused",
      test_replayed_packets_are_refused);
  g_test_add_func ("/srtp/an-index-is-protected-once",
      test_an_index_is_protected_once);
  g_test_add_func ("/srtp/the-index-continues-across-a-sequence-wrap",
      test_the_index_continues_across_a_sequence_wrap);
  g_test_add_func ("/srtp/protect-needs-room-for-the-trailer",
      test_protect_needs_room_for_the_trailer);
  g_test_add_func ("/srtp/garbage-is-refused-as-malformed",
      test_garbage_is_refused_as_malformed);
  g_test_add_func ("/srtp/keys-that-do-not-fit-the-profile-are-refused",
      test_keys_that_do_not_fit_the_profile_are_refused);
  return g_test_run ();
}
