/* peer_msg.c - the {sdp} and {candidate} messages TempChat peers publish.
 *
 * Shapes follow what the browser page publishes: RTCSessionDescription and
 * RTCIceCandidate.toJSON(). Browsers add fields over time, so unknown keys are
 * ignored; fields we rely on must have the right JSON type.
 */
#include "signal/peer_msg_json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const sdp_type_names[] = {
  [TC_SDP_OFFER] = "offer",
  [TC_SDP_ANSWER] = "answer",
  [TC_SDP_PRANSWER] = "pranswer",
  [TC_SDP_ROLLBACK] = "rollback",
};

#define N_SDP_TYPES (sizeof sdp_type_names / sizeof sdp_type_names[0])

/* RTCIceCandidateInit.sdpMLineIndex is an unsigned short. */
#define MLINE_INDEX_MAX 65535

const char *
tc_sdp_type_str (tc_sdp_type type)
{
  if ((unsigned) type >= N_SDP_TYPES)
    return "unknown";
  return sdp_type_names[type];
}

static bool
sdp_type_from_str (const char *s, tc_sdp_type *out)
{
  for (size_t i = 0; i < N_SDP_TYPES; i++) {
    if (strcmp (s, sdp_type_names[i]) == 0) {
      *out = (tc_sdp_type) i;
      return true;
    }
  }
  return false;
}

void
tc_peer_msg_clear (tc_peer_msg *msg)
{
  if (msg == NULL)
    return;
  free (msg->sdp);
  free (msg->candidate);
  free (msg->sdp_mid);
  free (msg->username_fragment);
  memset (msg, 0, sizeof *msg);
  msg->sdp_mline_index = -1;
}

/* Copies an optional string member: absent or null -> NULL (TC_OK), another
 * type -> TC_ERR_PARSE. */
static tc_status
opt_string (const json_t *obj, const char *key, char **out)
{
  const json_t *v = json_object_get (obj, key);
  if (v == NULL || json_is_null (v))
    return TC_OK;
  if (!json_is_string (v))
    return TC_ERR_PARSE;
  *out = strdup (json_string_value (v));
  return *out != NULL ? TC_OK : TC_ERR_NOMEM;
}

static tc_status
decode_sdp (const json_t *sdp, tc_peer_msg *out)
{
  if (!json_is_object (sdp))
    return TC_ERR_PARSE;
  const char *type = json_string_value (json_object_get (sdp, "type"));
  if (type == NULL || !sdp_type_from_str (type, &out->sdp_type))
    return TC_ERR_PARSE;
  out->kind = TC_PEER_MSG_SDP;
  tc_status st = opt_string (sdp, "sdp", &out->sdp);
  if (st != TC_OK)
    return st;
  /* Only a rollback may come without a description body. */
  if (out->sdp == NULL && out->sdp_type != TC_SDP_ROLLBACK)
    return TC_ERR_PARSE;
  return TC_OK;
}

static tc_status
decode_mline_index (const json_t *cand, int *out)
{
  const json_t *v = json_object_get (cand, "sdpMLineIndex");
  *out = -1;
  if (v == NULL || json_is_null (v))
    return TC_OK;
  if (!json_is_integer (v))
    return TC_ERR_PARSE;
  json_int_t i = json_integer_value (v);
  if (i < 0 || i > MLINE_INDEX_MAX)
    return TC_ERR_PARSE;
  *out = (int) i;
  return TC_OK;
}

static tc_status
decode_candidate (const json_t *cand, tc_peer_msg *out)
{
  /* The browser's end-of-candidates signal: a null candidate. */
  if (json_is_null (cand)) {
    out->kind = TC_PEER_MSG_END_OF_CANDIDATES;
    return TC_OK;
  }
  if (!json_is_object (cand))
    return TC_ERR_PARSE;
  const json_t *line = json_object_get (cand, "candidate");
  if (!json_is_string (line))
    return TC_ERR_PARSE;
  tc_status st;
  if ((st = opt_string (cand, "sdpMid", &out->sdp_mid)) != TC_OK
      || (st = decode_mline_index (cand, &out->sdp_mline_index)) != TC_OK
      || (st = opt_string (cand, "usernameFragment",
              &out->username_fragment)) != TC_OK)
    return st;
  /* An empty candidate line also means end-of-candidates (Firefox sends it
   * per generation); its sdpMid/ufrag, if any, are kept. */
  if (json_string_length (line) == 0) {
    out->kind = TC_PEER_MSG_END_OF_CANDIDATES;
    return TC_OK;
  }
  /* addIceCandidate() rejects a candidate that names no m-line. */
  if (out->sdp_mid == NULL && out->sdp_mline_index < 0)
    return TC_ERR_PARSE;
  out->kind = TC_PEER_MSG_CANDIDATE;
  out->candidate = strdup (json_string_value (line));
  return out->candidate != NULL ? TC_OK : TC_ERR_NOMEM;
}

