/* tc_peer_msg.h - the two message shapes TempChat peers publish to each other.
 *
 *   {"sdp": {"type": "offer"|"answer", "sdp": "v=0..."}}
 *   {"candidate": {"candidate": "candidate:...", "sdpMid": "0",
 *                  "sdpMLineIndex": 0, "usernameFragment": "abcd"}}
 *
 * `{"candidate": null}` (or an empty candidate string) is end-of-candidates.
 * Pure functions: no I/O, any thread.
 */
#ifndef TEMPCHAT_TC_PEER_MSG_H
#define TEMPCHAT_TC_PEER_MSG_H

#include <stddef.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TC_PEER_MSG_SDP,
  TC_PEER_MSG_CANDIDATE,
  TC_PEER_MSG_END_OF_CANDIDATES,
} tc_peer_msg_kind;

typedef enum {
  TC_SDP_OFFER,
  TC_SDP_ANSWER,
  TC_SDP_PRANSWER,
  TC_SDP_ROLLBACK,
} tc_sdp_type;

/* A decoded peer message. Strings are owned by the struct and released by
 * tc_peer_msg_clear(). Absent optional fields are NULL / -1. */
typedef struct {
  tc_peer_msg_kind kind;
  /* TC_PEER_MSG_SDP */
  tc_sdp_type sdp_type;
  char *sdp;
  /* TC_PEER_MSG_CANDIDATE (sdp_mid / username_fragment may be NULL);
   * TC_PEER_MSG_END_OF_CANDIDATES uses the three id fields, which name the
   * m-line and ICE generation it ends (encoded as an empty candidate) */
  char *candidate;
  char *sdp_mid;
  int sdp_mline_index; /* -1 when absent or null */
  char *username_fragment;
} tc_peer_msg;

/* Upper bound on an encoded message we produce or accept (bytes). */
#define TC_PEER_MSG_MAX 65536

/* Decodes the JSON text of a published `message` value. Returns TC_OK and
 * fills `out`, TC_ERR_PARSE for invalid JSON or shapes (unknown keys are
 * ignored, as browsers add fields), TC_ERR_TOO_LARGE above TC_PEER_MSG_MAX.
 * `out` is always safe to tc_peer_msg_clear() afterwards. */
tc_status tc_peer_msg_decode (const char *json, size_t len, tc_peer_msg *out);

/* Encodes `msg` as compact JSON; returns a newly allocated NUL-terminated
 * string the caller frees with free(), or NULL on invalid input. */
char *tc_peer_msg_encode (const tc_peer_msg *msg);

/* Frees the strings of `msg` and resets it. NULL-safe. */
void tc_peer_msg_clear (tc_peer_msg *msg);

const char *tc_sdp_type_str (tc_sdp_type type);

#ifdef __cplusplus
}
#endif
#endif
