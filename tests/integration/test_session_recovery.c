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
 *     session waits for a peer again;
 *   - a path back, before any restart or after one and past the 10 s after
 *     which libnice 0.1.21 would revoke consent, carries media and RTCP
 *     (PLI) both ways: `connected` in stats always means we can send;
 *   - 10% random loss for 32 s (nftables numgen) never makes the path
 *     look lost: the call stays `connected` and media flows after;
 *   - a path cut before the first connection: the call fails (a warning,
 *     not fatal); after the restore, checks that go on (ours, as a
 *     browser's do) bring media back within 2 s in the same call, and
 *     between peers that stopped checking the offerer's ICE restart,
 *     accepted by the failed answerer, does; a link down for the first
 *     5 s has media flowing within 2 s of the restore, whichever role
 *     alone goes on checking.
 * Needs root (namespaces, nftables): skipped otherwise, with the reason.
 */
#include "loop_signal.h"
#include "own_netns.h"
#include "session/session_policy.h"

#define RECOVERY_WAIT_US (45 * G_USEC_PER_SEC) /* > TC_RECOVERY_GIVE_UP_MS + detection */

static const char *skip_reason; /* NULL: we are in our own namespace */

/* Before any thread exists: the session threads inherit the namespace. */
static void
enter_own_netns (void)
{
  skip_reason = own_netns_enter ("tc_recovery");
}

static void
cut_path (void)
{
  g_assert_true (own_netns_run ("nft add rule inet tc_recovery input meta l4proto udp drop"));
}

/* Drops `percent` % of UDP datagrams at random: each direction crosses the
 * input hook once on loopback. */
static void
lossy_path (unsigned percent)
{
  char *cmd = g_strdup_printf ("nft add rule inet tc_recovery input "
      "meta l4proto udp numgen random mod 100 < %u drop", percent);
  g_assert_true (own_netns_run (cmd));
  g_free (cmd);
}

/* Drops every STUN Binding success response (type 0x0101 with the magic
 * cookie, RFC 5389 6): keepalives go unanswered while media flows. */
static void
drop_stun_answers (void)
{
  g_assert_true (own_netns_run ("nft add rule inet tc_recovery input meta l4proto udp "
      "@th,64,16 0x0101 @th,96,32 0x2112a442 drop"));
}

static void
restore_path (void)
{
  g_assert_true (own_netns_run ("nft flush chain inet tc_recovery input"));
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
  pair_peers_init (f->pair, f->slots, &f->a, &f->b);
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

/* Runs `body` in a fresh call where side `restarter` is to restart ICE:
 * for B (1), A's restart offers never reach B (an offerer that does not
 * restart). */
static void
with_restarter (void (*body) (fixture *, int), int restarter)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  g_mutex_lock (&f.pair->m);
  f.pair->drop_later_offers[0] = restarter == 1;
  g_mutex_unlock (&f.pair->m);
  body (&f, restarter);
  fixture_stop (&f);
}

static void
test_the_offerer_restarts_ice_after_a_cut (void)
{
  with_restarter (cut_until_restart_by, 0);
}

static void
test_the_answerer_restarts_ice_when_the_offerer_does_not (void)
{
  with_restarter (cut_until_restart_by, 1);
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

/* ---- a path that comes back carries media and RTCP ------------------------ */

/* Any state change since `mark` (an offset into p->states); p->m held. */
static bool
state_changed_since (const peer *p, size_t mark)
{
  return p->states->len > mark;
}

/* Lets `us` of wall time pass: the length of an outage, not a wait for an
 * event. */
static void
outage_lasts (int64_t us)
{
  GAsyncQueue *q = g_async_queue_new ();
  g_async_queue_timeout_pop (q, (guint64) us);
  g_async_queue_unref (q);
}

static unsigned
keyframe_requests (peer *p)
{
  g_mutex_lock (&p->m);
  unsigned n = p->keyframe_requests;
  g_mutex_unlock (&p->m);
  return n;
}

/* Both send delta frames only; a receiver that lost frames in the outage
 * cannot decode them and asks for a keyframe (PLI): each side must get
 * the other's request, which only happens if RTCP goes out again. */
static void
pli_reaches_both (fixture *f)
{
  peer *both[] = { &f->a, &f->b };
  unsigned before[2] = { keyframe_requests (&f->a), keyframe_requests (&f->b) };
  GAsyncQueue *pace = g_async_queue_new ();
  int64_t end = g_get_monotonic_time () + WAIT_US;
  unsigned i = 1;
  while ((keyframe_requests (&f->a) == before[0]
          || keyframe_requests (&f->b) == before[1])
      && g_get_monotonic_time () < end) {
    GBytes *b = make_vp8 (i++, false);
    for (int k = 0; k < 2; k++)
      g_assert_cmpint (tc_session_push_frame (both[k]->s, TC_MEDIA_VIDEO,
          g_bytes_get_data (b, NULL), g_bytes_get_size (b),
          g_get_monotonic_time (), false), ==, TC_OK);
    g_bytes_unref (b);
    g_async_queue_timeout_pop (pace, 33333);
  }
  g_async_queue_unref (pace);
  g_assert_cmpuint (keyframe_requests (&f->a), >, before[0]);
  g_assert_cmpuint (keyframe_requests (&f->b), >, before[1]);
}

/* The last frames `p` received are the last ones sent (`arg`: counts). */
static gboolean
got_the_last_frames (peer *p, gconstpointer arg)
{
  const frame_counts *n = arg;
  GPtrArray *v = p->frames[TC_MEDIA_VIDEO], *a = p->frames[TC_MEDIA_AUDIO];
  if (v->len == 0 || a->len == 0)
    return FALSE;
  GBytes *last_v = make_vp8 (n->video - 1, vp8_is_key (n->video - 1));
  GBytes *last_a = make_opus (n->audio - 1);
  gboolean ok = g_bytes_equal (((rx_frame *) v->pdata[v->len - 1])->data,
      last_v) && g_bytes_equal (((rx_frame *) a->pdata[a->len - 1])->data,
      last_a);
  g_bytes_unref (last_v);
  g_bytes_unref (last_a);
  return ok;
}

/* Both send `n_video` frames (and audio) and each receives at least all of
 * them, up to the last one sent: frames arrive in order, so nothing of an
 * earlier phase can come later and the next phase counts exactly. */
static void
all_frames_arrive (fixture *f, unsigned n_video)
{
  peer *both[] = { &f->a, &f->b };
  for (int i = 0; i < 2; i++)
    peer_reset_counts (both[i]);
  unsigned n_audio;
  send_media (both, 2, n_video, &n_audio);
  frame_counts all = { n_video, n_audio };
  for (int i = 0; i < 2; i++) {
    g_assert_true (peer_wait (both[i], has_frames, &all));
    g_assert_true (peer_wait (both[i], got_the_last_frames, &all));
  }
}

/* Every 7th packet each side sends is dropped before it leaves: every
 * frame still arrives only if the receiver's NACKs reach the sender. */
static void
nacks_repair_both (fixture *f)
{
  peer *both[] = { &f->a, &f->b };
  for (int i = 0; i < 2; i++) {
    peer_reset_counts (both[i]);
    tc_session_debug_drop_rtp (both[i]->s, 7);
  }
  /* Audio is not repaired (no NACK for Opus); the last frames carry the
   * first 30 over the finish. */
  unsigned n_audio;
  send_media (both, 2, 36, &n_audio);
  frame_counts want = { 30, 0 };
  for (int i = 0; i < 2; i++) {
    g_assert_true (peer_wait (both[i], has_frames, &want));
    tc_session_debug_drop_rtp (both[i]->s, 0);
    g_mutex_lock (&both[i]->m);
    for (unsigned k = 0; k < 30; k++) {
      rx_frame *fr = g_ptr_array_index (both[i]->frames[TC_MEDIA_VIDEO], k);
      GBytes *b = make_vp8 (k, vp8_is_key (k));
      g_assert_true (g_bytes_equal (fr->data, b));
      g_bytes_unref (b);
    }
    g_mutex_unlock (&both[i]->m);
  }
}

/* Media sent into the cut is lost for good: the receivers will need a
 * keyframe once the path is back. */
static void
send_into_the_cut (fixture *f)
{
  peer *senders[] = { &f->a, &f->b };
  unsigned n_audio;
  send_media (senders, 2, 15, &n_audio);
}

static void
test_a_path_back_before_any_restart_carries_media_and_rtcp (void)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  media_flows (&f);
  g_mutex_lock (&f.pair->m);
  unsigned offers[2] = { f.pair->offers[0], f.pair->offers[1] };
  g_mutex_unlock (&f.pair->m);
  peer_reset_counts (&f.a);
  peer_reset_counts (&f.b);
  cut_path ();
  send_into_the_cut (&f);
  WAIT_STATE (&f.a, TC_SESSION_RECONNECTING);
  WAIT_STATE (&f.b, TC_SESSION_RECONNECTING);
  restore_path ();
  g_assert_true (peer_wait (&f.a, connected_again, NULL));
  g_assert_true (peer_wait (&f.b, connected_again, NULL));
  pli_reaches_both (&f);
  media_flows (&f);
  g_mutex_lock (&f.pair->m);
  g_assert_cmpuint (f.pair->offers[0], ==, offers[0]);  /* no restart */
  g_assert_cmpuint (f.pair->offers[1], ==, offers[1]);
  g_mutex_unlock (&f.pair->m);
  g_assert_cmpuint (f.a.errors + f.b.errors, ==, 0);
  fixture_stop (&f);
}

/* Cut for 12 s: past libnice 0.1.21's 10 s consent timeout and the
 * restart grace, so `restarter` restarts ICE during the outage. */
static void
long_cut_then_media (fixture *f, int restarter)
{
  media_flows (f);
  g_mutex_lock (&f->pair->m);
  unsigned before = f->pair->offers[restarter];
  g_mutex_unlock (&f->pair->m);
  peer_reset_counts (&f->a);
  peer_reset_counts (&f->b);
  cut_path ();
  send_into_the_cut (f);
  outage_lasts (12 * G_USEC_PER_SEC);
  g_mutex_lock (&f->pair->m);
  f->pair->drop_later_offers[0] = false;
  g_mutex_unlock (&f->pair->m);
  restore_path ();
  g_assert_true (pair_wait_offers (f->pair, restarter, before + 1,
      RECOVERY_WAIT_US));
  g_assert_true (peer_wait (&f->a, connected_again, NULL));
  g_assert_true (peer_wait (&f->b, connected_again, NULL));
  pli_reaches_both (f);
  media_flows (f);
  g_assert_cmpuint (f->a.errors + f->b.errors, ==, 0);
}

static void
test_after_a_long_cut_the_offerers_restart_carries_media_and_rtcp (void)
{
  with_restarter (long_cut_then_media, 0);
}

static void
test_after_a_long_cut_the_answerers_restart_carries_media_and_rtcp (void)
{
  with_restarter (long_cut_then_media, 1);
}

/* libnice 0.1.21's consent freshness revokes a pair whose keepalives went
 * unanswered for 10 s and, when the pair answers again, reports it
 * connected while refusing to send on it. Media flowing both ways is proof
 * enough that the path is alive: the call stays `connected` throughout,
 * and afterwards media and RTCP go both ways. */
static void
unanswered_keepalives (bool offers_lost)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  media_flows (&f);
  /* Like a browser that stays connected and never restarts: what the
   * offerer might offer to restart never reaches the answerer. */
  g_mutex_lock (&f.pair->m);
  f.pair->drop_later_offers[0] = offers_lost;
  g_mutex_unlock (&f.pair->m);
  peer *both[] = { &f.a, &f.b };
  size_t mark[2];
  for (int i = 0; i < 2; i++) {
    g_mutex_lock (&both[i]->m);
    mark[i] = both[i]->states->len;
    g_mutex_unlock (&both[i]->m);
  }
  drop_stun_answers ();
  unsigned n_audio;
  send_media (both, 2, 13 * 30, &n_audio);  /* 13 s, past libnice's 10 s */
  restore_path ();
  all_frames_arrive (&f, 3 * 30);  /* the answers are back */
  for (int i = 0; i < 2; i++) {
    g_mutex_lock (&both[i]->m);
    g_test_message ("%s states since: %s", both[i]->name,
        both[i]->states->str + mark[i]);
    g_assert_false (state_changed_since (both[i], mark[i]));
    g_mutex_unlock (&both[i]->m);
  }
  nacks_repair_both (&f);
  g_assert_cmpuint (f.a.errors + f.b.errors, ==, 0);
  fixture_stop (&f);
}

