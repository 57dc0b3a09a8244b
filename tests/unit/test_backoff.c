/* test_backoff.c - reconnect delays: the reference's linear, jittered
 * schedule, capped, with the randomness pinned by the test. */
#include <glib.h>

#include "signal/backoff.h"

typedef struct {
  const char *name;
  unsigned attempt, base_ms, max_ms;
  double unit;
  unsigned want_ms;
} delay_case;

static const delay_case delay_cases[] = {
  {"the first retry waits half the base at the lowest draw", 1, 1000, 30000,
    0.0, 500},
  {"the first retry waits the base at the middle draw", 1, 1000, 30000, 0.5,
    1000},
  {"the first retry stays below one and a half bases", 1, 1000, 30000, 0.999,
    1499},
  {"the delay grows linearly with the attempt", 4, 1000, 30000, 0.5, 4000},
  {"late attempts are capped at the maximum", 40, 1000, 30000, 0.5, 30000},
  {"the cap applies after the jitter", 21, 1000, 30000, 0.999, 30000},
  {"attempt zero means no wait", 0, 1000, 30000, 0.7, 0},
  {"a small base from the config is honoured", 3, 100, 30000, 0.5, 300},
  {"a draw above the range counts as the top", 1, 1000, 30000, 7.0, 1500},
  {"a negative draw counts as the bottom", 1, 1000, 30000, -1.0, 500},
  {"huge attempt counts do not overflow", 4000000000u, 4000000000u, 30000,
    0.5, 30000},
};

static void
test_delay_case (gconstpointer data)
{
  const delay_case *c = data;
  g_assert_cmpuint (tc_backoff_delay_ms (c->attempt, c->base_ms, c->max_ms,
          c->unit), ==, c->want_ms);
}

static void
test_nan_draw (void)
{
  g_assert_cmpuint (tc_backoff_delay_ms (2, 1000, 30000, 0.0 / 0.0), ==, 1000);
}

/* A scripted random source: returns its values in turn. */
typedef struct {
  const double *values;
  unsigned next;
} script;

static double
scripted (void *data)
{
  script *s = data;
  return s->values[s->next++];
}

static void
test_schedule_and_give_up (void)
{
  static const double draws[] = {0.5, 0.0, 0.9, 0.5};
  script s = {draws, 0};
  tc_backoff b;
  tc_backoff_init (&b, 1000, 2500, 3, scripted, &s);
  unsigned ms;
  g_assert_true (tc_backoff_next (&b, &ms));
  g_assert_cmpuint (ms, ==, 1000);
  g_assert_true (tc_backoff_next (&b, &ms));
  g_assert_cmpuint (ms, ==, 1000);  /* 2 * 1000 * 0.5 */
  g_assert_true (tc_backoff_next (&b, &ms));
  g_assert_cmpuint (ms, ==, 2500);  /* 3 * 1000 * 1.4, capped */
  g_assert_false (tc_backoff_next (&b, &ms));
  g_assert_cmpuint (s.next, ==, 3);  /* no draw after giving up */
}

static void
test_reset_after_success (void)
{
  static const double draws[] = {0.5, 0.5, 0.5};
  script s = {draws, 0};
  tc_backoff b;
  tc_backoff_init (&b, 1000, 30000, 25, scripted, &s);
  unsigned ms;
  tc_backoff_next (&b, &ms);
  tc_backoff_next (&b, &ms);
  g_assert_cmpuint (ms, ==, 2000);
  tc_backoff_reset (&b);
  tc_backoff_next (&b, &ms);
  g_assert_cmpuint (ms, ==, 1000);
}

static void
test_defaults (void)
{
  tc_backoff b;
  tc_backoff_init (&b, 0, 0, 0, NULL, NULL);
  g_assert_cmpuint (b.base_ms, ==, 1000);
  g_assert_cmpuint (b.max_ms, ==, 30000);
  g_assert_cmpuint (b.max_attempts, ==, 25);
  /* With GLib's generator every delay stays in the jitter band. */
  for (unsigned i = 1; i <= 25; i++) {
    unsigned ms;
    g_assert_true (tc_backoff_next (&b, &ms));
    g_assert_cmpuint (ms, >=, MIN (i * 500, 30000));
    g_assert_cmpuint (ms, <=, MIN (i * 1500, 30000));
  }
  unsigned ms;
  g_assert_false (tc_backoff_next (&b, &ms));

  /* A cap below the base is raised to the base. */
  tc_backoff_init (&b, 5000, 1000, 1, NULL, NULL);
  g_assert_cmpuint (b.max_ms, ==, 5000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (delay_cases); i++) {
    char *path = g_strdup_printf ("/backoff/%s", delay_cases[i].name);
    g_test_add_data_func (path, &delay_cases[i], test_delay_case);
    g_free (path);
  }
  g_test_add_func ("/backoff/a NaN draw counts as the bottom", test_nan_draw);
  g_test_add_func ("/backoff/retries follow the draws and stop at the limit",
      test_schedule_and_give_up);
  g_test_add_func ("/backoff/a successful connection starts over",
      test_reset_after_success);
  g_test_add_func ("/backoff/zero settings mean the reference's defaults",
      test_defaults);
  return g_test_run ();
}
