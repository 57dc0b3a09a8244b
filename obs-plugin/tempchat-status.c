/* tempchat-status.c - the status line (see the header). */
#include <obs-module.h>

#include "tempchat-status.h"

static const char *state_text(tc_session_state state)
{
	switch (state) {
	case TC_SESSION_WAITING:
		return obs_module_text("Status.Waiting");
	case TC_SESSION_NEGOTIATING:
	case TC_SESSION_CONNECTING:
		return obs_module_text("Status.Connecting");
	case TC_SESSION_RECONNECTING:
		return obs_module_text("Status.Reconnecting");
	case TC_SESSION_FAILED:
		return obs_module_text("Status.Failed");
	default:
		/* CLOSED until the signaling server let us into the room. */
		return obs_module_text("Status.Joining");
	}
}

/* " VP8 1280x720, 1.8 Mbit/s" for one direction, or nothing. */
static void append_direction(struct dstr *out, const char *label,
			     const tc_session_stats *st, int dir)
{
	if (st->dir[dir].video_codec == TC_SDP_CODEC_NONE &&
	    st->dir[dir].audio_codec == TC_SDP_CODEC_NONE)
		return;
	dstr_catf(out, "; %s %s", label,
		  tc_sdp_codec_name(st->dir[dir].video_codec));
	if (st->dir[dir].width > 0)
		dstr_catf(out, " %ux%u", st->dir[dir].width,
			  st->dir[dir].height);
	dstr_catf(out, " %.1f Mbit/s",
		  (double)(st->dir[dir].video_bitrate_bps +
			   st->dir[dir].audio_bitrate_bps) /
			  1e6);
}

void tempchat_status_format(struct dstr *out, const char *problem,
			    const tc_session_stats *st)
{
	dstr_free(out);
	if (problem != NULL) {
		dstr_copy(out, problem);
		return;
	}
	if (st == NULL) {
		dstr_copy(out, obs_module_text("Status.Idle"));
		return;
	}
	if (st->state != TC_SESSION_CONNECTED) {
		dstr_copy(out, state_text(st->state));
		return;
	}
	dstr_copy(out, obs_module_text(st->relayed ? "Status.ConnectedRelay"
						   : "Status.ConnectedDirect"));
	append_direction(out, obs_module_text("Status.Receiving"), st, 1);
	append_direction(out, obs_module_text("Status.Sending"), st, 0);
	if (st->rtt_ms >= 0)
		dstr_catf(out, "; %s %.0f ms", obs_module_text("Status.Rtt"),
			  st->rtt_ms);
}

void tempchat_problem_init(struct tempchat_problem *p)
{
	pthread_mutex_init(&p->lock, NULL);
	dstr_init(&p->text);
}

void tempchat_problem_free(struct tempchat_problem *p)
{
	dstr_free(&p->text);
	pthread_mutex_destroy(&p->lock);
}

void tempchat_problem_set(struct tempchat_problem *p, const char *text)
{
	pthread_mutex_lock(&p->lock);
	if (text != NULL)
		dstr_copy(&p->text, text);
	else
		dstr_free(&p->text);
	pthread_mutex_unlock(&p->lock);
}

void tempchat_status_line(struct dstr *out, struct tempchat_problem *p,
			  tc_session *session)
{
	tc_session_stats stats;
	bool have = session != NULL &&
		    tc_session_get_stats(session, &stats) == TC_OK;
	struct dstr problem = {0};

	pthread_mutex_lock(&p->lock);
	dstr_copy_dstr(&problem, &p->text);
	pthread_mutex_unlock(&p->lock);
	tempchat_status_format(out,
			       dstr_is_empty(&problem) ? NULL : problem.array,
			       have ? &stats : NULL);
	dstr_free(&problem);
}
