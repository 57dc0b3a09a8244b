/* tempchat-aom-encoder.c - libaom's AV1 encoder in its real-time mode.
 *
 * libaom directly, as VP8 and VP9 use libvpx directly: a call's bitrate
 * changes while the encoder runs (aom_codec_enc_config_set, no keyframe)
 * and a keyframe is made when the receiver asks (AOM_EFLAG_FORCE_KF),
 * neither of which FFmpeg 5.1's wrapper offers. The settings are those of
 * a browser's AV1 camera sender (libwebrtc): AOM_USAGE_REALTIME at its
 * fastest speeds, one pass, no lag, CBR with a small buffer, cyclic-refresh
 * AQ, and the tools that cost much and gain little in real time (TPL,
 * global and warped motion, OBMC, order hints) off. Each packet is one
 * temporal unit in the low-overhead OBU format, the sequence header in
 * every keyframe: what the core's AV1 payloader takes.
 */
#include <aom/aom_encoder.h>
#include <aom/aomcx.h>
#include <util/bmem.h>

#include "tempchat-video-encoder.h"

#define CPU_USED_SMALL 9  /* up to 640x480 */
#define CPU_USED_LARGE 10 /* above: 720p and 1080p on 2 cores */
/* libaom's CBR asserts in its rate control without quantizer bounds
 * (MACHINE-FACTS); these are libwebrtc's. */
#define MIN_QUANTIZER 10
#define MAX_QUANTIZER 56
#define MAX_INTRA_BITRATE_PCT 300
#define AQ_CYCLIC_REFRESH 3
#define COST_UPDATE_PER_TILE 3 /* *_COST_UPD_FREQ: the cheapest */

struct aomenc {
	aom_codec_ctx_t codec;
	aom_codec_enc_cfg_t cfg;
	aom_image_t image;
	aom_codec_pts_t pts;
};

static bool aomenc_available(tc_sdp_codec codec)
{
	return codec == TC_SDP_CODEC_AV1 && aom_codec_av1_cx() != NULL;
}

static void configure(aom_codec_enc_cfg_t *cfg, uint32_t width, uint32_t height,
		      uint32_t fps, uint32_t bitrate_bps)
{
	cfg->g_w = width;
	cfg->g_h = height;
	cfg->g_timebase.num = 1;
	cfg->g_timebase.den = (int)fps;
	cfg->g_threads = tempchat_video_encoder_threads(width, height);
	cfg->g_input_bit_depth = 8;
	cfg->g_lag_in_frames = 0; /* no look-ahead in a call */
	cfg->g_error_resilient = 0;
	cfg->g_pass = AOM_RC_ONE_PASS;
	cfg->rc_end_usage = AOM_CBR;
	cfg->rc_target_bitrate = bitrate_bps / 1000;
	cfg->rc_min_quantizer = MIN_QUANTIZER;
	cfg->rc_max_quantizer = MAX_QUANTIZER;
	cfg->rc_undershoot_pct = 50;
	cfg->rc_overshoot_pct = 50;
	cfg->rc_buf_initial_sz = 600;
	cfg->rc_buf_optimal_sz = 600;
	cfg->rc_buf_sz = 1000;
	cfg->rc_dropframe_thresh = 0;
	/* Keyframes only when asked: the first, and on PLI/FIR. */
	cfg->kf_mode = AOM_KF_DISABLED;
}

