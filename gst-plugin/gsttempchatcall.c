/* gsttempchatcall.c - the per-process registry of calls (see the header for
 * the lifecycle).
 *
 * Locks, outermost first:
 *   registry_lock         the table of calls and their member counts
 *   call->session_lock    the session pointer (writers create and destroy it;
 *                         readers push frames and read stats)
 *   call->lock            the members and the cached call state
 * The session thread only ever takes call->lock, so joining that thread in
 * tc_session_stop while holding session_lock cannot deadlock.
 *
 * Events reach the members under call->deliver only, no other lock held: a
 * member posts bus messages, and an application's synchronous bus handler
 * may stop the pipeline right there, on the session thread. A stop takes
 * call->deliver before anything else, so from another thread it waits for
 * the event in flight (a member that stopped gets no event afterwards) and
 * on the delivering thread it goes on; the call (reference counted) and the
 * session (tc_session_stop from its own thread) outlive the delivery.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gsttempchat.h"
#include "gsttempchatcall.h"
#include "tempchat/tc_room.h"

#define GST_CAT_DEFAULT tempchat_debug

typedef struct
{
  GstTempchatMemberFuncs funcs;
  gpointer member;
  GstTempchatSettings settings;
  gboolean started;
  /* What it needed when it started: asked outside call->lock (the member
   * takes its own lock to answer). */
  GstTempchatDirections started_dirs;
} Member;

struct _GstTempchatCall
{
  gint refs;                    /* the registry's, and a dispatch's */
  gchar *key;                   /* url, channel and room name: never logged */
  guint serial;
  guint n_members;              /* under registry_lock */

  gint recv_dropped;            /* atomic: frames the src could not queue */

  GRWLock session_lock;
  tc_session *session;
  GstTempchatDirections session_dirs;

  GMutex lock;
  GList *members;               /* of Member */
  /* Held while events are handed to members (recursive: a member's
   * handler may stop that member on the same thread). */
  GRecMutex deliver;
  /* What a member starting late needs to catch up. */
  gboolean have_state;
  tc_session_state state;
  gboolean peer_present;
  gboolean is_offerer;
  tc_sdp_codec negotiated_audio;
  tc_sdp_codec negotiated_video;
  tc_sdp_direction negotiated_audio_dir;
  tc_sdp_direction negotiated_video_dir;
};

static GMutex registry_lock;
static GHashTable *registry;    /* key -> GstTempchatCall */
static guint next_serial = 1;

static Member *
find_member (GstTempchatCall *call, gpointer member)
{
  for (GList *l = call->members; l != NULL; l = l->next) {
    Member *m = l->data;
    if (m->member == member)
      return m;
  }
  return NULL;
}

static void
remember (GstTempchatCall *call, const tc_session_event *ev)
{
  switch (ev->type) {
    case TC_SESSION_EV_STATE:
      call->have_state = TRUE;
      call->state = ev->state;
      break;
    case TC_SESSION_EV_PEER_JOINED:
      call->peer_present = TRUE;
      call->is_offerer = ev->is_offerer;
      break;
    case TC_SESSION_EV_PEER_LEFT:
      call->peer_present = FALSE;
      call->negotiated_audio = TC_SDP_CODEC_NONE;
      call->negotiated_video = TC_SDP_CODEC_NONE;
      break;
    case TC_SESSION_EV_NEGOTIATED:
      if (ev->kind == TC_MEDIA_AUDIO) {
        call->negotiated_audio = ev->codec;
        call->negotiated_audio_dir = ev->direction;
      } else {
        call->negotiated_video = ev->codec;
        call->negotiated_video_dir = ev->direction;
      }
      break;
    default:
      break;
  }
}

static void call_unref (GstTempchatCall *call);

/* call->lock held: a started member's funcs, or FALSE when `member` left
 * or stopped meanwhile. */
static gboolean
started_funcs (GstTempchatCall *call, gpointer member,
    GstTempchatMemberFuncs *funcs)
{
  Member *m = find_member (call, member);
  if (m == NULL || !m->started)
    return FALSE;
  *funcs = m->funcs;
  return TRUE;
}

