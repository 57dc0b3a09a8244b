/* tempchat-source.c - "TempChat Guest": the remote guest of a TempChat
 * room as an async video + audio source.
 *
 * Threads:
 *   session thread  the core calls on_session_event: frames are copied into
 *                   the decode queue (never decoded there), the rest is
 *                   noted for the status line
 *   decode thread   decodes with libavcodec and hands pictures and audio to
 *                   OBS with their times, so OBS keeps them in sync
 *                   and joins and leaves calls when the settings change
 *   OBS threads     create/update/destroy/properties. OBS runs a video
 *                   source's update on its video thread, so update only
 *                   hands the settings over: leaving a room waits for the
 *                   session thread, which the decode thread may do
 * Locks: session_lock guards the session pointer (held while stopping it,
 * never taken by the session thread); pending_lock guards the settings
 * handed over; the problem (tempchat-status.h) has its own, the only one
 * the session thread takes.
 */
#include <glib.h>
#include <obs-module.h>
#include <util/dstr.h>
#include <util/platform.h>
#include <util/threading.h>

#include "tempchat-audio-clock.h"
#include "tempchat-decoder.h"
#include "tempchat-invite.h"
#include "tempchat-sender.h"
#include "tempchat-settings.h"
#include "tempchat-status.h"
#include "tempchat-video-encoder.h"

#define OPT_LATENCY_MS "latency_ms"
#define OPT_IDLE "idle"
#define OPT_SEND_PROGRAM "send_program"
#define OPT_WEB_URL "web_url"
#define OPT_NEW_ROOM "new_room"
#define OPT_INVITE_LINK "invite_link"
#define OPT_STATUS "status"

#define IDLE_NOTHING "nothing"
#define IDLE_LAST_FRAME "last_frame"
/* 0: adaptive, the call's playout delay (what the network's jitter,
 * reordering and retransmissions need, a few tens of ms on a clean one). */
#define DEFAULT_LATENCY_MS 0
/* While adaptive, before the call has measured anything. */
#define ADAPTIVE_START_US 20000
#define DEFAULT_WEB_URL "https://teams.securityops.co/"
/* Video frames waiting for the decoder (2 s at 30 fps) beyond which we drop
 * until the next keyframe, which we ask the guest for, rather than fall
 * further behind. */
#define MAX_QUEUED_VIDEO 60

enum item_type {
	ITEM_FRAME,
	ITEM_CLEAR,   /* the guest left and the source shows nothing */
	ITEM_RESTART, /* the settings changed: maybe join another call */
	ITEM_QUIT,
};

struct item {
	enum item_type type;
	tc_media_kind kind;
	tc_sdp_codec codec;
	int64_t pts_us;
	int64_t latency_us; /* the call's playout delay then */
	bool keyframe;
	size_t len;
	uint8_t data[];
};

struct tempchat_source {
	obs_source_t *source;

	pthread_mutex_t session_lock;
	tc_session *session;
	struct tempchat_settings settings; /* of the running session */
	struct tempchat_sender *sender;    /* send_program */

	struct tempchat_problem problem; /* for the status line */

	pthread_mutex_t pending_lock;
	struct tempchat_settings pending;
	bool pending_send_program;
	bool have_pending;

	/* Read by the session and decode threads. */
	volatile long latency_ms;
	volatile bool idle_last_frame;
	bool send_program;

	/* Video received in this room since the source joined it (as the
	 * session's keyframe_requests and nacks are; get_receiver_stats);
	 * reset by start_call, counted on the session thread (and frames
	 * the decode thread skips while waiting for a keyframe). */
	volatile long frames_received;
	volatile long keyframes_received;
	volatile long frames_dropped;

	/* Session thread only. */
	bool drop_until_keyframe;
	uint64_t created_ns;
	bool first_frame_logged;
	bool joined; /* was in the room once */

