/* srtp.c - SRTP/SRTCP for one DTLS-SRTP association, over libsrtp2.
 *
 * libsrtp allows one wildcard stream template per srtp_t, and a wildcard is
 * either inbound or outbound, so an association is two libsrtp sessions:
 *   tx: ssrc_any_outbound, local key
 *   rx: ssrc_any_inbound,  remote key
 * both with a 1024-packet replay window (RFC 3711 3.3.2 asks for at least
 * 64; video bursts and NACK reordering want more).
 *
 * An RTP index (ROC << 16 | seq) is protected once per SSRC: a second
 * protect of one index encrypts new plaintext with the same keystream
 * (RFC 3711 9.1). libsrtp checks only its replay window, and allows repeats
 * inside it when asked, so we keep the highest index protected per SSRC and
 * refuse anything at or below it (TC_ERR_SRTP_INDEX). A resend is the
 * protected bytes sent again, never a second protect. SRTCP indexes are
 * libsrtp's own counter and cannot repeat.
 *
 * Trailer sizes (no MKI):          RTP            RTCP
 *   AES128_CM_SHA1_80 (RFC 3711)   10-byte tag    4-byte E|index + 10-byte tag
 *   AEAD_AES_128_GCM  (RFC 7714)   16-byte tag    16-byte tag + 4-byte E|index
 */
#include "tempchat/tc_srtp.h"

#include <glib.h>
#include <openssl/crypto.h>
#include <srtp2/srtp.h>
#include <string.h>

#include "tempchat/tc_log.h"

#define REPLAY_WINDOW 1024
#define RTP_HEADER_LEN 12
#define RTCP_HEADER_LEN 8
#define SRTCP_INDEX_LEN 4

struct tc_srtp {
  tc_srtp_profile profile;
  srtp_t tx;
  srtp_t rx;
  GHashTable *tx_highest;  /* SSRC -> guint64 *: highest index protected */
};

struct profile_row {
  tc_srtp_profile profile;
  const char *name;
  srtp_profile_t libsrtp;
  size_t key_len;
  size_t salt_len;
  size_t tag_len;
};

static const struct profile_row profiles[] = {
  {TC_SRTP_PROFILE_AES128_CM_SHA1_80, "SRTP_AES128_CM_SHA1_80",
      srtp_profile_aes128_cm_sha1_80, 16, 14, 10},
  {TC_SRTP_PROFILE_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM",
      srtp_profile_aead_aes_128_gcm, 16, 12, 16},
};

static const struct profile_row *
profile_row (tc_srtp_profile profile)
{
  for (size_t i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile)
      return &profiles[i];
  return NULL;
}

const char *
tc_srtp_profile_name (tc_srtp_profile profile)
{
  const struct profile_row *row = profile_row (profile);
  return row ? row->name : NULL;
}

size_t
tc_srtp_profile_key_len (tc_srtp_profile profile)
{
  const struct profile_row *row = profile_row (profile);
  return row ? row->key_len : 0;
}

size_t
tc_srtp_profile_salt_len (tc_srtp_profile profile)
{
  const struct profile_row *row = profile_row (profile);
  return row ? row->salt_len : 0;
}

size_t
tc_srtp_rtp_overhead (tc_srtp_profile profile)
{
  const struct profile_row *row = profile_row (profile);
  return row ? row->tag_len : 0;
}

size_t
tc_srtp_rtcp_overhead (tc_srtp_profile profile)
{
  const struct profile_row *row = profile_row (profile);
  return row ? row->tag_len + SRTCP_INDEX_LEN : 0;
}

void
tc_srtp_keys_wipe (tc_srtp_keys *keys)
{
  if (keys != NULL)
    OPENSSL_cleanse (keys, sizeof *keys);
}

/* Whether libsrtp's crypto kernel is initialised, asked the only way the
 * public API allows: a throw-away session with an all-zero key can only be
 * created once the kernel has its ciphers loaded (srtp_create refuses with
 * srtp_err_status_init_fail before that). */