static void
test_unanswered_keepalives_do_not_end_a_path_that_carries_media (void)
{
  unanswered_keepalives (false);
}

static void
test_unanswered_keepalives_with_restart_offers_lost (void)
{
  unanswered_keepalives (true);
}

/* ---- random loss is not a lost path --------------------------------------- */


static void
test_random_loss_never_makes_the_path_look_lost (void)
{
  fixture f;
  if (!fixture_start (&f))
    return;
  media_flows (&f);
  size_t mark[2];
  peer *both[] = { &f.a, &f.b };
  for (int i = 0; i < 2; i++) {
    g_mutex_lock (&both[i]->m);
    mark[i] = both[i]->states->len;
    g_mutex_unlock (&both[i]->m);
  }
  for (int i = 0; i < 2; i++)
    peer_reset_counts (both[i]);
  lossy_path (10);
  unsigned n_audio;
  send_media (both, 2, 32 * 30, &n_audio);  /* 32 s, past libnice's 10 s */
  restore_path ();
  for (int i = 0; i < 2; i++) {
    g_mutex_lock (&both[i]->m);
    g_test_message ("%s under loss: %u video, %u audio frames of %u, %u; "
        "states: %s", both[i]->name, both[i]->frames[TC_MEDIA_VIDEO]->len,
        both[i]->frames[TC_MEDIA_AUDIO]->len, 32 * 30, n_audio,
        both[i]->states->str + mark[i]);
    g_assert_false (state_changed_since (both[i], mark[i]));
    g_assert_cmpuint (both[i]->errors, ==, 0);
    g_mutex_unlock (&both[i]->m);
  }
  all_frames_arrive (&f, 30);
  media_flows (&f);
  fixture_stop (&f);
}

