/* ice_agent.c - the tc_ice object over a libnice NiceAgent: setup from the
 * config, gathering, sending, ICE restart and closing.
 *
 * libnice settings (see tc_ice.h for the why): RFC 5245 compatibility (also
 * RFC 6544 and 8445 as far as 0.1.21 goes), full mode (never lite), trickle,
 * regular nomination (RFC 8445 dropped aggressive), checks paced at 5 ms
 * per live agent (ICE_PACING_MS), connectivity-check
 * keepalives every 4-6 s (the consent requests of RFC 7675 5.1, which the
 * peer needs from us), ICE-TCP off (TURN over TCP still works: that is a
 * client-to-server TCP connection), UPnP off (it would multicast SSDP on the
 * LAN and reveal the host).
 *
 * libnice's own consent freshness (NICE_AGENT_OPTION_CONSENT_FRESHNESS) stays
 * off. In 0.1.21 it revokes consent 10 s after the last answered keepalive
 * (RFC 7675 says 30 s), never retransmits a keepalive, and a revoked pair
 * never gets consent back: the component may report CONNECTED again while
 * every send fails. Under 10% loss each way that killed live paths. Without
 * the option libnice gives up on a silent pair only after 50 s; the session
 * judges liveness itself from the authenticated traffic it receives
 * (session_liveness.c).
 */
#include "net/ice_priv.h"

#include "net/ice_tls_turn.h"
#include "net/ice_url.h"
#include "tempchat/tc_log.h"

#include <nice/interfaces.h>
#include <string.h>

/* Ta, the pacing of connectivity checks (libnice's default is 20 ms).
 * As the controlling agent libnice nominates a pair only on the tick after
 * its check succeeded, and sends the nominating check on the tick after
 * that: three ticks of 20 ms were 60-80 ms of every call in which we offer,
 * against about 10 ms when Chromium controls. RFC 8445 14.2 lets all of a
 * process's agents together send a check every 5 ms at most, so each agent
 * gets 5 ms times the agents alive when it was made (a call alone: 5 ms). */
#define ICE_PACING_MS 5u

/* Agents alive in this process (atomic). */
static gint live_agents;

/* Counts a new agent among the live ones (destroy_now() uncounts it,
 * whatever the setup's outcome); its pacing in ms. */
static guint
count_agent (void)
{
  return ICE_PACING_MS * (guint) g_atomic_int_add (&live_agents, 1) + ICE_PACING_MS;
}

/* ---- configuration -------------------------------------------------------- */

/* The TURN credentials the config asks for: fixed or made from the secret. */
static tc_status
turn_credentials (const tc_ice_config *cfg, char **user, char **pass)
{
  bool fixed = cfg->turn_username != NULL || cfg->turn_password != NULL;
  if (fixed && cfg->turn_secret != NULL)
    return TC_ERR_INVALID_ARG;
  if (fixed) {
    if (cfg->turn_username == NULL || cfg->turn_password == NULL)
      return TC_ERR_INVALID_ARG;
    *user = g_strdup (cfg->turn_username);
    *pass = g_strdup (cfg->turn_password);
    return TC_OK;
  }
  if (cfg->turn_secret == NULL)
    return TC_ERR_INVALID_ARG;

  const char *name = cfg->turn_rest_name ? cfg->turn_rest_name
      : TC_ICE_DEFAULT_REST_NAME;
  uint32_t ttl = cfg->turn_rest_ttl_s ? cfg->turn_rest_ttl_s
      : TC_ICE_DEFAULT_REST_TTL_S;
  int64_t expiry = g_get_real_time () / G_USEC_PER_SEC + ttl;
  size_t user_size = strlen (name) + 24;
  *user = g_malloc (user_size);
  *pass = g_malloc (TC_ICE_REST_PASSWORD_SIZE);
  tc_status st = tc_ice_turn_rest_credentials (cfg->turn_secret, name, expiry,
      *user, user_size, *pass, TC_ICE_REST_PASSWORD_SIZE);
  if (st != TC_OK) {
    g_clear_pointer (user, g_free);
    g_clear_pointer (pass, g_free);
  }
  return st;
}

