/* tempchat-sender.h - encodes OBS's raw program video and audio and hands
 * it to a call: video in the codec the call negotiated (AV1, VP9, H264 or
 * VP8: tempchat-video-encoder.h, real time) with a keyframe on every
 * PLI/FIR and the bitrate following the call's target, and Opus. Private
 * to obs-plugin/.
 *
 * Threads: push_video/push_audio are called on OBS's video and audio
 * output threads and only copy (or drop, never wait); encoding happens on
 * the sender's own thread. on_event is called on the session thread.
 * attach/detach/free from the owner's thread.
 */
#pragma once

#include <obs-module.h>
#include <stdint.h>

#include "tempchat/tc_session.h"

struct tempchat_sender;

/* A sender fed through tempchat_sender_push_* (the output's raw
 * callbacks). `width`x`height` is the size of the I420 frames it gets. */
struct tempchat_sender *tempchat_sender_new(uint32_t width, uint32_t height,
					    tc_sdp_quality quality);

/* A sender that takes OBS's program itself (raw callbacks on the canvas
 * at its output size), for the source's "send the program" setting. */
struct tempchat_sender *tempchat_sender_new_program(tc_sdp_quality quality);

/* Frames go to `s` from now on; detach before `s` is freed. */
void tempchat_sender_attach(struct tempchat_sender *snd, tc_session *s);
void tempchat_sender_detach(struct tempchat_sender *snd);

/* Keyframe requests, target bitrates and the negotiated video codec of
 * the call. Session thread. */
void tempchat_sender_on_event(struct tempchat_sender *snd,
			      const tc_session_event *ev);

void tempchat_sender_push_video(struct tempchat_sender *snd,
				const struct video_data *frame);
/* 48 kHz stereo float planar. */
void tempchat_sender_push_audio(struct tempchat_sender *snd,
				const struct audio_data *frames);

struct tempchat_sender_counters {
	uint64_t frames;            /* video frames encoded */
	uint64_t keyframes;         /* of which keyframes */
	uint64_t keyframe_requests; /* PLI/FIR (and the one after connect) */
	/* Frames encoded after a request (requests between two frames make
	 * one): keyframes, or not (missed, never expected). */
	uint64_t answered_requests;
	uint64_t missed_requests;
	uint64_t dropped;     /* frames dropped because encoding lagged */
	/* Frames left unencoded while the encoder made more than its
	 * target (pictures it cannot compress; one a second still goes). */
	uint64_t dropped_overshoot;
	uint32_t bitrate_bps; /* what the encoder now aims at */
	tc_sdp_codec codec;   /* what it encodes; NONE before the call */
};
void tempchat_sender_get_counters(struct tempchat_sender *snd,
				  struct tempchat_sender_counters *out);

/* Stops the encode thread and frees; NULL-safe. Detach first. */
void tempchat_sender_free(struct tempchat_sender *snd);

/* The conversions to ask OBS for (I420 BT.601 limited at this size, 48 kHz
 * stereo float planar). */
void tempchat_sender_conversions(uint32_t width, uint32_t height,
				 struct video_scale_info *video,
				 struct audio_convert_info *audio);
