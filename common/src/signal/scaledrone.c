/* scaledrone.c - the ScaleDrone v3 signaller (tc_signal_ops).
 *
 * One connection at a time, behaving like scaledrone-node@1.5.0 on the wire:
 *   open -> handshake (callback 0) -> subscribe to "observable-<hash>"
 *   (callback 1) -> member list and publishes.
 * Request numbers restart at 0 on each connection because the reference
 * builds a new client instance per connection.
 *
 * A connection that goes silent (no answer to keepalive pings, ws.h) is a
 * loss too. A loss reconnects with backoff, and so does a close frame that
 * says the server is restarting or going away (the reference gives up on
 * any close frame; a studio pipeline outlives a relay restart). A close that refuses
 * us (protocol, policy) ends the client. After a loss our client id
 * changes, so the peer is reported gone and announced again from the new
 * member list: the session decides whether its call goes on
 * (session_away.c).
 *
 * Re-entrancy: the user's callback may call stop() or free(). Every entry
 * from the loop runs between enter()/leave(); free() inside a callback only
 * marks the object, and leave() frees it once the stack has unwound.
 */
#include <string.h>

#include "signal/backoff.h"
#include "signal/members.h"
#include "signal/peer_msg_json.h"
#include "signal/sd_frame.h"
#include "signal/ws.h"
#include "signal/ws_url.h"
#include "tempchat/tc_log.h"
#include "tempchat/tc_room.h"
#include "tempchat/tc_signal.h"

typedef enum {
  SD_IDLE,         /* created, not started */
  SD_CONNECTING,   /* WebSocket attempt under way */
  SD_HANDSHAKING,  /* handshake sent, waiting for our client id */
  SD_SUBSCRIBING,  /* subscribe sent, waiting for the reply and members */
  SD_JOINED,       /* in the room */
  SD_WAITING,      /* connection lost; retry timer running */
  SD_STOPPED,      /* stop() or a fatal error; no more events */
} sd_state;

/* The request numbers of one connection (scaledrone-node's callbackId). */
enum { CB_HANDSHAKE = 0, CB_SUBSCRIBE = 1 };

typedef struct {
  tc_signal base;  /* first: tc_signal* and tc_scaledrone* convert */
  unsigned serial;  /* [sdN] in logs: tells instances apart, names nothing */
  GMainContext *ctx;
  char *channel;
  char room[TC_ROOM_NAME_SIZE];
  tc_ws *ws;
  tc_backoff backoff;
  tc_members members;

  sd_state state;
  bool subscribed;     /* subscribe reply OK on this connection */
  bool have_members;   /* observable_members seen on this connection */
  bool peer_announced; /* PEER_JOINED sent for the current peer */
  bool joined_once;    /* SUBSCRIBED sent: later joins are RECONNECTED */
  GSource *retry;      /* reconnect timer */

  unsigned depth;      /* nesting of loop entries (see top comment) */
  bool free_pending;   /* free() called inside a callback */
} tc_scaledrone;

static void sd_destroy (tc_scaledrone *sd);

static void
enter (tc_scaledrone *sd)
{
  sd->depth++;
}

static void
leave (tc_scaledrone *sd)
{
  if (--sd->depth == 0 && sd->free_pending)
    sd_destroy (sd);
}

static bool
stopped (const tc_scaledrone *sd)
{
  return sd->state == SD_STOPPED;
}

static void
deliver (tc_scaledrone *sd, const tc_signal_event *ev)
{
  sd->base.cb (&sd->base, ev, sd->base.user_data);
}

/* Delivers `ev` unless stopped. Callers re-check stopped() afterwards: the
 * callback may have stopped or freed us. */
static void
emit (tc_scaledrone *sd, const tc_signal_event *ev)
{
  if (!stopped (sd))
    deliver (sd, ev);
}

static void
emit_simple (tc_scaledrone *sd, tc_signal_event_type type)
{
  tc_signal_event ev = {
    .type = type,
    .members = tc_members_count (&sd->members),
  };
  emit (sd, &ev);
}

static void
cancel_retry (tc_scaledrone *sd)
{
  if (sd->retry != NULL) {
    g_source_destroy (sd->retry);
    g_source_unref (sd->retry);
    sd->retry = NULL;
  }
}

/* Leaves the room (when in it) and closes the connection gracefully. */
static void
shut_down (tc_scaledrone *sd)
{
  bool in_room = sd->state == SD_JOINED;
  sd->state = SD_STOPPED;
  cancel_retry (sd);
  if (in_room) {
    /* As Room.unsubscribe() does; the close frame follows it. */
    char *frame = tc_sd_encode_unsubscribe (sd->room);
    if (frame != NULL)
      tc_ws_send (sd->ws, frame, strlen (frame));
    free (frame);
  }
  tc_ws_close (sd->ws);
}

