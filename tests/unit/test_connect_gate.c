/* test_connect_gate.c - which raw frames a wrapper's encoder takes as a
 * call goes through its states (tc_connect_gate.h), on a simulated
 * capture clock at 30 fps: none alone in the room or between two calls,
 * exactly one per connecting phase, then only frames captured after the
 * connection when that one went in; a keyframe request at the connection
 * is for the connecting phase's keyframe until the next frame goes in.
 */
#include <glib.h>

#include "tempchat/tc_connect_gate.h"

#define FRAME_US 33333

typedef struct {
  tc_connect_gate g;
  int64_t now_us;               /* the capture clock */
} fixture;

static void
setup (fixture *f, gconstpointer data)
{
  (void) data;
  tc_connect_gate_init (&f->g);
  f->now_us = 1000000;
}

static void
teardown (fixture *f, gconstpointer data)
{
  (void) data;
  tc_connect_gate_clear (&f->g);
}

/* `n` frames captured from now on, one a frame interval; counts what the
 * gate does with them (and tells it that what passed went in). */
static void
frames (fixture *f, unsigned n, unsigned *passed, unsigned *connecting)
{
  for (unsigned i = 0; i < n; i++) {
    tc_gate_verdict v = tc_connect_gate_admit (&f->g, f->now_us);
    if (v != TC_GATE_DROP)
      tc_connect_gate_entered (&f->g, v == TC_GATE_CONNECTING);
    *passed += v == TC_GATE_PASS;
    *connecting += v == TC_GATE_CONNECTING;
    f->now_us += FRAME_US;
  }
}

static void
state (fixture *f, tc_session_state s)
{
  tc_connect_gate_follow (&f->g, s, f->now_us);
}

static void
test_alone_in_the_room_nothing_goes_in (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  g_assert_false (tc_connect_gate_open (&f->g));
  frames (f, 30, &passed, &connecting);
  state (f, TC_SESSION_WAITING);
  state (f, TC_SESSION_NEGOTIATING);
  frames (f, 30, &passed, &connecting);
  g_assert_false (tc_connect_gate_open (&f->g));
  g_assert_cmpuint (passed + connecting, ==, 0);
}

static void
test_one_keyframe_while_connecting (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_NEGOTIATING);
  g_assert_true (tc_connect_gate_follow (&f->g, TC_SESSION_CONNECTING,
          f->now_us));
  g_assert_true (tc_connect_gate_open (&f->g));
  /* Half a second of ICE and DTLS: one frame goes in, as a keyframe. */
  frames (f, 15, &passed, &connecting);
  g_assert_cmpuint (connecting, ==, 1);
  g_assert_cmpuint (passed, ==, 0);
  g_assert_true (tc_connect_gate_key_coming (&f->g));
  /* Connected: every frame from now on. */
  g_assert_false (tc_connect_gate_follow (&f->g, TC_SESSION_CONNECTED,
          f->now_us));
  frames (f, 30, &passed, &connecting);
  g_assert_cmpuint (passed, ==, 30);
  g_assert_cmpuint (connecting, ==, 1);
  g_assert_false (tc_connect_gate_key_coming (&f->g));
}

/* A frame captured before the connection (queued behind a slow encoder)
 * is not encoded after the kept keyframe, which the core stamps with about
 * the connection's time; the first one captured after it is. */
static void
test_frames_captured_before_the_connection_stay_out (fixture *f,
    gconstpointer data)
{
  unsigned passed = 0, connecting = 0;
  int64_t before;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  frames (f, 3, &passed, &connecting);
  before = f->now_us;
  f->now_us += 5 * FRAME_US;
  state (f, TC_SESSION_CONNECTED);
  g_assert_cmpint (tc_connect_gate_admit (&f->g, before), ==, TC_GATE_DROP);
  g_assert_cmpint (tc_connect_gate_admit (&f->g, before + 4 * FRAME_US), ==,
      TC_GATE_DROP);
  g_assert_cmpint (tc_connect_gate_admit (&f->g, f->now_us), ==,
      TC_GATE_PASS);
  /* Once one was not, nothing more is checked. */
  g_assert_cmpint (tc_connect_gate_admit (&f->g, before), ==, TC_GATE_PASS);
}

/* No frame came while connecting (a connection faster than a frame
 * interval): nothing is held back after it, whatever its time, and no
 * keyframe is said to be coming (the core's request must be answered). */
static void
test_no_frame_while_connecting_holds_nothing_back (fixture *f,
    gconstpointer data)
{
  int64_t before = f->now_us;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  f->now_us += 10000;
  state (f, TC_SESSION_CONNECTED);
  g_assert_false (tc_connect_gate_key_coming (&f->g));
  g_assert_cmpint (tc_connect_gate_admit (&f->g, before), ==, TC_GATE_PASS);
}

