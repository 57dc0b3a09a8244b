/* fuzz_bwe_feedback.c - the bandwidth estimator's feedback entry point
 * (tc_bwe_on_feedback: matching against the send history, then both
 * controllers) on arbitrary transport-cc feedback.
 *
 * Input: 2 bytes, the first transport seq we send (big endian); then
 * records of a 2-byte length and that many bytes of RTCP. Before each
 * record 32 more packets are "sent", 1 ms apart, so feedback can name them.
 * Checks: the target stays within [min, max]; the same feedback a second
 * time is never news.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cc/bwe.h"
#include "tempchat/tc_rtcp.h"

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)
#define PACKETS_PER_RECORD 32

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
feed (tc_bwe *b, const tc_bwe_config *cfg, const uint8_t *rtcp, size_t len,
    int64_t now)
{
  static tc_rtcp_item items[TC_RTCP_MAX_ITEMS];
  size_t n = 0;
  if (tc_rtcp_parse (rtcp, len, items, TC_RTCP_MAX_ITEMS, &n) != TC_OK)
    return;
  for (size_t i = 0; i < n; i++) {
    if (items[i].kind != TC_RTCP_TWCC)
      continue;
    tc_bwe_on_feedback (b, &items[i].u.twcc, now);
    CHECK (tc_bwe_on_feedback (b, &items[i].u.twcc, now) == 0);
    uint32_t t = tc_bwe_target (b), polled;
    CHECK (t >= cfg->min_bps && t <= cfg->max_bps);
    if (tc_bwe_poll (b, now, &polled))
      CHECK (polled == t);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_bwe_config cfg;
  if (size < 2 || !tc_bwe_config_for_quality (TC_SDP_QUALITY_720P, &cfg))
    return 0;
  tc_bwe *b = tc_bwe_new (&cfg);
  uint16_t seq = (uint16_t) ((data[0] << 8) | data[1]);
  int64_t now = 0;
  size_t pos = 2;
  while (size - pos >= 2) {
    size_t len = (size_t) ((data[pos] << 8) | data[pos + 1]);
    pos += 2;
    if (len > size - pos)
      len = size - pos;
    for (int i = 0; i < PACKETS_PER_RECORD; i++, now += 1000)
      tc_bwe_on_sent (b, seq++, 1000 + (size_t) i, now);
    feed (b, &cfg, data + pos, len, now);
    pos += len;
  }
  tc_bwe_free (b);
  return 0;
}
