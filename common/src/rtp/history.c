/* history.c - the last N sent packets, by 16-bit seq, and RTX building.
 *
 * A FIFO ring in sending order. Seqs increase by one per packet, so a seq's
 * slot is found by its distance from the newest; a linear scan covers
 * streams that skipped seqs.
 *
 * RTX packet (RFC 4588 section 4):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         RTP Header                            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |            OSN                |                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 *    |                  Original RTP Packet Payload                  |
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The header is the original's with the RTX payload type, the RTX stream's
 * own sequence number and SSRC; timestamp, marker, CSRCs and extensions stay.
 */
#include "rtp/history.h"

#include <glib.h>
#include <string.h>

typedef struct {
  uint16_t seq;
  int64_t sent_us;
  uint8_t *data;
  size_t len;
} entry;

struct tc_rtp_history {
  tc_rtp_history_config cfg;
  entry *ring;
  size_t head;   /* oldest entry */
  size_t count;
  size_t bytes;
};

/* ---- Minimal RTP header reading (RFC 3550 5.1) --------------------------- */

/* Finds where the header ends and the payload (without padding) ends. */
static tc_status
rtp_layout (const uint8_t *b, size_t len, size_t *hdr_len, size_t *end)
{
  if (len < TC_RTP_HEADER_MIN || (b[0] >> 6) != 2)
    return TC_ERR_PARSE;
  size_t h = TC_RTP_HEADER_MIN + 4u * (b[0] & 0x0F);
  if (h > len)
    return TC_ERR_PARSE;
  if (b[0] & 0x10) {  /* X: 4-byte extension header, then length words */
    if (len - h < 4)
      return TC_ERR_PARSE;
    size_t ext = 4u * (size_t) ((b[h + 2] << 8) | b[h + 3]);
    if (len - h - 4 < ext)
      return TC_ERR_PARSE;
    h += 4 + ext;
  }
  size_t e = len;
  if (b[0] & 0x20) {  /* P: the last byte counts the padding, itself included */
    uint8_t pad = b[len - 1];
    if (pad == 0 || pad > len - h)
      return TC_ERR_PARSE;
    e -= pad;
  }
  *hdr_len = h;
  *end = e;
  return TC_OK;
}

static uint16_t
rd16 (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

static void
wr16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t) (v >> 8);
  p[1] = (uint8_t) v;
}

static void
wr32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) (v >> 24);
  p[1] = (uint8_t) (v >> 16);
  p[2] = (uint8_t) (v >> 8);
  p[3] = (uint8_t) v;
}

/* ---- History ------------------------------------------------------------- */

tc_rtp_history *
tc_rtp_history_new (const tc_rtp_history_config *cfg)
{
  if (cfg == NULL || cfg->max_packets == 0
      || cfg->max_packets > TC_RTP_HISTORY_MAX_PACKETS
      || cfg->max_bytes == 0 || cfg->max_age_us < 0)
    return NULL;
  tc_rtp_history *h = g_new0 (tc_rtp_history, 1);
  h->cfg = *cfg;
  h->ring = g_new0 (entry, cfg->max_packets);
  return h;
}

static entry *
at (const tc_rtp_history *h, size_t i)
{
  return &h->ring[(h->head + i) % h->cfg.max_packets];
}

static void
evict_oldest (tc_rtp_history *h)
{
  entry *e = at (h, 0);
  h->bytes -= e->len;
  g_free (e->data);
  memset (e, 0, sizeof *e);
  h->head = (h->head + 1) % h->cfg.max_packets;
  h->count--;
}

void
tc_rtp_history_clear (tc_rtp_history *h)
{
  if (h == NULL)
    return;
  while (h->count > 0)
    evict_oldest (h);
  h->head = 0;
}

void
tc_rtp_history_free (tc_rtp_history *h)
{
  if (h == NULL)
    return;
  tc_rtp_history_clear (h);
  g_free (h->ring);
  g_free (h);
}

static bool
expired (const tc_rtp_history *h, const entry *e, int64_t now_us)
{
  return h->cfg.max_age_us > 0 && now_us - e->sent_us > h->cfg.max_age_us;
}

