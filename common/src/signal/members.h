/* members.h - who is in the room and which of them is our peer (internal).
 *
 * Pure bookkeeping fed by observable_members / _join / _leave; no I/O, no
 * clock. The rules (TempChat is strictly one-to-one):
 *  - our own id is never a member of the list kept here;
 *  - the chosen peer is the first other member in arrival order, but a
 *    member who arrived when two were already there is busy: it chooses
 *    nobody (the first two are in a call) until one of the two leaves;
 *  - role: we offer when strcmp(my_id, peer_id) > 0 (bytewise), the page's
 *    `isOfferer = myClientId > otherClientId` for the ASCII ids ScaleDrone
 *    hands out;
 *  - a member beyond the peer is reported once as extra and otherwise
 *    ignored; when the peer leaves, the next member becomes the peer.
 * Single-threaded: the owner's thread only.
 */
#ifndef TEMPCHAT_SIGNAL_MEMBERS_H
#define TEMPCHAT_SIGNAL_MEMBERS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
  char *my_id;        /* NULL until the handshake gave us one */
  GPtrArray *others;  /* tc_member_entry*, arrival order, our id excluded */
  unsigned ahead;     /* others that arrived before us */
} tc_members;

/* What one update changed. Both flags are set when the peer left and the
 * next member took its place. */
typedef struct {
  bool peer_left;    /* the previously chosen peer is no longer chosen */
  bool peer_joined;  /* a new peer was chosen: see tc_members_peer() */
  unsigned extra;    /* members beyond the peer, newly seen (report once) */
  bool busy;         /* we just became busy: see tc_members_busy() */
} tc_members_change;

void tc_members_init (tc_members *m);
/* Frees everything; `m` may be re-initialized. NULL-safe. */
void tc_members_clear (tc_members *m);

/* Forgets every member and sets our id (copied; NULL allowed). Used after
 * each handshake: a new connection means a new client id. */
void tc_members_set_self (tc_members *m, const char *my_id);

/* observable_members: the list replaces ours (order kept, duplicates and our
 * own id dropped; the members listed before our id arrived before us, all
 * of them when it is missing). Strings are borrowed. */
tc_members_change tc_members_reset (tc_members *m, char *const *ids, size_t n);
/* observable_member_join / _leave. Unknown leaves and repeated joins change
 * nothing. */
tc_members_change tc_members_join (tc_members *m, const char *id);
tc_members_change tc_members_leave (tc_members *m, const char *id);

/* The chosen peer's id (borrowed), or NULL. */
const char *tc_members_peer (const tc_members *m);
/* True when two members were in the room before us and still are: their
 * call goes on, ours waits (tc_members_peer() is NULL meanwhile). */
bool tc_members_busy (const tc_members *m);
/* Members in the room, us included (1 when alone, 0 before set_self). */
unsigned tc_members_count (const tc_members *m);
/* Our role towards the chosen peer; false without a peer. */
bool tc_members_is_offerer (const tc_members *m);
/* True when a published message from `sender` is for us to handle: it comes
 * from the chosen peer. Our own echo and other members' messages are not. */
bool tc_members_from_peer (const tc_members *m, const char *sender);

#endif
