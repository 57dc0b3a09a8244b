/* fuzz_depay_h264.c - arbitrary packet sequences through the jitter buffer
 * and the H264 depayloader, and straight into a second one; each payload
 * also as an SPS, as a profile-level-id and as an Annex B access unit
 * packetized and depacketized again.
 *
 * Input framing: fuzz_packets.h. Checks beyond "no crash, no leak": the
 * buffer stays within its packet limit; access units are never empty, in
 * Annex B form, and a keyframe holds an IDR; a parsed SPS has a size; an
 * access unit sent at a small MTU comes back with the same NAL units (less
 * those we do not send) and every packet within the MTU.
 */
#include <string.h>

#include "fuzz_video_depay.h"
#include "rtp/h264_sps.h"
#include "rtp/pay_h264.h"
#include "sdp/h264_profile.h"

#define MTU 48

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define check fuzz_video_check

static void
on_frame (const tc_frame *frame, void *user_data)
{
  size_t *count = user_data;
  check (frame->len > 4 && frame->data != NULL);
  check (memcmp (frame->data, "\0\0\0\1", 4) == 0);
  check (!frame->keyframe || tc_h264_au_has_idr (frame->data, frame->len));
  uint32_t w, h;
  tc_status st = tc_h264_au_size (frame->data, frame->len, &w, &h);
  check (st == TC_OK || st == TC_ERR_PARSE);
  (*count)++;
}

static void
parsers (const tc_rtp_packet *pkt)
{
  if (pkt->payload_len == 0)
    return;
  tc_h264_sps sps;
  if (tc_h264_sps_parse (pkt->payload, pkt->payload_len, &sps) == TC_OK)
    check (sps.width >= 1 && sps.height >= 1 && sps.sps_id <= 31);
  char plid[7];
  size_t n = pkt->payload_len < 6 ? pkt->payload_len : 6;
  memcpy (plid, pkt->payload, n);
  plid[n] = '\0';
  tc_h264_profile_level pl;
  if (tc_h264_profile_level_parse (plid, &pl) == TC_OK) {
    char back[7];
    check (tc_h264_profile_level_write (&pl, back) == TC_OK);
    check (tc_h264_same_profile (plid, back));
  }
  static const tc_h264_cap caps[] = {
    {TC_H264_PROFILE_CONSTRAINED_BASELINE, 31}, {TC_H264_PROFILE_HIGH, 52},
  };
  char answer[7];
  if (tc_h264_answer_profile_level_id (plid, pkt->marker, caps, 2, answer)
      == TC_OK)
    check (tc_h264_same_profile (plid, answer));
}

typedef struct {
  void *rx;
  uint16_t seq;
  size_t frames;
  const uint8_t *au;
  size_t au_len;
} repack;

/* The output has exactly the sendable units of the input, in order. */
static void
same_units (const tc_frame *frame, void *user_data)
{
  repack *r = user_data;
  size_t pi = 0, po = 0, ni, no;
  const uint8_t *in, *out;
  for (;;) {
    bool more_in;
    do
      more_in = tc_h264_next_nal (r->au, r->au_len, &pi, &in, &ni);
    while (more_in && !tc_h264_nal_sendable (in, ni));
    bool more_out = tc_h264_next_nal (frame->data, frame->len, &po, &out, &no);
    check (more_in == more_out);
    if (!more_in)
      break;
    check (ni == no && memcmp (in, out, ni) == 0);
  }
  r->frames++;
}

static tc_status
repack_emit (const uint8_t *payload, size_t len, bool marker, void *ud)
{
  repack *r = ud;
  check (len <= MTU);
  tc_rtp_packet pkt = {.seq = r->seq++, .timestamp = 1, .marker = marker,
    .payload = payload, .payload_len = len};
  check (tc_payloader_h264.depayload (r->rx, &pkt, same_units, r) == TC_OK);
  return TC_OK;
}

static void
payload_round_trip (const tc_rtp_packet *pkt)
{
  if (pkt->payload_len == 0)
    return;
  void *tx = tc_payloader_h264.state_new ();
  repack r = {.rx = tc_payloader_h264.state_new (), .seq = 1,
    .au = pkt->payload, .au_len = pkt->payload_len};
  /* An access unit just ended, so the next packet surely starts one (the
   * depayloader would otherwise judge that by the first unit's type). */
  static const uint8_t aud[] = {0x09, 0xf0};
  tc_rtp_packet before = {.seq = 0, .marker = true, .payload = aud,
    .payload_len = sizeof aud};
  size_t ignored = 0;
  check (tc_payloader_h264.depayload (r.rx, &before, on_frame, &ignored)
      == TC_OK);
  tc_status st = tc_payloader_h264.payload (tx, pkt->payload,
      pkt->payload_len, false, MTU, repack_emit, &r);
  check ((st == TC_OK && r.frames == 1) || (st == TC_ERR_INVALID_ARG
          && r.frames == 0));
  tc_payloader_h264.state_free (tx);
  tc_payloader_h264.state_free (r.rx);
}

static void
each (const tc_rtp_packet *pkt)
{
  parsers (pkt);
  payload_round_trip (pkt);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_video_depay (&tc_payloader_h264, data, size, on_frame, each);
  return 0;
}
