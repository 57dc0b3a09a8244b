/* fuzz_relay_jwt.c - the JWT checker on arbitrary tokens, and whatever
 * permissions a token that passes carries compiled and matched. Beyond "no
 * crash, no leak": a passing token has the claims the hub dereferences. */
#include <stdint.h>
#include <stdlib.h>

#include "relay_jwt.h"
#include "relay_perms.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const uint8_t secret[] = "s3cret";
  relay_jwt_claims c;
  relay_jwt_status st = relay_jwt_check ((const char *) data, size, secret,
      sizeof secret - 1, 1700000000, &c);
  if (relay_jwt_status_str (st) == NULL)
    abort ();
  if (st == RELAY_JWT_OK) {
    if (c.channel == NULL || !json_is_object (c.permissions))
      abort ();
    relay_perms *p = relay_perms_new (c.permissions);
    if (p != NULL)
      relay_perms_for_room (p, "observable-room");
    relay_perms_free (p);
  }
  relay_jwt_claims_clear (&c);
  return 0;
}
