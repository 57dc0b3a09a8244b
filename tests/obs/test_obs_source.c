/* test_obs_source.c - the "TempChat Guest" source in a real libobs, against
 * real peers: our relay and tempchatsink pipelines (tc_obs_gst_peer).
 *
 * Run under xvfb-run. Every wait is for an event with a deadline.
 */
#include <glib.h>
#include <math.h>
#include <obs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obs_harness.h"
#include "probe.h"

/* videotestsrc's SMPTE bars (100 %), top row, left to right: white,
 * yellow, cyan, green, magenta, red, blue. */
static const guint8 bars[PROBE_POINTS][3] = {
	{255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
	{255, 0, 255},   {255, 0, 0},   {0, 0, 255},
};
#define COLOUR_TOLERANCE 40 /* a low bitrate, chroma subsampling */
#define ENOUGH_FRAMES 30
#define ENOUGH_LOUD_BLOCKS 20
#define TURN_WAIT_MS 60000

static gboolean rendered_a_second(gpointer since)
{
	return obs_get_total_frames() - *(uint32_t *)since >= 30;
}

typedef struct {
	obs_source_t *source;
	obs_scene_t *scene;
	probe probe;
} guest;

static obs_data_t *guest_settings(const char *room)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_string(s, "room", room);
	obs_data_set_string(s, "signaling_url", harness_relay_url());
	obs_data_set_string(s, "channel", HARNESS_CHANNEL);
	return s;
}

/* A source in a scene on the main view, as a user adds it. */
static void guest_add(guest *g, obs_data_t *settings)
{
	memset(g, 0, sizeof(*g));
	g->source =
		obs_source_create("tempchat_source", "guest", settings, NULL);
	g_assert_nonnull(g->source);
	g->scene = obs_scene_create("scene");
	obs_scene_add(g->scene, g->source);
	obs_set_output_source(0, obs_scene_get_source(g->scene));
	probe_attach(&g->probe, g->source);
}

static void guest_remove(guest *g)
{
	probe_detach(&g->probe);
	obs_set_output_source(0, NULL);
	obs_source_remove(g->source);
	obs_source_release(g->source);
	obs_scene_release(g->scene);
}

typedef struct {
	probe *p;
	guint width, height; /* 0: any */
} frames_wanted;

static gboolean has_frames(gpointer data)
{
	frames_wanted *w = data;
	probe snap;

	probe_snapshot(w->p, &snap);
	return snap.frames >= ENOUGH_FRAMES &&
	       (w->width == 0 ||
		(snap.width == w->width && snap.height == w->height));
}

static gboolean has_sound(gpointer data)
{
	probe snap;

	probe_snapshot(data, &snap);
	return snap.loud_blocks >= ENOUGH_LOUD_BLOCKS;
}

static void assert_frames_of_size(probe *p, guint width, guint height)
{
	frames_wanted w = {p, width, height};
	probe snap;

	harness_wait(has_frames, &w, HARNESS_WAIT_MS);
	probe_snapshot(p, &snap);
	g_assert_cmpuint(snap.frames, >=, ENOUGH_FRAMES);
	g_assert_cmpuint(snap.width, ==, width);
	g_assert_cmpuint(snap.height, ==, height);
}

