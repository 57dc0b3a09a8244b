/* members.c - the room's member list and the choice of one peer. */
#include "signal/members.h"

#include <string.h>

typedef struct {
  char *id;
  bool reported_extra;  /* an EXTRA_MEMBER event already named this member */
} tc_member_entry;

static void
entry_free (gpointer p)
{
  tc_member_entry *e = p;
  g_free (e->id);
  g_free (e);
}

void
tc_members_init (tc_members *m)
{
  m->my_id = NULL;
  m->others = g_ptr_array_new_with_free_func (entry_free);
  m->ahead = 0;
}

void
tc_members_clear (tc_members *m)
{
  if (m == NULL)
    return;
  g_free (m->my_id);
  m->my_id = NULL;
  if (m->others != NULL)
    g_ptr_array_unref (m->others);
  m->others = NULL;
}

void
tc_members_set_self (tc_members *m, const char *my_id)
{
  g_free (m->my_id);
  m->my_id = g_strdup (my_id);
  g_ptr_array_set_size (m->others, 0);
  m->ahead = 0;
}

static tc_member_entry *
entry_at (const tc_members *m, guint i)
{
  return g_ptr_array_index (m->others, i);
}

static int
find (const tc_members *m, const char *id)
{
  for (guint i = 0; i < m->others->len; i++)
    if (strcmp (entry_at (m, i)->id, id) == 0)
      return (int) i;
  return -1;
}

bool
tc_members_busy (const tc_members *m)
{
  return m->ahead >= 2;
}

const char *
tc_members_peer (const tc_members *m)
{
  return m->others->len > 0 && !tc_members_busy (m) ? entry_at (m, 0)->id
      : NULL;
}

unsigned
tc_members_count (const tc_members *m)
{
  return m->my_id != NULL ? m->others->len + 1 : 0;
}

bool
tc_members_is_offerer (const tc_members *m)
{
  const char *peer = tc_members_peer (m);
  /* strcmp compares as unsigned char: the bytewise order the page uses for
   * ASCII ids. */
  return peer != NULL && m->my_id != NULL && strcmp (m->my_id, peer) > 0;
}

bool
tc_members_from_peer (const tc_members *m, const char *sender)
{
  const char *peer = tc_members_peer (m);
  return sender != NULL && peer != NULL && strcmp (sender, peer) == 0;
}

static bool
is_self (const tc_members *m, const char *id)
{
  return m->my_id != NULL && strcmp (m->my_id, id) == 0;
}

static void
append (tc_members *m, const char *id, bool reported_extra)
{
  tc_member_entry *e = g_new0 (tc_member_entry, 1);
  e->id = g_strdup (id);
  e->reported_extra = reported_extra;
  g_ptr_array_add (m->others, e);
}

/* Compares the peer before and after an update, and marks every member past
 * the peer as reported, counting those not reported before. A member that
 * becomes the peer is announced as the peer, not as an extra. */
static tc_members_change
summarize (tc_members *m, const char *old_peer, bool was_busy)
{
  tc_members_change ch = {0};
  const char *peer = tc_members_peer (m);
  bool same = old_peer != NULL && peer != NULL && strcmp (old_peer, peer) == 0;
  ch.peer_left = old_peer != NULL && !same;
  ch.peer_joined = peer != NULL && !same;
  ch.busy = tc_members_busy (m) && !was_busy;
  /* A busy member is the extra one itself: the others are no extras. */
  for (guint i = 1; !tc_members_busy (m) && i < m->others->len; i++) {
    tc_member_entry *e = entry_at (m, i);
    if (!e->reported_extra)
      ch.extra++;
    e->reported_extra = true;
  }
  return ch;
}

tc_members_change
tc_members_reset (tc_members *m, char *const *ids, size_t n)
{
  char *old_peer = g_strdup (tc_members_peer (m));
  bool was_busy = tc_members_busy (m), self_seen = false;
  GPtrArray *old = m->others;
  m->others = g_ptr_array_new_with_free_func (entry_free);
  m->ahead = 0;
  for (size_t i = 0; i < n; i++) {
    if (ids[i] != NULL && is_self (m, ids[i]))
      self_seen = true;
    if (ids[i] == NULL || is_self (m, ids[i]) || find (m, ids[i]) >= 0)
      continue;
    if (!self_seen)
      m->ahead++;
    /* Keep "already reported" across list refreshes so an extra member is
     * not announced again. */
    bool reported = false;
    for (guint j = 0; j < old->len; j++) {
      tc_member_entry *e = g_ptr_array_index (old, j);
      if (strcmp (e->id, ids[i]) == 0)
        reported = e->reported_extra;
    }
    append (m, ids[i], reported);
  }
  g_ptr_array_unref (old);
  tc_members_change ch = summarize (m, old_peer, was_busy);
  g_free (old_peer);
  return ch;
}

tc_members_change
tc_members_join (tc_members *m, const char *id)
{
  tc_members_change none = {0};
  if (id == NULL || is_self (m, id) || find (m, id) >= 0)
    return none;
  char *old_peer = g_strdup (tc_members_peer (m));
  bool was_busy = tc_members_busy (m);
  append (m, id, false);
  tc_members_change ch = summarize (m, old_peer, was_busy);
  g_free (old_peer);
  return ch;
}

tc_members_change
tc_members_leave (tc_members *m, const char *id)
{
  tc_members_change none = {0};
  int i = id != NULL ? find (m, id) : -1;
  if (i < 0)
    return none;
  char *old_peer = g_strdup (tc_members_peer (m));
  bool was_busy = tc_members_busy (m);
  g_ptr_array_remove_index (m->others, (guint) i);
  if ((unsigned) i < m->ahead)
    m->ahead--;
  tc_members_change ch = summarize (m, old_peer, was_busy);
  g_free (old_peer);
  return ch;
}
