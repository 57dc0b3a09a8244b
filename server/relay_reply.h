/* relay_reply.h - build the frames the relay sends (ScaleDrone v3).
 *
 *   {"callback":N}                        subscribe/unsubscribe accepted
 *   {"callback":N,"client_id":ID}          handshake accepted
 *   {"callback":N,"error":TEXT}            a request with a callback failed
 *   {"type":"error","error":TEXT}          a request without a callback failed
 *   {"type":"publish","room":R,"message":M,"client_id":ID,"id":MID,
 *    "timestamp":SECONDS}                  to every subscriber, sender included
 *   {"type":"observable_members","room":R,"data":[MEMBER...]}
 *   {"type":"observable_member_join","room":R,"data":MEMBER}
 *   {"type":"observable_member_leave","room":R,"data":MEMBER}
 * where MEMBER is {"id":ID} plus "clientData" when the member sent non-null
 * client_data in its handshake.
 *
 * Pure builders. Every function returns a new relay_msg (refcount 1, owned by
 * the caller) or NULL if serialization failed. Arguments are borrowed.
 */
#ifndef RELAY_REPLY_H
#define RELAY_REPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "relay_msg.h"

/* Which observable_* event a member frame announces. */
typedef enum {
  RELAY_MEMBER_JOIN,
  RELAY_MEMBER_LEAVE,
} relay_member_event;

relay_msg *relay_reply_ok (json_int_t callback);
relay_msg *relay_reply_handshake (json_int_t callback, const char *client_id);
/* With a callback: {"callback":N,"error":..}; without: {"type":"error",..}. */
relay_msg *relay_reply_error (bool has_callback, json_int_t callback,
    const char *sentence);
relay_msg *relay_reply_publish (const char *room, json_t *message,
    const char *client_id, const char *message_id, int64_t timestamp_s);

/* A new member object {"id":..,"clientData":..}; the caller owns it. */
json_t *relay_member_json (const char *client_id, json_t *client_data);
/* `members` is a JSON array of member objects, in join order. */
relay_msg *relay_reply_members (const char *room, json_t *members);
relay_msg *relay_reply_member_event (relay_member_event ev, const char *room,
    json_t *member);

#endif
