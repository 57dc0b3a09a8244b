/* tempchat-video-encoder.c - picks the library for a codec and dispatches
 * to it (see the header). Which libraries this build has is decided by
 * CMake (TC_OBS_HAVE_AOM, TC_OBS_HAVE_X264); libvpx is always there. */
#include <util/bmem.h>
#include <util/platform.h>

#include "tempchat-video-encoder.h"

struct tempchat_video_encoder {
	tc_sdp_codec codec;
	const struct tempchat_video_encoder_ops *ops;
	void *impl;
};

static const struct tempchat_video_encoder_ops *ops_for(tc_sdp_codec codec)
{
	const struct tempchat_video_encoder_ops *ops = NULL;

	switch (codec) {
	case TC_SDP_CODEC_VP8:
	case TC_SDP_CODEC_VP9:
		ops = &tempchat_vpx_encoder_ops;
		break;
#ifdef TC_OBS_HAVE_AOM
	case TC_SDP_CODEC_AV1:
		ops = &tempchat_aom_encoder_ops;
		break;
#endif
#ifdef TC_OBS_HAVE_X264
	case TC_SDP_CODEC_H264:
		ops = &tempchat_x264_encoder_ops;
		break;
#endif
	default:
		break;
	}
	return ops != NULL && ops->available(codec) ? ops : NULL;
}

size_t tempchat_video_encoder_codecs(tc_sdp_codec *out)
{
	tc_sdp_codec order[TC_SDP_MAX_VIDEO_CODECS];
	size_t n_order = 0, n = 0;

	/* The core's own order, so the two cannot drift apart. */
	if (tc_sdp_video_codecs_parse(TC_SDP_VIDEO_CODECS_DEFAULT, order,
				      &n_order, NULL, 0, NULL) != TC_OK)
		return 0;
	for (size_t i = 0; i < n_order; i++)
		if (ops_for(order[i]) != NULL)
			out[n++] = order[i];
	return n;
}

const char *tempchat_video_encoder_library(tc_sdp_codec codec)
{
	const struct tempchat_video_encoder_ops *ops = ops_for(codec);

	return ops != NULL ? ops->library : NULL;
}

struct tempchat_video_encoder *
tempchat_video_encoder_new(tc_sdp_codec codec, uint32_t width, uint32_t height,
			   uint32_t fps, uint32_t bitrate_bps)
{
	const struct tempchat_video_encoder_ops *ops = ops_for(codec);
	struct tempchat_video_encoder *enc;
	void *impl;

	if (ops == NULL)
		return NULL;
	impl = ops->create(codec, width, height, fps > 0 ? fps : 30,
			   bitrate_bps);
	if (impl == NULL)
		return NULL;
	enc = bzalloc(sizeof(*enc));
	enc->codec = codec;
	enc->ops = ops;
	enc->impl = impl;
	return enc;
}

void tempchat_video_encoder_free(struct tempchat_video_encoder *enc)
{
	if (enc == NULL)
		return;
	enc->ops->destroy(enc->impl);
	bfree(enc);
}

tc_sdp_codec
tempchat_video_encoder_codec(const struct tempchat_video_encoder *enc)
{
	return enc->codec;
}

bool tempchat_video_encoder_set_bitrate(struct tempchat_video_encoder *enc,
					uint32_t bitrate_bps)
{
	return enc->ops->set_bitrate(enc->impl, bitrate_bps);
}

bool tempchat_video_encoder_encode(struct tempchat_video_encoder *enc,
				   uint8_t *const planes[3],
				   const uint32_t linesize[3], bool keyframe,
				   tempchat_packet_fn fn, void *user_data)
{
	return enc->ops->encode(enc->impl, planes, linesize, keyframe, fn,
				user_data);
}

/* libvpx's VP8 threads wait for each other by spinning, so on a busy
 * machine a second thread burns more CPU than it saves: 720p took 44 ms
 * of CPU a frame with 2 threads and 8.5 ms with 1 on a loaded 2-core
 * machine (tc_obs_encoder_bench). The other encoders share the machine
 * with OBS's own rendering the same way, and at their real-time presets
 * one thread encodes 720p30 in time (bench/obs_output_cpu.sh); more only
 * from 1280x960 with more than 3 cores, as libwebrtc does. */
unsigned int tempchat_video_encoder_threads(uint32_t width, uint32_t height)
{
	uint64_t pixels = (uint64_t)width * height;
	int cores = os_get_logical_cores();

	if (pixels < 1280 * 960 || cores <= 3)
		return 1; /* 720p and below, or few cores */
	if (pixels >= 1920 * 1080 && cores > 8)
		return 8;
	return cores > 6 ? 3 : 2;
}
