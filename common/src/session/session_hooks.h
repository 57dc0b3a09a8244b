/* session_hooks.h - internal entry points for tests: inject a signaller,
 * read the SDP that went back and forth. Not installed, not for wrappers.
 */
#ifndef TEMPCHAT_SESSION_HOOKS_H
#define TEMPCHAT_SESSION_HOOKS_H

#include "tempchat/tc_session.h"
#include "tempchat/tc_signal.h"

/* Makes the session's signaller on the session thread, on `ctx`, delivering
 * to `cb`/`cb_data`. Returns NULL and sets *status on failure. The session
 * owns the result and frees it with tc_signal_free. */
typedef tc_signal *(*tc_session_signal_factory) (GMainContext *ctx,
    tc_signal_event_cb cb, void *cb_data, void *factory_data,
    tc_status *status);

/* tc_session_new with another signaller than ScaleDrone (cfg->signaling is
 * then ignored). `factory_data` is borrowed and must outlive the session. */
tc_session *tc_session_new_with_signal (const tc_session_config *cfg,
    tc_session_signal_factory factory, void *factory_data,
    tc_session_event_cb cb, void *user_data, tc_status *status);

/* The last SDP we sent (local) or received (remote) in the current or last
 * call, as newly allocated text (g_free), or NULL. Any thread. Debug only:
 * SDP is private, never log it. */
char *tc_session_debug_sdp (tc_session *s, bool local);

/* Drops every `n`th original RTP packet we send (0: none) before it reaches
 * the socket, as loss on the path would; NACK answers are never dropped.
 * Lets a test watch NACK and RTX repair a stream. Any thread. */
void tc_session_debug_drop_rtp (tc_session *s, unsigned n);

/* Turns the pacer off (or on again): every packet leaves as it is made, as
 * before pacing existed. For measuring what pacing changes. Any thread. */
void tc_session_debug_pacing (tc_session *s, bool on);

/* Turns off (or on again) the ICE checks of our own that go on after
 * libnice gave a pair up before the first connection (ice_recheck.c), as
 * in a peer that stops checking; for calls begun after this. Any thread,
 * before tc_session_start to be sure of the first call. */
void tc_session_debug_recheck (tc_session *s, bool on);

/* Starts (on) or stops recording when each original video packet leaves
 * for the socket. Any thread. */
void tc_session_debug_log_sends (tc_session *s, bool on);

/* The send times recorded so far (int64_t, g_get_monotonic_time()), taken
 * from the session: the caller frees it with g_array_unref. Any thread. */
GArray *tc_session_debug_take_sends (tc_session *s);

/* The call's ICE role as of the last stats refresh: 1 controlling, 0
 * controlled, -1 no agent. Any thread. */
int tc_session_debug_ice_controlling (tc_session *s);

#endif
