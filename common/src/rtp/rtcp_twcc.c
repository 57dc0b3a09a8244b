/* rtcp_twcc.c - transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1), RTPFB FMT=15.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |  packet chunk  ...            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  recv delta   |  recv delta (2 bytes when large)  ...  | pad   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Chunks (MSB first):
 *   run length     |0| S(2) | run length (13)       |  S repeated
 *   status vector  |1|0| 14 x 1-bit symbols         |  0 lost, 1 small
 *   status vector  |1|1| 7 x 2-bit symbols          |  symbols as S
 * Symbols: 0 not received, 1 received with a 1-byte delta (0..255 ticks),
 * 2 received with a 2-byte signed delta, 3 reserved (malformed).
 * A tick is 250 us; reference time counts 64 ms.
 */
#include "tempchat/tc_rtcp.h"

#include <glib.h>
#include <string.h>

#include "rtp/rtcp_internal.h"

#define TWCC_FIXED_LEN (TC_RTCP_FB_COMMON_LEN + 8)
#define TICK_US 250
#define REF_TICK_US 64000
#define RUN_MAX 0x1FFF
#define VEC1_SYMBOLS 14
#define VEC2_SYMBOLS 7
#define SYM_LOST 0
#define SYM_SMALL 1
#define SYM_LARGE 2
#define SYM_RESERVED 3

/* ---- Chunk decoding, shared by the validator and the iterator ---------- */

/* Statuses a chunk holds. */
static unsigned
chunk_statuses (uint16_t chunk)
{
  if (!(chunk & 0x8000))
    return chunk & RUN_MAX;
  return (chunk & 0x4000) ? VEC2_SYMBOLS : VEC1_SYMBOLS;
}

/* The i-th symbol of a chunk (i below chunk_statuses()). */
static unsigned
chunk_symbol (uint16_t chunk, unsigned i)
{
  if (!(chunk & 0x8000))
    return (chunk >> 13) & 3;
  if (!(chunk & 0x4000))
    return (chunk >> (13 - i)) & 1;
  return (chunk >> (12 - 2 * i)) & 3;
}

tc_status
tc_rtcp_parse_twcc_body (const uint8_t *body, size_t len, tc_rtcp_twcc *out)
{
  if (len < TWCC_FIXED_LEN)
    return TC_ERR_PARSE;
  uint16_t status_count = tc_rd16 (body + 10);
  if (status_count == 0)
    return TC_ERR_PARSE;

  size_t pos = TWCC_FIXED_LEN, delta_bytes = 0;
  unsigned done = 0, received = 0;
  while (done < status_count) {
    if (len - pos < 2)
      return TC_ERR_PARSE;      /* status count runs past the chunks */
    uint16_t chunk = tc_rd16 (body + pos);
    pos += 2;
    unsigned n = MIN (chunk_statuses (chunk), status_count - done);
    for (unsigned i = 0; i < n; i++) {
      unsigned sym = chunk_symbol (chunk, i);
      if (sym == SYM_RESERVED)
        return TC_ERR_PARSE;
      delta_bytes += sym;       /* a symbol is its delta's size */
      received += sym != SYM_LOST;
    }
    done += n;
  }
  if (delta_bytes > len - pos)
    return TC_ERR_PARSE;        /* missing receive deltas */

  out->sender_ssrc = tc_rd32 (body);
  out->media_ssrc = tc_rd32 (body + 4);
  out->base_seq = tc_rd16 (body + 8);
  out->status_count = status_count;
  out->reference_time = tc_rd24 (body + 12);
  out->fb_count = body[15];
  out->received_count = (uint16_t) received;
  out->chunks = body + TWCC_FIXED_LEN;
  out->chunks_len = pos - TWCC_FIXED_LEN;
  out->deltas = body + pos;
  out->deltas_len = delta_bytes;
  return TC_OK;
}

void
tc_rtcp_twcc_iter_init (tc_rtcp_twcc_iter *it, const tc_rtcp_twcc *fb)
{
  g_return_if_fail (it != NULL && fb != NULL);
  memset (it, 0, sizeof *it);
  it->fb = fb;
}

/* Safe on any tc_rtcp_twcc, not only validated ones: it stops at the
 * first inconsistency instead of reading past chunks or deltas. */
