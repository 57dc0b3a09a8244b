/* test_relay_frame.c - the relay's client-frame parser, case by case.
 *
 * Each row is one frame as a client could send it and what the parser must
 * make of it: the status, and for good frames the fields the hub relies on.
 * The valid rows are what scaledrone-node@1.5.0 sends (JSON.stringify drops
 * undefined fields, keeps nulls).
 */
#include <glib.h>
#include <string.h>

#include "relay_frame.h"

typedef struct {
  const char *name;
  const char *json;
  relay_parse_status status;
  relay_frame_type type;
  int callback;           /* -1: no callback expected */
  const char *channel;
  const char *room;
  const char *message;    /* expected message, re-serialized compactly */
} frame_case;

/* Rows: GOOD (name, json, type, callback or -1, channel, room, message);
 * BAD (name, json, status) for frames refused before their type is known;
 * BAD_CB (name, json, status, type, callback) for frames whose callback
 * must survive the failure so the error can answer it. */
#define GOOD(n, j, t, cb, ch, r, m) { n, j, RELAY_PARSE_OK, t, cb, ch, r, m }
#define BAD(n, j, st) { n, j, st, RELAY_FRAME_HANDSHAKE, -1, NULL, NULL, NULL }
#define BAD_CB(n, j, st, t, cb) { n, j, st, t, cb, NULL, NULL, NULL }

