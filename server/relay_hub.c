/* relay_hub.c - ScaleDrone v3 protocol state machine (see relay_hub.h). */
#include "relay_hub.h"

#include <string.h>

#include "relay_flood.h"
#include "relay_frame.h"
#include "relay_id.h"
#include "relay_jwt.h"
#include "relay_log.h"
#include "relay_perms.h"
#include "relay_registry.h"
#include "relay_reply.h"
#include "relay_timers.h"

/* Rooms with this prefix announce their members (TempChat's rooms do). */
#define ROOM_JOINED (1u << 8)
#define ALL_PERMS (RELAY_PERM_SUBSCRIBE | RELAY_PERM_PUBLISH)
#define OBSERVABLE_PREFIX "observable-"

struct relay_client {
  void *io;
  guint serial;
  char id[RELAY_CLIENT_ID_LEN + 1];
  json_t *client_data;        /* owned; JSON null until the handshake */
  char *channel;              /* owned; NULL until the handshake */
  relay_perms *perms;         /* owned; NULL until authenticated */
  gboolean handshaken;
  gboolean closing;           /* close requested: ignore it from now on */
  /* Rooms it is in: name (owned) -> relay_perm bits it has there, plus
   * ROOM_JOINED so that no value is NULL. */
  GHashTable *rooms;
  relay_flood flood;
  guint64 bytes_owed;         /* sent on its behalf, not yet charged */
  relay_timer_state timers;
};

struct relay_hub {
  relay_sink sink;
  GStrv channels;             /* NULL: any channel */
  char *jwt_secret;           /* NULL: no authentication */
  guint rate;
  relay_timer_config timers;
  gint64 (*wall_clock_s) (void);
  char *too_large_text;
  char *rate_text;
  relay_registry *registry;
  GHashTable *clients;        /* set of relay_client (owned) */
  guint64 sent;               /* bytes queued while handling one frame */
  guint next_serial;
  gboolean ordered_ids;
  guint joins;                /* handshakes so far, for ordered ids */
  relay_stats stats;
};

/* Ordered ids: a 6-digit join counter, then random characters. */
#define RELAY_ORDERED_DIGITS 6
#define RELAY_ORDERED_MODULUS 1000000u

static gint64
real_clock_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

relay_hub *
relay_hub_new (const relay_hub_config *cfg, const relay_sink *sink)
{
  g_return_val_if_fail (cfg != NULL && sink != NULL, NULL);
  g_return_val_if_fail (cfg->max_members >= 1, NULL);
  relay_hub *hub = g_new0 (relay_hub, 1);
  hub->sink = *sink;
  if (cfg->channels != NULL && cfg->channels[0] != NULL)
    hub->channels = g_strdupv ((char **) cfg->channels);
  hub->rate = cfg->rate;
  hub->jwt_secret = g_strdup (cfg->jwt_secret);
  hub->timers.handshake_us = cfg->handshake_timeout_us;
  hub->timers.idle_us = cfg->idle_timeout_us;
  hub->wall_clock_s = cfg->wall_clock_s ? cfg->wall_clock_s : real_clock_s;
  hub->ordered_ids = cfg->ordered_ids;
  /* Both sentences name the limit so the user knows what was crossed. */
  hub->too_large_text = g_strdup_printf (
      "Message exceeds the %zu-byte limit",
      cfg->max_message_bytes);
  hub->rate_text = g_strdup_printf ("Message rate limit exceeded (%u per "
      "second); messages are being dropped", cfg->rate);
  hub->registry = relay_registry_new (cfg->max_members);
  hub->clients = g_hash_table_new (NULL, NULL);
  return hub;
}

static void
client_free (relay_client *c)
{
  json_decref (c->client_data);
  g_hash_table_destroy (c->rooms);
  relay_perms_free (c->perms);
  g_free (c->channel);
  g_free (c);
}

void
relay_hub_free (relay_hub *hub)
{
  if (hub == NULL)
    return;
  GHashTableIter it;
  gpointer c;
  g_hash_table_iter_init (&it, hub->clients);
  while (g_hash_table_iter_next (&it, &c, NULL))
    client_free (c);
  g_hash_table_destroy (hub->clients);
  relay_registry_free (hub->registry);
  g_strfreev (hub->channels);
  if (hub->jwt_secret != NULL)
    memset (hub->jwt_secret, 0, strlen (hub->jwt_secret));
  g_free (hub->jwt_secret);
  g_free (hub->too_large_text);
  g_free (hub->rate_text);
  g_free (hub);
}

