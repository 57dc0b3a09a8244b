/* obs_peer.c - libobs with our module as a peer for the browser tests
 * (tests/web/obs_chromium.test.mjs), under xvfb-run:
 *
 *   tc_obs_peer guest URL ROOM CHANNEL 0|1   a "TempChat Guest" source (1:
 *       with send_program) in a scene whose program is red; prints
 *       "guest frames N W H received R keyframes K plis P" (frames drawn,
 *       the size shown now, video frames and keyframes received, PLIs
 *       sent) twice a second
 *   tc_obs_peer call URL ROOM CHANNEL [ROOM_IN]   a "TempChat Call"
 *       output sending that red program (with ROOM_IN: covered by a
 *       guest source showing that room's sender at the canvas size);
 *       prints "sender frames F keyframes K requests R answered A
 *       missed M dropped D bitrate B codec C" (C empty before the call)
 *       and "output status S" (its status line) twice a second
 *
 * Prints "started" first; tears everything down and exits when stdin
 * closes.
 */
#include <glib.h>
#include <obs.h>
#include <stdio.h>
#include <string.h>

#include "stdin_closed.h"

#include "obs_harness.h"
#include "probe.h"

#define REPORT_MS 500

typedef struct {
	obs_source_t *guest;
	obs_scene_t *scene;
	obs_source_t *red;
	obs_output_t *output;
	probe probe;
} peer;

static obs_data_t *call_settings(char **argv)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_string(s, "signaling_url", argv[2]);
	obs_data_set_string(s, "room", argv[3]);
	obs_data_set_string(s, "channel", argv[4]);
	return s;
}

/* The program: a red canvas (and the guest, small, in a corner). */
static void make_program(peer *p)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_int(s, "color", 0xff0000ffLL);
	obs_data_set_int(s, "width", HARNESS_CANVAS_W);
	obs_data_set_int(s, "height", HARNESS_CANVAS_H);
	p->red = obs_source_create("color_source_v3", "red", s, NULL);
	obs_data_release(s);
	p->scene = obs_scene_create("program");
	obs_scene_add(p->scene, p->red);
	obs_set_output_source(0, obs_scene_get_source(p->scene));
}

static void add_guest(peer *p, obs_data_t *settings, bool small)
{
	struct vec2 size;
	obs_sceneitem_t *item;

	p->guest =
		obs_source_create("tempchat_source", "guest", settings, NULL);
	item = obs_scene_add(p->scene, p->guest);
	if (small) {
		vec2_set(&size, 0.25f, 0.25f);
		obs_sceneitem_set_scale(item, &size);
	} else {
		/* Whatever the guest's size, it covers the canvas. */
		vec2_set(&size, HARNESS_CANVAS_W, HARNESS_CANVAS_H);
		obs_sceneitem_set_bounds_type(item, OBS_BOUNDS_STRETCH);
		obs_sceneitem_set_bounds(item, &size);
	}
	probe_attach(&p->probe, p->guest);
}

static gboolean report(gpointer data)
{
	peer *p = data;

	if (p->guest != NULL) {
		calldata_t cd = {0};
		probe snap;
		probe_snapshot(&p->probe, &snap);
		proc_handler_call(obs_source_get_proc_handler(p->guest),
				  "get_receiver_stats", &cd);
		/* The size the source shows now: 0x0 while nobody is there. */
		printf("guest frames %u %u %u received %lld keyframes %lld "
		       "plis %lld\n",
		       snap.frames, obs_source_get_width(p->guest),
		       obs_source_get_height(p->guest),
		       calldata_int(&cd, "frames"),
		       calldata_int(&cd, "keyframes"),
		       calldata_int(&cd, "keyframe_requests"));
		calldata_free(&cd);
	}
	if (p->output != NULL) {
		calldata_t cd = {0};
		proc_handler_call(obs_output_get_proc_handler(p->output),
				  "get_sender_stats", &cd);
		printf("sender frames %lld keyframes %lld requests %lld "
		       "answered %lld missed %lld dropped %lld bitrate %lld "
		       "codec %s\n",
		       calldata_int(&cd, "frames"),
		       calldata_int(&cd, "keyframes"),
		       calldata_int(&cd, "keyframe_requests"),
		       calldata_int(&cd, "answered_requests"),
		       calldata_int(&cd, "missed_requests"),
		       calldata_int(&cd, "dropped"),
		       calldata_int(&cd, "bitrate"),
		       calldata_string(&cd, "codec"));
		calldata_free(&cd);
		cd = (calldata_t){0};
		proc_handler_call(obs_output_get_proc_handler(p->output),
				  "get_status", &cd);
		printf("output status %s\n", calldata_string(&cd, "status"));
		calldata_free(&cd);
	}
	fflush(stdout);
	return G_SOURCE_CONTINUE;
}

static void teardown(peer *p)
{
	if (p->output != NULL) {
		obs_output_stop(p->output);
		obs_output_release(p->output);
	}
	if (p->guest != NULL) {
		probe_detach(&p->probe);
		obs_source_remove(p->guest);
		obs_source_release(p->guest);
	}
	obs_set_output_source(0, NULL);
	obs_scene_release(p->scene);
	obs_source_release(p->red);
}

int main(int argc, char **argv)
{
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	GIOChannel *in = g_io_channel_unix_new(0);
	obs_data_t *settings;
	peer p = {0};
	guint timer;

	if (argc < 5 ||
	    (!g_str_equal(argv[1], "guest") && !g_str_equal(argv[1], "call"))) {
		fprintf(stderr,
			"usage: %s guest|call URL ROOM CHANNEL [0|1|ROOM_IN]\n",
			argv[0]);
		return 2;
	}
	harness_obs_start();
	probe_register();
	make_program(&p);
	settings = call_settings(argv);
	if (g_str_equal(argv[1], "guest")) {
		obs_data_set_bool(settings, "send_program",
				  argc > 5 && g_str_equal(argv[5], "1"));
		add_guest(&p, settings, true);
	} else {
		if (argc > 5) {
			obs_data_t *guest_in = call_settings(argv);
			obs_data_set_string(guest_in, "room", argv[5]);
			add_guest(&p, guest_in, false);
			obs_data_release(guest_in);
		}
		p.output = obs_output_create("tempchat_output", "call",
					     settings, NULL);
		if (!obs_output_start(p.output))
			printf("error %s\n",
			       obs_output_get_last_error(p.output));
	}
	obs_data_release(settings);
	printf("started\n");
	fflush(stdout);
	timer = g_timeout_add(REPORT_MS, report, &p);
	g_io_add_watch(in, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_closed_quit,
		       loop);
	g_main_loop_run(loop);
	g_source_remove(timer);
	teardown(&p);
	harness_obs_stop();
	g_io_channel_unref(in);
	g_main_loop_unref(loop);
	return bnum_allocs() == 0 ? 0 : 1;
}
