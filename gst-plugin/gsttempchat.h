/* gsttempchat.h - what the files of the tempchat plugin share: the debug
 * category and the element registrations. Private to gst-plugin/.
 */
#ifndef GST_TEMPCHAT_H
#define GST_TEMPCHAT_H

#include <gst/gst.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (tempchat_debug);

GST_ELEMENT_REGISTER_DECLARE (tempchatsink);
GST_ELEMENT_REGISTER_DECLARE (tempchatsrc);

/* The custom meta tempchatsrc puts on received video frames whose sender
 * names their temporal layer (VP8 and VP9 payload descriptors, the AV1
 * dependency descriptor): a structure with
 * "temporal-id" (guint). An application's request-encoded-filter (or a
 * decode=false consumer) can drop the upper layers by it. */
#define GST_TEMPCHAT_LAYER_META "TempchatLayerMeta"
void gst_tempchat_layer_meta_register (void);

G_END_DECLS
#endif