/* --- sending -------------------------------------------------------------- */

/* Hands `msg` to the sink unless the client is on its way out. Borrows
 * `msg`; a NULL one (serialization failed) is counted, not sent. */
static void
send_to (relay_hub *hub, relay_client *c, relay_msg *msg)
{
  if (msg == NULL) {
    relay_stats_inc (&hub->stats, RELAY_STAT_ERR_INTERNAL);
  } else if (!c->closing) {
    hub->sink.send (c->io, msg);
    hub->sent += relay_msg_len (msg);
  }
}

/* Like send_to(), but consumes `msg`. */
static void
send_take (relay_hub *hub, relay_client *c, relay_msg *msg)
{
  send_to (hub, c, msg);
  relay_msg_unref (msg);
}

/* Sends `msg` (consumed) to every member of `members` except `except`,
 * in join order. */
static void
broadcast_take (relay_hub *hub, const GPtrArray *members, relay_msg *msg,
    const relay_client *except)
{
  for (guint i = 0; members != NULL && i < members->len; i++) {
    if (members->pdata[i] != except)
      send_to (hub, members->pdata[i], msg);
  }
  relay_msg_unref (msg);
}

static void
send_error (relay_hub *hub, relay_client *c, const relay_frame *f,
    const char *sentence, relay_stat stat)
{
  relay_stats_inc (&hub->stats, stat);
  gboolean has_cb = f != NULL && f->has_callback;
  send_take (hub, c, relay_reply_error (has_cb, has_cb ? f->callback : 0,
      sentence));
}

static void
send_ok (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  if (f->has_callback)
    send_take (hub, c, relay_reply_ok (f->callback));
}

static void leave_all (relay_hub *hub, relay_client *c);

/* From here on nothing is done for `c`: it leaves its rooms at once (the
 * others hear it now, not when the socket is finally gone, and no fan-out
 * visits it), and nothing more is sent to it or read from it. */
static void
close_client (relay_hub *hub, relay_client *c, int code, const char *reason,
    relay_stat stat)
{
  if (c->closing)
    return;
  relay_stats_inc (&hub->stats, stat);
  c->closing = TRUE;
  leave_all (hub, c);
  hub->sink.close (c->io, code, reason);
  relay_debug ("[c%u] closing: %s", c->serial, reason);
}

/* --- connections ---------------------------------------------------------- */

relay_client *
relay_hub_connect (relay_hub *hub, void *io, gint64 now_us)
{
  relay_client *c = g_new0 (relay_client, 1);
  c->io = io;
  c->serial = ++hub->next_serial;
  c->client_data = json_null ();
  c->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  relay_flood_init (&c->flood, hub->rate, now_us);
  c->timers.connected_us = now_us;
  c->timers.last_rx_us = now_us;
  g_hash_table_add (hub->clients, c);

  relay_stats_inc (&hub->stats, RELAY_STAT_CONNECTIONS);
  hub->stats.connections_open++;
  hub->stats.connections_peak =
      MAX (hub->stats.connections_peak, hub->stats.connections_open);
  relay_debug ("[c%u] connected", c->serial);
  return c;
}

/* --- rooms ---------------------------------------------------------------- */

static gboolean
is_observable (const char *room)
{
  return g_str_has_prefix (room, OBSERVABLE_PREFIX);
}

/* The registry's key for `room` in the client's channel. Rooms belong to
 * their channel: two apps on one relay may use the same room name and must
 * never see each other. The channel's length comes first so that no pair
 * of (channel, room) can spell another pair's key. */
static char *
room_key (const relay_client *c, const char *room)
{
  return g_strdup_printf ("%zu:%s%s", strlen (c->channel), c->channel, room);
}

static relay_msg *
member_event (relay_member_event ev, const char *room, const relay_client *c)
{
  json_t *member = relay_member_json (c->id, c->client_data);
  relay_msg *msg = member ? relay_reply_member_event (ev, room, member) : NULL;
  json_decref (member);
  return msg;
}

