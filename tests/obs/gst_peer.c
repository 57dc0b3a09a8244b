/* gst_peer.c - the GStreamer side of the libobs tests, a real TempChat peer
 * built from the build tree's tempchatsink / tempchatsrc.
 *
 *   tc_obs_gst_peer send-bars URL ROOM WxH   SMPTE bars at WxH and a 440 Hz
 *                                           tone into the room
 *   tc_obs_gst_peer send-ball URL ROOM WxH   a moving ball instead (benchmarks)
 *   tc_obs_gst_peer send-snow URL ROOM WxH   random noise instead (a picture
 *                                           no bitrate is enough for)
 *   tc_obs_gst_peer send-on-request URL ROOM WxH   the bars encoded before
 *                                           the sink by a vp8enc that makes
 *                                           a keyframe only when asked
 *                                           (the first, and on PLI/FIR),
 *                                           and no retransmission: a lost
 *                                           packet stays lost
 *   tc_obs_gst_peer send-flash URL ROOM WxH  black video that turns white for
 *                                           200 ms each second, and an
 *                                           880 Hz beep at exactly those
 *                                           times (A/V sync)
 *   tc_obs_gst_peer both URL ROOM WxH        both: one two-way call
 *   tc_obs_gst_peer channel                  prints the channel the peers
 *                                           use (for the scripts)
 *   tc_obs_gst_peer recv URL ROOM [CODECS]   receives (CODECS: the src's
 *       video-codecs, default all); prints "codec NAME" when the call
 *       negotiates its video codec, "connected T" when the call
 *       connects and "first-video T" when its first frame is decoded (T:
 *       g_get_monotonic_time(), which every process on the machine
 *       shares), "video W H R G B" (size and the centre
 *       pixel of the 30th decoded frame), "audio" (after 25 decoded
 *       buffers) and "layers T T T T T T T T" (the temporal ids the
 *       first 8 received video frames' TempchatLayerMeta names, "-" for
 *       a frame without one)
 *   tc_obs_gst_peer recv-asking URL ROOM [CODECS]   the same, and asks
 *       the sender for a keyframe after its 10th decoded frame (an
 *       upstream force-key-unit, which tempchatsrc turns into a PLI), as
 *       an application starting a recording would; prints
 *       "asked-keyframe" then
 *
 * Prints "started" once running; leaves the room and exits when stdin
 * closes.
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <string.h>

#include "stdin_closed.h"

#define CHANNEL TC_OBS_TEST_CHANNEL /* tests/obs/CMakeLists.txt */
#define VIDEO_FRAME_TO_REPORT 30
#define VIDEO_FRAME_TO_ASK_KEYFRAME 10

static gboolean ask_keyframe; /* recv-asking */
#define LAYERS_TO_REPORT 8
#define AUDIO_BUFFERS_TO_REPORT 25

static GstPadProbeReturn on_video(GstPad *pad, GstPadProbeInfo *info,
				  gpointer data)
{
	static guint frames;
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	GstCaps *caps;
	GstMapInfo map;
	gint w = 0, h = 0;

	(void)data;
	if (++frames == 1) {
		printf("first-video %" G_GINT64_FORMAT "\n",
		       g_get_monotonic_time());
		fflush(stdout);
	}
	if (frames == VIDEO_FRAME_TO_ASK_KEYFRAME && ask_keyframe) {
		/* As an application starting a recording would: tempchatsrc
		 * asks the sender with a PLI. */
		gst_pad_push_event(pad,
				   gst_video_event_new_upstream_force_key_unit(
					   GST_CLOCK_TIME_NONE, TRUE, 0));
		printf("asked-keyframe\n");
		fflush(stdout);
	}
	if (frames != VIDEO_FRAME_TO_REPORT)
		return GST_PAD_PROBE_OK;
	caps = gst_pad_get_current_caps(pad);
	gst_structure_get_int(gst_caps_get_structure(caps, 0), "width", &w);
	gst_structure_get_int(gst_caps_get_structure(caps, 0), "height", &h);
	gst_caps_unref(caps);
	if (gst_buffer_map(buf, &map, GST_MAP_READ)) {
		/* RGB, rows padded to 4 bytes. */
		gsize stride = ((gsize)w * 3 + 3) & ~(gsize)3;
		const guint8 *px =
			map.data + (gsize)(h / 2) * stride + (gsize)(w / 2) * 3;
		printf("video %d %d %u %u %u\n", w, h, px[0], px[1], px[2]);
		fflush(stdout);
		gst_buffer_unmap(buf, &map);
	}
	return GST_PAD_PROBE_OK;
}

