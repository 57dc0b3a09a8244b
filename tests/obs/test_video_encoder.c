/* test_video_encoder.c - the output's video encoders
 * (obs-plugin/tempchat-video-encoder.h), each codec this build has, as the
 * sender drives them: what they make is what the core's payloader takes
 * (the core reads a keyframe's size from it: the AV1 sequence header, the
 * H264 SPS) and what the receiving side's decoder (the source's, libavcodec)
 * shows at the right size; one frame out per picture in; a keyframe first
 * and when asked, never because the bitrate changed. VP8 and VP9 come in
 * L1T3: a decoder given only the TID 0 frames makes the very pictures a
 * decoder of every frame makes at those frames.
 */
#include <glib.h>
#include <string.h>

#include "tempchat-decoder.h"
#include "tempchat-video-encoder.h"
#include "tempchat/tc_frame_size.h"

#define W 320
#define H 180
#define FPS 30
#define FRAMES 30
#define BITRATE 600000
#define LOWER_AT 10  /* the call's target drops here */
#define FORCED_AT 20 /* the receiver asks for a keyframe here */

typedef struct {
	tc_sdp_codec codec;
	struct tempchat_decoder *dec;
	int packets;   /* for the current picture */
	bool keyframe; /* the current picture's packet */
	int decoded;
} run;

static void on_packet(const uint8_t *data, size_t len, bool keyframe,
		      const tc_temporal_layer *layer, void *user_data)
{
	run *r = user_data;
	struct obs_source_frame out = {0};
	uint32_t w = 0, h = 0;

	r->packets++;
	r->keyframe = keyframe;
	if (keyframe) {
		/* What the core reads when it sends and receives it. */
		g_assert_cmpint(
			tc_frame_keyframe_size(r->codec, data, len, &w, &h), ==,
			TC_OK);
		g_assert_cmpuint(w, ==, W);
		g_assert_cmpuint(h, ==, H);
	}
	if (r->codec == TC_SDP_CODEC_H264) {
		/* Annex B: each access unit starts with a start code. */
		g_assert_cmpuint(len, >, 4);
		g_assert_true(memcmp(data, "\0\0\0\1", 4) == 0 ||
			      memcmp(data, "\0\0\1", 3) == 0);
	}
	if (tempchat_decoder_video(r->dec, data, len, 0, &out) ==
	    TEMPCHAT_DECODE_PICTURE) {
		g_assert_cmpuint(out.width, ==, W);
		g_assert_cmpuint(out.height, ==, H);
		r->decoded++;
	}
}

/* A bright square moving over grey, so every picture differs. */
static void paint(uint8_t *y, uint8_t *u, uint8_t *v, int n)
{
	memset(y, 100, W * H);
	memset(u, 128, W * H / 4);
	memset(v, 128, W * H / 4);
	for (int r = 40; r < 120; r++)
		memset(y + r * W + 4 * n, 220, 80);
}

static void test_codec(gconstpointer data)
{
	tc_sdp_codec codec = (tc_sdp_codec)GPOINTER_TO_INT(data);
	run r = {.codec = codec, .dec = tempchat_decoder_new(codec)};
	struct tempchat_video_encoder *enc =
		tempchat_video_encoder_new(codec, W, H, FPS, BITRATE);
	uint8_t *pic = g_malloc(W * H * 3 / 2);
	uint8_t *const planes[3] = {pic, pic + W * H, pic + W * H * 5 / 4};
	const uint32_t linesize[3] = {W, W / 2, W / 2};

	g_assert_nonnull(enc);
	g_assert_nonnull(r.dec);
	g_assert_cmpint(tempchat_video_encoder_codec(enc), ==, codec);
	for (int i = 0; i < FRAMES; i++) {
		if (i == LOWER_AT)
			g_assert_true(tempchat_video_encoder_set_bitrate(
				enc, BITRATE / 2));
		paint(planes[0], planes[1], planes[2], i);
		r.packets = 0;
		g_assert_true(tempchat_video_encoder_encode(
			enc, planes, linesize, i == FORCED_AT, on_packet, &r));
		/* Real time: the picture's frame comes out at once. */
		g_assert_cmpint(r.packets, ==, 1);
		if (i == 0 || i == FORCED_AT)
			g_assert_true(r.keyframe);
		else
			g_assert_false(r.keyframe);
	}
	g_assert_cmpint(r.decoded, ==, FRAMES);
	tempchat_video_encoder_free(enc);
	tempchat_decoder_free(r.dec);
	g_free(pic);
}

/* ---------------------------------------------------------------- L1T3 */

#define LAYER_FRAMES 40
#define LAYER_FORCED_AT 18 /* off the pattern: it restarts there */

typedef struct {
	struct tempchat_decoder *all, *tid0;
	bool has_layer;
	uint8_t tid;
	char *all_sum, *tid0_sum; /* of the picture each decoder made */
} layer_run;

static char *picture_sum(const struct obs_source_frame *f)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA1);
	char *sum;

	for (uint32_t row = 0; row < f->height; row++)
		g_checksum_update(c, f->data[0] + row * f->linesize[0],
				  f->width);
	for (int p = 1; p < 3; p++)
		for (uint32_t row = 0; row < f->height / 2; row++)
			g_checksum_update(c, f->data[p] + row * f->linesize[p],
					  f->width / 2);
	sum = g_strdup(g_checksum_get_string(c));
	g_checksum_free(c);
	return sum;
}