/* observable_members for `room`: everyone in it, oldest first. */
static relay_msg *
members_list (relay_hub *hub, const char *key, const char *room)
{
  const GPtrArray *members = relay_registry_members (hub->registry, key);
  json_t *data = json_array ();
  for (guint i = 0; members != NULL && i < members->len; i++) {
    const relay_client *m = members->pdata[i];
    json_array_append_new (data, relay_member_json (m->id, m->client_data));
  }
  relay_msg *msg = relay_reply_members (room, data);
  json_decref (data);
  return msg;
}

/* Takes `c` out of `room` and tells the remaining members. */
static void
leave_room (relay_hub *hub, relay_client *c, const char *room)
{
  char *key = room_key (c, room);
  if (relay_registry_leave (hub->registry, key, c) && is_observable (room))
    broadcast_take (hub, relay_registry_members (hub->registry, key),
        member_event (RELAY_MEMBER_LEAVE, room, c), c);
  g_free (key);
}

static void
leave_all (relay_hub *hub, relay_client *c)
{
  GHashTableIter it;
  gpointer room;
  g_hash_table_iter_init (&it, c->rooms);
  while (g_hash_table_iter_next (&it, &room, NULL)) {
    leave_room (hub, c, room);
    g_hash_table_iter_remove (&it);
  }
}

/* What `c` may do in `room`: everything when the relay has no JWT secret,
 * else what its token permits (nothing before it authenticated). */
static unsigned
room_perms (const relay_hub *hub, const relay_client *c, const char *room)
{
  if (hub->jwt_secret == NULL)
    return ALL_PERMS;
  return c->perms != NULL ? relay_perms_for_room (c->perms, room) : 0;
}

static gboolean
permitted (relay_hub *hub, relay_client *c, const relay_frame *f,
    unsigned perms, relay_perm need)
{
  if (perms & need)
    return TRUE;
  const char *sentence = c->perms == NULL ? "Authenticate first"
      : need == RELAY_PERM_SUBSCRIBE ? "Not permitted to subscribe to this room"
      : "Not permitted to publish to this room";
  send_error (hub, c, f, sentence, RELAY_STAT_ERR_FORBIDDEN);
  return FALSE;
}

static void
handle_subscribe (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  unsigned perms = room_perms (hub, c, f->room);
  if (!permitted (hub, c, f, perms, RELAY_PERM_SUBSCRIBE))
    return;
  gboolean again = g_hash_table_contains (c->rooms, f->room);
  if (!again && g_hash_table_size (c->rooms) >= RELAY_MAX_ROOMS_PER_CLIENT) {
    send_error (hub, c, f, "Too many rooms for one connection",
        RELAY_STAT_ERR_TOO_MANY_ROOMS);
    return;
  }
  char *key = room_key (c, f->room);
  if (relay_registry_join (hub->registry, key, c) == RELAY_JOIN_FULL) {
    send_error (hub, c, f, "Room is full", RELAY_STAT_ERR_ROOM_FULL);
    g_free (key);
    return;
  }
  g_hash_table_insert (c->rooms, g_strdup (f->room),
      GUINT_TO_POINTER (perms | ROOM_JOINED));
  relay_stats_inc (&hub->stats, RELAY_STAT_SUBSCRIBES);
  hub->stats.rooms_peak = MAX (hub->stats.rooms_peak,
      relay_registry_room_count (hub->registry));
  send_ok (hub, c, f);
  /* A repeated subscribe changes nothing: the client has the list and the
   * others know it. Rebuilding and resending the list (up to max_members
   * times RELAY_MAX_CLIENT_DATA) for every repeat was an amplifier. */
  if (is_observable (f->room) && !again) {
    send_take (hub, c, members_list (hub, key, f->room));
    broadcast_take (hub, relay_registry_members (hub->registry, key),
        member_event (RELAY_MEMBER_JOIN, f->room, c), c);
  }
  g_free (key);
  relay_debug ("[c%u] subscribed", c->serial);
}

static void
handle_unsubscribe (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  /* Idempotent: leaving a room one is not in is not an error. */
  leave_room (hub, c, f->room);
  g_hash_table_remove (c->rooms, f->room);
  send_ok (hub, c, f);
}

