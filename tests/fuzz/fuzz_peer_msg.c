/* fuzz_peer_msg.c - tc_peer_msg_decode() on arbitrary bytes.
 *
 * Besides not crashing, a decoded message must encode, and the encoding must
 * decode to the same message (what we relay is what we understood).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tempchat/tc_peer_msg.h"

static int
str_eq (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

static int
same (const tc_peer_msg *a, const tc_peer_msg *b)
{
  if (a->kind != b->kind)
    return 0;
  switch (a->kind) {
    case TC_PEER_MSG_SDP:
      return a->sdp_type == b->sdp_type
          && (str_eq (a->sdp, b->sdp)
              || (a->sdp == NULL && b->sdp != NULL && b->sdp[0] == '\0'));
    case TC_PEER_MSG_CANDIDATE:
      return str_eq (a->candidate, b->candidate)
          && str_eq (a->sdp_mid, b->sdp_mid)
          && a->sdp_mline_index == b->sdp_mline_index
          && str_eq (a->username_fragment, b->username_fragment);
    case TC_PEER_MSG_END_OF_CANDIDATES:
      return 1;
  }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_peer_msg m;
  if (tc_peer_msg_decode ((const char *) data, size, &m) == TC_OK) {
    char *json = tc_peer_msg_encode (&m);
    /* Encoding adds the keys a short input left out, so only an input close
     * to the size cap may fail to encode. */
    if (json == NULL && size < TC_PEER_MSG_MAX - 1024)
      abort ();
    if (json != NULL) {
      tc_peer_msg again;
      if (tc_peer_msg_decode (json, strlen (json), &again) != TC_OK
          || !same (&m, &again))
        abort ();
      tc_peer_msg_clear (&again);
      free (json);
    }
  }
  tc_peer_msg_clear (&m);
  return 0;
}