bool
tc_rtcp_twcc_iter_next (tc_rtcp_twcc_iter *it, tc_rtcp_twcc_status *out)
{
  g_return_val_if_fail (it != NULL && it->fb != NULL && out != NULL, false);

  const tc_rtcp_twcc *fb = it->fb;
  if (it->index >= fb->status_count)
    return false;
  while (it->left == 0) {
    if (fb->chunks_len < 2 || it->chunk_pos > fb->chunks_len - 2)
      return false;
    it->chunk = tc_rd16 (fb->chunks + it->chunk_pos);
    it->chunk_pos += 2;
    it->left = (uint16_t) chunk_statuses (it->chunk);
    it->symbol = 0;
  }
  unsigned sym = chunk_symbol (it->chunk, it->symbol);
  it->symbol++;
  it->left--;

  int32_t ticks = 0;
  if (sym == SYM_RESERVED || it->delta_pos > fb->deltas_len
      || sym > fb->deltas_len - it->delta_pos)
    return false;
  if (sym == SYM_SMALL) {
    ticks = fb->deltas[it->delta_pos];
  } else if (sym == SYM_LARGE) {
    ticks = tc_rd16 (fb->deltas + it->delta_pos);
    if (ticks >= 0x8000)
      ticks -= 0x10000;
  }
  it->delta_pos += sym;

  out->seq = (uint16_t) (fb->base_seq + it->index);
  out->received = sym != SYM_LOST;
  out->delta_us = ticks * TICK_US;
  it->index++;
  return true;
}

size_t
tc_rtcp_twcc_decode (const tc_rtcp_twcc *fb, tc_rtcp_twcc_status *out,
    size_t cap)
{
  g_return_val_if_fail (fb != NULL && (out != NULL || cap == 0), 0);

  tc_rtcp_twcc_iter it;
  size_t n = 0;
  tc_rtcp_twcc_iter_init (&it, fb);
  while (n < cap && tc_rtcp_twcc_iter_next (&it, &out[n]))
    n++;
  return n;
}

/* ---- Builder ----------------------------------------------------------- */

/* Walks the input computing each packet's symbol and delta. `last_us` is
 * the quantized arrival time deltas so far add up to, so rounding errors
 * never accumulate. Copy it to look ahead. */
typedef struct {
  size_t i;
  int64_t last_us;
} cursor;

static tc_status
step (const tc_rtcp_twcc_input *in, cursor *c, unsigned *sym, int32_t *ticks)
{
  int64_t t = in->arrival_us[c->i++];
  *ticks = 0;
  if (t < 0) {
    *sym = SYM_LOST;
    return TC_OK;
  }
  int64_t diff = t - c->last_us;
  int64_t q = diff >= 0 ? (diff + TICK_US / 2) / TICK_US
      : -((-diff + TICK_US / 2) / TICK_US);
  if (q < INT16_MIN || q > INT16_MAX)
    return TC_ERR_INVALID_ARG;
  c->last_us += q * TICK_US;
  *ticks = (int32_t) q;
  *sym = q >= 0 && q <= 0xFF ? SYM_SMALL : SYM_LARGE;
  return TC_OK;
}

/* Length of the run of equal symbols at c (at most RUN_MAX); its symbol in
 * *sym. */
static tc_status
run_at (const tc_rtcp_twcc_input *in, cursor c, unsigned *run, unsigned *sym)
{
  unsigned s0 = 0, s;
  int32_t ticks;
  *run = 0;
  while (c.i < in->count && *run < RUN_MAX) {
    tc_status st = step (in, &c, &s, &ticks);
    if (st != TC_OK)
      return st;
    if (*run == 0)
      s0 = s;
    else if (s != s0)
      break;
    (*run)++;
  }
  *sym = s0;
  return TC_OK;
}

/* True when the next `n` symbols are all 0 or 1. */
static tc_status
fits_one_bit (const tc_rtcp_twcc_input *in, cursor c, unsigned n, bool *fits)
{
  unsigned s;
  int32_t ticks;
  *fits = true;
  for (unsigned k = 0; k < n; k++) {
    tc_status st = step (in, &c, &s, &ticks);
    if (st != TC_OK)
      return st;
    if (s > SYM_SMALL)
      *fits = false;
  }
  return TC_OK;
}

typedef struct {
  uint8_t *chunks;            /* NULL: measure only */
  uint8_t *deltas;
  size_t nchunks;
  size_t delta_bytes;
} encoder;

