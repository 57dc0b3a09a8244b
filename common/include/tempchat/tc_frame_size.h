/* tc_frame_size.h - the picture size a video keyframe announces, per codec.
 *
 * For the stats panel and for encoded output whose consumers (muxers) need a
 * size before the first frame: read from the keyframe's own headers, never
 * by decoding. Pure functions of their arguments; any thread.
 */
#ifndef TEMPCHAT_TC_FRAME_SIZE_H
#define TEMPCHAT_TC_FRAME_SIZE_H

#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_sdp.h"
#include "tempchat/tc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Width and height of the keyframe `frame` (`len` bytes, borrowed) of
 * `codec` (VP8, VP9; AV1 from the TU's sequence header; H264 from the SPS
 * of an access unit with an IDR). TC_OK and both set; TC_ERR_PARSE when the frame does not start
 * with a keyframe header we can read; TC_ERR_UNSUPPORTED for a codec whose
 * headers we do not read (then the caller leaves its size unknown). */
tc_status tc_frame_keyframe_size (tc_sdp_codec codec, const uint8_t *frame,
    size_t len, unsigned *width, unsigned *height);

#ifdef __cplusplus
}
#endif
#endif
