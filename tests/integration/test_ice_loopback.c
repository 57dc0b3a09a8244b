/* test_ice_loopback.c - two tc_ice agents in one GMainContext, on 127.0.0.1
 * only: trickle in both orders, datagrams both ways, relay-only through a
 * real coturn (UDP and TCP to the server, and TLS to a TLS-only coturn
 * with a throwaway self-signed certificate), a refused TURN secret, an
 * untrusted TURN certificate, ICE restart, and ".local" candidates
 * looked up by our own multicast DNS against a responder in the test.
 *
 * The process runs in a network namespace of its own (mdns_responder.h),
 * so the mDNS queries reach nobody else and nothing depends on the host's
 * resolver.
 *
 * Every wait iterates the context until a condition holds or a deadline
 * passes; nothing sleeps a fixed time. coturn is started per test on a free
 * loopback port and killed in teardown.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* unshare() in mdns_responder.h */
#endif
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mdns_responder.h"
#include "net/ice_priv.h"
#include "net/mdns_query.h"
#include "tempchat/tc_ice.h"
#include "test_cert.h"

#define WAIT_MS 15000
#define TURN_SECRET "loopback-secret"

/* ---- waiting -------------------------------------------------------------- */

typedef gboolean (*cond_fn) (gpointer data);

static gboolean
deadline_hit (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates `ctx` until cond(data) or `ms` elapsed; returns cond(data). */
static gboolean
wait_for (GMainContext *ctx, cond_fn cond, gpointer data, guint ms)
{
  gboolean expired = FALSE;
  GSource *timer = g_timeout_source_new (ms);
  g_source_set_callback (timer, deadline_hit, &expired, NULL);
  g_source_attach (timer, ctx);
  while (!cond (data) && !expired)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return cond (data);
}

/* ---- one peer --------------------------------------------------------------- */

typedef struct peer peer;
struct peer {
  const char *name;
  tc_ice *ice;
  peer *other;
  gboolean forward;          /* trickle straight to `other` */
  const char *host_name;     /* forward with this name for 127.0.0.1 */
  GPtrArray *candidates;     /* local candidates not forwarded yet */
  GPtrArray *all_candidates; /* every local candidate seen */
  gboolean gathered;
  tc_ice_state state;
  tc_ice_failure why;
  GArray *states;            /* tc_ice_state history */
  GPtrArray *rx;             /* GBytes */
  guint pair_events;
  tc_ice_pair_info pair;
  gboolean free_when_up;     /* tc_ice_free() from on_state_changed */
  gboolean free_on_datagram; /* tc_ice_free() from on_datagram */
};

/* As a page hiding its address behind an mDNS name: the peer gets the
 * name only. */
static void
forward_named (peer *p, const char *cand)
{
  gchar **parts = g_strsplit (cand, " ", -1);
  g_assert_cmpuint (g_strv_length (parts), >, 5);
  g_assert_cmpstr (parts[4], ==, "127.0.0.1");
  g_free (parts[4]);
  parts[4] = g_strdup (p->host_name);
  gchar *named = g_strjoinv (" ", parts);
  g_assert_cmpint (tc_ice_add_remote_candidate (p->other->ice, named), ==,
      TC_OK);
  g_free (named);
  g_strfreev (parts);
}

static void
on_candidate (void *data, const char *cand)
{
  peer *p = data;
  g_assert_true (g_str_has_prefix (cand, "candidate:"));
  g_ptr_array_add (p->all_candidates, g_strdup (cand));
  if (p->forward && p->other->ice != NULL && p->host_name != NULL)
    forward_named (p, cand);
  else if (p->forward && p->other->ice != NULL)
    g_assert_cmpint (tc_ice_add_remote_candidate (p->other->ice, cand), ==, TC_OK);
  else
    g_ptr_array_add (p->candidates, g_strdup (cand));
}

static void
on_gathered (void *data)
{
  peer *p = data;
  p->gathered = TRUE;
  if (p->forward && p->other->ice != NULL)
    g_assert_cmpint (tc_ice_end_of_remote_candidates (p->other->ice,
        tc_ice_get_local_ufrag (p->ice)), ==, TC_OK);
}

static void
on_state (void *data, tc_ice_state st, tc_ice_failure why)
{
  peer *p = data;
  g_test_message ("%s: %s%s%s", p->name, tc_ice_state_str (st),
      why ? " - " : "", why ? tc_ice_failure_str (why) : "");
  p->state = st;
  p->why = why;
  g_array_append_val (p->states, st);
  if (p->free_when_up && (st == TC_ICE_STATE_CONNECTED
          || st == TC_ICE_STATE_COMPLETED)) {
    tc_ice_free (p->ice);
    p->ice = NULL;
  }
}

static void
on_datagram (void *data, const uint8_t *buf, size_t len)
{
  peer *p = data;
  g_ptr_array_add (p->rx, g_bytes_new (buf, len));
  if (p->free_on_datagram) {
    tc_ice_free (p->ice);
    p->ice = NULL;
  }
}

static void
on_pair (void *data, const tc_ice_pair_info *pair)
{
  peer *p = data;
  p->pair = *pair;
  p->pair_events++;
}

static const char *const loopback[] = { "127.0.0.1", NULL };

static void
peer_init (peer *p, const char *name, GMainContext *ctx, tc_ice_config *cfg)
{
  memset (p, 0, sizeof *p);
  p->name = name;
  p->candidates = g_ptr_array_new_with_free_func (g_free);
  p->all_candidates = g_ptr_array_new_with_free_func (g_free);
  p->states = g_array_new (FALSE, FALSE, sizeof (tc_ice_state));
  p->rx = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  tc_ice_callbacks cb = {
    .on_local_candidate = on_candidate,
    .on_gathering_done = on_gathered,
    .on_state_changed = on_state,
    .on_datagram = on_datagram,
    .on_selected_pair = on_pair,
    .user_data = p,
  };
  cfg->local_addresses = loopback;
  g_assert_cmpint (tc_ice_new (ctx, cfg, &cb, &p->ice), ==, TC_OK);
  g_assert_nonnull (tc_ice_get_local_ufrag (p->ice));
  g_assert_nonnull (tc_ice_get_local_pwd (p->ice));
}

static void
peer_clear (peer *p)
{
  tc_ice_free (p->ice);
  g_ptr_array_unref (p->candidates);
  g_ptr_array_unref (p->all_candidates);
  g_array_unref (p->states);
  g_ptr_array_unref (p->rx);
}

static void
pair_up (peer *a, peer *b)
{
  a->other = b;
  b->other = a;
}

static void
give_credentials (peer *from, peer *to)
{
  g_assert_cmpint (tc_ice_set_remote_credentials (to->ice,
      tc_ice_get_local_ufrag (from->ice), tc_ice_get_local_pwd (from->ice)),
      ==, TC_OK);
}

/* Hands over what `from` gathered while not forwarding. */
static void
give_candidates (peer *from, peer *to)
{
  for (guint i = 0; i < from->candidates->len; i++)
    g_assert_cmpint (tc_ice_add_remote_candidate (to->ice,
        from->candidates->pdata[i]), ==, TC_OK);
  g_ptr_array_set_size (from->candidates, 0);
  if (from->gathered)
    g_assert_cmpint (tc_ice_end_of_remote_candidates (to->ice, NULL), ==, TC_OK);
}

static gboolean
is_up (const peer *p)
{
  return p->state == TC_ICE_STATE_CONNECTED
      || p->state == TC_ICE_STATE_COMPLETED;
}

static gboolean
both_up (gpointer data)
{
  peer *a = data;
  return is_up (a) && is_up (a->other) && a->pair_events > 0
      && a->other->pair_events > 0;
}

static gboolean
gathered (gpointer data)
{
  return ((peer *) data)->gathered;
}

static gboolean
both_gathered (gpointer data)
{
  peer *a = data;
  return a->gathered && a->other->gathered;
}

static gboolean
saw_state (const peer *p, tc_ice_state st)
{
  for (guint i = 0; i < p->states->len; i++)
    if (g_array_index (p->states, tc_ice_state, i) == st)
      return TRUE;
  return FALSE;
}

/* ---- datagrams both ways -------------------------------------------------- */

typedef struct {
  peer *p;
  guint want;
} rx_wait;

static gboolean
received (gpointer data)
{
  rx_wait *w = data;
  return w->p->rx->len >= w->want;
}

/* Sends payloads of several sizes from `from` to `to` and checks they arrive
 * byte for byte, in order. */
static void
check_datagrams (GMainContext *ctx, peer *from, peer *to)
{
  static const gsize sizes[] = { 1, 13, 172, 1200, 1500, 9000 };
  GPtrArray *sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint base = to->rx->len;
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint8 *buf = g_malloc (sizes[i]);
    for (gsize k = 0; k < sizes[i]; k++)
      buf[k] = (guint8) g_random_int ();
    buf[0] = 0x80;  /* looks like RTP: never taken for STUN */
    g_assert_cmpint (tc_ice_send (from->ice, buf, sizes[i]), ==, TC_OK);
    g_ptr_array_add (sent, g_bytes_new_take (buf, sizes[i]));
  }
  rx_wait w = { to, base + sent->len };
  g_assert_true (wait_for (ctx, received, &w, WAIT_MS));
  for (guint i = 0; i < sent->len; i++)
    g_assert_true (g_bytes_equal (sent->pdata[i], to->rx->pdata[base + i]));
  g_ptr_array_unref (sent);
}

