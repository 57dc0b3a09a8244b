/* test_receive_log.c - which seqs to NACK (RFC 4585 Generic NACK input). */
#include <glib.h>

#include "rtp/receive_log.h"

#define MS 1000
#define RTT (50 * MS)

static tc_receive_log *
receive_log (size_t window, unsigned retries, int64_t min_interval_us)
{
  tc_receive_log_config cfg = {
    .window = window,
    .max_retries = retries,
    .min_retry_interval_us = min_interval_us,
  };
  tc_receive_log *log = tc_receive_log_new (&cfg);
  g_assert_nonnull (log);
  return log;
}

static void
add_all (tc_receive_log *log, const guint16 *seqs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    tc_receive_log_add (log, seqs[i]);
}

/* Asks for NACKs at `now` and checks they are exactly `want`. */
static void
assert_nacks (tc_receive_log *log, int64_t now, const guint16 *want,
    size_t n_want)
{
  guint16 out[64];
  size_t n = tc_receive_log_nacks (log, now, RTT, out, G_N_ELEMENTS (out));
  g_assert_cmpmem (out, n * sizeof out[0], want, n_want * sizeof want[0]);
}

/* A hole waits the reorder allowance before its first NACK; a packet that
 * was only late fills it meanwhile and is never NACKed. */
static void
test_a_hole_waits_the_reorder_allowance_before_its_nack (void)
{
  tc_receive_log_config cfg = { .window = 64, .max_retries = 3,
    .min_retry_interval_us = 20 * MS, .reorder_us = 10 * MS };
  tc_receive_log *log = tc_receive_log_new (&cfg);
  static const guint16 with_holes[] = { 1, 2, 4, 6 };
  add_all (log, with_holes, G_N_ELEMENTS (with_holes));
  assert_nacks (log, 100 * MS, NULL, 0);          /* seen: 3 and 5 */
  assert_nacks (log, 105 * MS, NULL, 0);
  tc_receive_log_add (log, 3);                    /* late, not lost */
  static const guint16 want[] = { 5 };
  assert_nacks (log, 110 * MS, want, 1);
  tc_receive_log_free (log);
}

static void
test_nack_list_is_the_holes_in_arrival_oldest_first (void)
{
  static const struct {
    const char *what;
    guint16 arrived[8];
    size_t n_arrived;
    guint16 missing[8];
    size_t n_missing;
  } cases[] = {
    {"in order: nothing", {1, 2, 3, 4}, 4, {0}, 0},
    {"one hole", {1, 2, 4}, 3, {3}, 1},
    {"two holes", {10, 12, 15}, 3, {11, 13, 14}, 3},
    {"reordered, then filled", {1, 3, 2, 4}, 4, {0}, 0},
    {"wrap 65535 -> 0", {65532, 65533, 1}, 3, {65534, 65535, 0}, 3},
    {"wrap with late arrival", {65534, 2, 65535, 1}, 4, {0}, 1},
    {"seqs before the first are never missing", {100, 98, 101}, 3, {0}, 0},
    {"duplicates change nothing", {5, 5, 7, 7}, 4, {6}, 1},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].what);
    tc_receive_log *log = receive_log (64, 3, 10 * MS);
    add_all (log, cases[i].arrived, cases[i].n_arrived);
    g_assert_cmpuint (tc_receive_log_missing (log), ==, cases[i].n_missing);
    assert_nacks (log, 0, cases[i].missing, cases[i].n_missing);
    tc_receive_log_free (log);
  }
}

static void
test_retries_are_spaced_by_rtt_or_the_floor (void)
{
  tc_receive_log *log = receive_log (64, 5, 10 * MS);
  static const guint16 arrived[] = {1, 3};
  static const guint16 two[] = {2};
  add_all (log, arrived, G_N_ELEMENTS (arrived));

  assert_nacks (log, 0, two, 1);                   /* first try at once */
  assert_nacks (log, 0, NULL, 0);
  assert_nacks (log, RTT - 1, NULL, 0);            /* RTT (50 ms) > floor */
  assert_nacks (log, RTT, two, 1);                 /* second try */

  /* With a tiny RTT the floor (10 ms) spaces the tries. */
  guint16 out[4];
  g_assert_cmpuint (tc_receive_log_nacks (log, RTT + 9 * MS, 1, out, 4), ==,
      0);
  g_assert_cmpuint (tc_receive_log_nacks (log, RTT + 10 * MS, 1, out, 4), ==,
      1);
  g_assert_cmpuint (out[0], ==, 2);
  tc_receive_log_free (log);
}

