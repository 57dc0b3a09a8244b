/* tempchat-video-encoder.h - the call's video encoders behind one interface:
 * AV1 (libaom), VP9 and VP8 (libvpx), H264 (libx264), each real time with
 * no look-ahead, a keyframe on demand and a bitrate that changes while it
 * runs without a keyframe. Private to obs-plugin/.
 *
 * An encoder is used by one thread at a time (the sender's encode thread).
 * What each codec hands to the packet function is what the core's
 * payloader of that codec takes (tc_session_push_frame): a VP8 or VP9
 * frame, an AV1 temporal unit as a low-overhead OBU stream (the sequence
 * header in every keyframe), an H264 access unit as an Annex B byte stream
 * (SPS and PPS before every IDR).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_layers.h"
#include "tempchat/tc_sdp.h"

struct tempchat_video_encoder;

/* Called for each encoded frame; `data` is valid during the call only.
 * `layer` is the frame's temporal layer (tc_layers.h) when the encoder
 * makes layers (VP8, VP9 and AV1: L1T3), NULL otherwise (H264). */
typedef void (*tempchat_packet_fn)(const uint8_t *data, size_t len,
				   bool keyframe,
				   const tc_temporal_layer *layer,
				   void *user_data);

/* The video codecs this build can encode, in TempChat's priority order
 * (TC_SDP_VIDEO_CODECS_DEFAULT), into `out` (room for
 * TC_SDP_MAX_VIDEO_CODECS); returns how many. */
size_t tempchat_video_encoder_codecs(tc_sdp_codec *out);

/* The library that encodes `codec` ("libaom"...), NULL when none does. */
const char *tempchat_video_encoder_library(tc_sdp_codec codec);

/* An encoder of I420 pictures of `width`x`height`; NULL when `codec` has
 * no encoder here or the library refuses the size. Its first frame is a
 * keyframe. */
struct tempchat_video_encoder *
tempchat_video_encoder_new(tc_sdp_codec codec, uint32_t width, uint32_t height,
			   uint32_t fps, uint32_t bitrate_bps);
void tempchat_video_encoder_free(struct tempchat_video_encoder *enc);

tc_sdp_codec
tempchat_video_encoder_codec(const struct tempchat_video_encoder *enc);

/* Takes effect from the next frame, without a keyframe. */
bool tempchat_video_encoder_set_bitrate(struct tempchat_video_encoder *enc,
					uint32_t bitrate_bps);

/* Encodes one I420 picture of the encoder's size; `keyframe` forces one.
 * Every picture comes out at once (no look-ahead), through `fn`. */
bool tempchat_video_encoder_encode(struct tempchat_video_encoder *enc,
				   uint8_t *const planes[3],
				   const uint32_t linesize[3], bool keyframe,
				   tempchat_packet_fn fn, void *user_data);

/* ------------------------------------------- for the implementations */

/* One library's encoder (tempchat-vpx-encoder.c, tempchat-aom-encoder.c,
 * tempchat-x264-encoder.c). `impl` is the library's own state. */
struct tempchat_video_encoder_ops {
	const char *library;
	/* False when the library linked here cannot encode `codec`. */
	bool (*available)(tc_sdp_codec codec);
	void *(*create)(tc_sdp_codec codec, uint32_t width, uint32_t height,
			uint32_t fps, uint32_t bitrate_bps);
	bool (*set_bitrate)(void *impl, uint32_t bitrate_bps);
	bool (*encode)(void *impl, uint8_t *const planes[3],
		       const uint32_t linesize[3], bool keyframe,
		       tempchat_packet_fn fn, void *user_data);
	void (*destroy)(void *impl);
};

extern const struct tempchat_video_encoder_ops tempchat_vpx_encoder_ops;
extern const struct tempchat_video_encoder_ops tempchat_aom_encoder_ops;
extern const struct tempchat_video_encoder_ops tempchat_x264_encoder_ops;

/* Threads for a real-time encoder of this size on this machine, as the
 * VP8 encoder reasons it (tempchat-video-encoder.c). */
unsigned int tempchat_video_encoder_threads(uint32_t width, uint32_t height);