/* A turns: server's certificate was refused. When that leaves a relay-only
 * agent without any TURN server to try, fail now with that reason: libnice
 * would only see closed connections and time out much later. */
static void
ice_tls_cert_failed_cb (void *data)
{
  tc_ice *ice = data;
  if (ice->closed || !ice->relay_only || ice->announced > 0
      || ice->tls_turns->len < ice->n_turn)
    return;
  for (guint i = 0; i < ice->tls_turns->len; i++)
    if (!ice_tls_turn_cert_failed (ice->tls_turns->pdata[i]))
      return;
  ice_set_state (ice, TC_ICE_STATE_FAILED, TC_ICE_FAIL_TURN_CERT);
}

/* Where libnice should send TURN for `url`: the server itself, or for
 * turns: our loopback TLS bridge to it (see ice_tls_turn.h). */
static tc_status
turn_target (tc_ice *ice, const tc_ice_config *cfg, const tc_ice_url *url,
    const char **host, guint *port, NiceRelayType *type)
{
  *host = url->host;
  *port = url->port;
  *type = url->transport == TC_ICE_URL_TCP ? NICE_RELAY_TYPE_TURN_TCP
      : NICE_RELAY_TYPE_TURN_UDP;
  if (url->scheme != TC_ICE_URL_TURNS)
    return TC_OK;
  ice_tls_turn *t;
  tc_status st = ice_tls_turn_new (ice->ctx, url->host, url->port,
      cfg->ca_file, ice_tls_cert_failed_cb, ice, &t);
  if (st != TC_OK)
    return st;
  g_ptr_array_add (ice->tls_turns, t);
  *host = "127.0.0.1";
  *port = ice_tls_turn_get_port (t);
  *type = NICE_RELAY_TYPE_TURN_TCP;
  return TC_OK;
}

static tc_status
setup_turn (tc_ice *ice, const tc_ice_config *cfg, unsigned *n_turn)
{
  *n_turn = 0;
  if (cfg->turn_urls == NULL || cfg->turn_urls[0] == NULL)
    return TC_OK;

  char *user = NULL, *pass = NULL;
  tc_status st = turn_credentials (cfg, &user, &pass);
  for (size_t i = 0; st == TC_OK && cfg->turn_urls[i] != NULL; i++) {
    tc_ice_url url;
    const char *host;
    guint port;
    NiceRelayType type;
    if (i >= NICE_CANDIDATE_MAX_TURN_SERVERS
        || tc_ice_url_parse (cfg->turn_urls[i], &url) != TC_OK
        || url.scheme == TC_ICE_URL_STUN) {
      st = TC_ERR_INVALID_ARG;
    } else if ((st = turn_target (ice, cfg, &url, &host, &port, &type))) {
      /* st says why */
    } else if (!nice_agent_set_relay_info (ice->agent, ice->stream_id,
            TC_ICE_COMPONENT, host, port, user, pass, type)) {
      st = TC_ERR_INVALID_ARG;
    } else {
      (*n_turn)++;
    }
  }
  if (pass != NULL)
    memset (pass, 0, strlen (pass));
  g_free (user);
  g_free (pass);
  return st;
}

/* libnice takes one STUN server: the first usable URL. */
static tc_status
setup_stun (tc_ice *ice, const tc_ice_config *cfg)
{
  for (size_t i = 0; cfg->stun_urls != NULL && cfg->stun_urls[i]; i++) {
    tc_ice_url url;
    if (tc_ice_url_parse (cfg->stun_urls[i], &url) != TC_OK
        || url.scheme != TC_ICE_URL_STUN)
      return TC_ERR_INVALID_ARG;
    if (i == 0)
      g_object_set (ice->agent, "stun-server", url.host,
          "stun-server-port", (guint) url.port, NULL);
    else if (i == 1)
      TC_INFO ("ice: libnice uses one STUN server; the others are ignored");
  }
  return TC_OK;
}

static bool
is_loopback_host (const char *host)
{
  return g_str_has_prefix (host, "127.") || g_str_equal (host, "::1")
      || g_str_equal (host, "[::1]") || g_ascii_strcasecmp (host, "localhost") == 0;
}