static void
test_gives_up_on_a_seq_after_k_tries (void)
{
  const unsigned k = 3;
  tc_receive_log *log = receive_log (64, k, 0);
  static const guint16 arrived[] = {65535, 1};
  static const guint16 zero[] = {0};
  add_all (log, arrived, G_N_ELEMENTS (arrived));
  for (unsigned t = 0; t < k; t++)
    assert_nacks (log, (int64_t) t * RTT, zero, 1);
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 1);
  assert_nacks (log, (int64_t) k * RTT, NULL, 0);  /* gave up */
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 0);
  g_assert_cmpuint (tc_receive_log_given_up (log), ==, 1);
  assert_nacks (log, 100 * RTT, NULL, 0);

  /* A late arrival after giving up is simply recorded. */
  tc_receive_log_add (log, 0);
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 0);
  tc_receive_log_free (log);
}

static void
test_an_arrival_stops_its_nacks (void)
{
  tc_receive_log *log = receive_log (64, 5, 0);
  static const guint16 arrived[] = {10, 14};
  static const guint16 first[] = {11, 12, 13};
  static const guint16 after[] = {11, 13};
  add_all (log, arrived, G_N_ELEMENTS (arrived));
  assert_nacks (log, 0, first, 3);
  tc_receive_log_add (log, 12);  /* the retransmission arrived */
  assert_nacks (log, RTT, after, 2);
  tc_receive_log_free (log);
}

static void
test_holes_older_than_the_window_are_forgotten (void)
{
  tc_receive_log *log = receive_log (16, 5, 0);
  tc_receive_log_add (log, 0);
  tc_receive_log_add (log, 2);     /* 1 missing */
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 1);
  for (guint16 s = 3; s <= 16; s++)
    tc_receive_log_add (log, s);
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 1);  /* window 1..16 */
  tc_receive_log_add (log, 17);    /* window 2..17: 1 falls out */
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 0);
  assert_nacks (log, 0, NULL, 0);

  /* A jump far beyond the window keeps only the window's worth of holes. */
  tc_receive_log_add (log, 1000);
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 15);
  guint16 out[64];
  size_t n = tc_receive_log_nacks (log, 0, RTT, out, G_N_ELEMENTS (out));
  g_assert_cmpuint (n, ==, 15);
  g_assert_cmpuint (out[0], ==, 985);
  g_assert_cmpuint (out[14], ==, 999);

  /* Too old to matter: ignored. */
  tc_receive_log_add (log, 900);
  g_assert_cmpuint (tc_receive_log_missing (log), ==, 15);
  tc_receive_log_free (log);
}

static void
test_the_list_respects_the_callers_capacity (void)
{
  tc_receive_log *log = receive_log (64, 5, 0);
  tc_receive_log_add (log, 0);
  tc_receive_log_add (log, 11);  /* 1..10 missing */
  guint16 out[4];
  g_assert_cmpuint (tc_receive_log_nacks (log, 0, RTT, out, 4), ==, 4);
  g_assert_cmpuint (out[0], ==, 1);
  g_assert_cmpuint (out[3], ==, 4);
  /* The rest is due on the next call; the first four are not yet. */
  g_assert_cmpuint (tc_receive_log_nacks (log, 0, RTT, out, 4), ==, 4);
  g_assert_cmpuint (out[0], ==, 5);
  tc_receive_log_free (log);
}

static void
test_new_refuses_configs_out_of_range (void)
{
  static const tc_receive_log_config bad[] = {
    {.window = 8, .max_retries = 3},
    {.window = 100, .max_retries = 3},            /* not a power of two */
    {.window = 65536, .max_retries = 3},
    {.window = 64, .max_retries = 0},
    {.window = 64, .max_retries = 256},
    {.window = 64, .max_retries = 3, .min_retry_interval_us = -1},
    {.window = 64, .max_retries = 3, .reorder_us = -1},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (tc_receive_log_new (&bad[i]));
  tc_receive_log_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/receive-log/reorder-allowance",
      test_a_hole_waits_the_reorder_allowance_before_its_nack);
  g_test_add_func ("/rtp/receive-log/nack-list-is-the-holes-in-arrival-oldest-first",
      test_nack_list_is_the_holes_in_arrival_oldest_first);
  g_test_add_func ("/rtp/receive-log/retries-are-spaced-by-rtt-or-the-floor",
      test_retries_are_spaced_by_rtt_or_the_floor);
  g_test_add_func ("/rtp/receive-log/gives-up-on-a-seq-after-k-tries",
      test_gives_up_on_a_seq_after_k_tries);
  g_test_add_func ("/rtp/receive-log/an-arrival-stops-its-nacks",
      test_an_arrival_stops_its_nacks);
  g_test_add_func ("/rtp/receive-log/holes-older-than-the-window-are-forgotten",
      test_holes_older_than_the_window_are_forgotten);
  g_test_add_func ("/rtp/receive-log/the-list-respects-the-callers-capacity",
      test_the_list_respects_the_callers_capacity);
  g_test_add_func ("/rtp/receive-log/new-refuses-configs-out-of-range",
      test_new_refuses_configs_out_of_range);
  return g_test_run ();
}
