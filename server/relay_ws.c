/* relay_ws.c - lws protocol callback and per-connection I/O (relay_ws.h). */
#include "relay_ws.h"

#include <string.h>

#include "relay_fdguard.h"
#include "relay_log.h"
#include "relay_outq.h"
#include "relay_rxbuf.h"
#include "relay_tap.h"

/* lws_write() writes the frame header in front of the payload. */
G_STATIC_ASSERT (RELAY_MSG_HEADROOM >= LWS_PRE);

/* A connection asked to close gets this long to finish the close
 * handshake before lws drops it, even if the peer stops reading. */
#define CLOSE_GRACE_S 5

/* What our keepalive pings carry (see on_writable). */
static const unsigned char PING_PAYLOAD[4] = { 't', 'c', 'r', 'p' };

/* Close reasons travel in the close frame: at most 123 bytes. */
#define MAX_REASON 123

typedef struct {
  struct lws *wsi;
  int fd;
  relay_ws_shared *shared;
  relay_client *client;
  relay_outq outq;
  relay_rxbuf rx;
  bool binary;          /* the message being received is binary */
  bool ping_due;
  bool close_due;
  bool close_started;   /* we returned -1 once; lws runs the close now */
  int close_code;
  char close_reason[MAX_REASON + 1];
} relay_conn;

/* lws allocates this per connection (zeroed) and frees it after CLOSED. */
typedef struct {
  relay_conn *conn;
} relay_session;

size_t
relay_ws_session_size (void)
{
  return sizeof (relay_session);
}

static relay_ws_shared *
shared_of (struct lws *wsi)
{
  return lws_context_user (lws_get_context (wsi));
}

/* --- the sink: the hub's requests ----------------------------------------- */

static void
request_close (relay_conn *conn, int code, const char *reason)
{
  if (conn->close_due)
    return;
  conn->close_due = true;
  conn->close_code = code;
  g_strlcpy (conn->close_reason, reason, sizeof conn->close_reason);
  /* Nothing more is read: the tap drops input, and a half-received
   * message's buffer (up to the size limit) goes now, not at CLOSED. */
  relay_tap_condemn (conn->fd);
  relay_rxbuf_clear (&conn->rx);
  if (!conn->shared->destroying) {
    lws_set_timeout (conn->wsi, PENDING_TIMEOUT_USER_OK, CLOSE_GRACE_S);
    lws_callback_on_writable (conn->wsi);
  }
}

static void
sink_send (void *io, relay_msg *msg)
{
  relay_conn *conn = io;
  if (conn->close_due || conn->shared->destroying)
    return;
  if (!relay_outq_push (&conn->outq, msg)) {
    /* A reader this far behind would make us buffer without bound. What is
     * queued is dropped so that the close frame goes out next. */
    relay_outq_clear (&conn->outq);
    relay_stats_inc (relay_hub_stats (conn->shared->hub),
        RELAY_STAT_CLOSED_SLOW);
    request_close (conn, RELAY_CLOSE_POLICY, "Send queue limit exceeded");
    return;
  }
  lws_callback_on_writable (conn->wsi);
}

static void
sink_close (void *io, int code, const char *reason)
{
  request_close (io, code, reason);
}

static void
sink_ping (void *io)
{
  relay_conn *conn = io;
  if (conn->close_due || conn->shared->destroying)
    return;
  conn->ping_due = true;
  lws_callback_on_writable (conn->wsi);
}

const relay_sink relay_ws_sink = {
  .send = sink_send,
  .close = sink_close,
  .ping = sink_ping,
};

/* --- what the tap sees before lws parses it -------------------------------- */

static void
tap_frames (void *owner, unsigned extra)
{
  relay_conn *conn = owner;
  relay_hub_charge (conn->shared->hub, conn->client, extra,
      g_get_monotonic_time ());
}

static void
tap_broken (void *owner, relay_meter_verdict verdict)
{
  relay_conn *conn = owner;
  relay_reject why = verdict == RELAY_METER_TOO_LARGE ? RELAY_REJECT_TOO_LARGE
                     : verdict == RELAY_METER_UNMASKED ? RELAY_REJECT_UNMASKED
                     : RELAY_REJECT_PROTOCOL;
  relay_hub_reject (conn->shared->hub, conn->client, why,
      g_get_monotonic_time ());
}

static const relay_tap_handler tap_handler = { tap_frames, tap_broken };

/* --- connection lifetime -------------------------------------------------- */

static void
release_pending (relay_ws_shared *shared)
{
  if (shared->pending)
    relay_limits_release (shared->limits, shared->pending_key);
  g_clear_pointer (&shared->pending_key, g_free);
  shared->pending = false;
}

