/* ws.c - a libwebsockets client connection driven by a GMainContext.
 *
 * libwebsockets 4.1 runs on GLib through its "glib" event library: we make a
 * GMainLoop on the caller's context and hand it over as a foreign loop, so
 * lws adds its socket and timer sources to that context and never runs or
 * quits the loop itself.
 *
 * Lifetime rules that keep ASan quiet:
 *  - lws must never be destroyed from inside one of its own callbacks (it
 *    would free the per-thread state its dispatcher is still using). `depth`
 *    counts how deeply we are inside lws; tc_ws_free() at depth > 0 only
 *    marks the object dead and leaves the destruction to an idle source.
 *  - a dead or closing object delivers no events; callbacks lws makes while
 *    being destroyed are ignored.
 *  - host names are resolved on the loop (ws_resolve.c), and every address
 *    is tried in turn before an attempt counts as failed;
 *  - wss:// brings its own SSL_CTX (ws_tls.c) and plain ws:// none at all.
 */
#include "signal/ws.h"

#include <dlfcn.h>
#include <libwebsockets.h>
#include <string.h>

#include "signal/ws_resolve.h"
#include "signal/ws_tls.h"
#include "tempchat/tc_log.h"

/* Counts lws contexts created with TLS. lws 4.1.6 replaces its global OpenSSL
 * ex_data indexes each time, so a TLS handshake already under way in another
 * context then fails its certificate check for want of its wsi. A TLS failure
 * that overlapped such a creation is therefore reported as a plain connect
 * failure (retried), not as an untrusted server (fatal). */
static gint tls_generation;

/* What the reference client (scaledrone-node under Node.js) sends as Origin;
 * sending the same keeps us indistinguishable on the wire. */
#define REFERENCE_ORIGIN "http://websocket.org"

typedef enum {
  WS_IDLE,        /* no attempt under way */
  WS_PENDING,     /* attempt scheduled or resolving the host */
  WS_CONNECTING,  /* lws is connecting / upgrading */
  WS_OPEN,        /* upgraded: messages flow */
} ws_state;

/* A queued outgoing message with the headroom lws_write() wants. */
typedef struct {
  size_t len;
  unsigned char buf[];  /* LWS_PRE + len */
} tx_msg;

struct tc_ws {
  GMainContext *ctx;
  GMainLoop *loop;           /* the foreign loop lws attaches to; never run */
  struct lws_context *lws;
  SSL_CTX *tls;              /* wss:// only; ours, freed after lws */
  gint tls_generation;       /* tls_generation when this attempt began */
  tc_ws_url url;
  char *host_header;         /* host[:port] as browsers send it */
  tc_ws_event_cb cb;
  void *user_data;

  ws_state state;
  struct lws *wsi;           /* the current connection, or NULL */
  GSource *connect_source;   /* idle that starts a scheduled attempt */
  tc_resolve *resolving;      /* name lookup of this attempt */
  GPtrArray *addrs;          /* addresses of this attempt, tried in order */
  guint addr_index;          /* the one being tried */
  int close_code;            /* from the server's close frame, or -1 */
  char reason[80];           /* why the current attempt failed */
  GByteArray *rx;            /* fragments of the message being received */
  bool rx_dropping;          /* the current message went over the cap */
  GQueue tx;                 /* tx_msg*, oldest first */
  lws_retry_bo_t keepalive;  /* lws' validity policy (ping, hang up) */
  gint64 alive_us;           /* last message or pong received */

  bool closing;              /* tc_ws_close() called: no more events */
  bool dead;                 /* tc_ws_free() called: destruction pending */
  unsigned depth;            /* nesting inside lws calls that call back */
};

static int ws_callback (struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len);