static void
handle_publish (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  unsigned perms = GPOINTER_TO_UINT (g_hash_table_lookup (c->rooms, f->room));
  if (perms == 0) {
    send_error (hub, c, f, "Subscribe to the room before publishing to it",
        RELAY_STAT_ERR_NOT_SUBSCRIBED);
    return;
  }
  if (!permitted (hub, c, f, perms, RELAY_PERM_PUBLISH))
    return;
  char mid[RELAY_MESSAGE_ID_LEN + 1];
  if (!relay_id_generate (mid, RELAY_MESSAGE_ID_LEN)) {
    send_error (hub, c, f, "Internal error", RELAY_STAT_ERR_INTERNAL);
    return;
  }
  relay_msg *msg = relay_reply_publish (f->room, f->message, c->id, mid,
      hub->wall_clock_s ());
  char *key = room_key (c, f->room);
  const GPtrArray *members = relay_registry_members (hub->registry, key);
  g_free (key);
  relay_stats_inc (&hub->stats, RELAY_STAT_PUBLISHED);
  hub->stats.count[RELAY_STAT_DELIVERED] += members->len;
  broadcast_take (hub, members, msg, NULL);
}

/* --- authentication ------------------------------------------------------- */

/* Why a verified token still does not fit this connection, or NULL. */
static const char *
claims_mismatch (const relay_client *c, const relay_jwt_claims *claims)
{
  if (strcmp (claims->channel, c->channel) != 0)
    return "Token is for another channel";
  if (claims->client == NULL || strcmp (claims->client, c->id) != 0)
    return "Token is for another client";
  if (claims->data != NULL
      && json_dumpb (claims->data, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY)
         > RELAY_MAX_CLIENT_DATA)
    return "Token 'data' must be at most 4096 bytes of JSON";
  return NULL;
}

/* A new token replaces the old one, and with it what the client may do in
 * the rooms it is in already. Its "data" claim, as with ScaleDrone, is
 * the client's data in observable rooms from now on (members who already
 * know the client keep what they were told). */
static void
apply_token (relay_hub *hub, relay_client *c, relay_perms *perms,
    json_t *data)
{
  relay_perms_free (c->perms);
  c->perms = perms;
  if (data != NULL) {
    json_decref (c->client_data);
    c->client_data = json_incref (data);
  }
  GHashTableIter it;
  gpointer room, bits;
  g_hash_table_iter_init (&it, c->rooms);
  while (g_hash_table_iter_next (&it, &room, &bits))
    g_hash_table_iter_replace (&it, GUINT_TO_POINTER (ROOM_JOINED
        | relay_perms_for_room (perms, room)));
}

static void
handle_authenticate (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  if (hub->jwt_secret == NULL) {
    send_error (hub, c, f, "Authentication is not enabled on this relay",
        RELAY_STAT_ERR_AUTH);
    return;
  }
  relay_jwt_claims claims;
  relay_jwt_status st = relay_jwt_check (f->token, f->token_len,
      (const uint8_t *) hub->jwt_secret, strlen (hub->jwt_secret),
      hub->wall_clock_s (), &claims);
  const char *problem = st != RELAY_JWT_OK ? relay_jwt_status_str (st)
                        : claims_mismatch (c, &claims);
  relay_perms *perms = problem == NULL
                       ? relay_perms_new (claims.permissions) : NULL;
  if (problem == NULL && perms == NULL)
    problem = "Token 'permissions' must map at most 32 valid regexes to "
              "{publish, subscribe} booleans";
  if (problem == NULL)
    apply_token (hub, c, perms, json_is_null (claims.data) ? NULL
                                                          : claims.data);
  relay_jwt_claims_clear (&claims);
  if (problem != NULL) {
    send_error (hub, c, f, problem, RELAY_STAT_ERR_AUTH);
    return;
  }
  relay_stats_inc (&hub->stats, RELAY_STAT_AUTHENTICATED);
  send_ok (hub, c, f);
  relay_debug ("[c%u] authenticated", c->serial);
}

/* --- handshake and dispatch ----------------------------------------------- */

static gboolean
channel_allowed (const relay_hub *hub, const char *channel)
{
  return hub->channels == NULL
         || g_strv_contains ((const char *const *) hub->channels, channel);
}

