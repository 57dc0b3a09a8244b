/* receive_log.h - which seqs arrived, and which to NACK (RFC 4585 6.2.1).
 *
 * Pure bookkeeping over a sliding window behind the highest seq received:
 * the caller passes the clock (now_us) and the current RTT, asks for the
 * list at its own pace, and packs the list into a Generic NACK itself. One
 * log per received media stream, used on the session's loop thread only.
 */
#ifndef TEMPCHAT_RTP_RECEIVE_LOG_H
#define TEMPCHAT_RTP_RECEIVE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

#define TC_RECEIVE_LOG_MAX_WINDOW 32768

typedef struct {
  /* Seqs tracked behind the highest received; older holes are forgotten.
   * A power of two in 16..TC_RECEIVE_LOG_MAX_WINDOW. */
  size_t window;
  /* NACKs sent per missing seq before giving up on it (K), >= 1. */
  unsigned max_retries;
  /* Floor for the spacing between two NACKs of one seq; the spacing used is
   * max(this, rtt). */
  int64_t min_retry_interval_us;
  /* A hole is NACKed first this long after a tc_receive_log_nacks() call
   * first saw it (0: at once): room for a packet that was only reordered,
   * whose NACK would cost a needless resend. */
  int64_t reorder_us;
} tc_receive_log_config;

typedef struct tc_receive_log tc_receive_log;

/* A new log owned by the caller; NULL when `cfg` is out of range. Seqs
 * before the first one added are never reported missing. */
tc_receive_log *tc_receive_log_new (const tc_receive_log_config *cfg);

/* NULL-safe. */
void tc_receive_log_free (tc_receive_log *log);

/* Records that `seq` arrived (duplicates and seqs behind the window are
 * ignored). A jump ahead marks the seqs in between missing; a jump larger
 * than the window keeps only the window's worth. */
void tc_receive_log_add (tc_receive_log *log, uint16_t seq);

/* Writes up to `cap` seqs to NACK now into `out`, oldest first, and returns
 * how many. A missing seq is due when it was never NACKed and a call at
 * least reorder_us ago saw it missing already, or when its last
 * NACK is at least max(min_retry_interval_us, rtt_us) old; each one written
 * counts as a try at `now_us`. A seq tried max_retries times is given up:
 * never listed again. */
size_t tc_receive_log_nacks (tc_receive_log *log, int64_t now_us,
    int64_t rtt_us, uint16_t *out, size_t cap);

/* Seqs in the window not received and not given up. */
size_t tc_receive_log_missing (const tc_receive_log *log);

/* Seqs given up since the log was made (retries exhausted). */
uint64_t tc_receive_log_given_up (const tc_receive_log *log);

#endif
