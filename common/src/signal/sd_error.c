/* sd_error.c - ScaleDrone error texts mapped to tc_status codes.
 *
 * The protocol gives errors only as sentences, and the exact wording differs
 * between ScaleDrone and compatible relays; matching a few words keeps the
 * user-facing sentence ours (no server text, which could echo ids, reaches
 * the user) while still telling them what went wrong.
 */
#include "signal/sd_frame.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

static bool
contains_any (const char *lower, const char *const *words)
{
  for (; *words != NULL; words++)
    if (strstr (lower, *words) != NULL)
      return true;
  return false;
}

static tc_status
classify (const char *text, const char *const *required,
    const char *const *words, tc_status match, tc_status otherwise)
{
  if (text == NULL)
    return otherwise;
  char *lower = g_ascii_strdown (text, -1);
  bool hit = (required == NULL || contains_any (lower, required))
      && contains_any (lower, words);
  g_free (lower);
  return hit ? match : otherwise;
}

tc_status
tc_sd_handshake_error (const char *text)
{
  static const char *const channel[] = {"channel", NULL};
  static const char *const words[] = {"unknown", "not found", "not exist",
      "invalid", "no such", NULL};
  return classify (text, channel, words, TC_ERR_BAD_CHANNEL, TC_ERR_HANDSHAKE);
}

tc_status
tc_sd_subscribe_error (const char *text)
{
  static const char *const words[] = {"full", NULL};
  return classify (text, NULL, words, TC_ERR_ROOM_FULL, TC_ERR_SUBSCRIBE);
}

tc_status
tc_sd_server_error (const char *text)
{
  static const char *const words[] = {"rate limit", "rate-limit",
      "ratelimit", "too many", "exceeded", "slow down", NULL};
  return classify (text, NULL, words, TC_ERR_RATE_LIMIT, TC_ERR_SERVER);
}
