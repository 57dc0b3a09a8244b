/* tc_ice.h - the ICE transport: one stream, one component (BUNDLE +
 * rtcp-mux), full ICE (never lite), full trickle, over libnice 0.1.21.
 *
 * Threading: a tc_ice lives on the GMainContext given to tc_ice_new(). Every
 * function here must be called from the thread that iterates that context,
 * and every callback is made from that thread. Nothing blocks.
 *
 * Callbacks are never made from inside a tc_ice_* call: events that libnice
 * raises during a call (candidates found while gathering, state changes) are
 * queued and delivered as soon as the context is iterated again. So a caller
 * may, for instance, call tc_ice_restart(), read the new credentials, send its
 * offer and only then see the new candidates. Callbacks may call any tc_ice_*
 * function, tc_ice_free() included.
 *
 * Privacy: at default log levels nothing identifying is logged (no addresses,
 * candidates, ufrag/pwd, TURN credentials). Events carry no addresses. The
 * candidate strings handed to on_local_candidate must go to the peer only.
 * Local candidates never reveal a private address in raddr: it is always
 * written as 0.0.0.0 (or ::) with rport 0, as Chromium does.
 *
 * Until its first connection an agent keeps checking at a steady pace
 * after libnice's own checks gave up (every 500 ms for 30 s of each
 * generation; never in relay-only mode), and FAILED before a first
 * connection is not final: a path that comes back makes it CONNECTED.
 */
#ifndef TEMPCHAT_TC_ICE_H
#define TEMPCHAT_TC_ICE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tc_ice tc_ice;

/* RTCIceConnectionState, mapped from libnice's component states. */
typedef enum {
  TC_ICE_STATE_NEW = 0,      /* gathering or waiting for the peer */
  TC_ICE_STATE_CHECKING,     /* connectivity checks running (also after restart) */
  TC_ICE_STATE_CONNECTED,    /* a working pair; checks may still run */
  TC_ICE_STATE_COMPLETED,    /* checks done, the selected pair is final */
  TC_ICE_STATE_FAILED,       /* see tc_ice_failure for why */
  TC_ICE_STATE_DISCONNECTED, /* was connected, lost the path */
  TC_ICE_STATE_CLOSED,       /* tc_ice_close() finished; the last event */
} tc_ice_state;

/* Why the state is FAILED (TC_ICE_FAIL_NONE for every other state). */
typedef enum {
  TC_ICE_FAIL_NONE = 0,
  TC_ICE_FAIL_NO_RELAY,       /* relay-only and no relay candidate: the TURN
                                 server is unreachable or refused the
                                 credentials */
  TC_ICE_FAIL_NO_CANDIDATES,  /* no local candidate at all (no usable
                                 interface, every socket failed) */
  TC_ICE_FAIL_CHECKS,         /* every candidate pair failed its checks */
  TC_ICE_FAIL_TIMEOUT,        /* no working pair within checking_timeout_ms */
  TC_ICE_FAIL_CONSENT,        /* consent freshness (RFC 7675) lost on a
                                 connected path */
  TC_ICE_FAIL_TURN_CERT,      /* relay-only and no relay candidate because
                                 the turns: server's TLS certificate could
                                 not be verified (CA, host name, dates) */
} tc_ice_failure;

typedef enum {
  TC_ICE_CAND_HOST = 0,
  TC_ICE_CAND_SRFLX,
  TC_ICE_CAND_PRFLX,
  TC_ICE_CAND_RELAY,
} tc_ice_cand_type;

/* The selected pair, without addresses: enough for a direct/relay indicator
 * and stats. */
typedef struct {
  bool relayed;                /* either side is a TURN relay candidate */
  tc_ice_cand_type local_type;
  tc_ice_cand_type remote_type;
} tc_ice_pair_info;

typedef struct {
  /* A local candidate as an SDP candidate-attribute value, "candidate:..."
   * without "a=" and without line end; valid only during the call. Send it
   * to the peer (with sdpMid / sdpMLineIndex 0 and the current local ufrag). */
  void (*on_local_candidate) (void *user_data, const char *candidate);
  /* Local gathering finished (also after a restart's regathering): tell the
   * peer end-of-candidates. */
  void (*on_gathering_done) (void *user_data);
  /* `why` is TC_ICE_FAIL_NONE unless state is TC_ICE_STATE_FAILED. */
  void (*on_state_changed) (void *user_data, tc_ice_state state,
      tc_ice_failure why);
  /* One datagram from the peer (DTLS, SRTP, SRTCP multiplexed); `data` is
   * valid only during the call. */
  void (*on_datagram) (void *user_data, const uint8_t *data, size_t len);
  /* The pair used for sending changed (also the first time one is chosen). */
  void (*on_selected_pair) (void *user_data, const tc_ice_pair_info *pair);
  void *user_data;
} tc_ice_callbacks;

