/* test_dtls.c - two DTLS-SRTP endpoints talking in memory.
 *
 * A "link" joins a client and a server: whatever one sends is queued and
 * fed to the other by pump(), unless the test drops it. The clock is the
 * real monotonic clock because OpenSSL times retransmissions on its own
 * wall clock. Tests that lose packets wait for the deadline that
 * tc_dtls_next_timeout_us() gives, on a main-context timer as the session
 * loop will, with a short first timeout (LOSSY_RETRANSMIT_MS) to stay fast.
 */
#include <glib.h>
#include <string.h>

#include "net/dtls_internal.h"
#include "tempchat/tc_dtls.h"
#include "tempchat/tc_srtp.h"

/* First retransmission timeout in the tests that lose packets: short, but
 * above OpenSSL's 15 ms granularity (it treats a timer due within 15 ms as
 * expired already and would resend on every read). */
#define LOSSY_RETRANSMIT_MS 30

typedef struct {
  const char *name;
  tc_dtls *dtls;
  GQueue out;          /* GBytes, sent and not yet delivered */
  size_t sent;         /* datagrams sent in total */
  size_t max_datagram; /* largest datagram sent */
  int connected;       /* times the connected callback ran */
  int failed;
  int closed;
  tc_status fail_status;
  char *fail_reason;
  tc_srtp_keys keys;
} endpoint;

typedef struct {
  tc_dtls_cert *cert_c, *cert_s;
  tc_dtls_config cfg_c, cfg_s;
  endpoint c, s;
} link_t;

/* ---- harness ----------------------------------------------------------------- */

static void
on_send (void *user_data, const uint8_t *data, size_t len)
{
  endpoint *ep = user_data;
  g_queue_push_tail (&ep->out, g_bytes_new (data, len));
  ep->sent++;
  ep->max_datagram = MAX (ep->max_datagram, len);
}

static void
on_connected (void *user_data, const tc_srtp_keys *keys)
{
  endpoint *ep = user_data;
  ep->connected++;
  ep->keys = *keys;
}

static void
on_failed (void *user_data, tc_status st, const char *reason)
{
  endpoint *ep = user_data;
  ep->failed++;
  ep->fail_status = st;
  g_free (ep->fail_reason);
  ep->fail_reason = g_strdup (reason);
  g_test_message ("%s failed: %s", ep->name, reason);
}

static void
on_closed (void *user_data)
{
  endpoint *ep = user_data;
  ep->closed++;
}

static const tc_dtls_callbacks callbacks = {
  .send = on_send,
  .connected = on_connected,
  .failed = on_failed,
  .closed = on_closed,
};

static tc_dtls_fingerprint
fingerprint_of (tc_dtls_cert *cert, tc_dtls_hash hash)
{
  tc_dtls_fingerprint fp;
  g_assert_cmpint (tc_dtls_cert_fingerprint (cert, hash, &fp), ==, TC_OK);
  return fp;
}

/* Certificates and default configs: each side expects the other's real
 * SHA-256 fingerprint. Tests adjust cfg_c/cfg_s before link_open(). */
static void
link_init (link_t *l)
{
  memset (l, 0, sizeof *l);
  g_assert_cmpint (tc_dtls_cert_new (&l->cert_c), ==, TC_OK);
  g_assert_cmpint (tc_dtls_cert_new (&l->cert_s), ==, TC_OK);
  tc_dtls_fingerprint fc = fingerprint_of (l->cert_c, TC_DTLS_HASH_SHA256);
  tc_dtls_fingerprint fs = fingerprint_of (l->cert_s, TC_DTLS_HASH_SHA256);
  tc_dtls_config_init (&l->cfg_c, TC_DTLS_ROLE_CLIENT, &fs);
  tc_dtls_config_init (&l->cfg_s, TC_DTLS_ROLE_SERVER, &fc);
  l->c.name = "client";
  l->s.name = "server";
  g_queue_init (&l->c.out);
  g_queue_init (&l->s.out);
}

static void
link_open (link_t *l)
{
  g_assert_cmpint (tc_dtls_new (l->cert_c, &l->cfg_c, &callbacks, &l->c, &l->c.dtls), ==, TC_OK);
  g_assert_cmpint (tc_dtls_new (l->cert_s, &l->cfg_s, &callbacks, &l->s, &l->s.dtls), ==, TC_OK);
}

