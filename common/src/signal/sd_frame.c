/* sd_frame.c - ScaleDrone v3 frames, built and parsed without I/O.
 *
 * The dispatch order mirrors scaledrone-node@1.5.0's onmessage: observable_*
 * types first, then anything carrying a callback number, then a bare error,
 * then publish. Frames the reference ignores (history_message, unknown types)
 * decode as TC_SD_FRAME_IGNORED so a newer server cannot break us.
 */
#include "signal/sd_frame.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool
is_set (const json_t *v)
{
  return v != NULL && !json_is_null (v);
}

/* The reference tests `if (data.error)`: null, false and "" are no error. */
static bool
is_error (const json_t *v)
{
  return is_set (v) && !json_is_false (v)
      && !(json_is_string (v) && json_string_length (v) == 0);
}

void
tc_sd_frame_clear (tc_sd_frame *frame)
{
  if (frame == NULL)
    return;
  free (frame->client_id);
  free (frame->error);
  free (frame->room);
  for (size_t i = 0; i < frame->n_ids; i++)
    free (frame->ids[i]);
  free (frame->ids);
  json_decref (frame->message);
  memset (frame, 0, sizeof *frame);
}

/* Copies a required string member. */
static tc_status
req_string (const json_t *obj, const char *key, char **out)
{
  const char *s = json_string_value (json_object_get (obj, key));
  if (s == NULL)
    return TC_ERR_PARSE;
  *out = strdup (s);
  return *out != NULL ? TC_OK : TC_ERR_NOMEM;
}

/* Copies an optional string member: absent or null -> NULL. */
static tc_status
opt_string (const json_t *obj, const char *key, char **out)
{
  const json_t *v = json_object_get (obj, key);
  if (v == NULL || json_is_null (v))
    return TC_OK;
  return req_string (obj, key, out);
}

/* ScaleDrone errors are strings; accept {"message": "..."} objects too so a
 * structured error still reaches the user as text. */
static tc_status
error_text (const json_t *v, char **out)
{
  const char *s = json_string_value (v);
  if (s == NULL && json_is_object (v))
    s = json_string_value (json_object_get (v, "message"));
  if (s == NULL)
    return TC_ERR_PARSE;
  *out = strdup (s);
  return *out != NULL ? TC_OK : TC_ERR_NOMEM;
}

static tc_status
member_id (const json_t *member, char **out)
{
  if (!json_is_object (member))
    return TC_ERR_PARSE;
  return req_string (member, "id", out);
}

static tc_status
decode_members (const json_t *root, tc_sd_frame *out)
{
  const json_t *data = json_object_get (root, "data");
  if (!json_is_array (data))
    return TC_ERR_PARSE;
  size_t n = json_array_size (data);
  out->kind = TC_SD_FRAME_MEMBERS;
  if (n == 0)
    return TC_OK;
  out->ids = calloc (n, sizeof *out->ids);
  if (out->ids == NULL)
    return TC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) {
    tc_status st = member_id (json_array_get (data, i), &out->ids[i]);
    if (st != TC_OK)
      return st;
    out->n_ids = i + 1;
  }
  return TC_OK;
}

static tc_status
decode_member_change (const json_t *root, tc_sd_frame_kind kind,
    tc_sd_frame *out)
{
  out->kind = kind;
  out->ids = calloc (1, sizeof *out->ids);
  if (out->ids == NULL)
    return TC_ERR_NOMEM;
  tc_status st = member_id (json_object_get (root, "data"), &out->ids[0]);
  if (st == TC_OK)
    out->n_ids = 1;
  return st;
}

static tc_status
decode_observable (const json_t *root, const char *type, tc_sd_frame *out)
{
  tc_status st = req_string (root, "room", &out->room);
  if (st != TC_OK)
    return st;
  if (strcmp (type, "observable_members") == 0)
    return decode_members (root, out);
  if (strcmp (type, "observable_member_join") == 0)
    return decode_member_change (root, TC_SD_FRAME_MEMBER_JOIN, out);
  return decode_member_change (root, TC_SD_FRAME_MEMBER_LEAVE, out);
}

