/* ice_tls_turn.c - TURN over TLS for libnice: a loopback listener whose
 * connections are bridged to TLS connections to the TURN server (see
 * ice_tls_turn.h for the why).
 *
 * A bridge lives from the accept until both of its streams are closed. Its
 * references: one held by the listener's list while the bridge is running,
 * one per asynchronous GIO operation in flight. Streams are closed only once
 * no operation is in flight (GIO refuses a close while one is pending, and a
 * TLS handshake runs in a worker thread that must not lose its socket).
 */
#include "net/ice_tls_turn.h"

#include "tempchat/tc_log.h"

typedef struct bridge bridge;

/* One direction: read a chunk from `in`, write all of it to `out`, repeat. */
typedef struct {
  bridge *b;
  GInputStream *in;           /* borrowed from the bridge's streams */
  GOutputStream *out;
  guint8 buf[ICE_TLS_TURN_CHUNK];
} pump;

struct bridge {
  gint refs;
  GMainContext *ctx;          /* ref: callbacks may come after the owner */
  ice_tls_turn *owner;        /* NULL once ending or the owner is freed */
  GIOStream *local;           /* libnice's connection, accepted here */
  GIOStream *tcp;             /* to the TURN server, under `tls` */
  GIOStream *tls;
  GCancellable *cancel;
  int busy;                   /* asynchronous operations in flight */
  bool ending;
  bool closed;
  pump up;                    /* libnice -> server */
  pump down;                  /* server -> libnice */
};

struct ice_tls_turn {
  GMainContext *ctx;          /* borrowed */
  GSocketConnectable *server; /* host and port, resolved per connection */
  GSocketClient *client;
  GTlsDatabase *extra_cas;    /* from ca_file, or NULL */
  GSocket *listener;
  GSource *accept_source;     /* NULL while paused */
  GSource *pause_source;      /* resumes accepting, or NULL */
  uint16_t port;
  GQueue bridges;             /* bridge*, each holding a reference */
  bool cert_failed;
  ice_tls_turn_cert_fn on_cert_failed;
  void *user_data;
};

/* ---- bridge lifetime ------------------------------------------------------ */

static bridge *
bridge_ref (bridge *b)
{
  b->refs++;
  return b;
}

static void
bridge_unref (bridge *b)
{
  if (--b->refs > 0)
    return;
  g_clear_object (&b->tls);
  g_clear_object (&b->tcp);
  g_clear_object (&b->local);
  g_object_unref (b->cancel);
  g_main_context_unref (b->ctx);
  g_free (b);
}

/* Closes both sides once nothing is in flight. The plain TCP stream under
 * TLS is closed first: closing the TLS stream itself would try to send a
 * close_notify, which could block on a full socket; this way it fails at
 * once on the closed socket instead. Closing a plain socket never blocks. */
static void
bridge_maybe_close (bridge *b)
{
  if (!b->ending || b->busy > 0 || b->closed)
    return;
  b->closed = true;
  if (b->tcp != NULL)
    g_io_stream_close (b->tcp, NULL, NULL);
  if (b->tls != NULL)
    g_io_stream_close (b->tls, NULL, NULL);
  g_io_stream_close (b->local, NULL, NULL);
}

/* Ends the bridge: in-flight operations are cancelled, the streams closed
 * once they returned. Idempotent. The caller holds a reference. */
static void
bridge_end (bridge *b)
{
  if (!b->ending) {
    b->ending = true;
    g_cancellable_cancel (b->cancel);
    if (b->owner != NULL) {
      g_queue_remove (&b->owner->bridges, b);
      b->owner = NULL;
      bridge_unref (b);
    }
  }
  bridge_maybe_close (b);
}

/* Marks the start of an asynchronous operation; its callback calls
 * op_finish(). The context is made thread-default around the call because
 * GIO completes an operation on the thread-default context of its start. */