static void
endpoint_clear (endpoint *ep)
{
  tc_dtls_free (ep->dtls);
  g_queue_clear_full (&ep->out, (GDestroyNotify) g_bytes_unref);
  g_free (ep->fail_reason);
  tc_srtp_keys_wipe (&ep->keys);
}

static void
link_close (link_t *l)
{
  endpoint_clear (&l->c);
  endpoint_clear (&l->s);
  tc_dtls_cert_unref (l->cert_c);
  tc_dtls_cert_unref (l->cert_s);
}

/* Drops everything `ep` has sent and not yet delivered; returns how many. */
static guint
drop_all (endpoint *ep)
{
  guint n = g_queue_get_length (&ep->out);
  g_queue_clear_full (&ep->out, (GDestroyNotify) g_bytes_unref);
  return n;
}

static void
deliver (endpoint *from, endpoint *to)
{
  GBytes *b = g_queue_pop_head (&from->out);
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (b, &len);
  tc_status st = tc_dtls_feed (to->dtls, data, len, g_get_monotonic_time ());
  if (st != TC_OK)
    g_test_message ("%s: feed -> %s", to->name, tc_status_name (st));
  g_bytes_unref (b);
}

/* Delivers datagrams both ways until neither side has anything queued. */
static void
pump (link_t *l)
{
  for (int guard = 0; guard < 1000; guard++) {
    if (g_queue_is_empty (&l->c.out) && g_queue_is_empty (&l->s.out))
      return;
    if (!g_queue_is_empty (&l->c.out))
      deliver (&l->c, &l->s);
    if (!g_queue_is_empty (&l->s.out))
      deliver (&l->s, &l->c);
  }
  g_assert_not_reached ();
}

static gboolean
timer_done (gpointer unused)
{
  return G_SOURCE_REMOVE;
}

/* Blocks until the monotonic clock reaches `deadline` by running a private
 * main context with a timer on it, as the session loop would. */
static void
wait_until (int64_t deadline)
{
  GMainContext *ctx = g_main_context_new ();
  int64_t now;
  while ((now = g_get_monotonic_time ()) < deadline) {
    GSource *timer = g_timeout_source_new ((guint) ((deadline - now + 999) / 1000));
    g_source_set_callback (timer, timer_done, NULL, NULL);
    g_source_attach (timer, ctx);
    g_main_context_iteration (ctx, TRUE);
    g_source_destroy (timer);
    g_source_unref (timer);
  }
  g_main_context_unref (ctx);
}

/* Waits for `ep`'s timer as next_timeout says and fires it, until the
 * endpoint has sent something. OpenSSL checks its own clock as well and may
 * find the timer not quite due (its timer starts after the `now_us` given
 * to the call that armed it); the endpoint then moves its deadline and the
 * loop waits again, as the session loop would. */
static void
fire_timer (endpoint *ep)
{
  size_t before = ep->sent;
  for (int attempt = 0; attempt < 10 && ep->sent == before; attempt++) {
    int64_t next = tc_dtls_next_timeout_us (ep->dtls);
    g_assert_cmpint (next, >=, 0);
    wait_until (next);
    g_assert_cmpint (tc_dtls_handle_timeout (ep->dtls, g_get_monotonic_time ()), ==, TC_OK);
  }
  g_assert_cmpuint (ep->sent, >, before);
}

/* The endpoint whose timer is due first. */
static endpoint *
earliest_timer (link_t *l)
{
  int64_t c = tc_dtls_next_timeout_us (l->c.dtls);
  int64_t s = tc_dtls_next_timeout_us (l->s.dtls);
  g_assert_true (c >= 0 || s >= 0);
  if (c < 0)
    return &l->s;
  if (s < 0)
    return &l->c;
  return c <= s ? &l->c : &l->s;
}

static void
handshake (link_t *l)
{
  g_assert_cmpint (tc_dtls_start (l->s.dtls, g_get_monotonic_time ()), ==, TC_OK);
  g_assert_cmpint (tc_dtls_start (l->c.dtls, g_get_monotonic_time ()), ==, TC_OK);
  pump (l);
}

static gboolean
is_zero (const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return FALSE;
  return TRUE;
}

