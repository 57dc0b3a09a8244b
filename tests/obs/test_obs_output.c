/* test_obs_output.c - the "TempChat Call" output in a real libobs, sending
 * the program (a colour source on the canvas) to a real tempchatsrc through
 * our relay (tc_obs_gst_peer recv): with defaults both pick AV1, the web
 * client's first choice; each codec forced on the receiver's side arrives
 * decoded at the canvas size; a program of noise, which no encoder fits in
 * the call's bitrate, has frames left out for it.
 *
 * Run under xvfb-run. Every wait is for an event with a deadline.
 */
#include <glib.h>
#include <obs.h>
#include <util/platform.h>
#include <stdio.h>
#include <string.h>

#include "obs_harness.h"

#define RED_ABGR 0xff0000ffLL /* colour_source takes ABGR */

static obs_data_t *call_settings(const char *room)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_string(s, "room", room);
	obs_data_set_string(s, "signaling_url", harness_relay_url());
	obs_data_set_string(s, "channel", HARNESS_CHANNEL);
	return s;
}

static obs_source_t *red_program(void)
{
	obs_data_t *s = obs_data_create();
	obs_source_t *colour;

	obs_data_set_int(s, "color", RED_ABGR);
	obs_data_set_int(s, "width", HARNESS_CANVAS_W);
	obs_data_set_int(s, "height", HARNESS_CANVAS_H);
	colour = obs_source_create("color_source_v3", "red", s, NULL);
	g_assert_nonnull(colour);
	obs_data_release(s);
	obs_set_output_source(0, colour);
	return colour;
}

typedef struct {
	long long frames, keyframes, requests, answered, missed, dropped,
		overshoot, bitrate;
	char codec[8];
} sender_stats;

static void get_sender_stats(obs_output_t *out, sender_stats *st)
{
	calldata_t cd = {0};

	proc_handler_call(obs_output_get_proc_handler(out), "get_sender_stats",
			  &cd);
	st->frames = calldata_int(&cd, "frames");
	st->keyframes = calldata_int(&cd, "keyframes");
	st->requests = calldata_int(&cd, "keyframe_requests");
	st->answered = calldata_int(&cd, "answered_requests");
	st->missed = calldata_int(&cd, "missed_requests");
	st->dropped = calldata_int(&cd, "dropped");
	st->overshoot = calldata_int(&cd, "dropped_overshoot");
	st->bitrate = calldata_int(&cd, "bitrate");
	g_strlcpy(st->codec, calldata_string(&cd, "codec"), sizeof(st->codec));
	calldata_free(&cd);
}

#define START_BITRATE 2000000 /* 720p */

static gboolean bitrate_moved(gpointer out)
{
	sender_stats st;

	get_sender_stats(out, &st);
	return st.bitrate != START_BITRATE;
}

/* A call from a new output to a tempchatsrc (tc_obs_gst_peer
 * `recv_mode`) taking `recv_codecs` (NULL: its default): the receiver says
 * which codec the call negotiated, and decodes the red program at the
 * canvas size with it. */
typedef struct {
	char *room;
	harness_peer *receiver;
	obs_source_t *colour;
	obs_data_t *settings;
	obs_output_t *out;
} call;

static void call_start(call *c, const char *recv_mode,
		       const char *recv_codecs, const char *expect)
{
	const char *line, *first;
	sender_stats st;
	gint64 start_us;

	c->room = harness_new_room();
	c->receiver = harness_peer_start(recv_mode, harness_relay_url(),
					 c->room, recv_codecs);
	c->colour = red_program();
	c->settings = call_settings(c->room);
	g_assert_nonnull(harness_peer_wait_line(c->receiver, "started"));
	c->out =
		obs_output_create("tempchat_output", "call", c->settings, NULL);
	g_assert_nonnull(c->out);
	start_us = g_get_monotonic_time();
	g_assert_true(obs_output_start(c->out));

	line = harness_peer_wait_line(c->receiver, "codec ");
	g_assert_nonnull(line);
	g_assert_cmpstr(line + strlen("codec "), ==, expect);
	first = harness_peer_wait_line(c->receiver, "first-video ");
	g_assert_nonnull(first);
	line = harness_peer_wait_line(c->receiver, "video ");
	get_sender_stats(c->out, &st);
	g_test_message("%s: first frame decoded %" G_GINT64_FORMAT
		       " ms after the start; "
		       "frames %lld keyframes %lld requests %lld dropped %lld",
		       st.codec,
		       (g_ascii_strtoll(first + strlen("first-video "), NULL,
					10) -
			start_us) / 1000,
		       st.frames, st.keyframes, st.requests, st.dropped);
	harness_assert_red_canvas(line);
	/* The output says what it encodes. */
	g_assert_cmpstr(st.codec, ==, expect);
}