/* ---- (a) loopback, host candidates ---------------------------------------- */

typedef struct {
  GMainContext *ctx;
  peer a, b;
} two_peers;

static void
two_init (two_peers *t, tc_ice_config *ca, tc_ice_config *cb)
{
  t->ctx = g_main_context_new ();
  ca->role = TC_ICE_ROLE_CONTROLLING;
  cb->role = TC_ICE_ROLE_CONTROLLED;
  peer_init (&t->a, "A", t->ctx, ca);
  peer_init (&t->b, "B", t->ctx, cb);
  pair_up (&t->a, &t->b);
}

static void
two_clear (two_peers *t)
{
  peer_clear (&t->a);
  peer_clear (&t->b);
  /* Let sources that libnice left behind run down before the context goes. */
  for (int i = 0; i < 1000 && g_main_context_iteration (t->ctx, FALSE); i++)
    ;
  g_main_context_unref (t->ctx);
}

/* Two agents with default configs that trickle to each other as they
 * gather, credentials exchanged first. */
static void
two_start_trickling (two_peers *t)
{
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (t, &ca, &cb);
  t->a.forward = t->b.forward = TRUE;
  give_credentials (&t->a, &t->b);
  give_credentials (&t->b, &t->a);
  g_assert_cmpint (tc_ice_gather (t->a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t->b.ice), ==, TC_OK);
}

static void
assert_connected_and_passing (two_peers *t)
{
  g_assert_true (wait_for (t->ctx, both_up, &t->a, WAIT_MS));
  g_assert_false (t->a.pair.relayed);
  g_assert_false (t->b.pair.relayed);
  check_datagrams (t->ctx, &t->a, &t->b);
  check_datagrams (t->ctx, &t->b, &t->a);
}

static void
test_trickle_with_credentials_first_connects (void)
{
  two_peers t;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&t, &ca, &cb);
  t.a.forward = t.b.forward = TRUE;

  static const uint8_t early[] = { 0x80, 1, 2, 3 };
  g_assert_cmpint (tc_ice_send (t.a.ice, early, sizeof early), ==, TC_ERR_NOT_CONNECTED);

  /* Offer/answer first, then both gather and trickle as candidates come. */
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_ERR_INVALID_ARG);
  /* Callbacks never run inside a tc_ice_* call. */
  g_assert_cmpuint (t.a.all_candidates->len, ==, 0);

  assert_connected_and_passing (&t);
  for (guint i = 0; i < t.a.all_candidates->len; i++) {
    const char *c = t.a.all_candidates->pdata[i];
    g_assert_nonnull (strstr (c, " typ host"));
    g_assert_null (strstr (c, "raddr"));
  }
  g_assert_false (saw_state (&t.a, TC_ICE_STATE_FAILED));
  two_clear (&t);
}

/* --- host-name candidates ------------------------------------------------ */

/* NULL when the process runs in its own network namespace (see main()):
 * only then may a test send mDNS queries, which reach no one else. */
static const char *netns_skip;

static gboolean
in_private_netns (void)
{
  if (netns_skip != NULL)
    g_test_skip (netns_skip);
  return netns_skip == NULL;
}

typedef struct {
  two_peers t;
  mdns_responder r;
} mdns_fixture;

/* Two agents and a responder on the namespace's loopback that knows
 * "peer-a.local" and "peer-b.local" as 127.0.0.1 (see mdns_responder for
 * `exclusive`). */
static gboolean
mdns_start (mdns_fixture *f, gboolean exclusive)
{
  memset (f, 0, sizeof *f);
  if (!in_private_netns ())
    return FALSE;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&f->t, &ca, &cb);
  f->r.names[0] = "peer-a.local";
  f->r.names[1] = "peer-b.local";
  f->r.addrs[0] = f->r.addrs[1] = "127.0.0.1";
  f->r.exclusive = exclusive;
  mdns_responder_start (&f->r, f->t.ctx);
  return TRUE;
}

static void
mdns_stop (mdns_fixture *f)
{
  two_clear (&f->t);
  mdns_responder_stop (&f->r);
}

/* Both sides trickle with names only: neither knows an address of the
 * other unless it looked the name up. */
