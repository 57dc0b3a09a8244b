/* status.c - names and sentences for tc_status. */
#include "tempchat/tc_status.h"

#include <stddef.h>

struct status_text {
  const char *name;
  const char *sentence;
};

/* Indexed by tc_status; the static assert below keeps it complete. */
static const struct status_text table[] = {
  [TC_OK] = {"TC_OK", "success"},
  [TC_ERR_INVALID_ARG] = {"TC_ERR_INVALID_ARG", "invalid argument"},
  [TC_ERR_NOMEM] = {"TC_ERR_NOMEM", "out of memory"},
  [TC_ERR_PARSE] = {"TC_ERR_PARSE", "malformed message"},
  [TC_ERR_TOO_LARGE] = {"TC_ERR_TOO_LARGE", "message too large"},
  [TC_ERR_BAD_ROOM] = {"TC_ERR_BAD_ROOM",
      "not a TempChat room: expected a link like https://host/#abc123, "
      "#abc123 or abc123"},
  [TC_ERR_BAD_URL] = {"TC_ERR_BAD_URL",
      "signaling URL must be ws:// or wss:// with a host"},
  [TC_ERR_INSECURE_URL] = {"TC_ERR_INSECURE_URL",
      "unencrypted ws:// is only allowed to a loopback host unless "
      "insecure signaling is enabled"},
  [TC_ERR_CONNECT] = {"TC_ERR_CONNECT",
      "could not connect: the server or network could not be reached"},
  [TC_ERR_TLS] = {"TC_ERR_TLS", "TLS connection to the signaling server failed"},
  [TC_ERR_HANDSHAKE] = {"TC_ERR_HANDSHAKE", "the signaling server refused the handshake"},
  [TC_ERR_BAD_CHANNEL] = {"TC_ERR_BAD_CHANNEL", "the signaling server does not know this channel id"},
  [TC_ERR_SUBSCRIBE] = {"TC_ERR_SUBSCRIBE", "the signaling server refused to join the room"},
  [TC_ERR_ROOM_FULL] = {"TC_ERR_ROOM_FULL", "the room is full"},
  [TC_ERR_RATE_LIMIT] = {"TC_ERR_RATE_LIMIT", "too many messages; slow down"},
  [TC_ERR_SERVER_GONE] = {"TC_ERR_SERVER_GONE", "the signaling server went away and did not come back"},
  [TC_ERR_CLOSED] = {"TC_ERR_CLOSED", "already closed"},
  [TC_ERR_SERVER] = {"TC_ERR_SERVER", "the signaling server reported an error"},
  [TC_ERR_UNSUPPORTED] = {"TC_ERR_UNSUPPORTED", "not supported"},
  [TC_ERR_DTLS] = {"TC_ERR_DTLS",
      "the encrypted media connection (DTLS) with the peer failed"},
  [TC_ERR_AUTH] = {"TC_ERR_AUTH", "a media packet failed authentication"},
  [TC_ERR_REPLAY] = {"TC_ERR_REPLAY", "a media packet was a replay"},
  [TC_ERR_NOT_CONNECTED] = {"TC_ERR_NOT_CONNECTED",
      "there is no media connection to the peer"},
  [TC_ERR_WOULD_BLOCK] = {"TC_ERR_WOULD_BLOCK",
      "the network is busy; the packet was dropped"},
  [TC_ERR_TIMEOUT] = {"TC_ERR_TIMEOUT", "the peer did not answer in time"},
  [TC_ERR_SRTP_INDEX] = {"TC_ERR_SRTP_INDEX",
      "a media packet would reuse an encryption index and was not sent"},
  [TC_ERR_TURN] = {"TC_ERR_TURN",
      "the TURN server gave no relay address: it refused the credentials or "
      "could not be reached"},
};

_Static_assert (sizeof table / sizeof table[0] == TC_STATUS_COUNT_,
    "every tc_status needs a row in the table");

const char *
tc_status_str (tc_status st)
{
  if ((unsigned) st >= TC_STATUS_COUNT_ || table[st].sentence == NULL)
    return "unknown status";
  return table[st].sentence;
}

const char *
tc_status_name (tc_status st)
{
  if ((unsigned) st >= TC_STATUS_COUNT_ || table[st].name == NULL)
    return "TC_STATUS_UNKNOWN";
  return table[st].name;
}
