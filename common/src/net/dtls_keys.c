/* dtls_keys.c - DTLS-SRTP keying material into SRTP keys (RFC 5764 4.2).
 *
 *   keying material = PRF(master_secret, "EXTRACTOR-dtls_srtp", randoms)
 *
 *   +--------------------+--------------------+---------------+---------------+
 *   | client write key   | server write key   | client salt   | server salt   |
 *   | key_len            | key_len            | salt_len      | salt_len      |
 *   +--------------------+--------------------+---------------+---------------+
 *
 * key_len/salt_len: 16/14 for SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 4.1.2),
 * 16/12 for SRTP_AEAD_AES_128_GCM (RFC 7714 12).
 */
#include "net/dtls_internal.h"

#include <glib.h>
#include <string.h>

size_t
tc_dtls_keying_material_len (tc_srtp_profile profile)
{
  return 2 * (tc_srtp_profile_key_len (profile) + tc_srtp_profile_salt_len (profile));
}

tc_status
tc_dtls_split_keying_material (tc_srtp_profile profile, tc_dtls_role role,
    const uint8_t *material, size_t len, tc_srtp_keys *out)
{
  g_return_val_if_fail (material != NULL && out != NULL, TC_ERR_INVALID_ARG);
  size_t kl = tc_srtp_profile_key_len (profile);
  size_t sl = tc_srtp_profile_salt_len (profile);
  if (kl == 0 || sl == 0)
    return TC_ERR_UNSUPPORTED;
  if (len != 2 * (kl + sl))
    return TC_ERR_INVALID_ARG;

  const uint8_t *client_key = material;
  const uint8_t *server_key = material + kl;
  const uint8_t *client_salt = material + 2 * kl;
  const uint8_t *server_salt = material + 2 * kl + sl;
  gboolean client = role == TC_DTLS_ROLE_CLIENT;

  memset (out, 0, sizeof *out);
  out->profile = profile;
  out->key_len = kl;
  out->salt_len = sl;
  memcpy (out->local_key, client ? client_key : server_key, kl);
  memcpy (out->local_salt, client ? client_salt : server_salt, sl);
  memcpy (out->remote_key, client ? server_key : client_key, kl);
  memcpy (out->remote_salt, client ? server_salt : client_salt, sl);
  return TC_OK;
}
