/* tempchat-decoder.h - decodes the guest's VP8 and Opus with libavcodec
 * into what OBS's async sources take. Private to obs-plugin/.
 *
 * A decoder is used by one thread at a time (the source's decode thread).
 */
#pragma once

#include <obs-module.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_sdp.h"

struct tempchat_decoder;

/* A decoder for `codec` (VP8 or Opus; NULL for codecs we cannot decode). */
struct tempchat_decoder *tempchat_decoder_new(tc_sdp_codec codec);
/* The video codecs this libavcodec decodes, in TempChat's priority order
 * (TC_SDP_VIDEO_CODECS_DEFAULT), into `out` (room for
 * TC_SDP_MAX_VIDEO_CODECS); returns how many, 0 when it decodes none. */
size_t tempchat_decoder_video_codecs(tc_sdp_codec *out);
void tempchat_decoder_free(struct tempchat_decoder *dec); /* NULL-safe */

tc_sdp_codec tempchat_decoder_codec(const struct tempchat_decoder *dec);

/* What tempchat_decoder_video made of a frame. */
enum tempchat_decode_result {
	TEMPCHAT_DECODE_PICTURE,     /* `out` holds a picture */
	TEMPCHAT_DECODE_NO_PICTURE,  /* accepted, no picture yet */
	TEMPCHAT_DECODE_ERROR,       /* corrupt or undecodable: wait for a
				      * keyframe */
	TEMPCHAT_DECODE_UNSUPPORTED, /* decoded, but in a pixel format we do
				      * not hand to OBS (10-bit, 4:4:4...):
				      * a keyframe would not help */
};

/* Decodes one video frame. On TEMPCHAT_DECODE_PICTURE, `out` describes the
 * picture (I420, BT.601, limited range unless the stream says full range,
 * as H264's yuvj420p does) with `timestamp_ns`; its planes belong to the
 * decoder and stay valid until the next call. */
enum tempchat_decode_result
tempchat_decoder_video(struct tempchat_decoder *dec, const uint8_t *data,
		       size_t len, uint64_t timestamp_ns,
		       struct obs_source_frame *out);

/* Decodes one Opus packet into 48 kHz float planar audio, the same way. */
bool tempchat_decoder_audio(struct tempchat_decoder *dec, const uint8_t *data,
			    size_t len, uint64_t timestamp_ns,
			    struct obs_source_audio *out);
