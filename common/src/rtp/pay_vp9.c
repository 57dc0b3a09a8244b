/* pay_vp9.c - RTP payload format for VP9 video (RFC 9628).
 *
 * Payload descriptor (section 4.2), first bytes of every RTP payload. Left:
 * non-flexible mode (F = 0), the one we send; right: flexible mode (F = 1),
 * which we parse on receive:
 *
 *        0 1 2 3 4 5 6 7                      0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *       |I|P|L|F|B|E|V|Z| (REQUIRED)        |I|P|L|F|B|E|V|Z| (REQUIRED)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  I:   |M| PICTURE ID  | (RECOMMENDED) I:  |M| PICTURE ID  | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  M:   | EXTENDED PID  | (RECOMMENDED) M:  | EXTENDED PID  | (RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  L:   |  TID  |U| SID |D| (COND.)     L:  |  TID  |U| SID |D| (COND.)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+   -\
 *       |   TL0PICIDX   | (COND.)     P,F:  | P_DIFF      |N| (COND.) - up to
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+   -/  3 times
 *  V:   | SS            |               V:  | SS            |
 *       | ..            |                   | ..            |
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *
 * (TID is 3 bits, U 1, SID 3, D 1.) Scalability structure (section 4.2.1):
 *
 *       +-+-+-+-+-+-+-+-+
 *  V:   | N_S |Y|G|-|-|-|
 *       +-+-+-+-+-+-+-+-+              -\
 *  Y:   |     WIDTH     | (16 bits)      } N_S + 1 times
 *       |     HEIGHT    | (16 bits)      |
 *       +-+-+-+-+-+-+-+-+              -/
 *  G:   |      N_G      |
 *       +-+-+-+-+-+-+-+-+              -\
 *  N_G: |  TID  |U| R |-|-|              } N_G times
 *       |    P_DIFF     | (R times)      |
 *       +-+-+-+-+-+-+-+-+              -/
 *
 * A picture starts at the packet with B = 1 in its lowest spatial layer and
 * ends at the RTP marker bit; all its packets share one RTP timestamp. We
 * send one spatial layer, so a frame from the encoder (a superframe with
 * hidden frames included) is one picture: B on its first packet, E and the
 * marker on its last. Keyframes are told, and their size read, by
 * vp9_header.c.
 */
#include "rtp/pay_vp9.h"

#include <glib.h>
#include <string.h>

#include "rtp/bitreader.h"
#include "rtp/picture_asm.h"
#include "rtp/pay_split.h"
#include "rtp/rtp_wire.h"

/* Required byte. */
#define VP9_I 0x80
#define VP9_P 0x40
#define VP9_L 0x20
#define VP9_F 0x10
#define VP9_B 0x08
#define VP9_E 0x04
#define VP9_V 0x02
#define VP9_Z 0x01
/* PictureID, P_DIFF and SS bits. */
#define VP9_M 0x80
#define VP9_N 0x01
#define VP9_SS_Y 0x10
#define VP9_SS_G 0x08

typedef struct {
  /* Packetizer. */
  uint16_t picture_id;

  /* Depacketizer: the picture being reassembled. */
  tc_picture_asm rx;
} vp9_state;

/* ---- Descriptor ---------------------------------------------------------- */

/* The descriptor is read with tc_bitreader (no unescaping): its fields
 * are read in the diagram's widths, and a read past the end sets `overrun`
 * once for the whole parse. */

/* ss may be NULL: the depacketizer only needs to step over the structure,
 * and clearing a tc_vp9_ss for that would cost more than the parse. */
static void
parse_ss (tc_bitreader *br, tc_vp9_ss *ss)
{
  /* |N_S|Y|G|-|-|-| */
  unsigned n_spatial = tc_bits_read (br, 3) + 1u;
  bool has_resolution = tc_bits_read1 (br);
  bool has_gof = tc_bits_read1 (br);
  tc_bits_read (br, 3);
  if (ss != NULL) {
    memset (ss, 0, sizeof *ss);
    ss->n_spatial = (uint8_t) n_spatial;
    ss->has_resolution = has_resolution;
    ss->has_gof = has_gof;
  }
  for (unsigned i = 0; has_resolution && i < n_spatial; i++) {
    uint16_t w = (uint16_t) tc_bits_read (br, 16);
    uint16_t h = (uint16_t) tc_bits_read (br, 16);
    if (ss != NULL) {
      ss->width[i] = w;
      ss->height[i] = h;
    }
  }
  if (!has_gof)
    return;
  unsigned count = tc_bits_read (br, 8);
  if (ss != NULL)
    ss->gof.count = (uint8_t) count;
  for (unsigned i = 0; i < count && !br->overrun; i++) {
    /* |T|U|R|-|-| */
    uint8_t tid = (uint8_t) tc_bits_read (br, 3);
    bool switching_up = tc_bits_read1 (br);
    unsigned n_refs = tc_bits_read (br, 2);
    tc_bits_read (br, 2);
    tc_vp9_gof_entry *g = ss != NULL ? &ss->gof.entry[i] : NULL;
    if (g != NULL)
      *g = (tc_vp9_gof_entry) {.tid = tid, .switching_up = switching_up,
        .n_refs = (uint8_t) n_refs};
    for (unsigned r = 0; r < n_refs; r++) {
      uint8_t diff = (uint8_t) tc_bits_read (br, 8);
      if (g != NULL)
        g->p_diff[r] = diff;
    }
  }
}