static void
handle_handshake (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  if (c->handshaken) {
    send_error (hub, c, f, "Handshake already done", RELAY_STAT_ERR_PROTOCOL);
    return;
  }
  /* The sentence never repeats the channel id: errors may be logged by
   * clients, and ids are as private as room names. */
  if (!channel_allowed (hub, f->channel)) {
    send_error (hub, c, f, "Channel not found", RELAY_STAT_ERR_CHANNEL);
    return;
  }
  if (!relay_id_generate (c->id, RELAY_CLIENT_ID_LEN)) {
    send_error (hub, c, f, "Internal error", RELAY_STAT_ERR_INTERNAL);
    return;
  }
  if (hub->ordered_ids) {
    /* Digits: the counter decides any comparison before the random part. */
    char counter[RELAY_ORDERED_DIGITS + 1];
    g_snprintf (counter, sizeof counter, "%0*u", RELAY_ORDERED_DIGITS,
        hub->joins++ % RELAY_ORDERED_MODULUS);
    memcpy (c->id, counter, RELAY_ORDERED_DIGITS);
  }
  json_decref (c->client_data);
  c->client_data = json_incref (f->client_data);
  c->channel = g_strdup (f->channel);
  c->handshaken = TRUE;
  c->timers.handshaken = true;
  relay_stats_inc (&hub->stats, RELAY_STAT_HANDSHAKES);
  if (f->has_callback)
    send_take (hub, c, relay_reply_handshake (f->callback, c->id));
  relay_debug ("[c%u] handshake accepted", c->serial);
}

static void
dispatch (relay_hub *hub, relay_client *c, const relay_frame *f)
{
  if (f->type == RELAY_FRAME_HANDSHAKE) {
    handle_handshake (hub, c, f);
    return;
  }
  if (!c->handshaken) {
    send_error (hub, c, f, "Send a handshake first",
        RELAY_STAT_ERR_NOT_HANDSHAKEN);
    return;
  }
  switch (f->type) {
  case RELAY_FRAME_SUBSCRIBE:
    handle_subscribe (hub, c, f);
    break;
  case RELAY_FRAME_UNSUBSCRIBE:
    handle_unsubscribe (hub, c, f);
    break;
  case RELAY_FRAME_PUBLISH:
    handle_publish (hub, c, f);
    break;
  case RELAY_FRAME_AUTHENTICATE:
    handle_authenticate (hub, c, f);
    break;
  case RELAY_FRAME_HANDSHAKE:
    break;
  }
}

/* Takes one token. Over the rate the client is told (at most once a
 * second); out of patience too, it is closed. Returns whether a token was
 * there. */
static gboolean
take_token (relay_hub *hub, relay_client *c, gint64 now_us)
{
  switch (relay_flood_check (&c->flood, now_us)) {
  case RELAY_FLOOD_PASS:
    return TRUE;
  case RELAY_FLOOD_DROP_REPLY:
    send_error (hub, c, NULL, hub->rate_text, RELAY_STAT_ERR_RATE);
    return FALSE;
  case RELAY_FLOOD_DROP_SILENT:
    relay_stats_inc (&hub->stats, RELAY_STAT_ERR_RATE);
    return FALSE;
  case RELAY_FLOOD_CLOSE:
    close_client (hub, c, RELAY_CLOSE_POLICY, RELAY_REASON_FLOOD,
        RELAY_STAT_CLOSED_FLOOD);
    return FALSE;
  }
  return FALSE;
}

/* Every frame costs a token before anything else is done with it, so a
 * flood of garbage is as cheap to refuse as a flood of valid frames. */
static gboolean
admit (relay_hub *hub, relay_client *c, gint64 now_us)
{
  if (c->closing)
    return FALSE;
  relay_stats_inc (&hub->stats, RELAY_STAT_FRAMES);
  return take_token (hub, c, now_us);
}

/* Charges `c` for what handling its frame made the relay send. */
static void
charge_sent (relay_hub *hub, relay_client *c, gint64 now_us)
{
  if (hub->rate == 0)
    return;
  c->bytes_owed += hub->sent;
  while (c->bytes_owed >= RELAY_BYTES_PER_TOKEN && !c->closing) {
    c->bytes_owed -= RELAY_BYTES_PER_TOKEN;
    take_token (hub, c, now_us);
  }
}

void
relay_hub_heard (relay_hub *hub, relay_client *c, gint64 now_us)
{
  c->timers.last_rx_us = MAX (c->timers.last_rx_us, now_us);
}