static void test_source_shows_the_senders_bars_and_plays_its_tone(void)
{
	char *room = harness_new_room();
	harness_peer *sender = harness_peer_start(
		"send-bars", harness_relay_url(), room, "480x270");
	obs_data_t *settings = guest_settings(room);
	gint64 t0 = g_get_monotonic_time();
	guest g;
	probe snap;
	char *status;
	uint32_t frames0;

	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	/* For the report, not a target: OBS's own render time. */
	frames0 = obs_get_total_frames();
	harness_wait(rendered_a_second, &frames0, HARNESS_WAIT_MS);
	g_test_message("average frame time without the source: %.2f ms",
		       obs_get_average_frame_time_ns() / 1e6);
	guest_add(&g, settings);

	/* The sender's size, not the canvas's. */
	assert_frames_of_size(&g.probe, 480, 270);
	g_test_message("average frame time with the source live: %.2f ms",
		       obs_get_average_frame_time_ns() / 1e6);
	g_test_message("first %u frames after %.0f ms", ENOUGH_FRAMES,
		       (g_get_monotonic_time() - t0) / 1000.0);
	probe_snapshot(&g.probe, &snap);
	g_assert_cmpint(snap.format, ==, VIDEO_FORMAT_I420);
	for (int i = 0; i < PROBE_POINTS; i++)
		g_test_message("bar %d: %u %u %u", i, snap.rgb[i][0],
			       snap.rgb[i][1], snap.rgb[i][2]);
	for (int i = 0; i < PROBE_POINTS; i++)
		for (int c = 0; c < 3; c++)
			g_assert_cmpint(abs((int)snap.rgb[i][c] - bars[i][c]),
					<=, COLOUR_TOLERANCE);

	harness_wait(has_sound, &g.probe, HARNESS_WAIT_MS);
	probe_snapshot(&g.probe, &snap);
	g_test_message("%u audio blocks, %u loud", snap.audio_blocks,
		       snap.loud_blocks);
	g_assert_cmpuint(snap.loud_blocks, >=, ENOUGH_LOUD_BLOCKS);

	status = harness_status(g.source);
	g_test_message("status: %s", status);
	g_assert_nonnull(strstr(status, "Connected"));
	/* A source that only receives offers what libavcodec decodes, in the
	 * web client's order: a default tempchatsink sends it AV1. */
	g_assert_nonnull(strstr(status, "AV1 480x270"));
	g_free(status);

	guest_remove(&g);
	obs_data_release(settings);
	harness_peer_stop(sender);
	g_free(room);
}

/* The libavcodec decoder follows the negotiated codec: a sender that only
 * speaks `data` ("vp9") is shown at its size with its bars' colours. */
static void test_source_decodes_codec(gconstpointer data)
{
	const char *codec = data;
	char *room = harness_new_room();
	gchar *arg = g_strdup_printf("320x240:%s", codec);
	harness_peer *sender = harness_peer_start("send-bars",
						  harness_relay_url(), room, arg);
	obs_data_t *settings = guest_settings(room);
	gchar *want = g_ascii_strup(codec, -1);
	gchar *line = g_strdup_printf("%s 320x240", want);
	guest g;
	char *status;

	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	guest_add(&g, settings);
	assert_frames_of_size(&g.probe, 320, 240);
	status = harness_status(g.source);
	g_test_message("status: %s", status);
	g_assert_nonnull(strstr(status, line));
	g_free(status);
	guest_remove(&g);
	obs_data_release(settings);
	harness_peer_stop(sender);
	g_free(line);
	g_free(want);
	g_free(arg);
	g_free(room);
}

typedef struct {
	obs_source_t *source;
	const char *want;
} status_wanted;

static gboolean status_says(gpointer data)
{
	status_wanted *w = data;
	char *status = harness_status(w->source);
	gboolean yes = strstr(status, w->want) != NULL;

	g_free(status);
	return yes;
}

static void assert_status_says(obs_source_t *source, const char *want)
{
	status_wanted w = {source, want};
	char *status;

	harness_wait(status_says, &w, HARNESS_WAIT_MS);
	status = harness_status(source);
	g_test_message("status: %s", status);
	g_assert_nonnull(strstr(status, want));
	g_free(status);
}

static void set_room(obs_source_t *source, const char *key, const char *value)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_string(s, key, value);
	obs_source_update(source, s);
	obs_data_release(s);
}

static void test_bad_settings_say_what_to_fix_and_obs_keeps_rendering(void)
{
	obs_data_t *settings = guest_settings("");
	uint32_t total0, lagged0, total, lagged;
	guest g;

	guest_add(&g, settings);
	total0 = obs_get_total_frames();
	lagged0 = obs_get_lagged_frames();

	assert_status_says(g.source, "No room set");
	set_room(g.source, "room", "https://tempchat.example/#not a room!");
	assert_status_says(g.source, "not a TempChat link");
	set_room(g.source, "room", "valid-room");
	set_room(g.source, "signaling_url", "ws://127.0.0.1:1/v3/websocket");
	assert_status_says(g.source, "Could not reach the signaling server");

	/* The source is alive and OBS keeps drawing frames on time. */
	g_assert_true(obs_source_get_ref(g.source) != NULL);
	obs_source_release(g.source);
	harness_wait(rendered_a_second, &total0, HARNESS_WAIT_MS);
	total = obs_get_total_frames() - total0;
	lagged = obs_get_lagged_frames() - lagged0;
	g_test_message("rendered %u frames, %u lagged", total, lagged);
	g_assert_cmpuint(total, >, 0);
	g_assert_cmpuint(lagged * 2, <=, total);

	guest_remove(&g);
	obs_data_release(settings);
}

