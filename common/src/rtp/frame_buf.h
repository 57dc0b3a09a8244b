/* frame_buf.h - the growing buffer a depayloader reassembles a frame in.
 *
 * Grows by doubling from 16 KiB up to a hard `max` so a stream of
 * malformed packets cannot make it grow without bound. One per
 * depayloader state; zero-initialized is empty. Any thread, one at a time.
 */
#ifndef TEMPCHAT_RTP_FRAME_BUF_H
#define TEMPCHAT_RTP_FRAME_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

typedef struct {
  uint8_t *data;
  size_t len;
  size_t cap;
} tc_frame_buf;

/* Appends `n` bytes. TC_ERR_TOO_LARGE (nothing appended) when the frame
 * would pass `max`. */
tc_status tc_frame_buf_append (tc_frame_buf *b, const uint8_t *d, size_t n,
    size_t max);

/* Frees the storage; the buffer is empty and usable again. */
void tc_frame_buf_free (tc_frame_buf *b);

#endif
