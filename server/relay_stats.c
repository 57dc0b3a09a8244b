/* relay_stats.c - counter names and the one-line report. */
#include "relay_stats.h"

static const char *const stat_names[RELAY_STAT_COUNT_] = {
  [RELAY_STAT_CONNECTIONS] = "connections_total",
  [RELAY_STAT_HANDSHAKES] = "handshakes",
  [RELAY_STAT_SUBSCRIBES] = "subscribes",
  [RELAY_STAT_FRAMES] = "frames_received",
  [RELAY_STAT_PUBLISHED] = "messages_published",
  [RELAY_STAT_DELIVERED] = "messages_relayed",
  [RELAY_STAT_ERR_MALFORMED] = "errors_malformed",
  [RELAY_STAT_ERR_NOT_HANDSHAKEN] = "errors_not_handshaken",
  [RELAY_STAT_ERR_PROTOCOL] = "errors_protocol",
  [RELAY_STAT_ERR_CHANNEL] = "errors_unknown_channel",
  [RELAY_STAT_ERR_ROOM_FULL] = "errors_room_full",
  [RELAY_STAT_ERR_TOO_MANY_ROOMS] = "errors_too_many_rooms",
  [RELAY_STAT_ERR_NOT_SUBSCRIBED] = "errors_not_subscribed",
  [RELAY_STAT_ERR_TOO_LARGE] = "errors_too_large",
  [RELAY_STAT_ERR_BINARY] = "errors_binary",
  [RELAY_STAT_ERR_RATE] = "errors_rate_limited",
  [RELAY_STAT_ERR_INTERNAL] = "errors_internal",
  [RELAY_STAT_CLOSED_FLOOD] = "closed_flood",
  [RELAY_STAT_CLOSED_IDLE] = "closed_idle",
  [RELAY_STAT_CLOSED_HANDSHAKE] = "closed_handshake_timeout",
  [RELAY_STAT_CLOSED_SLOW] = "closed_slow_reader",
  [RELAY_STAT_CLOSED_TOO_LARGE] = "closed_too_large",
  [RELAY_STAT_CLOSED_PROTOCOL] = "closed_protocol_error",
  [RELAY_STAT_AUTHENTICATED] = "authenticated",
  [RELAY_STAT_ERR_AUTH] = "errors_authentication",
  [RELAY_STAT_ERR_FORBIDDEN] = "errors_forbidden",
  [RELAY_STAT_REFUSED_FULL] = "refused_connection_limit",
  [RELAY_STAT_REFUSED_ADDRESS] = "refused_address_limit",
};

const char *
relay_stat_name (relay_stat which)
{
  if ((unsigned) which >= RELAY_STAT_COUNT_)
    return "unknown";
  return stat_names[which];
}

void
relay_stats_format (const relay_stats *stats, guint rooms_open, GString *out)
{
  g_string_append_printf (out,
      "tempchat-relay stats: connections_open=%u connections_peak=%u"
      " rooms_open=%u rooms_peak=%u",
      stats->connections_open, stats->connections_peak, rooms_open,
      stats->rooms_peak);
  for (int i = 0; i < RELAY_STAT_COUNT_; i++)
    g_string_append_printf (out, " %s=%" G_GUINT64_FORMAT,
        stat_names[i], stats->count[i]);
  g_string_append_c (out, '\n');
}
