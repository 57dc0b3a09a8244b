/* bench/micro.c - the hot path, one operation at a time (issue #14):
 * each packetizer and depacketizer, the jitter buffer, SRTP protect and
 * unprotect, in packets per second of one core's CPU time, beside a memcpy
 * of the same packets as the physical reference.
 *
 *   tc_bench_micro [--quick]
 *
 * The frames are real: each codec's GStreamer encoder makes a 720p clip
 * (Opus: 20 ms packets of a tone) first, untimed. Every figure is the
 * median of three trials of CPU time (CLOCK_THREAD_CPUTIME_ID, so another
 * process on the machine slows it less than wall time would). Prints a
 * table and one `BENCH {json}` line per operation for scripts/bench.
 */
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtp/jitter.h"
#include "tempchat/tc_payloader.h"
#include "tempchat/tc_rtp.h"
#include "tempchat/tc_srtp.h"

#define MTU 1200          /* the payload budget tempchatsink uses */
#define FRAMES 60         /* two seconds of 720p30 */
#define TRIALS 3
#define SSRC 0x5eed1234u

/* One codec: how to make its frames, and what they became. */
typedef struct {
  const char *name;             /* tc_payloader name */
  const char *encode;           /* gst-launch description ending in appsink */
  const tc_payloader *codec;
  GPtrArray *frames;            /* GBytes */
  GPtrArray *packets;           /* GBytes: whole RTP packets, seq from 0 */
  size_t packet_bytes;          /* sum of their sizes */
} clip;

static double min_seconds = 0.5;  /* CPU time per trial */
static volatile uint8_t touched;   /* keeps the compiler from skipping work */

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ---- the clips ------------------------------------------------------------ */

static GPtrArray *
encode (const char *description)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (description, &err);
  if (pipe == NULL) {
    fprintf (stderr, "cannot build \"%s\": %s\n", description, err->message);
    exit (1);
  }
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GPtrArray *frames = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstSample *s;
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL) {
    GstMapInfo map;
    GstBuffer *b = gst_sample_get_buffer (s);
    if (gst_buffer_map (b, &map, GST_MAP_READ)) {
      g_ptr_array_add (frames, g_bytes_new (map.data, map.size));
      gst_buffer_unmap (b, &map);
    }
    gst_sample_unref (s);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  if (frames->len == 0) {
    fprintf (stderr, "\"%s\" made no frames\n", description);
    exit (1);
  }
  return frames;
}

typedef struct {
  GPtrArray *packets;
  size_t bytes;
  uint16_t seq;
  uint32_t timestamp;
  uint8_t pt;
} packet_writer;

static tc_status
write_packet (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  packet_writer *w = ud;
  tc_rtp_packet p = {
    .marker = marker, .payload_type = w->pt, .seq = w->seq++,
    .timestamp = w->timestamp, .ssrc = SSRC, .payload = payload,
    .payload_len = len,
  };
  uint8_t buf[MTU + 64];
  size_t n;
  tc_status st = tc_rtp_write (&p, buf, sizeof buf, &n);
  if (st == TC_OK) {
    g_ptr_array_add (w->packets, g_bytes_new (buf, n));
    w->bytes += n;
  }
  return st;
}

static void
packetize_clip (clip *c)
{
  packet_writer w = {
    .packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
    .pt = c->codec->kind == TC_MEDIA_AUDIO ? 111 : 96,
  };
  void *state = c->codec->state_new ();
  uint32_t step = c->codec->kind == TC_MEDIA_AUDIO ? 960 : 3000;
  for (guint i = 0; i < c->frames->len; i++) {
    size_t len;
    const uint8_t *f = g_bytes_get_data (c->frames->pdata[i], &len);
    if (c->codec->payload (state, f, len, i == 0, MTU, write_packet, &w)
        != TC_OK) {
      fprintf (stderr, "%s: frame %u was refused\n", c->name, i);
      exit (1);
    }
    w.timestamp += step;
  }
  c->codec->state_free (state);
  c->packets = w.packets;
  c->packet_bytes = w.bytes;
}

/* ---- the operations ------------------------------------------------------- */

/* One pass over the clip; returns the packets it handled. */
typedef size_t (*pass_fn) (clip *c, void *ctx);

