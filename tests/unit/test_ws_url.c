/* test_ws_url.c - signaling URLs: what we connect to, and whether plain
 * ws:// may go there. */
#include <glib.h>
#include <string.h>

#include "signal/ws_url.h"

typedef struct {
  const char *name;
  const char *url;
  tc_status status;
  bool secure;
  const char *host;
  int port;
  const char *path;
  bool loopback;
} url_case;

static const url_case cases[] = {
  {"the ScaleDrone default", "wss://api.scaledrone.com/v3/websocket", TC_OK,
    true, "api.scaledrone.com", 443, "/v3/websocket", false},
  {"a local relay with a port", "ws://127.0.0.1:8080/v3/websocket", TC_OK,
    false, "127.0.0.1", 8080, "/v3/websocket", true},
  {"localhost is loopback", "ws://localhost/v3/websocket", TC_OK, false,
    "localhost", 80, "/v3/websocket", true},
  {"LOCALHOST in capitals is loopback", "WS://LOCALHOST:9/", TC_OK, false,
    "LOCALHOST", 9, "/", true},
  {"every address in 127.0.0.0 slash 8 is loopback", "ws://127.45.6.7:1/x", TC_OK, false,
    "127.45.6.7", 1, "/x", true},
  {"IPv6 loopback in brackets", "ws://[::1]:7000/v3/websocket", TC_OK, false,
    "::1", 7000, "/v3/websocket", true},
  {"another IPv6 address is not loopback", "wss://[2001:db8::5]/ws", TC_OK,
    true, "2001:db8::5", 443, "/ws", false},
  {"a LAN address is not loopback", "ws://192.168.1.20:8080/", TC_OK, false,
    "192.168.1.20", 8080, "/", false},
  {"a name that starts like loopback is not loopback",
    "ws://127.0.0.1.example.com/", TC_OK, false, "127.0.0.1.example.com", 80,
    "/", false},
  {"localhost as a subdomain is not loopback", "ws://localhost.example.com/",
    TC_OK, false, "localhost.example.com", 80, "/", false},
  {"no path means the root path", "wss://relay.example.org", TC_OK, true,
    "relay.example.org", 443, "/", false},
  {"a query without a path gets the root path", "wss://relay.example.org?v=3", TC_OK,
    true, "relay.example.org", 443, "/?v=3", false},
  {"the query is kept and the fragment dropped",
    "wss://relay.example.org/v3/websocket?a=1#frag", TC_OK, true,
    "relay.example.org", 443, "/v3/websocket?a=1", false},
  {"an https URL is not a WebSocket URL", "https://api.scaledrone.com/v3/websocket",
    TC_ERR_BAD_URL, false, "", 0, "", false},
  {"user info is refused", "wss://user:secret@relay.example.org/",
    TC_ERR_BAD_URL, false, "", 0, "", false},
  {"an empty host is refused", "ws:///v3/websocket", TC_ERR_BAD_URL, false,
    "", 0, "", false},
  {"port zero is refused", "ws://127.0.0.1:0/", TC_ERR_BAD_URL, false, "", 0,
    "", false},
  {"a port above 65535 is refused", "ws://127.0.0.1:65536/", TC_ERR_BAD_URL,
    false, "", 0, "", false},
  {"an empty port is refused", "ws://127.0.0.1:/", TC_ERR_BAD_URL, false, "",
    0, "", false},
  {"spaces are refused", "ws://127.0.0.1/a b", TC_ERR_BAD_URL, false, "", 0,
    "", false},
  {"an unclosed IPv6 bracket is refused", "ws://[::1/", TC_ERR_BAD_URL, false,
    "", 0, "", false},
  {"a bracketed name is refused", "ws://[localhost]/", TC_ERR_BAD_URL, false,
    "", 0, "", false},
  {"a host with odd characters is refused", "ws://exa$mple.com/",
    TC_ERR_BAD_URL, false, "", 0, "", false},
};

static void
test_case (gconstpointer data)
{
  const url_case *c = data;
  tc_ws_url u;
  tc_status st = tc_ws_url_parse (c->url, &u);
  g_assert_cmpstr (tc_status_name (st), ==, tc_status_name (c->status));
  if (st != TC_OK)
    return;
  g_assert_cmpint (u.secure, ==, c->secure);
  g_assert_cmpstr (u.host, ==, c->host);
  g_assert_cmpint (u.port, ==, c->port);
  g_assert_cmpstr (u.path, ==, c->path);
  g_assert_cmpint (tc_ws_url_is_loopback (&u), ==, c->loopback);
}

static void
test_default_port_flag (void)
{
  tc_ws_url u;
  g_assert_cmpint (tc_ws_url_parse ("wss://h/", &u), ==, TC_OK);
  g_assert_true (u.default_port);
  g_assert_cmpint (tc_ws_url_parse ("wss://h:443/", &u), ==, TC_OK);
  g_assert_false (u.default_port);
  g_assert_cmpint (tc_ws_url_parse (NULL, &u), ==, TC_ERR_INVALID_ARG);
}

/* What the user reads for a refused URL: the part that is wrong, and never
 * the host. */
static void
test_refusals_name_the_wrong_part (void)
{
  static const struct {
    const char *url, *why;
  } refused[] = {
    {"ws://127.0.0.1:99999/v3/websocket", "port 99999 is out of range"},
    {"ws://secret.example:0/", "port 0 is out of range"},
    {"ws://secret.example:http/", "port is not a number"},
    {"https://secret.example/", "must start with wss://"},
    {"wss://user:pw@secret.example/", "user name or password"},
    {"wss://secret exa mple/", "spaces"},
    {"wss:///v3", "no host"},
    {"wss://sec$ret.example/", "not a valid host"},
    {"", "empty"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (refused); i++) {
    char why[128];
    tc_ws_url u;
    g_assert_cmpint (tc_ws_url_parse (refused[i].url, &u), ==,
        TC_ERR_BAD_URL);
    tc_ws_url_explain (refused[i].url, why, sizeof why);
    g_test_message ("%s: %s", refused[i].url, why);
    g_assert_nonnull (strstr (why, refused[i].why));
    g_assert_null (strstr (why, "secret"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = g_strdup_printf ("/ws_url/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_case);
    g_free (path);
  }
  g_test_add_func ("/ws_url/a written port is remembered as written",
      test_default_port_flag);
  g_test_add_func ("/ws_url/refusals name the wrong part and never the host",
      test_refusals_name_the_wrong_part);
  return g_test_run ();
}
