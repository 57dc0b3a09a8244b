/* tempchat-sender.c - OBS program -> AV1/VP9/H264/VP8 and Opus -> a call
 * (see the header).
 *
 * OBS's video and audio threads must never wait on us: they copy a frame
 * into the queue, or drop it when the encoder is behind (video beyond
 * MAX_QUEUED_VIDEO frames); the encode thread does the rest. The video
 * encoder is made when the call says which codec it sends (NEGOTIATED),
 * and made again when a renegotiation changes it; until then video
 * frames are dropped unencoded (the core would drop them anyway).
 *
 * Which frames reach the encoder follows the call, as in tempchatsink
 * (tc_connect_gate.h): none while no call connects or is connected (not
 * even copied), one keyframe per connecting phase, which the core keeps
 * and sends the moment DTLS ends, then those captured from the connection
 * on.
 */
#include <glib.h>
#include <string.h>
#include <util/platform.h>
#include <util/threading.h>

#include "tempchat/tc_connect_gate.h"
#include "tempchat/tc_frame_dropper.h"
#include "tempchat-opus-encoder.h"
#include "tempchat-sender.h"
#include "tempchat-video-encoder.h"

#define MAX_QUEUED_VIDEO 2
#define MAX_QUEUED_AUDIO 50 /* about a second of OBS's 1024-sample blocks */

enum item_type { ITEM_VIDEO, ITEM_AUDIO, ITEM_QUIT };

struct item {
	enum item_type type;
	uint64_t timestamp_ns;
	uint32_t frames;    /* audio */
	uint8_t *planes[3]; /* into data */
	uint32_t linesize[3];
	uint8_t data[];
};

struct tempchat_sender {
	uint32_t width, height, fps;
	bool program; /* took OBS's program itself */

	pthread_mutex_t session_lock;
	tc_session *session;

	GAsyncQueue *queue;
	volatile long queued_video;
	volatile long queued_audio;
	pthread_t thread;
	bool thread_started;

	volatile long keyframe_pending;
	volatile long target_bitrate;
	volatile long codec_pending; /* tc_sdp_codec; NONE: no change */
	/* Which frames reach the encoder; times in µs of os_gettime_ns,
	 * OBS's clock for its frames. */
	tc_connect_gate gate;

	pthread_mutex_t counters_lock;
	struct tempchat_sender_counters counters;

	/* Encode thread only. */
	struct tempchat_video_encoder *video;
	tc_sdp_codec codec; /* of `video`, or the one that failed */
	struct tempchat_opus_encoder *opus;
	uint32_t applied_bitrate;
	bool forced;
	bool fresh; /* `video` has encoded nothing yet */
	uint64_t frame_ts_ns;
	/* Frames left out while the encoder makes more than its target
	 * (tc_frame_dropper.h). */
	tc_frame_dropper dropper;
};

/* ---------------------------------------------------- encode thread */

static void push_video(struct tempchat_sender *snd, const uint8_t *data,
		       size_t len, uint64_t ts_ns, bool keyframe,
		       const tc_temporal_layer *layer)
{
	pthread_mutex_lock(&snd->session_lock);
	/* Frames before the call connects are dropped by the core; a NULL
	 * layer is one layer. */
	if (snd->session != NULL)
		tc_session_push_video_frame(snd->session, data, len,
					    (int64_t)(ts_ns / 1000), keyframe,
					    layer);
	pthread_mutex_unlock(&snd->session_lock);
}

static void on_video_packet(const uint8_t *data, size_t len, bool keyframe,
			    const tc_temporal_layer *layer, void *user_data)
{
	struct tempchat_sender *snd = user_data;

	tc_frame_dropper_encoded(&snd->dropper, len,
				 (int64_t)(snd->frame_ts_ns / 1000));
	pthread_mutex_lock(&snd->counters_lock);
	snd->counters.frames++;
	if (keyframe)
		snd->counters.keyframes++;
	if (snd->forced && keyframe)
		snd->counters.answered_requests++;
	else if (snd->forced)
		snd->counters.missed_requests++;
	pthread_mutex_unlock(&snd->counters_lock);
	push_video(snd, data, len, snd->frame_ts_ns, keyframe, layer);
}

static void on_audio_packet(const uint8_t *data, size_t len, uint64_t ts_ns,
			    int level, void *user_data)
{
	struct tempchat_sender *snd = user_data;

	pthread_mutex_lock(&snd->session_lock);
	/* Frames before the call connects are dropped by the core. */
	if (snd->session != NULL)
		tc_session_push_audio_frame(snd->session, data, len,
					    (int64_t)(ts_ns / 1000), level);
	pthread_mutex_unlock(&snd->session_lock);
}

