/* pay_h264.c - RTP payload format for H264 video (RFC 6184), packetization
 * mode 1 (non-interleaved): single NAL unit packets, STAP-A and FU-A.
 *
 * Every RTP payload starts with a NAL unit header (section 5.3):
 *
 *       +---------------+
 *       |0|1|2|3|4|5|6|7|
 *       +-+-+-+-+-+-+-+-+
 *       |F|NRI|  Type   |
 *       +---------------+
 *
 * Type 1..23: the payload is that one NAL unit (section 5.6).
 * Type 24, STAP-A (section 5.7.1): NAL units of one access unit, each
 * behind its 16-bit size:
 *
 *     | STAP-A hdr | NALU 1 size (16) | NALU 1 ... | NALU 2 size | NALU 2 ...
 *
 * (F is the OR and NRI the maximum of the aggregated units'.)
 * Type 28, FU-A (section 5.8): one NAL unit cut into fragments, its header
 * split across the FU indicator and the FU header:
 *
 *       +---------------+---------------+
 *       |F|NRI|  Type=28|S|E|R|  Type   |  FU indicator, FU header
 *       +---------------+---------------+
 *       | fragment of the NAL unit payload (its header byte left out) ...
 *
 * S marks the first fragment, E the last (never both). The marker bit is
 * set on the last packet of an access unit; all its packets share one RTP
 * timestamp (section 5.1).
 *
 * Sending: NAL units that fit are aggregated greedily into STAP-As up to the
 * MTU (a lone one goes as a single NAL unit packet), larger ones become
 * FU-As of nearly equal size. AUDs and filler data are dropped: the RTP
 * framing already says where access units begin and filler only costs
 * bandwidth. So are units no encoder writes (F set, type 0, 24..31: RFC
 * 6184 gives those types to its own packets). An IDR access unit without SPS or PPS gets the last ones seen
 * inserted ahead of its first IDR slice, so a receiver joining late or
 * after loss can decode it.
 *
 * Receiving: access units come out in Annex B form when the marker bit
 * arrives, only when every packet from the first to the marker arrived and
 * every FU-A was whole. An IDR without SPS or PPS in its access unit gets
 * the last ones received inserted ahead of it. Keyframe: the access unit
 * holds an IDR slice and an SPS and a PPS come before it (its own or the
 * inserted ones): exactly what a decoder can start from.
 */
#include "rtp/pay_h264.h"

#include <glib.h>
#include <string.h>

#include "rtp/frame_buf.h"
#include "rtp/h264_sps.h"
#include "rtp/pay_split.h"
#include "rtp/rtp_wire.h"

#define NAL_TYPE(b) ((uint8_t) ((b) & 0x1F))
#define NAL_F 0x80
#define NAL_NRI 0x60
#define FU_S 0x80
#define FU_E 0x40
#define STAP_SIZE_LEN 2
#define FU_HEADER_LEN 2

static const uint8_t start_code[4] = {0, 0, 0, 1};

/* A parameter set kept to repeat ahead of IDRs. */
typedef struct {
  uint8_t data[TC_H264_MAX_PARAM_SET];
  size_t len;
} param_set;

typedef struct {
  /* Packetizer: the last SPS and PPS sent. */
  param_set tx_sps;
  param_set tx_pps;

  /* Depacketizer: the access unit being reassembled. */
  tc_frame_buf au;
  bool have_prev;       /* next_seq is meaningful */
  uint16_t next_seq;
  bool in_au;
  bool broken;          /* a packet of this access unit is missing */
  uint32_t timestamp;
  bool fu_active;       /* an FU-A started and has not ended */
  size_t nal_off;       /* where the NAL unit being written starts */
  bool has_sps;
  bool has_pps;
  bool has_idr;
  size_t idr_off;       /* start code of the first IDR slice */
  param_set rx_sps;
  param_set rx_pps;
} h264_state;

/* ---- Annex B ------------------------------------------------------------- */

/* Offset of the next 00 00 01 at or after `from`, or `len`. */
static size_t
find_start_code (const uint8_t *b, size_t len, size_t from)
{
  for (size_t i = from; i + 2 < len; i++) {
    if (b[i + 2] > 1)
      i += 2;  /* neither this nor the next two can begin 00 00 01 */
    else if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1)
      return i;
  }
  return len;
}

