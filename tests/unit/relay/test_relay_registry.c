/* test_relay_registry.c - who is in which room, in which order. */
#include <glib.h>

#include "relay_registry.h"

/* Members are opaque to the registry; small integers make readable ones. */
#define M(n) GINT_TO_POINTER (n)

static void
assert_members (relay_registry *reg, const char *room, const int *expected,
    guint n)
{
  const GPtrArray *members = relay_registry_members (reg, room);
  if (n == 0) {
    g_assert_null (members);
    return;
  }
  g_assert_nonnull (members);
  g_assert_cmpuint (members->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (GPOINTER_TO_INT (members->pdata[i]), ==, expected[i]);
}

static void
test_join_order (void)
{
  relay_registry *reg = relay_registry_new (10);
  for (int i = 1; i <= 4; i++)
    g_assert_cmpint (relay_registry_join (reg, "r", M (i)), ==, RELAY_JOIN_OK);
  assert_members (reg, "r", (const int[]) { 1, 2, 3, 4 }, 4);
  relay_registry_free (reg);
}

static void
test_leave_keeps_order (void)
{
  relay_registry *reg = relay_registry_new (10);
  for (int i = 1; i <= 4; i++)
    relay_registry_join (reg, "r", M (i));
  g_assert_true (relay_registry_leave (reg, "r", M (2)));
  assert_members (reg, "r", (const int[]) { 1, 3, 4 }, 3);
  /* Rejoining puts a member at the end, like a new arrival. */
  relay_registry_join (reg, "r", M (2));
  assert_members (reg, "r", (const int[]) { 1, 3, 4, 2 }, 4);
  relay_registry_free (reg);
}

static void
test_join_twice (void)
{
  relay_registry *reg = relay_registry_new (10);
  relay_registry_join (reg, "r", M (1));
  relay_registry_join (reg, "r", M (2));
  g_assert_cmpint (relay_registry_join (reg, "r", M (1)), ==,
      RELAY_JOIN_ALREADY);
  assert_members (reg, "r", (const int[]) { 1, 2 }, 2);
  relay_registry_free (reg);
}

static void
test_full_room (void)
{
  relay_registry *reg = relay_registry_new (2);
  g_assert_cmpint (relay_registry_join (reg, "r", M (1)), ==, RELAY_JOIN_OK);
  g_assert_cmpint (relay_registry_join (reg, "r", M (2)), ==, RELAY_JOIN_OK);
  g_assert_cmpint (relay_registry_join (reg, "r", M (3)), ==, RELAY_JOIN_FULL);
  g_assert_false (relay_registry_is_member (reg, "r", M (3)));
  /* A member already inside is not refused for the room being full. */
  g_assert_cmpint (relay_registry_join (reg, "r", M (2)), ==,
      RELAY_JOIN_ALREADY);
  /* Once someone leaves there is a place again. */
  relay_registry_leave (reg, "r", M (1));
  g_assert_cmpint (relay_registry_join (reg, "r", M (3)), ==, RELAY_JOIN_OK);
  assert_members (reg, "r", (const int[]) { 2, 3 }, 2);
  relay_registry_free (reg);
}

static void
test_rooms_are_separate (void)
{
  relay_registry *reg = relay_registry_new (1);
  relay_registry_join (reg, "a", M (1));
  g_assert_cmpint (relay_registry_join (reg, "b", M (1)), ==, RELAY_JOIN_OK);
  g_assert_cmpint (relay_registry_join (reg, "b", M (2)), ==, RELAY_JOIN_FULL);
  g_assert_cmpuint (relay_registry_room_count (reg), ==, 2);
  g_assert_true (relay_registry_is_member (reg, "a", M (1)));
  g_assert_false (relay_registry_is_member (reg, "a", M (2)));
  relay_registry_free (reg);
}

static void
test_empty_room_is_forgotten (void)
{
  relay_registry *reg = relay_registry_new (10);
  relay_registry_join (reg, "r", M (1));
  g_assert_cmpuint (relay_registry_room_count (reg), ==, 1);
  g_assert_true (relay_registry_leave (reg, "r", M (1)));
  g_assert_cmpuint (relay_registry_room_count (reg), ==, 0);
  assert_members (reg, "r", NULL, 0);
  relay_registry_free (reg);
}

static void
test_leave_unknown (void)
{
  relay_registry *reg = relay_registry_new (10);
  g_assert_false (relay_registry_leave (reg, "nowhere", M (1)));
  relay_registry_join (reg, "r", M (1));
  g_assert_false (relay_registry_leave (reg, "r", M (2)));
  assert_members (reg, "r", (const int[]) { 1 }, 1);
  relay_registry_free (reg);
  relay_registry_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/registry/members are listed in join order",
      test_join_order);
  g_test_add_func ("/relay/registry/leaving keeps the others in order",
      test_leave_keeps_order);
  g_test_add_func ("/relay/registry/joining twice changes nothing",
      test_join_twice);
  g_test_add_func ("/relay/registry/a full room refuses the next member",
      test_full_room);
  g_test_add_func ("/relay/registry/rooms do not share members or limits",
      test_rooms_are_separate);
  g_test_add_func ("/relay/registry/a room is forgotten when it empties",
      test_empty_room_is_forgotten);
  g_test_add_func ("/relay/registry/leaving where one is not is harmless",
      test_leave_unknown);
  return g_test_run ();
}
