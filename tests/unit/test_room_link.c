/* test_room_link.c - what users paste -> ScaleDrone room names. */
#include <glib.h>
#include <string.h>

#include "tempchat/tc_room.h"

typedef struct {
  const char *name;
  const char *input;
  tc_status status;
  const char *room;  /* expected on TC_OK */
} room_case;

static const room_case cases[] = {
  {"a full https link uses its fragment",
    "https://teams.securityops.co/#a1b2c3d4e5", TC_OK, "observable-a1b2c3d4e5"},
  {"a link with a path and query keeps only the fragment",
    "https://example.org/call/index.html?lang=en#Room_42-x", TC_OK,
    "observable-Room_42-x"},
  {"a plain http link is accepted", "http://localhost:8080/#testroom", TC_OK,
    "observable-testroom"},
  {"the scheme is case-insensitive", "HTTPS://Example.org/#abc", TC_OK,
    "observable-abc"},
  {"a bare hash with its mark", "#abc123", TC_OK, "observable-abc123"},
  {"a bare hash without its mark", "abc123", TC_OK, "observable-abc123"},
  {"surrounding whitespace and a newline from copy-paste are ignored",
    "  \thttps://host/#abc123\r\n", TC_OK, "observable-abc123"},
  {"a one-character hash is enough", "#x", TC_OK, "observable-x"},
  {"an empty string is not a room", "", TC_ERR_BAD_ROOM, NULL},
  {"only whitespace is not a room", " \n ", TC_ERR_BAD_ROOM, NULL},
  {"a lone hash mark is not a room", "#", TC_ERR_BAD_ROOM, NULL},
  {"a link without a fragment is not a room", "https://host/path",
    TC_ERR_BAD_ROOM, NULL},
  {"a link with an empty fragment is not a room", "https://host/#",
    TC_ERR_BAD_ROOM, NULL},
  {"a second hash mark is not a hash character", "##abc", TC_ERR_BAD_ROOM,
    NULL},
  {"spaces inside the hash are refused", "#abc def", TC_ERR_BAD_ROOM, NULL},
  {"percent-escapes are refused", "#abc%20def", TC_ERR_BAD_ROOM, NULL},
  {"non-ASCII letters are refused", "#caf\xc3\xa9", TC_ERR_BAD_ROOM, NULL},
  {"a fragment with a query-like tail is refused", "https://h/#abc?x=1",
    TC_ERR_BAD_ROOM, NULL},
  {"text before the hash that is not a link is refused",
    "my room#abc", TC_ERR_BAD_ROOM, NULL},
  {"another scheme before the hash is refused", "ftp://host/#abc",
    TC_ERR_BAD_ROOM, NULL},
  {"a link with a space in it is refused", "https://ho st/#abc",
    TC_ERR_BAD_ROOM, NULL},
};

static void
test_case (gconstpointer data)
{
  const room_case *c = data;
  char room[TC_ROOM_NAME_SIZE];
  memset (room, 'X', sizeof room);
  tc_status st = tc_room_from_link (c->input, room, sizeof room);
  g_assert_cmpstr (tc_status_name (st), ==, tc_status_name (c->status));
  g_assert_cmpstr (room, ==, c->room != NULL ? c->room : "");
}

static void
test_longest_hash (void)
{
  char input[TC_ROOM_HASH_MAX + 2];
  memset (input, 'a', TC_ROOM_HASH_MAX);
  input[TC_ROOM_HASH_MAX] = '\0';
  char room[TC_ROOM_NAME_SIZE];
  g_assert_cmpint (tc_room_from_link (input, room, sizeof room), ==, TC_OK);
  g_assert_cmpuint (strlen (room), ==, strlen ("observable-") + TC_ROOM_HASH_MAX);

  input[TC_ROOM_HASH_MAX] = 'a';
  input[TC_ROOM_HASH_MAX + 1] = '\0';
  g_assert_cmpint (tc_room_from_link (input, room, sizeof room), ==,
      TC_ERR_BAD_ROOM);
  g_assert_cmpstr (room, ==, "");
}

static void
test_small_buffer (void)
{
  char room[12];  /* "observable-" fits, the hash does not */
  g_assert_cmpint (tc_room_from_link ("#abc", room, sizeof room), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpstr (room, ==, "");
  g_assert_cmpint (tc_room_from_link (NULL, room, sizeof room), ==,
      TC_ERR_INVALID_ARG);
  g_assert_cmpint (tc_room_from_link ("#abc", NULL, 0), ==, TC_ERR_INVALID_ARG);
}

static void
test_bad_room_sentence (void)
{
  /* The sentence is what the UI shows: it must say what was expected. */
  g_assert_nonnull (strstr (tc_status_str (TC_ERR_BAD_ROOM), "#abc123"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = g_strdup_printf ("/room_link/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_case);
    g_free (path);
  }
  g_test_add_func ("/room_link/a hash of the maximum length fits, one more does not",
      test_longest_hash);
  g_test_add_func ("/room_link/a buffer too small or missing arguments are refused",
      test_small_buffer);
  g_test_add_func ("/room_link/the bad-room sentence shows an example",
      test_bad_room_sentence);
  return g_test_run ();
}
