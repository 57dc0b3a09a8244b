/* log.c - keyed short tags so logs can tell ids apart without naming them. */
#include "tempchat/tc_log.h"

#include <string.h>

/* A per-process random key: the same id gets the same tag within one run
 * (useful for reading a log) and an unrelated tag in the next run. */
static guint8 tag_key[32];

static gpointer
init_key (gpointer unused)
{
  for (size_t i = 0; i < sizeof tag_key; i += 4) {
    guint32 r = g_random_int ();
    memcpy (tag_key + i, &r, 4);
  }
  return NULL;
}

const char *
tc_log_tag (const char *secret, char out[TC_LOG_TAG_LEN])
{
  static GOnce once = G_ONCE_INIT;

  if (secret == NULL) {
    memcpy (out, "#----", TC_LOG_TAG_LEN);
    return out;
  }
  g_once (&once, init_key, NULL);
  GHmac *mac = g_hmac_new (G_CHECKSUM_SHA256, tag_key, sizeof tag_key);
  g_hmac_update (mac, (const guchar *) secret, (gssize) strlen (secret));
  guint8 digest[32];
  gsize len = sizeof digest;
  g_hmac_get_digest (mac, digest, &len);
  g_hmac_unref (mac);
  g_snprintf (out, TC_LOG_TAG_LEN, "#%02x%02x", digest[0], digest[1]);
  return out;
}
