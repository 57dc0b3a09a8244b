/* test_decoder.c - what the source's decoder (obs-plugin/tempchat-decoder.c)
 * makes of a frame: a picture (H264's full range yuvj420p as full range
 * I420), an error (the source asks for a keyframe) or a pixel format it
 * does not show (4:4:4: no keyframe request, a keyframe would not help).
 * The H264 frames come from libavcodec's libx264. */
#include <glib.h>
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <string.h>

#include "tempchat-decoder.h"

#define W 64
#define H 48

/* One H264 keyframe of a grey W x H picture in `fmt`. g_free. */
static uint8_t *encode_h264(enum AVPixelFormat fmt, size_t *len)
{
	const AVCodec *c = avcodec_find_encoder_by_name("libx264");
	AVCodecContext *ctx;
	AVFrame *f = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	uint8_t *out = NULL;

	g_assert_nonnull(c);
	ctx = avcodec_alloc_context3(c);
	ctx->width = W;
	ctx->height = H;
	ctx->pix_fmt = fmt;
	ctx->time_base = (AVRational){1, 30};
	av_opt_set(ctx->priv_data, "tune", "zerolatency", 0);
	g_assert_cmpint(avcodec_open2(ctx, c, NULL), ==, 0);
	f->format = fmt;
	f->width = W;
	f->height = H;
	g_assert_cmpint(av_frame_get_buffer(f, 0), ==, 0);
	for (int p = 0; p < 3; p++)
		memset(f->data[p], 128,
		       (size_t)f->linesize[p] * (p == 0 || fmt != AV_PIX_FMT_YUVJ420P ? H : H / 2));
	f->pts = 0;
	g_assert_cmpint(avcodec_send_frame(ctx, f), ==, 0);
	g_assert_cmpint(avcodec_send_frame(ctx, NULL), ==, 0);
	g_assert_cmpint(avcodec_receive_packet(ctx, pkt), ==, 0);
	out = g_memdup2(pkt->data, (gsize)pkt->size);
	*len = (size_t)pkt->size;
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&ctx);
	return out;
}

/* What the H264 decoder makes of one keyframe encoded from `fmt`. */
static enum tempchat_decode_result decode_h264(enum AVPixelFormat fmt,
						struct obs_source_frame *frame)
{
	struct tempchat_decoder *dec = tempchat_decoder_new(TC_SDP_CODEC_H264);
	size_t len;
	uint8_t *data = encode_h264(fmt, &len);
	enum tempchat_decode_result st;

	g_assert_nonnull(dec);
	st = tempchat_decoder_video(dec, data, len, 1, frame);
	g_free(data);
	tempchat_decoder_free(dec);
	return st;
}

static void test_full_range_h264_is_shown_as_full_range(void)
{
	struct obs_source_frame frame;

	g_assert_cmpint(decode_h264(AV_PIX_FMT_YUVJ420P, &frame), ==,
			TEMPCHAT_DECODE_PICTURE);
	g_assert_cmpuint(frame.width, ==, W);
	g_assert_cmpuint(frame.height, ==, H);
	g_assert_cmpint(frame.format, ==, VIDEO_FORMAT_I420);
	g_assert_true(frame.full_range);
}

static void test_444_h264_is_unsupported_not_an_error(void)
{
	struct obs_source_frame frame;

	g_assert_cmpint(decode_h264(AV_PIX_FMT_YUV444P, &frame), ==,
			TEMPCHAT_DECODE_UNSUPPORTED);
}

static void test_garbage_vp8_is_an_error(void)
{
	struct tempchat_decoder *dec = tempchat_decoder_new(TC_SDP_CODEC_VP8);
	struct obs_source_frame frame;
	uint8_t garbage[64];

	memset(garbage, 0xa5, sizeof(garbage));
	g_assert_nonnull(dec);
	g_assert_cmpint(tempchat_decoder_video(dec, garbage, sizeof(garbage), 1,
					       &frame),
			==, TEMPCHAT_DECODE_ERROR);
	tempchat_decoder_free(dec);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/obs/decoder/full-range-h264",
			test_full_range_h264_is_shown_as_full_range);
	g_test_add_func("/obs/decoder/444-unsupported",
			test_444_h264_is_unsupported_not_an_error);
	g_test_add_func("/obs/decoder/garbage-error",
			test_garbage_vp8_is_an_error);
	return g_test_run();
}