/* Hands `ev` to every member in `targets` (refs) that is still started.
 * call->deliver held. */
static void
deliver (GstTempchatCall *call, GPtrArray *targets, tc_session *s,
    const tc_session_event *ev)
{
  GstTempchatMemberFuncs funcs;

  for (guint i = 0; i < targets->len; i++) {
    gpointer member = g_ptr_array_index (targets, i);
    g_mutex_lock (&call->lock);
    gboolean started = started_funcs (call, member, &funcs);
    g_mutex_unlock (&call->lock);
    if (started)
      funcs.on_event (member, s, ev);
  }
}

/* On the session thread. */
static void
on_session_event (tc_session *s, const tc_session_event *ev, void *user_data)
{
  GstTempchatCall *call = user_data;
  GPtrArray *targets = g_ptr_array_new_with_free_func (gst_object_unref);

  g_atomic_int_inc (&call->refs);
  g_rec_mutex_lock (&call->deliver);
  g_mutex_lock (&call->lock);
  remember (call, ev);
  for (GList *l = call->members; l != NULL; l = l->next) {
    Member *m = l->data;
    if (m->started)
      g_ptr_array_add (targets, gst_object_ref (m->member));
  }
  g_mutex_unlock (&call->lock);
  deliver (call, targets, s, ev);
  g_rec_mutex_unlock (&call->deliver);
  g_ptr_array_unref (targets);
  call_unref (call);
}

/* call->lock held: what a member starting late missed, in the order the
 * session said it (peer, tracks, then the current state), into `ev`. */
static guint
replay_events (GstTempchatCall *call, tc_session_event ev[4])
{
  guint n = 0;

  memset (ev, 0, 4 * sizeof ev[0]);
  if (call->peer_present) {
    ev[n].type = TC_SESSION_EV_PEER_JOINED;
    ev[n++].is_offerer = call->is_offerer;
    if (call->negotiated_video != TC_SDP_CODEC_NONE)
      ev[n++] = (tc_session_event) { .type = TC_SESSION_EV_NEGOTIATED,
        .kind = TC_MEDIA_VIDEO, .codec = call->negotiated_video,
        .direction = call->negotiated_video_dir };
    if (call->negotiated_audio != TC_SDP_CODEC_NONE)
      ev[n++] = (tc_session_event) { .type = TC_SESSION_EV_NEGOTIATED,
        .kind = TC_MEDIA_AUDIO, .codec = call->negotiated_audio,
        .direction = call->negotiated_audio_dir };
  }
  if (call->have_state) {
    ev[n].type = TC_SESSION_EV_STATE;
    ev[n++].state = call->state;
  }
  return n;
}

static void
call_unref (GstTempchatCall *call)
{
  if (!g_atomic_int_dec_and_test (&call->refs))
    return;
  g_assert (call->members == NULL && call->session == NULL);
  g_free (call->key);
  g_rw_lock_clear (&call->session_lock);
  g_mutex_clear (&call->lock);
  g_rec_mutex_clear (&call->deliver);
  g_free (call);
}

GstTempchatCall *
gst_tempchat_call_join (const GstTempchatSettings *settings,
    const char *room_name, const GstTempchatMemberFuncs *funcs,
    gpointer member)
{
  gchar *key = g_strjoin ("\n", settings->signaling_url, settings->channel,
      room_name, NULL);
  GstTempchatCall *call;
  Member *m = g_new0 (Member, 1);

  m->funcs = *funcs;
  m->member = member;
  gst_tempchat_settings_copy (&m->settings, settings);

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  call = g_hash_table_lookup (registry, key);
  if (call == NULL) {
    call = g_new0 (GstTempchatCall, 1);
    call->refs = 1;
    call->key = key;
    key = NULL;
    call->serial = next_serial++;
    g_rw_lock_init (&call->session_lock);
    g_mutex_init (&call->lock);
    g_rec_mutex_init (&call->deliver);
    g_hash_table_insert (registry, call->key, call);
    GST_DEBUG ("[c%u] new call", call->serial);
  }
  call->n_members++;
  g_mutex_lock (&call->lock);
  call->members = g_list_append (call->members, m);
  g_mutex_unlock (&call->lock);
  GST_DEBUG ("[c%u] %u member(s)", call->serial, call->n_members);
  g_mutex_unlock (&registry_lock);

  g_free (key);
  return call;
}