/* A TCP connection was accepted (not yet HTTP, not yet a websocket).
 * Returning nonzero makes lws close it. */
static int
on_accepted (struct lws *wsi, const struct lws_filter_network_conn_args *a)
{
  static relay_log_limit full_log, address_log;
  relay_ws_shared *shared = shared_of (wsi);
  /* Left over only if lws failed to create the last one's wsi. */
  release_pending (shared);
  char *key = relay_limits_key ((const struct sockaddr *) &a->cli_addr,
      a->clilen);
  relay_admit verdict = relay_limits_admit (shared->limits, key);
  if (verdict != RELAY_ADMIT_OK) {
    gint64 now = g_get_monotonic_time ();
    bool full = verdict == RELAY_ADMIT_FULL;
    relay_stats_inc (relay_hub_stats (shared->hub), full
        ? RELAY_STAT_REFUSED_FULL : RELAY_STAT_REFUSED_ADDRESS);
    relay_warn_limited (full ? &full_log : &address_log, now, "%s",
        full ? "connection limit reached: refusing new connections"
             : "per-address connection limit reached: refusing");
    relay_fdguard_refuse (a->accept_fd);
    g_free (key);
    return 1;
  }
  shared->pending_key = key;
  shared->pending = true;
  relay_tap_set_handler (&tap_handler);
  relay_tap_open (a->accept_fd, shared->max_message_bytes);
  return 0;
}

/* lws made the wsi of the connection on_accepted() just let in. */
static void
on_wsi_create (struct lws *wsi)
{
  relay_ws_shared *shared = shared_of (wsi);
  if (!shared->pending)
    return; /* the listener's, or the event pipe's */
  g_hash_table_insert (shared->admitted, wsi,
      shared->pending_key != NULL ? shared->pending_key : g_strdup (""));
  shared->pending_key = NULL;
  shared->pending = false;
}

static void
on_wsi_destroy (struct lws *wsi)
{
  relay_ws_shared *shared = shared_of (wsi);
  const char *key = g_hash_table_lookup (shared->admitted, wsi);
  if (key == NULL)
    return;
  relay_limits_release (shared->limits, *key != '\0' ? key : NULL);
  g_hash_table_remove (shared->admitted, wsi);
}

static int
on_established (struct lws *wsi, relay_session *pss)
{
  relay_ws_shared *shared = shared_of (wsi);
  if (shared->stopping) {
    lws_close_reason (wsi, RELAY_CLOSE_GOING_AWAY,
        (unsigned char *) RELAY_REASON_SHUTDOWN,
        strlen (RELAY_REASON_SHUTDOWN));
    return -1;
  }
  relay_conn *conn = g_new0 (relay_conn, 1);
  conn->wsi = wsi;
  conn->fd = lws_get_socket_fd (wsi);
  conn->shared = shared;
  relay_outq_init (&conn->outq, shared->send_queue_limit);
  relay_rxbuf_init (&conn->rx, shared->max_message_bytes);
  conn->client = relay_hub_connect (shared->hub, conn,
      g_get_monotonic_time ());
  pss->conn = conn;
  shared->open++;
  /* The client did not wait for the 101: where its frames begin in what
   * was read is unknowable, so it cannot be metered. */
  if (!relay_tap_attach (conn->fd, conn))
    relay_hub_reject (shared->hub, conn->client, RELAY_REJECT_PROTOCOL,
        g_get_monotonic_time ());
  return 0;
}

static void
on_closed (relay_session *pss)
{
  relay_conn *conn = pss->conn;
  if (conn == NULL)
    return; /* refused in on_established, or never a websocket */
  pss->conn = NULL;
  relay_tap_detach (conn->fd);
  relay_hub_disconnect (conn->shared->hub, conn->client);
  conn->shared->open--;
  relay_outq_clear (&conn->outq);
  relay_rxbuf_clear (&conn->rx);
  g_free (conn);
}

/* --- receiving ------------------------------------------------------------ */

static void
on_receive (struct lws *wsi, relay_conn *conn, const void *in, size_t len)
{
  gint64 now = g_get_monotonic_time ();
  if (lws_is_first_fragment (wsi))
    conn->binary = lws_frame_is_binary (wsi) != 0;
  relay_rx_status st = relay_rxbuf_feed (&conn->rx, in, len,
      lws_remaining_packet_payload (wsi), lws_is_final_fragment (wsi) != 0);
  relay_hub *hub = conn->shared->hub;

  if (st == RELAY_RX_MORE) {
    relay_hub_heard (hub, conn->client, now);
  } else if (st == RELAY_RX_TOO_LARGE) {
    relay_hub_reject (hub, conn->client, RELAY_REJECT_TOO_LARGE, now);
  } else if (conn->binary) {
    relay_hub_reject (hub, conn->client, RELAY_REJECT_BINARY, now);
  } else {
    size_t n;
    const char *text = relay_rxbuf_data (&conn->rx, &n);
    relay_hub_receive (hub, conn->client, text, n, now);
  }
}