bool
tc_h264_next_nal (const uint8_t *au, size_t len, size_t *pos,
    const uint8_t **nal, size_t *nal_len)
{
  if (au == NULL || pos == NULL || nal == NULL || nal_len == NULL)
    return false;
  while (*pos < len) {
    size_t sc = find_start_code (au, len, *pos);
    if (sc == len) {
      *pos = len;
      return false;
    }
    size_t begin = sc + 3;
    size_t end = find_start_code (au, len, begin);
    *pos = end;
    while (end > begin && au[end - 1] == 0)
      end--;  /* trailing zeros, or the zero_byte of a 4-byte start code */
    if (end > begin) {
      *nal = au + begin;
      *nal_len = end - begin;
      return true;
    }
  }
  return false;
}

bool
tc_h264_au_has_idr (const uint8_t *au, size_t len)
{
  size_t pos = 0, n;
  const uint8_t *nal;
  while (tc_h264_next_nal (au, len, &pos, &nal, &n))
    if (NAL_TYPE (nal[0]) == TC_H264_NAL_IDR)
      return true;
  return false;
}

/* The size of the first SPS, in one pass that also looks for an IDR slice
 * when `need_idr`: a received keyframe is read once, not twice. */
static tc_status
au_size (const uint8_t *au, size_t len, bool need_idr, uint32_t *width,
    uint32_t *height)
{
  if (au == NULL || width == NULL || height == NULL)
    return TC_ERR_INVALID_ARG;
  size_t pos = 0, n;
  const uint8_t *nal;
  bool have_size = false, idr = !need_idr;
  tc_h264_sps sps;
  while (!(have_size && idr) && tc_h264_next_nal (au, len, &pos, &nal, &n)) {
    if (NAL_TYPE (nal[0]) == TC_H264_NAL_IDR) {
      idr = true;
    } else if (NAL_TYPE (nal[0]) == TC_H264_NAL_SPS && !have_size) {
      if (tc_h264_sps_parse (nal, n, &sps) != TC_OK)
        return TC_ERR_PARSE;
      have_size = true;
    }
  }
  if (!have_size || !idr)
    return TC_ERR_PARSE;
  *width = sps.width;
  *height = sps.height;
  return TC_OK;
}

tc_status
tc_h264_au_size (const uint8_t *au, size_t len, uint32_t *width,
    uint32_t *height)
{
  return au_size (au, len, false, width, height);
}

tc_status
tc_h264_keyframe_size (const uint8_t *au, size_t len, uint32_t *width,
    uint32_t *height)
{
  return au_size (au, len, true, width, height);
}

bool
tc_h264_nal_may_start_au (const uint8_t *nal, size_t len)
{
  if (nal == NULL || len < 1 || (nal[0] & NAL_F))
    return false;
  uint8_t type = NAL_TYPE (nal[0]);
  if (type >= 1 && type <= 5)  /* first_mb_in_slice = ue(v) 0 = bit 1 */
    return len >= 2 && (nal[1] & 0x80);
  return type == TC_H264_NAL_SEI || type == TC_H264_NAL_SPS
      || type == TC_H264_NAL_PPS || type == TC_H264_NAL_AUD
      || (type >= 13 && type <= 18);
}

bool
tc_h264_nal_sendable (const uint8_t *nal, size_t len)
{
  if (nal == NULL || len < 1 || (nal[0] & NAL_F))
    return false;
  uint8_t type = NAL_TYPE (nal[0]);
  return type >= 1 && type <= 23 && type != TC_H264_NAL_AUD
      && type != TC_H264_NAL_FILLER;
}

static void
param_set_keep (param_set *ps, const uint8_t *nal, size_t len)
{
  if (len > sizeof ps->data)
    return;  /* beyond any real one: keep the previous */
  memcpy (ps->data, nal, len);
  ps->len = len;
}

/* ---- State --------------------------------------------------------------- */

static void *
h264_state_new (void)
{
  return g_new0 (h264_state, 1);
}

