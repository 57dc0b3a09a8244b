/* relay_frame.h - parse one ScaleDrone v3 client frame (JSON text) into a
 * struct. Pure: no I/O, no clock, no global state.
 *
 * The client frames the relay understands (scaledrone-node@1.5.0 sends them):
 *   {"type":"handshake","channel":C,"version":2,"client_data":D,"callback":N}
 *   {"type":"subscribe","room":R,"callback":N,"history":H,"history_count":H}
 *   {"type":"publish","room":R,"message":M}
 *   {"type":"unsubscribe","room":R}
 *   {"type":"authenticate","token":JWT,"callback":N}
 * "callback" is optional everywhere; history requests are accepted and
 * ignored (this relay keeps no history). Unknown fields are ignored.
 *
 * Ownership: relay_frame_parse() fills a caller-owned relay_frame; the
 * strings and json_t pointers in it are borrowed from frame->root and stay
 * valid until relay_frame_clear(). Always call relay_frame_clear(), also
 * after a failed parse.
 */
#ifndef RELAY_FRAME_H
#define RELAY_FRAME_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest token accepted, in bytes. */
#define RELAY_MAX_TOKEN_LEN 8192
/* Longest channel id and room name accepted, in bytes. */
#define RELAY_MAX_CHANNEL_LEN 256
#define RELAY_MAX_ROOM_LEN 256
/* Largest client_data, as compact JSON: it is repeated to every member of
 * every room the client joins, so it must stay small. */
#define RELAY_MAX_CLIENT_DATA 4096
/* The only protocol version this relay speaks. */
#define RELAY_PROTOCOL_VERSION 2

typedef enum {
  RELAY_FRAME_HANDSHAKE,
  RELAY_FRAME_SUBSCRIBE,
  RELAY_FRAME_UNSUBSCRIBE,
  RELAY_FRAME_PUBLISH,
  RELAY_FRAME_AUTHENTICATE,
} relay_frame_type;

typedef enum {
  RELAY_PARSE_OK = 0,
  RELAY_PARSE_BAD_JSON,       /* not JSON, or not UTF-8 */
  RELAY_PARSE_NOT_OBJECT,     /* JSON, but not an object */
  RELAY_PARSE_BAD_TYPE,       /* "type" missing or not a string */
  RELAY_PARSE_UNKNOWN_TYPE,   /* "type" names no frame we know */
  RELAY_PARSE_BAD_CALLBACK,   /* "callback" not a non-negative integer */
  RELAY_PARSE_BAD_CHANNEL,    /* "channel" missing, empty, long or not text */
  RELAY_PARSE_BAD_VERSION,    /* "version" is not 2 */
  RELAY_PARSE_BAD_ROOM,       /* "room" missing, empty, long or not text */
  RELAY_PARSE_BAD_HISTORY,    /* "history"/"history_count" of a wrong type */
  RELAY_PARSE_NO_MESSAGE,     /* publish without "message" */
  RELAY_PARSE_BIG_CLIENT_DATA,/* "client_data" over RELAY_MAX_CLIENT_DATA */
  RELAY_PARSE_BAD_TOKEN,      /* "token" missing, empty, long or not text */
  RELAY_PARSE_STATUS_COUNT_   /* not a status: keeps the sentences honest */
} relay_parse_status;

typedef struct {
  json_t *root;             /* owned; NULL if the text was not JSON */
  relay_frame_type type;
  bool has_callback;        /* set whenever "callback" was valid, even if a */
  json_int_t callback;      /*   later field failed, so errors can answer it */
  const char *channel;      /* handshake */
  json_t *client_data;      /* handshake; JSON null when absent */
  const char *room;         /* subscribe, unsubscribe, publish */
  json_t *message;          /* publish; any JSON value */
  const char *token;        /* authenticate */
  size_t token_len;
} relay_frame;

/* Parses `len` bytes at `buf` (need not be NUL-terminated) into `out`, which
 * is overwritten. Returns RELAY_PARSE_OK or the first problem found. */
relay_parse_status relay_frame_parse (const char *buf, size_t len,
    relay_frame *out);

/* Releases what relay_frame_parse() stored in `frame`. NULL-safe and
 * idempotent. */
void relay_frame_clear (relay_frame *frame);

/* A sentence for the client describing `st`; static storage, never NULL.
 * It never quotes the input. */
const char *relay_parse_status_str (relay_parse_status st);

#endif
