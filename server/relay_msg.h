/* relay_msg.h - one outgoing websocket text message, shared by reference.
 *
 * A publish is serialized once and queued for every subscriber of a room, so
 * the bytes are refcounted instead of copied per recipient. The buffer keeps
 * RELAY_MSG_HEADROOM writable bytes before the payload because lws_write()
 * writes the websocket frame header there (LWS_PRE); the I/O layer checks at
 * compile time that the headroom is large enough. Sharing the headroom is
 * safe: everything runs on the one service thread and lws_write() is done
 * with the header before it returns.
 *
 * Threads: single-threaded; not safe to share across threads.
 */
#ifndef RELAY_MSG_H
#define RELAY_MSG_H

#include <jansson.h>
#include <stddef.h>

#define RELAY_MSG_HEADROOM 64

typedef struct relay_msg relay_msg;

/* Serializes `json` compactly into a new message with refcount 1, or NULL if
 * it cannot be serialized. Does not take `json`; the caller still owns it. */
relay_msg *relay_msg_new_json (const json_t *json);

/* Copies `len` bytes of text into a new message with refcount 1. */
relay_msg *relay_msg_new (const char *text, size_t len);

relay_msg *relay_msg_ref (relay_msg *msg);
/* NULL-safe. Frees the message when the last reference goes. */
void relay_msg_unref (relay_msg *msg);

/* The payload (not NUL-terminated) and its length. RELAY_MSG_HEADROOM bytes
 * before the returned pointer belong to the message and may be written. */
unsigned char *relay_msg_data (relay_msg *msg);
size_t relay_msg_len (const relay_msg *msg);

#endif
