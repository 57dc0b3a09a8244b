/* tc_connect_gate.h - which raw video frames a wrapper's encoder takes,
 * following the call (tempchatsink and the OBS plugin's sender).
 *
 * - None while no call connects or is connected: a sender waiting alone in
 *   its room, or between two guests, spends nothing on frames nobody
 *   receives (a 1080p AV1 encoder is most of a core).
 * - One per connecting phase (ICE checks, then the DTLS handshake), made a
 *   keyframe: the core keeps it and sends it the moment DTLS ends
 *   (session_held.c), so the peer's first frame does not wait for capture
 *   and encoding that would only start then (a 1080p AV1 keyframe: 20-70
 *   ms, plus up to a frame interval for the next picture).
 * - Then every frame, except those captured before the moment the call
 *   connected when that phase's frame went in: the core re-stamps the kept
 *   keyframe to about then, and the RTP time of the frames after it must
 *   not go back.
 *
 * A keyframe request that comes while the connecting phase's keyframe is
 * the encoder's last input (the one the core makes at the connection when
 * that keyframe is still being encoded) is for that keyframe.
 *
 * Times are capture times in microseconds on the wrapper's capture clock.
 * Thread-safe: follow() on the session thread, admit() and entered() on
 * the encoder's input thread, the others anywhere.
 */
#ifndef TEMPCHAT_TC_CONNECT_GATE_H
#define TEMPCHAT_TC_CONNECT_GATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "tempchat/tc_session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A time the wrapper does not know (no clock, no timestamp). */
#define TC_CONNECT_GATE_NO_TIME INT64_MIN

typedef enum {
  TC_GATE_DROP,         /* the encoder does not see it */
  TC_GATE_PASS,
  TC_GATE_CONNECTING,   /* the connecting phase's frame: make it a keyframe */
} tc_gate_verdict;

typedef struct {
  gint phase;           /* atomic: idle, connecting, live */
  gint gen;             /* atomic: connecting phases begun */
  gint passed_gen;      /* atomic: the phase whose frame was admitted */
  gint key_in;          /* atomic: the encoder's last input was that frame */
  gint check_at;        /* atomic: connected_at_us applies */
  GMutex lock;
  int64_t connected_at_us;      /* lock */
} tc_connect_gate;

void tc_connect_gate_init (tc_connect_gate *g);
void tc_connect_gate_clear (tc_connect_gate *g);

/* The call is now in `state`; `now_us` is the capture clock's time
 * (TC_CONNECT_GATE_NO_TIME: frames captured before the connection are not
 * told apart). Returns true when a connecting phase begins: an encoder
 * that has encoded before must be asked for a keyframe (a new one makes
 * one anyway). Session thread. */
bool tc_connect_gate_follow (tc_connect_gate *g, tc_session_state state,
    int64_t now_us);

/* Back to no call (the wrapper left its room). */
void tc_connect_gate_reset (tc_connect_gate *g);

/* What to do with a frame captured at `captured_us` (NO_TIME: as if
 * captured after the connection). Ask only when the encoder could take
 * it (it exists, for the call's codec): the connecting phase's one frame
 * is spent on the first TC_GATE_CONNECTING. */
tc_gate_verdict tc_connect_gate_admit (tc_connect_gate *g,
    int64_t captured_us);

/* A frame entered the encoder; `connect_key` when it was the connecting
 * phase's, as a keyframe. */
void tc_connect_gate_entered (tc_connect_gate *g, bool connect_key);

/* Whether a keyframe request now is answered by the keyframe the encoder
 * is making (or made) for this connecting phase: the encoder's last input
 * (an earlier phase's does not count). */
bool tc_connect_gate_key_coming (tc_connect_gate *g);

/* Whether a call connects or is connected: frames are worth a copy. */
bool tc_connect_gate_open (tc_connect_gate *g);

#ifdef __cplusplus
}
#endif

#endif
