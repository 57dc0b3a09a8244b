/* relay_reply.c - server frame builders (see relay_reply.h). */
#include "relay_reply.h"

/* Serializes and drops `obj` in one step, so each builder stays one
 * expression long. json_pack() returns NULL on allocation failure, which
 * relay_msg_new_json() would not accept, hence the check. */
static relay_msg *
finish (json_t *obj)
{
  if (obj == NULL)
    return NULL;
  relay_msg *msg = relay_msg_new_json (obj);
  json_decref (obj);
  return msg;
}

relay_msg *
relay_reply_ok (json_int_t callback)
{
  return finish (json_pack ("{sI}", "callback", callback));
}

relay_msg *
relay_reply_handshake (json_int_t callback, const char *client_id)
{
  return finish (json_pack ("{sIss}", "callback", callback,
      "client_id", client_id));
}

relay_msg *
relay_reply_error (bool has_callback, json_int_t callback,
    const char *sentence)
{
  if (has_callback)
    return finish (json_pack ("{sIss}", "callback", callback,
        "error", sentence));
  return finish (json_pack ("{ssss}", "type", "error", "error", sentence));
}

relay_msg *
relay_reply_publish (const char *room, json_t *message,
    const char *client_id, const char *message_id, int64_t timestamp_s)
{
  /* "O" takes a new reference to the message, so the frame stays borrowed. */
  return finish (json_pack ("{sssssOsssssI}", "type", "publish",
      "room", room, "message", message, "client_id", client_id,
      "id", message_id, "timestamp", (json_int_t) timestamp_s));
}

json_t *
relay_member_json (const char *client_id, json_t *client_data)
{
  if (client_data == NULL || json_is_null (client_data))
    return json_pack ("{ss}", "id", client_id);
  return json_pack ("{sssO}", "id", client_id, "clientData", client_data);
}

relay_msg *
relay_reply_members (const char *room, json_t *members)
{
  return finish (json_pack ("{sssssO}", "type", "observable_members",
      "room", room, "data", members));
}

relay_msg *
relay_reply_member_event (relay_member_event ev, const char *room,
    json_t *member)
{
  const char *type = ev == RELAY_MEMBER_JOIN ? "observable_member_join"
                                             : "observable_member_leave";
  return finish (json_pack ("{sssssO}", "type", type, "room", room,
      "data", member));
}