/* ------------------------------------------------ a program of noise */

#define NOISE_FRAME_NS 33333333ULL /* 30 fps, like a camera */

/* An async video source of random 4:2:0 pictures at the canvas size, made
 * on a thread of its own at a camera's pace. */
typedef struct {
	obs_source_t *source;
	GThread *thread;
	volatile gint stop;
} noise_source;

static void noise_fill(uint8_t *p, size_t n, uint32_t *x)
{
	for (size_t i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		p[i] = (uint8_t)*x;
	}
}

static gpointer noise_run(gpointer data)
{
	noise_source *n = data;
	const uint32_t w = HARNESS_CANVAS_W, h = HARNESS_CANVAS_H;
	uint8_t *buf = g_malloc((size_t)w * h * 3 / 2);
	uint32_t x = 2463534242u;
	uint64_t next = os_gettime_ns();
	struct obs_source_frame f = {
		.data = {buf, buf + w * h, buf + w * h * 5 / 4},
		.linesize = {w, w / 2, w / 2},
		.width = w,
		.height = h,
		.format = VIDEO_FORMAT_I420,
	};

	video_format_get_parameters(VIDEO_CS_DEFAULT, VIDEO_RANGE_PARTIAL,
				    f.color_matrix, f.color_range_min,
				    f.color_range_max);
	while (!g_atomic_int_get(&n->stop)) {
		noise_fill(buf, (size_t)w * h * 3 / 2, &x);
		f.timestamp = next;
		obs_source_output_video(n->source, &f);
		next += NOISE_FRAME_NS;
		os_sleepto_ns(next);
	}
	g_free(buf);
	return NULL;
}

static const char *noise_name(void *unused)
{
	(void)unused;
	return "test noise";
}

static void *noise_create(obs_data_t *settings, obs_source_t *source)
{
	noise_source *n = g_new0(noise_source, 1);

	(void)settings;
	n->source = source;
	n->thread = g_thread_new("test-noise", noise_run, n);
	return n;
}

static void noise_destroy(void *data)
{
	noise_source *n = data;

	g_atomic_int_set(&n->stop, 1);
	g_thread_join(n->thread);
	g_free(n);
}

static struct obs_source_info noise_info = {
	.id = "tc_test_noise",
	.type = OBS_SOURCE_TYPE_INPUT,
	.output_flags = OBS_SOURCE_ASYNC_VIDEO,
	.get_name = noise_name,
	.create = noise_create,
	.destroy = noise_destroy,
};

static gboolean frames_left_out(gpointer out)
{
	sender_stats st;

	get_sender_stats(out, &st);
	return st.overshoot > 0;
}

typedef struct {
	obs_output_t *out;
	long long frames; /* encoded when the wait began */
} frames_since;

static gboolean more_frames_encoded(gpointer data)
{
	frames_since *f = data;
	sender_stats st;

	get_sender_stats(f->out, &st);
	return st.frames >= f->frames + 3;
}

