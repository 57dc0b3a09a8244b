/* test_session_policy.c - the session's pure decisions: perfect negotiation
 * and the RTP <-> wall clock mapping used for A/V sync.
 */
#include <glib.h>

#include "session/session_policy.h"
#include "tempchat/tc_rtcp.h"

/* W3C perfect negotiation, with TempChat's answerer-by-rule polite. */
static void
test_an_offer_is_accepted_unless_it_collides_with_ours (void)
{
  static const struct {
    bool have_local_offer;
    bool polite;
    tc_offer_action want;
  } table[] = {
    { false, false, TC_OFFER_ACCEPT },  /* offerer-by-rule, older page offered first */
    { false, true, TC_OFFER_ACCEPT },   /* the normal answerer */
    { true, false, TC_OFFER_IGNORE },   /* glare: the impolite keeps its offer */
    { true, true, TC_OFFER_ROLLBACK_AND_ACCEPT }, /* glare: the polite yields */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpint (tc_session_offer_action (table[i].have_local_offer,
        table[i].polite), ==, table[i].want);
  g_assert_cmpstr (tc_offer_action_str (TC_OFFER_IGNORE), ==, "ignore");
}

/* The impolite side answers an offer it ignored once the glare patience
 * (3 s) has passed since the collision without an answer to its own: an
 * older page that never yields must not stall the call. */
static void
test_an_ignored_offer_is_answered_after_the_glare_patience (void)
{
  static const struct {
    bool ignored, local;
    int64_t waited_ms;
    bool want;
  } table[] = {
    { true, true, 0, false },       /* the collision has just happened */
    { true, true, 2999, false },    /* a modern peer is still yielding */
    { true, true, 3000, true },     /* nobody yielded: we do */
    { true, true, 60000, true },
    { false, true, 60000, false },  /* no collision: nothing to answer */
    { true, false, 60000, false },  /* our offer was answered meanwhile */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpint (tc_session_glare_should_yield (table[i].ignored,
        table[i].local, table[i].waited_ms), ==, table[i].want);
}

/* A lost path: the offerer restarts after the web client's grace (4 s
 * failed, 3 s disconnected), the answerer 3 s later if no restart offer
 * came, either retries a restart that did not help after the same grace,
 * and after 20 s the call ends. */
static void
test_a_lost_path_is_restarted_by_either_role_then_given_up (void)
{
  static const struct {
    bool offerer, failed;
    int64_t lost_ms, since_restart_ms;
    tc_recovery_action want;
  } table[] = {
    { true, true, 3999, -1, TC_RECOVERY_WAIT },
    { true, true, 4000, -1, TC_RECOVERY_RESTART },
    { true, false, 2999, -1, TC_RECOVERY_WAIT },
    { true, false, 3000, -1, TC_RECOVERY_RESTART },
    { false, true, 4000, -1, TC_RECOVERY_WAIT },    /* the offerer goes first */
    { false, true, 6999, -1, TC_RECOVERY_WAIT },
    { false, true, 7000, -1, TC_RECOVERY_RESTART }, /* it did not: we offer */
    { false, false, 6000, -1, TC_RECOVERY_RESTART },
    { false, true, 9000, 2000, TC_RECOVERY_WAIT },  /* the peer's restart runs */
    { true, true, 9000, 3999, TC_RECOVERY_WAIT },
    { true, true, 9000, 4000, TC_RECOVERY_RESTART }, /* it did not help */
    { true, true, 19999, 100, TC_RECOVERY_WAIT },
    { true, true, 20000, 100, TC_RECOVERY_GIVE_UP },
    { false, false, 20000, -1, TC_RECOVERY_GIVE_UP },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpstr (tc_recovery_action_str (tc_session_recovery_action (
        table[i].offerer, table[i].failed, table[i].lost_ms,
        table[i].since_restart_ms)), ==,
        tc_recovery_action_str (table[i].want));
}

/* Before the first connection, a peer that sent no candidate within 3 s
 * of the offer/answer exchange (6 s for the answerer by the rule) gets one
 * ICE restart, then we leave and join again (twice in a row at most). */
static void
test_a_peer_that_gathers_nothing_gets_a_restart_then_a_rejoin (void)
{
  static const struct {
    bool offerer, connected;
    int64_t since_exchange_ms;
    unsigned candidates, restarts, rejoins;
    tc_stall_action want;
  } table[] = {
    { true, false, -1, 0, 0, 0, TC_STALL_WAIT },      /* no exchange yet */
    { true, false, 2999, 0, 0, 0, TC_STALL_WAIT },
    { true, false, 3000, 0, 0, 0, TC_STALL_RESTART }, /* stalled */
    { false, false, 3000, 0, 0, 0, TC_STALL_WAIT },   /* the offerer acts */
    { false, false, 5999, 0, 0, 0, TC_STALL_WAIT },
    { false, false, 6000, 0, 0, 0, TC_STALL_RESTART }, /* it did not */
    { true, false, 3000, 1, 0, 0, TC_STALL_WAIT },    /* a candidate came */
    { true, true, 9000, 0, 0, 0, TC_STALL_WAIT },     /* connected (prflx) */
    { true, false, 3000, 0, 1, 0, TC_STALL_REJOIN },  /* restart did not help */
    { true, false, 3000, 0, 1, 1, TC_STALL_REJOIN },
    { true, false, 60000, 0, 1, 2, TC_STALL_WAIT },   /* enough: it has none */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpstr (tc_stall_action_str (tc_session_stall_action (
        table[i].offerer, table[i].connected, table[i].since_exchange_ms,
        table[i].candidates, table[i].restarts, table[i].rejoins)), ==,
        tc_stall_action_str (table[i].want));
}

/* Silence, not a lost check, decides: 2.5 s of it shows `disconnected`,
 * and consent is lost only after RFC 7675's 30 s. */
static void
test_a_path_is_alive_until_the_peer_falls_silent (void)
{
  static const struct {
    int64_t silent_ms;
    tc_liveness want;
  } table[] = {
    { 0, TC_LIVENESS_ALIVE },
    { 2499, TC_LIVENESS_ALIVE },
    { 2500, TC_LIVENESS_SILENT },
    { 10000, TC_LIVENESS_SILENT },   /* libnice 0.1.21 gave up here */
    { 29999, TC_LIVENESS_SILENT },
    { 30000, TC_LIVENESS_LOST },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpint (tc_session_liveness (table[i].silent_ms), ==,
        table[i].want);
}

/* A PLI every 20 ms for a second (a receiver waiting through loss) asks
 * the encoder for a keyframe at most every 300 ms. */
static void
test_a_pli_storm_asks_for_a_keyframe_every_300_ms_at_most (void)
{
  tc_keyframe_gate g = { 0 };
  unsigned asked = 0;
  for (int64_t t = 0; t < 1000000; t += 20000)
    asked += tc_keyframe_gate_pli (&g, 5000000 + t);
  g_assert_cmpuint (asked, ==, 4);              /* 0, 300, 600, 900 ms */
  g_assert_true (tc_keyframe_gate_pli (&g, 5000000 + 1300000));
}

/* RFC 5104 4.3.1.2: a FIR repeating the last seq nr is the same request. */
static void
test_a_repeated_fir_seq_nr_is_the_same_request (void)
{
  tc_keyframe_gate g = { 0 };
  g_assert_true (tc_keyframe_gate_fir (&g, 7, 0));
  g_assert_false (tc_keyframe_gate_fir (&g, 7, 1000000));  /* a repeat */
  g_assert_false (tc_keyframe_gate_fir (&g, 7, 5000000));
  g_assert_true (tc_keyframe_gate_fir (&g, 8, 5000000));   /* a new one */
  g_assert_false (tc_keyframe_gate_fir (&g, 9, 5100000));  /* 100 ms on */
}

static void
test_rtp_time_follows_pts_at_the_codec_clock (void)
{
  /* 90 kHz video: 33.333 ms per frame is 3000 ticks. */
  g_assert_cmpuint (tc_rtp_ts_from_pts (1000, 5000000, 5000000, 90000), ==, 1000);
  g_assert_cmpuint (tc_rtp_ts_from_pts (1000, 5000000, 5033333, 90000), ==, 4000);
  /* 48 kHz audio: 20 ms is 960 ticks. */
  g_assert_cmpuint (tc_rtp_ts_from_pts (0, 0, 20000, 48000), ==, 960);
  /* Wraps modulo 2^32, both ways. */
  g_assert_cmpuint (tc_rtp_ts_from_pts (0xFFFFFF00u, 0, 20000, 48000), ==, 0x2C0u);
  g_assert_cmpuint (tc_rtp_ts_from_pts (0, 20000, 0, 48000), ==, 0xFFFFFC40u);
}

/* opusenc's packets as tempchatsink got them (measured): the first
 * stamped with its first input sample's time, 11.034 ms, the second 13.5
 * ms later (the 6.5 ms lookahead), every later one 20 ms on. RTP time
 * runs on 960 ticks a packet from the first, which plays from 4.534 ms. */
static void
test_audio_rtp_time_runs_on_from_a_first_packet_stamped_past_its_lookahead
    (void)
{
  int64_t anchor = tc_audio_rtp_anchor (11034, 20000, 24534);

  g_assert_cmpint (anchor, ==, 4534);
  g_assert_cmpuint (tc_rtp_ts_from_pts (1000, anchor, 24534, 48000), ==,
      1000 + 960);
  g_assert_cmpuint (tc_rtp_ts_from_pts (1000, anchor, 44534, 48000), ==,
      1000 + 2 * 960);
  /* Packets end to end, a gap, rounding: the first packet's time holds. */
  g_assert_cmpint (tc_audio_rtp_anchor (11034, 20000, 31034), ==, 11034);
  g_assert_cmpint (tc_audio_rtp_anchor (11034, 20000, 91034), ==, 11034);
  g_assert_cmpint (tc_audio_rtp_anchor (11034, 20000, 31033), ==, 11034);
  /* A second packet stamped before the first is no lookahead. */
  g_assert_cmpint (tc_audio_rtp_anchor (11034, 20000, 5000), ==, 11034);
}

static void
test_ntp_converts_back_to_unix_microseconds (void)
{
  static const int64_t times[] = { 0, 1, 999999, 1764000000123456ll,
    4102444800000000ll };
  for (size_t i = 0; i < G_N_ELEMENTS (times); i++)
    g_assert_cmpint (tc_unix_us_from_ntp (tc_ntp_from_unix_us (times[i])), ==,
        times[i]);
  /* 1970-01-01 is NTP second 2208988800. */
  g_assert_cmpint (tc_unix_us_from_ntp (2208988800ull << 32), ==, 0);
}

static void
test_sender_time_of_an_rtp_timestamp_comes_from_the_last_sr (void)
{
  tc_rtp_sync sync = { 0 };
  int64_t us = 0;
  g_assert_false (tc_rtp_sync_sender_us (&sync, 1234, &us));

  int64_t sr_us = 1764000000000000ll;
  tc_rtp_sync_update (&sync, tc_ntp_from_unix_us (sr_us), 0xFFFFF000u, 90000);
  g_assert_true (tc_rtp_sync_sender_us (&sync, 0xFFFFF000u, &us));
  g_assert_cmpint (us, ==, sr_us);
  /* 9000 ticks later, across the wrap: 100 ms later. */
  g_assert_true (tc_rtp_sync_sender_us (&sync, 0xFFFFF000u + 9000u, &us));
  g_assert_cmpint (us, ==, sr_us + 100000);
  /* A frame captured before the SR maps backwards. */
  g_assert_true (tc_rtp_sync_sender_us (&sync, 0xFFFFF000u - 900u, &us));
  g_assert_cmpint (us, ==, sr_us - 10000);
}

/* Audio and video of one peer share the offset, so a 40 ms skew between
 * their sender times stays 40 ms on our clock whatever arrived first. */
static void
test_one_clock_offset_keeps_audio_and_video_in_sync (void)
{
  tc_clock_offset off = { 0 };
  int64_t audio = tc_clock_offset_map (&off, 1000000, 77000000);
  g_assert_cmpint (audio, ==, 77000000);
  int64_t video = tc_clock_offset_map (&off, 1040000, 77900000);
  g_assert_cmpint (video - audio, ==, 40000);
}

/* A peer out of the signaling room keeps its call while its media lives. */
static void
test_a_call_outlives_signaling_while_its_media_lives (void)
{
  static const struct {
    bool connected, bye;
    int64_t silent_ms;
    bool keep;
  } table[] = {
    { true, false, 0, true },      /* media flowing: a signaling blip */
    { true, false, 2499, true },
    { true, false, 2500, false },  /* silent: the peer is gone */
    { true, true, 0, false },      /* RTCP BYE: it said goodbye */
    { false, false, 0, false },    /* DTLS closed, or never connected */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpint (tc_session_keep_call_while_away (table[i].connected,
        table[i].bye, table[i].silent_ms), ==, table[i].keep);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/policy/offer-collision-table",
      test_an_offer_is_accepted_unless_it_collides_with_ours);
  g_test_add_func ("/session/policy/glare-patience",
      test_an_ignored_offer_is_answered_after_the_glare_patience);
  g_test_add_func ("/session/policy/ice-recovery",
      test_a_lost_path_is_restarted_by_either_role_then_given_up);
  g_test_add_func ("/session/policy/stalled-gathering",
      test_a_peer_that_gathers_nothing_gets_a_restart_then_a_rejoin);
  g_test_add_func ("/session/policy/liveness",
      test_a_path_is_alive_until_the_peer_falls_silent);
  g_test_add_func ("/session/policy/signaling-away",
      test_a_call_outlives_signaling_while_its_media_lives);
  g_test_add_func ("/session/policy/pli-storm",
      test_a_pli_storm_asks_for_a_keyframe_every_300_ms_at_most);
  g_test_add_func ("/session/policy/fir-seq-nr",
      test_a_repeated_fir_seq_nr_is_the_same_request);
  g_test_add_func ("/session/clock/rtp-from-pts",
      test_rtp_time_follows_pts_at_the_codec_clock);
  g_test_add_func ("/session/clock/audio-lookahead",
      test_audio_rtp_time_runs_on_from_a_first_packet_stamped_past_its_lookahead);
  g_test_add_func ("/session/clock/ntp-round-trip",
      test_ntp_converts_back_to_unix_microseconds);
  g_test_add_func ("/session/clock/sender-time-from-sr",
      test_sender_time_of_an_rtp_timestamp_comes_from_the_last_sr);
  g_test_add_func ("/session/clock/shared-offset",
      test_one_clock_offset_keeps_audio_and_video_in_sync);
  return g_test_run ();
}
