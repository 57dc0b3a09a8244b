/* stdin_closed.h - the test peers (tc_obs_gst_peer, tc_obs_peer) run until
 * the test closes their stdin. */
#pragma once

#include <glib.h>

/* A GIOChannel watch on stdin that quits `loop` (a GMainLoop) at EOF. */
static inline gboolean stdin_closed_quit(GIOChannel *ch, GIOCondition cond,
					 gpointer loop)
{
	gchar buf[64];
	gsize n = 0;

	if ((cond & G_IO_IN) != 0 &&
	    g_io_channel_read_chars(ch, buf, sizeof buf, &n, NULL) ==
		    G_IO_STATUS_NORMAL &&
	    n > 0)
		return G_SOURCE_CONTINUE;
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}
