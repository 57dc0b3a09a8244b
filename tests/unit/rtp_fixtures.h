/* rtp_fixtures.h - helpers shared by the rtp/ unit tests: collectors for
 * emitted payloads and frames, and synthetic VP8 frames. Header-only so the
 * test_*.c glob stays one program per file. */
#ifndef TEMPCHAT_TESTS_RTP_FIXTURES_H
#define TEMPCHAT_TESTS_RTP_FIXTURES_H

#include <glib.h>
#include <string.h>

#include "tempchat/tc_payloader.h"

/* ---- What a payloader emitted -------------------------------------------- */

typedef struct {
  GPtrArray *payloads;  /* GBytes, in emit order */
  GArray *markers;      /* gboolean */
} packets;

static inline void
packets_init (packets *p)
{
  p->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  p->markers = g_array_new (FALSE, FALSE, sizeof (gboolean));
}

static inline void
packets_clear (packets *p)
{
  g_ptr_array_unref (p->payloads);
  g_array_unref (p->markers);
}

static inline tc_status
packets_collect (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  packets *p = ud;
  g_ptr_array_add (p->payloads, g_bytes_new (payload, len));
  gboolean m = marker;
  g_array_append_val (p->markers, m);
  return TC_OK;
}

static inline const uint8_t *
packets_data (const packets *p, guint i, size_t *len)
{
  gsize n;
  const uint8_t *d = g_bytes_get_data (g_ptr_array_index (p->payloads, i), &n);
  *len = n;
  return d;
}

/* ---- What a depayloader produced ----------------------------------------- */

typedef struct {
  GPtrArray *data;      /* GBytes */
  GArray *keyframes;    /* gboolean */
  GArray *timestamps;   /* guint32 */
} frames;

static inline void
frames_init (frames *f)
{
  f->data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->keyframes = g_array_new (FALSE, FALSE, sizeof (gboolean));
  f->timestamps = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static inline void
frames_clear (frames *f)
{
  g_ptr_array_unref (f->data);
  g_array_unref (f->keyframes);
  g_array_unref (f->timestamps);
}

static inline void
frames_collect (const tc_frame *frame, void *ud)
{
  frames *f = ud;
  g_ptr_array_add (f->data, g_bytes_new (frame->data, frame->len));
  gboolean k = frame->keyframe;
  g_array_append_val (f->keyframes, k);
  guint32 ts = frame->rtp_timestamp;
  g_array_append_val (f->timestamps, ts);
}

static inline guint
frames_count (const frames *f)
{
  return f->data->len;
}

static inline void
frames_assert_equal (const frames *f, guint i, GBytes *expected)
{
  g_assert_cmpuint (i, <, f->data->len);
  gsize n, m;
  const guint8 *a = g_bytes_get_data (g_ptr_array_index (f->data, i), &n);
  const guint8 *b = g_bytes_get_data (expected, &m);
  g_assert_cmpmem (a, n, b, m);
}

/* Hands `codec`'s depayloader one RTP packet made of `payload`. */
static inline tc_status
depay_payload (const tc_payloader *codec, void *state, const uint8_t *payload,
    size_t len, guint16 seq, guint32 ts, gboolean marker, frames *out)
{
  tc_rtp_packet pkt = {.seq = seq, .timestamp = ts, .marker = marker,
    .payload = payload, .payload_len = len};
  return codec->depayload (state, &pkt, frames_collect, out);
}

/* Hands on payload `i` of `p` (with its marker) as packet `seq`. */
static inline tc_status
depay_emitted (const tc_payloader *codec, void *state, const packets *p,
    guint i, guint16 seq, guint32 ts, frames *out)
{
  size_t len;
  const uint8_t *d = packets_data (p, i, &len);
  return depay_payload (codec, state, d, len, seq, ts,
      g_array_index (p->markers, gboolean, i), out);
}

/* ---- Synthetic VP8 frames ------------------------------------------------ */

/* A VP8 frame of `len` bytes (>= 10): for a keyframe a valid uncompressed
 * header (frame tag with P = 0, show_frame = 1, start code 9d 01 2a, width,
 * height), for an interframe a tag with P = 1; then bytes from `seed`. */
static inline GBytes *
vp8_frame (size_t len, gboolean keyframe, guint16 width, guint16 height,
    guint8 seed)
{
  g_assert_cmpuint (len, >=, 10);
  guint8 *b = g_malloc (len);
  guint32 part = (guint32) (len - 10);  /* first_part_size, 19 bits */
  b[0] = (guint8) (((part & 0x7) << 5) | 0x10 | (keyframe ? 0x00 : 0x01));
  b[1] = (guint8) (part >> 3);
  b[2] = (guint8) (part >> 11);
  size_t pos = 3;
  if (keyframe) {
    const guint8 tail[7] = {0x9d, 0x01, 0x2a, (guint8) width,
      (guint8) (width >> 8), (guint8) height, (guint8) (height >> 8)};
    memcpy (b + 3, tail, sizeof tail);
    pos = 10;
  }
  guint32 x = seed * 2654435761u + 1;
  for (size_t i = pos; i < len; i++) {
    x = x * 1103515245u + 12345u;
    b[i] = (guint8) (x >> 16);
  }
  return g_bytes_new_take (b, len);
}

/* Packetizes `frame` with `codec` at `mtu`, appending to `out`. */
static inline void
packetize (const tc_payloader *codec, void *state, GBytes *frame, size_t mtu,
    packets *out)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (frame, &n);
  g_assert_cmpint (codec->payload (state, d, n, FALSE, mtu, packets_collect,
          out), ==, TC_OK);
}

