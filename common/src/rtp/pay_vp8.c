/* pay_vp8.c - RTP payload format for VP8 video (RFC 7741).
 *
 * Payload descriptor (section 4.2), first bytes of every RTP payload; the
 * right-hand form is the one we send (15-bit PictureID, M = 1):
 *
 *        0 1 2 3 4 5 6 7                      0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *       |X|R|N|S|R| PID | (REQUIRED)        |X|R|N|S|R| PID | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  X:   |I|L|T|K| RSV   | (OPTIONAL)   X:   |I|L|T|K| RSV   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  I:   |M| PictureID   | (OPTIONAL)   I:   |M| PictureID   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  L:   |   TL0PICIDX   | (OPTIONAL)        |   PictureID   |
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *  T/K: |TID|Y| KEYIDX  | (OPTIONAL)   L:   |   TL0PICIDX   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+                   +-+-+-+-+-+-+-+-+
 *                                      T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *                                           +-+-+-+-+-+-+-+-+
 *
 * VP8 payload header (section 4.3): the first 3 bytes of the first partition
 * when S = 1 and PID = 0, i.e. the VP8 frame tag. P = 0 marks a keyframe.
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |Size0|H| VER |P|
 *       +-+-+-+-+-+-+-+-+
 *       |     Size1     |
 *       +-+-+-+-+-+-+-+-+
 *       |     Size2     |
 *       +-+-+-+-+-+-+-+-+
 *
 * A keyframe continues with start code 9d 01 2a and two little-endian 16-bit
 * fields: 2 bits scale, 14 bits width; 2 bits scale, 14 bits height.
 *
 * A frame starts at the packet with S = 1 and PID = 0 and ends at the packet
 * with the RTP marker bit; all its packets share one RTP timestamp.
 */
#include "rtp/pay_vp8.h"

#include "rtp/pay_split.h"
#include "rtp/picture_asm.h"

#include <glib.h>
#include <string.h>

/* Descriptor bits. */
#define VP8_X 0x80
#define VP8_N 0x20
#define VP8_S 0x10
#define VP8_PID 0x07
#define VP8_I 0x80
#define VP8_L 0x40
#define VP8_T 0x20
#define VP8_K 0x10
#define VP8_M 0x80
#define VP8_Y 0x20

#define VP8_KEYFRAME_HEADER_LEN 10

typedef struct {
  /* Packetizer. */
  uint16_t picture_id;

  /* Depacketizer: the frame being reassembled. */
  tc_picture_asm rx;
} vp8_state;

/* ---- Descriptor ---------------------------------------------------------- */

tc_status
tc_vp8_descriptor_parse (const uint8_t *buf, size_t len,
    tc_vp8_descriptor *out, size_t *consumed)
{
  if (buf == NULL || out == NULL || consumed == NULL)
    return TC_ERR_INVALID_ARG;
  memset (out, 0, sizeof *out);
  if (len < 1)
    return TC_ERR_PARSE;

  size_t pos = 0;
  uint8_t b = buf[pos++];
  out->extended = (b & VP8_X) != 0;
  out->non_reference = (b & VP8_N) != 0;
  out->start = (b & VP8_S) != 0;
  out->pid = b & VP8_PID;
  if (!out->extended) {
    *consumed = pos;
    return TC_OK;
  }

  if (pos >= len)
    return TC_ERR_PARSE;
  uint8_t x = buf[pos++];
  out->has_picture_id = (x & VP8_I) != 0;
  out->has_tl0picidx = (x & VP8_L) != 0;
  out->has_tid = (x & VP8_T) != 0;
  out->has_keyidx = (x & VP8_K) != 0;

  if (out->has_picture_id) {
    if (pos >= len)
      return TC_ERR_PARSE;
    out->picture_id_long = (buf[pos] & VP8_M) != 0;
    if (out->picture_id_long) {
      if (pos + 1 >= len)
        return TC_ERR_PARSE;
      out->picture_id = (uint16_t) (((buf[pos] & 0x7F) << 8) | buf[pos + 1]);
      pos += 2;
    } else {
      out->picture_id = buf[pos] & 0x7F;
      pos += 1;
    }
  }
  if (out->has_tl0picidx) {
    if (pos >= len)
      return TC_ERR_PARSE;
    out->tl0picidx = buf[pos++];
  }
  if (out->has_tid || out->has_keyidx) {
    if (pos >= len)
      return TC_ERR_PARSE;
    uint8_t tk = buf[pos++];
    if (out->has_tid) {
      out->tid = tk >> 6;
      out->layer_sync = (tk & VP8_Y) != 0;
    }
    if (out->has_keyidx)
      out->keyidx = tk & 0x1F;
  }
  *consumed = pos;
  return TC_OK;
}

static bool
descriptor_extended (const tc_vp8_descriptor *d)
{
  return d->has_picture_id || d->has_tl0picidx || d->has_tid
      || d->has_keyidx;
}

