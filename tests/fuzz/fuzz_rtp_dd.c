/* fuzz_rtp_dd.c - arbitrary dependency descriptors, and our L1T3 writer
 * driven by arbitrary frame sequences.
 *
 * Input: records of one length byte and that many descriptor bytes (cut
 * short at the end), parsed in turn against one kept structure, as from
 * one stream. Every descriptor that parses is written back and must parse
 * to the same frame. Then every input byte drives one L1T3 frame (bit 7 and
 * bit 6: keyframe; the rest mod 3: temporal id) whose descriptor must read
 * back with the references it was given.
 */
#include <stdlib.h>
#include <string.h>

#include "rtp/rtp_dd.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (int ok)
{
  if (!ok)
    abort ();
}

static int
same_frame (const tc_dd_frame *a, const tc_dd_frame *b)
{
  return a->start_of_frame == b->start_of_frame
      && a->end_of_frame == b->end_of_frame
      && a->template_id == b->template_id
      && a->frame_number == b->frame_number
      && a->has_structure == b->has_structure
      && a->has_active_decode_targets == b->has_active_decode_targets
      && a->active_decode_targets == b->active_decode_targets
      && a->custom_dtis == b->custom_dtis
      && a->custom_fdiffs == b->custom_fdiffs
      && a->custom_chains == b->custom_chains
      && memcmp (&a->info, &b->info, sizeof a->info) == 0;
}

static void
write_back (const tc_dd_structure *s, const tc_dd_frame *f)
{
  uint8_t out[TC_DD_MAX_LEN * 2];
  size_t written;
  tc_dd_structure again = *s;
  tc_dd_frame back;
  check (tc_dd_write (s, f, out, sizeof out, &written) == TC_OK);
  check (tc_dd_parse (out, written, &again, &back) == TC_OK);
  check (same_frame (f, &back));
  check (memcmp (&again, s, sizeof again) == 0);
}

static void
parse_records (const uint8_t *data, size_t size)
{
  tc_dd_structure s;
  memset (&s, 0, sizeof s);
  for (size_t pos = 0; pos < size;) {
    size_t n = data[pos++];
    if (n > size - pos)
      n = size - pos;
    tc_dd_frame f;
    tc_status st = tc_dd_parse (data + pos, n, &s, &f);
    check (st == TC_OK || st == TC_ERR_PARSE || st == TC_ERR_UNSUPPORTED);
    if (st == TC_OK)
      write_back (&s, &f);
    pos += n;
  }
}

static void
drive_l1t3 (const uint8_t *data, size_t size)
{
  tc_dd_l1t3 tx = {0};
  tc_dd_structure ours, rx;
  tc_dd_l1t3_structure (&ours);
  memset (&rx, 0, sizeof rx);
  for (size_t i = 0; i < size; i++) {
    bool key = (data[i] & 0xc0) == 0xc0;
    uint8_t tid = key ? 0 : (uint8_t) ((data[i] & 0x3f) % 3);
    tc_dd_frame f, back;
    if (tc_dd_l1t3_next (&tx, key, tid, &f) != TC_OK) {
      check (!tx.started);
      continue;
    }
    f.start_of_frame = (data[i] & 1) != 0;
    uint8_t out[TC_DD_MAX_LEN];
    size_t written;
    check (tc_dd_write (&ours, &f, out, sizeof out, &written) == TC_OK);
    check (written <= 16);  /* fits the one-byte header extension form */
    check (tc_dd_parse (out, written, &rx, &back) == TC_OK);
    check (same_frame (&f, &back));
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  parse_records (data, size);
  drive_l1t3 (data, size);
  return 0;
}