/* Whether a STUN server or a TURN server over UDP is on this machine's
 * loopback (a coturn beside us, as in our tests). */
static bool
udp_server_on_loopback (const tc_ice_config *cfg)
{
  const char *const *lists[] = { cfg->stun_urls, cfg->turn_urls };
  for (size_t l = 0; l < G_N_ELEMENTS (lists); l++) {
    for (size_t i = 0; lists[l] != NULL && lists[l][i] != NULL; i++) {
      tc_ice_url url;
      if (tc_ice_url_parse (lists[l][i], &url) == TC_OK
          && url.transport == TC_ICE_URL_UDP && is_loopback_host (url.host))
        return true;
    }
  }
  return false;
}

/* libnice leaves loopback out of the interfaces it binds when there are
 * others, and a datagram sent from another interface's address to
 * 127.0.0.1 never arrives: a server on loopback would never answer (TURN
 * over UDP gathered nothing while TCP worked). Then every interface is
 * named, loopback included. */
static tc_status
add_every_interface (tc_ice *ice)
{
  GList *ips = nice_interfaces_get_local_ips (TRUE);
  tc_status st = TC_OK;
  for (GList *l = ips; l != NULL && st == TC_OK; l = l->next) {
    NiceAddress addr;
    nice_address_init (&addr);
    if (nice_address_set_from_string (&addr, l->data)
        && !nice_agent_add_local_address (ice->agent, &addr))
      st = TC_ERR_INVALID_ARG;
  }
  g_list_free_full (ips, g_free);
  return st;
}

static tc_status
setup_local_addresses (tc_ice *ice, const tc_ice_config *cfg)
{
  if ((cfg->local_addresses == NULL || cfg->local_addresses[0] == NULL)
      && udp_server_on_loopback (cfg))
    return add_every_interface (ice);
  for (size_t i = 0; cfg->local_addresses && cfg->local_addresses[i]; i++) {
    NiceAddress addr;
    nice_address_init (&addr);
    if (!nice_address_set_from_string (&addr, cfg->local_addresses[i]))
      return TC_ERR_PARSE;
    if (!nice_agent_add_local_address (ice->agent, &addr))
      return TC_ERR_INVALID_ARG;
  }
  return TC_OK;
}

static void
refresh_local_credentials (tc_ice *ice)
{
  g_free (ice->local_ufrag);
  g_free (ice->local_pwd);
  ice->local_ufrag = NULL;
  ice->local_pwd = NULL;
  nice_agent_get_local_credentials (ice->agent, ice->stream_id,
      &ice->local_ufrag, &ice->local_pwd);
}

static tc_status
setup_agent (tc_ice *ice, const tc_ice_config *cfg)
{
  guint pacing_ms = count_agent ();
  ice->agent = nice_agent_new_full (ice->ctx, NICE_COMPATIBILITY_RFC5245,
      NICE_AGENT_OPTION_REGULAR_NOMINATION | NICE_AGENT_OPTION_ICE_TRICKLE);
  g_object_set (ice->agent, "ice-tcp", FALSE, "ice-udp", TRUE, "upnp", FALSE,
      "keepalive-conncheck", TRUE, "force-relay", (gboolean) cfg->relay_only,
      "stun-pacing-timer", pacing_ms,
      "controlling-mode", (gboolean) (cfg->role == TC_ICE_ROLE_CONTROLLING),
      NULL);

  tc_status st;
  if ((st = setup_stun (ice, cfg)) || (st = setup_local_addresses (ice, cfg)))
    return st;
  ice->stream_id = nice_agent_add_stream (ice->agent, 1);
  if (ice->stream_id == 0)
    return TC_ERR_NOMEM;
  if (cfg->min_port != 0 || cfg->max_port != 0) {
    if (cfg->min_port == 0 || cfg->max_port < cfg->min_port)
      return TC_ERR_INVALID_ARG;
    nice_agent_set_port_range (ice->agent, ice->stream_id, TC_ICE_COMPONENT,
        cfg->min_port, cfg->max_port);
  }
  unsigned n_turn;
  if ((st = setup_turn (ice, cfg, &n_turn)))
    return st;
  ice->n_turn = n_turn;
  if (cfg->relay_only && n_turn == 0)
    return TC_ERR_INVALID_ARG;

  refresh_local_credentials (ice);
  if (ice->local_ufrag == NULL || ice->local_pwd == NULL)
    return TC_ERR_NOMEM;
  nice_agent_attach_recv (ice->agent, ice->stream_id, TC_ICE_COMPONENT,
      ice->ctx, ice_on_recv, ice);
  ice_events_connect (ice);
  return TC_OK;
}

