/* main.c - tempchat-relay: parse options, listen, print the URL, serve
 * until SIGTERM/SIGINT, print counters, exit 0. */
#include <stdio.h>
#include <stdlib.h>

#include "relay_config.h"
#include "relay_server.h"
#include "relay_signals.h"

static void
wake_server (void *srv)
{
  relay_server_wake (srv);
}

/* Scripts and tests wait for this exact line to learn the port, so it is
 * the first thing on stdout and is flushed at once. */
static void
announce (relay_server *srv)
{
  char *url = relay_server_url (srv);
  printf ("tempchat-relay listening on %s\n", url);
  fflush (stdout);
  g_free (url);
}

static int
serve (const relay_config *cfg)
{
  char *error = NULL;
  relay_signals_install ();
  relay_server *srv = relay_server_new (cfg, &error);
  if (srv == NULL) {
    fprintf (stderr, "tempchat-relay: %s\n", error);
    g_free (error);
    return EXIT_FAILURE;
  }
  relay_signals_set_wake (wake_server, srv);
  announce (srv);
  while (!relay_signals_stop_requested ()) {
    relay_server_service (srv);
    if (relay_signals_take_stats_request ())
      relay_server_print_stats (srv, stderr);
  }
  relay_server_shutdown (srv);
  relay_server_print_stats (srv, stderr);
  /* No handler may touch the server once it is freed. */
  relay_signals_set_wake (NULL, NULL);
  relay_server_free (srv);
  return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
  relay_config cfg;
  char *text = NULL;
  int rc = EXIT_SUCCESS;

  switch (relay_config_parse (&cfg, argc, argv, &text)) {
  case RELAY_CONFIG_HELP:
  case RELAY_CONFIG_VERSION:
    fputs (text, stdout);
    break;
  case RELAY_CONFIG_ERROR:
    fprintf (stderr, "tempchat-relay: %s\n", text);
    rc = 2;
    break;
  case RELAY_CONFIG_RUN:
    rc = serve (&cfg);
    break;
  }
  g_free (text);
  relay_config_clear (&cfg);
  return rc;
}