/* ---- a path cut before the first connection ------------------------------ */

static gboolean
call_failed (peer *p, gconstpointer arg)
{
  (void) arg;
  return p->call_failures > 0 && p->state == TC_SESSION_FAILED;
}

/* A fresh call of A (offers) and B, started with the path cut. Sides
 * whose `rechecks` is false stop checking once libnice gave up, as a
 * libnice peer or a browser that gave up would (tc_session_debug_recheck). */
static bool
start_cut (fixture *f, bool a_rechecks, bool b_rechecks)
{
  if (skip_reason != NULL) {
    g_test_skip (skip_reason);
    return false;
  }
  f->pair = pair_new ();
  f->pair->no_recheck[0] = !a_rechecks;
  f->pair->no_recheck[1] = !b_rechecks;
  pair_peers_init (f->pair, f->slots, &f->a, &f->b);
  cut_path ();
  start_on (&f->a, &f->slots[0], true);
  start_on (&f->b, &f->slots[1], true);
  return true;
}

static void
wait_both_failed (fixture *f)
{
  g_assert_true (peer_wait_us (&f->a, call_failed, NULL, RECOVERY_WAIT_US));
  g_assert_true (peer_wait_us (&f->b, call_failed, NULL, RECOVERY_WAIT_US));
  for (peer *p = &f->a; p != NULL; p = p == &f->a ? &f->b : NULL) {
    g_mutex_lock (&p->m);
    g_assert_cmpint (p->error, ==, TC_ERR_NOT_CONNECTED);
    g_assert_cmpuint (p->connected, ==, 0);
    g_mutex_unlock (&p->m);
  }
}

