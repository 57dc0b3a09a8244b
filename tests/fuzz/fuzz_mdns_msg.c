/* fuzz_mdns_msg.c - multicast DNS responses, as anyone on the local link
 * may send them to the port our ICE agent listens on while it looks up a
 * peer's ".local" name. Nothing may crash, loop or read out of bounds;
 * whatever is found must be a well-formed address, within the bound.
 * The first input byte picks the name asked about, so matches are reached.
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/mdns_msg.h"

static const char *const names[] = {
  "peer.local",
  "012e3baf-5fe2-4dfd-b538-f8fbf3141e84.local",
  "a.local",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  const char *name = names[data[0] % (sizeof names / sizeof names[0])];
  tc_mdns_answer ans;
  tc_status st = tc_mdns_response_parse (data + 1, size - 1, name, &ans);
  if (ans.n > TC_MDNS_ADDRS_MAX || (st != TC_OK && ans.n != 0))
    abort ();
  for (size_t i = 0; i < ans.n; i++)
    if (ans.addrs[i].family != 4 && ans.addrs[i].family != 6)
      abort ();
  /* Query building from the same bytes, as a name. */
  char text[300];
  size_t n = size - 1 < sizeof text - 1 ? size - 1 : sizeof text - 1;
  for (size_t i = 0; i < n; i++)
    text[i] = data[1 + i] == 0 ? '.' : (char) data[1 + i];
  text[n] = '\0';
  uint8_t q[TC_MDNS_QUERY_MAX];
  size_t qlen;
  if (tc_mdns_query_build (text, TC_MDNS_TYPE_A, q, sizeof q, &qlen) == TC_OK
      && (qlen > sizeof q || tc_mdns_response_parse (q, qlen, text, &ans)
          != TC_ERR_UNSUPPORTED))
    abort ();
  return 0;
}