static tc_status
count_payload (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  size_t *n = ud;
  /* Touch the bytes as the RTP writer would, so nothing is optimized out. */
  touched ^= payload[len - 1] ^ marker;
  *n += 1;
  return TC_OK;
}

static size_t
pass_payload (clip *c, void *ctx)
{
  void *state = ctx;
  size_t n = 0;
  for (guint i = 0; i < c->frames->len; i++) {
    size_t len;
    const uint8_t *f = g_bytes_get_data (c->frames->pdata[i], &len);
    c->codec->payload (state, f, len, i == 0, MTU, count_payload, &n);
  }
  return n;
}

static void
count_frame (const tc_frame *frame, void *ud)
{
  size_t *n = ud;
  *n += frame->len > 0;
}

static size_t
pass_depayload (clip *c, void *ctx)
{
  void *state = ctx;
  size_t frames = 0;
  c->codec->depay_reset (state);
  for (guint i = 0; i < c->packets->len; i++) {
    size_t len;
    const uint8_t *b = g_bytes_get_data (c->packets->pdata[i], &len);
    tc_rtp_packet p;
    if (tc_rtp_parse (b, len, &p) == TC_OK)
      c->codec->depayload (state, &p, count_frame, &frames);
  }
  if (frames != c->frames->len) {
    fprintf (stderr, "%s: depayloaded %zu of %u frames\n", c->name, frames,
        c->frames->len);
    exit (1);
  }
  return c->packets->len;
}

static size_t
pass_jitter (clip *c, void *ctx)
{
  size_t frames = 0;
  tc_jitter_config cfg = {
    .codec = c->codec, .max_packets = 4096, .max_bytes = 8u << 20,
    .wait_budget_us = 200000,
  };
  tc_jitter *jb = tc_jitter_new (&cfg, count_frame, &frames);
  int64_t now = 1000000;
  for (guint i = 0; i < c->packets->len; i++, now += 100) {
    size_t len;
    const uint8_t *b = g_bytes_get_data (c->packets->pdata[i], &len);
    tc_rtp_packet p;
    if (tc_rtp_parse (b, len, &p) == TC_OK)
      tc_jitter_push (jb, &p, now);
  }
  tc_jitter_free (jb);
  if (frames != c->frames->len) {
    fprintf (stderr, "%s: the jitter buffer gave %zu of %u frames\n", c->name,
        frames, c->frames->len);
    exit (1);
  }
  return c->packets->len;
}

static uint8_t scratch[MTU + 64 + TC_SRTP_MAX_OVERHEAD];

static size_t
pass_memcpy (clip *c, void *ctx)
{
  size_t *sum = ctx;
  for (guint i = 0; i < c->packets->len; i++) {
    size_t len;
    const uint8_t *b = g_bytes_get_data (c->packets->pdata[i], &len);
    memcpy (scratch, b, len);
    *sum += scratch[len - 1];
  }
  return c->packets->len;
}

/* SRTP: a packet is protected once per index (tc_srtp refuses a repeat),
 * so every protect gets the next sequence number of one endless stream. */
typedef struct {
  size_t len;
  uint8_t data[sizeof scratch];
} wire;

typedef struct {
  tc_srtp *srtp;
  uint16_t seq;
  GArray *protected;      /* wire: one batch for unprotect, made untimed */
} srtp_ctx;

static size_t
protect_one (srtp_ctx *s, GBytes *packet, uint8_t *out, size_t *out_len)
{
  size_t len;
  const uint8_t *b = g_bytes_get_data (packet, &len);
  memcpy (out, b, len);
  out[2] = (uint8_t) (s->seq >> 8);
  out[3] = (uint8_t) s->seq;
  s->seq++;
  if (tc_srtp_protect_rtp (s->srtp, out, len, len + TC_SRTP_MAX_OVERHEAD,
          out_len) != TC_OK) {
    fprintf (stderr, "SRTP protect refused a packet\n");
    exit (1);
  }
  return len;
}

static size_t
pass_protect (clip *c, void *ctx)
{
  for (guint i = 0; i < c->packets->len; i++) {
    size_t n;
    protect_one (ctx, c->packets->pdata[i], scratch, &n);
  }
  return c->packets->len;
}