static void
trickle_named (mdns_fixture *f, const char *a_name, const char *b_name)
{
  f->t.a.forward = f->t.b.forward = TRUE;
  f->t.a.host_name = a_name;
  f->t.b.host_name = b_name;
  give_credentials (&f->t.a, &f->t.b);
  give_credentials (&f->t.b, &f->t.a);
  g_assert_cmpint (tc_ice_gather (f->t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (f->t.b.ice), ==, TC_OK);
}

static guint
lookups_of (const peer *p)
{
  return p->ice->lookups;
}

static gboolean
no_lookups_left (gpointer data)
{
  peer *a = data;
  return lookups_of (a) == 0 && lookups_of (a->other) == 0;
}

/* Every candidate either side sends names an mDNS host instead of an IP
 * (as Chromium's do); the names are answered by a real responder over
 * multicast, with nothing from the host's resolver. */
static void
test_mdns_candidates_are_resolved_and_connect (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, FALSE))
    return;
  gint64 start = g_get_monotonic_time ();
  trickle_named (&f, "peer-a.local", "peer-b.local");
  assert_connected_and_passing (&f.t);
  g_test_message ("METRIC mdns-connect-ms=%" G_GINT64_FORMAT,
      (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (f.r.answered, >=, 2);
  g_assert_cmpuint (mdns_responder_asked (&f.r, "peer-a.local"), >, 0);
  g_assert_cmpuint (mdns_responder_asked (&f.r, "peer-b.local"), >, 0);
  mdns_stop (&f);
}

static gboolean
both_names_asked (gpointer data)
{
  return mdns_responder_asked (data, "peer-a.local") > 0
      && mdns_responder_asked (data, "peer-b.local") > 0;
}

/* A responder that answers every query, but for another name, is not
 * believed: the lookups run out and the agents never learn an address. */
static void
test_answers_for_another_name_are_ignored (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, FALSE))
    return;
  f.r.answer_as = "someone-else.local";
  trickle_named (&f, "peer-a.local", "peer-b.local");
  g_assert_true (wait_for (f.t.ctx, both_names_asked, &f.r, WAIT_MS));
  g_assert_true (wait_for (f.t.ctx, no_lookups_left, &f.t.a, WAIT_MS));
  g_assert_cmpuint (f.r.answered, >=, 2);
  g_assert_false (saw_state (&f.t.a, TC_ICE_STATE_CONNECTED));
  g_assert_false (saw_state (&f.t.b, TC_ICE_STATE_CONNECTED));
  g_assert_cmpuint (f.t.a.pair_events + f.t.b.pair_events, ==, 0);
  mdns_stop (&f);
}

/* A responder that holds port 5353 alone: the agents query from an
 * ephemeral port (RFC 6762 section 5.1) and take its unicast answers. */
static void
test_one_shot_queries_when_port_5353_is_not_shared (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, TRUE))
    return;
  trickle_named (&f, "peer-a.local", "peer-b.local");
  assert_connected_and_passing (&f.t);
  g_assert_cmpuint (f.r.answered, >=, 2);
  mdns_stop (&f);
}

static int
add_named (tc_ice *ice, const char *host)
{
  gchar *cand = g_strdup_printf ("candidate:9 1 udp 1 %s 5000 typ host", host);
  int st = tc_ice_add_remote_candidate (ice, cand);
  g_free (cand);
  return st;
}

static gboolean
asked_for (mdns_responder *r, const char *name)
{
  return mdns_responder_asked (r, name) > 0;
}

static gboolean
asked_for_marker (gpointer data)
{
  return asked_for (data, "marker.local");
}

/* A name nobody answers is asked for twice (the query and one resend, A
 * and AAAA each), then dropped after TC_MDNS_GIVE_UP_MS. */
static void
test_unanswered_name_times_out_and_is_dropped (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, FALSE))
    return;
  give_credentials (&f.t.b, &f.t.a);
  g_assert_cmpint (tc_ice_gather (f.t.a.ice), ==, TC_OK);
  gint64 start = g_get_monotonic_time ();
  g_assert_cmpint (add_named (f.t.a.ice, "gone.local"), ==, TC_OK);
  g_assert_cmpuint (lookups_of (&f.t.a), ==, 1);
  g_assert_true (wait_for (f.t.ctx, no_lookups_left, &f.t.a, WAIT_MS));
  gint64 took_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("METRIC mdns-give-up-ms=%" G_GINT64_FORMAT, took_ms);
  g_assert_cmpint (took_ms, >=, TC_MDNS_GIVE_UP_MS);
  g_assert_cmpuint (mdns_responder_asked (&f.r, "gone.local"), ==, 2 * 2);
  g_assert_cmpuint (f.r.answered, ==, 0);
  g_assert_false (is_up (&f.t.a));
  mdns_stop (&f);
}

/* Names that are not ".local", and any name in relay-only mode, are
 * refused without a query; a ".local" name asked afterwards is the first
 * thing the responder hears. */
static void
test_only_local_names_are_asked_for (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, FALSE))
    return;
  g_assert_cmpint (add_named (f.t.a.ice, "peer.example.com"), ==,
      TC_ERR_UNSUPPORTED);
  g_assert_cmpint (add_named (f.t.a.ice, "local"), ==, TC_ERR_UNSUPPORTED);
  g_assert_cmpint (add_named (f.t.a.ice, "peer.localhost"), ==,
      TC_ERR_UNSUPPORTED);
  const char *const turn[] = { "turn:127.0.0.1:3478", NULL };
  tc_ice_config relay = { .turn_urls = turn, .turn_secret = "s",
    .relay_only = true, .local_addresses = loopback };
  tc_ice *hidden = NULL;
  g_assert_cmpint (tc_ice_new (f.t.ctx, &relay, NULL, &hidden), ==, TC_OK);
  g_assert_cmpint (add_named (hidden, "peer-a.local"), ==, TC_ERR_UNSUPPORTED);
  tc_ice_free (hidden);

  g_assert_cmpint (add_named (f.t.a.ice, "marker.local"), ==, TC_OK);
  g_assert_true (wait_for (f.t.ctx, asked_for_marker, &f.r, WAIT_MS));
  for (guint i = 0; i < f.r.asked->len; i++)
    g_assert_cmpstr (f.r.asked->pdata[i], ==, "marker.local");
  mdns_stop (&f);
}

static gboolean
one_lookup_ended (gpointer data)
{
  return lookups_of (data) == 15;
}

/* At most 16 lookups run per agent; the rest are refused until one ends
 * (here by an answer), and an agent freed with lookups in flight neither
 * crashes nor leaks. */
static void
test_lookups_are_bounded_and_freed_with_the_agent (void)
{
  mdns_fixture f;
  if (!mdns_start (&f, FALSE))
    return;
  give_credentials (&f.t.b, &f.t.a);
  g_assert_cmpint (tc_ice_gather (f.t.a.ice), ==, TC_OK);
  g_assert_cmpint (add_named (f.t.a.ice, "peer-b.local"), ==, TC_OK);
  unsigned ok = 1, full = 0;
  for (int i = 0; i < 39; i++) {
    gchar *name = g_strdup_printf ("pending-%d.local", i);
    int st = add_named (f.t.a.ice, name);
    ok += st == TC_OK;
    full += st == TC_ERR_TOO_LARGE;
    g_free (name);
  }
  g_assert_cmpuint (ok, ==, 16);
  g_assert_cmpuint (full, ==, 24);
  g_assert_cmpuint (lookups_of (&f.t.a), ==, 16);
  g_assert_cmpint (add_named (f.t.a.ice, "one-too-many.local"), ==,
      TC_ERR_TOO_LARGE);
  /* peer-b.local is answered: its slot is free again. */
  g_assert_true (wait_for (f.t.ctx, one_lookup_ended, &f.t.a, WAIT_MS));
  g_assert_cmpint (add_named (f.t.a.ice, "one-more.local"), ==, TC_OK);
  g_assert_cmpuint (lookups_of (&f.t.a), ==, 16);
  mdns_stop (&f);   /* frees A with its 16 lookups in flight */
}