/* call->lock held. */
static GstTempchatDirections
union_of_directions (GstTempchatCall *call)
{
  GstTempchatDirections dirs = 0;

  for (GList *l = call->members; l != NULL; l = l->next) {
    Member *m = l->data;
    dirs |= m->funcs.directions (m->member);
  }
  return dirs;
}

/* call->lock held: what the running members need. */
static GstTempchatDirections
union_of_started (GstTempchatCall *call)
{
  GstTempchatDirections dirs = 0;

  for (GList *l = call->members; l != NULL; l = l->next) {
    Member *m = l->data;
    if (m->started)
      dirs |= m->started_dirs;
  }
  return dirs;
}

/* call->session_lock held for writing. The session renegotiates when a
 * call is under way (a src added later starts receiving, a sink removed
 * stops our media at the peer). */
static void
set_session_directions (GstTempchatCall *call, GstTempchatDirections dirs)
{
  tc_session_directions d = {
    .send_audio = (dirs & GST_TEMPCHAT_SEND_AUDIO) != 0,
    .send_video = (dirs & GST_TEMPCHAT_SEND_VIDEO) != 0,
    .recv_audio = (dirs & GST_TEMPCHAT_RECV_AUDIO) != 0,
    .recv_video = (dirs & GST_TEMPCHAT_RECV_VIDEO) != 0,
  };

  if (dirs == call->session_dirs || call->session == NULL)
    return;
  if (tc_session_set_directions (call->session, &d) != TC_OK)
    return;
  call->session_dirs = dirs;
  GST_INFO ("[c%u] directions now send%s%s, receive%s%s", call->serial,
      d.send_video ? " video" : "", d.send_audio ? " audio" : "",
      d.recv_video ? " video" : "", d.recv_audio ? " audio" : "");
}

/* call->session_lock held for writing. */
static gboolean
create_session (GstTempchatCall *call, Member *starter, gchar **message)
{
  tc_session_config cfg;
  GstTempchatDirections dirs;
  tc_status st = TC_OK;
  tc_session *s;

  g_mutex_lock (&call->lock);
  dirs = union_of_directions (call);
  call->have_state = FALSE;
  call->peer_present = FALSE;
  call->negotiated_audio = TC_SDP_CODEC_NONE;
  call->negotiated_video = TC_SDP_CODEC_NONE;
  starter->started = TRUE;
  starter->started_dirs = starter->funcs.directions (starter->member);
  g_mutex_unlock (&call->lock);

  tc_session_config_init (&cfg);
  gst_tempchat_settings_to_config (&starter->settings, &cfg);
  cfg.send_audio = (dirs & GST_TEMPCHAT_SEND_AUDIO) != 0;
  cfg.send_video = (dirs & GST_TEMPCHAT_SEND_VIDEO) != 0;
  cfg.recv_audio = (dirs & GST_TEMPCHAT_RECV_AUDIO) != 0;
  cfg.recv_video = (dirs & GST_TEMPCHAT_RECV_VIDEO) != 0;
  /* The user's video-codecs that we have encoders and decoders for; the
   * core leaves out those it cannot packetize. */
  if (!gst_tempchat_settings_video_codecs (&starter->settings, &cfg,
          message)) {
    g_mutex_lock (&call->lock);
    starter->started = FALSE;
    g_mutex_unlock (&call->lock);
    return FALSE;
  }

  s = tc_session_new (&cfg, on_session_event, call, &st);
  if (s != NULL)
    st = tc_session_start (s);
  if (st == TC_ERR_UNSUPPORTED) {
    *message = g_strdup_printf ("Could not start the call: none of the "
        "video codecs in video-codecs (%s) can be sent by this build.",
        starter->settings.video_codecs);
  } else if (st != TC_OK) {
    *message = g_strdup_printf ("Could not start the call: %s.",
        tc_status_str (st));
  }
  if (st != TC_OK) {
    tc_session_free (s);
    g_mutex_lock (&call->lock);
    starter->started = FALSE;
    g_mutex_unlock (&call->lock);
    return FALSE;
  }
  call->session = s;
  call->session_dirs = dirs;
  GST_INFO ("[c%u] session started (send%s%s, receive%s%s)", call->serial,
      cfg.send_video ? " video" : "", cfg.send_audio ? " audio" : "",
      cfg.recv_video ? " video" : "", cfg.recv_audio ? " audio" : "");
  return TRUE;
}

