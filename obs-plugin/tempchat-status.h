/* tempchat-status.h - the one-line call status shown in the properties of
 * the source and the output, from the core's stats (the same numbers the
 * GStreamer elements' "stats" property gives). Private to obs-plugin/. */
#pragma once

#include <stdbool.h>
#include <util/dstr.h>
#include <util/threading.h>

#include "tempchat/tc_session.h"

/* Writes the status into `out`: `problem` when set (what went wrong, a
 * sentence), else what `stats` say ("Waiting for the guest", "Connected
 * directly: VP8 1280x720, 1.8 Mbit/s, round trip 12 ms", ...). `stats` is
 * NULL when there is no session. Localized; never holds ids or addresses. */
void tempchat_status_format(struct dstr *out, const char *problem,
			    const tc_session_stats *stats);

/* What went wrong last, set by the session thread and read by OBS's. */
struct tempchat_problem {
	pthread_mutex_t lock;
	struct dstr text;
};

void tempchat_problem_init(struct tempchat_problem *p);
void tempchat_problem_free(struct tempchat_problem *p);
/* Sets (or with NULL clears) the sentence. Any thread. */
void tempchat_problem_set(struct tempchat_problem *p, const char *text);

/* The status line for a source or output: `p`, else the stats of
 * `session` (NULL: none). The caller keeps `session` alive meanwhile. */
void tempchat_status_line(struct dstr *out, struct tempchat_problem *p,
			  tc_session *session);
