/* relay_server.c - lws context, vhost, timers and shutdown (relay_server.h). */
#include "relay_server.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <string.h>
#include <sys/resource.h>
#include <ev.h>

#include "relay_fdguard.h"
#include "relay_log.h"
#include "relay_rate.h"
#include "relay_ws.h"

/* How much a slow reader may have queued before it is disconnected: a
 * generous number of maximum-size messages (a room of 10 all publishing). */
#define SEND_QUEUE_MESSAGES 32
/* See rx_buffer_size below. */
#define RX_CHUNK_BYTES 1024
/* Memory freed after a burst goes back to the system when the relay turns
 * quiet (a sweep with no frames after some), and at least this often under
 * steady load. */
#define TRIM_INTERVAL_US (60 * G_USEC_PER_SEC)
/* Shutdown waits this long for clients to acknowledge the close. */
#define SHUTDOWN_GRACE_US (2 * G_USEC_PER_SEC)

struct relay_server {
  relay_ws_shared shared;      /* lws_context_user() points here */
  const relay_config *cfg;
  struct lws_context *ctx;
  struct lws_protocols protocols[2];
  struct lws_http_mount mount;
  lws_retry_bo_t retry;
  lws_sorted_usec_list_t sweep;
  lws_usec_t sweep_us;
  int port;
  /* lws runs on this libev loop (epoll), not on its own poll() loop, which
   * walked every socket on every wakeup: with 10,000 idle connections each
   * publish cost a pass over 10,000 descriptors. The loop is ours
   * ("foreign" to lws) so that lws installs no signal watchers of its own
   * and relay_signals keeps SIGTERM/SIGINT/SIGUSR1. (libuv, the other
   * epoll-backed choice, lost the close frame of connections the relay
   * closes with lws 4.1.6; GLib's loop polls every descriptor too.) */
  struct ev_loop *loop;
  guint64 frames_seen;       /* activity signature at the last sweep */
  bool busy_since_trim;      /* frames arrived since the last trim */
  gint64 last_trim_us;
};

/* lws' own log lines, routed to stderr with our prefix. Only errors and
 * warnings by default; they carry no room, client or channel ids. Some
 * are per connection or per frame, which an attacker controls: at most
 * LWS_LOG_BURST lines, then LWS_LOG_PER_S a second, and the next line
 * printed says how many were left out. */
#define LWS_LOG_PER_S 1
#define LWS_LOG_BURST 20

static void
lws_log_emit (int level, const char *line)
{
  static relay_rate budget;
  static bool started;
  static guint64 left_out;
  gint64 now = g_get_monotonic_time ();
  if (!started) {
    relay_rate_init (&budget, LWS_LOG_PER_S, LWS_LOG_BURST, now);
    started = true;
  }
  if (!relay_log_verbose () && !relay_rate_take (&budget, now)) {
    left_out++;
    return;
  }
  if (left_out > 0)
    fprintf (stderr, "tempchat-relay: lws: (%" G_GUINT64_FORMAT " lines left "
        "out)\n", left_out);
  left_out = 0;
  fprintf (stderr, "tempchat-relay: lws: %s", line);
}

/* Deadlines are checked by a periodic sweep rather than a timer per
 * connection: often enough for the shortest idle timeout's pings, at most
 * once a second. */
static lws_usec_t
sweep_interval_us (const relay_config *cfg)
{
  lws_usec_t us = (lws_usec_t) cfg->idle_timeout_s * LWS_US_PER_SEC / 6;
  if (us <= 0 || us > LWS_US_PER_SEC)
    us = LWS_US_PER_SEC;
  return MAX (us, 100 * LWS_US_PER_MS);
}

/* glibc keeps freed memory in its heaps; after a flood (big messages
 * queued, thousands of connections gone) that is tens of megabytes the
 * relay no longer uses. Give it back once things calm down. */
static void
maybe_trim (relay_server *srv, gint64 now)
{
  const relay_stats *st = relay_hub_stats (srv->shared.hub);
  /* Connections going count too: their buffers are what a flood leaves. */
  guint64 frames = st->count[RELAY_STAT_FRAMES]
                   + st->count[RELAY_STAT_CONNECTIONS] + st->connections_open;
  bool quiet = frames == srv->frames_seen;
  srv->frames_seen = frames;
  if (!quiet)
    srv->busy_since_trim = true;
  if (!srv->busy_since_trim)
    return;
  if (quiet || now - srv->last_trim_us >= TRIM_INTERVAL_US) {
    malloc_trim (0);
    srv->busy_since_trim = false;
    srv->last_trim_us = now;
  }
}

