/* test_cert.h - a throwaway self-signed TLS certificate for tests that
 * serve TLS on loopback (TURN over TLS, wss:// signaling). Define TC_OPENSSL
 * (the openssl tool's path) before including it.
 */
#ifndef TC_TEST_CERT_H
#define TC_TEST_CERT_H

#include <glib.h>

/* For the name localhost only (not for 127.0.0.1), made with the openssl
 * tool into dir/cert.pem and dir/key.pem. */
static G_GNUC_UNUSED gboolean
make_certificate (const char *dir)
{
  char *argv[] = { TC_OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
    "-keyout", "key.pem", "-out", "cert.pem", NULL };
  gint status = -1;
  GError *err = NULL;
  gboolean ok = g_spawn_sync (dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
      | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &err);
  g_assert_no_error (err);
  return ok && g_spawn_check_wait_status (status, NULL);
}

#endif