static gboolean
libsrtp_usable (void)
{
  uint8_t master[TC_SRTP_MAX_KEY_LEN + TC_SRTP_MAX_SALT_LEN] = {0};
  srtp_policy_t policy;
  srtp_t probe = NULL;

  memset (&policy, 0, sizeof policy);
  srtp_crypto_policy_set_rtp_default (&policy.rtp);
  srtp_crypto_policy_set_rtcp_default (&policy.rtcp);
  policy.ssrc.type = ssrc_any_outbound;
  policy.key = master;
  policy.window_size = REPLAY_WINDOW;
  if (srtp_create (&probe, &policy) != srtp_err_status_ok)
    return FALSE;
  srtp_dealloc (probe);
  return TRUE;
}

/* libsrtp is process-global and has no reference count, so it is
 * initialised once per process (GOnce makes our side thread-safe) and never
 * shut down: other sessions, or another libsrtp user in the same process
 * such as GStreamer's srtp plugin, may still be using it.
 *
 * When another user initialised it first, srtp_init() (libsrtp 2.x) finds
 * the crypto kernel already secure and re-runs its self-tests, then fails
 * to register its "srtp" debug module a second time with
 * srtp_err_status_bad_param. The kernel is then fully usable, so that
 * failure is accepted once a probe session proves it. */
static gpointer
init_libsrtp (gpointer unused)
{
  (void) unused;
  srtp_err_status_t e = srtp_init ();
  if (e == srtp_err_status_ok)
    return GINT_TO_POINTER (1);
  if (e == srtp_err_status_bad_param && libsrtp_usable ()) {
    TC_DEBUG ("srtp: libsrtp was already initialised by another user; "
        "sharing it");
    return GINT_TO_POINTER (1);
  }
  TC_WARN ("srtp: libsrtp failed to initialize (%d)", (int) e);
  return GINT_TO_POINTER (-1);
}

static gboolean
libsrtp_ready (void)
{
  static GOnce once = G_ONCE_INIT;
  return GPOINTER_TO_INT (g_once (&once, init_libsrtp, NULL)) == 1;
}

tc_status
tc_srtp_prepare (void)
{
  return libsrtp_ready () ? TC_OK : TC_ERR_UNSUPPORTED;
}

static tc_status
create_ctx (const struct profile_row *row, const uint8_t *key,
    const uint8_t *salt, srtp_ssrc_type_t direction, srtp_t *out)
{
  uint8_t master[TC_SRTP_MAX_KEY_LEN + TC_SRTP_MAX_SALT_LEN];
  srtp_policy_t policy;

  memset (&policy, 0, sizeof policy);
  if (srtp_crypto_policy_set_from_profile_for_rtp (&policy.rtp, row->libsrtp)
          != srtp_err_status_ok
      || srtp_crypto_policy_set_from_profile_for_rtcp (&policy.rtcp, row->libsrtp)
          != srtp_err_status_ok)
    return TC_ERR_UNSUPPORTED;
  memcpy (master, key, row->key_len);
  memcpy (master + row->key_len, salt, row->salt_len);
  policy.ssrc.type = direction;
  policy.key = master;
  policy.window_size = REPLAY_WINDOW;
  policy.allow_repeat_tx = 0;
  policy.next = NULL;

  srtp_err_status_t e = srtp_create (out, &policy);
  OPENSSL_cleanse (master, sizeof master);
  if (e == srtp_err_status_alloc_fail)
    return TC_ERR_NOMEM;
  return e == srtp_err_status_ok ? TC_OK : TC_ERR_UNSUPPORTED;
}

