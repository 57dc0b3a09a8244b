/* session_dd.c - the dependency descriptor on received AV1: each frame's
 * temporal layer, read from its first packet's descriptor as packets
 * arrive (before the jitter buffer, which hands the depayloader payloads,
 * not extensions), and told with the frame when it comes out (tc_frame
 * has_temporal_id), as VP8 and VP9 frames tell theirs from their payload
 * descriptors. The template structure rides on keyframes; descriptors
 * before the first one say nothing and are skipped.
 */
#include "session/session_internal.h"

/* Frames whose layer we remember: more than the jitter buffer holds back
 * at a time. */
#define DD_FRAMES 64

struct tc_recv_dd {
  tc_dd_structure structure;  /* the latest one */
  struct {
    bool used;
    uint32_t timestamp;
    uint8_t temporal_id;
  } frames[DD_FRAMES];
  unsigned next;
};

void
tc_recv_dd_setup (tc_recv_stream *rx, const tc_sdp_negotiated_media *m)
{
  if (rx->kind != TC_MEDIA_VIDEO || m->codec != TC_SDP_CODEC_AV1
      || m->ext_dependency_descriptor == 0)
    return;
  rx->ext_dd = m->ext_dependency_descriptor;
  rx->dd = g_new0 (tc_recv_dd, 1);
}

void
tc_recv_dd_free (tc_recv_stream *rx)
{
  g_clear_pointer (&rx->dd, g_free);
}

void
tc_recv_dd_on_packet (tc_recv_stream *rx, const tc_rtp_packet *p)
{
  const tc_rtp_ext *ext = rx->dd != NULL ? tc_rtp_find_ext (p, rx->ext_dd)
      : NULL;
  tc_dd_frame f;
  if (ext == NULL
      || tc_dd_parse (ext->data, ext->len, &rx->dd->structure, &f) != TC_OK
      || !f.start_of_frame)
    return;
  tc_recv_dd *dd = rx->dd;
  dd->frames[dd->next].used = true;
  dd->frames[dd->next].timestamp = p->timestamp;
  dd->frames[dd->next].temporal_id = f.info.temporal_id;
  dd->next = (dd->next + 1) % DD_FRAMES;
}

bool
tc_recv_dd_temporal_id (const tc_recv_stream *rx, uint32_t timestamp,
    uint8_t *temporal_id)
{
  for (unsigned i = 0; rx->dd != NULL && i < DD_FRAMES; i++) {
    if (rx->dd->frames[i].used && rx->dd->frames[i].timestamp == timestamp) {
      *temporal_id = rx->dd->frames[i].temporal_id;
      return true;
    }
  }
  return false;
}