static void test_a_full_room_says_so_and_the_source_stays(void)
{
	const char *const one_member[] = {"--max-members", "1", NULL};
	harness_relay *small = harness_relay_start(one_member);
	char *room = harness_new_room();
	obs_data_t *settings = guest_settings(room);
	obs_source_t *first;
	guest g;

	/* Someone is in the room (a source of ours, so we know when). */
	obs_data_set_string(settings, "signaling_url",
			    harness_relay_get_url(small));
	first = obs_source_create_private("tempchat_source", "first", settings);
	assert_status_says(first, "Waiting for the guest");
	guest_add(&g, settings);
	assert_status_says(g.source, "The room is full");

	guest_remove(&g);
	obs_source_release(first);
	obs_data_release(settings);
	harness_relay_free(small);
	g_free(room);
}


/* Relay only, through a TURN server that never answers (nothing listens
 * on the port): the status says the TURN server gave no relay address. */
static void test_a_turn_server_giving_no_relay_says_so(void)
{
	char *room = harness_new_room();
	harness_peer *sender = harness_peer_start(
		"send-bars", harness_relay_url(), room, "320x240");
	obs_data_t *settings = guest_settings(room);
	status_wanted w;
	char *status;
	guest g;

	obs_data_set_bool(settings, "relay_only", true);
	obs_data_set_string(settings, "turn", "turn:127.0.0.1:9?transport=udp");
	obs_data_set_string(settings, "turn_user", "user");
	obs_data_set_string(settings, "turn_password", "password");
	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	guest_add(&g, settings);
	w = (status_wanted){g.source, "TURN server refused"};
	/* libnice gives up on an allocation after its STUN retransmissions. */
	harness_wait(status_says, &w, TURN_WAIT_MS);
	status = harness_status(g.source);
	g_test_message("status: %s", status);
	g_assert_nonnull(strstr(status, "TURN server refused"));
	g_free(status);

	guest_remove(&g);
	obs_data_release(settings);
	harness_peer_stop(sender);
	g_free(room);
}

/* Presses "New room" as a user does; returns the room it filled in. */
static char *press_new_room(obs_source_t *source)
{
	obs_properties_t *props = obs_source_properties(source);
	obs_data_t *settings;
	char *room;

	g_assert_true(obs_property_button_clicked(
		obs_properties_get(props, "new_room"), source));
	obs_properties_destroy(props);
	settings = obs_source_get_settings(source);
	room = g_strdup(obs_data_get_string(settings, "room"));
	g_assert_cmpstr(room, ==, obs_data_get_string(settings, "invite_link"));
	obs_data_release(settings);
	return room;
}

static void test_new_room_makes_an_unguessable_invite_link(void)
{
	obs_data_t *settings = guest_settings("");
	const char *prefix = "https://chat.example/app/#";
	char *first, *second;
	guest g;

	obs_data_set_string(settings, "web_url",
			    "https://chat.example/app/#old");
	guest_add(&g, settings);
	first = press_new_room(g.source);
	second = press_new_room(g.source);
	g_test_message("invite link: %s", first);
	/* The web address without its fragment, then 128 bits in hex. */
	g_assert_true(g_str_has_prefix(first, prefix));
	g_assert_cmpuint(strlen(first), ==, strlen(prefix) + 32);
	for (const char *c = first + strlen(prefix); *c != '\0'; c++)
		g_assert_true(g_ascii_isxdigit(*c) && !g_ascii_isupper(*c));
	g_assert_cmpstr(first, !=, second);
	/* The source joins the new room at once. */
	assert_status_says(g.source, "Waiting for the guest");

	guest_remove(&g);
	obs_data_release(settings);
	g_free(first);
	g_free(second);
}

static gboolean shows_nothing(gpointer source)
{
	return obs_source_get_width(source) == 0;
}

