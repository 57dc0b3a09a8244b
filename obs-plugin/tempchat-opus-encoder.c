/* tempchat-opus-encoder.c - libopus through libavcodec. OBS hands audio in
 * blocks of 1024 samples; Opus takes 10 ms (480), so samples wait in a FIFO
 * and every packet's time is counted from the block it started in. 10 ms,
 * where browsers send 20, as tempchatsink does: a packet leaves 10 ms
 * sooner after its first sample, and the peer plays audio, and for lip
 * sync video, that much sooner. */
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <util/bmem.h>

#include "tempchat-opus-encoder.h"
#include "tempchat/tc_audio_level.h"

#define RATE 48000
#define FRAME_SAMPLES 480  /* 10 ms */
#define BITRATE 128000     /* the web client's */
#define PACKET_LOSS_PCT 10 /* makes in-band FEC actually used */
/* A jump of more than this between blocks starts the timeline anew. */
#define MAX_DRIFT_NS 40000000ULL

struct tempchat_opus_encoder {
	AVCodecContext *ctx;
	AVAudioFifo *fifo;
	AVFrame *frame;
	AVPacket *pkt;
	uint64_t epoch_ns;   /* time of sample 0 */
	int64_t next_sample; /* sample number of the FIFO's first sample */
	/* next_sample + the FIFO's size is the next sample to arrive. */
	bool started;
	/* The level of what went in, found again by each packet's time (its
	 * pts has the encoder's lookahead taken off). */
	tc_audio_meter *meter;
};

static bool open_codec(struct tempchat_opus_encoder *enc)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libopus");
	AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;

	if (codec == NULL || (enc->ctx = avcodec_alloc_context3(codec)) == NULL)
		return false;
	enc->ctx->sample_rate = RATE;
	enc->ctx->sample_fmt = AV_SAMPLE_FMT_FLT;
	enc->ctx->bit_rate = BITRATE;
	enc->ctx->time_base = (AVRational){1, RATE};
	av_channel_layout_copy(&enc->ctx->ch_layout, &stereo);
	av_opt_set(enc->ctx->priv_data, "application", "audio", 0);
	av_opt_set_double(enc->ctx->priv_data, "frame_duration",
			  FRAME_SAMPLES * 1000.0 / RATE, 0);
	av_opt_set_int(enc->ctx->priv_data, "fec", 1, 0);
	av_opt_set_int(enc->ctx->priv_data, "packet_loss", PACKET_LOSS_PCT, 0);
	return avcodec_open2(enc->ctx, codec, NULL) == 0;
}

struct tempchat_opus_encoder *tempchat_opus_encoder_new(void)
{
	struct tempchat_opus_encoder *enc = bzalloc(sizeof(*enc));

	enc->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, FRAME_SAMPLES);
	enc->frame = av_frame_alloc();
	enc->pkt = av_packet_alloc();
	enc->meter = tc_audio_meter_new(RATE, 2);
	if (enc->fifo == NULL || enc->frame == NULL || enc->pkt == NULL ||
	    enc->meter == NULL || !open_codec(enc)) {
		tempchat_opus_encoder_free(enc);
		return NULL;
	}
	return enc;
}

void tempchat_opus_encoder_free(struct tempchat_opus_encoder *enc)
{
	if (enc == NULL)
		return;
	avcodec_free_context(&enc->ctx);
	if (enc->fifo != NULL)
		av_audio_fifo_free(enc->fifo);
	av_frame_free(&enc->frame);
	av_packet_free(&enc->pkt);
	tc_audio_meter_free(enc->meter);
	bfree(enc);
}

static uint64_t time_of(const struct tempchat_opus_encoder *enc, int64_t sample)
{
	/* Encoder delay makes the first packets' numbers negative. */
	int64_t t = (int64_t)enc->epoch_ns + sample * 1000000000LL / RATE;
	return t > 0 ? (uint64_t)t : 0;
}

/* Keeps the FIFO's timeline when blocks arrive back to back; starts anew
 * after a gap (the output paused, a device reset). */
static void follow_timeline(struct tempchat_opus_encoder *enc,
			    uint64_t timestamp_ns)
{
	int64_t queued = av_audio_fifo_size(enc->fifo);
	uint64_t expected = time_of(enc, enc->next_sample + queued);
	uint64_t drift = expected > timestamp_ns ? expected - timestamp_ns
						 : timestamp_ns - expected;

	if (enc->started && drift <= MAX_DRIFT_NS)
		return;
	/* Sample numbers keep counting up (the encoder wants them to); the
	 * epoch moves so that the next one lands at `timestamp_ns`. */
	enc->next_sample += queued;
	av_audio_fifo_reset(enc->fifo);
	enc->epoch_ns = timestamp_ns -
			(uint64_t)(enc->next_sample * 1000000000LL / RATE);
	enc->started = true;
}

static bool encode_one(struct tempchat_opus_encoder *enc, tempchat_opus_fn fn,
		       void *user_data)
{
	float planar[2][FRAME_SAMPLES];
	void *planes[2] = {planar[0], planar[1]};
	float *out;

	av_frame_unref(enc->frame);
	enc->frame->nb_samples = FRAME_SAMPLES;
	enc->frame->format = AV_SAMPLE_FMT_FLT;
	enc->frame->sample_rate = RATE;
	av_channel_layout_copy(&enc->frame->ch_layout, &enc->ctx->ch_layout);
	if (av_frame_get_buffer(enc->frame, 0) < 0 ||
	    av_audio_fifo_read(enc->fifo, planes, FRAME_SAMPLES) !=
		    FRAME_SAMPLES)
		return false;
	out = (float *)enc->frame->data[0];
	for (int i = 0; i < FRAME_SAMPLES; i++) {
		out[2 * i] = planar[0][i];
		out[2 * i + 1] = planar[1][i];
	}
	tc_audio_meter_add_f32(enc->meter,
			       (int64_t)(time_of(enc, enc->next_sample) / 1000),
			       out, FRAME_SAMPLES);
	enc->frame->pts = enc->next_sample;
	enc->next_sample += FRAME_SAMPLES;
	if (avcodec_send_frame(enc->ctx, enc->frame) < 0)
		return false;
	while (avcodec_receive_packet(enc->ctx, enc->pkt) == 0) {
		uint64_t t = time_of(enc, enc->pkt->pts);
		int64_t start_us = (int64_t)(t / 1000);
		int level = tc_audio_meter_level(
			enc->meter, start_us,
			start_us + FRAME_SAMPLES * 1000000LL / RATE);
		fn(enc->pkt->data, (size_t)enc->pkt->size, t, level, user_data);
		av_packet_unref(enc->pkt);
	}
	return true;
}

bool tempchat_opus_encoder_encode(struct tempchat_opus_encoder *enc,
				  const float *const planes[2], uint32_t frames,
				  uint64_t timestamp_ns, tempchat_opus_fn fn,
				  void *user_data)
{
	follow_timeline(enc, timestamp_ns);
	if (av_audio_fifo_write(enc->fifo, (void **)planes, (int)frames) <
	    (int)frames)
		return false;
	while (av_audio_fifo_size(enc->fifo) >= FRAME_SAMPLES)
		if (!encode_one(enc, fn, user_data))
			return false;
	return true;
}