static void test_noise_has_frames_left_out_for_the_bitrate(void)
{
	char *room = harness_new_room();
	harness_peer *receiver =
		harness_peer_start("recv", harness_relay_url(), room, NULL);
	obs_source_t *noise =
		obs_source_create("tc_test_noise", "noise", NULL, NULL);
	obs_data_t *settings = call_settings(room);
	obs_output_t *out;
	sender_stats st;
	frames_since since;

	obs_set_output_source(0, noise);
	/* 360p: 700 kbit/s at most, a fraction of what AV1 makes of noise
	 * at its highest quantizer. */
	obs_data_set_string(settings, "quality", "360p");
	g_assert_nonnull(harness_peer_wait_line(receiver, "started"));
	out = obs_output_create("tempchat_output", "call", settings, NULL);
	g_assert_nonnull(out);
	g_assert_true(obs_output_start(out));
	g_assert_nonnull(harness_peer_wait_line(receiver, "video "));

	g_assert_true(harness_wait(frames_left_out, out, HARNESS_WAIT_MS));
	/* And the picture goes on changing. */
	get_sender_stats(out, &st);
	since.out = out;
	since.frames = st.frames;
	g_assert_true(harness_wait(more_frames_encoded, &since,
				   HARNESS_WAIT_MS));
	get_sender_stats(out, &st);
	g_test_message("%s: frames %lld keyframes %lld overshoot %lld "
		       "dropped %lld bitrate %lld",
		       st.codec, st.frames, st.keyframes, st.overshoot,
		       st.dropped, st.bitrate);
	g_assert_cmpstr(st.codec, ==, "AV1");

	obs_output_stop(out);
	obs_output_release(out);
	obs_data_release(settings);
	obs_set_output_source(0, NULL);
	obs_source_release(noise);
	harness_peer_stop(receiver);
	g_free(room);
}

static void call_stop(call *c)
{
	obs_output_stop(c->out);
	obs_output_release(c->out);
	obs_data_release(c->settings);
	obs_set_output_source(0, NULL);
	obs_source_release(c->colour);
	harness_peer_stop(c->receiver);
	g_free(c->room);
}

/* The call's first keyframe and one more: the answer to the receiver's
 * request. */
static gboolean a_second_keyframe(gpointer out)
{
	sender_stats st;

	get_sender_stats(out, &st);
	return st.keyframes >= 2;
}

static void test_the_program_arrives_at_a_tempchatsrc_in_av1_by_default(void)
{
	call c;
	sender_stats st;

	/* The receiver asks for a keyframe after its 10th frame. */
	call_start(&c, "recv-asking", NULL, "AV1");
	g_assert_nonnull(harness_peer_wait_line(c.receiver, "audio"));

	/* The receiver asked for a keyframe (a PLI): the very next frame
	 * was one, as for every request (the one after connecting, when the
	 * call connected before the connecting phase's keyframe was made). */
	g_assert_nonnull(harness_peer_wait_line(c.receiver, "asked-keyframe"));
	g_assert_true(harness_wait(a_second_keyframe, c.out, HARNESS_WAIT_MS));
	get_sender_stats(c.out, &st);
	g_test_message("frames %lld keyframes %lld requests %lld answered "
		       "%lld missed %lld dropped %lld overshoot %lld "
		       "bitrate %lld",
		       st.frames, st.keyframes, st.requests, st.answered,
		       st.missed, st.dropped, st.overshoot, st.bitrate);
	/* A plain colour is far under any target: nothing is left out
	 * for the bitrate. */
	g_assert_cmpint(st.overshoot, ==, 0);
	g_assert_cmpint(st.requests, >=, 1);
	g_assert_cmpint(st.missed, ==, 0);

	/* The encoder follows the call's target bitrate (the send-side
	 * estimate from the receiver's feedback), away from where the
	 * quality starts it. */
	g_assert_true(harness_wait(bitrate_moved, c.out, HARNESS_WAIT_MS));
	get_sender_stats(c.out, &st);
	g_test_message("encoder bitrate now %lld", st.bitrate);
	call_stop(&c);
}

/* The receiver takes only `data` (a codec name): the output sends it,
 * AV1, VP9 and VP8 in L1T3, whose temporal ids the receiver reads from the
 * wire (AV1: the dependency descriptor). */