/* --- writing -------------------------------------------------------------- */

/* lws sends the close frame and waits for the peer's; it may still call
 * WRITEABLE meanwhile, and a second -1 would make it drop the socket at
 * once, unread input and all: the kernel would then reset the connection
 * and the peer would never see the close frame (or anything before it). */
static int
start_close (struct lws *wsi, relay_conn *conn)
{
  if (conn->close_started)
    return 0;
  conn->close_started = true;
  lws_close_reason (wsi, (enum lws_close_status) conn->close_code,
      (unsigned char *) conn->close_reason, strlen (conn->close_reason));
  return -1;
}

/* One write per writable callback, as lws asks: ping first (it is tiny and
 * time-sensitive), then queued messages in order, then the close. Returns
 * -1 to make lws close the connection. */
static int
on_writable (struct lws *wsi, relay_conn *conn)
{
  if (conn->ping_due) {
    /* lws 4.1 does not report a pong with an empty payload to the
     * protocol, so the ping carries a few bytes for the pong to echo. */
    unsigned char buf[LWS_PRE + sizeof PING_PAYLOAD];
    memcpy (buf + LWS_PRE, PING_PAYLOAD, sizeof PING_PAYLOAD);
    conn->ping_due = false;
    if (lws_write (wsi, buf + LWS_PRE, sizeof PING_PAYLOAD, LWS_WRITE_PING) < 0)
      return -1;
  } else {
    relay_msg *msg = relay_outq_pop (&conn->outq);
    if (msg != NULL) {
      size_t len = relay_msg_len (msg);
      int n = lws_write (wsi, relay_msg_data (msg), len, LWS_WRITE_TEXT);
      relay_msg_unref (msg);
      if (n < (int) len)
        return -1;
    } else if (conn->close_due) {
      return start_close (wsi, conn);
    }
  }
  if (conn->ping_due || !relay_outq_is_empty (&conn->outq)
      || (conn->close_due && !conn->close_started))
    lws_callback_on_writable (wsi);
  return 0;
}

/* --- plain HTTP ----------------------------------------------------------- */

static int
http_status (struct lws *wsi, unsigned int status)
{
  if (lws_return_http_status (wsi, status, NULL))
    return -1;
  return lws_http_transaction_completed (wsi) ? -1 : 0;
}

/* Websocket upgrades only on RELAY_WS_PATH; other upgrades (h2c) are
 * refused. Returning 1 tells lws a response was already sent. */
static int
confirm_upgrade (struct lws *wsi, const char *upgrade)
{
  char uri[64];
  if (upgrade == NULL || g_ascii_strcasecmp (upgrade, "websocket") != 0)
    return -1;
  int n = lws_hdr_copy (wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
  if (n > 0 && strcmp (uri, RELAY_WS_PATH) == 0)
    return 0;
  return lws_return_http_status (wsi, HTTP_STATUS_NOT_FOUND, NULL) ? -1 : 1;
}

int
relay_ws_callback (struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
  relay_session *pss = user;

  switch (reason) {
  case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
    return on_accepted (wsi, user);
  case LWS_CALLBACK_WSI_CREATE:
    on_wsi_create (wsi);
    return 0;
  case LWS_CALLBACK_WSI_DESTROY:
    on_wsi_destroy (wsi);
    return 0;
  case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
    return confirm_upgrade (wsi, in);
  case LWS_CALLBACK_HTTP:
    /* Only reached when no --web-root mount served the request. */
    return http_status (wsi, HTTP_STATUS_NOT_FOUND);
  case LWS_CALLBACK_ESTABLISHED:
    return on_established (wsi, pss);
  case LWS_CALLBACK_CLOSED:
    on_closed (pss);
    return 0;
  case LWS_CALLBACK_RECEIVE:
    if (pss->conn != NULL && !pss->conn->close_due)
      on_receive (wsi, pss->conn, in, len);
    return 0;
  case LWS_CALLBACK_RECEIVE_PONG:
    if (pss->conn != NULL)
      relay_hub_heard (pss->conn->shared->hub, pss->conn->client,
          g_get_monotonic_time ());
    return 0;
  case LWS_CALLBACK_SERVER_WRITEABLE:
    return pss->conn != NULL ? on_writable (wsi, pss->conn) : 0;
  default:
    return lws_callback_http_dummy (wsi, reason, user, in, len);
  }
}