static void control(aom_codec_ctx_t *c, uint32_t width, uint32_t height)
{
	bool large = (uint64_t)width * height > 640 * 480;

	aom_codec_control(c, AOME_SET_CPUUSED,
			  large ? CPU_USED_LARGE : CPU_USED_SMALL);
	aom_codec_control(c, AV1E_SET_ROW_MT, 1);
	aom_codec_control(c, AV1E_SET_AQ_MODE, AQ_CYCLIC_REFRESH);
	aom_codec_control(c, AOME_SET_MAX_INTRA_BITRATE_PCT,
			  MAX_INTRA_BITRATE_PCT);
	aom_codec_control(c, AV1E_SET_ENABLE_CDEF, 1);
	aom_codec_control(c, AV1E_SET_ENABLE_TPL_MODEL, 0);
	aom_codec_control(c, AV1E_SET_DELTAQ_MODE, 0);
	aom_codec_control(c, AV1E_SET_ENABLE_ORDER_HINT, 0);
	aom_codec_control(c, AV1E_SET_ENABLE_GLOBAL_MOTION, 0);
	aom_codec_control(c, AV1E_SET_ENABLE_WARPED_MOTION, 0);
	aom_codec_control(c, AV1E_SET_ENABLE_OBMC, 0);
	aom_codec_control(c, AV1E_SET_ENABLE_REF_FRAME_MVS, 0);
	aom_codec_control(c, AV1E_SET_COEFF_COST_UPD_FREQ,
			  COST_UPDATE_PER_TILE);
	aom_codec_control(c, AV1E_SET_MODE_COST_UPD_FREQ, COST_UPDATE_PER_TILE);
	aom_codec_control(c, AV1E_SET_MV_COST_UPD_FREQ, COST_UPDATE_PER_TILE);
	aom_codec_control(c, AV1E_SET_TILE_COLUMNS, large ? 1 : 0);
	/* OBS hands us BT.601 limited range: say so in the sequence
	 * header, where a decoder would otherwise guess. */
	aom_codec_control(c, AV1E_SET_COLOR_PRIMARIES, AOM_CICP_CP_BT_601);
	aom_codec_control(c, AV1E_SET_TRANSFER_CHARACTERISTICS,
			  AOM_CICP_TC_BT_601);
	aom_codec_control(c, AV1E_SET_MATRIX_COEFFICIENTS, AOM_CICP_MC_BT_601);
	aom_codec_control(c, AV1E_SET_COLOR_RANGE, AOM_CR_STUDIO_RANGE);
}

static void *aomenc_create(tc_sdp_codec codec, uint32_t width, uint32_t height,
			   uint32_t fps, uint32_t bitrate_bps)
{
	struct aomenc *enc = bzalloc(sizeof(*enc));
	aom_codec_iface_t *iface = aom_codec_av1_cx();

	(void)codec;
	if (aom_codec_enc_config_default(iface, &enc->cfg,
					 AOM_USAGE_REALTIME) != AOM_CODEC_OK)
		goto fail;
	configure(&enc->cfg, width, height, fps, bitrate_bps);
	if (aom_codec_enc_init(&enc->codec, iface, &enc->cfg, 0) !=
	    AOM_CODEC_OK)
		goto fail;
	control(&enc->codec, width, height);
	/* Planes are set per frame; the wrap only fills in the geometry. */
	aom_img_wrap(&enc->image, AOM_IMG_FMT_I420, width, height, 1,
		     (unsigned char *)enc);
	enc->image.range = AOM_CR_STUDIO_RANGE;
	return enc;
fail:
	bfree(enc);
	return NULL;
}

static void aomenc_destroy(void *impl)
{
	struct aomenc *enc = impl;

	aom_codec_destroy(&enc->codec);
	bfree(enc);
}

static bool aomenc_set_bitrate(void *impl, uint32_t bitrate_bps)
{
	struct aomenc *enc = impl;

	enc->cfg.rc_target_bitrate = bitrate_bps / 1000;
	return aom_codec_enc_config_set(&enc->codec, &enc->cfg) == AOM_CODEC_OK;
}

static bool aomenc_encode(void *impl, uint8_t *const planes[3],
			  const uint32_t linesize[3], bool keyframe,
			  tempchat_packet_fn fn, void *user_data)
{
	struct aomenc *enc = impl;
	const aom_codec_cx_pkt_t *pkt;
	aom_codec_iter_t iter = NULL;

	for (int i = 0; i < 3; i++) {
		enc->image.planes[i] = planes[i];
		enc->image.stride[i] = (int)linesize[i];
	}
	if (aom_codec_encode(&enc->codec, &enc->image, enc->pts++, 1,
			     keyframe ? AOM_EFLAG_FORCE_KF : 0) != AOM_CODEC_OK)
		return false;
	while ((pkt = aom_codec_get_cx_data(&enc->codec, &iter)) != NULL) {
		if (pkt->kind != AOM_CODEC_CX_FRAME_PKT)
			continue;
		fn(pkt->data.frame.buf, pkt->data.frame.sz,
		   (pkt->data.frame.flags & AOM_FRAME_IS_KEY) != 0, NULL,
		   user_data);
	}
	return true;
}

const struct tempchat_video_encoder_ops tempchat_aom_encoder_ops = {
	.library = "libaom",
	.available = aomenc_available,
	.create = aomenc_create,
	.set_bitrate = aomenc_set_bitrate,
	.encode = aomenc_encode,
	.destroy = aomenc_destroy,
};
