/* gsttempchatfec.c - Opus in-band FEC where it pays (gsttempchatfec.h). */
#include "gsttempchatfec.h"

#include <gst/audio/gstaudiodecoder.h>
#include <math.h>

#include "tempchat/tc_opus.h"

void
gst_tempchat_fec_send_init (GstTempchatFecSend *f)
{
  f->lossy_until = GST_CLOCK_TIME_NONE;
  f->percent = 0;
}

gint
gst_tempchat_fec_send_percent (GstTempchatFecSend *f, gdouble loss_fraction,
    GstClockTime now)
{
  if (loss_fraction > 0) {
    gint reported = (gint) ceil (loss_fraction * 100);
    gint want = CLAMP (reported, GST_TEMPCHAT_FEC_MIN_PERCENT,
        GST_TEMPCHAT_FEC_MAX_PERCENT);
    /* A burst's share is kept for the whole hold, not the last report's. */
    gboolean holding = GST_CLOCK_TIME_IS_VALID (f->lossy_until)
        && now < f->lossy_until;
    f->percent = holding ? MAX (f->percent, want) : want;
    f->lossy_until = now + GST_TEMPCHAT_FEC_HOLD;
  } else if (!GST_CLOCK_TIME_IS_VALID (f->lossy_until)
      || now >= f->lossy_until) {
    f->percent = 0;
  }
  return f->percent;
}

/* On opusdec's sink pad, in the streaming thread, before it decodes: the
 * switch happens between two packets, as opusdec expects of its property
 * (it starts holding with the packet that comes next). */
static GstPadProbeReturn
hold_once_fec_comes (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstElement *dec = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  gboolean fec;
  guint32 samples;

  if (gst_buffer_get_size (buf) == 0
      || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  fec = tc_opus_packet_has_fec (map.data, map.size);
  samples = tc_opus_packet_samples (map.data, map.size);
  gst_buffer_unmap (buf, &map);
  if (!fec || samples == 0)
    return GST_PAD_PROBE_OK;

  g_object_set (dec, "use-inband-fec", TRUE, NULL);
  gst_audio_decoder_set_latency (GST_AUDIO_DECODER (dec),
      gst_util_uint64_scale (samples, GST_SECOND, 48000), 120 * GST_MSECOND);
  GST_INFO_OBJECT (dec, "the sender's packets carry in-band FEC: held back "
      "%u samples for it", samples);
  gst_element_post_message (dec, gst_message_new_latency (GST_OBJECT (dec)));
  (void) pad;
  return GST_PAD_PROBE_REMOVE;
}

void
gst_tempchat_fec_follow_sender (GstElement *opusdec)
{
  GstPad *pad = gst_element_get_static_pad (opusdec, "sink");

  g_object_set (opusdec, "use-inband-fec", FALSE, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, hold_once_fec_comes,
      opusdec, NULL);
  gst_object_unref (pad);
}