static void
assert_connected_with_matching_keys (link_t *l, tc_srtp_profile profile)
{
  g_assert_cmpint (l->c.failed, ==, 0);
  g_assert_cmpint (l->s.failed, ==, 0);
  g_assert_cmpint (l->c.connected, ==, 1);
  g_assert_cmpint (l->s.connected, ==, 1);
  g_assert_cmpint (tc_dtls_get_state (l->c.dtls), ==, TC_DTLS_STATE_CONNECTED);
  g_assert_cmpint (tc_dtls_get_state (l->s.dtls), ==, TC_DTLS_STATE_CONNECTED);
  g_assert_cmpint (tc_dtls_get_profile (l->c.dtls), ==, profile);
  g_assert_cmpint (tc_dtls_get_profile (l->s.dtls), ==, profile);

  const tc_srtp_keys *c = &l->c.keys, *s = &l->s.keys;
  g_assert_cmpint (c->profile, ==, profile);
  g_assert_cmpint (s->profile, ==, profile);
  g_assert_cmpuint (c->key_len, ==, tc_srtp_profile_key_len (profile));
  g_assert_cmpuint (c->salt_len, ==, tc_srtp_profile_salt_len (profile));
  g_assert_cmpmem (c->local_key, c->key_len, s->remote_key, s->key_len);
  g_assert_cmpmem (c->remote_key, c->key_len, s->local_key, s->key_len);
  g_assert_cmpmem (c->local_salt, c->salt_len, s->remote_salt, s->salt_len);
  g_assert_cmpmem (c->remote_salt, c->salt_len, s->local_salt, s->salt_len);
  g_assert_false (is_zero (c->local_key, c->key_len));
  g_assert_false (is_zero (c->local_salt, c->salt_len));
  g_assert_true (memcmp (c->local_key, c->remote_key, c->key_len) != 0);
}

static void
assert_no_keys (const endpoint *ep)
{
  g_assert_cmpint (ep->connected, ==, 0);
  g_assert_true (is_zero ((const uint8_t *) &ep->keys, sizeof ep->keys));
  g_assert_cmpint (tc_dtls_get_profile (ep->dtls), ==, TC_SRTP_PROFILE_NONE);
}

/* ---- handshake and profiles ------------------------------------------------ */

typedef struct {
  const char *name;
  tc_srtp_profile client[2];
  size_t n_client;
  tc_srtp_profile server[2];
  size_t n_server;
  tc_srtp_profile expect; /* NONE: the handshake must fail */
} profile_case;

#define GCM TC_SRTP_PROFILE_AEAD_AES_128_GCM
#define CM80 TC_SRTP_PROFILE_AES128_CM_SHA1_80

static const profile_case profile_cases[] = {
  {"defaults-on-both-sides-choose-aead-aes-128-gcm", {0}, 0, {0}, 0, GCM},
  {"client-offering-only-aes-cm-gets-aes-cm", {CM80}, 1, {0}, 0, CM80},
  {"server-accepting-only-aes-cm-gets-aes-cm", {0}, 0, {CM80}, 1, CM80},
  {"client-offering-only-gcm-gets-gcm", {GCM}, 1, {CM80, GCM}, 2, GCM},
  {"server-preference-wins-over-client-order", {CM80, GCM}, 2, {GCM, CM80}, 2, GCM},
  {"server-preferring-aes-cm-gets-aes-cm", {GCM, CM80}, 2, {CM80, GCM}, 2, CM80},
  {"no-common-profile-fails-on-both-sides", {GCM}, 1, {CM80}, 1, TC_SRTP_PROFILE_NONE},
};

/* Protects with one side's keys and unprotects with the other's. */
static void
assert_srtp_flows_both_ways (link_t *l)
{
  tc_srtp *c = NULL, *s = NULL;
  g_assert_cmpint (tc_srtp_new (&l->c.keys, &c), ==, TC_OK);
  g_assert_cmpint (tc_srtp_new (&l->s.keys, &s), ==, TC_OK);

  uint8_t plain[200], buf[200 + TC_SRTP_MAX_OVERHEAD];
  static const uint8_t rtp_header[12] = {
    0x80, 0xe0, 0x00, 0x01, 0x00, 0x00, 0x03, 0xe8, 0x0a, 0x0b, 0x0c, 0x0d,
  };
  memcpy (plain, rtp_header, sizeof rtp_header);
  for (size_t i = 12; i < sizeof plain; i++)
    plain[i] = (uint8_t) i;
  size_t len = 0;
  memcpy (buf, plain, sizeof plain);
  g_assert_cmpint (tc_srtp_protect_rtp (c, buf, sizeof plain, sizeof buf, &len), ==, TC_OK);
  g_assert_cmpint (tc_srtp_unprotect_rtp (s, buf, len, &len, NULL), ==, TC_OK);
  g_assert_cmpmem (buf, len, plain, sizeof plain);

  static const uint8_t rtcp[] = { /* PLI: PSFB FMT 1, sender, media SSRC */
    0x81, 0xce, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04,
  };
  memcpy (buf, rtcp, sizeof rtcp);
  g_assert_cmpint (tc_srtp_protect_rtcp (s, buf, sizeof rtcp, sizeof buf, &len), ==, TC_OK);
  g_assert_cmpint (tc_srtp_unprotect_rtcp (c, buf, len, &len, NULL), ==, TC_OK);
  g_assert_cmpmem (buf, len, rtcp, sizeof rtcp);
  tc_srtp_free (c);
  tc_srtp_free (s);
}

