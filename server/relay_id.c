/* relay_id.c - random [A-Za-z0-9] strings from OpenSSL's RAND_bytes. */
#include "relay_id.h"

#include <openssl/rand.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* 62 letters: bytes >= 248 (4 x 62) are rejected so each letter is equally
 * likely; a plain modulo would favour the first eight. */
#define ALPHABET_LEN 62
#define REJECT_FROM (256 / ALPHABET_LEN * ALPHABET_LEN)

bool
relay_id_generate (char *out, size_t len)
{
  size_t filled = 0;
  while (filled < len) {
    unsigned char rnd[32];
    if (RAND_bytes (rnd, sizeof rnd) != 1) {
      out[0] = '\0';
      return false;
    }
    for (size_t i = 0; i < sizeof rnd && filled < len; i++) {
      if (rnd[i] < REJECT_FROM)
        out[filled++] = alphabet[rnd[i] % ALPHABET_LEN];
    }
  }
  out[len] = '\0';
  return true;
}
