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

/* The temporal layers `enc` (made above, for `codec`) makes: 3 for VP8
 * and VP9 while it has our L1T3 reference pattern, 1 otherwise (AV1:
 * av1enc of GStreamer 1.22 has no way to make layers; H264). A frame's
 * layer is then tc_l1t3_layer (n, keyframe) for the encoder's n-th output
 * frame (from 0): vpxenc applies the pattern by its frame count. */
guint gst_tempchat_video_encoder_layers (GstElement *enc, tc_sdp_codec codec);

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
