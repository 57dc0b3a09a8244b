/* tc_signal.h - signaling: find the other person in a room and exchange
 * SDP and ICE candidates with them.
 *
 * A tc_signal is one implementation of the tc_signal_ops interface (Janus
 * plugin.h / gst-plugins-rs signaller style). The ScaleDrone v3 client is the
 * one the product uses; tests can provide others.
 *
 * Threads: a tc_signal lives on the GMainContext given at creation. Every
 * function below must be called from the thread that runs that context, and
 * every callback is invoked from it. Callbacks must return quickly. A
 * callback may call stop() or free() on its own signaller; after free() the
 * context must keep running briefly so the connection can be torn down from
 * an idle source.
 */
#ifndef TEMPCHAT_TC_SIGNAL_H
#define TEMPCHAT_TC_SIGNAL_H

#include <glib.h>
#include <limits.h>
#include <stdbool.h>

#include "tempchat/tc_peer_msg.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TC_SIGNAL_DEFAULT_URL "wss://api.scaledrone.com/v3/websocket"
/* reconnect_attempts for a client that never gives up (a long-running
 * pipeline waiting for its relay to come back). */
#define TC_SIGNAL_RETRY_FOREVER UINT_MAX

typedef struct tc_signal tc_signal;

typedef enum {
  TC_SIGNAL_EV_OPEN,          /* handshake accepted; we have a client id */
  TC_SIGNAL_EV_SUBSCRIBED,    /* in the room; member list received */
  TC_SIGNAL_EV_PEER_JOINED,   /* a peer was chosen; see is_offerer */
  TC_SIGNAL_EV_PEER_LEFT,     /* the chosen peer left (or we reconnected) */
  TC_SIGNAL_EV_EXTRA_MEMBER,  /* more than two members: the extra is ignored */
  TC_SIGNAL_EV_MESSAGE,       /* a tc_peer_msg from the chosen peer */
  TC_SIGNAL_EV_DISCONNECTED,  /* connection lost; reconnecting with backoff */
  TC_SIGNAL_EV_RECONNECTED,   /* connected and re-subscribed after a loss */
  TC_SIGNAL_EV_ERROR,         /* see status/text; fatal ones end the client */
  TC_SIGNAL_EV_ROOM_BUSY,     /* two members were in the room before us: we
                                 wait, and PEER_JOINED follows when one of
                                 them leaves */
} tc_signal_event_type;

/* An event. Pointers are borrowed for the duration of the callback. */
typedef struct {
  tc_signal_event_type type;
  /* PEER_JOINED: our role, decided as myClientId > otherClientId (bytes). */
  bool is_offerer;
  /* PEER_JOINED: a member already waiting in the room took the place of
   * the peer that just left: another person, never the peer coming back. */
  bool replaces_peer;
  /* SUBSCRIBED / RECONNECTED / PEER_JOINED / PEER_LEFT / EXTRA_MEMBER:
   * members in the room, us included (0 in the PEER_LEFT that follows a
   * DISCONNECTED: we are out of the room). */
  unsigned members;
  /* MESSAGE */
  const tc_peer_msg *msg;
  /* DISCONNECTED: milliseconds until the next attempt; status
   * TC_ERR_CONNECT and text saying why the attempt failed ("connection
   * refused or host unreachable", "HTTP 404 on the WebSocket upgrade ..."). */
  unsigned retry_ms;
  /* ERROR */
  tc_status status;
  bool fatal;        /* true: the client has stopped; free it */
  const char *text;  /* a sentence for the user; never holds ids or addresses */
} tc_signal_event;

typedef void (*tc_signal_event_cb) (tc_signal *sig, const tc_signal_event *ev,
    void *user_data);

/* The interface every signaller implements. */
typedef struct {
  const char *name;
  /* Starts connecting; events follow on the context. */
  tc_status (*start) (tc_signal *sig);
  /* Publishes a message to the room for the chosen peer. TC_ERR_CLOSED when
   * not in a room; messages sent while reconnecting are dropped and TC_OK is
   * returned (the session restarts negotiation after a reconnect).
   * TC_ERR_INVALID_ARG when the message cannot be encoded. */
  tc_status (*send) (tc_signal *sig, const tc_peer_msg *msg);
  /* Leaves the room and closes; no events after it returns. */
  void (*stop) (tc_signal *sig);
  void (*free) (tc_signal *sig);
} tc_signal_ops;

/* The common head of every signaller; implementations embed it first. */
struct tc_signal {
  const tc_signal_ops *ops;
  tc_signal_event_cb cb;
  void *user_data;
};

/* Settings for the ScaleDrone client. Strings are copied at creation. */
typedef struct {
  const char *url;        /* NULL: TC_SIGNAL_DEFAULT_URL */
  const char *channel;    /* ScaleDrone channel id; required */
  const char *room;       /* what the user pasted: link, #hash or hash */
  bool allow_insecure;    /* allow ws:// to hosts that are not loopback */
  const char *ca_file;    /* PEM file of extra trusted CAs for wss:// (and a
                             session's turns: server), or NULL */
  /* Reconnect: first delay and cap in ms (0: 1000 and 30000), attempts
   * before giving up with TC_ERR_SERVER_GONE (0: 25, as the reference client;
   * TC_SIGNAL_RETRY_FOREVER: never). */
  unsigned reconnect_base_ms;
  unsigned reconnect_max_ms;
  unsigned reconnect_attempts;
  /* Seconds without a message before the connection is pinged; with no
   * answer for as long again it is dropped and reconnected (a path that
   * silently stopped passing data sends no FIN). 0: TC_SIGNAL_KEEPALIVE_S. */
  unsigned keepalive_s;
} tc_scaledrone_config;

#define TC_SIGNAL_KEEPALIVE_S 15

/* Creates a ScaleDrone v3 client on `ctx` (NULL: the global default context).
 * Validates the settings first: returns NULL and sets *status to
 * TC_ERR_BAD_ROOM, TC_ERR_BAD_URL, TC_ERR_INSECURE_URL or TC_ERR_INVALID_ARG
 * (tc_status_str() has the sentence). The caller owns the result. */
tc_signal *tc_scaledrone_new (const tc_scaledrone_config *cfg, GMainContext *ctx,
    tc_signal_event_cb cb, void *user_data, tc_status *status);

/* Checks a signaling URL as tc_scaledrone_new will: true when it can be
 * used; else false and, in `why` (like g_strlcpy), which part is wrong as a
 * phrase for the user ("port 99999 is out of range (1 to 65535)"), never
 * repeating the host. Pure. */
bool tc_signal_url_check (const char *url, bool allow_insecure, char *why,
    size_t size);

/* Convenience wrappers over sig->ops. tc_signal_free is NULL-safe and stops
 * the signaller first if needed. */
static inline tc_status
tc_signal_start (tc_signal *sig)
{
  return sig->ops->start (sig);
}

static inline tc_status
tc_signal_send (tc_signal *sig, const tc_peer_msg *msg)
{
  return sig->ops->send (sig, msg);
}

static inline void
tc_signal_stop (tc_signal *sig)
{
  sig->ops->stop (sig);
}

static inline void
tc_signal_free (tc_signal *sig)
{
  if (sig != NULL)
    sig->ops->free (sig);
}

const char *tc_signal_event_name (tc_signal_event_type type);

#ifdef __cplusplus
}
#endif
#endif
