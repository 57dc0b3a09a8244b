/* frame_buf.c - a depayloader's bounded reassembly buffer. */
#include "rtp/frame_buf.h"

#include <glib.h>
#include <string.h>

tc_status
tc_frame_buf_append (tc_frame_buf *b, const uint8_t *d, size_t n, size_t max)
{
  if (b->len > max || n > max - b->len)
    return TC_ERR_TOO_LARGE;
  size_t need = b->len + n;
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 16 * 1024;
    while (cap < need)
      cap *= 2;
    if (cap > max)
      cap = max;
    b->data = g_realloc (b->data, cap);
    b->cap = cap;
  }
  if (n > 0)
    memcpy (b->data + b->len, d, n);
  b->len = need;
  return TC_OK;
}

void
tc_frame_buf_free (tc_frame_buf *b)
{
  g_free (b->data);
  *b = (tc_frame_buf) {0};
}
