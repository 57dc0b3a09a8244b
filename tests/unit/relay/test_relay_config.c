/* test_relay_config.c - tempchat-relay's command line. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "relay_config.h"

/* Parses a space-separated command line (no quoting needed here). */
static relay_config_result
parse (const char *line, relay_config *cfg, char **text)
{
  char **argv = g_strsplit (line, " ", -1);
  relay_config_result res = relay_config_parse (cfg, (int) g_strv_length (argv),
      argv, text);
  g_strfreev (argv);
  return res;
}

static void
test_defaults (void)
{
  relay_config cfg;
  char *text;
  g_assert_cmpint (parse ("tempchat-relay", &cfg, &text), ==,
      RELAY_CONFIG_RUN);
  g_assert_null (text);
  g_assert_cmpstr (cfg.listen, ==, "127.0.0.1");
  g_assert_cmpint (cfg.port, ==, 8080);
  g_assert_cmpuint (cfg.max_members, ==, 10);
  g_assert_cmpuint (cfg.max_message_bytes, ==, 65536);
  g_assert_cmpuint (cfg.idle_timeout_s, ==, 300);
  g_assert_cmpuint (cfg.handshake_timeout_s, ==, 10);
  g_assert_null (cfg.channels);
  g_assert_null (cfg.cert);
  g_assert_null (cfg.web_root);
  g_assert_cmpuint (cfg.max_connections, ==, 0); /* from the fd limit */
  g_assert_cmpuint (cfg.max_per_ip, ==, 0);
  g_assert_false (cfg.verbose);
  relay_config_clear (&cfg);
}

static void
test_everything_set (void)
{
  relay_config cfg;
  char *text;
  char *line = g_strdup_printf ("tempchat-relay --listen ::1 --port 0 "
      "--channel a --channel b --max-members 2 --max-message-bytes 1000 "
      "--rate 7 --idle-timeout 30 --handshake-timeout 3 --web-root %s -v "
      "--max-connections 500 --max-per-ip 20",
      g_get_tmp_dir ());
  g_assert_cmpint (parse (line, &cfg, &text), ==, RELAY_CONFIG_RUN);
  g_assert_cmpstr (cfg.listen, ==, "::1");
  g_assert_cmpint (cfg.port, ==, 0);
  g_assert_cmpuint (g_strv_length (cfg.channels), ==, 2);
  g_assert_cmpstr (cfg.channels[1], ==, "b");
  g_assert_cmpuint (cfg.max_members, ==, 2);
  g_assert_cmpuint (cfg.max_message_bytes, ==, 1000);
  g_assert_cmpuint (cfg.rate, ==, 7);
  g_assert_cmpuint (cfg.idle_timeout_s, ==, 30);
  g_assert_cmpuint (cfg.handshake_timeout_s, ==, 3);
  g_assert_cmpstr (cfg.web_root, ==, g_get_tmp_dir ());
  g_assert_cmpuint (cfg.max_connections, ==, 500);
  g_assert_cmpuint (cfg.max_per_ip, ==, 20);
  g_assert_true (cfg.verbose);
  relay_config_clear (&cfg);
  g_free (line);
}

static void
test_help_and_version (void)
{
  static const struct { const char *line; relay_config_result res;
                        const char *contains; } rows[] = {
    { "tempchat-relay --help", RELAY_CONFIG_HELP, "--max-members" },
    { "tempchat-relay -h", RELAY_CONFIG_HELP, "--web-root" },
    { "tempchat-relay --version", RELAY_CONFIG_VERSION, "tempchat-relay " },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    relay_config cfg;
    char *text;
    g_assert_cmpint (parse (rows[i].line, &cfg, &text), ==, rows[i].res);
    g_assert_nonnull (strstr (text, rows[i].contains));
    g_free (text);
    relay_config_clear (&cfg);
  }
}

static void
test_errors (void)
{
  /* Each bad command line and a word its error message must contain. */
  static const struct { const char *line; const char *says; } rows[] = {
    { "tempchat-relay --port 65536", "--port" },
    { "tempchat-relay --port -1", "--port" },
    { "tempchat-relay --port abc", "abc" },
    { "tempchat-relay --max-members 0", "--max-members" },
    { "tempchat-relay --max-message-bytes 10", "--max-message-bytes" },
    { "tempchat-relay --rate -5", "--rate" },
    { "tempchat-relay --handshake-timeout 0", "--handshake-timeout" },
    { "tempchat-relay --cert /nonexistent/c.pem", "--key" },
    { "tempchat-relay --cert /nonexistent/c --key /nonexistent/k", "--cert" },
    { "tempchat-relay --web-root /nonexistent/dir", "--web-root" },
    { "tempchat-relay --bogus", "bogus" },
    { "tempchat-relay extra", "unexpected" },
    { "tempchat-relay --max-connections -1", "--max-connections" },
    { "tempchat-relay --jwt-secret-file /nonexistent/s", "--jwt-secret-file" },
    { "tempchat-relay --jwt-secret a --jwt-secret-file /dev/null", "not both" },
    { "tempchat-relay --jwt-secret-file /dev/null", "non-empty" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
    relay_config cfg;
    char *text;
    g_test_message ("%s", rows[i].line);
    g_assert_cmpint (parse (rows[i].line, &cfg, &text), ==,
        RELAY_CONFIG_ERROR);
    g_assert_nonnull (strstr (text, rows[i].says));
    g_free (text);
    relay_config_clear (&cfg);
  }
}

static void
test_secret_file (void)
{
  /* The secret is the file's one line, without its newline. */
  char *path = NULL;
  int fd = g_file_open_tmp ("relay-secret-XXXXXX", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "s3cret\n", 7), ==, 7);
  close (fd);
  char *line = g_strdup_printf ("tempchat-relay --jwt-secret-file %s", path);
  relay_config cfg;
  char *text;
  g_assert_cmpint (parse (line, &cfg, &text), ==, RELAY_CONFIG_RUN);
  g_assert_cmpstr (cfg.jwt_secret, ==, "s3cret");
  relay_config_clear (&cfg);
  g_unlink (path);
  g_free (path);
  g_free (line);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/config/no options gives the documented defaults",
      test_defaults);
  g_test_add_func ("/relay/config/every option is taken",
      test_everything_set);
  g_test_add_func ("/relay/config/help and version are answered",
      test_help_and_version);
  g_test_add_func ("/relay/config/--jwt-secret-file reads one line",
      test_secret_file);
  g_test_add_func ("/relay/config/bad options are refused with a reason",
      test_errors);
  return g_test_run ();
}