static void
test_candidates_before_credentials_and_gathering_are_kept (void)
{
  two_peers t;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&t, &ca, &cb);

  /* A gathers; B gets A's candidates before it has A's credentials and
   * before it gathered itself. */
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_true (wait_for (t.ctx, gathered, &t.a, WAIT_MS));
  g_assert_cmpuint (t.a.candidates->len, >, 0);
  give_candidates (&t.a, &t.b);
  give_credentials (&t.a, &t.b);
  /* B gathers; A gets B's candidates before B's credentials. */
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);
  g_assert_true (wait_for (t.ctx, gathered, &t.b, WAIT_MS));
  give_candidates (&t.b, &t.a);
  g_assert_cmpint (t.a.state, ==, TC_ICE_STATE_NEW);
  give_credentials (&t.b, &t.a);

  assert_connected_and_passing (&t);
  two_clear (&t);
}

static void
test_role_conflict_is_resolved (void)
{
  two_peers t;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&t, &ca, &cb);
  /* Both think they offered (the glare perfect negotiation resolves at the
   * SDP level): ICE's tie-breaker must still settle the roles. */
  g_assert_cmpint (tc_ice_set_role (t.b.ice, TC_ICE_ROLE_CONTROLLING), ==, TC_OK);
  t.a.forward = t.b.forward = TRUE;
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);
  /* Once gathering started a role change would not take effect in
   * libnice: it is refused, and the role stays. */
  g_assert_cmpint (tc_ice_set_role (t.b.ice, TC_ICE_ROLE_CONTROLLED), ==,
      TC_ERR_UNSUPPORTED);
  g_assert_cmpint (tc_ice_get_role (t.b.ice), ==, TC_ICE_ROLE_CONTROLLING);
  g_assert_cmpint (tc_ice_set_role (t.b.ice, TC_ICE_ROLE_CONTROLLING), ==,
      TC_OK);
  assert_connected_and_passing (&t);
  two_clear (&t);
}

static void
test_remote_candidate_input_is_checked (void)
{
  two_peers t;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&t, &ca, &cb);
  tc_ice *ice = t.a.ice;
  g_assert_cmpint (tc_ice_add_remote_candidate (ice, "candidate:1 1 udp"), ==,
      TC_ERR_PARSE);
  /* An mDNS name is looked up, not refused, whatever the host's resolver
   * (see the /ice/mdns tests); its query stays in our namespace. */
  if (netns_skip == NULL)
    g_assert_cmpint (tc_ice_add_remote_candidate (ice, "candidate:1 1 udp 1 "
        "0f1c2d3e-aaaa-bbbb-cccc-0123456789ab.local 5000 typ host"), ==,
        TC_OK);
  g_assert_cmpint (tc_ice_add_remote_candidate (ice, "candidate:1 1 udp 1 "
      "peer.example.com 5000 typ host"), ==, TC_ERR_UNSUPPORTED);
  g_assert_cmpint (tc_ice_add_remote_candidate (ice,
      "candidate:1 2 udp 1 127.0.0.1 5000 typ host"), ==, TC_ERR_UNSUPPORTED);
  g_assert_cmpint (tc_ice_add_remote_candidate (ice,
      "candidate:1 1 tcp 1 127.0.0.1 5000 typ host tcptype passive"), ==,
      TC_ERR_UNSUPPORTED);
  g_assert_cmpint (tc_ice_add_remote_candidate (ice,
      "a=candidate:1 1 udp 1 127.0.0.1 5000 typ host"), ==, TC_OK);
  g_assert_cmpint (tc_ice_set_remote_credentials (ice, "abc", "0123456789012345678901"),
      ==, TC_ERR_PARSE);
  g_assert_cmpint (tc_ice_set_remote_credentials (ice, "abcd", "short"), ==,
      TC_ERR_PARSE);
  g_assert_cmpint (tc_ice_restart (ice), ==, TC_ERR_INVALID_ARG);
  two_clear (&t);
}

static void
test_bad_config_is_refused (void)
{
  GMainContext *ctx = g_main_context_new ();
  tc_ice *ice = NULL;
  const char *const turn_udp[] = { "turn:127.0.0.1:3478", NULL };
  const char *const turns[] = { "turns:127.0.0.1:5349", NULL };
  const char *const junk[] = { "turn:127.0.0.1:3478?transport=sctp", NULL };

  tc_ice_config relay_without_turn = { .relay_only = true };
  g_assert_cmpint (tc_ice_new (ctx, &relay_without_turn, NULL, &ice), ==,
      TC_ERR_INVALID_ARG);
  tc_ice_config no_credentials = { .turn_urls = turn_udp };
  g_assert_cmpint (tc_ice_new (ctx, &no_credentials, NULL, &ice), ==,
      TC_ERR_INVALID_ARG);
  tc_ice_config both_credentials = { .turn_urls = turn_udp,
    .turn_username = "u", .turn_password = "p", .turn_secret = "s" };
  g_assert_cmpint (tc_ice_new (ctx, &both_credentials, NULL, &ice), ==,
      TC_ERR_INVALID_ARG);
  tc_ice_config no_ca_file = { .turn_urls = turns, .turn_secret = "s",
    .ca_file = "/nonexistent/ca.pem" };
  g_assert_cmpint (tc_ice_new (ctx, &no_ca_file, NULL, &ice), ==,
      TC_ERR_INVALID_ARG);
  /* A turns: bridge already listening when a later URL is refused. */
  const char *const turns_then_junk[] = { "turns:localhost",
    "turn:127.0.0.1:3478?transport=sctp", NULL };
  tc_ice_config late_bad_url = { .turn_urls = turns_then_junk,
    .turn_secret = "s" };
  g_assert_cmpint (tc_ice_new (ctx, &late_bad_url, NULL, &ice), ==,
      TC_ERR_INVALID_ARG);
  tc_ice_config bad_url = { .turn_urls = junk, .turn_secret = "s" };
  g_assert_cmpint (tc_ice_new (ctx, &bad_url, NULL, &ice), ==, TC_ERR_INVALID_ARG);
  const char *const not_ip[] = { "localhost", NULL };
  tc_ice_config bad_local = { .local_addresses = not_ip };
  g_assert_cmpint (tc_ice_new (ctx, &bad_local, NULL, &ice), ==, TC_ERR_PARSE);
  g_assert_null (ice);
  g_main_context_unref (ctx);
}

/* The pacing of checks (Ta) an agent got from libnice's property. */
static guint
pacing_ms (const tc_ice *ice)
{
  guint ms = 0;
  g_object_get (ice->agent, "stun-pacing-timer", &ms, NULL);
  return ms;
}

/* RFC 8445 14.2: a process's agents together check every 5 ms at most. A
 * call alone gets that 5 ms (its offerer's nomination then takes about 15
 * ms, not libnice's 60 at 20 ms); each other live agent adds 5. */
static void
test_checks_are_paced_by_the_live_agents (void)
{
  GMainContext *ctx = g_main_context_new ();
  tc_ice_config cfg = { .local_addresses = loopback };
  tc_ice *a = NULL, *b = NULL, *c = NULL;
  g_assert_cmpint (tc_ice_new (ctx, &cfg, NULL, &a), ==, TC_OK);
  guint alone = pacing_ms (a);
  g_assert_cmpuint (alone, >=, 5);
  g_assert_cmpuint (alone % 5, ==, 0);
  g_assert_cmpint (tc_ice_new (ctx, &cfg, NULL, &b), ==, TC_OK);
  g_assert_cmpuint (pacing_ms (b), ==, alone + 5);
  tc_ice_free (a);
  tc_ice_free (b);
  g_assert_cmpint (tc_ice_new (ctx, &cfg, NULL, &c), ==, TC_OK);
  g_assert_cmpuint (pacing_ms (c), ==, alone);
  tc_ice_free (c);
  g_main_context_unref (ctx);
}

