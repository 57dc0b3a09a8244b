/* gsttempchatcodecs.c - which GStreamer elements serve which codec.
 *
 * Debian 12's GStreamer 1.22 has no svtav1enc or dav1ddec: AV1 is encoded
 * by libaom's av1enc and decoded by dav1d, through libavcodec in our own
 * tempchatav1dec (several times faster than libaom's av1dec, which stays
 * the fallback: gsttempchatav1dec.c). H264 prefers x264enc (zerolatency)
 * and falls back to openh264enc; avdec_h264 decodes every profile we
 * answer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "tempchat/tc_payloader.h"
#include "gsttempchatcodecs.h"

static const GstTempchatCodec codecs[] = {
  {TC_SDP_CODEC_AV1, "video/x-av1, stream-format = (string) obu-stream, "
        "alignment = (string) tu", {"av1enc", NULL},
      {"tempchatav1dec", "dav1ddec", "av1dec", NULL}, "av1parse"},
  {TC_SDP_CODEC_VP9, "video/x-vp9", {"vp9enc", NULL}, {"vp9dec", NULL},
      "vp9parse"},
  {TC_SDP_CODEC_H264, "video/x-h264, stream-format = (string) byte-stream, "
        "alignment = (string) au", {"x264enc", "openh264enc", NULL},
      {"avdec_h264", NULL}, "h264parse"},
  {TC_SDP_CODEC_VP8, "video/x-vp8", {"vp8enc", NULL}, {"vp8dec", NULL},
      NULL},
  {TC_SDP_CODEC_OPUS, "audio/x-opus, channel-mapping-family = (int) 0, "
        "rate = (int) 48000, channels = (int) 2", {"opusenc", NULL},
      {"opusdec", NULL}, NULL},
};

const GstTempchatCodec *
gst_tempchat_codec_get (tc_sdp_codec codec)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].codec == codec)
      return &codecs[i];
  return NULL;
}

const GstTempchatCodec *
gst_tempchat_codec_for_caps (const GstCaps *caps)
{
  const GstStructure *s = caps != NULL && !gst_caps_is_empty (caps) ?
      gst_caps_get_structure (caps, 0) : NULL;

  for (gsize i = 0; s != NULL && i < G_N_ELEMENTS (codecs); i++) {
    const gchar *name = codecs[i].caps;
    gsize len = strcspn (name, ",");
    if (strlen (gst_structure_get_name (s)) == len
        && strncmp (gst_structure_get_name (s), name, len) == 0)
      return &codecs[i];
  }
  return NULL;
}

static gboolean
have (const gchar *factory)
{
  GstElementFactory *f = gst_element_factory_find (factory);

  if (f == NULL)
    return FALSE;
  gst_object_unref (f);
  return TRUE;
}

/* The first factory of `list` (NULL-terminated) this machine has. */
static const gchar *
first_present (const gchar *const *list)
{
  for (gsize i = 0; list[i] != NULL; i++)
    if (have (list[i]))
      return list[i];
  return NULL;
}

const gchar *
gst_tempchat_codec_encoder (const GstTempchatCodec *c)
{
  return c != NULL ? first_present (c->encoders) : NULL;
}

const gchar *
gst_tempchat_codec_decoder (const GstTempchatCodec *c)
{
  return c != NULL ? first_present (c->decoders) : NULL;
}

gsize
gst_tempchat_codecs_usable (const tc_sdp_codec *in, gsize n,
    tc_sdp_codec *out)
{
  gsize k = 0;

  for (gsize i = 0; i < n; i++) {
    const GstTempchatCodec *c = gst_tempchat_codec_get (in[i]);
    if (c != NULL && tc_payloader_find (tc_sdp_codec_name (in[i])) != NULL
        && gst_tempchat_codec_encoder (c) != NULL
        && gst_tempchat_codec_decoder (c) != NULL)
      out[k++] = in[i];
  }
  return k;
}
