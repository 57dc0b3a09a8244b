/* plugin.c - the "tempchat" GStreamer plugin: joins TempChat calls.
 *
 * Elements register here as they land: tempchatsink (send into a room) and
 * tempchatsrc (receive the remote peer) share one core session per room.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

GST_DEBUG_CATEGORY (tempchat_debug);

static gboolean
plugin_init (GstPlugin *plugin)
{
  GST_DEBUG_CATEGORY_INIT (tempchat_debug, "tempchat", 0,
      "TempChat peers (signaling and call state; never ids or addresses)");
  return TRUE;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tempchat,
    "Join TempChat browser video calls (ScaleDrone signaling, WebRTC media)",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
