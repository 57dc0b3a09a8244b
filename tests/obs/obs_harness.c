/* obs_harness.c - see the header. */
#include <X11/Xlib.h>
#include <dlfcn.h>
#include <obs-module.h>
#include <obs-nix-platform.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "obs_harness.h"

static Display *display;

/* ------------------------------------------------------------ waiting */

static gboolean on_deadline(gpointer data)
{
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Each iteration waits at most this long for a wakeup: OBS's threads
 * change what cond() reads without telling the main context. */
static gboolean on_poll(gpointer data)
{
	(void)data;
	return G_SOURCE_CONTINUE;
}

gboolean harness_wait(harness_cond cond, gpointer data, guint timeout_ms)
{
	gboolean late = FALSE;
	GSource *t = g_timeout_source_new(timeout_ms);
	GSource *poll = g_timeout_source_new(20);

	g_source_set_callback(t, on_deadline, &late, NULL);
	g_source_attach(t, NULL);
	g_source_set_callback(poll, on_poll, NULL, NULL);
	g_source_attach(poll, NULL);
	while (!cond(data) && !late)
		g_main_context_iteration(NULL, TRUE);
	g_source_destroy(t);
	g_source_unref(t);
	g_source_destroy(poll);
	g_source_unref(poll);
	return cond(data);
}

/* ------------------------------------------------------------- libobs */

static void load_module(const char *path, const char *data_path)
{
	obs_module_t *mod = NULL;
	int rc = obs_open_module(&mod, path, data_path);

	if (rc != MODULE_SUCCESS || !obs_init_module(mod))
		g_error("could not load %s (%d)", path, rc);
}

/* Modules stay mapped after obs_shutdown unloads them, so a leak report
 * at exit can name their functions (and tell ours from the others). */
static void keep_mapped(const char *path)
{
	g_assert_nonnull(dlopen(path, RTLD_NOW | RTLD_NODELETE));
}

void harness_obs_start(void)
{
	harness_obs_start_canvas(HARNESS_CANVAS_W, HARNESS_CANVAS_H);
}

void harness_obs_start_canvas(uint32_t width, uint32_t height)
{
	struct obs_video_info ovi = {
		.graphics_module = "libobs-opengl",
		.fps_num = 30,
		.fps_den = 1,
		.base_width = width,
		.base_height = height,
		.output_width = width,
		.output_height = height,
		.output_format = VIDEO_FORMAT_NV12,
		.gpu_conversion = true,
		.colorspace = VIDEO_CS_709,
		.range = VIDEO_RANGE_PARTIAL,
		.scale_type = OBS_SCALE_BICUBIC,
	};
	struct obs_audio_info oai = {.samples_per_sec = 48000,
				     .speakers = SPEAKERS_STEREO};

	keep_mapped("libobs-opengl.so");
	/* The core warns about what the other side did (a full room): the
	 * tests check what the user is told; criticals stay fatal. */
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
	display = XOpenDisplay(NULL);
	g_assert_nonnull(display); /* run under xvfb-run */
	obs_set_nix_platform(OBS_NIX_PLATFORM_X11_EGL);
	obs_set_nix_platform_display(display);
	g_assert_true(obs_startup("en-US", NULL, NULL));
	g_assert_cmpint(obs_reset_video(&ovi), ==, OBS_VIDEO_SUCCESS);
	g_assert_true(obs_reset_audio(&oai));
	/* Only what the tests need: frontend-tools would abort without Qt. */
	keep_mapped(TC_OBS_MODULE);
	keep_mapped(TC_OBS_SYSTEM_PLUGINS "/image-source.so");
	load_module(TC_OBS_MODULE, TC_OBS_DATA);
	load_module(TC_OBS_SYSTEM_PLUGINS "/image-source.so",
		    TC_OBS_SYSTEM_DATA "/image-source");
	if (getenv("TC_OBS_BENCH_MODULES") != NULL) {
		/* bench/obs_output_cpu.sh compares with OBS's own x264. */
		load_module(TC_OBS_SYSTEM_PLUGINS "/obs-x264.so",
			    TC_OBS_SYSTEM_DATA "/obs-x264");
		load_module(TC_OBS_SYSTEM_PLUGINS "/obs-ffmpeg.so",
			    TC_OBS_SYSTEM_DATA "/obs-ffmpeg");
		load_module(TC_OBS_SYSTEM_PLUGINS "/obs-outputs.so",
			    TC_OBS_SYSTEM_DATA "/obs-outputs");
	}
	obs_post_load_modules();
}

/* The GL driver libobs-opengl brought in (Mesa's, found through EGL) is
 * unloaded at shutdown too; keep whatever is mapped from a dri/ folder. */
static void keep_gl_driver_mapped(void)
{
	char *maps = NULL;
	char **lines;

	if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
		return;
	lines = g_strsplit(maps, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		const char *path = strchr(*l, '/');
		if (path != NULL && strstr(path, "/dri/") != NULL)
			dlopen(path, RTLD_NOW | RTLD_NODELETE);
	}
	g_strfreev(lines);
	g_free(maps);
}

void harness_obs_stop(void)
{
	keep_gl_driver_mapped();
	for (int i = 0; i < MAX_CHANNELS; i++)
		obs_set_output_source(i, NULL);
	obs_shutdown();
	/* libobs-opengl keeps the display until shutdown. */
	XCloseDisplay(display);
	display = NULL;
}

/* ------------------------------------------------------- processes */

static void die_with_parent(gpointer unused)
{
	(void)unused;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *spawn(GSubprocessFlags flags, const char *const *argv)
{
	GSubprocessLauncher *l = g_subprocess_launcher_new(flags);
	GError *err = NULL;
	GSubprocess *p;

	g_subprocess_launcher_set_child_setup(l, die_with_parent, NULL, NULL);
	/* In ASan builds the leak check is for this process (libobs and our
	 * module); the peers' GStreamer and its plugin scanner have their
	 * own tests. */
	g_subprocess_launcher_setenv(l, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
	p = g_subprocess_launcher_spawnv(l, argv, &err);
	g_assert_no_error(err);
	g_object_unref(l);
	return p;
}

struct harness_peer {
	GSubprocess *proc;
	GDataInputStream *out;
	GPtrArray *lines;
	gboolean eof;
	const char *want;
};

static void on_line(GObject *src, GAsyncResult *res, gpointer data)
{
	harness_peer *p = data;
	char *line = g_data_input_stream_read_line_finish(
		G_DATA_INPUT_STREAM(src), res, NULL, NULL);

	if (line == NULL) {
		p->eof = TRUE;
		return;
	}
	g_ptr_array_add(p->lines, line);
	g_data_input_stream_read_line_async(p->out, G_PRIORITY_DEFAULT, NULL,
					    on_line, p);
}

static const char *find_line(harness_peer *p, const char *prefix)
{
	for (guint i = 0; i < p->lines->len; i++)
		if (g_str_has_prefix(g_ptr_array_index(p->lines, i), prefix))
			return g_ptr_array_index(p->lines, i);
	return NULL;
}

static gboolean has_line(gpointer data)
{
	harness_peer *p = data;
	return find_line(p, p->want) != NULL || p->eof;
}

static harness_peer *peer_spawn(const char *const *argv)
{
	harness_peer *p = g_new0(harness_peer, 1);

	p->lines = g_ptr_array_new_with_free_func(g_free);
	p->proc = spawn(G_SUBPROCESS_FLAGS_STDIN_PIPE |
				G_SUBPROCESS_FLAGS_STDOUT_PIPE,
			argv);
	p->out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p->proc));
	g_data_input_stream_read_line_async(p->out, G_PRIORITY_DEFAULT, NULL,
					    on_line, p);
	return p;
}

harness_peer *harness_peer_start(const char *mode, const char *url,
				 const char *room, const char *extra)
{
	const char *argv[] = {TC_OBS_GST_PEER, mode, url, room, extra, NULL};
	return peer_spawn(argv);
}

const char *harness_peer_wait_line(harness_peer *p, const char *prefix)
{
	p->want = prefix;
	harness_wait(has_line, p, HARNESS_WAIT_MS);
	return find_line(p, prefix);
}

static gboolean at_eof(gpointer data)
{
	return ((harness_peer *)data)->eof;
}

void harness_peer_stop(harness_peer *p)
{
	if (p == NULL)
		return;
	/* Closing stdin asks it to leave the room and exit. */
	g_output_stream_close(g_subprocess_get_stdin_pipe(p->proc), NULL, NULL);
	/* The pending line read must end before `p` goes away. */
	harness_wait(at_eof, p, HARNESS_WAIT_MS);
	g_assert_true(p->eof);
	g_subprocess_wait(p->proc, NULL, NULL);
	g_object_unref(p->out);
	g_object_unref(p->proc);
	g_ptr_array_unref(p->lines);
	g_free(p);
}

/* ------------------------------------------------------------ relay */

struct harness_relay {
	GSubprocess *proc;
	char *url;
};

static harness_relay *default_relay;

harness_relay *harness_relay_start(const char *const *flags)
{
	GPtrArray *argv = g_ptr_array_new();
	harness_relay *r = g_new0(harness_relay, 1);
	GDataInputStream *out;
	char *line;

	g_ptr_array_add(argv, (char *)TC_RELAY_PATH);
	g_ptr_array_add(argv, (char *)"--port");
	g_ptr_array_add(argv, (char *)"0");
	for (size_t i = 0; flags != NULL && flags[i] != NULL; i++)
		g_ptr_array_add(argv, (char *)flags[i]);
	g_ptr_array_add(argv, NULL);
	r->proc = spawn(G_SUBPROCESS_FLAGS_STDOUT_PIPE,
			(const char *const *)argv->pdata);
	g_ptr_array_free(argv, TRUE);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(r->proc));
	/* "tempchat-relay listening on ws://127.0.0.1:PORT/v3/websocket" */
	line = g_data_input_stream_read_line(out, NULL, NULL, NULL);
	g_assert_nonnull(line);
	g_assert_nonnull(strstr(line, "ws://"));
	r->url = g_strdup(strstr(line, "ws://"));
	g_free(line);
	g_object_unref(out);
	return r;
}