/* On the received encoded video, before the decoder. */
static GstPadProbeReturn on_encoded(GstPad *pad, GstPadProbeInfo *info,
				    gpointer data)
{
	static GString *tids;
	static guint frames;
	GstCustomMeta *meta = gst_buffer_get_custom_meta(
		GST_PAD_PROBE_INFO_BUFFER(info), "TempchatLayerMeta");
	guint tid = 0;

	(void)pad, (void)data;
	if (frames >= LAYERS_TO_REPORT)
		return GST_PAD_PROBE_OK;
	if (tids == NULL)
		tids = g_string_new("layers");
	if (meta != NULL &&
	    gst_structure_get_uint(gst_custom_meta_get_structure(meta),
				   "temporal-id", &tid))
		g_string_append_printf(tids, " %u", tid);
	else
		g_string_append(tids, " -");
	if (++frames == LAYERS_TO_REPORT) {
		printf("%s\n", tids->str);
		fflush(stdout);
	}
	return GST_PAD_PROBE_OK;
}

static GstElement *on_encoded_filter(GstElement *src, const gchar *kind,
				     GstCaps *caps, gpointer data)
{
	GstElement *id;
	GstPad *pad;

	(void)src, (void)caps, (void)data;
	if (!g_str_equal(kind, "video"))
		return NULL;
	id = gst_element_factory_make("identity", NULL);
	pad = gst_element_get_static_pad(id, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_encoded, NULL,
			  NULL);
	gst_object_unref(pad);
	return id;
}

static GstPadProbeReturn on_audio(GstPad *pad, GstPadProbeInfo *info,
				  gpointer data)
{
	static guint buffers;

	(void)pad, (void)info, (void)data;
	if (++buffers == AUDIO_BUFFERS_TO_REPORT) {
		printf("audio\n");
		fflush(stdout);
	}
	return GST_PAD_PROBE_OK;
}

static void on_pad_added(GstElement *src, GstPad *pad, gpointer pipe)
{
	gboolean video = g_str_has_prefix(GST_PAD_NAME(pad), "video");
	GstElement *bin = gst_parse_bin_from_description(
		video ? "queue ! videoconvert ! video/x-raw,format=RGB ! "
			"fakesink name=vsink sync=false async=false"
		      : "queue ! fakesink sync=false async=false",
		TRUE, NULL);
	GstPad *sinkpad = gst_element_get_static_pad(bin, "sink");
	GstElement *last;
	GstPad *probe;

	(void)src;
	gst_bin_add(GST_BIN(pipe), bin);
	if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK) {
		printf("error could not link %s\n", GST_PAD_NAME(pad));
		fflush(stdout);
	}
	gst_object_unref(sinkpad);
	if (video) {
		last = gst_bin_get_by_name(GST_BIN(bin), "vsink");
		probe = gst_element_get_static_pad(last, "sink");
		gst_pad_add_probe(probe, GST_PAD_PROBE_TYPE_BUFFER, on_video,
				  NULL, NULL);
		gst_object_unref(last);
	} else {
		probe = gst_element_get_static_pad(bin, "sink");
		gst_pad_add_probe(probe, GST_PAD_PROBE_TYPE_BUFFER, on_audio,
				  NULL, NULL);
	}
	gst_object_unref(probe);
	gst_element_sync_state_with_parent(bin);
}

/* send-flash: the flash and the beep start together every FLASH_PERIOD,
 * on the video's frame grid (from its first frame), for FLASH_LENGTH. */
#define FLASH_PERIOD GST_SECOND
#define FLASH_LENGTH (200 * GST_MSECOND)
static GstClockTime first_video_pts = GST_CLOCK_TIME_NONE;

static gboolean flash_on(GstClockTime t)
{
	return GST_CLOCK_TIME_IS_VALID(first_video_pts) &&
	       t >= first_video_pts &&
	       (t - first_video_pts) % FLASH_PERIOD < FLASH_LENGTH;
}

