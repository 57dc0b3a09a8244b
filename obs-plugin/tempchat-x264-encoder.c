/* tempchat-x264-encoder.c - libx264 for the call's H264: constrained
 * baseline (the profile the core answers, 42e01f), tune zerolatency.
 *
 * libx264 directly: x264_encoder_reconfig changes the bitrate of a running
 * encoder without a keyframe, and a picture typed IDR is a keyframe on
 * demand; FFmpeg 5.1's wrapper reads the bitrate only at open. The rest is
 * a browser's camera sender: no B-frames or look-ahead (zerolatency), CBR
 * through a one-second VBV, keyframes only when asked, SPS and PPS before
 * every IDR, Annex B start codes: the byte stream the core's H264
 * payloader takes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <util/base.h>
#include <util/bmem.h>
#include <x264.h>

#include "tempchat-video-encoder.h"

/* superfast keeps the deblocking filter and adaptive quantization that
 * ultrafast drops; 720p30 takes about a quarter of the CPU of OBS's own
 * veryfast recording (tc_obs_encoder_bench: 7.8 against 29.9 ms a frame). */
#define PRESET "superfast"
#define PROFILE "baseline" /* x264 marks it constrained (set1) */
#define KEYFRAME_MAX_DIST X264_KEYINT_MAX_INFINITE

struct x264enc {
	x264_t *x264;
	x264_param_t param;
	x264_picture_t picture;
};

static bool x264enc_available(tc_sdp_codec codec)
{
	return codec == TC_SDP_CODEC_H264;
}

static void log_to_obs(void *unused, int level, const char *fmt, va_list args)
{
	char line[256];

	(void)unused;
	vsnprintf(line, sizeof(line), fmt, args);
	blog(level <= X264_LOG_ERROR ? LOG_WARNING : LOG_DEBUG,
	     "[tempchat] x264: %s", line);
}

static void set_rate(x264_param_t *p, uint32_t bitrate_bps)
{
	int kbps = (int)(bitrate_bps / 1000);

	p->rc.i_rc_method = X264_RC_ABR;
	p->rc.i_bitrate = kbps;
	p->rc.i_vbv_max_bitrate = kbps;
	p->rc.i_vbv_buffer_size = kbps; /* one second */
}

static bool configure(x264_param_t *p, uint32_t width, uint32_t height,
		      uint32_t fps, uint32_t bitrate_bps)
{
	if (x264_param_default_preset(p, PRESET, "zerolatency") < 0)
		return false;
	p->i_width = (int)width;
	p->i_height = (int)height;
	p->i_csp = X264_CSP_I420;
	p->i_fps_num = fps;
	p->i_fps_den = 1;
	p->i_timebase_num = 1;
	p->i_timebase_den = fps;
	p->b_vfr_input = 0;
	p->i_threads = (int)tempchat_video_encoder_threads(width, height);
	p->i_keyint_max = KEYFRAME_MAX_DIST;
	p->i_scenecut_threshold = 0;
	p->b_repeat_headers = 1;
	p->b_annexb = 1;
	p->b_aud = 0;
	/* OBS hands us BT.601 limited range. */
	p->vui.b_fullrange = 0;
	p->vui.i_colorprim = 6; /* smpte170m */
	p->vui.i_transfer = 6;
	p->vui.i_colmatrix = 6;
	p->i_log_level = X264_LOG_WARNING;
	p->pf_log = log_to_obs;
	set_rate(p, bitrate_bps);
	return x264_param_apply_profile(p, PROFILE) == 0;
}

static void *x264enc_create(tc_sdp_codec codec, uint32_t width, uint32_t height,
			    uint32_t fps, uint32_t bitrate_bps)
{
	struct x264enc *enc = bzalloc(sizeof(*enc));

	(void)codec;
	if (!configure(&enc->param, width, height, fps, bitrate_bps))
		goto fail;
	enc->x264 = x264_encoder_open(&enc->param);
	if (enc->x264 == NULL)
		goto fail;
	x264_picture_init(&enc->picture);
	enc->picture.img.i_csp = X264_CSP_I420;
	enc->picture.img.i_plane = 3;
	return enc;
fail:
	bfree(enc);
	return NULL;
}

static void x264enc_destroy(void *impl)
{
	struct x264enc *enc = impl;

	x264_encoder_close(enc->x264);
	bfree(enc);
}

static bool x264enc_set_bitrate(void *impl, uint32_t bitrate_bps)
{
	struct x264enc *enc = impl;

	set_rate(&enc->param, bitrate_bps);
	return x264_encoder_reconfig(enc->x264, &enc->param) == 0;
}

static bool x264enc_encode(void *impl, uint8_t *const planes[3],
			   const uint32_t linesize[3], bool keyframe,
			   tempchat_packet_fn fn, void *user_data)
{
	struct x264enc *enc = impl;
	x264_picture_t out;
	x264_nal_t *nals;
	int n_nals, size;

	for (int i = 0; i < 3; i++) {
		enc->picture.img.plane[i] = planes[i];
		enc->picture.img.i_stride[i] = (int)linesize[i];
	}
	enc->picture.i_type = keyframe ? X264_TYPE_IDR : X264_TYPE_AUTO;
	size = x264_encoder_encode(enc->x264, &nals, &n_nals, &enc->picture,
				   &out);
	enc->picture.i_pts++;
	if (size < 0)
		return false;
	/* The NAL units of a picture lie one after the other in memory. */
	if (size > 0)
		fn(nals[0].p_payload, (size_t)size, out.b_keyframe != 0, NULL,
		   user_data);
	return true;
}

const struct tempchat_video_encoder_ops tempchat_x264_encoder_ops = {
	.library = "libx264",
	.available = x264enc_available,
	.create = x264enc_create,
	.set_bitrate = x264enc_set_bitrate,
	.encode = x264enc_encode,
	.destroy = x264enc_destroy,
};