static const frame_case cases[] = {
  /* Good frames, as the reference client sends them. */
  GOOD ("a handshake with every field parses",
    "{\"type\":\"handshake\",\"channel\":\"ch1\",\"version\":2,"
    "\"client_data\":{\"name\":\"obs\"},\"callback\":0}",
    RELAY_FRAME_HANDSHAKE, 0, "ch1", NULL, NULL),
  GOOD ("a handshake with null client data parses",
    "{\"type\":\"handshake\",\"channel\":\"c\",\"version\":2,"
    "\"client_data\":null,\"callback\":7}",
    RELAY_FRAME_HANDSHAKE, 7, "c", NULL, NULL),
  GOOD ("a subscribe without history parses",
    "{\"type\":\"subscribe\",\"room\":\"observable-abc\",\"callback\":1}",
    RELAY_FRAME_SUBSCRIBE, 1, NULL, "observable-abc", NULL),
  GOOD ("a subscribe with history counts parses",
    "{\"type\":\"subscribe\",\"room\":\"r\",\"history\":5,"
    "\"history_count\":5,\"callback\":2}",
    RELAY_FRAME_SUBSCRIBE, 2, NULL, "r", NULL),
  GOOD ("a publish with an object message parses",
    "{\"type\":\"publish\",\"room\":\"observable-x\","
    "\"message\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}}",
    RELAY_FRAME_PUBLISH, -1, NULL, "observable-x",
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}"),
  GOOD ("a publish with a string message parses",
    "{\"type\":\"publish\",\"room\":\"r\",\"message\":\"hi\"}",
    RELAY_FRAME_PUBLISH, -1, NULL, "r", "\"hi\""),
  GOOD ("a publish with a null message parses",
    "{\"type\":\"publish\",\"room\":\"r\",\"message\":null}",
    RELAY_FRAME_PUBLISH, -1, NULL, "r", "null"),
  GOOD ("an unsubscribe parses",
    "{\"type\":\"unsubscribe\",\"room\":\"observable-x\"}",
    RELAY_FRAME_UNSUBSCRIBE, -1, NULL, "observable-x", NULL),
  GOOD ("unknown extra fields are ignored",
    "{\"type\":\"unsubscribe\",\"room\":\"r\",\"extra\":[1,2]}",
    RELAY_FRAME_UNSUBSCRIBE, -1, NULL, "r", NULL),
  GOOD ("a null callback counts as no callback",
    "{\"type\":\"unsubscribe\",\"room\":\"r\",\"callback\":null}",
    RELAY_FRAME_UNSUBSCRIBE, -1, NULL, "r", NULL),

  /* Not JSON, or not an object. */
  BAD ("an empty message is not JSON",
    "",
    RELAY_PARSE_BAD_JSON),
  BAD ("a truncated object is not JSON",
    "{\"type\":\"publish\"",
    RELAY_PARSE_BAD_JSON),
  BAD ("trailing garbage is not JSON",
    "{}x",
    RELAY_PARSE_BAD_JSON),
  BAD ("invalid UTF-8 is not JSON",
    "{\"type\":\"\xff\"}",
    RELAY_PARSE_BAD_JSON),
  BAD ("an escaped NUL in a string is refused",
    "{\"type\":\"publish\",\"room\":\"a\\u0000b\",\"message\":1}",
    RELAY_PARSE_BAD_JSON),
  BAD ("duplicate keys are refused",
    "{\"type\":\"publish\",\"room\":\"a\",\"room\":\"b\",\"message\":1}",
    RELAY_PARSE_BAD_JSON),
  BAD ("an integer too big for 64 bits is refused",
    "{\"type\":\"publish\",\"room\":\"r\",\"message\":99999999999999999999}",
    RELAY_PARSE_BAD_JSON),
  BAD ("an array is not a frame",
    "[1,2,3]",
    RELAY_PARSE_NOT_OBJECT),

  /* Wrong or missing fields. */
  BAD ("a frame without a type is refused",
    "{\"room\":\"r\"}",
    RELAY_PARSE_BAD_TYPE),
  BAD ("a numeric type is refused",
    "{\"type\":3}",
    RELAY_PARSE_BAD_TYPE),
  BAD ("an unknown type is refused",
    "{\"type\":\"history\"}",
    RELAY_PARSE_UNKNOWN_TYPE),
  BAD_CB ("an authenticate without a token is refused",
    "{\"type\":\"authenticate\",\"callback\":4}",
    RELAY_PARSE_BAD_TOKEN, RELAY_FRAME_AUTHENTICATE, 4),
  BAD_CB ("an authenticate with an empty token is refused",
    "{\"type\":\"authenticate\",\"token\":\"\"}",
    RELAY_PARSE_BAD_TOKEN, RELAY_FRAME_AUTHENTICATE, -1),
  BAD ("a string callback is refused",
    "{\"type\":\"subscribe\",\"room\":\"r\",\"callback\":\"1\"}",
    RELAY_PARSE_BAD_CALLBACK),
  BAD ("a negative callback is refused",
    "{\"type\":\"subscribe\",\"room\":\"r\",\"callback\":-1}",
    RELAY_PARSE_BAD_CALLBACK),
  BAD ("a fractional callback is refused",
    "{\"type\":\"subscribe\",\"room\":\"r\",\"callback\":1.5}",
    RELAY_PARSE_BAD_CALLBACK),
  BAD_CB ("a handshake without a channel is refused, keeping its callback",
    "{\"type\":\"handshake\",\"version\":2,\"callback\":4}",
    RELAY_PARSE_BAD_CHANNEL, RELAY_FRAME_HANDSHAKE, 4),
  BAD_CB ("a handshake with an empty channel is refused",
    "{\"type\":\"handshake\",\"channel\":\"\",\"version\":2,\"callback\":0}",
    RELAY_PARSE_BAD_CHANNEL, RELAY_FRAME_HANDSHAKE, 0),
  BAD_CB ("a handshake with a numeric channel is refused",
    "{\"type\":\"handshake\",\"channel\":5,\"version\":2}",
    RELAY_PARSE_BAD_CHANNEL, RELAY_FRAME_HANDSHAKE, -1),
  BAD_CB ("a handshake for protocol version 1 is refused",
    "{\"type\":\"handshake\",\"channel\":\"c\",\"version\":1,\"callback\":0}",
    RELAY_PARSE_BAD_VERSION, RELAY_FRAME_HANDSHAKE, 0),
  BAD_CB ("a handshake without a version is refused",
    "{\"type\":\"handshake\",\"channel\":\"c\",\"callback\":0}",
    RELAY_PARSE_BAD_VERSION, RELAY_FRAME_HANDSHAKE, 0),
  BAD_CB ("a subscribe without a room is refused, keeping its callback",
    "{\"type\":\"subscribe\",\"callback\":9}",
    RELAY_PARSE_BAD_ROOM, RELAY_FRAME_SUBSCRIBE, 9),
  BAD_CB ("a subscribe to an object room is refused",
    "{\"type\":\"subscribe\",\"room\":{},\"callback\":1}",
    RELAY_PARSE_BAD_ROOM, RELAY_FRAME_SUBSCRIBE, 1),
  BAD_CB ("a subscribe with a string history count is refused",
    "{\"type\":\"subscribe\",\"room\":\"r\",\"history_count\":\"5\","
    "\"callback\":1}",
    RELAY_PARSE_BAD_HISTORY, RELAY_FRAME_SUBSCRIBE, 1),
  BAD_CB ("a publish without a message is refused",
    "{\"type\":\"publish\",\"room\":\"r\"}",
    RELAY_PARSE_NO_MESSAGE, RELAY_FRAME_PUBLISH, -1),
  BAD_CB ("a publish with an empty room is refused",
    "{\"type\":\"publish\",\"room\":\"\",\"message\":1}",
    RELAY_PARSE_BAD_ROOM, RELAY_FRAME_PUBLISH, -1),
};

