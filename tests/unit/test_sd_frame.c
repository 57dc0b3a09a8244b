/* test_sd_frame.c - ScaleDrone v3 frames as scaledrone-node@1.5.0 and the
 * server exchange them. */
#include <glib.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "signal/sd_frame.h"

/* --- client -> server: exact bytes, as JSON.stringify writes them ------- */

static void
test_handshake_bytes (void)
{
  char *f = tc_sd_encode_handshake ("vQm3hEzHdPm5gkA7", 0);
  g_assert_cmpstr (f, ==, "{\"type\":\"handshake\",\"channel\":\"vQm3hEzHdPm5gkA7\","
      "\"version\":2,\"client_data\":null,\"callback\":0}");
  free (f);
}

static void
test_subscribe_bytes (void)
{
  /* history / history_count are undefined in the reference: not sent. */
  char *f = tc_sd_encode_subscribe ("observable-a1b2c3", 1);
  g_assert_cmpstr (f, ==,
      "{\"type\":\"subscribe\",\"room\":\"observable-a1b2c3\",\"callback\":1}");
  free (f);
}

static void
test_publish_bytes (void)
{
  json_t *msg = json_pack ("{s:{s:s,s:s}}", "sdp", "type", "answer", "sdp",
      "v=0\r\n");
  char *f = tc_sd_encode_publish ("observable-a1b2c3", msg);
  g_assert_cmpstr (f, ==, "{\"type\":\"publish\",\"room\":\"observable-a1b2c3\","
      "\"message\":{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}}");
  /* The caller keeps its reference. */
  g_assert_cmpint (msg->refcount, ==, 1);
  json_decref (msg);
  free (f);
}

static void
test_unsubscribe_bytes (void)
{
  char *f = tc_sd_encode_unsubscribe ("observable-a1b2c3");
  g_assert_cmpstr (f, ==,
      "{\"type\":\"unsubscribe\",\"room\":\"observable-a1b2c3\"}");
  free (f);
}

static void
test_encode_refuses_bad_input (void)
{
  g_assert_null (tc_sd_encode_handshake (NULL, 0));
  g_assert_null (tc_sd_encode_handshake ("abc", -1));
  g_assert_null (tc_sd_encode_handshake ("\xff\xfe", 0));
  g_assert_null (tc_sd_encode_subscribe (NULL, 1));
  g_assert_null (tc_sd_encode_publish ("observable-x", NULL));
  g_assert_null (tc_sd_encode_publish (NULL, json_null ()));
  g_assert_null (tc_sd_encode_unsubscribe (NULL));
}

/* --- server -> client ----------------------------------------------------- */

typedef struct {
  const char *name;
  const char *json;
  tc_status status;
  tc_sd_frame_kind kind;
  long long callback;
  const char *client_id;
  const char *error;
  const char *room;
  const char *ids;  /* space-separated, or NULL */
} decode_case;