static gboolean
freed_both (gpointer data)
{
  peer *a = data;
  return a->ice == NULL && a->other->ice == NULL;
}

static gboolean
freed (gpointer data)
{
  return ((peer *) data)->ice == NULL;
}

static void
test_free_from_datagram_callback_is_safe (void)
{
  two_peers t;
  two_start_trickling (&t);
  g_assert_true (wait_for (t.ctx, both_up, &t.a, WAIT_MS));

  /* B frees itself inside on_datagram, deep in libnice's receive path. */
  t.b.free_on_datagram = TRUE;
  static const uint8_t ping[] = { 0x80, 0x01 };
  g_assert_cmpint (tc_ice_send (t.a.ice, ping, sizeof ping), ==, TC_OK);
  g_assert_true (wait_for (t.ctx, freed, &t.b, WAIT_MS));
  g_assert_cmpuint (t.b.rx->len, ==, 1);
  /* A keeps running alone until freed the ordinary way. */
  g_assert_cmpint (tc_ice_send (t.a.ice, ping, sizeof ping), ==, TC_OK);
  two_clear (&t);
}

static void
test_free_from_state_callback_is_safe (void)
{
  two_peers t;
  tc_ice_config ca = { 0 }, cb = { 0 };
  two_init (&t, &ca, &cb);
  t.a.forward = t.b.forward = TRUE;
  t.a.free_when_up = t.b.free_when_up = TRUE;
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);
  g_assert_true (wait_for (t.ctx, freed_both, &t.a, WAIT_MS));
  two_clear (&t);
}

/* ---- (c) ICE restart -------------------------------------------------------- */

static void
test_restart_after_connected_reconnects (void)
{
  two_peers t;
  two_start_trickling (&t);
  assert_connected_and_passing (&t);

  char *a_ufrag = g_strdup (tc_ice_get_local_ufrag (t.a.ice));
  char *b_ufrag = g_strdup (tc_ice_get_local_ufrag (t.b.ice));
  g_array_set_size (t.a.states, 0);
  g_array_set_size (t.b.states, 0);
  t.a.gathered = t.b.gathered = FALSE;
  guint a_pairs = t.a.pair_events, b_pairs = t.b.pair_events;

  /* A restarts; its new candidates reach B (trickled, naming the new ufrag)
   * before B has A's new credentials: B keeps them for the new generation. */
  g_assert_cmpint (tc_ice_restart (t.a.ice), ==, TC_OK);
  g_assert_cmpstr (tc_ice_get_local_ufrag (t.a.ice), !=, a_ufrag);
  g_assert_true (wait_for (t.ctx, gathered, &t.a, WAIT_MS));
  /* The new offer reaches B: B sees the peer restart and restarts too. */
  give_credentials (&t.a, &t.b);
  g_assert_cmpstr (tc_ice_get_local_ufrag (t.b.ice), !=, b_ufrag);
  /* The answer reaches A. */
  give_credentials (&t.b, &t.a);

  g_assert_true (wait_for (t.ctx, both_up, &t.a, WAIT_MS));
  g_assert_true (saw_state (&t.a, TC_ICE_STATE_CHECKING));
  g_assert_true (saw_state (&t.b, TC_ICE_STATE_CHECKING));
  g_assert_true (is_up (&t.a) && is_up (&t.b));
  g_test_message ("pair events after restart: A %u, B %u",
      t.a.pair_events - a_pairs, t.b.pair_events - b_pairs);
  check_datagrams (t.ctx, &t.a, &t.b);
  check_datagrams (t.ctx, &t.b, &t.a);
  g_free (a_ufrag);
  g_free (b_ufrag);
  two_clear (&t);
}

/* ---- (e) a path that comes back before the first connection ---------------- */

static gboolean
nft (const char *args)
{
  char *cmd = g_strconcat ("nft ", args, NULL);
  gint status = -1;
  gboolean ok = g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL);
  g_free (cmd);
  return ok;
}

/* Every UDP datagram in the namespace dropped on input (on) or not: the
 * agents' only path. False when nftables cannot be used here. */
static gboolean
udp_cut (gboolean on)
{
  if (!on)
    return nft ("delete table inet tc_ice_cut");
  return nft ("add table inet tc_ice_cut")
      && nft ("add chain inet tc_ice_cut input { type filter hook input "
          "priority 0 ; policy accept ; }")
      && nft ("add rule inet tc_ice_cut input meta l4proto udp drop");
}

static gboolean
both_failed (gpointer data)
{
  peer *a = data;
  return a->state == TC_ICE_STATE_FAILED
      && a->other->state == TC_ICE_STATE_FAILED;
}

/* Two agents start with the path cut: libnice checks each pair at 0, 0.5
 * and 1.5 s and calls both sides FAILED about 7 s in. The path comes
 * back: the checks that go on (ice_recheck.c) find it within their
 * 500 ms interval, libnice takes the failed pair up again, and both are
 * connected within 2 s, datagrams passing both ways. */
static void
test_failed_before_connecting_connects_when_the_path_is_back (void)
{
  if (!in_private_netns ())
    return;
  if (!udp_cut (TRUE)) {
    g_test_skip ("nft cannot filter in this namespace");
    return;
  }
  two_peers t;
  two_start_trickling (&t);
  g_assert_true (wait_for (t.ctx, both_failed, &t.a, 4 * WAIT_MS));
  g_assert_cmpint (t.a.why, ==, TC_ICE_FAIL_CHECKS);
  g_assert_true (udp_cut (FALSE));
  int64_t t0 = g_get_monotonic_time ();
  g_assert_true (wait_for (t.ctx, both_up, &t.a, 2000));
  g_test_message ("path back -> both connected %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - t0) / 1000);
  check_datagrams (t.ctx, &t.a, &t.b);
  check_datagrams (t.ctx, &t.b, &t.a);
  two_clear (&t);
}

/* ---- coturn ------------------------------------------------------------------- */

typedef struct {
  GPid pid;
  char *dir;
  guint16 port;
  gboolean tls;     /* TLS listener only, certificate in dir/cert.pem */
} turn_server;

/* The low end of the kernel's ephemeral port range (ip_local_port_range). */
static guint
ephemeral_low (void)
{
  gchar *text = NULL;
  guint low = 0;
  if (g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &text,
          NULL, NULL))
    low = (guint) g_ascii_strtoull (text, NULL, 10);
  g_free (text);
  return low > 11000 ? low : 49152;
}

/* A loopback port free for both UDP and TCP right now, below the ephemeral
 * range and below the relay ports turn_start() gives coturn (from 20000):
 * a port found free inside those can go to another process's unbound
 * socket (Chromium, libnice, a parallel test's coturn relay) before coturn
 * binds it, and coturn then retries its bind forever without answering. */
