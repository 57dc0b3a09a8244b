/* test_session_recovery.c - a call whose network path is cut and restored.
 *
 * Two tc_sessions on the loopback signaller (loop_signal.h) call each
 * other over 127.0.0.1 inside a network namespace of this process's own
 * (unshare(CLONE_NEWNET): nothing else lives in it, and it goes away with
 * the process). An nftables rule dropping every UDP datagram on input cuts
 * the ICE path; flushing it restores the path. Signaling is in-process and
 * unaffected, as a WebSocket over another route would be.
 *   - the offerer restarts ICE and media flows again after the restore;
 *   - when the offerer's restart offers are lost, the answerer restarts;
 *   - a path cut for good ends the call with a clear error, and the
 *     session waits for a peer again.
 * Needs root (namespaces, nftables): skipped otherwise, with the reason.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* unshare() */
#endif
#include "loop_signal.h"

#include <sched.h>
#include <unistd.h>

#define RECOVERY_WAIT_US (45 * G_USEC_PER_SEC) /* > TC_RECOVERY_GIVE_UP_MS + detection */

static const char *skip_reason; /* NULL: we are in our own namespace */

static bool
run (const char *cmd)
{
  gint status = -1;
  GError *err = NULL;
  if (!g_spawn_command_line_sync (cmd, NULL, NULL, &status, &err)) {
    g_test_message ("%s: %s", cmd, err->message);
    g_error_free (err);
    return false;
  }
  return g_spawn_check_wait_status (status, NULL);
}

/* Before any thread exists: the session threads inherit the namespace. */
static void
enter_own_netns (void)
{
  if (geteuid () != 0) {
    skip_reason = "needs root for a network namespace and nftables";
    return;
  }
  if (unshare (CLONE_NEWNET) != 0) {
    skip_reason = "unshare(CLONE_NEWNET) is not permitted here";
    return;
  }
  if (!run ("ip link set lo up")
      || !run ("nft add table inet tc_recovery")
      || !run ("nft add chain inet tc_recovery input "
          "{ type filter hook input priority 0 ; policy accept ; }"))
    skip_reason = "ip or nft failed in the new namespace";
}

static void
cut_path (void)
{
  g_assert_true (run ("nft add rule inet tc_recovery input meta l4proto udp drop"));
}

static void
restore_path (void)
{
  g_assert_true (run ("nft flush chain inet tc_recovery input"));
}

typedef struct {
  loop_pair *pair;
  loop_slot slots[2];
  peer a, b;   /* A offers, B answers */
} fixture;

static bool
fixture_start (fixture *f)
{
  if (skip_reason != NULL) {
    g_test_skip (skip_reason);
    return false;
  }
  f->pair = pair_new ();
  peer_init (&f->a, "A");
  peer_init (&f->b, "B");
  f->slots[0] = (loop_slot) { f->pair, 0 };
  f->slots[1] = (loop_slot) { f->pair, 1 };
  start_on (&f->a, &f->slots[0], true);
  start_on (&f->b, &f->slots[1], true);
  WAIT_STATE (&f->a, TC_SESSION_CONNECTED);
  WAIT_STATE (&f->b, TC_SESSION_CONNECTED);
  return true;
}

static void
fixture_stop (fixture *f)
{
  restore_path ();
  peer_clear (&f->a);
  peer_clear (&f->b);
  pair_unref (f->pair);
}

static gboolean
connected_again (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->connected > 0 && p->state == TC_SESSION_CONNECTED;
}

/* Frames sent both ways all arrive. */
static void
media_flows (fixture *f)
{
  peer_reset_counts (&f->a);
  peer_reset_counts (&f->b);
  unsigned n_audio = 0;
  peer *senders[] = { &f->a, &f->b };
  send_media (senders, 2, 10, &n_audio);
  check_received (&f->a, 10, n_audio);
  check_received (&f->b, 10, n_audio);
}

