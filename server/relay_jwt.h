/* relay_jwt.h - check a ScaleDrone JSON Web Token (HS256) and read its
 * claims. Pure: bytes, secret and the time in; a verdict and claims out.
 *
 * ScaleDrone's JWT authentication (scaledrone.com/docs/jwt-authentication):
 *   header   {"alg":"HS256","typ":"JWT"}
 *   payload  {"client":CLIENT_ID, "channel":CHANNEL_ID,
 *             "permissions":{ROOM_REGEX:{"publish":B,"subscribe":B},...},
 *             "exp":UNIX_SECONDS, "data":CLIENT_DATA (optional)}
 *   signature HMAC-SHA256(secret, base64url(header) "." base64url(payload))
 * Any other algorithm ("none" included) is refused. The signature is
 * checked in constant time before the payload is looked at.
 *
 * Ownership: relay_jwt_claims holds its own references; clear it with
 * relay_jwt_claims_clear(), also after a failed check.
 */
#ifndef RELAY_JWT_H
#define RELAY_JWT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token accepted, in bytes. */
#define RELAY_JWT_MAX_LEN 8192

typedef enum {
  RELAY_JWT_OK = 0,
  RELAY_JWT_MALFORMED,      /* not three base64url parts of JSON objects */
  RELAY_JWT_BAD_ALGORITHM,  /* header alg is not HS256 */
  RELAY_JWT_BAD_SIGNATURE,
  RELAY_JWT_BAD_CLAIMS,     /* channel, permissions or exp missing/wrong */
  RELAY_JWT_EXPIRED,
  RELAY_JWT_STATUS_COUNT_
} relay_jwt_status;

typedef struct {
  const char *client;       /* NULL when absent */
  const char *channel;
  json_t *permissions;      /* an object */
  int64_t exp;
  json_t *data;             /* NULL when absent */
  json_t *payload;          /* owns the above */
} relay_jwt_claims;

relay_jwt_status relay_jwt_check (const char *token, size_t len,
    const uint8_t *secret, size_t secret_len, int64_t now_s,
    relay_jwt_claims *out);

void relay_jwt_claims_clear (relay_jwt_claims *claims);

/* A sentence for the client; static, never NULL, never quotes the token. */
const char *relay_jwt_status_str (relay_jwt_status st);

#endif
