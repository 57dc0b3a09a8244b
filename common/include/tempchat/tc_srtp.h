/* tc_srtp.h - SRTP and SRTCP protection (RFC 3711, RFC 7714) over libsrtp2.
 *
 * A tc_srtp holds the two halves of one DTLS-SRTP association: an outbound
 * context keyed with the local write key (any SSRC we send) and an inbound
 * context keyed with the remote write key (any SSRC the peer sends). Keys
 * come from tc_dtls (tc_dtls_callbacks.connected) and are copied; the caller
 * should wipe its copy with tc_srtp_keys_wipe() once the session exists.
 *
 * Packets are protected and unprotected in place. Replay protection is on
 * with a 1024-packet window; the outbound side accepts the same packet twice
 * (allow_repeat_tx) so a NACK resend of an unchanged packet can go out again.
 *
 * Threads: libsrtp is initialized once per process on first use (any
 * thread). One tc_srtp is used from one thread at a time (the session's loop
 * thread); it has no lock of its own.
 */
#ifndef TEMPCHAT_TC_SRTP_H
#define TEMPCHAT_TC_SRTP_H

#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The DTLS-SRTP protection profiles we speak. The values are the IANA ids
 * carried in the DTLS use_srtp extension (RFC 5764 4.1.2, RFC 7714 14.2). */
typedef enum {
  TC_SRTP_PROFILE_NONE = 0x0000,
  TC_SRTP_PROFILE_AES128_CM_SHA1_80 = 0x0001,
  TC_SRTP_PROFILE_AEAD_AES_128_GCM = 0x0007,
} tc_srtp_profile;

#define TC_SRTP_MAX_KEY_LEN 16  /* both profiles: AES-128 */
#define TC_SRTP_MAX_SALT_LEN 14 /* AES-CM: 112 bits; AEAD GCM: 96 bits */

/* Most bytes protect adds to a packet, over both profiles and RTP/RTCP
 * (SRTCP with AEAD_AES_128_GCM: 16-byte tag + 4-byte E|index). */
#define TC_SRTP_MAX_OVERHEAD 20

/* Largest packet accepted by protect or unprotect (a UDP payload). */
#define TC_SRTP_MAX_PACKET 65535

/* The name used in the use_srtp registry ("SRTP_AEAD_AES_128_GCM"), or NULL
 * for a profile we do not speak. Static storage. */
const char *tc_srtp_profile_name (tc_srtp_profile profile);

/* Master key and salt lengths in bytes (RFC 5764 4.1.2, RFC 7714 12);
 * 0 for a profile we do not speak. */
size_t tc_srtp_profile_key_len (tc_srtp_profile profile);
size_t tc_srtp_profile_salt_len (tc_srtp_profile profile);

/* Bytes protect appends to an RTP / RTCP packet for `profile`; 0 for a
 * profile we do not speak. */
size_t tc_srtp_rtp_overhead (tc_srtp_profile profile);
size_t tc_srtp_rtcp_overhead (tc_srtp_profile profile);

/* Keys for one association, as seen from this endpoint: "local" protects
 * what we send, "remote" unprotects what the peer sends. Secret: never log,
 * wipe when done. */
typedef struct {
  tc_srtp_profile profile;
  size_t key_len;  /* tc_srtp_profile_key_len (profile) */
  size_t salt_len; /* tc_srtp_profile_salt_len (profile) */
  uint8_t local_key[TC_SRTP_MAX_KEY_LEN];
  uint8_t local_salt[TC_SRTP_MAX_SALT_LEN];
  uint8_t remote_key[TC_SRTP_MAX_KEY_LEN];
  uint8_t remote_salt[TC_SRTP_MAX_SALT_LEN];
} tc_srtp_keys;

/* Overwrites `keys` with zeros in a way the compiler keeps. NULL-safe. */
void tc_srtp_keys_wipe (tc_srtp_keys *keys);

/* Why unprotect refused a packet, for statistics and tests. */
typedef enum {
  TC_SRTP_DROP_NONE = 0,  /* not refused */
  TC_SRTP_DROP_MALFORMED, /* too short, not RTP/RTCP, or libsrtp refused it */
  TC_SRTP_DROP_AUTH,      /* authentication tag did not verify (tampered,
                           * wrong key, or not from this association) */
  TC_SRTP_DROP_REPLAY,    /* already received, or older than the window */
} tc_srtp_drop;

typedef struct tc_srtp tc_srtp;

/* Initialises libsrtp now (once per process; later calls return at once)
 * rather than in the first tc_srtp_new(). Its self-tests take about 20 ms,
 * which a session spends while it waits in the room instead of between the
 * DTLS handshake and a call's first packet. TC_ERR_UNSUPPORTED when
 * libsrtp cannot be initialised. Any thread. */
tc_status tc_srtp_prepare (void);

/* Creates a session from `keys` (copied; the caller keeps and wipes its
 * own). Returns TC_ERR_INVALID_ARG for lengths that do not match the
 * profile, TC_ERR_UNSUPPORTED for an unknown profile or when libsrtp could
 * not be initialized, TC_ERR_NOMEM. On success *out owns a new session. */
tc_status tc_srtp_new (const tc_srtp_keys *keys, tc_srtp **out);

/* Frees the session and wipes its keys. NULL-safe. */
void tc_srtp_free (tc_srtp *srtp);

tc_srtp_profile tc_srtp_get_profile (const tc_srtp *srtp);

/* Protects the RTP (or RTCP) packet of `len` bytes in `buf` in place.
 * `cap` is the size of `buf`: it must leave tc_srtp_rtp_overhead() (or
 * tc_srtp_rtcp_overhead()) bytes after the packet, else TC_ERR_TOO_LARGE and
 * `buf` is untouched. On TC_OK *out_len is the protected length.
 * TC_ERR_PARSE: not an RTP (RTCP) packet. TC_ERR_SRTP_INDEX: the RTP
 * packet's index (its sequence number with the rollover counter) is at or
 * below the highest one already protected on its SSRC; it is refused so no
 * keystream is used twice, and `buf` is untouched. A sender continues its
 * sequence numbers across pauses and resends the protected bytes it sent. */
tc_status tc_srtp_protect_rtp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t cap, size_t *out_len);
tc_status tc_srtp_protect_rtcp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t cap, size_t *out_len);

/* Verifies and decrypts the SRTP (SRTCP) packet of `len` bytes in `buf` in
 * place. On TC_OK *out_len is the plain length. A refused packet gives
 * TC_ERR_AUTH (failed tag), TC_ERR_REPLAY (a replay) or TC_ERR_PARSE
 * (malformed) and, when `why` is not NULL, the same reason in *why
 * (TC_SRTP_DROP_AUTH, _REPLAY, _MALFORMED); *why is TC_SRTP_DROP_NONE for
 * any other result. TC_ERR_TOO_LARGE above TC_SRTP_MAX_PACKET, TC_ERR_NOMEM if
 * a new SSRC could not get a stream. After an error the contents of `buf`
 * are unspecified. Never asserts on network input. */
tc_status tc_srtp_unprotect_rtp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t *out_len, tc_srtp_drop *why);
tc_status tc_srtp_unprotect_rtcp (tc_srtp *srtp, uint8_t *buf, size_t len,
    size_t *out_len, tc_srtp_drop *why);

#ifdef __cplusplus
}
#endif
#endif
