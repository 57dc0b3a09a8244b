/* relay_limits.c - connection counting (see relay_limits.h). */
#include "relay_limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

struct relay_limits {
  GHashTable *per_address;  /* key (owned) -> count, as a pointer */
  guint total;
  guint max_total;
  guint max_per_address;
};

relay_limits *
relay_limits_new (guint max_total, guint max_per_address)
{
  g_return_val_if_fail (max_total >= 1 && max_per_address >= 1, NULL);
  relay_limits *lim = g_new0 (relay_limits, 1);
  lim->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  lim->max_total = max_total;
  lim->max_per_address = max_per_address;
  return lim;
}

void
relay_limits_free (relay_limits *lim)
{
  if (lim == NULL)
    return;
  g_hash_table_destroy (lim->per_address);
  g_free (lim);
}

char *
relay_limits_key (const struct sockaddr *addr, socklen_t len)
{
  char text[INET6_ADDRSTRLEN + 4];
  if (addr->sa_family == AF_INET && len >= sizeof (struct sockaddr_in)) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *) addr;
    return g_strdup (inet_ntop (AF_INET, &v4->sin_addr, text, sizeof text));
  }
  if (addr->sa_family != AF_INET6 || len < sizeof (struct sockaddr_in6))
    return NULL;
  struct in6_addr a = ((const struct sockaddr_in6 *) addr)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED (&a))
    return g_strdup (inet_ntop (AF_INET, &a.s6_addr[12], text, sizeof text));
  memset (&a.s6_addr[8], 0, 8);
  inet_ntop (AF_INET6, &a, text, sizeof text);
  return g_strconcat (text, "/64", NULL);
}

relay_admit
relay_limits_admit (relay_limits *lim, const char *key)
{
  if (lim->total >= lim->max_total)
    return RELAY_ADMIT_FULL;
  if (key != NULL) {
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (lim->per_address, key));
    if (n >= lim->max_per_address)
      return RELAY_ADMIT_ADDRESS_FULL;
    g_hash_table_insert (lim->per_address, g_strdup (key),
        GUINT_TO_POINTER (n + 1));
  }
  lim->total++;
  return RELAY_ADMIT_OK;
}

void
relay_limits_release (relay_limits *lim, const char *key)
{
  if (lim->total > 0)
    lim->total--;
  if (key == NULL)
    return;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (lim->per_address, key));
  if (n <= 1)
    g_hash_table_remove (lim->per_address, key);
  else
    g_hash_table_insert (lim->per_address, g_strdup (key),
        GUINT_TO_POINTER (n - 1));
}

guint
relay_limits_total (const relay_limits *lim)
{
  return lim->total;
}

void
relay_limits_defaults (guint64 nofile, guint *max_total,
    guint *max_per_address)
{
  guint64 reserve = MAX (nofile / 16, 16);
  guint64 total = nofile > reserve ? nofile - reserve : 1;
  *max_total = (guint) MIN (total, G_MAXINT);
  *max_per_address = MAX (1, MIN (256, *max_total / 4));
}