static void
h264_state_free (void *state)
{
  h264_state *st = state;
  if (st == NULL)
    return;
  tc_frame_buf_free (&st->au);
  g_free (st);
}

/* ---- Packetizer ---------------------------------------------------------- */

typedef struct {
  const uint8_t *data;
  size_t len;
} nal_ref;

typedef struct {
  size_t mtu;
  tc_pay_emit_fn emit;
  void *user_data;
  uint8_t *pkt;          /* mtu bytes */
} sender;

static void
add_nal (GArray *nals, const uint8_t *data, size_t len)
{
  nal_ref r = {data, len};
  g_array_append_val (nals, r);
}

/* The NAL units to send, in order: AUD and filler left out, the kept SPS
 * and PPS put ahead of an IDR that comes without them. Returns the last SPS
 * and PPS of the access unit through `sps` / `pps` (unchanged if none). */
static void
collect_nals (const h264_state *st, const uint8_t *au, size_t len,
    GArray *nals, nal_ref *sps, nal_ref *pps)
{
  bool have_sps = false, have_pps = false;
  size_t pos = 0, n;
  const uint8_t *nal;
  while (tc_h264_next_nal (au, len, &pos, &nal, &n)) {
    if (!tc_h264_nal_sendable (nal, n))
      continue;
    uint8_t type = NAL_TYPE (nal[0]);
    if (type == TC_H264_NAL_IDR) {
      if (!have_sps && st->tx_sps.len > 0)
        add_nal (nals, st->tx_sps.data, st->tx_sps.len);
      if (!have_pps && st->tx_pps.len > 0)
        add_nal (nals, st->tx_pps.data, st->tx_pps.len);
      have_sps = have_pps = true;  /* once per access unit */
    } else if (type == TC_H264_NAL_SPS) {
      have_sps = true;
      *sps = (nal_ref) {nal, n};
    } else if (type == TC_H264_NAL_PPS) {
      have_pps = true;
      *pps = (nal_ref) {nal, n};
    }
    add_nal (nals, nal, n);
  }
}

static tc_status
send_single (sender *s, const nal_ref *r, bool last)
{
  return s->emit (r->data, r->len, last, s->user_data);
}

/* One STAP-A of `count` (>= 2) NAL units that fit the MTU together. */
static tc_status
send_stap_a (sender *s, const nal_ref *r, size_t count, bool last)
{
  uint8_t f = 0, nri = 0;
  size_t n = 1;
  for (size_t i = 0; i < count; i++) {
    f |= r[i].data[0] & NAL_F;
    if ((r[i].data[0] & NAL_NRI) > nri)
      nri = r[i].data[0] & NAL_NRI;
    tc_wr16 (s->pkt + n, (uint16_t) r[i].len);
    n += STAP_SIZE_LEN;
    memcpy (s->pkt + n, r[i].data, r[i].len);
    n += r[i].len;
  }
  s->pkt[0] = (uint8_t) (f | nri | TC_H264_STAP_A);
  return s->emit (s->pkt, n, last, s->user_data);
}

/* One NAL unit larger than the MTU as FU-As. */
static tc_status
send_fu_a (sender *s, const nal_ref *r, bool last)
{
  const uint8_t *body = r->data + 1;
  size_t body_len = r->len - 1;
  size_t room = s->mtu - FU_HEADER_LEN;
  tc_pay_split plan;
  if (!tc_pay_split_plan (body_len, room, room, &plan))
    return TC_ERR_INVALID_ARG;
  tc_status rc = TC_OK;
  size_t off = 0;
  for (size_t i = 0; i < plan.count && rc == TC_OK; i++) {
    size_t chunk = tc_pay_split_chunk (&plan, i);
    bool end = i + 1 == plan.count;
    s->pkt[0] = (uint8_t) ((r->data[0] & (NAL_F | NAL_NRI)) | TC_H264_FU_A);
    s->pkt[1] = (uint8_t) ((i == 0 ? FU_S : 0) | (end ? FU_E : 0)
        | NAL_TYPE (r->data[0]));
    memcpy (s->pkt + FU_HEADER_LEN, body + off, chunk);
    off += chunk;
    rc = s->emit (s->pkt, FU_HEADER_LEN + chunk, last && end, s->user_data);
  }
  return rc;
}

