/* fuzz_sdp_candidate.c - ICE candidate lines (trickled or in an SDP).
 *
 * Whatever parses formats into text that parses again and formats to the
 * same bytes; a failure always says why. The re-parse is skipped when the
 * formatted text outgrows the length limit, which adding the "candidate:"
 * prefix to a bare input can do.
 */
#include "tempchat/tc_sdp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_sdp_candidate c, c2;
  const char *why = NULL;
  if (tc_sdp_candidate_parse ((const char *) data, size, &c, &why) != TC_OK) {
    if (why == NULL)
      abort ();
    return 0;
  }
  char buf[2 * TC_SDP_CAND_MAX_LEN], buf2[2 * TC_SDP_CAND_MAX_LEN];
  size_t n = tc_sdp_candidate_format (&c, buf, sizeof buf);
  if (n >= sizeof buf)
    abort ();
  if (n > TC_SDP_CAND_MAX_LEN)
    return 0;
  if (tc_sdp_candidate_parse (buf, n, &c2, &why) != TC_OK)
    abort ();
  size_t n2 = tc_sdp_candidate_format (&c2, buf2, sizeof buf2);
  if (n2 != n || memcmp (buf, buf2, n) != 0)
    abort ();
  return 0;
}
