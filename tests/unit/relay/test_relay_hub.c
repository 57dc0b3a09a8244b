/* test_relay_hub.c - the relay's protocol logic against a recording sink:
 * what each connection receives, in which order and in which shape, for
 * the conversations scaledrone-node@1.5.0 has with a ScaleDrone server. */
#include <glib.h>
#include <string.h>

#include "relay_hub.h"
#include "relay_id.h"

#define SEC G_USEC_PER_SEC
#define T0 ((gint64) 5000 * SEC)
#define FIXED_TIME 1700000000

/* --- a recording sink ----------------------------------------------------- */

typedef struct {
  relay_client *client;
  GQueue inbox;          /* json_t*, oldest first */
  int close_code;        /* 0 until closed */
  char *close_reason;
  int pings;
} conn;

static void
rec_send (void *io, relay_msg *msg)
{
  conn *c = io;
  json_error_t err;
  json_t *j = json_loadb ((const char *) relay_msg_data (msg),
      relay_msg_len (msg), 0, &err);
  g_assert_nonnull (j); /* everything the relay sends is JSON */
  g_queue_push_tail (&c->inbox, j);
}

static void
rec_close (void *io, int code, const char *reason)
{
  conn *c = io;
  g_assert_cmpint (c->close_code, ==, 0); /* asked once */
  c->close_code = code;
  c->close_reason = g_strdup (reason);
}

static void
rec_ping (void *io)
{
  ((conn *) io)->pings++;
}

static const relay_sink sink = { rec_send, rec_close, rec_ping };

static gint64
fixed_clock (void)
{
  return FIXED_TIME;
}

typedef struct {
  relay_hub *hub;
  conn conns[4];
  gint64 now;
} fixture;

static void
setup_with (fixture *f, const relay_hub_config *over)
{
  relay_hub_config cfg = {
    .max_members = 10,
    .max_message_bytes = 65536,
    .rate = 0,
    .handshake_timeout_us = 10 * SEC,
    .idle_timeout_us = 300 * SEC,
    .wall_clock_s = fixed_clock,
  };
  if (over != NULL)
    cfg = *over;
  cfg.wall_clock_s = fixed_clock;
  memset (f, 0, sizeof *f);
  f->now = T0;
  f->hub = relay_hub_new (&cfg, &sink);
}

static void
setup (fixture *f, gconstpointer data)
{
  setup_with (f, data);
}

static void
teardown (fixture *f, gconstpointer data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (f->conns); i++) {
    conn *c = &f->conns[i];
    if (c->client != NULL)
      relay_hub_disconnect (f->hub, c->client);
    g_queue_clear_full (&c->inbox, (GDestroyNotify) json_decref);
    g_free (c->close_reason);
  }
  relay_hub_free (f->hub);
}

/* --- helpers -------------------------------------------------------------- */

static conn *
open_conn (fixture *f, int i)
{
  conn *c = &f->conns[i];
  c->client = relay_hub_connect (f->hub, c, f->now);
  return c;
}

static void
say (fixture *f, conn *c, const char *json)
{
  relay_hub_receive (f->hub, c->client, json, strlen (json), f->now);
}

/* The oldest message `c` received (caller decrefs); fails if none. */
static json_t *
next (conn *c)
{
  json_t *j = g_queue_pop_head (&c->inbox);
  g_assert_nonnull (j);
  return j;
}

static void
assert_nothing (conn *c)
{
  g_assert_cmpuint (c->inbox.length, ==, 0);
}

static const char *
str (json_t *obj, const char *key)
{
  return json_string_value (json_object_get (obj, key));
}

/* Asserts `j` is exactly {"callback":cb} (plus client_id when given). */
static void
assert_ok (json_t *j, int cb)
{
  g_assert_cmpint (json_integer_value (json_object_get (j, "callback")), ==,
      cb);
  g_assert_null (json_object_get (j, "error"));
  json_decref (j);
}

static void
assert_error (json_t *j, int cb, const char *contains)
{
  if (cb >= 0) {
    g_assert_cmpint (json_integer_value (json_object_get (j, "callback")),
        ==, cb);
    g_assert_null (json_object_get (j, "type"));
  } else {
    g_assert_null (json_object_get (j, "callback"));
    g_assert_cmpstr (str (j, "type"), ==, "error");
  }
  g_assert_nonnull (strstr (str (j, "error"), contains));
  json_decref (j);
}

