/* tempchat-vpx-encoder.c - libvpx's VP8 and VP9 encoders in real-time CBR.
 *
 * libvpx directly rather than through libavcodec: FFmpeg 5.1's libvpx
 * wrapper reads the bitrate only when it opens the encoder, and a call must
 * follow the congestion controller's target while it runs, which
 * vpx_codec_enc_config_set does without a keyframe. The settings follow
 * what a browser's sender (libwebrtc) uses for camera video: one pass,
 * no lag, CBR with a small buffer, keyframes only when asked; for VP9 also
 * row-based multithreading and cyclic-refresh adaptive quantization
 * (aq-mode 3), which spreads intra refresh over frames instead of making
 * big keyframe-like ones.
 *
 * Both make three temporal layers (L1T3, tc_layers.h) with per-frame
 * reference flags, as libwebrtc's VP8 sender does: the pattern restarts at
 * every keyframe (a receiver of VP9 counts it from there), and at
 * position
 *   0  TID 0  refers to LAST only, updates LAST
 *   1  TID 2  refers to LAST only, updates nothing
 *   2  TID 1  refers to LAST only, updates GOLDEN
 *   3  TID 2  refers to LAST and GOLDEN, updates nothing
 * No frame above TID 0 updates the entropy contexts (a receiver that drops
 * it would decode the next frames with other probabilities), and VP9 runs
 * error resilient so that no frame predicts motion vectors from the
 * previous one, which such a receiver may not have. Flags only, no
 * per-layer rate control: the whole stream follows rc_target_bitrate.
 */
#include <util/bmem.h>
#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "tempchat-video-encoder.h"

#define KEYFRAME_MAX_DIST 3000 /* the receiver asks for more by PLI */
#define MIN_QUANTIZER 2
#define VP8_MAX_QUANTIZER 56
#define VP9_MAX_QUANTIZER 52
#define MAX_INTRA_BITRATE_PCT 300
#define VP8_CPU_USED 8       /* VP8's fastest real-time preset */
#define VP9_CPU_USED_SMALL 7 /* up to 640x480 */
#define VP9_CPU_USED_LARGE 8 /* above: 720p and 1080p on 2 cores */
#define VP9_AQ_CYCLIC_REFRESH 3

struct vpxenc {
	vpx_codec_ctx_t codec;
	vpx_codec_enc_cfg_t cfg;
	vpx_image_t image;
	vpx_codec_pts_t pts;
	uint64_t position; /* of the next frame in the L1T3 pattern */
};

#define NO_REF_ABOVE_LAST (VP8_EFLAG_NO_REF_GF | VP8_EFLAG_NO_REF_ARF)
#define UPPER_LAYER (VP8_EFLAG_NO_UPD_LAST | VP8_EFLAG_NO_UPD_ARF | \
		     VP8_EFLAG_NO_UPD_ENTROPY)

static const vpx_enc_frame_flags_t l1t3_flags[TC_L1T3_PERIOD] = {
	NO_REF_ABOVE_LAST | VP8_EFLAG_NO_UPD_GF | VP8_EFLAG_NO_UPD_ARF,
	NO_REF_ABOVE_LAST | UPPER_LAYER | VP8_EFLAG_NO_UPD_GF,
	NO_REF_ABOVE_LAST | UPPER_LAYER,
	VP8_EFLAG_NO_REF_ARF | UPPER_LAYER | VP8_EFLAG_NO_UPD_GF,
};

static vpx_codec_iface_t *iface_of(tc_sdp_codec codec)
{
	return codec == TC_SDP_CODEC_VP9 ? vpx_codec_vp9_cx()
					 : vpx_codec_vp8_cx();
}

static bool vpxenc_available(tc_sdp_codec codec)
{
	vpx_codec_iface_t *iface = iface_of(codec);

	return iface != NULL &&
	       (vpx_codec_get_caps(iface) & VPX_CODEC_CAP_ENCODER) != 0;
}