	GAsyncQueue *queue;
	volatile long queued_video;
	pthread_t decode_thread;
	bool decode_thread_started;
};

/* ----------------------------------------------------------- status */

static void format_status(struct tempchat_source *ts, struct dstr *out)
{
	pthread_mutex_lock(&ts->session_lock);
	tempchat_status_line(out, &ts->problem, ts->session);
	pthread_mutex_unlock(&ts->session_lock);
}

/* ----------------------------------------------------- decode thread */

static void push_item(struct tempchat_source *ts, enum item_type type)
{
	struct item *it = bzalloc(sizeof(*it));
	it->type = type;
	g_async_queue_push(ts->queue, it);
}

/* When OBS shows the frame: its time plus the fixed latency, or while
 * adaptive (latency_ms 0) the playout delay the call measured. */
static uint64_t presentation_ns(struct tempchat_source *ts,
				const struct item *it)
{
	int64_t delay_us = os_atomic_load_long(&ts->latency_ms) * 1000;

	if (delay_us <= 0)
		delay_us =
			it->latency_us > 0 ? it->latency_us : ADAPTIVE_START_US;
	int64_t t = it->pts_us + delay_us;
	return t > 0 ? (uint64_t)t * 1000 : 0;
}

struct decoders {
	struct tempchat_decoder *video;
	struct tempchat_decoder *audio;
	bool need_keyframe;
	struct tempchat_audio_clock audio_clock;
	float *stretched; /* audio played faster or slower */
	size_t stretched_samples;
};

static void decoders_clear(struct decoders *d)
{
	tempchat_decoder_free(d->video);
	tempchat_decoder_free(d->audio);
	bfree(d->stretched);
	*d = (struct decoders){.need_keyframe = true};
}

static struct tempchat_decoder **decoder_for(struct decoders *d,
					     const struct item *it)
{
	struct tempchat_decoder **dec =
		it->kind == TC_MEDIA_VIDEO ? &d->video : &d->audio;
	if (*dec != NULL && tempchat_decoder_codec(*dec) != it->codec)
		tempchat_decoder_free(*dec), *dec = NULL;
	if (*dec == NULL)
		*dec = tempchat_decoder_new(it->codec);
	return dec;
}

static void decode_video(struct tempchat_source *ts, struct decoders *d,
			 const struct item *it)
{
	struct tempchat_decoder **dec = decoder_for(d, it);
	struct obs_source_frame frame;

	if (*dec == NULL || (d->need_keyframe && !it->keyframe)) {
		os_atomic_inc_long(&ts->frames_dropped);
		return;
	}
	/* A frame that does not decode is skipped; the decoder conceals what
	 * it can in the next ones while the guest makes a keyframe. A frame
	 * that decodes into a pixel format we do not show is skipped too,
	 * but a keyframe would come out the same: no request then. The
	 * session pointer changes only on this thread (restart). */
	switch (tempchat_decoder_video(*dec, it->data, it->len,
				       presentation_ns(ts, it), &frame)) {
	case TEMPCHAT_DECODE_PICTURE:
		d->need_keyframe = false;
		obs_source_output_video(ts->source, &frame);
		break;
	case TEMPCHAT_DECODE_NO_PICTURE:
	case TEMPCHAT_DECODE_UNSUPPORTED:
		d->need_keyframe = false;
		break;
	case TEMPCHAT_DECODE_ERROR:
		if (ts->session != NULL)
			tc_session_request_keyframe(ts->session);
		break;
	}
}

/* `audio` stretched to `frames` samples per channel, in d->stretched. */
static void stretch_audio(struct decoders *d, struct obs_source_audio *audio,
			  uint32_t frames)
{
	size_t channels = audio->speakers == SPEAKERS_MONO ? 1 : 2;
	size_t need = channels * frames;

	if (need > d->stretched_samples) {
		d->stretched = brealloc(d->stretched, need * sizeof(float));
		d->stretched_samples = need;
	}
	for (size_t c = 0; c < channels; c++) {
		float *out = d->stretched + c * frames;
		tempchat_audio_stretch((const float *)audio->data[c],
				       audio->frames, out, frames);
		audio->data[c] = (const uint8_t *)out;
	}
	audio->frames = frames;
}

