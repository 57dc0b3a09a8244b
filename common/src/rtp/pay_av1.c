/* pay_av1.c - RTP payload format for AV1 video (AV1 RTP specification
 * v1.0, aomediacodec.github.io/av1-rtp-spec).
 *
 * Every RTP payload starts with the aggregation header (section 4.4):
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |Z|Y| W |N|-|-|-|
 *       +-+-+-+-+-+-+-+-+
 *
 *   Z: the first OBU element continues an OBU fragment of the previous packet
 *   Y: the last OBU element continues in the next packet
 *   W: number of OBU elements (1..3; the last one then has no length
 *      field), or 0: every element is preceded by its LEB128 length
 *   N: the packet is the first of a coded video sequence (a keyframe TU
 *      with its sequence header)
 *
 * followed by OBU elements (section 4.3): [LEB128 length] OBU bytes, where
 * an OBU is its 1- or 2-byte header and payload with obu_has_size_field = 0
 * (the element length says how long it is):
 *
 *       |AH|len|OBU..........|len|OBU....|OBU fragment.............|
 *
 * A temporal unit (TU) is all packets with one RTP timestamp; the marker
 * bit is set on its last packet. Temporal delimiters, tile lists and padding
 * are not sent (section 5); the receiver puts a temporal delimiter back and
 * the size fields into every OBU, giving the low-overhead bitstream format.
 *
 * OBU header (AV1 section 5.3.2), and its extension when E = 1:
 *
 *       |F| type  |E|S|R|     |tid  |sid|rsv  |
 *
 * What we send: W = element count when a packet holds 1..3 elements (the
 * last one without length, as libwebrtc does), otherwise W = 0; packets are
 * filled greedily up to the MTU. A keyframe always carries a sequence
 * header: the encoder's, or the last one it gave us.
 *
 * Keyframes (both directions) are read from the bits, not taken from the
 * caller or the N bit: a TU is a keyframe when it holds a sequence header
 * and its first frame header has show_existing_frame = 0 and frame_type =
 * KEY_FRAME. That is exactly "decodable without earlier TUs", also for
 * senders that set N loosely.
 */
#include "rtp/pay_av1.h"

#include <glib.h>
#include <string.h>

#include "rtp/frame_buf.h"

/* OBUs the RTP stream never carries (section 5) and reserved types. */
static bool
obu_is_dropped (uint8_t type)
{
  switch (type) {
    case TC_AV1_OBU_SEQUENCE_HEADER:
    case TC_AV1_OBU_FRAME_HEADER:
    case TC_AV1_OBU_TILE_GROUP:
    case TC_AV1_OBU_METADATA:
    case TC_AV1_OBU_FRAME:
    case TC_AV1_OBU_REDUNDANT_FRAME_HEADER:
      return false;
    default:
      return true;  /* temporal delimiter, tile list, padding, reserved */
  }
}

/* ---- State --------------------------------------------------------------- */

typedef struct {
  /* Packetizer: the last sequence header the encoder gave (header and
   * payload, no size field), for keyframes that come without one. */
  uint8_t *seq_header;
  size_t seq_header_len;

  /* Depacketizer: the TU being reassembled and the OBU fragment being
   * reassembled across packets. */
  tc_frame_buf tu;
  tc_frame_buf frag;
  bool in_tu;
  bool frag_pending;
  bool after_tu;          /* the packet before next_seq ended a TU */
  uint32_t timestamp;
  uint16_t next_seq;
  tc_av1_key_scan scan;   /* of the OBUs in `tu` */
} av1_state;

/* What a received TU begins with; the sender leaves it out (section 5). */
static const uint8_t temporal_delimiter[] = {0x12, 0x00};

static void *
av1_state_new (void)
{
  return g_new0 (av1_state, 1);
}

static void
av1_state_free (void *state)
{
  av1_state *st = state;
  if (st == NULL)
    return;
  g_free (st->seq_header);
  tc_frame_buf_free (&st->tu);
  tc_frame_buf_free (&st->frag);
  g_free (st);
}

/* ---- Packetizer ---------------------------------------------------------- */

static size_t
obu_size (const tc_av1_obu *o)
{
  return o->header_len + o->payload_len;
}

