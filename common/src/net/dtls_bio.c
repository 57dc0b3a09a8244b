/* dtls_bio.c - an OpenSSL BIO that turns each write into one datagram.
 *
 * A memory BIO would join a flight's datagrams into one byte stream. This
 * sink keeps the boundaries instead: during a handshake OpenSSL writes
 * through its buffering BIO and flushes once per datagram (it packs records
 * up to the MTU set with SSL_set_mtu), so each write arriving here is one
 * datagram; after the handshake each record is written on its own.
 */
#include "net/dtls_internal.h"

#include <glib.h>

struct sink {
  tc_dtls_bio_send_fn send;
  void *user_data;
};

static int
sink_write (BIO *bio, const char *data, int len)
{
  struct sink *sink = BIO_get_data (bio);
  BIO_clear_retry_flags (bio);
  if (sink == NULL || data == NULL || len <= 0)
    return 0;
  sink->send (sink->user_data, (const uint8_t *) data, (size_t) len);
  return len;
}

static long
sink_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1; /* nothing is held back */
    case BIO_CTRL_PENDING:
    case BIO_CTRL_WPENDING:
      return 0;
    default:
      return 0; /* MTU queries etc.: unsupported; SSL_OP_NO_QUERY_MTU is set */
  }
}

static int
sink_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
sink_destroy (BIO *bio)
{
  g_free (BIO_get_data (bio));
  BIO_set_data (bio, NULL);
  BIO_set_init (bio, 0);
  return 1;
}

/* One method table per process, made on first use, never freed. */
static gpointer
make_method (gpointer unused)
{
  BIO_METHOD *m = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK,
      "tempchat dtls datagram sink");
  if (m == NULL || !BIO_meth_set_write (m, sink_write)
      || !BIO_meth_set_ctrl (m, sink_ctrl)
      || !BIO_meth_set_create (m, sink_create)
      || !BIO_meth_set_destroy (m, sink_destroy)) {
    BIO_meth_free (m);
    return NULL;
  }
  return m;
}

BIO *
tc_dtls_bio_new (tc_dtls_bio_send_fn send, void *user_data)
{
  static GOnce once = G_ONCE_INIT;
  g_return_val_if_fail (send != NULL, NULL);

  BIO_METHOD *method = g_once (&once, make_method, NULL);
  BIO *bio = method ? BIO_new (method) : NULL;
  if (bio == NULL)
    return NULL;
  struct sink *sink = g_new0 (struct sink, 1);
  sink->send = send;
  sink->user_data = user_data;
  BIO_set_data (bio, sink);
  return bio;
}
