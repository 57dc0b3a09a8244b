/* tempchat-output.c - "TempChat Call": OBS's program into a TempChat room.
 *
 * A raw (unencoded) output: OBS hands it the program as I420 video and
 * 48 kHz float audio, and tempchat-sender.c encodes it with its own video
 * encoders (AV1, VP9, H264, VP8: the call offers those this build has, in
 * TempChat's order, and the best one both sides have wins, as in the web
 * client)
 * and Opus, because unlike OBS's encoders those can make a keyframe on
 * every PLI/FIR and follow the call's target bitrate while running.
 *
 * start() never blocks: it validates the settings and starts the call's
 * session thread. Capture begins when a peer joins (the sender encodes
 * nothing until the call connects but the one keyframe it makes while the
 * call connects, sent the moment it has); a fatal call
 * error stops the output with a code and a localized last error. Both
 * happen on the output's control thread, never on the session thread (OBS
 * calls back into us from begin/stop).
 */
#include <glib.h>
#include <obs-module.h>
#include <util/dstr.h>
#include <util/threading.h>

#include "tempchat-sender.h"
#include "tempchat-settings.h"
#include "tempchat-status.h"
#include "tempchat-video-encoder.h"

enum control_type { CONTROL_BEGIN, CONTROL_FAIL, CONTROL_QUIT };

struct control {
	enum control_type type;
	tc_status status;
};

struct tempchat_output {
	obs_output_t *output;

	/* The call; written by start/stop (OBS's thread), read by the
	 * status proc. */
	pthread_mutex_t lock;
	tc_session *session;
	struct tempchat_sender *sender;
	struct tempchat_settings settings;

	/* Held by the raw callbacks while they hand a frame to the sender,
	 * and by free_call while it takes the sender away: OBS 29 ends data
	 * capture on a thread of its own, so frames can still arrive after
	 * stop returned. The callbacks only copy under it. */
	pthread_mutex_t raw_lock;

	/* Serializes the control thread with stop: no capture begins after
	 * stop has started. */
	pthread_mutex_t control_lock;
	bool running;
	bool capturing;

	struct tempchat_problem problem;

	GAsyncQueue *control;
	pthread_t control_thread;
};

/* ------------------------------------------------------------ status */

static void format_status(struct tempchat_output *to, struct dstr *out)
{
	pthread_mutex_lock(&to->lock);
	tempchat_status_line(out, &to->problem, to->session);
	pthread_mutex_unlock(&to->lock);
}

/* ---------------------------------------------------- control thread */

static void free_call(struct tempchat_output *to);

static void post_control(struct tempchat_output *to, enum control_type type,
			 tc_status status)
{
	struct control *c = bzalloc(sizeof(*c));
	c->type = type;
	c->status = status;
	g_async_queue_push(to->control, c);
}

static int stop_code_of(tc_status st)
{
	switch (st) {
	case TC_ERR_BAD_ROOM:
	case TC_ERR_BAD_URL:
	case TC_ERR_INSECURE_URL:
	case TC_ERR_BAD_CHANNEL:
		return OBS_OUTPUT_BAD_PATH;
	case TC_ERR_CONNECT:
	case TC_ERR_TLS:
	case TC_ERR_HANDSHAKE:
	case TC_ERR_ROOM_FULL:
	case TC_ERR_SUBSCRIBE:
	case TC_ERR_TURN:
		return OBS_OUTPUT_CONNECT_FAILED;
	default:
		/* Never OBS_OUTPUT_DISCONNECTED: OBS would restart us, and the
		 * core has already tried to get the call back. */
		return OBS_OUTPUT_ERROR;
	}
}

static void begin_capture(struct tempchat_output *to)
{
	struct obs_video_info ovi;
	struct video_scale_info vconv;
	struct audio_convert_info aconv;

	if (to->capturing || !obs_get_video_info(&ovi))
		return;
	tempchat_sender_conversions(ovi.output_width, ovi.output_height, &vconv,
				    &aconv);
	obs_output_set_video_conversion(to->output, &vconv);
	obs_output_set_audio_conversion(to->output, &aconv);
	if (!obs_output_can_begin_data_capture(to->output, 0))
		return;
	to->capturing = obs_output_begin_data_capture(to->output, 0);
	blog(LOG_INFO, "[tempchat] a peer joined; taking the program%s",
	     to->capturing ? "" : " failed");
}

