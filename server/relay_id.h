/* relay_id.h - random identifiers for clients and published messages.
 *
 * Ids are drawn from OpenSSL's CSPRNG: a client id is what other members use
 * to tell peers apart and TempChat derives the offerer role from it, so it
 * must not be guessable or repeat.
 */
#ifndef RELAY_ID_H
#define RELAY_ID_H

#include <stdbool.h>
#include <stddef.h>

/* Length of a client id, without the NUL. */
#define RELAY_CLIENT_ID_LEN 16
/* Length of a published message's id, without the NUL. */
#define RELAY_MESSAGE_ID_LEN 16

/* Writes `len` random characters of [A-Za-z0-9] and a NUL into `out`, which
 * holds len + 1 bytes. Returns false (and writes "") only if the system
 * random generator fails. Any thread. */
bool relay_id_generate (char *out, size_t len);

#endif
