/* fuzz_rtcp.c - tc_rtcp_parse on arbitrary bytes. For what parses:
 *  - every accessor stays inside the packet and agrees with the counts the
 *    parser validated (transport-cc walks exactly its chunks and deltas);
 *  - every item we can build is rebuilt and parses to the same values
 *    (NACK as a set of sequence numbers; transport-cc as the same statuses
 *    and deltas, the first delta up to the choice of reference time);
 *  - the reduced-size compound writer puts the packets back byte for byte.
 * Checks abort(), so libFuzzer and the replay driver both report them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tempchat/tc_rtcp.h"

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)
/* A multiple of 250 us and of the 24-bit reference time wrap. */
#define TWCC_OFFSET_US ((int64_t) 64000 << 24)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static uint8_t scratch[TC_RTCP_MAX_PACKET];

/* Parses scratch[0..n) which must be one item of `kind`. */
static tc_rtcp_item *
reparse (size_t n, tc_rtcp_kind kind)
{
  static tc_rtcp_item again;
  size_t count;
  CHECK (tc_rtcp_parse (scratch, n, &again, 1, &count) == TC_OK);
  CHECK (count == 1 && again.kind == kind);
  return &again;
}

static void
same_blocks (const tc_rtcp_report_block *a, const tc_rtcp_report_block *b,
    unsigned count)
{
  for (unsigned i = 0; i < count; i++) {
    CHECK (a[i].ssrc == b[i].ssrc && a[i].fraction_lost == b[i].fraction_lost);
    CHECK (a[i].cumulative_lost == b[i].cumulative_lost);
    CHECK (a[i].ext_highest_seq == b[i].ext_highest_seq);
    CHECK (a[i].jitter == b[i].jitter);
    CHECK (a[i].lsr == b[i].lsr && a[i].dlsr == b[i].dlsr);
  }
}

static void
check_reports (const tc_rtcp_item *it)
{
  size_t n;
  if (it->kind == TC_RTCP_SR) {
    const tc_rtcp_sr *a = &it->u.sr;
    CHECK (tc_rtcp_write_sr (a, scratch, sizeof scratch, &n) == TC_OK);
    const tc_rtcp_sr *b = &reparse (n, TC_RTCP_SR)->u.sr;
    CHECK (a->ssrc == b->ssrc && a->ntp == b->ntp && a->rtp_ts == b->rtp_ts);
    CHECK (a->packet_count == b->packet_count);
    CHECK (a->octet_count == b->octet_count);
    CHECK (a->report_count == b->report_count);
    same_blocks (a->reports, b->reports, a->report_count);
  } else {
    const tc_rtcp_rr *a = &it->u.rr;
    CHECK (tc_rtcp_write_rr (a, scratch, sizeof scratch, &n) == TC_OK);
    const tc_rtcp_rr *b = &reparse (n, TC_RTCP_RR)->u.rr;
    CHECK (a->ssrc == b->ssrc && a->report_count == b->report_count);
    same_blocks (a->reports, b->reports, a->report_count);
  }
}

static bool
same_bytes (const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
  return an == bn && (an == 0 || memcmp (a, b, an) == 0);
}

static void
check_sdes_bye (const tc_rtcp_item *it)
{
  size_t n;
  if (it->kind == TC_RTCP_SDES) {
    const tc_rtcp_sdes *a = &it->u.sdes;
    CHECK (tc_rtcp_write_sdes (a, scratch, sizeof scratch, &n) == TC_OK);
    const tc_rtcp_sdes *b = &reparse (n, TC_RTCP_SDES)->u.sdes;
    CHECK (a->chunk_count == b->chunk_count);
    for (unsigned i = 0; i < a->chunk_count; i++) {
      CHECK (a->chunks[i].ssrc == b->chunks[i].ssrc);
      CHECK ((a->chunks[i].cname == NULL) == (b->chunks[i].cname == NULL));
      CHECK (same_bytes (a->chunks[i].cname, a->chunks[i].cname_len,
              b->chunks[i].cname, b->chunks[i].cname_len));
    }
  } else {
    const tc_rtcp_bye *a = &it->u.bye;
    CHECK (tc_rtcp_write_bye (a, scratch, sizeof scratch, &n) == TC_OK);
    const tc_rtcp_bye *b = &reparse (n, TC_RTCP_BYE)->u.bye;
    CHECK (a->ssrc_count == b->ssrc_count);
    CHECK (memcmp (a->ssrcs, b->ssrcs, 4u * a->ssrc_count) == 0);
    CHECK (same_bytes (a->reason, a->reason_len, b->reason, b->reason_len));
  }
}