static tc_status
decode_callback (const json_t *root, const json_t *cb, tc_sd_frame *out)
{
  /* Request numbers are the small integers we sent. */
  if (!json_is_integer (cb) || json_integer_value (cb) < 0)
    return TC_ERR_PARSE;
  out->kind = TC_SD_FRAME_CALLBACK;
  out->callback = (long long) json_integer_value (cb);
  const json_t *err = json_object_get (root, "error");
  if (is_error (err))
    return error_text (err, &out->error);
  return opt_string (root, "client_id", &out->client_id);
}

static tc_status
decode_publish (const json_t *root, tc_sd_frame *out)
{
  tc_status st = req_string (root, "room", &out->room);
  if (st != TC_OK)
    return st;
  if ((st = opt_string (root, "client_id", &out->client_id)) != TC_OK)
    return st;
  json_t *message = json_object_get (root, "message");
  if (message == NULL)
    return TC_ERR_PARSE;
  out->kind = TC_SD_FRAME_PUBLISH;
  out->message = json_incref (message);
  return TC_OK;
}

static bool
is_observable_type (const char *type)
{
  return type != NULL && (strcmp (type, "observable_members") == 0
      || strcmp (type, "observable_member_join") == 0
      || strcmp (type, "observable_member_leave") == 0);
}

static tc_status
decode_root (const json_t *root, tc_sd_frame *out)
{
  if (!json_is_object (root))
    return TC_ERR_PARSE;
  const json_t *type_v = json_object_get (root, "type");
  if (is_set (type_v) && !json_is_string (type_v))
    return TC_ERR_PARSE;
  const char *type = json_string_value (type_v);

  if (is_observable_type (type))
    return decode_observable (root, type, out);
  const json_t *cb = json_object_get (root, "callback");
  if (is_set (cb))
    return decode_callback (root, cb, out);
  const json_t *err = json_object_get (root, "error");
  if (is_error (err)) {
    out->kind = TC_SD_FRAME_ERROR;
    return error_text (err, &out->error);
  }
  if (type != NULL && strcmp (type, "publish") == 0)
    return decode_publish (root, out);
  out->kind = TC_SD_FRAME_IGNORED;
  return TC_OK;
}

tc_status
tc_sd_frame_decode (const char *buf, size_t len, tc_sd_frame *out)
{
  if (out == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  if (buf == NULL)
    return TC_ERR_INVALID_ARG;
  if (len > TC_SD_FRAME_MAX)
    return TC_ERR_TOO_LARGE;

  json_t *root = json_loadb (buf, len, 0, NULL);
  if (root == NULL)
    return TC_ERR_PARSE;
  tc_status st = decode_root (root, out);
  json_decref (root);
  if (st != TC_OK)
    tc_sd_frame_clear (out);
  return st;
}

/* Serializes and releases `frame`; NULL in, NULL out. */
static char *
dump_frame (json_t *frame)
{
  if (frame == NULL)
    return NULL;
  char *text = json_dumps (frame, JSON_COMPACT);
  json_decref (frame);
  return text;
}

char *
tc_sd_encode_handshake (const char *channel, long long callback)
{
  if (channel == NULL || callback < 0)
    return NULL;
  /* client_data is null: the reference sends options.data, null by
   * default, and TempChat pages set none. */
  return dump_frame (json_pack ("{s:s,s:s,s:i,s:n,s:I}", "type", "handshake",
      "channel", channel, "version", 2, "client_data", "callback",
      (json_int_t) callback));
}

char *
tc_sd_encode_subscribe (const char *room, long long callback)
{
  if (room == NULL || callback < 0)
    return NULL;
  /* The reference also names history/history_count, but undefined values
   * vanish in JSON.stringify, so they never reach the wire. */
  return dump_frame (json_pack ("{s:s,s:s,s:I}", "type", "subscribe",
      "room", room, "callback", (json_int_t) callback));
}

char *
tc_sd_encode_publish (const char *room, const json_t *message)
{
  if (room == NULL || message == NULL)
    return NULL;
  /* "O" takes a new reference, so the caller keeps its own. */
  return dump_frame (json_pack ("{s:s,s:s,s:O}", "type", "publish",
      "room", room, "message", message));
}

char *
tc_sd_encode_unsubscribe (const char *room)
{
  if (room == NULL)
    return NULL;
  return dump_frame (json_pack ("{s:s,s:s}", "type", "unsubscribe",
      "room", room));
}