/* Cut until side `restarter` sent its ICE-restart offer (its second), then
 * restore: the restart must bring media back. */
static void
cut_until_restart_by (fixture *f, int restarter)
{
  media_flows (f);
  peer_reset_counts (&f->a);
  peer_reset_counts (&f->b);
  g_mutex_lock (&f->pair->m);
  unsigned before = f->pair->offers[restarter];
  g_mutex_unlock (&f->pair->m);
  int64_t t0 = g_get_monotonic_time ();
  cut_path ();
  WAIT_STATE (&f->a, TC_SESSION_RECONNECTING);
  WAIT_STATE (&f->b, TC_SESSION_RECONNECTING);
  int64_t t_lost = g_get_monotonic_time ();
  g_assert_true (pair_wait_offers (f->pair, restarter, before + 1,
      RECOVERY_WAIT_US));
  int64_t t_restart = g_get_monotonic_time ();
  /* The outage is over: signaling carries every offer again. */
  g_mutex_lock (&f->pair->m);
  f->pair->drop_later_offers[0] = false;
  g_mutex_unlock (&f->pair->m);
  restore_path ();
  g_assert_true (peer_wait (&f->a, connected_again, NULL));
  g_assert_true (peer_wait (&f->b, connected_again, NULL));
  g_test_message ("cut -> both reconnecting %" G_GINT64_FORMAT " ms, -> "
      "restart offer %" G_GINT64_FORMAT " ms; restore -> both connected %"
      G_GINT64_FORMAT " ms", (t_lost - t0) / 1000, (t_restart - t0) / 1000,
      (g_get_monotonic_time () - t_restart) / 1000);
  media_flows (f);
  g_assert_cmpuint (f->a.errors + f->b.errors, ==, 0);
}

static void
test_the_offerer_restarts_ice_after_a_cut (void)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  cut_until_restart_by (&f, 0);
  fixture_stop (&f);
}

static void
test_the_answerer_restarts_ice_when_the_offerer_does_not (void)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  /* A's restart offers never reach B (an offerer that does not restart). */
  g_mutex_lock (&f.pair->m);
  f.pair->drop_later_offers[0] = true;
  g_mutex_unlock (&f.pair->m);
  cut_until_restart_by (&f, 1);
  fixture_stop (&f);
}

static gboolean
gave_up (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->errors > 0 && p->left > 0 && p->state == TC_SESSION_WAITING;
}

static void
test_a_path_cut_for_good_ends_the_call_with_a_clear_error (void)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  peer_reset_counts (&f.a);
  peer_reset_counts (&f.b);
  int64_t t0 = g_get_monotonic_time ();
  cut_path ();
  peer *both[] = { &f.a, &f.b };
  for (int i = 0; i < 2; i++) {
    g_assert_true (peer_wait_us (both[i], gave_up, NULL, RECOVERY_WAIT_US));
    g_test_message ("%s: cut -> error %" G_GINT64_FORMAT " ms", both[i]->name,
        (g_get_monotonic_time () - t0) / 1000);
    g_mutex_lock (&both[i]->m);
    g_assert_cmpint (both[i]->error, ==, TC_ERR_NOT_CONNECTED);
    g_assert_cmpstr (both[i]->error_text, ==,
        "Lost the connection to the other person and could not get it back.");
    g_mutex_unlock (&both[i]->m);
  }
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  enter_own_netns ();
  g_test_init (&argc, &argv, NULL);
  /* A lost path is logged as a warning, as it should be. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/session/recovery/offerer-restarts-ice",
      test_the_offerer_restarts_ice_after_a_cut);
  g_test_add_func ("/session/recovery/answerer-restarts-ice",
      test_the_answerer_restarts_ice_when_the_offerer_does_not);
  g_test_add_func ("/session/recovery/cut-for-good-ends-the-call",
      test_a_path_cut_for_good_ends_the_call_with_a_clear_error);
  return g_test_run ();
}
