/* test_ice_recheck.c - when we send connectivity checks of our own before
 * the first connection (ice_recheck.c): after libnice's own checks of a
 * pair are over, at a steady pace, for a bounded time, and never once a
 * pair worked or in relay-only mode. No socket, no clock.
 */
#include <glib.h>

#include "net/ice_recheck.h"

static const char *
action_str (tc_ice_recheck_action a)
{
  switch (a) {
    case TC_ICE_RECHECK_WAIT: return "wait";
    case TC_ICE_RECHECK_SEND: return "send";
    case TC_ICE_RECHECK_STOP: return "stop";
  }
  return "?";
}

static void
test_checks_go_on_after_libnices_until_the_first_connection (void)
{
  static const struct {
    bool ever_connected, relay_only;
    int64_t since_ms;
    tc_ice_recheck_action want;
  } table[] = {
    { false, false, 0, TC_ICE_RECHECK_WAIT },     /* libnice checks now */
    { false, false, 1999, TC_ICE_RECHECK_WAIT },
    { false, false, 2000, TC_ICE_RECHECK_SEND },  /* it gave the pairs up */
    { false, false, 9000, TC_ICE_RECHECK_SEND },  /* it said failed too */
    { false, false, 29999, TC_ICE_RECHECK_SEND },
    { false, false, 30000, TC_ICE_RECHECK_STOP }, /* restarts take over */
    { true, false, 0, TC_ICE_RECHECK_STOP },      /* a restart after media */
    { true, false, 5000, TC_ICE_RECHECK_STOP },
    { false, true, 0, TC_ICE_RECHECK_STOP },      /* host sockets stay quiet */
    { false, true, 5000, TC_ICE_RECHECK_STOP },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpstr (action_str (tc_ice_recheck_action_at (
        table[i].ever_connected, table[i].relay_only, table[i].since_ms)), ==,
        action_str (table[i].want));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ice/recheck/after-libnice-until-connected",
      test_checks_go_on_after_libnices_until_the_first_connection);
  return g_test_run ();
}
