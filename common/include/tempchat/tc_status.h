/* tc_status.h - status codes returned by every fallible tempchat call.
 *
 * Stable names (never renumber; append only). TC_OK is zero so that
 * `if (st != TC_OK)` and `if (st)` both read naturally. Network input never
 * asserts or aborts: it yields one of these codes.
 */
#ifndef TEMPCHAT_TC_STATUS_H
#define TEMPCHAT_TC_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TC_OK = 0,
  TC_ERR_INVALID_ARG,   /* programmer error: NULL or out-of-range argument */
  TC_ERR_NOMEM,         /* allocation failed */
  TC_ERR_PARSE,         /* malformed input (JSON, frame, field types) */
  TC_ERR_TOO_LARGE,     /* input exceeds a size limit */
  TC_ERR_BAD_ROOM,      /* room text is not a TempChat link, #hash or hash */
  TC_ERR_BAD_URL,       /* signaling URL cannot be used */
  TC_ERR_INSECURE_URL,  /* ws:// to a non-loopback host without permission */
  TC_ERR_CONNECT,       /* could not reach the signaling server */
  TC_ERR_TLS,           /* TLS failed (certificate not trusted, ...) */
  TC_ERR_HANDSHAKE,     /* the server refused the handshake */
  TC_ERR_BAD_CHANNEL,   /* the server does not know the channel id */
  TC_ERR_SUBSCRIBE,     /* the server refused the room subscription */
  TC_ERR_ROOM_FULL,     /* the room has reached its member limit */
  TC_ERR_RATE_LIMIT,    /* too many messages */
  TC_ERR_SERVER_GONE,   /* the server closed and reconnecting gave up */
  TC_ERR_CLOSED,        /* the object was closed; the call was refused */
  TC_ERR_SERVER,        /* the server replied with an error not listed above */
  TC_ERR_UNSUPPORTED,   /* valid input we do not handle */
  TC_ERR_DTLS,          /* the DTLS handshake with the peer failed */
  TC_ERR_AUTH,          /* an SRTP/SRTCP packet failed authentication */
  TC_ERR_REPLAY,        /* an SRTP/SRTCP packet was a replay */
  TC_ERR_NOT_CONNECTED, /* no media path to the peer (yet, or any more) */
  TC_ERR_WOULD_BLOCK,   /* the socket is full; the datagram was dropped */
  TC_ERR_TIMEOUT,       /* the peer did not answer in time */
  TC_ERR_SRTP_INDEX,    /* an SRTP index would be protected a second time */
  TC_ERR_TURN,          /* relay-only, and the TURN server gave no relay
                           address: it refused the credentials, or it could
                           not be reached */
  TC_STATUS_COUNT_      /* not a status: keeps tc_status_str's table honest */
} tc_status;

/* A short English sentence for `st`, never NULL; static storage. */
const char *tc_status_str (tc_status st);

/* The enum's name ("TC_ERR_PARSE"), for tests and debug logs. */
const char *tc_status_name (tc_status st);

#ifdef __cplusplus
}
#endif
#endif
