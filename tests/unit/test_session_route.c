/* test_session_route.c - which receive stream an RTP packet belongs to
 * (session_route.h): the mid header extension first (RFC 8843 9.2), then a
 * bound SSRC, then the payload type; and the SSRC bindings it teaches. */
#include <glib.h>

#include "session/session_route.h"

/* The two receive streams of a BUNDLEd Chromium call as our answer
 * negotiates them: audio mid "0" Opus 111 (no RTX), video mid "1" VP8 96
 * with RTX 97. SSRCs as the offer's a=ssrc lines gave them; 0 when the
 * (munged) SDP carried none. */
enum { AUDIO, VIDEO };
#define A_SSRC 0x1111u
#define V_SSRC 0x2222u
#define V_RTX_SSRC 0x3333u
#define NEW_SSRC 0x4444u

static void
streams_from_sdp (tc_route_stream t[2], uint32_t a_ssrc, uint32_t v_ssrc,
    uint32_t v_rtx_ssrc)
{
  t[AUDIO] = (tc_route_stream) { "0", 111, -1, a_ssrc, 0, false, false };
  t[VIDEO] = (tc_route_stream) { "1", 96, 97, v_ssrc, v_rtx_ssrc, false,
    false };
}

typedef struct {
  const char *says;
  gboolean sdp_ssrcs;          /* the SDP's a=ssrc lines were known */
  uint32_t ssrc;
  uint8_t pt;
  const char *mid;             /* NULL: no mid extension on the packet */
  int stream;                  /* -1: dropped */
  tc_route_kind kind;
  tc_route_by by;
  gboolean bind;
} route_case;

static const route_case cases[] = {
  { "video by the SDP's SSRC, no mid", TRUE, V_SSRC, 96, NULL,
    VIDEO, TC_ROUTE_MEDIA, TC_ROUTE_BY_SSRC, FALSE },
  { "audio by the SDP's SSRC, no mid", TRUE, A_SSRC, 111, NULL,
    AUDIO, TC_ROUTE_MEDIA, TC_ROUTE_BY_SSRC, FALSE },
  { "RTX by the SDP's FID SSRC", TRUE, V_RTX_SSRC, 97, NULL,
    VIDEO, TC_ROUTE_RTX, TC_ROUTE_BY_SSRC, FALSE },
  { "mid 1 before any a=ssrc is known binds the video SSRC", FALSE, NEW_SSRC,
    96, "1", VIDEO, TC_ROUTE_MEDIA, TC_ROUTE_BY_MID, TRUE },
  { "mid 1 with an SSRC the SDP did not say (SSRC changed) rebinds", TRUE,
    NEW_SSRC, 96, "1", VIDEO, TC_ROUTE_MEDIA, TC_ROUTE_BY_MID, TRUE },
  { "mid 1 with the SDP's SSRC: nothing to learn", TRUE, V_SSRC, 96, "1",
    VIDEO, TC_ROUTE_MEDIA, TC_ROUTE_BY_MID, FALSE },
  { "mid 1 with the RTX payload type binds the RTX SSRC", FALSE, NEW_SSRC, 97,
    "1", VIDEO, TC_ROUTE_RTX, TC_ROUTE_BY_MID, TRUE },
  { "mid 0 wins over an SSRC the SDP gave video", TRUE, V_SSRC, 111, "0",
    AUDIO, TC_ROUTE_MEDIA, TC_ROUTE_BY_MID, TRUE },
  { "a mid we do not receive is dropped though its PT is ours", TRUE, V_SSRC,
    96, "2", -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, FALSE },
  { "mid 1 with audio's payload type is dropped", FALSE, NEW_SSRC, 111, "1",
    -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, FALSE },
  { "no mid, no a=ssrc: the payload type binds video", FALSE, NEW_SSRC, 96,
    NULL, VIDEO, TC_ROUTE_MEDIA, TC_ROUTE_BY_PT, TRUE },
  { "no mid, no a=ssrc: the RTX payload type binds RTX", FALSE, NEW_SSRC, 97,
    NULL, VIDEO, TC_ROUTE_RTX, TC_ROUTE_BY_PT, TRUE },
  { "no mid: an unknown SSRC cannot take a bound stream by PT", TRUE,
    NEW_SSRC, 96, NULL, -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, FALSE },
  { "no mid: a bound SSRC with a foreign payload type (red) is dropped", TRUE,
    V_SSRC, 98, NULL, -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, FALSE },
  { "SSRC 0 is never routed", FALSE, 0, 96, "1",
    -1, TC_ROUTE_DROP, TC_ROUTE_BY_NONE, FALSE },
};