/* Restores the path and waits until both are connected and media went
 * both ways; returns restore -> media in ms and logs the timeline (`t0`
 * the start, `t_failed` both failed or 0). */
static int64_t
restore_until_media (fixture *f, int64_t t0, int64_t t_failed)
{
  int64_t t_restored = g_get_monotonic_time ();
  restore_path ();
  g_assert_true (peer_wait (&f->a, connected_again, NULL));
  g_assert_true (peer_wait (&f->b, connected_again, NULL));
  int64_t t_connected = g_get_monotonic_time ();
  media_flows (f);
  int64_t t_media = g_get_monotonic_time ();
  char *failed = t_failed != 0 ? g_strdup_printf ("both failed %"
      G_GINT64_FORMAT " ms, ", (t_failed - t0) / 1000) : g_strdup ("");
  g_test_message ("timeline: start -> %srestore %" G_GINT64_FORMAT " ms; "
      "restore -> both connected %" G_GINT64_FORMAT " ms, -> media both "
      "ways %" G_GINT64_FORMAT " ms (10 frames of it sent in real time)",
      failed, (t_restored - t0) / 1000, (t_connected - t_restored) / 1000,
      (t_media - t_restored) / 1000);
  g_free (failed);
  g_assert_cmpuint (f->a.left + f->b.left, ==, 0);
  g_mutex_lock (&f->pair->m);
  g_assert_cmpuint (f->pair->joins, ==, 1);  /* the same call */
  g_mutex_unlock (&f->pair->m);
  return (t_media - t_restored) / 1000;
}

