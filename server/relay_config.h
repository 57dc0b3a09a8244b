/* relay_config.h - command-line options of tempchat-relay.
 *
 * Parsing is separate from main() so that it can be unit-tested: it never
 * prints or exits; it returns a status and, for errors and --help, text
 * for main() to print.
 */
#ifndef RELAY_CONFIG_H
#define RELAY_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define RELAY_DEFAULT_LISTEN "127.0.0.1"
#define RELAY_DEFAULT_PORT 8080
#define RELAY_DEFAULT_MAX_MEMBERS 10
#define RELAY_DEFAULT_MAX_MESSAGE_BYTES 65536
#define RELAY_DEFAULT_RATE 50
#define RELAY_DEFAULT_IDLE_TIMEOUT_S 300
#define RELAY_DEFAULT_HANDSHAKE_TIMEOUT_S 10

typedef struct {
  char *listen;              /* address or interface name */
  int port;                  /* 0: any free port */
  char *cert;                /* PEM files for wss; both or neither */
  char *key;
  char *web_root;            /* NULL: no static files */
  char **channels;           /* NULL-terminated; NULL: any channel */
  guint max_members;
  size_t max_message_bytes;
  guint rate;                /* frames per second per connection; 0: off */
  guint idle_timeout_s;      /* 0: never */
  guint handshake_timeout_s;
  guint max_connections;     /* 0: derived from the descriptor limit */
  guint max_per_ip;          /* 0: derived from max_connections */
  char *jwt_secret;          /* NULL: no authentication; never logged */
  bool verbose;
  bool ordered_ids;          /* tests: ids sort in join order */
} relay_config;

typedef enum {
  RELAY_CONFIG_RUN,      /* run the relay with this configuration */
  RELAY_CONFIG_HELP,     /* print *text to stdout, exit 0 */
  RELAY_CONFIG_VERSION,  /* print *text to stdout, exit 0 */
  RELAY_CONFIG_ERROR,    /* print *text to stderr, exit 2 */
} relay_config_result;

/* Fills `cfg` from argv (not modified). `*text` receives a newly allocated
 * string for every result but RUN (then NULL); the caller frees it. Call
 * relay_config_clear() on `cfg` whatever the result. */
relay_config_result relay_config_parse (relay_config *cfg, int argc,
    char **argv, char **text);

void relay_config_clear (relay_config *cfg);

#endif
