/* fuzz_depay_opus.c - arbitrary packet sequences through the jitter buffer
 * and the Opus depayloader, and each payload back through the payloader.
 *
 * Input framing: fuzz_packets.h. The TOC readers (duration, in-band FEC)
 * see every payload. Checks: the buffer stays within its packet
 * limit, depayloading is the identity, and the buffer empties once every
 * wait budget has run out.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_packets.h"
#include "rtp/jitter.h"
#include "tempchat/tc_opus.h"

#define MAX_PACKETS 32

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (int ok)
{
  if (!ok)
    abort ();
}

static void
on_frame (const tc_frame *frame, void *user_data)
{
  size_t *count = user_data;
  check (frame->len > 0 && frame->data != NULL && frame->keyframe);
  (*count)++;
}

typedef struct {
  const tc_rtp_packet *pkt;
  int calls;
} echo;

static tc_status
on_payload (const uint8_t *payload, size_t len, bool marker, void *user_data)
{
  echo *e = user_data;
  e->calls++;
  check (len == e->pkt->payload_len
      && memcmp (payload, e->pkt->payload, len) == 0 && !marker);
  return TC_OK;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t frames = 0;
  tc_jitter_config cfg = {
    .codec = &tc_payloader_opus,
    .max_packets = MAX_PACKETS,
    .max_bytes = 2 * 1024,
    .wait_budget_us = 40 * 1000,
  };
  tc_jitter *jb = tc_jitter_new (&cfg, on_frame, &frames);
  void *st = tc_payloader_opus.state_new ();

  fuzz_packets fp;
  tc_rtp_packet pkt;
  fuzz_packets_init (&fp, data, size);
  while (fuzz_packets_next (&fp, &pkt)) {
    check (tc_jitter_push (jb, &pkt, fp.now_us) == TC_OK);
    check (tc_jitter_packets (jb) <= MAX_PACKETS);
    check ((tc_jitter_take_events (jb) & TC_JITTER_KEYFRAME_NEEDED) == 0);

    /* The TOC readers stay inside the packet (ASan) and within Opus's
     * 120 ms. */
    check (tc_opus_packet_samples (pkt.payload, pkt.payload_len) <= 5760);
    (void) tc_opus_packet_has_fec (pkt.payload, pkt.payload_len);

    size_t before = 0;
    tc_status rc = tc_payloader_opus.depayload (st, &pkt, on_frame, &before);
    check ((rc == TC_OK) == (before == 1));
    if (pkt.payload_len > 0) {
      echo e = {.pkt = &pkt};
      size_t mtu = 1 + (pkt.timestamp % 300);
      rc = tc_payloader_opus.payload (st, pkt.payload, pkt.payload_len,
          pkt.marker, mtu, on_payload, &e);
      check (rc == (pkt.payload_len <= mtu ? TC_OK : TC_ERR_TOO_LARGE));
      check (e.calls == (rc == TC_OK));
    }
  }
  tc_jitter_poll (jb, fp.now_us + 10 * cfg.wait_budget_us);
  check (tc_jitter_packets (jb) == 0);

  tc_jitter_free (jb);
  tc_payloader_opus.state_free (st);
  return 0;
}