static void decode_audio(struct tempchat_source *ts, struct decoders *d,
			 const struct item *it)
{
	struct tempchat_decoder **dec = decoder_for(d, it);
	struct obs_source_audio audio;
	uint64_t t = presentation_ns(ts, it);
	uint32_t frames;

	if (*dec == NULL ||
	    !tempchat_decoder_audio(*dec, it->data, it->len, t, &audio))
		return;
	/* Continuous for OBS, and following the call's media clock (which
	 * brings it in sync with the video) by playing slightly faster or
	 * slower: tempchat-audio-clock.h. */
	audio.timestamp = tempchat_audio_clock_place(&d->audio_clock, t,
						     audio.frames,
						     audio.samples_per_sec,
						     &frames);
	if (frames != audio.frames)
		stretch_audio(d, &audio, frames);
	obs_source_output_audio(ts->source, &audio);
}

static bool restart(struct tempchat_source *ts);

static void *decode_thread(void *data)
{
	struct tempchat_source *ts = data;
	struct decoders d = {.need_keyframe = true};
	bool quit = false;

	os_set_thread_name("tempchat-decode");
	while (!quit) {
		struct item *it = g_async_queue_pop(ts->queue);
		switch (it->type) {
		case ITEM_FRAME:
			if (it->kind == TC_MEDIA_VIDEO) {
				os_atomic_dec_long(&ts->queued_video);
				decode_video(ts, &d, it);
			} else {
				decode_audio(ts, &d, it);
			}
			break;
		case ITEM_CLEAR:
			obs_source_output_video(ts->source, NULL);
			break;
		case ITEM_RESTART:
			if (restart(ts))
				decoders_clear(&d);
			break;
		case ITEM_QUIT:
			quit = true;
			break;
		}
		bfree(it);
	}
	decoders_clear(&d);
	return NULL;
}

/* ----------------------------------------------------- session events */

/* On the session thread: copy and queue, never decode here. */
static void on_frame(struct tempchat_source *ts, tc_session *s,
		     const tc_session_event *ev)
{
	const tc_frame *f = ev->frame;
	struct item *it;

	if (f == NULL || f->len == 0)
		return;
	if (ev->kind == TC_MEDIA_VIDEO) {
		os_atomic_inc_long(&ts->frames_received);
		if (f->keyframe)
			os_atomic_inc_long(&ts->keyframes_received);
		if (ts->drop_until_keyframe && !f->keyframe) {
			os_atomic_inc_long(&ts->frames_dropped);
			return;
		}
		if (os_atomic_load_long(&ts->queued_video) >=
		    MAX_QUEUED_VIDEO) {
			os_atomic_inc_long(&ts->frames_dropped);
			if (!ts->drop_until_keyframe)
				tc_session_request_keyframe(s);
			ts->drop_until_keyframe = true;
			return;
		}
		ts->drop_until_keyframe = false;
		os_atomic_inc_long(&ts->queued_video);
		if (!ts->first_frame_logged) {
			ts->first_frame_logged = true;
			blog(LOG_INFO,
			     "[tempchat] first guest frame %.0f ms after the "
			     "source joined",
			     (double)(os_gettime_ns() - ts->created_ns) / 1e6);
		}
	}
	it = bmalloc(sizeof(*it) + f->len);
	it->type = ITEM_FRAME;
	it->kind = ev->kind;
	it->codec = ev->codec;
	it->pts_us = ev->pts_us;
	it->latency_us = ev->latency_us;
	it->keyframe = f->keyframe;
	it->len = f->len;
	memcpy(it->data, f->data, f->len);
	g_async_queue_push(ts->queue, it);
}

