/* relay_registry.h - rooms and who is in them, in join order.
 *
 * Pure bookkeeping: a room exists while it has members and is forgotten when
 * the last one leaves. Members are opaque pointers (the hub's clients); the
 * registry never dereferences them. Every room holds at most `max_members`.
 *
 * Ownership: the registry copies room names; it does not own members.
 * Threads: single-threaded.
 */
#ifndef RELAY_REGISTRY_H
#define RELAY_REGISTRY_H

#include <glib.h>

typedef struct relay_registry relay_registry;

typedef enum {
  RELAY_JOIN_OK,       /* added as the newest member */
  RELAY_JOIN_ALREADY,  /* was a member already; order unchanged */
  RELAY_JOIN_FULL,     /* the room has max_members; not added */
} relay_join_result;

/* `max_members` must be at least 1. */
relay_registry *relay_registry_new (guint max_members);
/* NULL-safe. Members are not touched. */
void relay_registry_free (relay_registry *reg);

relay_join_result relay_registry_join (relay_registry *reg, const char *room,
    gpointer member);
/* Returns TRUE if `member` was in `room` and is no longer. */
gboolean relay_registry_leave (relay_registry *reg, const char *room,
    gpointer member);
gboolean relay_registry_is_member (const relay_registry *reg,
    const char *room, gconstpointer member);

/* The members of `room`, oldest first, or NULL if the room has none. The
 * array is borrowed and valid until the next join or leave. */
const GPtrArray *relay_registry_members (const relay_registry *reg,
    const char *room);

/* Number of rooms that have at least one member. */
guint relay_registry_room_count (const relay_registry *reg);

#endif