tc_status
tc_srtp_new (const tc_srtp_keys *keys, tc_srtp **out)
{
  g_return_val_if_fail (keys != NULL && out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;
  const struct profile_row *row = profile_row (keys->profile);
  if (row == NULL)
    return TC_ERR_UNSUPPORTED;
  if (keys->key_len != row->key_len || keys->salt_len != row->salt_len)
    return TC_ERR_INVALID_ARG;
  if (!libsrtp_ready ())
    return TC_ERR_UNSUPPORTED;

  tc_srtp *srtp = g_new0 (tc_srtp, 1);
  srtp->profile = keys->profile;
  srtp->tx_highest = g_hash_table_new_full (g_direct_hash, g_direct_equal,
      NULL, g_free);
  tc_status st = create_ctx (row, keys->local_key, keys->local_salt,
      ssrc_any_outbound, &srtp->tx);
  if (st == TC_OK)
    st = create_ctx (row, keys->remote_key, keys->remote_salt,
        ssrc_any_inbound, &srtp->rx);
  if (st != TC_OK) {
    tc_srtp_free (srtp);
    return st;
  }
  *out = srtp;
  return TC_OK;
}

void
tc_srtp_free (tc_srtp *srtp)
{
  if (srtp == NULL)
    return;
  if (srtp->tx)
    srtp_dealloc (srtp->tx); /* libsrtp zeroizes its key material */
  if (srtp->rx)
    srtp_dealloc (srtp->rx);
  g_clear_pointer (&srtp->tx_highest, g_hash_table_destroy);
  g_free (srtp);
}

tc_srtp_profile
tc_srtp_get_profile (const tc_srtp *srtp)
{
  g_return_val_if_fail (srtp != NULL, TC_SRTP_PROFILE_NONE);
  return srtp->profile;
}

/* ---- packets --------------------------------------------------------------- */

static gboolean
looks_like_rtp (const uint8_t *buf, size_t len)
{
  return len >= RTP_HEADER_LEN && (buf[0] >> 6) == 2;
}

static gboolean
looks_like_rtcp (const uint8_t *buf, size_t len)
{
  return len >= RTCP_HEADER_LEN && (buf[0] >> 6) == 2;
}

/* One place that turns libsrtp's verdict on an inbound packet into ours. */
static tc_status
inbound_status (srtp_err_status_t e, tc_srtp_drop *why)
{
  tc_srtp_drop drop;
  switch (e) {
    case srtp_err_status_ok:
      drop = TC_SRTP_DROP_NONE;
      break;
    case srtp_err_status_auth_fail:
      drop = TC_SRTP_DROP_AUTH;
      break;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      drop = TC_SRTP_DROP_REPLAY;
      break;
    case srtp_err_status_alloc_fail:
      return TC_ERR_NOMEM; /* a new SSRC could not get a stream */
    default:
      drop = TC_SRTP_DROP_MALFORMED;
      break;
  }
  if (why)
    *why = drop;
  switch (drop) {
    case TC_SRTP_DROP_NONE: return TC_OK;
    case TC_SRTP_DROP_AUTH: return TC_ERR_AUTH;
    case TC_SRTP_DROP_REPLAY: return TC_ERR_REPLAY;
    default: return TC_ERR_PARSE;
  }
}

static tc_status
outbound_status (srtp_err_status_t e)
{
  switch (e) {
    case srtp_err_status_ok: return TC_OK;
    case srtp_err_status_alloc_fail: return TC_ERR_NOMEM;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return TC_ERR_SRTP_INDEX;
    default: return TC_ERR_PARSE;
  }
}

/* ---- one protect per index ------------------------------------------------ */

/* The index `seq` has next to the highest one protected, by the ROC guess
 * of RFC 3711 3.3.1 (the one libsrtp and every receiver make); -1 when it
 * lies before ROC 0. */
static int64_t
index_guess (uint64_t highest, uint16_t seq)
{
  int64_t roc = (int64_t) (highest >> 16);
  uint16_t s_l = (uint16_t) highest;
  if (s_l < 0x8000 && seq > s_l && seq - s_l > 0x8000)
    roc--;
  else if (s_l >= 0x8000 && s_l - 0x8000 > seq)
    roc++;
  return roc < 0 ? -1 : (roc << 16) | seq;
}

static uint32_t
rtp_ssrc (const uint8_t *buf)
{
  return (uint32_t) buf[8] << 24 | (uint32_t) buf[9] << 16
      | (uint32_t) buf[10] << 8 | buf[11];
}

/* The index `buf` would be protected at, or -1 when it is at or below one
 * already protected on its SSRC. */
static int64_t
next_index (const tc_srtp *srtp, const uint8_t *buf)
{
  uint16_t seq = (uint16_t) (buf[2] << 8 | buf[3]);
  const uint64_t *highest = g_hash_table_lookup (srtp->tx_highest,
      GUINT_TO_POINTER (rtp_ssrc (buf)));
  if (highest == NULL)
    return seq;
  int64_t index = index_guess (*highest, seq);
  return index > (int64_t) *highest ? index : -1;
}

static void
remember_index (tc_srtp *srtp, const uint8_t *buf, int64_t index)
{
  gpointer key = GUINT_TO_POINTER (rtp_ssrc (buf));
  uint64_t *highest = g_hash_table_lookup (srtp->tx_highest, key);
  if (highest == NULL) {
    highest = g_new (uint64_t, 1);
    g_hash_table_insert (srtp->tx_highest, key, highest);
  }
  *highest = (uint64_t) index;
}

typedef srtp_err_status_t (*srtp_fn) (srtp_t ctx, void *buf, int *len);

static tc_status
protect (srtp_t ctx, srtp_fn fn, size_t overhead, uint8_t *buf, size_t len,
    size_t cap, size_t *out_len)
{
  if (len > TC_SRTP_MAX_PACKET)
    return TC_ERR_TOO_LARGE;
  if (cap < len || cap - len < overhead)
    return TC_ERR_TOO_LARGE;
  int n = (int) len;
  tc_status st = outbound_status (fn (ctx, buf, &n));
  if (st == TC_OK)
    *out_len = (size_t) n;
  return st;
}

static tc_status
unprotect (srtp_t ctx, srtp_fn fn, uint8_t *buf, size_t len, size_t *out_len,
    tc_srtp_drop *why)
{
  if (len > TC_SRTP_MAX_PACKET)
    return TC_ERR_TOO_LARGE;
  int n = (int) len;
  tc_status st = inbound_status (fn (ctx, buf, &n), why);
  if (st == TC_OK)
    *out_len = (size_t) n;
  return st;
}

static tc_status
refuse_malformed (tc_srtp_drop *why)
{
  if (why)
    *why = TC_SRTP_DROP_MALFORMED;
  return TC_ERR_PARSE;
}

tc_status
tc_srtp_protect_rtp (tc_srtp *srtp, uint8_t *buf, size_t len, size_t cap,
    size_t *out_len)
{
  g_return_val_if_fail (srtp != NULL && buf != NULL && out_len != NULL,
      TC_ERR_INVALID_ARG);
  if (!looks_like_rtp (buf, len))
    return TC_ERR_PARSE;
  int64_t index = next_index (srtp, buf);
  if (index < 0)
    return TC_ERR_SRTP_INDEX;
  tc_status st = protect (srtp->tx, srtp_protect,
      tc_srtp_rtp_overhead (srtp->profile), buf, len, cap, out_len);
  if (st == TC_OK)
    remember_index (srtp, buf, index);
  return st;
}

tc_status
tc_srtp_protect_rtcp (tc_srtp *srtp, uint8_t *buf, size_t len, size_t cap,
    size_t *out_len)
{
  g_return_val_if_fail (srtp != NULL && buf != NULL && out_len != NULL,
      TC_ERR_INVALID_ARG);
  if (!looks_like_rtcp (buf, len))
    return TC_ERR_PARSE;
  return protect (srtp->tx, srtp_protect_rtcp,
      tc_srtp_rtcp_overhead (srtp->profile), buf, len, cap, out_len);
}

tc_status
tc_srtp_unprotect_rtp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t *out_len, tc_srtp_drop *why)
{
  g_return_val_if_fail (srtp != NULL && buf != NULL && out_len != NULL,
      TC_ERR_INVALID_ARG);
  if (why)
    *why = TC_SRTP_DROP_NONE;
  if (!looks_like_rtp (buf, len)
      || len < RTP_HEADER_LEN + tc_srtp_rtp_overhead (srtp->profile))
    return refuse_malformed (why);
  return unprotect (srtp->rx, srtp_unprotect, buf, len, out_len, why);
}

tc_status
tc_srtp_unprotect_rtcp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t *out_len, tc_srtp_drop *why)
{
  g_return_val_if_fail (srtp != NULL && buf != NULL && out_len != NULL,
      TC_ERR_INVALID_ARG);
  if (why)
    *why = TC_SRTP_DROP_NONE;
  if (!looks_like_rtcp (buf, len)
      || len < RTCP_HEADER_LEN + tc_srtp_rtcp_overhead (srtp->profile))
    return refuse_malformed (why);
  return unprotect (srtp->rx, srtp_unprotect_rtcp, buf, len, out_len, why);
}