/* Feeds payload `i` of `p` to `codec`'s depayloader as an RTP packet with
 * seq `seq` and timestamp `ts`, the marker as the payloader set it. */
static inline tc_status
depayload_one (const tc_payloader *codec, void *state, const packets *p,
    guint i, guint16 seq, guint32 ts, frames *out)
{
  size_t len;
  tc_rtp_packet pkt = {
    .seq = seq,
    .timestamp = ts,
    .marker = g_array_index (p->markers, gboolean, i),
  };
  pkt.payload = packets_data (p, i, &len);
  pkt.payload_len = len;
  return codec->depayload (state, &pkt, frames_collect, out);
}

/* Packetizes `broken` and `next` at MTU 1200 (`broken` must take more
 * than `lost` + 1 packets), loses packet `lost` of `broken` and checks that
 * nothing of it comes out while `next`, an inter frame, comes out whole. */
static inline void
assert_a_lost_packet_drops_only_its_frame (const tc_payloader *codec,
    GBytes *broken, GBytes *next, guint lost)
{
  void *tx = codec->state_new ();
  void *rx = codec->state_new ();
  packets p, q;
  frames f;
  packets_init (&p);
  packets_init (&q);
  frames_init (&f);
  packetize (codec, tx, broken, 1200, &p);
  packetize (codec, tx, next, 1200, &q);
  g_assert_cmpuint (p.payloads->len, >, lost + 1);

  guint16 seq = 100;
  for (guint i = 0; i < p.payloads->len; i++, seq++) {
    if (i != lost)
      g_assert_cmpint (depayload_one (codec, rx, &p, i, seq, 3000, &f), ==,
          TC_OK);
  }
  g_assert_cmpuint (frames_count (&f), ==, 0);

  /* The next frame starts cleanly and comes out whole, as an interframe. */
  for (guint i = 0; i < q.payloads->len; i++, seq++)
    g_assert_cmpint (depayload_one (codec, rx, &q, i, seq, 6000, &f), ==,
        TC_OK);
  g_assert_cmpuint (frames_count (&f), ==, 1);
  frames_assert_equal (&f, 0, next);
  g_assert_false (g_array_index (f.keyframes, gboolean, 0));

  packets_clear (&p);
  packets_clear (&q);
  frames_clear (&f);
  codec->state_free (tx);
  codec->state_free (rx);
}

#endif