static void
test_profile_case (gconstpointer data)
{
  const profile_case *pc = data;
  link_t l;
  link_init (&l);
  l.cfg_c.srtp_profiles = pc->n_client ? pc->client : NULL;
  l.cfg_c.n_srtp_profiles = pc->n_client;
  l.cfg_s.srtp_profiles = pc->n_server ? pc->server : NULL;
  l.cfg_s.n_srtp_profiles = pc->n_server;
  link_open (&l);
  handshake (&l);

  if (pc->expect == TC_SRTP_PROFILE_NONE) {
    g_assert_cmpint (l.c.failed, ==, 1);
    g_assert_cmpint (l.s.failed, ==, 1);
    g_assert_cmpint (l.c.fail_status, ==, TC_ERR_UNSUPPORTED);
    g_assert_cmpint (l.s.fail_status, ==, TC_ERR_UNSUPPORTED);
    assert_no_keys (&l.c);
    assert_no_keys (&l.s);
  } else {
    assert_connected_with_matching_keys (&l, pc->expect);
    assert_srtp_flows_both_ways (&l);
  }
  link_close (&l);
}

static void
test_every_datagram_fits_the_default_mtu (void)
{
  link_t l;
  link_init (&l);
  link_open (&l);
  handshake (&l);
  assert_connected_with_matching_keys (&l, GCM);
  g_assert_cmpuint (l.c.max_datagram, <=, TC_DTLS_DEFAULT_MTU);
  g_assert_cmpuint (l.s.max_datagram, <=, TC_DTLS_DEFAULT_MTU);
  link_close (&l);
}

static void
test_a_small_mtu_fragments_flights_and_still_connects (void)
{
  link_t l;
  link_init (&l);
  l.cfg_c.mtu = TC_DTLS_MIN_MTU;
  l.cfg_s.mtu = TC_DTLS_MIN_MTU;
  link_open (&l);
  handshake (&l);
  assert_connected_with_matching_keys (&l, GCM);
  g_assert_cmpuint (l.c.max_datagram, <=, TC_DTLS_MIN_MTU);
  g_assert_cmpuint (l.s.max_datagram, <=, TC_DTLS_MIN_MTU);
  /* the certificate alone is larger than 256 bytes */
  g_assert_cmpuint (l.s.sent, >=, 4);
  link_close (&l);
}

/* ---- fingerprints ----------------------------------------------------------- */

static void
assert_refused_on_both_sides (link_t *l, endpoint *checker)
{
  endpoint *other = checker == &l->c ? &l->s : &l->c;
  g_assert_cmpint (checker->failed, ==, 1);
  g_assert_cmpint (checker->fail_status, ==, TC_ERR_DTLS);
  g_assert_nonnull (strstr (checker->fail_reason, "does not match the fingerprint"));
  g_assert_cmpint (other->failed, ==, 1);
  g_assert_cmpint (other->fail_status, ==, TC_ERR_DTLS);
  g_assert_nonnull (strstr (other->fail_reason, "bad certificate"));
  assert_no_keys (&l->c);
  assert_no_keys (&l->s);
  g_assert_cmpint (tc_dtls_get_state (l->c.dtls), ==, TC_DTLS_STATE_FAILED);
  g_assert_cmpint (tc_dtls_get_state (l->s.dtls), ==, TC_DTLS_STATE_FAILED);
  uint8_t hello[13] = {22, 0xfe, 0xfd};
  g_assert_cmpint (tc_dtls_feed (l->c.dtls, hello, sizeof hello, 0), ==, TC_ERR_CLOSED);
  g_assert_cmpint (tc_dtls_handle_timeout (l->s.dtls, G_MAXINT64), ==, TC_ERR_CLOSED);
}