const char *harness_relay_get_url(harness_relay *r)
{
	return r->url;
}

void harness_relay_free(harness_relay *r)
{
	if (r == NULL)
		return;
	g_subprocess_send_signal(r->proc, SIGTERM);
	g_subprocess_wait(r->proc, NULL, NULL);
	g_object_unref(r->proc);
	g_free(r->url);
	g_free(r);
}

const char *harness_relay_url(void)
{
	if (default_relay == NULL)
		default_relay = harness_relay_start(NULL);
	return default_relay->url;
}

void harness_relay_stop(void)
{
	harness_relay_free(default_relay);
	default_relay = NULL;
}

char *harness_new_room(void)
{
	static int n;
	return g_strdup_printf("obs%d-%d", (int)getpid(), ++n);
}

char *harness_status(obs_source_t *source)
{
	calldata_t cd = {0};
	const char *status = NULL;
	char *out;

	proc_handler_call(obs_source_get_proc_handler(source), "get_status",
			  &cd);
	calldata_get_string(&cd, "status", &status);
	out = g_strdup(status != NULL ? status : "");
	calldata_free(&cd);
	return out;
}

void harness_assert_red_canvas(const char *line)
{
	int w = 0, h = 0;
	unsigned r = 0, g = 0, b = 0;

	g_assert_nonnull(line);
	g_test_message("the peer decoded: %s", line);
	g_assert_cmpint(
		sscanf(line, "video %d %d %u %u %u", &w, &h, &r, &g, &b), ==,
		5);
	g_assert_cmpint(w, ==, HARNESS_CANVAS_W);
	g_assert_cmpint(h, ==, HARNESS_CANVAS_H);
	g_assert_cmpuint(r, >=, 200);
	g_assert_cmpuint(g, <=, 60);
	g_assert_cmpuint(b, <=, 60);
}