/* Between joining a running call and being marked started, the last other
 * member may have stopped it: it saw nobody started and freed the session.
 * A member marked started needs a session, so it starts one. */
static gboolean
restart_if_stopped_meanwhile (GstTempchatCall *call, gpointer member,
    gchar **message)
{
  gboolean ok = TRUE;

  g_rw_lock_writer_lock (&call->session_lock);
  g_mutex_lock (&call->lock);
  Member *m = find_member (call, member);
  gboolean orphaned = m != NULL && m->started && call->session == NULL;
  g_mutex_unlock (&call->lock);
  if (orphaned) {
    GST_INFO ("[c%u] the call stopped while joining it: starting again",
        call->serial);
    ok = create_session (call, m, message);
  }
  g_rw_lock_writer_unlock (&call->session_lock);
  return ok;
}

gboolean
gst_tempchat_call_start (GstTempchatCall *call, gpointer member,
    gchar **message)
{
  gboolean ok = TRUE, joined_running;
  GstTempchatDirections want = 0;
  tc_session_event missed[4];
  Member *m;

  g_rw_lock_writer_lock (&call->session_lock);
  g_mutex_lock (&call->lock);
  m = find_member (call, member);
  g_mutex_unlock (&call->lock);
  g_return_val_if_fail (m != NULL, FALSE);

  joined_running = call->session != NULL;
  if (!joined_running) {
    ok = create_session (call, m, message);
  } else {
    /* A member joining a running call adds what it needs. */
    want = m->funcs.directions (m->member);
    set_session_directions (call, call->session_dirs | want);
  }
  g_rw_lock_writer_unlock (&call->session_lock);
  if (!joined_running)
    return ok;

  /* Started and told what it missed under call->deliver, so no event of the
   * session comes between; delivered with no other lock held. */
  GPtrArray *self = g_ptr_array_new_with_free_func (gst_object_unref);
  g_ptr_array_add (self, gst_object_ref (member));
  g_rec_mutex_lock (&call->deliver);
  g_mutex_lock (&call->lock);
  m = find_member (call, member);
  guint n = 0;
  if (m != NULL) {
    m->started = TRUE;
    m->started_dirs = want;
    n = replay_events (call, missed);
  }
  g_mutex_unlock (&call->lock);
  for (guint i = 0; i < n; i++)
    deliver (call, self, NULL, &missed[i]);
  g_rec_mutex_unlock (&call->deliver);
  g_ptr_array_unref (self);
  return restart_if_stopped_meanwhile (call, member, message);
}

void
gst_tempchat_call_stop (GstTempchatCall *call, gpointer member)
{
  tc_session *s = NULL;
  gboolean any_started = FALSE;
  GstTempchatDirections remaining;

  /* Waits for an event being delivered on another thread; on the
   * delivering thread (a stop from inside a bus handler) goes on. */
  g_rec_mutex_lock (&call->deliver);
  g_mutex_lock (&call->lock);
  Member *m = find_member (call, member);
  if (m != NULL)
    m->started = FALSE;
  g_mutex_unlock (&call->lock);
  g_rec_mutex_unlock (&call->deliver);

  g_rw_lock_writer_lock (&call->session_lock);
  g_mutex_lock (&call->lock);
  for (GList *l = call->members; l != NULL; l = l->next)
    any_started |= ((Member *) l->data)->started;
  remaining = union_of_started (call);
  g_mutex_unlock (&call->lock);
  if (!any_started) {
    s = call->session;
    call->session = NULL;
    call->session_dirs = 0;
  } else {
    /* The others stay in the call: drop what only this member needed, so
     * the peer stops waiting for media we no longer send. */
    set_session_directions (call, remaining);
  }
  /* Outside call->lock: the session thread may be waiting for it. */
  if (s != NULL) {
    tc_session_stop (s);
    tc_session_free (s);
    GST_INFO ("[c%u] session stopped", call->serial);
  }
  g_rw_lock_writer_unlock (&call->session_lock);
}

