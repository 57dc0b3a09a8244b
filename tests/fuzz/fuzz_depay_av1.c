/* fuzz_depay_av1.c - arbitrary packet sequences through the jitter buffer
 * and the AV1 depayloader, and straight into a second AV1 depayloader.
 *
 * Input framing: fuzz_packets.h. Checks beyond "no crash, no leak": the
 * buffer stays within its packet limit; every TU that comes out starts
 * with a temporal delimiter and is a chain of OBUs with size fields ending
 * exactly at its end; and it survives a second trip through a fresh
 * payloader and depayloader unchanged.
 */
#include <string.h>

#include "fuzz_video_depay.h"
#include "rtp/pay_av1.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define check fuzz_video_check

/* Every OBU has obu_has_size_field = 1 and the sizes add up to `len`. */
static void
check_low_overhead_format (const uint8_t *tu, size_t len)
{
  check (len >= 2 && tu[0] == 0x12 && tu[1] == 0x00);
  for (size_t pos = 0; pos < len;) {
    check ((tu[pos] & 0x80) == 0 && (tu[pos] & 0x02) != 0);
    size_t hdr = (tu[pos] & 0x04) ? 2 : 1;
    uint32_t size;
    size_t n;
    check (len - pos > hdr);
    check (tc_av1_leb128_read (tu + pos + hdr, len - pos - hdr, &size, &n)
        == TC_OK);
    check (size <= len - pos - hdr - n);
    pos += hdr + n + size;
  }
}

typedef struct {
  void *rx;
  const tc_frame *want;
  uint16_t seq;
  size_t count;         /* frames out, the primer included */
} second_trip;

static void
on_second_frame (const tc_frame *frame, void *user_data)
{
  second_trip *t = user_data;
  if (t->count++ == 0)
    return;  /* the primer */
  check (frame->len == t->want->len
      && memcmp (frame->data, t->want->data, frame->len) == 0);
  check (frame->keyframe == t->want->keyframe);
}

static tc_status
to_depayloader (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  second_trip *t = ud;
  tc_rtp_packet pkt = {
    .marker = marker, .seq = t->seq++, .timestamp = 1234,
    .payload = payload, .payload_len = len,
  };
  return tc_payloader_av1.depayload (t->rx, &pkt, on_second_frame, t);
}

/* Payloads the TU again (a fresh payloader: no sequence header kept) and
 * depayloads it: the same TU must come out, once. A one-packet TU goes
 * first so the TU under test directly follows a complete one, as it did
 * when it came out (it may begin with any OBU then). */
static void
check_second_trip (const tc_frame *frame)
{
  static const uint8_t primer[] = {0x10, 0x30, 0x30};
  void *tx = tc_payloader_av1.state_new ();
  second_trip t = {.rx = tc_payloader_av1.state_new (), .want = frame};
  check (to_depayloader (primer, sizeof primer, true, &t) == TC_OK);
  size_t mtu = 2 + frame->len % 300;
  check (tc_payloader_av1.payload (tx, frame->data, frame->len,
          frame->keyframe, mtu, to_depayloader, &t) == TC_OK);
  check (t.count == 2);
  tc_payloader_av1.state_free (tx);
  tc_payloader_av1.state_free (t.rx);
}

static void
on_frame (const tc_frame *frame, void *user_data)
{
  size_t *count = user_data;
  check (frame->len > 0 && frame->data != NULL);
  check_low_overhead_format (frame->data, frame->len);
  tc_av1_tu_info info;
  if (tc_av1_tu_info_read (frame->data, frame->len, &info) == TC_OK)
    check (info.keyframe == frame->keyframe);
  check_second_trip (frame);
  (*count)++;
}

static void
each_packet (const tc_rtp_packet *pkt)
{
  if (tc_payloader_av1.starts_frame (pkt->payload, pkt->payload_len))
    check ((pkt->payload[0] & TC_AV1_AGG_Z) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_video_depay (&tc_payloader_av1, data, size, on_frame, each_packet);
  return 0;
}
