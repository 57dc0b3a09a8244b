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
 *
 * Three temporal layers (L1T3, tc_layers.h) in libaom's SVC mode, with
 * the references said per frame as the VP8 and VP9 encoders do
 * (tempchat-vpx-encoder.c): TID 0 refers to the last TID 0 frame and
 * replaces it, TID 1 refers to it and replaces the TID 1 slot, TID 2
 * refers to the TID 0 frame (and the TID 1 frame at the period's end) and
 * replaces nothing; the pattern restarts at every keyframe. The core
 * describes them in the dependency descriptor.
 */
#include <aom/aom_encoder.h>
#include <aom/aomcx.h>
#include <string.h>
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
	uint64_t position; /* of the next frame in the L1T3 pattern */
};

/* libaom's SVC mode: the layers with their share of the bitrate (as
 * libwebrtc splits three temporal layers: 40 %, 20 %, 40 %, each layer's
 * target including those below it) and frame rate. */
static void set_layers(aom_codec_ctx_t *c, uint32_t bitrate_bps)
{
	static const int percent[3] = {40, 60, 100};
	static const int rate_factor[3] = {4, 2, 1};
	aom_svc_params_t p;

	memset(&p, 0, sizeof(p));
	p.number_spatial_layers = 1;
	p.number_temporal_layers = 3;
	p.scaling_factor_num[0] = p.scaling_factor_den[0] = 1;
	for (int i = 0; i < 3; i++) {
		p.max_quantizers[i] = MAX_QUANTIZER;
		p.min_quantizers[i] = MIN_QUANTIZER;
		p.layer_target_bitrate[i] =
			(int)((uint64_t)bitrate_bps / 1000 * percent[i] / 100);
		p.framerate_factor[i] = rate_factor[i];
	}
	aom_codec_control(c, AV1E_SET_SVC_PARAMS, &p);
}

/* Reference slots: the latest TID 0 frame, the latest TID 1 frame. */
enum { SLOT_TID0, SLOT_TID1 };
enum { REF_LAST = 0, REF_GOLDEN = 3, N_REFS = 7, N_SLOTS = 8 };

/* What the frame at `position` of the pattern (or a keyframe) refers to
 * and refreshes. libaom's own reference management in real-time mode
 * rotates frames through its slots, so the layers need it said per frame
 * (its per-frame reference flags alone gave a TID 0 frame a reference to
 * a dropped one). */
static void l1t3_refs(uint64_t position, bool keyframe,
		      aom_svc_ref_frame_config_t *rc)
{
	unsigned int i = (unsigned int)(position % TC_L1T3_PERIOD);

	memset(rc, 0, sizeof(*rc));
	for (int r = 0; r < N_REFS; r++)
		rc->ref_idx[r] = SLOT_TID0;
	if (keyframe) {
		for (int s = 0; s < N_SLOTS; s++)
			rc->refresh[s] = 1;
		return;
	}
	rc->reference[REF_LAST] = 1;
	rc->ref_idx[REF_GOLDEN] = SLOT_TID1;
	rc->reference[REF_GOLDEN] = i == 3;
	rc->refresh[SLOT_TID0] = i == 0;
	rc->refresh[SLOT_TID1] = i == 2;
}

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
	set_layers(&enc->codec, bitrate_bps);
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
	if (aom_codec_enc_config_set(&enc->codec, &enc->cfg) != AOM_CODEC_OK)
		return false;
	set_layers(&enc->codec, bitrate_bps);
	return true;
}

/* The next frame's layer and references. */
static void set_frame_layer(aom_codec_ctx_t *c, uint64_t position,
			    bool keyframe)
{
	aom_svc_ref_frame_config_t rc;
	aom_svc_layer_id_t id = {0, 0};
	tc_temporal_layer layer;

	l1t3_refs(position, keyframe, &rc);
	tc_l1t3_layer(position, keyframe, &layer);
	id.temporal_layer_id = layer.temporal_id;
	aom_codec_control(c, AV1E_SET_SVC_LAYER_ID, &id);
	aom_codec_control(c, AV1E_SET_SVC_REF_FRAME_CONFIG, &rc);
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
	if (keyframe)
		enc->position = 0;
	set_frame_layer(&enc->codec, enc->position, keyframe);
	if (aom_codec_encode(&enc->codec, &enc->image, enc->pts++, 1,
			     keyframe ? AOM_EFLAG_FORCE_KF : 0) != AOM_CODEC_OK)
		return false;
	while ((pkt = aom_codec_get_cx_data(&enc->codec, &iter)) != NULL) {
		bool key = (pkt->data.frame.flags & AOM_FRAME_IS_KEY) != 0;
		tc_temporal_layer layer;

		if (pkt->kind != AOM_CODEC_CX_FRAME_PKT)
			continue;
		if (key)
			enc->position = 0;
		tc_l1t3_layer(enc->position, key, &layer);
		fn(pkt->data.frame.buf, pkt->data.frame.sz, key, &layer,
		   user_data);
	}
	enc->position++;
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