static guint16
free_port (void)
{
  guint low = ephemeral_low ();
  for (int tries = 0; tries < 100; tries++) {
    guint16 port = (guint16) g_random_int_range (10000, (gint32) MIN (low, 20000));
    struct sockaddr_in sa = { .sin_family = AF_INET,
      .sin_addr.s_addr = htonl (INADDR_LOOPBACK), .sin_port = htons (port) };
    int u = socket (AF_INET, SOCK_DGRAM, 0);
    int t = socket (AF_INET, SOCK_STREAM, 0);
    int ok = bind (u, (struct sockaddr *) &sa, sizeof sa) == 0
        && bind (t, (struct sockaddr *) &sa, sizeof sa) == 0;
    close (t);
    close (u);
    if (ok)
      return port;
  }
  g_assert_not_reached ();
}

static void
die_with_parent (gpointer unused)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* True when coturn accepts a TCP connection and answers a STUN Binding
 * request over UDP (RFC 5389 header: type 0x0001, length 0, cookie, id). */
static gboolean
turn_ready (gpointer data)
{
  turn_server *ts = data;
  struct sockaddr_in sa = { .sin_family = AF_INET,
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK), .sin_port = htons (ts->port) };

  int t = socket (AF_INET, SOCK_STREAM, 0);
  gboolean tcp = connect (t, (struct sockaddr *) &sa, sizeof sa) == 0;
  close (t);
  if (!tcp || ts->tls)
    return tcp;  /* a TLS-only coturn has no plain UDP to ask */

  static const guint8 binding[20] = { 0x00, 0x01, 0x00, 0x00,
    0x21, 0x12, 0xa4, 0x42, 't', 'e', 'm', 'p', 'c', 'h', 'a', 't', 'r', 'e',
    'a', 'd' };
  int u = socket (AF_INET, SOCK_DGRAM, 0);
  gboolean udp = FALSE;
  if (sendto (u, binding, sizeof binding, 0, (struct sockaddr *) &sa,
          sizeof sa) == sizeof binding) {
    struct pollfd pfd = { .fd = u, .events = POLLIN };
    guint8 reply[512];
    if (poll (&pfd, 1, 100) == 1) {
      ssize_t n = recv (u, reply, sizeof reply, 0);
      udp = n >= 20 && reply[0] == 0x01 && reply[1] == 0x01
          && memcmp (reply + 8, binding + 8, 12) == 0;
    }
  }
  close (u);
  return udp;
}

/* True when coturn's log so far contains `what`. */
static gboolean
turn_log_says (const turn_server *ts, const char *what)
{
  char *path = g_build_filename (ts->dir, "turn.log", NULL);
  char *log = NULL;
  gboolean says = g_file_get_contents (path, &log, NULL, NULL)
      && strstr (log, what) != NULL;
  g_free (log);
  g_free (path);
  return says;
}

/* Polls turn_ready() until it holds or `ms` passed (each poll waits up to
 * 100 ms for the UDP answer, a refused TCP connect returns at once). */
static gboolean
wait_turn_ready (turn_server *ts, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  while (g_get_monotonic_time () < deadline) {
    if (turn_ready (ts))
      return TRUE;
    int status;
    if (waitpid (ts->pid, &status, WNOHANG) == ts->pid) {
      ts->pid = 0;
      return FALSE;  /* coturn exited */
    }
    if (turn_log_says (ts, "Cannot bind"))
      return FALSE;  /* it would retry that bind forever */
    struct pollfd none = { .fd = -1 };
    poll (&none, 0, 20);
  }
  return FALSE;
}

static void
print_turn_log (const turn_server *ts)
{
  char *path = g_build_filename (ts->dir, "turn.log", NULL);
  char *log = NULL;
  if (g_file_get_contents (path, &log, NULL, NULL))
    g_test_message ("coturn log:\n%s", log);
  g_free (log);
  g_free (path);
}

/* The listener options: plain UDP + TCP, or TLS only (coturn would also
 * take plain TURN on its TLS port, but nothing listens unencrypted). */
static void
add_listener_args (GPtrArray *args, const turn_server *ts)
{
  if (!ts->tls) {
    g_ptr_array_add (args, g_strdup_printf ("--listening-port=%u", ts->port));
    g_ptr_array_add (args, g_strdup ("--no-tls"));
    return;
  }
  g_ptr_array_add (args, g_strdup_printf ("--tls-listening-port=%u", ts->port));
  g_ptr_array_add (args, g_strdup ("--no-udp"));
  g_ptr_array_add (args, g_strdup ("--no-tcp"));
  g_ptr_array_add (args, g_strdup_printf ("--cert=%s/cert.pem", ts->dir));
  g_ptr_array_add (args, g_strdup_printf ("--pkey=%s/key.pem", ts->dir));
}

static gboolean
turn_start (turn_server *ts, gboolean tls)
{
  memset (ts, 0, sizeof *ts);
  ts->tls = tls;
  ts->dir = g_dir_make_tmp ("tc-ice-turn-XXXXXX", NULL);
  g_assert_nonnull (ts->dir);
  if (tls && !make_certificate (ts->dir))
    return FALSE;
  ts->port = free_port ();
  guint min_port = 20000 + g_random_int_range (0, 400) * 100;

  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  const char *fixed[] = { TC_TURNSERVER, "-n", "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1", "--use-auth-secret",
    "--static-auth-secret=" TURN_SECRET, "--realm=tempchat.test",
    "--allow-loopback-peers", "--no-cli", "--no-dtls", "--no-rfc5780",
    "--no-stun-backward-compatibility", "--simple-log", "--no-stdout-log" };
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (args, g_strdup (fixed[i]));
  add_listener_args (args, ts);
  g_ptr_array_add (args, g_strdup_printf ("--min-port=%u", min_port));
  g_ptr_array_add (args, g_strdup_printf ("--max-port=%u", min_port + 99));
  g_ptr_array_add (args, g_strdup_printf ("--log-file=%s/turn.log", ts->dir));
  g_ptr_array_add (args, g_strdup_printf ("--pidfile=%s/turn.pid", ts->dir));
  g_ptr_array_add (args, g_strdup_printf ("--userdb=%s/turndb", ts->dir));
  g_ptr_array_add (args, NULL);

  GError *err = NULL;
  gboolean ok = g_spawn_async (ts->dir, (char **) args->pdata, NULL,
      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
      | G_SPAWN_STDERR_TO_DEV_NULL, die_with_parent, NULL, &ts->pid, &err);
  g_assert_no_error (err);
  g_ptr_array_unref (args);
  if (ok && !wait_turn_ready (ts, 10000)) {
    print_turn_log (ts);
    return FALSE;
  }
  return ok;
}