/* How many NAL units from r[0] (which fits the MTU alone) go together in
 * one STAP-A; 1 means r[0] goes alone. */
static size_t
stap_count (const nal_ref *r, size_t left, size_t mtu)
{
  if (r[0].len > 0xFFFF)
    return 1;  /* the 16-bit size field cannot say it */
  size_t size = 1 + STAP_SIZE_LEN + r[0].len;
  size_t k = 1;
  while (k < left && r[k].len <= 0xFFFF
      && size + STAP_SIZE_LEN + r[k].len <= mtu) {
    size += STAP_SIZE_LEN + r[k].len;
    k++;
  }
  /* A lone unit needs no aggregation header, and may need its room. */
  return size <= mtu ? k : 1;
}

static tc_status
send_nals (sender *s, const nal_ref *r, size_t count)
{
  tc_status rc = TC_OK;
  for (size_t i = 0; i < count && rc == TC_OK;) {
    if (r[i].len > s->mtu) {
      rc = send_fu_a (s, &r[i], i + 1 == count);
      i++;
      continue;
    }
    size_t k = stap_count (&r[i], count - i, s->mtu);
    bool last = i + k == count;
    rc = k == 1 ? send_single (s, &r[i], last)
                : send_stap_a (s, &r[i], k, last);
    i += k;
  }
  return rc;
}

/* No packet is longer than all units in one STAP-A. */
static size_t
packet_bound (const GArray *nals)
{
  size_t n = 1;
  for (guint i = 0; i < nals->len; i++)
    n += STAP_SIZE_LEN + g_array_index (nals, nal_ref, i).len;
  return n;
}

static tc_status
h264_payload (void *state, const uint8_t *frame, size_t len, bool keyframe,
    size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  /* Keyframes are told by their IDR slices; the flag adds nothing. */
  (void) keyframe;
  h264_state *st = state;
  if (st == NULL || frame == NULL || len == 0 || emit == NULL
      || mtu <= FU_HEADER_LEN)
    return TC_ERR_INVALID_ARG;

  GArray *nals = g_array_new (FALSE, FALSE, sizeof (nal_ref));
  nal_ref sps = {0}, pps = {0};
  collect_nals (st, frame, len, nals, &sps, &pps);
  tc_status rc = TC_ERR_INVALID_ARG;  /* nothing to send in it */
  if (nals->len > 0) {
    sender s = {.mtu = mtu, .emit = emit, .user_data = user_data,
      .pkt = g_malloc (MIN (mtu, packet_bound (nals)))};
    rc = send_nals (&s, (const nal_ref *) (void *) nals->data, nals->len);
    g_free (s.pkt);
  }
  /* Kept after sending: the inserted copies pointed at the old ones. */
  if (sps.len > 0)
    param_set_keep (&st->tx_sps, sps.data, sps.len);
  if (pps.len > 0)
    param_set_keep (&st->tx_pps, pps.data, pps.len);
  g_array_free (nals, TRUE);
  return rc;
}

/* ---- Depacketizer -------------------------------------------------------- */

/* Checks a payload's structure before any of it is used. */
static bool
payload_valid (const uint8_t *p, size_t len)
{
  if (p == NULL || len < 1 || (p[0] & NAL_F))
    return false;
  uint8_t type = NAL_TYPE (p[0]);
  if (type >= 1 && type <= 23)
    return true;
  if (type == TC_H264_STAP_A) {
    size_t pos = 1;
    if (len < pos + STAP_SIZE_LEN + 1)
      return false;  /* no unit at all */
    while (pos < len) {
      if (len - pos < STAP_SIZE_LEN)
        return false;
      size_t n = tc_rd16 (p + pos);
      pos += STAP_SIZE_LEN;
      if (n == 0 || n > len - pos || (p[pos] & NAL_F)
          || NAL_TYPE (p[pos]) == 0 || NAL_TYPE (p[pos]) > 23)
        return false;
      pos += n;
    }
    return true;
  }
  if (type == TC_H264_FU_A) {
    if (len < FU_HEADER_LEN + 1)
      return false;
    uint8_t inner = NAL_TYPE (p[1]);
    bool both = (p[1] & FU_S) && (p[1] & FU_E);
    return !both && inner >= 1 && inner <= 23;
  }
  return false;  /* 0, STAP-B, MTAP, FU-B, reserved: not in mode 1 */
}

