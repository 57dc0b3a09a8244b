/* peer_msg_json.h - tc_peer_msg <-> jansson values (internal).
 *
 * The ScaleDrone publish frame carries the peer message as a JSON value, not
 * as text; these variants let sd_frame/scaledrone decode and embed it without
 * serializing twice. Pure; any thread.
 */
#ifndef TEMPCHAT_SIGNAL_PEER_MSG_JSON_H
#define TEMPCHAT_SIGNAL_PEER_MSG_JSON_H

#include <jansson.h>

#include "tempchat/tc_peer_msg.h"

/* Like tc_peer_msg_decode() on a parsed value (borrowed). No size check: the
 * caller bounded the text it parsed. `out` is always safe to clear. */
tc_status tc_peer_msg_from_json (const json_t *value, tc_peer_msg *out);

/* Builds the JSON value of `msg`; the caller owns the new reference.
 * NULL when `msg` is invalid (see tc_peer_msg_encode). */
json_t *tc_peer_msg_to_json (const tc_peer_msg *msg);

#endif
