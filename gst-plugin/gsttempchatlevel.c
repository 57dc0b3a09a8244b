/* gsttempchatlevel.c - see gsttempchatlevel.h. */
#include "gsttempchatlevel.h"

#define RATE 48000
#define CHANNELS 2

void
gst_tempchat_level_init (GstTempchatLevel *l)
{
  g_mutex_init (&l->lock);
  l->meter = NULL;
}

void
gst_tempchat_level_clear (GstTempchatLevel *l)
{
  g_clear_pointer (&l->meter, tc_audio_meter_free);
  g_mutex_clear (&l->lock);
}

static void
measure (GstTempchatLevel *l, GstBuffer *buf)
{
  GstMapInfo map;

  if (!GST_BUFFER_PTS_IS_VALID (buf) || !gst_buffer_map (buf, &map,
          GST_MAP_READ))
    return;
  g_mutex_lock (&l->lock);
  if (l->meter != NULL)
    tc_audio_meter_add_s16 (l->meter, (gint64) (GST_BUFFER_PTS (buf)
            / GST_USECOND), (const gint16 *) map.data,
        map.size / (sizeof (gint16) * CHANNELS));
  g_mutex_unlock (&l->lock);
  gst_buffer_unmap (buf, &map);
}

/* On the encoder's sink pad, in the streaming thread: the samples of each
 * buffer; a flush or a new segment starts over (timestamps restart). */
static GstPadProbeReturn
level_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstTempchatLevel *l = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    measure (l, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEventType t = GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info));
    if (t == GST_EVENT_FLUSH_STOP || t == GST_EVENT_SEGMENT) {
      g_mutex_lock (&l->lock);
      if (l->meter != NULL)
        tc_audio_meter_reset (l->meter);
      g_mutex_unlock (&l->lock);
    }
  }
  return GST_PAD_PROBE_OK;
}

void
gst_tempchat_level_watch (GstTempchatLevel *l, GstElement *encoder)
{
  GstPad *pad = gst_element_get_static_pad (encoder, "sink");

  g_mutex_lock (&l->lock);
  if (l->meter == NULL)
    l->meter = tc_audio_meter_new (RATE, CHANNELS);
  g_mutex_unlock (&l->lock);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER
      | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, level_probe, l, NULL);
  gst_object_unref (pad);
}

gint
gst_tempchat_level_of (GstTempchatLevel *l, GstBuffer *buf)
{
  gint level = -1;

  if (!GST_BUFFER_PTS_IS_VALID (buf) || !GST_BUFFER_DURATION_IS_VALID (buf))
    return -1;
  gint64 start_us = (gint64) (GST_BUFFER_PTS (buf) / GST_USECOND);
  gint64 end_us = start_us + (gint64) (GST_BUFFER_DURATION (buf) / GST_USECOND);
  g_mutex_lock (&l->lock);
  if (l->meter != NULL)
    level = tc_audio_meter_level (l->meter, start_us, end_us);
  g_mutex_unlock (&l->lock);
  return level;
}