/* The call failed for good: tell OBS (which ends capture, so no frame
 * reaches the sender any more), then end the call. Not under control_lock:
 * OBS signals "stop" to its own handlers from here. */
static void fail(struct tempchat_output *to, tc_status status)
{
	obs_output_set_last_error(to->output, tempchat_status_text(status));
	obs_output_signal_stop(to->output, stop_code_of(status));
	pthread_mutex_lock(&to->lock);
	free_call(to);
	pthread_mutex_unlock(&to->lock);
}

static void *control_thread(void *data)
{
	struct tempchat_output *to = data;

	os_set_thread_name("tempchat-output");
	for (;;) {
		struct control *c = g_async_queue_pop(to->control);
		enum control_type type = c->type;
		tc_status status = c->status;

		bfree(c);
		if (type == CONTROL_QUIT)
			break;
		pthread_mutex_lock(&to->control_lock);
		if (to->running && type == CONTROL_BEGIN) {
			begin_capture(to);
		} else if (to->running && type == CONTROL_FAIL) {
			to->running = false;
			to->capturing = false;
			pthread_mutex_unlock(&to->control_lock);
			fail(to, status);
			continue;
		}
		pthread_mutex_unlock(&to->control_lock);
	}
	return NULL;
}

/* ----------------------------------------------------- session events */

static void on_session_event(tc_session *s, const tc_session_event *ev,
			     void *data)
{
	struct tempchat_output *to = data;

	UNUSED_PARAMETER(s);
	switch (ev->type) {
	case TC_SESSION_EV_STATE:
		blog(LOG_INFO, "[tempchat] output call %s",
		     tc_session_state_str(ev->state));
		if (ev->state == TC_SESSION_CONNECTED)
			tempchat_problem_set(&to->problem, NULL);
		/* From the peer's arrival on (begin_capture once). */
		if (ev->state == TC_SESSION_NEGOTIATING ||
		    ev->state == TC_SESSION_CONNECTING ||
		    ev->state == TC_SESSION_CONNECTED)
			post_control(to, CONTROL_BEGIN, TC_OK);
		break;
	case TC_SESSION_EV_ERROR:
		blog(ev->fatal ? LOG_WARNING : LOG_INFO,
		     "[tempchat] output call error %s",
		     tc_status_name(ev->status));
		tempchat_problem_set(&to->problem,
				     tempchat_status_text(ev->status));
		if (ev->fatal)
			post_control(to, CONTROL_FAIL, ev->status);
		break;
	default:
		break;
	}
	tempchat_sender_on_event(to->sender, ev);
}

/* ------------------------------------------------------ obs callbacks */

static const char *tempchat_output_name(void *unused)
{
	UNUSED_PARAMETER(unused);
	return obs_module_text("TempChatCall");
}

/* to->lock held. */
static void free_call(struct tempchat_output *to)
{
	struct tempchat_sender *sender = to->sender;

	if (sender != NULL)
		tempchat_sender_detach(sender);
	tc_session_free(to->session); /* no event after it returns */
	to->session = NULL;
	pthread_mutex_lock(&to->raw_lock);
	to->sender = NULL;
	pthread_mutex_unlock(&to->raw_lock);
	tempchat_sender_free(sender);
	tempchat_settings_clear(&to->settings);
}

static bool fail_start(struct tempchat_output *to, const char *message)
{
	blog(LOG_WARNING, "[tempchat] output not started");
	tempchat_problem_set(&to->problem, message);
	obs_output_set_last_error(to->output, message);
	return false;
}

