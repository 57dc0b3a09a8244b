/* tc_layers.h - temporal layers of a video stream, as a wrapper's encoder
 * makes them and the core signals them on the wire (VP8 TID/Y/TL0PICIDX,
 * VP9 layer indices and scalability structure, the AV1 dependency
 * descriptor).
 *
 * L1T3 is the pattern browsers use: one spatial layer, three temporal
 * layers, TID 0 2 1 2 repeating. A receiver (or a forwarder) that drops
 * TID 2 gets half the frame rate, dropping TID 1 and 2 a quarter, and still
 * decodes every frame it keeps, because:
 *   TID 0  refers to the previous TID 0 frame only
 *   TID 2  (first of the period) refers to that TID 0 only: a switching point
 *   TID 1  refers to that TID 0 only: a switching point
 *   TID 2  (last of the period) refers to the TID 0 and the TID 1 before it
 * and TID 2 frames are referred to by nobody. A keyframe is always TID 0.
 *
 * Pure functions, any thread.
 */
#ifndef TEMPCHAT_TC_LAYERS_H
#define TEMPCHAT_TC_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frames in one period of the L1T3 pattern. */
#define TC_L1T3_PERIOD 4

/* What a frame is in its stream's temporal layering. */
typedef struct {
  uint8_t layers;       /* temporal layers of the stream: 1 or 3 */
  uint8_t temporal_id;  /* 0 .. layers - 1 */
  /* Refers to no frame of its own layer or above since the last TID 0
   * frame: a receiver may start taking this layer here (VP8 Y, VP9 U). */
  bool layer_sync;
  /* No later frame refers to this one (VP8 N). */
  bool non_reference;
} tc_temporal_layer;

/* The layer of the frame at `position` of the L1T3 pattern (frames since
 * the pattern started, counted from 0: the encoder's own frame count),
 * or of a keyframe (`keyframe`: TID 0 wherever it falls). */
void tc_l1t3_layer (uint64_t position, bool keyframe, tc_temporal_layer *out);

#ifdef __cplusplus
}
#endif
#endif
