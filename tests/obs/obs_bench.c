/* obs_bench.c - libobs with a moving 1280x720 scene for
 * bench/obs_output_cpu.sh, under xvfb-run:
 *
 *   tc_obs_bench idle|x264|tempchat URL ROOM_IN CHANNEL [ROOM_OUT]
 *
 * The scene is a "TempChat Guest" source showing what a GStreamer peer
 * sends into ROOM_IN (a moving ball at 1280x720), so every mode pays for
 * receiving and decoding it. x264 adds OBS's own recording encoders (x264
 * veryfast CBR at the 720p start bitrate, AAC) into a null output;
 * tempchat adds the "TempChat Call" output into ROOM_OUT. Prints
 * "pid N" and "started"; exits when stdin closes.
 */
#include <glib.h>
#include <obs.h>
#include <stdio.h>
#include <unistd.h>

#include "obs_harness.h"
#include "stdin_closed.h"

#define WIDTH 1280
#define HEIGHT 720
#define BITRATE_KBPS 2000 /* the 720p start bitrate of a call */

static obs_data_t *room_settings(const char *url, const char *room,
				 const char *channel)
{
	obs_data_t *s = obs_data_create();

	obs_data_set_string(s, "signaling_url", url);
	obs_data_set_string(s, "room", room);
	obs_data_set_string(s, "channel", channel);
	return s;
}

static obs_output_t *start_x264(obs_encoder_t **venc, obs_encoder_t **aenc)
{
	obs_data_t *v = obs_data_create();
	obs_data_t *a = obs_data_create();
	obs_output_t *out =
		obs_output_create("null_output", "null", NULL, NULL);

	obs_data_set_string(v, "rate_control", "CBR");
	obs_data_set_int(v, "bitrate", BITRATE_KBPS);
	obs_data_set_string(v, "preset", "veryfast");
	*venc = obs_video_encoder_create("obs_x264", "x264", v, NULL);
	obs_data_set_int(a, "bitrate", 128);
	*aenc = obs_audio_encoder_create("ffmpeg_aac", "aac", a, 0, NULL);
	obs_encoder_set_video(*venc, obs_get_video());
	obs_encoder_set_audio(*aenc, obs_get_audio());
	obs_output_set_video_encoder(out, *venc);
	obs_output_set_audio_encoder(out, *aenc, 0);
	if (!obs_output_start(out))
		printf("error x264 output did not start\n");
	obs_data_release(v);
	obs_data_release(a);
	return out;
}

int main(int argc, char **argv)
{
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	GIOChannel *in = g_io_channel_unix_new(0);
	obs_encoder_t *venc = NULL, *aenc = NULL;
	obs_output_t *out = NULL;
	obs_source_t *guest;
	obs_scene_t *scene;
	obs_data_t *s;

	if (argc < 5) {
		fprintf(stderr,
			"usage: %s idle|x264|tempchat URL ROOM_IN "
			"CHANNEL [ROOM_OUT]\n",
			argv[0]);
		return 2;
	}
	harness_obs_start_canvas(WIDTH, HEIGHT);
	s = room_settings(argv[2], argv[3], argv[4]);
	guest = obs_source_create("tempchat_source", "guest", s, NULL);
	obs_data_release(s);
	scene = obs_scene_create("program");
	obs_scene_add(scene, guest);
	obs_set_output_source(0, obs_scene_get_source(scene));

	if (g_str_equal(argv[1], "x264")) {
		out = start_x264(&venc, &aenc);
	} else if (g_str_equal(argv[1], "tempchat") && argc > 5) {
		s = room_settings(argv[2], argv[5], argv[4]);
		out = obs_output_create("tempchat_output", "call", s, NULL);
		obs_data_release(s);
		if (!obs_output_start(out))
			printf("error %s\n", obs_output_get_last_error(out));
	}
	printf("pid %d\nstarted\n", (int)getpid());
	fflush(stdout);
	g_io_add_watch(in, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_closed_quit,
		       loop);
	g_main_loop_run(loop);

	if (out != NULL) {
		obs_output_stop(out);
		obs_output_release(out);
	}
	obs_encoder_release(venc);
	obs_encoder_release(aenc);
	obs_set_output_source(0, NULL);
	obs_scene_release(scene);
	obs_source_remove(guest);
	obs_source_release(guest);
	harness_obs_stop();
	g_io_channel_unref(in);
	g_main_loop_unref(loop);
	return 0;
}
