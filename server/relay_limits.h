/* relay_limits.h - how many connections the relay holds, in all and per
 * client address, so that no one address (or everyone together) can take
 * every file descriptor.
 *
 * Addresses are counted by key: an IPv4 address as is; an IPv6 address by
 * its /64 (one host or one home usually holds a whole /64, so counting
 * single addresses would be no limit at all); an IPv4-mapped IPv6 address
 * as the IPv4 address it maps.
 *
 * Pure bookkeeping. Threads: use from one thread.
 */
#ifndef RELAY_LIMITS_H
#define RELAY_LIMITS_H

#include <glib.h>
#include <sys/socket.h>

typedef struct relay_limits relay_limits;

typedef enum {
  RELAY_ADMIT_OK,
  RELAY_ADMIT_FULL,         /* max_total connections are open */
  RELAY_ADMIT_ADDRESS_FULL, /* this address holds max_per_address */
} relay_admit;

/* Both limits must be at least 1. */
relay_limits *relay_limits_new (guint max_total, guint max_per_address);
void relay_limits_free (relay_limits *lim);

/* The counting key of a peer address (caller frees), or NULL for a family
 * that is not counted per address (e.g. a unix socket). */
char *relay_limits_key (const struct sockaddr *addr, socklen_t len);

/* Counts a new connection from `key` (NULL: count it in the total only)
 * if the limits allow it. */
relay_admit relay_limits_admit (relay_limits *lim, const char *key);
/* Forgets one connection admitted with `key`. */
void relay_limits_release (relay_limits *lim, const char *key);

guint relay_limits_total (const relay_limits *lim);

/* Defaults for a process allowed `nofile` descriptors: the total leaves a
 * sixteenth (at least 16) for everything else the relay opens; one address
 * may hold a quarter of the total, at most 256 (enough for a busy NAT,
 * far too few to starve the others). Both are at least 1. */
void relay_limits_defaults (guint64 nofile, guint *max_total,
    guint *max_per_address);

#endif
