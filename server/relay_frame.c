/* relay_frame.c - ScaleDrone v3 client frame parser (see relay_frame.h). */
#include "relay_frame.h"

#include <glib.h>
#include <string.h>

static const char *const status_sentences[RELAY_PARSE_STATUS_COUNT_] = {
  [RELAY_PARSE_OK] = "OK",
  [RELAY_PARSE_BAD_JSON] = "Message is not valid JSON",
  [RELAY_PARSE_NOT_OBJECT] = "Message must be a JSON object",
  [RELAY_PARSE_BAD_TYPE] = "Field 'type' must be a string",
  [RELAY_PARSE_UNKNOWN_TYPE] = "Unknown message type",
  [RELAY_PARSE_BAD_CALLBACK] =
      "Field 'callback' must be a non-negative integer",
  [RELAY_PARSE_BAD_CHANNEL] =
      "Field 'channel' must be a non-empty string of at most 256 bytes",
  [RELAY_PARSE_BAD_VERSION] =
      "Unsupported protocol version; this relay speaks version 2",
  [RELAY_PARSE_BAD_ROOM] =
      "Field 'room' must be a non-empty string of at most 256 bytes",
  [RELAY_PARSE_BAD_HISTORY] =
      "Fields 'history' and 'history_count' must be non-negative integers",
  [RELAY_PARSE_NO_MESSAGE] = "Field 'message' is required",
  [RELAY_PARSE_BIG_CLIENT_DATA] =
      "Field 'client_data' must be at most 4096 bytes of JSON",
  [RELAY_PARSE_BAD_TOKEN] =
      "Field 'token' must be a non-empty string of at most 8192 bytes",
};

const char *
relay_parse_status_str (relay_parse_status st)
{
  if ((unsigned) st >= RELAY_PARSE_STATUS_COUNT_)
    return "Unknown parse error";
  return status_sentences[st];
}

static const struct {
  const char *name;
  relay_frame_type type;
} frame_types[] = {
  { "handshake", RELAY_FRAME_HANDSHAKE },
  { "subscribe", RELAY_FRAME_SUBSCRIBE },
  { "unsubscribe", RELAY_FRAME_UNSUBSCRIBE },
  { "publish", RELAY_FRAME_PUBLISH },
  { "authenticate", RELAY_FRAME_AUTHENTICATE },
};

static bool
lookup_type (const char *name, relay_frame_type *out)
{
  for (size_t i = 0; i < G_N_ELEMENTS (frame_types); i++) {
    if (strcmp (name, frame_types[i].name) == 0) {
      *out = frame_types[i].type;
      return true;
    }
  }
  return false;
}

/* A JSON null counts as absent: JSON.stringify keeps explicit nulls. */
static json_t *
field (json_t *obj, const char *key)
{
  json_t *v = json_object_get (obj, key);
  return json_is_null (v) ? NULL : v;
}

/* Text fields (channel, room) share the same rule: a non-empty string of at
 * most `max` bytes. jansson has already rejected embedded NULs and invalid
 * UTF-8, so the string is safe to use as a C string and a hash key. */
static const char *
short_string (json_t *obj, const char *key, size_t max)
{
  json_t *v = field (obj, key);
  if (!json_is_string (v))
    return NULL;
  size_t len = json_string_length (v);
  if (len == 0 || len > max)
    return NULL;
  return json_string_value (v);
}

static bool
optional_count (json_t *obj, const char *key)
{
  json_t *v = field (obj, key);
  return v == NULL || (json_is_integer (v) && json_integer_value (v) >= 0);
}

static relay_parse_status
parse_callback (json_t *root, relay_frame *out)
{
  json_t *cb = field (root, "callback");
  if (cb == NULL)
    return RELAY_PARSE_OK;
  if (!json_is_integer (cb) || json_integer_value (cb) < 0)
    return RELAY_PARSE_BAD_CALLBACK;
  out->has_callback = true;
  out->callback = json_integer_value (cb);
  return RELAY_PARSE_OK;
}

static relay_parse_status
parse_handshake (json_t *root, relay_frame *out)
{
  out->channel = short_string (root, "channel", RELAY_MAX_CHANNEL_LEN);
  if (out->channel == NULL)
    return RELAY_PARSE_BAD_CHANNEL;
  json_t *version = field (root, "version");
  if (!json_is_integer (version)
      || json_integer_value (version) != RELAY_PROTOCOL_VERSION)
    return RELAY_PARSE_BAD_VERSION;
  json_t *data = field (root, "client_data");
  out->client_data = data != NULL ? data : json_null ();
  /* Measured as the relay would send it; jansson counts without writing. */
  if (json_dumpb (out->client_data, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY)
      > RELAY_MAX_CLIENT_DATA)
    return RELAY_PARSE_BIG_CLIENT_DATA;
  return RELAY_PARSE_OK;
}

static relay_parse_status
parse_room_frame (json_t *root, relay_frame *out)
{
  out->room = short_string (root, "room", RELAY_MAX_ROOM_LEN);
  if (out->room == NULL)
    return RELAY_PARSE_BAD_ROOM;
  if (out->type == RELAY_FRAME_SUBSCRIBE
      && (!optional_count (root, "history")
          || !optional_count (root, "history_count")))
    return RELAY_PARSE_BAD_HISTORY;
  if (out->type == RELAY_FRAME_PUBLISH) {
    /* Any JSON value is a message, null included, but it must be present. */
    out->message = json_object_get (root, "message");
    if (out->message == NULL)
      return RELAY_PARSE_NO_MESSAGE;
  }
  return RELAY_PARSE_OK;
}

relay_parse_status
relay_frame_parse (const char *buf, size_t len, relay_frame *out)
{
  memset (out, 0, sizeof *out);
  /* No JSON_DECODE_ANY: only objects and arrays parse, which is all a frame
   * can be. JSON_REJECT_DUPLICATES keeps "which room?" unambiguous. */
  out->root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, NULL);
  if (out->root == NULL)
    return RELAY_PARSE_BAD_JSON;
  if (!json_is_object (out->root))
    return RELAY_PARSE_NOT_OBJECT;

  relay_parse_status st = parse_callback (out->root, out);
  if (st != RELAY_PARSE_OK)
    return st;
  json_t *type = field (out->root, "type");
  if (!json_is_string (type))
    return RELAY_PARSE_BAD_TYPE;
  if (!lookup_type (json_string_value (type), &out->type))
    return RELAY_PARSE_UNKNOWN_TYPE;
  if (out->type == RELAY_FRAME_HANDSHAKE)
    return parse_handshake (out->root, out);
  if (out->type == RELAY_FRAME_AUTHENTICATE) {
    out->token = short_string (out->root, "token", RELAY_MAX_TOKEN_LEN);
    if (out->token == NULL)
      return RELAY_PARSE_BAD_TOKEN;
    out->token_len = strlen (out->token);
    return RELAY_PARSE_OK;
  }
  return parse_room_frame (out->root, out);
}

void
relay_frame_clear (relay_frame *frame)
{
  if (frame == NULL)
    return;
  json_decref (frame->root);
  memset (frame, 0, sizeof *frame);
}