static size_t
pass_unprotect (clip *c, void *ctx)
{
  srtp_ctx *s = ctx;
  for (guint i = 0; i < s->protected->len; i++) {
    wire *w = &g_array_index (s->protected, wire, i);
    size_t out;
    tc_srtp_drop why;
    if (tc_srtp_unprotect_rtp (s->srtp, w->data, w->len, &out, &why)
        != TC_OK) {
      fprintf (stderr, "SRTP unprotect refused a packet (%d)\n", (int) why);
      exit (1);
    }
  }
  return s->protected->len;
}

/* ---- timing ---------------------------------------------------------------- */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Packets per CPU second of `pass`, the median of TRIALS trials. */
static double
rate (clip *c, pass_fn pass, void *ctx)
{
  double r[TRIALS];
  pass (c, ctx);  /* warm the caches */
  for (int t = 0; t < TRIALS; t++) {
    size_t n = 0;
    double start = cpu_now (), took;
    do {
      n += pass (c, ctx);
      took = cpu_now () - start;
    } while (took < min_seconds);
    r[t] = (double) n / took;
  }
  qsort (r, TRIALS, sizeof r[0], cmp_double);
  return r[TRIALS / 2];
}

/* Unprotect needs freshly protected packets for every pass (the replay
 * window refuses a second unprotect), so batches are made and unprotected
 * in turn and only the unprotect is timed. */
static double
rate_unprotect (clip *c, srtp_ctx *s)
{
  double r[TRIALS];
  for (int t = 0; t < TRIALS; t++) {
    size_t n = 0;
    double took = 0;
    do {
      g_array_set_size (s->protected, c->packets->len);
      for (guint i = 0; i < c->packets->len; i++) {
        wire *w = &g_array_index (s->protected, wire, i);
        protect_one (s, c->packets->pdata[i], w->data, &w->len);
      }
      double start = cpu_now ();
      n += pass_unprotect (c, s);
      took += cpu_now () - start;
    } while (took < min_seconds);
    r[t] = (double) n / took;
  }
  qsort (r, TRIALS, sizeof r[0], cmp_double);
  return r[TRIALS / 2];
}

/* ---- output ---------------------------------------------------------------- */

static void
report (const char *op, const clip *c, double pps, double memcpy_pps)
{
  double mbps = pps * ((double) c->packet_bytes / c->packets->len) * 8 / 1e6;
  printf ("%-26s %12.0f %10.0f %12.0f %9.1f\n", op, pps, mbps, memcpy_pps,
      memcpy_pps / pps);
  printf ("BENCH {\"bench\":\"micro\",\"name\":\"%s\",\"unit\":\"packets/s/core\","
      "\"value\":%.0f,\"mbit_s\":%.0f,\"baseline\":\"memcpy\","
      "\"baseline_value\":%.0f,\"ratio\":%.4f,\"packet_bytes\":%.0f}\n",
      op, pps, mbps, memcpy_pps, pps / memcpy_pps,
      (double) c->packet_bytes / c->packets->len);
}

static void
bench_codec (clip *c)
{
  size_t sum = 0;
  char op[64];
  double ref = rate (c, pass_memcpy, &sum);
  void *state = c->codec->state_new ();
  g_snprintf (op, sizeof op, "pay_%s", c->name);
  report (op, c, rate (c, pass_payload, state), ref);
  c->codec->state_free (state);
  state = c->codec->state_new ();
  g_snprintf (op, sizeof op, "depay_%s", c->name);
  report (op, c, rate (c, pass_depayload, state), ref);
  c->codec->state_free (state);
  g_snprintf (op, sizeof op, "jitter_%s", c->name);
  report (op, c, rate (c, pass_jitter, NULL), ref);
}

