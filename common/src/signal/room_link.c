/* room_link.c - what the user pasted -> the ScaleDrone room name.
 *
 * The TempChat page keeps the room in the URL fragment and subscribes to
 * "observable-" + location.hash without '#'. The "observable-" prefix is what
 * makes ScaleDrone send member lists, which the role decision needs.
 */
#include "tempchat/tc_room.h"

#include <stdbool.h>
#include <string.h>

#define ROOM_PREFIX "observable-"

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
      || c == '\f';
}

static bool
is_hash_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
      || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool
has_prefix_nocase (const char *s, size_t len, const char *prefix)
{
  size_t plen = strlen (prefix);
  if (len < plen)
    return false;
  for (size_t i = 0; i < plen; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = (char) (c - 'A' + 'a');
    if (c != prefix[i])
      return false;
  }
  return true;
}

/* The text before '#' must be empty ("#abc") or an http(s) link without
 * spaces or control characters; anything else is probably not a link and
 * guessing a room from it would put the user in the wrong room. */
static bool
is_link_head (const char *s, size_t len)
{
  if (len == 0)
    return true;
  if (!has_prefix_nocase (s, len, "https://")
      && !has_prefix_nocase (s, len, "http://"))
    return false;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char) s[i];
    if (c <= 0x20 || c == 0x7f)
      return false;
  }
  return true;
}

static bool
is_valid_hash (const char *s, size_t len)
{
  if (len == 0 || len > TC_ROOM_HASH_MAX)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_hash_char (s[i]))
      return false;
  return true;
}

tc_status
tc_room_from_link (const char *text, char *room_out, size_t room_size)
{
  if (room_out == NULL || room_size == 0)
    return TC_ERR_INVALID_ARG;
  room_out[0] = '\0';
  if (text == NULL)
    return TC_ERR_INVALID_ARG;

  const char *start = text;
  const char *end = text + strlen (text);
  while (start < end && is_space (*start))
    start++;
  while (end > start && is_space (end[-1]))
    end--;

  /* A URL fragment starts at the first '#'; a bare hash has none. */
  const char *hash = memchr (start, '#', (size_t) (end - start));
  if (hash != NULL) {
    if (!is_link_head (start, (size_t) (hash - start)))
      return TC_ERR_BAD_ROOM;
    hash++;
  } else {
    hash = start;
  }
  size_t hash_len = (size_t) (end - hash);
  if (!is_valid_hash (hash, hash_len))
    return TC_ERR_BAD_ROOM;

  if (room_size < sizeof ROOM_PREFIX + hash_len)
    return TC_ERR_INVALID_ARG;
  memcpy (room_out, ROOM_PREFIX, sizeof ROOM_PREFIX - 1);
  memcpy (room_out + sizeof ROOM_PREFIX - 1, hash, hash_len);
  room_out[sizeof ROOM_PREFIX - 1 + hash_len] = '\0';
  return TC_OK;
}
