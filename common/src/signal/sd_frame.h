/* sd_frame.h - ScaleDrone v3 frames: build what the client sends, parse what
 * the server sends (internal). Pure: no I/O, no clock, any thread.
 *
 * Client -> server (key order as scaledrone-node@1.5.0 serializes them):
 *   {"type":"handshake","channel":C,"version":2,"client_data":null,"callback":N}
 *   {"type":"subscribe","room":R,"callback":N}
 *   {"type":"publish","room":R,"message":M}
 *   {"type":"unsubscribe","room":R}
 * Server -> client:
 *   {"callback":N,"client_id":ID} | {"callback":N,"error":E}
 *   {"type":"observable_members","room":R,"data":[{"id":ID,...},...]}
 *   {"type":"observable_member_join"|"observable_member_leave","room":R,
 *    "data":{"id":ID,...}}
 *   {"type":"publish","room":R,"message":M,"client_id":ID,"id":..,"timestamp":..}
 *   {"error":E}
 */
#ifndef TEMPCHAT_SIGNAL_SD_FRAME_H
#define TEMPCHAT_SIGNAL_SD_FRAME_H

#include <jansson.h>
#include <stddef.h>

#include "tempchat/tc_status.h"

/* Largest frame we accept (bytes), the same cap as the WebSocket reader. */
#define TC_SD_FRAME_MAX 65536

typedef enum {
  TC_SD_FRAME_IGNORED,       /* valid JSON of a type we do not use */
  TC_SD_FRAME_CALLBACK,      /* reply to a request we numbered */
  TC_SD_FRAME_MEMBERS,       /* observable_members: the whole list */
  TC_SD_FRAME_MEMBER_JOIN,   /* observable_member_join: one id */
  TC_SD_FRAME_MEMBER_LEAVE,  /* observable_member_leave: one id */
  TC_SD_FRAME_PUBLISH,       /* a message published to a room */
  TC_SD_FRAME_ERROR,         /* an error not tied to a request */
} tc_sd_frame_kind;

/* A decoded server frame. Everything is owned by the struct and released by
 * tc_sd_frame_clear(). Fields a kind does not use are NULL / 0. */
typedef struct {
  tc_sd_frame_kind kind;
  long long callback;   /* CALLBACK: the request's number */
  char *client_id;      /* CALLBACK: ours (handshake); PUBLISH: the sender,
                         * NULL when published by the server's REST API */
  char *error;          /* CALLBACK (NULL on success) and ERROR: the text */
  char *room;           /* MEMBERS, MEMBER_JOIN/LEAVE, PUBLISH */
  char **ids;           /* MEMBERS: every member in list order;
                         * MEMBER_JOIN/LEAVE: exactly one */
  size_t n_ids;
  json_t *message;      /* PUBLISH: the published value (own reference) */
} tc_sd_frame;

/* Parses one server text frame. TC_OK fills `out` (kind IGNORED for types we
 * do not use); TC_ERR_PARSE for invalid JSON or a known type whose fields have
 * the wrong JSON types; TC_ERR_TOO_LARGE above TC_SD_FRAME_MAX. `out` is
 * always safe to clear. */
tc_status tc_sd_frame_decode (const char *buf, size_t len, tc_sd_frame *out);

void tc_sd_frame_clear (tc_sd_frame *frame);

/* Builders return compact JSON text the caller frees with free(), or NULL on
 * invalid arguments (NULL strings, invalid UTF-8) or allocation failure.
 * `callback` is the request number the reply will carry. */
char *tc_sd_encode_handshake (const char *channel, long long callback);
char *tc_sd_encode_subscribe (const char *room, long long callback);
/* `message` is borrowed and embedded as a JSON value. */
char *tc_sd_encode_publish (const char *room, const json_t *message);
char *tc_sd_encode_unsubscribe (const char *room);

/* Server error texts -> our status codes (sd_error.c). ScaleDrone's errors
 * are free text, so these look for the telling words, case-insensitively.
 * NULL gives the generic code of each. */
/* Handshake refused: TC_ERR_BAD_CHANNEL when the text says the channel is
 * unknown / not found / invalid, else TC_ERR_HANDSHAKE. */
tc_status tc_sd_handshake_error (const char *text);
/* Subscription refused: TC_ERR_ROOM_FULL when the text says "full", else
 * TC_ERR_SUBSCRIBE. */
tc_status tc_sd_subscribe_error (const char *text);
/* An error outside any request: TC_ERR_RATE_LIMIT for rate-limit / too-many
 * / exceeded texts, else TC_ERR_SERVER. */
tc_status tc_sd_server_error (const char *text);

#endif
