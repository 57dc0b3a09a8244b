/* relay_config.c - command-line parsing with GOption (see relay_config.h). */
#include "relay_config.h"

#include <string.h>

#ifndef RELAY_VERSION
#define RELAY_VERSION "unknown"
#endif

/* Integer options are parsed as int by GOption, then range-checked here. */
typedef struct {
  const char *flag;
  int value;
  int min;
  int max;
} int_range;

typedef struct {
  int port, max_members, max_message_bytes, rate, idle, handshake;
  int max_connections, max_per_ip;
  char *jwt_secret_file;
  gboolean verbose, version, help, ordered_ids;
} raw_options;

static GOptionContext *
make_context (relay_config *cfg, raw_options *raw)
{
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &cfg->listen,
      "Address or interface to listen on (default " RELAY_DEFAULT_LISTEN ")",
      "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &raw->port,
      "TCP port (default 8080); 0 picks a free port", "N" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cfg->cert,
      "PEM certificate (chain) to serve wss:// and https://", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &cfg->key,
      "PEM private key for --cert", "FILE" },
    { "web-root", 0, 0, G_OPTION_ARG_FILENAME, &cfg->web_root,
      "Serve static files (index.html) from DIR on the same port", "DIR" },
    { "channel", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cfg->channels,
      "Accept only this channel id (repeatable; default: any)", "ID" },
    { "max-members", 0, 0, G_OPTION_ARG_INT, &raw->max_members,
      "Most subscribers per room (default 10)", "N" },
    { "max-message-bytes", 0, 0, G_OPTION_ARG_INT, &raw->max_message_bytes,
      "Largest client message in bytes (default 65536)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &raw->rate,
      "Messages per second per connection, bursts of twice that "
      "(default 50; 0 = unlimited)", "N" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &raw->idle,
      "Close connections silent this long; ping at a third of it "
      "(default 300; 0 = never)", "SECONDS" },
    { "handshake-timeout", 0, 0, G_OPTION_ARG_INT, &raw->handshake,
      "Close connections that do not handshake in time (default 10)",
      "SECONDS" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &raw->max_connections,
      "Most connections at once (default: the descriptor limit less a "
      "sixteenth); more are refused with HTTP 503", "N" },
    { "max-per-ip", 0, 0, G_OPTION_ARG_INT, &raw->max_per_ip,
      "Most connections from one IPv4 address or IPv6 /64 (default: a "
      "quarter of --max-connections, at most 256)", "N" },
    { "jwt-secret", 0, 0, G_OPTION_ARG_STRING, &cfg->jwt_secret,
      "Require ScaleDrone JWT authentication (HS256 with this secret) "
      "before subscribe and publish", "SECRET" },
    { "jwt-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &raw->jwt_secret_file,
      "Like --jwt-secret, reading the secret from FILE (trailing newline "
      "removed); keeps it out of the process list", "FILE" },
    { "ordered-ids", 0, 0, G_OPTION_ARG_NONE, &raw->ordered_ids,
      "For tests only: client ids sort in the order clients joined, so a "
      "test decides which peer offers (TempChat: the greater id) by who "
      "joins last. Never in production: the role becomes predictable",
      NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &raw->verbose,
      "Log connection events (never ids, rooms or messages)", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &raw->version,
      "Print the version and exit", NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &raw->help,
      "Show this help and exit", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx,
      "A ScaleDrone-v3-compatible websocket relay for TempChat rooms.\n"
      "Clients connect to ws[s]://ADDR:PORT/v3/websocket.");
  g_option_context_set_description (ctx,
      "On start it prints one line to stdout:\n"
      "  tempchat-relay listening on ws://ADDR:PORT/v3/websocket\n"
      "SIGTERM/SIGINT stop it; SIGUSR1 prints counters to stderr.\n");
  /* Our own --help entry: GOption's would print and exit by itself. */
  g_option_context_set_help_enabled (ctx, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  return ctx;
}

static char *
check_ranges (const raw_options *raw)
{
  const int_range ranges[] = {
    { "--port", raw->port, 0, 65535 },
    { "--max-members", raw->max_members, 1, 10000 },
    { "--max-message-bytes", raw->max_message_bytes, 256, 16 * 1024 * 1024 },
    { "--rate", raw->rate, 0, 1000000 },
    { "--idle-timeout", raw->idle, 0, 86400 },
    { "--handshake-timeout", raw->handshake, 1, 3600 },
    { "--max-connections", raw->max_connections, 0, 10000000 },
    { "--max-per-ip", raw->max_per_ip, 0, 10000000 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ranges); i++) {
    int v = ranges[i].value;
    if (v < ranges[i].min || v > ranges[i].max)
      return g_strdup_printf ("%s must be between %d and %d",
          ranges[i].flag, ranges[i].min, ranges[i].max);
  }
  return NULL;
}

