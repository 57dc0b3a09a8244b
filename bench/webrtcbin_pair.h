/* bench/webrtcbin_pair.h - two GStreamer webrtcbins, one per process,
 * negotiating over a socketpair: SDP (base64) and candidates one line
 * each, "sdp offer|answer B64", "ice MLINE CANDIDATE", plus the bench's
 * own "stop - -" and "received N buffers". The offerer offers when its
 * webrtcbin needs negotiation; the answerer answers what it gets. For
 * bench/transport.c and bench/g2g_webrtcbin.c, the baselines built from
 * GStreamer's own elements.
 */
#ifndef TC_BENCH_WEBRTCBIN_PAIR_H
#define TC_BENCH_WEBRTCBIN_PAIR_H

#include <gst/gst.h>

typedef struct {
  GstElement *webrtc;
  GIOChannel *chan;
  GMainLoop *loop;            /* quit on "stop" and on "received" */
  gboolean offerer;
  guint64 received;           /* from "received N" */
} rtc_peer;

/* Prints "PROGRAM: what" on stderr and exits 1. */
void bench_die (const char *what);

/* gst_parse_launch, but any error (an element missing: a partial
 * pipeline comes back) ends the program. */
GstElement *bench_parse_or_die (const char *desc);

/* Adds `e` (taken) to the bin holding the element of `from`, a source pad
 * that just appeared, starts it and links `from` to its "sink" pad;
 * exits when they do not link. Returns `e`. */
GstElement *bench_add_linked (GstPad *from, GstElement *e);

/* `webrtc` (not owned) talks over `fd` (owned from now on) in the
 * default main context; `loop` is quit by "stop" and "received". */
void rtc_peer_init (rtc_peer *p, GstElement *webrtc, int fd,
    gboolean offerer, GMainLoop *loop);

/* One line "WORD A B" to the other process. */
void rtc_peer_send_line (rtc_peer *p, const char *word, const char *a,
    const char *b);

#endif