void
relay_hub_receive (relay_hub *hub, relay_client *c, const char *text,
    size_t len, gint64 now_us)
{
  relay_hub_heard (hub, c, now_us);
  if (!admit (hub, c, now_us))
    return;
  relay_frame f;
  relay_parse_status st = relay_frame_parse (text, len, &f);
  hub->sent = 0;
  if (st == RELAY_PARSE_OK)
    dispatch (hub, c, &f);
  else
    send_error (hub, c, &f, relay_parse_status_str (st),
        RELAY_STAT_ERR_MALFORMED);
  relay_frame_clear (&f);
  charge_sent (hub, c, now_us);
}

void
relay_hub_reject (relay_hub *hub, relay_client *c, relay_reject why,
    gint64 now_us)
{
  relay_hub_heard (hub, c, now_us);
  switch (why) {
  case RELAY_REJECT_TOO_LARGE:
    /* Closed at once: reading on would cost us the rest of a message that
     * may announce 2^62 bytes. */
    relay_stats_inc (&hub->stats, RELAY_STAT_ERR_TOO_LARGE);
    close_client (hub, c, RELAY_CLOSE_TOO_BIG, hub->too_large_text,
        RELAY_STAT_CLOSED_TOO_LARGE);
    break;
  case RELAY_REJECT_UNMASKED:
    close_client (hub, c, RELAY_CLOSE_PROTOCOL, "Client frames must be "
        "masked", RELAY_STAT_CLOSED_PROTOCOL);
    break;
  case RELAY_REJECT_PROTOCOL:
    close_client (hub, c, RELAY_CLOSE_PROTOCOL, "Invalid websocket frame",
        RELAY_STAT_CLOSED_PROTOCOL);
    break;
  case RELAY_REJECT_BINARY:
    if (admit (hub, c, now_us))
      send_error (hub, c, NULL, "Binary messages are not supported; send "
          "JSON text", RELAY_STAT_ERR_BINARY);
    break;
  }
}

void
relay_hub_charge (relay_hub *hub, relay_client *c, unsigned frames,
    gint64 now_us)
{
  relay_hub_heard (hub, c, now_us);
  for (unsigned i = 0; i < frames; i++) {
    if (c->closing)
      return;
    admit (hub, c, now_us);
  }
}

void
relay_hub_disconnect (relay_hub *hub, relay_client *c)
{
  leave_all (hub, c);
  g_hash_table_remove (hub->clients, c);
  hub->stats.connections_open--;
  relay_debug ("[c%u] disconnected", c->serial);
  client_free (c);
}

/* --- deadlines and shutdown ----------------------------------------------- */

static void
tick_client (relay_hub *hub, relay_client *c, gint64 now_us)
{
  if (c->closing)
    return;
  switch (relay_timer_check (&c->timers, &hub->timers, now_us)) {
  case RELAY_TIMER_NONE:
    break;
  case RELAY_TIMER_PING:
    c->timers.last_ping_us = now_us;
    hub->sink.ping (c->io);
    break;
  case RELAY_TIMER_CLOSE_HANDSHAKE:
    close_client (hub, c, RELAY_CLOSE_POLICY, RELAY_REASON_HANDSHAKE,
        RELAY_STAT_CLOSED_HANDSHAKE);
    break;
  case RELAY_TIMER_CLOSE_IDLE:
    close_client (hub, c, RELAY_CLOSE_NORMAL, RELAY_REASON_IDLE,
        RELAY_STAT_CLOSED_IDLE);
    break;
  }
}

void
relay_hub_tick (relay_hub *hub, gint64 now_us)
{
  GHashTableIter it;
  gpointer c;
  g_hash_table_iter_init (&it, hub->clients);
  while (g_hash_table_iter_next (&it, &c, NULL))
    tick_client (hub, c, now_us);
}

void
relay_hub_close_all (relay_hub *hub, int code, const char *reason)
{
  GHashTableIter it;
  gpointer c;
  g_hash_table_iter_init (&it, hub->clients);
  while (g_hash_table_iter_next (&it, &c, NULL)) {
    relay_client *client = c;
    if (!client->closing) {
      client->closing = TRUE;
      hub->sink.close (client->io, code, reason);
    }
  }
}

relay_stats *
relay_hub_stats (relay_hub *hub)
{
  return &hub->stats;
}

guint
relay_hub_room_count (const relay_hub *hub)
{
  return relay_registry_room_count (hub->registry);
}

guint
relay_hub_client_count (const relay_hub *hub)
{
  return g_hash_table_size (hub->clients);
}

guint
relay_client_serial (const relay_client *c)
{
  return c->serial;
}