static void
test_each_codec_arrives_decoded_at_the_canvas_size(gconstpointer data)
{
	char *lower = g_ascii_strdown(data, -1);
	call c;
	sender_stats st;
	const char *layers;

	call_start(&c, "recv", lower, data);
	get_sender_stats(c.out, &st);
	g_assert_cmpint(st.missed, ==, 0);
	layers = harness_peer_wait_line(c.receiver, "layers ");
	g_assert_nonnull(layers);
	g_test_message("%s: %s", (const char *)data, layers);
	g_assert_cmpstr(layers, ==,
			g_str_equal(data, "H264") ? "layers - - - - - - - -"
						  : "layers 0 2 1 2 0 2 1 2");
	call_stop(&c);
	g_free(lower);
}

static gboolean output_waits_for_guest(gpointer out)
{
	calldata_t cd = {0};
	const char *status = NULL;
	gboolean yes;

	proc_handler_call(obs_output_get_proc_handler(out), "get_status", &cd);
	calldata_get_string(&cd, "status", &status);
	yes = status != NULL && strstr(status, "Waiting for the guest") != NULL;
	calldata_free(&cd);
	return yes;
}

typedef struct {
	obs_output_t *out;
	int total; /* frames OBS had handed the output when the wait began */
} handed_since;

/* OBS has handed the output a second of frames more. */
static gboolean a_second_handed(gpointer data)
{
	handed_since *h = data;

	return obs_output_get_total_frames(h->out) >= h->total + 30;
}

/* The guest leaves and another opens the link: while the output is alone
 * in the room it encodes none of the program OBS goes on handing it
 * (before, it encoded every frame for nobody), and the next guest's first
 * frame is a keyframe made for it (it decodes the red program). */
static void test_nothing_is_encoded_between_two_guests(void)
{
	call c;
	sender_stats alone, later, st;
	handed_since h;
	const char *line;

	call_start(&c, "recv", NULL, "AV1");
	harness_peer_stop(c.receiver);
	g_assert_true(harness_wait(output_waits_for_guest, c.out,
				   HARNESS_WAIT_MS));
	get_sender_stats(c.out, &alone);
	h.out = c.out;
	h.total = obs_output_get_total_frames(c.out);
	g_assert_true(harness_wait(a_second_handed, &h, HARNESS_WAIT_MS));
	get_sender_stats(c.out, &later);
	g_test_message("frames encoded when alone %lld, a second of the "
		       "program later %lld",
		       alone.frames, later.frames);
	/* At most the one being encoded as the guest left. */
	g_assert_cmpint(later.frames - alone.frames, <=, 1);

	c.receiver = harness_peer_start("recv", harness_relay_url(), c.room,
					NULL);
	line = harness_peer_wait_line(c.receiver, "video ");
	harness_assert_red_canvas(line);
	get_sender_stats(c.out, &st);
	g_assert_cmpint(st.keyframes, >, later.keyframes);
	g_assert_cmpint(st.missed, ==, 0);
	call_stop(&c);
}

static void test_bad_settings_refuse_to_start_with_a_clear_error(void)
{
	obs_data_t *settings = call_settings("");
	obs_output_t *out =
		obs_output_create("tempchat_output", "call", settings, NULL);

	g_assert_false(obs_output_start(out));
	g_test_message("last error: %s", obs_output_get_last_error(out));
	g_assert_nonnull(strstr(obs_output_get_last_error(out), "No room set"));

	obs_data_set_string(settings, "room", "#bad room");
	obs_output_update(out, settings);
	g_assert_false(obs_output_start(out));
	g_assert_nonnull(
		strstr(obs_output_get_last_error(out), "not a TempChat link"));
	obs_output_release(out);
	obs_data_release(settings);
}

typedef struct {
	volatile gint stopped;
	volatile gint code;
} stop_seen;

static void on_stop(void *data, calldata_t *cd)
{
	stop_seen *s = data;

	g_atomic_int_set(&s->code, (gint)calldata_int(cd, "code"));
	g_atomic_int_set(&s->stopped, 1);
	g_main_context_wakeup(NULL);
}

static gboolean has_stopped(gpointer data)
{
	return g_atomic_int_get(&((stop_seen *)data)->stopped) != 0;
}