static int
cmp_u16 (const void *a, const void *b)
{
  return (int) *(const uint16_t *) a - (int) *(const uint16_t *) b;
}

/* Sorts and removes duplicates; returns the new length. */
static size_t
as_set (uint16_t *v, size_t n)
{
  size_t k = 0;
  qsort (v, n, sizeof *v, cmp_u16);
  for (size_t i = 0; i < n; i++) {
    if (k == 0 || v[k - 1] != v[i])
      v[k++] = v[i];
  }
  return k;
}

static void
check_nack (const tc_rtcp_nack *a)
{
  size_t total = tc_rtcp_nack_seqs (a, NULL, 0);
  CHECK (total >= a->pair_count && total <= 17 * a->pair_count);
  uint16_t *seqs = malloc (total * sizeof *seqs);
  CHECK (seqs != NULL);
  CHECK (tc_rtcp_nack_seqs (a, seqs, total) == total);

  size_t n;
  CHECK (tc_rtcp_write_nack (a->sender_ssrc, a->media_ssrc, seqs, total,
          scratch, sizeof scratch, &n) == TC_OK);
  const tc_rtcp_nack *b = &reparse (n, TC_RTCP_NACK)->u.nack;
  CHECK (b->sender_ssrc == a->sender_ssrc && b->media_ssrc == a->media_ssrc);
  size_t total_b = tc_rtcp_nack_seqs (b, NULL, 0);
  uint16_t *seqs_b = malloc (total_b * sizeof *seqs_b);
  CHECK (seqs_b != NULL);
  CHECK (tc_rtcp_nack_seqs (b, seqs_b, total_b) == total_b);
  size_t na = as_set (seqs, total), nb = as_set (seqs_b, total_b);
  CHECK (na == nb && memcmp (seqs, seqs_b, na * sizeof *seqs) == 0);
  free (seqs);
  free (seqs_b);
}

/* Decodes every status; checks the walk used exactly the validated bytes.
 * Fills arrival times (reference time + running deltas + offset). */
static void
walk_twcc (const tc_rtcp_twcc *fb, tc_rtcp_twcc_status *st, int64_t *arrival)
{
  tc_rtcp_twcc_iter it;
  size_t i = 0, received = 0;
  int64_t t = TWCC_OFFSET_US + (int64_t) fb->reference_time * 64000;
  tc_rtcp_twcc_iter_init (&it, fb);
  while (tc_rtcp_twcc_iter_next (&it, &st[i])) {
    CHECK (st[i].seq == (uint16_t) (fb->base_seq + i));
    CHECK (st[i].received || st[i].delta_us == 0);
    t += st[i].delta_us;
    arrival[i] = st[i].received ? t : TC_RTCP_TWCC_NOT_RECEIVED;
    received += st[i].received;
    i++;
  }
  CHECK (i == fb->status_count && received == fb->received_count);
  CHECK (it.chunk_pos == fb->chunks_len && it.delta_pos == fb->deltas_len);
}

static void
check_twcc (const tc_rtcp_twcc *a)
{
  size_t count = a->status_count;
  tc_rtcp_twcc_status *sa = malloc (count * sizeof *sa);
  tc_rtcp_twcc_status *sb = malloc (count * sizeof *sb);
  int64_t *ta = malloc (count * sizeof *ta);
  int64_t *tb = malloc (count * sizeof *tb);
  CHECK (sa && sb && ta && tb);
  walk_twcc (a, sa, ta);

  tc_rtcp_twcc_input in = {.sender_ssrc = a->sender_ssrc,
      .media_ssrc = a->media_ssrc, .base_seq = a->base_seq,
      .fb_count = a->fb_count, .arrival_us = ta, .count = count};
  size_t n;
  CHECK (tc_rtcp_write_twcc (&in, scratch, sizeof scratch, &n) == TC_OK);
  const tc_rtcp_twcc *b = &reparse (n, TC_RTCP_TWCC)->u.twcc;
  CHECK (b->base_seq == a->base_seq && b->status_count == a->status_count);
  CHECK (b->fb_count == a->fb_count);
  walk_twcc (b, sb, tb);
  bool first = true;
  for (size_t i = 0; i < count; i++) {
    CHECK (sa[i].received == sb[i].received);
    if (!sa[i].received)
      continue;
    if (!first)
      CHECK (sa[i].delta_us == sb[i].delta_us);
    else    /* same instant modulo the 24-bit reference time wrap */
      CHECK ((ta[i] - tb[i]) % TWCC_OFFSET_US == 0);
    first = false;
  }
  free (sa);
  free (sb);
  free (ta);
  free (tb);
}

