/* relay_hub.h - the relay's protocol logic: clients, handshakes, rooms,
 * publish fan-out, limits and deadlines. No sockets, no clock.
 *
 * The I/O layer (relay_server.c) reports what happens on each connection;
 * the hub answers through a relay_sink: "send this message to that
 * connection", "close that connection", "ping it". The same hub runs under
 * unit tests and the fuzzer with a recording sink, so everything the relay
 * decides can be checked without a network.
 *
 * Protocol summary (ScaleDrone v3 as spoken by scaledrone-node@1.5.0):
 *   handshake   -> {callback,client_id} | {callback,error}
 *   subscribe   -> {callback} | {callback,error}; for observable-* rooms
 *                  the subscriber then gets observable_members (everyone, in
 *                  join order, itself included) and the others
 *                  observable_member_join; a repeated subscribe gets the
 *                  callback only (resending the list was an amplifier)
 *   publish     -> {type:publish,...} to every subscriber, the sender included
 *   unsubscribe -> others get observable_member_leave (also on disconnect)
 *   authenticate-> {callback} | {callback,error} (with a JWT secret only:
 *                  then subscribe and publish need a valid token whose
 *                  permissions allow the room; see relay_jwt.h)
 * Errors for frames without a callback are {type:"error",error:SENTENCE}.
 *
 * Ownership: the hub owns its clients; a relay_client pointer is valid from
 * relay_hub_connect() until relay_hub_disconnect() or relay_hub_free().
 * Threads: everything runs on the relay's one service thread.
 */
#ifndef RELAY_HUB_H
#define RELAY_HUB_H

#include <glib.h>
#include <stddef.h>

#include "relay_msg.h"
#include "relay_stats.h"

/* Websocket close codes the hub uses (RFC 6455 section 7.4.1). */
#define RELAY_CLOSE_NORMAL 1000
#define RELAY_CLOSE_GOING_AWAY 1001
#define RELAY_CLOSE_PROTOCOL 1002
#define RELAY_CLOSE_POLICY 1008
#define RELAY_CLOSE_TOO_BIG 1009

/* Close reasons. The flood one contains "exceeded" on purpose: that word
 * tells scaledrone-node not to reconnect. */
#define RELAY_REASON_FLOOD "Message rate limit exceeded"
#define RELAY_REASON_IDLE "Connection idle for too long"
#define RELAY_REASON_HANDSHAKE "No handshake received in time"
#define RELAY_REASON_SHUTDOWN "Relay is shutting down"

/* What one client is charged for what the relay sends because of it
 * (replies, its publishes times the room's members, its join announced to
 * the others): one rate token per this many bytes, on top of the token
 * each of its messages costs. */
#define RELAY_BYTES_PER_TOKEN 16384

/* How many rooms one connection may be in at once. */
#define RELAY_MAX_ROOMS_PER_CLIENT 32

typedef struct relay_hub relay_hub;
typedef struct relay_client relay_client;

/* The I/O layer's side. `io` is the pointer given to relay_hub_connect().
 * None of these may call back into the hub before returning. */
typedef struct {
  /* Queue `msg` for sending; take a reference to keep it. */
  void (*send) (void *io, relay_msg *msg);
  /* Close after what is already queued has been sent. */
  void (*close) (void *io, int code, const char *reason);
  /* Send a websocket ping. */
  void (*ping) (void *io);
} relay_sink;

typedef struct {
  /* Accepted channel ids, NULL-terminated; NULL or empty accepts any
   * non-empty channel. Copied by relay_hub_new(). */
  const char *const *channels;
  guint max_members;          /* per room, >= 1 */
  size_t max_message_bytes;   /* only quoted in the "too large" error */
  guint rate;                 /* frames per second per client; 0 = no limit */
  gint64 handshake_timeout_us;/* 0 disables */
  gint64 idle_timeout_us;     /* 0 disables idle closing and pings */
  /* HS256 secret for ScaleDrone JWT authentication; NULL: no
   * authentication (authenticate is refused, everything else allowed). */
  const char *jwt_secret;
  /* Unix time in seconds for publish timestamps; NULL means the real clock.
   * Tests pass a fixed one. */
  gint64 (*wall_clock_s) (void);
  /* Client ids start with a join counter, so they sort in join order
   * (tests choose the offerer by joining last); the rest stays random. */
  gboolean ordered_ids;
} relay_hub_config;

/* Both arguments are copied. */
relay_hub *relay_hub_new (const relay_hub_config *cfg, const relay_sink *sink);
/* Frees the hub and any clients still connected, telling nobody. NULL-safe. */
void relay_hub_free (relay_hub *hub);

/* A websocket connection was established. `now_us` is monotonic time. */
relay_client *relay_hub_connect (relay_hub *hub, void *io, gint64 now_us);
/* The connection is gone: leaves every room (telling the others) and frees
 * `client`. */
void relay_hub_disconnect (relay_hub *hub, relay_client *client);

/* Something arrived from the client (any frame or a pong): it is alive. */
void relay_hub_heard (relay_hub *hub, relay_client *client, gint64 now_us);

/* One complete text message arrived. `text` need not be NUL-terminated. */
void relay_hub_receive (relay_hub *hub, relay_client *client,
    const char *text, size_t len, gint64 now_us);

typedef enum {
  RELAY_REJECT_TOO_LARGE,  /* over max_message_bytes: close 1009 at once */
  RELAY_REJECT_BINARY,     /* a binary message: an error reply */
  RELAY_REJECT_UNMASKED,   /* an unmasked frame (RFC 6455 5.1): close 1002 */
  RELAY_REJECT_PROTOCOL,   /* a frame no client may send: close 1002 */
} relay_reject;

/* A message or frame arrived that the I/O layer could not pass on. */
void relay_hub_reject (relay_hub *hub, relay_client *client, relay_reject why,
    gint64 now_us);

/* `frames` control frames or continuation fragments arrived: each costs
 * what a message costs, with the same at most one error reply a second,
 * and a client that keeps sending them is closed (1008) like any flooder. */
void relay_hub_charge (relay_hub *hub, relay_client *client, unsigned frames,
    gint64 now_us);

/* Applies deadlines: pings quiet clients, closes idle ones and ones that
 * never completed a handshake. Call about once a second or more often. */
void relay_hub_tick (relay_hub *hub, gint64 now_us);

/* Asks every connection to close (shutdown). */
void relay_hub_close_all (relay_hub *hub, int code, const char *reason);

/* Counters, writable so the I/O layer can add its own (slow readers). */
relay_stats *relay_hub_stats (relay_hub *hub);
guint relay_hub_room_count (const relay_hub *hub);
guint relay_hub_client_count (const relay_hub *hub);
/* The local serial number of a client, for log lines ("[c12]"). */
guint relay_client_serial (const relay_client *client);

#endif
