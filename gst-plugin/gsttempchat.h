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

G_END_DECLS
#endif