/* Frames without a capture time are not told apart: they go in. */
static void
test_frames_without_a_time_go_in (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  frames (f, 1, &passed, &connecting);
  state (f, TC_SESSION_CONNECTED);
  g_assert_cmpint (tc_connect_gate_admit (&f->g, TC_CONNECT_GATE_NO_TIME),
      ==, TC_GATE_PASS);
}

/* The guest leaves (the call back to waiting) and another comes: nothing
 * between, and the new connecting phase has a keyframe of its own. An ICE
 * restart (reconnecting) keeps frames going. */
static void
test_a_second_call_gets_its_own_keyframe (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  state (f, TC_SESSION_CONNECTED);
  frames (f, 10, &passed, &connecting);
  state (f, TC_SESSION_RECONNECTING);
  frames (f, 10, &passed, &connecting);
  state (f, TC_SESSION_CONNECTED);
  frames (f, 10, &passed, &connecting);
  g_assert_cmpuint (passed, ==, 30);
  state (f, TC_SESSION_WAITING);
  g_assert_false (tc_connect_gate_open (&f->g));
  frames (f, 60, &passed, &connecting);
  g_assert_cmpuint (passed, ==, 30);
  state (f, TC_SESSION_NEGOTIATING);
  g_assert_true (tc_connect_gate_follow (&f->g, TC_SESSION_CONNECTING,
          f->now_us));
  frames (f, 10, &passed, &connecting);
  g_assert_cmpuint (connecting, ==, 1);
  g_assert_cmpuint (passed, ==, 30);
}

/* A call that ended while connecting, its keyframe the encoder's last
 * input, then another that connects before any frame comes: the request
 * the core makes at that connection is not taken for the old keyframe. */
static void
test_an_old_phase_keyframe_answers_no_new_request (fixture *f,
    gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  frames (f, 1, &passed, &connecting);
  g_assert_true (tc_connect_gate_key_coming (&f->g));
  state (f, TC_SESSION_WAITING);
  state (f, TC_SESSION_NEGOTIATING);
  state (f, TC_SESSION_CONNECTING);
  state (f, TC_SESSION_CONNECTED);
  g_assert_false (tc_connect_gate_key_coming (&f->g));
  /* Nor does a reset keep one: the next phase's frame made, then reset. */
  state (f, TC_SESSION_WAITING);
  state (f, TC_SESSION_NEGOTIATING);
  state (f, TC_SESSION_CONNECTING);
  frames (f, 1, &passed, &connecting);
  g_assert_true (tc_connect_gate_key_coming (&f->g));
  tc_connect_gate_reset (&f->g);
  g_assert_false (tc_connect_gate_key_coming (&f->g));
}

/* A call that fails and is tried again connects anew: another keyframe. */
static void
test_each_connecting_phase_has_one_frame (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  frames (f, 5, &passed, &connecting);
  state (f, TC_SESSION_FAILED);
  frames (f, 5, &passed, &connecting);
  state (f, TC_SESSION_CONNECTING);
  frames (f, 5, &passed, &connecting);
  g_assert_cmpuint (connecting, ==, 2);
  g_assert_cmpuint (passed, ==, 0);
}

/* The wrapper left its room: no frame goes in any more. */
static void
test_reset_closes_the_gate (fixture *f, gconstpointer data)
{
  unsigned passed = 0, connecting = 0;

  (void) data;
  state (f, TC_SESSION_CONNECTING);
  state (f, TC_SESSION_CONNECTED);
  tc_connect_gate_reset (&f->g);
  frames (f, 10, &passed, &connecting);
  g_assert_cmpuint (passed + connecting, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/connect-gate/" path, fixture, NULL, setup, fn, teardown)
  ADD ("alone-in-the-room-nothing-goes-in",
      test_alone_in_the_room_nothing_goes_in);
  ADD ("one-keyframe-while-connecting", test_one_keyframe_while_connecting);
  ADD ("frames-captured-before-the-connection-stay-out",
      test_frames_captured_before_the_connection_stay_out);
  ADD ("no-frame-while-connecting-holds-nothing-back",
      test_no_frame_while_connecting_holds_nothing_back);
  ADD ("frames-without-a-time-go-in", test_frames_without_a_time_go_in);
  ADD ("a-second-call-gets-its-own-keyframe",
      test_a_second_call_gets_its_own_keyframe);
  ADD ("each-connecting-phase-has-one-frame",
      test_each_connecting_phase_has_one_frame);
  ADD ("reset-closes-the-gate", test_reset_closes_the_gate);
  ADD ("an-old-phase-keyframe-answers-no-new-request",
      test_an_old_phase_keyframe_answers_no_new_request);
  return g_test_run ();
}
