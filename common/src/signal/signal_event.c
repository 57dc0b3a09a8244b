/* signal_event.c - stable names for tc_signal events (logs, CLI, tests). */
#include "tempchat/tc_signal.h"

static const char *const event_names[] = {
  [TC_SIGNAL_EV_OPEN] = "open",
  [TC_SIGNAL_EV_SUBSCRIBED] = "subscribed",
  [TC_SIGNAL_EV_PEER_JOINED] = "peer-joined",
  [TC_SIGNAL_EV_PEER_LEFT] = "peer-left",
  [TC_SIGNAL_EV_EXTRA_MEMBER] = "extra-member",
  [TC_SIGNAL_EV_MESSAGE] = "message",
  [TC_SIGNAL_EV_DISCONNECTED] = "disconnected",
  [TC_SIGNAL_EV_RECONNECTED] = "reconnected",
  [TC_SIGNAL_EV_ERROR] = "error",
  [TC_SIGNAL_EV_ROOM_BUSY] = "room-busy",
};

_Static_assert (sizeof event_names / sizeof event_names[0]
    == TC_SIGNAL_EV_ROOM_BUSY + 1, "every event type needs a name");

const char *
tc_signal_event_name (tc_signal_event_type type)
{
  if ((unsigned) type > TC_SIGNAL_EV_ROOM_BUSY)
    return "unknown";
  return event_names[type];
}
