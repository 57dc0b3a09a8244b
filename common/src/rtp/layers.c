/* layers.c - the L1T3 temporal pattern (tc_layers.h). */
#include "tempchat/tc_layers.h"

#include <string.h>

void
tc_l1t3_layer (uint64_t position, bool keyframe, tc_temporal_layer *out)
{
  /* TID, layer sync, non-reference for positions 0..3 (tc_layers.h). */
  static const struct {
    uint8_t tid;
    bool sync, non_ref;
  } pattern[TC_L1T3_PERIOD] = {
    {0, false, false}, {2, true, true}, {1, true, false}, {2, false, true},
  };
  memset (out, 0, sizeof *out);
  out->layers = 3;
  if (keyframe) {
    out->layer_sync = true;   /* refers to nothing at all */
    return;
  }
  unsigned i = (unsigned) (position % TC_L1T3_PERIOD);
  out->temporal_id = pattern[i].tid;
  out->layer_sync = pattern[i].sync;
  out->non_reference = pattern[i].non_ref;
}