static gboolean
is_client_id (const char *id)
{
  if (id == NULL || strlen (id) != RELAY_CLIENT_ID_LEN)
    return FALSE;
  for (const char *p = id; *p; p++) {
    if (!g_ascii_isalnum (*p))
      return FALSE;
  }
  return TRUE;
}

/* Handshakes `c` on `channel` (client_data given as JSON text) and returns
 * its id. */
static char *
handshake_on (fixture *f, conn *c, const char *channel,
    const char *client_data)
{
  char *frame = g_strdup_printf ("{\"type\":\"handshake\",\"channel\":\"%s\","
      "\"version\":2,\"client_data\":%s,\"callback\":0}", channel,
      client_data);
  say (f, c, frame);
  g_free (frame);
  json_t *j = next (c);
  char *id = g_strdup (str (j, "client_id"));
  g_assert_true (is_client_id (id));
  assert_ok (j, 0);
  return id;
}

static char *
handshake (fixture *f, conn *c, const char *client_data)
{
  return handshake_on (f, c, "ch", client_data);
}

static void
subscribe (fixture *f, conn *c, const char *room, int cb)
{
  char *frame = g_strdup_printf ("{\"type\":\"subscribe\",\"room\":\"%s\","
      "\"callback\":%d}", room, cb);
  say (f, c, frame);
  g_free (frame);
}

/* Asserts `j` is observable_members for room with these ids, in order. */
static void
assert_members (json_t *j, const char *room, const char *const *ids)
{
  g_assert_cmpstr (str (j, "type"), ==, "observable_members");
  g_assert_cmpstr (str (j, "room"), ==, room);
  json_t *data = json_object_get (j, "data");
  g_assert_cmpuint (json_array_size (data), ==, g_strv_length ((char **) ids));
  for (gsize i = 0; ids[i] != NULL; i++)
    g_assert_cmpstr (str (json_array_get (data, i), "id"), ==, ids[i]);
  json_decref (j);
}

static void
assert_member_event (json_t *j, const char *type, const char *room,
    const char *id)
{
  g_assert_cmpstr (str (j, "type"), ==, type);
  g_assert_cmpstr (str (j, "room"), ==, room);
  g_assert_cmpstr (str (json_object_get (j, "data"), "id"), ==, id);
  json_decref (j);
}

/* --- handshake ------------------------------------------------------------ */

static void
test_handshake_gives_an_id (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  char *ida = handshake (f, a, "null");
  char *idb = handshake (f, b, "{\"name\":\"b\"}");
  g_assert_cmpstr (ida, !=, idb);
  g_free (ida);
  g_free (idb);
}

static void
test_unknown_channel (fixture *f, gconstpointer d)
{
  const char *const channels[] = { "good", NULL };
  relay_hub_config cfg = { .channels = channels, .max_members = 10 };
  teardown (f, NULL);
  setup_with (f, &cfg);
  conn *a = open_conn (f, 0);
  say (f, a, "{\"type\":\"handshake\",\"channel\":\"bad\",\"version\":2,"
      "\"callback\":3}");
  json_t *j = next (a);
  g_assert_null (json_object_get (j, "client_id"));
  assert_error (j, 3, "Channel not found");
  /* The connection is still usable for a correct handshake. */
  say (f, a, "{\"type\":\"handshake\",\"channel\":\"good\",\"version\":2,"
      "\"callback\":4}");
  j = next (a);
  g_assert_true (is_client_id (str (j, "client_id")));
  assert_ok (j, 4);
}

static void
test_requests_before_handshake (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  subscribe (f, a, "observable-x", 1);
  assert_error (next (a), 1, "handshake");
  say (f, a, "{\"type\":\"publish\",\"room\":\"r\",\"message\":1}");
  assert_error (next (a), -1, "handshake");
  assert_nothing (a);
}

static void
test_second_handshake (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  say (f, a, "{\"type\":\"handshake\",\"channel\":\"ch\",\"version\":2,"
      "\"callback\":1}");
  assert_error (next (a), 1, "already");
}

/* --- observable rooms ----------------------------------------------------- */

