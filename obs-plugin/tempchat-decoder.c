/* tempchat-decoder.c - libavcodec's decoders for the call's codecs behind
 * the two calls the source needs (see the header): AV1 with libdav1d (else
 * libaom, else any AV1 decoder libavcodec has), VP9, H264 and VP8 with
 * libavcodec's own, Opus with libopus. */
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
#include <string.h>
#include <util/bmem.h>

#include "tempchat-decoder.h"

struct tempchat_decoder {
	tc_sdp_codec codec;
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame;
	float *planar; /* libopus gives interleaved samples; OBS takes planes */
	size_t planar_samples;
	bool warned_format; /* logged a pixel format we do not show */
};

static enum AVCodecID codec_id_of(tc_sdp_codec codec)
{
	switch (codec) {
	case TC_SDP_CODEC_AV1:
		return AV_CODEC_ID_AV1;
	case TC_SDP_CODEC_VP9:
		return AV_CODEC_ID_VP9;
	case TC_SDP_CODEC_H264:
		return AV_CODEC_ID_H264;
	case TC_SDP_CODEC_VP8:
		return AV_CODEC_ID_VP8;
	case TC_SDP_CODEC_OPUS:
		return AV_CODEC_ID_OPUS;
	default:
		return AV_CODEC_ID_NONE;
	}
}

static bool open_context(struct tempchat_decoder *dec, const AVCodec *codec)
{
	dec->ctx = avcodec_alloc_context3(codec);
	if (dec->ctx == NULL)
		return false;
	if (dec->codec == TC_SDP_CODEC_OPUS) {
		/* WebRTC's Opus is 48 kHz stereo (RFC 7587), with no
		 * identification header to say so. */
		AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
		dec->ctx->sample_rate = 48000;
		av_channel_layout_copy(&dec->ctx->ch_layout, &stereo);
		dec->ctx->request_sample_fmt = AV_SAMPLE_FMT_FLT;
	} else {
		/* A call is real time: no frame threading delay. */
		dec->ctx->thread_count = 1;
	}
	return avcodec_open2(dec->ctx, codec, NULL) == 0;
}

/* The libavcodec decoder for `codec`, NULL when this libavcodec has none. */
static const AVCodec *find_decoder(tc_sdp_codec codec)
{
	enum AVCodecID id = codec_id_of(codec);
	const AVCodec *c = NULL;

	if (codec == TC_SDP_CODEC_OPUS)
		return avcodec_find_decoder_by_name("libopus");
	/* dav1d is the fast one; libavcodec's own "av1" needs hardware. */
	if (codec == TC_SDP_CODEC_AV1) {
		c = avcodec_find_decoder_by_name("libdav1d");
		if (c == NULL)
			c = avcodec_find_decoder_by_name("libaom-av1");
	}
	if (c == NULL && id != AV_CODEC_ID_NONE)
		c = avcodec_find_decoder(id);
	return c;
}

size_t tempchat_decoder_video_codecs(tc_sdp_codec *out)
{
	tc_sdp_codec order[TC_SDP_MAX_VIDEO_CODECS];
	size_t n_order = 0;
	size_t n = 0;

	/* The core's own order, so the two cannot drift apart. */
	if (tc_sdp_video_codecs_parse(TC_SDP_VIDEO_CODECS_DEFAULT, order,
				      &n_order, NULL, 0, NULL) != TC_OK)
		return 0;
	for (size_t i = 0; i < n_order; i++) {
		if (find_decoder(order[i]) != NULL)
			out[n++] = order[i];
	}
	return n;
}

struct tempchat_decoder *tempchat_decoder_new(tc_sdp_codec codec)
{
	const AVCodec *c = find_decoder(codec);
	struct tempchat_decoder *dec;

	if (c == NULL)
		return NULL;
	dec = bzalloc(sizeof(*dec));
	dec->codec = codec;
	dec->pkt = av_packet_alloc();
	dec->frame = av_frame_alloc();
	if (dec->pkt == NULL || dec->frame == NULL || !open_context(dec, c)) {
		tempchat_decoder_free(dec);
		return NULL;
	}
	return dec;
}

void tempchat_decoder_free(struct tempchat_decoder *dec)
{
	if (dec == NULL)
		return;
	avcodec_free_context(&dec->ctx);
	av_packet_free(&dec->pkt);
	av_frame_free(&dec->frame);
	bfree(dec->planar);
	bfree(dec);
}

tc_sdp_codec tempchat_decoder_codec(const struct tempchat_decoder *dec)
{
	return dec->codec;
}

