/* fuzz_rtp.c - tc_rtp_parse on arbitrary bytes; what parses must write
 * back and parse again to the same packet (padding dropped). Also runs the
 * extension value readers, RTCP demux and the seq unwrapper on the input.
 * Checks abort(), so libFuzzer and the replay driver both report them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "tempchat/tc_rtp.h"
#include "tempchat/tc_rtp_ext.h"

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
read_values (const tc_rtp_packet *p)
{
  for (unsigned i = 0; i < p->ext_count; i++) {
    const tc_rtp_ext *e = &p->ext[i];
    uint32_t ast;
    uint16_t tseq;
    char mid[TC_RTP_EXT_MID_MAX + 1];
    uint8_t level;
    bool voice;
    if (tc_rtp_ext_audio_level (e, &level, &voice) == TC_OK)
      CHECK (level <= 127 && e->len <= 2);
    if (tc_rtp_ext_abs_send_time (e, &ast) == TC_OK)
      CHECK (ast <= 0xFFFFFF);
    (void) tc_rtp_ext_transport_seq (e, &tseq);
    if (tc_rtp_ext_mid (e, mid, sizeof mid) == TC_OK)
      CHECK (strlen (mid) >= 1 && strlen (mid) <= e->len);
    CHECK (tc_rtp_find_ext (p, e->id) != NULL);
  }
}

static void
check_same (const tc_rtp_packet *a, const tc_rtp_packet *b)
{
  CHECK (a->marker == b->marker);
  CHECK (a->payload_type == b->payload_type);
  CHECK (a->seq == b->seq && a->timestamp == b->timestamp);
  CHECK (a->ssrc == b->ssrc);
  CHECK (a->csrc_count == b->csrc_count);
  CHECK (memcmp (a->csrc, b->csrc, 4u * a->csrc_count) == 0);
  CHECK (a->ext_profile == b->ext_profile);
  CHECK (a->ext_count == b->ext_count);
  for (unsigned i = 0; i < a->ext_count; i++) {
    CHECK (a->ext[i].id == b->ext[i].id && a->ext[i].len == b->ext[i].len);
    CHECK (a->ext[i].len == 0
        || memcmp (a->ext[i].data, b->ext[i].data, a->ext[i].len) == 0);
  }
  CHECK (a->payload_len == b->payload_len);
  CHECK (a->payload_len == 0
      || memcmp (a->payload, b->payload, a->payload_len) == 0);
  CHECK (b->padding_len == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_rtp_packet a, b;
  tc_seq_unwrapper u = {0};

  (void) tc_rtp_is_rtcp (data, size);
  if (tc_rtp_parse (data, size, &a) != TC_OK)
    return 0;
  CHECK (a.payload + a.payload_len + a.padding_len == data + size);
  read_values (&a);
  uint64_t first = tc_seq_unwrap (&u, a.seq);
  CHECK (first == a.seq);
  CHECK (tc_seq_unwrap (&u, (uint16_t) (a.seq + 1)) == first + 1);

  /* The rewrite never needs more room than the input had: padding,
   * skipped elements and unknown extension blocks are dropped. */
  uint8_t *out = malloc (size);
  size_t n = 0;
  CHECK (out != NULL);
  CHECK (tc_rtp_write (&a, out, size, &n) == TC_OK);
  CHECK (n <= size - a.padding_len);
  CHECK (tc_rtp_parse (out, n, &b) == TC_OK);
  check_same (&a, &b);

  /* Rewriting over the very buffer it was parsed from gives the same. */
  tc_rtp_packet c;
  size_t m = 0;
  memcpy (out, data, size);
  CHECK (tc_rtp_parse (out, size, &c) == TC_OK);
  CHECK (tc_rtp_write (&c, out, size, &m) == TC_OK && m == n);
  CHECK (tc_rtp_parse (out, m, &c) == TC_OK);
  check_same (&a, &c);
  free (out);
  return 0;
}
