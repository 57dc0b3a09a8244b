/* tempchat-vp8-encoder.c - libvpx's VP8 encoder in real-time CBR.
 *
 * libvpx directly rather than through libavcodec: FFmpeg 5.1's libvpx
 * wrapper reads the bitrate only when it opens the encoder, and a call must
 * follow the congestion controller's target while it runs, which
 * vpx_codec_enc_config_set does without a keyframe. The settings follow
 * what a browser's VP8 sender uses for camera video.
 */
#include <string.h>
#include <util/bmem.h>
#include <util/platform.h>
#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "tempchat-vp8-encoder.h"

#define CPU_USED 8             /* fastest real-time preset */
#define KEYFRAME_MAX_DIST 3000 /* the receiver asks for more by PLI */
#define MIN_QUANTIZER 2
#define MAX_QUANTIZER 56
#define MAX_INTRA_BITRATE_PCT 300

struct tempchat_vp8_encoder {
	vpx_codec_ctx_t codec;
	vpx_codec_enc_cfg_t cfg;
	vpx_image_t image;
	vpx_codec_pts_t pts;
};

/* libvpx's VP8 threads wait for each other by spinning, so on a busy
 * machine a second thread burns more CPU than it saves: 720p took 44 ms
 * of CPU a frame with 2 threads and 8.5 ms with 1 on a loaded 2-core
 * machine (tc_obs_encoder_bench). One thread encodes 720p30 in real time;
 * more only from 1280x960 with more than 3 cores, as libwebrtc does. */
static unsigned int threads_for(uint32_t width, uint32_t height)
{
	uint64_t pixels = (uint64_t)width * height;
	int cores = os_get_logical_cores();

	if (pixels < 1280 * 960 || cores <= 3)
		return 1; /* 720p and below, or few cores */
	if (pixels >= 1920 * 1080 && cores > 8)
		return 8;
	return cores > 6 ? 3 : 2;
}

static void configure(vpx_codec_enc_cfg_t *cfg, uint32_t width, uint32_t height,
		      uint32_t fps, uint32_t bitrate_bps)
{
	cfg->g_w = width;
	cfg->g_h = height;
	cfg->g_timebase.num = 1;
	cfg->g_timebase.den = (int)(fps > 0 ? fps : 30);
	cfg->g_threads = threads_for(width, height);
	cfg->g_lag_in_frames = 0; /* no look-ahead in a call */
	cfg->g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
	cfg->g_pass = VPX_RC_ONE_PASS;
	cfg->rc_end_usage = VPX_CBR;
	cfg->rc_target_bitrate = bitrate_bps / 1000;
	cfg->rc_min_quantizer = MIN_QUANTIZER;
	cfg->rc_max_quantizer = MAX_QUANTIZER;
	cfg->rc_undershoot_pct = 100;
	cfg->rc_overshoot_pct = 15;
	cfg->rc_buf_initial_sz = 500;
	cfg->rc_buf_optimal_sz = 600;
	cfg->rc_buf_sz = 1000;
	cfg->rc_dropframe_thresh = 0;
	cfg->kf_mode = VPX_KF_AUTO;
	cfg->kf_min_dist = 0;
	cfg->kf_max_dist = KEYFRAME_MAX_DIST;
}

struct tempchat_vp8_encoder *tempchat_vp8_encoder_new(uint32_t width,
						      uint32_t height,
						      uint32_t fps,
						      uint32_t bitrate_bps)
{
	struct tempchat_vp8_encoder *enc = bzalloc(sizeof(*enc));

	if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &enc->cfg, 0) !=
	    VPX_CODEC_OK)
		goto fail;
	configure(&enc->cfg, width, height, fps, bitrate_bps);
	if (vpx_codec_enc_init(&enc->codec, vpx_codec_vp8_cx(), &enc->cfg, 0) !=
	    VPX_CODEC_OK)
		goto fail;
	vpx_codec_control(&enc->codec, VP8E_SET_CPUUSED, CPU_USED);
	vpx_codec_control(&enc->codec, VP8E_SET_STATIC_THRESHOLD, 1);
	vpx_codec_control(&enc->codec, VP8E_SET_MAX_INTRA_BITRATE_PCT,
			  MAX_INTRA_BITRATE_PCT);
	/* Planes are set per frame; the wrap only fills in the geometry. */
	vpx_img_wrap(&enc->image, VPX_IMG_FMT_I420, width, height, 1,
		     (unsigned char *)enc);
	return enc;
fail:
	bfree(enc);
	return NULL;
}

void tempchat_vp8_encoder_free(struct tempchat_vp8_encoder *enc)
{
	if (enc == NULL)
		return;
	vpx_codec_destroy(&enc->codec);
	bfree(enc);
}

bool tempchat_vp8_encoder_set_bitrate(struct tempchat_vp8_encoder *enc,
				      uint32_t bitrate_bps)
{
	enc->cfg.rc_target_bitrate = bitrate_bps / 1000;
	return vpx_codec_enc_config_set(&enc->codec, &enc->cfg) == VPX_CODEC_OK;
}

bool tempchat_vp8_encoder_encode(struct tempchat_vp8_encoder *enc,
				 uint8_t *const planes[3],
				 const uint32_t linesize[3], bool keyframe,
				 tempchat_packet_fn fn, void *user_data)
{
	const vpx_codec_cx_pkt_t *pkt;
	vpx_codec_iter_t iter = NULL;

	for (int i = 0; i < 3; i++) {
		enc->image.planes[i] = planes[i];
		enc->image.stride[i] = (int)linesize[i];
	}
	if (vpx_codec_encode(&enc->codec, &enc->image, enc->pts++, 1,
			     keyframe ? VPX_EFLAG_FORCE_KF : 0,
			     VPX_DL_REALTIME) != VPX_CODEC_OK)
		return false;
	while ((pkt = vpx_codec_get_cx_data(&enc->codec, &iter)) != NULL) {
		if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
			continue;
		fn(pkt->data.frame.buf, pkt->data.frame.sz,
		   (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0, user_data);
	}
	return true;
}