static void
test_each_packet_goes_where_rfc8843_says (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    const route_case *c = &cases[i];
    tc_route_stream t[2];
    if (c->sdp_ssrcs)
      streams_from_sdp (t, A_SSRC, V_SSRC, V_RTX_SSRC);
    else
      streams_from_sdp (t, 0, 0, 0);
    g_test_message ("%s", c->says);
    tc_route r = tc_route_decide (t, 2, c->ssrc, c->pt, c->mid);
    g_assert_cmpint (r.stream, ==, c->stream);
    g_assert_cmpint (r.kind, ==, c->kind);
    g_assert_cmpstr (tc_route_by_str (r.by), ==, tc_route_by_str (c->by));
    g_assert_cmpint (r.bind, ==, c->bind);
  }
}

/* A browser sends mid on its first packets and stops once our reports
 * acknowledge the SSRC: what the mid taught must route what follows. */
static void
test_an_ssrc_learnt_from_the_mid_routes_later_packets_without_it (void)
{
  tc_route_stream t[2];
  streams_from_sdp (t, 0, 0, 0);

  tc_route r = tc_route_decide (t, 2, NEW_SSRC, 96, "1");
  g_assert_cmpuint (tc_route_bind (t, 2, &r, NEW_SSRC), ==, 0);
  g_assert_cmpuint (t[VIDEO].ssrc, ==, NEW_SSRC);

  r = tc_route_decide (t, 2, NEW_SSRC, 96, NULL);
  g_assert_cmpint (r.stream, ==, VIDEO);
  g_assert_cmpint (r.by, ==, TC_ROUTE_BY_SSRC);
  g_assert_false (r.bind);
}

/* The SDP said video is 0x2222; the browser (munged SDP, or a new SSRC after
 * replaceTrack) sends 0x4444 with mid 1. Video moves to 0x4444, and 0x2222
 * no longer reaches it. */
static void
test_a_changed_ssrc_moves_the_binding_and_reports_the_old_one (void)
{
  tc_route_stream t[2];
  streams_from_sdp (t, A_SSRC, V_SSRC, V_RTX_SSRC);

  tc_route r = tc_route_decide (t, 2, NEW_SSRC, 96, "1");
  g_assert_cmpuint (tc_route_bind (t, 2, &r, NEW_SSRC), ==, V_SSRC);
  g_assert_cmpuint (t[VIDEO].ssrc, ==, NEW_SSRC);
  g_assert_cmpuint (t[VIDEO].rtx_ssrc, ==, V_RTX_SSRC);

  r = tc_route_decide (t, 2, V_SSRC, 96, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);
}

/* An SSRC is one stream's: when the mid says 0x2222 is audio after all, the
 * video stream stops claiming it. */
static void
test_an_ssrc_bound_by_mid_leaves_the_stream_that_had_it (void)
{
  tc_route_stream t[2];
  streams_from_sdp (t, 0, V_SSRC, 0);

  tc_route r = tc_route_decide (t, 2, V_SSRC, 111, "0");
  g_assert_cmpint (r.stream, ==, AUDIO);
  g_assert_cmpuint (tc_route_bind (t, 2, &r, V_SSRC), ==, 0);
  g_assert_cmpuint (t[AUDIO].ssrc, ==, V_SSRC);
  g_assert_cmpuint (t[VIDEO].ssrc, ==, 0);
}

