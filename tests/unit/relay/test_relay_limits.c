/* test_relay_limits.c - connection counting per address and in all. */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>

#include "relay_limits.h"

static char *
key4 (const char *text)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  g_assert_cmpint (inet_pton (AF_INET, text, &a.sin_addr), ==, 1);
  return relay_limits_key ((struct sockaddr *) &a, sizeof a);
}

static char *
key6 (const char *text)
{
  struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
  g_assert_cmpint (inet_pton (AF_INET6, text, &a.sin6_addr), ==, 1);
  return relay_limits_key ((struct sockaddr *) &a, sizeof a);
}

static void
test_keys (void)
{
  char *k;
  g_assert_cmpstr ((k = key4 ("192.0.2.7")), ==, "192.0.2.7");
  g_free (k);
  /* One /64 is one key; an IPv4-mapped address is its IPv4 address. */
  g_assert_cmpstr ((k = key6 ("2001:db8:1:2:aaaa::1")), ==, "2001:db8:1:2::/64");
  g_free (k);
  g_assert_cmpstr ((k = key6 ("2001:db8:1:2:bbbb::9")), ==, "2001:db8:1:2::/64");
  g_free (k);
  g_assert_cmpstr ((k = key6 ("::ffff:192.0.2.7")), ==, "192.0.2.7");
  g_free (k);
  struct sockaddr un = { .sa_family = AF_UNIX };
  g_assert_null (relay_limits_key (&un, sizeof un));
}

static void
test_per_address_and_total (void)
{
  relay_limits *lim = relay_limits_new (4, 2);
  g_assert_cmpint (relay_limits_admit (lim, "a"), ==, RELAY_ADMIT_OK);
  g_assert_cmpint (relay_limits_admit (lim, "a"), ==, RELAY_ADMIT_OK);
  g_assert_cmpint (relay_limits_admit (lim, "a"), ==,
      RELAY_ADMIT_ADDRESS_FULL);
  g_assert_cmpint (relay_limits_admit (lim, "b"), ==, RELAY_ADMIT_OK);
  g_assert_cmpint (relay_limits_admit (lim, NULL), ==, RELAY_ADMIT_OK);
  g_assert_cmpint (relay_limits_admit (lim, "c"), ==, RELAY_ADMIT_FULL);
  g_assert_cmpuint (relay_limits_total (lim), ==, 4);
  /* A refusal counts nothing; a release frees a place for its address. */
  relay_limits_release (lim, "a");
  g_assert_cmpint (relay_limits_admit (lim, "a"), ==, RELAY_ADMIT_OK);
  relay_limits_release (lim, "a");
  relay_limits_release (lim, "a");
  relay_limits_release (lim, "b");
  relay_limits_release (lim, NULL);
  g_assert_cmpuint (relay_limits_total (lim), ==, 0);
  relay_limits_free (lim);
}

static void
test_defaults_follow_the_descriptor_limit (void)
{
  guint total, per;
  relay_limits_defaults (1024, &total, &per);
  g_assert_cmpuint (total, ==, 960);
  g_assert_cmpuint (per, ==, 240);
  relay_limits_defaults (1048576, &total, &per);
  g_assert_cmpuint (total, ==, 983040);
  g_assert_cmpuint (per, ==, 256);
  relay_limits_defaults (64, &total, &per);
  g_assert_cmpuint (total, ==, 48);
  g_assert_cmpuint (per, ==, 12);
  relay_limits_defaults (3, &total, &per);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (per, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/limits/addresses are counted by IPv4 or IPv6 /64",
      test_keys);
  g_test_add_func ("/relay/limits/per address and in all",
      test_per_address_and_total);
  g_test_add_func ("/relay/limits/defaults follow the descriptor limit",
      test_defaults_follow_the_descriptor_limit);
  return g_test_run ();
}