static void
test_members_and_join (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  char *ida = handshake (f, a, "{\"name\":\"a\"}");
  char *idb = handshake (f, b, "null");

  subscribe (f, a, "observable-x", 1);
  assert_ok (next (a), 1);
  assert_members (next (a), "observable-x", (const char *[]) { ida, NULL });

  subscribe (f, b, "observable-x", 1);
  assert_ok (next (b), 1);
  json_t *members = next (b);
  /* clientData is present exactly for members that sent client_data. */
  json_t *data = json_object_get (members, "data");
  g_assert_cmpstr (str (json_object_get (json_array_get (data, 0),
      "clientData"), "name"), ==, "a");
  g_assert_null (json_object_get (json_array_get (data, 1), "clientData"));
  assert_members (members, "observable-x",
      (const char *[]) { ida, idb, NULL });
  assert_member_event (next (a), "observable_member_join", "observable-x",
      idb);
  assert_nothing (a);
  assert_nothing (b);
  g_free (ida);
  g_free (idb);
}

static void
test_publish_fan_out (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  conn *outsider = open_conn (f, 2);
  char *ida = handshake (f, a, "null");
  g_free (handshake (f, b, "null"));
  g_free (handshake (f, outsider, "null"));
  subscribe (f, a, "observable-x", 1);
  subscribe (f, b, "observable-x", 1);
  subscribe (f, outsider, "observable-y", 1);
  g_queue_clear_full (&a->inbox, (GDestroyNotify) json_decref);
  g_queue_clear_full (&b->inbox, (GDestroyNotify) json_decref);
  g_queue_clear_full (&outsider->inbox, (GDestroyNotify) json_decref);

  say (f, a, "{\"type\":\"publish\",\"room\":\"observable-x\","
      "\"message\":{\"candidate\":{\"sdpMLineIndex\":0}}}");
  /* Both subscribers, the sender included, get the same frame. */
  json_t *ja = next (a), *jb = next (b);
  g_assert_true (json_equal (ja, jb));
  g_assert_cmpuint (json_object_size (ja), ==, 6);
  g_assert_cmpstr (str (ja, "type"), ==, "publish");
  g_assert_cmpstr (str (ja, "room"), ==, "observable-x");
  g_assert_cmpstr (str (ja, "client_id"), ==, ida);
  g_assert_cmpuint (strlen (str (ja, "id")), ==, RELAY_MESSAGE_ID_LEN);
  g_assert_cmpint (json_integer_value (json_object_get (ja, "timestamp")), ==,
      FIXED_TIME);
  json_t *want = json_pack ("{s{si}}", "candidate", "sdpMLineIndex", 0);
  g_assert_true (json_equal (json_object_get (ja, "message"), want));
  json_decref (want);
  json_decref (ja);
  json_decref (jb);
  assert_nothing (outsider);
  g_free (ida);
}

static void
test_publish_ids_differ (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  subscribe (f, a, "r", 1);
  assert_ok (next (a), 1);
  say (f, a, "{\"type\":\"publish\",\"room\":\"r\",\"message\":1}");
  say (f, a, "{\"type\":\"publish\",\"room\":\"r\",\"message\":2}");
  json_t *m1 = next (a), *m2 = next (a);
  g_assert_cmpstr (str (m1, "id"), !=, str (m2, "id"));
  json_decref (m1);
  json_decref (m2);
}

static void
test_publish_needs_subscription (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  say (f, a, "{\"type\":\"publish\",\"room\":\"observable-x\","
      "\"message\":\"hi\"}");
  assert_error (next (a), -1, "Subscribe");
}

static void
test_plain_room (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  g_free (handshake (f, a, "null"));
  g_free (handshake (f, b, "null"));
  subscribe (f, a, "plain", 1);
  subscribe (f, b, "plain", 2);
  assert_ok (next (a), 1);
  assert_ok (next (b), 2);
  assert_nothing (a); /* no member list, no join event */
  assert_nothing (b);
  say (f, b, "{\"type\":\"publish\",\"room\":\"plain\",\"message\":\"m\"}");
  json_t *ja = next (a);
  g_assert_cmpstr (str (ja, "type"), ==, "publish");
  json_decref (ja);
  json_decref (next (b));
  relay_hub_disconnect (f->hub, b->client);
  b->client = NULL;
  assert_nothing (a); /* no leave event either */
}

