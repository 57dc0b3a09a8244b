/* tempchat-status.h - the one-line call status shown in the properties of
 * the source and the output, from the core's stats (the same numbers the
 * GStreamer elements' "stats" property gives). Private to obs-plugin/. */
#pragma once

#include <stdbool.h>
#include <util/dstr.h>

#include "tempchat/tc_session.h"

/* Writes the status into `out`: `problem` when set (what went wrong, a
 * sentence), else what `stats` say ("Waiting for the guest", "Connected
 * directly: VP8 1280x720, 1.8 Mbit/s, round trip 12 ms", ...). `stats` is
 * NULL when there is no session. Localized; never holds ids or addresses. */
void tempchat_status_format(struct dstr *out, const char *problem,
			    const tc_session_stats *stats);