/* |TID|U|SID|D|, then TL0PICIDX in non-flexible mode. */
static void
parse_layer (tc_bitreader *br, tc_vp9_descriptor *d)
{
  d->tid = (uint8_t) tc_bits_read (br, 3);
  d->switching_up = tc_bits_read1 (br);
  d->sid = (uint8_t) tc_bits_read (br, 3);
  d->inter_layer_dep = tc_bits_read1 (br);
  if (!d->flexible)
    d->tl0picidx = (uint8_t) tc_bits_read (br, 8);
}

/* P_DIFF bytes: 7-bit difference and N, "another one follows". */
static bool
parse_p_diffs (tc_bitreader *br, tc_vp9_descriptor *d)
{
  bool more = true;
  while (more && !br->overrun) {
    if (d->n_p_diff == TC_VP9_MAX_P_DIFF)
      return false;
    d->p_diff[d->n_p_diff++] = (uint8_t) tc_bits_read (br, 7);
    more = tc_bits_read1 (br);
  }
  return true;
}

tc_status
tc_vp9_descriptor_parse (const uint8_t *buf, size_t len,
    tc_vp9_descriptor *out, tc_vp9_ss *ss, size_t *consumed)
{
  if (buf == NULL || out == NULL || consumed == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  tc_bitreader br;
  tc_bits_init (&br, buf, len, false);
  /* |I|P|L|F|B|E|V|Z| */
  out->has_picture_id = tc_bits_read1 (&br);
  out->inter_picture = tc_bits_read1 (&br);
  out->has_layer = tc_bits_read1 (&br);
  out->flexible = tc_bits_read1 (&br);
  out->start = tc_bits_read1 (&br);
  out->end = tc_bits_read1 (&br);
  out->has_ss = tc_bits_read1 (&br);
  out->not_ref_upper = tc_bits_read1 (&br);
  if (out->flexible && !out->has_picture_id)
    return TC_ERR_PARSE;  /* section 4.2: F = 1 requires I = 1 */

  if (out->has_picture_id) {
    /* |M| PictureID (7 or 15 bits) | */
    out->picture_id_long = tc_bits_read1 (&br);
    out->picture_id = (uint16_t) tc_bits_read (&br,
        out->picture_id_long ? 15 : 7);
  }
  if (out->has_layer)
    parse_layer (&br, out);
  if (out->flexible && out->inter_picture && !parse_p_diffs (&br, out))
    return TC_ERR_PARSE;
  if (out->has_ss)
    parse_ss (&br, ss);
  if (br.overrun)
    return TC_ERR_PARSE;
  *consumed = br.pos;  /* every field is whole bytes together */
  return TC_OK;
}

static size_t
ss_size (const tc_vp9_ss *ss)
{
  size_t n = 1;
  if (ss->has_resolution)
    n += 4u * ss->n_spatial;
  if (ss->has_gof) {
    n += 1;
    for (unsigned i = 0; i < ss->gof.count; i++)
      n += 1u + ss->gof.entry[i].n_refs;
  }
  return n;
}

size_t
tc_vp9_descriptor_size (const tc_vp9_descriptor *d, const tc_vp9_ss *ss)
{
  size_t n = 1;
  if (d->has_picture_id)
    n += d->picture_id_long ? 2 : 1;
  if (d->has_layer)
    n += d->flexible ? 1 : 2;
  if (d->flexible && d->inter_picture)
    n += d->n_p_diff;
  if (d->has_ss && ss != NULL)
    n += ss_size (ss);
  return n;
}

static bool
ss_valid (const tc_vp9_ss *ss)
{
  if (ss->n_spatial < 1 || ss->n_spatial > TC_VP9_MAX_SPATIAL)
    return false;
  for (unsigned i = 0; ss->has_gof && i < ss->gof.count; i++) {
    const tc_vp9_gof_entry *g = &ss->gof.entry[i];
    if (g->tid > 7 || g->n_refs > TC_VP9_MAX_P_DIFF)
      return false;
  }
  return true;
}

static bool
descriptor_valid (const tc_vp9_descriptor *d, const tc_vp9_ss *ss)
{
  if (d->has_picture_id
      && d->picture_id > (d->picture_id_long ? 0x7FFF : 0x7F))
    return false;
  if (d->flexible && !d->has_picture_id)
    return false;
  if (d->has_layer && (d->tid > 7 || d->sid > 7))
    return false;
  if (d->flexible && d->inter_picture) {
    if (d->n_p_diff < 1 || d->n_p_diff > TC_VP9_MAX_P_DIFF)
      return false;
    for (unsigned i = 0; i < d->n_p_diff; i++)
      if (d->p_diff[i] > 0x7F)
        return false;
  }
  return !d->has_ss || (ss != NULL && ss_valid (ss));
}

static size_t
write_ss (const tc_vp9_ss *ss, uint8_t *p)
{
  size_t n = 0;
  p[n++] = (uint8_t) (((ss->n_spatial - 1) << 5)
      | (ss->has_resolution ? VP9_SS_Y : 0) | (ss->has_gof ? VP9_SS_G : 0));
  for (unsigned i = 0; ss->has_resolution && i < ss->n_spatial; i++) {
    tc_wr16 (p + n, ss->width[i]);
    tc_wr16 (p + n + 2, ss->height[i]);
    n += 4;
  }
  if (!ss->has_gof)
    return n;
  p[n++] = ss->gof.count;
  for (unsigned i = 0; i < ss->gof.count; i++) {
    const tc_vp9_gof_entry *g = &ss->gof.entry[i];
    p[n++] = (uint8_t) ((g->tid << 5) | (g->switching_up ? 0x10 : 0)
        | (g->n_refs << 2));
    for (unsigned r = 0; r < g->n_refs; r++)
      p[n++] = g->p_diff[r];
  }
  return n;
}

tc_status
tc_vp9_descriptor_write (const tc_vp9_descriptor *d, const tc_vp9_ss *ss,
    uint8_t *buf, size_t cap, size_t *written)
{
  if (d == NULL || buf == NULL || written == NULL || !descriptor_valid (d, ss))
    return TC_ERR_INVALID_ARG;
  if (cap < tc_vp9_descriptor_size (d, ss))
    return TC_ERR_TOO_LARGE;

  size_t n = 0;
  buf[n++] = (uint8_t) ((d->has_picture_id ? VP9_I : 0)
      | (d->inter_picture ? VP9_P : 0) | (d->has_layer ? VP9_L : 0)
      | (d->flexible ? VP9_F : 0) | (d->start ? VP9_B : 0)
      | (d->end ? VP9_E : 0) | (d->has_ss ? VP9_V : 0)
      | (d->not_ref_upper ? VP9_Z : 0));
  if (d->has_picture_id) {
    if (d->picture_id_long) {
      tc_wr16 (buf + n, (uint16_t) ((VP9_M << 8) | d->picture_id));
      n += 2;
    } else {
      buf[n++] = (uint8_t) d->picture_id;
    }
  }
  if (d->has_layer) {
    buf[n++] = (uint8_t) ((d->tid << 5) | (d->switching_up ? 0x10 : 0)
        | (d->sid << 1) | (d->inter_layer_dep ? 1 : 0));
    if (!d->flexible)
      buf[n++] = d->tl0picidx;
  }
  if (d->flexible && d->inter_picture) {
    for (unsigned i = 0; i < d->n_p_diff; i++)
      buf[n++] = (uint8_t) ((d->p_diff[i] << 1)
          | (i + 1 < d->n_p_diff ? VP9_N : 0));
  }
  if (d->has_ss)
    n += write_ss (ss, buf + n);
  *written = n;
  return TC_OK;
}

/* ---- Group of frames ----------------------------------------------------- */

tc_status
tc_vp9_gof_for_temporal_layers (unsigned layers, tc_vp9_gof *gof)
{
  /* TID, U, reference distance of each picture in the pattern. */
  static const uint8_t l1t1[][3] = {{0, 0, 1}};
  static const uint8_t l1t2[][3] = {{0, 0, 2}, {1, 1, 1}};
  static const uint8_t l1t3[][3] = {{0, 0, 4}, {2, 1, 1}, {1, 1, 2},
    {2, 0, 1}};
  static const struct {
    const uint8_t (*pics)[3];
    uint8_t count;
  } patterns[] = {{l1t1, 1}, {l1t2, 2}, {l1t3, 4}};
  if (gof == NULL || layers < 1 || layers > G_N_ELEMENTS (patterns))
    return TC_ERR_INVALID_ARG;
  memset (gof, 0, sizeof *gof);
  gof->count = patterns[layers - 1].count;
  for (unsigned i = 0; i < gof->count; i++) {
    const uint8_t *p = patterns[layers - 1].pics[i];
    gof->entry[i] = (tc_vp9_gof_entry) {.tid = p[0], .switching_up = p[1],
      .n_refs = 1, .p_diff = {p[2]}};
  }
  return TC_OK;
}

void
tc_vp9_layer_info (const tc_temporal_layer *layer, uint8_t tl0picidx,
    tc_vp9_gof *gof, tc_vp9_frame_info *info)
{
  memset (info, 0, sizeof *info);
  if (layer == NULL || layer->layers < 2
      || tc_vp9_gof_for_temporal_layers (layer->layers, gof) != TC_OK)
    return;
  info->has_layer = true;
  info->tid = layer->temporal_id;
  info->switching_up = layer->layer_sync;
  info->tl0picidx = tl0picidx;
  info->gof = gof;
}

/* ---- State --------------------------------------------------------------- */

static void *
vp9_state_new (void)
{
  vp9_state *st = g_new0 (vp9_state, 1);
  st->picture_id = (uint16_t) g_random_int_range (0, TC_VP9_PICTURE_ID_MASK + 1);
  return st;
}

static void
vp9_state_free (void *state)
{
  vp9_state *st = state;
  if (st == NULL)
    return;
  tc_picture_asm_free (&st->rx);
  g_free (st);
}

void
tc_vp9_set_picture_id (void *state, uint16_t picture_id)
{
  g_return_if_fail (state != NULL);
  ((vp9_state *) state)->picture_id = picture_id & TC_VP9_PICTURE_ID_MASK;
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
descriptor_for_frame (const vp9_state *st, bool key,
    const tc_vp9_frame_info *info, tc_vp9_descriptor *d)
{
  memset (d, 0, sizeof *d);
  d->has_picture_id = true;
  d->picture_id_long = true;
  d->picture_id = st->picture_id;
  d->inter_picture = !key;
  if (info == NULL)
    return;
  d->has_layer = info->has_layer;
  d->tid = info->tid;
  d->switching_up = info->switching_up;
  d->sid = info->sid;
  d->inter_layer_dep = info->inter_layer_dep;
  d->tl0picidx = info->tl0picidx;
  d->not_ref_upper = info->not_ref_upper;
}

/* The SS a keyframe carries: its size (when it fits 16 bits) and the
 * caller's GOF. False when there is nothing to say. */
static bool
ss_for_frame (const tc_vp9_header *h, const tc_vp9_frame_info *info,
    tc_vp9_ss *ss)
{
  memset (ss, 0, sizeof *ss);
  ss->n_spatial = 1;
  if (h->has_size && h->width <= 0xFFFF && h->height <= 0xFFFF) {
    ss->has_resolution = true;
    ss->width[0] = (uint16_t) h->width;
    ss->height[0] = (uint16_t) h->height;
  }
  if (info != NULL && info->gof != NULL) {
    ss->has_gof = true;
    ss->gof = *info->gof;
  }
  return ss->has_resolution || ss->has_gof;
}

static tc_status
emit_packets (const uint8_t *frame, size_t len, tc_vp9_descriptor *d,
    const tc_vp9_ss *ss, size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  bool with_ss = d->has_ss;
  size_t hdr_first = tc_vp9_descriptor_size (d, ss);
  d->has_ss = false;
  size_t hdr = tc_vp9_descriptor_size (d, NULL);
  tc_pay_split plan;
  if (mtu <= hdr_first
      || !tc_pay_split_plan (len, mtu - hdr_first, mtu - hdr, &plan))
    return TC_ERR_INVALID_ARG;

  size_t cap = MAX (hdr_first + plan.first, hdr + plan.base + 1);
  uint8_t *pkt = g_malloc (cap);
  tc_status rc = TC_OK;
  size_t off = 0;
  for (size_t i = 0; i < plan.count && rc == TC_OK; i++) {
    size_t chunk = tc_pay_split_chunk (&plan, i);
    size_t written;
    d->start = (i == 0);
    d->end = (i + 1 == plan.count);
    d->has_ss = with_ss && i == 0;
    rc = tc_vp9_descriptor_write (d, ss, pkt, cap, &written);
    if (rc != TC_OK)
      break;
    memcpy (pkt + written, frame + off, chunk);
    off += chunk;
    rc = emit (pkt, written + chunk, d->end, user_data);
  }
  g_free (pkt);
  return rc;
}

tc_status
tc_vp9_payload_frame (void *state, const uint8_t *frame, size_t len,
    bool keyframe, const tc_vp9_frame_info *info, size_t mtu,
    tc_pay_emit_fn emit, void *user_data)
{
  vp9_state *st = state;
  if (st == NULL || frame == NULL || len == 0 || emit == NULL)
    return TC_ERR_INVALID_ARG;

  /* The header is the truth when it can be read; the flag otherwise. */
  tc_vp9_header h;
  bool key = keyframe;
  if (tc_vp9_header_parse (frame, len, &h) == TC_OK)
    key = h.keyframe;

  /* On the stack: a heap copy per frame, deltas included, bought nothing. */
  tc_vp9_descriptor d;
  tc_vp9_ss ss;
  descriptor_for_frame (st, key, info, &d);
  d.has_ss = key && ss_for_frame (&h, info, &ss);
  if (!descriptor_valid (&d, &ss))
    return TC_ERR_INVALID_ARG;
  tc_status rc = emit_packets (frame, len, &d, &ss, mtu, emit, user_data);
  if (rc != TC_ERR_INVALID_ARG)
    st->picture_id = (st->picture_id + 1) & TC_VP9_PICTURE_ID_MASK;
  return rc;
}

static tc_status
vp9_payload (void *state, const uint8_t *frame, size_t len, bool keyframe,
    size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  return tc_vp9_payload_frame (state, frame, len, keyframe, NULL, mtu, emit,
      user_data);
}

/* ---- Depacketizer -------------------------------------------------------- */

static void
vp9_depay_reset (void *state)
{
  vp9_state *st = state;
  if (st == NULL)
    return;
  tc_picture_asm_reset (&st->rx);
}

/* B in the lowest spatial layer: the first packet of a picture. */
static bool
starts_picture (const tc_vp9_descriptor *d)
{
  return d->start && (!d->has_layer || d->sid == 0);
}

/* A keyframe needs both: P = 0 on its first packet and a key header, so a
 * wrong P bit cannot start a decoder on an interframe. */
static bool
is_keyframe (const tc_vp9_descriptor *d, const uint8_t *data, size_t len)
{
  tc_vp9_header h;
  return !d->inter_picture && tc_vp9_header_parse (data, len, &h) == TC_OK
      && h.keyframe;
}

static tc_status
vp9_depayload (void *state, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  vp9_state *st = state;
  if (st == NULL || pkt == NULL || on_frame == NULL
      || (pkt->payload == NULL && pkt->payload_len > 0))
    return TC_ERR_INVALID_ARG;

  tc_vp9_descriptor d;
  size_t hdr;
  if (pkt->payload == NULL
      || tc_vp9_descriptor_parse (pkt->payload, pkt->payload_len, &d, NULL,
          &hdr)
      || hdr >= pkt->payload_len) {
    vp9_depay_reset (st);
    return TC_ERR_PARSE;
  }
  const uint8_t *data = pkt->payload + hdr;
  size_t len = pkt->payload_len - hdr;
  tc_picture_ref ref = {d.has_picture_id, d.picture_id};
  if (starts_picture (&d)) {
    tc_picture_asm_start (&st->rx, pkt, ref, is_keyframe (&d, data, len));
    st->rx.temporal_id = d.has_layer ? d.tid : -1;
  } else if (!tc_picture_asm_continues (&st->rx, pkt, ref)) {
    /* A gap, or a later spatial layer of a picture whose start was lost:
     * this picture cannot be completed. */
    tc_picture_asm_reset (&st->rx);
    return TC_OK;
  }
  return tc_picture_asm_add (&st->rx, pkt, data, len, TC_VP9_MAX_FRAME,
      on_frame, user_data);
}

static bool
vp9_starts_frame (const uint8_t *payload, size_t len)
{
  tc_vp9_descriptor d;
  size_t hdr;
  if (payload == NULL
      || tc_vp9_descriptor_parse (payload, len, &d, NULL, &hdr))
    return false;
  return starts_picture (&d) && hdr < len;
}

const tc_payloader tc_payloader_vp9 = {
  .name = "VP9",
  .kind = TC_MEDIA_VIDEO,
  .clock_rate = 90000,
  .channels = 0,
  .packet_is_frame = false,
  .state_new = vp9_state_new,
  .state_free = vp9_state_free,
  .payload = vp9_payload,
  .depayload = vp9_depayload,
  .depay_reset = vp9_depay_reset,
  .starts_frame = vp9_starts_frame,
};
