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
 * (AV1 > VP9 > H264 > VP8), into `out` (room for TC_SDP_MAX_VIDEO_CODECS);
 * returns how many. */
size_t tempchat_decoder_video_codecs(tc_sdp_codec *out);
void tempchat_decoder_free(struct tempchat_decoder *dec); /* NULL-safe */

tc_sdp_codec tempchat_decoder_codec(const struct tempchat_decoder *dec);

/* Decodes one VP8 frame. On true, `out` describes the picture (I420,
 * BT.601 limited range, as VP8 is) with `timestamp_ns`; its planes belong
 * to the decoder and stay valid until the next call. False when no picture
 * came out (a corrupt or undecodable frame: wait for a keyframe). */
bool tempchat_decoder_video(struct tempchat_decoder *dec, const uint8_t *data,
			    size_t len, uint64_t timestamp_ns,
			    struct obs_source_frame *out);

/* Decodes one Opus packet into 48 kHz float planar audio, the same way. */
bool tempchat_decoder_audio(struct tempchat_decoder *dec, const uint8_t *data,
			    size_t len, uint64_t timestamp_ns,
			    struct obs_source_audio *out);