static void
test_full_room (fixture *f, gconstpointer d)
{
  relay_hub_config cfg = { .max_members = 2 };
  teardown (f, NULL);
  setup_with (f, &cfg);
  conn *c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = open_conn (f, i);
    g_free (handshake (f, c[i], "null"));
    subscribe (f, c[i], "observable-x", 5);
  }
  assert_error (next (c[2]), 5, "Room is full");
  assert_nothing (c[2]);
  /* The refused one was never announced to the others. */
  json_decref (next (c[0])); /* ok */
  json_decref (next (c[0])); /* members */
  json_decref (next (c[0])); /* join of c[1] */
  assert_nothing (c[0]);
  /* And it may not publish there. */
  say (f, c[2], "{\"type\":\"publish\",\"room\":\"observable-x\","
      "\"message\":1}");
  assert_error (next (c[2]), -1, "Subscribe");
}

static void
test_unsubscribe_announces_leave (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  g_free (handshake (f, a, "null"));
  char *idb = handshake (f, b, "null");
  subscribe (f, a, "observable-x", 1);
  subscribe (f, b, "observable-x", 1);
  g_queue_clear_full (&a->inbox, (GDestroyNotify) json_decref);
  g_queue_clear_full (&b->inbox, (GDestroyNotify) json_decref);

  say (f, b, "{\"type\":\"unsubscribe\",\"room\":\"observable-x\"}");
  assert_member_event (next (a), "observable_member_leave", "observable-x",
      idb);
  assert_nothing (b);
  /* b no longer receives the room's messages. */
  say (f, a, "{\"type\":\"publish\",\"room\":\"observable-x\","
      "\"message\":1}");
  json_decref (next (a));
  assert_nothing (b);
  /* Unsubscribing again is harmless. */
  say (f, b, "{\"type\":\"unsubscribe\",\"room\":\"observable-x\","
      "\"callback\":8}");
  assert_ok (next (b), 8);
  assert_nothing (a);
  g_free (idb);
}

static void
test_disconnect_announces_leave (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  g_free (handshake (f, a, "null"));
  char *idb = handshake (f, b, "{\"n\":2}");
  subscribe (f, a, "observable-x", 1);
  subscribe (f, b, "observable-x", 1);
  subscribe (f, b, "observable-y", 2);
  g_queue_clear_full (&a->inbox, (GDestroyNotify) json_decref);

  relay_hub_disconnect (f->hub, b->client);
  b->client = NULL;
  json_t *leave = next (a);
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (
      json_object_get (leave, "data"), "clientData"), "n")), ==, 2);
  assert_member_event (leave, "observable_member_leave", "observable-x", idb);
  assert_nothing (a);
  g_assert_cmpuint (relay_hub_room_count (f->hub), ==, 1);
  g_free (idb);
}

static void
test_subscribe_again (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  char *ida = handshake (f, a, "null");
  char *idb = handshake (f, b, "null");
  subscribe (f, a, "observable-x", 1);
  subscribe (f, b, "observable-x", 1);
  g_queue_clear_full (&a->inbox, (GDestroyNotify) json_decref);
  g_queue_clear_full (&b->inbox, (GDestroyNotify) json_decref);

  subscribe (f, b, "observable-x", 2);
  assert_ok (next (b), 2);
  assert_nothing (b); /* no second member list */
  assert_nothing (a); /* a already knows b */
  g_free (ida);
  g_free (idb);
}

/* Two apps on one relay use the same room name: each sees only its own
 * members and messages. */
static void
test_channels_are_apart (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  char *ida = handshake_on (f, a, "app-one", "null");
  char *idb = handshake_on (f, b, "app-two", "null");
  subscribe (f, a, "observable-x", 1);
  subscribe (f, b, "observable-x", 1);
  assert_ok (next (a), 1);
  assert_members (next (a), "observable-x", (const char *[]) { ida, NULL });
  assert_ok (next (b), 1);
  assert_members (next (b), "observable-x", (const char *[]) { idb, NULL });

  say (f, a, "{\"type\":\"publish\",\"room\":\"observable-x\","
      "\"message\":1}");
  json_t *echo = next (a);
  g_assert_cmpstr (str (echo, "client_id"), ==, ida);
  json_decref (echo);
  relay_hub_disconnect (f->hub, a->client);
  a->client = NULL;
  assert_nothing (b);
  /* The same name in both channels is two rooms. */
  g_assert_cmpuint (relay_hub_room_count (f->hub), ==, 1);
  g_free (ida);
  g_free (idb);
}

