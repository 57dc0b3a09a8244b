/* timecode_gst.h - timecode.h on GStreamer buffers: a pad probe that
 * writes the wall-clock time (ms) into each raw frame passing, and the
 * code read back from a raw frame at a sink. Shared by test_gst_latency
 * (--peer g2g-*) and bench/g2g_webrtcbin.c. Header-only.
 */
#ifndef TC_TIMECODE_GST_H
#define TC_TIMECODE_GST_H

#include <gst/gst.h>
#include <gst/video/video.h>

#include "timecode.h"

/* A buffer probe on a raw video pad; `data` is the frames' GstVideoInfo
 * (add it with gst_video_info_free as the destroy notify). */
static G_GNUC_UNUSED GstPadProbeReturn
tc_timecode_stamp_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GstVideoFrame f;

  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (gst_video_frame_map (&f, data, buf, GST_MAP_WRITE)) {
    tc_timecode_draw (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
        GST_VIDEO_FRAME_HEIGHT (&f), g_get_real_time () / 1000);
    gst_video_frame_unmap (&f);
  }
  return GST_PAD_PROBE_OK;
}

/* The code in `buf`, a raw frame with `pad`'s current caps, or -1. */
static G_GNUC_UNUSED gint64
tc_timecode_read_buffer (GstPad *pad, GstBuffer *buf)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoInfo vinfo;
  GstVideoFrame f;
  gint64 code = -1;

  if (caps != NULL && gst_video_info_from_caps (&vinfo, caps)
      && gst_video_frame_map (&f, &vinfo, buf, GST_MAP_READ)) {
    code = tc_timecode_read (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
        GST_VIDEO_FRAME_HEIGHT (&f));
    gst_video_frame_unmap (&f);
  }
  if (caps != NULL)
    gst_caps_unref (caps);
  return code;
}

#endif