/* Copies bytes [off, off + n) of the OBU as sent (header, then payload). */
static void
obu_copy (const tc_av1_obu *o, size_t off, size_t n, uint8_t *dst)
{
  while (n > 0 && off < o->header_len) {
    *dst++ = o->header[off++];
    n--;
  }
  if (n > 0)  /* a piece may end inside the header */
    memcpy (dst, o->payload + (off - o->header_len), n);
}

/* Remembers the sequence header for keyframes that lack one. */
static void
keep_seq_header (av1_state *st, const tc_av1_obu *o)
{
  g_free (st->seq_header);
  st->seq_header_len = obu_size (o);
  st->seq_header = g_malloc (st->seq_header_len);
  obu_copy (o, 0, st->seq_header_len, st->seq_header);
}

/* The kept sequence header as an OBU; false when there is none. */
static bool
kept_seq_header (const av1_state *st, tc_av1_obu *seq)
{
  if (st->seq_header == NULL)
    return false;
  *seq = (tc_av1_obu) {
    .header = {st->seq_header[0], 0}, .header_len = 1,
    .type = TC_AV1_OBU_SEQUENCE_HEADER, .payload = st->seq_header + 1,
    .payload_len = st->seq_header_len - 1,
  };
  return true;
}

/* Splits the TU into the OBUs to send; sets *key for a keyframe TU (after
 * a kept sequence header was put in front when the TU had none). */
static tc_status
collect_obus (av1_state *st, const uint8_t *tu, size_t len, GArray *obus,
    bool *key)
{
  /* A TU without a sequence header is read with the kept one's. */
  tc_av1_key_scan scan = {0};
  tc_av1_obu seq;
  if (kept_seq_header (st, &seq))
    scan.reduced = tc_av1_seq_reduced_still (&seq);
  *key = false;
  for (size_t pos = 0, used; pos < len; pos += used) {
    tc_av1_obu o;
    if (tc_av1_obu_read (tu + pos, len - pos, &o, &used) != TC_OK)
      return TC_ERR_PARSE;
    if (obu_is_dropped (o.type))
      continue;
    if (o.type == TC_AV1_OBU_SEQUENCE_HEADER) {
      if (o.header_len != 1)
        return TC_ERR_PARSE;  /* a sequence header has no extension */
      keep_seq_header (st, &o);
    }
    tc_av1_key_scan_obu (&scan, &o);
    g_array_append_val (obus, o);
  }
  *key = scan.key;
  if (*key && !scan.has_seq) {
    if (!kept_seq_header (st, &seq)) {
      *key = false;  /* nothing to start a coded video sequence with */
      return TC_OK;
    }
    g_array_prepend_val (obus, seq);
  }
  return TC_OK;
}

/* One OBU element of a packet being planned. */
typedef struct {
  guint obu;
  size_t off;
  size_t len;
} av1_element;

/* Largest fragment f with f + leb128_size (f) <= room (0 if none). */
static size_t
fragment_with_length (size_t room)
{
  size_t f = room > 1 ? room - 1 : 0;
  while (f > 0 && f + tc_av1_leb128_size ((uint32_t) f) > room)
    f--;
  return f;
}

/* Plans the next packet from OBU `*obu` at offset `*off`: fills `el` and
 * returns the element count, advancing *obu / *off. Elements are added
 * while they fit; the first that does not is fragmented to fill the packet.
 * `base` counts the bytes so far with a length on every element; the last
 * element needs none when the packet ends up with at most three. */
static size_t
plan_packet (const GArray *obus, guint *obu, size_t *off, size_t mtu,
    av1_element *el, bool *fragmented)
{
  size_t base = 1, k = 0;
  *fragmented = false;
  while (*obu < obus->len && base < mtu) {
    size_t s = obu_size (&g_array_index (obus, tc_av1_obu, *obu)) - *off;
    size_t lensz = tc_av1_leb128_size ((uint32_t) s);
    if (base + s + (k + 1 > 3 ? lensz : 0) <= mtu) {
      el[k++] = (av1_element) {*obu, *off, s};
      base += lensz + s;
      (*obu)++;
      *off = 0;
      continue;
    }
    size_t room = mtu - base;
    size_t f = k + 1 > 3 ? fragment_with_length (room) : room;
    if (f > 0) {
      el[k++] = (av1_element) {*obu, *off, f};
      *off += f;
      *fragmented = true;
    }
    break;
  }
  return k;
}

