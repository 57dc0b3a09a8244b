/* fuzz_frame_size.c - arbitrary bytes as a keyframe of each video codec.
 *
 * The first byte picks the codec, the rest is the frame. Checks beyond "no
 * crash": a size is only ever written with TC_OK, and within what the
 * formats can say (VP9: 16 bits of size - 1; VP8: 14 bits).
 */
#include <stdlib.h>

#include "tempchat/tc_frame_size.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const tc_sdp_codec codecs[] = { TC_SDP_CODEC_VP9, TC_SDP_CODEC_VP8,
    TC_SDP_CODEC_AV1, TC_SDP_CODEC_H264 };
  if (size < 1)
    return 0;
  unsigned w = 0, h = 0;
  tc_status st = tc_frame_keyframe_size (codecs[data[0] % 4], data + 1,
      size - 1, &w, &h);
  if (st == TC_OK && (w > 65536 || h > 65536))
    abort ();
  if (st != TC_OK && (w != 0 || h != 0))
    abort ();
  return 0;
}