static bool
h264_starts_frame (const uint8_t *payload, size_t len)
{
  if (!payload_valid (payload, len))
    return false;
  uint8_t type = NAL_TYPE (payload[0]);
  if (type == TC_H264_STAP_A) {
    size_t first = tc_rd16 (payload + 1);
    return tc_h264_nal_may_start_au (payload + 3, first);
  }
  if (type == TC_H264_FU_A) {
    if (!(payload[1] & FU_S))
      return false;
    uint8_t nal[2] = {(uint8_t) ((payload[0] & 0xE0) | NAL_TYPE (payload[1])),
      payload[2]};
    return tc_h264_nal_may_start_au (nal, sizeof nal);
  }
  return tc_h264_nal_may_start_au (payload, len);
}

static void
au_clear (h264_state *st)
{
  st->au.len = 0;
  st->in_au = false;
  st->broken = false;
  st->fu_active = false;
  st->has_sps = st->has_pps = st->has_idr = false;
}

static void
h264_depay_reset (void *state)
{
  h264_state *st = state;
  if (st == NULL)
    return;
  au_clear (st);
  st->have_prev = false;
}

static tc_status
nal_begin (h264_state *st)
{
  tc_status rc = tc_frame_buf_append (&st->au, start_code, sizeof start_code,
      TC_H264_MAX_FRAME);
  st->nal_off = st->au.len;
  return rc;
}

static tc_status
au_put (h264_state *st, const uint8_t *d, size_t n)
{
  return tc_frame_buf_append (&st->au, d, n, TC_H264_MAX_FRAME);
}

/* Notes what the NAL unit just completed is. */
static void
nal_end (h264_state *st)
{
  const uint8_t *nal = st->au.data + st->nal_off;
  size_t n = st->au.len - st->nal_off;
  uint8_t type = NAL_TYPE (nal[0]);
  if (type == TC_H264_NAL_IDR && !st->has_idr) {
    st->has_idr = true;
    st->idr_off = st->nal_off - sizeof start_code;
  } else if (type == TC_H264_NAL_SPS) {
    st->has_sps = true;
    param_set_keep (&st->rx_sps, nal, n);
  } else if (type == TC_H264_NAL_PPS) {
    st->has_pps = true;
    param_set_keep (&st->rx_pps, nal, n);
  }
}

static tc_status
put_whole_nal (h264_state *st, const uint8_t *nal, size_t n)
{
  tc_status rc = nal_begin (st);
  if (rc == TC_OK)
    rc = au_put (st, nal, n);
  if (rc == TC_OK)
    nal_end (st);
  return rc;
}

static tc_status
put_stap_a (h264_state *st, const uint8_t *p, size_t len)
{
  tc_status rc = TC_OK;
  for (size_t pos = 1; pos < len && rc == TC_OK;) {
    size_t n = tc_rd16 (p + pos);
    rc = put_whole_nal (st, p + pos + STAP_SIZE_LEN, n);
    pos += STAP_SIZE_LEN + n;
  }
  return rc;
}

static tc_status
put_fu_a (h264_state *st, const uint8_t *p, size_t len)
{
  bool s = (p[1] & FU_S) != 0;
  if (s == st->fu_active) {
    st->broken = true;  /* a start inside an FU-A, or a fragment outside */
    return TC_OK;
  }
  tc_status rc = TC_OK;
  if (s) {
    uint8_t hdr = (uint8_t) ((p[0] & (NAL_F | NAL_NRI)) | NAL_TYPE (p[1]));
    rc = nal_begin (st);
    if (rc == TC_OK)
      rc = au_put (st, &hdr, 1);
    st->fu_active = true;
  }
  if (rc == TC_OK)
    rc = au_put (st, p + FU_HEADER_LEN, len - FU_HEADER_LEN);
  if (rc == TC_OK && (p[1] & FU_E)) {
    st->fu_active = false;
    nal_end (st);
  }
  return rc;
}

