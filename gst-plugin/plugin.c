/* plugin.c - the "tempchat" GStreamer plugin: joins TempChat calls.
 *
 * tempchatsink (send into a room) and tempchatsrc (receive the remote peer)
 * share one core session per room (gsttempchatcall.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttempchat.h"

GST_DEBUG_CATEGORY (tempchat_debug);

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  GST_DEBUG_CATEGORY_INIT (tempchat_debug, "tempchat", 0,
      "TempChat peers (signaling and call state; never ids or addresses)");
  ret |= GST_ELEMENT_REGISTER (tempchatsink, plugin);
  ret |= GST_ELEMENT_REGISTER (tempchatsrc, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tempchat,
    "Join TempChat browser video calls (ScaleDrone signaling, WebRTC media)",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