/* The bound: media flows both ways within 2 s of the restore. */
#define RESTORED_MEDIA_MS 2000

/* The path is cut before the call ever connected: ICE finds none and the
 * call fails on both sides, not fatally (the sessions stay in the room),
 * and the path is restored. Media then flows both ways in the same call,
 * no new PEER_JOINED: */
static void
failed_then_restored (bool rechecks)
{
  fixture f;
  if (!start_cut (&f, rechecks, rechecks))
    return;
  int64_t t0 = g_get_monotonic_time ();
  wait_both_failed (&f);
  int64_t t_failed = g_get_monotonic_time ();
  g_mutex_lock (&f.pair->m);
  unsigned offers[2] = { f.pair->offers[0], f.pair->offers[1] };
  g_mutex_unlock (&f.pair->m);
  int64_t media_ms = restore_until_media (&f, t0, t_failed);
  g_mutex_lock (&f.pair->m);
  if (rechecks) {
    g_assert_cmpint (media_ms, <, RESTORED_MEDIA_MS);
    g_assert_cmpuint (f.pair->offers[0], ==, offers[0]);  /* no restart */
    g_assert_cmpuint (f.pair->offers[1], ==, offers[1]);
  } else {
    g_assert_cmpuint (f.pair->offers[0], >, offers[0]);  /* A restarted */
  }
  g_mutex_unlock (&f.pair->m);
  fixture_stop (&f);
}

/* Peers that stop checking (libnice alone) need the offerer's ICE
 * restart, as the web client makes it 4 s after `failed`; the failed
 * answerer accepts that offer. */
static void
test_a_call_failed_before_connecting_is_restarted_after_the_restore (void)
{
  failed_then_restored (false);
}

/* Where each side goes on checking after libnice gave up (ice_recheck.c),
 * the first check after the restore gets an answer, libnice connects the
 * component it had called failed, and both sessions take the call up
 * again: media within 2 s of the restore, without waiting for a restart. */
static void
test_a_call_failed_before_connecting_has_media_within_2_s_of_the_restore (void)
{
  failed_then_restored (true);
}

/* The link is down when the call starts and comes back 5 s later, before
 * anything connected (libnice gave its pairs up at 2 s and would call
 * them failed at 7 s): media flows both ways within 2 s of the restore,
 * in the same call. Each role does it on its own, against a peer that
 * stopped checking: */
static void
link_down_5_s (bool a_rechecks, bool b_rechecks)
{
  fixture f;
  if (!start_cut (&f, a_rechecks, b_rechecks))
    return;
  int64_t t0 = g_get_monotonic_time ();
  outage_lasts (5 * G_USEC_PER_SEC);
  g_assert_cmpint (restore_until_media (&f, t0, 0), <, RESTORED_MEDIA_MS);
  fixture_stop (&f);
}

static void
test_a_link_down_for_5_s_before_the_first_connection (void)
{
  link_down_5_s (true, true);
}

/* ... the offerer's checks bring it back ... */
static void
test_a_link_down_for_5_s_before_the_first_connection_offerer_alone (void)
{
  link_down_5_s (true, false);
}

/* ... and the answerer's. */
static void
test_a_link_down_for_5_s_before_the_first_connection_answerer_alone (void)
{
  link_down_5_s (false, true);
}

/* ---- pacing through a small token bucket --------------------------------- */

#define TBF_RATE_BPS 4000000
#define TBF_KEYFRAMES 8

/* Every datagram of the namespace (both directions cross lo) through a
 * token bucket of TBF_RATE_BPS with a 15 kB burst and 40 ms of queue, as a
 * small home router's uplink: a burst beyond ~35 kB is dropped. */