static void test_idle_last_frame_keeps_the_guests_last_picture(void)
{
	char *room = harness_new_room();
	harness_peer *sender = harness_peer_start(
		"send-bars", harness_relay_url(), room, "320x240");
	obs_data_t *settings = guest_settings(room);
	guest g;

	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	obs_data_set_string(settings, "idle", "last_frame");
	guest_add(&g, settings);
	assert_frames_of_size(&g.probe, 320, 240);
	harness_peer_stop(sender);
	assert_status_says(g.source, "Waiting for the guest");
	g_assert_cmpuint(obs_source_get_width(g.source), ==, 320);
	g_assert_cmpuint(obs_source_get_height(g.source), ==, 240);

	guest_remove(&g);
	obs_data_release(settings);
	g_free(room);
}

static void test_a_new_guest_and_a_new_room_need_nothing_done(void)
{
	char *room_a = harness_new_room(), *room_b = harness_new_room();
	const char *url = harness_relay_url();
	harness_peer *first =
		harness_peer_start("send-bars", url, room_a, "320x240");
	obs_data_t *settings = guest_settings(room_a);
	harness_peer *second, *other_room;
	guest g;

	g_assert_nonnull(harness_peer_wait_line(first, "started"));
	guest_add(&g, settings);
	assert_frames_of_size(&g.probe, 320, 240);

	/* The guest leaves: with idle "nothing" the source shows nothing;
	 * another guest joins the same room. */
	harness_peer_stop(first);
	g_assert_true(harness_wait(shows_nothing, g.source, HARNESS_WAIT_MS));
	probe_reset(&g.probe);
	second = harness_peer_start("send-bars", url, room_a, "352x288");
	assert_frames_of_size(&g.probe, 352, 288);

	/* The room changes in the settings: the source follows. */
	other_room = harness_peer_start("send-bars", url, room_b, "256x144");
	g_assert_nonnull(harness_peer_wait_line(other_room, "started"));
	probe_reset(&g.probe);
	set_room(g.source, "room", room_b);
	assert_frames_of_size(&g.probe, 256, 144);

	guest_remove(&g);
	obs_data_release(settings);
	harness_peer_stop(second);
	harness_peer_stop(other_room);
	g_free(room_a);
	g_free(room_b);
}

static void test_removing_the_source_mid_call_is_clean(void)
{
	char *room = harness_new_room();
	harness_peer *sender = harness_peer_start(
		"send-bars", harness_relay_url(), room, "320x240");
	obs_data_t *settings = guest_settings(room);
	guest g;

	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	guest_add(&g, settings);
	assert_frames_of_size(&g.probe, 320, 240);
	/* Frames are flowing through the decode thread right now. */
	guest_remove(&g);
	obs_data_release(settings);
	harness_peer_stop(sender);
	g_free(room);
}

/* One call both ways: on a relay that lets two into a room, a second
 * participant for the program would be refused and the guest would get
 * no program (or the source no guest). */
static void test_send_program_gives_the_guest_the_program(void)
{
	const char *const two_members[] = {"--max-members", "2", NULL};
	harness_relay *relay = harness_relay_start(two_members);
	char *room = harness_new_room();
	harness_peer *peer = harness_peer_start(
		"both", harness_relay_get_url(relay), room, "320x240");
	obs_data_t *settings = guest_settings(room);
	obs_data_t *red = obs_data_create();
	obs_source_t *background;
	obs_sceneitem_t *item;
	struct vec2 quarter;
	const char *line;
	guest g;

	vec2_set(&quarter, 0.25f, 0.25f);
	g_assert_nonnull(harness_peer_wait_line(peer, "started"));
	obs_data_set_string(settings, "signaling_url",
			    harness_relay_get_url(relay));
	obs_data_set_bool(settings, "send_program", true);
	guest_add(&g, settings);
	/* The program: red, with the guest small in a corner. */
	obs_data_set_int(red, "color", 0xff0000ffLL);
	obs_data_set_int(red, "width", HARNESS_CANVAS_W);
	obs_data_set_int(red, "height", HARNESS_CANVAS_H);
	background = obs_source_create("color_source_v3", "red", red, NULL);
	obs_scene_add(g.scene, background);
	item = obs_scene_sceneitem_from_source(g.scene, g.source);
	obs_sceneitem_set_order(item, OBS_ORDER_MOVE_TOP);
	obs_sceneitem_set_scale(item, &quarter);
	obs_sceneitem_release(item);

	assert_frames_of_size(&g.probe, 320, 240);
	line = harness_peer_wait_line(peer, "video ");
	harness_assert_red_canvas(line);
	g_assert_nonnull(harness_peer_wait_line(peer, "audio"));
	/* One codec both ways, the web client's first choice: we encode and
	 * decode AV1. */
	line = harness_peer_wait_line(peer, "codec ");
	g_assert_nonnull(line);
	g_assert_cmpstr(line, ==, "codec AV1");

	guest_remove(&g);
	obs_source_release(background);
	obs_data_release(red);
	obs_data_release(settings);
	harness_peer_stop(peer);
	harness_relay_free(relay);
	g_free(room);
}