tc_status
tc_peer_msg_from_json (const json_t *value, tc_peer_msg *out)
{
  if (out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  out->sdp_mline_index = -1;
  if (!json_is_object (value))
    return TC_ERR_PARSE;

  const json_t *sdp = json_object_get (value, "sdp");
  const json_t *cand = json_object_get (value, "candidate");
  tc_status st;
  /* Exactly one of the two; a message with both is not one we understand. */
  if (sdp != NULL && cand == NULL)
    st = decode_sdp (sdp, out);
  else if (cand != NULL && sdp == NULL)
    st = decode_candidate (cand, out);
  else
    st = TC_ERR_PARSE;
  if (st != TC_OK)
    tc_peer_msg_clear (out);
  return st;
}

tc_status
tc_peer_msg_decode (const char *json, size_t len, tc_peer_msg *out)
{
  if (out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  out->sdp_mline_index = -1;
  if (json == NULL)
    return TC_ERR_INVALID_ARG;
  if (len > TC_PEER_MSG_MAX)
    return TC_ERR_TOO_LARGE;

  json_t *root = json_loadb (json, len, 0, NULL);
  if (root == NULL)
    return TC_ERR_PARSE;
  tc_status st = tc_peer_msg_from_json (root, out);
  json_decref (root);
  return st;
}

/* A JSON string for `s`, or null when `s` is NULL. */
static json_t *
string_or_null (const char *s)
{
  return s != NULL ? json_string (s) : json_null ();
}

static json_t *
encode_sdp (const tc_peer_msg *msg)
{
  if ((unsigned) msg->sdp_type >= N_SDP_TYPES)
    return NULL;
  if (msg->sdp == NULL && msg->sdp_type != TC_SDP_ROLLBACK)
    return NULL;
  /* Same key order as JSON.stringify(pc.localDescription). */
  return json_pack ("{s:{s:s,s:s}}", "sdp", "type",
      sdp_type_names[msg->sdp_type], "sdp",
      msg->sdp != NULL ? msg->sdp : "");
}

/* `line` "" is end-of-candidates, which may name no m-line. */
static json_t *
encode_candidate (const tc_peer_msg *msg, const char *line)
{
  if (msg->sdp_mline_index < -1 || msg->sdp_mline_index > MLINE_INDEX_MAX)
    return NULL;
  if (line[0] != '\0' && msg->sdp_mid == NULL && msg->sdp_mline_index < 0)
    return NULL;
  json_t *index = msg->sdp_mline_index >= 0
      ? json_integer (msg->sdp_mline_index) : json_null ();
  /* RTCIceCandidate.toJSON() always carries all four keys, null if unknown;
   * "o" steals the references, json_pack releases them on failure. */
  return json_pack ("{s:{s:s,s:o,s:o,s:o}}", "candidate",
      "candidate", line,
      "sdpMid", string_or_null (msg->sdp_mid),
      "sdpMLineIndex", index,
      "usernameFragment", string_or_null (msg->username_fragment));
}

json_t *
tc_peer_msg_to_json (const tc_peer_msg *msg)
{
  if (msg == NULL)
    return NULL;
  switch (msg->kind) {
    case TC_PEER_MSG_SDP:
      return encode_sdp (msg);
    case TC_PEER_MSG_CANDIDATE:
      if (msg->candidate == NULL || msg->candidate[0] == '\0')
        return NULL;
      return encode_candidate (msg, msg->candidate);
    case TC_PEER_MSG_END_OF_CANDIDATES:
      /* What a page hands to pc.addIceCandidate() for the end of a
       * generation (an empty candidate, RTCIceCandidateInit); the
       * TempChat page drops a null candidate without passing it on. */
      return encode_candidate (msg, "");
  }
  return NULL;
}

char *
tc_peer_msg_encode (const tc_peer_msg *msg)
{
  json_t *value = tc_peer_msg_to_json (msg);
  if (value == NULL)
    return NULL;
  char *text = json_dumps (value, JSON_COMPACT);
  json_decref (value);
  if (text != NULL && strlen (text) > TC_PEER_MSG_MAX) {
    free (text);
    return NULL;
  }
  return text;
}