static void configure(vpx_codec_enc_cfg_t *cfg, tc_sdp_codec codec,
		      uint32_t width, uint32_t height, uint32_t fps,
		      uint32_t bitrate_bps)
{
	cfg->g_w = width;
	cfg->g_h = height;
	cfg->g_timebase.num = 1;
	cfg->g_timebase.den = (int)fps;
	cfg->g_threads = tempchat_video_encoder_threads(width, height);
	cfg->g_lag_in_frames = 0; /* no look-ahead in a call */
	/* VP8 keeps its frames decodable after a loss; VP9's layers must
	 * not depend on the previous frame's motion vectors. */
	cfg->g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
	cfg->g_pass = VPX_RC_ONE_PASS;
	cfg->rc_end_usage = VPX_CBR;
	cfg->rc_target_bitrate = bitrate_bps / 1000;
	cfg->rc_min_quantizer = MIN_QUANTIZER;
	cfg->rc_max_quantizer = codec == TC_SDP_CODEC_VP8 ? VP8_MAX_QUANTIZER
							  : VP9_MAX_QUANTIZER;
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

static void control_vp8(vpx_codec_ctx_t *c)
{
	vpx_codec_control(c, VP8E_SET_CPUUSED, VP8_CPU_USED);
	vpx_codec_control(c, VP8E_SET_STATIC_THRESHOLD, 1);
}

static void control_vp9(vpx_codec_ctx_t *c, uint32_t width, uint32_t height)
{
	bool large = (uint64_t)width * height > 640 * 480;

	vpx_codec_control(c, VP8E_SET_CPUUSED,
			  large ? VP9_CPU_USED_LARGE : VP9_CPU_USED_SMALL);
	vpx_codec_control(c, VP9E_SET_ROW_MT, 1);
	vpx_codec_control(c, VP9E_SET_AQ_MODE, VP9_AQ_CYCLIC_REFRESH);
	vpx_codec_control(c, VP9E_SET_FRAME_PARALLEL_DECODING, 0);
	vpx_codec_control(c, VP9E_SET_NOISE_SENSITIVITY, 0);
	/* Tiles let a receiver's decoder use its threads. */
	vpx_codec_control(c, VP9E_SET_TILE_COLUMNS, large ? 2 : 1);
}

static void *vpxenc_create(tc_sdp_codec codec, uint32_t width, uint32_t height,
			   uint32_t fps, uint32_t bitrate_bps)
{
	struct vpxenc *enc = bzalloc(sizeof(*enc));
	vpx_codec_iface_t *iface = iface_of(codec);

	if (vpx_codec_enc_config_default(iface, &enc->cfg, 0) != VPX_CODEC_OK)
		goto fail;
	configure(&enc->cfg, codec, width, height, fps, bitrate_bps);
	if (vpx_codec_enc_init(&enc->codec, iface, &enc->cfg, 0) !=
	    VPX_CODEC_OK)
		goto fail;
	if (codec == TC_SDP_CODEC_VP9)
		control_vp9(&enc->codec, width, height);
	else
		control_vp8(&enc->codec);
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

static void vpxenc_destroy(void *impl)
{
	struct vpxenc *enc = impl;

	vpx_codec_destroy(&enc->codec);
	bfree(enc);
}

static bool vpxenc_set_bitrate(void *impl, uint32_t bitrate_bps)
{
	struct vpxenc *enc = impl;

	enc->cfg.rc_target_bitrate = bitrate_bps / 1000;
	return vpx_codec_enc_config_set(&enc->codec, &enc->cfg) == VPX_CODEC_OK;
}

static bool vpxenc_encode(void *impl, uint8_t *const planes[3],
			  const uint32_t linesize[3], bool keyframe,
			  tempchat_packet_fn fn, void *user_data)
{
	struct vpxenc *enc = impl;
	const vpx_codec_cx_pkt_t *pkt;
	vpx_codec_iter_t iter = NULL;

	for (int i = 0; i < 3; i++) {
		enc->image.planes[i] = planes[i];
		enc->image.stride[i] = (int)linesize[i];
	}
	if (keyframe)
		enc->position = 0;
	if (vpx_codec_encode(&enc->codec, &enc->image, enc->pts++, 1,
			     keyframe ? VPX_EFLAG_FORCE_KF
				      : l1t3_flags[enc->position %
						   TC_L1T3_PERIOD],
			     VPX_DL_REALTIME) != VPX_CODEC_OK)
		return false;
	while ((pkt = vpx_codec_get_cx_data(&enc->codec, &iter)) != NULL) {
		bool key = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
		tc_temporal_layer layer;

		if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
			continue;
		/* A keyframe libvpx chose itself restarts the pattern too. */
		if (key)
			enc->position = 0;
		tc_l1t3_layer(enc->position, key, &layer);
		fn(pkt->data.frame.buf, pkt->data.frame.sz, key, &layer,
		   user_data);
	}
	enc->position++;
	return true;
}

const struct tempchat_video_encoder_ops tempchat_vpx_encoder_ops = {
	.library = "libvpx",
	.available = vpxenc_available,
	.create = vpxenc_create,
	.set_bitrate = vpxenc_set_bitrate,
	.encode = vpxenc_encode,
	.destroy = vpxenc_destroy,
};