static void on_error(struct tempchat_source *ts, const tc_session_event *ev)
{
	/* The name, not the text: the text could one day hold more than we
	 * want in a log. */
	blog(ev->fatal ? LOG_WARNING : LOG_INFO, "[tempchat] call error %s",
	     tc_status_name(ev->status));
	tempchat_problem_set(&ts->problem, tempchat_status_text(ev->status));
}

static void on_state(struct tempchat_source *ts, tc_session_state state)
{
	blog(LOG_INFO, "[tempchat] guest call %s", tc_session_state_str(state));
	if (state == TC_SESSION_WAITING)
		ts->joined = true;
	if (state == TC_SESSION_CONNECTED || state == TC_SESSION_WAITING)
		tempchat_problem_set(&ts->problem, NULL);
	/* The core retries an unreachable server for minutes before it
	 * gives up; say so at the first failure. */
	if (state == TC_SESSION_RECONNECTING && !ts->joined)
		tempchat_problem_set(&ts->problem,
				     tempchat_status_text(TC_ERR_CONNECT));
}

static void on_session_event(tc_session *s, const tc_session_event *ev,
			     void *data)
{
	struct tempchat_source *ts = data;

	switch (ev->type) {
	case TC_SESSION_EV_FRAME:
		on_frame(ts, s, ev);
		break;
	case TC_SESSION_EV_STATE:
		on_state(ts, ev->state);
		break;
	case TC_SESSION_EV_PEER_LEFT:
		blog(LOG_INFO, "[tempchat] the guest left");
		if (!os_atomic_load_bool(&ts->idle_last_frame))
			push_item(ts, ITEM_CLEAR);
		break;
	case TC_SESSION_EV_ERROR:
		on_error(ts, ev);
		break;
	default:
		break;
	}
	/* The program to the guest: keyframe requests and bitrate. */
	if (ts->sender != NULL)
		tempchat_sender_on_event(ts->sender, ev);
}

/* ------------------------------------------------------------ the call */

/* session_lock held. Stops what runs; a stop joins the session thread. */
static void stop_call(struct tempchat_source *ts)
{
	if (ts->sender != NULL)
		tempchat_sender_detach(ts->sender);
	tc_session_free(ts->session); /* stops first; no event after it */
	ts->session = NULL;
	tempchat_sender_free(ts->sender);
	ts->sender = NULL;
	tempchat_settings_clear(&ts->settings);
}

/* The call's one video section carries one codec both ways (sendrecv):
 * receiving only, the guest may send any codec we decode (the core keeps
 * those it packetizes); sending the program too, the codec must be one we
 * both encode and decode. In TempChat's order either way. */
static size_t call_codecs(bool send_program, tc_sdp_codec *out)
{
	tc_sdp_codec enc[TC_SDP_MAX_VIDEO_CODECS];
	size_t n = tempchat_decoder_video_codecs(out), n_enc, kept = 0;

	if (!send_program)
		return n;
	n_enc = tempchat_video_encoder_codecs(enc);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n_enc; j++) {
			if (out[i] == enc[j]) {
				out[kept++] = out[i];
				break;
			}
		}
	}
	return kept;
}