static void
check_psfb (const tc_rtcp_item *it)
{
  size_t n;
  if (it->kind == TC_RTCP_PLI) {
    const tc_rtcp_pli *a = &it->u.pli;
    CHECK (tc_rtcp_write_pli (a->sender_ssrc, a->media_ssrc, scratch,
            sizeof scratch, &n) == TC_OK);
    const tc_rtcp_pli *b = &reparse (n, TC_RTCP_PLI)->u.pli;
    CHECK (a->sender_ssrc == b->sender_ssrc && a->media_ssrc == b->media_ssrc);
  } else if (it->kind == TC_RTCP_FIR) {
    const tc_rtcp_fir *a = &it->u.fir;
    tc_rtcp_fir_entry *e = malloc (a->entry_count * sizeof *e);
    CHECK (e != NULL);
    for (size_t i = 0; i < a->entry_count; i++)
      e[i] = tc_rtcp_fir_entry_at (a, i);
    CHECK (tc_rtcp_write_fir (a->sender_ssrc, e, a->entry_count, scratch,
            sizeof scratch, &n) == TC_OK);
    const tc_rtcp_fir *b = &reparse (n, TC_RTCP_FIR)->u.fir;
    CHECK (b->entry_count == a->entry_count);
    for (size_t i = 0; i < a->entry_count; i++) {
      tc_rtcp_fir_entry x = tc_rtcp_fir_entry_at (b, i);
      CHECK (x.ssrc == e[i].ssrc && x.seq_nr == e[i].seq_nr);
    }
    free (e);
  } else if (it->kind == TC_RTCP_REMB && it->u.remb.ssrc_count > 0) {
    const tc_rtcp_remb *a = &it->u.remb;
    uint32_t ssrcs[255];
    for (unsigned i = 0; i < a->ssrc_count; i++)
      ssrcs[i] = tc_rtcp_remb_ssrc_at (a, i);
    CHECK (tc_rtcp_write_remb (a->sender_ssrc, a->bitrate_bps, ssrcs,
            a->ssrc_count, scratch, sizeof scratch, &n) == TC_OK);
    const tc_rtcp_remb *b = &reparse (n, TC_RTCP_REMB)->u.remb;
    CHECK (b->bitrate_bps == a->bitrate_bps);   /* always representable */
    CHECK (b->ssrc_count == a->ssrc_count);
    for (unsigned i = 0; i < a->ssrc_count; i++)
      CHECK (tc_rtcp_remb_ssrc_at (b, i) == ssrcs[i]);
  }
}

static void
check_item (const tc_rtcp_item *it, const uint8_t *data, size_t size)
{
  CHECK (it->body >= data + 4 && it->body + it->body_len <= data + size);
  switch (it->kind) {
    case TC_RTCP_SR:
    case TC_RTCP_RR:
      check_reports (it);
      break;
    case TC_RTCP_SDES:
    case TC_RTCP_BYE:
      check_sdes_bye (it);
      break;
    case TC_RTCP_NACK:
      check_nack (&it->u.nack);
      break;
    case TC_RTCP_TWCC:
      check_twcc (&it->u.twcc);
      break;
    case TC_RTCP_PLI:
    case TC_RTCP_FIR:
    case TC_RTCP_REMB:
      check_psfb (it);
      break;
    case TC_RTCP_UNKNOWN:
      break;
  }
}

/* Reduced-size concatenation of the parsed packets is the input. */
static void
check_compound (const tc_rtcp_item *items, size_t count, const uint8_t *data,
    size_t size)
{
  tc_rtcp_part parts[TC_RTCP_MAX_ITEMS];
  size_t total = 0, n;
  for (size_t i = 0; i < count; i++) {
    const uint8_t *start = items[i].body - 4;
    parts[i].data = start;
    parts[i].len = ((size_t) ((start[2] << 8) | start[3]) + 1) * 4;
    total += parts[i].len;
  }
  if (total != size)
    return;                     /* more packets than items */
  CHECK (tc_rtcp_write_compound (parts, count, true, scratch, sizeof scratch,
          &n) == TC_OK);
  CHECK (n == size && memcmp (scratch, data, size) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static tc_rtcp_item items[TC_RTCP_MAX_ITEMS];
  size_t count;

  if (size > sizeof scratch)
    return 0;
  if (tc_rtcp_parse (data, size, items, TC_RTCP_MAX_ITEMS, &count) != TC_OK)
    return 0;
  CHECK (count >= 1 && count <= TC_RTCP_MAX_ITEMS);
  check_compound (items, count, data, size);
  for (size_t i = 0; i < count; i++)
    check_item (&items[i], data, size);
  return 0;
}