static void
emit_error (tc_scaledrone *sd, tc_status status, bool fatal, const char *text)
{
  if (stopped (sd))
    return;
  tc_signal_event ev = {
    .type = TC_SIGNAL_EV_ERROR,
    .status = status,
    .fatal = fatal,
    .text = text != NULL ? text : tc_status_str (status),
  };
  TC_INFO ("[sd%u] %s error: %s", sd->serial, fatal ? "fatal" : "non-fatal",
      tc_status_name (status));
  /* "fatal: the client has stopped" must already be true when it reads it. */
  if (fatal)
    shut_down (sd);
  deliver (sd, &ev);
}

static void
send_frame (tc_scaledrone *sd, char *frame)
{
  if (frame == NULL) {
    emit_error (sd, TC_ERR_NOMEM, true, NULL);
    return;
  }
  tc_status st = tc_ws_send (sd->ws, frame, strlen (frame));
  free (frame);
  if (st != TC_OK)
    TC_DEBUG ("[sd%u] frame not sent: %s", sd->serial, tc_status_name (st));
}

/* --- members -> events ------------------------------------------------ */

static void
announce_peer (tc_scaledrone *sd, bool replaces_peer)
{
  sd->peer_announced = true;
  tc_signal_event ev = {
    .type = TC_SIGNAL_EV_PEER_JOINED,
    .is_offerer = tc_members_is_offerer (&sd->members),
    .replaces_peer = replaces_peer,
    .members = tc_members_count (&sd->members),
  };
  char tag[TC_LOG_TAG_LEN];
  TC_INFO ("[sd%u] peer %s joined; we %s", sd->serial,
      tc_log_tag (tc_members_peer (&sd->members), tag),
      ev.is_offerer ? "offer" : "answer");
  emit (sd, &ev);
}

static void
report_change (tc_scaledrone *sd, tc_members_change ch)
{
  /* Before the room is confirmed the list is only recorded: join_done()
   * announces the state it ends up in. */
  if (sd->state != SD_JOINED)
    return;
  if (ch.peer_left && sd->peer_announced) {
    sd->peer_announced = false;
    emit_simple (sd, TC_SIGNAL_EV_PEER_LEFT);
  }
  if (!stopped (sd) && ch.peer_joined)
    announce_peer (sd, ch.peer_left);
  if (!stopped (sd) && ch.extra > 0) {
    TC_INFO ("[sd%u] extra member ignored", sd->serial);
    emit_simple (sd, TC_SIGNAL_EV_EXTRA_MEMBER);
  }
  if (!stopped (sd) && ch.busy) {
    TC_INFO ("[sd%u] the room is busy: waiting", sd->serial);
    emit_simple (sd, TC_SIGNAL_EV_ROOM_BUSY);
  }
}

/* Subscribed and the member list is in: we are in the room. */
static void
join_done (tc_scaledrone *sd)
{
  if (!sd->subscribed || !sd->have_members || sd->state != SD_SUBSCRIBING)
    return;
  sd->state = SD_JOINED;
  tc_backoff_reset (&sd->backoff);
  bool again = sd->joined_once;
  sd->joined_once = true;
  TC_INFO ("[sd%u] %s the room", sd->serial, again ? "back in" : "in");
  emit_simple (sd, again ? TC_SIGNAL_EV_RECONNECTED : TC_SIGNAL_EV_SUBSCRIBED);
  if (!stopped (sd) && tc_members_peer (&sd->members) != NULL)
    announce_peer (sd, false);
  if (!stopped (sd) && tc_members_busy (&sd->members)) {
    TC_INFO ("[sd%u] the room is busy: waiting", sd->serial);
    emit_simple (sd, TC_SIGNAL_EV_ROOM_BUSY);
  } else if (!stopped (sd) && tc_members_count (&sd->members) > 2) {
    emit_simple (sd, TC_SIGNAL_EV_EXTRA_MEMBER);
  }
}

/* --- server frames ------------------------------------------------------ */