size_t
tc_vp8_descriptor_size (const tc_vp8_descriptor *d)
{
  size_t n = 1;
  if (!descriptor_extended (d))
    return n;
  n += 1;
  if (d->has_picture_id)
    n += d->picture_id_long ? 2 : 1;
  if (d->has_tl0picidx)
    n += 1;
  if (d->has_tid || d->has_keyidx)
    n += 1;
  return n;
}

static bool
descriptor_valid (const tc_vp8_descriptor *d)
{
  if (d->pid > 7)
    return false;
  if (d->has_picture_id
      && d->picture_id > (d->picture_id_long ? 0x7FFF : 0x7F))
    return false;
  if (d->has_tid && d->tid > 3)
    return false;
  if (d->has_keyidx && d->keyidx > 31)
    return false;
  return true;
}

tc_status
tc_vp8_descriptor_write (const tc_vp8_descriptor *d, uint8_t *buf,
    size_t cap, size_t *written)
{
  if (d == NULL || buf == NULL || written == NULL || !descriptor_valid (d))
    return TC_ERR_INVALID_ARG;
  size_t need = tc_vp8_descriptor_size (d);
  if (cap < need)
    return TC_ERR_TOO_LARGE;

  size_t pos = 0;
  bool ext = descriptor_extended (d);
  buf[pos++] = (uint8_t) ((ext ? VP8_X : 0) | (d->non_reference ? VP8_N : 0)
      | (d->start ? VP8_S : 0) | d->pid);
  if (ext) {
    buf[pos++] = (uint8_t) ((d->has_picture_id ? VP8_I : 0)
        | (d->has_tl0picidx ? VP8_L : 0) | (d->has_tid ? VP8_T : 0)
        | (d->has_keyidx ? VP8_K : 0));
  }
  if (d->has_picture_id) {
    if (d->picture_id_long) {
      buf[pos++] = (uint8_t) (VP8_M | (d->picture_id >> 8));
      buf[pos++] = (uint8_t) (d->picture_id & 0xFF);
    } else {
      buf[pos++] = (uint8_t) d->picture_id;
    }
  }
  if (d->has_tl0picidx)
    buf[pos++] = d->tl0picidx;
  if (d->has_tid || d->has_keyidx) {
    uint8_t tk = 0;
    if (d->has_tid)
      tk |= (uint8_t) ((d->tid << 6) | (d->layer_sync ? VP8_Y : 0));
    if (d->has_keyidx)
      tk |= d->keyidx;
    buf[pos++] = tk;
  }
  *written = pos;
  return TC_OK;
}

/* ---- VP8 payload header -------------------------------------------------- */

bool
tc_vp8_is_keyframe_header (const uint8_t *frame, size_t len)
{
  return frame != NULL && len >= 1 && (frame[0] & 0x01) == 0;
}

tc_status
tc_vp8_keyframe_size (const uint8_t *frame, size_t len, uint32_t *width,
    uint32_t *height)
{
  if (frame == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  if (len < VP8_KEYFRAME_HEADER_LEN || !tc_vp8_is_keyframe_header (frame, len))
    return TC_ERR_PARSE;
  if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a)
    return TC_ERR_PARSE;
  *width = (frame[6] | (frame[7] << 8)) & 0x3FFF;
  *height = (frame[8] | (frame[9] << 8)) & 0x3FFF;
  return TC_OK;
}

/* ---- State --------------------------------------------------------------- */

static void *
vp8_state_new (void)
{
  vp8_state *st = g_new0 (vp8_state, 1);
  st->picture_id = (uint16_t) g_random_int_range (0, TC_VP8_PICTURE_ID_MASK + 1);
  return st;
}

static void
vp8_state_free (void *state)
{
  vp8_state *st = state;
  if (st == NULL)
    return;
  tc_picture_asm_free (&st->rx);
  g_free (st);
}

void
tc_vp8_set_picture_id (void *state, uint16_t picture_id)
{
  g_return_if_fail (state != NULL);
  ((vp8_state *) state)->picture_id = picture_id & TC_VP8_PICTURE_ID_MASK;
}

/* ---- Packetizer ---------------------------------------------------------- */

static void
descriptor_for_frame (const vp8_state *st, const tc_vp8_frame_info *info,
    tc_vp8_descriptor *d)
{
  memset (d, 0, sizeof *d);
  d->has_picture_id = true;
  d->picture_id_long = true;
  d->picture_id = st->picture_id;
  if (info == NULL)
    return;
  d->non_reference = info->non_reference;
  d->has_tid = info->has_tid;
  d->tid = info->tid;
  d->layer_sync = info->layer_sync;
  d->has_tl0picidx = info->has_tl0picidx;
  d->tl0picidx = info->tl0picidx;
  d->has_keyidx = info->has_keyidx;
  d->keyidx = info->keyidx;
}

