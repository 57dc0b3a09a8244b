/* relay_registry.c - room membership (see relay_registry.h).
 *
 * Rooms hold at most a handful of members (default 10), so a member list is
 * a plain array searched linearly: join order is the array order for free. */
#include "relay_registry.h"

struct relay_registry {
  GHashTable *rooms; /* room name (owned) -> GPtrArray of members */
  guint max_members;
};

relay_registry *
relay_registry_new (guint max_members)
{
  g_return_val_if_fail (max_members >= 1, NULL);
  relay_registry *reg = g_new0 (relay_registry, 1);
  reg->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_ptr_array_unref);
  reg->max_members = max_members;
  return reg;
}

void
relay_registry_free (relay_registry *reg)
{
  if (reg == NULL)
    return;
  g_hash_table_destroy (reg->rooms);
  g_free (reg);
}

relay_join_result
relay_registry_join (relay_registry *reg, const char *room, gpointer member)
{
  GPtrArray *members = g_hash_table_lookup (reg->rooms, room);
  if (members == NULL) {
    members = g_ptr_array_new ();
    g_hash_table_insert (reg->rooms, g_strdup (room), members);
  }
  if (g_ptr_array_find (members, member, NULL))
    return RELAY_JOIN_ALREADY;
  if (members->len >= reg->max_members)
    return RELAY_JOIN_FULL;
  g_ptr_array_add (members, member);
  return RELAY_JOIN_OK;
}

gboolean
relay_registry_leave (relay_registry *reg, const char *room, gpointer member)
{
  GPtrArray *members = g_hash_table_lookup (reg->rooms, room);
  if (members == NULL)
    return FALSE;
  /* Not the _fast variant: the order of the others must not change. */
  gboolean removed = g_ptr_array_remove (members, member);
  if (members->len == 0)
    g_hash_table_remove (reg->rooms, room);
  return removed;
}

gboolean
relay_registry_is_member (const relay_registry *reg, const char *room,
    gconstpointer member)
{
  GPtrArray *members = g_hash_table_lookup (reg->rooms, room);
  return members != NULL && g_ptr_array_find (members, member, NULL);
}

const GPtrArray *
relay_registry_members (const relay_registry *reg, const char *room)
{
  return g_hash_table_lookup (reg->rooms, room);
}

guint
relay_registry_room_count (const relay_registry *reg)
{
  return g_hash_table_size (reg->rooms);
}
