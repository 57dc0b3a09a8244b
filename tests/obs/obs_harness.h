/* obs_harness.h - what the libobs tests share: a headless libobs with our
 * module loaded from the build tree, our relay, GStreamer peers in child
 * processes, and event-driven waiting with a deadline.
 *
 * libobs runs under xvfb-run (X11 + EGL on Mesa llvmpipe). Peers are real:
 * tempchat-relay and tc_obs_gst_peer (tempchatsink / tempchatsrc from the
 * build tree).
 */
#pragma once

#include <gio/gio.h>
#include <obs.h>

#define HARNESS_CHANNEL TC_OBS_TEST_CHANNEL /* tests/obs/CMakeLists.txt */
#define HARNESS_CANVAS_W 640
#define HARNESS_CANVAS_H 360
#define HARNESS_WAIT_MS 20000 /* signaling + ICE + DTLS + first keyframe */

/* Starts libobs (640x360 at 30 fps, 48 kHz stereo) and loads tempchat.so
 * from the build tree, and image-source.so from the system (colour
 * sources). Aborts the test on failure. */
void harness_obs_start(void);
/* The same at another canvas size (benchmarks). */
void harness_obs_start_canvas(uint32_t width, uint32_t height);
void harness_obs_stop(void);

/* The relay's ws:// URL (started on first use, stopped by
 * harness_relay_stop). */
const char *harness_relay_url(void);
void harness_relay_stop(void);

/* Another relay, with its own flags (NULL-terminated). */
typedef struct harness_relay harness_relay;
harness_relay *harness_relay_start(const char *const *flags);
const char *harness_relay_get_url(harness_relay *r);
void harness_relay_free(harness_relay *r);

/* A fresh room name, unique in this process. g_free. */
char *harness_new_room(void);

/* A peer process: tc_obs_gst_peer MODE URL ROOM [args]. Its stdout lines
 * are collected; it exits when its stdin closes. */
typedef struct harness_peer harness_peer;
harness_peer *harness_peer_start(const char *mode, const char *url,
				 const char *room, const char *extra);
/* The first line starting with `prefix` (borrowed), waiting for it up to
 * the deadline; NULL when it never came. */
const char *harness_peer_wait_line(harness_peer *p, const char *prefix);
void harness_peer_stop(harness_peer *p);

/* Iterates the default main context until cond(data) or the deadline. */
typedef gboolean (*harness_cond)(gpointer data);
gboolean harness_wait(harness_cond cond, gpointer data, guint timeout_ms);

/* What a source's status line says now (its get_status proc). g_free. */
char *harness_status(obs_source_t *source);

/* Asserts that a "video W H R G B" line of a receiving peer says the
 * canvas size and a red centre (the tests' program is red). */
void harness_assert_red_canvas(const char *line);