static void
op_start (bridge *b)
{
  b->busy++;
  bridge_ref (b);
  g_main_context_push_thread_default (b->ctx);
}

static void
op_started (bridge *b)
{
  g_main_context_pop_thread_default (b->ctx);
}

/* Returns true when the bridge should go on after the operation. */
static bool
op_finish (bridge *b, GError *err)
{
  b->busy--;
  /* Not the message: GIO's name the server. */
  if (err != NULL && !g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    TC_DEBUG ("ice: TURN/TLS bridge: %s error %d",
        g_quark_to_string (err->domain), err->code);
  return !b->ending && err == NULL;
}

/* ---- pumping ---------------------------------------------------------------- */

static void pump_read (pump *p);

static void
on_written (GObject *src, GAsyncResult *res, gpointer data)
{
  pump *p = data;
  bridge *b = p->b;
  GError *err = NULL;
  g_output_stream_write_all_finish (p->out, res, NULL, &err);
  if (op_finish (b, err))
    pump_read (p);
  else
    bridge_end (b);
  g_clear_error (&err);
  bridge_unref (b);
}

static void
on_read (GObject *src, GAsyncResult *res, gpointer data)
{
  pump *p = data;
  bridge *b = p->b;
  GError *err = NULL;
  gssize n = g_input_stream_read_finish (p->in, res, &err);
  if (op_finish (b, err) && n > 0) {
    op_start (b);
    g_output_stream_write_all_async (p->out, p->buf, (gsize) n,
        G_PRIORITY_DEFAULT, b->cancel, on_written, p);
    op_started (b);
  } else {
    bridge_end (b);  /* n == 0: this side closed, so close the other too */
  }
  g_clear_error (&err);
  bridge_unref (b);
}

static void
pump_read (pump *p)
{
  bridge *b = p->b;
  op_start (b);
  g_input_stream_read_async (p->in, p->buf, sizeof p->buf, G_PRIORITY_DEFAULT,
      b->cancel, on_read, p);
  op_started (b);
}

static void
pump_init (pump *p, bridge *b, GIOStream *from, GIOStream *to)
{
  p->b = b;
  p->in = g_io_stream_get_input_stream (from);
  p->out = g_io_stream_get_output_stream (to);
  pump_read (p);
}

/* ---- connecting ------------------------------------------------------------- */

/* The system CAs said "unknown CA": the extra CA file may know it. Any other
 * problem (host name, dates, ...) is not something an extra CA can fix. */
static gboolean
on_accept_certificate (GTlsConnection *conn, GTlsCertificate *cert,
    GTlsCertificateFlags errors, gpointer data)
{
  GTlsDatabase *extra_cas = data;
  if (errors != G_TLS_CERTIFICATE_UNKNOWN_CA)
    return FALSE;
  GSocketConnectable *identity = g_tls_client_connection_get_server_identity (
      G_TLS_CLIENT_CONNECTION (conn));
  GTlsCertificateFlags flags = g_tls_database_verify_chain (extra_cas, cert,
      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, NULL,
      G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  return flags == 0;
}

static void
on_handshake (GObject *src, GAsyncResult *res, gpointer data)
{
  bridge *b = data;
  GError *err = NULL;
  g_tls_connection_handshake_finish (G_TLS_CONNECTION (b->tls), res, &err);
  bool bad_cert = g_error_matches (err, G_TLS_ERROR,
      G_TLS_ERROR_BAD_CERTIFICATE);
  if (bad_cert && b->owner != NULL) {
    b->owner->cert_failed = true;
    TC_INFO ("ice: the TURN server's TLS certificate could not be verified");
    if (b->owner->on_cert_failed != NULL)
      b->owner->on_cert_failed (b->owner->user_data);
  } else if (err != NULL && !b->ending) {
    TC_INFO ("ice: the TLS handshake with the TURN server failed");
  }
  if (op_finish (b, err)) {
    TC_DEBUG ("ice: TURN/TLS bridge up");
    pump_init (&b->up, b, b->local, b->tls);
    pump_init (&b->down, b, b->tls, b->local);
  } else {
    bridge_end (b);
  }
  g_clear_error (&err);
  bridge_unref (b);
}

static void
start_tls (bridge *b, ice_tls_turn *t)
{
  GError *err = NULL;
  b->tls = g_tls_client_connection_new (b->tcp, t->server, &err);
  if (b->tls == NULL) {
    TC_INFO ("ice: no TLS for the TURN server: %s", err->message);
    g_error_free (err);
    bridge_end (b);
    return;
  }
  if (t->extra_cas != NULL)
    g_signal_connect_data (b->tls, "accept-certificate",
        G_CALLBACK (on_accept_certificate), g_object_ref (t->extra_cas),
        (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  op_start (b);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (b->tls),
      G_PRIORITY_DEFAULT, b->cancel, on_handshake, b);
  op_started (b);
}

static void
on_connected (GObject *src, GAsyncResult *res, gpointer data)
{
  bridge *b = data;
  GError *err = NULL;
  GSocketConnection *conn = g_socket_client_connect_finish (
      G_SOCKET_CLIENT (src), res, &err);
  b->tcp = conn != NULL ? G_IO_STREAM (conn) : NULL;
  if (err != NULL && !b->ending)
    TC_INFO ("ice: could not reach the TURN server over TCP");
  if (op_finish (b, err) && b->owner != NULL)
    start_tls (b, b->owner);
  else
    bridge_end (b);
  g_clear_error (&err);
  bridge_unref (b);
}

static void
bridge_start (ice_tls_turn *t, GSocket *sock)
{
  bridge *b = g_new0 (bridge, 1);
  b->refs = 1;  /* the list's */
  b->ctx = g_main_context_ref (t->ctx);
  b->owner = t;
  b->local = G_IO_STREAM (g_socket_connection_factory_create_connection (sock));
  b->cancel = g_cancellable_new ();
  g_queue_push_tail (&t->bridges, b);
  /* libnice's first bytes wait in the kernel until the TLS leg is up. */
  op_start (b);
  g_socket_client_connect_async (t->client, t->server, b->cancel,
      on_connected, b);
  op_started (b);
}

static gboolean on_incoming (GSocket *listener, GIOCondition cond,
    gpointer data);

static void
watch_listener (ice_tls_turn *t)
{
  t->accept_source = g_socket_create_source (t->listener, G_IO_IN, NULL);
  g_source_set_callback (t->accept_source, (GSourceFunc) (void (*) (void))
      on_incoming, t, NULL);
  g_source_attach (t->accept_source, t->ctx);
}

static gboolean
resume_accepting (gpointer data)
{
  ice_tls_turn *t = data;
  g_clear_pointer (&t->pause_source, g_source_unref);
  watch_listener (t);
  return G_SOURCE_REMOVE;
}

/* accept() failing for another reason than "nothing left" (out of file
 * descriptors, ...) leaves the listener readable: stop watching it for a
 * while rather than spin the session thread. */
static void
pause_accepting (ice_tls_turn *t)
{
  g_source_destroy (t->accept_source);
  g_clear_pointer (&t->accept_source, g_source_unref);
  t->pause_source = g_timeout_source_new (ICE_TLS_TURN_ACCEPT_PAUSE_MS);
  g_source_set_callback (t->pause_source, resume_accepting, t, NULL);
  g_source_attach (t->pause_source, t->ctx);
}

static gboolean
on_incoming (GSocket *listener, GIOCondition cond, gpointer data)
{
  ice_tls_turn *t = data;
  GError *err = NULL;
  GSocket *sock;
  while ((sock = g_socket_accept (listener, NULL, &err)) != NULL) {
    if (g_queue_get_length (&t->bridges) < ICE_TLS_TURN_MAX_CONN)
      bridge_start (t, sock);
    else
      TC_INFO ("ice: too many TURN/TLS connections; one refused");
    g_object_unref (sock);  /* the bridge's connection keeps its own ref */
  }
  bool again = g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  if (!again) {
    TC_INFO ("ice: TURN/TLS accept failed: %s", err->message);
    pause_accepting (t);
  }
  g_error_free (err);
  return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- the listener ------------------------------------------------------------- */

static tc_status
listen_loopback (ice_tls_turn *t)
{
  GError *err = NULL;
  t->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &err);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  bool ok = t->listener != NULL
      && g_socket_bind (t->listener, addr, FALSE, &err)
      && g_socket_listen (t->listener, &err);
  g_object_unref (addr);
  g_object_unref (lo);
  GSocketAddress *bound = ok ? g_socket_get_local_address (t->listener, &err)
      : NULL;
  if (bound == NULL) {
    TC_WARN ("ice: no loopback socket for TURN over TLS: %s", err->message);
    g_error_free (err);
    return TC_ERR_CONNECT;
  }
  t->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);

  g_socket_set_blocking (t->listener, FALSE);  /* accept until WOULD_BLOCK */
  watch_listener (t);
  return TC_OK;
}

tc_status
ice_tls_turn_new (GMainContext *ctx, const char *host, uint16_t port,
    const char *ca_file, ice_tls_turn_cert_fn on_cert_failed, void *user_data,
    ice_tls_turn **out)
{
  g_return_val_if_fail (ctx != NULL && host != NULL && out != NULL,
      TC_ERR_INVALID_ARG);
  *out = NULL;
  GTlsDatabase *extra_cas = NULL;
  if (ca_file != NULL) {
    GError *err = NULL;
    extra_cas = g_tls_file_database_new (ca_file, &err);
    if (extra_cas == NULL) {
      /* A status the caller reports; the message names the file. */
      TC_DEBUG ("ice: the CA file cannot be used for TURN over TLS: %s",
          err->message);
      g_error_free (err);
      return TC_ERR_INVALID_ARG;
    }
  }

  ice_tls_turn *t = g_new0 (ice_tls_turn, 1);
  t->ctx = ctx;
  t->extra_cas = extra_cas;
  t->on_cert_failed = on_cert_failed;
  t->user_data = user_data;
  t->server = g_network_address_new (host, port);
  t->client = g_socket_client_new ();
  /* Straight to the server: a system proxy would be a surprise here. */
  g_socket_client_set_enable_proxy (t->client, FALSE);
  g_queue_init (&t->bridges);
  tc_status st = listen_loopback (t);
  if (st != TC_OK) {
    ice_tls_turn_free (t);
    return st;
  }
  *out = t;
  return TC_OK;
}

uint16_t
ice_tls_turn_get_port (const ice_tls_turn *t)
{
  g_return_val_if_fail (t != NULL, 0);
  return t->port;
}

bool
ice_tls_turn_cert_failed (const ice_tls_turn *t)
{
  g_return_val_if_fail (t != NULL, false);
  return t->cert_failed;
}

void
ice_tls_turn_free (ice_tls_turn *t)
{
  if (t == NULL)
    return;
  bridge *b;
  while ((b = g_queue_peek_head (&t->bridges)) != NULL) {
    bridge_ref (b);
    bridge_end (b);  /* takes it off the list */
    bridge_unref (b);
  }
  GSource *sources[] = { t->accept_source, t->pause_source };
  for (size_t i = 0; i < G_N_ELEMENTS (sources); i++) {
    if (sources[i] != NULL) {
      g_source_destroy (sources[i]);
      g_source_unref (sources[i]);
    }
  }
  if (t->listener != NULL) {
    g_socket_close (t->listener, NULL);
    g_object_unref (t->listener);
  }
  g_clear_object (&t->client);
  g_clear_object (&t->server);
  g_clear_object (&t->extra_cas);
  g_free (t);
}