/* Cross-option rules that GOption cannot express. */
static char *
check_files (const relay_config *cfg)
{
  if ((cfg->cert == NULL) != (cfg->key == NULL))
    return g_strdup ("--cert and --key must be given together");
  if (cfg->cert != NULL && !g_file_test (cfg->cert, G_FILE_TEST_IS_REGULAR))
    return g_strdup ("--cert: no such file");
  if (cfg->key != NULL && !g_file_test (cfg->key, G_FILE_TEST_IS_REGULAR))
    return g_strdup ("--key: no such file");
  if (cfg->web_root != NULL
      && !g_file_test (cfg->web_root, G_FILE_TEST_IS_DIR))
    return g_strdup ("--web-root: not a directory");
  for (char **ch = cfg->channels; ch != NULL && *ch != NULL; ch++) {
    if (**ch == '\0')
      return g_strdup ("--channel must not be empty");
  }
  if (cfg->listen != NULL && *cfg->listen == '\0')
    return g_strdup ("--listen must not be empty");
  if (cfg->jwt_secret != NULL && *cfg->jwt_secret == '\0')
    return g_strdup ("--jwt-secret must not be empty");
  return NULL;
}

/* --jwt-secret-file into cfg->jwt_secret. */
static char *
read_secret (relay_config *cfg, const char *file)
{
  if (file == NULL)
    return NULL;
  if (cfg->jwt_secret != NULL)
    return g_strdup ("give --jwt-secret or --jwt-secret-file, not both");
  gsize len;
  if (!g_file_get_contents (file, &cfg->jwt_secret, &len, NULL))
    return g_strdup ("--jwt-secret-file: cannot read the file");
  while (len > 0 && (cfg->jwt_secret[len - 1] == '\n'
                     || cfg->jwt_secret[len - 1] == '\r'))
    cfg->jwt_secret[--len] = '\0';
  if (len == 0 || strlen (cfg->jwt_secret) != len)
    return g_strdup ("--jwt-secret-file: the secret must be one non-empty "
        "line of text");
  return NULL;
}

static void
apply (relay_config *cfg, const raw_options *raw)
{
  if (cfg->listen == NULL)
    cfg->listen = g_strdup (RELAY_DEFAULT_LISTEN);
  cfg->port = raw->port;
  cfg->max_members = (guint) raw->max_members;
  cfg->max_message_bytes = (size_t) raw->max_message_bytes;
  cfg->rate = (guint) raw->rate;
  cfg->idle_timeout_s = (guint) raw->idle;
  cfg->handshake_timeout_s = (guint) raw->handshake;
  cfg->max_connections = (guint) raw->max_connections;
  cfg->max_per_ip = (guint) raw->max_per_ip;
  cfg->verbose = raw->verbose;
  cfg->ordered_ids = raw->ordered_ids;
}

relay_config_result
relay_config_parse (relay_config *cfg, int argc, char **argv, char **text)
{
  memset (cfg, 0, sizeof *cfg);
  *text = NULL;
  raw_options raw = {
    .port = RELAY_DEFAULT_PORT,
    .max_members = RELAY_DEFAULT_MAX_MEMBERS,
    .max_message_bytes = RELAY_DEFAULT_MAX_MESSAGE_BYTES,
    .rate = RELAY_DEFAULT_RATE,
    .idle = RELAY_DEFAULT_IDLE_TIMEOUT_S,
    .handshake = RELAY_DEFAULT_HANDSHAKE_TIMEOUT_S,
  };
  GOptionContext *ctx = make_context (cfg, &raw);
  /* parse_strv wants an owned, modifiable vector; argv stays untouched. */
  char **args = g_new0 (char *, (gsize) argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  GError *err = NULL;
  relay_config_result res = RELAY_CONFIG_RUN;

  if (!g_option_context_parse_strv (ctx, &args, &err)) {
    *text = g_strdup (err->message);
    res = RELAY_CONFIG_ERROR;
  } else if (raw.help) {
    *text = g_option_context_get_help (ctx, TRUE, NULL);
    res = RELAY_CONFIG_HELP;
  } else if (raw.version) {
    *text = g_strdup ("tempchat-relay " RELAY_VERSION "\n");
    res = RELAY_CONFIG_VERSION;
  } else if (g_strv_length (args) > 1) {
    *text = g_strdup ("unexpected argument; see --help");
    res = RELAY_CONFIG_ERROR;
  } else if ((*text = check_ranges (&raw)) != NULL
             || (*text = check_files (cfg)) != NULL
             || (*text = read_secret (cfg, raw.jwt_secret_file)) != NULL) {
    res = RELAY_CONFIG_ERROR;
  } else {
    apply (cfg, &raw);
  }
  g_clear_error (&err);
  g_free (raw.jwt_secret_file);
  g_strfreev (args);
  g_option_context_free (ctx);
  return res;
}

void
relay_config_clear (relay_config *cfg)
{
  g_free (cfg->listen);
  g_free (cfg->cert);
  g_free (cfg->key);
  g_free (cfg->web_root);
  g_strfreev (cfg->channels);
  if (cfg->jwt_secret != NULL)
    memset (cfg->jwt_secret, 0, strlen (cfg->jwt_secret));
  g_free (cfg->jwt_secret);
  memset (cfg, 0, sizeof *cfg);
}