static void
on_handshake_reply (tc_scaledrone *sd, const tc_sd_frame *f)
{
  if (f->error != NULL || f->client_id == NULL) {
    TC_DEBUG ("[sd%u] handshake refused", sd->serial);
    emit_error (sd, tc_sd_handshake_error (f->error), true, NULL);
    return;
  }
  tc_members_set_self (&sd->members, f->client_id);
  char tag[TC_LOG_TAG_LEN];
  TC_INFO ("[sd%u] connected as %s", sd->serial,
      tc_log_tag (f->client_id, tag));
  sd->state = SD_SUBSCRIBING;
  sd->subscribed = false;
  sd->have_members = false;
  send_frame (sd, tc_sd_encode_subscribe (sd->room, CB_SUBSCRIBE));
  if (!stopped (sd) && !sd->joined_once)
    emit_simple (sd, TC_SIGNAL_EV_OPEN);
}

static void
on_subscribe_reply (tc_scaledrone *sd, const tc_sd_frame *f)
{
  if (f->error != NULL) {
    emit_error (sd, tc_sd_subscribe_error (f->error), true, NULL);
    return;
  }
  sd->subscribed = true;
  join_done (sd);
}

static void
on_callback (tc_scaledrone *sd, const tc_sd_frame *f)
{
  if (f->callback == CB_HANDSHAKE && sd->state == SD_HANDSHAKING)
    on_handshake_reply (sd, f);
  else if (f->callback == CB_SUBSCRIBE && sd->state == SD_SUBSCRIBING
      && !sd->subscribed)
    on_subscribe_reply (sd, f);
  else if (f->error != NULL)
    /* The reference falls through to its error event here. */
    emit_error (sd, tc_sd_server_error (f->error), false, NULL);
}

static bool
our_room (const tc_scaledrone *sd, const tc_sd_frame *f)
{
  return f->room != NULL && strcmp (f->room, sd->room) == 0;
}

static void
on_members (tc_scaledrone *sd, const tc_sd_frame *f)
{
  if (sd->state != SD_SUBSCRIBING && sd->state != SD_JOINED)
    return;
  tc_members_change ch = tc_members_reset (&sd->members, f->ids, f->n_ids);
  sd->have_members = true;
  if (sd->state == SD_JOINED)
    report_change (sd, ch);
  else
    join_done (sd);
}

static void
on_member_change (tc_scaledrone *sd, const tc_sd_frame *f)
{
  if (sd->state != SD_SUBSCRIBING && sd->state != SD_JOINED)
    return;
  tc_members_change ch = f->kind == TC_SD_FRAME_MEMBER_JOIN
      ? tc_members_join (&sd->members, f->ids[0])
      : tc_members_leave (&sd->members, f->ids[0]);
  report_change (sd, ch);
}

static void
on_publish (tc_scaledrone *sd, const tc_sd_frame *f)
{
  /* Our own echo and anyone but the chosen peer are not for us. */
  if (sd->state != SD_JOINED || !sd->peer_announced
      || !tc_members_from_peer (&sd->members, f->client_id))
    return;
  tc_peer_msg msg;
  tc_status st = tc_peer_msg_from_json (f->message, &msg);
  if (st != TC_OK) {
    TC_DEBUG ("[sd%u] peer message ignored: %s", sd->serial,
        tc_status_name (st));
    return;
  }
  tc_signal_event ev = {.type = TC_SIGNAL_EV_MESSAGE, .msg = &msg};
  emit (sd, &ev);
  tc_peer_msg_clear (&msg);
}

static void
on_frame (tc_scaledrone *sd, const tc_sd_frame *f)
{
  switch (f->kind) {
    case TC_SD_FRAME_CALLBACK:
      on_callback (sd, f);
      break;
    case TC_SD_FRAME_MEMBERS:
      if (our_room (sd, f))
        on_members (sd, f);
      break;
    case TC_SD_FRAME_MEMBER_JOIN:
    case TC_SD_FRAME_MEMBER_LEAVE:
      if (our_room (sd, f))
        on_member_change (sd, f);
      break;
    case TC_SD_FRAME_PUBLISH:
      if (our_room (sd, f))
        on_publish (sd, f);
      break;
    case TC_SD_FRAME_ERROR:
      emit_error (sd, tc_sd_server_error (f->error), false, NULL);
      break;
    case TC_SD_FRAME_IGNORED:
      break;
  }
}

static void
on_message (tc_scaledrone *sd, const char *data, size_t len)
{
  tc_sd_frame f;
  tc_status st = tc_sd_frame_decode (data, len, &f);
  if (st != TC_OK) {
    TC_DEBUG ("[sd%u] server frame ignored: %s", sd->serial,
        tc_status_name (st));
    return;
  }
  on_frame (sd, &f);
  tc_sd_frame_clear (&f);
}

/* --- connection life ------------------------------------------------------ */