/* session_lock held. Joins the room `s` names (taking over its strings). */
static void start_call(struct tempchat_source *ts, struct tempchat_settings *s,
		       bool send_program)
{
	const char *problem = tempchat_settings_problem(s);
	tc_session_config cfg;
	tc_status st = TC_OK;

	ts->settings = *s;
	memset(s, 0, sizeof(*s));
	ts->send_program = send_program;
	if (problem != NULL) {
		blog(LOG_INFO, "[tempchat] guest source not started: settings "
			       "incomplete");
		tempchat_problem_set(&ts->problem, problem);
		return;
	}
	tempchat_problem_set(&ts->problem, NULL);
	ts->drop_until_keyframe = true;
	ts->first_frame_logged = false;
	os_atomic_set_long(&ts->frames_received, 0);
	os_atomic_set_long(&ts->keyframes_received, 0);
	os_atomic_set_long(&ts->frames_dropped, 0);
	ts->joined = false;
	ts->created_ns = os_gettime_ns();

	tc_session_config_init(&cfg);
	tempchat_settings_to_config(&ts->settings, &cfg);
	cfg.recv_audio = cfg.recv_video = true;
	cfg.send_audio = cfg.send_video = send_program;
	cfg.n_video_codecs = call_codecs(send_program, cfg.video_codecs);
	/* None: the core would offer every codec it packetizes
	 * (n_video_codecs 0 means its default list), all of them video we
	 * could not show or send. */
	if (cfg.n_video_codecs == 0) {
		blog(LOG_WARNING, "[tempchat] guest call not started: no video "
				  "codec to %s",
		     send_program ? "both encode and decode" : "decode");
		tempchat_problem_set(&ts->problem,
				     obs_module_text(send_program
							     ? "Error.NoCommonCodec"
							     : "Error.NoDecoder"));
		return;
	}
	if (send_program)
		ts->sender = tempchat_sender_new_program(ts->settings.quality);
	ts->session = tc_session_new(&cfg, on_session_event, ts, &st);
	if (ts->session != NULL)
		st = tc_session_start(ts->session);
	if (st != TC_OK) {
		blog(LOG_WARNING, "[tempchat] guest call not started: %s",
		     tc_status_name(st));
		tempchat_problem_set(&ts->problem, tempchat_status_text(st));
		stop_call(ts);
		return;
	}
	if (ts->sender != NULL)
		tempchat_sender_attach(ts->sender, ts->session);
	blog(LOG_INFO, "[tempchat] guest source joining its room%s",
	     send_program ? " (sending the program)" : "");
}

/* ------------------------------------------------------ obs callbacks */

static const char *tempchat_source_name(void *unused)
{
	UNUSED_PARAMETER(unused);
	return obs_module_text("TempChatGuest");
}

/* On the decode thread: joins the call the pending settings name, unless
 * it is the one running. True when a new call started. */
static bool restart(struct tempchat_source *ts)
{
	struct tempchat_settings s;
	bool send_program, same;

	pthread_mutex_lock(&ts->pending_lock);
	if (!ts->have_pending) {
		pthread_mutex_unlock(&ts->pending_lock);
		return false;
	}
	s = ts->pending;
	send_program = ts->pending_send_program;
	memset(&ts->pending, 0, sizeof(ts->pending));
	ts->have_pending = false;
	pthread_mutex_unlock(&ts->pending_lock);

	pthread_mutex_lock(&ts->session_lock);
	/* Latency and idle apply live; only a change of call restarts it. */
	same = tempchat_settings_equal(&s, &ts->settings) &&
	       send_program == ts->send_program &&
	       (ts->session != NULL || tempchat_settings_problem(&s) != NULL);
	if (same) {
		tempchat_settings_clear(&s);
	} else {
		stop_call(ts);
		if (!os_atomic_load_bool(&ts->idle_last_frame))
			obs_source_output_video(ts->source, NULL);
		start_call(ts, &s, send_program);
	}
	pthread_mutex_unlock(&ts->session_lock);
	return !same;
}

static void tempchat_source_update(void *data, obs_data_t *settings)
{
	struct tempchat_source *ts = data;

	os_atomic_set_long(&ts->latency_ms,
			   (long)obs_data_get_int(settings, OPT_LATENCY_MS));
	os_atomic_set_bool(&ts->idle_last_frame,
			   strcmp(obs_data_get_string(settings, OPT_IDLE),
				  IDLE_LAST_FRAME) == 0);

	pthread_mutex_lock(&ts->pending_lock);
	tempchat_settings_clear(&ts->pending);
	tempchat_settings_read(&ts->pending, settings);
	ts->pending_send_program =
		obs_data_get_bool(settings, OPT_SEND_PROGRAM);
	ts->have_pending = true;
	pthread_mutex_unlock(&ts->pending_lock);
	push_item(ts, ITEM_RESTART);
}