/* Sends one packet and takes the one frame it yields. */
static enum tempchat_decode_result decode(struct tempchat_decoder *dec,
					  const uint8_t *data, size_t len)
{
	if (len == 0 || len > INT32_MAX)
		return TEMPCHAT_DECODE_ERROR;
	av_frame_unref(dec->frame);
	av_packet_unref(dec->pkt);
	/* The decoder reads the packet only during send_packet. */
	dec->pkt->data = (uint8_t *)data;
	dec->pkt->size = (int)len;
	int ret = avcodec_send_packet(dec->ctx, dec->pkt);
	dec->pkt->data = NULL;
	dec->pkt->size = 0;
	if (ret < 0)
		return TEMPCHAT_DECODE_ERROR;
	ret = avcodec_receive_frame(dec->ctx, dec->frame);
	if (ret == AVERROR(EAGAIN))
		return TEMPCHAT_DECODE_NO_PICTURE;
	return ret == 0 ? TEMPCHAT_DECODE_PICTURE : TEMPCHAT_DECODE_ERROR;
}

enum tempchat_decode_result
tempchat_decoder_video(struct tempchat_decoder *dec, const uint8_t *data,
		       size_t len, uint64_t timestamp_ns,
		       struct obs_source_frame *out)
{
	AVFrame *f = dec->frame;
	enum tempchat_decode_result r;
	bool full_range;

	if (dec->codec == TC_SDP_CODEC_OPUS)
		return TEMPCHAT_DECODE_ERROR;
	r = decode(dec, data, len);
	if (r != TEMPCHAT_DECODE_PICTURE)
		return r;
	if (f->width <= 0 || f->height <= 0)
		return TEMPCHAT_DECODE_ERROR;
	/* yuvj420p is H264's full range 4:2:0 (libavcodec's old name). */
	if (f->format != AV_PIX_FMT_YUV420P &&
	    f->format != AV_PIX_FMT_YUVJ420P) {
		if (!dec->warned_format) {
			const char *name = av_get_pix_fmt_name(f->format);
			blog(LOG_WARNING,
			     "[tempchat] the guest's video is in %s, which "
			     "the source does not show (4:2:0 8-bit only)",
			     name != NULL ? name : "an unknown pixel format");
			dec->warned_format = true;
		}
		return TEMPCHAT_DECODE_UNSUPPORTED;
	}
	full_range = f->format == AV_PIX_FMT_YUVJ420P ||
		     f->color_range == AVCOL_RANGE_JPEG;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 3; i++) {
		out->data[i] = f->data[i];
		out->linesize[i] = (uint32_t)f->linesize[i];
	}
	out->width = (uint32_t)f->width;
	out->height = (uint32_t)f->height;
	out->format = VIDEO_FORMAT_I420;
	out->timestamp = timestamp_ns;
	out->full_range = full_range;
	video_format_get_parameters_for_format(
		VIDEO_CS_601, full_range ? VIDEO_RANGE_FULL : VIDEO_RANGE_PARTIAL,
		VIDEO_FORMAT_I420, out->color_matrix, out->color_range_min,
		out->color_range_max);
	return TEMPCHAT_DECODE_PICTURE;
}

/* Interleaved float to the decoder's planar buffer. */
static void deinterleave(struct tempchat_decoder *dec, const float *in,
			 int channels, int samples,
			 struct obs_source_audio *out)
{
	size_t need = (size_t)channels * (size_t)samples;

	if (need > dec->planar_samples) {
		dec->planar = brealloc(dec->planar, need * sizeof(float));
		dec->planar_samples = need;
	}
	for (int c = 0; c < channels; c++) {
		float *plane = dec->planar + (size_t)c * (size_t)samples;
		for (int i = 0; i < samples; i++)
			plane[i] = in[i * channels + c];
		out->data[c] = (const uint8_t *)plane;
	}
}

bool tempchat_decoder_audio(struct tempchat_decoder *dec, const uint8_t *data,
			    size_t len, uint64_t timestamp_ns,
			    struct obs_source_audio *out)
{
	AVFrame *f = dec->frame;
	int channels;

	if (dec->codec != TC_SDP_CODEC_OPUS ||
	    decode(dec, data, len) != TEMPCHAT_DECODE_PICTURE)
		return false;
	channels = f->ch_layout.nb_channels;
	if (f->format != AV_SAMPLE_FMT_FLT || f->nb_samples <= 0 ||
	    (channels != 1 && channels != 2))
		return false;
	memset(out, 0, sizeof(*out));
	deinterleave(dec, (const float *)f->data[0], channels, f->nb_samples,
		     out);
	out->frames = (uint32_t)f->nb_samples;
	out->speakers = channels == 2 ? SPEAKERS_STEREO : SPEAKERS_MONO;
	out->format = AUDIO_FORMAT_FLOAT_PLANAR;
	out->samples_per_sec = (uint32_t)f->sample_rate;
	out->timestamp = timestamp_ns;
	return true;
}
