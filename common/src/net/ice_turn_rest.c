/* ice_turn_rest.c - TURN REST API credentials, as coturn's
 * --use-auth-secret checks them:
 *
 *   username = "<expiry-unix-seconds>:<name>"
 *   password = base64 (HMAC-SHA1 (static-auth-secret, username))
 *
 * Pure: the caller passes the expiry time, so there is no clock here.
 */
#include "tempchat/tc_ice.h"

#include <glib.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

tc_status
tc_ice_turn_rest_credentials (const char *secret, const char *name,
    int64_t expiry_unix, char *username, size_t username_size,
    char *password, size_t password_size)
{
  if (secret == NULL || secret[0] == '\0' || name == NULL || name[0] == '\0'
      || strchr (name, ':') != NULL || expiry_unix < 0 || username == NULL
      || password == NULL)
    return TC_ERR_INVALID_ARG;
  if (password_size < TC_ICE_REST_PASSWORD_SIZE)
    return TC_ERR_TOO_LARGE;

  int n = snprintf (username, username_size, "%" PRId64 ":%s", expiry_unix,
      name);
  if (n < 0 || (size_t) n >= username_size) {
    if (username_size > 0)
      username[0] = '\0';
    return TC_ERR_TOO_LARGE;
  }

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  size_t secret_len = strlen (secret);
  if (secret_len > INT32_MAX
      || HMAC (EVP_sha1 (), secret, (int) secret_len,
          (const unsigned char *) username, (size_t) n, mac, &mac_len) == NULL
      || mac_len != 20)
    return TC_ERR_NOMEM;  /* OpenSSL could not run HMAC-SHA1 */

  /* 20 bytes -> 28 base64 characters; encode into a scratch buffer sized
   * as g_base64_encode_step() requires, then copy. */
  char b64[64];
  int state = 0, save = 0;
  gsize len = g_base64_encode_step (mac, mac_len, FALSE, b64, &state, &save);
  len += g_base64_encode_close (FALSE, b64 + len, &state, &save);
  memcpy (password, b64, len);
  password[len] = '\0';
  return TC_OK;
}