static void destroy_now (tc_ice *ice);

tc_status
tc_ice_new (GMainContext *ctx, const tc_ice_config *config,
    const tc_ice_callbacks *callbacks, tc_ice **out)
{
  g_return_val_if_fail (ctx != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (config != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (out != NULL, TC_ERR_INVALID_ARG);
  *out = NULL;

  tc_ice *ice = g_new0 (tc_ice, 1);
  ice->ctx = ctx;
  if (callbacks != NULL)
    ice->cb = *callbacks;
  ice->relay_only = config->relay_only;
  ice->role = config->role;
  ice->checking_timeout_ms = config->checking_timeout_ms
      ? config->checking_timeout_ms : TC_ICE_DEFAULT_CHECKING_TIMEOUT_MS;
  ice->state = TC_ICE_STATE_NEW;
  ice->recheck_enabled = true;
  ice->nice_state = NICE_COMPONENT_STATE_DISCONNECTED;
  g_queue_init (&ice->events);
  g_queue_init (&ice->pending_remote);
  ice->tls_turns = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ice_tls_turn_free);

  tc_status st = setup_agent (ice, config);
  if (st != TC_OK) {
    ice->freed = ice->closed = true;
    if (ice->agent != NULL)
      ice_events_disconnect (ice);
    destroy_now (ice);
    return st;
  }
  TC_DEBUG ("ice: agent created (%s%s)", config->relay_only ? "relay-only, " : "",
      config->role == TC_ICE_ROLE_CONTROLLING ? "controlling" : "controlled");
  *out = ice;
  return TC_OK;
}

/* ---- teardown ----------------------------------------------------------- */

/* A tc_ice_close() in flight; outlives the tc_ice if freed meanwhile. */
struct ice_close_op {
  tc_ice *ice;  /* NULL once tc_ice_free() ran */
};

static void
destroy_now (tc_ice *ice)
{
  ice_events_clear (ice);
  ice_timeout_cancel (ice);
  ice_recheck_cancel (ice);
  ice_remote_clear (ice);
  if (ice->agent != NULL)
    g_object_unref (ice->agent);
  /* After the agent: a graceful close released the allocations through
   * these bridges. */
  g_ptr_array_unref (ice->tls_turns);
  g_free (ice->local_ufrag);
  g_free (ice->local_pwd);
  g_free (ice->remote_ufrag);
  g_free (ice->remote_pwd);
  g_free (ice->eoc_ufrag);
  g_atomic_int_add (&live_agents, -1);
  g_free (ice);
}

/* Receives for an agent whose tc_ice is gone: libnice still handles STUN
 * and TURN itself before calling this; application data is dropped. */
static void
discard_recv (NiceAgent *agent, guint stream_id, guint component_id,
    guint len, gchar *buf, gpointer unused)
{
}

static gboolean
destroy_idle (gpointer data)
{
  destroy_now (data);
  return G_SOURCE_REMOVE;
}

/* Stops everything that could call back into the user. The receive
 * callback stays attached (it drops data once closed): libnice reads the
 * TURN server's answers through it while a close releases allocations. */
static void
silence (tc_ice *ice)
{
  ice->closed = true;
  ice_resolve_cancel_all (ice);
  ice_timeout_cancel (ice);
  ice_recheck_cancel (ice);
  ice_events_clear (ice);
  ice_events_disconnect (ice);
}

void
tc_ice_free (tc_ice *ice)
{
  if (ice == NULL || ice->freed)
    return;
  if (!ice->closed)
    silence (ice);
  ice->freed = true;
  /* Not detached (NULL): libnice would stop reading the sockets, which then
   * stay readable and spin the loop while a close still holds the agent. */
  nice_agent_attach_recv (ice->agent, ice->stream_id, TC_ICE_COMPONENT,
      ice->ctx, discard_recv, NULL);
  if (ice->close_op != NULL)
    ice->close_op->ice = NULL;

  if (ice->cb_depth > 0 || ice->api_depth > 0) {
    /* Called from one of our callbacks: libnice and our own frames are
     * still on the stack; let them unwind first. */
    GSource *src = g_idle_source_new ();
    /* Above the sockets, so busy media cannot starve it. */
    g_source_set_priority (src, G_PRIORITY_HIGH);
    g_source_set_callback (src, destroy_idle, ice, NULL);
    g_source_attach (src, ice->ctx);
    g_source_unref (src);
    return;
  }
  destroy_now (ice);
}

static void
closed_cb (GObject *agent, GAsyncResult *res, gpointer data)
{
  struct ice_close_op *op = data;
  tc_ice *ice = op->ice;
  g_free (op);
  if (ice == NULL)
    return;
  ice->close_op = NULL;
  ice->state = TC_ICE_STATE_CLOSED;
  ice->why = TC_ICE_FAIL_NONE;
  ice_event_queue_state (ice, TC_ICE_STATE_CLOSED, TC_ICE_FAIL_NONE);
}

tc_status
tc_ice_close (tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  silence (ice);
  ice->close_op = g_new0 (struct ice_close_op, 1);
  ice->close_op->ice = ice;
  /* The GTask inside calls back on the thread-default context. */
  g_main_context_push_thread_default (ice->ctx);
  nice_agent_close_async (ice->agent, closed_cb, ice->close_op);
  g_main_context_pop_thread_default (ice->ctx);
  return TC_OK;
}

/* ---- accessors ---------------------------------------------------------- */

const char *
tc_ice_get_local_ufrag (const tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, NULL);
  return ice->local_ufrag;
}