static void apply_bitrate(struct tempchat_sender *snd)
{
	uint32_t bps = (uint32_t)os_atomic_load_long(&snd->target_bitrate);

	if (bps == 0 || bps == snd->applied_bitrate)
		return;
	if (tempchat_video_encoder_set_bitrate(snd->video, bps))
		snd->applied_bitrate = bps;
	pthread_mutex_lock(&snd->counters_lock);
	snd->counters.bitrate_bps = snd->applied_bitrate;
	pthread_mutex_unlock(&snd->counters_lock);
}

/* The call now sends `codec`: an encoder for it, at the bitrate the call
 * wants now. Its first frame is a keyframe, which the receiver needs for
 * a new codec (and gets whether it asked or not). */
static void switch_codec(struct tempchat_sender *snd, tc_sdp_codec codec)
{
	uint32_t bps = (uint32_t)os_atomic_load_long(&snd->target_bitrate);
	const char *library = tempchat_video_encoder_library(codec);

	if (bps == 0)
		bps = snd->applied_bitrate;
	tempchat_video_encoder_free(snd->video);
	snd->video = tempchat_video_encoder_new(codec, snd->width, snd->height,
						snd->fps, bps);
	snd->codec = codec;
	snd->fresh = true;
	if (snd->video != NULL)
		snd->applied_bitrate = bps;
	blog(snd->video != NULL ? LOG_INFO : LOG_WARNING,
	     "[tempchat] sending %s video%s (%s)", tc_sdp_codec_name(codec),
	     snd->video != NULL ? "" : " failed: no encoder",
	     library != NULL ? library : "none");
	pthread_mutex_lock(&snd->counters_lock);
	snd->counters.codec = snd->video != NULL ? codec : TC_SDP_CODEC_NONE;
	snd->counters.bitrate_bps = snd->applied_bitrate;
	pthread_mutex_unlock(&snd->counters_lock);
}

/* Whether the frame captured at `ts_ns` is left out because the encoder
 * made more than its target lately. */
static bool over_target(struct tempchat_sender *snd, uint64_t ts_ns)
{
	tc_frame_dropper_set_target(&snd->dropper, snd->applied_bitrate);
	if (!tc_frame_dropper_drop(&snd->dropper, (int64_t)(ts_ns / 1000)))
		return false;
	pthread_mutex_lock(&snd->counters_lock);
	snd->counters.dropped_overshoot++;
	pthread_mutex_unlock(&snd->counters_lock);
	return true;
}

static void encode_video(struct tempchat_sender *snd, struct item *it)
{
	tc_sdp_codec codec = (tc_sdp_codec)os_atomic_set_long(
		&snd->codec_pending, TC_SDP_CODEC_NONE);
	tc_gate_verdict gate;
	bool connecting, asked;

	os_atomic_dec_long(&snd->queued_video);
	if (codec != TC_SDP_CODEC_NONE && codec != snd->codec)
		switch_codec(snd, codec);
	if (snd->video == NULL)
		return; /* no call yet, or no encoder for its codec */
	gate = tc_connect_gate_admit(&snd->gate,
				     (int64_t)(it->timestamp_ns / 1000));
	if (gate == TC_GATE_DROP)
		return;
	connecting = gate == TC_GATE_CONNECTING;
	apply_bitrate(snd);
	asked = os_atomic_load_long(&snd->keyframe_pending) != 0;
	/* Never a frame a keyframe was asked for, a new encoder's first or
	 * the connecting phase's. */
	if (!snd->fresh && !asked && !connecting &&
	    over_target(snd, it->timestamp_ns))
		return;
	snd->fresh = false;
	snd->forced = os_atomic_set_long(&snd->keyframe_pending, 0) != 0;
	tc_connect_gate_entered(&snd->gate, connecting);
	snd->frame_ts_ns = it->timestamp_ns;
	tempchat_video_encoder_encode(snd->video, it->planes, it->linesize,
				      snd->forced || connecting,
				      on_video_packet, snd);
}

static void encode_audio(struct tempchat_sender *snd, struct item *it)
{
	const float *planes[2] = {(const float *)it->planes[0],
				  (const float *)it->planes[1]};

	os_atomic_dec_long(&snd->queued_audio);
	if (snd->opus != NULL)
		tempchat_opus_encoder_encode(snd->opus, planes, it->frames,
					     it->timestamp_ns, on_audio_packet,
					     snd);
}