static bool tempchat_output_start(void *data)
{
	struct tempchat_output *to = data;
	obs_data_t *settings = obs_output_get_settings(to->output);
	struct obs_video_info ovi;
	tc_session_config cfg;
	tc_status st = TC_OK;
	const char *problem;

	pthread_mutex_lock(&to->lock);
	free_call(to);
	tempchat_settings_read(&to->settings, settings);
	obs_data_release(settings);
	problem = tempchat_settings_problem(&to->settings);
	if (problem == NULL && !obs_get_video_info(&ovi))
		problem = obs_module_text("Error.NoVideo");
	tc_session_config_init(&cfg);
	cfg.n_video_codecs = tempchat_video_encoder_codecs(cfg.video_codecs);
	if (problem == NULL && cfg.n_video_codecs == 0)
		problem = obs_module_text("Error.NoEncoder");
	if (problem != NULL) {
		pthread_mutex_unlock(&to->lock);
		return fail_start(to, problem);
	}
	tempchat_problem_set(&to->problem, NULL);
	pthread_mutex_lock(&to->raw_lock);
	to->sender = tempchat_sender_new(ovi.output_width, ovi.output_height,
					 to->settings.quality);
	pthread_mutex_unlock(&to->raw_lock);
	tempchat_settings_to_config(&to->settings, &cfg);
	cfg.send_audio = cfg.send_video = true;
	if (to->sender != NULL)
		to->session = tc_session_new(&cfg, on_session_event, to, &st);
	pthread_mutex_lock(&to->control_lock);
	to->running = to->session != NULL;
	pthread_mutex_unlock(&to->control_lock);
	if (to->session != NULL)
		st = tc_session_start(to->session);
	if (to->session == NULL || st != TC_OK) {
		free_call(to);
		pthread_mutex_unlock(&to->lock);
		return fail_start(to, tempchat_status_text(st));
	}
	tempchat_sender_attach(to->sender, to->session);
	pthread_mutex_unlock(&to->lock);
	blog(LOG_INFO, "[tempchat] output joining its room");
	return true;
}

static void tempchat_output_stop(void *data, uint64_t ts)
{
	struct tempchat_output *to = data;
	bool capturing;

	UNUSED_PARAMETER(ts);
	pthread_mutex_lock(&to->control_lock);
	to->running = false;
	capturing = to->capturing;
	to->capturing = false;
	pthread_mutex_unlock(&to->control_lock);
	/* Has OBS disconnect the raw callbacks, on a thread of its own (frames
	 * may still come while free_call runs: raw_lock); when capture never
	 * began it only tells OBS we stopped. */
	obs_output_end_data_capture(to->output);
	pthread_mutex_lock(&to->lock);
	free_call(to);
	pthread_mutex_unlock(&to->lock);
	blog(LOG_INFO, "[tempchat] output stopped%s",
	     capturing ? "" : " before the call connected");
}

static void tempchat_output_raw_video(void *data, struct video_data *frame)
{
	struct tempchat_output *to = data;

	/* Frames come between begin and end of data capture, and the end
	 * can come after stop freed the sender (raw_lock). */
	pthread_mutex_lock(&to->raw_lock);
	if (to->sender != NULL)
		tempchat_sender_push_video(to->sender, frame);
	pthread_mutex_unlock(&to->raw_lock);
}

static void tempchat_output_raw_audio(void *data, struct audio_data *frames)
{
	struct tempchat_output *to = data;

	pthread_mutex_lock(&to->raw_lock);
	if (to->sender != NULL)
		tempchat_sender_push_audio(to->sender, frames);
	pthread_mutex_unlock(&to->raw_lock);
}

static void get_status_proc(void *data, calldata_t *cd)
{
	struct dstr status = {0};

	format_status(data, &status);
	calldata_set_string(cd, "status", status.array ? status.array : "");
	dstr_free(&status);
}

