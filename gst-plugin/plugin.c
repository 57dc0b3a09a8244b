/* plugin.c - the "tempchat" GStreamer plugin: joins TempChat calls.
 *
 * tempchatsink (send into a room) and tempchatsrc (receive the remote peer)
 * share one core session per room (gsttempchatcall.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "tempchat/tc_log.h"
#include "gsttempchat.h"

GST_DEBUG_CATEGORY (tempchat_debug);
GST_DEBUG_CATEGORY_STATIC (tempchat_core_debug);

/* The core logs through GLib under the "tempchat" domain; in a GStreamer
 * application its lines belong in GStreamer's debug log (GST_DEBUG=
 * tempchatcore:5), not on stderr: what the user must know reaches the bus
 * as warnings and errors. */
static void
core_log (const gchar *domain, GLogLevelFlags level, const gchar *message,
    gpointer unused)
{
  GstDebugLevel gst_level = GST_LEVEL_DEBUG;

  if (level & G_LOG_LEVEL_ERROR || level & G_LOG_LEVEL_CRITICAL)
    gst_level = GST_LEVEL_ERROR;
  else if (level & G_LOG_LEVEL_WARNING)
    gst_level = GST_LEVEL_WARNING;
  else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    gst_level = GST_LEVEL_INFO;
  GST_CAT_LEVEL_LOG (tempchat_core_debug, gst_level, NULL, "%s", message);
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  GST_DEBUG_CATEGORY_INIT (tempchat_debug, "tempchat", 0,
      "TempChat peers (signaling and call state; never ids or addresses)");
  GST_DEBUG_CATEGORY_INIT (tempchat_core_debug, "tempchatcore", 0,
      "TempChat core: signaling, ICE, DTLS, RTP (never ids or addresses)");
  g_log_set_handler (TC_LOG_DOMAIN, G_LOG_LEVEL_MASK, core_log, NULL);
  gst_tempchat_layer_meta_register ();
  ret |= GST_ELEMENT_REGISTER (tempchatsink, plugin);
  ret |= GST_ELEMENT_REGISTER (tempchatsrc, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tempchat,
    "Join TempChat browser video calls (ScaleDrone signaling, WebRTC media)",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
