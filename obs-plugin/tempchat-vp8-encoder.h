/* tempchat-vp8-encoder.h - VP8 for the call, real time, with a keyframe on
 * demand and a bitrate that changes while it runs. Private to obs-plugin/.
 * Used by one thread at a time (the sender's encode thread). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tempchat_vp8_encoder;

/* Called for each encoded frame; `data` is valid during the call only. */
typedef void (*tempchat_packet_fn)(const uint8_t *data, size_t len,
				   bool keyframe, void *user_data);

/* NULL when libvpx refuses the size. */
struct tempchat_vp8_encoder *tempchat_vp8_encoder_new(uint32_t width,
						      uint32_t height,
						      uint32_t fps,
						      uint32_t bitrate_bps);
void tempchat_vp8_encoder_free(struct tempchat_vp8_encoder *enc);

/* Takes effect from the next frame, without a keyframe. */
bool tempchat_vp8_encoder_set_bitrate(struct tempchat_vp8_encoder *enc,
				      uint32_t bitrate_bps);

/* Encodes one I420 picture of the encoder's size; `keyframe` forces one. */
bool tempchat_vp8_encoder_encode(struct tempchat_vp8_encoder *enc,
				 uint8_t *const planes[3],
				 const uint32_t linesize[3], bool keyframe,
				 tempchat_packet_fn fn, void *user_data);