static void get_sender_stats_proc(void *data, calldata_t *cd)
{
	struct tempchat_output *to = data;
	struct tempchat_sender_counters c = {0};

	pthread_mutex_lock(&to->lock);
	if (to->sender != NULL)
		tempchat_sender_get_counters(to->sender, &c);
	pthread_mutex_unlock(&to->lock);
	calldata_set_int(cd, "frames", (long long)c.frames);
	calldata_set_int(cd, "keyframes", (long long)c.keyframes);
	calldata_set_int(cd, "keyframe_requests",
			 (long long)c.keyframe_requests);
	calldata_set_int(cd, "answered_requests",
			 (long long)c.answered_requests);
	calldata_set_int(cd, "missed_requests", (long long)c.missed_requests);
	calldata_set_int(cd, "dropped", (long long)c.dropped);
	calldata_set_int(cd, "dropped_overshoot",
			 (long long)c.dropped_overshoot);
	calldata_set_int(cd, "bitrate", (long long)c.bitrate_bps);
	calldata_set_string(
		cd, "codec",
		c.codec != TC_SDP_CODEC_NONE ? tc_sdp_codec_name(c.codec) : "");
}

static void tempchat_output_destroy(void *data);

static void *tempchat_output_create(obs_data_t *settings, obs_output_t *output)
{
	struct tempchat_output *to = bzalloc(sizeof(*to));
	proc_handler_t *ph = obs_output_get_proc_handler(output);

	UNUSED_PARAMETER(settings);
	to->output = output;
	pthread_mutex_init(&to->lock, NULL);
	pthread_mutex_init(&to->raw_lock, NULL);
	pthread_mutex_init(&to->control_lock, NULL);
	tempchat_problem_init(&to->problem);
	to->control = g_async_queue_new();
	if (pthread_create(&to->control_thread, NULL, control_thread, to) !=
	    0) {
		g_async_queue_unref(to->control);
		bfree(to);
		return NULL;
	}
	/* For scripts and tests. */
	proc_handler_add(ph, "void get_status(out string status)",
			 get_status_proc, to);
	proc_handler_add(ph,
			 "void get_sender_stats(out int frames, "
			 "out int keyframes, out int keyframe_requests, "
			 "out int answered_requests, out int missed_requests, "
			 "out int dropped, out int dropped_overshoot, "
			 "out int bitrate, out string codec)",
			 get_sender_stats_proc, to);
	return to;
}

static void tempchat_output_destroy(void *data)
{
	struct tempchat_output *to = data;
	struct control *c;

	pthread_mutex_lock(&to->control_lock);
	to->running = false;
	pthread_mutex_unlock(&to->control_lock);
	pthread_mutex_lock(&to->lock);
	free_call(to); /* no more events, so no more controls */
	pthread_mutex_unlock(&to->lock);
	post_control(to, CONTROL_QUIT, TC_OK);
	pthread_join(to->control_thread, NULL);
	while ((c = g_async_queue_try_pop(to->control)) != NULL)
		bfree(c);
	g_async_queue_unref(to->control);
	pthread_mutex_destroy(&to->lock);
	pthread_mutex_destroy(&to->raw_lock);
	pthread_mutex_destroy(&to->control_lock);
	tempchat_problem_free(&to->problem);
	bfree(to);
}

static obs_properties_t *tempchat_output_properties(void *data)
{
	struct tempchat_output *to = data;
	obs_properties_t *props = obs_properties_create();
	struct dstr status = {0};

	if (to != NULL)
		format_status(to, &status);
	else
		tempchat_status_format(&status, NULL, NULL);
	obs_properties_add_text(props, "status", status.array, OBS_TEXT_INFO);
	dstr_free(&status);
	tempchat_settings_add_properties(props);
	return props;
}

static void tempchat_output_defaults(obs_data_t *settings)
{
	tempchat_settings_defaults(settings);
}

struct obs_output_info tempchat_output_info = {
	.id = "tempchat_output",
	.flags = OBS_OUTPUT_AV,
	.get_name = tempchat_output_name,
	.create = tempchat_output_create,
	.destroy = tempchat_output_destroy,
	.start = tempchat_output_start,
	.stop = tempchat_output_stop,
	.raw_video = tempchat_output_raw_video,
	.raw_audio = tempchat_output_raw_audio,
	.get_defaults = tempchat_output_defaults,
	.get_properties = tempchat_output_properties,
};
