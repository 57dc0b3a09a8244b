/* tc_room.h - turning what a user pastes into a ScaleDrone room name. Pure. */
#ifndef TEMPCHAT_TC_ROOM_H
#define TEMPCHAT_TC_ROOM_H

#include <stddef.h>

#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest room hash we accept (bytes). TempChat hashes are far shorter. */
#define TC_ROOM_HASH_MAX 128

/* Parses `text` as a full TempChat link ("https://host/path#abc123"), a bare
 * hash with its '#' ("#abc123") or without it ("abc123"). Surrounding
 * whitespace is ignored. The hash must be 1..TC_ROOM_HASH_MAX characters of
 * [A-Za-z0-9_-].
 *
 * On success writes the ScaleDrone room name ("observable-abc123") into
 * `room_out` (size `room_size`, at least 11 + TC_ROOM_HASH_MAX + 1 bytes for
 * any valid input) and returns TC_OK. Otherwise returns TC_ERR_BAD_ROOM (whose
 * tc_status_str() says what was expected) or TC_ERR_INVALID_ARG, and leaves
 * `room_out` an empty string. Any thread; no allocation. */
tc_status tc_room_from_link (const char *text, char *room_out, size_t room_size);

/* Bytes needed for any room name tc_room_from_link() can produce. */
#define TC_ROOM_NAME_SIZE (sizeof "observable-" + TC_ROOM_HASH_MAX)

#ifdef __cplusplus
}
#endif
#endif