static void
test_client_refuses_a_server_with_another_certificate (void)
{
  link_t l;
  link_init (&l);
  tc_dtls_cert *impostor = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&impostor), ==, TC_OK);
  l.cfg_c.remote_fingerprint = fingerprint_of (impostor, TC_DTLS_HASH_SHA256);
  link_open (&l);
  handshake (&l);
  assert_refused_on_both_sides (&l, &l.c);
  tc_dtls_cert_unref (impostor);
  link_close (&l);
}

static void
test_server_refuses_a_client_with_another_certificate (void)
{
  link_t l;
  link_init (&l);
  tc_dtls_fingerprint fp = l.cfg_s.remote_fingerprint;
  fp.bytes[31] ^= 0x01; /* one bit off */
  l.cfg_s.remote_fingerprint = fp;
  link_open (&l);
  handshake (&l);
  assert_refused_on_both_sides (&l, &l.s);
  link_close (&l);
}

static void
test_a_fingerprint_with_another_hash_is_checked_with_that_hash (void)
{
  link_t l;
  link_init (&l);
  l.cfg_c.remote_fingerprint = fingerprint_of (l.cert_s, TC_DTLS_HASH_SHA1);
  l.cfg_s.remote_fingerprint = fingerprint_of (l.cert_c, TC_DTLS_HASH_SHA512);
  link_open (&l);
  handshake (&l);
  assert_connected_with_matching_keys (&l, GCM);
  link_close (&l);

  /* same bytes, wrong hash name: refused */
  link_init (&l);
  l.cfg_c.remote_fingerprint.hash = TC_DTLS_HASH_SHA256;
  l.cfg_c.remote_fingerprint.len = 32;
  tc_dtls_fingerprint sha384 = fingerprint_of (l.cert_s, TC_DTLS_HASH_SHA384);
  memcpy (l.cfg_c.remote_fingerprint.bytes, sha384.bytes, 32);
  link_open (&l);
  handshake (&l);
  assert_refused_on_both_sides (&l, &l.c);
  link_close (&l);
}

/* ---- retransmission ----------------------------------------------------------- */

static void
test_default_timer_is_one_second_and_nothing_goes_out_early (void)
{
  link_t l;
  link_init (&l);
  link_open (&l);
  g_assert_cmpint (tc_dtls_next_timeout_us (l.c.dtls), ==, -1);
  int64_t now = g_get_monotonic_time ();
  g_assert_cmpint (tc_dtls_start (l.c.dtls, now), ==, TC_OK);
  g_assert_cmpuint (l.c.sent, ==, 1);
  int64_t next = tc_dtls_next_timeout_us (l.c.dtls);
  g_assert_cmpint (next - now, >, 500 * 1000);
  g_assert_cmpint (next - now, <=, 1000 * 1000);
  g_assert_cmpint (tc_dtls_handle_timeout (l.c.dtls, next - 1), ==, TC_OK);
  g_assert_cmpuint (l.c.sent, ==, 1);
  /* a server has no timer until it has sent something */
  g_assert_cmpint (tc_dtls_start (l.s.dtls, now), ==, TC_OK);
  g_assert_cmpuint (l.s.sent, ==, 0);
  g_assert_cmpint (tc_dtls_next_timeout_us (l.s.dtls), ==, -1);
  link_close (&l);
}

static void
test_a_lost_client_hello_is_sent_again_when_the_timer_fires (void)
{
  link_t l;
  link_init (&l);
  l.cfg_c.retransmit_ms = LOSSY_RETRANSMIT_MS;
  l.cfg_s.retransmit_ms = LOSSY_RETRANSMIT_MS;
  link_open (&l);
  g_assert_cmpint (tc_dtls_start (l.s.dtls, g_get_monotonic_time ()), ==, TC_OK);
  g_assert_cmpint (tc_dtls_start (l.c.dtls, g_get_monotonic_time ()), ==, TC_OK);

  GBytes *first = g_bytes_ref (g_queue_peek_head (&l.c.out));
  g_assert_cmpuint (drop_all (&l.c), ==, 1); /* the ClientHello is lost */
  g_assert_cmpuint (l.s.sent, ==, 0);

  fire_timer (&l.c);
  g_assert_cmpuint (g_queue_get_length (&l.c.out), ==, 1);
  /* DTLS record, handshake type client_hello, same message as before */
  GBytes *again = g_queue_peek_head (&l.c.out);
  gsize n1 = 0, n2 = 0;
  const uint8_t *a = g_bytes_get_data (first, &n1);
  const uint8_t *b = g_bytes_get_data (again, &n2);
  g_assert_cmpuint (n1, ==, n2);
  g_assert_cmpint (b[0], ==, 22);   /* content type handshake */
  g_assert_cmpint (b[13], ==, 1);   /* msg_type client_hello */
  g_assert_cmpmem (a + 13, n1 - 13, b + 13, n2 - 13); /* only the record seq differs */
  g_bytes_unref (first);

  pump (&l);
  assert_connected_with_matching_keys (&l, GCM);
  link_close (&l);
}

