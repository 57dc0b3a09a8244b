/* tempchat-opus-encoder.h - the program's audio as the web client's Opus:
 * 48 kHz stereo, 128 kbps, 20 ms, in-band FEC. Private to obs-plugin/.
 * Used by one thread at a time (the sender's encode thread). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tempchat_opus_encoder;

/* Called for each packet with its first sample's time and its audio's
 * level in -dBov (RFC 6464, tc_audio_level.h; -1: unknown). */
typedef void (*tempchat_opus_fn)(const uint8_t *data, size_t len,
				 uint64_t timestamp_ns, int level,
				 void *user_data);

struct tempchat_opus_encoder *tempchat_opus_encoder_new(void);
void tempchat_opus_encoder_free(struct tempchat_opus_encoder *enc);

/* Takes `frames` samples of 48 kHz stereo float planar audio whose first
 * sample is at `timestamp_ns` and emits every whole packet. */
bool tempchat_opus_encoder_encode(struct tempchat_opus_encoder *enc,
				  const float *const planes[2], uint32_t frames,
				  uint64_t timestamp_ns, tempchat_opus_fn fn,
				  void *user_data);