/* Consumes `n` packets at c into chunk `chunk` and their deltas. */
static tc_status
emit (const tc_rtcp_twcc_input *in, cursor *c, unsigned n, uint16_t chunk,
    unsigned vec_bits, encoder *e)
{
  for (unsigned k = 0; k < n; k++) {
    unsigned s;
    int32_t ticks;
    tc_status st = step (in, c, &s, &ticks);
    if (st != TC_OK)
      return st;
    if (vec_bits == 1)
      chunk |= (uint16_t) (s << (13 - k));
    else if (vec_bits == 2)
      chunk |= (uint16_t) (s << (12 - 2 * k));
    if (e->deltas != NULL && s == SYM_SMALL)
      e->deltas[e->delta_bytes] = (uint8_t) ticks;
    else if (e->deltas != NULL && s == SYM_LARGE)
      tc_wr16 (e->deltas + e->delta_bytes, (uint16_t) (int16_t) ticks);
    e->delta_bytes += s;
  }
  if (e->chunks != NULL)
    tc_wr16 (e->chunks + 2 * e->nchunks, chunk);
  e->nchunks++;
  return TC_OK;
}

/* Greedy: a run-length chunk for a run a vector could not beat, else a
 * 1-bit vector if the next 14 statuses allow it, else a 2-bit vector. */
static tc_status
encode (const tc_rtcp_twcc_input *in, int64_t ref_us, encoder *e)
{
  cursor c = {.i = 0, .last_us = ref_us};
  while (c.i < in->count) {
    size_t left = in->count - c.i;
    unsigned run, sym;
    bool one_bit;
    tc_status st = run_at (in, c, &run, &sym);
    if (st != TC_OK)
      return st;
    if (run == left || run >= (sym == SYM_LARGE ? VEC2_SYMBOLS : VEC1_SYMBOLS)) {
      st = emit (in, &c, run, (uint16_t) ((sym << 13) | run), 0, e);
      if (st != TC_OK)
        return st;
      continue;
    }
    unsigned n1 = (unsigned) MIN (left, (size_t) VEC1_SYMBOLS);
    st = fits_one_bit (in, c, n1, &one_bit);
    if (st == TC_OK && one_bit)
      st = emit (in, &c, n1, 0x8000, 1, e);
    else if (st == TC_OK)
      st = emit (in, &c, (unsigned) MIN (left, (size_t) VEC2_SYMBOLS), 0xC000,
          2, e);
    if (st != TC_OK)
      return st;
  }
  return TC_OK;
}

tc_status
tc_rtcp_write_twcc (const tc_rtcp_twcc_input *in, uint8_t *buf, size_t cap,
    size_t *written)
{
  g_return_val_if_fail (in != NULL && written != NULL, TC_ERR_INVALID_ARG);
  g_return_val_if_fail (buf != NULL || cap == 0, TC_ERR_INVALID_ARG);

  *written = 0;
  if (in->count == 0 || in->count > UINT16_MAX || in->arrival_us == NULL)
    return TC_ERR_INVALID_ARG;
  int64_t ref = 0;
  for (size_t i = 0; i < in->count; i++) {
    if (in->arrival_us[i] >= 0) {
      ref = in->arrival_us[i] / REF_TICK_US;
      break;
    }
  }

  encoder measure = {0};
  tc_status st = encode (in, ref * REF_TICK_US, &measure);
  if (st != TC_OK)
    return st;
  size_t body = TWCC_FIXED_LEN + 2 * measure.nchunks + measure.delta_bytes;
  size_t total = tc_pad4 (TC_RTCP_HEADER_LEN + body);
  st = tc_rtcp_check_size (total, cap);
  if (st != TC_OK)
    return st;

  memset (buf, 0, total);       /* zero padding after the deltas */
  tc_rtcp_put_header (buf, TC_RTCP_FMT_TWCC, TC_RTCP_PT_RTPFB, total);
  tc_wr32 (buf + 4, in->sender_ssrc);
  tc_wr32 (buf + 8, in->media_ssrc);
  tc_wr16 (buf + 12, in->base_seq);
  tc_wr16 (buf + 14, (uint16_t) in->count);
  tc_wr24 (buf + 16, (uint32_t) ref & 0xFFFFFF);
  buf[19] = in->fb_count;
  encoder out = {.chunks = buf + 20,
      .deltas = buf + 20 + 2 * measure.nchunks};
  st = encode (in, ref * REF_TICK_US, &out);
  if (st != TC_OK)
    return st;
  *written = total;
  return TC_OK;
}
