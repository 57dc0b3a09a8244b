/* video_meta_sink.h - makes an appsink answer the allocation query as
 * videoconvert and display sinks do: it reads strides from GstVideoMeta.
 * appsink alone says nothing, so a decoder before it copies each picture
 * into GStreamer's default strides. Header-only; for the tests and
 * bench/av1_decode.c.
 */
#ifndef TC_TESTS_VIDEO_META_SINK_H
#define TC_TESTS_VIDEO_META_SINK_H

#include <gst/gst.h>
#include <gst/video/video.h>

static GstPadProbeReturn
video_meta_sink_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstQuery *q = GST_PAD_PROBE_INFO_QUERY (info);

  (void) pad;
  (void) data;
  if (GST_QUERY_TYPE (q) == GST_QUERY_ALLOCATION)
    gst_query_add_allocation_meta (q, GST_VIDEO_META_API_TYPE, NULL);
  return GST_PAD_PROBE_OK;
}

/* From now on `sink` (an appsink) takes GstVideoMeta. */
static inline void
video_meta_sink_take_meta (GstElement *sink)
{
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      video_meta_sink_probe, NULL, NULL);
  gst_object_unref (pad);
}

#endif