void
tc_rtp_history_expire (tc_rtp_history *h, int64_t now_us)
{
  g_return_if_fail (h != NULL);
  while (h->count > 0 && expired (h, at (h, 0), now_us))
    evict_oldest (h);
}

tc_status
tc_rtp_history_put (tc_rtp_history *h, const uint8_t *pkt, size_t len,
    int64_t now_us)
{
  if (h == NULL || pkt == NULL)
    return TC_ERR_INVALID_ARG;
  size_t hdr, end;
  if (rtp_layout (pkt, len, &hdr, &end) != TC_OK)
    return TC_ERR_PARSE;
  if (len > h->cfg.max_bytes)
    return TC_ERR_TOO_LARGE;
  uint16_t seq = rd16 (pkt + 2);
  if (h->count > 0 && !tc_seq_newer (seq, at (h, h->count - 1)->seq))
    return TC_ERR_INVALID_ARG;

  tc_rtp_history_expire (h, now_us);
  while (h->count > 0 && (h->count == h->cfg.max_packets
          || h->bytes + len > h->cfg.max_bytes))
    evict_oldest (h);

  h->count++;
  entry *e = at (h, h->count - 1);
  e->seq = seq;
  e->sent_us = now_us;
  e->data = g_memdup2 (pkt, len);
  e->len = len;
  h->bytes += len;
  return TC_OK;
}

static const entry *
find (const tc_rtp_history *h, uint16_t seq)
{
  if (h->count == 0)
    return NULL;
  size_t newest = h->count - 1;
  uint16_t back = (uint16_t) (at (h, newest)->seq - seq);
  if (back <= newest && at (h, newest - back)->seq == seq)
    return at (h, newest - back);
  for (size_t i = 0; i < h->count; i++) {  /* the stream skipped seqs */
    if (at (h, i)->seq == seq)
      return at (h, i);
  }
  return NULL;
}

const uint8_t *
tc_rtp_history_get (const tc_rtp_history *h, uint16_t seq, int64_t now_us,
    size_t *len)
{
  if (h == NULL || len == NULL)
    return NULL;
  const entry *e = find (h, seq);
  if (e == NULL || expired (h, e, now_us))
    return NULL;
  *len = e->len;
  return e->data;
}

size_t
tc_rtp_history_count (const tc_rtp_history *h)
{
  return h ? h->count : 0;
}

size_t
tc_rtp_history_bytes (const tc_rtp_history *h)
{
  return h ? h->bytes : 0;
}

/* ---- RTX ----------------------------------------------------------------- */

tc_status
tc_rtx_build (const uint8_t *orig, size_t orig_len, uint8_t rtx_pt,
    uint32_t rtx_ssrc, uint16_t rtx_seq, uint8_t *out, size_t cap,
    size_t *written)
{
  if (orig == NULL || out == NULL || written == NULL || rtx_pt > 127)
    return TC_ERR_INVALID_ARG;
  size_t hdr, end;
  if (rtp_layout (orig, orig_len, &hdr, &end) != TC_OK)
    return TC_ERR_PARSE;
  size_t payload = end - hdr;
  if (cap < hdr + 2 + payload)
    return TC_ERR_TOO_LARGE;

  memcpy (out, orig, hdr);
  out[0] &= (uint8_t) ~0x20;                     /* no padding */
  out[1] = (uint8_t) ((orig[1] & 0x80) | rtx_pt);  /* marker kept */
  wr16 (out + 2, rtx_seq);
  wr32 (out + 8, rtx_ssrc);
  memcpy (out + hdr, orig + 2, 2);               /* OSN */
  memcpy (out + hdr + 2, orig + hdr, payload);
  *written = hdr + 2 + payload;
  return TC_OK;
}

tc_status
tc_rtx_unwrap (tc_rtp_packet *pkt, uint8_t orig_pt, uint32_t orig_ssrc)
{
  if (pkt == NULL || orig_pt > 127)
    return TC_ERR_INVALID_ARG;
  if (pkt->payload == NULL || pkt->payload_len < 2)
    return TC_ERR_PARSE;
  pkt->seq = rd16 (pkt->payload);
  pkt->payload += 2;
  pkt->payload_len -= 2;
  pkt->payload_type = orig_pt;
  pkt->ssrc = orig_ssrc;
  return TC_OK;
}