static void
test_a_decision_without_bind_changes_nothing (void)
{
  tc_route_stream t[2];
  streams_from_sdp (t, A_SSRC, V_SSRC, V_RTX_SSRC);

  tc_route r = tc_route_decide (t, 2, V_SSRC, 96, NULL);
  g_assert_cmpuint (tc_route_bind (t, 2, &r, V_SSRC), ==, 0);
  tc_route dropped = tc_route_decide (t, 2, NEW_SSRC, 96, "7");
  g_assert_cmpuint (tc_route_bind (t, 2, &dropped, NEW_SSRC), ==, 0);
  g_assert_cmpuint (t[AUDIO].ssrc, ==, A_SSRC);
  g_assert_cmpuint (t[VIDEO].ssrc, ==, V_SSRC);
  g_assert_cmpuint (t[VIDEO].rtx_ssrc, ==, V_RTX_SSRC);
}

static void
test_no_streams_drop_everything (void)
{
  tc_route r = tc_route_decide (NULL, 0, NEW_SSRC, 96, "1");
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);
  r = tc_route_decide (NULL, 0, NEW_SSRC, 96, NULL);
  g_assert_cmpint (r.stream, ==, -1);
}

/* A peer without the mid extension (GStreamer's webrtcbin, a restarted
 * encoder) may change its SSRC: the old one stops and a new one goes on
 * with the same payload type. While the old one is alive the newcomer is
 * not let in; once the caller says it stopped, the new SSRC is latched
 * (for media and for RTX), and the old one, should it come back, is not. */
static void
test_without_mid_a_new_ssrc_is_latched_once_the_old_one_stopped (void)
{
  tc_route_stream t[2];
  streams_from_sdp (t, A_SSRC, V_SSRC, V_RTX_SSRC);

  tc_route r = tc_route_decide (t, 2, NEW_SSRC, 96, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);

  t[VIDEO].stopped = true;
  r = tc_route_decide (t, 2, NEW_SSRC, 96, NULL);
  g_assert_cmpint (r.stream, ==, VIDEO);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_MEDIA);
  g_assert_cmpint (r.by, ==, TC_ROUTE_BY_PT);
  g_assert_true (r.bind);
  g_assert_cmpuint (tc_route_bind (t, 2, &r, NEW_SSRC), ==, V_SSRC);
  t[VIDEO].stopped = false;  /* NEW_SSRC is the live one now */
  r = tc_route_decide (t, 2, NEW_SSRC, 96, NULL);
  g_assert_cmpint (r.by, ==, TC_ROUTE_BY_SSRC);
  g_assert_false (r.bind);
  r = tc_route_decide (t, 2, V_SSRC, 96, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);

  /* RTX on its own clock */
  r = tc_route_decide (t, 2, NEW_SSRC + 1, 97, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);
  t[VIDEO].rtx_stopped = true;
  r = tc_route_decide (t, 2, NEW_SSRC + 1, 97, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_RTX);
  g_assert_cmpuint (tc_route_bind (t, 2, &r, NEW_SSRC + 1), ==, V_RTX_SSRC);

  /* audio's stopped SSRC is not video's business */
  t[AUDIO].stopped = true;
  r = tc_route_decide (t, 2, NEW_SSRC + 2, 96, NULL);
  g_assert_cmpint (r.kind, ==, TC_ROUTE_DROP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/route/each-packet-goes-where-rfc8843-says",
      test_each_packet_goes_where_rfc8843_says);
  g_test_add_func ("/route/an-ssrc-learnt-from-the-mid-routes-later-packets-"
      "without-it",
      test_an_ssrc_learnt_from_the_mid_routes_later_packets_without_it);
  g_test_add_func ("/route/a-changed-ssrc-moves-the-binding-and-reports-the-"
      "old-one",
      test_a_changed_ssrc_moves_the_binding_and_reports_the_old_one);
  g_test_add_func ("/route/an-ssrc-bound-by-mid-leaves-the-stream-that-had-it",
      test_an_ssrc_bound_by_mid_leaves_the_stream_that_had_it);
  g_test_add_func ("/route/a-decision-without-bind-changes-nothing",
      test_a_decision_without_bind_changes_nothing);
  g_test_add_func ("/route/without-mid-a-new-ssrc-is-latched-once-the-old-"
      "one-stopped",
      test_without_mid_a_new_ssrc_is_latched_once_the_old_one_stopped);
  g_test_add_func ("/route/no-streams-drop-everything",
      test_no_streams_drop_everything);
  return g_test_run ();
}