static size_t
write_packet (const GArray *obus, const av1_element *el, size_t k,
    uint8_t head, uint8_t *pkt)
{
  size_t pos = 0;
  pkt[pos++] = (uint8_t) (head | (k <= 3 ? (k << 4) : 0));
  for (size_t e = 0; e < k; e++) {
    if (k > 3 || e + 1 < k)
      pos += tc_av1_leb128_write ((uint32_t) el[e].len, pkt + pos);
    obu_copy (&g_array_index (obus, tc_av1_obu, el[e].obu), el[e].off,
        el[e].len, pkt + pos);
    pos += el[e].len;
  }
  return pos;
}

static tc_status
send_obus (const GArray *obus, bool key, size_t mtu, tc_pay_emit_fn emit,
    void *user_data)
{
  uint8_t *pkt = g_malloc (mtu);
  /* A packet holds at most one element (or piece) of each OBU. */
  av1_element *el = g_new (av1_element, obus->len);
  guint obu = 0;
  size_t off = 0;
  bool continues = false;
  tc_status rc = TC_OK;
  while (rc == TC_OK && obu < obus->len) {
    bool fragmented;
    size_t k = plan_packet (obus, &obu, &off, mtu, el, &fragmented);
    uint8_t head = (uint8_t) ((continues ? TC_AV1_AGG_Z : 0)
        | (fragmented ? TC_AV1_AGG_Y : 0));
    if (key && el[0].obu == 0 && el[0].off == 0)
      head |= TC_AV1_AGG_N;
    size_t n = write_packet (obus, el, k, head, pkt);
    continues = fragmented;
    rc = emit (pkt, n, obu == obus->len, user_data);
  }
  g_free (el);
  g_free (pkt);
  return rc;
}

static tc_status
av1_payload (void *state, const uint8_t *frame, size_t len, bool keyframe,
    size_t mtu, tc_pay_emit_fn emit, void *user_data)
{
  /* `keyframe` is not needed: the frame header says it (see top). */
  (void) keyframe;
  av1_state *st = state;
  if (st == NULL || frame == NULL || len == 0 || emit == NULL || mtu < 2)
    return TC_ERR_INVALID_ARG;
  GArray *obus = g_array_new (FALSE, FALSE, sizeof (tc_av1_obu));
  bool key;
  tc_status rc = collect_obus (st, frame, len, obus, &key);
  if (rc == TC_OK && obus->len == 0)
    rc = TC_ERR_INVALID_ARG;  /* only temporal delimiters or padding */
  if (rc == TC_OK)
    rc = send_obus (obus, key, mtu, emit, user_data);
  g_array_unref (obus);
  return rc;
}

/* ---- Depacketizer -------------------------------------------------------- */

static void
av1_depay_reset (void *state)
{
  av1_state *st = state;
  if (st == NULL)
    return;
  st->in_tu = false;
  st->frag_pending = false;
  st->after_tu = false;
  st->tu.len = 0;
  st->frag.len = 0;
}

/* Appends one complete OBU of an element to the TU, with its size field. */
static tc_status
tu_add_obu (av1_state *st, const uint8_t *bytes, size_t len)
{
  tc_av1_obu o;
  size_t used;
  if (tc_av1_obu_read (bytes, len, &o, &used) != TC_OK || used != len)
    return TC_ERR_PARSE;
  if (obu_is_dropped (o.type))
    return TC_OK;
  if (o.type == TC_AV1_OBU_SEQUENCE_HEADER && o.header_len != 1)
    return TC_ERR_PARSE;  /* a sequence header has no extension */
  tc_av1_key_scan_obu (&st->scan, &o);
  uint8_t head[2 + 5];
  size_t n = 0;
  head[n++] = o.header[0] | TC_AV1_OBU_HAS_SIZE;
  if (o.header_len == 2)
    head[n++] = o.header[1];
  n += tc_av1_leb128_write ((uint32_t) o.payload_len, head + n);
  tc_status rc = tc_frame_buf_append (&st->tu, head, n, TC_AV1_MAX_FRAME);
  if (rc == TC_OK)
    rc = tc_frame_buf_append (&st->tu, o.payload, o.payload_len,
        TC_AV1_MAX_FRAME);
  return rc;
}

/* Walks the OBU elements after the aggregation header. */
typedef struct {
  const uint8_t *p;
  size_t len;
  size_t w;               /* W: element count, 0 when all have lengths */
  size_t pos;
  size_t idx;
} element_iter;