static void
bench_srtp (clip *c, tc_srtp_profile profile)
{
  tc_srtp_keys keys = {.profile = profile,
    .key_len = tc_srtp_profile_key_len (profile),
    .salt_len = tc_srtp_profile_salt_len (profile)};
  for (size_t i = 0; i < sizeof keys.local_key; i++)
    keys.local_key[i] = keys.remote_key[i] = (uint8_t) (i * 7 + 1);
  for (size_t i = 0; i < sizeof keys.local_salt; i++)
    keys.local_salt[i] = keys.remote_salt[i] = (uint8_t) (i * 3 + 2);
  srtp_ctx s = {.protected = g_array_new (FALSE, FALSE, sizeof (wire))};
  if (tc_srtp_new (&keys, &s.srtp) != TC_OK) {
    fprintf (stderr, "no SRTP context for %s\n", tc_srtp_profile_name (profile));
    exit (1);
  }
  size_t sum = 0;
  double ref = rate (c, pass_memcpy, &sum);
  const char *tag = profile == TC_SRTP_PROFILE_AEAD_AES_128_GCM ? "gcm" : "aes_cm";
  char op[64];
  g_snprintf (op, sizeof op, "srtp_protect_%s", tag);
  report (op, c, rate (c, pass_protect, &s), ref);
  /* A fresh association for unprotect: its receiver must see the stream
   * from its start to know the rollover counter (RFC 3711 3.3.1). */
  tc_srtp_free (s.srtp);
  s.seq = 0;
  if (tc_srtp_new (&keys, &s.srtp) != TC_OK)
    exit (1);
  g_snprintf (op, sizeof op, "srtp_unprotect_%s", tag);
  report (op, c, rate_unprotect (c, &s), ref);
  tc_srtp_free (s.srtp);
  g_array_unref (s.protected);
}

#define RAW720 "videotestsrc num-buffers=" G_STRINGIFY (FRAMES) " pattern=ball ! " \
  "video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! "
#define SINK " ! appsink name=out sync=false"

static clip clips[] = {
  {"VP8", RAW720 "vp8enc deadline=1 cpu-used=8 end-usage=cbr "
      "target-bitrate=2500000 keyframe-max-dist=3000" SINK, NULL, NULL, NULL, 0},
  {"VP9", RAW720 "vp9enc deadline=1 cpu-used=8 end-usage=cbr "
      "target-bitrate=2500000 keyframe-max-dist=3000" SINK, NULL, NULL, NULL, 0},
  {"AV1", RAW720 "av1enc usage-profile=realtime cpu-used=10 end-usage=cbr min-quantizer=4 "
      "max-quantizer=56 lag-in-frames=0 "
      "target-bitrate=2500 ! av1parse ! "
      "video/x-av1,stream-format=obu-stream,alignment=tu" SINK,
      NULL, NULL, NULL, 0},
  {"H264", RAW720 "x264enc tune=zerolatency speed-preset=ultrafast "
      "bitrate=2500 key-int-max=3000 ! video/x-h264,stream-format=byte-stream,"
      "alignment=au,profile=constrained-baseline" SINK, NULL, NULL, NULL, 0},
  {"opus", "audiotestsrc num-buffers=100 samplesperbuffer=960 ! "
      "audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=128000 "
      "frame-size=20" SINK, NULL, NULL, NULL, 0},
};

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  setvbuf (stdout, NULL, _IOLBF, 0);  /* lines reach scripts/bench as made */
  if (argc > 1 && strcmp (argv[1], "--quick") == 0)
    min_seconds = 0.1;
  else if (argc > 1) {
    fprintf (stderr, "usage: %s [--quick]\n", argv[0]);
    return 2;
  }
  printf ("%-26s %12s %10s %12s %9s\n", "operation (720p clips)",
      "packets/s", "Mbit/s", "memcpy pk/s", "x memcpy");
  for (size_t i = 0; i < G_N_ELEMENTS (clips); i++) {
    clip *c = &clips[i];
    c->codec = tc_payloader_find (c->name);
    c->frames = encode (c->encode);
    packetize_clip (c);
    bench_codec (c);
  }
  /* SRTP over the VP8 clip's packets: the sizes a call sends. */
  bench_srtp (&clips[0], TC_SRTP_PROFILE_AES128_CM_SHA1_80);
  bench_srtp (&clips[0], TC_SRTP_PROFILE_AEAD_AES_128_GCM);
  for (size_t i = 0; i < G_N_ELEMENTS (clips); i++) {
    g_ptr_array_unref (clips[i].frames);
    g_ptr_array_unref (clips[i].packets);
  }
  return 0;
}