static const decode_case decode_cases[] = {
  {"a handshake reply carries our client id",
    "{\"callback\":0,\"client_id\":\"Yq3BRxWkOp2iN7sd\",\"require_auth\":false}",
    TC_OK, TC_SD_FRAME_CALLBACK, 0, "Yq3BRxWkOp2iN7sd", NULL, NULL, NULL},
  {"a subscribe reply may carry nothing but its number",
    "{\"callback\":1}", TC_OK, TC_SD_FRAME_CALLBACK, 1, NULL, NULL, NULL, NULL},
  {"a refused handshake carries the error text",
    "{\"callback\":0,\"error\":\"Channel not found\"}", TC_OK,
    TC_SD_FRAME_CALLBACK, 0, NULL, "Channel not found", NULL, NULL},
  {"a null error in a reply is no error",
    "{\"callback\":1,\"error\":null}", TC_OK, TC_SD_FRAME_CALLBACK, 1, NULL,
    NULL, NULL, NULL},
  {"an empty error in a reply is no error, as in the reference",
    "{\"callback\":1,\"error\":\"\"}", TC_OK, TC_SD_FRAME_CALLBACK, 1, NULL,
    NULL, NULL, NULL},
  {"an error object's message is its text",
    "{\"callback\":1,\"error\":{\"message\":\"Room is full\",\"code\":7}}",
    TC_OK, TC_SD_FRAME_CALLBACK, 1, NULL, "Room is full", NULL, NULL},
  {"the member list keeps its order",
    "{\"type\":\"observable_members\",\"room\":\"observable-a1b2c3\","
    "\"data\":[{\"id\":\"Yq3BRxWkOp2iN7sd\",\"clientData\":null},"
    "{\"id\":\"3kFh8LmNq0PzXw2c\",\"authData\":null}]}",
    TC_OK, TC_SD_FRAME_MEMBERS, 0, NULL, NULL, "observable-a1b2c3",
    "Yq3BRxWkOp2iN7sd 3kFh8LmNq0PzXw2c"},
  {"an empty member list is valid",
    "{\"type\":\"observable_members\",\"room\":\"observable-a\",\"data\":[]}",
    TC_OK, TC_SD_FRAME_MEMBERS, 0, NULL, NULL, "observable-a", NULL},
  {"a join names one member",
    "{\"type\":\"observable_member_join\",\"room\":\"observable-a\","
    "\"data\":{\"id\":\"3kFh8LmNq0PzXw2c\",\"clientData\":null}}",
    TC_OK, TC_SD_FRAME_MEMBER_JOIN, 0, NULL, NULL, "observable-a",
    "3kFh8LmNq0PzXw2c"},
  {"a leave names one member",
    "{\"type\":\"observable_member_leave\",\"room\":\"observable-a\","
    "\"data\":{\"id\":\"3kFh8LmNq0PzXw2c\"}}",
    TC_OK, TC_SD_FRAME_MEMBER_LEAVE, 0, NULL, NULL, "observable-a",
    "3kFh8LmNq0PzXw2c"},
  {"a publish carries sender and message",
    "{\"type\":\"publish\",\"room\":\"observable-a\",\"message\":{\"candidate\":null},"
    "\"client_id\":\"3kFh8LmNq0PzXw2c\",\"id\":\"Zm9v\",\"timestamp\":1718000000}",
    TC_OK, TC_SD_FRAME_PUBLISH, 0, "3kFh8LmNq0PzXw2c", NULL, "observable-a",
    NULL},
  {"a publish from the REST API has no sender",
    "{\"type\":\"publish\",\"room\":\"observable-a\",\"message\":\"hi\"}",
    TC_OK, TC_SD_FRAME_PUBLISH, 0, NULL, NULL, "observable-a", NULL},
  {"an error without a request is a server error",
    "{\"error\":\"Rate limit exceeded\"}", TC_OK, TC_SD_FRAME_ERROR, 0, NULL,
    "Rate limit exceeded", NULL, NULL},
  {"history messages are ignored",
    "{\"type\":\"history_message\",\"room\":\"observable-a\",\"index\":0}",
    TC_OK, TC_SD_FRAME_IGNORED, 0, NULL, NULL, NULL, NULL},
  {"unknown types are ignored", "{\"type\":\"pong\",\"x\":[1]}", TC_OK,
    TC_SD_FRAME_IGNORED, 0, NULL, NULL, NULL, NULL},
  {"an object without a type is ignored", "{}", TC_OK, TC_SD_FRAME_IGNORED, 0,
    NULL, NULL, NULL, NULL},
  {"a numeric type is refused", "{\"type\":3}", TC_ERR_PARSE, 0, 0, NULL,
    NULL, NULL, NULL},
  {"a string callback number is refused", "{\"callback\":\"0\"}", TC_ERR_PARSE,
    0, 0, NULL, NULL, NULL, NULL},
  {"a negative callback number is refused", "{\"callback\":-1}", TC_ERR_PARSE,
    0, 0, NULL, NULL, NULL, NULL},
  {"a numeric client id is refused", "{\"callback\":0,\"client_id\":5}",
    TC_ERR_PARSE, 0, 0, NULL, NULL, NULL, NULL},
  {"a numeric error is refused", "{\"error\":500}", TC_ERR_PARSE, 0, 0, NULL,
    NULL, NULL, NULL},
  {"a member list that is not an array is refused",
    "{\"type\":\"observable_members\",\"room\":\"r\",\"data\":{}}",
    TC_ERR_PARSE, 0, 0, NULL, NULL, NULL, NULL},
  {"a member without an id is refused",
    "{\"type\":\"observable_members\",\"room\":\"r\",\"data\":[{\"id\":\"a\"},{}]}",
    TC_ERR_PARSE, 0, 0, NULL, NULL, NULL, NULL},
  {"a join without data is refused",
    "{\"type\":\"observable_member_join\",\"room\":\"r\"}", TC_ERR_PARSE, 0, 0,
    NULL, NULL, NULL, NULL},
  {"a member event without a room is refused",
    "{\"type\":\"observable_member_leave\",\"data\":{\"id\":\"a\"}}",
    TC_ERR_PARSE, 0, 0, NULL, NULL, NULL, NULL},
  {"a publish without a message is refused",
    "{\"type\":\"publish\",\"room\":\"r\",\"client_id\":\"a\"}", TC_ERR_PARSE,
    0, 0, NULL, NULL, NULL, NULL},
  {"a publish with a numeric sender is refused",
    "{\"type\":\"publish\",\"room\":\"r\",\"message\":1,\"client_id\":7}",
    TC_ERR_PARSE, 0, 0, NULL, NULL, NULL, NULL},
  {"a top-level array is refused", "[]", TC_ERR_PARSE, 0, 0, NULL, NULL, NULL,
    NULL},
  {"truncated JSON is refused", "{\"callback\":0,", TC_ERR_PARSE, 0, 0, NULL,
    NULL, NULL, NULL},
};

