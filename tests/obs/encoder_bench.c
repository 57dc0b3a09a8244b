/* encoder_bench.c - CPU time per frame of each of the output's video
 * encoders (obs-plugin/tempchat-video-encoder.h, as the output runs them:
 * AV1, VP9, H264, VP8, those this build has) against libx264 veryfast,
 * OBS's default recording encoder, at the same bitrate on the same
 * 1280x720 pictures, in one process (bench/obs_output_cpu.sh):
 *
 *   tc_obs_encoder_bench [FRAMES] [WxH] [KBPS]   (300, 1280x720, 2000)
 *
 * The pictures: SMPTE-like bars scrolling sideways with a ball bouncing
 * over them and some noise, 30 different ones played in a loop. Each
 * encoder gets every frame as fast as it takes them (no real-time wait),
 * so the figure is CPU time per frame whatever else runs on the machine.
 */
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tempchat-video-encoder.h"

#define FPS 30

static int width = 1280, height = 720;
static int bitrate_bps = 2000000; /* a 720p call's start */
#define PICTURES 30

static uint8_t *pictures[PICTURES];

static void make_pictures(void)
{
	uint32_t seed = 1;

	for (int p = 0; p < PICTURES; p++) {
		uint8_t *y = malloc(width * height * 3 / 2), *u = y + width * height,
			*v = u + width * height / 4;
		int bx = 100 + p * 30, by = 200 + (p % 10) * 20;
		for (int r = 0; r < height; r++)
			for (int c = 0; c < width; c++) {
				int bar = ((c + p * 8) / 160) % 8;
				seed = seed * 1103515245u + 12345u;
				int d2 = (c - bx) * (c - bx) + (r - by) * (r - by);
				y[r * width + c] = (uint8_t)(d2 < 60 * 60 ? 235
							: 40 + bar * 25 +
								  (seed >> 30));
			}
		for (int r = 0; r < height / 2; r++)
			for (int c = 0; c < width / 2; c++) {
				int bar = ((c * 2 + p * 8) / 160) % 8;
				u[r * width / 2 + c] = (uint8_t)(64 + bar * 16);
				v[r * width / 2 + c] = (uint8_t)(192 - bar * 16);
			}
		pictures[p] = y;
	}
}

static double seconds(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	return seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void on_packet(const uint8_t *data, size_t len, bool key,
		      const tc_temporal_layer *layer, void *bytes)
{
	(void)data, (void)key;
	*(size_t *)bytes += len;
}

/* CPU seconds; `wall` gets the elapsed seconds (whether it keeps up with
 * real time on this machine now). */
static double run_ours(tc_sdp_codec codec, int frames, size_t *bytes,
		       double *wall)
{
	struct tempchat_video_encoder *enc =
		tempchat_video_encoder_new(codec, width, height, FPS, bitrate_bps);
	uint32_t linesize[3] = {width, width / 2, width / 2};
	double t0 = cpu_seconds();

	*wall = seconds(CLOCK_MONOTONIC);
	if (enc == NULL) {
		fprintf(stderr, "%s did not open\n", tc_sdp_codec_name(codec));
		exit(1);
	}
	for (int i = 0; i < frames; i++) {
		uint8_t *y = pictures[i % PICTURES];
		uint8_t *const planes[3] = {y, y + width * height, y + width * height * 5 / 4};
		tempchat_video_encoder_encode(enc, planes, linesize, false,
					      on_packet, bytes);
	}
	t0 = cpu_seconds() - t0;
	*wall = seconds(CLOCK_MONOTONIC) - *wall;
	tempchat_video_encoder_free(enc);
	return t0;
}

static double run_x264(int frames, size_t *bytes)
{
	const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
	AVCodecContext *ctx = avcodec_alloc_context3(codec);
	AVFrame *f = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	double t0;

	ctx->width = width;
	ctx->height = height;
	ctx->pix_fmt = AV_PIX_FMT_YUV420P;
	ctx->time_base = (AVRational){1, FPS};
	ctx->bit_rate = ctx->rc_max_rate = bitrate_bps;
	ctx->rc_buffer_size = bitrate_bps;
	av_opt_set(ctx->priv_data, "preset", "veryfast", 0);
	if (avcodec_open2(ctx, codec, NULL) < 0) {
		fprintf(stderr, "libx264 did not open\n");
		exit(1);
	}
	f->format = ctx->pix_fmt;
	f->width = width;
	f->height = height;
	t0 = cpu_seconds();
	for (int i = 0; i <= frames; i++) {
		uint8_t *y = pictures[i % PICTURES];
		f->data[0] = y;
		f->data[1] = y + width * height;
		f->data[2] = y + width * height * 5 / 4;
		f->linesize[0] = width;
		f->linesize[1] = f->linesize[2] = width / 2;
		f->pts = i;
		avcodec_send_frame(ctx, i < frames ? f : NULL);
		while (avcodec_receive_packet(ctx, pkt) == 0) {
			*bytes += (size_t)pkt->size;
			av_packet_unref(pkt);
		}
	}
	t0 = cpu_seconds() - t0;
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&ctx);
	return t0;
}

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 300;

	if (argc > 2 && sscanf(argv[2], "%dx%d", &width, &height) != 2)
		return 2;
	if (argc > 3)
		bitrate_bps = atoi(argv[3]) * 1000;
	if (frames <= 0 || width < 16 || height < 16 || width % 2 != 0 ||
	    height % 2 != 0 || bitrate_bps <= 0)
		return 2;
	tc_sdp_codec codecs[TC_SDP_MAX_VIDEO_CODECS];
	size_t n = tempchat_video_encoder_codecs(codecs);
	size_t x264_bytes = 0;
	double x264;

	make_pictures();
	x264 = run_x264(frames, &x264_bytes);
	printf("%dx%d at 30 fps, %d kbit/s, %d frames: OBS's x264 veryfast "
	       "%.2f CPU ms per frame, %.0f kbit/s made\n",
	       width, height, bitrate_bps / 1000, frames, x264 * 1000 / frames,
	       x264_bytes * 8.0 * FPS / frames / 1000);
	for (size_t c = 0; c < n; c++) {
		size_t bytes = 0;
		double wall;
		double t = run_ours(codecs[c], frames, &bytes, &wall);
		printf("  TempChat Call %-4s (%s): %.2f CPU ms per frame "
		       "(%.2f elapsed), ratio to x264 %.2f, %.0f kbit/s made\n",
		       tc_sdp_codec_name(codecs[c]),
		       tempchat_video_encoder_library(codecs[c]),
		       t * 1000 / frames, wall * 1000 / frames, t / x264,
		       bytes * 8.0 * FPS / frames / 1000);
	}
	for (int p = 0; p < PICTURES; p++)
		free(pictures[p]);
	return 0;
}