static void
test_too_many_rooms (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  for (int i = 0; i <= RELAY_MAX_ROOMS_PER_CLIENT; i++) {
    char room[16];
    g_snprintf (room, sizeof room, "r%d", i);
    subscribe (f, a, room, i);
  }
  for (int i = 0; i < RELAY_MAX_ROOMS_PER_CLIENT; i++)
    assert_ok (next (a), i);
  assert_error (next (a), RELAY_MAX_ROOMS_PER_CLIENT, "Too many rooms");
}

/* --- authentication (tokens themselves: test_relay_jwt) ------------------- */

static const relay_hub_config with_secret = {
  .max_members = 10, .jwt_secret = "s3cret",
};

static void
test_auth_required (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  subscribe (f, a, "observable-x", 1);
  assert_error (next (a), 1, "Authenticate first");
  say (f, a, "{\"type\":\"authenticate\",\"token\":\"a.b.c\",\"callback\":2}");
  assert_error (next (a), 2, "Token");
  subscribe (f, a, "observable-x", 3);
  assert_error (next (a), 3, "Authenticate first");
  g_assert_cmpuint (relay_hub_room_count (f->hub), ==, 0);
}

static void
test_auth_not_enabled (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  g_free (handshake (f, a, "null"));
  say (f, a, "{\"type\":\"authenticate\",\"token\":\"a.b.c\",\"callback\":2}");
  assert_error (next (a), 2, "not enabled");
  subscribe (f, a, "observable-x", 3);
  assert_ok (next (a), 3);
}

/* --- bad input and limits ------------------------------------------------- */

static void
test_malformed_input (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  say (f, a, "{not json");
  assert_error (next (a), -1, "not valid JSON");
  /* A frame with a usable callback gets the error on that callback. */
  say (f, a, "{\"type\":\"subscribe\",\"room\":7,\"callback\":2}");
  assert_error (next (a), 2, "room");
  /* And the connection still works. */
  g_free (handshake (f, a, "null"));
  g_assert_cmpuint (relay_hub_stats (f->hub)->count[RELAY_STAT_ERR_MALFORMED],
      ==, 2);
}

static void
test_rejected_messages (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  relay_hub_reject (f->hub, a->client, RELAY_REJECT_BINARY, f->now);
  assert_error (next (a), -1, "Binary");
  g_assert_cmpint (a->close_code, ==, 0);
  /* Oversize closes at once, naming the limit, without an error reply. */
  relay_hub_reject (f->hub, a->client, RELAY_REJECT_TOO_LARGE, f->now);
  g_assert_cmpint (a->close_code, ==, RELAY_CLOSE_TOO_BIG);
  g_assert_nonnull (strstr (a->close_reason, "65536-byte limit"));
  assert_nothing (a);

  conn *b = open_conn (f, 1);
  relay_hub_reject (f->hub, b->client, RELAY_REJECT_UNMASKED, f->now);
  g_assert_cmpint (b->close_code, ==, RELAY_CLOSE_PROTOCOL);
  g_assert_nonnull (strstr (b->close_reason, "masked"));
}

/* Control frames and fragments cost like messages, get no replies, and a
 * client that keeps sending them is closed as a flooder. */
static void
test_frames_are_charged (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  relay_hub_charge (f->hub, a->client, 10, f->now);  /* the burst */
  g_assert_cmpint (a->close_code, ==, 0);
  say (f, a, "{\"type\":\"unsubscribe\",\"room\":\"r\"}");
  assert_error (next (a), -1, "rate limit exceeded");
  relay_hub_charge (f->hub, a->client, 100, f->now);
  g_assert_cmpint (a->close_code, ==, RELAY_CLOSE_POLICY);
  g_assert_nonnull (strstr (a->close_reason, "exceeded"));
  assert_nothing (a);
}

/* The rate-limit errors `c` has received. */
static guint
rate_errors (conn *c)
{
  guint n = 0;
  for (GList *l = c->inbox.head; l != NULL; l = l->next) {
    const char *e = str (l->data, "error");
    n += e != NULL && strstr (e, "rate limit") != NULL;
  }
  return n;
}

/* Publishing 12 KB to a room of three sends 36 KB: two tokens more than
 * the message itself. At 5 per second (bursts of 10), eight small
 * publishes pass where eight big ones run out of budget. */
