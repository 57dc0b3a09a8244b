/* ice_priv.h - the tc_ice object, shared by the ice_*.c files that build it:
 *   ice_agent.c   lifecycle, libnice setup, gather, send, restart, close
 *   ice_events.c  libnice signals -> ordered event queue -> user callbacks
 *   ice_remote.c  remote credentials and candidates (kept until usable)
 *   ice_tls_turn.c  TLS bridges for turns: URLs (libnice sees TURN/TCP)
 *   ice_resolve.c  remote ".local" candidates, looked up by mdns_query.c
 *   ice_recheck.c  checks of our own until the first connection
 * Everything runs on ice->ctx's thread.
 */
#ifndef TC_NET_ICE_PRIV_H
#define TC_NET_ICE_PRIV_H

#include <nice/agent.h>
#include <stun/stunagent.h>

#include "net/ice_candidate.h"
#include "net/ice_recheck.h"
#include "tempchat/tc_ice.h"

#define TC_ICE_COMPONENT 1          /* rtcp-mux + BUNDLE: one component */
#define TC_ICE_MAX_PENDING_REMOTE 200 /* remote candidates kept while waiting */

typedef enum {
  ICE_EV_CANDIDATE,
  ICE_EV_GATHERING_DONE,
  ICE_EV_STATE,
  ICE_EV_PAIR,
} ice_event_kind;

typedef struct {
  ice_event_kind kind;
  char *candidate;                  /* ICE_EV_CANDIDATE */
  tc_ice_state state;               /* ICE_EV_STATE */
  tc_ice_failure why;
  tc_ice_pair_info pair;            /* ICE_EV_PAIR */
} ice_event;

/* A remote candidate received too early; applied once usable. */
typedef struct {
  NiceCandidate *nc;
  char ufrag[TC_ICE_UFRAG_MAX + 1]; /* from the "ufrag" extension, or "" */
} ice_pending;

struct ice_close_op;

struct tc_ice {
  GMainContext *ctx;                /* borrowed */
  NiceAgent *agent;                 /* owned */
  guint stream_id;
  tc_ice_callbacks cb;
  bool relay_only;
  tc_ice_role role;                 /* as set (tc_ice_set_role) */
  uint32_t checking_timeout_ms;

  char *local_ufrag, *local_pwd;    /* current generation */
  char *remote_ufrag, *remote_pwd;  /* NULL until the peer's are known */

  bool gather_started;
  bool local_gathering_done;        /* for the current generation */
  unsigned announced;               /* local candidates of this generation */
  bool remote_eoc;                  /* peer signalled end-of-candidates */
  bool remote_eoc_applied;
  char *eoc_ufrag;                  /* end-of-candidates of a later generation */
  GQueue pending_remote;            /* ice_pending*, arrival order */

  tc_ice_state state;               /* as last queued for the user */
  tc_ice_failure why;
  NiceComponentState nice_state;
  bool ever_connected;
  bool has_pair;
  bool consent_revoked;             /* libnice refuses to send on the selected
                                       pair until another one is selected */

  GQueue events;                    /* ice_event*, delivery order */
  GSource *flush_source;            /* idle delivering `events` */
  GSource *timeout_source;          /* checking timeout */
  GSource *recheck_source;          /* our own checks (ice_recheck.c) */
  int64_t recheck_since_us;         /* the peer's credentials came */
  bool recheck_enabled;             /* tc_ice_debug_recheck */
  StunAgent recheck_stun;           /* builds those checks */
  int api_depth;                    /* inside a tc_ice_* call */
  int cb_depth;                     /* inside a user callback */
  bool flushing;
  bool closed;                      /* close() or free() called */
  bool freed;                       /* free() called */
  struct ice_close_op *close_op;    /* pending tc_ice_close() */
  struct tc_mdns *mdns;             /* .local lookups (ice_resolve.c), or NULL */
  unsigned lookups;                 /* in flight */
  GPtrArray *tls_turns;             /* ice_tls_turn*, one per turns: URL */
  unsigned n_turn;                  /* TURN servers of any kind */
};

/* ice_events.c */
void ice_events_connect (tc_ice *ice);
void ice_events_disconnect (tc_ice *ice);
void ice_event_queue (tc_ice *ice, ice_event *ev);
void ice_event_queue_state (tc_ice *ice, tc_ice_state st, tc_ice_failure why);
void ice_events_drop_generation (tc_ice *ice);
void ice_events_clear (tc_ice *ice);
void ice_api_enter (tc_ice *ice);
void ice_api_leave (tc_ice *ice);
void ice_announce_local (tc_ice *ice, const NiceCandidate *nc);
void ice_local_gathering_done (tc_ice *ice);
void ice_timeout_update (tc_ice *ice);
void ice_timeout_cancel (tc_ice *ice);
void ice_set_state (tc_ice *ice, tc_ice_state st, tc_ice_failure why);
void ice_consent_revoked (tc_ice *ice);
void ice_on_recv (NiceAgent *agent, guint stream_id, guint component_id,
    guint len, gchar *buf, gpointer data);

/* ice_remote.c */
void ice_remote_flush (tc_ice *ice, bool drop_others);
void ice_remote_drop_generation (tc_ice *ice);
void ice_remote_clear (tc_ice *ice);

/* ice_resolve.c */
bool ice_resolve_allowed (const tc_ice *ice, const char *host);
tc_status ice_resolve_candidate (tc_ice *ice, NiceCandidate *nc,
    const char *host, guint port, const char *ufrag);
void ice_resolve_cancel_all (tc_ice *ice);

/* ice_recheck.c */
void ice_recheck_start (tc_ice *ice);
void ice_recheck_cancel (tc_ice *ice);

/* ice_agent.c */
tc_status ice_restart_generation (tc_ice *ice);
bool ice_tls_cert_failed (const tc_ice *ice);

#endif
