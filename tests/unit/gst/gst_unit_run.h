/* gst_unit_run.h - for the gst unit tests: runs a finite pipeline (a
 * source with num-buffers) to its end. Header-only: each test is one
 * program.
 */
#ifndef TC_TESTS_GST_UNIT_RUN_H
#define TC_TESTS_GST_UNIT_RUN_H

#include <gst/gst.h>

/* Plays `pipe` until EOS (an error fails the test, so does no end within
 * 30 s), then stops it. The caller keeps its reference. */
static inline void
gst_unit_run_to_eos (GstElement *pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  g_assert_cmpint (gst_element_set_state (pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
}

#endif