static void
test_a_lost_server_flight_is_recovered_by_the_timers (void)
{
  link_t l;
  link_init (&l);
  l.cfg_c.retransmit_ms = LOSSY_RETRANSMIT_MS;
  l.cfg_s.retransmit_ms = LOSSY_RETRANSMIT_MS;
  link_open (&l);
  g_assert_cmpint (tc_dtls_start (l.c.dtls, g_get_monotonic_time ()), ==, TC_OK);
  deliver (&l.c, &l.s);                  /* ClientHello arrives */
  g_assert_cmpuint (drop_all (&l.s), >=, 1); /* the server's answer does not */

  for (int round = 0; round < 6 && !(l.c.connected && l.s.connected); round++) {
    fire_timer (earliest_timer (&l));
    pump (&l);
  }
  assert_connected_with_matching_keys (&l, GCM);
  link_close (&l);
}

static void
test_a_lost_final_server_flight_is_resent_when_the_client_repeats (void)
{
  link_t l;
  link_init (&l);
  l.cfg_c.retransmit_ms = LOSSY_RETRANSMIT_MS;
  l.cfg_s.retransmit_ms = LOSSY_RETRANSMIT_MS;
  link_open (&l);
  g_assert_cmpint (tc_dtls_start (l.c.dtls, g_get_monotonic_time ()), ==, TC_OK);
  deliver (&l.c, &l.s); /* ClientHello */
  while (!g_queue_is_empty (&l.s.out))
    deliver (&l.s, &l.c); /* ServerHello ... ServerHelloDone */
  while (!g_queue_is_empty (&l.c.out))
    deliver (&l.c, &l.s); /* Certificate ... Finished */
  g_assert_cmpint (l.s.connected, ==, 1);
  g_assert_cmpuint (drop_all (&l.s), >=, 1); /* ChangeCipherSpec, Finished lost */
  g_assert_cmpint (l.c.connected, ==, 0);

  fire_timer (&l.c); /* the client repeats its last flight ... */
  pump (&l);         /* ... and the server answers with its own again */
  assert_connected_with_matching_keys (&l, GCM);
  link_close (&l);
}

/* ---- close, bad input, config ------------------------------------------------ */

static void
test_close_notify_reaches_the_peer (void)
{
  link_t l;
  link_init (&l);
  link_open (&l);
  handshake (&l);
  assert_connected_with_matching_keys (&l, GCM);

  size_t before = l.c.sent;
  g_assert_cmpint (tc_dtls_close (l.c.dtls), ==, TC_OK);
  g_assert_cmpuint (l.c.sent, ==, before + 1);
  pump (&l);
  g_assert_cmpint (l.s.closed, ==, 1);
  g_assert_cmpint (l.s.failed, ==, 0);
  g_assert_cmpint (tc_dtls_get_state (l.c.dtls), ==, TC_DTLS_STATE_CLOSED);
  g_assert_cmpint (tc_dtls_get_state (l.s.dtls), ==, TC_DTLS_STATE_CLOSED);
  g_assert_cmpint (tc_dtls_close (l.c.dtls), ==, TC_ERR_CLOSED);
  g_assert_cmpint (tc_dtls_start (l.s.dtls, 0), ==, TC_ERR_CLOSED);
  g_assert_cmpint (tc_dtls_next_timeout_us (l.s.dtls), ==, -1);
  link_close (&l);
}

