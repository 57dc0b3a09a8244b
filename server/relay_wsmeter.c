/* relay_wsmeter.c - client frame header meter (see relay_wsmeter.h).
 *
 * RFC 6455 5.2, a client frame header:
 *   byte 0: FIN(1) RSV1-3(3) opcode(4)
 *   byte 1: MASK(1) payload length(7): 0-125, 126 = 16-bit length follows,
 *           127 = 64-bit length follows (most significant bit 0)
 *   then the extended length (0, 2 or 8 bytes), then the 4-byte mask key.
 */
#include "relay_wsmeter.h"

#include <string.h>

#define OP_CONTINUATION 0x0
#define OP_TEXT 0x1
#define OP_BINARY 0x2
#define OP_CONTROL 0x8     /* opcodes 8-15 are control frames */
#define MAX_CONTROL_PAYLOAD 125

void
relay_wsmeter_init (relay_wsmeter *m, uint64_t limit)
{
  memset (m, 0, sizeof *m);
  m->limit = limit;
}

bool
relay_wsmeter_begin_frames (relay_wsmeter *m)
{
  m->frames = true;
  return m->after_header == 0;
}

/* HTTP: find header ends; count what follows the latest one. */
static void
feed_http (relay_wsmeter *m, const uint8_t *buf, size_t len)
{
  static const char end[] = "\r\n\r\n";
  for (size_t i = 0; i < len; i++) {
    m->after_header++;
    if (buf[i] == (uint8_t) end[m->crlf])
      m->crlf++;
    else
      m->crlf = buf[i] == '\r' ? 1 : 0;
    if (m->crlf == 4) {
      m->crlf = 0;
      m->after_header = 0;
    }
  }
}

/* Bytes the header needs once its first two are known. */
static uint8_t
header_size (const uint8_t *hdr)
{
  uint8_t len7 = hdr[1] & 0x7f;
  uint8_t size = 2 + 4;
  if (len7 == 126)
    size += 2;
  else if (len7 == 127)
    size += 8;
  return size;
}

static uint64_t
payload_length (const uint8_t *hdr)
{
  uint8_t len7 = hdr[1] & 0x7f;
  if (len7 < 126)
    return len7;
  int n = len7 == 126 ? 2 : 8;
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = (v << 8) | hdr[2 + i];
  return v;
}

/* Judges a complete header; counts it in *extra when it costs a token. */
static relay_meter_verdict
judge_header (relay_wsmeter *m, unsigned *extra)
{
  uint8_t op = m->hdr[0] & 0x0f;
  bool fin = (m->hdr[0] & 0x80) != 0;
  uint64_t len = payload_length (m->hdr);
  if ((m->hdr[0] & 0x70) != 0 || len >> 63)
    return RELAY_METER_PROTOCOL; /* no extension is negotiated */
  if (op & OP_CONTROL) {
    if (!fin || len > MAX_CONTROL_PAYLOAD || op > 0xa)
      return RELAY_METER_PROTOCOL;
    (*extra)++;
  } else if (op == OP_CONTINUATION) {
    if (!m->in_message)
      return RELAY_METER_PROTOCOL;
    (*extra)++;
  } else if (op == OP_TEXT || op == OP_BINARY) {
    if (m->in_message)
      return RELAY_METER_PROTOCOL;
    m->in_message = true;
    m->message_bytes = 0;
  } else {
    return RELAY_METER_PROTOCOL;
  }
  if (!(op & OP_CONTROL)) {
    /* As a subtraction: len may be near 2^63. */
    if (len > m->limit - m->message_bytes)
      return RELAY_METER_TOO_LARGE;
    m->message_bytes += len;
    m->in_message = !fin;
  }
  m->payload_left = len;
  return RELAY_METER_OK;
}

/* Collects header bytes from buf[*pos]; judges the header when complete. */
static relay_meter_verdict
feed_header (relay_wsmeter *m, const uint8_t *buf, size_t len, size_t *pos,
    unsigned *extra)
{
  while (*pos < len) {
    m->hdr[m->hdr_have++] = buf[(*pos)++];
    if (m->hdr_have == 2 && !(m->hdr[1] & 0x80))
      return RELAY_METER_UNMASKED;
    if (m->hdr_have >= 2 && m->hdr_have == header_size (m->hdr)) {
      m->hdr_have = 0;
      return judge_header (m, extra);
    }
  }
  return RELAY_METER_OK;
}

relay_meter_result
relay_wsmeter_feed (relay_wsmeter *m, const uint8_t *buf, size_t len)
{
  relay_meter_result res = { RELAY_METER_OK, len, 0 };
  if (m->broken) {
    res.accepted = 0;
    return res;
  }
  if (!m->frames) {
    feed_http (m, buf, len);
    return res;
  }
  size_t pos = 0;
  while (pos < len) {
    if (m->payload_left > 0) {
      size_t n = len - pos;
      if ((uint64_t) n > m->payload_left)
        n = (size_t) m->payload_left;
      m->payload_left -= n;
      pos += n;
      continue;
    }
    /* The frame starts here, or started in an earlier feed. */
    size_t start = m->hdr_have > 0 ? 0 : pos;
    relay_meter_verdict v = feed_header (m, buf, len, &pos, &res.extra_frames);
    if (v != RELAY_METER_OK) {
      m->broken = true;
      res.verdict = v;
      res.accepted = start;
      return res;
    }
  }
  return res;
}