static void tempchat_source_destroy(void *data);

static void get_status_proc(void *data, calldata_t *cd)
{
	struct tempchat_source *ts = data;
	struct dstr status = {0};

	format_status(ts, &status);
	calldata_set_string(cd, "status", status.array ? status.array : "");
	dstr_free(&status);
}

static void get_receiver_stats_proc(void *data, calldata_t *cd)
{
	struct tempchat_source *ts = data;
	tc_session_stats st = {0};

	pthread_mutex_lock(&ts->session_lock);
	if (ts->session != NULL)
		tc_session_get_stats(ts->session, &st);
	pthread_mutex_unlock(&ts->session_lock);
	calldata_set_int(cd, "frames", os_atomic_load_long(&ts->frames_received));
	calldata_set_int(cd, "keyframes",
			 os_atomic_load_long(&ts->keyframes_received));
	calldata_set_int(cd, "dropped",
			 os_atomic_load_long(&ts->frames_dropped));
	calldata_set_int(cd, "keyframe_requests", (long long)st.dir[1].plis);
	calldata_set_int(cd, "nacks", (long long)st.dir[1].nacks);
}

static void *tempchat_source_create(obs_data_t *settings, obs_source_t *source)
{
	struct tempchat_source *ts = bzalloc(sizeof(*ts));
	proc_handler_t *ph = obs_source_get_proc_handler(source);

	ts->source = source;
	pthread_mutex_init(&ts->session_lock, NULL);
	tempchat_problem_init(&ts->problem);
	pthread_mutex_init(&ts->pending_lock, NULL);
	ts->queue = g_async_queue_new();
	if (pthread_create(&ts->decode_thread, NULL, decode_thread, ts) != 0) {
		tempchat_source_destroy(ts);
		return NULL;
	}
	ts->decode_thread_started = true;
	/* For scripts and tests: what the status line says. */
	proc_handler_add(ph, "void get_status(out string status)",
			 get_status_proc, ts);
	proc_handler_add(ph,
			 "void get_receiver_stats(out int frames, "
			 "out int keyframes, out int dropped, "
			 "out int keyframe_requests, out int nacks)",
			 get_receiver_stats_proc, ts);
	tempchat_source_update(ts, settings);
	return ts;
}

static void tempchat_source_destroy(void *data)
{
	struct tempchat_source *ts = data;
	struct item *it;

	/* The decode thread first: it may be joining a call. */
	if (ts->decode_thread_started) {
		push_item(ts, ITEM_QUIT);
		pthread_join(ts->decode_thread, NULL);
	}
	pthread_mutex_lock(&ts->session_lock);
	stop_call(ts); /* no event after it */
	pthread_mutex_unlock(&ts->session_lock);
	while ((it = g_async_queue_try_pop(ts->queue)) != NULL)
		bfree(it);
	g_async_queue_unref(ts->queue);
	tempchat_settings_clear(&ts->pending);
	pthread_mutex_destroy(&ts->session_lock);
	tempchat_problem_free(&ts->problem);
	pthread_mutex_destroy(&ts->pending_lock);
	bfree(ts);
}

