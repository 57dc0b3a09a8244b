/* own_netns.h - a test process in a network namespace of its own, with an
 * nftables input chain for the test's rules: what the integration tests
 * that cut, drop or shape their traffic share (test_session_recovery.c,
 * test_gst_mtu.c). Nothing else lives in the namespace, and it goes away
 * with the process.
 *
 * Header-only (static functions) so each test program stays one file.
 * Call own_netns_enter before any thread exists: the threads (sessions,
 * GStreamer) inherit the namespace.
 */
#ifndef TC_OWN_NETNS_H
#define TC_OWN_NETNS_H

#include <glib.h>
#include <sched.h>
#include <stdbool.h>
#include <unistd.h>

/* Runs a command line; false (and a test message) when it failed. */
static G_GNUC_UNUSED bool
own_netns_run (const char *cmd)
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

/* Enters a new namespace with loopback up and the table `table` holding an
 * input chain "input" (inet family). NULL when done, else why the tests
 * must be skipped. */
static G_GNUC_UNUSED const char *
own_netns_enter (const char *table)
{
  if (geteuid () != 0)
    return "needs root for a network namespace and nftables";
  if (unshare (CLONE_NEWNET) != 0)
    return "unshare(CLONE_NEWNET) is not permitted here";
  gchar *add_table = g_strdup_printf ("nft add table inet %s", table);
  gchar *add_chain = g_strdup_printf ("nft add chain inet %s input "
      "{ type filter hook input priority 0 ; policy accept ; }", table);
  bool ok = own_netns_run ("ip link set lo up") && own_netns_run (add_table)
      && own_netns_run (add_chain);
  g_free (add_table);
  g_free (add_chain);
  return ok ? NULL : "ip or nft failed in the new namespace";
}

#endif