static void
assert_ids (const tc_sd_frame *f, const char *want)
{
  if (want == NULL) {
    g_assert_cmpuint (f->n_ids, ==, 0);
    return;
  }
  char **parts = g_strsplit (want, " ", -1);
  g_assert_cmpuint (f->n_ids, ==, g_strv_length (parts));
  for (size_t i = 0; i < f->n_ids; i++)
    g_assert_cmpstr (f->ids[i], ==, parts[i]);
  g_strfreev (parts);
}

static void
test_decode_case (gconstpointer data)
{
  const decode_case *c = data;
  tc_sd_frame f;
  tc_status st = tc_sd_frame_decode (c->json, strlen (c->json), &f);
  g_assert_cmpstr (tc_status_name (st), ==, tc_status_name (c->status));
  if (st == TC_OK) {
    g_assert_cmpint (f.kind, ==, c->kind);
    g_assert_cmpint (f.callback, ==, c->callback);
    g_assert_cmpstr (f.client_id, ==, c->client_id);
    g_assert_cmpstr (f.error, ==, c->error);
    g_assert_cmpstr (f.room, ==, c->room);
    assert_ids (&f, c->ids);
    g_assert_true ((f.message != NULL) == (c->kind == TC_SD_FRAME_PUBLISH));
  } else {
    /* A refused frame leaves nothing behind. */
    g_assert_null (f.room);
    g_assert_null (f.ids);
    g_assert_null (f.message);
  }
  tc_sd_frame_clear (&f);
}

static void
test_publish_message_is_a_value (void)
{
  static const char frame[] =
      "{\"type\":\"publish\",\"room\":\"observable-a\","
      "\"message\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}},"
      "\"client_id\":\"b\",\"id\":\"x\",\"timestamp\":1}";
  tc_sd_frame f;
  g_assert_cmpint (tc_sd_frame_decode (frame, strlen (frame), &f), ==, TC_OK);
  json_t *sdp = json_object_get (f.message, "sdp");
  g_assert_cmpstr (json_string_value (json_object_get (sdp, "type")), ==,
      "offer");
  tc_sd_frame_clear (&f);
  tc_sd_frame_clear (NULL);
}

