/* fuzz_video_depay.h - the drive shared by the video depayloader targets.
 *
 * Every packet of the input (fuzz_packets.h framing) goes through a jitter
 * buffer for `codec` and straight into a second depayloader of it;
 * `on_frame` sees the frames of both, `each` (may be NULL) every packet
 * first. Checks: the buffer stays within its packet limit and its deadline,
 * the depayloader answers with a documented status, and once the clock
 * has run past every deadline nothing missing is waited for.
 */
#ifndef TEMPCHAT_FUZZ_VIDEO_DEPAY_H
#define TEMPCHAT_FUZZ_VIDEO_DEPAY_H

#include <stdlib.h>

#include "fuzz_packets.h"
#include "rtp/jitter.h"
#include "tempchat/tc_payloader.h"

#define FUZZ_VIDEO_MAX_PACKETS 64

static inline void
fuzz_video_check (int ok)
{
  if (!ok)
    abort ();
}

static inline void
fuzz_video_depay (const tc_payloader *codec, const uint8_t *data,
    size_t size, tc_frame_fn on_frame,
    void (*each) (const tc_rtp_packet *pkt))
{
  size_t frames = 0, direct_frames = 0;
  tc_jitter_config cfg = {
    .codec = codec,
    .max_packets = FUZZ_VIDEO_MAX_PACKETS,
    .max_bytes = 8 * 1024,
    .wait_budget_us = 20 * 1000,
  };
  tc_jitter *jb = tc_jitter_new (&cfg, on_frame, &frames);
  void *direct = codec->state_new ();

  fuzz_packets fp;
  tc_rtp_packet pkt;
  fuzz_packets_init (&fp, data, size);
  while (fuzz_packets_next (&fp, &pkt)) {
    if (each != NULL)
      each (&pkt);
    fuzz_video_check (tc_jitter_push (jb, &pkt, fp.now_us) == TC_OK);
    fuzz_video_check (tc_jitter_packets (jb) <= FUZZ_VIDEO_MAX_PACKETS);
    fuzz_video_check (tc_jitter_deadline (jb) > fp.now_us - cfg.wait_budget_us
        || tc_jitter_packets (jb) == 0);
    tc_status st = codec->depayload (direct, &pkt, on_frame, &direct_frames);
    fuzz_video_check (st == TC_OK || st == TC_ERR_PARSE
        || st == TC_ERR_TOO_LARGE);
    tc_jitter_take_events (jb);
  }
  /* Past every deadline nothing missing is waited for; what may stay is
   * the newest frame, its packets so far all here (it waits for the
   * rest, however slowly they come), within the packet limit. */
  tc_jitter_poll (jb, fp.now_us + 10 * cfg.wait_budget_us);
  fuzz_video_check (tc_jitter_deadline (jb) == INT64_MAX);
  fuzz_video_check (tc_jitter_packets (jb) <= FUZZ_VIDEO_MAX_PACKETS);

  tc_jitter_free (jb);
  codec->state_free (direct);
}

#endif
