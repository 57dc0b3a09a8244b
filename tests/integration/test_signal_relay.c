/* test_signal_relay.c - the ScaleDrone client against the real relay.
 *
 * Starts tempchat-relay (TC_RELAY_PATH) with --port 0, waits for its
 * "listening on" line, and runs tc_scaledrone clients in one GMainContext.
 * Every wait is event-driven with a deadline: the test iterates the context
 * until a condition holds or the deadline passes, and never sleeps.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tempchat/tc_signal.h"

#define WAIT_MS 15000       /* generous: ASan builds are slow */
#define RETRY_BASE_MS 200   /* fast reconnects keep the test short */
#define ROOM "#it-signal-room"

/* --- waiting ---------------------------------------------------------------- */

typedef gboolean (*cond_fn) (gpointer data);

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default context until cond(data) or WAIT_MS. */
static gboolean
wait_for (cond_fn cond, gpointer data)
{
  GMainContext *ctx = g_main_context_get_thread_default ();
  gboolean late = FALSE;
  GSource *t = g_timeout_source_new (WAIT_MS);
  g_source_set_callback (t, on_deadline, &late, NULL);
  g_source_attach (t, ctx);
  while (!cond (data) && !late)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (t);
  g_source_unref (t);
  return cond (data);
}

/* Runs what is ready now, e.g. idle sources left by a free. */
static void
drain (void)
{
  GMainContext *ctx = g_main_context_get_thread_default ();
  for (int i = 0; i < 50 && g_main_context_iteration (ctx, FALSE); i++)
    ;
}

/* --- the relay process -------------------------------------------------------- */

typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  char *line;    /* the "listening on" line once read */
  gboolean eof;
  int port;
} relay;

static void
on_relay_line (GObject *src, GAsyncResult *res, gpointer data)
{
  relay *r = data;
  r->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (src),
      res, NULL, NULL);
  if (r->line == NULL)
    r->eof = TRUE;
}

static gboolean
relay_said_something (gpointer data)
{
  relay *r = data;
  return r->line != NULL || r->eof;
}

/* Starts the relay with `args` (NULL-terminated) plus --port. */
static void
relay_start (relay *r, int port, const char *const *extra)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (TC_RELAY_PATH));
  g_ptr_array_add (argv, g_strdup_printf ("--port=%d", port));
  for (; extra != NULL && *extra != NULL; extra++)
    g_ptr_array_add (argv, g_strdup (*extra));
  g_ptr_array_add (argv, NULL);
  GError *err = NULL;
  r->proc = g_subprocess_newv ((const char *const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err);
  g_assert_no_error (err);
  g_ptr_array_unref (argv);

  r->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));
  r->line = NULL;
  r->eof = FALSE;
  g_data_input_stream_read_line_async (r->out, G_PRIORITY_DEFAULT, NULL,
      on_relay_line, r);
  g_assert_true (wait_for (relay_said_something, r));
  g_assert_nonnull (r->line);
  /* "tempchat-relay listening on ws[s]://127.0.0.1:PORT/v3/websocket" */
  const char *p = strstr (r->line, "://127.0.0.1:");
  g_assert_nonnull (p);
  r->port = atoi (p + strlen ("://127.0.0.1:"));
  g_assert_cmpint (r->port, >, 0);
  if (port != 0)
    g_assert_cmpint (r->port, ==, port);
}

static void
relay_stop (relay *r, int signum)
{
  if (r->proc == NULL)
    return;
  g_subprocess_send_signal (r->proc, signum);
  g_assert_true (g_subprocess_wait (r->proc, NULL, NULL));
  g_clear_object (&r->out);
  g_clear_object (&r->proc);
  g_clear_pointer (&r->line, g_free);
}

static char *
relay_url (const relay *r)
{
  return g_strdup_printf ("ws://127.0.0.1:%d/v3/websocket", r->port);
}

/* --- a client that records its events ---------------------------------------- */