static GstPadProbeReturn flash_video(GstPad *pad, GstPadProbeInfo *info,
				     gpointer data)
{
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	GstMapInfo map;
	gsize luma = GPOINTER_TO_SIZE(data); /* bytes of the Y plane */

	(void)pad;
	if (!GST_CLOCK_TIME_IS_VALID(first_video_pts))
		first_video_pts = GST_BUFFER_PTS(buf);
	if (!flash_on(GST_BUFFER_PTS(buf)))
		return GST_PAD_PROBE_OK;
	buf = gst_buffer_make_writable(buf);
	GST_PAD_PROBE_INFO_DATA(info) = buf;
	if (gst_buffer_map(buf, &map, GST_MAP_WRITE)) {
		memset(map.data, 235, MIN(luma, map.size)); /* white */
		gst_buffer_unmap(buf, &map);
	}
	return GST_PAD_PROBE_OK;
}

/* S16LE stereo at 48 kHz: silence outside the flashes. */
static GstPadProbeReturn flash_audio(GstPad *pad, GstPadProbeInfo *info,
				     gpointer data)
{
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime pts = GST_BUFFER_PTS(buf);
	GstMapInfo map;

	(void)pad, (void)data;
	buf = gst_buffer_make_writable(buf);
	GST_PAD_PROBE_INFO_DATA(info) = buf;
	if (!gst_buffer_map(buf, &map, GST_MAP_WRITE))
		return GST_PAD_PROBE_OK;
	for (gsize i = 0; i < map.size / 4; i++) {
		GstClockTime t = pts + gst_util_uint64_scale(i, GST_SECOND,
							     48000);
		if (!flash_on(t))
			memset(map.data + i * 4, 0, 4);
	}
	gst_buffer_unmap(buf, &map);
	return GST_PAD_PROBE_OK;
}

static void add_flash_probes(GstElement *pipe, int w, int h)
{
	GstElement *v = gst_bin_get_by_name(GST_BIN(pipe), "vflash");
	GstElement *a = gst_bin_get_by_name(GST_BIN(pipe), "aflash");
	GstPad *vp = gst_element_get_static_pad(v, "src");
	GstPad *ap = gst_element_get_static_pad(a, "src");

	gst_pad_add_probe(vp, GST_PAD_PROBE_TYPE_BUFFER, flash_video,
			  GSIZE_TO_POINTER((gsize)w * (gsize)h), NULL);
	gst_pad_add_probe(ap, GST_PAD_PROBE_TYPE_BUFFER, flash_audio, NULL,
			  NULL);
	gst_object_unref(vp);
	gst_object_unref(ap);
	gst_object_unref(v);
	gst_object_unref(a);
}

static gchar *describe_flash(const char *common, int w, int h)
{
	return g_strdup_printf(
		"videotestsrc pattern=black is-live=true ! "
		"video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
		"identity name=vflash ! tempchatsink name=s %s "
		"audiotestsrc is-live=true wave=sine freq=880 volume=0.5 "
		"samplesperbuffer=480 ! "
		"audio/x-raw,format=S16LE,rate=48000,channels=2 ! "
		"identity name=aflash ! s.audio",
		w, h, common);
}

static gchar *describe(const char *mode, const char *url, const char *room,
		       const char *arg)
{
	gchar *common = g_strdup_printf(
		"room=%s signaling-url=%s channel=" CHANNEL
		/* ws:// to a relay in another network namespace of the
		 * test's own (obs_netns.sh) */
		" insecure-signaling=true",
		room, url);
	gchar *desc;
	int w = 320, h = 240;
	char codecs[32] = "av1,vp9,h264,vp8";

	if (g_str_has_prefix(mode, "send-") || g_str_equal(mode, "both")) {
		/* "WxH" or "WxH:codecs" (the sink's video-codecs). */
		if (arg != NULL)
			sscanf(arg, "%dx%d:%31s", &w, &h, codecs);
		if (g_str_equal(mode, "send-flash")) {
			desc = describe_flash(common, w, h);
			g_free(common);
			return desc;
		}
		gboolean on_request = g_str_equal(mode, "send-on-request");
		desc = g_strdup_printf(
			"videotestsrc pattern=%s is-live=true ! "
			"video/x-raw,format=I420,width=%d,height=%d,"
			"framerate=30/1 ! %s tempchatsink name=s %s %s "
			"video-codecs=%s "
			"audiotestsrc is-live=true wave=sine freq=440 "
			"volume=0.5 ! s.audio",
			g_str_equal(mode, "send-ball")   ? "ball"
			: g_str_equal(mode, "send-snow") ? "snow"
							 : "smpte",
			w, h,
			on_request ? "vp8enc deadline=1 keyframe-mode=disabled "
				     "target-bitrate=500000 ! "
				   : "",
			common, on_request ? "do-retransmission=false" : "",
			/* Its own vp8enc (keyframes only when asked): the
			 * call is VP8 from the start. */
			on_request ? "vp8" : codecs);
		if (g_str_equal(mode, "both")) {
			gchar *both = g_strdup_printf(
				"%s tempchatsrc name=t %s", desc, common);
			g_free(desc);
			desc = both;
		}
	} else {
		desc = g_strdup_printf("tempchatsrc name=t %s video-codecs=%s",
				       common, arg != NULL ? arg : codecs);
	}
	g_free(common);
	return desc;
}

