/* tc_frame_dropper.h - which raw video frames a sender leaves unencoded so
 * that what its encoder makes stays within the target bitrate.
 *
 * A real-time encoder in CBR mostly meets its target, but not always: on
 * content it cannot compress (sensor noise, confetti, a scene full of
 * detail) it reaches its highest quantizer and goes on making frames over
 * the budget. av1enc with our settings made 13.3 Mbit/s of 640x360 noise
 * for a 4.5 Mbit/s target, and a tempchatsink behind a 1.5 Mbit/s link
 * sent 6.7 Mbit/s with its target at 1.23-1.47: the pacer sends up to 2.5x the
 * target, so the excess went on to the network and was lost there. The
 * congestion controller can lower the target, but only the frames the
 * encoder is given set the rate then, as libwebrtc's FrameDropper does
 * for its encoders.
 *
 * The dropper keeps the bits sent beyond the target (a leaky bucket
 * drained at the target plus TC_FRAME_DROPPER_TOLERANCE_PCT, empty at
 * best: undershooting earns no burst). A frame is dropped before the
 * encoder sees it while that excess is over TC_FRAME_DROPPER_THRESHOLD_MS
 * of the target. The excess is kept under TC_FRAME_DROPPER_CAP_MS of the
 * target, also when the target falls, so it drains below the threshold
 * within (CAP - THRESHOLD) / 1.1 = 0.91 s: whatever the encoder makes, a
 * frame goes through at least that often, and an encoder that meets its
 * target again stops losing frames within that time. Keyframes count like
 * any frame: the encoder's own rate control pays for them with the frames
 * after.
 *
 * Times are the frames' capture times in microseconds on any one clock.
 * Pure; the caller serializes calls on one dropper.
 */
#ifndef TEMPCHAT_TC_FRAME_DROPPER_H
#define TEMPCHAT_TC_FRAME_DROPPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Excess over which frames are dropped, in ms of the target: more than
 * a call's first keyframe (1080p through our AV1 settings: 93 kB, 165 ms
 * of the 4.5 Mbit/s start; 720p at 2 Mbit/s: about 60 kB, 240 ms) and
 * the seconds a CBR encoder runs over after a gap in its input (vp8enc
 * gives the frame after a gap the gap's bits: at 300 ms, an encoder
 * slowed for every other second fell from 11-31 to 0-21 frames a
 * second). */
#define TC_FRAME_DROPPER_THRESHOLD_MS 1000
/* How far over the target an encoder may run for good: CBR encoders run
 * a few % over (our AV1 at 1080p: 4.6-4.8 Mbit/s for 4.5), which the
 * congestion controller's margin takes; dropping frames for it would cost
 * smoothness on ordinary pictures. */
#define TC_FRAME_DROPPER_TOLERANCE_PCT 10
/* The most excess kept, in ms of the target: what bounds the gaps. */
#define TC_FRAME_DROPPER_CAP_MS 2000

typedef struct {
  uint32_t target_bps;      /* 0: no target, nothing is dropped */
  double excess_bits;       /* sent beyond the target, >= 0 */
  int64_t drained_us;       /* time the excess was last drained to */
} tc_frame_dropper;

void tc_frame_dropper_init (tc_frame_dropper *d);

/* The bitrate the encoder is told to make (bit/s); 0 stops dropping. A
 * lower target keeps only its own cap's worth of the excess. */
void tc_frame_dropper_set_target (tc_frame_dropper *d, uint32_t bps);

/* Before encoding the frame captured at `us`: true to leave it out (the
 * caller counts those it reports). A caller that must encode it (a keyframe was
 * asked for, the encoder is new) does not ask. */
bool tc_frame_dropper_drop (tc_frame_dropper *d, int64_t us);

/* The encoder made `bytes` of the frame captured at `us`. */
void tc_frame_dropper_encoded (tc_frame_dropper *d, size_t bytes,
    int64_t us);

#ifdef __cplusplus
}
#endif
#endif