typedef enum {
  TC_ICE_ROLE_CONTROLLING = 0,  /* the offerer */
  TC_ICE_ROLE_CONTROLLED,       /* the answerer */
} tc_ice_role;

/* Defaults used when the matching config field is 0. */
#define TC_ICE_DEFAULT_REST_TTL_S 86400u
#define TC_ICE_DEFAULT_REST_NAME "tempchat"
#define TC_ICE_DEFAULT_CHECKING_TIMEOUT_MS 30000u

typedef struct {
  /* NULL-terminated lists (either may be NULL). STUN: "stun:host[:port]"
   * (port 3478); libnice uses one STUN server, so only the first usable one
   * is used. TURN: "turn:host[:port][?transport=udp|tcp]" (port 3478, UDP
   * when no transport is given) or "turns:host[:port][?transport=tcp]" (port
   * 5349, TURN over TLS: libnice talks TURN over TCP to a loopback bridge of
   * ours that carries it over TLS; the certificate is checked against the
   * system CAs, ca_file and the host name). At most 8 TURN URLs. IPv6
   * literals go in brackets. */
  const char *const *stun_urls;
  const char *const *turn_urls;
  /* TURN credentials: either fixed ... */
  const char *turn_username;
  const char *turn_password;
  /* ... or a coturn static-auth-secret, from which REST credentials are
   * made at tc_ice_new() (see tc_ice_turn_rest_credentials()). */
  const char *turn_secret;
  const char *turn_rest_name;     /* NULL: TC_ICE_DEFAULT_REST_NAME */
  uint32_t turn_rest_ttl_s;       /* 0: TC_ICE_DEFAULT_REST_TTL_S */
  /* PEM file of CAs trusted for turns: besides the system's, or NULL. */
  const char *ca_file;

  /* Gather, offer and use relay candidates only, so the peer never learns
   * the user's addresses. Needs at least one TURN URL. */
  bool relay_only;
  tc_ice_role role;

  /* NULL-terminated IP literals to gather host candidates on; NULL: every
   * interface libnice finds (loopback excluded). Tests pass "127.0.0.1". */
  const char *const *local_addresses;
  /* Local port range for host sockets; both 0: any port. */
  uint16_t min_port;
  uint16_t max_port;

  /* Fail with TC_ICE_FAIL_TIMEOUT when no pair works this long after local
   * gathering finished and remote credentials are known (libnice alone never
   * fails when the peer sent no usable candidate and no end-of-candidates).
   * 0: TC_ICE_DEFAULT_CHECKING_TIMEOUT_MS. */
  uint32_t checking_timeout_ms;
} tc_ice_config;

/* Creates the agent (one stream, one component) on `ctx` and makes its local
 * credentials. Nothing is sent until tc_ice_gather().
 * `ctx` is borrowed and must outlive the tc_ice; `config` and its strings are
 * copied; `callbacks` is copied (its user_data is borrowed).
 * Returns TC_OK and *out, or TC_ERR_INVALID_ARG (bad URL, both kinds of
 * credentials, relay_only without TURN, unusable ca_file, ...),
 * TC_ERR_CONNECT (no loopback socket for a turns: bridge) or TC_ERR_PARSE
 * (a local address is not an IP literal). */
tc_status tc_ice_new (GMainContext *ctx, const tc_ice_config *config,
    const tc_ice_callbacks *callbacks, tc_ice **out);

/* Frees everything at once, without callbacks. NULL-safe. May be called from
 * a callback (the agent is then released when the context is next iterated).
 * Without tc_ice_close() first, TURN allocations are not released on the
 * server (they expire there after their lifetime). */
void tc_ice_free (tc_ice *ice);

/* Starts a graceful close: TURN allocations are released, every later call
 * is refused with TC_ERR_CLOSED, and on_state_changed(CLOSED) is delivered
 * once done (the context must keep running until then; bounded by libnice's
 * STUN timeouts). Call tc_ice_free() afterwards. */
tc_status tc_ice_close (tc_ice *ice);

/* The local ICE credentials for the SDP (a=ice-ufrag, a=ice-pwd). Owned by
 * `ice`, valid until the next tc_ice_restart(), tc_ice_set_remote_credentials()
 * that detects a peer restart, or tc_ice_free(). */
const char *tc_ice_get_local_ufrag (const tc_ice *ice);
const char *tc_ice_get_local_pwd (const tc_ice *ice);

tc_ice_state tc_ice_get_state (const tc_ice *ice);

/* Changes the ICE role, e.g. when perfect negotiation turns the expected
 * offerer into the answerer. Only before tc_ice_gather(): libnice 0.1.21
 * applies a role only while every component is still disconnected and
 * otherwise keeps it for a restart that never applies it, so once
 * gathering started a different role is refused with TC_ERR_UNSUPPORTED
 * (make a new agent instead). libnice also resolves role conflicts with
 * the peer itself (RFC 8445 7.3.1.1). */
tc_status tc_ice_set_role (tc_ice *ice, tc_ice_role role);

