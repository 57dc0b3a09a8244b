/* relay_perms.h - a JWT's "permissions" claim: which rooms a client may
 * subscribe and publish to.
 *
 *   {"ROOM_REGEX": {"publish": true|false, "subscribe": true|false}, ...}
 *
 * Regexes are Perl-style (PCRE2, used directly rather than through GRegex
 * because GRegex cannot set a match limit) and unanchored, as ScaleDrone
 * documents ("^main$" matches only "main"). An action on a room is allowed
 * when some pattern that matches the room allows it and none that matches
 * forbids it: {".*": all, "^main-room$": none} is "everything but
 * main-room", as in ScaleDrone's example. An action a pattern does not
 * mention is neither allowed nor forbidden by it.
 *
 * Cost is bounded: at most RELAY_PERMS_MAX patterns of at most
 * RELAY_PERMS_MAX_PATTERN bytes, compiled once per authenticate; room
 * names are at most 256 bytes and a match limit stops runaway
 * backtracking (a match that hits it counts as no match). The hub checks a
 * room once, at subscribe, and remembers the answer.
 */
#ifndef RELAY_PERMS_H
#define RELAY_PERMS_H

#include <jansson.h>
#include <stdbool.h>

#define RELAY_PERMS_MAX 32
#define RELAY_PERMS_MAX_PATTERN 256

typedef struct relay_perms relay_perms;

typedef enum {
  RELAY_PERM_SUBSCRIBE = 1 << 0,
  RELAY_PERM_PUBLISH = 1 << 1,
} relay_perm;

/* Compiles `permissions` (borrowed). NULL if it is not an object of that
 * shape, has too many or too long patterns, or a pattern does not compile. */
relay_perms *relay_perms_new (json_t *permissions);
void relay_perms_free (relay_perms *perms);

/* The actions (relay_perm bits) allowed on `room`. Matching uses scratch
 * space held by `perms`: one caller at a time. */
unsigned relay_perms_for_room (const relay_perms *perms, const char *room);

#endif
