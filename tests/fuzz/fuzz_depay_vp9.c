/* fuzz_depay_vp9.c - arbitrary packet sequences through the jitter buffer
 * and the VP9 depayloader, and straight into a second VP9 depayloader.
 *
 * Input framing: fuzz_packets.h. Checks beyond "no crash, no leak": the
 * buffer stays within its packet limit, frames are never empty, a frame
 * called a keyframe has a key header, every descriptor that parses writes
 * back to the same bytes, and every payload re-packetizes into packets
 * within the MTU that depayload to the same bytes.
 */
#include <string.h>

#include "fuzz_video_depay.h"
#include "rtp/pay_vp9.h"

#define MTU 64

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define check fuzz_video_check

static void
on_frame (const tc_frame *frame, void *user_data)
{
  size_t *count = user_data;
  check (frame->len > 0 && frame->data != NULL);
  tc_vp9_header h;
  tc_status st = tc_vp9_header_parse (frame->data, frame->len, &h);
  check (st == TC_OK || st == TC_ERR_PARSE);
  check (!frame->keyframe || (st == TC_OK && h.keyframe && h.has_size));
  uint32_t w, hh;
  st = tc_vp9_keyframe_size (frame->data, frame->len, &w, &hh);
  check (st != TC_OK || (w >= 1 && hh >= 1 && w <= 65536 && hh <= 65536));
  (*count)++;
}

static void
descriptor_round_trip (const tc_rtp_packet *pkt)
{
  tc_vp9_descriptor d;
  tc_vp9_ss ss;
  size_t used, written;
  uint8_t buf[TC_VP9_DESCRIPTOR_BASE_MAX + 1 + 4 * TC_VP9_MAX_SPATIAL + 1
      + 4 * TC_VP9_MAX_GOF];
  if (pkt->payload == NULL
      || tc_vp9_descriptor_parse (pkt->payload, pkt->payload_len, &d, &ss,
          &used))
    return;
  check (used <= pkt->payload_len);
  check (tc_vp9_descriptor_write (&d, &ss, buf, sizeof buf, &written) == TC_OK);
  /* Reserved SS bits are the only ones not written back. */
  check (written == used);
  check (memcmp (buf, pkt->payload, used) == 0 || d.has_ss);
}

typedef struct {
  void *rx;
  uint16_t seq;
  size_t frames;
  size_t longest;
} repack;

static tc_status
repack_emit (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  repack *r = ud;
  check (len <= MTU);
  tc_rtp_packet pkt = {.seq = r->seq++, .timestamp = 1, .marker = marker,
    .payload = payload, .payload_len = len};
  check (tc_payloader_vp9.depayload (r->rx, &pkt, on_frame, &r->frames)
      == TC_OK);
  return TC_OK;
}

/* The payload as an encoded frame: out and back unchanged. */
static void
payload_round_trip (const tc_rtp_packet *pkt)
{
  if (pkt->payload_len == 0)
    return;
  void *tx = tc_payloader_vp9.state_new ();
  repack r = {.rx = tc_payloader_vp9.state_new ()};
  tc_status st = tc_payloader_vp9.payload (tx, pkt->payload,
      pkt->payload_len, pkt->marker, MTU, repack_emit, &r);
  check (st == TC_OK && r.frames == 1);
  tc_payloader_vp9.state_free (tx);
  tc_payloader_vp9.state_free (r.rx);
}

static void
each (const tc_rtp_packet *pkt)
{
  descriptor_round_trip (pkt);
  payload_round_trip (pkt);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_video_depay (&tc_payloader_vp9, data, size, on_frame, each);
  return 0;
}