/* The role given at creation or by the last accepted tc_ice_set_role(). */
tc_ice_role tc_ice_get_role (const tc_ice *ice);

/* Starts gathering. Local candidates then arrive through on_local_candidate
 * and the end through on_gathering_done. Once only: later regathering is
 * tc_ice_restart(). Returns TC_ERR_CLOSED after close, TC_ERR_INVALID_ARG
 * if called twice, TC_ERR_CONNECT if no socket could be opened. */
tc_status tc_ice_gather (tc_ice *ice);

/* The peer's a=ice-ufrag and a=ice-pwd (copied). Remote candidates received
 * earlier are applied now. New values while already set mean the peer
 * restarted ICE: this side restarts too (new local credentials -- read them
 * again for the answer -- and local candidates are announced again).
 * TC_ERR_PARSE when the values are not ICE credentials (RFC 8839: ufrag 4..256,
 * pwd 22..256 ice-chars). */
tc_status tc_ice_set_remote_credentials (tc_ice *ice, const char *ufrag,
    const char *pwd);

/* One trickled remote candidate: "candidate:..." (a leading "a=" is
 * accepted). Kept and applied later if it comes before the remote
 * credentials or before tc_ice_gather(). A candidate whose "ufrag" extension
 * names an older ICE generation is dropped (TC_OK).
 * An mDNS ".local" name (Chromium's hidden host address) is looked up with
 * a multicast DNS query on the local link, never through the host's
 * resolver; the candidate is applied once a responder answers, or dropped
 * quietly after about 1.5 s (TC_OK either way).
 * TC_ERR_PARSE: malformed. TC_ERR_TOO_LARGE: 16 ".local" lookups are
 * already running. TC_ERR_UNSUPPORTED (safe to ignore): any other host name,
 * any host name in relay-only mode (nothing is looked up), a TCP candidate
 * (ICE-TCP is off), or a component other than 1 (rtcp-mux). */
tc_status tc_ice_add_remote_candidate (tc_ice *ice, const char *candidate);

/* The peer signalled end-of-candidates; lets checks fail definitively.
 * `ufrag` (nullable) names the remote generation it ends, as the
 * usernameFragment of an empty candidate does in WebRTC; NULL means the
 * current one. One naming a generation whose credentials have not been set
 * yet is kept until they are. TC_ERR_PARSE: ufrag is not ice-chars. */
tc_status tc_ice_end_of_remote_candidates (tc_ice *ice, const char *ufrag);

/* Sends one datagram on the selected pair; never blocks. `data` is copied
 * or sent before returning.
 * TC_ERR_NOT_CONNECTED: no selected pair yet, or failed. TC_ERR_CLOSED:
 * closed. TC_ERR_WOULD_BLOCK: the socket buffer is full and the datagram
 * was dropped. TC_ERR_TOO_LARGE: over 65535
 * bytes. */
tc_status tc_ice_send (tc_ice *ice, const uint8_t *data, size_t len);

/* Sends `n` datagrams on the selected pair in one call (one sendmmsg on
 * Linux: a paced burst costs one system call, as GStreamer's nicesink sends
 * a buffer list); never blocks. Returns how many left, in order: fewer
 * than `n` when the socket buffer filled (the rest are dropped) or when
 * not connected (0). Each datagram at most 65535 bytes. */
size_t tc_ice_send_many (tc_ice *ice, const uint8_t *const *data,
    const size_t *len, size_t n);

/* ICE restart initiated here: new local credentials (read them with the
 * getters for the new offer), remote candidates forgotten, and the local
 * candidates announced again with the new credentials, followed by
 * on_gathering_done. The current pair keeps carrying data until a new one
 * is chosen. Then pass the peer's new credentials and candidates as usual.
 * TC_ERR_INVALID_ARG before tc_ice_gather(). */
tc_status tc_ice_restart (tc_ice *ice);

/* Short English names for logs and tests; static storage. */
const char *tc_ice_state_str (tc_ice_state state);
const char *tc_ice_failure_str (tc_ice_failure why);

/* ---- TURN REST credentials (coturn --use-auth-secret) ------------------ */

/* Size of the password including its NUL: base64 of 20 bytes, 28 chars. */
#define TC_ICE_REST_PASSWORD_SIZE 29

/* Pure: username "<expiry_unix>:<name>" and password
 * base64(HMAC-SHA1(secret, username)), into caller buffers.
 * TC_ERR_INVALID_ARG: NULL/empty secret or name, negative expiry, or a ':'
 * in name. TC_ERR_TOO_LARGE: a buffer is too small (username needs
 * digits + 1 + strlen(name) + 1; password TC_ICE_REST_PASSWORD_SIZE).
 * Any thread. */
tc_status tc_ice_turn_rest_credentials (const char *secret, const char *name,
    int64_t expiry_unix, char *username, size_t username_size,
    char *password, size_t password_size);

#ifdef __cplusplus
}
#endif
#endif