static gboolean
on_retry (gpointer data)
{
  tc_scaledrone *sd = data;
  enter (sd);
  g_source_unref (sd->retry);
  sd->retry = NULL;
  if (sd->state == SD_WAITING) {
    sd->state = SD_CONNECTING;
    if (tc_ws_connect (sd->ws) != TC_OK)
      emit_error (sd, TC_ERR_SERVER_GONE, true, NULL);
  }
  leave (sd);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (tc_scaledrone *sd, unsigned delay_ms)
{
  sd->state = SD_WAITING;
  sd->retry = g_timeout_source_new (delay_ms);
  g_source_set_callback (sd->retry, on_retry, sd, NULL);
  g_source_attach (sd->retry, sd->ctx);
}

/* An abnormal loss: tell the user, drop the peer (our id will change) and
 * try again later, or give up. */
static void
on_lost (tc_scaledrone *sd, const char *reason)
{
  bool had_peer = sd->peer_announced;
  sd->peer_announced = false;
  tc_members_set_self (&sd->members, NULL);
  unsigned delay = 0;
  if (!tc_backoff_next (&sd->backoff, &delay)) {
    char *text = g_strdup_printf ("Gave up on the signaling server after %u "
        "attempts (%s)", sd->backoff.attempt + 1, reason);
    emit_error (sd, TC_ERR_SERVER_GONE, true, text);
    g_free (text);
    return;
  }
  schedule_retry (sd, delay);
  TC_INFO ("[sd%u] connection lost (%s); retry %u in %u ms", sd->serial,
      reason, sd->backoff.attempt, delay);
  tc_signal_event ev = {.type = TC_SIGNAL_EV_DISCONNECTED, .retry_ms = delay,
      .status = TC_ERR_CONNECT, .text = reason};
  emit (sd, &ev);
  if (!stopped (sd) && had_peer)
    emit_simple (sd, TC_SIGNAL_EV_PEER_LEFT);
}

/* Close codes (RFC 6455 7.4.1, IANA registry) after which a new connection
 * may well work: normal closure, going away (a server restart), internal
 * error, service restart, try again later, bad gateway. Protocol, data and
 * policy refusals would only repeat. */
static bool
close_is_retried (int code)
{
  return code == 1000 || code == 1001 || (code >= 1011 && code <= 1014);
}

static void
on_closed (tc_scaledrone *sd, const tc_ws_event *ev)
{
  if (stopped (sd))
    return;
  if (ev->clean && close_is_retried (ev->code)) {
    TC_INFO ("[sd%u] server closed the connection (code %d): reconnecting",
        sd->serial, ev->code);
    on_lost (sd, "the signaling server closed the connection");
    return;
  }
  if (ev->clean) {
    TC_INFO ("[sd%u] server closed the connection (code %d)", sd->serial,
        ev->code);
    if (sd->peer_announced) {
      sd->peer_announced = false;
      emit_simple (sd, TC_SIGNAL_EV_PEER_LEFT);
    }
    emit_error (sd, TC_ERR_SERVER_GONE, true,
        "the signaling server closed the connection");
    return;
  }
  if (ev->status == TC_ERR_TLS) {
    /* A certificate that failed once fails again: retrying only hides it. */
    char *text = g_strdup_printf ("%s: %s", tc_status_str (TC_ERR_TLS),
        ev->reason != NULL ? ev->reason : "handshake failed");
    emit_error (sd, TC_ERR_TLS, true, text);
    g_free (text);
    return;
  }
  on_lost (sd, ev->reason != NULL ? ev->reason : "the connection dropped");
}

static void
on_ws_event (tc_ws *ws, const tc_ws_event *ev, void *data)
{
  tc_scaledrone *sd = data;
  enter (sd);
  switch (ev->type) {
    case TC_WS_EV_OPEN:
      if (sd->state == SD_CONNECTING) {
        sd->state = SD_HANDSHAKING;
        send_frame (sd, tc_sd_encode_handshake (sd->channel, CB_HANDSHAKE));
      }
      break;
    case TC_WS_EV_MESSAGE:
      on_message (sd, ev->data, ev->len);
      break;
    case TC_WS_EV_ERROR:
      emit_error (sd, ev->status, false,
          "a signaling message was too large and was dropped");
      break;
    case TC_WS_EV_CLOSED:
      on_closed (sd, ev);
      break;
  }
  leave (sd);
}

/* --- tc_signal_ops ------------------------------------------------------- */

static tc_status
sd_start (tc_signal *sig)
{
  tc_scaledrone *sd = (tc_scaledrone *) sig;
  if (sd->state != SD_IDLE)
    return TC_ERR_CLOSED;
  sd->state = SD_CONNECTING;
  return tc_ws_connect (sd->ws);
}

static tc_status
sd_send (tc_signal *sig, const tc_peer_msg *msg)
{
  tc_scaledrone *sd = (tc_scaledrone *) sig;
  if (msg == NULL)
    return TC_ERR_INVALID_ARG;
  if (sd->state != SD_JOINED) {
    if (stopped (sd) || !sd->joined_once)
      return TC_ERR_CLOSED;
    /* Reconnecting: the session renegotiates afterwards anyway. */
    TC_DEBUG ("[sd%u] message dropped while reconnecting", sd->serial);
    return TC_OK;
  }
  json_t *value = tc_peer_msg_to_json (msg);
  if (value == NULL)
    return TC_ERR_INVALID_ARG;
  char *frame = tc_sd_encode_publish (sd->room, value);
  json_decref (value);
  if (frame == NULL)
    return TC_ERR_NOMEM;
  tc_status st = tc_ws_send (sd->ws, frame, strlen (frame));
  free (frame);
  return st;
}

static void
sd_stop (tc_signal *sig)
{
  tc_scaledrone *sd = (tc_scaledrone *) sig;
  if (!stopped (sd))
    shut_down (sd);
}

static void
sd_destroy (tc_scaledrone *sd)
{
  cancel_retry (sd);
  tc_ws_free (sd->ws);
  tc_members_clear (&sd->members);
  g_main_context_unref (sd->ctx);
  g_free (sd->channel);
  g_free (sd);
}

static void
sd_free (tc_signal *sig)
{
  tc_scaledrone *sd = (tc_scaledrone *) sig;
  sd_stop (sig);
  if (sd->depth > 0)
    sd->free_pending = true;
  else
    sd_destroy (sd);
}

static const tc_signal_ops scaledrone_ops = {
  .name = "scaledrone",
  .start = sd_start,
  .send = sd_send,
  .stop = sd_stop,
  .free = sd_free,
};

/* --- creation ------------------------------------------------------------ */

static tc_status
check_config (const tc_scaledrone_config *cfg, char *room, tc_ws_url *url)
{
  if (cfg->channel == NULL || cfg->channel[0] == '\0'
      || !g_utf8_validate (cfg->channel, -1, NULL) || cfg->room == NULL)
    return TC_ERR_INVALID_ARG;
  tc_status st = tc_room_from_link (cfg->room, room, TC_ROOM_NAME_SIZE);
  if (st != TC_OK)
    return st;
  st = tc_ws_url_parse (cfg->url != NULL ? cfg->url : TC_SIGNAL_DEFAULT_URL,
      url);
  if (st != TC_OK)
    return st;
  if (!url->secure && !cfg->allow_insecure && !tc_ws_url_is_loopback (url))
    return TC_ERR_INSECURE_URL;
  return TC_OK;
}

tc_signal *
tc_scaledrone_new (const tc_scaledrone_config *cfg, GMainContext *ctx,
    tc_signal_event_cb cb, void *user_data, tc_status *status)
{
  static gint serials;
  tc_status dummy;
  if (status == NULL)
    status = &dummy;
  if (cfg == NULL || cb == NULL) {
    *status = TC_ERR_INVALID_ARG;
    return NULL;
  }
  char room[TC_ROOM_NAME_SIZE];
  tc_ws_url url;
  if ((*status = check_config (cfg, room, &url)) != TC_OK)
    return NULL;

  tc_scaledrone *sd = g_new0 (tc_scaledrone, 1);
  sd->ws = tc_ws_new (&url, cfg->ca_file, ctx, on_ws_event, sd, status);
  if (sd->ws == NULL) {
    g_free (sd);
    return NULL;
  }
  tc_ws_set_keepalive (sd->ws, cfg->keepalive_s != 0 ? cfg->keepalive_s
      : TC_SIGNAL_KEEPALIVE_S);
  sd->base.ops = &scaledrone_ops;
  sd->base.cb = cb;
  sd->base.user_data = user_data;
  sd->serial = (unsigned) g_atomic_int_add (&serials, 1) + 1;
  sd->ctx = g_main_context_ref (ctx != NULL ? ctx : g_main_context_default ());
  sd->channel = g_strdup (cfg->channel);
  memcpy (sd->room, room, sizeof room);
  tc_backoff_init (&sd->backoff, cfg->reconnect_base_ms, cfg->reconnect_max_ms,
      cfg->reconnect_attempts, NULL, NULL);
  tc_members_init (&sd->members);
  sd->state = SD_IDLE;
  *status = TC_OK;
  return &sd->base;
}