void
gst_tempchat_call_leave (GstTempchatCall *call, gpointer member)
{
  Member *m;

  gst_tempchat_call_stop (call, member);

  g_mutex_lock (&registry_lock);
  g_mutex_lock (&call->lock);
  m = find_member (call, member);
  call->members = g_list_remove (call->members, m);
  g_mutex_unlock (&call->lock);
  if (m != NULL) {
    gst_tempchat_settings_clear (&m->settings);
    g_free (m);
  }
  if (--call->n_members == 0) {
    GST_DEBUG ("[c%u] last member left", call->serial);
    g_hash_table_remove (registry, call->key);
    call_unref (call);
  }
  g_mutex_unlock (&registry_lock);
}

tc_status
gst_tempchat_call_push_frame (GstTempchatCall *call, tc_media_kind kind,
    const guint8 *data, gsize len, gint64 pts_us, gboolean keyframe,
    const tc_temporal_layer *layer, gint audio_level)
{
  tc_status st = TC_ERR_CLOSED;

  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL && kind == TC_MEDIA_AUDIO)
    st = tc_session_push_audio_frame (call->session, data, len, pts_us,
        audio_level);
  else if (call->session != NULL)
    st = tc_session_push_video_frame (call->session, data, len, pts_us,
        keyframe, layer);
  g_rw_lock_reader_unlock (&call->session_lock);
  return st;
}

tc_status
gst_tempchat_call_set_video_codecs (GstTempchatCall *call,
    const tc_sdp_codec *codecs, gsize n)
{
  tc_status st = TC_ERR_CLOSED;

  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL)
    st = tc_session_set_video_codecs (call->session, codecs, n);
  g_rw_lock_reader_unlock (&call->session_lock);
  return st;
}

tc_status
gst_tempchat_call_set_mtu (GstTempchatCall *call, tc_media_kind kind,
    guint mtu)
{
  tc_status st = TC_ERR_CLOSED;

  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL)
    st = tc_session_set_mtu (call->session, kind, mtu);
  g_rw_lock_reader_unlock (&call->session_lock);
  return st;
}

gboolean
gst_tempchat_call_get_stats (GstTempchatCall *call, tc_session_stats *out)
{
  gboolean ok = FALSE;

  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL)
    ok = tc_session_get_stats (call->session, out) == TC_OK;
  g_rw_lock_reader_unlock (&call->session_lock);
  if (ok)
    out->dir[1].frames_dropped += (guint) g_atomic_int_get (&call->recv_dropped);
  return ok;
}

void
gst_tempchat_call_count_recv_dropped (GstTempchatCall *call)
{
  g_atomic_int_inc (&call->recv_dropped);
}

void
gst_tempchat_call_request_keyframe (GstTempchatCall *call)
{
  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL)
    tc_session_request_keyframe (call->session);
  g_rw_lock_reader_unlock (&call->session_lock);
}

guint
gst_tempchat_call_serial (GstTempchatCall *call)
{
  return call->serial;
}

gboolean
gst_tempchat_element_join (GstElement *element, GstTempchatCall **slot,
    const GstTempchatSettings *settings, const GstTempchatMemberFuncs *funcs)
{
  char room_name[TC_ROOM_NAME_SIZE];
  gchar *message = NULL;
  GstTempchatCall *call = NULL;

  GST_OBJECT_LOCK (element);
  if (gst_tempchat_settings_validate (settings, room_name, &message))
    call = gst_tempchat_call_join (settings, room_name, funcs, element);
  ((GstTempchatSettings *) settings)->changed_since_join = FALSE;
  *slot = call;
  GST_OBJECT_UNLOCK (element);
  if (call == NULL) {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("%s", message), (NULL));
    g_free (message);
  }
  return call != NULL;
}

