/* relay_wsmeter.h - watch the websocket frame headers a client sends, before
 * libwebsockets parses them.
 *
 * Why: libwebsockets 4.1 answers pings itself without telling the protocol,
 * accepts unmasked client frames, and hands a message over in pieces
 * whatever its announced length. A relay on the open internet must refuse
 * unmasked frames (RFC 6455 5.1), count control frames and continuation
 * fragments against the client's rate budget, and close as soon as a
 * message is known to be over the size limit (a frame may announce 2^62
 * bytes). The meter reads the same byte stream lws reads and says so.
 *
 * A connection starts in HTTP: the meter only looks for the end of each
 * request header ("\r\n\r\n"). When lws upgrades the connection,
 * relay_wsmeter_begin_frames() switches to frames; a client that sent bytes
 * after its upgrade request without waiting for the 101 is refused there
 * (the meter could not know where its frames start).
 *
 * Payload bytes are skipped by count, never looked at: the cost is per
 * frame, not per byte. Pure: bytes in, verdict out; no I/O, no allocation.
 * Threads: use from one thread.
 */
#ifndef RELAY_WSMETER_H
#define RELAY_WSMETER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  RELAY_METER_OK,
  RELAY_METER_UNMASKED,   /* a client frame without a mask: close 1002 */
  RELAY_METER_TOO_LARGE,  /* the message is over the limit: close 1009 */
  RELAY_METER_PROTOCOL,   /* a frame no client may send: close 1002 */
} relay_meter_verdict;

typedef struct {
  bool frames;            /* false: still in HTTP */
  bool broken;            /* a verdict was given; nothing more is read */
  uint8_t crlf;           /* HTTP: how much of "\r\n\r\n" has matched */
  uint64_t after_header;  /* HTTP: bytes since the last header ended */
  uint8_t hdr[14];        /* the frame header being collected */
  uint8_t hdr_have;
  uint64_t payload_left;  /* of the current frame */
  uint64_t message_bytes; /* of the current data message, announced */
  bool in_message;        /* a data message started and is not finished */
  uint64_t limit;         /* largest message, in bytes */
} relay_wsmeter;

typedef struct {
  relay_meter_verdict verdict;
  /* Bytes of this feed before the frame that broke a rule (all of them
   * when OK): lws may process these, the rest is to be discarded. */
  size_t accepted;
  /* Control frames and continuation fragments that began in this feed;
   * each costs the sender what a message costs. The first frame of a data
   * message is not counted here: the message is charged when it arrives. */
  unsigned extra_frames;
} relay_meter_result;

void relay_wsmeter_init (relay_wsmeter *m, uint64_t limit);

/* The connection was upgraded to a websocket. Returns false if the client
 * already sent bytes after the upgrade request. */
bool relay_wsmeter_begin_frames (relay_wsmeter *m);

relay_meter_result relay_wsmeter_feed (relay_wsmeter *m, const uint8_t *buf,
    size_t len);

#endif
