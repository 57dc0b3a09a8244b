/* relay_stats.h - counters, the only thing the relay reports about traffic.
 *
 * Privacy: counters only. Nothing here can name a room, a client, a channel
 * or a message. Printed on shutdown and on SIGUSR1 as one line of
 * `name=value` pairs.
 */
#ifndef RELAY_STATS_H
#define RELAY_STATS_H

#include <glib.h>

typedef enum {
  RELAY_STAT_CONNECTIONS,        /* websocket connections accepted */
  RELAY_STAT_HANDSHAKES,         /* handshakes accepted */
  RELAY_STAT_SUBSCRIBES,         /* room subscriptions accepted */
  RELAY_STAT_FRAMES,             /* client frames received */
  RELAY_STAT_PUBLISHED,          /* publishes accepted */
  RELAY_STAT_DELIVERED,          /* publish copies queued to subscribers */
  RELAY_STAT_ERR_MALFORMED,      /* frames that failed to parse */
  RELAY_STAT_ERR_NOT_HANDSHAKEN, /* requests before a handshake */
  RELAY_STAT_ERR_PROTOCOL,       /* e.g. a second handshake */
  RELAY_STAT_ERR_CHANNEL,        /* unknown channel ids */
  RELAY_STAT_ERR_ROOM_FULL,
  RELAY_STAT_ERR_TOO_MANY_ROOMS,
  RELAY_STAT_ERR_NOT_SUBSCRIBED, /* publish to a room not subscribed to */
  RELAY_STAT_ERR_TOO_LARGE,      /* messages over --max-message-bytes */
  RELAY_STAT_ERR_BINARY,         /* binary frames */
  RELAY_STAT_ERR_RATE,           /* frames dropped by the rate limit */
  RELAY_STAT_ERR_INTERNAL,       /* out of memory, serialization failure */
  RELAY_STAT_CLOSED_FLOOD,       /* closed for flooding (1008) */
  RELAY_STAT_CLOSED_IDLE,        /* closed by the idle timeout */
  RELAY_STAT_CLOSED_HANDSHAKE,   /* closed by the handshake timeout */
  RELAY_STAT_CLOSED_SLOW,        /* closed: send queue over its limit */
  RELAY_STAT_CLOSED_TOO_LARGE,   /* closed: a message over the limit (1009) */
  RELAY_STAT_CLOSED_PROTOCOL,    /* closed: unmasked or invalid frames */
  RELAY_STAT_AUTHENTICATED,      /* tokens accepted */
  RELAY_STAT_ERR_AUTH,           /* tokens refused */
  RELAY_STAT_ERR_FORBIDDEN,      /* requests the token does not permit */
  RELAY_STAT_REFUSED_FULL,       /* refused: --max-connections reached */
  RELAY_STAT_REFUSED_ADDRESS,    /* refused: --max-per-ip reached */
  RELAY_STAT_COUNT_              /* not a counter */
} relay_stat;

typedef struct {
  guint64 count[RELAY_STAT_COUNT_];
  guint connections_open;
  guint connections_peak;
  guint rooms_peak;
} relay_stats;

static inline void
relay_stats_inc (relay_stats *stats, relay_stat which)
{
  stats->count[which]++;
}

/* Stable snake_case name of a counter ("errors_room_full"). */
const char *relay_stat_name (relay_stat which);

/* Appends one line (with '\n') to `out`, e.g.
 * "tempchat-relay stats: connections_open=1 ... closed_slow=0\n".
 * `rooms_open` is the registry's current count. */
void relay_stats_format (const relay_stats *stats, guint rooms_open,
    GString *out);

#endif
