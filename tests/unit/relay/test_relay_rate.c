/* test_relay_rate.c - token bucket, flood policy and connection deadlines.
 * All pure functions of time, so time is just a number here. */
#include <glib.h>

#include "relay_flood.h"
#include "relay_rate.h"
#include "relay_timers.h"

#define SEC 1000000
#define T0 ((int64_t) 1000 * SEC) /* an arbitrary monotonic start */

static int
take_n (relay_rate *r, int n, int64_t now)
{
  int taken = 0;
  for (int i = 0; i < n; i++)
    taken += relay_rate_take (r, now);
  return taken;
}

static void
test_bucket_starts_full (void)
{
  relay_rate r;
  relay_rate_init (&r, 5, 10, T0);
  g_assert_cmpint (take_n (&r, 20, T0), ==, 10);
}

static void
test_bucket_refills_at_rate (void)
{
  /* Rows: time since emptying, tokens available then (rate 5/s, burst 10). */
  static const struct { int64_t after_us; int tokens; } rows[] = {
    { 0, 0 },
    { SEC / 5 - 1, 0 },     /* just under one token's worth */
    { SEC / 5, 1 },
    { SEC, 5 },
    { 2 * SEC, 10 },
    { 3600LL * SEC, 10 },   /* never more than the burst */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    relay_rate r;
    relay_rate_init (&r, 5, 10, T0);
    take_n (&r, 10, T0);
    g_assert_cmpint (take_n (&r, 100, T0 + rows[i].after_us), ==,
        rows[i].tokens);
  }
}

static void
test_bucket_ignores_clock_going_back (void)
{
  relay_rate r;
  relay_rate_init (&r, 5, 10, T0);
  take_n (&r, 10, T0);
  g_assert_cmpint (take_n (&r, 10, T0 - SEC), ==, 0);
  g_assert_cmpint (take_n (&r, 10, T0 + SEC), ==, 5);
}

static void
test_bucket_steady_rate (void)
{
  /* Exactly at the rate, forever: every event passes. */
  relay_rate r;
  relay_rate_init (&r, 50, 100, T0);
  for (int i = 0; i < 1000; i++)
    g_assert_true (relay_rate_take (&r, T0 + (int64_t) i * SEC / 50));
}

static void
test_flood_burst_then_drop (void)
{
  relay_flood f;
  relay_flood_init (&f, 5, T0);
  for (int i = 0; i < 10; i++)
    g_assert_cmpint (relay_flood_check (&f, T0), ==, RELAY_FLOOD_PASS);
  /* The first drop is explained to the client, the next ones are silent. */
  g_assert_cmpint (relay_flood_check (&f, T0), ==, RELAY_FLOOD_DROP_REPLY);
  g_assert_cmpint (relay_flood_check (&f, T0), ==, RELAY_FLOOD_DROP_SILENT);
}

static void
test_flood_reply_once_per_second (void)
{
  relay_flood f;
  relay_flood_init (&f, 1, T0);
  relay_flood_check (&f, T0);
  relay_flood_check (&f, T0);
  g_assert_cmpint (relay_flood_check (&f, T0), ==, RELAY_FLOOD_DROP_REPLY);
  g_assert_cmpint (relay_flood_check (&f, T0 + SEC / 2), ==,
      RELAY_FLOOD_DROP_SILENT);
  /* A second later a token is back: that one passes... */
  g_assert_cmpint (relay_flood_check (&f, T0 + SEC), ==, RELAY_FLOOD_PASS);
  /* ...and the next drop may be explained again. */
  g_assert_cmpint (relay_flood_check (&f, T0 + SEC), ==,
      RELAY_FLOOD_DROP_REPLY);
}

static void
test_flood_keeps_flooding_closes (void)
{
  /* rate 5: 10 pass, 10 are dropped (the patience), the 21st closes. */
  relay_flood f;
  relay_flood_init (&f, 5, T0);
  int passed = 0, dropped = 0;
  relay_flood_verdict v;
  while ((v = relay_flood_check (&f, T0)) != RELAY_FLOOD_CLOSE) {
    if (v == RELAY_FLOOD_PASS)
      passed++;
    else
      dropped++;
    g_assert_cmpint (passed + dropped, <, 100);
  }
  g_assert_cmpint (passed, ==, 10);
  g_assert_cmpint (dropped, ==, 10);
}