const char *
tc_ice_get_local_pwd (const tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, NULL);
  return ice->local_pwd;
}

tc_ice_state
tc_ice_get_state (const tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, TC_ICE_STATE_CLOSED);
  return ice->state;
}

tc_status
tc_ice_set_role (tc_ice *ice, tc_ice_role role)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  if (role == ice->role)
    return TC_OK;
  if (ice->gather_started)
    return TC_ERR_UNSUPPORTED;
  g_object_set (ice->agent, "controlling-mode",
      (gboolean) (role == TC_ICE_ROLE_CONTROLLING), NULL);
  ice->role = role;
  return TC_OK;
}

tc_ice_role
tc_ice_get_role (const tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, TC_ICE_ROLE_CONTROLLED);
  return ice->role;
}

/* ---- gathering, sending ------------------------------------------------- */

tc_status
tc_ice_gather (tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  if (ice->gather_started)
    return TC_ERR_INVALID_ARG;
  ice->gather_started = true;

  ice_api_enter (ice);
  tc_status st = TC_OK;
  if (!nice_agent_gather_candidates (ice->agent, ice->stream_id)) {
    TC_WARN ("ice: could not open any local socket");
    ice->gather_started = false;
    st = TC_ERR_CONNECT;
  } else {
    ice_remote_flush (ice, false);
  }
  ice_api_leave (ice);
  return st;
}

static tc_status
can_send (const tc_ice *ice)
{
  if (ice->closed)
    return TC_ERR_CLOSED;
  if (!ice->has_pair || ice->state == TC_ICE_STATE_FAILED)
    return TC_ERR_NOT_CONNECTED;
  return TC_OK;
}

/* libnice's send of `n` messages: how many left (0 when the first would
 * block), or -1 for an error, which a refused destination makes a revoked
 * consent. */