/* What OBS writes to the scene collection for a source (obs_save_source,
 * as the frontend saves it), as JSON. g_free. */
static char *saved_json(obs_source_t *source, obs_data_t **saved)
{
	*saved = obs_save_source(source);
	return g_strdup(obs_data_get_json(*saved));
}

static void test_the_room_and_secrets_are_not_saved_to_disk(void)
{
	char *room = harness_new_room();
	obs_data_t *settings = guest_settings(room);
	obs_data_t *saved, *live, *change;
	obs_source_t *reloaded;
	char *json;
	guest g;

	obs_data_set_string(settings, "turn_secret", "not-on-disk-secret");
	obs_data_set_string(settings, "turn_password", "not-on-disk-password");
	obs_data_set_string(settings, "invite_link",
			    "https://chat.example/#not-on-disk-link");
	guest_add(&g, settings);
	assert_status_says(g.source, "Waiting for the guest");

	json = saved_json(g.source, &saved);
	g_assert_null(strstr(json, room));
	g_assert_null(strstr(json, "not-on-disk"));
	g_assert_nonnull(strstr(json, HARNESS_CHANNEL)); /* the rest is kept */
	/* The running source still has them: the call and the properties
	 * go on as before. */
	live = obs_source_get_settings(g.source);
	g_assert_cmpstr(obs_data_get_string(live, "room"), ==, room);
	g_assert_cmpstr(obs_data_get_string(live, "turn_secret"), ==,
			"not-on-disk-secret");
	obs_data_release(live);
	/* A change of something else (as the properties make it: only what
	 * changed) keeps the room, now a default value, in the call. */
	change = obs_data_create();
	obs_data_set_int(change, "latency_ms", 300);
	obs_source_update(g.source, change);
	obs_data_release(change);
	assert_status_says(g.source, "Waiting for the guest");
	/* OBS started again from that file: the source asks for a room. */
	obs_data_release(saved);
	saved = obs_data_create_from_json(json);
	g_free(json);
	obs_data_set_string(saved, "name", "reloaded");
	reloaded = obs_load_source(saved);
	assert_status_says(reloaded, "No room set");
	obs_source_remove(reloaded);
	obs_source_release(reloaded);
	obs_data_release(saved);

	/* Asked to remember, they are saved: the change holds only the
	 * checkbox, so the room and secrets come from the defaults they were
	 * moved to by the first save, and must be made user values again. */
	change = obs_data_create();
	obs_data_set_bool(change, "remember_room", true);
	obs_source_update(g.source, change);
	obs_data_release(change);
	json = saved_json(g.source, &saved);
	g_assert_nonnull(strstr(json, room));
	g_assert_nonnull(strstr(json, "not-on-disk-secret"));
	g_assert_nonnull(strstr(json, "not-on-disk-password"));
	g_assert_nonnull(strstr(json, "not-on-disk-link"));
	g_free(json);
	obs_data_release(saved);

	guest_remove(&g);
	obs_data_release(settings);
	g_free(room);
}

/* ------------------------------------------------------------ A/V sync */

#define FLASHES 40  /* at most, one a second */
#define SETTLED 4   /* flashes in a row within the bounds */
#define AV_WAIT_MS 40000
#define FRAME_NS (1000000000ULL / 30)
#define GAP_NS 50000000ULL     /* quiet this long ends a beep */
#define AV_EARLY_NS 40000000LL /* EBU R37: sound at most 40 ms early */
#define AV_LATE_NS 60000000LL  /* ... and at most 60 ms late */

/* The middles of the flashes and beeps the source hands OBS, on the times
 * it gives them (a filter sees them as they are). Middles, because OBS
 * may skip a frame at either end of a flash when it renders late. */