static void
test_non_dtls_and_garbage_datagrams_do_no_harm (void)
{
  link_t l;
  link_init (&l);
  link_open (&l);
  int64_t now = g_get_monotonic_time ();

  uint8_t stun[20] = {0x00, 0x01};
  g_assert_cmpint (tc_dtls_feed (l.s.dtls, stun, sizeof stun, now), ==, TC_ERR_PARSE);
  uint8_t rtp[40] = {0x80, 0x60};
  g_assert_cmpint (tc_dtls_feed (l.s.dtls, rtp, sizeof rtp, now), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_dtls_feed (l.s.dtls, rtp, 0, now), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_dtls_get_state (l.s.dtls), ==, TC_DTLS_STATE_NEW);

  /* DTLS-looking noise is dropped by the record layer */
  uint8_t noise[300];
  for (size_t i = 0; i < sizeof noise; i++)
    noise[i] = (uint8_t) (i * 37 + 11);
  noise[0] = 22;
  g_assert_cmpint (tc_dtls_feed (l.s.dtls, noise, sizeof noise, now), ==, TC_OK);
  noise[1] = 0xfe;
  noise[2] = 0xfd;
  g_assert_cmpint (tc_dtls_feed (l.s.dtls, noise, sizeof noise, now), ==, TC_OK);
  g_assert_cmpint (l.s.failed, ==, 0);

  handshake (&l);
  assert_connected_with_matching_keys (&l, GCM);
  /* and after the handshake too */
  g_assert_cmpint (tc_dtls_feed (l.c.dtls, noise, sizeof noise, now), ==, TC_OK);
  g_assert_cmpint (tc_dtls_get_state (l.c.dtls), ==, TC_DTLS_STATE_CONNECTED);
  link_close (&l);
}

static void
test_bad_configs_are_refused (void)
{
  tc_dtls_cert *cert = NULL;
  g_assert_cmpint (tc_dtls_cert_new (&cert), ==, TC_OK);
  tc_dtls_fingerprint fp = fingerprint_of (cert, TC_DTLS_HASH_SHA256);
  tc_dtls_config cfg;
  tc_dtls *d = NULL;
  int dummy = 0;

  tc_dtls_config_init (&cfg, TC_DTLS_ROLE_CLIENT, &fp);
  cfg.mtu = TC_DTLS_MIN_MTU - 1;
  g_assert_cmpint (tc_dtls_new (cert, &cfg, &callbacks, &dummy, &d), ==, TC_ERR_INVALID_ARG);

  static const tc_srtp_profile cm32[] = {(tc_srtp_profile) 2};
  tc_dtls_config_init (&cfg, TC_DTLS_ROLE_CLIENT, &fp);
  cfg.srtp_profiles = cm32;
  cfg.n_srtp_profiles = 1;
  g_assert_cmpint (tc_dtls_new (cert, &cfg, &callbacks, &dummy, &d), ==, TC_ERR_INVALID_ARG);

  static const tc_srtp_profile twice[] = {GCM, GCM};
  cfg.srtp_profiles = twice;
  cfg.n_srtp_profiles = 2;
  g_assert_cmpint (tc_dtls_new (cert, &cfg, &callbacks, &dummy, &d), ==, TC_ERR_INVALID_ARG);

  tc_dtls_config_init (&cfg, TC_DTLS_ROLE_SERVER, NULL); /* no fingerprint */
  g_assert_cmpint (tc_dtls_new (cert, &cfg, &callbacks, &dummy, &d), ==, TC_ERR_INVALID_ARG);
  g_assert_null (d);

  tc_dtls_config_init (&cfg, TC_DTLS_ROLE_SERVER, &fp);
  g_assert_cmpint (tc_dtls_new (cert, &cfg, &callbacks, &dummy, &d), ==, TC_OK);
  tc_dtls_free (d);
  tc_dtls_free (NULL);
  tc_dtls_cert_unref (cert);
}

static void
test_role_follows_the_negotiated_setup_attribute (void)
{
  tc_dtls_role role;
  g_assert_cmpint (tc_dtls_role_from_setup ("active", &role), ==, TC_OK);
  g_assert_cmpint (role, ==, TC_DTLS_ROLE_CLIENT);
  g_assert_cmpint (tc_dtls_role_from_setup ("passive", &role), ==, TC_OK);
  g_assert_cmpint (role, ==, TC_DTLS_ROLE_SERVER);
  g_assert_cmpint (tc_dtls_role_from_setup ("actpass", &role), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_dtls_role_from_setup ("holdconn", &role), ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_dtls_role_from_setup ("", &role), ==, TC_ERR_PARSE);
}

/* ---- keying material layout (RFC 5764 4.2) ---------------------------------- */