static void
turn_stop (turn_server *ts)
{
  if (ts->pid > 0) {
    kill (ts->pid, SIGTERM);
    int status;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (waitpid (ts->pid, &status, WNOHANG) == 0) {
      if (g_get_monotonic_time () > deadline) {
        kill (ts->pid, SIGKILL);
        waitpid (ts->pid, &status, 0);
        break;
      }
      struct pollfd none = { .fd = -1 };
      poll (&none, 0, 10);
    }
    g_spawn_close_pid (ts->pid);
  }
  /* Remove what coturn wrote into our private directory. */
  GDir *d = g_dir_open (ts->dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL) {
    char *path = g_build_filename (ts->dir, name, NULL);
    g_unlink (path);
    g_free (path);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (ts->dir);
  g_free (ts->dir);
}

/* ---- (b) relay-only through coturn ------------------------------------------ */

typedef struct {
  turn_server turn;
  gboolean up;
} turn_fixture;

static void
turn_setup (turn_fixture *f, gconstpointer unused)
{
  memset (f, 0, sizeof *f);
  if (TC_TURNSERVER[0] != '\0')
    f->up = turn_start (&f->turn, FALSE);
}

static void
turns_setup (turn_fixture *f, gconstpointer unused)
{
  memset (f, 0, sizeof *f);
  if (TC_TURNSERVER[0] != '\0' && TC_OPENSSL[0] != '\0')
    f->up = turn_start (&f->turn, TRUE);
}

static void
turn_teardown (turn_fixture *f, gconstpointer unused)
{
  if (f->turn.dir != NULL)
    turn_stop (&f->turn);
}

/* False (test skipped or failed) when there is no coturn to talk to. */
static gboolean
turn_available (const turn_fixture *f)
{
  if (TC_TURNSERVER[0] == '\0' || TC_OPENSSL[0] == '\0') {
    g_test_skip ("turnserver (coturn) or openssl is not installed");
    return FALSE;
  }
  if (!f->up)
    g_test_fail_printf ("coturn did not start");
  return f->up;
}

static gboolean
closed (gpointer data)
{
  peer *a = data;
  return a->state == TC_ICE_STATE_CLOSED && a->other->state == TC_ICE_STATE_CLOSED;
}

/* Closes both gracefully (TURN allocations released) before freeing. */
static void
close_both (two_peers *t)
{
  g_assert_cmpint (tc_ice_close (t->a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_close (t->b.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_close (t->a.ice), ==, TC_ERR_CLOSED);
  g_assert_true (wait_for (t->ctx, closed, &t->a, WAIT_MS));
}

/* Two relay-only agents configured as given connect through the relay,
 * offer only redacted relay candidates, pass data both ways and close
 * gracefully (allocations released). */
static void
relay_call_works (tc_ice_config *ca, tc_ice_config *cb)
{
  two_peers t;
  two_init (&t, ca, cb);
  t.a.forward = t.b.forward = TRUE;
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  gint64 start = g_get_monotonic_time ();
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);

  g_assert_true (wait_for (t.ctx, both_up, &t.a, WAIT_MS));
  /* Informational only (no timed assertion): gather to both connected. */
  g_test_message ("METRIC relay-connect-ms=%" G_GINT64_FORMAT,
      (g_get_monotonic_time () - start) / 1000);
  g_assert_true (t.a.pair.relayed);
  g_assert_true (t.b.pair.relayed);
  g_assert_cmpint (t.a.pair.local_type, ==, TC_ICE_CAND_RELAY);
  g_assert_cmpint (t.b.pair.local_type, ==, TC_ICE_CAND_RELAY);
  /* Only relay candidates were offered, and none names a local address. */
  g_assert_true (wait_for (t.ctx, both_gathered, &t.a, WAIT_MS));
  peer *both[] = { &t.a, &t.b };
  for (int k = 0; k < 2; k++) {
    g_assert_cmpuint (both[k]->all_candidates->len, >, 0);
    for (guint i = 0; i < both[k]->all_candidates->len; i++) {
      const char *c = both[k]->all_candidates->pdata[i];
      g_test_message ("%s offered: %s", both[k]->name, c);
      g_assert_nonnull (strstr (c, " typ relay raddr 0.0.0.0 rport 0 "));
    }
  }
  check_datagrams (t.ctx, &t.a, &t.b);
  check_datagrams (t.ctx, &t.b, &t.a);
  close_both (&t);
  two_clear (&t);
}

static void
relay_only_connects (turn_fixture *f, const char *transport)
{
  if (!turn_available (f))
    return;
  char *url = g_strdup_printf ("turn:127.0.0.1:%u?transport=%s", f->turn.port,
      transport);
  const char *const turn_urls[] = { url, NULL };
  tc_ice_config cfg = { .turn_urls = turn_urls, .turn_secret = TURN_SECRET,
    .turn_rest_name = "loopback-test", .relay_only = true };
  tc_ice_config ca = cfg, cb = cfg;
  relay_call_works (&ca, &cb);
  g_free (url);
}

static void
test_relay_only_over_turn_udp_connects (turn_fixture *f, gconstpointer unused)
{
  relay_only_connects (f, "udp");
}

static void
test_relay_only_over_turn_tcp_connects (turn_fixture *f, gconstpointer unused)
{
  relay_only_connects (f, "tcp");
}

static void
test_wrong_turn_secret_fails_clearly (turn_fixture *f, gconstpointer unused)
{
  if (!turn_available (f))
    return;
  char *url = g_strdup_printf ("turn:127.0.0.1:%u?transport=udp", f->turn.port);
  const char *const turn_urls[] = { url, NULL };
  tc_ice_config ca = { .turn_urls = turn_urls, .turn_secret = "not-the-secret",
    .relay_only = true, .checking_timeout_ms = 2000 };
  tc_ice_config cb = { .turn_urls = turn_urls, .turn_secret = TURN_SECRET,
    .relay_only = true, .checking_timeout_ms = 2000 };
  two_peers t;
  two_init (&t, &ca, &cb);
  t.a.forward = t.b.forward = TRUE;
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);

  g_assert_true (wait_for (t.ctx, both_failed, &t.a, WAIT_MS));
  /* A: coturn refused the credentials, so nothing to offer. */
  g_assert_true (t.a.gathered);
  g_assert_cmpuint (t.a.all_candidates->len, ==, 0);
  g_assert_cmpint (t.a.why, ==, TC_ICE_FAIL_NO_RELAY);
  /* B: relay candidates, but nobody to talk to. */
  g_assert_cmpuint (t.b.all_candidates->len, >, 0);
  g_assert_true (t.b.why == TC_ICE_FAIL_TIMEOUT || t.b.why == TC_ICE_FAIL_CHECKS);
  g_assert_false (saw_state (&t.a, TC_ICE_STATE_CONNECTED));
  g_assert_false (saw_state (&t.b, TC_ICE_STATE_CONNECTED));
  static const uint8_t b[] = { 0x80 };
  g_assert_cmpint (tc_ice_send (t.a.ice, b, 1), ==, TC_ERR_NOT_CONNECTED);
  close_both (&t);
  two_clear (&t);
  g_free (url);
}

/* ---- (d) relay-only through a TLS-only coturn (turns:) -------------------- */

static char *
cert_path (const turn_fixture *f)
{
  return g_build_filename (f->turn.dir, "cert.pem", NULL);
}

static void
test_relay_only_over_turns_with_rest_credentials_connects (turn_fixture *f,
    gconstpointer unused)
{
  if (!turn_available (f))
    return;
  char *ca_file = cert_path (f);
  /* Spelled out and with the default transport. */
  char *url_a = g_strdup_printf ("turns:localhost:%u?transport=tcp",
      f->turn.port);
  char *url_b = g_strdup_printf ("turns:localhost:%u", f->turn.port);
  const char *const urls_a[] = { url_a, NULL };
  const char *const urls_b[] = { url_b, NULL };
  tc_ice_config ca = { .turn_urls = urls_a, .turn_secret = TURN_SECRET,
    .ca_file = ca_file, .relay_only = true };
  tc_ice_config cb = { .turn_urls = urls_b, .turn_secret = TURN_SECRET,
    .turn_rest_name = "peer-b", .ca_file = ca_file, .relay_only = true };
  relay_call_works (&ca, &cb);
  g_free (url_a);
  g_free (url_b);
  g_free (ca_file);
}

static void
test_relay_only_over_turns_with_fixed_credentials_connects (turn_fixture *f,
    gconstpointer unused)
{
  if (!turn_available (f))
    return;
  /* Fixed credentials, as a TURN provider would hand them out: here made
   * from coturn's secret ahead of time. */
  char user[64], pass[TC_ICE_REST_PASSWORD_SIZE];
  gint64 expiry = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_assert_cmpint (tc_ice_turn_rest_credentials (TURN_SECRET, "fixed", expiry,
      user, sizeof user, pass, sizeof pass), ==, TC_OK);
  char *ca_file = cert_path (f);
  char *url = g_strdup_printf ("turns:localhost:%u", f->turn.port);
  const char *const urls[] = { url, NULL };
  tc_ice_config cfg = { .turn_urls = urls, .turn_username = user,
    .turn_password = pass, .ca_file = ca_file, .relay_only = true };
  tc_ice_config ca = cfg, cb = cfg;
  relay_call_works (&ca, &cb);
  g_free (url);
  g_free (ca_file);
}

/* Both agents, relay-only through `url` with `ca_file`, fail at once with
 * the certificate error, offer nothing and never connect. */
static void
turns_certificate_refused (turn_fixture *f, const char *url,
    const char *ca_file)
{
  const char *const urls[] = { url, NULL };
  tc_ice_config ca = { .turn_urls = urls, .turn_secret = TURN_SECRET,
    .ca_file = ca_file, .relay_only = true };
  tc_ice_config cb = ca;
  two_peers t;
  two_init (&t, &ca, &cb);
  t.a.forward = t.b.forward = TRUE;
  give_credentials (&t.a, &t.b);
  give_credentials (&t.b, &t.a);
  g_assert_cmpint (tc_ice_gather (t.a.ice), ==, TC_OK);
  g_assert_cmpint (tc_ice_gather (t.b.ice), ==, TC_OK);

  g_assert_true (wait_for (t.ctx, both_failed, &t.a, WAIT_MS));
  peer *both[] = { &t.a, &t.b };
  for (int k = 0; k < 2; k++) {
    g_assert_cmpint (both[k]->why, ==, TC_ICE_FAIL_TURN_CERT);
    g_assert_cmpstr (tc_ice_failure_str (both[k]->why), ==,
        "the TURN server's TLS certificate could not be verified");
    g_assert_cmpuint (both[k]->all_candidates->len, ==, 0);
    g_assert_false (saw_state (both[k], TC_ICE_STATE_CONNECTED));
  }
  static const uint8_t b[] = { 0x80 };
  g_assert_cmpint (tc_ice_send (t.a.ice, b, 1), ==, TC_ERR_NOT_CONNECTED);
  close_both (&t);
  two_clear (&t);
}

static void
test_untrusted_turns_certificate_fails_clearly (turn_fixture *f,
    gconstpointer unused)
{
  if (!turn_available (f))
    return;
  /* No ca_file: the self-signed certificate is not trusted. */
  char *url = g_strdup_printf ("turns:localhost:%u", f->turn.port);
  turns_certificate_refused (f, url, NULL);
  g_free (url);
}

static void
test_turns_certificate_for_another_name_fails_clearly (turn_fixture *f,
    gconstpointer unused)
{
  if (!turn_available (f))
    return;
  /* The CA is trusted, but the certificate names localhost, not the
   * address the URL gives. */
  char *ca_file = cert_path (f);
  char *url = g_strdup_printf ("turns:127.0.0.1:%u", f->turn.port);
  turns_certificate_refused (f, url, ca_file);
  g_free (url);
  g_free (ca_file);
}

int
main (int argc, char **argv)
{
  /* Before any thread exists, so all of them live in it. */
  netns_skip = mdns_enter_private_netns ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ice/loopback/trickle-with-credentials-first-connects",
      test_trickle_with_credentials_first_connects);
  g_test_add_func ("/ice/loopback/candidates-before-credentials-and-gathering-are-kept",
      test_candidates_before_credentials_and_gathering_are_kept);
  g_test_add_func ("/ice/loopback/checks-are-paced-by-the-live-agents",
      test_checks_are_paced_by_the_live_agents);
  g_test_add_func ("/ice/loopback/role-conflict-is-resolved",
      test_role_conflict_is_resolved);
  g_test_add_func ("/ice/mdns/candidates-are-resolved-and-connect",
      test_mdns_candidates_are_resolved_and_connect);
  g_test_add_func ("/ice/mdns/one-shot-queries-when-port-5353-is-not-shared",
      test_one_shot_queries_when_port_5353_is_not_shared);
  g_test_add_func ("/ice/mdns/answers-for-another-name-are-ignored",
      test_answers_for_another_name_are_ignored);
  g_test_add_func ("/ice/mdns/unanswered-name-times-out-and-is-dropped",
      test_unanswered_name_times_out_and_is_dropped);
  g_test_add_func ("/ice/mdns/only-local-names-are-asked-for",
      test_only_local_names_are_asked_for);
  g_test_add_func ("/ice/mdns/lookups-are-bounded-and-freed-with-the-agent",
      test_lookups_are_bounded_and_freed_with_the_agent);
  g_test_add_func ("/ice/loopback/remote-candidate-input-is-checked",
      test_remote_candidate_input_is_checked);
  g_test_add_func ("/ice/loopback/bad-config-is-refused",
      test_bad_config_is_refused);
  g_test_add_func ("/ice/loopback/free-from-datagram-callback-is-safe",
      test_free_from_datagram_callback_is_safe);
  g_test_add_func ("/ice/loopback/free-from-state-callback-is-safe",
      test_free_from_state_callback_is_safe);
  g_test_add_func ("/ice/restart/after-connected-reconnects",
      test_restart_after_connected_reconnects);
  g_test_add_func ("/ice/recheck/failed-before-connecting-connects-when-the-path-is-back",
      test_failed_before_connecting_connects_when_the_path_is_back);
  g_test_add ("/ice/turn/relay-only-over-udp-connects", turn_fixture, NULL,
      turn_setup, test_relay_only_over_turn_udp_connects, turn_teardown);
  g_test_add ("/ice/turn/relay-only-over-tcp-connects", turn_fixture, NULL,
      turn_setup, test_relay_only_over_turn_tcp_connects, turn_teardown);
  g_test_add ("/ice/turn/wrong-secret-fails-clearly", turn_fixture, NULL,
      turn_setup, test_wrong_turn_secret_fails_clearly, turn_teardown);
  g_test_add ("/ice/turns/relay-only-with-rest-credentials-connects",
      turn_fixture, NULL, turns_setup,
      test_relay_only_over_turns_with_rest_credentials_connects, turn_teardown);
  g_test_add ("/ice/turns/relay-only-with-fixed-credentials-connects",
      turn_fixture, NULL, turns_setup,
      test_relay_only_over_turns_with_fixed_credentials_connects, turn_teardown);
  g_test_add ("/ice/turns/untrusted-certificate-fails-clearly", turn_fixture,
      NULL, turns_setup, test_untrusted_turns_certificate_fails_clearly,
      turn_teardown);
  g_test_add ("/ice/turns/certificate-for-another-name-fails-clearly",
      turn_fixture, NULL, turns_setup,
      test_turns_certificate_for_another_name_fails_clearly, turn_teardown);
  return g_test_run ();
}
