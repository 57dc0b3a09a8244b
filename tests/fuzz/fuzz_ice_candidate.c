/* fuzz_ice_candidate.c - the remote-controlled text of the ICE transport:
 * trickled candidate attributes (and, from the config, STUN/TURN URLs).
 * Whatever parses must write back and parse again to the same candidate.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ice_candidate.h"
#include "net/ice_url.h"

static void
same_candidate (const tc_ice_candidate *a, const tc_ice_candidate *b)
{
  if (strcmp (a->foundation, b->foundation) != 0 || a->component != b->component
      || a->proto != b->proto || a->tcptype != b->tcptype
      || a->priority != b->priority || strcmp (a->address, b->address) != 0
      || a->port != b->port || a->type != b->type
      || a->has_related != b->has_related || strcmp (a->ufrag, b->ufrag) != 0
      || (a->has_related
          && (strcmp (a->related_address, b->related_address) != 0
              || a->related_port != b->related_port)))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  char *text = g_strndup ((const char *) data, size);

  tc_ice_candidate c, back;
  if (tc_ice_candidate_parse (text, &c) == TC_OK) {
    char line[TC_ICE_CANDIDATE_LINE_MAX];
    if (tc_ice_candidate_format (&c, line, sizeof line) != TC_OK
        || tc_ice_candidate_parse (line, &back) != TC_OK)
      abort ();
    same_candidate (&c, &back);
    (void) tc_ice_candidate_is_mdns (&c);
  }
  tc_ice_url url;
  (void) tc_ice_url_parse (text, &url);
  g_free (text);
  return 0;
}