static bool new_room_clicked(obs_properties_t *props, obs_property_t *p,
			     void *data)
{
	struct tempchat_source *ts = data;
	obs_data_t *settings = obs_source_get_settings(ts->source);
	char id[TEMPCHAT_ROOM_ID_LEN + 1];
	char *link;

	UNUSED_PARAMETER(props);
	UNUSED_PARAMETER(p);
	if (!tempchat_new_room_id(id)) {
		blog(LOG_WARNING, "[tempchat] no cryptographic random numbers "
				  "for a room id");
		obs_data_release(settings);
		return false;
	}
	link = tempchat_invite_link(obs_data_get_string(settings, OPT_WEB_URL),
				    id);
	obs_data_set_string(settings, OPT_ROOM, link);
	obs_data_set_string(settings, OPT_INVITE_LINK, link);
	obs_source_update(ts->source, settings);
	bfree(link);
	obs_data_release(settings);
	return true;
}

static obs_properties_t *tempchat_source_properties(void *data)
{
	struct tempchat_source *ts = data;
	obs_properties_t *props = obs_properties_create();
	obs_property_t *p;
	struct dstr status = {0};

	if (ts != NULL)
		format_status(ts, &status);
	else
		tempchat_status_format(&status, NULL, NULL);
	/* The status line: read when the properties open. */
	obs_properties_add_text(props, OPT_STATUS, status.array, OBS_TEXT_INFO);
	dstr_free(&status);

	tempchat_settings_add_properties(props);
	obs_properties_add_button(props, OPT_NEW_ROOM,
				  obs_module_text("NewRoom"), new_room_clicked);
	tempchat_add_text(props, OPT_INVITE_LINK, "InviteLink",
			  "InviteLink.Tooltip", OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_WEB_URL, "WebUrl", NULL, OBS_TEXT_DEFAULT);
	obs_properties_add_int(props, OPT_LATENCY_MS,
			       obs_module_text("LatencyMs"), 0, 5000, 10);
	p = obs_properties_add_list(props, OPT_IDLE, obs_module_text("Idle"),
				    OBS_COMBO_TYPE_LIST,
				    OBS_COMBO_FORMAT_STRING);
	obs_property_list_add_string(p, obs_module_text("Idle.Nothing"),
				     IDLE_NOTHING);
	obs_property_list_add_string(p, obs_module_text("Idle.LastFrame"),
				     IDLE_LAST_FRAME);
	obs_properties_add_bool(props, OPT_SEND_PROGRAM,
				obs_module_text("SendProgram"));
	p = obs_properties_add_bool(props, OPT_REMEMBER_ROOM,
				    obs_module_text("RememberRoom"));
	obs_property_set_long_description(
		p, obs_module_text("RememberRoom.Tooltip"));
	return props;
}

/* OBS is about to write the settings to the scene collection. */
static void tempchat_source_save(void *data, obs_data_t *settings)
{
	UNUSED_PARAMETER(data);
	tempchat_settings_keep_off_disk(settings, OPT_INVITE_LINK);
}

static void tempchat_source_defaults(obs_data_t *settings)
{
	tempchat_settings_defaults(settings);
	obs_data_set_default_int(settings, OPT_LATENCY_MS, DEFAULT_LATENCY_MS);
	obs_data_set_default_string(settings, OPT_IDLE, IDLE_NOTHING);
	obs_data_set_default_bool(settings, OPT_SEND_PROGRAM, false);
	obs_data_set_default_string(settings, OPT_WEB_URL, DEFAULT_WEB_URL);
	obs_data_set_default_bool(settings, OPT_REMEMBER_ROOM, false);
}

struct obs_source_info tempchat_source_info = {
	.id = "tempchat_source",
	.type = OBS_SOURCE_TYPE_INPUT,
	.output_flags = OBS_SOURCE_ASYNC_VIDEO | OBS_SOURCE_AUDIO |
			OBS_SOURCE_DO_NOT_DUPLICATE,
	.get_name = tempchat_source_name,
	.create = tempchat_source_create,
	.destroy = tempchat_source_destroy,
	.update = tempchat_source_update,
	.get_defaults = tempchat_source_defaults,
	.get_properties = tempchat_source_properties,
	.save = tempchat_source_save,
	.icon_type = OBS_ICON_TYPE_CAMERA,
};
