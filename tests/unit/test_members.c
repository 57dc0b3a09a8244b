/* test_members.c - choosing the one peer and our role, step by step.
 *
 * Each scenario is a script: an update, then what it must report and the
 * state it must leave. Ids look like ScaleDrone's 16-character client ids.
 */
#include <glib.h>
#include <string.h>

#include "signal/members.h"

#define ME "Mq7dLx2pRt9vKw4z"  /* sorts after A and B below ... */
#define A "Ak3nPq8sVx1yZb6c"   /* ... so we offer to these ... */
#define B "Bf5hJk2mNp7rTv9w"
#define Z "Zr1tYu6iOp3aSd8f"   /* ... and answer this one. */

typedef enum { SELF, RESET, JOIN, LEAVE, END } op;

typedef struct {
  op op;
  const char *arg;     /* id, or space-separated ids for RESET */
  bool peer_left;
  bool peer_joined;
  unsigned extra;
  const char *peer;    /* expected chosen peer afterwards */
  unsigned count;      /* expected members, us included */
  bool offerer;
} step;

typedef struct {
  const char *name;
  step steps[10];
} scenario;

#define END_STEP {END, NULL, false, false, 0, NULL, 0, false}

static const scenario scenarios[] = {
  {"alone in the room there is no peer", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME, false, false, 0, NULL, 1, false},
    END_STEP}},
  {"the member list names the peer and our own id is skipped", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, A " " ME, false, true, 0, A, 2, true},
    END_STEP}},
  {"the role is decided by comparing ids bytewise", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " Z, false, true, 0, Z, 2, false},
    END_STEP}},
  {"a member joining after us becomes the peer", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME, false, false, 0, NULL, 1, false},
    {JOIN, B, false, true, 0, B, 2, true},
    END_STEP}},
  {"a third member is reported once and ignored", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A, false, true, 0, A, 2, true},
    {JOIN, Z, false, false, 1, A, 3, true},
    {RESET, ME " " A " " Z, false, false, 0, A, 3, true},
    {JOIN, Z, false, false, 0, A, 3, true},
    END_STEP}},
  {"a list with two others reports the extra at once", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, Z " " ME " " A, false, true, 1, Z, 3, false},
    END_STEP}},
  {"when the peer leaves the next member becomes the peer", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A " " Z, false, true, 1, A, 3, true},
    {LEAVE, A, true, true, 0, Z, 2, false},
    END_STEP}},
  {"when the peer leaves alone the room is empty again", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A, false, true, 0, A, 2, true},
    {LEAVE, A, true, false, 0, NULL, 1, false},
    {JOIN, B, false, true, 0, B, 2, true},
    END_STEP}},
  {"an extra member leaving changes nothing we report", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A " " Z, false, true, 1, A, 3, true},
    {LEAVE, Z, false, false, 0, A, 2, true},
    END_STEP}},
  {"unknown leaves, repeated joins and our own join are ignored", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A, false, true, 0, A, 2, true},
    {LEAVE, B, false, false, 0, A, 2, true},
    {JOIN, A, false, false, 0, A, 2, true},
    {JOIN, ME, false, false, 0, A, 2, true},
    END_STEP}},
  {"duplicates in a member list count once", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, A " " A " " ME, false, true, 0, A, 2, true},
    END_STEP}},
  {"a new client id after reconnecting forgets the old room", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A, false, true, 0, A, 2, true},
    {SELF, Z, false, false, 0, NULL, 1, false},
    {RESET, A " " Z, false, true, 0, A, 2, true},
    END_STEP}},
  {"a refreshed list without the peer reports it gone", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, ME " " A, false, true, 0, A, 2, true},
    {RESET, ME " " B, true, true, 0, B, 2, true},
    {RESET, ME, true, false, 0, NULL, 1, false},
    END_STEP}},
  {"a member arriving after two others is busy until one leaves", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, A " " Z " " ME, false, false, 0, NULL, 3, false},
    {JOIN, B, false, false, 0, NULL, 4, false},
    {LEAVE, B, false, false, 0, NULL, 3, false},
    {LEAVE, A, false, true, 0, Z, 2, false},
    END_STEP}},
  {"a list without our id puts us last: busy behind two", {
    {SELF, ME, false, false, 0, NULL, 1, false},
    {RESET, A " " Z, false, false, 0, NULL, 3, false},
    {RESET, A " " Z " " ME, false, false, 0, NULL, 3, false},
    {LEAVE, Z, false, true, 0, A, 2, true},
    END_STEP}},
};