static gboolean waiting_for_guest(gpointer source)
{
	char *status = harness_status(source);
	gboolean yes = strstr(status, "Waiting for the guest") != NULL;

	g_free(status);
	return yes;
}

static void test_a_full_room_stops_the_output_with_a_clear_error(void)
{
	const char *const one_member[] = {"--max-members", "1", NULL};
	harness_relay *small = harness_relay_start(one_member);
	char *room = harness_new_room();
	obs_data_t *settings = call_settings(room);
	stop_seen seen = {0};
	obs_source_t *first;
	obs_output_t *out;

	/* Someone is in the room (a source of ours, so we know when). */
	obs_data_set_string(settings, "signaling_url",
			    harness_relay_get_url(small));
	first = obs_source_create_private("tempchat_source", "first", settings);
	g_assert_true(harness_wait(waiting_for_guest, first, HARNESS_WAIT_MS));
	out = obs_output_create("tempchat_output", "call", settings, NULL);
	signal_handler_connect(obs_output_get_signal_handler(out), "stop",
			       on_stop, &seen);
	g_assert_true(obs_output_start(out)); /* never blocks: connects later */
	g_assert_true(harness_wait(has_stopped, &seen, HARNESS_WAIT_MS));
	g_test_message("stopped with %d: %s", seen.code,
		       obs_output_get_last_error(out));
	g_assert_cmpint(seen.code, ==, OBS_OUTPUT_CONNECT_FAILED);
	g_assert_nonnull(
		strstr(obs_output_get_last_error(out), "The room is full"));

	signal_handler_disconnect(obs_output_get_signal_handler(out), "stop",
				  on_stop, &seen);
	obs_output_release(out);
	obs_source_release(first);
	obs_data_release(settings);
	harness_relay_free(small);
	g_free(room);
}

static void test_stopping_before_anyone_joined_is_clean(void)
{
	char *room = harness_new_room();
	obs_data_t *settings = call_settings(room);
	obs_output_t *out =
		obs_output_create("tempchat_output", "call", settings, NULL);

	g_assert_true(obs_output_start(out));
	obs_output_stop(out);
	g_assert_false(obs_output_active(out));
	obs_output_release(out);
	obs_data_release(settings);
	g_free(room);
}

int main(int argc, char **argv)
{
	/* Each codec the web client knows, forced from the receiver's side. */
	static const char *const forced[] = {"AV1", "VP9", "H264", "VP8"};
	int ret;

	g_test_init(&argc, &argv, NULL);
	harness_obs_start();
	obs_register_source(&noise_info);
	g_test_add_func(
		"/obs/output/the-program-arrives-at-a-tempchatsrc-in-av1-by-"
		"default",
		test_the_program_arrives_at_a_tempchatsrc_in_av1_by_default);
	for (size_t i = 0; i < G_N_ELEMENTS(forced); i++) {
		char *path = g_strdup_printf(
			"/obs/output/%s-arrives-decoded-at-the-canvas-size",
			forced[i]);
		g_test_add_data_func(
			path, forced[i],
			test_each_codec_arrives_decoded_at_the_canvas_size);
		g_free(path);
	}
	g_test_add_func("/obs/output/bad-settings-refuse-to-start-with-a-"
			"clear-error",
			test_bad_settings_refuse_to_start_with_a_clear_error);
	g_test_add_func("/obs/output/a-full-room-stops-the-output-with-a-clear-"
			"error",
			test_a_full_room_stops_the_output_with_a_clear_error);
	g_test_add_func("/obs/output/noise-has-frames-left-out-for-the-bitrate",
			test_noise_has_frames_left_out_for_the_bitrate);
	g_test_add_func("/obs/output/nothing-is-encoded-between-two-guests",
			test_nothing_is_encoded_between_two_guests);
	g_test_add_func("/obs/output/stopping-before-anyone-joined-is-clean",
			test_stopping_before_anyone_joined_is_clean);
	ret = g_test_run();
	harness_obs_stop();
	harness_relay_stop();
	g_assert_cmpint(bnum_allocs(), ==, 0);
	return ret;
}
