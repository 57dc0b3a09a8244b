/* gsttempchatencoder.h - the video encoder tempchatsink creates for the
 * negotiated codec, set up for a real-time call. Private to gst-plugin/.
 */
#ifndef GST_TEMPCHAT_ENCODER_H
#define GST_TEMPCHAT_ENCODER_H

#include <gst/gst.h>

#include "tempchat/tc_sdp.h"

G_BEGIN_DECLS

/* A new encoder for `codec` (a reference we own, not floating), configured
 * for real time at `bps` bit/s with a long keyframe interval (the peer asks
 * for keyframes by PLI/FIR). NULL when this machine has none. */
GstElement *gst_tempchat_video_encoder_new (tc_sdp_codec codec, guint bps);

/* Sets the target bitrate of an encoder made above, in bit/s (each
 * element has its own property and unit). */
void gst_tempchat_video_encoder_set_bitrate (GstElement *enc,
    tc_sdp_codec codec, guint bps);

/* What the encoder must output for our payloaders (H264: Annex B access
 * units in constrained baseline, which every H264 profile we answer can
 * decode). Caller owns the caps. */
GstCaps *gst_tempchat_video_encoder_caps (tc_sdp_codec codec);

G_END_DECLS
#endif