static void
test_decode_limits (void)
{
  tc_sd_frame f;
  char *big = g_malloc (TC_SD_FRAME_MAX + 1);
  memset (big, ' ', TC_SD_FRAME_MAX + 1);
  g_assert_cmpint (tc_sd_frame_decode (big, TC_SD_FRAME_MAX + 1, &f), ==,
      TC_ERR_TOO_LARGE);
  g_free (big);
  /* Frames are length-delimited, not NUL-terminated. */
  g_assert_cmpint (tc_sd_frame_decode ("{\"callback\":1}garbage", 14, &f), ==,
      TC_OK);
  tc_sd_frame_clear (&f);
  g_assert_cmpint (tc_sd_frame_decode (NULL, 0, &f), ==, TC_ERR_INVALID_ARG);
}

/* --- error texts -> status codes ------------------------------------------ */

typedef struct {
  const char *name;
  tc_status (*classify) (const char *);
  const char *text;
  tc_status status;
} error_case;

static const error_case error_cases[] = {
  {"an unknown channel is a bad channel", tc_sd_handshake_error,
    "Unknown channel", TC_ERR_BAD_CHANNEL},
  {"a channel that was not found is a bad channel", tc_sd_handshake_error,
    "Channel not found", TC_ERR_BAD_CHANNEL},
  {"an invalid channel id is a bad channel", tc_sd_handshake_error,
    "invalid channel id", TC_ERR_BAD_CHANNEL},
  {"other handshake refusals stay handshake errors", tc_sd_handshake_error,
    "Unsupported protocol version", TC_ERR_HANDSHAKE},
  {"a missing handshake text is a handshake error", tc_sd_handshake_error,
    NULL, TC_ERR_HANDSHAKE},
  {"a full room says so", tc_sd_subscribe_error, "Room is full",
    TC_ERR_ROOM_FULL},
  {"other subscribe refusals stay subscribe errors", tc_sd_subscribe_error,
    "Not allowed", TC_ERR_SUBSCRIBE},
  {"a rate limit is recognised", tc_sd_server_error,
    "Rate limit exceeded", TC_ERR_RATE_LIMIT},
  {"too many messages is a rate limit", tc_sd_server_error,
    "Too many messages", TC_ERR_RATE_LIMIT},
  {"words merely containing rate are not a rate limit", tc_sd_server_error,
    "failed to generate id", TC_ERR_SERVER},
  {"other errors are server errors", tc_sd_server_error, "Internal error",
    TC_ERR_SERVER},
};

static void
test_error_case (gconstpointer data)
{
  const error_case *c = data;
  g_assert_cmpstr (tc_status_name (c->classify (c->text)), ==,
      tc_status_name (c->status));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd_frame/encode/the handshake matches the reference's bytes",
      test_handshake_bytes);
  g_test_add_func ("/sd_frame/encode/subscribe sends only type, room and callback",
      test_subscribe_bytes);
  g_test_add_func ("/sd_frame/encode/publish embeds the message as JSON",
      test_publish_bytes);
  g_test_add_func ("/sd_frame/encode/unsubscribe names the room",
      test_unsubscribe_bytes);
  g_test_add_func ("/sd_frame/encode/missing or invalid input gives NULL",
      test_encode_refuses_bad_input);
  for (size_t i = 0; i < G_N_ELEMENTS (decode_cases); i++) {
    char *path = g_strdup_printf ("/sd_frame/decode/%s", decode_cases[i].name);
    g_test_add_data_func (path, &decode_cases[i], test_decode_case);
    g_free (path);
  }
  g_test_add_func ("/sd_frame/decode/a published message stays a JSON value",
      test_publish_message_is_a_value);
  g_test_add_func ("/sd_frame/decode/frames above 64 KiB are refused",
      test_decode_limits);
  for (size_t i = 0; i < G_N_ELEMENTS (error_cases); i++) {
    char *path = g_strdup_printf ("/sd_frame/errors/%s", error_cases[i].name);
    g_test_add_data_func (path, &error_cases[i], test_error_case);
    g_free (path);
  }
  return g_test_run ();
}