static void
element_iter_init (element_iter *it, const uint8_t *payload, size_t len)
{
  it->p = payload + 1;
  it->len = len - 1;
  it->w = (payload[0] & TC_AV1_AGG_W) >> 4;
  it->pos = 0;
  it->idx = 0;
}

/* 1 with the next element in *el / *el_len, 0 after the last one, -1 for
 * a malformed list (bad length, zero-length element, not W elements). */
static int
element_next (element_iter *it, const uint8_t **el, size_t *el_len)
{
  if (it->pos == it->len)
    return (it->idx == 0 || (it->w != 0 && it->idx != it->w)) ? -1 : 0;
  if (it->w != 0 && it->idx + 1 == it->w) {
    *el_len = it->len - it->pos;  /* the last of W elements has no length */
  } else {
    uint32_t v;
    size_t n;
    if (tc_av1_leb128_read (it->p + it->pos, it->len - it->pos, &v, &n)
        != TC_OK)
      return -1;
    it->pos += n;
    if (v == 0 || v > it->len - it->pos)
      return -1;
    *el_len = v;
  }
  *el = it->p + it->pos;
  it->pos += *el_len;
  it->idx++;
  return 1;
}

/* The payload's syntax, apart from what depends on earlier packets: the
 * element list, and each OBU header an element starts (the whole OBU when
 * the element holds all of it). */
static bool
payload_well_formed (const uint8_t *payload, size_t len)
{
  if (len < 2 || ((payload[0] & TC_AV1_AGG_N) && (payload[0] & TC_AV1_AGG_Z)))
    return false;  /* a new sequence cannot start mid-OBU */
  element_iter it;
  element_iter_init (&it, payload, len);
  const uint8_t *el;
  size_t el_len;
  int more;
  while ((more = element_next (&it, &el, &el_len)) > 0) {
    bool continues = it.idx == 1 && (payload[0] & TC_AV1_AGG_Z);
    bool cut = it.pos == it.len && (payload[0] & TC_AV1_AGG_Y);
    if (continues)
      continue;
    tc_av1_obu o;
    size_t used;
    if (el[0] & TC_AV1_OBU_FORBIDDEN)
      return false;
    /* A fragment may end anywhere, inside the header too. */
    if (!cut && (tc_av1_obu_read (el, el_len, &o, &used) != TC_OK
            || used != el_len))
      return false;
  }
  return more == 0;
}

/* Takes one OBU element: a whole OBU, or a piece of a fragmented one. */
static tc_status
take_element (av1_state *st, const uint8_t *el, size_t len, bool continues,
    bool more)
{
  if (continues != st->frag_pending)
    return TC_ERR_PARSE;  /* Z without a fragment, or a fragment cut off */
  if (!continues && !more)
    return tu_add_obu (st, el, len);
  if (!continues)
    st->frag.len = 0;
  tc_status rc = tc_frame_buf_append (&st->frag, el, len, TC_AV1_MAX_FRAME);
  if (rc != TC_OK)
    return rc;
  st->frag_pending = more;
  return more ? TC_OK : tu_add_obu (st, st->frag.data, st->frag.len);
}

/* Takes the elements of a well-formed payload into the TU. */
static tc_status
take_elements (av1_state *st, const uint8_t *payload, size_t len)
{
  element_iter it;
  element_iter_init (&it, payload, len);
  const uint8_t *el;
  size_t el_len;
  tc_status rc = TC_OK;
  while (rc == TC_OK && element_next (&it, &el, &el_len) > 0) {
    rc = take_element (st, el, el_len,
        it.idx == 1 && (payload[0] & TC_AV1_AGG_Z),
        it.pos == it.len && (payload[0] & TC_AV1_AGG_Y));
  }
  return rc;
}

static bool av1_starts_frame (const uint8_t *payload, size_t len);

/* Begins a TU at `pkt` when it can be the first packet of one: never
 * with Z; right after a TU ended in the packet before, or when its first
 * OBU is one a TU begins with. False when `pkt` cannot start a TU. */
static bool
tu_begin (av1_state *st, const tc_rtp_packet *pkt)
{
  bool follows = st->after_tu && pkt->seq == st->next_seq;
  const uint8_t *p = pkt->payload;
  if ((p[0] & TC_AV1_AGG_Z)
      || !(follows || av1_starts_frame (p, pkt->payload_len)))
    return false;
  st->tu.len = 0;
  tc_frame_buf_append (&st->tu, temporal_delimiter,
      sizeof temporal_delimiter, TC_AV1_MAX_FRAME);
  st->in_tu = true;
  st->frag_pending = false;
  st->timestamp = pkt->timestamp;
  st->scan = (tc_av1_key_scan) {0};
  return true;
}