/* Failures before the type is looked up leave frame->type meaningless. */
static gboolean
type_known (relay_parse_status st)
{
  return st != RELAY_PARSE_BAD_JSON && st != RELAY_PARSE_NOT_OBJECT
         && st != RELAY_PARSE_BAD_CALLBACK && st != RELAY_PARSE_BAD_TYPE
         && st != RELAY_PARSE_UNKNOWN_TYPE;
}

static void
check_message (const relay_frame *f, const char *expected)
{
  if (expected == NULL) {
    g_assert_null (f->message);
    return;
  }
  char *got = json_dumps (f->message, JSON_COMPACT | JSON_ENCODE_ANY);
  g_assert_cmpstr (got, ==, expected);
  free (got);
}

static void
test_case (gconstpointer data)
{
  const frame_case *c = data;
  relay_frame f;
  relay_parse_status st = relay_frame_parse (c->json, strlen (c->json), &f);

  g_assert_cmpint (st, ==, c->status);
  g_assert_cmpint (f.has_callback, ==, c->callback >= 0);
  if (c->callback >= 0)
    g_assert_cmpint (f.callback, ==, c->callback);
  if (type_known (st))
    g_assert_cmpint (f.type, ==, c->type);
  if (st == RELAY_PARSE_OK) {
    g_assert_cmpstr (f.channel, ==, c->channel);
    g_assert_cmpstr (f.room, ==, c->room);
    check_message (&f, c->message);
    if (f.type == RELAY_FRAME_HANDSHAKE)
      g_assert_nonnull (f.client_data);
  }
  relay_frame_clear (&f);
  relay_frame_clear (&f); /* idempotent */
}

static void
test_long_names (void)
{
  /* 256 bytes is the limit for rooms and channels; 257 is over it. */
  for (int len = 255; len <= 257; len++) {
    char *room = g_strnfill ((gsize) len, 'r');
    char *json = g_strdup_printf ("{\"type\":\"unsubscribe\",\"room\":\"%s\"}",
        room);
    relay_frame f;
    relay_parse_status st = relay_frame_parse (json, strlen (json), &f);
    g_assert_cmpint (st, ==,
        len <= RELAY_MAX_ROOM_LEN ? RELAY_PARSE_OK : RELAY_PARSE_BAD_ROOM);
    relay_frame_clear (&f);
    g_free (json);
    g_free (room);
  }
}

static void
test_client_data_limit (void)
{
  /* {"s":"xxx..."} is 8 bytes plus the string: 4096 in all passes. */
  for (int len = 4088; len <= 4089; len++) {
    char *value = g_strnfill ((gsize) len, 'x');
    char *json = g_strdup_printf ("{\"type\":\"handshake\",\"channel\":\"c\","
        "\"version\":2,\"client_data\":{\"s\":\"%s\"},\"callback\":1}", value);
    relay_frame f;
    relay_parse_status st = relay_frame_parse (json, strlen (json), &f);
    g_assert_cmpint (st, ==, len == 4088 ? RELAY_PARSE_OK
                                         : RELAY_PARSE_BIG_CLIENT_DATA);
    g_assert_true (f.has_callback); /* the error can answer it */
    relay_frame_clear (&f);
    g_free (json);
    g_free (value);
  }
}

static void
test_not_nul_terminated (void)
{
  /* The parser must respect len: the bytes after it are not part of it. */
  const char buf[] = "{\"type\":\"unsubscribe\",\"room\":\"r\"}GARBAGE";
  relay_frame f;
  g_assert_cmpint (relay_frame_parse (buf, sizeof buf - 1 - 7, &f), ==,
      RELAY_PARSE_OK);
  relay_frame_clear (&f);
}

static void
test_status_sentences (void)
{
  for (int st = 0; st < RELAY_PARSE_STATUS_COUNT_; st++) {
    const char *s = relay_parse_status_str ((relay_parse_status) st);
    g_assert_nonnull (s);
    g_assert_cmpuint (strlen (s), >, 1);
  }
  g_assert_nonnull (relay_parse_status_str (RELAY_PARSE_STATUS_COUNT_));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = g_strdup_printf ("/relay/frame/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_case);
    g_free (path);
  }
  g_test_add_func ("/relay/frame/names of 256 bytes pass and 257 do not",
      test_long_names);
  g_test_add_func ("/relay/frame/client_data of 4096 bytes passes, 4097 not",
      test_client_data_limit);
  g_test_add_func ("/relay/frame/only len bytes are parsed",
      test_not_nul_terminated);
  g_test_add_func ("/relay/frame/every status has a sentence",
      test_status_sentences);
  return g_test_run ();
}