static void
sweep (lws_sorted_usec_list_t *sul)
{
  relay_server *srv = lws_container_of (sul, relay_server, sweep);
  gint64 now = g_get_monotonic_time ();
  relay_hub_tick (srv->shared.hub, now);
  maybe_trim (srv, now);
  lws_sul_schedule (srv->ctx, 0, &srv->sweep, sweep, srv->sweep_us);
}

static relay_hub *
make_hub (const relay_config *cfg)
{
  relay_hub_config hc = {
    .channels = (const char *const *) cfg->channels,
    .max_members = cfg->max_members,
    .max_message_bytes = cfg->max_message_bytes,
    .rate = cfg->rate,
    .handshake_timeout_us = (gint64) cfg->handshake_timeout_s * G_USEC_PER_SEC,
    .idle_timeout_us = (gint64) cfg->idle_timeout_s * G_USEC_PER_SEC,
    .jwt_secret = cfg->jwt_secret,
    .ordered_ids = cfg->ordered_ids,
  };
  return relay_hub_new (&hc, &relay_ws_sink);
}

/* The connection limits: as configured, or derived from the descriptor
 * limit. A configured total above what the descriptor limit allows first
 * raises the soft limit as far as the hard one; past that it is kept (the
 * user asked for it) and EMFILE refuses the excess (relay_fdguard). */
static relay_limits *
make_limits (const relay_config *cfg)
{
  struct rlimit rl;
  guint64 nofile = 1024;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    nofile = rl.rlim_cur;
  guint total, per_address;
  relay_limits_defaults (nofile, &total, &per_address);
  if (cfg->max_connections > total) {
    guint64 want = nofile + (cfg->max_connections - total) * 2;
    if (rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = MIN (want, rl.rlim_max);
      if (setrlimit (RLIMIT_NOFILE, &rl) == 0)
        relay_limits_defaults (rl.rlim_cur, &total, &per_address);
    }
    if (cfg->max_connections > total)
      relay_warn ("--max-connections %u is more than the descriptor limit "
          "allows (about %u); connections past that are refused when "
          "descriptors run out", cfg->max_connections, total);
  }
  if (cfg->max_connections > 0)
    total = cfg->max_connections;
  if (cfg->max_per_ip > 0)
    per_address = cfg->max_per_ip;
  else
    per_address = MAX (1, MIN (per_address, total / 4));
  return relay_limits_new (total, per_address);
}

static bool
is_ipv4_literal (const char *addr)
{
  struct in_addr a;
  return inet_pton (AF_INET, addr, &a) == 1;
}

static void
fill_info (relay_server *srv, struct lws_context_creation_info *info,
    void **foreign_loops)
{
  const relay_config *cfg = srv->cfg;
  memset (info, 0, sizeof *info);
  foreign_loops[0] = srv->loop;
  info->foreign_loops = foreign_loops;
  info->port = cfg->port;
  info->iface = cfg->listen;
  info->protocols = srv->protocols;
  info->user = &srv->shared;
  info->vhost_name = "tempchat-relay";
  info->gid = -1;
  info->uid = -1;
  /* lws pings and hangs up on its own schedule unless given a policy; an
   * all-zero one turns that off because relay_timers does it instead. */
  info->retry_and_idle_policy = &srv->retry;
  /* HTTP/1.1 only: websockets over h2 would take another code path. */
  info->alpn = "http/1.1";
  info->options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS
                  | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND
                  | LWS_SERVER_OPTION_LIBEV;
  /* lws 4.1 binds an IPv4 literal as the IPv6 wildcard when IPv6 is on,
   * which would listen on every interface: keep IPv4 addresses on IPv4. */
  if (is_ipv4_literal (cfg->listen))
    info->options |= LWS_SERVER_OPTION_DISABLE_IPV6;
  if (cfg->cert != NULL) {
    info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info->ssl_cert_filepath = cfg->cert;
    info->ssl_private_key_filepath = cfg->key;
  }
  if (cfg->web_root != NULL) {
    srv->mount = (struct lws_http_mount) {
      .mountpoint = "/",
      .mountpoint_len = 1,
      .origin = cfg->web_root,
      .def = "index.html",
      .origin_protocol = LWSMPRO_FILE,
    };
    info->mounts = &srv->mount;
  }
}