/* "codec NAME" for the video codec the call negotiated (tempchat/media). */
static gboolean on_message(GstBus *bus, GstMessage *msg, gpointer data)
{
	const GstStructure *st = gst_message_get_structure(msg);

	(void)bus, (void)data;
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && st != NULL &&
	    gst_structure_has_name(st, "tempchat/connected")) {
		printf("connected %" G_GINT64_FORMAT "\n",
		       g_get_monotonic_time());
		fflush(stdout);
	}
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && st != NULL &&
	    gst_structure_has_name(st, "tempchat/media") &&
	    g_strcmp0(gst_structure_get_string(st, "kind"), "video") == 0) {
		printf("codec %s\n", gst_structure_get_string(st, "codec"));
		fflush(stdout);
	}
	return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
	GMainLoop *loop;
	GstElement *pipe, *t;
	GstBus *bus;
	GIOChannel *in;
	GError *err = NULL;
	gchar *desc;

	if (argc == 2 && g_str_equal(argv[1], "channel")) {
		printf("%s\n", CHANNEL);
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: %s send-bars|recv URL ROOM [WxH]\n",
			argv[0]);
		return 2;
	}
	gst_init(NULL, NULL);
	ask_keyframe = g_str_equal(argv[1], "recv-asking");
	desc = describe(argv[1], argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	pipe = gst_parse_launch(desc, &err);
	g_free(desc);
	if (pipe == NULL) {
		printf("error %s\n", err->message);
		return 1;
	}
	if (!GST_IS_PIPELINE(pipe)) {
		/* A lone element comes back unwrapped. */
		GstElement *p = gst_pipeline_new(NULL);
		gst_bin_add(GST_BIN(p), pipe);
		pipe = p;
	}
	if (g_str_equal(argv[1], "send-flash")) {
		int w = 320, h = 240;
		if (argc > 4)
			sscanf(argv[4], "%dx%d", &w, &h);
		add_flash_probes(pipe, w, h);
	}
	t = gst_bin_get_by_name(GST_BIN(pipe), "t");
	if (t != NULL) {
		g_signal_connect(t, "pad-added", G_CALLBACK(on_pad_added),
				 pipe);
		if (g_str_has_prefix(argv[1], "recv"))
			g_signal_connect(t, "request-encoded-filter",
					 G_CALLBACK(on_encoded_filter), NULL);
		gst_object_unref(t);
	}
	loop = g_main_loop_new(NULL, FALSE);
	bus = gst_pipeline_get_bus(GST_PIPELINE(pipe));
	gst_bus_add_watch(bus, on_message, NULL);
	in = g_io_channel_unix_new(0);
	g_io_add_watch(in, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_closed_quit,
		       loop);
	if (gst_element_set_state(pipe, GST_STATE_PLAYING) ==
	    GST_STATE_CHANGE_FAILURE)
		printf("error could not start\n");
	else
		printf("started\n");
	fflush(stdout);
	g_main_loop_run(loop);
	gst_element_set_state(pipe, GST_STATE_NULL);
	gst_bus_remove_watch(bus);
	gst_object_unref(bus);
	gst_object_unref(pipe);
	g_io_channel_unref(in);
	g_main_loop_unref(loop);
	return 0;
}