static void
token_bucket (bool on)
{
  char *cmd = on ? g_strdup_printf ("tc qdisc add dev lo root tbf rate %ubit "
      "burst 15kb latency 40ms", TBF_RATE_BPS)
      : g_strdup ("tc qdisc del dev lo root");
  g_assert_true (own_netns_run (cmd));
  g_free (cmd);
}

static uint64_t
nacks_sent (peer *p)
{
  tc_session_stats st;
  tc_session_get_stats (p->s, &st);
  return st.dir[1].nacks;
}

/* TBF_KEYFRAMES 150 kB keyframes, one a second (a camera with a short
 * keyframe interval at 1080p), from A to B; the packets B found missing
 * and asked for again. */
static uint64_t
keyframes_through_the_bucket (fixture *f)
{
  uint64_t before = nacks_sent (&f->b);
  GBytes *b = big_keyframe ();
  for (int i = 0; i < TBF_KEYFRAMES; i++) {
    g_assert_cmpint (tc_session_push_frame (f->a.s, TC_MEDIA_VIDEO,
        g_bytes_get_data (b, NULL), g_bytes_get_size (b),
        g_get_monotonic_time (), true), ==, TC_OK);
    g_usleep (G_USEC_PER_SEC);  /* the camera's keyframe interval */
  }
  g_bytes_unref (b);
  return nacks_sent (&f->b) - before;
}

/* The same keyframes through the same bucket, paced (by the send-side
 * estimate, as the web client's browser does) and then as one burst each
 * (tc_session_debug_pacing off): pacing loses far fewer packets. The
 * counts are METRIC lines for the note. */
static void
test_keyframes_through_a_token_bucket_lose_less_paced (void)
{
  fixture f;
  if (skip_reason != NULL) {
    g_test_skip (skip_reason);
    return;
  }
  f.pair = pair_new ();
  start_one_way_1080p (f.pair, f.slots, &f.a, &f.b);
  token_bucket (true);
  uint64_t paced = keyframes_through_the_bucket (&f);
  tc_session_debug_pacing (f.a.s, false);
  uint64_t unpaced = keyframes_through_the_bucket (&f);
  token_bucket (false);
  g_test_message ("METRIC tbf-keyframe-nacks paced=%" G_GUINT64_FORMAT
      " unpaced=%" G_GUINT64_FORMAT " (%d keyframes of %d packets each)",
      paced, unpaced, TBF_KEYFRAMES, BIG_KEYFRAME / 1200);
  g_assert_cmpuint (unpaced, >, 0);
  g_assert_cmpuint (paced * 2, <, unpaced);
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
  g_test_add_func ("/session/recovery/path-back-before-restart",
      test_a_path_back_before_any_restart_carries_media_and_rtcp);
  g_test_add_func ("/session/recovery/long-cut-offerer-restart",
      test_after_a_long_cut_the_offerers_restart_carries_media_and_rtcp);
  g_test_add_func ("/session/recovery/long-cut-answerer-restart",
      test_after_a_long_cut_the_answerers_restart_carries_media_and_rtcp);
  g_test_add_func ("/session/recovery/unanswered-keepalives-keep-the-path",
      test_unanswered_keepalives_do_not_end_a_path_that_carries_media);
  g_test_add_func ("/session/recovery/unanswered-keepalives-no-restart",
      test_unanswered_keepalives_with_restart_offers_lost);
  g_test_add_func ("/session/recovery/failed-before-connecting-restarted",
      test_a_call_failed_before_connecting_is_restarted_after_the_restore);
  g_test_add_func ("/session/recovery/failed-before-connecting-media-in-2s",
      test_a_call_failed_before_connecting_has_media_within_2_s_of_the_restore);
  g_test_add_func ("/session/recovery/link-down-5s-before-first-connection",
      test_a_link_down_for_5_s_before_the_first_connection);
  g_test_add_func ("/session/recovery/link-down-5s-offerer-alone",
      test_a_link_down_for_5_s_before_the_first_connection_offerer_alone);
  g_test_add_func ("/session/recovery/link-down-5s-answerer-alone",
      test_a_link_down_for_5_s_before_the_first_connection_answerer_alone);
  g_test_add_func ("/session/recovery/keyframes-through-a-token-bucket",
      test_keyframes_through_a_token_bucket_lose_less_paced);
  g_test_add_func ("/session/lossy/random-loss-keeps-the-path",
      test_random_loss_never_makes_the_path_look_lost);
  return g_test_run ();
}