static void *encode_thread(void *data)
{
	struct tempchat_sender *snd = data;
	bool quit = false;

	os_set_thread_name("tempchat-encode");
	while (!quit) {
		struct item *it = g_async_queue_pop(snd->queue);
		if (it->type == ITEM_VIDEO)
			encode_video(snd, it);
		else if (it->type == ITEM_AUDIO)
			encode_audio(snd, it);
		quit = it->type == ITEM_QUIT;
		bfree(it);
	}
	return NULL;
}

/* ------------------------------------------------ OBS threads: copy */

void tempchat_sender_push_video(struct tempchat_sender *snd,
				const struct video_data *frame)
{
	uint32_t heights[3] = {snd->height, (snd->height + 1) / 2,
			       (snd->height + 1) / 2};
	size_t size = 0, off = 0;
	struct item *it;

	/* Nobody would receive it: not even copied. */
	if (!tc_connect_gate_open(&snd->gate))
		return;
	if (os_atomic_load_long(&snd->queued_video) >= MAX_QUEUED_VIDEO) {
		pthread_mutex_lock(&snd->counters_lock);
		snd->counters.dropped++;
		pthread_mutex_unlock(&snd->counters_lock);
		return;
	}
	for (int i = 0; i < 3; i++)
		size += (size_t)frame->linesize[i] * heights[i];
	it = bmalloc(sizeof(*it) + size);
	it->type = ITEM_VIDEO;
	it->timestamp_ns = frame->timestamp;
	for (int i = 0; i < 3; i++) {
		size_t plane = (size_t)frame->linesize[i] * heights[i];
		it->planes[i] = it->data + off;
		it->linesize[i] = frame->linesize[i];
		memcpy(it->planes[i], frame->data[i], plane);
		off += plane;
	}
	os_atomic_inc_long(&snd->queued_video);
	g_async_queue_push(snd->queue, it);
}

void tempchat_sender_push_audio(struct tempchat_sender *snd,
				const struct audio_data *frames)
{
	size_t plane = (size_t)frames->frames * sizeof(float);
	struct item *it;

	if (os_atomic_load_long(&snd->queued_audio) >= MAX_QUEUED_AUDIO)
		return;
	it = bmalloc(sizeof(*it) + 2 * plane);
	it->type = ITEM_AUDIO;
	it->timestamp_ns = frames->timestamp;
	it->frames = frames->frames;
	for (int i = 0; i < 2; i++) {
		it->planes[i] = it->data + i * plane;
		memcpy(it->planes[i], frames->data[i], plane);
	}
	os_atomic_inc_long(&snd->queued_audio);
	g_async_queue_push(snd->queue, it);
}

/* ------------------------------------------------------- lifecycle */

static uint32_t start_bitrate(tc_sdp_quality quality)
{
	uint32_t max_kbps = 3000, start_kbps = 2000;

	tc_sdp_quality_bitrates(quality, &max_kbps, &start_kbps);
	return start_kbps * 1000;
}

struct tempchat_sender *tempchat_sender_new(uint32_t width, uint32_t height,
					    tc_sdp_quality quality)
{
	struct tempchat_sender *snd = bzalloc(sizeof(*snd));
	struct obs_video_info ovi;

	snd->width = width;
	snd->height = height;
	snd->fps = 30;
	if (obs_get_video_info(&ovi) && ovi.fps_den > 0)
		snd->fps = ovi.fps_num / ovi.fps_den;
	snd->applied_bitrate = start_bitrate(quality);
	tc_frame_dropper_init(&snd->dropper);
	tc_connect_gate_init(&snd->gate);
	snd->counters.bitrate_bps = snd->applied_bitrate;
	pthread_mutex_init(&snd->session_lock, NULL);
	pthread_mutex_init(&snd->counters_lock, NULL);
	snd->queue = g_async_queue_new();
	snd->opus = tempchat_opus_encoder_new();
	if (snd->opus == NULL)
		blog(LOG_WARNING, "[tempchat] Opus encoder unavailable");
	snd->thread_started =
		pthread_create(&snd->thread, NULL, encode_thread, snd) == 0;
	if (!snd->thread_started) {
		tempchat_sender_free(snd);
		return NULL;
	}
	return snd;
}

static void program_video(void *param, struct video_data *frame)
{
	tempchat_sender_push_video(param, frame);
}

static void program_audio(void *param, size_t mix_idx,
			  struct audio_data *frames)
{
	UNUSED_PARAMETER(mix_idx);
	tempchat_sender_push_audio(param, frames);
}