typedef struct {
	GMutex lock;
	obs_source_t *filter;
	uint64_t flash[FLASHES * 2], beep[FLASHES * 2];
	guint n_flash, n_beep;
	bool in_flash, in_beep;
	uint64_t flash_start, flash_last, beep_start, beep_last;
} av_watch;

static struct obs_source_frame *av_video(void *data,
					 struct obs_source_frame *frame)
{
	av_watch *w = data;
	/* The centre of the picture, from the Y plane (I420). */
	bool white = frame->format == VIDEO_FORMAT_I420 &&
		     frame->data[0][frame->height / 2 * frame->linesize[0] +
				    frame->width / 2] > 128;

	g_mutex_lock(&w->lock);
	if (white && !w->in_flash)
		w->flash_start = frame->timestamp;
	if (white)
		w->flash_last = frame->timestamp;
	if (!white && w->in_flash && w->n_flash < G_N_ELEMENTS(w->flash))
		w->flash[w->n_flash++] =
			(w->flash_start + w->flash_last + FRAME_NS) / 2;
	w->in_flash = white;
	g_mutex_unlock(&w->lock);
	g_main_context_wakeup(NULL);
	return frame;
}

static struct obs_audio_data *av_audio(void *data, struct obs_audio_data *a)
{
	av_watch *w = data;
	const float *s = (const float *)a->data[0];

	g_mutex_lock(&w->lock);
	for (uint32_t i = 0; s != NULL && i < a->frames; i++) {
		uint64_t t = a->timestamp + (uint64_t)i * 1000000000ULL / 48000;
		bool loud = fabsf(s[i]) > 0.1f;
		if (w->in_beep && t - w->beep_last > GAP_NS) {
			if (w->n_beep < G_N_ELEMENTS(w->beep))
				w->beep[w->n_beep++] =
					(w->beep_start + w->beep_last) / 2;
			w->in_beep = false;
		}
		if (loud && !w->in_beep) {
			w->in_beep = true;
			w->beep_start = t;
		}
		if (loud)
			w->beep_last = t;
	}
	g_mutex_unlock(&w->lock);
	g_main_context_wakeup(NULL);
	return a;
}

static const char *av_name(void *unused)
{
	(void)unused;
	return "test A/V watch";
}

static void *av_create(obs_data_t *settings, obs_source_t *source)
{
	(void)source;
	return (void *)(intptr_t)obs_data_get_int(settings, "watch");
}

static void av_destroy(void *data)
{
	(void)data;
}

static struct obs_source_info av_watch_info = {
	.id = "tc_test_av_watch",
	.type = OBS_SOURCE_TYPE_FILTER,
	.output_flags = OBS_SOURCE_ASYNC_VIDEO | OBS_SOURCE_AUDIO,
	.get_name = av_name,
	.create = av_create,
	.destroy = av_destroy,
	.filter_video = av_video,
	.filter_audio = av_audio,
};

/* The beep nearest to `flash`, minus the flash: > 0 when sound is late. */
static int64_t av_offset(const av_watch *w, uint64_t flash)
{
	int64_t best = INT64_MAX;

	for (guint i = 0; i < w->n_beep; i++) {
		int64_t d = (int64_t)(w->beep[i] - flash);
		if (llabs(d) < llabs(best))
			best = d;
	}
	return best;
}

static bool av_within_bounds(int64_t d)
{
	return d >= -AV_EARLY_NS && d <= AV_LATE_NS;
}

/* The last SETTLED flashes (each with the beep after it seen) are in sync.
 * The first flash and beep may be cut short by when the watch began. */
static gboolean av_settled(gpointer data)
{
	av_watch *w = data;
	guint ok = 0;

	g_mutex_lock(&w->lock);
	for (guint i = 1; i < w->n_flash; i++) {
		bool beep_after = w->n_beep > 0 &&
				  w->beep[w->n_beep - 1] > w->flash[i];
		if (beep_after && av_within_bounds(av_offset(w, w->flash[i])))
			ok++;
		else if (beep_after)
			ok = 0;
	}
	g_mutex_unlock(&w->lock);
	return ok >= SETTLED;
}