typedef struct {
  const char *name;
  tc_signal *sig;
  GString *trace;        /* event names in order, space-separated */
  unsigned joined;       /* PEER_JOINED count */
  unsigned left;
  unsigned disconnected;
  unsigned reconnected;
  unsigned extra;
  unsigned busy;
  gboolean subscribed;
  gboolean is_offerer;
  tc_status error;
  gboolean fatal;
  GPtrArray *messages;   /* "sdp offer", "candidate", ... */
  gboolean free_on_join; /* frees itself inside the PEER_JOINED callback */
} client;

static void
record_message (client *c, const tc_peer_msg *m)
{
  char *s;
  if (m->kind == TC_PEER_MSG_SDP)
    s = g_strdup_printf ("sdp %s %s", tc_sdp_type_str (m->sdp_type), m->sdp);
  else if (m->kind == TC_PEER_MSG_CANDIDATE)
    s = g_strdup_printf ("candidate %s %s %d", m->candidate,
        m->sdp_mid != NULL ? m->sdp_mid : "-", m->sdp_mline_index);
  else
    s = g_strdup ("end-of-candidates");
  g_ptr_array_add (c->messages, s);
}

static void
on_event (tc_signal *sig, const tc_signal_event *ev, void *data)
{
  client *c = data;
  g_assert_true (sig == c->sig);
  g_string_append_printf (c->trace, "%s ", tc_signal_event_name (ev->type));
  switch (ev->type) {
    case TC_SIGNAL_EV_SUBSCRIBED:
      c->subscribed = TRUE;
      break;
    case TC_SIGNAL_EV_PEER_JOINED:
      c->joined++;
      c->is_offerer = ev->is_offerer;
      g_assert_cmpuint (ev->members, ==, 2);
      if (c->free_on_join) {
        /* Allowed: the client defers its own destruction. */
        tc_signal_free (c->sig);
        c->sig = NULL;
      }
      break;
    case TC_SIGNAL_EV_PEER_LEFT:
      c->left++;
      break;
    case TC_SIGNAL_EV_EXTRA_MEMBER:
      c->extra++;
      break;
    case TC_SIGNAL_EV_ROOM_BUSY:
      c->busy++;
      break;
    case TC_SIGNAL_EV_MESSAGE:
      record_message (c, ev->msg);
      break;
    case TC_SIGNAL_EV_DISCONNECTED:
      c->disconnected++;
      break;
    case TC_SIGNAL_EV_RECONNECTED:
      c->reconnected++;
      break;
    case TC_SIGNAL_EV_ERROR:
      c->error = ev->status;
      c->fatal = ev->fatal;
      /* The user-facing sentence never carries the room or an address. */
      g_assert_nonnull (ev->text);
      g_assert_null (strstr (ev->text, "it-signal-room"));
      g_assert_null (strstr (ev->text, "127.0.0.1"));
      break;
    case TC_SIGNAL_EV_OPEN:
      break;
  }
}

static void
client_init (client *c, const char *name)
{
  memset (c, 0, sizeof *c);
  c->name = name;
  c->trace = g_string_new (NULL);
  c->messages = g_ptr_array_new_with_free_func (g_free);
}

static void
client_start_url (client *c, const char *url, const char *ca_file,
    const char *channel, unsigned attempts)
{
  tc_scaledrone_config cfg = {
    .url = url,
    .channel = channel,
    .room = ROOM,
    .ca_file = ca_file,
    .reconnect_base_ms = RETRY_BASE_MS,
    .reconnect_attempts = attempts,
  };
  tc_status st = TC_ERR_INVALID_ARG;
  c->sig = tc_scaledrone_new (&cfg, g_main_context_get_thread_default (),
      on_event, c, &st);
  g_assert_cmpint (st, ==, TC_OK);
  g_assert_nonnull (c->sig);
  g_assert_cmpint (tc_signal_start (c->sig), ==, TC_OK);
}

