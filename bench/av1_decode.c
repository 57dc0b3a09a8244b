/* av1_decode.c - tempchatav1dec (dav1d through libavcodec) against libaom's
 * av1dec, the decoder tempchatsrc used before, on the same real av1enc
 * 1080p streams in the same invocation.
 *
 *   first picture  wall time from handing a fresh decoder the keyframe to
 *                  its picture (decoder start included): what a guest's
 *                  first frame waits for in tempchatsrc;
 *   CPU per frame  the process's CPU time over decoding the whole clip,
 *                  per frame: what every frame of a call costs.
 *
 * The sink takes GstVideoMeta, as videoconvert and display sinks do. Each
 * figure is the median of ROUNDS rounds, the two decoders alternating.
 * Usage: tc_bench_av1_decode [--quick]. Needs TC_GST_PLUGIN_DIR (the
 * build's gst-plugin/). Prints a table and one `BENCH {json}` line per
 * figure for scripts/bench.
 */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "video_meta_sink.h"

#define WIDTH 1920
#define HEIGHT 1080

static const char *const decoders[] = { "tempchatav1dec", "av1dec" };

static double
cpu_seconds (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec
      + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof v[0], cmp_double);
  return v[n / 2];
}

/* av1enc's temporal units (GstSample) of `frames` frames of `pattern`, at
 * the bit rate of a 1080p call. */
static GPtrArray *
encode (const char *pattern, int frames)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=%s ! "
      "video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
      "av1enc usage-profile=realtime cpu-used=9 target-bitrate=4000 ! "
      "av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu ! "
      "appsink name=out sync=false", frames, pattern, WIDTH, HEIGHT);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstSample *s;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (out))) != NULL)
    g_ptr_array_add (a, s);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (out);
  gst_object_unref (pipe);
  g_free (desc);
  if ((int) a->len != frames) {
    fprintf (stderr, "av1enc gave %u of %d frames\n", a->len, frames);
    exit (1);
  }
  return a;
}

/* One round of `decoder` on `clip`: the first picture's wall time (s) and
 * the CPU time per frame (s). */
static void
decode_round (const char *decoder, GPtrArray *clip, double *first,
    double *per_frame)
{
  gchar *desc = g_strdup_printf ("appsrc name=in format=time ! %s ! "
      "appsink name=out sync=false", decoder);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *in = gst_bin_get_by_name (GST_BIN (pipe), "in");
  GstElement *out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GstSample *s;
  gint64 t0;
  double cpu0;
  guint got = 1;

  video_meta_sink_take_meta (out);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  gst_app_src_push_sample (GST_APP_SRC (in), g_ptr_array_index (clip, 0));
  s = gst_app_sink_pull_sample (GST_APP_SINK (out));
  *first = (g_get_monotonic_time () - t0) / 1e6;
  gst_sample_unref (s);
  for (guint i = 1; i < clip->len; i++)
    gst_app_src_push_sample (GST_APP_SRC (in), g_ptr_array_index (clip, i));
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (out))) != NULL) {
    gst_sample_unref (s);
    got++;
  }
  *per_frame = (cpu_seconds () - cpu0) / clip->len;
  if (got != clip->len) {
    fprintf (stderr, "%s decoded %u of %u frames\n", decoder, got, clip->len);
    exit (1);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (in);
  gst_object_unref (out);
  gst_object_unref (pipe);
  g_free (desc);
}

static void
report (const char *name, double ours, double libaom)
{
  printf ("%-32s %10.2f %10.2f %8.2f\n", name, ours * 1e3, libaom * 1e3,
      ours / libaom);
  printf ("BENCH {\"bench\":\"av1_decode\",\"name\":\"%s\",\"unit\":\"ms\","
      "\"value\":%.3f,\"baseline\":\"av1dec (libaom)\","
      "\"baseline_value\":%.3f,\"ratio\":%.4f}\n", name, ours * 1e3,
      libaom * 1e3, ours / libaom);
}

int
main (int argc, char **argv)
{
  gboolean quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  const char *plugins = g_getenv ("TC_GST_PLUGIN_DIR");
  static const char *const patterns[] = { "ball", "smpte" };
  const int frames = quick ? 30 : 150, rounds = quick ? 3 : 7;

  if (plugins == NULL) {
    fprintf (stderr, "TC_GST_PLUGIN_DIR: the build's gst-plugin/\n");
    return 2;
  }
  g_setenv ("GST_PLUGIN_PATH", plugins, TRUE);
  gst_init (&argc, &argv);
  for (guint d = 0; d < G_N_ELEMENTS (decoders); d++) {
    GstElementFactory *f = gst_element_factory_find (decoders[d]);
    if (f == NULL) {
      fprintf (stderr, "no %s here\n", decoders[d]);
      return 1;
    }
    gst_object_unref (f);
  }
  printf ("%-32s %10s %10s %8s\n", "case (1920x1080 av1enc)",
      "ours ms", "av1dec ms", "ratio");
  for (guint p = 0; p < G_N_ELEMENTS (patterns); p++) {
    GPtrArray *clip = encode (patterns[p], frames);
    double first[2][16], cpu[2][16];
    gchar *name;

    for (int r = 0; r < rounds; r++)
      for (guint d = 0; d < G_N_ELEMENTS (decoders); d++)
        decode_round (decoders[d], clip, &first[d][r], &cpu[d][r]);
    name = g_strdup_printf ("first_picture_%s", patterns[p]);
    report (name, median (first[0], rounds), median (first[1], rounds));
    g_free (name);
    name = g_strdup_printf ("cpu_per_frame_%s", patterns[p]);
    report (name, median (cpu[0], rounds), median (cpu[1], rounds));
    g_free (name);
    g_ptr_array_unref (clip);
  }
  gst_deinit ();
  return 0;
}