static tc_status
put_payload (h264_state *st, const uint8_t *p, size_t len)
{
  uint8_t type = NAL_TYPE (p[0]);
  if (type == TC_H264_FU_A)
    return put_fu_a (st, p, len);
  if (st->fu_active) {
    st->broken = true;  /* the FU-A never ended */
    return TC_OK;
  }
  if (type == TC_H264_STAP_A)
    return put_stap_a (st, p, len);
  return put_whole_nal (st, p, len);
}

/* Hands on the access unit, with the kept SPS/PPS ahead of an IDR that
 * came without them. */
static void
emit_au (h264_state *st, tc_frame_fn on_frame, void *user_data)
{
  const param_set *missing[2] = {
    st->has_sps || st->rx_sps.len == 0 ? NULL : &st->rx_sps,
    st->has_pps || st->rx_pps.len == 0 ? NULL : &st->rx_pps,
  };
  GByteArray *out = NULL;
  tc_frame f = {.data = st->au.data, .len = st->au.len,
    .rtp_timestamp = st->timestamp};
  if (st->has_idr && (missing[0] || missing[1])) {
    out = g_byte_array_sized_new ((guint) (st->au.len
        + 2 * (sizeof start_code + TC_H264_MAX_PARAM_SET)));
    g_byte_array_append (out, st->au.data, (guint) st->idr_off);
    for (int i = 0; i < 2; i++) {
      if (missing[i] == NULL)
        continue;
      g_byte_array_append (out, start_code, sizeof start_code);
      g_byte_array_append (out, missing[i]->data, (guint) missing[i]->len);
    }
    g_byte_array_append (out, st->au.data + st->idr_off,
        (guint) (st->au.len - st->idr_off));
    f.data = out->data;
    f.len = out->len;
  }
  f.keyframe = st->has_idr && (st->has_sps || st->rx_sps.len > 0)
      && (st->has_pps || st->rx_pps.len > 0);
  on_frame (&f, user_data);
  if (out != NULL)
    g_byte_array_free (out, TRUE);
}

/* Decides whether `pkt` begins a new access unit and whether that one can
 * still be whole. */
static void
track_sequence (h264_state *st, const tc_rtp_packet *pkt)
{
  bool contiguous = st->have_prev && pkt->seq == st->next_seq;
  if (!st->in_au || pkt->timestamp != st->timestamp) {
    /* After a marker (or a timestamp change) with nothing lost in between
     * this surely is the first packet; after a gap only its content can
     * tell. */
    au_clear (st);
    st->in_au = true;
    st->timestamp = pkt->timestamp;
    st->broken = !contiguous
        && !h264_starts_frame (pkt->payload, pkt->payload_len);
  } else if (!contiguous) {
    st->broken = true;
  }
  st->have_prev = true;
  st->next_seq = (uint16_t) (pkt->seq + 1);
}

static tc_status
h264_depayload (void *state, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  h264_state *st = state;
  if (st == NULL || pkt == NULL || on_frame == NULL
      || (pkt->payload == NULL && pkt->payload_len > 0))
    return TC_ERR_INVALID_ARG;

  track_sequence (st, pkt);
  tc_status rc = TC_OK;
  if (!payload_valid (pkt->payload, pkt->payload_len))
    rc = TC_ERR_PARSE;
  else if (!st->broken)
    rc = put_payload (st, pkt->payload, pkt->payload_len);
  if (rc != TC_OK)
    st->broken = true;  /* the rest of this access unit is dropped */
  if (pkt->marker) {
    if (!st->broken && !st->fu_active && st->au.len > 0)
      emit_au (st, on_frame, user_data);
    au_clear (st);
  }
  return rc;
}

const tc_payloader tc_payloader_h264 = {
  .name = "H264",
  .kind = TC_MEDIA_VIDEO,
  .clock_rate = 90000,
  .channels = 0,
  .packet_is_frame = false,
  .state_new = h264_state_new,
  .state_free = h264_state_free,
  .payload = h264_payload,
  .depayload = h264_depayload,
  .depay_reset = h264_depay_reset,
  .starts_frame = h264_starts_frame,
};