static void
client_start (client *c, const relay *r, const char *channel, unsigned attempts)
{
  char *url = relay_url (r);
  client_start_url (c, url, NULL, channel, attempts);
  g_free (url);
}

static void
client_clear (client *c)
{
  tc_signal_free (c->sig);
  c->sig = NULL;
  drain ();
  g_test_message ("%s: %s", c->name, c->trace->str);
  g_string_free (c->trace, TRUE);
  g_ptr_array_unref (c->messages);
}

static gboolean
is_subscribed (gpointer data)
{
  return ((client *) data)->subscribed;
}

static gboolean
is_fatal (gpointer data)
{
  return ((client *) data)->fatal;
}

/* Two clients, both with at least `n` PEER_JOINED events. */
typedef struct {
  client *a, *b;
  unsigned n;
} pair;

static gboolean
both_joined (gpointer data)
{
  pair *p = data;
  return p->a->joined >= p->n && p->b->joined >= p->n;
}

typedef struct {
  client *c;
  guint count;
} msg_wait;

static gboolean
has_messages (gpointer data)
{
  msg_wait *w = data;
  return w->c->messages->len >= w->count;
}

/* --- per-test context ------------------------------------------------------------ */

typedef struct {
  GMainContext *ctx;
  relay relay;
} fixture;

static void
fixture_setup (fixture *f, gconstpointer unused)
{
  f->ctx = g_main_context_new ();
  g_main_context_push_thread_default (f->ctx);
  memset (&f->relay, 0, sizeof f->relay);
}

static void
fixture_teardown (fixture *f, gconstpointer unused)
{
  relay_stop (&f->relay, SIGTERM);
  drain ();
  g_main_context_pop_thread_default (f->ctx);
  g_main_context_unref (f->ctx);
}

/* --- (a) roles and messages --------------------------------------------------------- */