static void
tu_end (av1_state *st, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  if (st->tu.len > sizeof temporal_delimiter) {  /* some OBU was kept */
    tc_frame f = {
      .data = st->tu.data,
      .len = st->tu.len,
      .rtp_timestamp = st->timestamp,
      .keyframe = st->scan.has_seq && st->scan.key,
    };
    on_frame (&f, user_data);
  }
  av1_depay_reset (st);
  st->after_tu = true;
  st->next_seq = (uint16_t) (pkt->seq + 1);
}

static tc_status
av1_depayload (void *state, const tc_rtp_packet *pkt, tc_frame_fn on_frame,
    void *user_data)
{
  av1_state *st = state;
  if (st == NULL || pkt == NULL || on_frame == NULL
      || (pkt->payload == NULL && pkt->payload_len > 0))
    return TC_ERR_INVALID_ARG;
  if (pkt->payload == NULL
      || !payload_well_formed (pkt->payload, pkt->payload_len)) {
    av1_depay_reset (st);
    return TC_ERR_PARSE;
  }
  bool continues = st->in_tu && pkt->seq == st->next_seq
      && pkt->timestamp == st->timestamp;
  if (!continues) {
    /* A TU whose marker never came ended where the timestamp changed. */
    st->after_tu = (st->after_tu || st->in_tu) && pkt->seq == st->next_seq;
    st->in_tu = false;
    if (!tu_begin (st, pkt)) {
      av1_depay_reset (st);  /* a gap: this TU cannot be completed */
      return TC_OK;
    }
  }
  st->next_seq = (uint16_t) (pkt->seq + 1);
  tc_status rc = take_elements (st, pkt->payload, pkt->payload_len);
  if (rc == TC_OK && pkt->marker && st->frag_pending)
    rc = TC_ERR_PARSE;  /* the TU ends inside an OBU */
  if (rc != TC_OK) {
    av1_depay_reset (st);
    return rc;
  }
  if (pkt->marker)
    tu_end (st, pkt, on_frame, user_data);
  return TC_OK;
}

/* ---- Frame starts -------------------------------------------------------- */

/* True when the first OBU of a payload is one a TU (of the base spatial
 * layer) begins with. Within a TU the same can show at a later frame or
 * frame header; that matters only after a loss, where such a packet may
 * begin a TU of its own: what comes out is then whole from that frame on,
 * and the jitter buffer holds it back until a keyframe anyway.
 *
 * Only the aggregation header and the first element's OBU header are read:
 * this runs on every packet, and the depacketizer checks the rest. */
static bool
av1_starts_frame (const uint8_t *payload, size_t len)
{
  if (payload == NULL || len < 2 || (payload[0] & TC_AV1_AGG_Z))
    return false;
  element_iter it;
  element_iter_init (&it, payload, len);
  const uint8_t *el;
  size_t el_len;
  if (element_next (&it, &el, &el_len) <= 0 || (el[0] & TC_AV1_OBU_FORBIDDEN))
    return false;
  switch (TC_AV1_OBU_TYPE (el[0])) {
    case TC_AV1_OBU_SEQUENCE_HEADER:
    case TC_AV1_OBU_TEMPORAL_DELIMITER:
    case TC_AV1_OBU_FRAME_HEADER:
    case TC_AV1_OBU_FRAME:
    case TC_AV1_OBU_METADATA:
      break;
    default:
      return false;
  }
  /* A fragment cut after the first header byte hides the layer. */
  if (!(el[0] & TC_AV1_OBU_EXTENSION) || el_len < 2)
    return true;
  return ((el[1] >> 3) & 0x03) == 0;
}

const tc_payloader tc_payloader_av1 = {
  .name = "AV1",
  .kind = TC_MEDIA_VIDEO,
  .clock_rate = 90000,
  .channels = 0,
  .packet_is_frame = false,
  .state_new = av1_state_new,
  .state_free = av1_state_free,
  .payload = av1_payload,
  .depayload = av1_depayload,
  .depay_reset = av1_depay_reset,
  .starts_frame = av1_starts_frame,
};