static const struct lws_protocols ws_protocols[] = {
  {"tempchat-scaledrone", ws_callback, 0, 0, 0, NULL, 0},
  {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* lws logs can name hosts and addresses: keep them at debug level. */
static void
lws_log_to_glib (int level, const char *line)
{
  size_t len = strlen (line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  TC_DEBUG ("lws: %.*s", (int) len, line);
}

/* lws 4.1 loads its GLib event library as a plugin and unloads it when the
 * last context is destroyed, while GSources whose funcs live in that plugin
 * can still be dispatched once more by the loop that outlives the context
 * (seen as a crash in g_main_context_dispatch). Pinning the plugin in memory
 * for the life of the process keeps those funcs valid. */
static void
pin_lws_glib_plugin (void)
{
  void *h = dlopen ("libwebsockets-evlib_glib.so", RTLD_NOW | RTLD_NODELETE);
  if (h == NULL)
    TC_DEBUG ("lws: could not pin the GLib event library");
}

static gpointer
init_lws_once (gpointer unused)
{
  lws_set_log_level (LLL_ERR | LLL_WARN, lws_log_to_glib);
  pin_lws_glib_plugin ();
  return NULL;
}

static bool
alive (const tc_ws *ws)
{
  return !ws->dead && !ws->closing;
}

static void
emit (tc_ws *ws, const tc_ws_event *ev)
{
  if (alive (ws) && ws->cb != NULL)
    ws->cb (ws, ev, ws->user_data);
}

static void
tx_clear (tc_ws *ws)
{
  tx_msg *m;
  while ((m = g_queue_pop_head (&ws->tx)) != NULL)
    g_free (m);
}

static void
cancel_pending (tc_ws *ws)
{
  if (ws->connect_source != NULL) {
    g_source_destroy (ws->connect_source);
    g_source_unref (ws->connect_source);
    ws->connect_source = NULL;
  }
  tc_resolve_cancel (ws->resolving);
  ws->resolving = NULL;
}

/* Ends the current attempt and reports it, once. */
static void
finish_attempt (tc_ws *ws, bool clean, int code, tc_status status)
{
  if (ws->state == WS_IDLE)
    return;
  cancel_pending (ws);
  ws->state = WS_IDLE;
  ws->wsi = NULL;
  g_ptr_array_set_size (ws->addrs, 0);
  ws->addr_index = 0;
  ws->close_code = -1;
  ws->rx_dropping = false;
  g_byte_array_set_size (ws->rx, 0);
  tx_clear (ws);
  tc_ws_event ev = {
    .type = TC_WS_EV_CLOSED,
    .clean = clean,
    .code = clean ? code : TC_WS_CLOSE_ABNORMAL,
    .status = clean ? TC_OK : status,
    .reason = clean ? NULL : ws->reason[0] != '\0' ? ws->reason
        : "the connection dropped",
  };
  emit (ws, &ev);
  ws->reason[0] = '\0';
}

/* lws explains a failed attempt in a sentence; TLS failures are the ones
 * that name the certificate or an SSL error ("connect SYSCALL" is a plain
 * socket error during the TLS handshake). */
static tc_status
classify_connect_error (const tc_ws *ws, const char *text, size_t len)
{
  if (!ws->url.secure || text == NULL)
    return TC_ERR_CONNECT;
  char *s = g_strndup (text, len);
  bool tls = strstr (s, "cert") != NULL || strstr (s, "SSL err") != NULL
      || strstr (s, "tls") != NULL;
  g_free (s);
  if (tls && g_atomic_int_get (&tls_generation) != ws->tls_generation) {
    TC_DEBUG ("ws: TLS failure overlapped a TLS init; retrying");
    tls = false;
  }
  return tls ? TC_ERR_TLS : TC_ERR_CONNECT;
}

/* Words for the user from lws's sentence, which may name addresses: only
 * what we recognise is passed on. */
static void
explain_connect_error (tc_ws *ws, struct lws *wsi, tc_status status,
    const char *text, size_t len)
{
  char *s = g_strndup (text != NULL ? text : "", text != NULL ? len : 0);
  unsigned http = strstr (s, "not 101") != NULL && wsi != NULL ?
      lws_http_client_http_response (wsi) : 0;

  if (status == TC_ERR_TLS)
    g_strlcpy (ws->reason, "TLS certificate not trusted", sizeof ws->reason);
  else if (http != 0)
    g_snprintf (ws->reason, sizeof ws->reason,
        "HTTP %u on the WebSocket upgrade: check the path of the URL", http);
  else if (strstr (s, "Unable to connect") != NULL)
    g_strlcpy (ws->reason, "connection refused or host unreachable",
        sizeof ws->reason);
  else if (strstr (s, "timeout") != NULL || strstr (s, "timed out") != NULL)
    g_strlcpy (ws->reason, "timed out", sizeof ws->reason);
  else
    g_strlcpy (ws->reason, "the connection failed", sizeof ws->reason);
  g_free (s);
}

static void
on_receive (tc_ws *ws, struct lws *wsi, const void *in, size_t len)
{
  bool final = lws_is_final_fragment (wsi);
  if (!ws->rx_dropping && ws->rx->len + len > TC_WS_MESSAGE_MAX) {
    ws->rx_dropping = true;
    g_byte_array_set_size (ws->rx, 0);
  }
  if (!ws->rx_dropping)
    g_byte_array_append (ws->rx, in, (guint) len);
  if (!final)
    return;

  if (ws->rx_dropping) {
    ws->rx_dropping = false;
    tc_ws_event ev = {.type = TC_WS_EV_ERROR, .status = TC_ERR_TOO_LARGE};
    emit (ws, &ev);
    return;
  }
  /* ScaleDrone speaks JSON text; a binary message is not for us. */
  if (lws_frame_is_binary (wsi)) {
    g_byte_array_set_size (ws->rx, 0);
    return;
  }
  tc_ws_event ev = {
    .type = TC_WS_EV_MESSAGE,
    .data = (const char *) ws->rx->data,
    .len = ws->rx->len,
  };
  emit (ws, &ev);
  if (!ws->dead)
    g_byte_array_set_size (ws->rx, 0);
}

/* Writes one queued message per writeable callback, as lws requires; after
 * tc_ws_close() an empty queue means it is time for the close frame. */
static int
on_writeable (tc_ws *ws, struct lws *wsi)
{
  tx_msg *m = g_queue_pop_head (&ws->tx);
  if (m != NULL) {
    int n = lws_write (wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
    bool short_write = n < 0 || (size_t) n < m->len;
    g_free (m);
    if (short_write)
      return -1;
  }
  if (!g_queue_is_empty (&ws->tx)) {
    lws_callback_on_writable (wsi);
    return 0;
  }
  if (ws->closing) {
    lws_close_reason (wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
    return -1;
  }
  return 0;
}

/* The close frame's payload: a big-endian code, then a reason we ignore. */
static void
on_peer_close (tc_ws *ws, const unsigned char *in, size_t len)
{
  ws->close_code = len >= 2 ? (in[0] << 8) | in[1]
      : LWS_CLOSE_STATUS_NO_STATUS;
}

static bool
is_current (const tc_ws *ws, struct lws *wsi)
{
  return (ws->state == WS_CONNECTING || ws->state == WS_OPEN)
      && (ws->wsi == NULL || ws->wsi == wsi);
}

static void connect_failed (tc_ws *ws, tc_status status);

/* An open connection that closed with nothing received for at least the
 * keepalive's ping time: lws hung up on it for want of a pong (lws does
 * not say why it closed; its hang-up time runs from the last pong, ours
 * from the last thing received, which may be later). */
static bool
went_silent (const tc_ws *ws)
{
  return ws->state == WS_OPEN && ws->keepalive.secs_since_valid_ping > 0
      && g_get_monotonic_time () - ws->alive_us
      >= (gint64) ws->keepalive.secs_since_valid_ping * G_USEC_PER_SEC;
}

static int
handle (tc_ws *ws, struct lws *wsi, enum lws_callback_reasons reason,
    void *in, size_t len)
{
  switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      if (!is_current (ws, wsi))
        return -1;
      ws->wsi = wsi;
      ws->state = WS_OPEN;
      ws->alive_us = g_get_monotonic_time ();
      if (ws->closing || !g_queue_is_empty (&ws->tx))
        lws_callback_on_writable (wsi);
      emit (ws, &(tc_ws_event) {.type = TC_WS_EV_OPEN});
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
      ws->alive_us = g_get_monotonic_time ();
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      if (!is_current (ws, wsi))
        return -1;
      ws->alive_us = g_get_monotonic_time ();
      on_receive (ws, wsi, in, len);
      return ws->dead ? -1 : 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (!is_current (ws, wsi))
        return -1;
      return on_writeable (ws, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      if (is_current (ws, wsi))
        on_peer_close (ws, in, len);
      return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      TC_DEBUG ("ws: connect failed: %.*s", in != NULL ? (int) len : 0,
          in != NULL ? (const char *) in : "");
      if (is_current (ws, wsi) && ws->state == WS_CONNECTING) {
        tc_status st = classify_connect_error (ws, in, in != NULL ? len : 0);
        explain_connect_error (ws, wsi, st, in, len);
        connect_failed (ws, st);
      }
      else if (is_current (ws, wsi))
        finish_attempt (ws, false, 0, TC_ERR_CONNECT);
      return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
      if (is_current (ws, wsi)) {
        bool clean = ws->close_code >= 0
            && ws->close_code != TC_WS_CLOSE_ABNORMAL;
        if (!clean && went_silent (ws))
          g_strlcpy (ws->reason, "no answer to keepalive pings",
              sizeof ws->reason);
        finish_attempt (ws, clean, ws->close_code, TC_ERR_CONNECT);
      }
      return 0;
    case LWS_CALLBACK_WSI_DESTROY:
      /* Safety net: a connection that vanished without either report. */
      if (wsi == ws->wsi)
        finish_attempt (ws, false, 0, TC_ERR_CONNECT);
      return 0;
    default:
      return 0;
  }
}

static int
ws_callback (struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
  struct lws_context *context = lws_get_context (wsi);
  tc_ws *ws = context != NULL ? lws_context_user (context) : NULL;
  /* Context setup and teardown call in too; a dead object ignores all. */
  if (ws == NULL || ws->dead || ws->lws == NULL)
    return 0;
  ws->depth++;
  int ret = handle (ws, wsi, reason, in, len);
  ws->depth--;
  return ret;
}

static void start_lws_connect (tc_ws *ws);

static gboolean
on_next_address (gpointer data)
{
  tc_ws *ws = data;
  g_source_unref (ws->connect_source);
  ws->connect_source = NULL;
  start_lws_connect (ws);
  return G_SOURCE_REMOVE;
}

static void
schedule_idle (tc_ws *ws, GSourceFunc fn)
{
  ws->connect_source = g_idle_source_new ();
  g_source_set_callback (ws->connect_source, fn, ws, NULL);
  g_source_attach (ws->connect_source, ws->ctx);
}

/* A host may have several addresses (localhost: ::1 and 127.0.0.1) and the
 * server may listen on only one: try the next before giving up, as browsers
 * do. Started from an idle, never from inside the failing wsi's callback. */
static void
connect_failed (tc_ws *ws, tc_status status)
{
  if (status == TC_ERR_CONNECT && ws->state == WS_CONNECTING
      && ws->addr_index + 1 < ws->addrs->len) {
    ws->addr_index++;
    ws->state = WS_PENDING;
    ws->wsi = NULL;
    schedule_idle (ws, on_next_address);
    return;
  }
  finish_attempt (ws, false, 0, status);
}

static void
start_lws_connect (tc_ws *ws)
{
  struct lws_client_connect_info info = {0};
  info.context = ws->lws;
  info.address = g_ptr_array_index (ws->addrs, ws->addr_index);
  info.port = ws->url.port;
  info.ssl_connection = ws->url.secure ? LCCSCF_USE_SSL : 0;
  info.path = ws->url.path;
  info.host = ws->host_header;
  info.origin = REFERENCE_ORIGIN;
  info.protocol = NULL;  /* no Sec-WebSocket-Protocol, like the reference */
  info.local_protocol_name = ws_protocols[0].name;
  info.ietf_version_or_minus_one = -1;
  info.alpn = "http/1.1";
  if (ws->keepalive.secs_since_valid_ping > 0)
    info.retry_and_idle_policy = &ws->keepalive;

  ws->state = WS_CONNECTING;
  ws->close_code = -1;
  ws->tls_generation = g_atomic_int_get (&tls_generation);
  /* lws may report a refused connection before returning. */
  ws->depth++;
  struct lws *wsi = lws_client_connect_via_info (&info);
  ws->depth--;
  if (ws->dead || ws->state != WS_CONNECTING)
    return;
  if (wsi == NULL) {
    connect_failed (ws, TC_ERR_CONNECT);
    return;
  }
  if (ws->wsi == NULL)
    ws->wsi = wsi;
}

static void
on_resolved (GPtrArray *addresses, void *data)
{
  tc_ws *ws = data;
  ws->resolving = NULL;
  if (addresses->len == 0) {
    g_strlcpy (ws->reason, "the host name could not be resolved",
        sizeof ws->reason);
    finish_attempt (ws, false, 0, TC_ERR_CONNECT);
    return;
  }
  for (guint i = 0; i < addresses->len; i++)
    g_ptr_array_add (ws->addrs, g_strdup (g_ptr_array_index (addresses, i)));
  start_lws_connect (ws);
}

static bool
host_is_literal (const tc_ws *ws)
{
  return ws->url.ipv6_literal || g_hostname_is_ip_address (ws->url.host);
}

static gboolean
on_connect_idle (gpointer data)
{
  tc_ws *ws = data;
  g_source_unref (ws->connect_source);
  ws->connect_source = NULL;
  if (host_is_literal (ws)) {
    g_ptr_array_add (ws->addrs, g_strdup (ws->url.host));
    start_lws_connect (ws);
  } else {
    ws->resolving = tc_resolve_start (ws->ctx, ws->url.host, on_resolved, ws);
  }
  return G_SOURCE_REMOVE;
}

tc_status
tc_ws_connect (tc_ws *ws)
{
  g_return_val_if_fail (ws != NULL, TC_ERR_INVALID_ARG);
  if (!alive (ws) || ws->state != WS_IDLE)
    return TC_ERR_CLOSED;
  /* Start from the loop, so no event fires inside this call. */
  ws->state = WS_PENDING;
  schedule_idle (ws, on_connect_idle);
  return TC_OK;
}

tc_status
tc_ws_send (tc_ws *ws, const char *text, size_t len)
{
  g_return_val_if_fail (ws != NULL && text != NULL, TC_ERR_INVALID_ARG);
  if (!alive (ws) || ws->state != WS_OPEN)
    return TC_ERR_CLOSED;
  if (len > TC_WS_MESSAGE_MAX)
    return TC_ERR_TOO_LARGE;
  tx_msg *m = g_malloc (sizeof *m + LWS_PRE + len);
  m->len = len;
  memcpy (m->buf + LWS_PRE, text, len);
  g_queue_push_tail (&ws->tx, m);
  lws_callback_on_writable (ws->wsi);
  return TC_OK;
}

void
tc_ws_close (tc_ws *ws)
{
  if (ws == NULL || ws->closing)
    return;
  ws->closing = true;
  cancel_pending (ws);
  if (ws->state == WS_OPEN && ws->wsi != NULL) {
    lws_callback_on_writable (ws->wsi);
  } else if (ws->state == WS_CONNECTING && ws->wsi != NULL) {
    /* Nothing to say yet: drop the attempt from lws' side. */
    lws_set_timeout (ws->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
  }
}

static void
destroy_now (tc_ws *ws)
{
  /* Callbacks lws makes while closing see `dead` and do nothing. */
  lws_context_destroy (ws->lws);
  ws->lws = NULL;
  if (ws->tls != NULL)
    SSL_CTX_free (ws->tls);
  g_main_loop_unref (ws->loop);
  g_main_context_unref (ws->ctx);
  tx_clear (ws);
  g_byte_array_unref (ws->rx);
  g_ptr_array_unref (ws->addrs);
  g_free (ws->host_header);
  g_free (ws);
}

static gboolean
on_reap_idle (gpointer data)
{
  destroy_now (data);
  return G_SOURCE_REMOVE;
}

void
tc_ws_free (tc_ws *ws)
{
  if (ws == NULL)
    return;
  ws->dead = true;
  ws->cb = NULL;
  cancel_pending (ws);
  if (ws->depth == 0) {
    destroy_now (ws);
    return;
  }
  GSource *reap = g_idle_source_new ();
  g_source_set_callback (reap, on_reap_idle, ws, NULL);
  g_source_attach (reap, ws->ctx);
  g_source_unref (reap);
}

static char *
make_host_header (const tc_ws_url *url)
{
  const char *open = url->ipv6_literal ? "[" : "";
  const char *close = url->ipv6_literal ? "]" : "";
  if (url->default_port)
    return g_strdup_printf ("%s%s%s", open, url->host, close);
  return g_strdup_printf ("%s%s%s:%d", open, url->host, close, url->port);
}

static struct lws_context *
create_lws_context (tc_ws *ws)
{
  void *foreign_loops[1] = {ws->loop};
  struct lws_context_creation_info info = {0};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = ws_protocols;
  /* RAW_ORIGIN: lws would otherwise prefix our Origin with "http://". */
  info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN;
  /* Only needed during creation, as lws' foreign-loop example shows. */
  info.foreign_loops = foreign_loops;
  info.user = ws;
  info.gid = -1;
  info.uid = -1;
  /* Plain ws:// leaves OpenSSL alone entirely (no global re-init, no CA
   * store); wss:// uses our context, see ws_tls.h. */
  if (ws->tls != NULL) {
    info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.provided_client_ssl_ctx = ws->tls;
  }
  struct lws_context *lws = lws_create_context (&info);
  if (ws->tls != NULL)
    g_atomic_int_inc (&tls_generation);
  return lws;
}

static void
free_unstarted (tc_ws *ws)
{
  if (ws->tls != NULL)
    SSL_CTX_free (ws->tls);
  g_main_loop_unref (ws->loop);
  g_main_context_unref (ws->ctx);
  g_byte_array_unref (ws->rx);
  g_ptr_array_unref (ws->addrs);
  g_free (ws->host_header);
  g_free (ws);
}

void
tc_ws_set_keepalive (tc_ws *ws, unsigned seconds)
{
  seconds = MIN (seconds, G_MAXUINT16 / 2);
  /* No retry table: reconnecting is the caller's (scaledrone.c's backoff). */
  ws->keepalive = (lws_retry_bo_t) {
    .secs_since_valid_ping = (uint16_t) seconds,
    .secs_since_valid_hangup = (uint16_t) (2 * seconds),
  };
}

tc_ws *
tc_ws_new (const tc_ws_url *url, const char *ca_file, GMainContext *ctx,
    tc_ws_event_cb cb, void *user_data, tc_status *status)
{
  static GOnce log_once = G_ONCE_INIT;
  tc_status dummy;
  if (status == NULL)
    status = &dummy;
  g_return_val_if_fail (url != NULL && cb != NULL, NULL);
  if (ca_file != NULL && !g_file_test (ca_file, G_FILE_TEST_IS_REGULAR)) {
    *status = TC_ERR_INVALID_ARG;
    return NULL;
  }
  g_once (&log_once, init_lws_once, NULL);

  tc_ws *ws = g_new0 (tc_ws, 1);
  ws->ctx = ctx != NULL ? g_main_context_ref (ctx)
      : g_main_context_ref (g_main_context_default ());
  ws->loop = g_main_loop_new (ws->ctx, FALSE);
  ws->url = *url;
  ws->host_header = make_host_header (url);
  ws->cb = cb;
  ws->user_data = user_data;
  ws->state = WS_IDLE;
  ws->close_code = -1;
  ws->rx = g_byte_array_new ();
  ws->addrs = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&ws->tx);
  *status = TC_OK;
  if (url->secure && (ws->tls = tc_ws_tls_ctx_new (ca_file, status)) == NULL) {
    free_unstarted (ws);
    return NULL;
  }
  ws->lws = create_lws_context (ws);
  if (ws->lws == NULL) {
    free_unstarted (ws);
    *status = TC_ERR_NOMEM;
    return NULL;
  }
  return ws;
}
