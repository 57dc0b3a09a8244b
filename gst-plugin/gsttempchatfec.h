/* gsttempchatfec.h - Opus in-band FEC (LBRR) where it pays, and only there.
 *
 * LBRR costs both ends something on a clean path. The sender spends bits on
 * a copy of each packet that nobody needs, and the receiver's opusdec, with
 * use-inband-fec on, holds every packet back by one packet duration (10 or
 * 20 ms) in case the next one must stand in for it. Since a pipeline's
 * latency is the largest of its branches, that hold delays the video too
 * (glass to glass on loopback, 720p VP8, gst -> gst: 74 ms with the hold,
 * 53 ms without).
 *
 * So, as browsers do, FEC follows loss:
 *   - sending, opusenc is told the packet loss the peer reports (RTCP), so
 *     it adds LBRR while the path loses packets and for
 *     GST_TEMPCHAT_FEC_HOLD after the last report of loss, and none on a
 *     clean path (do-fec=false: never);
 *   - receiving, opusdec holds packets back for FEC once the sender's
 *     packets carry LBRR (a browser adds it only after it saw loss too),
 *     and then for the rest of the stream: turning the hold off would drop
 *     the packet it holds and shift every later timestamp by one packet.
 */
#ifndef GST_TEMPCHAT_FEC_H
#define GST_TEMPCHAT_FEC_H

#include <gst/gst.h>

/* LBRR stays on this long after the last report of loss: loss comes in
 * bursts, and reports are a second or more apart. */
#define GST_TEMPCHAT_FEC_HOLD (10 * GST_SECOND)
/* The least loss opusenc is told of while there is any: under that Opus
 * may judge LBRR not worth its bits and send none. */
#define GST_TEMPCHAT_FEC_MIN_PERCENT 10
#define GST_TEMPCHAT_FEC_MAX_PERCENT 50
/* How often the sender looks at the peer's reports (buffer time). */
#define GST_TEMPCHAT_FEC_CHECK_EVERY (500 * GST_MSECOND)

typedef struct {
  GstClockTime lossy_until;    /* LBRR until then; NONE: never lossy */
  gint percent;                /* what opusenc was told last */
} GstTempchatFecSend;

void gst_tempchat_fec_send_init (GstTempchatFecSend *f);

/* The packet-loss-percentage for opusenc at `now` (any clock, rising) after
 * a report of `loss_fraction` (0..1; negative: no report). Pure. */
gint gst_tempchat_fec_send_percent (GstTempchatFecSend *f,
    gdouble loss_fraction, GstClockTime now);

/* Makes `opusdec` (use-inband-fec off) hold packets back for FEC from the
 * first packet carrying LBRR on: its latency becomes that packet's
 * duration, announced with a LATENCY message. */
void gst_tempchat_fec_follow_sender (GstElement *opusdec);

#endif