static char *decode_sum(struct tempchat_decoder *dec, const uint8_t *data,
			size_t len)
{
	struct obs_source_frame out = {0};

	g_assert_cmpint(tempchat_decoder_video(dec, data, len, 0, &out), ==,
			TEMPCHAT_DECODE_PICTURE);
	return picture_sum(&out);
}

static void on_layer_packet(const uint8_t *data, size_t len, bool keyframe,
			    const tc_temporal_layer *layer, void *user_data)
{
	layer_run *r = user_data;

	r->has_layer = layer != NULL && layer->layers == 3;
	r->tid = layer != NULL ? layer->temporal_id : 0;
	g_free(r->all_sum);
	g_free(r->tid0_sum);
	r->all_sum = decode_sum(r->all, data, len);
	r->tid0_sum = r->tid == 0 ? decode_sum(r->tid0, data, len) : NULL;
}

static void test_l1t3(gconstpointer data)
{
	tc_sdp_codec codec = (tc_sdp_codec)GPOINTER_TO_INT(data);
	layer_run r = {.all = tempchat_decoder_new(codec),
		       .tid0 = tempchat_decoder_new(codec)};
	struct tempchat_video_encoder *enc =
		tempchat_video_encoder_new(codec, W, H, FPS, BITRATE);
	uint8_t *pic = g_malloc(W * H * 3 / 2);
	uint8_t *const planes[3] = {pic, pic + W * H, pic + W * H * 5 / 4};
	const uint32_t linesize[3] = {W, W / 2, W / 2};
	static const uint8_t pattern[] = {0, 2, 1, 2};
	int kept = 0;

	g_assert_nonnull(enc);
	for (int i = 0; i < LAYER_FRAMES; i++) {
		int since_key = i < LAYER_FORCED_AT ? i : i - LAYER_FORCED_AT;

		paint(planes[0], planes[1], planes[2], i % 60);
		g_assert_true(tempchat_video_encoder_encode(
			enc, planes, linesize, i == LAYER_FORCED_AT,
			on_layer_packet, &r));
		g_assert_true(r.has_layer);
		g_assert_cmpuint(r.tid, ==, pattern[since_key % 4]);
		if (r.tid == 0) {
			g_assert_cmpstr(r.tid0_sum, ==, r.all_sum);
			kept++;
		}
	}
	g_test_message("%s: %d of %d frames at TID 0, decoded alone as in "
		       "the whole stream", tc_sdp_codec_name(codec), kept,
		       LAYER_FRAMES);
	g_free(r.all_sum);
	g_free(r.tid0_sum);
	tempchat_video_encoder_free(enc);
	tempchat_decoder_free(r.all);
	tempchat_decoder_free(r.tid0);
	g_free(pic);
}

static void test_this_build_encodes_every_codec_in_tempchat_order(void)
{
	tc_sdp_codec want[TC_SDP_MAX_VIDEO_CODECS],
		got[TC_SDP_MAX_VIDEO_CODECS];
	size_t n_want = 0;
	size_t n = tempchat_video_encoder_codecs(got);

	g_assert_cmpint(tc_sdp_video_codecs_parse(TC_SDP_VIDEO_CODECS_DEFAULT,
						  want, &n_want, NULL, 0, NULL),
			==, TC_OK);
	g_assert_cmpuint(n, ==, n_want);
	for (size_t i = 0; i < n; i++) {
		g_test_message("%s by %s", tc_sdp_codec_name(got[i]),
			       tempchat_video_encoder_library(got[i]));
		g_assert_cmpint(got[i], ==, want[i]);
	}
	g_assert_null(tempchat_video_encoder_new(TC_SDP_CODEC_OPUS, W, H, FPS,
						 BITRATE));
	g_assert_null(tempchat_video_encoder_library(TC_SDP_CODEC_NONE));
}

int main(int argc, char **argv)
{
	tc_sdp_codec codecs[TC_SDP_MAX_VIDEO_CODECS];
	size_t n = tempchat_video_encoder_codecs(codecs);

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/obs/video-encoder/this-build-encodes-every-codec-in-"
			"tempchat-order",
			test_this_build_encodes_every_codec_in_tempchat_order);
	g_test_add_data_func("/obs/video-encoder/vp8-l1t3-tid0-frames-decode-"
			     "alone",
			     GINT_TO_POINTER(TC_SDP_CODEC_VP8), test_l1t3);
	g_test_add_data_func("/obs/video-encoder/vp9-l1t3-tid0-frames-decode-"
			     "alone",
			     GINT_TO_POINTER(TC_SDP_CODEC_VP9), test_l1t3);
	g_test_add_data_func("/obs/video-encoder/av1-l1t3-tid0-frames-decode-"
			     "alone",
			     GINT_TO_POINTER(TC_SDP_CODEC_AV1), test_l1t3);
	for (size_t i = 0; i < n; i++) {
		char *path = g_strdup_printf(
			"/obs/video-encoder/%s-frames-decode-at-their-size-"
			"with-keyframes-only-when-asked",
			tc_sdp_codec_name(codecs[i]));
		g_test_add_data_func(path, GINT_TO_POINTER(codecs[i]),
				     test_codec);
		g_free(path);
	}
	return g_test_run();
}