static void
test_flood_slight_overshoot_survives (void)
{
  /* 10% over a rate of 20/s for a minute: some drops, never a close. */
  relay_flood f;
  relay_flood_init (&f, 20, T0);
  int dropped = 0;
  for (int i = 0; i < 22 * 60; i++) {
    relay_flood_verdict v = relay_flood_check (&f, T0 + (int64_t) i * SEC / 22);
    g_assert_cmpint (v, !=, RELAY_FLOOD_CLOSE);
    dropped += v != RELAY_FLOOD_PASS;
  }
  g_assert_cmpint (dropped, >, 0);
}

static void
test_flood_double_rate_closes_soon (void)
{
  relay_flood f;
  relay_flood_init (&f, 20, T0);
  int64_t t = T0;
  while (relay_flood_check (&f, t) != RELAY_FLOOD_CLOSE) {
    t += SEC / 40;
    g_assert_cmpint (t - T0, <, 10 * SEC);
  }
}

static void
test_flood_zero_is_unlimited (void)
{
  relay_flood f;
  relay_flood_init (&f, 0, T0);
  for (int i = 0; i < 100000; i++)
    g_assert_cmpint (relay_flood_check (&f, T0), ==, RELAY_FLOOD_PASS);
}

/* Deadlines: handshake 10 s, idle 300 s (pings after 100 s of quiet). */
static const relay_timer_config timer_cfg = {
  .handshake_us = 10LL * SEC,
  .idle_us = 300LL * SEC,
};

static void
test_timers (void)
{
  static const struct {
    const char *what;
    relay_timer_state st;
    int64_t now;
    relay_timer_action want;
  } rows[] = {
    { "fresh connection", { T0, T0, 0, false }, T0, RELAY_TIMER_NONE },
    { "no handshake after 9.9 s", { T0, T0, 0, false },
      T0 + 9900000, RELAY_TIMER_NONE },
    { "no handshake after 10 s", { T0, T0, 0, false },
      T0 + 10LL * SEC, RELAY_TIMER_CLOSE_HANDSHAKE },
    { "handshaken, quiet 99 s", { T0, T0, 0, true },
      T0 + 99LL * SEC, RELAY_TIMER_NONE },
    { "handshaken, quiet 100 s", { T0, T0, 0, true },
      T0 + 100LL * SEC, RELAY_TIMER_PING },
    { "pinged 50 s ago", { T0, T0, T0 + 100LL * SEC, true },
      T0 + 150LL * SEC, RELAY_TIMER_NONE },
    { "pinged 100 s ago, no pong", { T0, T0, T0 + 100LL * SEC, true },
      T0 + 200LL * SEC, RELAY_TIMER_PING },
    { "quiet 300 s", { T0, T0, T0 + 200LL * SEC, true },
      T0 + 300LL * SEC, RELAY_TIMER_CLOSE_IDLE },
    { "pong 10 s ago", { T0, T0 + 290LL * SEC, T0 + 200LL * SEC, true },
      T0 + 300LL * SEC, RELAY_TIMER_NONE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    g_test_message ("%s", rows[i].what);
    g_assert_cmpint (relay_timer_check (&rows[i].st, &timer_cfg, rows[i].now),
        ==, rows[i].want);
  }
}

static void
test_timers_disabled (void)
{
  const relay_timer_config off = { 0, 0 };
  const relay_timer_state st = { T0, T0, 0, false };
  g_assert_cmpint (relay_timer_check (&st, &off, T0 + 86400LL * SEC), ==,
      RELAY_TIMER_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/rate/a new bucket allows a full burst",
      test_bucket_starts_full);
  g_test_add_func ("/relay/rate/an empty bucket refills at the rate",
      test_bucket_refills_at_rate);
  g_test_add_func ("/relay/rate/a clock going back adds nothing",
      test_bucket_ignores_clock_going_back);
  g_test_add_func ("/relay/rate/sending exactly at the rate always passes",
      test_bucket_steady_rate);
  g_test_add_func ("/relay/flood/past the burst frames are dropped",
      test_flood_burst_then_drop);
  g_test_add_func ("/relay/flood/drops are explained at most once a second",
      test_flood_reply_once_per_second);
  g_test_add_func ("/relay/flood/a client that keeps flooding is closed",
      test_flood_keeps_flooding_closes);
  g_test_add_func ("/relay/flood/a slight overshoot is never closed",
      test_flood_slight_overshoot_survives);
  g_test_add_func ("/relay/flood/twice the rate is closed within seconds",
      test_flood_double_rate_closes_soon);
  g_test_add_func ("/relay/flood/rate zero means no limit",
      test_flood_zero_is_unlimited);
  g_test_add_func ("/relay/timers/handshake, ping and idle deadlines",
      test_timers);
  g_test_add_func ("/relay/timers/zero disables every deadline",
      test_timers_disabled);
  return g_test_run ();
}