tc_status
tc_vp8_payload_frame (void *state, const uint8_t *frame, size_t len,
    const tc_vp8_frame_info *info, size_t mtu, tc_pay_emit_fn emit,
    void *user_data)
{
  vp8_state *st = state;
  if (st == NULL || frame == NULL || len == 0 || emit == NULL)
    return TC_ERR_INVALID_ARG;

  tc_vp8_descriptor d;
  descriptor_for_frame (st, info, &d);
  if (!descriptor_valid (&d))
    return TC_ERR_INVALID_ARG;
  size_t hdr = tc_vp8_descriptor_size (&d);
  if (mtu <= hdr)
    return TC_ERR_INVALID_ARG;

  tc_pay_split plan;
  if (!tc_pay_split_plan (len, mtu - hdr, mtu - hdr, &plan))
    return TC_ERR_INVALID_ARG;

  uint8_t *pkt = g_malloc (hdr + plan.first);  /* the largest packet */
  st->picture_id = (st->picture_id + 1) & TC_VP8_PICTURE_ID_MASK;
  tc_status rc = TC_OK;
  size_t off = 0;
  for (size_t i = 0; i < plan.count && rc == TC_OK; i++) {
    size_t chunk = tc_pay_split_chunk (&plan, i);
    size_t written;
    d.start = (i == 0);
    rc = tc_vp8_descriptor_write (&d, pkt, hdr, &written);
    if (rc != TC_OK)
      break;
    memcpy (pkt + hdr, frame + off, chunk);
    off += chunk;
    rc = emit (pkt, hdr + chunk, i + 1 == plan.count, user_data);
  }
  g_free (pkt);
  return rc;
}

static tc_status
vp8_payload (void *state, const uint8_t *frame, size_t len, bool keyframe,
    size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  /* The keyframe flag travels inside the VP8 data (P bit); nothing to add. */
  return tc_vp8_payload_frame (state, frame, len, NULL, mtu, emit, user_data);
}

void
tc_vp8_layer_info (const tc_temporal_layer *layer, uint8_t tl0picidx,
    tc_vp8_frame_info *info)
{
  memset (info, 0, sizeof *info);
  if (layer == NULL || layer->layers < 2)
    return;
  info->has_tid = true;
  info->tid = layer->temporal_id;
  info->layer_sync = layer->layer_sync;
  info->non_reference = layer->non_reference;
  info->has_tl0picidx = true;
  info->tl0picidx = tl0picidx;
}

/* ---- Depacketizer -------------------------------------------------------- */

static void
vp8_depay_reset (void *state)
{
  vp8_state *st = state;
  if (st == NULL)
    return;
  tc_picture_asm_reset (&st->rx);
}

static tc_status
vp8_depayload (void *state, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  vp8_state *st = state;
  if (st == NULL || pkt == NULL || on_frame == NULL
      || (pkt->payload == NULL && pkt->payload_len > 0))
    return TC_ERR_INVALID_ARG;

  tc_vp8_descriptor d;
  size_t hdr;
  if (pkt->payload == NULL
      || tc_vp8_descriptor_parse (pkt->payload, pkt->payload_len, &d, &hdr)
      || hdr >= pkt->payload_len) {
    /* A descriptor cut short, or no VP8 data after it. */
    vp8_depay_reset (st);
    return TC_ERR_PARSE;
  }
  const uint8_t *data = pkt->payload + hdr;
  size_t len = pkt->payload_len - hdr;
  tc_picture_ref ref = {d.has_picture_id, d.picture_id};
  if (d.start && d.pid == 0) {
    tc_picture_asm_start (&st->rx, pkt, ref,
        tc_vp8_is_keyframe_header (data, len));
    st->rx.temporal_id = d.has_tid ? d.tid : -1;
  } else if (!tc_picture_asm_continues (&st->rx, pkt, ref)) {
    tc_picture_asm_reset (&st->rx);  /* a gap: this frame cannot be completed */
    return TC_OK;
  }
  return tc_picture_asm_add (&st->rx, pkt, data, len, TC_VP8_MAX_FRAME,
      on_frame, user_data);
}

static bool
vp8_starts_frame (const uint8_t *payload, size_t len)
{
  tc_vp8_descriptor d;
  size_t hdr;
  if (payload == NULL || tc_vp8_descriptor_parse (payload, len, &d, &hdr))
    return false;
  return d.start && d.pid == 0 && hdr < len;
}

const tc_payloader tc_payloader_vp8 = {
  .name = "VP8",
  .kind = TC_MEDIA_VIDEO,
  .clock_rate = 90000,
  .channels = 0,
  .packet_is_frame = false,
  .state_new = vp8_state_new,
  .state_free = vp8_state_free,
  .payload = vp8_payload,
  .depayload = vp8_depayload,
  .depay_reset = vp8_depay_reset,
  .starts_frame = vp8_starts_frame,
};