static bool
start_lws (relay_server *srv, char **error)
{
  struct lws_context_creation_info info;
  void *foreign_loops[1];
  srv->loop = ev_loop_new (EVBACKEND_EPOLL);
  if (srv->loop == NULL) {
    *error = g_strdup ("cannot create the event loop");
    return false;
  }
  fill_info (srv, &info, foreign_loops);
  srv->ctx = lws_create_context (&info);
  if (srv->ctx == NULL) {
    *error = g_strdup ("cannot initialise libwebsockets");
    return false;
  }
  struct lws_vhost *vh = lws_create_vhost (srv->ctx, &info);
  if (vh == NULL) {
    *error = g_strdup_printf ("cannot listen on %s port %d (address in use "
        "or not available, or bad --cert/--key)", srv->cfg->listen,
        srv->cfg->port);
    return false;
  }
  srv->port = lws_get_vhost_listen_port (vh);
  return true;
}

relay_server *
relay_server_new (const relay_config *cfg, char **error)
{
  relay_server *srv = g_new0 (relay_server, 1);
  srv->cfg = cfg;
  srv->shared.hub = make_hub (cfg);
  /* Before lws sizes its descriptor table from the limit. */
  srv->shared.limits = make_limits (cfg);
  srv->shared.admitted = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  relay_fdguard_init ();
  srv->shared.max_message_bytes = cfg->max_message_bytes;
  srv->shared.send_queue_limit = SEND_QUEUE_MESSAGES * (cfg->max_message_bytes
      + 1024);
  srv->protocols[0] = (struct lws_protocols) {
    .name = "tempchat-relay",
    .callback = relay_ws_callback,
    .per_session_data_size = relay_ws_session_size (),
    /* lws keeps a receive buffer of this size per websocket for as long as
     * it is open (its default is 4 KiB). Messages larger than it simply
     * arrive in pieces, which relay_rxbuf reassembles, so a small one
     * makes idle connections cheaper at no cost to busy ones. */
    .rx_buffer_size = RX_CHUNK_BYTES,
  };
  relay_log_set_verbose (cfg->verbose);
  lws_set_log_level (LLL_ERR | LLL_WARN | (cfg->verbose ? LLL_NOTICE : 0),
      lws_log_emit);
  if (!start_lws (srv, error)) {
    relay_server_free (srv);
    return NULL;
  }
  srv->sweep_us = sweep_interval_us (cfg);
  lws_sul_schedule (srv->ctx, 0, &srv->sweep, sweep, srv->sweep_us);
  return srv;
}

void
relay_server_free (relay_server *srv)
{
  if (srv == NULL)
    return;
  if (srv->ctx != NULL) {
    lws_sul_cancel (&srv->sweep);
    /* Connections still open are closed by lws now; their CLOSED callbacks
     * reach the hub, which must not queue anything for anyone any more. */
    srv->shared.destroying = true;
    lws_context_destroy (srv->ctx);
  }
  if (srv->loop != NULL)
    ev_loop_destroy (srv->loop);
  relay_hub_free (srv->shared.hub);
  g_hash_table_destroy (srv->shared.admitted);
  g_free (srv->shared.pending_key);
  relay_limits_free (srv->shared.limits);
  relay_fdguard_cleanup ();
  g_free (srv);
}

char *
relay_server_url (const relay_server *srv)
{
  const char *host = srv->cfg->listen;
  bool v6 = strchr (host, ':') != NULL;
  return g_strdup_printf ("%s://%s%s%s:%d%s",
      srv->cfg->cert != NULL ? "wss" : "ws", v6 ? "[" : "", host,
      v6 ? "]" : "", srv->port, RELAY_WS_PATH);
}

void
relay_server_service (relay_server *srv)
{
  ev_run (srv->loop, EVRUN_ONCE);
}

void
relay_server_wake (relay_server *srv)
{
  /* lws_cancel_service() only writes to lws' event fd, which is safe in a
   * signal handler. */
  lws_cancel_service (srv->ctx);
}

void
relay_server_shutdown (relay_server *srv)
{
  srv->shared.stopping = true;
  relay_hub_close_all (srv->shared.hub, RELAY_CLOSE_GOING_AWAY,
      RELAY_REASON_SHUTDOWN);
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_GRACE_US;
  while (srv->shared.open > 0 && g_get_monotonic_time () < deadline)
    relay_server_service (srv);
}

void
relay_server_print_stats (relay_server *srv, FILE *out)
{
  GString *line = g_string_new (NULL);
  relay_stats_format (relay_hub_stats (srv->shared.hub),
      relay_hub_room_count (srv->shared.hub), line);
  fputs (line->str, out);
  fflush (out);
  g_string_free (line, TRUE);
}