void
gst_tempchat_element_leave (GstElement *element, GstTempchatCall **slot)
{
  /* Out of the slot first: a property getter on another thread then finds
   * no call, or holds a reference that keeps it alive until it is done. */
  GST_OBJECT_LOCK (element);
  GstTempchatCall *call = *slot;
  *slot = NULL;
  GST_OBJECT_UNLOCK (element);
  if (call != NULL)
    gst_tempchat_call_leave (call, element);
}

/* The element's call with a reference (NULL before NULL->READY): the
 * application's thread may read a property while the element's state
 * changes on another. */
static GstTempchatCall *
ref_element_call (GstElement *element, GstTempchatCall *const *slot)
{
  GST_OBJECT_LOCK (element);
  GstTempchatCall *call = *slot;
  if (call != NULL)
    g_atomic_int_inc (&call->refs);
  GST_OBJECT_UNLOCK (element);
  return call;
}

void
gst_tempchat_call_set_bitrates (GstTempchatCall *call, gpointer member,
    const GstTempchatSettings *settings)
{
  tc_sdp_bitrates rates;
  Member *m;

  gst_tempchat_settings_bitrates (settings, &rates);
  g_mutex_lock (&call->lock);
  m = find_member (call, member);
  if (m != NULL) {
    m->settings.quality = settings->quality;
    m->settings.start_bitrate = settings->start_bitrate;
    m->settings.min_bitrate = settings->min_bitrate;
    m->settings.max_bitrate = settings->max_bitrate;
  }
  g_mutex_unlock (&call->lock);
  g_rw_lock_reader_lock (&call->session_lock);
  if (call->session != NULL)
    tc_session_set_bitrates (call->session, settings->quality, &rates);
  g_rw_lock_reader_unlock (&call->session_lock);
}

void
gst_tempchat_element_apply_bitrates (GstElement *element,
    GstTempchatCall *const *slot, const GstTempchatSettings *settings)
{
  GstTempchatSettings copy = { 0 };
  GstTempchatCall *call = ref_element_call (element, slot);

  if (call == NULL)
    return;
  GST_OBJECT_LOCK (element);
  copy.quality = settings->quality;
  copy.start_bitrate = settings->start_bitrate;
  copy.min_bitrate = settings->min_bitrate;
  copy.max_bitrate = settings->max_bitrate;
  GST_OBJECT_UNLOCK (element);
  gst_tempchat_call_set_bitrates (call, element, &copy);
  call_unref (call);
}

GstStructure *
gst_tempchat_element_stats (GstElement *element, GstTempchatCall *const *slot,
    const GstTempchatSettings *settings)
{
  tc_session_stats stats;
  GstTempchatCall *call = ref_element_call (element, slot);
  gboolean have = call != NULL && gst_tempchat_call_get_stats (call, &stats);
  GstStructure *st = gst_tempchat_stats_to_structure (have ? &stats : NULL);

  if (call != NULL)
    call_unref (call);
  GST_OBJECT_LOCK (element);
  gst_tempchat_stats_add_limits (st, settings);
  GST_OBJECT_UNLOCK (element);
  return st;
}

gboolean
gst_tempchat_element_rejoin_if_changed (GstElement *element,
    GstTempchatCall **slot, const GstTempchatSettings *settings,
    const GstTempchatMemberFuncs *funcs)
{
  gboolean changed;

  GST_OBJECT_LOCK (element);
  changed = settings->changed_since_join || *slot == NULL;
  GST_OBJECT_UNLOCK (element);
  if (!changed)
    return TRUE;
  GST_DEBUG_OBJECT (element, "settings changed in READY: joining again");
  gst_tempchat_element_leave (element, slot);
  return gst_tempchat_element_join (element, slot, settings, funcs);
}