static gint
send_messages (tc_ice *ice, const NiceOutputMessage *msgs, guint n)
{
  GError *err = NULL;
  ice_api_enter (ice);
  gint sent = nice_agent_send_messages_nonblocking (ice->agent,
      ice->stream_id, TC_ICE_COMPONENT, msgs, n, NULL, &err);
  ice_api_leave (ice);
  if (sent < 0 && g_error_matches (err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    sent = 0;
  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    ice_consent_revoked (ice);
  g_clear_error (&err);
  return sent;
}

tc_status
tc_ice_send (tc_ice *ice, const uint8_t *data, size_t len)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (data != NULL || len == 0, TC_ERR_INVALID_ARG);
  if (len > 65535)
    return TC_ERR_TOO_LARGE;
  tc_status st = can_send (ice);
  if (st != TC_OK)
    return st;
  GOutputVector vec = { data, len };
  NiceOutputMessage msg = { &vec, 1 };
  gint n = send_messages (ice, &msg, 1);
  if (n == 1)
    return TC_OK;
  return n == 0 ? TC_ERR_WOULD_BLOCK : TC_ERR_NOT_CONNECTED;
}

#define SEND_MANY_MAX 64

size_t
tc_ice_send_many (tc_ice *ice, const uint8_t *const *data, const size_t *len,
    size_t n)
{
  g_return_val_if_fail (ice != NULL, 0);
  g_return_val_if_fail (n == 0 || (data != NULL && len != NULL), 0);
  GOutputVector vec[SEND_MANY_MAX];
  NiceOutputMessage msg[SEND_MANY_MAX];
  size_t done = 0;
  while (done < n && can_send (ice) == TC_OK) {
    guint k = 0;
    for (; k < SEND_MANY_MAX && done + k < n; k++) {
      g_return_val_if_fail (len[done + k] <= 65535, done);
      vec[k] = (GOutputVector) { data[done + k], len[done + k] };
      msg[k] = (NiceOutputMessage) { &vec[k], 1 };
    }
    gint sent = send_messages (ice, msg, k);
    done += sent > 0 ? (size_t) sent : 0;
    if (sent < (gint) k)
      break;
  }
  return done;
}

/* ---- ICE restart -------------------------------------------------------- */

/* Starts a new local generation: new credentials, remote state of the
 * previous generation forgotten, local candidates announced again. The
 * selected pair keeps working meanwhile (libnice keeps it). */
tc_status
ice_restart_generation (tc_ice *ice)
{
  if (!nice_agent_restart_stream (ice->agent, ice->stream_id))
    return TC_ERR_INVALID_ARG;
  refresh_local_credentials (ice);

  ice_events_drop_generation (ice);
  ice_remote_drop_generation (ice);
  ice->consent_revoked = false;  /* the restart selects a pair anew */
  g_clear_pointer (&ice->remote_ufrag, g_free);
  g_clear_pointer (&ice->remote_pwd, g_free);
  ice->remote_eoc = ice->remote_eoc_applied = false;
  ice_timeout_cancel (ice);
  ice_recheck_cancel (ice);  /* until the peer's new credentials */
  ice_set_state (ice, ice->ever_connected ? TC_ICE_STATE_CHECKING
      : TC_ICE_STATE_NEW, TC_ICE_FAIL_NONE);

  bool was_done = ice->local_gathering_done;
  ice->announced = 0;
  ice->local_gathering_done = false;
  GSList *cands = nice_agent_get_local_candidates (ice->agent, ice->stream_id,
      TC_ICE_COMPONENT);
  for (GSList *l = cands; l != NULL; l = l->next)
    ice_announce_local (ice, l->data);
  g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
  /* If gathering was still running, libnice's own gathering-done follows. */
  if (was_done)
    ice_local_gathering_done (ice);
  return TC_OK;
}

tc_status
tc_ice_restart (tc_ice *ice)
{
  g_return_val_if_fail (ice != NULL, TC_ERR_INVALID_ARG);
  if (ice->closed)
    return TC_ERR_CLOSED;
  if (!ice->gather_started)
    return TC_ERR_INVALID_ARG;
  TC_INFO ("ice: restarting");
  ice_api_enter (ice);
  tc_status st = ice_restart_generation (ice);
  ice_api_leave (ice);
  return st;
}

bool
ice_tls_cert_failed (const tc_ice *ice)
{
  for (guint i = 0; i < ice->tls_turns->len; i++)
    if (ice_tls_turn_cert_failed (ice->tls_turns->pdata[i]))
      return true;
  return false;
}