static void
exchange (client *offerer, client *answerer)
{
  tc_peer_msg offer = {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_OFFER,
    .sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", .sdp_mline_index = -1};
  g_assert_cmpint (tc_signal_send (offerer->sig, &offer), ==, TC_OK);
  msg_wait w = {answerer, 1};
  g_assert_true (wait_for (has_messages, &w));
  g_assert_cmpstr (g_ptr_array_index (answerer->messages, 0), ==,
      "sdp offer v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");

  tc_peer_msg answer = {.kind = TC_PEER_MSG_SDP, .sdp_type = TC_SDP_ANSWER,
    .sdp = "v=0\r\n", .sdp_mline_index = -1};
  tc_peer_msg cand = {.kind = TC_PEER_MSG_CANDIDATE,
    .candidate = "candidate:842163049 1 udp 1677729535 203.0.113.7 50512 typ srflx",
    .sdp_mid = "0", .sdp_mline_index = 0, .username_fragment = "sTjX"};
  g_assert_cmpint (tc_signal_send (answerer->sig, &answer), ==, TC_OK);
  g_assert_cmpint (tc_signal_send (answerer->sig, &cand), ==, TC_OK);
  w = (msg_wait) {offerer, 2};
  g_assert_true (wait_for (has_messages, &w));
  /* Our own publishes come back from the server and are not reported. */
  g_assert_cmpuint (offerer->messages->len, ==, 2);
  g_assert_cmpuint (answerer->messages->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (offerer->messages, 0), ==,
      "sdp answer v=0\r\n");
  g_assert_cmpstr (g_ptr_array_index (offerer->messages, 1), ==,
      "candidate candidate:842163049 1 udp 1677729535 203.0.113.7 50512 typ srflx 0 0");
}

static void
join_pair (fixture *f, client *first, client *second)
{
  client_start (first, &f->relay, "chan", 0);
  g_assert_true (wait_for (is_subscribed, first));
  client_start (second, &f->relay, "chan", 0);
  pair p = {first, second, 1};
  g_assert_true (wait_for (both_joined, &p));
  g_assert_cmpint (first->is_offerer, !=, second->is_offerer);
}

static void
test_roles_in_order (fixture *f, gconstpointer reversed)
{
  relay_start (&f->relay, 0, NULL);
  client a, b;
  client_init (&a, "A");
  client_init (&b, "B");
  if (reversed != NULL)
    join_pair (f, &b, &a);
  else
    join_pair (f, &a, &b);
  if (a.is_offerer)
    exchange (&a, &b);
  else
    exchange (&b, &a);
  g_assert_true (g_str_has_prefix (a.trace->str, "open subscribed peer-joined"));
  g_assert_cmpint (a.error, ==, TC_OK);
  g_assert_cmpint (b.error, ==, TC_OK);
  client_clear (&a);
  client_clear (&b);
}

/* --- (b) the relay dies and comes back ------------------------------------------- */

static gboolean
both_disconnected (gpointer data)
{
  pair *p = data;
  return p->a->disconnected > 0 && p->b->disconnected > 0;
}

static void
test_relay_restart (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  int port = f->relay.port;
  client a, b;
  client_init (&a, "A");
  client_init (&b, "B");
  join_pair (f, &a, &b);

  relay_stop (&f->relay, SIGKILL);
  pair p = {&a, &b, 2};
  g_assert_true (wait_for (both_disconnected, &p));
  /* Our client id changes with the connection: the call is over. */
  g_assert_cmpuint (a.left, ==, 1);
  g_assert_cmpuint (b.left, ==, 1);

  relay_start (&f->relay, port, NULL);
  g_assert_true (wait_for (both_joined, &p));
  g_assert_cmpuint (a.reconnected, ==, 1);
  g_assert_cmpuint (b.reconnected, ==, 1);
  g_assert_cmpint (a.is_offerer, !=, b.is_offerer);
  g_assert_nonnull (strstr (a.trace->str,
      "peer-joined disconnected peer-left "));
  g_assert_nonnull (strstr (a.trace->str, "reconnected peer-joined"));
  g_assert_cmpint (a.error, ==, TC_OK);

  /* The new pair talks again. */
  g_ptr_array_set_size (a.messages, 0);
  g_ptr_array_set_size (b.messages, 0);
  if (a.is_offerer)
    exchange (&a, &b);
  else
    exchange (&b, &a);
  client_clear (&a);
  client_clear (&b);
}

static void
test_relay_gone (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  client a;
  client_init (&a, "A");
  client_start (&a, &f->relay, "chan", 2);
  g_assert_true (wait_for (is_subscribed, &a));
  relay_stop (&f->relay, SIGKILL);
  g_assert_true (wait_for (is_fatal, &a));
  g_assert_cmpint (a.error, ==, TC_ERR_SERVER_GONE);
  g_assert_cmpuint (a.disconnected, ==, 2);
  /* Stopped clients refuse to send. */
  tc_peer_msg eoc = {.kind = TC_PEER_MSG_END_OF_CANDIDATES,
    .sdp_mline_index = -1};
  g_assert_cmpint (tc_signal_send (a.sig, &eoc), ==, TC_ERR_CLOSED);
  client_clear (&a);
}

static gboolean
is_busy (gpointer data)
{
  return ((client *) data)->busy > 0;
}

static gboolean
has_joined (gpointer data)
{
  return ((client *) data)->joined > 0;
}

static gboolean
has_left (gpointer data)
{
  return ((client *) data)->left > 0;
}

/* A third member of a room where two talk waits, told so, and pairs with
 * the one who stays when the other leaves. */
static void
test_third_client_waits_for_the_room_to_free (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  client a, b, c;
  client_init (&a, "A");
  client_init (&b, "B");
  client_init (&c, "C");
  join_pair (f, &a, &b);
  client_start (&c, &f->relay, "chan", 0);
  g_assert_true (wait_for (is_busy, &c));
  g_assert_cmpuint (c.joined, ==, 0);
  g_assert_cmpuint (a.extra, ==, 1);
  g_assert_cmpuint (b.extra, ==, 1);

  client_clear (&a);
  g_assert_true (wait_for (has_joined, &c));
  g_assert_cmpuint (c.busy, ==, 1);
  /* B hears of A's leaving on its own connection: C's join may come
   * first (seen under ASan in CI). */
  g_assert_true (wait_for (has_left, &b));
  g_assert_cmpuint (b.left, ==, 1);
  g_assert_true (wait_for (has_joined, &b));
  g_assert_cmpuint (b.joined, ==, 2);
  g_assert_cmpint (b.is_offerer, !=, c.is_offerer);
  g_assert_cmpint (c.error, ==, TC_OK);
  client_clear (&b);
  client_clear (&c);
}

/* --- (c) a full room, (d) a wrong channel ------------------------------------- */

static void
test_room_full (fixture *f, gconstpointer unused)
{
  static const char *const args[] = {"--max-members=2", NULL};
  relay_start (&f->relay, 0, args);
  client a, b, c;
  client_init (&a, "A");
  client_init (&b, "B");
  client_init (&c, "C");
  join_pair (f, &a, &b);
  client_start (&c, &f->relay, "chan", 0);
  g_assert_true (wait_for (is_fatal, &c));
  g_assert_cmpint (c.error, ==, TC_ERR_ROOM_FULL);
  g_assert_false (c.subscribed);
  g_assert_cmpuint (c.disconnected, ==, 0);  /* no reconnect after a refusal */
  drain ();
  g_assert_cmpuint (a.extra + b.extra, ==, 0);
  client_clear (&c);
  client_clear (&a);
  client_clear (&b);
}

static void
test_bad_channel (fixture *f, gconstpointer unused)
{
  static const char *const args[] = {"--channel=good", NULL};
  relay_start (&f->relay, 0, args);
  client a;
  client_init (&a, "A");
  client_start (&a, &f->relay, "wrong", 0);
  g_assert_true (wait_for (is_fatal, &a));
  g_assert_cmpint (a.error, ==, TC_ERR_BAD_CHANNEL);
  g_assert_cmpstr (a.trace->str, ==, "error ");
  client_clear (&a);

  client b;
  client_init (&b, "B");
  client_start (&b, &f->relay, "good", 0);
  g_assert_true (wait_for (is_subscribed, &b));
  client_clear (&b);
}

/* --- (e) refusals at creation -------------------------------------------------- */

typedef struct {
  const char *name;
  const char *url;
  const char *room;
  gboolean allow_insecure;
  tc_status status;
} create_case;

static const create_case create_cases[] = {
  {"plain ws to a remote host is refused", "ws://192.0.2.10/v3/websocket",
    ROOM, FALSE, TC_ERR_INSECURE_URL},
  {"plain ws to a remote name is refused", "ws://relay.example.org/",
    ROOM, FALSE, TC_ERR_INSECURE_URL},
  {"plain ws to a remote host is allowed when asked for",
    "ws://192.0.2.10/v3/websocket", ROOM, TRUE, TC_OK},
  {"plain ws to loopback needs no permission", "ws://[::1]:9/", ROOM, FALSE,
    TC_OK},
  {"the default URL is accepted", NULL, ROOM, FALSE, TC_OK},
  {"a room with spaces is refused", "ws://127.0.0.1:9/", "my room", FALSE,
    TC_ERR_BAD_ROOM},
  {"a link without a room is refused", "ws://127.0.0.1:9/",
    "https://teams.securityops.co/", FALSE, TC_ERR_BAD_ROOM},
  {"an http URL is refused", "https://api.scaledrone.com/v3/websocket", ROOM,
    FALSE, TC_ERR_BAD_URL},
};

static void
ignore_event (tc_signal *sig, const tc_signal_event *ev, void *data)
{
  g_assert_not_reached ();
}

static void
test_create_case (fixture *f, gconstpointer data)
{
  const create_case *c = data;
  tc_scaledrone_config cfg = {.url = c->url, .channel = "chan",
    .room = c->room, .allow_insecure = c->allow_insecure};
  tc_status st = TC_ERR_CLOSED;
  tc_signal *sig = tc_scaledrone_new (&cfg, f->ctx, ignore_event, NULL, &st);
  g_assert_cmpstr (tc_status_name (st), ==, tc_status_name (c->status));
  g_assert_true ((sig != NULL) == (c->status == TC_OK));
  if (sig != NULL) {
    tc_peer_msg eoc = {.kind = TC_PEER_MSG_END_OF_CANDIDATES,
      .sdp_mline_index = -1};
    g_assert_cmpint (tc_signal_send (sig, &eoc), ==, TC_ERR_CLOSED);
  }
  tc_signal_free (sig);
}

static void
test_create_needs_channel (fixture *f, gconstpointer unused)
{
  tc_scaledrone_config cfg = {.url = "ws://127.0.0.1:9/", .room = ROOM};
  tc_status st = TC_OK;
  g_assert_null (tc_scaledrone_new (&cfg, f->ctx, ignore_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
  cfg.channel = "chan";
  cfg.ca_file = "/nonexistent/ca.pem";
  g_assert_null (tc_scaledrone_new (&cfg, f->ctx, ignore_event, NULL, &st));
  g_assert_cmpint (st, ==, TC_ERR_INVALID_ARG);
}

/* --- lifetime -------------------------------------------------------------------- */

static gboolean
peer_left (gpointer data)
{
  return ((client *) data)->left > 0;
}

static void
test_free_inside_callback (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  client a, b;
  client_init (&a, "A");
  client_init (&b, "B");
  client_start (&a, &f->relay, "chan", 0);
  g_assert_true (wait_for (is_subscribed, &a));
  b.free_on_join = TRUE;
  client_start (&b, &f->relay, "chan", 0);
  /* B frees itself when the peer appears; A then sees it leave. */
  g_assert_true (wait_for (peer_left, &a));
  g_assert_null (b.sig);
  g_assert_cmpuint (b.joined, ==, 1);
  g_assert_cmpstr (b.trace->str, ==, "open subscribed peer-joined ");
  client_clear (&a);
  client_clear (&b);
}

static void
test_no_events_after_stop (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  client a, b;
  client_init (&a, "A");
  client_init (&b, "B");
  join_pair (f, &a, &b);
  tc_signal_stop (a.sig);
  char *before = g_strdup (a.trace->str);
  g_assert_cmpint (tc_signal_start (a.sig), ==, TC_ERR_CLOSED);
  /* A leaves the room; B notices, A stays silent. */
  g_assert_true (wait_for (peer_left, &b));
  g_assert_cmpstr (a.trace->str, ==, before);
  g_free (before);
  client_clear (&a);
  client_clear (&b);
}


/* --- wss:// ---------------------------------------------------------------------- */

/* A throwaway CA and a server certificate for "localhost" only, made with the
 * openssl tool in a temporary directory. */
typedef struct {
  char *dir;
  char *ca, *cert, *key;
} test_pki;

static void
run_openssl (const char *dir, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) TC_OPENSSL_PATH);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  GError *err = NULL;
  gint status = 0;
  g_spawn_sync (dir, (char **) argv->pdata, NULL,
      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
      NULL, NULL, &status, &err);
  g_assert_no_error (err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_ptr_array_unref (argv);
}

static gboolean
pki_make (test_pki *p)
{
  if (TC_OPENSSL_PATH[0] == '\0')
    return FALSE;
  GError *err = NULL;
  p->dir = g_dir_make_tmp ("tempchat-signal-XXXXXX", &err);
  g_assert_no_error (err);
  static const char *const ca[] = {"req", "-x509", "-newkey", "ec",
    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
    "-out", "ca.pem", "-days", "1", "-subj", "/CN=tempchat test CA", NULL};
  static const char *const csr[] = {"req", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:P-256", "-nodes", "-keyout", "srv.key", "-out",
    "srv.csr", "-subj", "/CN=localhost", NULL};
  static const char *const sign[] = {"x509", "-req", "-in", "srv.csr", "-CA",
    "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem",
    "-days", "1", "-extfile", "ext.cnf", NULL};
  char *ext = g_build_filename (p->dir, "ext.cnf", NULL);
  g_assert_true (g_file_set_contents (ext, "subjectAltName=DNS:localhost\n",
      -1, NULL));
  g_free (ext);
  run_openssl (p->dir, ca);
  run_openssl (p->dir, csr);
  run_openssl (p->dir, sign);
  p->ca = g_build_filename (p->dir, "ca.pem", NULL);
  p->cert = g_build_filename (p->dir, "srv.pem", NULL);
  p->key = g_build_filename (p->dir, "srv.key", NULL);
  return TRUE;
}

static void
pki_clear (test_pki *p)
{
  static const char *const files[] = {"ca.pem", "ca.key", "ca.srl", "srv.pem",
    "srv.key", "srv.csr", "ext.cnf", NULL};
  for (const char *const *f = files; *f != NULL; f++) {
    char *path = g_build_filename (p->dir, *f, NULL);
    g_unlink (path);
    g_free (path);
  }
  g_rmdir (p->dir);
  g_free (p->dir);
  g_free (p->ca);
  g_free (p->cert);
  g_free (p->key);
}

static void
start_tls_relay (fixture *f, test_pki *pki)
{
  char *cert = g_strdup_printf ("--cert=%s", pki->cert);
  char *key = g_strdup_printf ("--key=%s", pki->key);
  const char *const args[] = {cert, key, NULL};
  relay_start (&f->relay, 0, args);
  g_free (cert);
  g_free (key);
}

static void
test_tls_trusted (fixture *f, gconstpointer unused)
{
  test_pki pki;
  if (!pki_make (&pki)) {
    g_test_skip ("openssl tool not found");
    return;
  }
  start_tls_relay (f, &pki);
  /* "localhost" goes through the resolver and may try ::1 first. */
  char *url = g_strdup_printf ("wss://localhost:%d/v3/websocket",
      f->relay.port);
  client a, b;
  client_init (&a, "A");
  client_init (&b, "B");
  client_start_url (&a, url, pki.ca, "chan", 0);
  g_assert_true (wait_for (is_subscribed, &a));
  client_start_url (&b, url, pki.ca, "chan", 0);
  pair p = {&a, &b, 1};
  g_assert_true (wait_for (both_joined, &p));
  g_assert_cmpint (a.is_offerer, !=, b.is_offerer);
  if (a.is_offerer)
    exchange (&a, &b);
  else
    exchange (&b, &a);
  g_free (url);
  client_clear (&a);
  client_clear (&b);
  pki_clear (&pki);
}

typedef struct {
  const char *host;
  gboolean with_ca;
} tls_refusal;

static const tls_refusal untrusted = {"localhost", FALSE};
static const tls_refusal wrong_name = {"127.0.0.1", TRUE};

static void
test_tls_refused (fixture *f, gconstpointer data)
{
  const tls_refusal *r = data;
  test_pki pki;
  if (!pki_make (&pki)) {
    g_test_skip ("openssl tool not found");
    return;
  }
  start_tls_relay (f, &pki);
  char *url = g_strdup_printf ("wss://%s:%d/v3/websocket", r->host,
      f->relay.port);
  client a;
  client_init (&a, "A");
  client_start_url (&a, url, r->with_ca ? pki.ca : NULL, "chan", 0);
  g_assert_true (wait_for (is_fatal, &a));
  g_assert_cmpint (a.error, ==, TC_ERR_TLS);
  g_assert_cmpuint (a.disconnected, ==, 0);  /* no retry against a bad cert */
  g_free (url);
  client_clear (&a);
  pki_clear (&pki);
}

/* --- the CLI ----------------------------------------------------------------------- */

typedef struct {
  GSubprocess *proc;
  char *out;
  gboolean done;
} cli_run;

static void
on_cli_done (GObject *src, GAsyncResult *res, gpointer data)
{
  cli_run *r = data;
  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (src), res, &r->out,
      NULL, NULL);
  r->done = TRUE;
}

static gboolean
cli_done (gpointer data)
{
  return ((cli_run *) data)->done;
}

static void
test_cli_exit_on_peer (fixture *f, gconstpointer unused)
{
  relay_start (&f->relay, 0, NULL);
  char *url = relay_url (&f->relay);
  GError *err = NULL;
  cli_run run = {0};
  run.proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err,
      TC_JOIN_PATH, "--url", url, "--channel", "chan", "--exit-on-peer",
      "--send-offer", "v=0", "https://teams.securityops.co/#it-signal-room",
      NULL);
  g_assert_no_error (err);
  g_free (url);
  g_subprocess_communicate_utf8_async (run.proc, NULL, NULL, on_cli_done,
      &run);

  client a;
  client_init (&a, "A");
  /* The CLI subscribes first or second; either way both meet. */
  client_start (&a, &f->relay, "chan", 0);
  g_assert_true (wait_for (cli_done, &run));
  g_assert_true (g_subprocess_get_if_exited (run.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (run.proc), ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "open\nsubscribed members="));
  g_assert_nonnull (strstr (run.out, "\npeer-joined role="));
  g_assert_true (g_str_has_suffix (run.out, " members=2\n"));
  msg_wait w = {&a, 1};
  g_assert_true (wait_for (has_messages, &w));
  g_assert_cmpstr (g_ptr_array_index (a.messages, 0), ==, "sdp offer v=0");
  g_free (run.out);
  g_object_unref (run.proc);
  client_clear (&a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, data, fn) \
  g_test_add ("/signal_relay/" path, fixture, data, fixture_setup, fn, \
      fixture_teardown)
  ADD ("two clients joining A then B take opposite roles and trade sdp and candidates",
      NULL, test_roles_in_order);
  ADD ("two clients joining B then A take opposite roles and trade sdp and candidates",
      "reversed", test_roles_in_order);
  ADD ("after the relay is killed and restarted both clients rejoin by themselves",
      NULL, test_relay_restart);
  ADD ("a relay that stays dead ends the client with server-gone", NULL,
      test_relay_gone);
  ADD ("a third client in a two-member room gets room-full", NULL,
      test_room_full);
  ADD ("a third client waits while two talk and joins when one leaves",
      NULL, test_third_client_waits_for_the_room_to_free);
  ADD ("an unknown channel is a fatal bad-channel error", NULL,
      test_bad_channel);
  for (size_t i = 0; i < G_N_ELEMENTS (create_cases); i++) {
    char *path = g_strdup_printf ("/signal_relay/create/%s",
        create_cases[i].name);
    g_test_add (path, fixture, &create_cases[i], fixture_setup,
        test_create_case, fixture_teardown);
    g_free (path);
  }
  ADD ("create/a missing channel or unreadable CA file is refused", NULL,
      test_create_needs_channel);
  ADD ("a client may free itself inside its event callback", NULL,
      test_free_inside_callback);
  ADD ("a stopped client leaves the room and reports nothing more", NULL,
      test_no_events_after_stop);
  ADD ("wss with the test CA trusted lets two clients meet", NULL,
      test_tls_trusted);
  ADD ("wss to a server signed by an unknown CA is a fatal TLS error",
      &untrusted, test_tls_refused);
  ADD ("wss to a certificate for another host name is a fatal TLS error",
      &wrong_name, test_tls_refused);
  ADD ("tempchat-join exits after the peer joins and publishes its offer",
      NULL, test_cli_exit_on_peer);
#undef ADD
  return g_test_run ();
}