static void
test_bytes_are_charged (fixture *f, gconstpointer d)
{
  conn *c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = open_conn (f, i);
    g_free (handshake (f, c[i], "null"));
    subscribe (f, c[i], "plain", 1);
  }
  char *big = g_strnfill (12000, 'x');
  char *frame = g_strdup_printf ("{\"type\":\"publish\",\"room\":\"plain\","
      "\"message\":\"%s\"}", big);
  /* Each has spent 2 tokens (handshake, subscribe) of its 10. */
  for (int i = 0; i < 8; i++) {
    say (f, c[1], "{\"type\":\"publish\",\"room\":\"plain\",\"message\":1}");
    say (f, c[0], frame);
  }
  g_assert_cmpuint (rate_errors (c[1]), ==, 0);
  g_assert_cmpuint (rate_errors (c[0]), ==, 1); /* one reply per second */
  g_assert_cmpuint (relay_hub_stats (f->hub)->count[RELAY_STAT_PUBLISHED],
      ==, 8 + 3);
  g_free (frame);
  g_free (big);
}

static void
test_flood (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  for (int i = 0; i < 100; i++)
    say (f, a, "{\"type\":\"unsubscribe\",\"room\":\"r\"}");
  /* 10 pass (the burst) before handshake: 10 "handshake first" errors. */
  for (int i = 0; i < 10; i++)
    assert_error (next (a), -1, "handshake");
  /* Then one rate error, and the close. */
  assert_error (next (a), -1, "rate limit exceeded");
  assert_nothing (a);
  g_assert_cmpint (a->close_code, ==, RELAY_CLOSE_POLICY);
  g_assert_nonnull (strstr (a->close_reason, "exceeded"));
  /* Nothing more happens for a closing connection. */
  say (f, a, "{\"type\":\"unsubscribe\",\"room\":\"r\"}");
  assert_nothing (a);
}

/* --- deadlines ------------------------------------------------------------ */

static void
test_handshake_timeout (fixture *f, gconstpointer d)
{
  conn *slow = open_conn (f, 0);
  conn *quick = open_conn (f, 1);
  g_free (handshake (f, quick, "null"));
  relay_hub_tick (f->hub, T0 + 9 * SEC);
  g_assert_cmpint (slow->close_code, ==, 0);
  relay_hub_tick (f->hub, T0 + 10 * SEC);
  g_assert_cmpint (slow->close_code, ==, RELAY_CLOSE_POLICY);
  g_assert_cmpint (quick->close_code, ==, 0);
}

static void
test_idle_and_ping (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  g_free (handshake (f, a, "null"));
  g_free (handshake (f, b, "null"));
  relay_hub_tick (f->hub, T0 + 100 * SEC);
  g_assert_cmpint (a->pings, ==, 1);
  g_assert_cmpint (b->pings, ==, 1);
  relay_hub_tick (f->hub, T0 + 101 * SEC); /* not again so soon */
  g_assert_cmpint (a->pings, ==, 1);
  /* b answers (a pong is enough); a stays silent. */
  relay_hub_heard (f->hub, b->client, T0 + 150 * SEC);
  relay_hub_tick (f->hub, T0 + 300 * SEC);
  g_assert_cmpint (a->close_code, ==, RELAY_CLOSE_NORMAL);
  g_assert_cmpint (b->close_code, ==, 0);
  g_assert_cmpuint (relay_hub_stats (f->hub)->count[RELAY_STAT_CLOSED_IDLE],
      ==, 1);
}

static void
test_close_all (fixture *f, gconstpointer d)
{
  conn *a = open_conn (f, 0);
  conn *b = open_conn (f, 1);
  relay_hub_close_all (f->hub, RELAY_CLOSE_GOING_AWAY, RELAY_REASON_SHUTDOWN);
  g_assert_cmpint (a->close_code, ==, RELAY_CLOSE_GOING_AWAY);
  g_assert_cmpint (b->close_code, ==, RELAY_CLOSE_GOING_AWAY);
  g_assert_cmpuint (relay_hub_client_count (f->hub), ==, 2);
}