/* The steps that make us busy (tc_members_change.busy); every other step
 * must not. */
static const struct {
  const char *scenario;
  int step;
} busy_steps[] = {
  {"a member arriving after two others is busy until one leaves", 1},
  {"a list without our id puts us last: busy behind two", 1},
};

static bool
step_makes_busy (const scenario *sc, int index)
{
  for (size_t i = 0; i < G_N_ELEMENTS (busy_steps); i++)
    if (strcmp (busy_steps[i].scenario, sc->name) == 0
        && busy_steps[i].step == index)
      return true;
  return false;
}

static tc_members_change
apply (tc_members *m, const step *s)
{
  tc_members_change none = {0};
  switch (s->op) {
    case SELF:
      tc_members_set_self (m, s->arg);
      return none;
    case RESET: {
      char **ids = g_strsplit (s->arg, " ", -1);
      tc_members_change ch = tc_members_reset (m, ids, g_strv_length (ids));
      g_strfreev (ids);
      return ch;
    }
    case JOIN:
      return tc_members_join (m, s->arg);
    case LEAVE:
      return tc_members_leave (m, s->arg);
    case END:
      break;
  }
  return none;
}

static void
test_scenario (gconstpointer data)
{
  const scenario *sc = data;
  tc_members m;
  tc_members_init (&m);
  for (const step *s = sc->steps; s->op != END; s++) {
    tc_members_change ch = apply (&m, s);
    if (s->op == SELF && s == sc->steps)
      continue;  /* the opening step only names us */
    g_test_message ("step %d", (int) (s - sc->steps));
    g_assert_cmpint (ch.peer_left, ==, s->peer_left);
    g_assert_cmpint (ch.peer_joined, ==, s->peer_joined);
    g_assert_cmpuint (ch.extra, ==, s->extra);
    g_assert_cmpint (ch.busy, ==, step_makes_busy (sc, (int) (s - sc->steps)));
    g_assert_cmpstr (tc_members_peer (&m), ==, s->peer);
    g_assert_cmpuint (tc_members_count (&m), ==, s->count);
    g_assert_cmpint (tc_members_is_offerer (&m), ==, s->offerer);
  }
  tc_members_clear (&m);
}

static void
test_roles_are_opposite (void)
{
  /* Both sides compute independently and must disagree, in either join
   * order, for ids that differ only in one byte or share a prefix. */
  static const char *const pairs[][2] = {
    {ME, A}, {A, ME}, {"abc", "abd"}, {"abc", "abcd"}, {"B", "a"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (pairs); i++) {
    tc_members x, y;
    tc_members_init (&x);
    tc_members_init (&y);
    tc_members_set_self (&x, pairs[i][0]);
    tc_members_set_self (&y, pairs[i][1]);
    tc_members_join (&x, pairs[i][1]);
    tc_members_join (&y, pairs[i][0]);
    g_assert_cmpint (tc_members_is_offerer (&x), !=,
        tc_members_is_offerer (&y));
    tc_members_clear (&x);
    tc_members_clear (&y);
  }
}

static void
test_messages_from_peer_only (void)
{
  tc_members m;
  tc_members_init (&m);
  tc_members_set_self (&m, ME);
  g_assert_false (tc_members_from_peer (&m, A));  /* no peer yet */
  char *ids[] = {ME, A, Z};
  tc_members_reset (&m, ids, 3);
  g_assert_true (tc_members_from_peer (&m, A));
  g_assert_false (tc_members_from_peer (&m, ME));  /* our own echo */
  g_assert_false (tc_members_from_peer (&m, Z));   /* the extra member */
  g_assert_false (tc_members_from_peer (&m, NULL)); /* REST API publish */
  tc_members_clear (&m);
  tc_members_clear (NULL);
}

static void
test_before_handshake (void)
{
  tc_members m;
  tc_members_init (&m);
  g_assert_cmpuint (tc_members_count (&m), ==, 0);
  g_assert_null (tc_members_peer (&m));
  g_assert_false (tc_members_is_offerer (&m));
  tc_members_clear (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (scenarios); i++) {
    char *path = g_strdup_printf ("/members/%s", scenarios[i].name);
    g_test_add_data_func (path, &scenarios[i], test_scenario);
    g_free (path);
  }
  g_test_add_func ("/members/two clients always take opposite roles",
      test_roles_are_opposite);
  g_test_add_func ("/members/only the chosen peer's messages are accepted",
      test_messages_from_peer_only);
  g_test_add_func ("/members/before the handshake nobody is counted",
      test_before_handshake);
  return g_test_run ();
}