static void
test_keying_material_splits_per_rfc5764 (void)
{
  uint8_t material[60];
  for (size_t i = 0; i < sizeof material; i++)
    material[i] = (uint8_t) i;

  static const struct {
    tc_srtp_profile profile;
    size_t key, salt;
  } rows[] = {{CM80, 16, 14}, {GCM, 16, 12}};
  for (size_t r = 0; r < G_N_ELEMENTS (rows); r++) {
    size_t kl = rows[r].key, sl = rows[r].salt, total = 2 * (kl + sl);
    g_assert_cmpuint (tc_dtls_keying_material_len (rows[r].profile), ==, total);
    tc_srtp_keys client, server;
    g_assert_cmpint (tc_dtls_split_keying_material (rows[r].profile,
            TC_DTLS_ROLE_CLIENT, material, total, &client), ==, TC_OK);
    g_assert_cmpint (tc_dtls_split_keying_material (rows[r].profile,
            TC_DTLS_ROLE_SERVER, material, total, &server), ==, TC_OK);
    /* client_write_key | server_write_key | client_write_salt | server_write_salt */
    g_assert_cmpmem (client.local_key, kl, material, kl);
    g_assert_cmpmem (client.remote_key, kl, material + kl, kl);
    g_assert_cmpmem (client.local_salt, sl, material + 2 * kl, sl);
    g_assert_cmpmem (client.remote_salt, sl, material + 2 * kl + sl, sl);
    g_assert_cmpmem (server.local_key, kl, client.remote_key, kl);
    g_assert_cmpmem (server.remote_key, kl, client.local_key, kl);
    g_assert_cmpmem (server.local_salt, sl, client.remote_salt, sl);
    g_assert_cmpmem (server.remote_salt, sl, client.local_salt, sl);
    g_assert_cmpuint (client.key_len, ==, kl);
    g_assert_cmpuint (client.salt_len, ==, sl);
    g_assert_cmpint (tc_dtls_split_keying_material (rows[r].profile,
            TC_DTLS_ROLE_CLIENT, material, total - 1, &client), ==, TC_ERR_INVALID_ARG);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (profile_cases); i++) {
    char *path = g_strdup_printf ("/dtls/profiles/%s", profile_cases[i].name);
    g_test_add_data_func (path, &profile_cases[i], test_profile_case);
    g_free (path);
  }
  g_test_add_func ("/dtls/mtu/every-datagram-fits-the-default-1200",
      test_every_datagram_fits_the_default_mtu);
  g_test_add_func ("/dtls/mtu/a-small-mtu-fragments-flights-and-still-connects",
      test_a_small_mtu_fragments_flights_and_still_connects);
  g_test_add_func ("/dtls/fingerprint/client-refuses-a-server-with-another-certificate",
      test_client_refuses_a_server_with_another_certificate);
  g_test_add_func ("/dtls/fingerprint/server-refuses-a-client-with-another-certificate",
      test_server_refuses_a_client_with_another_certificate);
  g_test_add_func ("/dtls/fingerprint/another-hash-is-checked-with-that-hash",
      test_a_fingerprint_with_another_hash_is_checked_with_that_hash);
  g_test_add_func ("/dtls/retransmit/default-timer-is-one-second-and-nothing-goes-out-early",
      test_default_timer_is_one_second_and_nothing_goes_out_early);
  g_test_add_func ("/dtls/retransmit/a-lost-client-hello-is-sent-again-when-the-timer-fires",
      test_a_lost_client_hello_is_sent_again_when_the_timer_fires);
  g_test_add_func ("/dtls/retransmit/a-lost-server-flight-is-recovered-by-the-timers",
      test_a_lost_server_flight_is_recovered_by_the_timers);
  g_test_add_func ("/dtls/retransmit/a-lost-final-server-flight-is-resent-when-the-client-repeats",
      test_a_lost_final_server_flight_is_resent_when_the_client_repeats);
  g_test_add_func ("/dtls/close/close-notify-reaches-the-peer",
      test_close_notify_reaches_the_peer);
  g_test_add_func ("/dtls/feed/non-dtls-and-garbage-datagrams-do-no-harm",
      test_non_dtls_and_garbage_datagrams_do_no_harm);
  g_test_add_func ("/dtls/config/bad-configs-are-refused", test_bad_configs_are_refused);
  g_test_add_func ("/dtls/role/role-follows-the-negotiated-setup-attribute",
      test_role_follows_the_negotiated_setup_attribute);
  g_test_add_func ("/dtls/keys/keying-material-splits-per-rfc5764",
      test_keying_material_splits_per_rfc5764);
  return g_test_run ();
}