/* The conversions the encoders want: I420 with BT.601 limited range (what
 * decoders assume for VP8; the others say so in their headers), 48 kHz
 * stereo float. */
void tempchat_sender_conversions(uint32_t width, uint32_t height,
				 struct video_scale_info *video,
				 struct audio_convert_info *audio)
{
	*video = (struct video_scale_info){
		.format = VIDEO_FORMAT_I420,
		.width = width,
		.height = height,
		.range = VIDEO_RANGE_PARTIAL,
		.colorspace = VIDEO_CS_601,
	};
	*audio = (struct audio_convert_info){
		.samples_per_sec = 48000,
		.format = AUDIO_FORMAT_FLOAT_PLANAR,
		.speakers = SPEAKERS_STEREO,
	};
}

struct tempchat_sender *tempchat_sender_new_program(tc_sdp_quality quality)
{
	struct obs_video_info ovi;
	struct video_scale_info vconv;
	struct audio_convert_info aconv;
	struct tempchat_sender *snd;

	if (!obs_get_video_info(&ovi))
		return NULL;
	snd = tempchat_sender_new(ovi.output_width, ovi.output_height, quality);
	if (snd == NULL)
		return NULL;
	tempchat_sender_conversions(ovi.output_width, ovi.output_height, &vconv,
				    &aconv);
	snd->program = true;
	obs_add_raw_video_callback(&vconv, program_video, snd);
	obs_add_raw_audio_callback(0, &aconv, program_audio, snd);
	return snd;
}

void tempchat_sender_attach(struct tempchat_sender *snd, tc_session *s)
{
	pthread_mutex_lock(&snd->session_lock);
	snd->session = s;
	pthread_mutex_unlock(&snd->session_lock);
}

void tempchat_sender_detach(struct tempchat_sender *snd)
{
	tempchat_sender_attach(snd, NULL);
}

void tempchat_sender_on_event(struct tempchat_sender *snd,
			      const tc_session_event *ev)
{
	if (ev->type == TC_SESSION_EV_KEYFRAME_REQUEST) {
		/* The one a connect makes while the connecting phase's
		 * keyframe is still in the encoder is answered by it. */
		if (tc_connect_gate_key_coming(&snd->gate))
			return;
		os_atomic_set_long(&snd->keyframe_pending, 1);
		pthread_mutex_lock(&snd->counters_lock);
		snd->counters.keyframe_requests++;
		pthread_mutex_unlock(&snd->counters_lock);
	} else if (ev->type == TC_SESSION_EV_STATE) {
		/* A new encoder's first frame is a keyframe; one that has
		 * encoded before is asked when the frame comes. */
		tc_connect_gate_follow(&snd->gate, ev->state,
				       (int64_t)(os_gettime_ns() / 1000));
	} else if (ev->type == TC_SESSION_EV_TARGET_BITRATE) {
		os_atomic_set_long(&snd->target_bitrate, (long)ev->bitrate_bps);
	} else if (ev->type == TC_SESSION_EV_NEGOTIATED &&
		   ev->kind == TC_MEDIA_VIDEO &&
		   (ev->direction == TC_SDP_DIR_SENDRECV ||
		    ev->direction == TC_SDP_DIR_SENDONLY)) {
		os_atomic_set_long(&snd->codec_pending, (long)ev->codec);
	}
}

void tempchat_sender_get_counters(struct tempchat_sender *snd,
				  struct tempchat_sender_counters *out)
{
	pthread_mutex_lock(&snd->counters_lock);
	*out = snd->counters;
	pthread_mutex_unlock(&snd->counters_lock);
}

void tempchat_sender_free(struct tempchat_sender *snd)
{
	struct item *it;

	if (snd == NULL)
		return;
	if (snd->program) {
		obs_remove_raw_video_callback(program_video, snd);
		obs_remove_raw_audio_callback(0, program_audio, snd);
	}
	if (snd->thread_started) {
		it = bzalloc(sizeof(*it));
		it->type = ITEM_QUIT;
		g_async_queue_push(snd->queue, it);
		pthread_join(snd->thread, NULL);
	}
	while ((it = g_async_queue_try_pop(snd->queue)) != NULL)
		bfree(it);
	g_async_queue_unref(snd->queue);
	tempchat_video_encoder_free(snd->video);
	tempchat_opus_encoder_free(snd->opus);
	pthread_mutex_destroy(&snd->session_lock);
	pthread_mutex_destroy(&snd->counters_lock);
	tc_connect_gate_clear(&snd->gate);
	bfree(snd);
}
