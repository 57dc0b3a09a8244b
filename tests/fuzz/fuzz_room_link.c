/* fuzz_room_link.c - tc_room_from_link() on arbitrary text: never past the
 * buffer, and a room only ever "observable-" plus hash characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tempchat/tc_room.h"

static int
valid_room (const char *room)
{
  static const char prefix[] = "observable-";
  if (strncmp (room, prefix, sizeof prefix - 1) != 0)
    return 0;
  const char *hash = room + sizeof prefix - 1;
  size_t len = strlen (hash);
  if (len == 0 || len > TC_ROOM_HASH_MAX)
    return 0;
  return strspn (hash, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
      "0123456789_-") == len;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* The API takes a C string: stop at the first NUL like a caller would. */
  char *text = malloc (size + 1);
  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  char room[TC_ROOM_NAME_SIZE];
  tc_status st = tc_room_from_link (text, room, sizeof room);
  if (st == TC_OK ? !valid_room (room) : room[0] != '\0')
    abort ();
  free (text);
  return 0;
}