static void
test_free_with_clients (void)
{
  /* Freeing the hub with clients still connected leaks nothing. */
  relay_hub_config cfg = { .max_members = 10 };
  relay_hub *hub = relay_hub_new (&cfg, &sink);
  conn c = { 0 };
  c.client = relay_hub_connect (hub, &c, T0);
  const char *hs = "{\"type\":\"handshake\",\"channel\":\"c\",\"version\":2,"
      "\"client_data\":{\"a\":1}}";
  relay_hub_receive (hub, c.client, hs, strlen (hs), T0);
  const char *sub = "{\"type\":\"subscribe\",\"room\":\"observable-r\"}";
  relay_hub_receive (hub, c.client, sub, strlen (sub), T0);
  relay_hub_free (hub);
  g_queue_clear_full (&c.inbox, (GDestroyNotify) json_decref);
}

/* --ordered-ids: ids sort in join order, whatever their random part, so a
 * test picks TempChat's offerer (the greater id) by who joins last. */
static void
test_ordered_ids_sort_in_join_order (fixture *f, gconstpointer d)
{
  char *ids[4];
  for (int i = 0; i < 4; i++) {
    ids[i] = handshake (f, open_conn (f, i), "null");
    g_assert_true (is_client_id (ids[i]));
  }
  for (int i = 1; i < 4; i++)
    g_assert_cmpint (strcmp (ids[i - 1], ids[i]), <, 0);
  /* Still random after the counter. */
  g_assert_cmpstr (ids[0] + 6, !=, ids[1] + 6);
  for (int i = 0; i < 4; i++)
    g_free (ids[i]);
}

static const relay_hub_config ordered = { .max_members = 10,
  .ordered_ids = TRUE };

#define ADD(path, fn) \
  g_test_add ("/relay/hub/" path, fixture, NULL, setup, fn, teardown)
/* For the rate tests: 5 messages per second, bursts of 10. */
static const relay_hub_config rate_5 = { .max_members = 10, .rate = 5 };
#define ADD_RATE_5(path, fn) \
  g_test_add ("/relay/hub/" path, fixture, &rate_5, setup, fn, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("a handshake gets a random 16-character client id",
      test_handshake_gives_an_id);
  g_test_add ("/relay/hub/ordered ids sort in join order", fixture, &ordered,
      setup, test_ordered_ids_sort_in_join_order, teardown);
  ADD ("an unknown channel is refused and the connection stays usable",
      test_unknown_channel);
  ADD ("requests before the handshake are refused",
      test_requests_before_handshake);
  ADD ("a second handshake is refused", test_second_handshake);
  ADD ("subscribers get the member list and others a join event",
      test_members_and_join);
  ADD ("a publish reaches every subscriber including the sender",
      test_publish_fan_out);
  ADD ("every publish gets its own id", test_publish_ids_differ);
  ADD ("publishing to a room one is not in is refused",
      test_publish_needs_subscription);
  ADD ("plain rooms relay messages without member events", test_plain_room);
  ADD ("a full room refuses the next subscriber", test_full_room);
  ADD ("unsubscribing announces the leave and stops delivery",
      test_unsubscribe_announces_leave);
  ADD ("disconnecting announces the leave in every room",
      test_disconnect_announces_leave);
  ADD ("subscribing again is answered and nothing else",
      test_subscribe_again);
  ADD_RATE_5 ("what the relay sends for a client is charged to it",
      test_bytes_are_charged);
  ADD ("rooms of the same name in two channels never meet",
      test_channels_are_apart);
  ADD ("one connection may not be in too many rooms", test_too_many_rooms);
  g_test_add ("/relay/hub/with a JWT secret, rooms need a token", fixture,
      &with_secret, setup, test_auth_required, teardown);
  ADD ("without a JWT secret, authenticate is refused and rooms are open",
      test_auth_not_enabled);
  ADD ("malformed frames get an error and the connection stays usable",
      test_malformed_input);
  ADD ("binary messages get an error; oversized and unmasked ones a close",
      test_rejected_messages);
  ADD_RATE_5 ("control frames and fragments count against the rate",
      test_frames_are_charged);
  ADD_RATE_5 ("a flood gets one rate error then a 1008 close saying exceeded",
      test_flood);
  ADD ("a connection without a handshake is closed after the timeout",
      test_handshake_timeout);
  ADD ("quiet connections are pinged and silent ones closed",
      test_idle_and_ping);
  ADD ("shutdown asks every connection to close", test_close_all);
  g_test_add_func ("/relay/hub/freeing the hub with clients leaks nothing",
      test_free_with_clients);
  return g_test_run ();
}
