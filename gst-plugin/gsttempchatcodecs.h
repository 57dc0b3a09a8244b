/* gsttempchatcodecs.h - the GStreamer elements for each codec a call may
 * negotiate: encoded caps, encoders, decoder, parser. Private to gst-plugin/.
 */
#ifndef GST_TEMPCHAT_CODECS_H
#define GST_TEMPCHAT_CODECS_H

#include <gst/gst.h>

#include "tempchat/tc_sdp.h"

G_BEGIN_DECLS

typedef struct
{
  tc_sdp_codec codec;
  /* Encoded caps as the core's payloaders take and give them. */
  const gchar *caps;
  /* Encoder factories, preferred first (NULL-terminated). */
  const gchar *encoders[3];
  /* Decoder factories, preferred first (NULL-terminated). */
  const gchar *decoders[4];
  /* Completes encoded caps (size, profile, the stream format a muxer
   * wants); NULL where GStreamer 1.22 has none (VP8). */
  const gchar *parser;
} GstTempchatCodec;

/* NULL for a codec we have no elements for. */
const GstTempchatCodec *gst_tempchat_codec_get (tc_sdp_codec codec);

/* The codec of encoded caps (video/x-vp9, audio/x-opus...), or NULL. */
const GstTempchatCodec *gst_tempchat_codec_for_caps (const GstCaps *caps);

/* The first of c's encoders this machine has, or NULL. */
const gchar *gst_tempchat_codec_encoder (const GstTempchatCodec *c);
/* The first of c's decoders this machine has, or NULL. */
const gchar *gst_tempchat_codec_decoder (const GstTempchatCodec *c);

/* The codecs of `in` (n of them, in order) that the core can packetize and
 * this machine can both encode and decode, into `out`; returns how many. */
gsize gst_tempchat_codecs_usable (const tc_sdp_codec *in, gsize n,
    tc_sdp_codec *out);

G_END_DECLS
#endif