static void test_the_guests_sound_and_picture_stay_together(void)
{
	char *room = harness_new_room();
	harness_peer *sender = harness_peer_start(
		"send-flash", harness_relay_url(), room, "320x240");
	obs_data_t *settings = guest_settings(room);
	obs_data_t *fs = obs_data_create();
	av_watch w = {0};
	int64_t first, last = 0;
	uint64_t settled_ns = 0;
	gboolean settled;
	guest g;

	g_mutex_init(&w.lock);
	g_assert_nonnull(harness_peer_wait_line(sender, "started"));
	guest_add(&g, settings);
	assert_frames_of_size(&g.probe, 320, 240);
	/* From now on: the call has settled (its first RTCP reports). */
	obs_data_set_int(fs, "watch", (long long)(intptr_t)&w);
	w.filter = obs_source_create_private("tc_test_av_watch", "av", fs);
	obs_source_filter_add(g.source, w.filter);
	settled = harness_wait(av_settled, &w, AV_WAIT_MS);
	obs_source_filter_remove(g.source, w.filter);
	obs_source_release(w.filter);

	g_assert_cmpuint(w.n_flash, >=, 2);
	first = av_offset(&w, w.flash[1]);
	for (guint i = 1; i < w.n_flash; i++) {
		int64_t d = av_offset(&w, w.flash[i]);
		g_test_message("flash %u: sound %+.1f ms", i, d / 1e6);
		if (!av_within_bounds(d))
			settled_ns = w.flash[i] - w.flash[1];
		last = d;
	}
	/* Until the sender's first reports, its audio and video are on two
	 * time lines; the call's media clock then moves them together. */
	g_test_message("METRIC obs-av-offset-first-ms=%.1f", first / 1e6);
	g_test_message("METRIC obs-av-in-sync-after-s=%.1f", settled_ns / 1e9);
	g_test_message("METRIC obs-av-offset-ms=%.1f", last / 1e6);
	g_assert_true(settled);

	guest_remove(&g);
	obs_data_release(fs);
	obs_data_release(settings);
	harness_peer_stop(sender);
	g_mutex_clear(&w.lock);
	g_free(room);
}

int main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	harness_obs_start();
	probe_register();
	obs_register_source(&av_watch_info);
	g_test_add_data_func("/obs/source/decodes-vp9", "vp9",
			     test_source_decodes_codec);
	g_test_add_data_func("/obs/source/decodes-h264", "h264",
			     test_source_decodes_codec);
	g_test_add_data_func("/obs/source/decodes-vp8", "vp8",
			     test_source_decodes_codec);
	g_test_add_func("/obs/source/shows-the-senders-bars-and-plays-its-tone",
			test_source_shows_the_senders_bars_and_plays_its_tone);
	g_test_add_func(
		"/obs/source/bad-settings-say-what-to-fix-and-obs-keeps-"
		"rendering",
		test_bad_settings_say_what_to_fix_and_obs_keeps_rendering);
	g_test_add_func("/obs/source/a-full-room-says-so-and-the-source-stays",
			test_a_full_room_says_so_and_the_source_stays);
	g_test_add_func("/obs/source/a-turn-server-giving-no-relay-says-so",
			test_a_turn_server_giving_no_relay_says_so);
	g_test_add_func("/obs/source/a-new-guest-and-a-new-room-need-nothing-"
			"done",
			test_a_new_guest_and_a_new_room_need_nothing_done);
	g_test_add_func("/obs/source/new-room-makes-an-unguessable-invite-link",
			test_new_room_makes_an_unguessable_invite_link);
	g_test_add_func("/obs/source/idle-last-frame-keeps-the-guests-last-"
			"picture",
			test_idle_last_frame_keeps_the_guests_last_picture);
	g_test_add_func("/obs/source/removing-the-source-mid-call-is-clean",
			test_removing_the_source_mid_call_is_clean);
	g_test_add_func("/obs/source/send-program-gives-the-guest-the-program",
			test_send_program_gives_the_guest_the_program);
	g_test_add_func("/obs/source/the-guests-sound-and-picture-stay-together",
			test_the_guests_sound_and_picture_stay_together);
	g_test_add_func("/obs/source/the-room-and-secrets-are-not-saved-to-disk",
			test_the_room_and_secrets_are_not_saved_to_disk);
	ret = g_test_run();
	harness_obs_stop();
	harness_relay_stop();
	/* libobs counts its allocations: ours go through bmalloc too. */
	g_assert_cmpint(bnum_allocs(), ==, 0);
	return ret;
}
